/*
 * fault_sig_demo.c - the signal demo with one of its calls failing: it must
 * say which call failed and why, exit 1, and leave no child behind; an
 * interrupted select it must ride out. Faults are armed in the demo's
 * process through IPCSPEC_FAULTS (spec/faults.md), and the log proves each
 * one fired.
 *
 * Spec: SIG-DEMO-04..05 (spec/sig.md).
 * See also: impl/demo/sig_demo.c, test_sig_demo.c (the demo without faults).
 */
#include "fault.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct demo_run {
    pid_t pid;
    int status;
    char out[1024];
    char err[512];
    char log[256];
};

/* Start the demo (2 children) with faults armed; output goes to files. */
static void demo_start(const char *faults, struct demo_run *run)
{
    char *argv[] = { IPCSPEC_SIG_DEMO, "-n", "2", NULL };
    char spec[128], log_var[300];
    char *env[] = { spec, log_var, NULL };
    int out, err;

    snprintf(spec, sizeof spec, "IPCSPEC_FAULTS=%s", faults);
    snprintf(log_var, sizeof log_var, "IPCSPEC_FAULT_LOG=%s", ipct_path("faults.log"));
    out = (int)ASSERT_SYS_OK(open(ipct_path("out"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    err = (int)ASSERT_SYS_OK(open(ipct_path("err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    unlink(ipct_path("faults.log"));
    run->pid = ipct_spawn_exec_env(argv, env, -1, out, err);
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
        if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 1)
            IPCT_FAIL("[%s] demo status 0x%x; expected exit code 1 (stderr \"%s\")",
                      failures[i].faults, run.status, run.err);
        if (strstr(run.err, failures[i].message) == NULL)
            IPCT_FAIL("[%s] stderr \"%s\" lacks \"%s\"", failures[i].faults, run.err,
                      failures[i].message);
        if (run.log[0] == '\0')
            IPCT_FAIL("[%s] the fault never fired (empty log)", failures[i].faults);
        /* every child it forked was reaped: none came back to us orphaned */
        errno = 0;
        if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
            IPCT_FAIL("[%s] a child of the demo was left behind", failures[i].faults);
    }
}

/* SIG-DEMO-05 the demo rides out a select interrupted by EINTR */
static void fault_sig_demo_05_select_eintr_ridden_out(void **state)
{
    char *argv[] = { IPCSPEC_SIG_DEMO, "-n", "2", NULL };
    char spec[] = "IPCSPEC_FAULTS=posix/io/net/select:1:4", log_var[300];
    char *env[] = { spec, log_var, NULL };
    char out[1024] = "", log[128];
    size_t len = 0;
    int fds[2];
    (void)state;

    snprintf(log_var, sizeof log_var, "IPCSPEC_FAULT_LOG=%s", ipct_path("faults.log"));
    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    pid_t pid = ipct_spawn_exec_env(argv, env, -1, fds[1], -1);
    close(fds[1]);
    while (strstr(out, "ready") == NULL) { /* said once both children are reaped */
        struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
        if (ASSERT_SYS_OK(poll(&pfd, 1, ipct_deadline_ms())) == 0 || len + 1 >= sizeof out)
            IPCT_FAIL("the demo never said ready (stdout \"%s\")", out);
        ssize_t n = ASSERT_SYS_OK(read(fds[0], out + len, sizeof out - len - 1));
        if (n == 0)
            IPCT_FAIL("the demo ended before it was ready (stdout \"%s\")", out);
        len += (size_t)n;
        out[len] = '\0';
    }
    ASSERT_SYS_OK(kill(pid, SIGTERM));
    assert_child_exited(pid, 0);
    close(fds[0]);
    assert_string_equal(ipct_read_text(ipct_path("faults.log"), log, sizeof log),
                        "posix/io/net/select 1 4\n");
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_sig_demo_04_each_failing_call_reported),
    IPCF_TEST(fault_sig_demo_05_select_eintr_ridden_out),
};

IPCT_MAIN("sig_demo_faults", tests)
