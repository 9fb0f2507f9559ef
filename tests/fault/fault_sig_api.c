/* SPDX-License-Identifier: MIT */
/*
 * fault_sig_api.c - impl's checked signal layer with the call under it
 * failing: each function returns the call's errno, negated, and changes
 * nothing (no disposition, no mask bit, no signal sent or taken).
 *
 * The test process works on SIGUSR1 only, which the harness never uses,
 * and arms each point just around the call under test: the harness itself
 * calls sigaction, sigprocmask and sigtimedwait when it waits for children.
 *
 * Spec: SIG-FAULT-01..04 (spec/sig.md).
 * See also: impl/src/sig.c, fault_sig_bridge.c, test_sig_api.c.
 */
#include "fault.h"

#include "ipcspec/sig.h"

#include <unistd.h>

static void handler_a(int sig)
{
    (void)sig;
}

static void handler_b(int sig)
{
    (void)sig;
}

static void action_b(int sig, siginfo_t *info, void *ctx)
{
    (void)sig;
    (void)info;
    (void)ctx;
}

static void (*usr1_handler(void))(int)
{
    struct sigaction now;

    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &now));
    return now.sa_handler;
}

static int usr1_blocked(void)
{
    sigset_t now;

    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    return sigismember(&now, SIGUSR1) == 1;
}

static int usr1_pending(void)
{
    sigset_t now;

    ASSERT_SYS_OK(sigpending(&now));
    return sigismember(&now, SIGUSR1) == 1;
}

static int do_catch(void) { return ipc_sig_catch(SIGUSR1, handler_b, SA_RESTART, NULL); }
static int do_catch_info(void) { return ipc_sig_catch_info(SIGUSR1, action_b, 0, NULL); }
static int do_ignore(void) { return ipc_sig_ignore(SIGUSR1); }
static int do_default(void) { return ipc_sig_default(SIGUSR1); }
static int do_disposition(void) { return ipc_sig_disposition(SIGUSR1); }

/* The impl/ call a variant of SIG-FAULT-01 makes with sigaction failing. */
struct api_call {
    int (*call)(void);
};

static const struct api_call c_catch = { do_catch }, c_catch_info = { do_catch_info },
                             c_ignore = { do_ignore }, c_default = { do_default },
                             c_disposition = { do_disposition };

/* SIG-FAULT-01 a failing sigaction is returned as its errno and the action stays */
static void fault_sig_fault_01_sigaction_einval(void **state)
{
    const struct api_call *c = ipct_variant();
    (void)state;

    ASSERT_IPC_OK(ipc_sig_catch(SIGUSR1, handler_a, 0, NULL));
    ipcf_fail_nth("posix/proc/sigaction", 1, EINVAL);
    ASSERT_IPC_ERR(c->call(), EINVAL);
    ASSERT_FIRED("posix/proc/sigaction", 1);
    ipcf_disarm_all();
    ASSERT_EQ(usr1_handler(), handler_a); /* the failed call changed nothing */
    ASSERT_IPC_OK(ipc_sig_default(SIGUSR1));
}

/* SIG-FAULT-02 a failing sigprocmask or sigpending is returned and the mask stays */
static void fault_sig_fault_02_sigprocmask_efault(void **state)
{
    sigset_t usr1;
    (void)state;

    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ipcf_fail_nth("posix/proc/sigprocmask", 1, EFAULT);
    ASSERT_IPC_ERR(ipc_sig_block(SIGUSR1), EFAULT);
    ASSERT_FIRED("posix/proc/sigprocmask", 1);
    ipcf_disarm_all();
    ASSERT_FALSE(usr1_blocked());
    ipcf_fail_nth("posix/proc/sigprocmask", 1, EFAULT);
    ASSERT_IPC_ERR(ipc_sig_mask(SIG_SETMASK, &usr1, NULL), EFAULT);
    ASSERT_FIRED("posix/proc/sigprocmask", 1);
    ipcf_disarm_all();
    ASSERT_FALSE(usr1_blocked());
    ASSERT_IPC_OK(ipc_sig_block(SIGUSR1));
    ipcf_fail_nth("posix/proc/sigprocmask", 1, EFAULT);
    ASSERT_IPC_ERR(ipc_sig_unblock(SIGUSR1), EFAULT);
    ASSERT_FIRED("posix/proc/sigprocmask", 1);
    ipcf_disarm_all();
    ASSERT_TRUE(usr1_blocked());
    ipcf_fail_nth("posix/proc/sigpending", 1, EFAULT);
    ASSERT_IPC_ERR(ipc_sig_pending(SIGUSR1), EFAULT);
    ASSERT_FIRED("posix/proc/sigpending", 1);
    ipcf_disarm_all();
    ASSERT_IPC_OK(ipc_sig_unblock(SIGUSR1));
}

