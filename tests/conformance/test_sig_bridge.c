/* SPDX-License-Identifier: MIT */
/*
 * test_sig_bridge.c - the contract of impl's bridge, reaper and stop
 * descriptor (ipcspec/sig.h): a select loop wakes for signals, closing
 * gives everything back, every child's status is collected and no zombie
 * stays, even past the table's size. Each case runs in a child: the bridge
 * changes dispositions the harness relies on (SIGCHLD above all).
 *
 * Spec: SIG-API-06..11 (spec/sig.md).
 * See also: impl/src/sig_bridge.c, test_sig_api.c, fault_sig_bridge.c.
 */
#include "sig_helpers.h"

#include "ipcspec/sig.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/wait.h>

/* 1 when fd becomes readable within the harness deadline (select). */
static int readable(int fd)
{
    int ms = ipct_deadline_ms();
    struct timeval limit = { .tv_sec = ms / 1000, .tv_usec = (long)(ms % 1000) * 1000 };
    fd_set in;
    int n;

    do {
        FD_ZERO(&in);
        FD_SET(fd, &in);
        n = select(fd + 1, &in, NULL, NULL, &limit);
    } while (n == -1 && errno == EINTR);
    return n == 1;
}

/* With SIGUSR1 and SIGUSR2 bridged (SIGUSR1 blocked before), a select loop
 * sees each signal sent, in order, and the fd is non-blocking and
 * close-on-exec. */
static void bridge_loop(void *arg)
{
    sigset_t set;
    (void)arg;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    int fd = ipc_sig_bridge_open(&set, 0);
    ASSERT_IPC_OK(fd);
    ASSERT_FALSE(sig_is_blocked(SIGUSR1));
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fd, F_GETFL)) & O_NONBLOCK, O_NONBLOCK);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fd, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    ASSERT_IPC_ERR(ipc_sig_bridge_next(), EAGAIN);
    ASSERT_SYS_OK(kill(getpid(), SIGUSR2));
    ASSERT_TRUE(readable(fd));
    ASSERT_SIG_EQ(ipc_sig_bridge_next(), SIGUSR2);
    ASSERT_IPC_ERR(ipc_sig_bridge_next(), EAGAIN);
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_TRUE(readable(fd));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR2));
    ASSERT_SIG_EQ(ipc_sig_bridge_next(), SIGUSR1);
    ASSERT_TRUE(readable(fd)); /* SIGUSR2's byte, however late it comes */
    ASSERT_SIG_EQ(ipc_sig_bridge_next(), SIGUSR2);
    ASSERT_IPC_ERR(ipc_sig_bridge_next(), EAGAIN);
    ASSERT_IPC_OK(ipc_sig_bridge_close());
}

/* SIG-API-06 a select loop on the bridge wakes for each bridged signal, in order */
static void test_sig_api_06_select_loop_wakes(void **state)
{
    (void)state;
    sig_in_child(bridge_loop, NULL);
}

/* Closing restores SIGUSR1's handler, SIGUSR2's SIG_IGN and the block on
 * SIGUSR1, and closes the fd; the bridge refuses misuse. */
static void bridge_close(void *arg)
{
    sigset_t set, bad;
    (void)arg;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    ASSERT_IPC_ERR(ipc_sig_bridge_next(), EBADF);
    ASSERT_IPC_ERR(ipc_sig_bridge_close(), EBADF);
    ASSERT_IPC_ERR(ipc_sig_stop_requested(), EBADF);
    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_SYS_OK(sig_set(SIGUSR2, SIG_IGN));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    int lowest = ipct_lowest_free_fd();
    int fd = ipc_sig_bridge_open(&set, 0);
    ASSERT_IPC_OK(fd);
    ASSERT_IPC_ERR(ipc_sig_bridge_open(&set, 0), EBUSY);
    ASSERT_IPC_ERR(ipc_sig_stop_open(), EBUSY);
    ASSERT_IPC_OK(ipc_sig_bridge_close());
    ASSERT_EQ(ipct_lowest_free_fd(), lowest);
    ASSERT_EQ(ipc_sig_disposition(SIGUSR2), IPC_SIG_IGNORED);
    struct sigaction now;
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &now));
    ASSERT_EQ(now.sa_handler, sig_count);
    ASSERT_TRUE(sig_is_blocked(SIGUSR1));
    ASSERT_FALSE(sig_is_blocked(SIGUSR2));
    sigemptyset(&bad);
    ASSERT_IPC_ERR(ipc_sig_bridge_open(&bad, 0), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_bridge_open(NULL, 0), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_bridge_open(&set, 2), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_bridge_open(&set, IPC_SIG_REAP), EINVAL); /* no SIGCHLD */
    sigaddset(&bad, SIGKILL);
    ASSERT_IPC_ERR(ipc_sig_bridge_open(&bad, 0), EINVAL);
    sigemptyset(&bad);
    sigaddset(&bad, SIGSTOP);
    ASSERT_IPC_ERR(ipc_sig_bridge_open(&bad, 0), EINVAL);
    ASSERT_EQ(ipct_lowest_free_fd(), lowest);
}

