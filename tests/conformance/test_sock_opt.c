/* SPDX-License-Identifier: MIT */
/*
 * test_sock_opt.c - socket options at SOL_SOCKET on Unix sockets: receive
 * and send timeouts, the buffer sizes the kernel doubles, and the options
 * that only report (SO_TYPE, SO_ACCEPTCONN), with their errors.
 *
 * Spec: SOCK-OPT-01..10 (spec/sock.md).
 * See also: test_sock_msg.c (per-call flags), test_sock_stream.c.
 */
#include "sock_helpers.h"

/* Milliseconds since t0 on the monotonic clock. */
/* A socket timeout is counted in clock ticks (socket(7)), and the tick the
 * call starts in may be partly gone: the wait lasts at least the interval
 * less one tick, and a tick is 10 ms at the coarsest (HZ 100). */
enum { TICK_MS = 10 };

static long ms_since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void set_timeout(int fd, int opt, long ms)
{
    struct timeval tv = { ms / 1000, (suseconds_t)(ms % 1000) * 1000 };

    ASSERT_SYS_OK(setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof tv));
}

/* Fill fd's way to its peer with non-blocking sends until EAGAIN. */
static void fill_stream(int fd)
{
    static char chunk[4096];
    int i;

    for (i = 0; i < 100000; i++)
        if (send(fd, chunk, sizeof chunk, MSG_DONTWAIT) == -1) {
            ASSERT_ERRNO_EQ(errno, EAGAIN);
            return;
        }
    IPCT_FAIL("the stream never filled after %d sends", i);
}

static int get_int_opt(int fd, int opt)
{
    int v = -1;
    socklen_t len = sizeof v;

    ASSERT_SYS_OK(getsockopt(fd, SOL_SOCKET, opt, &v, &len));
    ASSERT_EQ(len, sizeof v);
    return v;
}

/* SOCK-OPT-01 with SO_RCVTIMEO set, a blocking recv that gets nothing fails with EAGAIN after the interval */
static void test_sock_opt_01_rcvtimeo_eagain(void **state)
{
    struct timespec t0;
    char b;
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    set_timeout(sv[0], SO_RCVTIMEO, 100);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ASSERT_SYS_ERR(recv(sv[0], &b, 1, 0), EAGAIN);
    ASSERT_GE(ms_since(&t0), 100 - TICK_MS);
    close(sv[0]), close(sv[1]);
}

/* SOCK-OPT-02 with SO_SNDTIMEO set, a blocking send into a full stream fails with EAGAIN after the interval */
static void test_sock_opt_02_sndtimeo_eagain(void **state)
{
    struct timespec t0;
    char chunk[4096] = "";
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    fill_stream(sv[0]);
    set_timeout(sv[0], SO_SNDTIMEO, 100);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ASSERT_SYS_ERR(send(sv[0], chunk, sizeof chunk, 0), EAGAIN);
    ASSERT_GE(ms_since(&t0), 100 - TICK_MS);
    close(sv[0]), close(sv[1]);
}

static void recv_one_byte(void *arg)
{
    char b = 0;

    ASSERT_EQ(ASSERT_SYS_OK(recv(*(int *)arg, &b, 1, 0)), 1);
    ASSERT_EQ(b, 'k');
}

/* SOCK-OPT-03 an SO_RCVTIMEO of zero means no timeout: recv waits until data comes */
static void test_sock_opt_03_zero_timeout_waits(void **state)
{
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    set_timeout(sv[1], SO_RCVTIMEO, 0);
    pid_t pid = ipct_spawn(recv_one_byte, &sv[1]);
    ipct_await_blocked(pid, SYS_recvfrom);
    ASSERT_SYS_OK(send(sv[0], "k", 1, 0));
    assert_child_exited(pid, 0);
    close(sv[0]), close(sv[1]);
}

