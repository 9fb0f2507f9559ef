/* SPDX-License-Identifier: MIT */
/*
 * fault_sig_demo.c - the signal demo with one of its calls failing: it must
 * say which call failed and why, exit 1, and leave no child behind; an
 * interrupted select and a SIGCHLD left blocked it must ride out. Faults
 * are armed in the demo's process through IPCSPEC_FAULTS (spec/faults.md),
 * the log proves each one fired, and the descriptor audit (IPCSPEC_FD_AUDIT)
 * lists what the demo left open at exit (struct ipcf_prog,
 * tests/lib/fault_prog.c).
 *
 * Spec: SIG-DEMO-04..08 (spec/sig.md).
 * See also: impl/demo/sig_demo.c, test_sig_demo.c (the demo without faults).
 */
#include "fault.h"

#include <string.h>
#include <sys/wait.h>

/* Start the demo (2 children) with faults armed, the descriptor audit on
 * when audit is 1, and its standard output a pipe when pipe_out is 1. */
static void demo_start(struct ipcf_prog *run, const char *faults, int audit, int pipe_out)
{
    static char *const argv[] = { IPCSPEC_SIG_DEMO, "-n", "2", NULL };

    *run = (struct ipcf_prog){ .argv = argv, .faults = faults, .audit = audit,
                               .pipe_out = pipe_out };
    ipcf_prog_start(run);
}

/* The run with faults armed must have ended with exit code 1, standard
 * error saying message, the fault fired, and no child of the demo left. */
