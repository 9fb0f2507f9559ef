/* SPDX-License-Identifier: MIT */
/*
 * test_mux_poll.c - poll and ppoll themselves: a closed descriptor answers
 * POLLNVAL (no error), a negative one is skipped, hang-up and error are
 * reported unasked, the timeout, the count limit, two entries for one
 * descriptor, and ppoll's atomic mask swap.
 *
 * Spec: MUX-POLL-01..07 (spec/mux.md).
 * See also: test_mux_ready.c (readiness by object), test_mux_select.c,
 * test_sig_intr.c (SIG-INTR-03, 04), mux_helpers.h.
 */
#include "mux_helpers.h"
#include "sig_helpers.h"

#include <sys/resource.h>

/* MUX-POLL-01 poll answers a closed descriptor with POLLNVAL, not with an error */
static void test_mux_poll_01_closed_fd_pollnval(void **state)
{
    struct pollfd p;
    int fd[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fd, O_CLOEXEC));
    ASSERT_SYS_OK(close(fd[0]));
    p = (struct pollfd){ .fd = fd[0], .events = POLLIN };
    ASSERT_EQ(ASSERT_SYS_OK(poll(&p, 1, 0)), 1);
    ASSERT_EQ(p.revents, POLLNVAL);
    ASSERT_SYS_OK(close(fd[1]));
}

/* MUX-POLL-02 poll skips an entry whose descriptor is negative */
static void test_mux_poll_02_negative_fd_ignored(void **state)
{
    struct pollfd p[2];
    int fd[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fd, O_CLOEXEC));
    ASSERT_EQ(ASSERT_SYS_OK(write(fd[1], "y", 1)), 1);
    p[0] = (struct pollfd){ .fd = -fd[0] - 1, .events = POLLIN, .revents = POLLERR };
    p[1] = (struct pollfd){ .fd = fd[0], .events = POLLIN };
    ASSERT_EQ(ASSERT_SYS_OK(poll(p, 2, 0)), 1);
    ASSERT_EQ(p[0].revents, 0);
    ASSERT_EQ(p[1].revents, POLLIN);
    ASSERT_SYS_OK(close(fd[0]));
    ASSERT_SYS_OK(close(fd[1]));
}

/* MUX-POLL-03 poll reports POLLHUP and POLLERR even when events asks for neither */
static void test_mux_poll_03_hup_err_unasked(void **state)
{
    struct pollfd p[2];
    int a[2], b[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(a, O_CLOEXEC));
    ASSERT_SYS_OK(pipe2(b, O_CLOEXEC));
    ASSERT_SYS_OK(close(a[1])); /* a's reader: hung up */
    ASSERT_SYS_OK(close(b[0])); /* b's writer: in error */
    p[0] = (struct pollfd){ .fd = a[0], .events = 0 };
    p[1] = (struct pollfd){ .fd = b[1], .events = 0 };
    ASSERT_EQ(ASSERT_SYS_OK(poll(p, 2, 0)), 2);
    ASSERT_EQ(p[0].revents, POLLHUP);
    ASSERT_EQ(p[1].revents, POLLERR);
    ASSERT_SYS_OK(close(a[0]));
    ASSERT_SYS_OK(close(b[1]));
}

/* MUX-POLL-04 a poll that times out returns 0, no sooner than its timeout */
static void test_mux_poll_04_timeout_returns_zero(void **state)
{
    struct timespec start;
    struct pollfd p;
    int fd[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fd, O_CLOEXEC));
    p = (struct pollfd){ .fd = fd[0], .events = POLLIN };
    clock_gettime(CLOCK_MONOTONIC, &start);
    ASSERT_EQ(ASSERT_SYS_OK(poll(&p, 1, 100)), 0);
    ASSERT_GE(mux_ms_since(&start), 100);
    ASSERT_EQ(p.revents, 0);
    ASSERT_SYS_OK(close(fd[0]));
    ASSERT_SYS_OK(close(fd[1]));
}

