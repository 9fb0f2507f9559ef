/* SPDX-License-Identifier: MIT */
/*
 * sig_points.c - failure points for the signal calls libfiu's own preload
 * does not wrap (it wraps sigaction, kill, fork and the wait family as
 * posix/proc/...; its posix/proc/signal point sits on __sysv_signal only):
 *
 *   posix/proc/sigprocmask      sigprocmask(2)      default errno EINVAL
 *   posix/proc/pthread_sigmask  pthread_sigmask(3)  default error EINVAL (returned)
 *   posix/proc/sigpending       sigpending(2)       default errno EFAULT
 *   posix/proc/raise            raise(3)            default errno EINVAL
 *   posix/proc/sigqueue         sigqueue(3)         default errno EAGAIN
 *   posix/proc/sigtimedwait     sigtimedwait(2)     default errno EINTR
 *   posix/proc/signalfd         signalfd(2)         default errno EMFILE
 *
 * A failing call is not made at all: a failed sigprocmask changes no mask,
 * a failed raise or sigqueue sends nothing, a failed sigtimedwait takes no
 * signal, a failed signalfd makes no descriptor. pthread_sigmask returns
 * its error number rather than setting errno. glibc's own internal calls (abort, raise's blocking of signals,
 * sigprocmask's use of pthread_sigmask) go to hidden symbols and are never
 * failed: only the calls a program makes are.
 *
 * Spec: FIU-EXT-05..06 (spec/faults.md); used by SIG-FAULT-* (spec/sig.md).
 * See also: ipcspec_preload.c (the shared decision), impl/src/sig.c.
 */
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>

#include "preload.h"

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
    REAL(sigprocmask);
    if (ipcspec__should_fail("posix/proc/sigprocmask", EINVAL))
        return -1;
    return real(how, set, old);
}

int pthread_sigmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
    REAL(pthread_sigmask);
    if (ipcspec__should_fail("posix/proc/pthread_sigmask", EINVAL))
        return errno;
    return real(how, set, old);
}

int sigpending(sigset_t *set)
{
    REAL(sigpending);
    if (ipcspec__should_fail("posix/proc/sigpending", EFAULT))
        return -1;
    return real(set);
}

int raise(int sig)
{
    REAL(raise);
    if (ipcspec__should_fail("posix/proc/raise", EINVAL))
        return -1;
    return real(sig);
}

int sigqueue(pid_t pid, int sig, const union sigval value)
{
    REAL(sigqueue);
    if (ipcspec__should_fail("posix/proc/sigqueue", EAGAIN))
        return -1;
    return real(pid, sig, value);
}

int sigtimedwait(const sigset_t *restrict set, siginfo_t *restrict info,
                 const struct timespec *restrict timeout)
{
    REAL(sigtimedwait);
    if (ipcspec__should_fail("posix/proc/sigtimedwait", EINTR))
        return -1;
    return real(set, info, timeout);
}

int signalfd(int fd, const sigset_t *mask, int flags)
{
    REAL(signalfd);
    if (ipcspec__should_fail("posix/proc/signalfd", EMFILE))
        return -1;
    return real(fd, mask, flags);
}
