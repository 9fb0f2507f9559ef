/* SPDX-License-Identifier: MIT */
/*
 * test_sig_hold.c - the System V signal calls POSIX keeps (XSI): sighold
 * and sigrelse on the mask, sigignore, sigpause, and sigset with a
 * function, SIG_IGN, SIG_DFL and SIG_HOLD; and the wait that sleeps until
 * the last child ended when SIGCHLD leaves no zombies (sigignore, or
 * SA_NOCLDWAIT).
 *
 * glibc marks these calls obsolete, so this file alone silences that
 * warning: the calls are what it tests.
 *
 * Spec: SIG-HOLD-01..12, SIG-NOCLD-01 (spec/sig.md).
 * See also: test_sig_mask.c, test_sig_dfl.c (the same effects through
 * sigprocmask and sigaction), test_sig_child.c (SIGCHLD).
 */
#include "sig_helpers.h"

#include <sys/syscall.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static void sighold_blocks(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR2));
    ASSERT_EQ(sighold(SIGUSR1), 0);
    ASSERT_TRUE(sig_is_blocked(SIGUSR1));
    ASSERT_TRUE(sig_is_blocked(SIGUSR2));
}

/* SIG-HOLD-01 sighold adds the signal to the mask and returns 0 */
static void test_sig_hold_01_sighold_blocks(void **state)
{
    (void)state;
    sig_in_child(sighold_blocks, NULL);
}

static void sigrelse_unblocks(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR2));
    ASSERT_EQ(sigrelse(SIGUSR1), 0);
    ASSERT_FALSE(sig_is_blocked(SIGUSR1));
    ASSERT_TRUE(sig_is_blocked(SIGUSR2));
}

/* SIG-HOLD-02 sigrelse takes the signal out of the mask and returns 0 */
static void test_sig_hold_02_sigrelse_unblocks(void **state)
{
    (void)state;
    sig_in_child(sigrelse_unblocks, NULL);
}

/* One call of SIG-HOLD-03, as 0 or -1 (sigset: SIG_ERR as -1). */
struct bad_call {
    int (*call)(int sig);
    int sig;
};

static int do_sigset(int sig) { return sigset(sig, SIG_DFL) == SIG_ERR ? -1 : 0; }

static const struct bad_call hold_m1 = { sighold, -1 }, hold_nsig = { sighold, NSIG },
                             relse_m1 = { sigrelse, -1 }, relse_nsig = { sigrelse, NSIG },
                             ign_m1 = { sigignore, -1 }, ign_nsig = { sigignore, NSIG },
                             pause_m1 = { sigpause, -1 }, pause_nsig = { sigpause, NSIG },
                             set_m1 = { do_sigset, -1 }, set_nsig = { do_sigset, NSIG };

static void refuses(void *arg)
{
    const struct bad_call *row = arg;
    struct sigaction now;

    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_SYS_ERR(row->call(row->sig), EINVAL);
    ASSERT_FALSE(sig_is_blocked(SIGUSR1));
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &now));
    ASSERT_EQ(now.sa_handler, sig_count);
}

/* SIG-HOLD-03 sighold, sigrelse, sigignore, sigpause and sigset refuse an invalid signal number with EINVAL */
static void test_sig_hold_03_invalid_signal_einval(void **state)
{
    (void)state;
#ifndef __GLIBC__
    if (((const struct bad_call *)ipct_variant())->call == sigpause)
        IPCT_SKIP("this C library's sigpause does not refuse an invalid number: musl's "
                  "sleeps in sigsuspend, which POSIX forbids (spec/sig.md, Linux next to "
                  "POSIX); the row would hang until killed");
#endif
    sig_in_child(refuses, (void *)ipct_variant());
}

static void kill_stop_refused(void *arg)
{
    struct sigaction now;
    (void)arg;

    ASSERT_SYS_ERR(sigignore(SIGKILL), EINVAL);
    ASSERT_SYS_ERR(sigignore(SIGSTOP), EINVAL);
    ASSERT_SYS_OK(sigaction(SIGKILL, NULL, &now));
    ASSERT_EQ(now.sa_handler, SIG_DFL);
    ASSERT_SYS_OK(sigaction(SIGSTOP, NULL, &now));
    ASSERT_EQ(now.sa_handler, SIG_DFL);
}

/* SIG-HOLD-04 sigignore refuses SIGKILL and SIGSTOP with EINVAL */
static void test_sig_hold_04_sigignore_kill_stop_einval(void **state)
{
    (void)state;
    sig_in_child(kill_stop_refused, NULL);
}

static void ignores(void *arg)
{
    struct sigaction now;
    (void)arg;

    ASSERT_EQ(sigignore(SIGUSR1), 0);
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &now));
    ASSERT_EQ(now.sa_handler, SIG_IGN);
    ASSERT_SYS_OK(raise(SIGUSR1));
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-HOLD-05 sigignore sets SIG_IGN and returns 0, and the signal is then discarded */
static void test_sig_hold_05_sigignore_sets_ign(void **state)
{
    (void)state;
    sig_in_child(ignores, NULL);
}

