/* SPDX-License-Identifier: MIT */
/*
 * sysnames.c - names for numbers a failure prints: errnos ("EAGAIN"),
 * signals ("SIGPIPE", "SIGRTMIN+2") and system calls ("mq_timedreceive"),
 * the last from a table generated at configure time from this target's
 * <sys/syscall.h> (cmake/IpcSyscallNames.cmake), so a cross build names its
 * own architecture's calls.
 *
 * See also: ipctest.h, probe.c.
 */
#include "ipctest.h"

#include <stdio.h>
#include <string.h>

#ifndef __GLIBC__
/* Names for libcs without strerrorname_np (musl): the errnos IPC can give. */
static const struct {
    int err;
    const char *name;
} errnames[] = {
    { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
    { EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { EBADF, "EBADF" },
    { ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
    { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
    { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" }, { ENFILE, "ENFILE" },
    { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
    { ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { EPIPE, "EPIPE" }, { ERANGE, "ERANGE" },
    { ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" }, { ELOOP, "ELOOP" },
    { EMSGSIZE, "EMSGSIZE" }, { EOVERFLOW, "EOVERFLOW" }, { EDQUOT, "EDQUOT" },
    { ETIMEDOUT, "ETIMEDOUT" }, { ECONNREFUSED, "ECONNREFUSED" }, { EADDRINUSE, "EADDRINUSE" },
    { ENOTSOCK, "ENOTSOCK" }, { ENOTCONN, "ENOTCONN" }, { ECONNRESET, "ECONNRESET" },
    { EPROTOTYPE, "EPROTOTYPE" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { EINPROGRESS, "EINPROGRESS" },
};
#endif

const char *ipct_errname(int err)
{
    static char unknown[16];

    if (err == 0)
        return "0";
#ifdef __GLIBC__
    const char *name = strerrorname_np(err);
    if (name != NULL)
        return name;
#else
    for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++) {
        if (errnames[i].err == err)
            return errnames[i].name;
    }
#endif
    snprintf(unknown, sizeof unknown, "E?%d", err);
    return unknown;
}

#ifndef __GLIBC__
/* Names for libcs without sigabbrev_np (musl). */
static const struct {
    int sig;
    const char *name;
} signames[] = {
    { SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
    { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" }, { SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" },
    { SIGKILL, "SIGKILL" }, { SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
    { SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" }, { SIGCHLD, "SIGCHLD" },
    { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" }, { SIGTSTP, "SIGTSTP" }, { SIGTTIN, "SIGTTIN" },
    { SIGTTOU, "SIGTTOU" }, { SIGURG, "SIGURG" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
    { SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGWINCH, "SIGWINCH" }, { SIGIO, "SIGIO" },
    { SIGSYS, "SIGSYS" },
};
#endif

const char *ipct_signame(int sig)
{
    static char name[16];

#ifdef __GLIBC__
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev != NULL) {
        snprintf(name, sizeof name, "SIG%s", abbrev);
        return name;
    }
#else
    for (size_t i = 0; i < sizeof signames / sizeof signames[0]; i++) {
        if (signames[i].sig == sig)
            return signames[i].name;
    }
#endif
    if (sig >= SIGRTMIN && sig <= SIGRTMAX)
        snprintf(name, sizeof name, "SIGRTMIN+%d", sig - SIGRTMIN);
    else
        snprintf(name, sizeof name, "SIG?%d", sig);
    return name;
}

static const struct {
    long nr;
    const char *name;
} sysnames[] = {
#include "ipct_syscall_names.h"
};

const char *ipct_sysname(long nr)
{
    static char unknown[32];

    for (size_t i = 0; i < sizeof sysnames / sizeof sysnames[0]; i++) {
        if (sysnames[i].nr == nr)
            return sysnames[i].name;
    }
    snprintf(unknown, sizeof unknown, "syscall %ld", nr);
    return unknown;
}
