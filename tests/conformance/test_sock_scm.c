/* SPDX-License-Identifier: MIT */
/*
 * test_sock_scm.c - descriptors passed over Unix sockets with SCM_RIGHTS:
 * what arrives, and what a short control buffer does to them.
 *
 * Spec: SOCK-SCM-01..08 (spec/sock.md).
 * See also: test_sock_scmcred.c (credentials), test_sock_msg.c, test_sock_unix.c (SO_PEERCRED: SOCK-CRED).
 */
#include "sock_helpers.h"

#define SCM_CTL_FDS(n) CMSG_SPACE(sizeof(int) * (n))

/* Send one byte with the n descriptors fds as SCM_RIGHTS; sendmsg's result. */
static long send_fds(int sock, const int *fds, int n)
{
    union { char buf[SCM_CTL_FDS(256)]; struct cmsghdr align; } ctl;
    struct iovec iov = { "F", 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                         .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

    memset(ctl.buf, 0, sizeof ctl.buf);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
#ifdef __GLIBC__
    return sendmsg(sock, &mh, MSG_NOSIGNAL);
#else
    /* musl's sendmsg copies control data into a 1024-byte buffer and fails
     * with ENOMEM beyond it, before the kernel's limit (SOCK-SCM-08) is
     * reached; its msghdr and cmsghdr, padding zeroed, are the kernel's */
    return syscall(SYS_sendmsg, sock, &mh, MSG_NOSIGNAL);
#endif
}

/* Receive one byte with room for exactly `room` descriptors (CMSG_LEN, not
 * CMSG_SPACE, whose padding may hold one more); stores them in fds, returns
 * how many came, and the message flags in *flags. */
static int recv_fds(int sock, int *fds, int room, int rflags, int *flags)
{
    union { char buf[SCM_CTL_FDS(4)]; struct cmsghdr align; } ctl;
    char b;
    struct iovec iov = { &b, 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = room ? ctl.buf : NULL,
                         .msg_controllen = room ? CMSG_LEN(sizeof(int) * (size_t)room) : 0 };
    int n = 0;

    ASSERT_EQ(ASSERT_SYS_OK(recvmsg(sock, &mh, rflags)), 1);
    *flags = mh.msg_flags;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        ASSERT_EQ(c->cmsg_type, SCM_RIGHTS);
        n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        ASSERT_LE(n, room);
        memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t)n);
    }
    return n;
}

static void pair(int type, int sv[2])
{
    ASSERT_SYS_OK(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv));
}

/* SOCK-SCM-01 a descriptor passed with SCM_RIGHTS shares the sender's open file description */
static void test_sock_scm_01_shares_file_description(void **state)
{
    int sv[2], p[2], got = -1, flags;
    (void)state;

    pair(SOCK_STREAM, sv);
    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    ASSERT_EQ(ASSERT_SYS_OK(send_fds(sv[0], &p[1], 1)), 1);
    ASSERT_EQ(recv_fds(sv[1], &got, 1, 0, &flags), 1);
    /* status flags live in the open file description: set on one, seen on the other */
    ASSERT_SYS_OK(fcntl(got, F_SETFL, O_NONBLOCK));
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(p[1], F_GETFL)) & O_NONBLOCK, O_NONBLOCK);
    close(got), close(p[0]), close(p[1]), close(sv[0]), close(sv[1]);
}

/* SOCK-SCM-02 the passed descriptor arrives under the lowest free number and outlives the sender's copy */
static void test_sock_scm_02_lowest_number_outlives_sender(void **state)
{
    int sv[2], p[2], got = -1, flags;
    char b = 0;
    (void)state;

    pair(SOCK_STREAM, sv);
    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    ASSERT_SYS_OK(send_fds(sv[0], &p[0], 1));
    close(p[0]); /* in flight: the message holds the file */
    int lowest = ipct_lowest_free_fd();
    ASSERT_EQ(recv_fds(sv[1], &got, 1, 0, &flags), 1);
    ASSERT_EQ(got, lowest);
    ASSERT_SYS_OK(write(p[1], "r", 1));
    ASSERT_EQ(ASSERT_SYS_OK(read(got, &b, 1)), 1);
    ASSERT_EQ(b, 'r');
    close(got), close(p[1]), close(sv[0]), close(sv[1]);
}

/* SOCK-SCM-03 a control buffer too short for every descriptor sets MSG_CTRUNC; the ones left out are closed */
static void test_sock_scm_03_short_control_ctrunc(void **state)
{
    int sv[2], p[2], got[2] = { -1, -1 }, flags = 0;
    (void)state;

    pair(SOCK_STREAM, sv);
    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    ASSERT_SYS_OK(send_fds(sv[0], p, 2));
    int lowest = ipct_lowest_free_fd();
    ASSERT_EQ(recv_fds(sv[1], got, 1, 0, &flags), 1);
    ASSERT_TRUE(flags & MSG_CTRUNC);
    close(got[0]);
    ASSERT_EQ(ipct_lowest_free_fd(), lowest); /* the second was never installed */
    close(p[0]), close(p[1]), close(sv[0]), close(sv[1]);
}