/* SIG-FAULT-03 a failing raise, kill or sigqueue is returned and nothing is sent */
static void fault_sig_fault_03_send_fails_nothing_sent(void **state)
{
    (void)state;
    ASSERT_IPC_OK(ipc_sig_block(SIGUSR1));
    ipcf_fail_nth("posix/proc/raise", 1, ENOMEM);
    ASSERT_IPC_ERR(ipc_sig_raise(SIGUSR1), ENOMEM);
    ASSERT_FIRED("posix/proc/raise", 1);
    ipcf_disarm_all();
    ipcf_fail_nth("posix/proc/kill", 1, EPERM);
    ASSERT_IPC_ERR(ipc_sig_send(getpid(), SIGUSR1), EPERM);
    ASSERT_FIRED("posix/proc/kill", 1);
    ipcf_disarm_all();
    ipcf_fail_nth("posix/proc/sigqueue", 1, EAGAIN);
    ASSERT_IPC_ERR(ipc_sig_queue(getpid(), SIGUSR1, 5), EAGAIN);
    ASSERT_FIRED("posix/proc/sigqueue", 1);
    ipcf_disarm_all();
    ASSERT_FALSE(usr1_pending());
    ipcf_fail_nth("posix/proc/kill", 1, EPERM);
    ASSERT_IPC_ERR(ipc_sig_alive(getpid()), EPERM);
    ASSERT_FIRED("posix/proc/kill", 1);
    ipcf_fail_nth("posix/proc/kill", 1, ESRCH);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sig_alive(getpid())), 0); /* ESRCH means gone */
    ASSERT_FIRED("posix/proc/kill", 1);
    ipcf_disarm_all();
    ASSERT_IPC_OK(ipc_sig_unblock(SIGUSR1));
}

/* SIG-FAULT-04 a failing sigtimedwait is returned and the signal stays pending */
static void fault_sig_fault_04_wait_eintr_takes_nothing(void **state)
{
    sigset_t usr1;
    siginfo_t info;
    (void)state;

    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ASSERT_IPC_OK(ipc_sig_block(SIGUSR1));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ipcf_fail_nth("posix/proc/sigtimedwait", 1, EINTR);
    ASSERT_IPC_ERR(ipc_sig_wait(&usr1, -1, &info), EINTR);
    ASSERT_FIRED("posix/proc/sigtimedwait", 1);
    ipcf_disarm_all();
    ASSERT_TRUE(usr1_pending());
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sig_wait(&usr1, 0, &info)), SIGUSR1);
    ASSERT_IPC_OK(ipc_sig_unblock(SIGUSR1));
}

static const struct CMUnitTest tests[] = {
    IPCT_VARIANT_WITH(fault_sig_fault_01_sigaction_einval, "catch", &c_catch, ipcf_setup,
                      ipcf_teardown),
    IPCT_VARIANT_WITH(fault_sig_fault_01_sigaction_einval, "catch-info", &c_catch_info, ipcf_setup,
                      ipcf_teardown),
    IPCT_VARIANT_WITH(fault_sig_fault_01_sigaction_einval, "ignore", &c_ignore, ipcf_setup,
                      ipcf_teardown),
    IPCT_VARIANT_WITH(fault_sig_fault_01_sigaction_einval, "default", &c_default, ipcf_setup,
                      ipcf_teardown),
    IPCT_VARIANT_WITH(fault_sig_fault_01_sigaction_einval, "disposition", &c_disposition,
                      ipcf_setup, ipcf_teardown),
    IPCF_TEST(fault_sig_fault_02_sigprocmask_efault),
    IPCF_TEST(fault_sig_fault_03_send_fails_nothing_sent),
    IPCF_TEST(fault_sig_fault_04_wait_eintr_takes_nothing),
};

IPCT_MAIN("sig_api_faults", tests)
