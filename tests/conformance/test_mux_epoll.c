/* SPDX-License-Identifier: MIT */
/*
 * test_mux_epoll.c - epoll itself: level- and edge-triggered reports,
 * EPOLLONESHOT, hang-up reported unasked, what a registration is tied to
 * (the open file description, not the descriptor number), the errors of
 * epoll_create1, epoll_ctl and epoll_wait, the timeout, an epoll
 * descriptor polled in turn, and epoll_pwait's atomic mask swap.
 *
 * Spec: MUX-EPOLL-01..15 (spec/mux.md).
 * See also: test_mux_ready.c (readiness by object, epoll rows),
 * test_mux_poll.c, test_sig_intr.c (SIG-INTR-05, 06), mux_helpers.h.
 */
#include "mux_helpers.h"
#include "sig_helpers.h"

/* An epoll set watching a fresh pipe's read end for events (data.u64 7). */
struct ep {
    int ep, fd[2];
};

static struct ep ep_open(uint32_t events)
{
    struct epoll_event ev = { .events = events, .data.u64 = 7 };
    struct ep e;

    e.ep = (int)ASSERT_SYS_OK(epoll_create1(EPOLL_CLOEXEC));
    ASSERT_SYS_OK(pipe2(e.fd, O_CLOEXEC));
    ASSERT_SYS_OK(epoll_ctl(e.ep, EPOLL_CTL_ADD, e.fd[0], &ev));
    return e;
}

static void ep_close(struct ep *e)
{
    ASSERT_SYS_OK(close(e->ep));
    if (e->fd[0] != -1)
        ASSERT_SYS_OK(close(e->fd[0]));
    if (e->fd[1] != -1)
        ASSERT_SYS_OK(close(e->fd[1]));
}

/* The number of events epoll_wait(0) reports now (at most one). */
static int ep_count(struct ep *e)
{
    struct epoll_event out;

    return (int)ASSERT_SYS_OK(epoll_wait(e->ep, &out, 1, 0));
}

static void put(int fd)
{
    ASSERT_EQ(ASSERT_SYS_OK(write(fd, "y", 1)), 1);
}

/* MUX-EPOLL-01 a level-triggered descriptor is reported on every wait while it stays ready */
static void test_mux_epoll_01_level_reports_again(void **state)
{
    struct ep e = ep_open(EPOLLIN);
    (void)state;

    ASSERT_EQ(ep_count(&e), 0);
    put(e.fd[1]);
    ASSERT_EQ(ep_count(&e), 1);
    ASSERT_EQ(ep_count(&e), 1);
    ep_close(&e);
}

/* MUX-EPOLL-02 an edge-triggered descriptor is reported once per change, not while it stays ready */
static void test_mux_epoll_02_edge_reports_once(void **state)
{
    struct ep e = ep_open(EPOLLIN | EPOLLET);
    (void)state;

    put(e.fd[1]);
    ASSERT_EQ(ep_count(&e), 1);
    ASSERT_EQ(ep_count(&e), 0); /* still unread, no new edge */
    put(e.fd[1]);
    ASSERT_EQ(ep_count(&e), 1);
    ep_close(&e);
}

/* MUX-EPOLL-03 an EPOLLONESHOT descriptor is reported once, then not until EPOLL_CTL_MOD re-arms it */
static void test_mux_epoll_03_oneshot_until_rearmed(void **state)
{
    struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };
    struct ep e = ep_open(EPOLLIN | EPOLLONESHOT);
    (void)state;

    put(e.fd[1]);
    ASSERT_EQ(ep_count(&e), 1);
    put(e.fd[1]);
    ASSERT_EQ(ep_count(&e), 0);
    ASSERT_SYS_OK(epoll_ctl(e.ep, EPOLL_CTL_MOD, e.fd[0], &ev));
    ASSERT_EQ(ep_count(&e), 1);
    ep_close(&e);
}

