/*
 * fault_sig_demo.c - the signal demo with one of its calls failing: it must
 * say which call failed and why, exit 1, and leave no child behind; an
 * interrupted select and a SIGCHLD left blocked it must ride out. Faults
 * are armed in the demo's process through IPCSPEC_FAULTS (spec/faults.md),
 * the log proves each one fired, and the descriptor audit (IPCSPEC_FD_AUDIT)
 * lists what the demo left open at exit.
 *
 * Spec: SIG-DEMO-04..08 (spec/sig.md).
 * See also: impl/demo/sig_demo.c, test_sig_demo.c (the demo without faults).
 */
#include "fault.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct demo_run {
    pid_t pid;
    int status;
    char out[1024];
    char err[512];
    char log[1024];
};

/* Run the demo (2 children) with faults armed, and with the descriptor
 * audit on when audit is 1; its standard output and error go to out and err. */
static pid_t demo_spawn(const char *faults, int audit, int out, int err)
{
    char *argv[] = { IPCSPEC_SIG_DEMO, "-n", "2", NULL };
    char spec[128], log_var[300], audit_var[] = "IPCSPEC_FD_AUDIT=1";
    char *env[] = { spec, log_var, audit ? audit_var : NULL, NULL };

    snprintf(spec, sizeof spec, "IPCSPEC_FAULTS=%s", faults);
    snprintf(log_var, sizeof log_var, "IPCSPEC_FAULT_LOG=%s", ipct_path("faults.log"));
    unlink(ipct_path("faults.log"));
    return ipct_spawn_exec_env(argv, env, -1, out, err);
}

