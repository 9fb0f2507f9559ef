/* SPDX-License-Identifier: MIT */
/*
 * test_sock_stream.c - what a connected stream carries: bytes without
 * boundaries, waits for data, end of file after the peer closes or shuts
 * down, and EPIPE with SIGPIPE when writing to a peer that is gone.
 * Unix stream sockets, and TCP on 127.0.0.1 where a variant says so.
 *
 * Behaviours checked:
 *   1. no message boundaries; a short buffer takes part (SOCK-STREAM-01, -02)
 *   2. recv waits for data; non-blocking: EAGAIN (SOCK-STREAM-03, -04)
 *   3. after the peer closes, recv returns 0; SHUT_WR gives the peer end of
 *      file; a waiting reader wakes with 0 (SOCK-EOF-01..03)
 *   4. a write to a closed peer: SIGPIPE, else EPIPE (SOCK-PIPE-01..04)
 *
 * Spec: SOCK-STREAM-01..04, SOCK-EOF-01..03, SOCK-PIPE-01..04 (spec/sock.md).
 * See also: test_sock_dgram.c (boundaries kept), test_sock_tcp.c.
 */
#include "sock_helpers.h"

#include <signal.h>
#include <sys/wait.h>

/* A connected stream pair: Unix (socketpair) or TCP over loopback. */
static void stream_pair(int tcp, int sv[2])
{
    uint16_t port;

    if (!tcp) {
        ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
        return;
    }
    int m = sk_inet_listen(SOCK_STREAM, &port);
    sv[0] = sk_inet_connect(SOCK_STREAM, port);
    sv[1] = (int)ASSERT_SYS_OK(accept4(m, NULL, NULL, SOCK_CLOEXEC));
    int on = 1; /* send each piece at once, as the Unix socket does */
    ASSERT_SYS_OK(setsockopt(sv[0], IPPROTO_TCP, TCP_NODELAY, &on, sizeof on));
    close(m);
}

/* Two sends of 3 bytes come out of one recv of 6. */
static void no_boundaries(int tcp)
{
    char buf[16] = "";
    int sv[2];

    stream_pair(tcp, sv);
    ASSERT_SYS_OK(send(sv[0], "abc", 3, 0));
    ASSERT_SYS_OK(send(sv[0], "def", 3, 0));
    sk_await_unread(sv[1], 6);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 6);
    ASSERT_STR_EQ(buf, "abcdef");
    close(sv[0]), close(sv[1]);
}

/* SOCK-STREAM-01 a stream keeps no message boundaries: two sends, one recv */
static void test_sock_stream_01_unix_no_boundaries(void **state)
{
    (void)state;
    no_boundaries(0);
}

/* SOCK-STREAM-01 a stream keeps no message boundaries: two sends, one recv */
static void test_sock_stream_01_tcp_no_boundaries(void **state)
{
    (void)state;
    no_boundaries(1);
}

/* SOCK-STREAM-02 a recv with a short buffer takes part of the data; the rest stays */
static void test_sock_stream_02_short_buffer_rest_stays(void **state)
{
    struct msghdr mh = { 0 };
    struct iovec iov;
    char buf[8] = "";
    int sv[2];
    (void)state;

    stream_pair(0, sv);
    ASSERT_SYS_OK(send(sv[0], "abcdef", 6, 0));
    iov.iov_base = buf;
    iov.iov_len = 4;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    ASSERT_EQ(ASSERT_SYS_OK(recvmsg(sv[1], &mh, 0)), 4);
    ASSERT_EQ(mh.msg_flags & MSG_TRUNC, 0); /* nothing lost */
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf + 4, 4, 0)), 2);
    ASSERT_STR_EQ(buf, "abcdef");
    close(sv[0]), close(sv[1]);
}

struct recv_case {
    const int *sv;
    ssize_t n;   /* what recv must return: 1, or 0 at end of file */
    char byte;   /* the byte it must give when n is 1 */
};

/* Child: close its copy of sv[0], recv one byte on sv[1]: as the case says. */
static void recv_one(void *arg)
{
    const struct recv_case *rc = arg;
    char b = 0;

    close(rc->sv[0]);
    ASSERT_EQ(ASSERT_SYS_OK(recv(rc->sv[1], &b, 1, 0)), rc->n);
    if (rc->n == 1)
        ASSERT_EQ(b, rc->byte);
}

/* SOCK-STREAM-03 a recv on an empty blocking stream waits until data arrives */
static void test_sock_stream_03_recv_blocks_until_data(void **state)
{
    int sv[2];
    (void)state;

    stream_pair(0, sv);
    struct recv_case rc = { sv, 1, 0x21 };
    pid_t pid = ipct_spawn(recv_one, &rc);
    ipct_await_blocked(pid, SYS_recvfrom);
    ASSERT_SYS_OK(send(sv[0], "\x21", 1, 0));
    assert_child_exited(pid, 0);
    close(sv[0]), close(sv[1]);
}

/* SOCK-STREAM-04 a non-blocking recv on an empty stream fails with EAGAIN */
static void test_sock_stream_04_nonblocking_empty_eagain(void **state)
{
    char b;
    int sv[2];
    (void)state;

    stream_pair(0, sv);
    ASSERT_SYS_ERR(recv(sv[1], &b, 1, MSG_DONTWAIT), EAGAIN);
    ASSERT_SYS_OK(fcntl(sv[1], F_SETFL, O_NONBLOCK));
    ASSERT_SYS_ERR(recv(sv[1], &b, 1, 0), EAGAIN);
    ASSERT_SYS_ERR(read(sv[1], &b, 1), EAGAIN);
    close(sv[0]), close(sv[1]);
}

