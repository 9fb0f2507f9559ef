/* SPDX-License-Identifier: MIT */
/*
 * test_sock_robust.c - impl/'s stream server against clients that do not
 * play along and against a host that runs short: a client that holds its
 * slot in silence, an accept that fails for want of descriptors, a refused
 * client that spoke first, and a second server started on a live path.
 *
 * Spec: SOCK-API-16, SOCK-SRV-12..14 (spec/sock.md).
 * See also: impl/src/sock_server.c, impl/src/sock.c, sock_server_helpers.h,
 * test_sock_server.c (the server's ordinary contract).
 */
#include "sock_server_helpers.h"

#include <sys/resource.h>

/* SOCK-API-16 a path a live socket is bound to is never taken: listen fails with -EADDRINUSE */
static void test_sock_api_16_live_path_eaddrinuse(void **state)
{
    const char *path = ipct_path("live");
    struct stat sb;
    (void)state;

    int first = (int)ASSERT_IPC_OK(ipc_sock_unix_listen(path, SOCK_STREAM, 0600));
    ASSERT_IPC_ERR(ipc_sock_unix_listen(path, SOCK_STREAM, 0600), EADDRINUSE);
    ASSERT_IPC_ERR(ipc_sock_unix_listen(path, SOCK_DGRAM, 0600), EADDRINUSE);
    ASSERT_SYS_OK(lstat(path, &sb));
    ASSERT_TRUE(S_ISSOCK(sb.st_mode));
    int c = (int)ASSERT_IPC_OK(ipc_sock_unix_connect(path, SOCK_STREAM));
    int a = (int)ASSERT_SYS_OK(accept4(first, NULL, NULL, SOCK_CLOEXEC)); /* the first's own */
    close(a), close(c), close(first);
    /* nobody behind the file: it is stale, and taken */
    int second = (int)ASSERT_IPC_OK(ipc_sock_unix_listen(path, SOCK_STREAM, 0600));
    close(second);
    ASSERT_IPC_OK(ipc_sock_unix_remove(path));
    /* a datagram socket bound there is as live */
    int dgram = (int)ASSERT_IPC_OK(ipc_sock_unix_listen(path, SOCK_DGRAM, 0600));
    ASSERT_IPC_ERR(ipc_sock_unix_listen(path, SOCK_STREAM, 0600), EADDRINUSE);
    close(dgram);
    ASSERT_IPC_OK(ipc_sock_unix_remove(path));
}

/* SOCK-SRV-12 a client that holds its slot in silence past the idle timeout is closed */
static void test_sock_srv_12_silent_client_timed_out(void **state)
{
    static const unsigned char one = 0;
    const char *path = ipct_path("srv");
    struct ipc_sock_server *s = ss_start(0, 2, path, NULL);
    (void)state;

    int stall = ss_connect(0, path, 0), mute = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.clients == 2);
    ASSERT_SYS_OK(send(stall, &one, 1, 0)); /* one byte of a header, then nothing */
    for (int i = 0; i < 20; i++) /* with no timeout set, silence keeps the slot */
        ASSERT_IPC_OK(ipc_sock_server_step(s, 5));
    ASSERT_EQ(ss_stats(s).clients, 2);
    ASSERT_IPC_ERR(ipc_sock_server_set_idle(s, -1), EINVAL);
    ASSERT_IPC_OK(ipc_sock_server_set_idle(s, 50));
    SS_STEP_UNTIL(s, st.timed_out == 2);
    ASSERT_EQ(ss_stats(s).clients, 0);
    ss_expect_eof(stall);
    ss_expect_eof(mute);
    int next = ss_connect(0, path, 0);
    ss_send(next, "SUM 1 2");
    SS_STEP_UNTIL(s, st.answered == 1);
    ss_expect(next, "OK 3");
    close(stall), close(mute), close(next);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* The SOCK-SRV-13 child: a server short of descriptors, then not. */
static void emfile_child(void *arg)
{
    const char *path = arg;
    struct ipc_sock_server *s = ss_start(0, 4, path, NULL);
    struct rlimit old, low;
    int backoff = ipct_deadline_ms() / 20; /* far longer than five rounds of 0 ms */

    ASSERT_IPC_ERR(ipc_sock_server_set_backoff(s, 0), EINVAL);
    ASSERT_IPC_OK(ipc_sock_server_set_backoff(s, backoff));
    int c = ss_connect(0, path, 0); /* queued in the backlog */
    ASSERT_SYS_OK(getrlimit(RLIMIT_NOFILE, &old));
    low = old;
    low.rlim_cur = (rlim_t)ipct_lowest_free_fd(); /* no new descriptor at all */
    ASSERT_SYS_OK(setrlimit(RLIMIT_NOFILE, &low));
    for (int i = 0; i < 5; i++)
        ASSERT_IPC_OK(ipc_sock_server_step(s, 0));
    struct ipc_sock_stats short_of_fds = ss_stats(s);
    ASSERT_SYS_OK(setrlimit(RLIMIT_NOFILE, &old));
    ASSERT_EQ(short_of_fds.accept_errors, 1);
    ASSERT_EQ(short_of_fds.backoffs, 1);
    ASSERT_EQ(short_of_fds.clients, 0);
    ss_send(c, "SUM 2 3");
    SS_STEP_UNTIL(s, st.answered == 1);
    ss_expect(c, "OK 5");
    close(c);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-SRV-13 an accept failing with EMFILE pauses accepting for the back-off: no spin */
static void test_sock_srv_13_emfile_backs_off(void **state)
{
    (void)state;
    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind enforces a lowered RLIMIT_NOFILE itself, after the kernel's accept "
                  "took the connection: it closes the new descriptor and returns EMFILE, so the "
                  "queued client is lost (EPIPE) where the kernel keeps it queued");
    ipct_wait(ipct_spawn(emfile_child, (void *)ipct_path("srv")));
}

/* SOCK-SRV-14 a refused client that sent its request first reads end of file, not a reset */
static void test_sock_srv_14_refused_sender_reads_eof(void **state)
{
    const char *path = ipct_path("srv");
    struct ipc_sock_server *s = ss_start(0, 1, path, NULL);
    (void)state;

    int in = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.clients == 1);
    int late = ss_connect(0, path, 0);
    ss_send(late, "SUM 1 2"); /* before the server has even accepted it */
    SS_STEP_UNTIL(s, st.refused == 1);
    ss_expect_eof(late);
    ss_send(in, "SUM 4 4");
    SS_STEP_UNTIL(s, st.answered == 1);
    ss_expect(in, "OK 8");
    close(in), close(late);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_api_16_live_path_eaddrinuse),
    IPCT_TEST(test_sock_srv_12_silent_client_timed_out),
    IPCT_TEST(test_sock_srv_13_emfile_backs_off),
    IPCT_TEST(test_sock_srv_14_refused_sender_reads_eof),
};

IPCT_MAIN("sock_robust", tests)
