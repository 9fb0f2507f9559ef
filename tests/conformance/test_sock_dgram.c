/* SPDX-License-Identifier: MIT */
/*
 * test_sock_dgram.c - Unix datagram sockets: each send is one message,
 * kept whole or cut to the receiver's buffer (MSG_TRUNC), addressed by
 * path, refused when no socket is there.
 *
 * Spec: SOCK-DGRAM-01..08 (spec/sock.md).
 * See also: test_sock_stream.c (no boundaries), test_sock_tcp.c (UDP).
 */
#include "sock_helpers.h"

#include <stdlib.h>

/* SOCK-DGRAM-01 a datagram socket keeps message boundaries: one recv, one send */
static void test_sock_dgram_01_boundaries_kept(void **state)
{
    char buf[16];
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(send(sv[0], "abc", 3, 0));
    ASSERT_SYS_OK(send(sv[0], "defgh", 5, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 3);
    ASSERT_MEM_EQ(buf, "abc", 3);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 5);
    ASSERT_MEM_EQ(buf, "defgh", 5);
    close(sv[0]), close(sv[1]);
}

/* SOCK-DGRAM-02 a short buffer truncates the datagram, sets MSG_TRUNC, and the rest is lost */
static void test_sock_dgram_02_short_buffer_msg_trunc(void **state)
{
    char buf[8] = "";
    struct iovec iov = { buf, 4 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(send(sv[0], "abcdefg", 7, 0));
    ASSERT_SYS_OK(send(sv[0], "next", 4, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recvmsg(sv[1], &mh, 0)), 4);
    ASSERT_TRUE(mh.msg_flags & MSG_TRUNC);
    ASSERT_MEM_EQ(buf, "abcd", 4);
    /* "efg" is gone: the next recv is the next datagram */
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 4);
    ASSERT_MEM_EQ(buf, "next", 4);
    close(sv[0]), close(sv[1]);
}

/* SOCK-DGRAM-03 recv with the MSG_TRUNC flag returns the datagram's real length */
static void test_sock_dgram_03_recv_msg_trunc_real_length(void **state)
{
    char buf[2];
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(send(sv[0], "0123456789", 10, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, MSG_TRUNC)), 10);
    ASSERT_MEM_EQ(buf, "01", 2);
    ASSERT_SYS_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN); /* consumed */
    close(sv[0]), close(sv[1]);
}

/* SOCK-DGRAM-04 a zero-length datagram arrives as a message of length 0 */
static void test_sock_dgram_04_zero_length_datagram(void **state)
{
    char buf[4];
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_EQ(ASSERT_SYS_OK(send(sv[0], "", 0, 0)), 0);
    ASSERT_SYS_OK(send(sv[0], "z", 1, 0));
    ASSERT_TRUE(sk_readable(sv[1]));
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 0);
    /* not an end of file: the next datagram follows */
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 1);
    close(sv[0]), close(sv[1]);
}

/* SOCK-DGRAM-05 sendto a missing path fails with ENOENT, to a stale socket file with ECONNREFUSED */
static void test_sock_dgram_05_sendto_missing_enoent_stale_econnrefused(void **state)
{
    char path[256];
    struct sockaddr_un sa;
    int d = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("d"));
    socklen_t len = sk_unix_addr(&sa, path);
    ASSERT_SYS_ERR(sendto(d, "x", 1, 0, (struct sockaddr *)&sa, len), ENOENT);
    close(sk_unix_listen(SOCK_DGRAM, path)); /* bound, then closed: a stale file */
    ASSERT_SYS_ERR(sendto(d, "x", 1, 0, (struct sockaddr *)&sa, len), ECONNREFUSED);
    close(d);
    ASSERT_SYS_OK(unlink(path));
}

/* SOCK-DGRAM-06 recvfrom reports the sender's bound path, and no address for an unbound sender */
static void test_sock_dgram_06_recvfrom_sender_address(void **state)
{
    char spath[256], cpath[256], b;
    struct sockaddr_un sa, from;
    socklen_t len;
    (void)state;

    snprintf(spath, sizeof spath, "%s", ipct_path("srv"));
    snprintf(cpath, sizeof cpath, "%s", ipct_path("cli"));
    int s = sk_unix_listen(SOCK_DGRAM, spath);
    int bound = sk_unix_listen(SOCK_DGRAM, cpath);
    int anon = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    len = sk_unix_addr(&sa, spath);
    ASSERT_SYS_OK(sendto(bound, "b", 1, 0, (struct sockaddr *)&sa, len));
    ASSERT_SYS_OK(sendto(anon, "a", 1, 0, (struct sockaddr *)&sa, len));
    len = sizeof from;
    ASSERT_SYS_OK(recvfrom(s, &b, 1, 0, (struct sockaddr *)&from, &len));
    ASSERT_STR_EQ(from.sun_path, cpath);
    /* and the reply reaches the sender at that address */
    ASSERT_SYS_OK(sendto(s, "r", 1, 0, (struct sockaddr *)&from, len));
    ASSERT_EQ(ASSERT_SYS_OK(recv(bound, &b, 1, 0)), 1);
    len = sizeof from;
    ASSERT_SYS_OK(recvfrom(s, &b, 1, 0, (struct sockaddr *)&from, &len));
    ASSERT_EQ(len, 0); /* Linux: no address at all; nothing to reply to */
    close(s), close(bound), close(anon);
    ASSERT_SYS_OK(unlink(ipct_path("cli")));
    ASSERT_SYS_OK(unlink(ipct_path("srv")));
}

/* SOCK-DGRAM-07 a datagram larger than the send buffer fails with EMSGSIZE */
static void test_sock_dgram_07_oversized_emsgsize(void **state)
{
    int sndbuf = 0;
    socklen_t len = sizeof sndbuf;
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &len));
    size_t size = (size_t)sndbuf + 4096;
    char *big = calloc(1, size);
    ASSERT_NOT_NULL(big);
    ASSERT_SYS_ERR(send(sv[0], big, size, 0), EMSGSIZE);
    free(big);
    ASSERT_FALSE(sk_readable(sv[1])); /* nothing sent */
    close(sv[0]), close(sv[1]);
}

/* SOCK-DGRAM-08 a send on a connected datagram socket whose peer closed fails with ECONNREFUSED */
static void test_sock_dgram_08_peer_closed_econnrefused(void **state)
{
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    close(sv[1]);
    ASSERT_SYS_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), ECONNREFUSED);
    close(sv[0]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_dgram_01_boundaries_kept),
    IPCT_TEST(test_sock_dgram_02_short_buffer_msg_trunc),
    IPCT_TEST(test_sock_dgram_03_recv_msg_trunc_real_length),
    IPCT_TEST(test_sock_dgram_04_zero_length_datagram),
    IPCT_TEST(test_sock_dgram_05_sendto_missing_enoent_stale_econnrefused),
    IPCT_TEST(test_sock_dgram_06_recvfrom_sender_address),
    IPCT_TEST(test_sock_dgram_07_oversized_emsgsize),
    IPCT_TEST(test_sock_dgram_08_peer_closed_econnrefused),
};

IPCT_MAIN("sock_dgram", tests)
