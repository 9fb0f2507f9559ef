/* SPDX-License-Identifier: MIT */
/*
 * test_sig_send.c - sending signals with raise and kill: raise to the caller
 * and its calling thread, kill to another process or a process group, the
 * null signal as a probe, SIGCONT within a session, and the errors (which
 * sigqueue shares: ESRCH, EPERM, EINVAL).
 *
 * Spec: SIG-SEND-01..08, SIG-SEND-14, SIG-SEND-15 (spec/sig.md).
 * See also: test_sig_queue.c (sigqueue, and what the receiver learns about
 *           the sender), test_sig_dfl.c (what a delivered signal does).
 */
#include "sig_helpers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* The handler has run by the time raise returns 0. */
static void raise_sync(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_SYS_OK(raise(SIGUSR1));
    ASSERT_EQ(sig_hits, 1);
    ASSERT_SIG_EQ(sig_last, SIGUSR1);
}

/* SIG-SEND-01 raise runs the handler before it returns 0 */
static void test_sig_send_01_raise_delivers_before_return(void **state)
{
    (void)state;
    sig_skip_unless_synchronous();
    sig_in_child(raise_sync, NULL);
}

/* SIG-SEND-02 raise of an invalid signal number fails with EINVAL */
static void test_sig_send_02_raise_invalid_einval(void **state)
{
    (void)state;
    errno = 0;
    ASSERT_NE(raise(NSIG + 1), 0);
    ASSERT_ERRNO_EQ(errno, EINVAL);
    errno = 0;
    ASSERT_NE(raise(-1), 0);
    ASSERT_ERRNO_EQ(errno, EINVAL);
}

/* One SIGUSR1 arrives and runs the handler. */
static void receive_usr1(void *arg)
{
    (void)arg;
    sig_await_usr1(0);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_SIG_EQ(sig_last, SIGUSR1);
}

/* SIG-SEND-03 kill delivers a signal to another process */
static void test_sig_send_03_kill_other_process(void **state)
{
    (void)state;
    pid_t pid = ipct_spawn(receive_usr1, NULL);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigsuspend);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0);
}

/* Waits in sigsuspend for ever with the default dispositions. */
static void idle(void *arg)
{
    sigset_t none;
    (void)arg;

    sigemptyset(&none);
    ipct_child_ready();
    for (;;)
        sigsuspend(&none);
}

/* SIG-SEND-04 kill(pid, 0) of a live process returns 0 and sends nothing */
static void test_sig_send_04_null_signal_probes_live(void **state)
{
    char path[64], status[2048];
    (void)state;

    pid_t pid = ipct_spawn(idle, NULL);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigsuspend);
    ASSERT_SYS_OK(kill(pid, 0));
    ASSERT_SYS_OK(sigqueue(pid, 0, (union sigval){ .sival_int = 1 }));
    ASSERT_TRUE(ipct_is_blocked_in(pid, SYS_rt_sigsuspend)); /* not woken */
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    ipct_read_text(path, status, sizeof status);
    if (strstr(status, "SigPnd:\t0000000000000000") == NULL ||
        strstr(status, "ShdPnd:\t0000000000000000") == NULL)
        IPCT_FAIL("something is pending after the null signal:\n%s", status);
    ASSERT_SYS_OK(kill(pid, SIGKILL));
    assert_child_signaled(pid, SIGKILL);
}

/* SIG-SEND-05 kill and sigqueue of a process that is gone fail with ESRCH */
static void test_sig_send_05_null_signal_gone_esrch(void **state)
{
    (void)state;
    pid_t pid = ipct_spawn(idle, NULL);
    ipct_await_ready(pid);
    ASSERT_SYS_OK(kill(pid, SIGKILL));
    assert_child_signaled(pid, SIGKILL); /* reaped: the pid names nobody now */
    ASSERT_SYS_ERR(kill(pid, 0), ESRCH);
    ASSERT_SYS_ERR(kill(pid, SIGUSR1), ESRCH);
    ASSERT_SYS_ERR(sigqueue(pid, 0, (union sigval){ .sival_int = 0 }), ESRCH);
    ASSERT_SYS_ERR(sigqueue(pid, SIGUSR1, (union sigval){ .sival_int = 0 }), ESRCH);
}

/* Drops to nobody, then signals the root process arg names: every send
 * fails with EPERM; its own pid still takes the probe. */
static void signal_across_users(void *arg)
{
    pid_t root_pid = *(const pid_t *)arg;
    union sigval v = { .sival_int = 1 };

    ASSERT_IPC_OK(ipct_drop_privileges());
    ASSERT_SYS_ERR(kill(root_pid, 0), EPERM);
    ASSERT_SYS_ERR(kill(root_pid, SIGUSR1), EPERM);
    ASSERT_SYS_ERR(sigqueue(root_pid, SIGUSR1, v), EPERM);
    ASSERT_SYS_OK(kill(getpid(), 0));
}