/* Waits, bounded by the harness's deadline, while pid still exists. The
 * kernel marks an autoreaped child dead, which wait then skips (ECHILD),
 * a moment before it releases the child and its pid: seen under
 * ThreadSanitizer's slower runs. A zombie would stay past the deadline. */
static void await_released(pid_t pid)
{
    struct timespec start, now;

    ASSERT_SYS_OK(clock_gettime(CLOCK_MONOTONIC, &start));
    do {
        if (kill(pid, 0) == -1)
            return;
        sched_yield();
        ASSERT_SYS_OK(clock_gettime(CLOCK_MONOTONIC, &now));
    } while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 <
             ipct_deadline_ms());
}

/* In a group of its own, with SIGCHLD leaving no zombies (sigignore when
 * *arg is 1, SA_NOCLDWAIT when 0): one child exits at once, one waits for
 * SIGUSR1; wait sleeps until both ended, then fails with ECHILD. */
static void no_zombie_parent(void *arg)
{
    const int *by_sigignore = arg;
    pid_t kids[2];

    ASSERT_SYS_OK(setpgid(0, 0));
    if (*by_sigignore) {
        ASSERT_EQ(sigignore(SIGCHLD), 0);
    } else {
        struct sigaction sa = { .sa_handler = SIG_DFL, .sa_flags = SA_NOCLDWAIT };
        sigemptyset(&sa.sa_mask);
        ASSERT_SYS_OK(sigaction(SIGCHLD, &sa, NULL));
    }
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    for (int i = 0; i < 2; i++) {
        kids[i] = ASSERT_SYS_OK(fork());
        if (kids[i] == 0) {
            if (i == 1)
                ASSERT_TRUE(sig_await(SIGUSR1, NULL));
            ipct_child_exit(0);
        }
    }
    ipct_child_ready();
    ASSERT_SYS_ERR(wait(NULL), ECHILD);
    for (int i = 0; i < 2; i++) {
        await_released(kids[i]);
        ASSERT_SYS_ERR(kill(kids[i], 0), ESRCH);
    }
}

/* The test's side: the parent asleep in wait4 while a child lives, then
 * SIGUSR1 to the group ends the last child. */
static void await_no_zombie(int by_sigignore)
{
    pid_t pid = ipct_spawn(no_zombie_parent, &by_sigignore);

    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_wait4);
    ASSERT_SYS_OK(kill(-pid, SIGUSR1));
    assert_child_exited(pid, 0);
}

/* SIG-HOLD-06 with SIGCHLD ignored by sigignore, children leave no zombie and wait sleeps until the last has ended, then fails with ECHILD */
static void test_sig_hold_06_sigignore_sigchld_no_zombie(void **state)
{
    (void)state;
    await_no_zombie(1);
}

/* SIG-NOCLD-01 with SA_NOCLDWAIT, wait sleeps until every child has ended, then fails with ECHILD */
static void test_sig_nocld_01_wait_sleeps_until_all_ended(void **state)
{
    (void)state;
    await_no_zombie(0);
}

/* What a handler saw of SIGUSR1 and SIGUSR2 in its mask: 1, 0, or -1 unknown. */
static volatile sig_atomic_t saw_usr1 = -1, saw_usr2 = -1;

static void note_mask(int sig)
{
    sig_count(sig);
    saw_usr1 = sig_is_blocked(SIGUSR1);
    saw_usr2 = sig_is_blocked(SIGUSR2);
}

static void pauses(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_catch(SIGUSR1, note_mask, 0));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR2));
    ipct_child_ready();
    ASSERT_SYS_ERR(sigpause(SIGUSR1), EINTR);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_EQ(saw_usr2, 1);
    ASSERT_TRUE(sig_is_blocked(SIGUSR1));
    ASSERT_TRUE(sig_is_blocked(SIGUSR2));
}

/* SIG-HOLD-07 sigpause unblocks the signal while it sleeps, returns -1 with EINTR after the handler, and restores the mask */
static void test_sig_hold_07_sigpause_waits_unblocked(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs the handler from its own wrapper after sigpause has "
                  "returned, with every signal blocked (seen: no handler run yet on return)");
    pid_t pid = ipct_spawn(pauses, NULL);

    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigsuspend);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0);
}

static void sigset_function(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR2));
    ASSERT_EQ(sigset(SIGUSR1, note_mask), SIG_DFL);
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_EQ(saw_usr1, 1);
    ASSERT_EQ(saw_usr2, 1);
    ASSERT_FALSE(sig_is_blocked(SIGUSR1));
    ASSERT_TRUE(sig_is_blocked(SIGUSR2));
}

/* SIG-HOLD-08 sigset with a function installs it: it runs with the signal blocked, and the mask from before comes back after */
static void test_sig_hold_08_sigset_function_runs(void **state)
{
    (void)state;
    sig_in_child(sigset_function, NULL);
}