/* SOCK-OPT-04 SO_SNDBUF and SO_RCVBUF read back as twice the value set */
static void test_sock_opt_04_buffers_doubled(void **state)
{
    int v = 16384;
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_OK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
    ASSERT_SYS_OK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
    ASSERT_EQ(get_int_opt(fd, SO_SNDBUF), 2L * v);
    ASSERT_EQ(get_int_opt(fd, SO_RCVBUF), 2L * v);
    close(fd);
}

/* SOCK-OPT-05 SO_SNDBUF and SO_RCVBUF above the system maximum are cut to it, then doubled */
static void test_sock_opt_05_buffers_capped_at_max(void **state)
{
    long wmax = ipct_read_long("/proc/sys/net/core/wmem_max");
    long rmax = ipct_read_long("/proc/sys/net/core/rmem_max");
    int w = (int)(wmax * 2), r = (int)(rmax * 2);
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_OK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &w, sizeof w));
    ASSERT_SYS_OK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r, sizeof r));
    ASSERT_EQ(get_int_opt(fd, SO_SNDBUF), 2 * wmax);
    ASSERT_EQ(get_int_opt(fd, SO_RCVBUF), 2 * rmax);
    close(fd);
}

/* SOCK-OPT-06 a tiny SO_SNDBUF is raised to the kernel's minimum, never below it */
static void test_sock_opt_06_tiny_sndbuf_raised(void **state)
{
    int v = 1;
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_OK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
    ASSERT_GE(get_int_opt(fd, SO_SNDBUF), 2048);
    close(fd);
}

/* SOCK-OPT-07 SO_TYPE reports the type the socket was made with */
static void test_sock_opt_07_so_type_reports_type(void **state)
{
    static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
    (void)state;

    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0));
        ASSERT_EQ(get_int_opt(fd, SO_TYPE), types[i]);
        close(fd);
    }
}

/* SOCK-OPT-08 SO_ACCEPTCONN is 0 before listen and 1 after */
static void test_sock_opt_08_acceptconn_after_listen(void **state)
{
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    struct sockaddr_un sa;
    socklen_t len = sk_abstract_addr(&sa, "opt");
    (void)state;

    ASSERT_SYS_OK(bind(fd, (struct sockaddr *)&sa, len));
    ASSERT_EQ(get_int_opt(fd, SO_ACCEPTCONN), 0);
    ASSERT_SYS_OK(listen(fd, 1));
    ASSERT_EQ(get_int_opt(fd, SO_ACCEPTCONN), 1);
    close(fd);
}

/* SOCK-OPT-09 getsockopt on a non-socket fails with ENOTSOCK, on an unknown option with ENOPROTOOPT */
static void test_sock_opt_09_getsockopt_errors(void **state)
{
    int p[2], v;
    socklen_t len = sizeof v;
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    ASSERT_SYS_ERR(getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &len), ENOTSOCK);
    ASSERT_SYS_ERR(getsockopt(fd, SOL_SOCKET, 99999, &v, &len), ENOPROTOOPT);
    close(p[0]), close(p[1]), close(fd);
}

/* SOCK-OPT-10 a timeout whose microseconds are 1000000 or more fails with EDOM */
static void test_sock_opt_10_bad_usec_edom(void **state)
{
    struct timeval tv = { 0, 1000000 };
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_ERR(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), EDOM);
    ASSERT_SYS_ERR(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), EDOM);
    close(fd);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_opt_01_rcvtimeo_eagain),
    IPCT_TEST(test_sock_opt_02_sndtimeo_eagain),
    IPCT_TEST(test_sock_opt_03_zero_timeout_waits),
    IPCT_TEST(test_sock_opt_04_buffers_doubled),
    IPCT_TEST(test_sock_opt_05_buffers_capped_at_max),
    IPCT_TEST(test_sock_opt_06_tiny_sndbuf_raised),
    IPCT_TEST(test_sock_opt_07_so_type_reports_type),
    IPCT_TEST(test_sock_opt_08_acceptconn_after_listen),
    IPCT_TEST(test_sock_opt_09_getsockopt_errors),
    IPCT_TEST(test_sock_opt_10_bad_usec_edom),
};

IPCT_MAIN("sock_opt", tests)