/* SIG-SEND-06 kill and sigqueue to another user's process fail with EPERM */
static void test_sig_send_06_other_user_eperm(void **state)
{
    (void)state;
    pid_t target = ipct_spawn(idle, NULL);
    ipct_await_ready(target);
    sig_in_child(signal_across_users, &target);
    ASSERT_SYS_OK(kill(target, SIGKILL));
    assert_child_signaled(target, SIGKILL); /* it was never reached */
}

/* SIG-SEND-07 kill and sigqueue of an invalid signal number fail with EINVAL */
static void test_sig_send_07_invalid_signal_einval(void **state)
{
    union sigval v = { .sival_int = 0 };
    (void)state;

    ASSERT_SYS_ERR(kill(getpid(), NSIG + 1), EINVAL);
    ASSERT_SYS_ERR(kill(getpid(), -1), EINVAL);
    ASSERT_SYS_ERR(sigqueue(getpid(), NSIG + 1, v), EINVAL);
    ASSERT_SYS_ERR(sigqueue(getpid(), -1, v), EINVAL);
}

/* Who sends SIG-SEND-08's signal (sig_group_leader): the test with
 * kill(-pgid), or the leader with kill(0). */
static const enum sig_group_sender by_test = SIG_GROUP_BY_TEST, by_zero = SIG_GROUP_KILL_ZERO;

/* SIG-SEND-08 kill(-pgid) and kill(0) reach every process of the group */
static void test_sig_send_08_process_group(void **state)
{
    const enum sig_group_sender *by = ipct_variant();
    (void)state;

    if (*by == SIG_GROUP_KILL_ZERO) {
        sig_in_child(sig_group_leader, (void *)by);
        return;
    }
    pid_t leader = ipct_spawn(sig_group_leader, (void *)by);
    ipct_await_ready(leader);
    ASSERT_SYS_OK(kill(-leader, SIGUSR1));
    assert_child_exited(leader, 0);
}

/* Drops to nobody, then signals the root process arg names, in the same
 * session: SIGUSR1 is refused with EPERM, SIGCONT goes through. */
static void sigcont_same_session(void *arg)
{
    pid_t root_pid = *(const pid_t *)arg;

    ASSERT_IPC_OK(ipct_drop_privileges());
    ASSERT_EQ(ASSERT_SYS_OK(getsid(0)), getsid(root_pid));
    ASSERT_SYS_ERR(kill(root_pid, SIGUSR1), EPERM);
    ASSERT_SYS_OK(kill(root_pid, SIGCONT));
}

/* SIG-SEND-14 SIGCONT may be sent to another user's process of the same session */
static void test_sig_send_14_sigcont_same_session(void **state)
{
    (void)state;
    pid_t target = ipct_spawn(idle, NULL);
    ipct_await_ready(target);
    sig_in_child(sigcont_same_session, &target);
    ASSERT_SYS_OK(kill(target, SIGKILL));
    assert_child_signaled(target, SIGKILL);
}

static volatile sig_atomic_t handler_tid;

static void note_tid(int sig)
{
    handler_tid = (sig_atomic_t)syscall(SYS_gettid);
    sig_count(sig);
}

static void *raise_in_thread(void *arg)
{
    *(pid_t *)arg = (pid_t)syscall(SYS_gettid);
    raise(SIGUSR1);
    return NULL;
}

/* The handler of a raise in a second thread runs in that thread. */
static void raise_thread(void *arg)
{
    pthread_t t;
    pid_t tid = 0;
    (void)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR1, note_tid, 0));
    ASSERT_ERRNO_EQ(pthread_create(&t, NULL, raise_in_thread, &tid), 0);
    ASSERT_ERRNO_EQ(pthread_join(t, NULL), 0);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_EQ(handler_tid, tid);
    ASSERT_NE(tid, getpid());
}

/* SIG-SEND-15 raise sends the signal to the calling thread */
static void test_sig_send_15_raise_targets_thread(void **state)
{
    (void)state;
    sig_skip_unless_synchronous();
    sig_in_child(raise_thread, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_send_01_raise_delivers_before_return),
    IPCT_TEST(test_sig_send_02_raise_invalid_einval),
    IPCT_TEST(test_sig_send_03_kill_other_process),
    IPCT_TEST(test_sig_send_04_null_signal_probes_live),
    IPCT_TEST(test_sig_send_05_null_signal_gone_esrch),
    IPCT_TEST(test_sig_send_06_other_user_eperm),
    IPCT_TEST(test_sig_send_07_invalid_signal_einval),
    IPCT_VARIANT(test_sig_send_08_process_group, "kill-minus-pgid", &by_test),
    IPCT_VARIANT(test_sig_send_08_process_group, "kill-zero", &by_zero),
    IPCT_TEST(test_sig_send_14_sigcont_same_session),
    IPCT_TEST(test_sig_send_15_raise_targets_thread),
};

IPCT_MAIN("sig_send", tests)
