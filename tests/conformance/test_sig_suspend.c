/* SPDX-License-Identifier: MIT */
/*
 * test_sig_suspend.c - sigsuspend: the mask it waits with, the mask it
 * gives back, how it returns after a handler, that a signal ending the
 * process ends it inside the call, and that it moves no pending signal
 * from the process to the thread.
 *
 * Spec: SIG-SUSP-01..03 (spec/sig.md).
 * See also: test_sig_wait.c (taking signals without a handler),
 * test_sig_mask.c (SIG-MASK-12, sigsuspend as a waiting loop).
 */
#include "sig_helpers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>

/* What the handler saw of its own mask: 1 blocked, 0 not, -1 unknown. */
static volatile sig_atomic_t in_handler_int = -1, in_handler_usr1 = -1, in_handler_usr2 = -1;

static void note_mask(int sig)
{
    sig_count(sig);
    in_handler_int = sig_is_blocked(SIGINT);
    in_handler_usr1 = sig_is_blocked(SIGUSR1);
    in_handler_usr2 = sig_is_blocked(SIGUSR2);
}

static void suspend_with_int(void *arg)
{
    sigset_t old, wait_mask, now;
    (void)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR1, note_mask, 0));
    sigemptyset(&old);
    sigaddset(&old, SIGUSR1);
    sigaddset(&old, SIGUSR2);
    ASSERT_SYS_OK(sigprocmask(SIG_SETMASK, &old, NULL));
    sigemptyset(&wait_mask);
    sigaddset(&wait_mask, SIGINT);
    ipct_child_ready();
    ASSERT_SYS_ERR(sigsuspend(&wait_mask), EINTR);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_EQ(in_handler_int, 1);
    ASSERT_EQ(in_handler_usr1, 1);
    ASSERT_EQ(in_handler_usr2, 0);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    ASSERT_EQ(sigismember(&now, SIGUSR1), 1);
    ASSERT_EQ(sigismember(&now, SIGUSR2), 1);
    ASSERT_EQ(sigismember(&now, SIGINT), 0);
}

/* SIG-SUSP-01 sigsuspend waits with its own mask in place of the thread's, and on return the old mask is back and the call fails with EINTR */
static void test_sig_susp_01_mask_replaced_then_restored(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer calls the handler from its own wrapper, with every signal "
                  "blocked, so the mask inside is not the kernel's");
    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind runs the handler that ends sigsuspend only after it has put the "
                  "caller's mask back: the handler sees the old mask, not sigsuspend's");
    pid_t pid = ipct_spawn(suspend_with_int, NULL);

    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigsuspend);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0);
}

static void suspend_until_term(void *arg)
{
    sigset_t none;
    (void)arg;

    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGTERM));
    sigemptyset(&none);
    ipct_child_ready();
    int rc = sigsuspend(&none);
    IPCT_FAIL("sigsuspend returned %d (errno %s); SIGTERM should have ended the process", rc,
              ipct_errname(errno));
}

/* SIG-SUSP-02 a signal sigsuspend unblocks whose action ends the process ends it inside sigsuspend */
static void test_sig_susp_02_terminating_signal_never_returns(void **state)
{
    (void)state;
    pid_t pid = ipct_spawn(suspend_until_term, NULL);

    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigsuspend);
    ASSERT_SYS_OK(kill(pid, SIGTERM));
    assert_child_signaled(pid, SIGTERM);
}

static void suspend_with_usr1_pending(void *arg)
{
    sigset_t both, wait_mask;
    (void)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR2, sig_count, 0));
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGUSR2);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &both, NULL));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    sigemptyset(&wait_mask);
    sigaddset(&wait_mask, SIGUSR1);
    ipct_child_ready();
    ASSERT_SYS_ERR(sigsuspend(&wait_mask), EINTR);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_TRUE(sig_is_pending(SIGUSR1));
}

/* The hexadecimal mask on the line of /proc/PID/task/PID/status that starts with key. */
static uint64_t status_mask(pid_t pid, const char *key)
{
    char path[64], text[4096];

    snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)pid);
    ipct_read_text(path, text, sizeof(text));
    const char *at = strstr(text, key);
    if (at == NULL)
        IPCT_FAIL("%s has no %s line", path, key);
    return strtoull(at + strlen(key), NULL, 16);
}

/* SIG-SUSP-03 a signal pending on the process stays pending on the process, not the thread, while the thread waits in sigsuspend */
static void test_sig_susp_03_process_pending_stays_shared(void **state)
{
    (void)state;
    const uint64_t usr1 = UINT64_C(1) << (SIGUSR1 - 1);
    pid_t pid = ipct_spawn(suspend_with_usr1_pending, NULL);

    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigsuspend);
    ASSERT_EQ(status_mask(pid, "ShdPnd:") & usr1, usr1);
    ASSERT_EQ(status_mask(pid, "SigPnd:") & usr1, 0);
    ASSERT_SYS_OK(kill(pid, SIGUSR2));
    assert_child_exited(pid, 0);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_susp_01_mask_replaced_then_restored),
    IPCT_TEST(test_sig_susp_02_terminating_signal_never_returns),
    IPCT_TEST(test_sig_susp_03_process_pending_stays_shared),
};

IPCT_MAIN("sig_suspend", tests)