static void sigset_ignore(void *arg)
{
    (void)arg;
    ASSERT_NE(sigset(SIGUSR1, SIG_IGN), SIG_ERR);
    ASSERT_SYS_OK(raise(SIGUSR1));
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-HOLD-09 sigset with SIG_IGN makes the signal ignored */
static void test_sig_hold_09_sigset_ign_ignores(void **state)
{
    (void)state;
    sig_in_child(sigset_ignore, NULL);
}

static void sigset_default(void *arg)
{
    (void)arg;
    ASSERT_NE(sigset(SIGUSR1, sig_count), SIG_ERR);
    ASSERT_EQ(sigset(SIGUSR1, SIG_DFL), sig_count);
    raise(SIGUSR1);
    /* cppcheck-suppress unreachableCode ; reached only when the default action failed to end the process */
    IPCT_FAIL("raise(SIGUSR1) returned after sigset(SIGUSR1, SIG_DFL); the default "
              "action should have ended the process");
}

/* SIG-HOLD-10 sigset with SIG_DFL brings back the default action */
static void test_sig_hold_10_sigset_dfl_default_action(void **state)
{
    (void)state;
    assert_child_signaled(ipct_spawn(sigset_default, NULL), SIGUSR1);
}

static void sigset_hold(void *arg)
{
    struct sigaction now;
    (void)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_NE(sigset(SIGUSR1, SIG_HOLD), SIG_ERR);
    ASSERT_TRUE(sig_is_blocked(SIGUSR1));
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &now));
    ASSERT_EQ(now.sa_handler, sig_count);
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_TRUE(sig_is_pending(SIGUSR1));
    ASSERT_EQ(sig_hits, 0);
}

/* SIG-HOLD-11 sigset with SIG_HOLD blocks the signal and leaves its action as it was */
static void test_sig_hold_11_sigset_hold_blocks_keeps_action(void **state)
{
    (void)state;
    sig_in_child(sigset_hold, NULL);
}

static void sigset_returns(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_EQ(sigset(SIGUSR1, SIG_HOLD), sig_count);
    ASSERT_EQ(sigset(SIGUSR1, SIG_HOLD), SIG_HOLD);
    ASSERT_EQ(sigset(SIGUSR1, SIG_IGN), SIG_HOLD);
    ASSERT_FALSE(sig_is_blocked(SIGUSR1));
}

/* SIG-HOLD-12 sigset returns SIG_HOLD when the signal was blocked, and the previous disposition when it was not */
static void test_sig_hold_12_sigset_returns_hold_or_previous(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer gives the kernel its own wrapper as the handler, and glibc's "
                  "sigset returns the kernel's previous action: the wrapper, not the handler");
    sig_in_child(sigset_returns, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_hold_01_sighold_blocks),
    IPCT_TEST(test_sig_hold_02_sigrelse_unblocks),
    IPCT_VARIANT(test_sig_hold_03_invalid_signal_einval, "sighold_-1", &hold_m1),
    IPCT_VARIANT(test_sig_hold_03_invalid_signal_einval, "sighold_NSIG", &hold_nsig),
    IPCT_VARIANT(test_sig_hold_03_invalid_signal_einval, "sigrelse_-1", &relse_m1),
    IPCT_VARIANT(test_sig_hold_03_invalid_signal_einval, "sigrelse_NSIG", &relse_nsig),
    IPCT_VARIANT(test_sig_hold_03_invalid_signal_einval, "sigignore_-1", &ign_m1),
    IPCT_VARIANT(test_sig_hold_03_invalid_signal_einval, "sigignore_NSIG", &ign_nsig),
    IPCT_VARIANT(test_sig_hold_03_invalid_signal_einval, "sigpause_-1", &pause_m1),
    IPCT_VARIANT(test_sig_hold_03_invalid_signal_einval, "sigpause_NSIG", &pause_nsig),
    IPCT_VARIANT(test_sig_hold_03_invalid_signal_einval, "sigset_-1", &set_m1),
    IPCT_VARIANT(test_sig_hold_03_invalid_signal_einval, "sigset_NSIG", &set_nsig),
    IPCT_TEST(test_sig_hold_04_sigignore_kill_stop_einval),
    IPCT_TEST(test_sig_hold_05_sigignore_sets_ign),
    IPCT_TEST(test_sig_hold_06_sigignore_sigchld_no_zombie),
    IPCT_TEST(test_sig_nocld_01_wait_sleeps_until_all_ended),
    IPCT_TEST(test_sig_hold_07_sigpause_waits_unblocked),
    IPCT_TEST(test_sig_hold_08_sigset_function_runs),
    IPCT_TEST(test_sig_hold_09_sigset_ign_ignores),
    IPCT_TEST(test_sig_hold_10_sigset_dfl_default_action),
    IPCT_TEST(test_sig_hold_11_sigset_hold_blocks_keeps_action),
    IPCT_TEST(test_sig_hold_12_sigset_returns_hold_or_previous),
};

IPCT_MAIN("sig_hold", tests)
