/* SPDX-License-Identifier: MIT */
/*
 * test_sock_scmcred.c - credentials passed over Unix sockets:
 * SCM_CREDENTIALS, which the receiver gets only with SO_PASSCRED, and which
 * the kernel checks against the sender.
 *
 * Spec: SOCK-SCM-09..12 (spec/sock.md).
 * See also: test_sock_scm.c (SCM_RIGHTS), test_sock_unix.c (SO_PEERCRED).
 */
#include "sock_helpers.h"

/* Receive one byte; the SCM_CREDENTIALS that came with it in *uc. 1 when
 * some came, 0 when none. */
static int recv_cred(int sock, struct ucred *uc)
{
    union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } ctl;
    char b;
    struct iovec iov = { &b, 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                         .msg_controllen = sizeof ctl.buf };

    ASSERT_EQ(ASSERT_SYS_OK(recvmsg(sock, &mh, 0)), 1);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    if (c == NULL)
        return 0;
    ASSERT_EQ(c->cmsg_level, SOL_SOCKET);
    ASSERT_EQ(c->cmsg_type, SCM_CREDENTIALS);
    memcpy(uc, CMSG_DATA(c), sizeof *uc);
    return 1;
}

/* Send one byte carrying the credentials uc; sendmsg's result. */
static long send_cred(int sock, const struct ucred *uc)
{
    union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } ctl;
    struct iovec iov = { "C", 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                         .msg_controllen = sizeof ctl.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

    memset(ctl.buf, 0, sizeof ctl.buf);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof *uc);
    memcpy(CMSG_DATA(c), uc, sizeof *uc);
    return sendmsg(sock, &mh, MSG_NOSIGNAL);
}

static void passcred(int fd)
{
    int one = 1;

    ASSERT_SYS_OK(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
}

/* SOCK-SCM-09 without SO_PASSCRED the receiver gets no credentials */
static void test_sock_scm_09_no_passcred_no_credentials(void **state)
{
    struct ucred uc;
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_SYS_OK(send(sv[0], "x", 1, 0));
    ASSERT_EQ(recv_cred(sv[1], &uc), 0);
    close(sv[0]), close(sv[1]);
}

static void send_plain_byte(void *arg)
{
    ASSERT_SYS_OK(send(*(int *)arg, "x", 1, MSG_NOSIGNAL));
}

/* SOCK-SCM-10 with SO_PASSCRED set, every message carries the sender's pid, uid and gid, sent or not */
static void test_sock_scm_10_passcred_gives_sender(void **state)
{
    struct ucred uc = { 0, 0, 0 };
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    passcred(sv[1]);
    pid_t pid = ipct_spawn(send_plain_byte, &sv[0]);
    assert_child_exited(pid, 0);
    ASSERT_EQ(recv_cred(sv[1], &uc), 1);
    ASSERT_EQ(uc.pid, pid);
    ASSERT_EQ(uc.uid, getuid());
    ASSERT_EQ(uc.gid, getgid());
    close(sv[0]), close(sv[1]);
}

/* SOCK-SCM-11 a sender may state its own credentials; SO_PASSCRED reads back as 1 */
static void test_sock_scm_11_own_credentials_accepted(void **state)
{
    struct ucred mine = { getpid(), getuid(), getgid() }, uc = { 0, 0, 0 };
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    passcred(sv[1]);
    int on = 0;
    socklen_t len = sizeof on;
    ASSERT_SYS_OK(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, &len));
    ASSERT_EQ(on, 1);
    ASSERT_EQ(ASSERT_SYS_OK(send_cred(sv[0], &mine)), 1);
    ASSERT_EQ(recv_cred(sv[1], &uc), 1);
    ASSERT_EQ(uc.pid, getpid());
    close(sv[0]), close(sv[1]);
}

static void claim_parent_pid(void *arg)
{
    const int *sv = arg;

    ASSERT_IPC_OK(ipct_drop_privileges());
    struct ucred other = { getppid(), getuid(), getgid() };
    ASSERT_SYS_ERR(send_cred(sv[0], &other), EPERM);
}

/* SOCK-SCM-12 an unprivileged sender that claims another process's pid fails with EPERM */
static void test_sock_scm_12_foreign_pid_eperm(void **state)
{
    int sv[2];
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    passcred(sv[1]);
    pid_t pid = ipct_spawn(claim_parent_pid, sv);
    assert_child_exited(pid, 0);
    ASSERT_SYS_ERR(recv(sv[1], (char[1]){ 0 }, 1, MSG_DONTWAIT), EAGAIN); /* nothing sent */
    close(sv[0]), close(sv[1]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_scm_09_no_passcred_no_credentials),
    IPCT_TEST(test_sock_scm_10_passcred_gives_sender),
    IPCT_TEST(test_sock_scm_11_own_credentials_accepted),
    IPCT_TEST(test_sock_scm_12_foreign_pid_eperm),
};

IPCT_MAIN("sock_scmcred", tests)