static void expect_reported(const struct ipcf_prog *run, const char *message)
{
    ASSERT_PROG_EXITED(run, 1, message);
    /* every child it forked was reaped: none came back to us (the subreaper) orphaned */
    ASSERT_SYS_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

/* Run the demo to its end with faults armed and the audit on; it must
 * report message (expect_reported). */
static void run_reported(const char *faults, const char *message, struct ipcf_prog *run)
{
    demo_start(run, faults, 1, 0);
    ipcf_prog_collect(run);
    expect_reported(run, message);
}

/* The faults a case arms and what the demo must say on standard error. */
struct demo_failure {
    const char *faults;  /* IPCSPEC_FAULTS */
    const char *message;
};

static const struct demo_failure failures[] = {
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
    const struct demo_failure *f = ipct_variant();
    struct ipcf_prog run;
    (void)state;

    run_reported(f->faults, f->message, &run);
}

/* SIG-DEMO-05 the demo rides out a select interrupted by EINTR */
static void fault_sig_demo_05_select_eintr_ridden_out(void **state)
{
    struct ipcf_prog run;
    (void)state;

    demo_start(&run, "posix/io/net/select:1:4", 0, 1);
    ASSERT_PROG_SAID(&run, "ready");
    ASSERT_SYS_OK(kill(run.pid, SIGTERM));
    ipcf_prog_collect(&run);
    ASSERT_PROG_EXITED(&run, 0, NULL);
    ASSERT_STR_EQ(run.log, "posix/io/net/select 1 4\n");
}

/* The sigaction calls made after the bridge opened. */
static const char *const after_bridge[] = { "posix/proc/sigaction:6:22",
                                            "posix/proc/sigaction:7:22",
                                            "posix/proc/sigaction:8:22",
                                            "posix/proc/sigaction:9:22" };

/* SIG-DEMO-06 a call failing after the bridge opened still closes the bridge */
static void fault_sig_demo_06_failure_after_bridge_closes_it(void **state)
{
    const char *const *faults = ipct_variant();
    struct ipcf_prog run;
    (void)state;

    run_reported(*faults, "ipcspec-sig-demo: sigaction: Invalid argument", &run);
    /* under valgrind the audit also lists valgrind's own descriptors */
    int fd = ipct_under_memcheck() ? -1 : ipcf_own_fd_left(run.log);
    if (fd != -1)
        IPCT_FAIL("the demo exited with its descriptor %d open (log \"%s\")", fd, run.log);
}

static const struct demo_failure stdout_failures[] = {
    { "posix/stdio/sp/vfprintf:1:5", "ipcspec-sig-demo: write stdout: Input/output error" },
    { "posix/stdio/sp/vfprintf:3:28", "ipcspec-sig-demo: write stdout: No space left on device" },
    { "posix/stdio/sp/vfprintf:5:5", "ipcspec-sig-demo: write stdout: Input/output error" },
    { "posix/stdio/sp/vfprintf:7:28", "ipcspec-sig-demo: write stdout: No space left on device" },
    { "posix/stdio/fflush:1:5", "ipcspec-sig-demo: write stdout: Input/output error" },
    { "posix/stdio/fflush:6:5", "ipcspec-sig-demo: write stdout: Input/output error" },
    { "posix/stdio/fflush:7:5", "ipcspec-sig-demo: write stdout: Input/output error" },
};

/* SIG-DEMO-07 a failing write of standard output is reported at once */
static void fault_sig_demo_07_stdout_failure_reported(void **state)
{
    const struct demo_failure *f = ipct_variant();
    struct ipcf_prog run;
    (void)state;

    run_reported(f->faults, f->message, &run); /* no signal is sent: it must end by itself */
}

/* SIG-DEMO-07 a failing write of standard output is reported at once */
static void fault_sig_demo_07_caught_line_failure_reported(void **state)
{
    struct ipcf_prog run;
    (void)state;

    demo_start(&run, "posix/stdio/sp/vfprintf:8:5", 1, 1);
    ASSERT_PROG_SAID(&run, "ready");
    ASSERT_SYS_OK(kill(run.pid, SIGUSR1)); /* its "caught SIGUSR1" line fails */
    ipcf_prog_collect(&run);
    expect_reported(&run, "ipcspec-sig-demo: write stdout: Input/output error");
}

/* SIG-DEMO-08 the demo unblocks SIGCHLD itself after each reap */
static void fault_sig_demo_08_failed_unblock_ridden_out(void **state)
{
    struct ipcf_prog run;
    (void)state;

    /* the reaper's unblock fails: the demo's own puts SIGCHLD right */
    demo_start(&run, "posix/proc/sigprocmask:3:22", 0, 1);
    ASSERT_PROG_SAID(&run, "ready"); /* said once both children are reaped */
    if (strstr(run.out, " exited with 1\n") == NULL || strstr(run.out, " exited with 2\n") == NULL)
        IPCT_FAIL("the demo said ready before both children were reaped (stdout \"%s\")", run.out);
    ASSERT_SYS_OK(kill(run.pid, SIGTERM));
    ipcf_prog_collect(&run);
    ASSERT_PROG_EXITED(&run, 0, NULL); /* and "posix/proc/sigprocmask 3 22" is in the log */

    /* the demo's own unblock fails as well: reported, with no signal sent */
    run_reported("posix/proc/sigprocmask:3:22,posix/proc/sigprocmask:4:22",
                 "ipcspec-sig-demo: unblock SIGCHLD: Invalid argument", &run);
}

/* One row of a table above as a case of its own, with the fault fixtures. */
#define DEMO_CASE(fn, row, ptr) IPCT_VARIANT_WITH(fn, row, ptr, ipcf_setup, ipcf_teardown)

static const struct CMUnitTest tests[] = {
    DEMO_CASE(fault_sig_demo_04_each_failing_call_reported, "sigaction-1", &failures[0]),
    DEMO_CASE(fault_sig_demo_04_each_failing_call_reported, "pipe2-1", &failures[1]),
    DEMO_CASE(fault_sig_demo_04_each_failing_call_reported, "sigaction-2", &failures[2]),
    DEMO_CASE(fault_sig_demo_04_each_failing_call_reported, "sigprocmask-1", &failures[3]),
    DEMO_CASE(fault_sig_demo_04_each_failing_call_reported, "fork-1", &failures[4]),
    DEMO_CASE(fault_sig_demo_04_each_failing_call_reported, "fork-2", &failures[5]),
    DEMO_CASE(fault_sig_demo_04_each_failing_call_reported, "select-1", &failures[6]),
    DEMO_CASE(fault_sig_demo_04_each_failing_call_reported, "sigprocmask-2", &failures[7]),
    IPCF_TEST(fault_sig_demo_05_select_eintr_ridden_out),
    DEMO_CASE(fault_sig_demo_06_failure_after_bridge_closes_it, "sigaction-6", &after_bridge[0]),
    DEMO_CASE(fault_sig_demo_06_failure_after_bridge_closes_it, "sigaction-7", &after_bridge[1]),
    DEMO_CASE(fault_sig_demo_06_failure_after_bridge_closes_it, "sigaction-8", &after_bridge[2]),
    DEMO_CASE(fault_sig_demo_06_failure_after_bridge_closes_it, "sigaction-9", &after_bridge[3]),
    DEMO_CASE(fault_sig_demo_07_stdout_failure_reported, "vfprintf-1", &stdout_failures[0]),
    DEMO_CASE(fault_sig_demo_07_stdout_failure_reported, "vfprintf-3", &stdout_failures[1]),
    DEMO_CASE(fault_sig_demo_07_stdout_failure_reported, "vfprintf-5", &stdout_failures[2]),
    DEMO_CASE(fault_sig_demo_07_stdout_failure_reported, "vfprintf-7", &stdout_failures[3]),
    DEMO_CASE(fault_sig_demo_07_stdout_failure_reported, "fflush-1", &stdout_failures[4]),
    DEMO_CASE(fault_sig_demo_07_stdout_failure_reported, "fflush-6", &stdout_failures[5]),
    DEMO_CASE(fault_sig_demo_07_stdout_failure_reported, "fflush-7", &stdout_failures[6]),
    IPCF_TEST(fault_sig_demo_07_caught_line_failure_reported),
    IPCF_TEST(fault_sig_demo_08_failed_unblock_ridden_out),
};

IPCT_MAIN("sig_demo_faults", tests)
