/* SPDX-License-Identifier: MIT */
/*
 * sock_demo_helpers.h - running the socket demo programs as a user would:
 * the server started and waited for through its "ready" line, clients run
 * to their end with their output collected, every wait bounded.
 *
 * See also: test_sock_demo.c, test_sock_socat.c, ../fault/fault_sock_demo.c.
 */
#ifndef SOCK_DEMO_HELPERS_H
#define SOCK_DEMO_HELPERS_H

#include "sock_helpers.h"

#include <poll.h>
#include <stdlib.h>
#include <sys/wait.h>

struct sd_run {
    int status;
    char out[128];
    char err[256];
};

/* Read from fd until a newline or n - 1 bytes, each wait bounded; NUL-terminated. */
static inline void sd_read_line(int fd, char *buf, size_t n)
{
    size_t got = 0;

    buf[0] = '\0';
    while (got < n - 1 && (got == 0 || buf[got - 1] != '\n')) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (ASSERT_SYS_OK(poll(&p, 1, ipct_deadline_ms())) == 0)
            IPCT_FAIL("no line after the deadline (so far \"%.*s\")", (int)got, buf);
        ssize_t r = ASSERT_SYS_OK(read(fd, buf + got, 1));
        if (r == 0)
            break;
        got += (size_t)r;
        buf[got] = '\0';
    }
}

/*
 * Start ipcspec-sock-server KIND ADDR [MAX] with env (NULL or extra
 * variables); returns its pid once it said "ready" (port: the port it
 * printed), or, when it ended first, its pid with *line holding what it
 * printed instead.
 */
static inline pid_t sd_start_env(const char *kind, const char *addr, const char *max,
                                 char *const env[], char *line, size_t cap, int err_fd)
{
    char *argv[] = { IPCSPEC_SOCK_SERVER_DEMO, (char *)kind, (char *)addr, (char *)max, NULL };
    int out[2];

    ASSERT_SYS_OK(pipe2(out, O_CLOEXEC));
    pid_t pid = ipct_spawn_exec_env(argv, env, -1, out[1], err_fd);
    close(out[1]);
    sd_read_line(out[0], line, cap);
    close(out[0]);
    return pid;
}

/* Start the server; it must say "ready" (and the port, for tcp and udp). */
static inline pid_t sd_start(const char *kind, const char *addr, uint16_t *port)
{
    char line[32];
    pid_t pid = sd_start_env(kind, addr, NULL, NULL, line, sizeof line, -1);
    char *end = line;
    unsigned long p = 0;

    if (port != NULL && strncmp(line, "ready ", 6) == 0)
        p = strtoul(line + 6, &end, 10);
    if (port == NULL ? strcmp(line, "ready\n") != 0 : (p == 0 || p > 65535 || strcmp(end, "\n") != 0))
        IPCT_FAIL("the server printed \"%s\" instead of its ready line", line);
    if (port != NULL)
        *port = (uint16_t)p;
    return pid;
}

/* Run argv (with env) to its end, stdout and stderr collected into run. */
static inline int sd_run_env(char *const argv[], char *const env[], struct sd_run *run)
{
    int fds[2];

    for (int k = 0; k < 2; k++)
        fds[k] = (int)ASSERT_SYS_OK(open(ipct_path(k ? "run.err" : "run.out"),
                                         O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    pid_t pid = ipct_spawn_exec_env(argv, env, -1, fds[0], fds[1]);
    close(fds[0]);
    close(fds[1]);
    run->status = ipct_wait(pid);
    ipct_read_text(ipct_path("run.out"), run->out, sizeof run->out);
    ipct_read_text(ipct_path("run.err"), run->err, sizeof run->err);
    return WIFEXITED(run->status) ? WEXITSTATUS(run->status) : 128 + WTERMSIG(run->status);
}

static inline int sd_run(char *const argv[], struct sd_run *run)
{
    return sd_run_env(argv, NULL, run);
}

/* Stop the server with sig: it must exit 0 and leave no file at path (unless NULL). */
static inline void sd_stop(pid_t pid, int sig, const char *path)
{
    struct stat st;

    ASSERT_SYS_OK(kill(pid, sig));
    assert_child_exited(pid, 0);
    if (path != NULL)
        ASSERT_SYS_ERR(lstat(path, &st), ENOENT);
}

#endif
