/*
 * test_sig_api.c - the contract of impl's checked layer (ipcspec/sig.h):
 * dispositions, the mask, sending and waiting, and what each refuses.
 * Each case runs in a child, so the test process's own signal state stays
 * as the harness needs it.
 *
 * Spec: SIG-API-01..05 (spec/sig.md).
 * See also: impl/src/sig.c, test_sig_bridge.c, fault_sig_api.c.
 */
#include "sig_helpers.h"

#include "ipcspec/sig.h"

#include <sys/syscall.h>

static void info_handler(int sig, siginfo_t *info, void *ctx)
{
    (void)info;
    (void)ctx;
    sig_count(sig);
}

/* Exit 0: each call set the action it names, with flags and mask, and
 * ipc_sig_disposition reported it. */
static int set_dispositions(void *arg)
{
    struct sigaction now;
    sigset_t mask;
    (void)arg;

    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    ASSERT_EQ(ipc_sig_disposition(SIGUSR1), IPC_SIG_DEFAULT);
    ASSERT_EQ(ipc_sig_catch(SIGUSR1, sig_count, SA_RESTART, &mask), 0);
    ASSERT_TRUE(sigaction(SIGUSR1, NULL, &now) == 0 && now.sa_handler == sig_count);
    ASSERT_TRUE((now.sa_flags & SA_RESTART) && sigismember(&now.sa_mask, SIGUSR2) == 1);
    ASSERT_EQ(ipc_sig_disposition(SIGUSR1), IPC_SIG_CAUGHT);
    ASSERT_TRUE(ipc_sig_ignore(SIGUSR1) == 0 && ipc_sig_disposition(SIGUSR1) == IPC_SIG_IGNORED);
    ASSERT_EQ(ipc_sig_catch_info(SIGUSR1, info_handler, 0, NULL), 0);
    ASSERT_TRUE(sigaction(SIGUSR1, NULL, &now) == 0 && (now.sa_flags & SA_SIGINFO));
    ASSERT_TRUE(now.sa_sigaction == info_handler && sigismember(&now.sa_mask, SIGUSR2) == 0);
    ASSERT_EQ(ipc_sig_disposition(SIGUSR1), IPC_SIG_CAUGHT);
    ASSERT_TRUE(ipc_sig_default(SIGUSR1) == 0 && ipc_sig_disposition(SIGUSR1) == IPC_SIG_DEFAULT);
    return 0;
}

/* SIG-API-01 catch, catch_info, ignore and default set the action, and disposition reports it */
static void test_sig_api_01_set_and_report_disposition(void **state)
{
    (void)state;
    sig_in_child(set_dispositions, NULL);
}

/* Exit 0: every refusal was -EINVAL and SIGUSR1's action did not change. */
static int refusals(void *arg)
{
    static const int bad[] = { 0, -1, NSIG, SIGKILL, SIGSTOP };
    (void)arg;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_EQ(ipc_sig_catch(bad[i], sig_count, 0, NULL), -EINVAL);
        ASSERT_EQ(ipc_sig_catch_info(bad[i], info_handler, 0, NULL), -EINVAL);
        ASSERT_TRUE(ipc_sig_ignore(bad[i]) == -EINVAL && ipc_sig_default(bad[i]) == -EINVAL);
    }
    ASSERT_TRUE(ipc_sig_disposition(0) == -EINVAL && ipc_sig_disposition(NSIG) == -EINVAL);
    ASSERT_EQ(ipc_sig_disposition(SIGKILL), IPC_SIG_DEFAULT);
    ASSERT_EQ(ipc_sig_catch(SIGUSR1, NULL, 0, NULL), -EINVAL);
    ASSERT_EQ(ipc_sig_catch(SIGUSR1, SIG_DFL, 0, NULL), -EINVAL);
    ASSERT_EQ(ipc_sig_catch(SIGUSR1, SIG_IGN, 0, NULL), -EINVAL);
    ASSERT_EQ(ipc_sig_catch(SIGUSR1, sig_count, SA_SIGINFO, NULL), -EINVAL);
    ASSERT_EQ(ipc_sig_catch_info(SIGUSR1, NULL, 0, NULL), -EINVAL);
    ASSERT_EQ(ipc_sig_disposition(SIGUSR1), IPC_SIG_DEFAULT);
    return 0;
}

/* SIG-API-02 the disposition calls refuse invalid signals, SIGKILL, SIGSTOP and bad handlers */
static void test_sig_api_02_refuses_with_einval(void **state)
{
    (void)state;
    sig_in_child(refusals, NULL);
}

/* Exit 0: block, unblock, mask and pending did what they say. */
static int masks(void *arg)
{
    sigset_t set, old;
    (void)arg;

    ASSERT_TRUE(ipc_sig_block(SIGUSR1) == 0 && sig_is_blocked(SIGUSR1));
    ASSERT_EQ(ipc_sig_pending(SIGUSR1), 0);
    ASSERT_TRUE(kill(getpid(), SIGUSR1) == 0 && ipc_sig_pending(SIGUSR1) == 1);
    ASSERT_TRUE(ipc_sig_ignore(SIGUSR1) == 0 && ipc_sig_pending(SIGUSR1) == 0);
    ASSERT_TRUE(ipc_sig_unblock(SIGUSR1) == 0 && !sig_is_blocked(SIGUSR1));
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    ASSERT_TRUE(ipc_sig_mask(SIG_SETMASK, &set, &old) == 0 && sigismember(&old, SIGUSR2) == 0);
    ASSERT_TRUE(ipc_sig_mask(SIG_BLOCK, NULL, &old) == 0 && sigismember(&old, SIGUSR2) == 1);
    ASSERT_TRUE(ipc_sig_mask(SIG_UNBLOCK, &set, NULL) == 0 && !sig_is_blocked(SIGUSR2));
    ASSERT_TRUE(ipc_sig_mask(99, &set, NULL) == -EINVAL && !sig_is_blocked(SIGUSR2));
    ASSERT_TRUE(ipc_sig_block(0) == -EINVAL && ipc_sig_unblock(NSIG) == -EINVAL);
    ASSERT_EQ(ipc_sig_pending(0), -EINVAL);
    return 0;
}

