/* SPDX-License-Identifier: MIT */
/*
 * test_sock_msg.c - the per-call flags of send(2) and recv(2) on Unix
 * sockets: MSG_PEEK, MSG_DONTWAIT and MSG_WAITALL.
 *
 * Spec: SOCK-MSG-01..06 (spec/sock.md).
 * See also: test_sock_opt.c (per-socket options), test_sock_dgram.c (MSG_TRUNC).
 */
#include "sock_helpers.h"

/* SOCK-MSG-01 MSG_PEEK returns the waiting bytes and leaves them for the next recv */
static void test_sock_msg_01_peek_leaves_data(void **state)
{
    char buf[8] = "";
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(send(sv[0], "peek", 4, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, MSG_PEEK)), 4);
    ASSERT_MEM_EQ(buf, "peek", 4);
    memset(buf, 0, sizeof buf);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 4);
    ASSERT_MEM_EQ(buf, "peek", 4);
    close(sv[0]), close(sv[1]);
}

/* SOCK-MSG-02 on a datagram socket MSG_PEEK shows the first datagram again and again until it is received */
static void test_sock_msg_02_peek_datagram_repeats(void **state)
{
    char buf[8] = "";
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(send(sv[0], "one", 3, 0));
    ASSERT_SYS_OK(send(sv[0], "second", 6, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, MSG_PEEK)), 3);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, MSG_PEEK)), 3);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 3);
    ASSERT_MEM_EQ(buf, "one", 3);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, MSG_PEEK)), 6);
    ASSERT_MEM_EQ(buf, "second", 6);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 6);
    close(sv[0]), close(sv[1]);
}

/* SOCK-MSG-03 MSG_DONTWAIT makes one recv non-blocking and leaves the socket blocking */
static void test_sock_msg_03_dontwait_recv_eagain(void **state)
{
    char b;
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_ERR(recv(sv[1], &b, 1, MSG_DONTWAIT), EAGAIN);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(sv[1], F_GETFL)) & O_NONBLOCK, 0);
    close(sv[0]), close(sv[1]);
}

/* SOCK-MSG-04 MSG_DONTWAIT on a send that finds the stream full fails with EAGAIN */
static void test_sock_msg_04_dontwait_send_full_eagain(void **state)
{
    static char chunk[4096];
    int sv[2], i;
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    for (i = 0; i < 100000 && send(sv[0], chunk, sizeof chunk, MSG_DONTWAIT) != -1; i++)
        ;
    ASSERT_LT(i, 100000);
    ASSERT_ERRNO_EQ(errno, EAGAIN);
    ASSERT_SYS_ERR(send(sv[0], chunk, 1, MSG_DONTWAIT), EAGAIN);
    close(sv[0]), close(sv[1]);
}

static void recv_six_waitall(void *arg)
{
    char buf[8] = "";

    ASSERT_EQ(ASSERT_SYS_OK(recv(*(int *)arg, buf, 6, MSG_WAITALL)), 6);
    ASSERT_MEM_EQ(buf, "abcdef", 6);
}

/* SOCK-MSG-05 MSG_WAITALL on a stream waits until the whole count has arrived */
static void test_sock_msg_05_waitall_waits_for_count(void **state)
{
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    pid_t pid = ipct_spawn(recv_six_waitall, &sv[1]);
    ASSERT_SYS_OK(send(sv[0], "abc", 3, 0));
    ipct_await_blocked(pid, SYS_recvfrom); /* three bytes there, still waiting */
    ASSERT_SYS_OK(send(sv[0], "def", 3, 0));
    assert_child_exited(pid, 0);
    close(sv[0]), close(sv[1]);
}

/* SOCK-MSG-06 MSG_WAITALL returns fewer bytes when end of file comes first */
static void test_sock_msg_06_waitall_short_at_eof(void **state)
{
    char buf[8];
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(send(sv[0], "abc", 3, 0));
    close(sv[0]);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, 6, MSG_WAITALL)), 3);
    close(sv[1]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_msg_01_peek_leaves_data),
    IPCT_TEST(test_sock_msg_02_peek_datagram_repeats),
    IPCT_TEST(test_sock_msg_03_dontwait_recv_eagain),
    IPCT_TEST(test_sock_msg_04_dontwait_send_full_eagain),
    IPCT_TEST(test_sock_msg_05_waitall_waits_for_count),
    IPCT_TEST(test_sock_msg_06_waitall_short_at_eof),
};

IPCT_MAIN("sock_msg", tests)
