/* SPDX-License-Identifier: MIT */
/*
 * fault_sock_server.c - the stream and datagram servers when accept4,
 * recv, send, select, fcntl, recvfrom, sendto or lstat fail: a failing
 * accept or one broken client never stops service to the others, a failing
 * select leaves the server usable, EINTR and EAGAIN only postpone, and
 * creation and destruction leave nothing behind (or say what they left).
 *
 * Spec: SOCK-FAULT-02..07 (spec/sock.md).
 * See also: impl/src/sock_server.c, impl/src/sock_dgram.c,
 * tests/conformance/test_sock_server.c, test_sock_dgs.c.
 */
#include "fault.h"
#include "../conformance/sock_server_helpers.h"

enum { N = 3 };

/* A Unix stream server for 4 and N connected, accepted clients. */
static struct ipc_sock_server *start(int c[N])
{
    const char *path = ipct_path("srv");
    struct ipc_sock_server *s = ss_start(0, 4, path, NULL);

    for (int i = 0; i < N; i++) {
        c[i] = ss_connect(0, path, 0);
        SS_STEP_UNTIL(s, st.clients == i + 1); /* slot i is client i */
    }
    return s;
}

static void finish(struct ipc_sock_server *s, int c[N])
{
    for (int i = 0; i < N; i++)
        close(c[i]);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* Every client sends "SUM i 1". */
static void send_all(const int c[N])
{
    char text[32];

    for (int i = 0; i < N; i++) {
        snprintf(text, sizeof text, "SUM %d 1", i);
        ss_send(c[i], text);
    }
}

/* Clients 0 and 2 are answered, client 1 was closed (dropped 1), and 0 and 2 serve on. */
static void only_client1_dropped(struct ipc_sock_server *s, int c[N])
{
    SS_STEP_UNTIL(s, st.answered >= 2 && st.dropped == 1);
    ss_expect(c[0], "OK 1");
    ss_expect(c[2], "OK 3");
    ss_expect_closed(c[1]);
    ASSERT_EQ(ss_stats(s).clients, N - 1);
    ss_send(c[0], "SUM 5");
    ss_send(c[2], "SUM 6");
    long before = ss_stats(s).answered;
    SS_STEP_UNTIL(s, st.answered == before + 2);
    ss_expect(c[0], "OK 5");
    ss_expect(c[2], "OK 6");
}

/* SOCK-FAULT-02 a failing accept is counted, and the clients already in are served; the next accept works */
static void fault_sock_fault_02_accept_fails_others_served(void **state)
{
    static const int errs[] = { EMFILE, ENFILE, ENOBUFS };
    int c[N];
    struct ipc_sock_server *s = start(c);
    (void)state;

    for (int k = 0; k < 3; k++) {
        int extra = ss_connect(0, ipct_path("srv"), 0);
        ipcf_fail_nth("posix/io/net/accept4", 1, errs[k]);
        SS_STEP_UNTIL(s, st.accept_errors == k + 1);
        ASSERT_FIRED("posix/io/net/accept4", 1);
        ipcf_disarm_all();
        send_all(c);
        SS_STEP_UNTIL(s, st.answered == (long)(k + 1) * N && st.clients == N + 1); /* then taken */
        for (int i = 0; i < N; i++) {
            char want[16];
            snprintf(want, sizeof want, "OK %d", i + 1);
            ss_expect(c[i], want);
        }
        close(extra);
        SS_STEP_UNTIL(s, st.clients == N);
    }
    /* a connection that went away before accept, and a signal: no error counted */
    int extra = ss_connect(0, ipct_path("srv"), 0);
    ipcf_fail_nth("posix/io/net/accept4", 1, ECONNABORTED);
    ASSERT_IPC_OK(ipc_sock_server_step(s, ipct_deadline_ms()));
    ASSERT_FIRED("posix/io/net/accept4", 1);
    ipcf_fail_nth("posix/io/net/accept4", 1, EINTR);
    ASSERT_IPC_OK(ipc_sock_server_step(s, ipct_deadline_ms()));
    ASSERT_FIRED("posix/io/net/accept4", 1);
    ASSERT_EQ(ss_stats(s).accept_errors, 3);
    ipcf_disarm_all();
    SS_STEP_UNTIL(s, st.clients == N + 1);
    close(extra);
    finish(s, c);
}

/* SOCK-FAULT-03 a failing recv for one client closes that client only */
static void fault_sock_fault_03_recv_fails_one_client(void **state)
{
    int c[N];
    struct ipc_sock_server *s = start(c);
    (void)state;

    send_all(c);
    ipcf_fail_nth("posix/io/net/recv", 2, ECONNRESET); /* client 1's, in slot order */
    ASSERT_IPC_OK(ipc_sock_server_step(s, ipct_deadline_ms()));
    ASSERT_FIRED("posix/io/net/recv", 1);
    ipcf_disarm_all();
    only_client1_dropped(s, c);
    /* EAGAIN and EINTR only postpone: nothing is dropped */
    ss_send(c[0], "SUM 9");
    ipcf_fail_nth("posix/io/net/recv", 1, EAGAIN);
    ASSERT_IPC_OK(ipc_sock_server_step(s, ipct_deadline_ms()));
    ASSERT_FIRED("posix/io/net/recv", 1);
    ipcf_fail_nth("posix/io/net/recv", 1, EINTR);
    ASSERT_IPC_OK(ipc_sock_server_step(s, ipct_deadline_ms()));
    ASSERT_FIRED("posix/io/net/recv", 1);
    ipcf_disarm_all();
    long before = ss_stats(s).answered;
    SS_STEP_UNTIL(s, st.answered == before + 1);
    ss_expect(c[0], "OK 9");
    ASSERT_EQ(ss_stats(s).dropped, 1);
    finish(s, c);
}

/* SOCK-FAULT-04 a failing send of one client's reply closes that client only; EAGAIN keeps the reply */
static void fault_sock_fault_04_send_fails_one_client(void **state)
{
    int c[N];
    struct ipc_sock_server *s = start(c);
    (void)state;

    send_all(c);
    ipcf_fail_nth("posix/io/net/send", 2, EPIPE); /* the server's, for client 1 */
    only_client1_dropped(s, c);
    ASSERT_FIRED("posix/io/net/send", 1);
    ipcf_disarm_all();
    /* no room (EAGAIN): the reply waits for the socket to be writable; EINTR: tried again */
    ss_send(c[2], "SUM 7");
    ipcf_fail_nth("posix/io/net/send", 1, EAGAIN);
    SS_STEP_UNTIL(s, st.waiting == 1);
    ASSERT_FIRED("posix/io/net/send", 1);
    ipcf_fail_nth("posix/io/net/send", 1, EINTR);
    SS_STEP_UNTIL(s, st.waiting == 0);
    ASSERT_FIRED("posix/io/net/send", 1);
    ipcf_disarm_all();
    ss_expect(c[2], "OK 7");
    finish(s, c);
}

/* SOCK-FAULT-05 a failing select is returned as -errno and the server stays usable; EINTR is no failure */
static void fault_sock_fault_05_select_fails_server_usable(void **state)
{
    int c[N], stop[2];
    struct ipc_sock_server *s = start(c);
    (void)state;

    ss_send(c[2], "SUM 5 5");
    ipcf_fail_nth("posix/io/net/select", 1, ENOMEM);
    ASSERT_IPC_ERR(ipc_sock_server_step(s, 100), ENOMEM);
    ASSERT_FIRED("posix/io/net/select", 1);
    ipcf_fail_nth("posix/io/net/select", 1, EBADF);
    ASSERT_IPC_ERR(ipc_sock_server_run(s, STDIN_FILENO), EBADF);
    ASSERT_FIRED("posix/io/net/select", 1);
    ipcf_fail_nth("posix/io/net/select", 1, EINTR);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_server_step(s, 100)), 0);
    ASSERT_FIRED("posix/io/net/select", 1);
    /* run, too, goes on past an EINTR, and stops when asked */
    ASSERT_SYS_OK(pipe2(stop, O_CLOEXEC));
    ASSERT_SYS_OK(write(stop[1], "x", 1));
    ipcf_fail_nth("posix/io/net/select", 1, EINTR);
    ASSERT_IPC_OK(ipc_sock_server_run(s, stop[0]));
    ASSERT_FIRED("posix/io/net/select", 1);
    ipcf_disarm_all();
    SS_STEP_UNTIL(s, st.answered == 1);
    ss_expect(c[2], "OK 10");
    close(stop[0]), close(stop[1]);
    finish(s, c);
}

