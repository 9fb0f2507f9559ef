/* SPDX-License-Identifier: MIT */
/*
 * fault_mq_demo.c - the message-queue demo pair with one of its calls
 * failing: each says which call failed and why, exits 1, and the server
 * leaves no queue (or, when mq_unlink itself failed, only that one). Faults
 * are armed in the demo's process through IPCSPEC_FAULTS (spec/faults.md);
 * the log proves each one fired (struct ipcf_prog, tests/lib/fault_prog.c).
 * Each fault is a variant row: a case of its own, named after the call.
 *
 * Spec: MQ-DEMO-06..07 (spec/mq.md).
 * See also: impl/demo/mq_server_demo.c, impl/demo/mq_client_demo.c,
 * tests/conformance/test_mq_demo.c (the demos without faults).
 */
#include "fault.h"
#include "../conformance/mq_server_helpers.h"

#include <signal.h>

/*
 * Run the server on base (1 client) with faults; once it printed "ready",
 * send it stop_sig unless 0 (else it must end by itself). Then collect.
 */
static void run_server(const char *faults, const char *base, int stop_sig, struct ipcf_prog *run)
{
    char *argv[] = { IPCSPEC_MQ_SERVER_DEMO, (char *)base, "1", NULL };

    *run = (struct ipcf_prog){ .argv = argv, .faults = faults, .pipe_out = 1 };
    ipcf_prog_start(run);
    if (ipcf_prog_await(run, "ready\n") && stop_sig != 0)
        ASSERT_SYS_OK(kill(run->pid, stop_sig));
    ipcf_prog_collect(run);
}

/* Run the client (client 0 of base, "SUM 1 2") with faults, and collect. */
static void run_client(const char *faults, const char *base, struct ipcf_prog *run)
{
    char *argv[] = { IPCSPEC_MQ_CLIENT_DEMO, (char *)base, "0", "1", "2", NULL };

    *run = (struct ipcf_prog){ .argv = argv, .faults = faults };
    ipcf_prog_run(run);
}

/* A variant row: the fault armed in the demo, and what it must report. */
struct failure {
    const char *faults;  /* IPCSPEC_FAULTS */
    const char *message; /* what standard error must say */
};

static const struct failure server_failures[] = {
    { "posix/proc/signalfd:1:24", "ipcspec-mq-server: stop signals: Too many open files" },
    { "posix/proc/sigaction:1:22", "ipcspec-mq-server: sigaction: Invalid argument" },
    { "posix/proc/sigprocmask:1:22", "ipcspec-mq-server: stop signals: Invalid argument" },
    { "posix/mq/open:2:24", "ipcspec-mq-server: create: Too many open files" },
    { "posix/io/rw/write:1:5", "ipcspec-mq-server: write stdout: Input/output error" },
    { "posix/io/net/select:1:12", "ipcspec-mq-server: serve: Cannot allocate memory" },
};

/* MQ-DEMO-06 each demo reports a failing call, exits 1 and leaves no queue */
static void fault_mq_demo_06_server_calls_reported(void **state)
{
    const struct failure *f = ipct_variant();
    const char *base = ipct_ipc_name("mqsrv");
    struct ipcf_prog run;
    (void)state;

    run_server(f->faults, base, 0, &run);
    ASSERT_PROG_EXITED(&run, 1, f->message);
    srv_assert_none(base, 1);
}

/* MQ-DEMO-06 each demo reports a failing call, exits 1 and leaves no queue */
static void fault_mq_demo_06_server_unlink_reported(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    char left[NAME_MAX + 2];
    struct ipcf_prog run;
    (void)state;

    run_server("posix/mq/unlink:1:13", base, SIGTERM, &run);
    ASSERT_PROG_EXITED(&run, 1, "ipcspec-mq-server: destroy: Permission denied");
    snprintf(left, sizeof left, "%s", srv_name(base, "req", 0));
    ASSERT_IPC_OK(ipc_mq_unlink(left)); /* the one whose unlink failed */
    srv_assert_none(base, 1);
}

static const struct failure client_failures[] = {
    { "posix/mq/open:1:24", "ipcspec-mq-client: open: Too many open files" },
    { "posix/mq/timedsend:1:110", "ipcspec-mq-client: call: Connection timed out" },
    { "posix/mq/timedreceive:1:4", "ipcspec-mq-client: call: Interrupted system call" },
    { "posix/io/rw/write:1:5", "ipcspec-mq-client: write stdout: Input/output error" },
    { "posix/mq/close:1:9", "ipcspec-mq-client: close: Bad file descriptor" },
    { "posix/mq/close:2:9", "ipcspec-mq-client: close: Bad file descriptor" },
};

/* MQ-DEMO-06 each demo reports a failing call, exits 1 and leaves no queue */
static void fault_mq_demo_06_client_calls_reported(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    char *argv[] = { IPCSPEC_MQ_SERVER_DEMO, (char *)base, "1", NULL };
    struct ipcf_prog server = { .argv = argv, .pipe_out = 1 }, run;
    const struct failure *f = ipct_variant();
    (void)state;

    ipcf_prog_start(&server);
    ASSERT_PROG_SAID(&server, "ready\n");
    ASSERT_STR_EQ(server.out, "ready\n");
    run_client(f->faults, base, &run);
    ASSERT_PROG_EXITED(&run, 1, f->message);
    ASSERT_SYS_OK(kill(server.pid, SIGTERM));
    ipcf_prog_collect(&server);
    ASSERT_PROG_EXITED(&server, 0, NULL);
    srv_assert_none(base, 1);
}

/* MQ-DEMO-07 the demo server rides out a select interrupted by a signal */
static void fault_mq_demo_07_select_eintr(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipcf_prog run;
    (void)state;

    run_server("posix/io/net/select:1:4", base, SIGTERM, &run);
    ASSERT_STR_EQ(run.log, "posix/io/net/select 1 4\n");
    ASSERT_PROG_EXITED(&run, 0, NULL);
    srv_assert_none(base, 1);
}

#define FAILURE(fn, row, table, i) \
    IPCT_VARIANT_WITH(fn, row, &(table)[i], ipcf_setup, ipcf_teardown)
#define SERVER_FAILURE(row, i) \
    FAILURE(fault_mq_demo_06_server_calls_reported, row, server_failures, i)
#define CLIENT_FAILURE(row, i) \
    FAILURE(fault_mq_demo_06_client_calls_reported, row, client_failures, i)

static const struct CMUnitTest tests[] = {
    SERVER_FAILURE("signalfd", 0),
    SERVER_FAILURE("sigaction", 1),
    SERVER_FAILURE("sigprocmask", 2),
    SERVER_FAILURE("mq_open", 3),
    SERVER_FAILURE("write", 4),
    SERVER_FAILURE("select", 5),
    IPCF_TEST(fault_mq_demo_06_server_unlink_reported),
    CLIENT_FAILURE("mq_open", 0),
    CLIENT_FAILURE("mq_timedsend", 1),
    CLIENT_FAILURE("mq_timedreceive", 2),
    CLIENT_FAILURE("write", 3),
    CLIENT_FAILURE("mq_close_1st", 4),
    CLIENT_FAILURE("mq_close_2nd", 5),
    IPCF_TEST(fault_mq_demo_07_select_eintr),
};

IPCT_MAIN("mq_demo_faults", tests)
