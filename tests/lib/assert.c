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

const char *ipct_errname(int err)
{
    static char unknown[16];
    const char *name = err == 0 ? "0" : NULL;

#ifdef __GLIBC__
    if (name == NULL)
        name = strerrorname_np(err);
#endif
    if (name != NULL)
        return name;
    snprintf(unknown, sizeof unknown, "E?%d", err);
    return unknown;
}

const char *ipct_signame(int sig)
{
    static char name[16];
    const char *abbrev = NULL;

#ifdef __GLIBC__
    abbrev = sigabbrev_np(sig);
#endif
    if (abbrev != NULL)
        snprintf(name, sizeof name, "SIG%s", abbrev);
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
