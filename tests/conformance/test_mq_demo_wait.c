/* SPDX-License-Identifier: MIT */
/*
 * test_mq_demo_wait.c - how long the message-queue demo client waits: the
 * deadline it passes to mq_timedreceive, read from the blocked client's own
 * memory while the server is stopped, so no test waits out a timeout.
 *
 * Spec: MQ-DEMO-08 (spec/mq.md).
 * See also: impl/demo/mq_client_demo.c, test_mq_demo.c,
 * test_sock_demo_wait.c (the socket client's -w).
 */
#include "mq_server_helpers.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t ns_of(struct timespec t)
{
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Start the server on base for one client; returns once it printed "ready". */
static pid_t start_server(const char *base)
{
    char *argv[] = { IPCSPEC_MQ_SERVER_DEMO, (char *)base, "1", NULL };
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

/* The deadline pid passes to the mq_timedreceive it is blocked in: its 5th
 * argument (/proc/PID/syscall), read from its memory. */
static struct timespec blocked_deadline(pid_t pid)
{
    char path[64], text[512], *p;
    struct timespec deadline;

    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    ipct_read_text(path, text, sizeof text);
    long nr = strtol(text, &p, 10);
    unsigned long arg = 0;
    for (int k = 0; k < 5; k++)
        arg = strtoul(p, &p, 16);
    if (nr != SYS_mq_timedreceive || arg == 0)
        IPCT_FAIL("the client is in system call %ld with 5th argument 0x%lx (\"%s\"), "
                  "not in mq_timedreceive with a deadline", nr, arg, text);
    struct iovec local = { &deadline, sizeof deadline };
    struct iovec remote = { (void *)arg, sizeof deadline };
    ASSERT_EQ(ASSERT_SYS_OK(process_vm_readv(pid, &local, 1, &remote, 1, 0)), sizeof deadline);
    return deadline;
}

/* Run the client with argv while the server is stopped; its deadline must lie
 * wait_ms after a clock reading between its start and its blocking. Then the
 * server goes on and the client must print the sum. */
static void check_deadline(char *const argv[], int64_t wait_ms, const char *base)
{
    struct timespec before, after;
    char out[64], err[256];
    int fds[2];

    pid_t server = start_server(base);
    ASSERT_SYS_OK(kill(server, SIGSTOP));
    fds[0] = (int)ASSERT_SYS_OK(open(ipct_path("c.out"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    fds[1] = (int)ASSERT_SYS_OK(open(ipct_path("c.err"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &before));
    pid_t client = ipct_spawn_exec(argv, -1, fds[0], fds[1]);
    close(fds[0]);
    close(fds[1]);
    ipct_await_blocked(client, SYS_mq_timedreceive);
    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &after));
    /* The deadline minus the wait is the client's clock reading, taken
     * between the two of the test. */
    int64_t taken = ns_of(blocked_deadline(client)) - wait_ms * 1000000;
    ASSERT_GE(taken, ns_of(before));
    ASSERT_LE(taken, ns_of(after));
    ASSERT_SYS_OK(kill(server, SIGCONT));
    int status = ipct_wait(client);
    ipct_read_text(ipct_path("c.out"), out, sizeof out);
    ipct_read_text(ipct_path("c.err"), err, sizeof err);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strcmp(out, "6\n") != 0)
        IPCT_FAIL("client: status 0x%x, stdout \"%s\" (expected \"6\\n\"), stderr \"%s\"",
                  status, out, err);
    ASSERT_SYS_OK(kill(server, SIGTERM));
    assert_child_exited(server, 0);
    srv_assert_none(base, 1);
}

struct wait_row {
    const char *ms;  /* -w's argument, or NULL for none */
    int64_t wait_ms; /* the wait the client must take */
};

static const struct wait_row waits[] = { { "1500", 1500 }, { NULL, 10000 } };

/* MQ-DEMO-08 the demo client waits as long as -w says, 10 seconds without it */
static void test_mq_demo_08_client_deadline(void **state)
{
    const struct wait_row *r = ipct_variant();
    const char *base = ipct_ipc_name("mqsrv");
    char *argv[9];
    int n = 0;
    (void)state;

    argv[n++] = IPCSPEC_MQ_CLIENT_DEMO;
    if (r->ms != NULL) {
        argv[n++] = "-w";
        argv[n++] = (char *)r->ms;
    }
    argv[n++] = (char *)base;
    argv[n++] = "0";
    argv[n++] = "1";
    argv[n++] = "2";
    argv[n++] = "3";
    argv[n] = NULL;
    check_deadline(argv, r->wait_ms, base);
}

/* -w's argument in a row that must be refused, or NULL for -w alone. */
static const char *const bad_waits[] = { "0", "1x", NULL };

/* MQ-DEMO-08 the demo client waits as long as -w says, 10 seconds without it */
static void test_mq_demo_08_bad_wait_usage(void **state)
{
    const char *const *value = ipct_variant();
    const char *base = ipct_ipc_name("mqsrv");
    char *argv[] = { IPCSPEC_MQ_CLIENT_DEMO, "-w", (char *)*value, (char *)base, "0", "1", NULL };
    char err[256];
    (void)state;

    int fd = (int)ASSERT_SYS_OK(open(ipct_path("c.err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                     0600));
    pid_t pid = ipct_spawn_exec(argv, -1, -1, fd);
    close(fd);
    int status = ipct_wait(pid);
    ipct_read_text(ipct_path("c.err"), err, sizeof err);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 2);
    if (strncmp(err, "usage: ", 7) != 0)
        IPCT_FAIL("standard error \"%s\" does not begin \"usage: \"", err);
}

static const struct CMUnitTest tests[] = {
    IPCT_VARIANT(test_mq_demo_08_client_deadline, "w_1500", &waits[0]),
    IPCT_VARIANT(test_mq_demo_08_client_deadline, "no_option", &waits[1]),
    IPCT_VARIANT(test_mq_demo_08_bad_wait_usage, "zero", &bad_waits[0]),
    IPCT_VARIANT(test_mq_demo_08_bad_wait_usage, "not_a_number", &bad_waits[1]),
    IPCT_VARIANT(test_mq_demo_08_bad_wait_usage, "missing", &bad_waits[2]),
};

IPCT_MAIN("mq_demo_wait", tests)
