/* SPDX-License-Identifier: MIT */
/*
 * test_sig_dfl.c - dispositions: what each signal does by default, a caught
 * signal runs its handler, an ignored one is discarded, and SIGKILL and
 * SIGSTOP can be neither caught, ignored nor blocked.
 *
 * Spec: SIG-DFL-01..07, SIG-KILL-01..05 (spec/sig.md).
 * See also: test_sig_handler.c (what happens while a handler runs).
 */
#include "sig_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static const int sigint = SIGINT, sigusr1 = SIGUSR1, sigusr2 = SIGUSR2, sigterm = SIGTERM;
static const int sigabrt = SIGABRT, sigsegv = SIGSEGV, sigkill = SIGKILL, sigstop = SIGSTOP;

/* Raises the signal arg points to with its default disposition: the
 * behaviour is the death that follows, and raise must not return. */
static void raise_default(void *arg)
{
    int sig = *(const int *)arg;
    sigset_t none;

    ASSERT_SYS_OK(sig_set(sig, SIG_DFL));
    ASSERT_SYS_OK(sig_mask_one(SIG_UNBLOCK, sig));
    raise(sig);
    /* cppcheck-suppress unreachableCode ; raise returns if the signal came late */
    if (!ipct_under_memcheck())
        IPCT_FAIL("raise(%s) returned: its default action did not end the process",
                  ipct_signame(sig));
    sigemptyset(&none); /* valgrind delivers it late: wait for it */
    for (;;)
        sigsuspend(&none);
}

/* SIG-DFL-01 SIGINT, SIGUSR1, SIGUSR2 and SIGTERM terminate the process by default */
static void test_sig_dfl_01_default_terminates(void **state)
{
    const int *sig = ipct_variant();
    (void)state;

    assert_child_signaled(ipct_spawn(raise_default, (void *)sig), *sig);
}

/* The test's directory, made by the test process before it forks: a child
 * that called ipct_tmpdir itself would make a directory of its own, which
 * no teardown removes. */
static const char *core_dir;

/* Raises its signal with core dumps allowed, in the test's directory. */
static void raise_with_core(void *arg)
{
    struct rlimit core;

    ASSERT_SYS_OK(getrlimit(RLIMIT_CORE, &core));
    core.rlim_cur = core.rlim_max;
    ASSERT_SYS_OK(setrlimit(RLIMIT_CORE, &core));
    ASSERT_SYS_OK(chdir(core_dir));
    raise_default(arg);
}

/* Why the core cannot be observed here, or NULL when it can. */
static const char *core_unobservable(void)
{
    static char pattern[256];
    struct rlimit core;

    ipct_read_text("/proc/sys/kernel/core_pattern", pattern, sizeof pattern);
    if (ipct_under_memcheck())
        return "valgrind writes its own vgcore and kills the process without a kernel core dump";
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return "a sanitizer build maps terabytes of shadow memory: no core is dumped";
#endif
    if (pattern[0] == '|' || pattern[0] == '/' || strchr(pattern, '%') != NULL)
        return "kernel.core_pattern is not a plain file name in the working directory";
    if (getrlimit(RLIMIT_CORE, &core) != 0 || core.rlim_max < (rlim_t)(64L << 20))
        return "the hard RLIMIT_CORE is below 64 MiB";
    return NULL;
}

/* SIG-DFL-02 SIGABRT and SIGSEGV terminate the process with a core dump by default */
static void test_sig_dfl_02_default_core_dump(void **state)
{
    const int *sig = ipct_variant();
    const char *why = core_unobservable();
    char core[64];
    struct stat st;
    (void)state;

    core_dir = ipct_tmpdir();
    pid_t pid = ipct_spawn(why ? raise_default : raise_with_core, (void *)sig);
    int status = ipct_wait(pid);
    ASSERT_TRUE(WIFSIGNALED(status));
    ASSERT_SIG_EQ(WTERMSIG(status), *sig);
    if (why != NULL)
        IPCT_SKIP("death by %s shown; the core dump is not: %s", ipct_signame(*sig), why);
    ASSERT_TRUE(WCOREDUMP(status));
    /* the core is in the test's own directory, and removed from it */
    if (ipct_read_long("/proc/sys/kernel/core_uses_pid") != 0)
        snprintf(core, sizeof core, "core.%d", (int)pid);
    else
        snprintf(core, sizeof core, "core");
    ASSERT_SYS_OK(stat(ipct_path(core), &st));
    ASSERT_TRUE(S_ISREG(st.st_mode));
    ASSERT_SYS_OK(unlink(ipct_path(core)));
}

