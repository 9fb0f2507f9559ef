/* SPDX-License-Identifier: MIT */
/*
 * fault_fiu_sweep_tools.c - what the fault sweep stands on, proved like any
 * other behaviour: the preload's trace, descriptor audit and releasing
 * close, for programs a test executes.
 *
 * Spec: FIU-ENV-03..05 (spec/faults.md).
 * See also: tests/fault/preload/env_faults.c, ipcspec_preload.c,
 * tests/fault/sweep/sweep.py, tests/lib/fault_prog.c (ipcf_prog).
 */
#include "fault.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char *pipe_demo[] = { IPCSPEC_PIPE_DEMO, "a", "b", NULL };

/* Run ipcspec-pipe-demo "a" "b" with the extra environment env (faults
 * armed as faults says, NULL: none) and collect it into *run. */
static void run_demo(char *const env[], const char *faults, struct ipcf_prog *run)
{
    *run = (struct ipcf_prog){ .argv = pipe_demo, .faults = faults, .env = env };
    ipcf_prog_run(run);
}

/* FIU-ENV-03 a traced program logs each call of each listed point with its number, and nothing fails */
static void fault_fiu_env_03_trace_logs_calls(void **state)
{
    const char *list = ipct_path("points");
    char tracev[300];
    char *env[] = { tracev, NULL };
    struct ipcf_prog run;
    (void)state;

    int fd = (int)ASSERT_SYS_OK(open(list, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    static const char points[] = "posix/pipe/pipe2\nposix/proc/fork\n";
    ASSERT_EQ(ASSERT_SYS_OK(write(fd, points, strlen(points))), strlen(points));
    ASSERT_SYS_OK(close(fd));
    snprintf(tracev, sizeof tracev, "IPCSPEC_FAULT_TRACE=%s", list);

    run_demo(env, NULL, &run);
    ASSERT_PROG_EXITED(&run, 0, NULL);
    ASSERT_STR_EQ(run.out, "A B\n");
    char expect_pipe[64], expect_fork[64];
    snprintf(expect_pipe, sizeof expect_pipe, " posix/pipe/pipe2 1\n");
    snprintf(expect_fork, sizeof expect_fork, " posix/proc/fork 1\n");
    if (strstr(run.log, expect_pipe) == NULL || strstr(run.log, expect_fork) == NULL ||
        strncmp(run.log, "call ", 5) != 0)
        IPCT_FAIL("the trace does not list pipe2 and fork once each: \"%s\"", run.log);
    if (strstr(run.log, "posix/io/") != NULL)
        IPCT_FAIL("the trace lists a point the file did not name: \"%s\"", run.log);
}

/* FIU-ENV-04 with the audit on, a program that exits with a descriptor open above 2 logs it */
static void fault_fiu_env_04_audit_logs_open_descriptors(void **state)
{
    char *env[] = { "IPCSPEC_FD_AUDIT=1", NULL };
    struct ipcf_prog run;
    (void)state;

    if (ipct_under_memcheck())
        IPCT_SKIP("under valgrind the program's descriptor table also holds valgrind's own files");

    run_demo(env, NULL, &run);
    ASSERT_STR_EQ(run.out, "A B\n");
    int fd = ipcf_own_fd_left(run.log); /* the demo closes all it opens */
    if (fd != -1)
        IPCT_FAIL("the demo left its descriptor %d open: \"%s\"", fd, run.log);

    /* An inherited descriptor, never closed by the demo, is reported. */
    int keep = (int)ASSERT_SYS_OK(open("/dev/null", O_RDONLY)); /* no O_CLOEXEC */
    run_demo(env, NULL, &run);
    ASSERT_SYS_OK(close(keep));
    char expect[64];
    snprintf(expect, sizeof expect, " %d /dev/null\n", keep);
    if (strstr(run.log, expect) == NULL)
        IPCT_FAIL("the audit did not report descriptor %d: \"%s\"", keep, run.log);
}

/* FIU-ENV-05 with IPCSPEC_CLOSE_RELEASES a failing close releases the descriptor, as Linux does */
static void fault_fiu_env_05_failing_close_releases(void **state)
{
    /* close number 1 is the parent's close of the read end, and, counted on
     * from the fork, the child's close of the write end: were that one not
     * released, the child would never see end of file. */
    char *env[] = { "IPCSPEC_CLOSE_RELEASES=1", NULL };
    struct ipcf_prog run;
    (void)state;

    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind makes calls of its own through the program's libc, so call numbers differ");

    run_demo(env, "posix/io/oc/close:1:5", &run);
    ASSERT_PROG_EXITED(&run, 0, NULL);
    ASSERT_STR_EQ(run.out, "A B\n");
    ASSERT_STR_EQ(run.log, "posix/io/oc/close 1 5\nposix/io/oc/close 1 5\n");
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_fiu_env_03_trace_logs_calls),
    IPCF_TEST(fault_fiu_env_04_audit_logs_open_descriptors),
    IPCF_TEST(fault_fiu_env_05_failing_close_releases),
};

IPCT_MAIN("fiu_sweep_tools", tests)
