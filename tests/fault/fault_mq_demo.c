/*
 * fault_mq_demo.c - the message-queue demo pair with one of its calls
 * failing: each says which call failed and why, exits 1, and the server
 * leaves no queue (or, when mq_unlink itself failed, only that one). Faults
 * are armed in the demo's process through IPCSPEC_FAULTS (spec/faults.md);
 * the log proves each one fired.
 *
 * Spec: MQ-DEMO-06..07 (spec/drafts/mq-server.md).
 * See also: impl/demo/mq_server_demo.c, impl/demo/mq_client_demo.c,
 * tests/conformance/test_mq_demo.c (the demos without faults).
 */
#include "fault.h"
#include "../conformance/mq_server_helpers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

struct demo_run {
    int status;
    int ready; /* the server printed "ready" */
    char err[256];
    char log[256];
};

static void fault_env(const char *faults, char *spec, char *log_var, size_t cap)
{
    snprintf(spec, cap, "IPCSPEC_FAULTS=%s", faults);
    snprintf(log_var, cap, "IPCSPEC_FAULT_LOG=%s", ipct_path("faults.log"));
    unlink(ipct_path("faults.log"));
}

/*
 * Run the server on base (1 client) with faults; once it printed "ready",
 * send it stop_sig unless 0 (else it must end by itself). Then collect.
 */
