/* SPDX-License-Identifier: MIT */
/*
 * test_mq_demo.c - the N:1 message-queue demo pair, run as a user would run
 * it: ipcspec-mq-server started, waited for through its "ready" line, used by
 * ipcspec-mq-client processes, stopped by a signal; outputs, exit statuses
 * and /dev/mqueue checked.
 *
 * Spec: MQ-DEMO-01..05 (spec/mq.md).
 * See also: impl/demo/mq_server_demo.c, impl/demo/mq_client_demo.c,
 * tests/fault/fault_mq_server.c (the demos with failing calls).
 */
#include "mq_server_helpers.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct run {
    pid_t pid;
    char out[128];
    char err[256];
};

/* Start the server on base with n clients; returns once it printed "ready". */
static pid_t start_server(const char *base, const char *n)
{
    char *argv[] = { IPCSPEC_MQ_SERVER_DEMO, (char *)base, (char *)n, NULL };
    char line[16] = "";
    size_t got = 0;
    int out[2];

    ASSERT_SYS_OK(pipe2(out, O_CLOEXEC));
    pid_t pid = ipct_spawn_exec(argv, -1, out[1], -1);
    close(out[1]);
    while (got < sizeof line - 1 && (got == 0 || line[got - 1] != '\n')) {
        ssize_t r = ASSERT_SYS_OK(read(out[0], line + got, 1));
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(out[0]);
    if (strcmp(line, "ready\n") != 0)
        IPCT_FAIL("the server printed \"%s\" instead of \"ready\\n\"", line);
    return pid;
}

/* Start a program with argv, its output and errors into files tagged tag. */
static void start(char *const argv[], const char *tag, struct run *run)
{
    char name[64];
    int fds[2];

    for (int k = 0; k < 2; k++) {
        snprintf(name, sizeof name, "%s.%d", tag, k);
        fds[k] = (int)ASSERT_SYS_OK(open(ipct_path(name),
                                         O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    }
    run->pid = ipct_spawn_exec(argv, -1, fds[0], fds[1]);
    close(fds[0]);
    close(fds[1]);
}

/* Wait for a program start() ran; its exit status, and its output read back. */
static int finish(const char *tag, struct run *run)
{
    char name[64];
    int status = ipct_wait(run->pid);

    snprintf(name, sizeof name, "%s.0", tag);
    ipct_read_text(ipct_path(name), run->out, sizeof run->out);
    snprintf(name, sizeof name, "%s.1", tag);
    ipct_read_text(ipct_path(name), run->err, sizeof run->err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Run a program to its end; its exit code. */
static int run_to_end(char *const argv[], struct run *run)
{
    start(argv, "run", run);
    return finish("run", run);
}

/* Stop the server with sig; it must exit 0 and leave none of n clients' queues. */
static void stop_server(pid_t server, int sig, const char *base, int n)
{
    ASSERT_SYS_OK(kill(server, sig));
    assert_child_exited(server, 0);
    srv_assert_none(base, n);
}

/* MQ-DEMO-01 three client processes at once each get their own sum from the demo server */
static void test_mq_demo_01_three_clients_get_sums(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    static const char *const want[] = { "6\n", "-40\n", "9223372036854775807\n" };
    char *argvs[3][7] = {
        { IPCSPEC_MQ_CLIENT_DEMO, (char *)base, "0", "1", "2", "3", NULL },
        { IPCSPEC_MQ_CLIENT_DEMO, (char *)base, "1", "-50", "10", NULL },
        { IPCSPEC_MQ_CLIENT_DEMO, (char *)base, "2", "9223372036854775807", NULL },
    };
    static const char *const tags[] = { "c0", "c1", "c2" };
    struct run runs[3];
    (void)state;

    pid_t server = start_server(base, "3");
    for (int i = 0; i < 3; i++)
        start(argvs[i], tags[i], &runs[i]);
    for (int i = 0; i < 3; i++) {
        int code = finish(tags[i], &runs[i]);
        if (code != 0 || strcmp(runs[i].out, want[i]) != 0)
            IPCT_FAIL("client %d: exit %d, stdout \"%s\" (expected \"%s\"), stderr \"%s\"", i,
                      code, runs[i].out, want[i], runs[i].err);
    }
    stop_server(server, SIGTERM, base, 3);
}

/* MQ-DEMO-02 SIGTERM or SIGINT ends the demo server with exit 0 and no queue left */
static void test_mq_demo_02_sigterm_exit_zero_no_queue(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    (void)state;

    pid_t server = start_server(base, "2");
    ASSERT_TRUE(srv_exists(base, "req", 0));
    ASSERT_TRUE(srv_exists(base, "rep", 1));
    stop_server(server, SIGTERM, base, 2);
}

/* MQ-DEMO-02 SIGTERM or SIGINT ends the demo server with exit 0 and no queue left */
static void test_mq_demo_02_sigint_exit_zero_no_queue(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    (void)state;

    pid_t server = start_server(base, "1");
    stop_server(server, SIGINT, base, 1);
}

/* MQ-DEMO-03 the demo client exits 1 on an ERR answer and the server serves on */
static void test_mq_demo_03_bad_number_err_exit_one(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    char *bad[] = { IPCSPEC_MQ_CLIENT_DEMO, (char *)base, "0", "1", "two", NULL };
    char *good[] = { IPCSPEC_MQ_CLIENT_DEMO, (char *)base, "0", "1", "2", NULL };
    struct run run;
    (void)state;

    pid_t server = start_server(base, "1");
    ASSERT_EQ(run_to_end(bad, &run), 1);
    if (strstr(run.err, "server answered \"ERR " IPC_MQ_ERR_TOKEN "\"") == NULL)
        IPCT_FAIL("stderr \"%s\" does not report the ERR answer", run.err);
    ASSERT_EQ(run_to_end(good, &run), 0);
    ASSERT_STR_EQ(run.out, "3\n");
    stop_server(server, SIGTERM, base, 1);
}

/* MQ-DEMO-04's rows: one wrong command line each. */
struct usage_row { char *argv[5]; };
static const struct usage_row usage_server_no_args = { { IPCSPEC_MQ_SERVER_DEMO, NULL } },
    usage_server_0_clients = { { IPCSPEC_MQ_SERVER_DEMO, "/b", "0", NULL } },
    usage_server_17_clients = { { IPCSPEC_MQ_SERVER_DEMO, "/b", "17", NULL } },
    usage_server_3x_clients = { { IPCSPEC_MQ_SERVER_DEMO, "/b", "3x", NULL } },
    usage_server_empty_count = { { IPCSPEC_MQ_SERVER_DEMO, "/b", "", NULL } },
    usage_client_no_numbers = { { IPCSPEC_MQ_CLIENT_DEMO, "/b", "0", NULL } },
    usage_client_id_x = { { IPCSPEC_MQ_CLIENT_DEMO, "/b", "x", "1", NULL } },
    usage_client_id_empty = { { IPCSPEC_MQ_CLIENT_DEMO, "/b", "", "1", NULL } },
    usage_client_id_0x = { { IPCSPEC_MQ_CLIENT_DEMO, "/b", "0x", "1", NULL } },
    usage_client_id_minus_1 = { { IPCSPEC_MQ_CLIENT_DEMO, "/b", "-1", "1", NULL } },
    usage_client_id_16 = { { IPCSPEC_MQ_CLIENT_DEMO, "/b", "16", "1", NULL } };

/* MQ-DEMO-04 both demos exit 2 with a usage line on wrong arguments */
static void test_mq_demo_04_usage_exit_two(void **state)
{
    const struct usage_row *r = ipct_variant();
    struct run run;
    (void)state;

    ASSERT_EQ(run_to_end(r->argv, &run), 2);
    if (strncmp(run.err, "usage: ", 7) != 0)
        IPCT_FAIL("stderr \"%s\"; expected a usage line", run.err);
}

/* MQ-DEMO-05 the demo client reports a missing server and an oversized request */
static void test_mq_demo_05_client_failures_reported(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    char *none[] = { IPCSPEC_MQ_CLIENT_DEMO, (char *)base, "0", "1", NULL };
    static char *many[1000];
    struct run run;
    (void)state;

    ASSERT_EQ(run_to_end(none, &run), 1);
    char expected[128]; /* the libc's own words: glibc and musl differ */
    snprintf(expected, sizeof expected, "ipcspec-mq-client: open: %s\n", strerror(ENOENT));
    ASSERT_STR_EQ(run.err, expected);
    many[0] = IPCSPEC_MQ_CLIENT_DEMO;
    many[1] = (char *)base;
    many[2] = "0";
    for (int k = 3; k < 999; k++)
        many[k] = "1234567890"; /* 996 words of 11 bytes: more than 8192 */
    many[999] = NULL;
    ASSERT_EQ(run_to_end(many, &run), 1);
    snprintf(expected, sizeof expected, "ipcspec-mq-client: request: %s\n", strerror(EMSGSIZE));
    ASSERT_STR_EQ(run.err, expected);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_demo_01_three_clients_get_sums),
    IPCT_TEST(test_mq_demo_02_sigterm_exit_zero_no_queue),
    IPCT_TEST(test_mq_demo_02_sigint_exit_zero_no_queue),
    IPCT_TEST(test_mq_demo_03_bad_number_err_exit_one),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "server_no_args", &usage_server_no_args),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "server_0_clients", &usage_server_0_clients),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "server_17_clients", &usage_server_17_clients),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "server_3x_clients", &usage_server_3x_clients),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "server_empty_count", &usage_server_empty_count),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "client_no_numbers", &usage_client_no_numbers),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "client_id_x", &usage_client_id_x),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "client_id_empty", &usage_client_id_empty),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "client_id_0x", &usage_client_id_0x),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "client_id_minus_1", &usage_client_id_minus_1),
    IPCT_VARIANT(test_mq_demo_04_usage_exit_two, "client_id_16", &usage_client_id_16),
    IPCT_TEST(test_mq_demo_05_client_failures_reported),
};

IPCT_MAIN("mq_demo", tests)
