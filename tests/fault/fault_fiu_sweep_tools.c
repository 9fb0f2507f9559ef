/*
 * fault_fiu_sweep_tools.c - what the fault sweep stands on, proved like any
 * other behaviour: the preload's trace, descriptor audit and releasing
 * close, for programs a test executes.
 *
 * Spec: FIU-ENV-03..05 (spec/faults.md).
 * See also: tests/fault/preload/env_faults.c,
 * ipcspec_preload.c, tests/fault/sweep/sweep.py.
 */
#include "fault.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What one run of the pipe demo left: exit status, output and the log. */
struct demo_run {
    int status;
    char out[256];
    char log[4096];
};

/* Run ipcspec-pipe-demo "a" "b" with the extra environment env and collect. */
static void run_demo(char *const env[], struct demo_run *run)
{
    char *argv[] = { IPCSPEC_PIPE_DEMO, "a", "b", NULL };
    const char *out_path = ipct_path("out");
    int out = (int)ASSERT_SYS_OK(open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    pid_t demo = ipct_spawn_exec_env(argv, env, -1, out, -1);

    close(out);
    run->status = ipct_wait(demo);
    ipct_read_text(out_path, run->out, sizeof run->out);
    ipct_read_text(ipct_path("faults.log"), run->log, sizeof run->log);
}

/* "IPCSPEC_FAULT_LOG=<test dir>/faults.log", in buf. */
static char *log_var(char *buf, size_t cap)
{
    unlink(ipct_path("faults.log"));
    snprintf(buf, cap, "IPCSPEC_FAULT_LOG=%s", ipct_path("faults.log"));
    return buf;
}

/* FIU-ENV-03 a traced program logs each call of each listed point with its number, and nothing fails */
static void fault_fiu_env_03_trace_logs_calls(void **state)
{
    const char *list = ipct_path("points");
    char logv[300], tracev[300];
    char *env[] = { logv, tracev, NULL };
    struct demo_run run;
    (void)state;

    int fd = (int)ASSERT_SYS_OK(open(list, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    static const char points[] = "posix/pipe/pipe2\nposix/proc/fork\n";
    assert_int_equal(ASSERT_SYS_OK(write(fd, points, strlen(points))), strlen(points));
    ASSERT_SYS_OK(close(fd));
    log_var(logv, sizeof logv);
    snprintf(tracev, sizeof tracev, "IPCSPEC_FAULT_TRACE=%s", list);

    run_demo(env, &run);
    assert_true(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0);
    assert_string_equal(run.out, "A B\n");
    char expect_pipe[64], expect_fork[64];
    snprintf(expect_pipe, sizeof expect_pipe, " posix/pipe/pipe2 1\n");
    snprintf(expect_fork, sizeof expect_fork, " posix/proc/fork 1\n");
    if (strstr(run.log, expect_pipe) == NULL || strstr(run.log, expect_fork) == NULL ||
        strncmp(run.log, "call ", 5) != 0)
        IPCT_FAIL("the trace does not list pipe2 and fork once each: \"%s\"", run.log);
    if (strstr(run.log, "posix/io/") != NULL)
        IPCT_FAIL("the trace lists a point the file did not name: \"%s\"", run.log);
}

/* True when fd is open here without FD_CLOEXEC: a program we run inherits it. */
static int inherited(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    return flags != -1 && !(flags & FD_CLOEXEC);
}

/* Fail unless every "fd-leak PID FD TARGET" line of log names an inherited
 * descriptor: what the demo itself opened it must close. */
static void only_inherited_reported(const char *log)
{
    for (const char *line = log; *line != '\0';) {
        char *end = NULL;
        if (strncmp(line, "fd-leak ", 8) == 0)
            strtol(line + 8, &end, 10); /* the pid */
        if (end == NULL || *end != ' ')
            IPCT_FAIL("not an audit line: \"%s\"", line);
        long fd = strtol(end + 1, &end, 10);
        if (fd < 3 || fd > 1023 || !inherited((int)fd))
            IPCT_FAIL("the demo left a descriptor of its own open: \"%s\"", line);
        const char *next = strchr(line, '\n');
        line = next != NULL ? next + 1 : line + strlen(line);
    }
}

/* FIU-ENV-04 with the audit on, a program that exits with a descriptor open above 2 logs it */
static void fault_fiu_env_04_audit_logs_open_descriptors(void **state)
{
    char logv[300];
    char *env[] = { logv, "IPCSPEC_FD_AUDIT=1", NULL };
    struct demo_run run;
    (void)state;

    if (ipct_under_memcheck())
        IPCT_SKIP("under valgrind the program's descriptor table also holds valgrind's own files");

    log_var(logv, sizeof logv);
    run_demo(env, &run);
    assert_string_equal(run.out, "A B\n");
    only_inherited_reported(run.log); /* the demo closes all it opens */

    /* An inherited descriptor, never closed by the demo, is reported. */
    int keep = (int)ASSERT_SYS_OK(open("/dev/null", O_RDONLY)); /* no O_CLOEXEC */
    log_var(logv, sizeof logv);
    run_demo(env, &run);
    ASSERT_SYS_OK(close(keep));
    char expect[64];
    snprintf(expect, sizeof expect, " %d /dev/null\n", keep);
    if (strstr(run.log, expect) == NULL)
        IPCT_FAIL("the audit did not report descriptor %d: \"%s\"", keep, run.log);
}

/* FIU-ENV-05 with IPCSPEC_CLOSE_RELEASES a failing close releases the descriptor, as Linux does */
static void fault_fiu_env_05_failing_close_releases(void **state)
{
    char logv[300];
    /* close number 1 is the parent's close of the read end, and, counted on
     * from the fork, the child's close of the write end: were that one not
     * released, the child would never see end of file. */
    char *env[] = { logv, "IPCSPEC_FAULTS=posix/io/oc/close:1:5", "IPCSPEC_CLOSE_RELEASES=1",
                    NULL };
    struct demo_run run;
    (void)state;

    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind makes calls of its own through the program's libc, so call numbers differ");

    log_var(logv, sizeof logv);
    run_demo(env, &run);
    assert_true(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0);
    assert_string_equal(run.out, "A B\n");
    assert_string_equal(run.log, "posix/io/oc/close 1 5\nposix/io/oc/close 1 5\n");
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_fiu_env_03_trace_logs_calls),
    IPCF_TEST(fault_fiu_env_04_audit_logs_open_descriptors),
    IPCF_TEST(fault_fiu_env_05_failing_close_releases),
};

IPCT_MAIN("fiu_sweep_tools", tests)
