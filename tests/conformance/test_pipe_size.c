/* SPDX-License-Identifier: MIT */
/*
 * test_pipe_size.c - pipe capacity and its limits, PIPE_BUF, poll readiness,
 * and close-on-exec ends.
 *
 * Spec: PIPE-SIZE-01..05, PIPE-PIPEBUF-01, PIPE-POLL-01, PIPE-CLOEXEC-01
 *       (spec/pipe.md).
 * See also: test_pipe_block.c (full and empty pipes), tests/lib/fdcheck.c
 *           (the program PIPE-CLOEXEC-01 execs).
 */
#include "ipctest.h"
#include "pipe_helpers.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The capacities in the spec are 4 KiB-page figures. */
#define SKIP_UNLESS_4K_PAGES() \
    do { \
        if (sysconf(_SC_PAGESIZE) != 4096) \
            IPCT_SKIP("page size is %ld, the spec's capacities assume 4096", \
                      sysconf(_SC_PAGESIZE)); \
    } while (0)

/* True when a new pipe of capacity cap shows the user is over
 * pipe-user-pages-soft: the kernel then gives unprivileged users (neither
 * CAP_SYS_RESOURCE nor CAP_SYS_ADMIN) two pages, one before Linux 5.18. */
static int over_soft_limit(int cap)
{
    long soft = ipct_read_long("/proc/sys/fs/pipe-user-pages-soft");
    int privileged = ipct_has_cap(CAP_SYS_RESOURCE) || ipct_has_cap(CAP_SYS_ADMIN);

    return soft != 0 && !privileged && cap <= 2 * sysconf(_SC_PAGESIZE);
}

/* PIPE-SIZE-01 a new pipe holds 65536 bytes */
static void test_pipe_size_01_default_capacity_64k(void **state)
{
    int fds[2];
    (void)state;

    SKIP_UNLESS_4K_PAGES();
    ASSERT_SYS_OK(pipe2(fds, O_NONBLOCK));
    int cap = pipe_capacity(fds[1]);
    if (cap != 65536 && over_soft_limit(cap)) {
        close(fds[0]);
        close(fds[1]);
        IPCT_SKIP("a new pipe holds %d bytes: this user is over "
                  "/proc/sys/fs/pipe-user-pages-soft", cap);
    }
    ASSERT_EQ(cap, 65536);
    ASSERT_EQ(pipe_fill_nonblocking(fds[1]), 65536);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-SIZE-02 F_SETPIPE_SZ rounds up to a power-of-two number of pages */
static void test_pipe_size_02_set_rounds_up_to_pages(void **state)
{
    int fds[2];
    (void)state;

    SKIP_UNLESS_4K_PAGES();
    ASSERT_SYS_OK(pipe2(fds, O_NONBLOCK));
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fds[1], F_SETPIPE_SZ, 5000)), 8192);
    ASSERT_EQ(pipe_capacity(fds[1]), 8192);
    ASSERT_EQ(pipe_fill_nonblocking(fds[1]), 8192);
    close(fds[0]);
    close(fds[1]);
}

/* As nobody, asks a new pipe for *arg bytes: EPERM. */
static void set_size_as_nobody(void *arg)
{
    unsigned int size = *(unsigned int *)arg;
    int fds[2];

    ASSERT_IPC_OK(ipct_drop_privileges());
    ASSERT_SYS_OK(pipe(fds));
    ASSERT_SYS_ERR(fcntl(fds[1], F_SETPIPE_SZ, size), EPERM);
    ASSERT_SYS_OK(close(fds[0]));
    ASSERT_SYS_OK(close(fds[1]));
}

/* PIPE-SIZE-03 above pipe-max-size an unprivileged process gets EPERM */
static void test_pipe_size_03_above_max_unprivileged_eperm(void **state)
{
    long max = ipct_read_long("/proc/sys/fs/pipe-max-size");
    (void)state;

    /* above 2 GiB the kernel refuses any size with EINVAL, before EPERM */
    if (max > (1L << 30))
        IPCT_SKIP("pipe-max-size is %ld: twice it exceeds the 2 GiB F_SETPIPE_SZ accepts", max);
    unsigned int twice = 2u * (unsigned int)max;
    assert_child_exited(ipct_spawn(set_size_as_nobody, &twice), 0);
}

/* PIPE-SIZE-04 shrinking a pipe below what it holds fails with EBUSY */
static void test_pipe_size_04_shrink_below_content_ebusy(void **state)
{
    int fds[2];
    static const char buf[8192];
    (void)state;

    SKIP_UNLESS_4K_PAGES(); /* 8192 bytes fill two pages, 4096 is one */
    ASSERT_SYS_OK(pipe(fds));
    int before = pipe_capacity(fds[1]);
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], buf, sizeof buf)), sizeof buf);
    ASSERT_SYS_ERR(fcntl(fds[1], F_SETPIPE_SZ, 4096), EBUSY);
    ASSERT_EQ(pipe_capacity(fds[1]), before);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-SIZE-05 FIONREAD reports the bytes not yet read */
