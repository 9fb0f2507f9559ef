/* SPDX-License-Identifier: MIT */
/*
 * test_sock_dgrel.c - Unix datagram sockets are reliable and ordered: a
 * full receiver makes a blocking sender wait and a non-blocking one fail,
 * and nothing sent is dropped or reordered.
 *
 * Spec: SOCK-DGREL-01..03 (spec/sock.md).
 * See also: test_sock_dgram.c (boundaries, addresses), test_sock_tcp.c (UDP).
 */
#include "sock_helpers.h"

/* Send numbered datagrams without waiting until the receiver is full; how many went. */
static int fill_dgram(int fd)
{
    int i;

    for (i = 0; i < 100000; i++)
        if (send(fd, &i, sizeof i, MSG_DONTWAIT) == -1) {
            ASSERT_ERRNO_EQ(errno, EAGAIN);
            return i;
        }
    IPCT_FAIL("the receiver never filled after %d datagrams", i);
}

/* SOCK-DGREL-01 a non-blocking send to a full Unix datagram receiver fails with EAGAIN */
static void test_sock_dgrel_01_full_receiver_eagain(void **state)
{
    int sv[2], v = 0;
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_GT(fill_dgram(sv[0]), 0);
    ASSERT_SYS_ERR(send(sv[0], &v, sizeof v, MSG_DONTWAIT), EAGAIN);
    close(sv[0]), close(sv[1]);
}

/* SOCK-DGREL-02 every datagram sent until the receiver was full arrives, in the order sent */
static void test_sock_dgrel_02_nothing_dropped_in_order(void **state)
{
    int sv[2], v;
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    int n = fill_dgram(sv[0]);
    for (int i = 0; i < n; i++) {
        ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], &v, sizeof v, MSG_DONTWAIT)), sizeof v);
        ASSERT_EQ(v, i);
    }
    ASSERT_SYS_ERR(recv(sv[1], &v, sizeof v, MSG_DONTWAIT), EAGAIN);
    close(sv[0]), close(sv[1]);
}

static void send_one_more(void *arg)
{
    int v = -7;

    ASSERT_EQ(ASSERT_SYS_OK(send(*(int *)arg, &v, sizeof v, 0)), sizeof v);
}

/* SOCK-DGREL-03 a blocking send to a full receiver waits until a datagram is taken, then goes through */
static void test_sock_dgrel_03_blocking_sender_waits(void **state)
{
    int sv[2], v;
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    int n = fill_dgram(sv[0]);
    pid_t pid = ipct_spawn(send_one_more, &sv[0]);
    ipct_await_blocked(pid, SYS_sendto);
    for (int i = 0; i < n; i++)
        ASSERT_SYS_OK(recv(sv[1], &v, sizeof v, 0));
    assert_child_exited(pid, 0);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], &v, sizeof v, 0)), sizeof v);
    ASSERT_EQ(v, -7);
    close(sv[0]), close(sv[1]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_dgrel_01_full_receiver_eagain),
    IPCT_TEST(test_sock_dgrel_02_nothing_dropped_in_order),
    IPCT_TEST(test_sock_dgrel_03_blocking_sender_waits),
};

IPCT_MAIN("sock_dgrel", tests)
