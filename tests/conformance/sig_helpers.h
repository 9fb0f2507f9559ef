/* SPDX-License-Identifier: MIT */
/*
 * sig_helpers.h - what the signal tests share.
 *
 * Every signal experiment runs in a child (ipct_spawn), so the test
 * process's own dispositions and mask (which the harness relies on to wait
 * for children) are never touched. The child checks with the harness's
 * ASSERT_* family, which reports a failure to the test with the child's own
 * line and values.
 *
 * See also: test_sig_*.c, spec/sig.md.
 */
#ifndef SIG_HELPERS_H
#define SIG_HELPERS_H

#include "ipctest.h"

#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Counted by the handlers below: async-signal-safe state only. */
static volatile sig_atomic_t sig_hits;
static volatile sig_atomic_t sig_last;

static inline void sig_count(int sig)
{
    sig_hits = sig_hits + 1;
    sig_last = sig;
}

/* Install handler for sig with flags and an empty sa_mask; -1 on failure. */
static inline int sig_catch(int sig, void (*handler)(int), int flags)
{
    struct sigaction sa = { .sa_handler = handler, .sa_flags = flags };

    sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

/* Set the disposition of sig to SIG_DFL or SIG_IGN; -1 on failure. */
static inline int sig_set(int sig, void (*disp)(int))
{
    return sig_catch(sig, disp, 0);
}

/* Block (how SIG_BLOCK) or unblock (SIG_UNBLOCK) the one signal sig. */
static inline int sig_mask_one(int how, int sig)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, sig);
    return sigprocmask(how, &set, NULL);
}

/* 1 when sig is pending for the calling process or thread. */
static inline int sig_is_pending(int sig)
{
    sigset_t set;

    sigemptyset(&set);
    return sigpending(&set) == 0 && sigismember(&set, sig) == 1;
}

/* 1 when sig is in the calling thread's mask. */
static inline int sig_is_blocked(int sig)
{
    sigset_t set;

    return sigprocmask(SIG_BLOCK, NULL, &set) == 0 && sigismember(&set, sig) == 1;
}

/* Take sig if pending, without waiting: 1 taken, 0 not pending. */
static inline int sig_take(int sig, siginfo_t *info)
{
    struct timespec now = { 0, 0 };
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, sig);
    return sigtimedwait(&set, info, &now) == sig;
}

/* Wait, bounded, for sig (blocked by the caller): 1 taken, 0 not. */
static inline int sig_await(int sig, siginfo_t *info)
{
    int ms = ipct_deadline_ms();
    struct timespec limit = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, sig);
    return sigtimedwait(&set, info, &limit) == sig;
}

/* Raise sig (unblocked) and spin until its handler has run: raise delivers
 * at once, and the loop only guards against a late delivery (valgrind). Fails
 * at the caller's line when the handler has not run within half the deadline
 * (the other half is the parent's, waiting for this child). */
#define sig_raise_and_spin(sig) sig__raise_and_spin(sig, __FILE__, __LINE__)
static inline void sig__raise_and_spin(int sig, const char *file, int line)
{
    int before = sig_hits, limit_ms = ipct_deadline_ms() / 2;
    struct timespec start, now;

    clock_gettime(CLOCK_MONOTONIC, &start);
    if (raise(sig) != 0)
        ipct__fail_at(file, line, "raise(%s): %s", ipct_signame(sig), ipct_errname(errno));
    /* cppcheck-suppress unreachableCode ; raise returns once the handler ran */
    while (sig_hits == before) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >
            limit_ms)
            ipct__fail_at(file, line, "the handler of %s did not run within %d ms of raise",
                          ipct_signame(sig), limit_ms);
        sched_yield();
    }
}

/* Run fn in a child and assert it exited 0: a check that failed in it fails
 * the test with the child's own line, and this one names the caller's. */
#define sig_in_child(fn, arg) sig__in_child(fn, arg, __FILE__, __LINE__)
static inline void sig__in_child(ipct_child_fn fn, void *arg, const char *file, int line)
{
    ipct__assert_exited(ipct__spawn(fn, arg, file, line), 0, file, line);
}

/* The wait status must be a normal exit with code; a failure names the
 * caller's line and what the status says instead (a signal by name). */
