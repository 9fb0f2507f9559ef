/* SPDX-License-Identifier: MIT */
/*
 * test_sock_tcp.c - TCP and UDP on 127.0.0.1: ephemeral ports (every port
 * here is chosen by the kernel: never a fixed one), EADDRINUSE and
 * SO_REUSEADDR, ECONNREFUSED, the address accept reports, and UDP's
 * message boundaries.
 *
 * Spec: SOCK-TCP-01..06, SOCK-UDP-01..04 (spec/sock.md).
 * See also: test_sock_stream.c (TCP variants of stream behaviours).
 */
#include "sock_helpers.h"

#include <stdlib.h>

/* The ephemeral range, from /proc/sys/net/ipv4/ip_local_port_range. */
static void port_range(long *lo, long *hi)
{
    char text[64], *end;

    ipct_read_text("/proc/sys/net/ipv4/ip_local_port_range", text, sizeof text);
    *lo = strtol(text, &end, 10);
    *hi = strtol(end, &end, 10);
    if (*lo <= 0 || *hi < *lo)
        IPCT_FAIL("ip_local_port_range reads \"%s\"", text);
}

/* SOCK-TCP-01 binding port 0 gets a port from the ephemeral range */
static void test_sock_tcp_01_port_zero_ephemeral(void **state)
{
    long lo, hi;
    uint16_t p1, p2;
    (void)state;

    port_range(&lo, &hi);
    int a = sk_inet_listen(SOCK_STREAM, &p1);
    int b = sk_inet_listen(SOCK_STREAM, &p2);
    if (p1 < lo || p1 > hi || p2 < lo || p2 > hi)
        IPCT_FAIL("ports %u and %u outside %ld-%ld", p1, p2, lo, hi);
    ASSERT_NE(p1, p2);
    close(a), close(b);
}

/* SOCK-TCP-02 a second bind to a listening address and port fails with EADDRINUSE, even with SO_REUSEADDR */
static void test_sock_tcp_02_second_bind_eaddrinuse(void **state)
{
    uint16_t port;
    int on = 1;
    int m = sk_inet_listen(SOCK_STREAM, &port);
    struct sockaddr_in sa = sk_loopback(port);
    (void)state;

    for (int reuse = 0; reuse < 2; reuse++) {
        int s = (int)ASSERT_SYS_OK(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (reuse)
            ASSERT_SYS_OK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on));
        ASSERT_SYS_ERR(bind(s, (struct sockaddr *)&sa, sizeof sa), EADDRINUSE);
        close(s);
    }
    close(m);
}

/* SOCK-TCP-03 while a closed connection waits in TIME_WAIT, rebinding its port needs SO_REUSEADDR */
static void test_sock_tcp_03_time_wait_needs_reuseaddr(void **state)
{
    uint16_t port;
    char b;
    int on = 1;
    (void)state;

    /* the first server, too, sets SO_REUSEADDR: its connections inherit it,
     * and a TIME_WAIT connection without it blocks the port all the same */
    struct sockaddr_in any = sk_loopback(0);
    socklen_t alen = sizeof any;
    int m = (int)ASSERT_SYS_OK(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_OK(setsockopt(m, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on));
    ASSERT_SYS_OK(bind(m, (struct sockaddr *)&any, sizeof any));
    ASSERT_SYS_OK(listen(m, 1));
    ASSERT_SYS_OK(getsockname(m, (struct sockaddr *)&any, &alen));
    port = ntohs(any.sin_port);
    int c = sk_inet_connect(SOCK_STREAM, port);
    int a = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));
    close(m);
    close(a); /* the server's side closes first: its port goes to TIME_WAIT */
    ASSERT_EQ(ASSERT_SYS_OK(recv(c, &b, 1, 0)), 0);
    close(c);
    struct sockaddr_in sa = sk_loopback(port);
    int s = (int)ASSERT_SYS_OK(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_ERR(bind(s, (struct sockaddr *)&sa, sizeof sa), EADDRINUSE);
    ASSERT_SYS_OK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on));
    ASSERT_SYS_OK(bind(s, (struct sockaddr *)&sa, sizeof sa));
    ASSERT_SYS_OK(listen(s, 1));
    close(s);
}

/* SOCK-TCP-04 connect to a loopback port no one listens on fails with ECONNREFUSED */
static void test_sock_tcp_04_no_listener_econnrefused(void **state)
{
    struct sockaddr_in sa = sk_loopback(0);
    socklen_t len = sizeof sa;
    (void)state;

    /* a port held, bound but not listening, so no one else can take it */
    int hold = (int)ASSERT_SYS_OK(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_OK(bind(hold, (struct sockaddr *)&sa, sizeof sa));
    ASSERT_SYS_OK(getsockname(hold, (struct sockaddr *)&sa, &len));
    int c = (int)ASSERT_SYS_OK(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_ERR(connect(c, (struct sockaddr *)&sa, sizeof sa), ECONNREFUSED);
    close(c), close(hold);
}

/* SOCK-TCP-05 accept reports the client's address: 127.0.0.1 and the client's own port */
static void test_sock_tcp_05_accept_peer_address(void **state)
{
    uint16_t port;
    struct sockaddr_in peer = { 0 };
    socklen_t len = sizeof peer;
    (void)state;

    int m = sk_inet_listen(SOCK_STREAM, &port);
    int c = sk_inet_connect(SOCK_STREAM, port);
    int a = (int)ASSERT_SYS_OK(accept(m, (struct sockaddr *)&peer, &len));
    ASSERT_EQ(len, sizeof peer);
    ASSERT_EQ(peer.sin_family, AF_INET);
    ASSERT_EQ(ntohl(peer.sin_addr.s_addr), INADDR_LOOPBACK);
    ASSERT_EQ(ntohs(peer.sin_port), sk_port(c));
    ASSERT_NE(sk_port(c), port);
    close(a), close(c), close(m);
}

/* SOCK-TCP-06 a connection completes in the backlog before accept, and data sent then waits for the server */
static void test_sock_tcp_06_data_before_accept(void **state)
{
    uint16_t port;
    char buf[8] = "";
    (void)state;

    int m = sk_inet_listen(SOCK_STREAM, &port);
    int c = sk_inet_connect(SOCK_STREAM, port); /* returns before any accept */
    ASSERT_SYS_OK(send(c, "early", 5, 0));
    int a = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));
    sk_await_unread(a, 5);
    ASSERT_EQ(ASSERT_SYS_OK(recv(a, buf, sizeof buf, 0)), 5);
    ASSERT_STR_EQ(buf, "early");
    close(a), close(c), close(m);
}