/* With RLIMIT_NOFILE's soft limit lowered to 16, poll of 17 entries fails
 * with EINVAL. */
static void poll_over_limit(void *arg)
{
    struct pollfd p[17];
    struct rlimit lim;
    (void)arg;

    for (int i = 0; i < 17; i++)
        p[i] = (struct pollfd){ .fd = -1 };
    ASSERT_SYS_OK(getrlimit(RLIMIT_NOFILE, &lim));
    lim.rlim_cur = 16;
    ASSERT_SYS_OK(setrlimit(RLIMIT_NOFILE, &lim));
    ASSERT_EQ(ASSERT_SYS_OK(poll(p, 16, 0)), 0);
    ASSERT_SYS_ERR(poll(p, 17, 0), EINVAL);
}

/* MUX-POLL-05 poll of more entries than RLIMIT_NOFILE fails with EINVAL */
static void test_mux_poll_05_over_nofile_einval(void **state)
{
    (void)state;
    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind keeps RLIMIT_NOFILE to itself: setrlimit changes its own record, "
                  "not the kernel's limit poll checks (poll of 17 returned 0, not EINVAL)");
    sig_in_child(poll_over_limit, NULL);
}

/* MUX-POLL-06 poll answers each entry on its own, even two for one descriptor */
static void test_mux_poll_06_entries_answered_apart(void **state)
{
    struct pollfd p[2];
    int fd[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fd, O_CLOEXEC));
    ASSERT_EQ(ASSERT_SYS_OK(write(fd[1], "y", 1)), 1);
    p[0] = (struct pollfd){ .fd = fd[0], .events = POLLIN };
    p[1] = (struct pollfd){ .fd = fd[0], .events = POLLOUT };
    ASSERT_EQ(ASSERT_SYS_OK(poll(p, 2, 0)), 1);
    ASSERT_EQ(p[0].revents, POLLIN);
    ASSERT_EQ(p[1].revents, 0);
    ASSERT_SYS_OK(close(fd[0]));
    ASSERT_SYS_OK(close(fd[1]));
}

/* SIGUSR1 caught, blocked and pending: ppoll with a mask that lets it in
 * fails with EINTR at once, having run the handler; the old mask is back. */
static void ppoll_swap(void *arg)
{
    struct timespec ts = { 2L * ipct_deadline_ms() / 1000, 0 };
    sigset_t open_mask;
    struct pollfd p;
    int fd[2];
    (void)arg;

    ASSERT_SYS_OK(pipe2(fd, O_CLOEXEC));
    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_EQ(sig_hits, 0);
    sigemptyset(&open_mask);
    p = (struct pollfd){ .fd = fd[0], .events = POLLIN };
    ASSERT_SYS_ERR(ppoll(&p, 1, &ts, &open_mask), EINTR);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_TRUE(sig_is_blocked(SIGUSR1));
    ASSERT_SYS_OK(close(fd[0]));
    ASSERT_SYS_OK(close(fd[1]));
}

/* MUX-POLL-07 ppoll's mask lets in a blocked, pending signal at once: EINTR, and the old mask is back */
static void test_mux_poll_07_ppoll_atomic_mask_eintr(void **state)
{
    (void)state;
    sig_in_child(ppoll_swap, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mux_poll_01_closed_fd_pollnval),
    IPCT_TEST(test_mux_poll_02_negative_fd_ignored),
    IPCT_TEST(test_mux_poll_03_hup_err_unasked),
    IPCT_TEST(test_mux_poll_04_timeout_returns_zero),
    IPCT_TEST(test_mux_poll_05_over_nofile_einval),
    IPCT_TEST(test_mux_poll_06_entries_answered_apart),
    IPCT_TEST(test_mux_poll_07_ppoll_atomic_mask_eintr),
};

IPCT_MAIN("mux_poll", tests)