/* SOCK-FAULT-06 create's fcntl failing leaves the master open and nothing made; destroy reports a failing removal */
static void fault_sock_fault_06_create_and_destroy(void **state)
{
    char path[256];
    struct ipc_sock_server *s = NULL;
    struct stat st;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("srv"));
    int m = ASSERT_IPC_OK(ipc_sock_unix_listen(path, SOCK_STREAM, 0600));
    ipcf_fail_nth("posix/io/ctl/fcntl", 1, EBADF);
    ASSERT_IPC_ERR(ipc_sock_server_create(&s, m, 2, path), EBADF);
    ASSERT_FIRED("posix/io/ctl/fcntl", 1);
    ASSERT_NULL(s);
    ASSERT_SYS_OK(fcntl(m, F_GETFD)); /* still open: the caller's */
    ASSERT_IPC_OK(ipc_sock_server_create(&s, m, 2, path));
    ipcf_fail_nth("posix/io/stat/lstat", 1, EACCES);
    ASSERT_IPC_ERR(ipc_sock_server_destroy(s), EACCES);
    ASSERT_FIRED("posix/io/stat/lstat", 1);
    ASSERT_SYS_OK(lstat(path, &st)); /* the one thing left, as reported */
    ASSERT_IPC_OK(ipc_sock_unix_remove(path));
    /* the datagram server alike */
    struct ipc_sock_dgram_server *d;
    int fd = ASSERT_IPC_OK(ipc_sock_unix_listen(path, SOCK_DGRAM, 0600));
    ASSERT_IPC_OK(ipc_sock_dgram_create(&d, fd, path));
    ipcf_fail_nth("posix/io/dir/unlink", 1, EBUSY);
    ASSERT_IPC_ERR(ipc_sock_dgram_destroy(d), EBUSY);
    ASSERT_FIRED("posix/io/dir/unlink", 1);
    ipcf_disarm_all();
    ASSERT_IPC_OK(ipc_sock_unix_remove(path));
}

