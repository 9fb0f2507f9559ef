/* SPDX-License-Identifier: MIT */
/*
 * test_sig_wait.c - taking signals synchronously: sigwaitinfo (what it
 * takes, what it fills in, how it sleeps and how a handler ends it),
 * sigtimedwait's interval (waited in full; zero is a poll) and sigwait on
 * queued, merged and ordered signals.
 *
 * Spec: SIG-WAIT-01..11 (spec/sig.md).
 * See also: test_sig_mask.c (sigwait and sigtimedwait, first uses),
 * test_sig_suspend.c (waiting with a handler instead).
 */
#include "sig_helpers.h"

#include <sys/resource.h>
#include <sys/syscall.h>

/* A set holding sig and, when sig2 is not 0, sig2; blocked when block. */
static sigset_t set_of(int sig, int sig2, int block)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, sig);
    if (sig2 != 0)
        sigaddset(&set, sig2);
    if (block)
        ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    return set;
}

static void info_filled(void *arg)
{
    sigset_t set = set_of(SIGUSR1, SIGUSR2, 1);
    siginfo_t info;
    (void)arg;

    memset(&info, 0, sizeof(info));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR2));
    ASSERT_SIG_EQ(ASSERT_SYS_OK(sigwaitinfo(&set, &info)), SIGUSR2);
    ASSERT_SIG_EQ(info.si_signo, SIGUSR2);
    ASSERT_EQ(info.si_code, SI_USER);
    ASSERT_EQ(info.si_pid, getpid());
    ASSERT_FALSE(sig_is_pending(SIGUSR2));
}

/* SIG-WAIT-01 sigwaitinfo takes a pending signal of its set and returns its number, with si_signo and si_code filled */
static void test_sig_wait_01_sigwaitinfo_takes_and_fills_info(void **state)
{
    (void)state;
    sig_in_child(info_filled, NULL);
}

static void lowest_first(void *arg)
{
    sigset_t set = set_of(SIGRTMIN + 1, SIGRTMIN + 3, 1);
    (void)arg;

    ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN + 3, (union sigval){ .sival_int = 3 }));
    ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 1 }));
    ASSERT_SIG_EQ(ASSERT_SYS_OK(sigwaitinfo(&set, NULL)), SIGRTMIN + 1);
    ASSERT_SIG_EQ(ASSERT_SYS_OK(sigwaitinfo(&set, NULL)), SIGRTMIN + 3);
}

/* SIG-WAIT-02 sigwaitinfo takes the lowest-numbered of several pending real-time signals first */
static void test_sig_wait_02_sigwaitinfo_lowest_realtime_first(void **state)
{
    (void)state;
    sig_in_child(lowest_first, NULL);
}

/* Wait in sigwaitinfo for SIGUSR1; the sender must be the parent. */
static void sleeper(void *arg)
{
    sigset_t set = set_of(SIGUSR1, 0, 1);
    siginfo_t info;
    (void)arg;

    ipct_child_ready();
    ASSERT_SIG_EQ(ASSERT_SYS_OK(sigwaitinfo(&set, &info)), SIGUSR1);
    ASSERT_EQ(info.si_pid, getppid());
}

/* SIG-WAIT-03 sigwaitinfo sleeps until a signal of its set is sent */
static void test_sig_wait_03_sigwaitinfo_sleeps_until_sent(void **state)
{
    (void)state;
    pid_t pid = ipct_spawn(sleeper, NULL);

    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigtimedwait);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0);
}

/* Wait for SIGUSR1 with SIGUSR2 caught and unblocked: SIGUSR2 ends it. */
static void interrupted(void *arg)
{
    sigset_t set = set_of(SIGUSR1, 0, 1);
    (void)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR2, sig_count, 0));
    ipct_child_ready();
    ASSERT_SYS_ERR(sigwaitinfo(&set, NULL), EINTR);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_SIG_EQ(sig_last, SIGUSR2);
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-WAIT-04 with glibc a caught, unblocked signal ends sigwaitinfo with EINTR */
static void test_sig_wait_04_sigwaitinfo_interrupted_eintr(void **state)
{
    (void)state;
#ifndef __GLIBC__
    IPCT_SKIP("this C library's sigwaitinfo may wait on after EINTR (musl's does), which "
              "POSIX allows: EINTR is a may-fail");
#endif
    pid_t pid = ipct_spawn(interrupted, NULL);

    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigtimedwait);
    ASSERT_SYS_OK(kill(pid, SIGUSR2));
    assert_child_exited(pid, 0);
}

static void null_info(void *arg)
{
    sigset_t set = set_of(SIGUSR1, 0, 1);
    (void)arg;

    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_SIG_EQ(ASSERT_SYS_OK(sigwaitinfo(&set, NULL)), SIGUSR1);
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-WAIT-05 sigwaitinfo with info NULL takes the signal as sigwait does */
static void test_sig_wait_05_sigwaitinfo_null_info(void **state)
{
    (void)state;
    sig_in_child(null_info, NULL);
}

static void one_instance(void *arg)
{
    sigset_t set = set_of(SIGRTMIN, 0, 1);
    siginfo_t info;
    (void)arg;

    ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 7 }));
    ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 8 }));
    ASSERT_SIG_EQ(ASSERT_SYS_OK(sigwaitinfo(&set, &info)), SIGRTMIN);
    ASSERT_EQ(info.si_value.sival_int, 7);
    ASSERT_EQ(info.si_code, SI_QUEUE);
    ASSERT_TRUE(sig_is_pending(SIGRTMIN));
    ASSERT_SIG_EQ(ASSERT_SYS_OK(sigwaitinfo(&set, &info)), SIGRTMIN);
    ASSERT_EQ(info.si_value.sival_int, 8);
    ASSERT_FALSE(sig_is_pending(SIGRTMIN));
}

