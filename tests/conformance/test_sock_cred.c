/* SPDX-License-Identifier: MIT */
/*
 * test_sock_cred.c - the credentials a Unix stream connection carries
 * (SO_PEERCRED): the connecting process's, seen by the listener, the
 * listener's, seen by the client, and a socketpair's creator, seen by both
 * ends. The other side is a child that became nobody, so its credentials
 * differ from the test's.
 *
 * Spec: SOCK-CRED-01..03 (spec/sock.md).
 * See also: test_sock_accept.c (the master socket), test_sock_scm.c
 * (credentials passed as control messages).
 */
#include "sock_helpers.h"

#define NOBODY 65534

/* Become nobody, or skip: only root can take another uid. */
static void become_nobody(void)
{
    if (ipct_drop_privileges() < 0)
        IPCT_SKIP("cannot become nobody: the test needs root to drop to another uid");
}

/* Check that fd's peer, as SO_PEERCRED gives it, is process pid running as
 * nobody. */
#define ASSERT_PEER_IS_NOBODY(fd, pid)                                          \
    do {                                                                        \
        struct ucred cred_;                                                     \
        socklen_t len_ = sizeof cred_;                                          \
        ASSERT_SYS_OK(getsockopt((fd), SOL_SOCKET, SO_PEERCRED, &cred_, &len_)); \
        ASSERT_EQ(len_, sizeof cred_);                                          \
        ASSERT_EQ(cred_.pid, (pid));                                            \
        ASSERT_EQ(cred_.uid, NOBODY);                                           \
        ASSERT_EQ(cred_.gid, NOBODY);                                           \
    } while (0)

/* Child: as nobody, connect to the abstract address (arg), say ready, and
 * stay connected until the parent closes (end of file). */
static void cred_client(void *arg)
{
    const struct sockaddr_un *sa = arg;
    char b;

    become_nobody();
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    ASSERT_SYS_OK(connect(fd, (const struct sockaddr *)sa, sizeof *sa));
    ipct_child_ready();
    ASSERT_EQ(recv(fd, &b, 1, 0), 0);
}

/* SOCK-CRED-01 SO_PEERCRED on an accepted socket gives the client's pid, uid and gid */
static void test_sock_cred_01_server_sees_client_creds(void **state)
{
    struct sockaddr_un sa;
    (void)state;

    sk_abstract_addr(&sa, "cred"); /* no file: nobody needs no permission */
    int m = sk_bound(SOCK_STREAM, (struct sockaddr *)&sa, sizeof sa);
    pid_t pid = ipct_spawn(cred_client, &sa);
    ipct_await_ready(pid); /* connected: accept does not wait */
    int a = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));
    ASSERT_PEER_IS_NOBODY(a, pid);
    close(a);
    assert_child_exited(pid, 0);
    close(m);
}

/* Child: as nobody, listen on the abstract address (arg), say ready, accept
 * one client and hold the connection until the client closes it. */
static void cred_listener(void *arg)
{
    const struct sockaddr_un *sa = arg;
    char b;

    become_nobody();
    int m = sk_bound(SOCK_STREAM, (const struct sockaddr *)sa, sizeof *sa);
    ipct_child_ready();
    int a = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));
    ASSERT_EQ(recv(a, &b, 1, 0), 0);
}

/* SOCK-CRED-02 the client's SO_PEERCRED gives the credentials of the listener */
static void test_sock_cred_02_client_sees_listener_creds(void **state)
{
    struct sockaddr_un sa;
    (void)state;

    /* the listener is another process with other credentials than ours */
    sk_abstract_addr(&sa, "cred-listener");
    pid_t pid = ipct_spawn(cred_listener, &sa);
    ipct_await_ready(pid);
    int c = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_OK(connect(c, (struct sockaddr *)&sa, sizeof sa));
    ASSERT_PEER_IS_NOBODY(c, pid);
    close(c);
    assert_child_exited(pid, 0);
}

/* SOCK-CRED-03 each end of a socketpair sees the creating process in SO_PEERCRED */
static void test_sock_cred_03_socketpair_own_creds(void **state)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    for (int k = 0; k < 2; k++) {
        ASSERT_SYS_OK(getsockopt(sv[k], SOL_SOCKET, SO_PEERCRED, &cred, &len));
        ASSERT_EQ(cred.pid, getpid());
        ASSERT_EQ(cred.uid, geteuid());
    }
    close(sv[0]), close(sv[1]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_cred_01_server_sees_client_creds),
    IPCT_TEST(test_sock_cred_02_client_sees_listener_creds),
    IPCT_TEST(test_sock_cred_03_socketpair_own_creds),
};

IPCT_MAIN("sock_cred", tests)
