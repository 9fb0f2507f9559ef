/* SPDX-License-Identifier: MIT */
/*
 * fault_prog.c - run a program a test executes (a demo) with faults armed in
 * it through the environment, and judge what came of it: its exit status,
 * its standard error, and the fault log that proves each fault fired.
 *
 * The preload's extension (env_faults.c) arms the items of IPCSPEC_FAULTS in
 * the program and appends "point nth errno" to IPCSPEC_FAULT_LOG for each
 * firing; with IPCSPEC_FD_AUDIT it adds "fd-leak PID fd target" for each
 * descriptor left open at exit. Every wait here is bounded.
 *
 * See also: fault.h, child.c, tests/fault/preload/env_faults.c, spec/faults.md.
 */
#include "fault.h"
#include "internal.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { FILE_LEN = sizeof ((struct ipcf_prog *)0)->stem + 8 };

/* "<stem>.<ext>", in buf. */
static const char *file_of(const struct ipcf_prog *p, const char *ext, char *buf)
{
    snprintf(buf, FILE_LEN, "%s.%s", p->stem, ext);
    return buf;
}

/* "<program>-<n>", for messages. */
static const char *name_of(const struct ipcf_prog *p)
{
    return strrchr(p->stem, '/') + 1;
}

static const char *faults_of(const struct ipcf_prog *p)
{
    return p->faults != NULL ? p->faults : "no faults";
}

