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
#include <sys/syscall.h>
#include <sys/wait.h>

static const int terminating[] = { SIGINT, SIGUSR1, SIGUSR2, SIGTERM };
enum { NTERM = sizeof terminating / sizeof terminating[0] };

/* Raises the signal arg points to with its default disposition. Exit 0:
 * raise returned (the signal did not end the process). */
static int raise_default(void *arg)
{
    int sig = *(const int *)arg;

    ASSERT_EQ(sig_set(sig, SIG_DFL), 0);
    ASSERT_EQ(sig_mask_one(SIG_UNBLOCK, sig), 0);
    raise(sig);
    return 0;
}

/* SIG-DFL-01 SIGINT, SIGUSR1, SIGUSR2 and SIGTERM terminate the process by default */
static void test_sig_dfl_01_default_terminates(void **state)
{
    (void)state;
    for (int i = 0; i < NTERM; i++)
        assert_child_signaled(ipct_spawn_rc(raise_default, (void *)&terminating[i]), terminating[i]);
}

/* Raises its signal with core dumps allowed, in the test's directory. */
static int raise_with_core(void *arg)
{
    struct rlimit core;

    ASSERT_EQ(getrlimit(RLIMIT_CORE, &core), 0);
    core.rlim_cur = core.rlim_max;
    ASSERT_EQ(setrlimit(RLIMIT_CORE, &core), 0);
    ASSERT_EQ(chdir(ipct_tmpdir()), 0);
    return raise_default(arg);
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
    static const int core_sigs[] = { SIGABRT, SIGSEGV };
    const char *why = core_unobservable();
    (void)state;

    for (int i = 0; i < 2; i++) {
        pid_t pid = ipct_spawn_rc(why ? raise_default : raise_with_core, (void *)&core_sigs[i]);
        int status = ipct_wait(pid);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != core_sigs[i])
            IPCT_FAIL("status 0x%x; expected death by %s", status, ipct_signame(core_sigs[i]));
        if (why == NULL && !WCOREDUMP(status))
            IPCT_FAIL("%s: died without a core dump", ipct_signame(core_sigs[i]));
    }
    if (why != NULL)
        IPCT_SKIP("death by SIGABRT and SIGSEGV shown; the core dump is not: %s", why);
}

/* Raises SIGCHLD with its default disposition, then makes a child end.
 * Exit 0: alive, and nothing is left pending. */
static int chld_default(void *arg)
{
    (void)arg;
    ASSERT_EQ(sig_set(SIGCHLD, SIG_DFL), 0);
    ASSERT_EQ(raise(SIGCHLD), 0);
    pid_t pid = fork();
    ASSERT_NE(pid, -1);
    if (pid == 0)
        _exit(0);
    ASSERT_EQ(waitpid(pid, NULL, 0), pid);
    ASSERT_TRUE(!sig_is_pending(SIGCHLD));
    return 0;
}

/* SIG-DFL-03 SIGCHLD is ignored by default */
static void test_sig_dfl_03_sigchld_ignored_by_default(void **state)
{
    (void)state;
    sig_in_child(chld_default, NULL);
}

/* Block sig, raise it, and take it with sigsuspend: the handler runs before
 * sigsuspend returns, however late the kernel (or valgrind) delivers. */
static int raise_into_handler(int sig)
{
    sigset_t wait_mask;

    if (sig_mask_one(SIG_BLOCK, sig) != 0 || raise(sig) != 0)
        return -1;
    sigprocmask(SIG_BLOCK, NULL, &wait_mask);
    sigdelset(&wait_mask, sig);
    if (sigsuspend(&wait_mask) != -1 || errno != EINTR)
        return -1;
    return sig_mask_one(SIG_UNBLOCK, sig);
}

/* Exit 0: the handler ran once, with the signal's number. */
static int caught(void *arg)
{
    int sig = *(const int *)arg;

    ASSERT_EQ(sig_catch(sig, sig_count, 0), 0);
    ASSERT_EQ(raise_into_handler(sig), 0);
    ASSERT_TRUE(sig_hits == 1 && sig_last == sig);
    return 0;
}

