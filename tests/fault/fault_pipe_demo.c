/*
 * fault_pipe_demo.c - the pipe demo with one of its calls failing: it must
 * say which call failed and why, exit 1, and leave no process behind; an
 * EINTR it must ride out. Faults are armed in the demo's process through
 * IPCSPEC_FAULTS (spec/faults.md), and the log proves each one fired.
 *
 * Spec: PIPE-DEMO-05..06 (spec/pipe.md).
 * See also: impl/demo/pipe_demo.c, test_pipe_demo.c (the demo without faults).
 */
#include "fault.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct demo_run {
    int status;
    char out[256];
    char err[512];
    char log[256];
};

/* Run the demo with faults armed, words as arguments (or, with none, input on
 * standard input), and collect what it printed and what fired. */
static void run_demo(const char *faults, char *const words[], const char *input,
                     struct demo_run *run)
{
    char *argv[8] = { IPCSPEC_PIPE_DEMO };
    char spec[128], log_var[300];
    char *env[] = { spec, log_var, NULL };
    const char *paths[] = { ipct_path("in"), ipct_path("out"), ipct_path("err"),
                            ipct_path("faults.log") };
    int fds[3];

    for (int i = 0; words != NULL && words[i] != NULL && i < 6; i++)
        argv[i + 1] = words[i];
    snprintf(spec, sizeof spec, "IPCSPEC_FAULTS=%s", faults);
    snprintf(log_var, sizeof log_var, "IPCSPEC_FAULT_LOG=%s", paths[3]);
    fds[0] = (int)ASSERT_SYS_OK(open(paths[0], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    assert_int_equal(ASSERT_SYS_OK(write(fds[0], input, strlen(input))), strlen(input));
    ASSERT_SYS_OK(lseek(fds[0], 0, SEEK_SET));
    for (int i = 1; i < 3; i++)
        fds[i] = (int)ASSERT_SYS_OK(open(paths[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    pid_t demo = ipct_spawn_exec_env(argv, env, fds[0], fds[1], fds[2]);
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    run->status = ipct_wait(demo);
    ipct_read_text(paths[1], run->out, sizeof run->out);
    ipct_read_text(paths[2], run->err, sizeof run->err);
    ipct_read_text(paths[3], run->log, sizeof run->log);
}

static char *hello[] = { "hello", NULL };

static const struct {
    const char *faults;    /* IPCSPEC_FAULTS */
    char **words;          /* NULL: the input comes on standard input */
    const char *message;   /* what standard error must say */
} failures[] = {
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
    struct demo_run run;
    (void)state;

    for (size_t i = 0; i < sizeof failures / sizeof failures[0]; i++) {
        run_demo(failures[i].faults, failures[i].words, "some text\n", &run);
        if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 1)
            IPCT_FAIL("[%s] demo status 0x%x; expected exit code 1 (stderr \"%s\")",
                      failures[i].faults, run.status, run.err);
        if (strstr(run.err, failures[i].message) == NULL)
            IPCT_FAIL("[%s] stderr \"%s\" lacks \"%s\"", failures[i].faults, run.err,
                      failures[i].message);
        if (run.log[0] == '\0')
            IPCT_FAIL("[%s] the fault never fired (empty log)", failures[i].faults);
    }
}

/* PIPE-DEMO-06 the pipe demo retries a waitpid interrupted by EINTR */
static void fault_pipe_demo_06_waitpid_eintr_retried(void **state)
{
    struct demo_run run;
    (void)state;

    run_demo("posix/proc/waitpid:1:4", hello, "", &run);
    assert_string_equal(run.log, "posix/proc/waitpid 1 4\n");
    assert_string_equal(run.out, "HELLO\n");
    if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0)
        IPCT_FAIL("demo status 0x%x; expected exit code 0 (stderr \"%s\")", run.status, run.err);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_pipe_demo_05_each_failing_call_reported),
    IPCF_TEST(fault_pipe_demo_06_waitpid_eintr_retried),
};

IPCT_MAIN("pipe_demo_faults", tests)
