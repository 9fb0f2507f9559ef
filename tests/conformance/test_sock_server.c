/* SPDX-License-Identifier: MIT */
/*
 * test_sock_server.c - the contract of impl/'s multiplexing stream server
 * (ipcspec/sock.h): one select loop over M and a bounded client table,
 * clients served, removed on disconnect, refused past the bound, a
 * malformed frame closing one client only, frames in pieces, a slow reader
 * stalling no one, and nothing left behind.
 *
 * Spec: SOCK-SRV-01..11 (spec/sock.md).
 * See also: impl/src/sock_server.c, sock_server_helpers.h,
 * tests/fault/fault_sock_server.c (the same server with failing calls).
 */
#include "sock_server_helpers.h"

#include <limits.h>
#include <sys/resource.h>

/* Clients connect, each sends "SUM i 1" (last first), each gets "OK i+1". */
static void serve_three(int tcp)
{
    char path[256], text[32];
    uint16_t port = 0;
    int c[3];

    snprintf(path, sizeof path, "%s", ipct_path("srv"));
    struct ipc_sock_server *s = ss_start(tcp, 4, path, &port);
    for (int i = 0; i < 3; i++)
        c[i] = ss_connect(tcp, path, port);
    SS_STEP_UNTIL(s, st.clients == 3);
    for (int i = 2; i >= 0; i--) {
        snprintf(text, sizeof text, "SUM %d 1", i);
        ss_send(c[i], text);
    }
    SS_STEP_UNTIL(s, st.answered == 3);
    for (int i = 0; i < 3; i++) {
        snprintf(text, sizeof text, "OK %d", i + 1);
        ss_expect(c[i], text);
        close(c[i]);
    }
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-SRV-01 the server serves several clients at once, over a Unix stream socket and TCP */
static void test_sock_srv_01_unix_clients_served(void **state)
{
    (void)state;
    serve_three(0);
}

/* SOCK-SRV-01 the server serves several clients at once, over a Unix stream socket and TCP */
static void test_sock_srv_01_tcp_clients_served(void **state)
{
    (void)state;
    serve_three(1);
}

/* SOCK-SRV-02 a client's disconnect frees its slot for the next client */
static void test_sock_srv_02_disconnect_frees_slot(void **state)
{
    const char *path = ipct_path("srv");
    struct ipc_sock_server *s = ss_start(0, 2, path, NULL);
    (void)state;

    int c1 = ss_connect(0, path, 0), c2 = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.clients == 2);
    close(c1);
    SS_STEP_UNTIL(s, st.disconnected == 1);
    ASSERT_EQ(ss_stats(s).clients, 1);
    int c3 = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.accepted == 3);
    ASSERT_EQ(ss_stats(s).refused, 0);
    ss_send(c3, "SUM 3 4");
    SS_STEP_UNTIL(s, st.answered == 1);
    ss_expect(c3, "OK 7");
    close(c2), close(c3);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-SRV-03 past max_clients a connection is refused cleanly and the others are served */
static void test_sock_srv_03_full_table_refuses(void **state)
{
    const char *path = ipct_path("srv");
    struct ipc_sock_server *s = ss_start(0, 2, path, NULL);
    (void)state;

    int c1 = ss_connect(0, path, 0), c2 = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.clients == 2);
    int c3 = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.refused == 1);
    ss_expect_eof(c3); /* accepted and closed at once */
    ASSERT_EQ(ss_stats(s).clients, 2);
    ss_send(c1, "SUM 1");
    ss_send(c2, "SUM 2");
    SS_STEP_UNTIL(s, st.answered == 2);
    ss_expect(c1, "OK 1");
    ss_expect(c2, "OK 2");
    close(c1), close(c2), close(c3);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-SRV-04 a malformed frame (length 0, or over IPC_SOCK_MSG_MAX) closes that client only */
static void test_sock_srv_04_malformed_frame_closes_one(void **state)
{
    static const unsigned char zero[4] = { 0, 0, 0, 0 };
    static const unsigned char huge[4] = { 0, 0, 0x10, 0 };
    const char *path = ipct_path("srv");
    struct ipc_sock_server *s = ss_start(0, 4, path, NULL);
    (void)state;

    int bad1 = ss_connect(0, path, 0), bad2 = ss_connect(0, path, 0);
    int good = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.clients == 3);
    ASSERT_SYS_OK(send(bad1, zero, 4, 0));
    ASSERT_SYS_OK(send(bad2, huge, 4, 0));
    ss_send(good, "SUM 40 2");
    SS_STEP_UNTIL(s, st.dropped == 2 && st.answered == 1);
    ss_expect_eof(bad1);
    ss_expect_eof(bad2);
    ss_expect(good, "OK 42");
    ASSERT_EQ(ss_stats(s).clients, 1);
    close(bad1), close(bad2), close(good);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-SRV-05 a frame arriving in pieces is answered once complete, other clients served meanwhile */
