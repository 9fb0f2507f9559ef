/*
 * assert.c - assertions that print errno by name, names of errnos and
 * signals, the harness deadline, and skipping with a reason.
 *
 * See also: ipctest.h.
 */
#include "ipctest.h"

#include <stdio.h>
#include <stdlib.h>
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

void ipct__fail_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprint_error(fmt, ap);
    va_end(ap);
    print_error("\n");
    _fail(file, line);
    abort(); /* _fail does not return; this tells the compiler so */
}

long ipct__sys_ok(long rc, const char *expr, const char *file, int line)
{
    if (rc == -1) {
        int err = errno;
        ipct__fail_at(file, line, "%s = -1, errno %s (%s); expected success",
                     expr, ipct_errname(err), strerror(err));
    }
    return rc;
}

void ipct__sys_err(long rc, int err, const char *expr, const char *errexpr,
                   const char *file, int line)
{
    int got = errno;

    if (rc != -1)
        ipct__fail_at(file, line, "%s = %ld; expected -1 with errno %s", expr, rc, errexpr);
    if (got != err)
        ipct__fail_at(file, line, "%s failed with errno %s (%s); expected %s",
                     expr, ipct_errname(got), strerror(got), ipct_errname(err));
}

long ipct__ipc_ok(long rc, const char *expr, const char *file, int line)
{
    if (rc < 0)
        ipct__fail_at(file, line, "%s = -%s (%s); expected success",
                     expr, ipct_errname((int)-rc), strerror((int)-rc));
    return rc;
}

void ipct__ipc_err(long rc, int err, const char *expr, const char *errexpr,
                   const char *file, int line)
{
    if (rc == -err)
        return;
    if (rc < 0)
        ipct__fail_at(file, line, "%s = -%s; expected -%s",
                     expr, ipct_errname((int)-rc), ipct_errname(err));
    ipct__fail_at(file, line, "%s = %ld (success); expected -%s (%s)",
                 expr, rc, ipct_errname(err), errexpr);
}

int ipct_deadline_ms(void)
{
    static int deadline;

    if (deadline == 0) {
        const char *scale = getenv("IPCSPEC_TIMEOUT_SCALE");
        long factor = scale != NULL ? strtol(scale, NULL, 10) : 1;
        deadline = 10000 * (int)(factor >= 1 && factor <= 100 ? factor : 1);
    }
    return deadline;
}

int ipct_under_memcheck(void)
{
    return getenv("IPCSPEC_MEMCHECK") != NULL;
}

int ipct__skipped;

void ipct__skip_reason(const char *fmt, ...)
{
    va_list ap;

    printf("IPCSPEC-SKIP: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    ipct__skipped = 1;
}