/* SIG-API-07 closing the bridge gives back every action and mask bit; misuse is refused */
static void test_sig_api_07_close_restores(void **state)
{
    (void)state;
    sig_in_child(bridge_close, NULL);
}

/* One child the reaper handed back: one of pids, not seen before, with the
 * status child i exits with (i + 1). */
static void check_reaped(const struct ipc_sig_child *c, const pid_t *pids, int *seen, int n)
{
    int i = 0;

    while (i < n && pids[i] != c->pid)
        i++;
    if (i == n)
        IPCT_FAIL("ipc_sig_reaped handed back pid %d, no child of ours", (int)c->pid);
    ASSERT_EQ(seen[i], 0);
    sig_assert_exited(c->status, i + 1);
    seen[i] = 1;
}

/* Bridge SIGCHLD with reaping; fork n children (child i exits with i + 1,
 * the status the reaper must hand back) and collect until all are in. */
static void reap_children(int n, int block_first)
{
    struct ipc_sig_child got[IPC_SIG_REAPED_MAX];
    pid_t pids[100];
    int seen[100] = { 0 }, total = 0;
    sigset_t chld;

    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    int fd = ipc_sig_bridge_open(&chld, IPC_SIG_REAP);
    ASSERT_IPC_OK(fd);
    if (block_first)
        ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGCHLD));
    for (int i = 0; i < n; i++) {
        pids[i] = ASSERT_SYS_OK(fork());
        if (pids[i] == 0)
            _exit(i + 1);
    }
    if (block_first) {
        /* Every child a zombie before one SIGCHLD runs the handler: the
         * table fills and the rest must wait for ipc_sig_reaped. */
        for (int i = 0; i < n; i++) {
            char path[64], stat[256];
            snprintf(path, sizeof path, "/proc/%d/stat", (int)pids[i]);
            while (strstr(ipct_read_text(path, stat, sizeof stat), ") Z ") == NULL)
                sched_yield();
        }
        ASSERT_SYS_OK(sig_mask_one(SIG_UNBLOCK, SIGCHLD));
    }
    while (total < n) {
        int got_n = ipc_sig_reaped(got, IPC_SIG_REAPED_MAX);
        ASSERT_IPC_OK(got_n);
        if (block_first && total == 0 && got_n != 0)
            ASSERT_EQ(got_n, IPC_SIG_REAPED_MAX); /* the first batch fills the table */
        for (int k = 0; k < got_n; k++)
            check_reaped(&got[k], pids, seen, n);
        total += got_n;
        if (got_n == 0) {
            ASSERT_TRUE(readable(fd));
            while (ipc_sig_bridge_next() > 0)
                ;
        }
    }
    ASSERT_SYS_ERR(waitpid(-1, NULL, WNOHANG), ECHILD); /* no zombie left */
    ASSERT_IPC_OK(ipc_sig_bridge_close());
}

static void reap_five(void *arg)
{
    (void)arg;
    reap_children(5, 0);
}

/* SIG-API-08 the reaper collects every child's pid and status and leaves no zombie */
static void test_sig_api_08_reaper_collects_all(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer defers a SIGCHLD that comes outside a blocking call and may "
                  "not run it before the next select sleeps (seen: a zombie left, asleep in select)");
    sig_in_child(reap_five, NULL);
}

static void reap_overflow(void *arg)
{
    (void)arg;
    reap_children(IPC_SIG_REAPED_MAX + 6, 1);
}

