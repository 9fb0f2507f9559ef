/* SPDX-License-Identifier: MIT */
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

/* Each call sets the action it names, with flags and mask, and
 * ipc_sig_disposition reports it. */
static void set_dispositions(void *arg)
{
    struct sigaction now;
    sigset_t mask;
    (void)arg;

    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    ASSERT_EQ(ipc_sig_disposition(SIGUSR1), IPC_SIG_DEFAULT);
    ASSERT_IPC_OK(ipc_sig_catch(SIGUSR1, sig_count, SA_RESTART, &mask));
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &now));
    ASSERT_EQ(now.sa_handler, sig_count);
    ASSERT_EQ(now.sa_flags & SA_RESTART, SA_RESTART);
    ASSERT_EQ(sigismember(&now.sa_mask, SIGUSR2), 1);
    ASSERT_EQ(ipc_sig_disposition(SIGUSR1), IPC_SIG_CAUGHT);
    ASSERT_IPC_OK(ipc_sig_ignore(SIGUSR1));
    ASSERT_EQ(ipc_sig_disposition(SIGUSR1), IPC_SIG_IGNORED);
    ASSERT_IPC_OK(ipc_sig_catch_info(SIGUSR1, info_handler, 0, NULL));
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &now));
    ASSERT_EQ(now.sa_flags & SA_SIGINFO, SA_SIGINFO);
    ASSERT_PTR_EQ((void *)now.sa_sigaction, (void *)info_handler);
    ASSERT_EQ(sigismember(&now.sa_mask, SIGUSR2), 0);
    ASSERT_EQ(ipc_sig_disposition(SIGUSR1), IPC_SIG_CAUGHT);
    ASSERT_IPC_OK(ipc_sig_default(SIGUSR1));
    ASSERT_EQ(ipc_sig_disposition(SIGUSR1), IPC_SIG_DEFAULT);
}

/* SIG-API-01 catch, catch_info, ignore and default set the action, and disposition reports it */
static void test_sig_api_01_set_and_report_disposition(void **state)
{
    (void)state;
    sig_in_child(set_dispositions, NULL);
}

/* A signal no disposition call may change, and what ipc_sig_disposition
 * says of it: -EINVAL for a number that names no signal. */
struct refusal {
    int sig;
    int disposition;
};

static const struct refusal sig_zero = { 0, -EINVAL }, sig_minus_one = { -1, -EINVAL },
                            sig_nsig = { NSIG, -EINVAL }, sig_kill = { SIGKILL, IPC_SIG_DEFAULT },
                            sig_stop = { SIGSTOP, IPC_SIG_DEFAULT };

/* Every call is refused with -EINVAL for the row's signal, and for SIGUSR1
 * with a bad handler; SIGUSR1's action does not change. */