/* MUX-EPOLL-04 epoll reports EPOLLHUP even for a registration that asks for no event */
static void test_mux_epoll_04_hup_unasked(void **state)
{
    struct ep e = ep_open(0);
    struct epoll_event out = { 0 };
    (void)state;

    ASSERT_EQ(ep_count(&e), 0);
    ASSERT_SYS_OK(close(e.fd[1]));
    e.fd[1] = -1;
    ASSERT_EQ(ASSERT_SYS_OK(epoll_wait(e.ep, &out, 1, 0)), 1);
    ASSERT_EQ(out.events, EPOLLHUP);
    ASSERT_EQ(out.data.u64, 7);
    ep_close(&e);
}

/* MUX-EPOLL-05 adding a descriptor already in the set fails with EEXIST */
static void test_mux_epoll_05_add_twice_eexist(void **state)
{
    struct epoll_event ev = { .events = EPOLLIN };
    struct ep e = ep_open(EPOLLIN);
    (void)state;

    ASSERT_SYS_ERR(epoll_ctl(e.ep, EPOLL_CTL_ADD, e.fd[0], &ev), EEXIST);
    ep_close(&e);
}

/* MUX-EPOLL-06 modifying or deleting a descriptor not in the set fails with ENOENT */
static void test_mux_epoll_06_not_registered_enoent(void **state)
{
    struct epoll_event ev = { .events = EPOLLIN };
    struct ep e = ep_open(EPOLLIN);
    (void)state;

    ASSERT_SYS_ERR(epoll_ctl(e.ep, EPOLL_CTL_MOD, e.fd[1], &ev), ENOENT);
    ASSERT_SYS_ERR(epoll_ctl(e.ep, EPOLL_CTL_DEL, e.fd[1], NULL), ENOENT);
    ep_close(&e);
}

/* MUX-EPOLL-07 a regular file cannot be added to an epoll set: EPERM */
static void test_mux_epoll_07_regular_file_eperm(void **state)
{
    struct epoll_event ev = { .events = EPOLLIN };
    const char *path = ipct_path("plain");
    int ep = (int)ASSERT_SYS_OK(epoll_create1(EPOLL_CLOEXEC));
    int fd = (int)ASSERT_SYS_OK(open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    (void)state;

    ASSERT_SYS_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), EPERM);
    ASSERT_SYS_OK(close(fd));
    ASSERT_SYS_OK(unlink(path));
    ASSERT_SYS_OK(close(ep));
}

/* MUX-EPOLL-08 an epoll set cannot watch itself: EINVAL */
static void test_mux_epoll_08_self_einval(void **state)
{
    struct epoll_event ev = { .events = EPOLLIN };
    int ep = (int)ASSERT_SYS_OK(epoll_create1(EPOLL_CLOEXEC));
    (void)state;

    ASSERT_SYS_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    ASSERT_SYS_OK(close(ep));
}

/* MUX-EPOLL-09 epoll_wait with maxevents zero fails with EINVAL */
static void test_mux_epoll_09_maxevents_einval(void **state)
{
    struct ep e = ep_open(EPOLLIN);
    struct epoll_event out;
    (void)state;

    ASSERT_SYS_ERR(epoll_wait(e.ep, &out, 0, 0), EINVAL);
    ep_close(&e);
}

/* MUX-EPOLL-10 closing the only descriptor of a registered file takes it out of the set */
static void test_mux_epoll_10_close_removes(void **state)
{
    struct ep e = ep_open(EPOLLIN);
    (void)state;

    put(e.fd[1]);
    ASSERT_EQ(ep_count(&e), 1);
    ASSERT_SYS_OK(close(e.fd[0]));
    e.fd[0] = -1;
    ASSERT_EQ(ep_count(&e), 0);
    ep_close(&e);
}