static void test_sock_srv_05_piecewise_frame_answered(void **state)
{
    static const unsigned char frame[] = { 0, 0, 0, 7, 'S', 'U', 'M', ' ', '5', ' ', '5' };
    const char *path = ipct_path("srv");
    struct ipc_sock_server *s = ss_start(0, 4, path, NULL);
    (void)state;

    int slow = ss_connect(0, path, 0), quick = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.clients == 2);
    for (size_t i = 0; i < sizeof frame; i++) {
        ASSERT_SYS_OK(send(slow, frame + i, 1, 0));
        ASSERT_IPC_OK(ipc_sock_server_step(s, 10));
        if (i == 5) { /* mid-payload: another client goes first */
            ss_send(quick, "SUM 1 1");
            SS_STEP_UNTIL(s, st.answered == 1);
            ss_expect(quick, "OK 2");
        }
    }
    SS_STEP_UNTIL(s, st.answered == 2);
    ss_expect(slow, "OK 10");
    close(slow), close(quick);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-SRV-06 a bad request is answered "ERR <reason>" and the client is kept */
static void test_sock_srv_06_bad_request_err_client_kept(void **state)
{
    uint16_t port;
    struct ipc_sock_server *s = ss_start(1, 2, NULL, &port);
    (void)state;

    int c = ss_connect(1, NULL, port);
    ss_send(c, "SUM x");
    SS_STEP_UNTIL(s, st.answered == 1);
    ss_expect(c, "ERR bad number");
    ss_send(c, "PRODUCT 2 2");
    SS_STEP_UNTIL(s, st.answered == 2);
    ss_expect(c, "ERR bad verb");
    ss_send(c, "SUM 2 2");
    SS_STEP_UNTIL(s, st.answered == 3);
    ss_expect(c, "OK 4");
    ASSERT_EQ(ss_stats(s).dropped, 0);
    close(c);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-SRV-07 a client that does not read its replies stalls no other client, and loses none */
static void test_sock_srv_07_slow_reader_stalls_nobody(void **state)
{
    static const unsigned char req[] = { 0, 0, 0, 5, 'S', 'U', 'M', ' ', '1' };
    const char *path = ipct_path("srv");
    struct ipc_sock_server *s = ss_start(0, 2, path, NULL);
    long sent = 0;
    (void)state;

    int lazy = ss_connect(0, path, 0), busy = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.clients == 2);
    /* lazy sends and never reads, until the server holds a reply for it */
    for (int round = 0; ss_stats(s).waiting == 0; round++) {
        if (round > 100000)
            IPCT_FAIL("no reply ever waited after %ld requests", sent);
        if (send(lazy, req, sizeof req, MSG_DONTWAIT) == (ssize_t)sizeof req)
            sent++;
        ASSERT_IPC_OK(ipc_sock_server_step(s, 0));
    }
    ss_send(busy, "SUM 9");
    long before = ss_stats(s).answered;
    SS_STEP_UNTIL(s, st.answered == before + 1);
    ss_expect(busy, "OK 9");
    /* lazy reads now: every request it sent is answered, in order */
    for (long k = 0; k < sent; k++) {
        ASSERT_IPC_OK(ipc_sock_server_step(s, 0));
        while (!sk_readable(lazy))
            ASSERT_IPC_OK(ipc_sock_server_step(s, 10));
        ss_expect(lazy, "OK 1");
    }
    SS_STEP_UNTIL(s, st.waiting == 0);
    ASSERT_FALSE(sk_readable(lazy));
    close(lazy), close(busy);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-SRV-08 ipc_sock_server_create checks its arguments and leaves the master open on failure */
static void test_sock_srv_08_create_arguments(void **state)
{
    char longpath[PATH_MAX + 8];
    struct ipc_sock_server *s = NULL;
    uint16_t port;
    (void)state;

    int m = ASSERT_IPC_OK(ipc_sock_inet_listen("127.0.0.1", 0, SOCK_STREAM, &port));
    ASSERT_IPC_ERR(ipc_sock_server_create(NULL, m, 1, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_server_create(&s, -1, 1, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_server_create(&s, m, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_server_create(&s, m, IPC_SOCK_SERVER_MAX_CLIENTS + 1, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_server_create(&s, FD_SETSIZE, 1, NULL), EMFILE);
    memset(longpath, 'p', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    ASSERT_IPC_ERR(ipc_sock_server_create(&s, m, 1, longpath), ENAMETOOLONG);
    int closed = ipct_lowest_free_fd();
    ASSERT_IPC_ERR(ipc_sock_server_create(&s, closed, 1, NULL), EBADF);
    ASSERT_NULL(s);
    ASSERT_EQ(fcntl(m, F_GETFD) != -1, 1); /* still open: the caller's */
    ASSERT_IPC_OK(ipc_sock_server_create(&s, m, 1, NULL));
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
    ASSERT_IPC_OK(ipc_sock_server_destroy(NULL));
}

/* SOCK-SRV-09 destroy closes every client and M and removes the socket file, and only a socket */
static void test_sock_srv_09_destroy_removes_path(void **state)
{
    char path[256];
    struct stat sb;
    int lowest = ipct_lowest_free_fd();
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("srv"));
    struct ipc_sock_server *s = ss_start(0, 2, path, NULL);
    int c1 = ss_connect(0, path, 0), c2 = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.clients == 2);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
    ss_expect_eof(c1);
    ss_expect_eof(c2);
    ASSERT_SYS_ERR(lstat(path, &sb), ENOENT);
    close(c1), close(c2);
    ASSERT_EQ(ipct_lowest_free_fd(), lowest); /* M and both clients closed */
    /* a path someone else took meanwhile is left to them */
    s = ss_start(0, 1, path, NULL);
    ASSERT_SYS_OK(unlink(path));
    close((int)ASSERT_SYS_OK(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)));
    ASSERT_IPC_ERR(ipc_sock_server_destroy(s), EEXIST);
    ASSERT_SYS_OK(lstat(path, &sb));
    ASSERT_TRUE(S_ISREG(sb.st_mode));
    ASSERT_SYS_OK(unlink(path));
    /* a path already gone is no error */
    s = ss_start(0, 1, path, NULL);
    ASSERT_SYS_OK(unlink(path));
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-SRV-10 run serves until its stop descriptor is readable; step times out with 0 */
static void test_sock_srv_10_run_stops_on_stop_fd(void **state)
{
    uint16_t port;
    int stop[2];
    struct ipc_sock_server *s = ss_start(1, 2, NULL, &port);
    (void)state;

    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_server_step(s, 1)), 0);
    ASSERT_IPC_ERR(ipc_sock_server_run(s, -1), EBADF);
    ASSERT_IPC_ERR(ipc_sock_server_run(s, FD_SETSIZE), EMFILE);
    ASSERT_SYS_OK(pipe2(stop, O_CLOEXEC));
    int c = ss_connect(1, NULL, port);
    ss_send(c, "SUM 6 6");
    ASSERT_SYS_OK(write(stop[1], "x", 1));
    ASSERT_IPC_OK(ipc_sock_server_run(s, stop[0]));
    ASSERT_TRUE(sk_readable(stop[0])); /* the byte is left */
    SS_STEP_UNTIL(s, st.answered == 1);
    ss_expect(c, "OK 12");
    close(c), close(stop[0]), close(stop[1]);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-SRV-11 a connection whose descriptor would be at or above FD_SETSIZE is refused */
static void test_sock_srv_11_high_fd_refused(void **state)
{
    struct rlimit rl;
    const char *path = ipct_path("srv");
    int fillers[FD_SETSIZE], n = 0;
    (void)state;

    ASSERT_SYS_OK(getrlimit(RLIMIT_NOFILE, &rl));
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < FD_SETSIZE + 16)
        IPCT_SKIP("RLIMIT_NOFILE hard limit %ld: no descriptor above FD_SETSIZE can exist",
                  (long)rl.rlim_max);
    struct rlimit raised = { FD_SETSIZE + 16, rl.rlim_max };
    if (ipct_under_memcheck() && setrlimit(RLIMIT_NOFILE, &raised) == -1)
        IPCT_SKIP("under valgrind RLIMIT_NOFILE stays at the limit valgrind began with (%s): "
                  "no descriptor above FD_SETSIZE can exist", ipct_errname(errno));
    ASSERT_SYS_OK(setrlimit(RLIMIT_NOFILE, &raised)); /* within the hard limit: always allowed */
    struct ipc_sock_server *s = ss_start(0, 4, path, NULL);
    int c = ss_connect(0, path, 0);
    while (ipct_lowest_free_fd() < FD_SETSIZE)
        fillers[n++] = (int)ASSERT_SYS_OK(dup(c)); /* every number below FD_SETSIZE taken */
    SS_STEP_UNTIL(s, st.refused == 1);
    ASSERT_EQ(ss_stats(s).clients, 0);
    for (int i = 0; i < n; i++)
        close(fillers[i]);
    ss_expect_eof(c);
    close(c);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
    ASSERT_SYS_OK(setrlimit(RLIMIT_NOFILE, &rl));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_srv_01_unix_clients_served),
    IPCT_TEST(test_sock_srv_01_tcp_clients_served),
    IPCT_TEST(test_sock_srv_02_disconnect_frees_slot),
    IPCT_TEST(test_sock_srv_03_full_table_refuses),
    IPCT_TEST(test_sock_srv_04_malformed_frame_closes_one),
    IPCT_TEST(test_sock_srv_05_piecewise_frame_answered),
    IPCT_TEST(test_sock_srv_06_bad_request_err_client_kept),
    IPCT_TEST(test_sock_srv_07_slow_reader_stalls_nobody),
    IPCT_TEST(test_sock_srv_08_create_arguments),
    IPCT_TEST(test_sock_srv_09_destroy_removes_path),
    IPCT_TEST(test_sock_srv_10_run_stops_on_stop_fd),
    IPCT_TEST(test_sock_srv_11_high_fd_refused),
};

IPCT_MAIN("sock_server", tests)
