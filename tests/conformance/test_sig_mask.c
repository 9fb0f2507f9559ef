/* SPDX-License-Identifier: MIT */
/*
 * test_sig_mask.c - blocking and pending: a blocked signal waits and comes
 * on unblock, standard signals do not queue and real-time ones do (in
 * order, lowest number first), sigprocmask and pthread_sigmask, a thread's
 * and the process's pending sets.
 *
 * Spec: SIG-MASK-01..08, SIG-MASK-12 (spec/sig.md).
 * See also: test_sig_mask_wait.c (SIG-MASK-09..11: taking signals with
 * sigwait and sigtimedwait), test_sig_handler.c (the mask while a handler
 * runs).
 */
#include "sig_helpers.h"

#include <pthread.h>

/* Blocked SIGUSR1 stays pending; unblocking delivers it at once. */
static void pending_then_delivered(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_EQ(sig_hits, 0);
    ASSERT_TRUE(sig_is_pending(SIGUSR1));
    ASSERT_SYS_OK(sig_mask_one(SIG_UNBLOCK, SIGUSR1));
    ASSERT_EQ(sig_hits, 1);
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-MASK-01 a blocked signal stays pending and is delivered when unblocked */
static void test_sig_mask_01_pending_until_unblocked(void **state)
{
    (void)state;
    sig_skip_unless_synchronous();
    sig_in_child(pending_then_delivered, NULL);
}

/* Three SIGUSR1 sent while blocked are taken as one. */
static void standard_merge(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    for (int i = 0; i < 3; i++)
        ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_EQ(sig_take(SIGUSR1, NULL), 1);
    ASSERT_EQ(sig_take(SIGUSR1, NULL), 0);
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-MASK-02 a standard signal sent several times while blocked is pending once */
static void test_sig_mask_02_standard_signals_merge(void **state)
{
    (void)state;
    sig_in_child(standard_merge, NULL);
}

/* Three queued SIGRTMIN come back as three, in sending order, the rest pending. */
static void realtime_queue(void *arg)
{
    siginfo_t info;
    (void)arg;

    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGRTMIN));
    for (int v = 1; v <= 3; v++)
        ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = v }));
    for (int v = 1; v <= 3; v++) {
        ASSERT_EQ(sig_take(SIGRTMIN, &info), 1);
        ASSERT_EQ(info.si_value.sival_int, v);
        ASSERT_EQ(info.si_code, SI_QUEUE);
        ASSERT_EQ(sig_is_pending(SIGRTMIN), (v < 3));
    }
    ASSERT_EQ(sig_take(SIGRTMIN, NULL), 0);
}

/* SIG-MASK-03 real-time signals queue: each instance is delivered, in order */
static void test_sig_mask_03_realtime_signals_queue(void **state)
{
    (void)state;
    sig_in_child(realtime_queue, NULL);
}

/* With SIGRTMIN+2 queued before SIGRTMIN, SIGRTMIN comes first. */
static void lowest_first(void *arg)
{
    const struct timespec now = { 0, 0 };
    sigset_t set;
    (void)arg;

    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigaddset(&set, SIGRTMIN + 2);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN + 2, (union sigval){ .sival_int = 2 }));
    ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 0 }));
    ASSERT_SIG_EQ(ASSERT_SYS_OK(sigtimedwait(&set, NULL, &now)), SIGRTMIN);
    ASSERT_SIG_EQ(ASSERT_SYS_OK(sigtimedwait(&set, NULL, &now)), SIGRTMIN + 2);
}

/* SIG-MASK-04 of several pending real-time signals the lowest-numbered comes first */
static void test_sig_mask_04_lowest_realtime_first(void **state)
{
    (void)state;
    sig_in_child(lowest_first, NULL);
}

/* The sets must hold the same signals; a failure names the first that differs. */
#define ASSERT_SAME_SET(a, b) assert_same_set(a, b, #a, #b, __FILE__, __LINE__)
static void assert_same_set(const sigset_t *a, const sigset_t *b, const char *ea, const char *eb,
                            const char *file, int line)
{
    for (int sig = 1; sig < NSIG; sig++) {
        if (sigismember(a, sig) != sigismember(b, sig))
            ipct__fail_at(file, line, "ASSERT_SAME_SET(%s, %s): %s is %sin the first, %sin the "
                          "second", ea, eb, ipct_signame(sig), sigismember(a, sig) ? "" : "not ",
                          sigismember(b, sig) ? "" : "not ");
    }
}

/* SIG_BLOCK adds, SIG_UNBLOCK removes, SIG_SETMASK replaces, oset holds the old mask. */
static void mask_ops(void *arg)
{
    sigset_t usr1, usr2, both, old, now;
    (void)arg;

    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    both = usr1;
    sigaddset(&both, SIGUSR2);
    ASSERT_SYS_OK(sigprocmask(SIG_SETMASK, &usr1, NULL));
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &usr2, &old));
    ASSERT_SAME_SET(&old, &usr1);
    ASSERT_SYS_OK(sigprocmask(SIG_UNBLOCK, NULL, &now));
    ASSERT_SAME_SET(&now, &both);
    ASSERT_SYS_OK(sigprocmask(SIG_UNBLOCK, &usr1, &old));
    ASSERT_SAME_SET(&old, &both);
    ASSERT_SYS_OK(sigprocmask(SIG_SETMASK, NULL, &now));
    ASSERT_SAME_SET(&now, &usr2);
    ASSERT_SYS_OK(sigprocmask(SIG_SETMASK, &usr1, &old));
    ASSERT_SAME_SET(&old, &usr2);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    ASSERT_SAME_SET(&now, &usr1);
}