static void test_pipe_size_05_fionread_counts_unread(void **state)
{
    int fds[2];
    char buf[10];
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], "0123456789", 10)), 10);
    ASSERT_EQ(pipe_unread(fds[0]), 10);
    ASSERT_EQ(ASSERT_SYS_OK(read(fds[0], buf, 3)), 3);
    ASSERT_EQ(pipe_unread(fds[0]), 7);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-PIPEBUF-01 PIPE_BUF is at least 512, and 4096 on Linux */
static void test_pipe_pipebuf_01_limits_agree(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_GE(PIPE_BUF, _POSIX_PIPE_BUF);
    ASSERT_SYS_OK(pipe(fds));
    ASSERT_EQ(ASSERT_SYS_OK(fpathconf(fds[0], _PC_PIPE_BUF)), PIPE_BUF);
    ASSERT_EQ(ASSERT_SYS_OK(fpathconf(fds[1], _PC_PIPE_BUF)), PIPE_BUF);
    ASSERT_EQ(PIPE_BUF, 4096);
    close(fds[0]);
    close(fds[1]);
}

/* The events poll reports on fd right now (timeout 0). */
static int poll_now(int fd, short events)
{
    struct pollfd pfd = { .fd = fd, .events = events };

    ASSERT_SYS_OK(poll(&pfd, 1, 0));
    return pfd.revents;
}

/* PIPE-POLL-01 poll reports data, hang-up and a vanished reader */
static void test_pipe_poll_01_readiness_events(void **state)
{
    int fds[2];
    char byte;
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    ASSERT_EQ(poll_now(fds[0], POLLIN), 0);
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], "x", 1)), 1);
    ASSERT_EQ(poll_now(fds[0], POLLIN), POLLIN);
    close(fds[1]);
    ASSERT_EQ(ASSERT_SYS_OK(read(fds[0], &byte, 1)), 1);
    ASSERT_EQ(poll_now(fds[0], POLLIN), POLLHUP);
    close(fds[0]);

    ASSERT_SYS_OK(pipe(fds));
    close(fds[0]);
    int revents = poll_now(fds[1], POLLOUT);
    close(fds[1]);
    ASSERT_EQ(revents & POLLERR, POLLERR); /* the write end with no reader */
}

/* Exec ipcspec-fdcheck on fd (and fd2 unless it is -1); returns its pid.
 * It exits 0 when every descriptor named is closed, 1 when any is open. */
static pid_t exec_fdcheck(int fd, int fd2)
{
    char *prog = IPCSPEC_FDCHECK;
    char arg1[16], arg2[16];
    char *argv[] = { prog, arg1, fd2 == -1 ? NULL : arg2, NULL };

    snprintf(arg1, sizeof arg1, "%d", fd);
    snprintf(arg2, sizeof arg2, "%d", fd2);
    return ipct_spawn_exec(argv, -1, -1, -1);
}

/* PIPE-CLOEXEC-01 pipe2(O_CLOEXEC) ends are closed across exec */
static void test_pipe_cloexec_01_ends_closed_across_exec(void **state)
{
    int ce[2], plain[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(ce, O_CLOEXEC));
    ASSERT_TRUE(ASSERT_SYS_OK(fcntl(ce[0], F_GETFD)) & FD_CLOEXEC);
    ASSERT_TRUE(ASSERT_SYS_OK(fcntl(ce[1], F_GETFD)) & FD_CLOEXEC);
    assert_child_exited(exec_fdcheck(ce[0], ce[1]), 0); /* both closed */
    close(ce[0]);
    close(ce[1]);

    ASSERT_SYS_OK(pipe(plain));
    ASSERT_FALSE(ASSERT_SYS_OK(fcntl(plain[0], F_GETFD)) & FD_CLOEXEC);
    ASSERT_FALSE(ASSERT_SYS_OK(fcntl(plain[1], F_GETFD)) & FD_CLOEXEC);
    assert_child_exited(exec_fdcheck(plain[0], -1), 1); /* open */
    assert_child_exited(exec_fdcheck(plain[1], -1), 1); /* open */
    close(plain[0]);
    close(plain[1]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_pipe_size_01_default_capacity_64k),
    IPCT_TEST(test_pipe_size_02_set_rounds_up_to_pages),
    IPCT_TEST(test_pipe_size_03_above_max_unprivileged_eperm),
    IPCT_TEST(test_pipe_size_04_shrink_below_content_ebusy),
    IPCT_TEST(test_pipe_size_05_fionread_counts_unread),
    IPCT_TEST(test_pipe_pipebuf_01_limits_agree),
    IPCT_TEST(test_pipe_poll_01_readiness_events),
    IPCT_TEST(test_pipe_cloexec_01_ends_closed_across_exec),
};

IPCT_MAIN("pipe_size", tests)
