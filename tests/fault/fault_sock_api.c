/* SPDX-License-Identifier: MIT */
/*
 * fault_sock_api.c - impl/'s socket endpoints and framing when a call under
 * them fails: each returns that call's errno, and leaves no descriptor and
 * no socket file behind (or, when removing a stale one failed, exactly
 * that one); short transfers interrupted by EINTR are resumed.
 *
 * Spec: SOCK-FAULT-01, SOCK-FAULT-08, SOCK-FAULT-09 (spec/sock.md).
 * See also: impl/src/sock.c, impl/src/sock_frame.c,
 * tests/conformance/test_sock_api.c, test_sock_frame.c (the same calls,
 * not failing).
 */
#include "fault.h"
#include "ipcspec/sock.h"
#include "../conformance/sock_helpers.h"

enum { UNIX_STREAM, UNIX_DGRAM, UNIX_CONNECT, UNIX_DGRAM_CONNECT, INET_LISTEN, UDP_LISTEN,
       INET_CONNECT, TIMEOUT };

static const struct {
    int what;
    const char *point;
    int nth, err;
} endpoint_faults[] = {
    { UNIX_STREAM, "posix/io/stat/lstat", 1, EACCES },
    { UNIX_STREAM, "posix/io/net/socket", 1, EMFILE },
    { UNIX_STREAM, "posix/io/net/bind", 1, EADDRINUSE },
    { UNIX_STREAM, "posix/io/stat/chmod", 1, EPERM },
    { UNIX_STREAM, "posix/io/net/listen", 1, ENOBUFS },
    { UNIX_DGRAM, "posix/io/stat/chmod", 1, EROFS },
    { UNIX_CONNECT, "posix/io/net/socket", 1, ENFILE },
    { UNIX_CONNECT, "posix/io/net/connect", 1, ECONNREFUSED },
    { UNIX_DGRAM_CONNECT, "posix/io/net/bind", 1, EADDRINUSE },
    { UNIX_DGRAM_CONNECT, "posix/io/net/connect", 1, EAGAIN },
    { INET_LISTEN, "posix/io/net/socket", 1, EMFILE },
    { INET_LISTEN, "posix/io/net/setsockopt", 1, ENOPROTOOPT },
    { INET_LISTEN, "posix/io/net/bind", 1, EADDRINUSE },
    { INET_LISTEN, "posix/io/net/listen", 1, EADDRINUSE },
    { INET_LISTEN, "posix/io/net/getsockname", 1, ENOBUFS },
    { UDP_LISTEN, "posix/io/net/bind", 1, EACCES },
    { INET_CONNECT, "posix/io/net/socket", 1, EMFILE },
    { INET_CONNECT, "posix/io/net/connect", 1, ETIMEDOUT },
    { TIMEOUT, "posix/io/net/setsockopt", 1, EBADF },
    { TIMEOUT, "posix/io/net/setsockopt", 2, EINVAL },
};

/* Run endpoint call what (a server at path / port where it needs one); its result. */
static int endpoint_call(int what, const char *path, const char *server_path, uint16_t port,
                         int sock)
{
    switch (what) {
    case UNIX_STREAM: return ipc_sock_unix_listen(path, SOCK_STREAM, 0600);
    case UNIX_DGRAM: return ipc_sock_unix_listen(path, SOCK_DGRAM, 0600);
    case UNIX_CONNECT: return ipc_sock_unix_connect(server_path, SOCK_STREAM);
    case UNIX_DGRAM_CONNECT: return ipc_sock_unix_connect(server_path, SOCK_DGRAM);
    case INET_LISTEN: return ipc_sock_inet_listen("127.0.0.1", 0, SOCK_STREAM, NULL);
    case UDP_LISTEN: return ipc_sock_inet_listen("127.0.0.1", 0, SOCK_DGRAM, NULL);
    case INET_CONNECT: return ipc_sock_inet_connect("127.0.0.1", port, SOCK_STREAM);
    default: return ipc_sock_set_timeout(sock, 1000);
    }
}

/* SOCK-FAULT-01 an endpoint call under impl/ failing: its errno returned, no descriptor and no socket file left */
static void fault_sock_fault_01_endpoint_calls_fail_clean(void **state)
{
    char path[256], spath[256], dpath[256];
    uint16_t port;
    struct stat st;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("s"));
    snprintf(spath, sizeof spath, "%s", ipct_path("stream-srv"));
    snprintf(dpath, sizeof dpath, "%s", ipct_path("dgram-srv"));
    int ls = sk_unix_listen(SOCK_STREAM, spath);
    int ld = sk_unix_listen(SOCK_DGRAM, dpath);
    int lt = sk_inet_listen(SOCK_STREAM, &port);
    int sv[2];
    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    for (size_t k = 0; k < sizeof endpoint_faults / sizeof endpoint_faults[0]; k++) {
        int what = endpoint_faults[k].what;
        const char *server = what == UNIX_DGRAM_CONNECT ? dpath : spath;
        int lowest = ipct_lowest_free_fd();

        ipcf_fail_nth(endpoint_faults[k].point, endpoint_faults[k].nth, endpoint_faults[k].err);
        int rc = endpoint_call(what, path, server, port, sv[0]);
        if (rc != -endpoint_faults[k].err)
            IPCT_FAIL("case %zu (%s:%d): %d (%s), expected -%s", k, endpoint_faults[k].point,
                      endpoint_faults[k].nth, rc, ipct_errname(-rc),
                      ipct_errname(endpoint_faults[k].err));
        ASSERT_FIRED(endpoint_faults[k].point, 1);
        ipcf_disarm_all();
        ASSERT_EQ(ipct_lowest_free_fd(), lowest);
        ASSERT_SYS_ERR(lstat(path, &st), ENOENT);
    }
    close(sv[0]), close(sv[1]), close(ls), close(ld), close(lt);
    ASSERT_SYS_OK(unlink(spath)), ASSERT_SYS_OK(unlink(dpath));
}