/* Raises SIGCHLD with its default disposition, then makes a child end: the
 * process lives, and nothing is left pending. */
static void chld_default(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_set(SIGCHLD, SIG_DFL));
    ASSERT_SYS_OK(raise(SIGCHLD));
    pid_t pid = ASSERT_SYS_OK(fork());
    if (pid == 0)
        _exit(0);
    ASSERT_EQ(ASSERT_SYS_OK(waitpid(pid, NULL, 0)), pid);
    ASSERT_FALSE(sig_is_pending(SIGCHLD));
}

/* SIG-DFL-03 SIGCHLD is ignored by default */
static void test_sig_dfl_03_sigchld_ignored_by_default(void **state)
{
    (void)state;
    sig_in_child(chld_default, NULL);
}

/* Block sig, raise it, and take it with sigsuspend: the handler runs before
 * sigsuspend returns, however late the kernel (or valgrind) delivers. */
static void raise_into_handler(int sig)
{
    sigset_t wait_mask;

    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, sig));
    ASSERT_SYS_OK(raise(sig));
    sigprocmask(SIG_BLOCK, NULL, &wait_mask);
    sigdelset(&wait_mask, sig);
    ASSERT_SYS_ERR(sigsuspend(&wait_mask), EINTR);
    ASSERT_SYS_OK(sig_mask_one(SIG_UNBLOCK, sig));
}

/* The handler runs once, with the signal's number. */
static void caught(void *arg)
{
    int sig = *(const int *)arg;

    ASSERT_SYS_OK(sig_catch(sig, sig_count, 0));
    raise_into_handler(sig);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_SIG_EQ(sig_last, sig);
}

/* SIG-DFL-04 a caught signal runs its handler, once, with the signal's number */
static void test_sig_dfl_04_custom_handler_runs(void **state)
{
    (void)state;
    sig_in_child(caught, (void *)ipct_variant());
}

/* The ignored signal is raised, discarded, and the process lives. */
static void ignored(void *arg)
{
    int sig = *(const int *)arg;

    ASSERT_SYS_OK(sig_set(sig, SIG_IGN));
    ASSERT_SYS_OK(sig_mask_one(SIG_UNBLOCK, sig));
    ASSERT_SYS_OK(raise(sig));
    ASSERT_SYS_OK(kill(getpid(), sig));
    ASSERT_FALSE(sig_is_pending(sig));
}

/* SIG-DFL-05 an ignored signal is discarded and the process goes on */
static void test_sig_dfl_05_ignored_signal_discarded(void **state)
{
    (void)state;
    sig_in_child(ignored, (void *)ipct_variant());
}

/* SIG_IGN takes away the pending, blocked SIGUSR1. */
static void ignore_pending(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_SYS_OK(raise(SIGUSR1));
    ASSERT_TRUE(sig_is_pending(SIGUSR1));
    ASSERT_SYS_OK(sig_set(SIGUSR1, SIG_IGN));
    ASSERT_FALSE(sig_is_pending(SIGUSR1));
    ASSERT_SYS_OK(sig_set(SIGUSR1, SIG_DFL));
    ASSERT_SYS_OK(sig_mask_one(SIG_UNBLOCK, SIGUSR1)); /* nothing left to kill us */
}

/* SIG-DFL-06 setting SIG_IGN discards a pending signal, blocked or not */
static void test_sig_dfl_06_ignoring_discards_pending(void **state)
{
    (void)state;
    sig_in_child(ignore_pending, NULL);
}