/* SIG-DFL-04 a caught signal runs its handler, once, with the signal's number */
static void test_sig_dfl_04_custom_handler_runs(void **state)
{
    (void)state;
    for (int i = 0; i < NTERM; i++)
        sig_in_child(caught, (void *)&terminating[i]);
}

/* Exit 0: the ignored signal was raised, discarded, and the process lives. */
static int ignored(void *arg)
{
    int sig = *(const int *)arg;

    ASSERT_EQ(sig_set(sig, SIG_IGN), 0);
    ASSERT_EQ(sig_mask_one(SIG_UNBLOCK, sig), 0);
    ASSERT_EQ(raise(sig), 0);
    ASSERT_EQ(kill(getpid(), sig), 0);
    ASSERT_TRUE(!sig_is_pending(sig));
    return 0;
}

/* SIG-DFL-05 an ignored signal is discarded and the process goes on */
static void test_sig_dfl_05_ignored_signal_discarded(void **state)
{
    (void)state;
    for (int i = 0; i < NTERM; i++)
        sig_in_child(ignored, (void *)&terminating[i]);
}

/* Exit 0: SIG_IGN took away the pending, blocked SIGUSR1. */
static int ignore_pending(void *arg)
{
    (void)arg;
    ASSERT_EQ(sig_mask_one(SIG_BLOCK, SIGUSR1), 0);
    ASSERT_EQ(raise(SIGUSR1), 0);
    ASSERT_TRUE(sig_is_pending(SIGUSR1));
    ASSERT_EQ(sig_set(SIGUSR1, SIG_IGN), 0);
    ASSERT_TRUE(!sig_is_pending(SIGUSR1));
    ASSERT_EQ(sig_set(SIGUSR1, SIG_DFL), 0);
    ASSERT_EQ(sig_mask_one(SIG_UNBLOCK, SIGUSR1), 0); /* nothing left to kill us */
    return 0;
}

/* SIG-DFL-06 setting SIG_IGN discards a pending signal, blocked or not */
static void test_sig_dfl_06_ignoring_discards_pending(void **state)
{
    (void)state;
    sig_in_child(ignore_pending, NULL);
}

/* Exit 0: SIGUSR2, ignored and blocked, stayed pending when sent. */
static int ignored_blocked_pending(void *arg)
{
    (void)arg;
    ASSERT_EQ(sig_set(SIGUSR2, SIG_IGN), 0);
    ASSERT_EQ(sig_mask_one(SIG_BLOCK, SIGUSR2), 0);
    ASSERT_EQ(kill(getpid(), SIGUSR2), 0);
    ASSERT_TRUE(sig_is_pending(SIGUSR2));
    ASSERT_EQ(sig_mask_one(SIG_UNBLOCK, SIGUSR2), 0); /* delivered: ignored */
    ASSERT_TRUE(!sig_is_pending(SIGUSR2));
    return 0;
}

/* SIG-DFL-07 on Linux an ignored signal sent while blocked stays pending */
static void test_sig_dfl_07_ignored_blocked_stays_pending(void **state)
{
    (void)state;
    sig_in_child(ignored_blocked_pending, NULL);
}


/* Exit 0: every attempt to change SIGKILL's or SIGSTOP's action was EINVAL,
 * and each still reads back as SIG_DFL. */
static int change_uncatchable(void *arg)
{
    static const int sigs[] = { SIGKILL, SIGSTOP };
    void (*const actions[])(int) = { sig_count, SIG_IGN, SIG_DFL };
    (void)arg;

    for (int s = 0; s < 2; s++) {
        for (int a = 0; a < 3; a++) {
            errno = 0;
            ASSERT_TRUE(sig_catch(sigs[s], actions[a], 0) == -1 && errno == EINVAL);
        }
        struct sigaction now;
        ASSERT_TRUE(sigaction(sigs[s], NULL, &now) == 0 && now.sa_handler == SIG_DFL);
    }
    return 0;
}

