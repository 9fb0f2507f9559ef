/* SPDX-License-Identifier: MIT */
/*
 * test_pipe_async.c - signal-driven I/O on pipes: O_ASYNC with F_SETOWN
 * sends the owner SIGIO when a pipe end becomes ready; F_SETSIG picks
 * another signal and fills in its siginfo. Each experiment runs in a child
 * with the signal blocked and fetched by sigtimedwait, bounded.
 *
 * Spec: PIPE-ASYNC-01..05 (spec/pipe.md).
 * See also: test_pipe_splice.c, test_sig_queue.c (real-time signals).
 */
#include "pipe_helpers.h"

#include <string.h>
#include <time.h>

/* Block sig in the calling child and make it the owner of fd. */
static void own(int fd, int sig)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, sig);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    ASSERT_SYS_OK(fcntl(fd, F_SETOWN, getpid()));
}

static void async_on(int fd)
{
    ASSERT_SYS_OK(fcntl(fd, F_SETFL, ASSERT_SYS_OK(fcntl(fd, F_GETFL)) | O_ASYNC));
}

/* Wait for sig, up to ms milliseconds: its siginfo's signal number, or 0 if none came. */
static int wait_sig(int sig, long ms, siginfo_t *si)
{
    sigset_t set;
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

    sigemptyset(&set);
    sigaddset(&set, sig);
    memset(si, 0, sizeof *si);
    int got = sigtimedwait(&set, si, &ts);
    if (got == -1) {
        ASSERT_ERRNO_EQ(errno, EAGAIN);
        return 0;
    }
    return got;
}

static void sigio_on_write(void *arg)
{
    int *p = arg;
    siginfo_t si;

    own(p[0], SIGIO);
    async_on(p[0]);
    ASSERT_SYS_OK(write(p[1], "x", 1));
    ASSERT_SIG_EQ(wait_sig(SIGIO, ipct_deadline_ms(), &si), SIGIO);
}

/* PIPE-ASYNC-01 with O_ASYNC and F_SETOWN on the read end, a write sends the owner SIGIO */
static void test_pipe_async_01_write_sends_sigio(void **state)
{
    int p[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    assert_child_exited(ipct_spawn(sigio_on_write, p), 0);
    close(p[0]), close(p[1]);
}

/* PIPE-ASYNC-02 F_GETOWN returns the process F_SETOWN named */
static void test_pipe_async_02_getown_reads_back(void **state)
{
    int p[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(p[0], F_GETOWN)), 0);
    ASSERT_SYS_OK(fcntl(p[0], F_SETOWN, getpid()));
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(p[0], F_GETOWN)), getpid());
    close(p[0]), close(p[1]);
}

static void no_sigio_without_async(void *arg)
{
    int *p = arg;
    siginfo_t si;

    own(p[0], SIGIO);
    ASSERT_SYS_OK(write(p[1], "x", 1));
    /* the owner is set but O_ASYNC is not: nothing is sent */
    ASSERT_EQ(wait_sig(SIGIO, 100, &si), 0);
}

/* PIPE-ASYNC-03 without O_ASYNC an owner gets no SIGIO */
static void test_pipe_async_03_no_async_no_signal(void **state)
{
    int p[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    assert_child_exited(ipct_spawn(no_sigio_without_async, p), 0);
    close(p[0]), close(p[1]);
}

static void setsig_read_end(void *arg)
{
    int *p = arg, sig = SIGRTMIN + 1;
    siginfo_t si;

    own(p[0], sig);
    ASSERT_SYS_OK(fcntl(p[0], F_SETSIG, sig));
    async_on(p[0]);
    ASSERT_SYS_OK(write(p[1], "x", 1));
    ASSERT_SIG_EQ(wait_sig(sig, ipct_deadline_ms(), &si), sig);
    ASSERT_EQ(si.si_fd, p[0]);
    ASSERT_EQ(si.si_code, POLL_IN);
}

/* PIPE-ASYNC-04 F_SETSIG replaces SIGIO, and the siginfo names the descriptor and POLL_IN */
static void test_pipe_async_04_setsig_siginfo(void **state)
{
    int p[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    assert_child_exited(ipct_spawn(setsig_read_end, p), 0);
    close(p[0]), close(p[1]);
}

static void setsig_write_end(void *arg)
{
    int *p = arg, sig = SIGRTMIN + 2;
    siginfo_t si;
    char buf[PIPE_BUF];

    ASSERT_SYS_OK(fcntl(p[1], F_SETFL, O_NONBLOCK));
    pipe_fill_nonblocking(p[1]);
    own(p[1], sig);
    ASSERT_SYS_OK(fcntl(p[1], F_SETSIG, sig));
    async_on(p[1]);
    while (read(p[0], buf, sizeof buf) > 0 && pipe_unread(p[0]) > 0)
        ; /* drain: the write end becomes writable on the way */
    ASSERT_SIG_EQ(wait_sig(sig, ipct_deadline_ms(), &si), sig);
    ASSERT_EQ(si.si_fd, p[1]);
    ASSERT_EQ(si.si_code, POLL_OUT);
}

/* PIPE-ASYNC-05 on the write end of a full pipe, reading makes room and signals POLL_OUT */
static void test_pipe_async_05_write_end_poll_out(void **state)
{
    int p[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    assert_child_exited(ipct_spawn(setsig_write_end, p), 0);
    close(p[0]), close(p[1]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_pipe_async_01_write_sends_sigio),
    IPCT_TEST(test_pipe_async_02_getown_reads_back),
    IPCT_TEST(test_pipe_async_03_no_async_no_signal),
    IPCT_TEST(test_pipe_async_04_setsig_siginfo),
    IPCT_TEST(test_pipe_async_05_write_end_poll_out),
};

IPCT_MAIN("pipe_async", tests)