/* SIGUSR2, ignored and blocked, stays pending when sent. */
static void ignored_blocked_pending(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_set(SIGUSR2, SIG_IGN));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR2));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR2));
    ASSERT_TRUE(sig_is_pending(SIGUSR2));
    ASSERT_SYS_OK(sig_mask_one(SIG_UNBLOCK, SIGUSR2)); /* delivered: ignored */
    ASSERT_FALSE(sig_is_pending(SIGUSR2));
}

/* SIG-DFL-07 on Linux an ignored signal sent while blocked stays pending */
static void test_sig_dfl_07_ignored_blocked_stays_pending(void **state)
{
    (void)state;
    sig_in_child(ignored_blocked_pending, NULL);
}

/* Every attempt to change the action of the signal arg points to fails
 * with EINVAL, and it still reads back as SIG_DFL. */
static void change_uncatchable(void *arg)
{
    int sig = *(const int *)arg;
    struct sigaction now;

    ASSERT_SYS_ERR(sig_catch(sig, sig_count, 0), EINVAL);
    ASSERT_SYS_ERR(sig_set(sig, SIG_IGN), EINVAL);
    ASSERT_SYS_ERR(sig_set(sig, SIG_DFL), EINVAL);
    ASSERT_SYS_OK(sigaction(sig, NULL, &now));
    ASSERT_EQ(now.sa_handler, SIG_DFL);
}

/* SIG-KILL-01 sigaction refuses any action for SIGKILL and SIGSTOP with EINVAL */
static void test_sig_kill_01_sigaction_einval(void **state)
{
    (void)state;
    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind emulates sigaction, and accepts SIG_DFL for SIGKILL and SIGSTOP");
    sig_in_child(change_uncatchable, (void *)ipct_variant());
}

/* signal() refuses to catch or ignore the signal arg points to: SIG_ERR, EINVAL. */
static void signal_uncatchable(void *arg)
{
    int sig = *(const int *)arg;

    errno = 0;
    ASSERT_EQ(signal(sig, sig_count), SIG_ERR);
    ASSERT_ERRNO_EQ(errno, EINVAL);
    errno = 0;
    ASSERT_EQ(signal(sig, SIG_IGN), SIG_ERR);
    ASSERT_ERRNO_EQ(errno, EINVAL);
}

/* SIG-KILL-02 signal() refuses to catch or ignore SIGKILL and SIGSTOP */
static void test_sig_kill_02_signal_sig_err(void **state)
{
    (void)state;
    sig_in_child(signal_uncatchable, (void *)ipct_variant());
}

static volatile sig_atomic_t kill_in_mask = -1;

static void note_kill_in_mask(int sig)
{
    sigset_t now;

    (void)sig;
    sigprocmask(SIG_BLOCK, NULL, &now);
    kill_in_mask = sigismember(&now, SIGKILL) || sigismember(&now, SIGSTOP);
}

/* Blocking every signal succeeds and leaves SIGKILL and SIGSTOP out; an
 * sa_mask naming them is accepted and does not block them either. */
static void block_uncatchable(void *arg)
{
    sigset_t all, now;
    struct sigaction sa = { .sa_handler = note_kill_in_mask };
    (void)arg;

    sigfillset(&all);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &all, NULL));
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    ASSERT_EQ(sigismember(&now, SIGUSR1), 1);
    ASSERT_EQ(sigismember(&now, SIGKILL), 0);
    ASSERT_EQ(sigismember(&now, SIGSTOP), 0);
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGKILL);
    sigaddset(&sa.sa_mask, SIGSTOP);
    ASSERT_SYS_OK(sigaction(SIGUSR2, &sa, NULL));
    ASSERT_SYS_OK(raise(SIGUSR2));
    sigdelset(&now, SIGUSR2);
    ASSERT_SYS_ERR(sigsuspend(&now), EINTR);
    ASSERT_EQ(kill_in_mask, 0);
}

/* SIG-KILL-03 SIGKILL and SIGSTOP cannot be blocked, and asking is no error */
static void test_sig_kill_03_cannot_be_blocked(void **state)
{
    (void)state;
    sig_in_child(block_uncatchable, NULL);
}

/* Blocks and ignores everything it can, then waits in sigsuspend forever. */
static void fortress(void *arg)
{
    sigset_t all;
    (void)arg;

    sigfillset(&all);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            sig_set(sig, SIG_IGN); /* glibc reserves 32 and 33: EINVAL there, harmless */
    }
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &all, NULL));
    ipct_child_ready();
    for (;;)
        sigsuspend(&all);
}