/* The peer sends "xy" and closes: recv gives "xy", then 0, and 0 again. */
static void eof_after_close(int tcp)
{
    char buf[4] = "";
    int sv[2];

    stream_pair(tcp, sv);
    ASSERT_SYS_OK(send(sv[0], "xy", 2, 0));
    close(sv[0]);
    sk_await_unread(sv[1], 2);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 2);
    ASSERT_STR_EQ(buf, "xy");
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], buf, sizeof buf, 0)), 0);
    ASSERT_EQ(ASSERT_SYS_OK(read(sv[1], buf, sizeof buf)), 0);
    close(sv[1]);
}

/* SOCK-EOF-01 after the peer closes, recv returns the data left, then 0 */
static void test_sock_eof_01_unix_peer_close_read_zero(void **state)
{
    (void)state;
    eof_after_close(0);
}

/* SOCK-EOF-01 after the peer closes, recv returns the data left, then 0 */
static void test_sock_eof_01_tcp_peer_close_read_zero(void **state)
{
    (void)state;
    eof_after_close(1);
}

/* SOCK-EOF-02 shutdown(SHUT_WR) gives the peer end of file; the other way still works */
static void test_sock_eof_02_shut_wr_peer_eof(void **state)
{
    char b = 0;
    (void)state;

    for (int tcp = 0; tcp < 2; tcp++) {
        int sv[2];
        stream_pair(tcp, sv);
        ASSERT_SYS_OK(shutdown(sv[0], SHUT_WR));
        ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], &b, 1, 0)), 0);
        ASSERT_SYS_OK(send(sv[1], "r", 1, 0)); /* the reverse direction is open */
        ASSERT_EQ(ASSERT_SYS_OK(recv(sv[0], &b, 1, 0)), 1);
        ASSERT_EQ(b, 'r');
        close(sv[0]), close(sv[1]);
    }
}

/* SOCK-EOF-03 a reader waiting in recv wakes with 0 when the peer closes */
static void test_sock_eof_03_blocked_reader_wakes_zero(void **state)
{
    int sv[2];
    (void)state;

    stream_pair(0, sv);
    struct recv_case rc = { sv, 0, 0 };
    pid_t pid = ipct_spawn(recv_one, &rc);
    ipct_await_blocked(pid, SYS_recvfrom);
    close(sv[0]); /* the last descriptor of the peer: the child closed its copy */
    assert_child_exited(pid, 0);
    close(sv[1]);
}

struct pipe_case {
    int fd;      /* our end; the peer is closed */
    int ignore;  /* SIGPIPE set to SIG_IGN first */
    int flags;   /* send flags */
};

/* Child: send to the closed peer, which must fail with EPIPE if the child
 * lives through it (SIGPIPE, when not ignored, ends it first). */
static void send_to_closed(void *arg)
{
    const struct pipe_case *pc = arg;
    struct sigaction ign = { .sa_handler = SIG_IGN };

    if (pc->ignore)
        ASSERT_SYS_OK(sigaction(SIGPIPE, &ign, NULL));
    ASSERT_SYS_ERR(send(pc->fd, "x", 1, pc->flags), EPIPE);
}

/* A Unix stream socket whose peer is closed. */
static int orphan(void)
{
    int sv[2];

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    close(sv[1]);
    return sv[0];
}

/* SOCK-PIPE-01 a send to a stream whose peer is closed raises SIGPIPE */
static void test_sock_pipe_01_closed_peer_sigpipe(void **state)
{
    struct pipe_case pc = { orphan(), 0, 0 };
    (void)state;

    assert_child_signaled(ipct_spawn(send_to_closed, &pc), SIGPIPE);
    close(pc.fd);
}

/* SOCK-PIPE-02 with SIGPIPE ignored, the send fails with EPIPE instead */
static void test_sock_pipe_02_sig_ign_epipe(void **state)
{
    struct pipe_case pc = { orphan(), 1, 0 };
    (void)state;

    assert_child_exited(ipct_spawn(send_to_closed, &pc), 0);
    close(pc.fd);
}

/* SOCK-PIPE-03 with MSG_NOSIGNAL the send fails with EPIPE and raises no signal */
static void test_sock_pipe_03_msg_nosignal_epipe(void **state)
{
    struct pipe_case pc = { orphan(), 0, MSG_NOSIGNAL };
    (void)state;

    assert_child_exited(ipct_spawn(send_to_closed, &pc), 0);
    close(pc.fd);
}

/* SOCK-PIPE-04 a send after one's own shutdown(SHUT_WR) fails with EPIPE */
static void test_sock_pipe_04_after_shut_wr_epipe(void **state)
{
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(shutdown(sv[0], SHUT_WR));
    ASSERT_SYS_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    close(sv[0]), close(sv[1]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_stream_01_unix_no_boundaries),
    IPCT_TEST(test_sock_stream_01_tcp_no_boundaries),
    IPCT_TEST(test_sock_stream_02_short_buffer_rest_stays),
    IPCT_TEST(test_sock_stream_03_recv_blocks_until_data),
    IPCT_TEST(test_sock_stream_04_nonblocking_empty_eagain),
    IPCT_TEST(test_sock_eof_01_unix_peer_close_read_zero),
    IPCT_TEST(test_sock_eof_01_tcp_peer_close_read_zero),
    IPCT_TEST(test_sock_eof_02_shut_wr_peer_eof),
    IPCT_TEST(test_sock_eof_03_blocked_reader_wakes_zero),
    IPCT_TEST(test_sock_pipe_01_closed_peer_sigpipe),
    IPCT_TEST(test_sock_pipe_02_sig_ign_epipe),
    IPCT_TEST(test_sock_pipe_03_msg_nosignal_epipe),
    IPCT_TEST(test_sock_pipe_04_after_shut_wr_epipe),
};

IPCT_MAIN("sock_stream", tests)