static void refusals(void *arg)
{
    const struct refusal *r = arg;

    ASSERT_IPC_ERR(ipc_sig_catch(r->sig, sig_count, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_catch_info(r->sig, info_handler, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_ignore(r->sig), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_default(r->sig), EINVAL);
    ASSERT_EQ(ipc_sig_disposition(r->sig), r->disposition);
    ASSERT_IPC_ERR(ipc_sig_catch(SIGUSR1, NULL, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_catch(SIGUSR1, SIG_DFL, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_catch(SIGUSR1, SIG_IGN, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_catch(SIGUSR1, sig_count, SA_SIGINFO, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_catch_info(SIGUSR1, NULL, 0, NULL), EINVAL);
    ASSERT_EQ(ipc_sig_disposition(SIGUSR1), IPC_SIG_DEFAULT);
}

/* SIG-API-02 the disposition calls refuse invalid signals, SIGKILL, SIGSTOP and bad handlers */
static void test_sig_api_02_refuses_with_einval(void **state)
{
    (void)state;
    sig_in_child(refusals, (void *)ipct_variant());
}

/* Block, unblock, mask and pending do what they say. */
static void masks(void *arg)
{
    sigset_t set, old;
    (void)arg;

    ASSERT_IPC_OK(ipc_sig_block(SIGUSR1));
    ASSERT_TRUE(sig_is_blocked(SIGUSR1));
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sig_pending(SIGUSR1)), 0);
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_EQ(ipc_sig_pending(SIGUSR1), 1);
    ASSERT_IPC_OK(ipc_sig_ignore(SIGUSR1));
    ASSERT_EQ(ipc_sig_pending(SIGUSR1), 0);
    ASSERT_IPC_OK(ipc_sig_unblock(SIGUSR1));
    ASSERT_FALSE(sig_is_blocked(SIGUSR1));
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    ASSERT_IPC_OK(ipc_sig_mask(SIG_SETMASK, &set, &old));
    ASSERT_EQ(sigismember(&old, SIGUSR2), 0);
    ASSERT_IPC_OK(ipc_sig_mask(SIG_BLOCK, NULL, &old));
    ASSERT_EQ(sigismember(&old, SIGUSR2), 1);
    ASSERT_IPC_OK(ipc_sig_mask(SIG_UNBLOCK, &set, NULL));
    ASSERT_FALSE(sig_is_blocked(SIGUSR2));
    ASSERT_IPC_ERR(ipc_sig_mask(99, &set, NULL), EINVAL);
    ASSERT_FALSE(sig_is_blocked(SIGUSR2));
    ASSERT_IPC_ERR(ipc_sig_block(0), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_unblock(NSIG), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_pending(0), EINVAL);
}

/* SIG-API-03 block, unblock, mask and pending change and report the mask */
static void test_sig_api_03_mask_and_pending(void **state)
{
    (void)state;
    sig_in_child(masks, NULL);
}

/* Takes one SIGUSR1 (blocked) within the deadline: queued, with the value
 * arg points to. */
static void take_value(void *arg)
{
    int want = *(const int *)arg;
    siginfo_t info;

    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ipct_child_ready();
    ASSERT_TRUE(sig_await(SIGUSR1, &info));
    ASSERT_EQ(info.si_code, SI_QUEUE);
    ASSERT_EQ(info.si_value.sival_int, want);
}

/* As nobody, the root test process reads as -EPERM. */
static void alive_across_users(void *arg)
{
    pid_t root_pid = *(const pid_t *)arg;

    ASSERT_IPC_OK(ipct_drop_privileges());
    ASSERT_IPC_ERR(ipc_sig_alive(root_pid), EPERM);
    ASSERT_IPC_ERR(ipc_sig_send(root_pid, SIGUSR1), EPERM);
    ASSERT_IPC_ERR(ipc_sig_queue(root_pid, SIGUSR1, 1), EPERM);
}

/* SIG-API-04 raise, send, queue and alive deliver, probe and report errors */
static void test_sig_api_04_send_and_probe(void **state)
{
    static const int value = 42;
    pid_t me = getpid();
    (void)state;

    pid_t pid = ipct_spawn(take_value, (void *)&value);
    ipct_await_ready(pid);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sig_alive(pid)), 1);
    ASSERT_IPC_OK(ipc_sig_queue(pid, SIGUSR1, value));
    assert_child_exited(pid, 0);
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

/* A raised SIGUSR2, blocked, is pending. */
static void raise_pending(void *arg)
{
    (void)arg;
    ASSERT_IPC_OK(ipc_sig_block(SIGUSR2));
    ASSERT_IPC_OK(ipc_sig_raise(SIGUSR2));
    ASSERT_EQ(ipc_sig_pending(SIGUSR2), 1);
    ASSERT_IPC_OK(ipc_sig_ignore(SIGUSR2));
}

/* SIG-API-04 raise, send, queue and alive deliver, probe and report errors */
static void test_sig_api_04_raise_to_self(void **state)
{
    (void)state;
    sig_in_child(raise_pending, NULL);
}

/* Times out, refuses bad arguments, then waits with no limit for SIGUSR1
 * and takes it, SI_USER. */
static void wait_forever(void *arg)
{
    sigset_t set;
    siginfo_t info;
    (void)arg;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    ASSERT_IPC_OK(ipc_sig_mask(SIG_BLOCK, &set, NULL));
    ASSERT_IPC_ERR(ipc_sig_wait(&set, 0, NULL), EAGAIN);
    ASSERT_IPC_ERR(ipc_sig_wait(&set, 10, &info), EAGAIN);
    ASSERT_IPC_ERR(ipc_sig_wait(&set, -2, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sig_wait(NULL, 0, NULL), EINVAL);
    ipct_child_ready();
    ASSERT_SIG_EQ(ipc_sig_wait(&set, -1, &info), SIGUSR1);
    ASSERT_SIG_EQ(info.si_signo, SIGUSR1);
    ASSERT_EQ(info.si_code, SI_USER);
}

/* SIG-API-05 wait takes a blocked signal, times out with -EAGAIN, or waits without limit */
static void test_sig_api_05_wait(void **state)
{
    (void)state;
    pid_t pid = ipct_spawn(wait_forever, NULL);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigtimedwait);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_api_01_set_and_report_disposition),
    IPCT_VARIANT(test_sig_api_02_refuses_with_einval, "zero", &sig_zero),
    IPCT_VARIANT(test_sig_api_02_refuses_with_einval, "minus-one", &sig_minus_one),
    IPCT_VARIANT(test_sig_api_02_refuses_with_einval, "nsig", &sig_nsig),
    IPCT_VARIANT(test_sig_api_02_refuses_with_einval, "sigkill", &sig_kill),
    IPCT_VARIANT(test_sig_api_02_refuses_with_einval, "sigstop", &sig_stop),
    IPCT_TEST(test_sig_api_03_mask_and_pending),
    IPCT_TEST(test_sig_api_04_send_and_probe),
    IPCT_TEST(test_sig_api_04_raise_to_self),
    IPCT_TEST(test_sig_api_05_wait),
};

IPCT_MAIN("sig_api", tests)