/* SIG-KILL-04 SIGKILL ends a process that blocks and ignores every signal */
static void test_sig_kill_04_sigkill_delivered_when_blocked(void **state)
{
    (void)state;
    pid_t pid = ipct_spawn(fortress, NULL);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigsuspend);
    ASSERT_SYS_OK(kill(pid, SIGTERM)); /* ignored: proves the fortress holds */
    ASSERT_SYS_OK(kill(pid, SIGKILL));
    assert_child_signaled(pid, SIGKILL);
}

/* SIG-KILL-05 SIGSTOP stops a process that blocks and ignores every signal */
static void test_sig_kill_05_sigstop_delivered_when_blocked(void **state)
{
    int status = 0;
    (void)state;

    pid_t pid = ipct_spawn(fortress, NULL);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, SYS_rt_sigsuspend);
    ASSERT_SYS_OK(kill(pid, SIGSTOP));
    ASSERT_EQ(ASSERT_SYS_OK(waitpid(pid, &status, WUNTRACED)), pid);
    ASSERT_TRUE(WIFSTOPPED(status));
    ASSERT_SIG_EQ(WSTOPSIG(status), SIGSTOP);
    ASSERT_SYS_OK(kill(pid, SIGKILL));
    assert_child_signaled(pid, SIGKILL);
}

static const struct CMUnitTest tests[] = {
    IPCT_VARIANT(test_sig_dfl_01_default_terminates, "sigint", &sigint),
    IPCT_VARIANT(test_sig_dfl_01_default_terminates, "sigusr1", &sigusr1),
    IPCT_VARIANT(test_sig_dfl_01_default_terminates, "sigusr2", &sigusr2),
    IPCT_VARIANT(test_sig_dfl_01_default_terminates, "sigterm", &sigterm),
    IPCT_VARIANT(test_sig_dfl_02_default_core_dump, "sigabrt", &sigabrt),
    IPCT_VARIANT(test_sig_dfl_02_default_core_dump, "sigsegv", &sigsegv),
    IPCT_TEST(test_sig_dfl_03_sigchld_ignored_by_default),
    IPCT_VARIANT(test_sig_dfl_04_custom_handler_runs, "sigint", &sigint),
    IPCT_VARIANT(test_sig_dfl_04_custom_handler_runs, "sigusr1", &sigusr1),
    IPCT_VARIANT(test_sig_dfl_04_custom_handler_runs, "sigusr2", &sigusr2),
    IPCT_VARIANT(test_sig_dfl_04_custom_handler_runs, "sigterm", &sigterm),
    IPCT_VARIANT(test_sig_dfl_05_ignored_signal_discarded, "sigint", &sigint),
    IPCT_VARIANT(test_sig_dfl_05_ignored_signal_discarded, "sigusr1", &sigusr1),
    IPCT_VARIANT(test_sig_dfl_05_ignored_signal_discarded, "sigusr2", &sigusr2),
    IPCT_VARIANT(test_sig_dfl_05_ignored_signal_discarded, "sigterm", &sigterm),
    IPCT_TEST(test_sig_dfl_06_ignoring_discards_pending),
    IPCT_TEST(test_sig_dfl_07_ignored_blocked_stays_pending),
    IPCT_VARIANT(test_sig_kill_01_sigaction_einval, "sigkill", &sigkill),
    IPCT_VARIANT(test_sig_kill_01_sigaction_einval, "sigstop", &sigstop),
    IPCT_VARIANT(test_sig_kill_02_signal_sig_err, "sigkill", &sigkill),
    IPCT_VARIANT(test_sig_kill_02_signal_sig_err, "sigstop", &sigstop),
    IPCT_TEST(test_sig_kill_03_cannot_be_blocked),
    IPCT_TEST(test_sig_kill_04_sigkill_delivered_when_blocked),
    IPCT_TEST(test_sig_kill_05_sigstop_delivered_when_blocked),
};

IPCT_MAIN("sig_dfl", tests)
