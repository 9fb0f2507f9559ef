/* SPDX-License-Identifier: MIT */
/*
 * fault_pipe_demo.c - the pipe demo with one of its calls failing: it must
 * say which call failed and why, exit 1, and leave no process behind; an
 * EINTR it must ride out. Faults are armed in the demo's process through
 * IPCSPEC_FAULTS (spec/faults.md), and the log proves each one fired
 * (struct ipcf_prog, tests/lib/fault_prog.c). Each failure is a variant
 * row: a case of its own, named after the call that fails.
 *
 * Spec: PIPE-DEMO-05..06 (spec/pipe.md).
 * See also: impl/demo/pipe_demo.c, test_pipe_demo.c (the demo without faults).
 */
#include "fault.h"

/* Run the demo with faults armed, words as arguments (or, with none, input on
 * standard input), and collect what it printed and what fired. */
static void run_demo(const char *faults, char *const words[], const char *input,
                     struct ipcf_prog *run)
{
    char *argv[8] = { IPCSPEC_PIPE_DEMO };

    for (int i = 0; words != NULL && words[i] != NULL && i < 6; i++)
        argv[i + 1] = words[i];
    *run = (struct ipcf_prog){ .argv = argv, .faults = faults, .input = input };
    ipcf_prog_run(run);
}

static char *hello[] = { "hello", NULL };

/* A variant row of PIPE-DEMO-05. */
struct failure {
    const char *faults;    /* IPCSPEC_FAULTS */
    char **words;          /* NULL: the input comes on standard input */
    const char *message;   /* what standard error must say */
};

static const struct failure failures[] = {
    { "posix/proc/sigaction:1:22", hello, "ipcspec-pipe-demo: sigaction: Invalid argument" },
    { "posix/pipe/pipe2:1:24", hello, "ipcspec-pipe-demo: pipe: Too many open files" },
    { "posix/proc/fork:1:11", hello, "ipcspec-pipe-demo: fork: Resource temporarily unavailable" },
    { "posix/io/rw/write:1:5", hello, "ipcspec-pipe-demo: parent: write pipe: Input/output error" },
    { "posix/io/rw/read:1:5", NULL, "ipcspec-pipe-demo: parent: read stdin: Input/output error" },
    { "posix/io/rw/read:1:5", NULL, "ipcspec-pipe-demo: child: read pipe: Input/output error" },
    { "posix/io/rw/write:1:28", NULL, "ipcspec-pipe-demo: parent: write pipe: No space left on device" },
};

/* PIPE-DEMO-05 the pipe demo fails cleanly when a call fails */
static void fault_pipe_demo_05_each_failing_call_reported(void **state)
{
    const struct failure *f = ipct_variant();
    struct ipcf_prog run;
    (void)state;

    run_demo(f->faults, f->words, "some text\n", &run);
    ASSERT_PROG_EXITED(&run, 1, f->message);
}

/* PIPE-DEMO-06 the pipe demo retries a waitpid interrupted by EINTR */
static void fault_pipe_demo_06_waitpid_eintr_retried(void **state)
{
    struct ipcf_prog run;
    (void)state;

    run_demo("posix/proc/waitpid:1:4", hello, "", &run);
    ASSERT_STR_EQ(run.log, "posix/proc/waitpid 1 4\n");
    ASSERT_STR_EQ(run.out, "HELLO\n");
    ASSERT_PROG_EXITED(&run, 0, NULL);
}

#define FAILURE(row, i) IPCT_VARIANT_WITH(fault_pipe_demo_05_each_failing_call_reported, row, \
                                          &failures[i], ipcf_setup, ipcf_teardown)

static const struct CMUnitTest tests[] = {
    FAILURE("sigaction", 0),
    FAILURE("pipe2", 1),
    FAILURE("fork", 2),
    FAILURE("parent_write", 3),
    FAILURE("parent_read_stdin", 4),
    FAILURE("child_read_pipe", 5),
    FAILURE("parent_write_enospc", 6),
    IPCF_TEST(fault_pipe_demo_06_waitpid_eintr_retried),
};

IPCT_MAIN("pipe_demo_faults", tests)