/* SIG-API-09 children beyond the reaper's table wait, and are collected later, none lost */
static void test_sig_api_09_reaper_overflow_not_lost(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer defers a SIGCHLD that comes outside a blocking call and may "
                  "not run it before the next select sleeps (seen: a zombie left, asleep in select)");
    sig_in_child(reap_overflow, NULL);
}

/* The stop descriptor (SIGTERM and SIGINT blocked, their actions untouched)
 * becomes readable for SIGTERM, then SIGINT, and ipc_sig_stop_requested
 * names each; 0 in between; no second one, and no bridge, while it is open. */
static void stop_fd(void *arg)
{
    sigset_t set;
    (void)arg;
    int fd = ipc_sig_stop_open();
    ASSERT_IPC_OK(fd);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fd, F_GETFL)) & O_NONBLOCK, O_NONBLOCK);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fd, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    ASSERT_TRUE(sig_is_blocked(SIGTERM));
    ASSERT_TRUE(sig_is_blocked(SIGINT));
    ASSERT_EQ(ipc_sig_disposition(SIGTERM), IPC_SIG_DEFAULT);
    ASSERT_EQ(ipc_sig_disposition(SIGINT), IPC_SIG_DEFAULT);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    ASSERT_IPC_ERR(ipc_sig_stop_open(), EBUSY);
    ASSERT_IPC_ERR(ipc_sig_bridge_open(&set, 0), EBUSY);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sig_stop_requested()), 0);
    ASSERT_SYS_OK(kill(getpid(), SIGTERM));
    ASSERT_TRUE(readable(fd));
    ASSERT_SIG_EQ(ipc_sig_stop_requested(), SIGTERM);
    ASSERT_EQ(ipc_sig_stop_requested(), 0);
    ASSERT_SYS_OK(kill(getpid(), SIGINT));
    ASSERT_TRUE(readable(fd));
    ASSERT_SIG_EQ(ipc_sig_stop_requested(), SIGINT);
    ASSERT_IPC_OK(ipc_sig_stop_close());
}

/* SIG-API-10 the stop descriptor becomes readable on SIGTERM or SIGINT */
static void test_sig_api_10_stop_descriptor(void **state)
{
    (void)state;
    sig_in_child(stop_fd, NULL);
}

/* Closing the stop descriptor leaves SIGTERM and SIGINT at their default
 * actions but blocked, so a SIGTERM after it waits, pending. */
static void stop_close(void *arg)
{
    sigset_t mask;
    (void)arg;
    int fd = ipc_sig_stop_open();
    ASSERT_IPC_OK(fd);
    ASSERT_IPC_OK(ipc_sig_stop_close());
    ASSERT_EQ(ipct_lowest_free_fd(), fd);
    ASSERT_EQ(ipc_sig_disposition(SIGTERM), IPC_SIG_DEFAULT);
    ASSERT_EQ(ipc_sig_disposition(SIGINT), IPC_SIG_DEFAULT);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &mask));
    ASSERT_EQ(sigismember(&mask, SIGTERM), 1);
    ASSERT_EQ(sigismember(&mask, SIGINT), 1);
    ASSERT_SYS_OK(kill(getpid(), SIGTERM)); /* still alive past this line */
    ASSERT_EQ(ipc_sig_pending(SIGTERM), 1);
    ASSERT_IPC_ERR(ipc_sig_stop_close(), EBADF);
    ASSERT_IPC_ERR(ipc_sig_stop_requested(), EBADF);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &mask));
    ASSERT_EQ(sigismember(&mask, SIGINT), 1);
}

/* SIG-API-11 closing the stop descriptor leaves SIGTERM and SIGINT blocked, so a late one cannot cut the shutdown short */
static void test_sig_api_11_stop_close_keeps_blocked(void **state)
{
    (void)state;
    sig_in_child(stop_close, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_api_06_select_loop_wakes),
    IPCT_TEST(test_sig_api_07_close_restores),
    IPCT_TEST(test_sig_api_08_reaper_collects_all),
    IPCT_TEST(test_sig_api_09_reaper_overflow_not_lost),
    IPCT_TEST(test_sig_api_10_stop_descriptor),
    IPCT_TEST(test_sig_api_11_stop_close_keeps_blocked),
};

IPCT_MAIN("sig_bridge", tests)
