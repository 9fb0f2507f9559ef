/* SPDX-License-Identifier: MIT */
/*
 * test_sig_killpg.c - signalling a process group with killpg: every member
 * reached, the caller's own group for 0, the refusals (negative group,
 * invalid signal, no permission, no such group); and kill(-1), which
 * reaches every process the sender may signal but the sender itself.
 *
 * Spec: SIG-PG-01..07 (spec/sig.md).
 * See also: test_sig_send.c (SIG-SEND-08, kill(-pgid) and kill(0)).
 */
#include "sig_helpers.h"

#include <grp.h>
#include <sys/syscall.h>

/* Who sends SIG-PG-01's and SIG-PG-02's signal (sig_group_leader). */
static const enum sig_group_sender by_test = SIG_GROUP_BY_TEST, by_leader = SIG_GROUP_KILLPG_ZERO;

/* SIG-PG-01 killpg reaches every process of the group and returns 0 */
static void test_sig_pg_01_killpg_reaches_every_member(void **state)
{
    (void)state;
    pid_t leader = ipct_spawn(sig_group_leader, (void *)&by_test);

    ipct_await_ready(leader);
    ASSERT_EQ(killpg(leader, SIGUSR1), 0);
    assert_child_exited(leader, 0);
}

/* SIG-PG-02 on Linux killpg(0, sig) signals the caller's own process group */
static void test_sig_pg_02_killpg_zero_own_group(void **state)
{
    (void)state;
    sig_in_child(sig_group_leader, (void *)&by_leader);
}

/* SIG-PG-03 on Linux killpg with a negative pgrp fails with -1 and EINVAL */
static void test_sig_pg_03_negative_pgrp_einval(void **state)
{
    (void)state;
    ASSERT_SYS_ERR(killpg(-2, 0), EINVAL);
    ASSERT_SYS_ERR(killpg(-getpgrp(), 0), EINVAL);
}

static void invalid_signal(void *arg)
{
    siginfo_t info;
    (void)arg;

    ASSERT_SYS_OK(setpgid(0, 0));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_SYS_ERR(killpg(getpgrp(), NSIG), EINVAL);
    ASSERT_SYS_ERR(killpg(getpgrp(), -1), EINVAL);
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
    ASSERT_EQ(killpg(getpgrp(), SIGUSR1), 0);
    ASSERT_EQ(sig_take(SIGUSR1, &info), 1);
    ASSERT_EQ(info.si_pid, getpid());
    ASSERT_EQ(sig_take(SIGUSR1, NULL), 0);
}

/* SIG-PG-04 killpg with an invalid signal number fails with -1 and EINVAL and sends nothing */
static void test_sig_pg_04_invalid_signal_einval(void **state)
{
    (void)state;
    sig_in_child(invalid_signal, NULL);
}

/* A root group leader that waits for SIGUSR1. */
static void root_leader(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(setpgid(0, 0));
    sig_await_usr1(0);
    ASSERT_EQ(sig_hits, 1);
}

static void unprivileged_sender(void *arg)
{
    pid_t leader = *(const pid_t *)arg;
    int rc = ipct_drop_privileges();

    if (rc == -EPERM)
        IPCT_SKIP("dropping to nobody: EPERM: the sender cannot become another user");
    ASSERT_IPC_OK(rc);
    ASSERT_SYS_ERR(killpg(leader, SIGUSR1), EPERM);
}

/* SIG-PG-05 killpg to a group of root processes from an unprivileged process fails with EPERM */
static void test_sig_pg_05_unprivileged_sender_eperm(void **state)
{
    (void)state;
    pid_t leader = ipct_spawn(root_leader, NULL);

    ipct_await_ready(leader);
    ipct_await_blocked(leader, SYS_rt_sigsuspend);
    sig_in_child(unprivileged_sender, &leader);
    ASSERT_TRUE(ipct_is_blocked_in(leader, SYS_rt_sigsuspend));
    ASSERT_SYS_OK(kill(leader, SIGUSR1));
    assert_child_exited(leader, 0);
}

static void group_of_one(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(setpgid(0, 0));
}

/* SIG-PG-06 killpg to a process group number that no group has fails with ESRCH */
static void test_sig_pg_06_unused_group_esrch(void **state)
{
    (void)state;
    pid_t gone = ipct_spawn(group_of_one, NULL);

    assert_child_exited(gone, 0);
    ASSERT_SYS_ERR(killpg(gone, 0), ESRCH);
}

/* Become uid (and the gid of the same number), dropping every capability. */
static void become(uid_t uid)
{
    if (setgroups(0, NULL) == -1 && errno == EPERM)
        IPCT_SKIP("setgroups: EPERM: this process cannot switch to a uid of its own");
    ASSERT_SYS_OK(setresgid(uid, uid, uid));
    ASSERT_SYS_OK(setresuid(uid, uid, uid));
    ASSERT_EQ(getuid(), uid);
}

static void helper_of_uid(void *arg)
{
    become(*(const uid_t *)arg);
    sig_await_usr1(0);
    ASSERT_EQ(sig_hits, 1);
}

static void sender_of_uid(void *arg)
{
    become(*(const uid_t *)arg);
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_EQ(kill(-1, SIGUSR1), 0);
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
}

/* SIG-PG-07 kill(-1, sig) reaches every process the sender may signal, and not the sender itself */
static void test_sig_pg_07_kill_minus_one_reaches_same_uid(void **state)
{
    (void)state;
    /* A uid far above any the system hands out, and unique to this test. */
    const uid_t uid = 0x3f000000u + (uid_t)getpid();
    pid_t helpers[2];

    for (int i = 0; i < 2; i++) {
        helpers[i] = ipct_spawn(helper_of_uid, (void *)&uid);
        ipct_await_ready(helpers[i]);
        ipct_await_blocked(helpers[i], SYS_rt_sigsuspend);
    }
    sig_in_child(sender_of_uid, (void *)&uid);
    for (int i = 0; i < 2; i++)
        assert_child_exited(helpers[i], 0);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_pg_01_killpg_reaches_every_member),
    IPCT_TEST(test_sig_pg_02_killpg_zero_own_group),
    IPCT_TEST(test_sig_pg_03_negative_pgrp_einval),
    IPCT_TEST(test_sig_pg_04_invalid_signal_einval),
    IPCT_TEST(test_sig_pg_05_unprivileged_sender_eperm),
    IPCT_TEST(test_sig_pg_06_unused_group_esrch),
    IPCT_TEST(test_sig_pg_07_kill_minus_one_reaches_same_uid),
};

IPCT_MAIN("sig_killpg", tests)