/* MUX-EPOLL-11 a registration outlives its descriptor while a duplicate keeps the file open */
static void test_mux_epoll_11_registration_follows_file(void **state)
{
    struct ep e = ep_open(EPOLLIN);
    struct epoll_event out = { 0 };
    int closed = e.fd[0], dup_fd = (int)ASSERT_SYS_OK(fcntl(e.fd[0], F_DUPFD_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_OK(close(e.fd[0]));
    e.fd[0] = dup_fd;
    put(e.fd[1]);
    ASSERT_EQ(ASSERT_SYS_OK(epoll_wait(e.ep, &out, 1, 0)), 1);
    ASSERT_EQ(out.data.u64, 7);
    ASSERT_SYS_ERR(epoll_ctl(e.ep, EPOLL_CTL_DEL, closed, NULL), EBADF);
    ASSERT_SYS_ERR(epoll_ctl(e.ep, EPOLL_CTL_DEL, dup_fd, NULL), ENOENT);
    ep_close(&e);
}

/* MUX-EPOLL-12 an epoll_wait that times out returns 0, no sooner than its timeout */
static void test_mux_epoll_12_timeout_returns_zero(void **state)
{
    struct ep e = ep_open(EPOLLIN);
    struct epoll_event out;
    struct timespec start;
    (void)state;

    clock_gettime(CLOCK_MONOTONIC, &start);
    ASSERT_EQ(ASSERT_SYS_OK(epoll_wait(e.ep, &out, 1, 100)), 0);
    ASSERT_GE(mux_ms_since(&start), 100);
    ep_close(&e);
}

/* MUX-EPOLL-13 an epoll descriptor is readable while its set has an event to report */
static void test_mux_epoll_13_epoll_fd_pollable(void **state)
{
    struct ep e = ep_open(EPOLLIN);
    (void)state;

    ASSERT_EQ(mux_ready(MUX_POLL, e.ep), 0);
    put(e.fd[1]);
    ASSERT_EQ(mux_ready(MUX_POLL, e.ep), POLLIN);
    ep_close(&e);
}

/* MUX-EPOLL-14 epoll_create1 with an unknown flag, and epoll_create with a size below 1, fail with EINVAL */
static void test_mux_epoll_14_create_einval(void **state)
{
    (void)state;
    ASSERT_SYS_ERR(epoll_create1(0x4), EINVAL);
#ifndef __GLIBC__
    IPCT_SKIP("musl's epoll_create(0) succeeds (measured): it does not pass the size to the "
              "kernel, which would refuse it");
#endif
    ASSERT_SYS_ERR(epoll_create(0), EINVAL);
}

/* SIGUSR1 caught, blocked and pending: epoll_pwait with a mask that lets
 * it in fails with EINTR at once, having run the handler. */
static void pwait_swap(void *arg)
{
    struct ep e = ep_open(EPOLLIN);
    struct epoll_event out;
    sigset_t open_mask;
    (void)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_EQ(sig_hits, 0);
    sigemptyset(&open_mask);
    ASSERT_SYS_ERR(epoll_pwait(e.ep, &out, 1, 2 * ipct_deadline_ms(), &open_mask), EINTR);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_TRUE(sig_is_blocked(SIGUSR1));
    ep_close(&e);
}

/* MUX-EPOLL-15 epoll_pwait's mask lets in a blocked, pending signal at once: EINTR, and the old mask is back */
static void test_mux_epoll_15_pwait_atomic_mask_eintr(void **state)
{
    (void)state;
    sig_in_child(pwait_swap, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mux_epoll_01_level_reports_again),
    IPCT_TEST(test_mux_epoll_02_edge_reports_once),
    IPCT_TEST(test_mux_epoll_03_oneshot_until_rearmed),
    IPCT_TEST(test_mux_epoll_04_hup_unasked),
    IPCT_TEST(test_mux_epoll_05_add_twice_eexist),
    IPCT_TEST(test_mux_epoll_06_not_registered_enoent),
    IPCT_TEST(test_mux_epoll_07_regular_file_eperm),
    IPCT_TEST(test_mux_epoll_08_self_einval),
    IPCT_TEST(test_mux_epoll_09_maxevents_einval),
    IPCT_TEST(test_mux_epoll_10_close_removes),
    IPCT_TEST(test_mux_epoll_11_registration_follows_file),
    IPCT_TEST(test_mux_epoll_12_timeout_returns_zero),
    IPCT_TEST(test_mux_epoll_13_epoll_fd_pollable),
    IPCT_TEST(test_mux_epoll_14_create_einval),
    IPCT_TEST(test_mux_epoll_15_pwait_atomic_mask_eintr),
};

IPCT_MAIN("mux_epoll", tests)