/* SIG-API-03 block, unblock, mask and pending change and report the mask */
static void test_sig_api_03_mask_and_pending(void **state)
{
    (void)state;
    sig_in_child(masks, NULL);
}

/* Takes one SIGUSR1 (blocked) within the deadline. Exit: its value, or 100. */
static int take_value(void *arg)
{
    siginfo_t info;
    (void)arg;

    ASSERT_EQ(sig_mask_one(SIG_BLOCK, SIGUSR1), 0);
    ipct_child_ready();
    if (!sig_await(SIGUSR1, &info))
        return 100;
    return info.si_code == SI_QUEUE ? info.si_value.sival_int : 101;
}

/* Exit 0: as nobody, the root test process reads as -EPERM. */
static int alive_across_users(void *arg)
{
    pid_t root_pid = *(const pid_t *)arg;

    ASSERT_EQ(ipct_drop_privileges(), 0);
    ASSERT_EQ(ipc_sig_alive(root_pid), -EPERM);
    ASSERT_EQ(ipc_sig_send(root_pid, SIGUSR1), -EPERM);
    ASSERT_EQ(ipc_sig_queue(root_pid, SIGUSR1, 1), -EPERM);
    return 0;
}

/* SIG-API-04 raise, send, queue and alive deliver, probe and report errors */
static void test_sig_api_04_send_and_probe(void **state)
{
    pid_t me = getpid();
    (void)state;

    pid_t pid = ipct_spawn_rc(take_value, NULL);
    ipct_await_ready(pid);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sig_alive(pid)), 1);
    ASSERT_IPC_OK(ipc_sig_queue(pid, SIGUSR1, 42));
    assert_child_exited(pid, 42);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sig_alive(pid)), 0);
    ASSERT_IPC_ERR(ipc_sig_send(pid, SIGUSR1), ESRCH);
    ASSERT_IPC_ERR(ipc_sig_queue(pid, SIGUSR1, 1), ESRCH);
    sig_in_child(alive_across_users, &me);
    ASSERT_IPC_ERR(ipc_sig_send(-1, SIGUSR1), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_send(me, NSIG), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_queue(0, SIGUSR1, 1), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_queue(me, 0, 1), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_alive(0), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_raise(NSIG), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_raise(0), EINVAL);
    ASSERT_IPC_OK(ipc_sig_send(me, 0)); /* the null signal: a probe */
}

/* Exit 0: a raised SIGUSR2, blocked, was pending. */
static int raise_pending(void *arg)
{
    (void)arg;
    ASSERT_EQ(ipc_sig_block(SIGUSR2), 0);
    ASSERT_TRUE(ipc_sig_raise(SIGUSR2) == 0 && ipc_sig_pending(SIGUSR2) == 1);
    ASSERT_EQ(ipc_sig_ignore(SIGUSR2), 0);
    return 0;
}

/* SIG-API-04 raise, send, queue and alive deliver, probe and report errors */
static void test_sig_api_04_raise_to_self(void **state)
{
    (void)state;
    sig_in_child(raise_pending, NULL);
}

/* Waits with no limit for SIGUSR1. Exit 0: taken, SI_USER. */
static int wait_forever(void *arg)
{
    sigset_t set;
    siginfo_t info;
    (void)arg;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    ASSERT_EQ(ipc_sig_mask(SIG_BLOCK, &set, NULL), 0);
    ASSERT_EQ(ipc_sig_wait(&set, 0, NULL), -EAGAIN);
    ASSERT_EQ(ipc_sig_wait(&set, 10, &info), -EAGAIN);
    ASSERT_TRUE(ipc_sig_wait(&set, -2, NULL) == -EINVAL && ipc_sig_wait(NULL, 0, NULL) == -EINVAL);
    ipct_child_ready();
    ASSERT_EQ(ipc_sig_wait(&set, -1, &info), SIGUSR1);
    ASSERT_TRUE(info.si_signo == SIGUSR1 && info.si_code == SI_USER);
    return 0;
}

/* SIG-API-05 wait takes a blocked signal, times out with -EAGAIN, or waits without limit */
static void test_sig_api_05_wait(void **state)
{
    (void)state;
    pid_t pid = ipct_spawn_rc(wait_forever, NULL);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigtimedwait);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_api_01_set_and_report_disposition),
    IPCT_TEST(test_sig_api_02_refuses_with_einval),
    IPCT_TEST(test_sig_api_03_mask_and_pending),
    IPCT_TEST(test_sig_api_04_send_and_probe),
    IPCT_TEST(test_sig_api_04_raise_to_self),
    IPCT_TEST(test_sig_api_05_wait),
};

IPCT_MAIN("sig_api", tests)
