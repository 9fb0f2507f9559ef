/* SPDX-License-Identifier: MIT */
/*
 * test_sock_accept.c - the master socket M: listen, its backlog, accept
 * and what it returns, one process serving several clients.
 *
 * Behaviours checked:
 *   1. accept returns a new descriptor; M goes on accepting (SOCK-ACCEPT-01)
 *   2. a blocking accept waits for a client (SOCK-ACCEPT-02)
 *   3. a non-blocking accept with nothing pending: EAGAIN (SOCK-ACCEPT-03)
 *   4. accept on a socket not listening: EINVAL; on a non-socket:
 *      ENOTSOCK (SOCK-ACCEPT-04, -05)
 *   5. accept reports the client's address (SOCK-ACCEPT-06)
 *   6. the backlog bounds pending connections; a blocking connect then
 *      waits; a datagram socket cannot listen (SOCK-LISTEN-01..03)
 *   7. one select loop serves three client processes (SOCK-CONC-01)
 *
 * Spec: SOCK-ACCEPT-01..06, SOCK-LISTEN-01..03, SOCK-CONC-01 (spec/sock.md).
 * See also: test_sock_cred.c (the credentials an accepted connection
 * carries), test_sock_select.c, test_sock_server.c (the impl's loop).
 */
#include "sock_helpers.h"

#include <sys/wait.h>

/* SOCK-ACCEPT-01 accept returns a new descriptor distinct from M, and M keeps accepting */
static void test_sock_accept_01_new_fd_master_keeps_listening(void **state)
{
    int m = sk_unix_listen(SOCK_STREAM, ipct_path("m"));
    int c1 = sk_unix_connect(SOCK_STREAM, ipct_path("m"));
    int c2 = sk_unix_connect(SOCK_STREAM, ipct_path("m"));
    char b = 0;
    (void)state;

    int a1 = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));
    int a2 = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));
    ASSERT_TRUE(a1 != m && a2 != m && a1 != a2);
    /* each accepted socket talks to its own client */
    ASSERT_SYS_OK(send(c2, "2", 1, 0));
    ASSERT_SYS_OK(send(c1, "1", 1, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recv(a1, &b, 1, 0)), 1);
    ASSERT_EQ(b, '1');
    ASSERT_EQ(ASSERT_SYS_OK(recv(a2, &b, 1, 0)), 1);
    ASSERT_EQ(b, '2');
    int type = 0;
    socklen_t len = sizeof type;
    ASSERT_SYS_OK(getsockopt(m, SOL_SOCKET, SO_ACCEPTCONN, &type, &len));
    ASSERT_EQ(type, 1); /* M still listens */
    close(a1), close(a2), close(c1), close(c2), close(m);
    ASSERT_SYS_OK(unlink(ipct_path("m")));
}

/* Child: accept one connection on M (arg); its one byte must be 0x2a. */
static void accept_and_read(void *arg)
{
    int m = *(int *)arg;
    char b = 0;
    int fd = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));

    ASSERT_EQ(recv(fd, &b, 1, 0), 1);
    ASSERT_EQ(b, 0x2a);
}

/* SOCK-ACCEPT-02 a blocking accept waits until a client connects */
static void test_sock_accept_02_blocks_until_connect(void **state)
{
    int m = sk_unix_listen(SOCK_STREAM, ipct_path("m"));
    (void)state;

    pid_t pid = ipct_spawn(accept_and_read, &m);
    /* accept4, which every architecture has (s390x lacks plain accept); the
     * probe takes accept and accept4 for one operation. */
    ipct_await_blocked(pid, SYS_accept4);
    int c = sk_unix_connect(SOCK_STREAM, ipct_path("m"));
    ASSERT_SYS_OK(send(c, "\x2a", 1, 0));
    assert_child_exited(pid, 0);
    close(c), close(m);
    ASSERT_SYS_OK(unlink(ipct_path("m")));
}

/* SOCK-ACCEPT-03 a non-blocking accept with no connection pending fails with EAGAIN */
static void test_sock_accept_03_nonblocking_empty_eagain(void **state)
{
    uint16_t port;
    int m = sk_unix_listen(SOCK_STREAM, ipct_path("m"));
    int t = sk_inet_listen(SOCK_STREAM, &port);
    (void)state;

    ASSERT_SYS_OK(fcntl(m, F_SETFL, O_NONBLOCK));
    ASSERT_SYS_ERR(accept(m, NULL, NULL), EAGAIN);
    ASSERT_SYS_OK(fcntl(t, F_SETFL, O_NONBLOCK)); /* TCP alike */
    ASSERT_SYS_ERR(accept(t, NULL, NULL), EAGAIN);
    close(m), close(t);
    ASSERT_SYS_OK(unlink(ipct_path("m")));
}