/* SIG-MASK-05 sigprocmask blocks, unblocks, replaces and reports the mask */
static void test_sig_mask_05_sigprocmask_operations(void **state)
{
    (void)state;
    sig_in_child(mask_ops, NULL);
}

/* An invalid how fails with EINVAL and leaves the mask alone. */
static void mask_bad_how(void *arg)
{
    sigset_t usr1, now;
    (void)arg;

    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ASSERT_SYS_OK(sigprocmask(SIG_SETMASK, &usr1, NULL));
    sigaddset(&usr1, SIGUSR2);
    ASSERT_SYS_ERR(sigprocmask(12345, &usr1, NULL), EINVAL);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    ASSERT_EQ(sigismember(&now, SIGUSR1), 1);
    ASSERT_EQ(sigismember(&now, SIGUSR2), 0);
}

/* SIG-MASK-06 sigprocmask with an invalid how fails with EINVAL and changes nothing */
static void test_sig_mask_06_sigprocmask_bad_how_einval(void **state)
{
    (void)state;
    sig_in_child(mask_bad_how, NULL);
}

/* What block_usr2_in_thread saw; main checks it after the join. */
struct thread_saw { int block_rc, read_rc, usr2_blocked; };

static void *block_usr2_in_thread(void *arg)
{
    struct thread_saw *saw = arg;
    sigset_t usr2, now;

    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    saw->block_rc = pthread_sigmask(SIG_BLOCK, &usr2, NULL);
    saw->read_rc = pthread_sigmask(SIG_BLOCK, NULL, &now);
    saw->usr2_blocked = sigismember(&now, SIGUSR2);
    return NULL;
}

/* A thread's pthread_sigmask changes its own mask, not main's. */
static void thread_mask(void *arg)
{
    struct thread_saw saw = { -1, -1, -1 };
    pthread_t t;
    (void)arg;

    ASSERT_ERRNO_EQ(pthread_create(&t, NULL, block_usr2_in_thread, &saw), 0);
    ASSERT_ERRNO_EQ(pthread_join(t, NULL), 0);
    ASSERT_ERRNO_EQ(saw.block_rc, 0);
    ASSERT_ERRNO_EQ(saw.read_rc, 0);
    ASSERT_EQ(saw.usr2_blocked, 1);
    ASSERT_FALSE(sig_is_blocked(SIGUSR2));
}

/* SIG-MASK-07 pthread_sigmask changes the calling thread's mask only */
static void test_sig_mask_07_pthread_sigmask_per_thread(void **state)
{
    (void)state;
    sig_in_child(thread_mask, NULL);
}

/* pthread_sigmask returns 0, then EINVAL itself (not -1) for a bad how. */
static void pthread_mask_errors(void *arg)
{
    sigset_t usr1, now;
    (void)arg;

    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_BLOCK, &usr1, NULL), 0);
    ASSERT_ERRNO_EQ(pthread_sigmask(12345, &usr1, NULL), EINVAL);
    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_BLOCK, NULL, &now), 0);
    ASSERT_EQ(sigismember(&now, SIGUSR1), 1);
    sigemptyset(&now);
    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_SETMASK, &now, NULL), 0);
    ASSERT_FALSE(sig_is_blocked(SIGUSR1));
}

/* SIG-MASK-08 pthread_sigmask returns 0, or the error number itself */
static void test_sig_mask_08_pthread_sigmask_returns_errno(void **state)
{
    (void)state;
    sig_in_child(pthread_mask_errors, NULL);
}

/* SIGUSR1 raised (to the thread) and killed (to the process) while blocked
 * runs the handler twice on unblock. */
static void two_pending_sets(void *arg)
{
    sigset_t wait_mask;
    (void)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_SYS_OK(raise(SIGUSR1));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    sigprocmask(SIG_BLOCK, NULL, &wait_mask);
    sigdelset(&wait_mask, SIGUSR1);
    while (sig_hits < 2)
        ASSERT_SYS_ERR(sigsuspend(&wait_mask), EINTR);
    ASSERT_EQ(sig_hits, 2);
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-MASK-12 on Linux a thread's and the process's pending sets are apart: one raise and one kill deliver twice */
static void test_sig_mask_12_thread_and_process_pending_apart(void **state)
{
    (void)state;
    sig_in_child(two_pending_sets, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_mask_01_pending_until_unblocked),
    IPCT_TEST(test_sig_mask_02_standard_signals_merge),
    IPCT_TEST(test_sig_mask_03_realtime_signals_queue),
    IPCT_TEST(test_sig_mask_04_lowest_realtime_first),
    IPCT_TEST(test_sig_mask_05_sigprocmask_operations),
    IPCT_TEST(test_sig_mask_06_sigprocmask_bad_how_einval),
    IPCT_TEST(test_sig_mask_07_pthread_sigmask_per_thread),
    IPCT_TEST(test_sig_mask_08_pthread_sigmask_returns_errno),
    IPCT_TEST(test_sig_mask_12_thread_and_process_pending_apart),
};

IPCT_MAIN("sig_mask", tests)
