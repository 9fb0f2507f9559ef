/* SPDX-License-Identifier: MIT */
/*
 * sig.c - dispositions, the mask, sending and waiting: a checked layer
 * over sigaction, sigprocmask, raise, kill, sigqueue and sigtimedwait.
 *
 * Spec: SIG-API-01..05, SIG-FAULT-01..04 (spec/sig.md).
 * See also: ipcspec/sig.h, sig_bridge.c (the self-pipe, the reaper).
 */
#include "ipcspec/sig.h"

#include <errno.h>
#include <stddef.h>
#include <time.h>

/* A number sigaction may be asked about at all. */
static int valid(int sig)
{
    return sig >= 1 && sig < NSIG;
}

/* One that may be given an action (not SIGKILL, not SIGSTOP). */
static int settable(int sig)
{
    return valid(sig) && sig != SIGKILL && sig != SIGSTOP;
}

static int install(int sig, const struct sigaction *sa)
{
    if (!settable(sig))
        return -EINVAL;
    if (sigaction(sig, sa, NULL) == -1)
        return -errno;
    return 0;
}

static void fill_mask(struct sigaction *sa, const sigset_t *mask)
{
    if (mask != NULL)
        sa->sa_mask = *mask;
    else
        sigemptyset(&sa->sa_mask);
}

int ipc_sig_catch(int sig, void (*handler)(int), int flags, const sigset_t *mask)
{
    struct sigaction sa = { .sa_handler = handler, .sa_flags = flags };

    if (handler == NULL || handler == SIG_DFL || handler == SIG_IGN || (flags & SA_SIGINFO))
        return -EINVAL;
    fill_mask(&sa, mask);
    return install(sig, &sa);
}

int ipc_sig_catch_info(int sig, void (*action)(int, siginfo_t *, void *), int flags,
                       const sigset_t *mask)
{
    struct sigaction sa = { .sa_sigaction = action, .sa_flags = flags | SA_SIGINFO };

    if (action == NULL)
        return -EINVAL;
    fill_mask(&sa, mask);
    return install(sig, &sa);
}

static int set_plain(int sig, void (*disp)(int))
{
    struct sigaction sa = { .sa_handler = disp };

    sigemptyset(&sa.sa_mask);
    return install(sig, &sa);
}

int ipc_sig_default(int sig)
{
    return set_plain(sig, SIG_DFL);
}

int ipc_sig_ignore(int sig)
{
    return set_plain(sig, SIG_IGN);
}

int ipc_sig_disposition(int sig)
{
    struct sigaction now;

    if (!valid(sig))
        return -EINVAL;
    if (sigaction(sig, NULL, &now) == -1)
        return -errno;
    if (!(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL)
        return IPC_SIG_DEFAULT;
    if (!(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_IGN)
        return IPC_SIG_IGNORED;
    return IPC_SIG_CAUGHT;
}

int ipc_sig_mask(int how, const sigset_t *set, sigset_t *old)
{
    if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
        return -EINVAL;
    if (sigprocmask(how, set, old) == -1)
        return -errno;
    return 0;
}

static int mask_one(int how, int sig)
{
    sigset_t set;

    if (!valid(sig))
        return -EINVAL;
    sigemptyset(&set);
    sigaddset(&set, sig);
    return ipc_sig_mask(how, &set, NULL);
}

int ipc_sig_block(int sig)
{
    return mask_one(SIG_BLOCK, sig);
}

int ipc_sig_unblock(int sig)
{
    return mask_one(SIG_UNBLOCK, sig);
}

int ipc_sig_pending(int sig)
{
    sigset_t set;

    if (!valid(sig))
        return -EINVAL;
    if (sigpending(&set) == -1)
        return -errno;
    return sigismember(&set, sig) == 1;
}

int ipc_sig_raise(int sig)
{
    if (!valid(sig))
        return -EINVAL;
    if (raise(sig) != 0)
        return -errno;
    return 0;
}

int ipc_sig_send(pid_t pid, int sig)
{
    if (pid == -1 || (sig != 0 && !valid(sig)))
        return -EINVAL;
    if (kill(pid, sig) == -1)
        return -errno;
    return 0;
}

int ipc_sig_alive(pid_t pid)
{
    if (pid <= 0)
        return -EINVAL;
    if (kill(pid, 0) == 0)
        return 1;
    return errno == ESRCH ? 0 : -errno;
}

int ipc_sig_queue(pid_t pid, int sig, int value)
{
    union sigval v = { .sival_int = value };

    if (pid <= 0 || !valid(sig))
        return -EINVAL;
    if (sigqueue(pid, sig, v) == -1)
        return -errno;
    return 0;
}

int ipc_sig_wait(const sigset_t *set, int timeout_ms, siginfo_t *info)
{
    struct timespec limit = { .tv_sec = timeout_ms / 1000,
                              .tv_nsec = (long)(timeout_ms % 1000) * 1000000 };
    int sig;

    if (set == NULL || timeout_ms < -1)
        return -EINVAL;
    sig = sigtimedwait(set, info, timeout_ms == -1 ? NULL : &limit);
    if (sig == -1)
        return -errno;
    return sig;
}