/* SIG-KILL-01 sigaction refuses any action for SIGKILL and SIGSTOP with EINVAL */
static void test_sig_kill_01_sigaction_einval(void **state)
{
    (void)state;
    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind emulates sigaction, and accepts SIG_DFL for SIGKILL and SIGSTOP");
    sig_in_child(change_uncatchable, NULL);
}

/* Exit 0: signal() refused SIGKILL and SIGSTOP with SIG_ERR / EINVAL. */
static int signal_uncatchable(void *arg)
{
    static const int sigs[] = { SIGKILL, SIGSTOP };
    (void)arg;

    for (int s = 0; s < 2; s++) {
        errno = 0;
        ASSERT_TRUE(signal(sigs[s], sig_count) == SIG_ERR && errno == EINVAL);
        errno = 0;
        ASSERT_TRUE(signal(sigs[s], SIG_IGN) == SIG_ERR && errno == EINVAL);
    }
    return 0;
}

/* SIG-KILL-02 signal() refuses to catch or ignore SIGKILL and SIGSTOP */
static void test_sig_kill_02_signal_sig_err(void **state)
{
    (void)state;
    sig_in_child(signal_uncatchable, NULL);
}

static volatile sig_atomic_t kill_in_mask = -1;

static void note_kill_in_mask(int sig)
{
    sigset_t now;

    (void)sig;
    sigprocmask(SIG_BLOCK, NULL, &now);
    kill_in_mask = sigismember(&now, SIGKILL) || sigismember(&now, SIGSTOP);
}

/* Exit 0: blocking every signal succeeded and left SIGKILL and SIGSTOP out;
 * an sa_mask naming them was accepted and did not block them either. */
static int block_uncatchable(void *arg)
{
    sigset_t all, now;
    struct sigaction sa = { .sa_handler = note_kill_in_mask };
    (void)arg;

    sigfillset(&all);
    ASSERT_EQ(sigprocmask(SIG_BLOCK, &all, NULL), 0);
    ASSERT_EQ(sigprocmask(SIG_BLOCK, NULL, &now), 0);
    ASSERT_EQ(sigismember(&now, SIGUSR1), 1);
    ASSERT_TRUE(sigismember(&now, SIGKILL) == 0 && sigismember(&now, SIGSTOP) == 0);
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGKILL);
    sigaddset(&sa.sa_mask, SIGSTOP);
    ASSERT_EQ(sigaction(SIGUSR2, &sa, NULL), 0);
    ASSERT_EQ(raise(SIGUSR2), 0);
    sigdelset(&now, SIGUSR2);
    ASSERT_TRUE(sigsuspend(&now) == -1 && errno == EINTR);
    ASSERT_EQ(kill_in_mask, 0);
    return 0;
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
    ASSERT_EQ(sigprocmask(SIG_BLOCK, &all, NULL), 0);
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
    if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP)
        IPCT_FAIL("status 0x%x; expected stopped by SIGSTOP", status);
    ASSERT_SYS_OK(kill(pid, SIGKILL));
    assert_child_signaled(pid, SIGKILL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_dfl_01_default_terminates),
    IPCT_TEST(test_sig_dfl_02_default_core_dump),
    IPCT_TEST(test_sig_dfl_03_sigchld_ignored_by_default),
    IPCT_TEST(test_sig_dfl_04_custom_handler_runs),
    IPCT_TEST(test_sig_dfl_05_ignored_signal_discarded),
    IPCT_TEST(test_sig_dfl_06_ignoring_discards_pending),
    IPCT_TEST(test_sig_dfl_07_ignored_blocked_stays_pending),
    IPCT_TEST(test_sig_kill_01_sigaction_einval),
    IPCT_TEST(test_sig_kill_02_signal_sig_err),
    IPCT_TEST(test_sig_kill_03_cannot_be_blocked),
    IPCT_TEST(test_sig_kill_04_sigkill_delivered_when_blocked),
    IPCT_TEST(test_sig_kill_05_sigstop_delivered_when_blocked),
};

IPCT_MAIN("sig_dfl", tests)