/* SOCK-SCM-04 with no control buffer at all, MSG_CTRUNC is set and no descriptor is installed */
static void test_sock_scm_04_no_control_buffer(void **state)
{
    int sv[2], p[2], flags = 0;
    (void)state;

    pair(SOCK_STREAM, sv);
    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    ASSERT_SYS_OK(send_fds(sv[0], &p[0], 1));
    int lowest = ipct_lowest_free_fd();
    ASSERT_EQ(recv_fds(sv[1], NULL, 0, 0, &flags), 0);
    ASSERT_TRUE(flags & MSG_CTRUNC);
    ASSERT_EQ(ipct_lowest_free_fd(), lowest);
    close(p[0]), close(p[1]), close(sv[0]), close(sv[1]);
}

/* SOCK-SCM-05 MSG_CMSG_CLOEXEC sets close-on-exec on received descriptors; without it the flag is clear */
static void test_sock_scm_05_cmsg_cloexec(void **state)
{
    int sv[2], p[2], a = -1, b = -1, flags;
    (void)state;

    pair(SOCK_STREAM, sv);
    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC)); /* the sender's copy has it: the flag is not passed */
    ASSERT_SYS_OK(send_fds(sv[0], &p[0], 1));
    ASSERT_SYS_OK(send_fds(sv[0], &p[0], 1));
    ASSERT_EQ(recv_fds(sv[1], &a, 1, 0, &flags), 1);
    ASSERT_EQ(recv_fds(sv[1], &b, 1, MSG_CMSG_CLOEXEC, &flags), 1);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(a, F_GETFD)) & FD_CLOEXEC, 0);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(b, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    close(a), close(b), close(p[0]), close(p[1]), close(sv[0]), close(sv[1]);
}

/* SOCK-SCM-06 on a datagram socket the descriptors travel with their own datagram only */
static void test_sock_scm_06_dgram_rights_with_datagram(void **state)
{
    int sv[2], p[2], got = -1, flags;
    (void)state;

    pair(SOCK_DGRAM, sv);
    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    ASSERT_SYS_OK(send(sv[0], "0", 1, 0));
    ASSERT_SYS_OK(send_fds(sv[0], &p[0], 1));
    ASSERT_EQ(recv_fds(sv[1], &got, 1, 0, &flags), 0);
    ASSERT_EQ(recv_fds(sv[1], &got, 1, 0, &flags), 1);
    close(got), close(p[0]), close(p[1]), close(sv[0]), close(sv[1]);
}

/* SOCK-SCM-07 SCM_RIGHTS naming a closed descriptor fails with EBADF and sends nothing */
static void test_sock_scm_07_bad_descriptor_ebadf(void **state)
{
    int sv[2];
    (void)state;

    pair(SOCK_STREAM, sv);
    int bad = ipct_lowest_free_fd();
    ASSERT_SYS_ERR(send_fds(sv[0], &bad, 1), EBADF);
    char b;
    ASSERT_SYS_ERR(recv(sv[1], &b, 1, MSG_DONTWAIT), EAGAIN);
    close(sv[0]), close(sv[1]);
}

/* SOCK-SCM-08 more than SCM_MAX_FD (253) descriptors in one message fails with EINVAL */
static void test_sock_scm_08_too_many_einval(void **state)
{
    int sv[2], fds[254];
    (void)state;

    pair(SOCK_STREAM, sv);
    for (int i = 0; i < 254; i++)
        fds[i] = sv[0];
    ASSERT_SYS_OK(send_fds(sv[0], fds, 253));
    ASSERT_SYS_ERR(send_fds(sv[0], fds, 254), EINVAL);
    close(sv[0]), close(sv[1]); /* the 253 in flight go with the pair */
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_scm_01_shares_file_description),
    IPCT_TEST(test_sock_scm_02_lowest_number_outlives_sender),
    IPCT_TEST(test_sock_scm_03_short_control_ctrunc),
    IPCT_TEST(test_sock_scm_04_no_control_buffer),
    IPCT_TEST(test_sock_scm_05_cmsg_cloexec),
    IPCT_TEST(test_sock_scm_06_dgram_rights_with_datagram),
    IPCT_TEST(test_sock_scm_07_bad_descriptor_ebadf),
    IPCT_TEST(test_sock_scm_08_too_many_einval),
};

IPCT_MAIN("sock_scm", tests)
