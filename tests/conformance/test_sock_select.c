/* SPDX-License-Identifier: MIT */
/*
 * test_sock_select.c - select(2) on sockets, the readiness a multiplexing
 * server stands on: the master socket M is readable while a connection is
 * pending, a client socket while data or end of file waits, and a select
 * waiting on M wakes when a client connects.
 *
 * Spec: SOCK-SELECT-01..04 (spec/sock.md).
 * See also: test_sock_accept.c (SOCK-CONC-01, a select loop),
 * impl/src/sock_server.c.
 */
#include "sock_helpers.h"

#include <sys/wait.h>

struct family {
    int tcp;
};
static const struct family unix_row = { 0 }, tcp_row = { 1 };

/* SOCK-SELECT-01 select reports M readable exactly while a connection is pending */
static void test_sock_select_01_master_readable_when_pending(void **state)
{
    const struct family *f = ipct_variant();
    uint16_t port = 0;
    (void)state;

    int m = f->tcp ? sk_inet_listen(SOCK_STREAM, &port) : sk_unix_listen(SOCK_STREAM, ipct_path("m"));
    ASSERT_FALSE(sk_readable(m));
    int c = f->tcp ? sk_inet_connect(SOCK_STREAM, port) : sk_unix_connect(SOCK_STREAM, ipct_path("m"));
    sk_await_readable(m); /* TCP: the handshake's last ACK may still be on its way */
    int a = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));
    ASSERT_FALSE(sk_readable(m)); /* accepted: nothing pending */
    close(a), close(c), close(m);
    if (!f->tcp)
        ASSERT_SYS_OK(unlink(ipct_path("m")));
}

/* SOCK-SELECT-02 select reports a client socket readable once data arrives, not before */
static void test_sock_select_02_client_readable_on_data(void **state)
{
    char b;
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_FALSE(sk_readable(sv[1]));
    ASSERT_SYS_OK(send(sv[0], "d", 1, 0));
    ASSERT_TRUE(sk_readable(sv[1]));
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], &b, 1, 0)), 1);
    ASSERT_FALSE(sk_readable(sv[1])); /* drained */
    close(sv[0]), close(sv[1]);
}

/* SOCK-SELECT-03 select reports a client socket readable at end of file; recv gives 0 */
static void test_sock_select_03_readable_at_eof(void **state)
{
    char b;
    uint16_t port;
    (void)state;

    int m = sk_inet_listen(SOCK_STREAM, &port);
    int c = sk_inet_connect(SOCK_STREAM, port);
    int a = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));
    ASSERT_FALSE(sk_readable(a));
    close(c);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(a, &rd);
    sk_await_readable(a); /* TCP's FIN travels through the loopback */
    ASSERT_EQ(ASSERT_SYS_OK(recv(a, &b, 1, 0)), 0);
    close(a), close(m);
}

/* Child: wait in select on M (arg) with no timeout; M must be readable. */
static void select_on_master(void *arg)
{
    int m = *(int *)arg;
    fd_set rd;

    FD_ZERO(&rd);
    FD_SET(m, &rd);
    ASSERT_EQ(ASSERT_SYS_OK(select(m + 1, &rd, NULL, NULL, NULL)), 1);
    ASSERT_TRUE(FD_ISSET(m, &rd));
}

/* SOCK-SELECT-04 a select waiting on M wakes when a client connects */
static void test_sock_select_04_blocked_select_wakes_on_connect(void **state)
{
    int m = sk_unix_listen(SOCK_STREAM, ipct_path("m"));
    (void)state;

    pid_t pid = ipct_spawn(select_on_master, &m);
    ipct_await_blocked(pid, SOCK_SYS_SELECT);
    int c = sk_unix_connect(SOCK_STREAM, ipct_path("m"));
    assert_child_exited(pid, 0);
    close(c), close(m);
    ASSERT_SYS_OK(unlink(ipct_path("m")));
}

static const struct CMUnitTest tests[] = {
    IPCT_VARIANT(test_sock_select_01_master_readable_when_pending, "unix", &unix_row),
    IPCT_VARIANT(test_sock_select_01_master_readable_when_pending, "tcp", &tcp_row),
    IPCT_TEST(test_sock_select_02_client_readable_on_data),
    IPCT_TEST(test_sock_select_03_readable_at_eof),
    IPCT_TEST(test_sock_select_04_blocked_select_wakes_on_connect),
};

IPCT_MAIN("sock_select", tests)
