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
    long got = ASSERT_SYS_OK(process_vm_readv(pid, &local, 1, &remote, 1, 0));
    if (got != (long)sizeof deadline)
        IPCT_FAIL("read %ld bytes of the client's deadline, expected %zu", got, sizeof deadline);
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
    int64_t from = ns_of(blocked_deadline(client)) - wait_ms * 1000000;
    if (from < ns_of(before) || from > ns_of(after))
        IPCT_FAIL("the client's deadline minus %lld ms is %lld ns, not between the clock "
                  "before its start (%lld) and once it blocked (%lld)", (long long)wait_ms,
                  (long long)from, (long long)ns_of(before), (long long)ns_of(after));
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

/* MQ-DEMO-08 the demo client waits as long as -w says, 10 seconds without it */
static void test_mq_demo_08_wait_option_sets_deadline(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    char *argv[] = { IPCSPEC_MQ_CLIENT_DEMO, "-w", "1500", (char *)base, "0", "1", "2", "3",
                     NULL };
    (void)state;

    check_deadline(argv, 1500, base);
}

/* MQ-DEMO-08 the demo client waits as long as -w says, 10 seconds without it */
static void test_mq_demo_08_no_option_ten_seconds(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    char *argv[] = { IPCSPEC_MQ_CLIENT_DEMO, (char *)base, "0", "1", "2", "3", NULL };
    (void)state;

    check_deadline(argv, 10000, base);
}

/* MQ-DEMO-08 the demo client waits as long as -w says, 10 seconds without it */
static void test_mq_demo_08_bad_wait_usage(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    char *bad[][8] = {
        { IPCSPEC_MQ_CLIENT_DEMO, "-w", "0", (char *)base, "0", "1", NULL },
        { IPCSPEC_MQ_CLIENT_DEMO, "-w", "1x", (char *)base, "0", "1", NULL },
        { IPCSPEC_MQ_CLIENT_DEMO, "-w", NULL },
    };
    char err[256];
    (void)state;

    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int fd = (int)ASSERT_SYS_OK(open(ipct_path("c.err"),
                                         O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        pid_t pid = ipct_spawn_exec(bad[k], -1, -1, fd);
        close(fd);
        int status = ipct_wait(pid);
        ipct_read_text(ipct_path("c.err"), err, sizeof err);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 2 || strncmp(err, "usage: ", 7) != 0)
            IPCT_FAIL("case %zu (-w %s): status 0x%x, stderr \"%s\"; expected exit 2 and a "
                      "usage line", k, bad[k][2] ? bad[k][2] : "alone", status, err);
    }
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_demo_08_wait_option_sets_deadline),
    IPCT_TEST(test_mq_demo_08_no_option_ten_seconds),
    IPCT_TEST(test_mq_demo_08_bad_wait_usage),
};

IPCT_MAIN("mq_demo_wait", tests)
