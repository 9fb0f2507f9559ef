/* SPDX-License-Identifier: MIT */
/*
 * test_sig_deliver.c - delivery to a handler: a signal a process sends
 * itself arrives before kill returns, an SA_SIGINFO handler's mask, what
 * Linux leaves in sa_flags after SA_RESETHAND with SA_SIGINFO, and queued
 * real-time instances reaching an SA_SIGINFO handler in order.
 *
 * Spec: SIG-DLV-01..04 (spec/sig.md).
 * See also: test_sig_handler.c (the same rules for a plain sa_handler),
 * test_sig_queue.c (sigqueue).
 */
#include "sig_helpers.h"

static void self_kill(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_EQ(sig_hits, 1);
}

/* SIG-DLV-01 kill of the caller itself, with the signal unblocked, runs the handler before kill returns */
static void test_sig_dlv_01_kill_self_delivered_before_return(void **state)
{
    (void)state;
    sig_skip_unless_synchronous();
    sig_in_child(self_kill, NULL);
}

/* What an SA_SIGINFO handler saw of its mask: 1 blocked, 0 not, -1 unknown. */
static volatile sig_atomic_t saw_int = -1, saw_usr1 = -1, saw_usr2 = -1, saw_term = -1;

static void note_mask_info(int sig, siginfo_t *info, void *ctx)
{
    (void)info;
    (void)ctx;
    sig_count(sig);
    saw_int = sig_is_blocked(SIGINT);
    saw_usr1 = sig_is_blocked(SIGUSR1);
    saw_usr2 = sig_is_blocked(SIGUSR2);
    saw_term = sig_is_blocked(SIGTERM);
}

static void siginfo_mask(void *arg)
{
    struct sigaction sa = { .sa_sigaction = note_mask_info, .sa_flags = SA_SIGINFO };
    sigset_t after;
    (void)arg;

    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    ASSERT_SYS_OK(sigaction(SIGUSR1, &sa, NULL));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGINT));
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(saw_int, 1);
    ASSERT_EQ(saw_usr2, 1);
    ASSERT_EQ(saw_usr1, 1);
    ASSERT_EQ(saw_term, 0);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &after));
    ASSERT_EQ(sigismember(&after, SIGINT), 1);
    ASSERT_EQ(sigismember(&after, SIGUSR1), 0);
    ASSERT_EQ(sigismember(&after, SIGUSR2), 0);
}

/* SIG-DLV-02 an SA_SIGINFO handler runs with the old mask plus sa_mask plus its signal */
static void test_sig_dlv_02_siginfo_handler_gets_sa_mask(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer calls the handler from its own wrapper, with every signal "
                  "blocked, so the mask inside is not the kernel's");
    sig_in_child(siginfo_mask, NULL);
}

/* What the handler read back of its own action: -1 until it ran. */
static volatile sig_atomic_t read_flags = -1, read_dfl = -1;

static void read_action(int sig, siginfo_t *info, void *ctx)
{
    struct sigaction now;

    (void)info;
    (void)ctx;
    sig_count(sig);
    if (sigaction(sig, NULL, &now) == 0) {
        read_flags = now.sa_flags;
        read_dfl = now.sa_handler == SIG_DFL;
    }
    saw_usr1 = sig_is_blocked(SIGUSR1);
}

static void resethand_flags(void *arg)
{
    struct sigaction sa = { .sa_sigaction = read_action, .sa_flags = SA_SIGINFO | SA_RESETHAND };
    (void)arg;

    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGUSR1, &sa, NULL));
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(read_dfl, 1);
    ASSERT_EQ(read_flags & SA_SIGINFO, SA_SIGINFO);
    ASSERT_EQ(read_flags & SA_RESETHAND, SA_RESETHAND);
    ASSERT_EQ(saw_usr1, 1);
}

/* SIG-DLV-03 on Linux SA_RESETHAND with SA_SIGINFO resets the handler to SIG_DFL but leaves SA_SIGINFO in sa_flags */
static void test_sig_dlv_03_resethand_keeps_siginfo_flag(void **state)
{
    (void)state;
    sig_in_child(resethand_flags, NULL);
}

/* The values the handler saw, in the order it saw them. */
static volatile sig_atomic_t seen_values[8], seen_codes[8];

static void record_value(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    if (sig_hits < 8) {
        seen_values[sig_hits] = info->si_value.sival_int;
        seen_codes[sig_hits] = info->si_code;
    }
    sig_count(sig);
}

static void queued_in_order(void *arg)
{
    struct sigaction sa = { .sa_sigaction = record_value, .sa_flags = SA_SIGINFO };
    sigset_t wait_mask;
    (void)arg;

    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGRTMIN, &sa, NULL));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGRTMIN));
    for (int v = 1; v <= 5; v++)
        ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = v }));
    ASSERT_EQ(sig_hits, 0);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &wait_mask));
    sigdelset(&wait_mask, SIGRTMIN);
    while (sig_hits < 5)
        ASSERT_SYS_ERR(sigsuspend(&wait_mask), EINTR);
    ASSERT_EQ(sig_hits, 5);
    for (int i = 0; i < 5; i++) {
        ASSERT_EQ(seen_values[i], i + 1);
        ASSERT_EQ(seen_codes[i], SI_QUEUE);
    }
}

/* SIG-DLV-04 queued instances of a real-time signal reach an SA_SIGINFO handler one by one, in the order sent */
static void test_sig_dlv_04_queued_instances_in_order(void **state)
{
    (void)state;
    sig_in_child(queued_in_order, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_dlv_01_kill_self_delivered_before_return),
    IPCT_TEST(test_sig_dlv_02_siginfo_handler_gets_sa_mask),
    IPCT_TEST(test_sig_dlv_03_resethand_keeps_siginfo_flag),
    IPCT_TEST(test_sig_dlv_04_queued_instances_in_order),
};

IPCT_MAIN("sig_deliver", tests)
