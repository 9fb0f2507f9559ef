/* SPDX-License-Identifier: MIT */
/*
 * test_sock_frame.c - the contract of impl/'s framing over a stream socket
 * (ipcspec/sock.h): a frame goes through whole however it is cut, sizes it
 * refuses, what a receiver reports at end of file or on a bad length, a
 * closed peer without SIGPIPE, the timeout, and what ipc_sock_call refuses.
 *
 * Spec: SOCK-API-10..15 (spec/sock.md).
 * See also: impl/src/sock_frame.c, test_sock_api.c (the endpoints),
 * tests/fault/fault_sock_api.c (the same calls failing).
 */
#include "sock_helpers.h"
#include "ipcspec/sock.h"

#include <signal.h>

/* Child: read one frame from sv[1] (arg: sv), which must be "hello". */
static void read_hello(void *arg)
{
    const int *sv = arg;
    char buf[16];

    close(sv[0]);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_recv_frame(sv[1], buf, sizeof buf)), 5);
    ASSERT_MEM_EQ(buf, "hello", 5);
}

/* SOCK-API-10 a frame goes through whole, also when it arrives in pieces */
static void test_sock_api_10_frame_round_trip(void **state)
{
    static const unsigned char frame[] = { 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o' };
    static const size_t cuts[] = { 0, 2, 4, 6, sizeof frame };
    char buf[IPC_SOCK_MSG_MAX + 1];
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    memset(buf, 'm', IPC_SOCK_MSG_MAX);
    ASSERT_IPC_OK(ipc_sock_send_frame(sv[0], buf, IPC_SOCK_MSG_MAX));
    memset(buf, 0, sizeof buf);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_recv_frame(sv[1], buf, sizeof buf)), IPC_SOCK_MSG_MAX);
    ASSERT_EQ(buf[0], 'm');
    ASSERT_EQ(buf[IPC_SOCK_MSG_MAX - 1], 'm');
    /* one frame in four pieces: the reader waits inside recv before each */
    pid_t pid = ipct_spawn(read_hello, sv);
    for (size_t k = 0; k + 1 < sizeof cuts / sizeof cuts[0]; k++) {
        ipct_await_blocked(pid, SYS_recvfrom);
        ASSERT_SYS_OK(send(sv[0], frame + cuts[k], cuts[k + 1] - cuts[k], 0));
    }
    assert_child_exited(pid, 0);
    close(sv[0]), close(sv[1]);
}

/* SOCK-API-11 ipc_sock_send_frame refuses an empty or oversized message with -EMSGSIZE, sending nothing */
static void test_sock_api_11_frame_size_emsgsize(void **state)
{
    char big[IPC_SOCK_MSG_MAX + 1] = "";
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_IPC_ERR(ipc_sock_send_frame(sv[0], big, 0), EMSGSIZE);
    ASSERT_IPC_ERR(ipc_sock_send_frame(sv[0], big, sizeof big), EMSGSIZE);
    ASSERT_FALSE(sk_readable(sv[1]));
    close(sv[0]), close(sv[1]);
}

/* What arrives before the end of file, and what ipc_sock_recv_frame must make of it. */
struct frame_case {
    unsigned char bytes[8];
    size_t len;
    size_t cap;
    int err; /* 0: recv_frame returns 0 */
};
static const struct frame_case frame_cases[] = {
    { { 0 }, 0, 16, 0 },                          /* end of file, no frame */
    { { 0, 0 }, 2, 16, EPROTO },                  /* end of file in the header */
    { { 0, 0, 0, 4, 'a' }, 5, 16, EPROTO },       /* end of file in the payload */
    { { 0, 0, 0, 0 }, 4, 16, EPROTO },            /* length 0 */
    { { 0, 0, 1, 0 }, 4, 1024, EPROTO },          /* 256: over IPC_SOCK_MSG_MAX */
    { { 0, 0, 0, 5, 'a', 'b' }, 6, 4, EMSGSIZE }, /* does not fit cap */
};

/* SOCK-API-12 ipc_sock_recv_frame: 0 at end of file between frames, -EPROTO inside one or on a bad length, -EMSGSIZE when it does not fit */
static void test_sock_api_12_recv_frame_errors(void **state)
{
    const struct frame_case *c = ipct_variant();
    char buf[1024];
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    if (c->len > 0)
        ASSERT_SYS_OK(send(sv[0], c->bytes, c->len, 0));
    close(sv[0]);
    if (c->err == 0)
        ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_recv_frame(sv[1], buf, c->cap)), 0);
    else
        ASSERT_IPC_ERR(ipc_sock_recv_frame(sv[1], buf, c->cap), c->err);
    close(sv[1]);
}

