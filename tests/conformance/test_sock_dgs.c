/* SPDX-License-Identifier: MIT */
/*
 * test_sock_dgs.c - the contract of impl/'s datagram server (ipcspec/sock.h):
 * Unix SOCK_DGRAM and UDP, one request per datagram answered to its
 * sender, oversized and empty requests answered with an error, a reply to
 * a sender that is gone dropped without stopping the service.
 *
 * Spec: SOCK-DGS-01..04 (spec/sock.md).
 * See also: impl/src/sock_dgram.c, tests/fault/fault_sock_server.c.
 */
#include "sock_helpers.h"
#include "ipcspec/sock.h"

/* A datagram server on a Unix path (udp 0) or a UDP port (udp 1, *port). */
static struct ipc_sock_dgram_server *dgs_start(int udp, const char *path, uint16_t *port)
{
    struct ipc_sock_dgram_server *d;
    int fd = udp ? ipc_sock_inet_listen("127.0.0.1", 0, SOCK_DGRAM, port)
                 : ipc_sock_unix_listen(path, SOCK_DGRAM, 0600);

    ASSERT_IPC_OK(fd);
    ASSERT_IPC_OK(ipc_sock_dgram_create(&d, fd, udp ? NULL : path));
    return d;
}

static int client(int udp, const char *path, uint16_t port)
{
    return ASSERT_IPC_OK(udp ? ipc_sock_inet_connect("127.0.0.1", port, SOCK_DGRAM)
                             : ipc_sock_unix_connect(path, SOCK_DGRAM));
}

/* One round that must answer one datagram. */
static void answer_one(struct ipc_sock_dgram_server *d)
{
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_dgram_step(d, ipct_deadline_ms())), 1);
}

/* The next datagram on fd must be want. */
static void expect(int fd, const char *want)
{
    char buf[64];
    ssize_t n = ASSERT_SYS_OK(recv(fd, buf, sizeof buf - 1, 0));

    buf[n] = '\0';
    if (strcmp(buf, want) != 0)
        IPCT_FAIL("reply \"%s\", expected \"%s\"", buf, want);
}

/* Two clients, two requests each, interleaved: each gets its own answers. */
static void two_clients(int udp)
{
    char path[256];
    uint16_t port = 0;
    long answered, dropped;

    snprintf(path, sizeof path, "%s", ipct_path("dgs"));
    struct ipc_sock_dgram_server *d = dgs_start(udp, path, &port);
    int a = client(udp, path, port), b = client(udp, path, port);
    ASSERT_SYS_OK(send(a, "SUM 1 2", 7, 0));
    ASSERT_SYS_OK(send(b, "SUM 10 20", 9, 0));
    ASSERT_SYS_OK(send(a, "SUM -5", 6, 0));
    for (int k = 0; k < 3; k++)
        answer_one(d);
    expect(a, "OK 3");
    expect(a, "OK -5");
    expect(b, "OK 30");
    ipc_sock_dgram_counts(d, &answered, &dropped);
    ASSERT_EQ(answered, 3);
    ASSERT_EQ(dropped, 0);
    close(a), close(b);
    ASSERT_IPC_OK(ipc_sock_dgram_destroy(d));
    struct stat st;
    ASSERT_SYS_ERR(lstat(path, &st), ENOENT); /* removed (Unix), never made (UDP) */
}

/* SOCK-DGS-01 the datagram server answers each request to its own sender, over Unix datagrams and UDP */
static void test_sock_dgs_01_unix_dgram_answers(void **state)
{
    (void)state;
    two_clients(0);
}

/* SOCK-DGS-01 the datagram server answers each request to its own sender, over Unix datagrams and UDP */
static void test_sock_dgs_01_udp_answers(void **state)
{
    (void)state;
    two_clients(1);
}