static int create(const char *path)
{
    return (int)ASSERT_SYS_OK(open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
}

/* Its standard input: a pipe, the text p->input in a file, or /dev/null. */
static int stdin_for(struct ipcf_prog *p)
{
    char path[FILE_LEN];
    int fds[2];

    if (p->pipe_in) {
        ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
        p->in_fd = fds[1];
        return fds[0];
    }
    if (p->input == NULL)
        return (int)ASSERT_SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    int fd = create(file_of(p, "in", path));
    size_t len = strlen(p->input);
    ASSERT_EQ(ASSERT_SYS_OK(write(fd, p->input, len)), len);
    ASSERT_SYS_OK(lseek(fd, 0, SEEK_SET));
    return fd;
}

/* Its standard output: a pipe the test reads, or the file <stem>.out. */
static int stdout_for(struct ipcf_prog *p)
{
    int fds[2];

    if (!p->pipe_out) {
        char path[FILE_LEN];
        return create(file_of(p, "out", path));
    }
    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    p->out_fd = fds[0];
    return fds[1];
}

pid_t ipcf_prog_start(struct ipcf_prog *p)
{
    static unsigned started; /* names each program's files apart */
    const char *base = strrchr(p->argv[0], '/');
    char leaf[64], path[FILE_LEN], spec[1100], log_var[FILE_LEN + 32];
    char audit_var[] = "IPCSPEC_FD_AUDIT=1";
    char *env[16] = { log_var };
    int n = 1, fds[3];

    snprintf(leaf, sizeof leaf, "%s-%u", base != NULL ? base + 1 : p->argv[0], started++);
    snprintf(p->stem, sizeof p->stem, "%s", ipct_path(leaf));
    p->in_fd = p->out_fd = -1;
    p->status = 0;
    p->out[0] = p->err[0] = p->log[0] = '\0';
    /* the preload appends: a log left from before would hold old firings */
    snprintf(log_var, sizeof log_var, "IPCSPEC_FAULT_LOG=%s", file_of(p, "log", path));
    unlink(path);
    if (p->faults != NULL) {
        if ((size_t)snprintf(spec, sizeof spec, "IPCSPEC_FAULTS=%s", p->faults) >= sizeof spec)
            IPCT_FAIL("IPCSPEC_FAULTS=%s is too long", p->faults);
        env[n++] = spec;
    }
    if (p->audit)
        env[n++] = audit_var;
    for (char *const *more = p->env; more != NULL && *more != NULL; more++) {
        if (n == (int)(sizeof env / sizeof env[0]) - 1)
            IPCT_FAIL("%s: more environment than ipcf_prog takes", p->argv[0]);
        env[n++] = *more;
    }
    fds[0] = stdin_for(p);
    fds[1] = stdout_for(p);
    fds[2] = create(file_of(p, "err", path));
    p->pid = ipct_spawn_exec_env(p->argv, env, fds[0], fds[1], fds[2]);
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    return p->pid;
}

int ipcf_prog_await(struct ipcf_prog *p, const char *text)
{
    size_t len = strlen(p->out);

    if (p->out_fd < 0)
        IPCT_FAIL("%s: its standard output is no pipe the test reads", name_of(p));
    while (strstr(p->out, text) == NULL) {
        struct pollfd pfd = { .fd = p->out_fd, .events = POLLIN };
        if (len + 1 >= sizeof p->out)
            IPCT_FAIL("[%s] %s printed \"%s\" and not \"%s\"", faults_of(p), name_of(p), p->out,
                      text);
        if (ASSERT_SYS_OK(poll(&pfd, 1, ipct_deadline_ms())) == 0)
            IPCT_FAIL("[%s] %s did not print \"%s\" within %d ms (stdout \"%s\")", faults_of(p),
                      name_of(p), text, ipct_deadline_ms(), p->out);
        ssize_t got = ASSERT_SYS_OK(read(p->out_fd, p->out + len, sizeof p->out - len - 1));
        if (got == 0)
            return 0;
        len += (size_t)got;
        p->out[len] = '\0';
    }
    return 1;
}

void ipcf_prog_read(struct ipcf_prog *p)
{
    char path[FILE_LEN];

    if (p->in_fd >= 0)
        close(p->in_fd);
    if (p->out_fd >= 0)
        close(p->out_fd);
    if (!p->pipe_out) /* else p->out holds what ipcf_prog_await read */
        ipct_read_text(file_of(p, "out", path), p->out, sizeof p->out);
    p->in_fd = p->out_fd = -1;
    ipct_read_text(file_of(p, "err", path), p->err, sizeof p->err);
    ipct_read_text(file_of(p, "log", path), p->log, sizeof p->log);
}

void ipcf_prog_collect(struct ipcf_prog *p)
{
    if (p->in_fd >= 0) { /* the end of its input */
        close(p->in_fd);
        p->in_fd = -1;
    }
    p->status = ipct_wait(p->pid);
    ipcf_prog_read(p);
}

void ipcf_prog_run(struct ipcf_prog *p)
{
    ipcf_prog_start(p);
    ipcf_prog_collect(p);
}

/* 1 when text holds line as a whole line of its own. */
static int has_line(const char *text, const char *line)
{
    for (const char *at = text; (at = strstr(at, line)) != NULL; at++) {
        if (at == text || at[-1] == '\n')
            return 1;
    }
    return 0;
}

/* The first item of faults whose line "point nth errno" log lacks, copied
 * into item; NULL when every one fired. */
static const char *unfired(const char *log, const char *faults, char *item, size_t cap)
{
    char items[1024], line[128];
    char *save = NULL;

    snprintf(items, sizeof items, "%s", faults != NULL ? faults : "");
    for (char *it = strtok_r(items, ",", &save); it != NULL; it = strtok_r(NULL, ",", &save)) {
        char *nth = strchr(it, ':');
        char *err = nth != NULL ? strchr(nth + 1, ':') : NULL;
        snprintf(item, cap, "%s", it);
        if (err == NULL)
            return item; /* malformed: the program refused it, nothing fired */
        snprintf(line, sizeof line, "%.*s %ld %ld\n", (int)(nth - it), it,
                 strtol(nth + 1, NULL, 10), strtol(err + 1, NULL, 10));
        if (!has_line(log, line))
            return item;
    }
    return NULL;
}

int ipcf_own_fd_left(const char *log)
{
    for (const char *line = log; *line != '\0';) {
        const char *next = strchr(line, '\n');
        size_t len = next != NULL ? (size_t)(next - line) : strlen(line);
        if (strncmp(line, "fd-leak ", 8) == 0) {
            char *end = NULL;
            (void)strtol(line + 8, &end, 10); /* the pid */
            long fd = *end == ' ' ? strtol(end + 1, &end, 10) : -1;
            if (fd < 3 || fd > 1023 || *end != ' ')
                IPCT_FAIL("not an audit line: \"%.*s\"", (int)len, line);
            int flags = fcntl((int)fd, F_GETFD);
            if (flags == -1 || (flags & FD_CLOEXEC))
                return (int)fd;
        }
        line += len + (next != NULL);
    }
    return -1;
}

void ipcf__assert_said(struct ipcf_prog *p, const char *text, const char *file, int line)
{
    if (!ipcf_prog_await(p, text)) {
        char path[FILE_LEN], err[512];
        ipct__fail_at(file, line, "[%s] %s ended its output before it said \"%s\" "
                      "(stdout \"%s\", stderr \"%s\")", faults_of(p), name_of(p), text, p->out,
                      ipct_read_text(file_of(p, "err", path), err, sizeof err));
    }
}

void ipcf__assert_exited(const struct ipcf_prog *p, int code, const char *message,
                         const char *file, int line)
{
    if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != code)
        ipct__fail_at(file, line, "[%s] %s %s; expected exit code %d (stderr \"%s\", log \"%s\")",
                      faults_of(p), name_of(p), ipct__describe_status(p->status), code, p->err,
                      p->log);
    if (message != NULL && strstr(p->err, message) == NULL)
        ipct__fail_at(file, line, "[%s] %s: stderr \"%s\" lacks \"%s\"", faults_of(p),
                      name_of(p), p->err, message);
    char item[128];
    if (unfired(p->log, p->faults, item, sizeof item) != NULL)
        ipct__fail_at(file, line, "[%s] %s: fault %s never fired: no line of it in the log \"%s\"",
                      faults_of(p), name_of(p), item, p->log);
}