/* Child: send a frame to a closed peer with SIGPIPE at its default (the
 * harness starts every test so): -EPIPE, and the child lives to say so. */
static void frame_to_closed(void *arg)
{
    ASSERT_IPC_ERR(ipc_sock_send_frame(*(int *)arg, "x", 1), EPIPE);
}

/* SOCK-API-13 a frame sent to a closed peer fails with -EPIPE and raises no SIGPIPE */
static void test_sock_api_13_send_closed_peer_epipe_no_signal(void **state)
{
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    close(sv[1]);
    assert_child_exited(ipct_spawn(frame_to_closed, &sv[0]), 0);
    close(sv[0]);
}

/* SOCK-API-14 with ipc_sock_set_timeout, a call that gets no answer fails with -ETIMEDOUT */
static void test_sock_api_14_timeout_etimedout(void **state)
{
    char reply[32];
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_IPC_OK(ipc_sock_set_timeout(sv[0], 50));
    ASSERT_IPC_ERR(ipc_sock_call(sv[0], "SUM 1", reply, sizeof reply), ETIMEDOUT);
    ASSERT_IPC_ERR(ipc_sock_recv_frame(sv[0], reply, sizeof reply), ETIMEDOUT);
    close(sv[0]), close(sv[1]);
}

/* SOCK-API-15 ipc_sock_call refuses what it cannot carry: -EMSGSIZE, -EPROTO, -ENOTSOCK */
static void test_sock_api_15_call_refusals(void **state)
{
    char big[IPC_SOCK_MSG_MAX + 2], reply[8];
    int sv[2], dv[2], p[2];
    (void)state;

    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, dv));
    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    ASSERT_IPC_ERR(ipc_sock_call(sv[0], "", reply, sizeof reply), EMSGSIZE);
    ASSERT_IPC_ERR(ipc_sock_call(sv[0], big, reply, sizeof reply), EMSGSIZE);
    ASSERT_IPC_ERR(ipc_sock_call(sv[0], "SUM 1", reply, 0), EMSGSIZE);
    ASSERT_FALSE(sk_readable(sv[1])); /* nothing was sent */
    ASSERT_IPC_ERR(ipc_sock_call(p[0], "SUM 1", reply, sizeof reply), ENOTSOCK);
    /* a datagram answer that does not fit with its NUL */
    ASSERT_SYS_OK(send(dv[1], "OK 1234567", 10, 0));
    ASSERT_IPC_ERR(ipc_sock_call(dv[0], "SUM 1", reply, sizeof reply), EMSGSIZE);
    /* a stream that ends before the answer */
    ASSERT_SYS_OK(shutdown(sv[1], SHUT_WR));
    ASSERT_IPC_ERR(ipc_sock_call(sv[0], "SUM 1", reply, sizeof reply), EPROTO);
    close(sv[0]), close(sv[1]), close(dv[0]), close(dv[1]), close(p[0]), close(p[1]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_api_10_frame_round_trip),
    IPCT_TEST(test_sock_api_11_frame_size_emsgsize),
    IPCT_VARIANT(test_sock_api_12_recv_frame_errors, "eof_between_frames", &frame_cases[0]),
    IPCT_VARIANT(test_sock_api_12_recv_frame_errors, "eof_in_header", &frame_cases[1]),
    IPCT_VARIANT(test_sock_api_12_recv_frame_errors, "eof_in_payload", &frame_cases[2]),
    IPCT_VARIANT(test_sock_api_12_recv_frame_errors, "length_zero", &frame_cases[3]),
    IPCT_VARIANT(test_sock_api_12_recv_frame_errors, "length_over_max", &frame_cases[4]),
    IPCT_VARIANT(test_sock_api_12_recv_frame_errors, "over_capacity", &frame_cases[5]),
    IPCT_TEST(test_sock_api_13_send_closed_peer_epipe_no_signal),
    IPCT_TEST(test_sock_api_14_timeout_etimedout),
    IPCT_TEST(test_sock_api_15_call_refusals),
};

IPCT_MAIN("sock_frame", tests)