/* SOCK-FAULT-01 an endpoint call under impl/ failing: its errno returned, no descriptor and no socket file left */
static void fault_sock_fault_01_stale_unlink_fails_left(void **state)
{
    char path[256];
    struct stat st;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("s"));
    close(sk_unix_listen(SOCK_STREAM, path)); /* stale */
    ipcf_fail_nth("posix/io/dir/unlink", 1, EBUSY);
    ASSERT_IPC_ERR(ipc_sock_unix_listen(path, SOCK_STREAM, 0600), EBUSY);
    ASSERT_FIRED("posix/io/dir/unlink", 1);
    ASSERT_SYS_OK(lstat(path, &st)); /* the stale socket is still there */
    ASSERT_TRUE(S_ISSOCK(st.st_mode));
    ipcf_disarm_all();
    int m = ASSERT_IPC_OK(ipc_sock_unix_listen(path, SOCK_STREAM, 0600)); /* recovers */
    close(m);
    ASSERT_IPC_OK(ipc_sock_unix_remove(path));
}

/* SOCK-FAULT-08 a failing send, recv, getsockopt in the client's calls returns its errno */
static void fault_sock_fault_08_client_calls(void **state)
{
    char buf[64];
    int sv[2], dv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, dv));
    ipcf_fail_nth("posix/io/net/send", 1, ENOBUFS);
    ASSERT_IPC_ERR(ipc_sock_send_frame(sv[0], "a", 1), ENOBUFS);
    ASSERT_FIRED("posix/io/net/send", 1);
    ipcf_fail_nth("posix/io/net/send", 1, EAGAIN); /* SO_SNDTIMEO passed */
    ASSERT_IPC_ERR(ipc_sock_send_frame(sv[0], "a", 1), ETIMEDOUT);
    ASSERT_FIRED("posix/io/net/send", 1);
    ASSERT_IPC_OK(ipc_sock_send_frame(sv[1], "b", 1));
    ipcf_fail_nth("posix/io/net/recv", 1, ECONNRESET);
    ASSERT_IPC_ERR(ipc_sock_recv_frame(sv[0], buf, sizeof buf), ECONNRESET);
    ASSERT_FIRED("posix/io/net/recv", 1);
    ipcf_fail_nth("posix/io/net/getsockopt", 1, EBADF);
    ASSERT_IPC_ERR(ipc_sock_call(sv[0], "SUM 1", buf, sizeof buf), EBADF);
    ASSERT_FIRED("posix/io/net/getsockopt", 1);
    ipcf_fail_nth("posix/io/net/send", 1, ENOBUFS);
    ASSERT_IPC_ERR(ipc_sock_call(dv[0], "SUM 1", buf, sizeof buf), ENOBUFS);
    ASSERT_FIRED("posix/io/net/send", 1);
    ASSERT_SYS_OK(send(dv[1], "OK 1", 4, 0));
    ipcf_fail_nth("posix/io/net/recv", 1, EAGAIN);
    ASSERT_IPC_ERR(ipc_sock_call(dv[0], "SUM 1", buf, sizeof buf), ETIMEDOUT);
    ASSERT_FIRED("posix/io/net/recv", 1);
    ipcf_disarm_all();
    close(sv[0]), close(sv[1]), close(dv[0]), close(dv[1]);
}

/* SOCK-FAULT-09 a send or recv interrupted by a signal (EINTR) is resumed, never reported */
static void fault_sock_fault_09_eintr_resumed(void **state)
{
    char buf[64];
    int sv[2], dv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, dv));
    ipcf_fail_nth("posix/io/net/send", 1, EINTR);
    ASSERT_IPC_OK(ipc_sock_send_frame(sv[0], "hello", 5));
    ASSERT_FIRED("posix/io/net/send", 1);
    ipcf_fail_nth("posix/io/net/recv", 2, EINTR); /* between header and payload */
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_recv_frame(sv[1], buf, sizeof buf)), 5);
    ASSERT_FIRED("posix/io/net/recv", 1);
    ASSERT_MEM_EQ(buf, "hello", 5);
    ASSERT_SYS_OK(send(dv[1], "OK 2", 4, 0));
    ipcf_fail_nth("posix/io/net/recv", 1, EINTR);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_call(dv[0], "SUM 2", buf, sizeof buf)), 4);
    ASSERT_FIRED("posix/io/net/recv", 1);
    ASSERT_STR_EQ(buf, "OK 2");
    ipcf_disarm_all();
    close(sv[0]), close(sv[1]), close(dv[0]), close(dv[1]);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_sock_fault_01_endpoint_calls_fail_clean),
    IPCF_TEST(fault_sock_fault_01_stale_unlink_fails_left),
    IPCF_TEST(fault_sock_fault_08_client_calls),
    IPCF_TEST(fault_sock_fault_09_eintr_resumed),
};

IPCT_MAIN("sock_api_faults", tests)
