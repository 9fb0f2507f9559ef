/* SPDX-License-Identifier: MIT */
/*
 * test_sig_mask_wait.c - taking blocked signals synchronously: sigwait
 * sleeps until one of its set is pending and takes it, sigtimedwait gives
 * up with EAGAIN and otherwise fills in the siginfo, and of two threads in
 * sigwait for one signal only one takes it.
 *
 * Spec: SIG-MASK-09..11 (spec/sig.md).
 * See also: test_sig_mask.c (blocking and pending), test_sig_wait.c
 * (sigwaitinfo, sigtimedwait and sigwait in detail).
 */
#include "sig_helpers.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>

/* The set {SIGUSR1, SIGUSR2}. */
static sigset_t usr_signals(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    return set;
}

/* sigwait for SIGUSR1 or SIGUSR2 (blocked) returns 0 with SIGUSR1, taken. */
static void waiter(void *arg)
{
    sigset_t set = usr_signals();
    int sig = 0;
    (void)arg;

    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    ipct_child_ready();
    ASSERT_ERRNO_EQ(sigwait(&set, &sig), 0);
    ASSERT_SIG_EQ(sig, SIGUSR1);
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-MASK-09 sigwait sleeps until a signal of its set is pending, then takes it */
static void test_sig_mask_09_sigwait_takes_signal(void **state)
{
    (void)state;
    pid_t pid = ipct_spawn(waiter, NULL);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigtimedwait);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0);
}

/* sigtimedwait times out with EAGAIN, then takes a pending signal, with its siginfo. */
static void timed_wait(void *arg)
{
    const struct timespec brief = { 0, 1000000 };
    siginfo_t info;
    sigset_t set;
    (void)arg;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    ASSERT_SYS_ERR(sigtimedwait(&set, &info, &brief), EAGAIN);
    ASSERT_SYS_OK(kill(getpid(), SIGUSR2));
    ASSERT_SIG_EQ(ASSERT_SYS_OK(sigtimedwait(&set, &info, &brief)), SIGUSR2);
    ASSERT_SIG_EQ(info.si_signo, SIGUSR2);
    ASSERT_EQ(info.si_code, SI_USER);
    ASSERT_EQ(info.si_pid, getpid());
}

/* SIG-MASK-10 sigtimedwait fails with EAGAIN when its time passes with nothing pending */
static void test_sig_mask_10_sigtimedwait_eagain(void **state)
{
    (void)state;
    sig_in_child(timed_wait, NULL);
}

struct sigwaiter {
    atomic_int tid;
    atomic_int got; /* the signal sigwait returned, 0 until then */
};

static atomic_int returned;

static void *sigwait_thread(void *arg)
{
    struct sigwaiter *w = arg;
    sigset_t set = usr_signals();
    int sig = 0;

    atomic_store(&w->tid, (int)syscall(SYS_gettid));
    if (sigwait(&set, &sig) == 0)
        atomic_store(&w->got, sig);
    atomic_fetch_add(&returned, 1);
    return NULL;
}

/* Two threads sigwait for {SIGUSR1, SIGUSR2} (blocked everywhere); SIGUSR1 is
 * sent, then, once a thread returned, SIGUSR2: each thread gets one of them. */
static void two_waiters(void *arg)
{
    struct sigwaiter w[2];
    pthread_t t[2];
    sigset_t set = usr_signals();
    (void)arg;

    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    for (int i = 0; i < 2; i++) {
        atomic_init(&w[i].tid, 0);
        atomic_init(&w[i].got, 0);
    }
    for (int i = 0; i < 2; i++)
        ASSERT_ERRNO_EQ(pthread_create(&t[i], NULL, sigwait_thread, &w[i]), 0);
    for (int i = 0; i < 2; i++) {
        while (atomic_load(&w[i].tid) == 0 ||
               !ipct_is_blocked_in(atomic_load(&w[i].tid), SYS_rt_sigtimedwait))
            sched_yield();
    }
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    while (atomic_load(&returned) == 0)
        sched_yield();
    ASSERT_SYS_OK(kill(getpid(), SIGUSR2));
    for (int i = 0; i < 2; i++)
        ASSERT_ERRNO_EQ(pthread_join(t[i], NULL), 0);
    int got0 = atomic_load(&w[0].got), got1 = atomic_load(&w[1].got);
    if (!(got0 == SIGUSR1 && got1 == SIGUSR2) && !(got0 == SIGUSR2 && got1 == SIGUSR1))
        IPCT_FAIL("the threads' sigwait took %s and %s; expected SIGUSR1 and SIGUSR2, one each",
                  ipct_signame(got0), ipct_signame(got1));
}

/* SIG-MASK-11 of two threads in sigwait for one signal, only one takes it */
static void test_sig_mask_11_one_sigwait_returns(void **state)
{
    (void)state;
    sig_in_child(two_waiters, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_mask_09_sigwait_takes_signal),
    IPCT_TEST(test_sig_mask_10_sigtimedwait_eagain),
    IPCT_TEST(test_sig_mask_11_one_sigwait_returns),
};

IPCT_MAIN("sig_mask_wait", tests)
