/* SPDX-License-Identifier: MIT */
/*
 * test_sig_pmask.c - pthread_sigmask on its own: SIG_BLOCK as a union with
 * the old mask handed back, SIG_UNBLOCK, a NULL set that only reads, a
 * pending signal delivered before the call returns, SIGKILL and SIGSTOP
 * never blocked, and no EINTR however many signals arrive meanwhile.
 *
 * Spec: SIG-PMASK-01..06 (spec/sig.md).
 * See also: test_sig_mask.c (sigprocmask, and pthread_sigmask per thread).
 */
#include "sig_helpers.h"

#include <pthread.h>
#include <stdatomic.h>

/* The mask must hold exactly the signals listed (0-terminated); a failure
 * names the first signal that differs and the caller's line. */
#define ASSERT_MASK_IS(mask, ...) \
    assert_mask_is(mask, (const int[]){ __VA_ARGS__, 0 }, __FILE__, __LINE__)
static void assert_mask_is(const sigset_t *mask, const int *want, const char *file, int line)
{
    sigset_t expected;

    sigemptyset(&expected);
    for (; *want != 0; want++)
        sigaddset(&expected, *want);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sigismember(mask, sig) != sigismember(&expected, sig))
            ipct__fail_at(file, line, "%s is %sin the mask; expected %sin it", ipct_signame(sig),
                          sigismember(mask, sig) == 1 ? "" : "not ",
                          sigismember(&expected, sig) == 1 ? "" : "not ");
    }
}

/* The calling thread's mask, read with pthread_sigmask. */
static sigset_t mask_now(void)
{
    sigset_t now;

    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_BLOCK, NULL, &now), 0);
    return now;
}

static sigset_t set_of(int sig, int sig2)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, sig);
    if (sig2 != 0)
        sigaddset(&set, sig2);
    return set;
}

static void block_union(void *arg)
{
    sigset_t usr1 = set_of(SIGUSR1, 0), usr2 = set_of(SIGUSR2, 0), old, now;
    (void)arg;

    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_SETMASK, &usr1, NULL), 0);
    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_BLOCK, &usr2, &old), 0);
    ASSERT_MASK_IS(&old, SIGUSR1);
    now = mask_now();
    ASSERT_MASK_IS(&now, SIGUSR1, SIGUSR2);
}

/* SIG-PMASK-01 pthread_sigmask SIG_BLOCK makes the mask the union of the old mask and set, and gives the old mask in oset */
static void test_sig_pmask_01_block_is_union_oset_old(void **state)
{
    (void)state;
    sig_in_child(block_union, NULL);
}

static void unblock_removes(void *arg)
{
    sigset_t both = set_of(SIGUSR1, SIGUSR2), usr1_int = set_of(SIGUSR1, SIGINT), now;
    (void)arg;

    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_SETMASK, &both, NULL), 0);
    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_UNBLOCK, &usr1_int, NULL), 0);
    now = mask_now();
    ASSERT_MASK_IS(&now, SIGUSR2);
}

/* SIG-PMASK-02 pthread_sigmask SIG_UNBLOCK takes set's signals out of the mask and leaves the rest */
static void test_sig_pmask_02_unblock_removes_set(void **state)
{
    (void)state;
    sig_in_child(unblock_removes, NULL);
}

static const int how_block = SIG_BLOCK, how_unblock = SIG_UNBLOCK, how_setmask = SIG_SETMASK;

static void null_set_reads(void *arg)
{
    const int *how = arg;
    sigset_t usr1 = set_of(SIGUSR1, 0), old, now;

    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_SETMASK, &usr1, NULL), 0);
    sigfillset(&old);
    ASSERT_ERRNO_EQ(pthread_sigmask(*how, NULL, &old), 0);
    ASSERT_MASK_IS(&old, SIGUSR1);
    now = mask_now();
    ASSERT_MASK_IS(&now, SIGUSR1);
}

/* SIG-PMASK-03 pthread_sigmask with set NULL only reads the mask, whatever how says */
static void test_sig_pmask_03_null_set_only_reads(void **state)
{
    (void)state;
    sig_in_child(null_set_reads, (void *)ipct_variant());
}

static void delivered_before_return(void *arg)
{
    sigset_t usr1 = set_of(SIGUSR1, 0);
    (void)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_BLOCK, &usr1, NULL), 0);
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_EQ(sig_hits, 0);
    ASSERT_TRUE(sig_is_pending(SIGUSR1));
    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_UNBLOCK, &usr1, NULL), 0);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-PMASK-04 a pending signal that pthread_sigmask unblocks is delivered before the call returns */