/* SIG-WAIT-06 sigwaitinfo takes one queued instance with its value, and the signal is pending until the last is taken */
static void test_sig_wait_06_sigwaitinfo_dequeues_one_instance(void **state)
{
    (void)state;
    sig_in_child(one_instance, NULL);
}

static long ms_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void whole_interval(void *arg)
{
    const struct timespec interval = { 0, 100L * 1000000 };
    sigset_t set = set_of(SIGUSR1, 0, 1);
    struct timespec start, end;
    (void)arg;

    ASSERT_SYS_OK(clock_gettime(CLOCK_MONOTONIC, &start));
    ASSERT_SYS_ERR(sigtimedwait(&set, NULL, &interval), EAGAIN);
    ASSERT_SYS_OK(clock_gettime(CLOCK_MONOTONIC, &end));
    ASSERT_GE(ms_between(&start, &end), 100);
}

/* SIG-WAIT-07 sigtimedwait with nothing pending waits the whole interval, then fails with EAGAIN */
static void test_sig_wait_07_sigtimedwait_waits_interval(void **state)
{
    (void)state;
    sig_in_child(whole_interval, NULL);
}

/* The calling thread's voluntary context switches so far. */
static long voluntary_switches(void)
{
    struct rusage ru;

    ASSERT_SYS_OK(getrusage(RUSAGE_THREAD, &ru));
    return ru.ru_nvcsw;
}

static void zero_polls(void *arg)
{
    const struct timespec zero = { 0, 0 };
    sigset_t set = set_of(SIGUSR1, 0, 1);
    (void)arg;

    long before = voluntary_switches();
    ASSERT_SYS_ERR(sigtimedwait(&set, NULL, &zero), EAGAIN);
    ASSERT_EQ(voluntary_switches(), before);
}

/* SIG-WAIT-08 sigtimedwait with a zero interval and nothing pending returns at once with EAGAIN */
static void test_sig_wait_08_sigtimedwait_zero_polls(void **state)
{
    (void)state;
    sig_in_child(zero_polls, NULL);
}

static void first_instance(void *arg)
{
    sigset_t set = set_of(SIGRTMIN, 0, 1);
    siginfo_t info;
    int sig = 0;
    (void)arg;

    for (int v = 1; v <= 3; v++)
        ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = v }));
    ASSERT_ERRNO_EQ(sigwait(&set, &sig), 0);
    ASSERT_SIG_EQ(sig, SIGRTMIN);
    ASSERT_TRUE(sig_is_pending(SIGRTMIN));
    for (int v = 2; v <= 3; v++) {
        ASSERT_EQ(sig_take(SIGRTMIN, &info), 1);
        ASSERT_EQ(info.si_value.sival_int, v);
    }
    ASSERT_FALSE(sig_is_pending(SIGRTMIN));
}

/* SIG-WAIT-09 sigwait takes the first of several queued real-time instances and leaves the others queued */
static void test_sig_wait_09_sigwait_leaves_other_instances(void **state)
{
    (void)state;
    sig_in_child(first_instance, NULL);
}

static void standard_once(void *arg)
{
    sigset_t set = set_of(SIGUSR1, 0, 1);
    int sig = 0;
    (void)arg;

    for (int i = 0; i < 3; i++)
        ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_ERRNO_EQ(sigwait(&set, &sig), 0);
    ASSERT_SIG_EQ(sig, SIGUSR1);
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-WAIT-10 sigwait takes a standard signal sent several times once, and none stays pending */
static void test_sig_wait_10_sigwait_standard_once(void **state)
{
    (void)state;
    sig_in_child(standard_once, NULL);
}

static void sigwait_order(void *arg)
{
    sigset_t set = set_of(SIGRTMIN, SIGRTMIN + 2, 1);
    int sig = 0;
    (void)arg;

    ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN + 2, (union sigval){ .sival_int = 2 }));
    ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 0 }));
    ASSERT_ERRNO_EQ(sigwait(&set, &sig), 0);
    ASSERT_SIG_EQ(sig, SIGRTMIN);
    ASSERT_ERRNO_EQ(sigwait(&set, &sig), 0);
    ASSERT_SIG_EQ(sig, SIGRTMIN + 2);
}

/* SIG-WAIT-11 sigwait takes the lowest-numbered of several pending real-time signals first */
static void test_sig_wait_11_sigwait_lowest_realtime_first(void **state)
{
    (void)state;
    sig_in_child(sigwait_order, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_wait_01_sigwaitinfo_takes_and_fills_info),
    IPCT_TEST(test_sig_wait_02_sigwaitinfo_lowest_realtime_first),
    IPCT_TEST(test_sig_wait_03_sigwaitinfo_sleeps_until_sent),
    IPCT_TEST(test_sig_wait_04_sigwaitinfo_interrupted_eintr),
    IPCT_TEST(test_sig_wait_05_sigwaitinfo_null_info),
    IPCT_TEST(test_sig_wait_06_sigwaitinfo_dequeues_one_instance),
    IPCT_TEST(test_sig_wait_07_sigtimedwait_waits_interval),
    IPCT_TEST(test_sig_wait_08_sigtimedwait_zero_polls),
    IPCT_TEST(test_sig_wait_09_sigwait_leaves_other_instances),
    IPCT_TEST(test_sig_wait_10_sigwait_standard_once),
    IPCT_TEST(test_sig_wait_11_sigwait_lowest_realtime_first),
};

IPCT_MAIN("sig_wait", tests)
