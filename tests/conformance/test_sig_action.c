/* SPDX-License-Identifier: MIT */
/*
 * test_sig_action.c - sigaction's and signal()'s own contract: the previous
 * action handed back, a NULL act, invalid numbers, signal()'s cycle of
 * SIG_DFL / function / SIG_IGN, mixing the two calls, and the BSD
 * semantics of signal() on Linux's C libraries.
 *
 * Spec: SIG-HND-10..15 (spec/sig.md).
 * See also: test_sig_handler.c (what happens around a handler).
 */
#include "sig_helpers.h"

static void other_handler(int sig)
{
    (void)sig;
}

/* oact returns the previous action whole; a NULL act changes nothing. */
static void old_action(void *arg)
{
    struct sigaction a = { .sa_handler = sig_count, .sa_flags = SA_RESTART };
    struct sigaction b = { .sa_handler = other_handler }, old, now;
    (void)arg;

    sigemptyset(&a.sa_mask);
    sigaddset(&a.sa_mask, SIGUSR2);
    sigemptyset(&b.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGUSR1, &a, NULL));
    ASSERT_SYS_OK(sigaction(SIGUSR1, &b, &old));
    ASSERT_EQ(old.sa_handler, sig_count);
    ASSERT_EQ(old.sa_flags & SA_RESTART, SA_RESTART);
    ASSERT_EQ(sigismember(&old.sa_mask, SIGUSR2), 1);
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &now)); /* a NULL act: reads only */
    ASSERT_EQ(now.sa_handler, other_handler);
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &now)); /* the read before changed nothing */
    ASSERT_EQ(now.sa_handler, other_handler);
    ASSERT_EQ(now.sa_flags & SA_RESTART, 0);
}

/* SIG-HND-10 sigaction hands back the previous action, and with no act changes nothing */
static void test_sig_hnd_10_oact_and_null_act(void **state)
{
    (void)state;
    sig_in_child(old_action, NULL);
}

/* SIG-HND-11 sigaction of an invalid signal number fails with EINVAL */
static void test_sig_hnd_11_sigaction_invalid_einval(void **state)
{
    struct sigaction sa = { .sa_handler = SIG_IGN }, old;
    (void)state;

    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_ERR(sigaction(0, &sa, NULL), EINVAL);
    ASSERT_SYS_ERR(sigaction(NSIG, &sa, NULL), EINVAL);
    ASSERT_SYS_ERR(sigaction(-1, &sa, NULL), EINVAL);
    ASSERT_SYS_ERR(sigaction(NSIG, NULL, &old), EINVAL);
}

/* signal(): SIG_DFL first, a function, SIG_IGN, SIG_DFL again; each call
 * returns the previous value. The last step is the behaviour itself: the
 * default action restored, a raised SIGUSR1 kills the child. */
static void signal_cycle(void *arg)
{
    sigset_t none;
    (void)arg;

    ASSERT_EQ(signal(SIGUSR1, sig_count), SIG_DFL);
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_SIG_EQ(sig_last, SIGUSR1);
    ASSERT_EQ(signal(SIGUSR1, SIG_IGN), sig_count);
    ASSERT_SYS_OK(raise(SIGUSR1));
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
    ASSERT_EQ(sig_hits, 1);
    ASSERT_EQ(signal(SIGUSR1, SIG_DFL), SIG_IGN);
    raise(SIGUSR1);
    /* cppcheck-suppress unreachableCode ; raise returns if SIGUSR1 came late */
    sigemptyset(&none);
    for (;;)
        sigsuspend(&none);
}

/* SIG-HND-12 signal() sets SIG_DFL, SIG_IGN or a function and returns the previous one */
static void test_sig_hnd_12_signal_cycle(void **state)
{
    (void)state;
    assert_child_signaled(ipct_spawn(signal_cycle, NULL), SIGUSR1);
}

/* SIG-HND-13 signal() of an invalid signal number returns SIG_ERR with EINVAL */
static void test_sig_hnd_13_signal_invalid_sig_err(void **state)
{
    (void)state;
    errno = 0;
    ASSERT_EQ(signal(0, SIG_IGN), SIG_ERR);
    ASSERT_ERRNO_EQ(errno, EINVAL);
    errno = 0;
    ASSERT_EQ(signal(NSIG, SIG_IGN), SIG_ERR);
    ASSERT_ERRNO_EQ(errno, EINVAL);
}

/* An action set by signal(), read by sigaction and set again, works. */
static void reinstall(void *arg)
{
    struct sigaction old;
    (void)arg;

    ASSERT_NE(signal(SIGUSR1, sig_count), SIG_ERR);
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &old));
    ASSERT_EQ(signal(SIGUSR1, SIG_DFL), sig_count);
    ASSERT_SYS_OK(sigaction(SIGUSR1, &old, NULL));
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(sig_hits, 1);
}

/* SIG-HND-14 an action set by signal() and read by sigaction can be set again */
static void test_sig_hnd_14_signal_action_reinstalled(void **state)
{
    (void)state;
    sig_in_child(reinstall, NULL);
}

/* signal()'s handler has SA_RESTART and stays (no SA_RESETHAND). */
static void bsd_semantics(void *arg)
{
    struct sigaction now;
    (void)arg;

    ASSERT_NE(signal(SIGUSR2, sig_count), SIG_ERR);
    ASSERT_SYS_OK(sigaction(SIGUSR2, NULL, &now));
    ASSERT_EQ(now.sa_flags & SA_RESTART, SA_RESTART);
    ASSERT_EQ(now.sa_flags & SA_RESETHAND, 0);
    sig_raise_and_spin(SIGUSR2);
    sig_raise_and_spin(SIGUSR2);
    ASSERT_EQ(sig_hits, 2);
}

/* SIG-HND-15 on Linux's C libraries signal() installs a lasting, restarting handler */
static void test_sig_hnd_15_signal_bsd_semantics(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer replaces signal() with its own, which does not set SA_RESTART");
    sig_in_child(bsd_semantics, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_hnd_10_oact_and_null_act),
    IPCT_TEST(test_sig_hnd_11_sigaction_invalid_einval),
    IPCT_TEST(test_sig_hnd_12_signal_cycle),
    IPCT_TEST(test_sig_hnd_13_signal_invalid_sig_err),
    IPCT_TEST(test_sig_hnd_14_signal_action_reinstalled),
    IPCT_TEST(test_sig_hnd_15_signal_bsd_semantics),
};

IPCT_MAIN("sig_action", tests)