/* SOCK-ACCEPT-04 accept on a socket that is not listening fails with EINVAL */
static void test_sock_accept_04_not_listening_einval(void **state)
{
    struct sockaddr_un sa;
    socklen_t len = sk_unix_addr(&sa, ipct_path("b"));
    int bound = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int fresh = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_OK(bind(bound, (struct sockaddr *)&sa, len));
    ASSERT_SYS_ERR(accept(bound, NULL, NULL), EINVAL);
    ASSERT_SYS_ERR(accept(fresh, NULL, NULL), EINVAL);
    close(bound), close(fresh);
    ASSERT_SYS_OK(unlink(ipct_path("b")));
}

/* SOCK-ACCEPT-05 accept on a descriptor that is not a socket fails with ENOTSOCK */
static void test_sock_accept_05_not_socket_enotsock(void **state)
{
    int p[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    ASSERT_SYS_ERR(accept(p[0], NULL, NULL), ENOTSOCK);
    close(p[0]), close(p[1]);
    ASSERT_SYS_ERR(accept(p[0], NULL, NULL), EBADF);
}

/* SOCK-ACCEPT-06 accept reports the client's address: its path, or the family alone */
static void test_sock_accept_06_peer_address(void **state)
{
    char cpath[256];
    struct sockaddr_un sa, peer = { 0 };
    socklen_t len;
    int m = sk_unix_listen(SOCK_STREAM, ipct_path("m"));
    (void)state;

    snprintf(cpath, sizeof cpath, "%s", ipct_path("client"));
    int bound = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    len = sk_unix_addr(&sa, cpath);
    ASSERT_SYS_OK(bind(bound, (struct sockaddr *)&sa, len));
    sk_unix_addr(&sa, ipct_path("m"));
    ASSERT_SYS_OK(connect(bound, (struct sockaddr *)&sa, sizeof sa));
    len = sizeof peer;
    int a = (int)ASSERT_SYS_OK(accept(m, (struct sockaddr *)&peer, &len));
    ASSERT_EQ(peer.sun_family, AF_UNIX);
    ASSERT_STR_EQ(peer.sun_path, cpath);
    int anon = sk_unix_connect(SOCK_STREAM, ipct_path("m"));
    len = sizeof peer;
    int b = (int)ASSERT_SYS_OK(accept(m, (struct sockaddr *)&peer, &len));
    ASSERT_EQ(len, sizeof(sa_family_t));
    close(a), close(b), close(bound), close(anon), close(m);
    ASSERT_SYS_OK(unlink(ipct_path("m")));
    ASSERT_SYS_OK(unlink(ipct_path("client")));
}

/* Connect non-blocking clients to path until one fails; the count, and the errno. */
static int fill_backlog(const char *path, int *fds, int cap, int *err)
{
    struct sockaddr_un sa;
    socklen_t len = sk_unix_addr(&sa, path);
    int n = 0;

    for (; n < cap; n++) {
        fds[n] = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (connect(fds[n], (struct sockaddr *)&sa, len) == -1) {
            *err = errno;
            close(fds[n]);
            return n;
        }
    }
    IPCT_FAIL("%d connections queued and no refusal", cap);
}

/* SOCK-LISTEN-01 the listen backlog bounds the pending connections; accept makes room */
static void test_sock_listen_01_backlog_full_eagain(void **state)
{
    enum { BACKLOG = 2, CAP = 32 };
    int fds[CAP], err = 0;
    struct sockaddr_un sa;
    socklen_t len = sk_unix_addr(&sa, ipct_path("m"));
    int m = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_OK(bind(m, (struct sockaddr *)&sa, len));
    ASSERT_SYS_OK(listen(m, BACKLOG));
    int n = fill_backlog(ipct_path("m"), fds, CAP, &err);
    ASSERT_EQ(err, EAGAIN);
    /* Linux queues backlog + 1 (unix(7) says only that the queue is bounded) */
    if (n < BACKLOG || n > BACKLOG + 1)
        IPCT_FAIL("%d connections queued with backlog %d", n, BACKLOG);
    close((int)ASSERT_SYS_OK(accept(m, NULL, NULL)));
    int more = fill_backlog(ipct_path("m"), fds + n, CAP - n, &err);
    ASSERT_EQ(more, 1);
    for (int i = 0; i < n + more; i++)
        close(fds[i]);
    close(m);
    ASSERT_SYS_OK(unlink(ipct_path("m")));
}

/* Child: a blocking connect to path, which must succeed. */
static void connect_blocking(void *arg)
{
    struct sockaddr_un sa;
    socklen_t len = sk_unix_addr(&sa, arg);
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM, 0));

    ASSERT_SYS_OK(connect(fd, (struct sockaddr *)&sa, len));
}