#define sig_assert_exited(status, code) sig__assert_exited(status, code, __FILE__, __LINE__)
static inline void sig__assert_exited(int status, int code, const char *file, int line)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) == code)
        return;
    if (WIFSIGNALED(status))
        ipct__fail_at(file, line, "wait status 0x%x: killed by %s; expected exit %d", status,
                      ipct_signame(WTERMSIG(status)), code);
    if (WIFEXITED(status))
        ipct__fail_at(file, line, "wait status 0x%x: exit %d; expected exit %d", status,
                      WEXITSTATUS(status), code);
    ipct__fail_at(file, line, "wait status 0x%x: not an exit; expected exit %d", status, code);
}

/* A signal sent to self is delivered late under valgrind. */
static inline void sig_skip_unless_synchronous(void)
{
    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind delivers a signal a process sends itself only after the "
                  "sending call has returned; the behaviour is that it arrives before");
}

/* What sig_note_info, an SA_SIGINFO handler, saw of the last signal. */
static volatile sig_atomic_t sig_seen_code, sig_seen_value, sig_seen_pid, sig_seen_uid;

static inline void sig_note_info(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    sig_count(sig);
    sig_seen_code = info->si_code;
    sig_seen_value = info->si_value.sival_int;
    sig_seen_pid = (sig_atomic_t)info->si_pid;
    sig_seen_uid = (sig_atomic_t)info->si_uid;
}

/* Install sig_note_info for sig (SA_SIGINFO, empty sa_mask); -1 on failure. */
static inline int sig_catch_info(int sig)
{
    struct sigaction sa = { .sa_sigaction = sig_note_info, .sa_flags = SA_SIGINFO };

    sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

/* In a child: with SIGUSR1 caught (sig_note_info when info, else sig_count)
 * and blocked, say ready, then wait in sigsuspend until one arrives. Fails at
 * the caller's line when a step fails. */
#define sig_await_usr1(info) sig__await_usr1(info, __FILE__, __LINE__)
static inline void sig__await_usr1(int info, const char *file, int line)
{
    sigset_t wait_mask;

    if ((info ? sig_catch_info(SIGUSR1) : sig_catch(SIGUSR1, sig_count, 0)) != 0)
        ipct__fail_at(file, line, "sigaction(SIGUSR1): %s", ipct_errname(errno));
    if (sig_mask_one(SIG_BLOCK, SIGUSR1) != 0)
        ipct__fail_at(file, line, "blocking SIGUSR1: %s", ipct_errname(errno));
    ipct_child_ready();
    sigprocmask(SIG_BLOCK, NULL, &wait_mask);
    sigdelset(&wait_mask, SIGUSR1);
    errno = 0;
    if (sigsuspend(&wait_mask) != -1 || errno != EINTR)
        ipct__fail_at(file, line, "sigsuspend waiting for SIGUSR1: errno %s; expected EINTR",
                      ipct_errname(errno));
}

/* How sig_group_leader's group gets SIGUSR1: from the test (kill(-pgid) or
 * killpg(pgid), after the leader says ready), or from the leader itself
 * with kill(0, SIGUSR1) or killpg(0, SIGUSR1). */
enum sig_group_sender { SIG_GROUP_BY_TEST, SIG_GROUP_KILL_ZERO, SIG_GROUP_KILLPG_ZERO };

/* Child (arg: a const enum sig_group_sender *): lead a new process group of
 * itself and two members, all with SIGUSR1 blocked; every one of the three
 * takes SIGUSR1 (bounded wait, each checking its own), and the leader reaps
 * both members. */
static inline void sig_group_leader(void *arg)
{
    enum sig_group_sender by = *(const enum sig_group_sender *)arg;
    pid_t member_pids[2];
    int status;

    ASSERT_SYS_OK(setpgid(0, 0));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    for (int i = 0; i < 2; i++) {
        member_pids[i] = ASSERT_SYS_OK(fork());
        if (member_pids[i] == 0) {
            ASSERT_TRUE(sig_await(SIGUSR1, NULL));
            ipct_child_exit(0);
        }
    }
    if (by == SIG_GROUP_KILL_ZERO)
        ASSERT_SYS_OK(kill(0, SIGUSR1));
    else if (by == SIG_GROUP_KILLPG_ZERO)
        ASSERT_EQ(killpg(0, SIGUSR1), 0);
    else
        ipct_child_ready();
    ASSERT_TRUE(sig_await(SIGUSR1, NULL));
    for (int i = 0; i < 2; i++) {
        ASSERT_EQ(ASSERT_SYS_OK(waitpid(member_pids[i], &status, 0)), member_pids[i]);
        sig_assert_exited(status, 0);
    }
}

#endif