/* SOCK-FAULT-07 the datagram server counts a failing recvfrom or sendto and serves on; a failing select is returned */
static void fault_sock_fault_07_dgram_calls_fail(void **state)
{
    struct ipc_sock_dgram_server *d;
    long answered, dropped;
    uint16_t port;
    char buf[32];
    (void)state;

    int fd = ASSERT_IPC_OK(ipc_sock_inet_listen("127.0.0.1", 0, SOCK_DGRAM, &port));
    ASSERT_IPC_OK(ipc_sock_dgram_create(&d, fd, NULL));
    int c = ASSERT_IPC_OK(ipc_sock_inet_connect("127.0.0.1", port, SOCK_DGRAM));
    int stop[2];
    ASSERT_SYS_OK(send(c, "SUM 1", 5, 0));
    ipcf_fail_nth("posix/io/net/recvfrom", 1, ENOMEM); /* not made: the datagram stays */
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_dgram_step(d, ipct_deadline_ms())), 0);
    ASSERT_FIRED("posix/io/net/recvfrom", 1);
    ipcf_fail_nth("posix/io/net/sendto", 1, ENOBUFS); /* "SUM 1" read, its reply lost */
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_dgram_step(d, ipct_deadline_ms())), 0);
    ASSERT_FIRED("posix/io/net/sendto", 1);
    ASSERT_SYS_OK(send(c, "SUM 2", 5, 0));
    ipcf_fail_nth("posix/io/net/recvfrom", 1, EINTR); /* postpones only: not counted */
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_dgram_step(d, ipct_deadline_ms())), 0);
    ASSERT_FIRED("posix/io/net/recvfrom", 1);
    ipcf_fail_nth("posix/io/net/select", 1, ENOMEM);
    ASSERT_IPC_ERR(ipc_sock_dgram_step(d, 100), ENOMEM);
    ASSERT_FIRED("posix/io/net/select", 1);
    ipcf_fail_nth("posix/io/net/select", 1, EBADF);
    ASSERT_IPC_ERR(ipc_sock_dgram_run(d, STDIN_FILENO), EBADF);
    ASSERT_FIRED("posix/io/net/select", 1);
    ASSERT_SYS_OK(pipe2(stop, O_CLOEXEC));
    ASSERT_SYS_OK(write(stop[1], "x", 1));
    ipcf_fail_nth("posix/io/net/select", 1, EINTR); /* run goes on past it, then stops */
    ASSERT_IPC_OK(ipc_sock_dgram_run(d, stop[0]));
    ASSERT_FIRED("posix/io/net/select", 1);
    ipcf_disarm_all();
    close(stop[0]), close(stop[1]);
    ASSERT_EQ(ASSERT_SYS_OK(recv(c, buf, sizeof buf, 0)), 4); /* run answered it */
    ASSERT_MEM_EQ(buf, "OK 2", 4);
    ASSERT_SYS_OK(send(c, "SUM 3", 5, 0));
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sock_dgram_step(d, ipct_deadline_ms())), 1);
    ASSERT_EQ(ASSERT_SYS_OK(recv(c, buf, sizeof buf, 0)), 4);
    ASSERT_MEM_EQ(buf, "OK 3", 4);
    ipc_sock_dgram_counts(d, &answered, &dropped);
    ASSERT_EQ(answered, 2);
    ASSERT_EQ(dropped, 2);
    close(c);
    ASSERT_IPC_OK(ipc_sock_dgram_destroy(d));
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_sock_fault_02_accept_fails_others_served),
    IPCF_TEST(fault_sock_fault_03_recv_fails_one_client),
    IPCF_TEST(fault_sock_fault_04_send_fails_one_client),
    IPCF_TEST(fault_sock_fault_05_select_fails_server_usable),
    IPCF_TEST(fault_sock_fault_06_create_and_destroy),
    IPCF_TEST(fault_sock_fault_07_dgram_calls_fail),
};

IPCT_MAIN("sock_server_faults", tests)