/* SOCK-LISTEN-02 a blocking connect to a full backlog waits until accept makes room */
static void test_sock_listen_02_full_backlog_connect_blocks(void **state)
{
    char path[256];
    int fds[32], err = 0;
    struct sockaddr_un sa;
    int m = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("m"));
    socklen_t len = sk_unix_addr(&sa, path);
    ASSERT_SYS_OK(bind(m, (struct sockaddr *)&sa, len));
    ASSERT_SYS_OK(listen(m, 1));
    int n = fill_backlog(path, fds, 32, &err);
    pid_t pid = ipct_spawn(connect_blocking, path);
    ipct_await_blocked(pid, SYS_connect);
    close((int)ASSERT_SYS_OK(accept(m, NULL, NULL)));
    assert_child_exited(pid, 0);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    close(m);
    ASSERT_SYS_OK(unlink(ipct_path("m")));
}

/* SOCK-LISTEN-03 listen on a datagram socket fails with EOPNOTSUPP */
static void test_sock_listen_03_dgram_eopnotsupp(void **state)
{
    uint16_t port;
    int d = sk_unix_listen(SOCK_DGRAM, ipct_path("d"));
    int u = sk_inet_listen(SOCK_DGRAM, &port);
    (void)state;

    ASSERT_SYS_ERR(listen(d, 1), EOPNOTSUPP);
    ASSERT_SYS_ERR(listen(u, 1), EOPNOTSUPP);
    close(d), close(u);
    ASSERT_SYS_OK(unlink(ipct_path("d")));
}

/* Child client i: connect, send "i", expect "i+1" back. */
static void conc_client(void *arg)
{
    int i = (int)(intptr_t)arg;
    struct sockaddr_un sa;
    socklen_t len = sk_unix_addr(&sa, ipct_path("m"));
    char b = (char)('a' + i), r = 0;
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM, 0));

    ASSERT_SYS_OK(connect(fd, (struct sockaddr *)&sa, len));
    ipct_child_ready(); /* connected: the parent may now see all three */
    ASSERT_EQ(send(fd, &b, 1, 0), 1);
    ASSERT_EQ(recv(fd, &r, 1, 0), 1);
    ASSERT_EQ(r, b + 1);
}

/* SOCK-CONC-01 one process serves several connected clients at once with select */
static void test_sock_conc_01_select_serves_three_clients(void **state)
{
    int m = sk_unix_listen(SOCK_STREAM, ipct_path("m"));
    int fd[3];
    pid_t pid[3];
    (void)state;

    for (int i = 0; i < 3; i++) {
        pid[i] = ipct_spawn(conc_client, (void *)(intptr_t)i);
        ipct_await_ready(pid[i]);
    }
    for (int i = 0; i < 3; i++) /* all three connected before any is served */
        fd[i] = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));
    for (int served = 0; served < 3;) {
        fd_set rd;
        int nfds = 0;
        FD_ZERO(&rd);
        for (int i = 0; i < 3; i++) {
            if (fd[i] >= 0) {
                FD_SET(fd[i], &rd);
                nfds = fd[i] + 1 > nfds ? fd[i] + 1 : nfds;
            }
        }
        ASSERT_SYS_OK(select(nfds, &rd, NULL, NULL, NULL));
        for (int i = 0; i < 3; i++) {
            char b;
            if (fd[i] < 0 || !FD_ISSET(fd[i], &rd))
                continue;
            ASSERT_EQ(ASSERT_SYS_OK(recv(fd[i], &b, 1, 0)), 1);
            b++;
            ASSERT_SYS_OK(send(fd[i], &b, 1, 0));
            close(fd[i]);
            fd[i] = -1;
            served++;
        }
    }
    for (int i = 0; i < 3; i++)
        assert_child_exited(pid[i], 0);
    close(m);
    ASSERT_SYS_OK(unlink(ipct_path("m")));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_accept_01_new_fd_master_keeps_listening),
    IPCT_TEST(test_sock_accept_02_blocks_until_connect),
    IPCT_TEST(test_sock_accept_03_nonblocking_empty_eagain),
    IPCT_TEST(test_sock_accept_04_not_listening_einval),
    IPCT_TEST(test_sock_accept_05_not_socket_enotsock),
    IPCT_TEST(test_sock_accept_06_peer_address),
    IPCT_TEST(test_sock_listen_01_backlog_full_eagain),
    IPCT_TEST(test_sock_listen_02_full_backlog_connect_blocks),
    IPCT_TEST(test_sock_listen_03_dgram_eopnotsupp),
    IPCT_TEST(test_sock_conc_01_select_serves_three_clients),
};

IPCT_MAIN("sock_accept", tests)