static void run_server(const char *faults, const char *base, int stop_sig, struct demo_run *run)
{
    char *argv[] = { IPCSPEC_MQ_SERVER_DEMO, (char *)base, "1", NULL };
    char spec[128], log_var[300], line[16] = "";
    char *env[] = { spec, log_var, NULL };
    int out[2];

    fault_env(faults, spec, log_var, sizeof log_var);
    ASSERT_SYS_OK(pipe2(out, O_CLOEXEC));
    int err = (int)ASSERT_SYS_OK(open(ipct_path("err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                      0600));
    pid_t pid = ipct_spawn_exec_env(argv, env, -1, out[1], err);
    close(out[1]);
    close(err);
    ASSERT_SYS_OK(read(out[0], line, 6)); /* "ready\n" is one write, or nothing */
    run->ready = strcmp(line, "ready\n") == 0;
    if (run->ready && stop_sig != 0)
        ASSERT_SYS_OK(kill(pid, stop_sig));
    run->status = ipct_wait(pid);
    close(out[0]);
    ipct_read_text(ipct_path("err"), run->err, sizeof run->err);
    ipct_read_text(ipct_path("faults.log"), run->log, sizeof run->log);
}

/* Run the client (client 0 of base, "SUM 1 2") with faults, and collect. */
static void run_client(const char *faults, const char *base, struct demo_run *run)
{
    char *argv[] = { IPCSPEC_MQ_CLIENT_DEMO, (char *)base, "0", "1", "2", NULL };
    char spec[128], log_var[300];
    char *env[] = { spec, log_var, NULL };

    fault_env(faults, spec, log_var, sizeof log_var);
    int err = (int)ASSERT_SYS_OK(open(ipct_path("err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                      0600));
    int out = (int)ASSERT_SYS_OK(open("/dev/null", O_WRONLY | O_CLOEXEC));
    pid_t pid = ipct_spawn_exec_env(argv, env, -1, out, err);
    close(out);
    close(err);
    run->status = ipct_wait(pid);
    ipct_read_text(ipct_path("err"), run->err, sizeof run->err);
    ipct_read_text(ipct_path("faults.log"), run->log, sizeof run->log);
}

static void expect_failure(const char *faults, const struct demo_run *run, const char *message)
{
    if (!WIFEXITED(run->status) || WEXITSTATUS(run->status) != 1)
        IPCT_FAIL("[%s] status 0x%x; expected exit code 1 (stderr \"%s\")", faults, run->status,
                  run->err);
    if (strstr(run->err, message) == NULL)
        IPCT_FAIL("[%s] stderr \"%s\" lacks \"%s\"", faults, run->err, message);
    if (run->log[0] == '\0')
        IPCT_FAIL("[%s] the fault never fired (empty log)", faults);
}

static const struct {
    const char *faults; /* IPCSPEC_FAULTS */
    const char *message; /* what standard error must say */
} server_failures[] = {
    { "posix/pipe/pipe2:1:24", "ipcspec-mq-server: stop signals: Too many open files" },
    { "posix/proc/sigaction:1:22", "ipcspec-mq-server: sigaction: Invalid argument" },
    { "posix/proc/sigaction:3:22", "ipcspec-mq-server: stop signals: Invalid argument" },
    { "posix/proc/sigprocmask:1:22", "ipcspec-mq-server: stop signals: Invalid argument" },
    { "posix/mq/open:2:24", "ipcspec-mq-server: create: Too many open files" },
    { "posix/io/rw/write:1:5", "ipcspec-mq-server: write stdout: Input/output error" },
    { "posix/io/net/select:1:12", "ipcspec-mq-server: serve: Cannot allocate memory" },
};

/* MQ-DEMO-06 each demo reports a failing call, exits 1 and leaves no queue */
static void fault_mq_demo_06_server_calls_reported(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct demo_run run;
    (void)state;

    for (size_t k = 0; k < sizeof server_failures / sizeof server_failures[0]; k++) {
        run_server(server_failures[k].faults, base, 0, &run);
        expect_failure(server_failures[k].faults, &run, server_failures[k].message);
        srv_assert_none(base, 1);
    }
}

/* MQ-DEMO-06 each demo reports a failing call, exits 1 and leaves no queue */
static void fault_mq_demo_06_server_unlink_reported(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    char left[NAME_MAX + 2];
    struct demo_run run;
    (void)state;

    run_server("posix/mq/unlink:1:13", base, SIGTERM, &run);
    expect_failure("posix/mq/unlink:1:13", &run, "ipcspec-mq-server: destroy: Permission denied");
    snprintf(left, sizeof left, "%s", srv_name(base, "req", 0));
    ASSERT_IPC_OK(ipc_mq_unlink(left)); /* the one whose unlink failed */
    srv_assert_none(base, 1);
}

static const struct {
    const char *faults;
    const char *message;
} client_failures[] = {
    { "posix/mq/open:1:24", "ipcspec-mq-client: open: Too many open files" },
    { "posix/mq/timedsend:1:110", "ipcspec-mq-client: call: Connection timed out" },
    { "posix/mq/timedreceive:1:4", "ipcspec-mq-client: call: Interrupted system call" },
    { "posix/io/rw/write:1:5", "ipcspec-mq-client: write stdout: Input/output error" },
    { "posix/mq/close:1:9", "ipcspec-mq-client: close: Bad file descriptor" },
    { "posix/mq/close:2:9", "ipcspec-mq-client: close: Bad file descriptor" },
};

/* Start the server demo, unarmed, on base with one client; returns once ready. */
static pid_t start_server(const char *base)
{
    char *argv[] = { IPCSPEC_MQ_SERVER_DEMO, (char *)base, "1", NULL };
    char line[16] = "";
    int out[2];

    ASSERT_SYS_OK(pipe2(out, O_CLOEXEC));
    pid_t pid = ipct_spawn_exec(argv, -1, out[1], -1);
    close(out[1]);
    ASSERT_SYS_OK(read(out[0], line, 6));
    close(out[0]);
    assert_string_equal(line, "ready\n");
    return pid;
}

/* MQ-DEMO-06 each demo reports a failing call, exits 1 and leaves no queue */
static void fault_mq_demo_06_client_calls_reported(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct demo_run run;
    (void)state;

    /* Every request is "SUM 1 2": a reply a failed call left behind is the
     * same "OK 3" the next call expects. */
    pid_t server = start_server(base);
    for (size_t k = 0; k < sizeof client_failures / sizeof client_failures[0]; k++) {
        run_client(client_failures[k].faults, base, &run);
        expect_failure(client_failures[k].faults, &run, client_failures[k].message);
    }
    ASSERT_SYS_OK(kill(server, SIGTERM));
    assert_child_exited(server, 0);
    srv_assert_none(base, 1);
}

/* MQ-DEMO-07 the demo server rides out a select interrupted by a signal */
static void fault_mq_demo_07_select_eintr(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct demo_run run;
    (void)state;

    run_server("posix/io/net/select:1:4", base, SIGTERM, &run);
    assert_string_equal(run.log, "posix/io/net/select 1 4\n");
    if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0)
        IPCT_FAIL("status 0x%x; expected exit code 0 (stderr \"%s\")", run.status, run.err);
    srv_assert_none(base, 1);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_mq_demo_06_server_calls_reported),
    IPCF_TEST(fault_mq_demo_06_server_unlink_reported),
    IPCF_TEST(fault_mq_demo_06_client_calls_reported),
    IPCF_TEST(fault_mq_demo_07_select_eintr),
};

IPCT_MAIN("mq_demo_faults", tests)