/* SOCK-DGS-02 an oversized datagram is answered "ERR too long", an empty one "ERR empty" */
static void test_sock_dgs_02_oversized_err_too_long(void **state)
{
    char big[IPC_SOCK_MSG_MAX + 40];
    uint16_t port;
    (void)state;

    struct ipc_sock_dgram_server *d = dgs_start(1, NULL, &port);
    int c = client(1, NULL, port);
    memset(big, '1', sizeof big);
    big[0] = 'S', big[1] = 'U', big[2] = 'M', big[3] = ' '; /* "SUM 111...1" */
    ASSERT_SYS_OK(send(c, big, sizeof big, 0));
    answer_one(d);
    expect(c, "ERR too long");
    ASSERT_SYS_OK(send(c, "", 0, 0));
    answer_one(d);
    expect(c, "ERR empty");
    ASSERT_SYS_OK(send(c, "SUM 8", 5, 0)); /* and serves on */
    answer_one(d);
    expect(c, "OK 8");
    close(c);
    ASSERT_IPC_OK(ipc_sock_dgram_destroy(d));
}

/* SOCK-DGS-03 a reply to a sender that is gone is dropped and counted; the server serves on */
static void test_sock_dgs_03_gone_sender_dropped(void **state)
{
    char path[256];
    long answered, dropped;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("dgs"));
    struct ipc_sock_dgram_server *d = dgs_start(0, path, NULL);
    int gone = client(0, path, 0), stays = client(0, path, 0);
    ASSERT_SYS_OK(send(gone, "SUM 1", 5, 0));
    close(gone); /* its autobound name goes with it */
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_dgram_step(d, ipct_deadline_ms())), 0);
    ASSERT_SYS_OK(send(stays, "SUM 2", 5, 0));
    answer_one(d);
    expect(stays, "OK 2");
    ipc_sock_dgram_counts(d, &answered, &dropped);
    ASSERT_EQ(answered, 1);
    ASSERT_EQ(dropped, 1);
    close(stays);
    ASSERT_IPC_OK(ipc_sock_dgram_destroy(d));
}

/* SOCK-DGS-04 create checks its arguments; run stops on its stop descriptor; step times out with 0 */
static void test_sock_dgs_04_create_and_run(void **state)
{
    struct ipc_sock_dgram_server *d = NULL;
    char longpath[5000];
    uint16_t port;
    int stop[2];
    (void)state;

    int fd = ASSERT_IPC_OK(ipc_sock_inet_listen("127.0.0.1", 0, SOCK_DGRAM, &port));
    ASSERT_IPC_ERR(ipc_sock_dgram_create(NULL, fd, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_dgram_create(&d, -1, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_dgram_create(&d, FD_SETSIZE, NULL), EMFILE);
    memset(longpath, 'p', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    ASSERT_IPC_ERR(ipc_sock_dgram_create(&d, fd, longpath), ENAMETOOLONG);
    ASSERT_NULL(d);
    ASSERT_IPC_OK(ipc_sock_dgram_create(&d, fd, NULL));
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_dgram_step(d, 1)), 0);
    ASSERT_IPC_ERR(ipc_sock_dgram_run(d, -1), EBADF);
    ASSERT_IPC_ERR(ipc_sock_dgram_run(d, FD_SETSIZE), EMFILE);
    ASSERT_SYS_OK(pipe2(stop, O_CLOEXEC));
    int c = client(1, NULL, port);
    ASSERT_SYS_OK(send(c, "SUM 4", 5, 0));
    ASSERT_SYS_OK(write(stop[1], "x", 1));
    ASSERT_IPC_OK(ipc_sock_dgram_run(d, stop[0])); /* answers what is there, and stops */
    expect(c, "OK 4");
    close(c), close(stop[0]), close(stop[1]);
    ASSERT_IPC_OK(ipc_sock_dgram_destroy(d));
    ASSERT_IPC_OK(ipc_sock_dgram_destroy(NULL));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_dgs_01_unix_dgram_answers),
    IPCT_TEST(test_sock_dgs_01_udp_answers),
    IPCT_TEST(test_sock_dgs_02_oversized_err_too_long),
    IPCT_TEST(test_sock_dgs_03_gone_sender_dropped),
    IPCT_TEST(test_sock_dgs_04_create_and_run),
};

IPCT_MAIN("sock_dgs", tests)