/* SOCK-UDP-01 UDP keeps message boundaries: one recv, one datagram */
static void test_sock_udp_01_boundaries_kept(void **state)
{
    uint16_t port;
    char buf[16];
    (void)state;

    int s = sk_inet_listen(SOCK_DGRAM, &port);
    int c = sk_inet_connect(SOCK_DGRAM, port);
    ASSERT_SYS_OK(send(c, "one", 3, 0));
    ASSERT_SYS_OK(send(c, "three", 5, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recv(s, buf, sizeof buf, 0)), 3);
    ASSERT_MEM_EQ(buf, "one", 3);
    ASSERT_EQ(ASSERT_SYS_OK(recv(s, buf, sizeof buf, 0)), 5);
    ASSERT_MEM_EQ(buf, "three", 5);
    close(c), close(s);
}

/* SOCK-UDP-02 a short buffer truncates a UDP datagram and sets MSG_TRUNC; the rest is lost */
static void test_sock_udp_02_short_buffer_msg_trunc(void **state)
{
    uint16_t port;
    char buf[8];
    struct iovec iov = { buf, 3 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    (void)state;

    int s = sk_inet_listen(SOCK_DGRAM, &port);
    int c = sk_inet_connect(SOCK_DGRAM, port);
    ASSERT_SYS_OK(send(c, "abcdef", 6, 0));
    ASSERT_SYS_OK(send(c, "gh", 2, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recvmsg(s, &mh, 0)), 3);
    ASSERT_TRUE(mh.msg_flags & MSG_TRUNC);
    ASSERT_MEM_EQ(buf, "abc", 3);
    ASSERT_EQ(ASSERT_SYS_OK(recv(s, buf, sizeof buf, MSG_TRUNC)), 2);
    ASSERT_MEM_EQ(buf, "gh", 2);
    close(c), close(s);
}

/* SOCK-UDP-03 a connected UDP socket learns of a port with no socket: a later recv fails with ECONNREFUSED */
static void test_sock_udp_03_no_listener_econnrefused(void **state)
{
    uint16_t port;
    char b;
    (void)state;

    int gone = sk_inet_listen(SOCK_DGRAM, &port);
    int c = sk_inet_connect(SOCK_DGRAM, port);
    close(gone);
    ASSERT_SYS_OK(send(c, "x", 1, 0)); /* UDP sends without a handshake */
    /* the ICMP port-unreachable comes back through the loopback */
    struct timeval tv = { ipct_deadline_ms() / 1000, 0 };
    ASSERT_SYS_OK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    ASSERT_SYS_ERR(recv(c, &b, 1, 0), ECONNREFUSED);
    close(c);
}

/* SOCK-UDP-04 a UDP bind to port 0 gets an ephemeral port; binding that port again fails with EADDRINUSE */
static void test_sock_udp_04_port_zero_then_eaddrinuse(void **state)
{
    long lo, hi;
    uint16_t port;
    (void)state;

    port_range(&lo, &hi);
    int s = sk_inet_listen(SOCK_DGRAM, &port);
    if (port < lo || port > hi)
        IPCT_FAIL("port %u outside %ld-%ld", port, lo, hi);
    struct sockaddr_in sa = sk_loopback(port);
    int t = (int)ASSERT_SYS_OK(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_ERR(bind(t, (struct sockaddr *)&sa, sizeof sa), EADDRINUSE);
    close(t), close(s);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_tcp_01_port_zero_ephemeral),
    IPCT_TEST(test_sock_tcp_02_second_bind_eaddrinuse),
    IPCT_TEST(test_sock_tcp_03_time_wait_needs_reuseaddr),
    IPCT_TEST(test_sock_tcp_04_no_listener_econnrefused),
    IPCT_TEST(test_sock_tcp_05_accept_peer_address),
    IPCT_TEST(test_sock_tcp_06_data_before_accept),
    IPCT_TEST(test_sock_udp_01_boundaries_kept),
    IPCT_TEST(test_sock_udp_02_short_buffer_msg_trunc),
    IPCT_TEST(test_sock_udp_03_no_listener_econnrefused),
    IPCT_TEST(test_sock_udp_04_port_zero_then_eaddrinuse),
};

IPCT_MAIN("sock_tcp", tests)