static void test_sig_pmask_04_unblocked_pending_delivered_before_return(void **state)
{
    (void)state;
    sig_skip_unless_synchronous();
    sig_in_child(delivered_before_return, NULL);
}

static void kill_stop_unblocked(void *arg)
{
    sigset_t all, now;
    (void)arg;

    sigfillset(&all);
    sigaddset(&all, SIGKILL);
    sigaddset(&all, SIGSTOP);
    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_BLOCK, &all, NULL), 0);
    now = mask_now();
    ASSERT_EQ(sigismember(&now, SIGUSR1), 1);
    ASSERT_EQ(sigismember(&now, SIGTERM), 1);
    ASSERT_EQ(sigismember(&now, SIGKILL), 0);
    ASSERT_EQ(sigismember(&now, SIGSTOP), 0);
}

/* SIG-PMASK-05 pthread_sigmask leaves SIGKILL and SIGSTOP unblocked, and asking is no error */
static void test_sig_pmask_05_kill_and_stop_never_blocked(void **state)
{
    (void)state;
    sig_in_child(kill_stop_unblocked, NULL);
}

/* The storm: a thread sends SIGUSR1 to the main thread until told to stop,
 * and the main thread goes on until this many handlers ran during its calls
 * (valgrind, which runs one thread at a time, delivers a few per second). */
#define STORM_SIGNALS 20
struct storm {
    pthread_t target;
    atomic_int stop;
};

static void *storm_thread(void *arg)
{
    struct storm *s = arg;

    while (!atomic_load(&s->stop))
        if (pthread_kill(s->target, SIGUSR1) != 0)
            break;
    return NULL;
}

static void mask_under_storm(void *arg)
{
    struct storm s = { .target = pthread_self() };
    sigset_t usr2 = set_of(SIGUSR2, 0);
    struct timespec start, now;
    pthread_t t;
    (void)arg;

    atomic_init(&s.stop, 0);
    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_ERRNO_EQ(pthread_create(&t, NULL, storm_thread, &s), 0);
    ASSERT_SYS_OK(clock_gettime(CLOCK_MONOTONIC, &start));
    int first = sig_hits;
    long calls = 0;
    while (sig_hits - first < STORM_SIGNALS) {
        int how = (calls & 1) ? SIG_UNBLOCK : SIG_BLOCK;
        int rc = (calls & 2) ? pthread_sigmask(how, &usr2, NULL)
                             : (sigprocmask(how, &usr2, NULL) == 0 ? 0 : errno);
        if (rc != 0)
            IPCT_FAIL("call %ld (%s) failed with %s after %d signals", calls,
                      (calls & 2) ? "pthread_sigmask" : "sigprocmask", ipct_errname(rc),
                      sig_hits - first);
        calls++;
        ASSERT_SYS_OK(clock_gettime(CLOCK_MONOTONIC, &now));
        if ((now.tv_sec - start.tv_sec) * 1000 > ipct_deadline_ms() / 2)
            IPCT_FAIL("only %d signals arrived in %d ms of %ld calls", sig_hits - first,
                      ipct_deadline_ms() / 2, calls);
    }
    atomic_store(&s.stop, 1);
    ASSERT_ERRNO_EQ(pthread_join(t, NULL), 0);
    ASSERT_GE(sig_hits - first, STORM_SIGNALS);
}

/* SIG-PMASK-06 pthread_sigmask and sigprocmask never fail with EINTR, however many signals arrive during them */
static void test_sig_pmask_06_never_eintr_under_signals(void **state)
{
    (void)state;
    sig_in_child(mask_under_storm, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_pmask_01_block_is_union_oset_old),
    IPCT_TEST(test_sig_pmask_02_unblock_removes_set),
    IPCT_VARIANT(test_sig_pmask_03_null_set_only_reads, "SIG_BLOCK", &how_block),
    IPCT_VARIANT(test_sig_pmask_03_null_set_only_reads, "SIG_UNBLOCK", &how_unblock),
    IPCT_VARIANT(test_sig_pmask_03_null_set_only_reads, "SIG_SETMASK", &how_setmask),
    IPCT_TEST(test_sig_pmask_04_unblocked_pending_delivered_before_return),
    IPCT_TEST(test_sig_pmask_05_kill_and_stop_never_blocked),
    IPCT_TEST(test_sig_pmask_06_never_eintr_under_signals),
};

IPCT_MAIN("sig_pmask", tests)