/* Start the demo with faults armed; output goes to files. */
static void demo_start(const char *faults, struct demo_run *run)
{
    int out, err;

    out = (int)ASSERT_SYS_OK(open(ipct_path("out"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    err = (int)ASSERT_SYS_OK(open(ipct_path("err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    run->pid = demo_spawn(faults, 1, out, err);
    close(out);
    close(err);
}

static void demo_collect(struct demo_run *run)
{
    run->status = ipct_wait(run->pid);
    ipct_read_text(ipct_path("out"), run->out, sizeof run->out);
    ipct_read_text(ipct_path("err"), run->err, sizeof run->err);
    ipct_read_text(ipct_path("faults.log"), run->log, sizeof run->log);
}

/* Read the demo's standard output from fd into out until it says
 * "ready"; fail if it ends first or the deadline passes. */
static void await_ready(int fd, char *out, size_t cap)
{
    size_t len = 0;

    out[0] = '\0';
    while (strstr(out, "ready") == NULL) { /* said once both children are reaped */
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (ASSERT_SYS_OK(poll(&pfd, 1, ipct_deadline_ms())) == 0 || len + 1 >= cap)
            IPCT_FAIL("the demo never said ready (stdout \"%s\")", out);
        ssize_t n = ASSERT_SYS_OK(read(fd, out + len, cap - len - 1));
        if (n == 0)
            IPCT_FAIL("the demo ended before it was ready (stdout \"%s\")", out);
        len += (size_t)n;
        out[len] = '\0';
    }
}

/* 1 when log holds a firing ("point nth errno"), not only audit lines. */
static int fault_logged(const char *log)
{
    for (const char *line = log; *line != '\0';) {
        if (strncmp(line, "fd-leak ", 8) != 0 && *line != '\n')
            return 1;
        const char *next = strchr(line, '\n');
        line = next != NULL ? next + 1 : line + strlen(line);
    }
    return 0;
}

/* The first descriptor the audit in log says the demo left open and did
 * not inherit from this process, or -1 when there is none. */
static int own_fd_left(const char *log)
{
    for (const char *line = strstr(log, "fd-leak "); line != NULL; line = strstr(line + 1, "fd-leak ")) {
        char *end;
        (void)strtol(line + 8, &end, 10); /* the pid */
        int fd = (int)strtol(end, NULL, 10);
        int flags = fcntl(fd, F_GETFD);
        if (flags == -1 || (flags & FD_CLOEXEC))
            return fd;
    }
    return -1;
}

/* The run with faults armed must have ended with exit code 1, standard
 * error saying message, the fault fired, and no child of the demo left. */
static void expect_reported(const char *faults, const char *message, const struct demo_run *run)
{
    if (!WIFEXITED(run->status) || WEXITSTATUS(run->status) != 1)
        IPCT_FAIL("[%s] demo status 0x%x; expected exit code 1 (stderr \"%s\")", faults,
                  run->status, run->err);
    if (strstr(run->err, message) == NULL)
        IPCT_FAIL("[%s] stderr \"%s\" lacks \"%s\"", faults, run->err, message);
    if (!fault_logged(run->log))
        IPCT_FAIL("[%s] the fault never fired (log \"%s\")", faults, run->log);
    /* every child it forked was reaped: none came back to us orphaned */
    errno = 0;
    if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
        IPCT_FAIL("[%s] a child of the demo was left behind", faults);
}

static const struct {
    const char *faults;  /* IPCSPEC_FAULTS */
    const char *message; /* what standard error must say */
} failures[] = {
    { "posix/proc/sigaction:1:22", "ipcspec-sig-demo: sigaction: Invalid argument" },
    { "posix/pipe/pipe2:1:24", "ipcspec-sig-demo: signal bridge: Too many open files" },
    { "posix/proc/sigaction:2:22", "ipcspec-sig-demo: signal bridge: Invalid argument" },
    { "posix/proc/sigprocmask:1:14", "ipcspec-sig-demo: signal bridge: Bad address" },
    { "posix/proc/fork:1:11", "ipcspec-sig-demo: fork: Resource temporarily unavailable" },
    { "posix/proc/fork:2:11", "ipcspec-sig-demo: fork: Resource temporarily unavailable" },
    { "posix/io/net/select:1:5", "ipcspec-sig-demo: select: Input/output error" },
    { "posix/proc/sigprocmask:2:14", "ipcspec-sig-demo: reap: Bad address" },
};

/* SIG-DEMO-04 the demo reports a failing call, exits 1 and leaves no child */
static void fault_sig_demo_04_each_failing_call_reported(void **state)
{
    struct demo_run run;
    (void)state;

    for (size_t i = 0; i < sizeof failures / sizeof failures[0]; i++) {
        demo_start(failures[i].faults, &run);
        demo_collect(&run);
        expect_reported(failures[i].faults, failures[i].message, &run);
    }
}

/* SIG-DEMO-05 the demo rides out a select interrupted by EINTR */
static void fault_sig_demo_05_select_eintr_ridden_out(void **state)
{
    char out[1024], log[128];
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    pid_t pid = demo_spawn("posix/io/net/select:1:4", 0, fds[1], -1);
    close(fds[1]);
    await_ready(fds[0], out, sizeof out);
    ASSERT_SYS_OK(kill(pid, SIGTERM));
    assert_child_exited(pid, 0);
    close(fds[0]);
    assert_string_equal(ipct_read_text(ipct_path("faults.log"), log, sizeof log),
                        "posix/io/net/select 1 4\n");
}

/* SIG-DEMO-06 a call failing after the bridge opened still closes the bridge */
static void fault_sig_demo_06_failure_after_bridge_closes_it(void **state)
{
    static const char *const faults[] = { "posix/proc/sigaction:6:22", "posix/proc/sigaction:7:22",
                                          "posix/proc/sigaction:8:22", "posix/proc/sigaction:9:22" };
    struct demo_run run;
    (void)state;

    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        demo_start(faults[i], &run);
        demo_collect(&run);
        expect_reported(faults[i], "ipcspec-sig-demo: sigaction: Invalid argument", &run);
        /* under valgrind the audit also lists valgrind's own descriptors */
        int fd = ipct_under_memcheck() ? -1 : own_fd_left(run.log);
        if (fd != -1)
            IPCT_FAIL("[%s] the demo exited with its descriptor %d open (log \"%s\")", faults[i],
                      fd, run.log);
    }
}

static const struct {
    const char *faults;  /* IPCSPEC_FAULTS */
    const char *message; /* what standard error must say */
} stdout_failures[] = {
    { "posix/stdio/sp/vprintf:1:5", "ipcspec-sig-demo: write stdout: Input/output error" },
    { "posix/stdio/sp/vprintf:3:28", "ipcspec-sig-demo: write stdout: No space left on device" },
    { "posix/stdio/sp/vprintf:5:5", "ipcspec-sig-demo: write stdout: Input/output error" },
    { "posix/stdio/sp/vprintf:7:28", "ipcspec-sig-demo: write stdout: No space left on device" },
    { "posix/stdio/fflush:1:5", "ipcspec-sig-demo: write stdout: Input/output error" },
    { "posix/stdio/fflush:6:5", "ipcspec-sig-demo: write stdout: Input/output error" },
    { "posix/stdio/fflush:7:5", "ipcspec-sig-demo: write stdout: Input/output error" },
};

/* SIG-DEMO-07 a failing write of standard output is reported at once */
static void fault_sig_demo_07_stdout_failure_reported(void **state)
{
    struct demo_run run;
    (void)state;

    for (size_t i = 0; i < sizeof stdout_failures / sizeof stdout_failures[0]; i++) {
        demo_start(stdout_failures[i].faults, &run);
        demo_collect(&run); /* no signal is sent: the demo must end by itself */
        expect_reported(stdout_failures[i].faults, stdout_failures[i].message, &run);
    }
}

/* SIG-DEMO-07 a failing write of standard output is reported at once */
static void fault_sig_demo_07_caught_line_failure_reported(void **state)
{
    const char *faults = "posix/stdio/sp/vprintf:8:5";
    struct demo_run run;
    int fds[2];
    (void)state;

    int err = (int)ASSERT_SYS_OK(open(ipct_path("err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    run.pid = demo_spawn(faults, 1, fds[1], err);
    close(fds[1]);
    close(err);
    await_ready(fds[0], run.out, sizeof run.out);
    ASSERT_SYS_OK(kill(run.pid, SIGUSR1)); /* its "caught SIGUSR1" line fails */
    run.status = ipct_wait(run.pid);
    close(fds[0]);
    ipct_read_text(ipct_path("err"), run.err, sizeof run.err);
    ipct_read_text(ipct_path("faults.log"), run.log, sizeof run.log);
    expect_reported(faults, "ipcspec-sig-demo: write stdout: Input/output error", &run);
}

/* SIG-DEMO-08 the demo unblocks SIGCHLD itself after each reap */
static void fault_sig_demo_08_failed_unblock_ridden_out(void **state)
{
    const char *both = "posix/proc/sigprocmask:3:22,posix/proc/sigprocmask:4:22";
    char out[1024], log[1024];
    struct demo_run run;
    int fds[2];
    (void)state;

    /* the reaper's unblock fails: the demo's own puts SIGCHLD right */
    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    pid_t pid = demo_spawn("posix/proc/sigprocmask:3:22", 0, fds[1], -1);
    close(fds[1]);
    await_ready(fds[0], out, sizeof out);
    if (strstr(out, " exited with 1\n") == NULL || strstr(out, " exited with 2\n") == NULL)
        IPCT_FAIL("the demo said ready before both children were reaped (stdout \"%s\")", out);
    ASSERT_SYS_OK(kill(pid, SIGTERM));
    assert_child_exited(pid, 0);
    close(fds[0]);
    if (strstr(ipct_read_text(ipct_path("faults.log"), log, sizeof log),
               "posix/proc/sigprocmask 3 22\n") == NULL)
        IPCT_FAIL("the fault never fired (log \"%s\")", log);

    /* the demo's own unblock fails as well: reported, with no signal sent */
    demo_start(both, &run);
    demo_collect(&run);
    expect_reported(both, "ipcspec-sig-demo: unblock SIGCHLD: Invalid argument", &run);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_sig_demo_04_each_failing_call_reported),
    IPCF_TEST(fault_sig_demo_05_select_eintr_ridden_out),
    IPCF_TEST(fault_sig_demo_06_failure_after_bridge_closes_it),
    IPCF_TEST(fault_sig_demo_07_stdout_failure_reported),
    IPCF_TEST(fault_sig_demo_07_caught_line_failure_reported),
    IPCF_TEST(fault_sig_demo_08_failed_unblock_ridden_out),
};

IPCT_MAIN("sig_demo_faults", tests)
