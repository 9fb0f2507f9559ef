/* SPDX-License-Identifier: MIT */
/*
 * test_sock_seqpacket.c - Unix SOCK_SEQPACKET: a connection that keeps
 * record boundaries, with a stream's end of file and EPIPE; and shutdown(2)
 * one direction at a time on a Unix stream.
 *
 * Spec: SOCK-SEQ-01..05, SOCK-SHUT-01..04 (spec/sock.md).
 * See also: test_sock_stream.c (SOCK-EOF-02: SHUT_WR), test_sock_dgram.c.
 */
#include "sock_helpers.h"

static void seqpair(int sv[2])
{
    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
}

/* SOCK-SEQ-01 a seqpacket connection keeps record boundaries: one recv takes one send */
static void test_sock_seq_01_boundaries_kept(void **state)
{
    char buf[16];
    int sv[2];
    (void)state;

    seqpair(sv);
    ASSERT_SYS_OK(send(sv[0], "ab", 2, 0));
    ASSERT_SYS_OK(send(sv[0], "cde", 3, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 2);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 3);
    ASSERT_MEM_EQ(buf, "cde", 3);
    close(sv[0]), close(sv[1]);
}

/* SOCK-SEQ-02 a short buffer takes the head of a record, sets MSG_TRUNC, and the rest is discarded */
static void test_sock_seq_02_short_buffer_truncates(void **state)
{
    char buf[8] = "";
    struct iovec iov = { buf, 2 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    int sv[2];
    (void)state;

    seqpair(sv);
    ASSERT_SYS_OK(send(sv[0], "abcdef", 6, 0));
    ASSERT_SYS_OK(send(sv[0], "xy", 2, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recvmsg(sv[1], &mh, 0)), 2);
    ASSERT_TRUE(mh.msg_flags & MSG_TRUNC);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 2);
    ASSERT_MEM_EQ(buf, "xy", 2);
    close(sv[0]), close(sv[1]);
}

/* SOCK-SEQ-03 after the peer closes, recv gives the records left, then 0 */
static void test_sock_seq_03_peer_closed_eof(void **state)
{
    char buf[8];
    int sv[2];
    (void)state;

    seqpair(sv);
    ASSERT_SYS_OK(send(sv[0], "last", 4, 0));
    close(sv[0]);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 4);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 0);
    close(sv[1]);
}

/* SOCK-SEQ-04 a send to a closed peer fails with EPIPE */
static void test_sock_seq_04_peer_closed_epipe(void **state)
{
    int sv[2];
    (void)state;

    seqpair(sv);
    close(sv[1]);
    ASSERT_SYS_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    close(sv[0]);
}

/* SOCK-SEQ-05 a seqpacket socket is connection-oriented: a send before connect fails with ENOTCONN */
static void test_sock_seq_05_unconnected_send_enotconn(void **state)
{
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_ERR(send(fd, "x", 1, MSG_NOSIGNAL), ENOTCONN);
    close(fd);
}

/* SOCK-SHUT-01 after shutdown(SHUT_RD) recv returns 0 at once, with nothing sent */
static void test_sock_shut_01_shut_rd_recv_zero(void **state)
{
    char b;
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(shutdown(sv[1], SHUT_RD));
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], &b, 1, 0)), 0);
    close(sv[0]), close(sv[1]);
}

/* SOCK-SHUT-02 on a Unix stream, the peer of a socket shut for reading gets EPIPE on send */
static void test_sock_shut_02_peer_of_shut_rd_epipe(void **state)
{
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(shutdown(sv[1], SHUT_RD));
    ASSERT_SYS_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    ASSERT_SYS_OK(send(sv[1], "y", 1, MSG_NOSIGNAL)); /* the other way is open */
    close(sv[0]), close(sv[1]);
}

/* SOCK-SHUT-03 shutdown(SHUT_RDWR) closes both directions, and the descriptor stays open */
static void test_sock_shut_03_shut_rdwr_both_ways(void **state)
{
    char b;
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(shutdown(sv[1], SHUT_RDWR));
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[0], &b, 1, 0)), 0);
    ASSERT_SYS_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    ASSERT_SYS_ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
    ASSERT_SYS_OK(fcntl(sv[1], F_GETFD));
    close(sv[0]), close(sv[1]);
}

/* SOCK-SHUT-04 shutdown of an unconnected TCP socket fails with ENOTCONN; a Unix one's succeeds; a bad how gives EINVAL */
static void test_sock_shut_04_unconnected_and_bad_how(void **state)
{
    int sv[2];
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int tcp = (int)ASSERT_SYS_OK(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_ERR(shutdown(tcp, SHUT_RD), ENOTCONN);
    ASSERT_SYS_OK(shutdown(fd, SHUT_RD)); /* Linux's Unix sockets do not check */
    close(tcp);
    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_ERR(shutdown(sv[0], 7), EINVAL);
    close(fd), close(sv[0]), close(sv[1]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_seq_01_boundaries_kept),
    IPCT_TEST(test_sock_seq_02_short_buffer_truncates),
    IPCT_TEST(test_sock_seq_03_peer_closed_eof),
    IPCT_TEST(test_sock_seq_04_peer_closed_epipe),
    IPCT_TEST(test_sock_seq_05_unconnected_send_enotconn),
    IPCT_TEST(test_sock_shut_01_shut_rd_recv_zero),
    IPCT_TEST(test_sock_shut_02_peer_of_shut_rd_epipe),
    IPCT_TEST(test_sock_shut_03_shut_rdwr_both_ways),
    IPCT_TEST(test_sock_shut_04_unconnected_and_bad_how),
};

IPCT_MAIN("sock_seqpacket", tests)
