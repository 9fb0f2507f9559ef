/* SPDX-License-Identifier: MIT */
/*
 * assert.c - failing and skipping at the test's own line, from any process
 * (report.c carries a child's words to the test), and the checks that print
 * their expression and both values: integers by value in decimal, errnos
 * and signals by name, pointers, strings, and memory by its first
 * difference. Also the harness deadline.
 *
 * See also: ipctest.h, report.c, sysnames.c.
 */
#include "ipctest.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The failure's one line: "FILE:LINE: MESSAGE". */
static void format_at(char *buf, size_t len, const char *file, int line, const char *fmt,
                      va_list ap)
{
    int n = snprintf(buf, len, "%s:%d: ", file, line);

    if (n > 0 && (size_t)n < len)
        vsnprintf(buf + n, len - (size_t)n, fmt, ap);
}

void ipct__fail_at(const char *file, int line, const char *fmt, ...)
{
    char text[1024];
    const char *cfile;
    int cline;
    va_list ap;

    va_start(ap, fmt);
    format_at(text, sizeof text, file, line, fmt, ap);
    va_end(ap);
    if (ipct__in_child()) {
        ipct__report_append(0, file, line, text);
        ipct_child_exit(1);
    }
    /* A child's failure is the cause of what the test sees now: show it
     * first, and fail at the child's check. */
    if (ipct__report_first(&cfile, &cline)) {
        print_error("%s\n", text);
        _fail(cfile, cline);
    }
    print_error("%s\n", text);
    _fail(file, line);
    abort(); /* _fail does not return; this tells the compiler so */
}

int ipct__skipped;

void ipct__skip_at(const char *file, int line, const char *fmt, ...)
{
    char reason[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (ipct__in_child()) {
        ipct__report_append(1, file, line, reason);
        ipct_child_exit(0);
    }
    printf("IPCSPEC-SKIP: %s\n", reason);
    fflush(stdout);
    ipct__skipped = 1;
    _skip(file, line);
    abort();
}

/* ---- value assertions ---- */

struct ipct_int ipct__int_s(intmax_t v)
{
    return (struct ipct_int){ .kind = 's', .s = v };
}

struct ipct_int ipct__int_u(uintmax_t v)
{
    return (struct ipct_int){ .kind = 'u', .u = v };
}

struct ipct_int ipct__int_h(void (*v)(int))
{
    /* a function's address as a number: POSIX requires the conversion */
    return (struct ipct_int){ .kind = 'h', .u = (uintmax_t)(uintptr_t)v };
}

struct ipct_int ipct__int_p(const volatile void *v)
{
    return (struct ipct_int){ .kind = 'p', .u = (uintmax_t)(uintptr_t)v };
}

/* -1, 0 or 1 as a is below, equal to or above b, by value. */
static int compare(struct ipct_int a, struct ipct_int b)
{
    if (a.kind == 's' && b.kind == 's')
        return (a.s > b.s) - (a.s < b.s);
    if (a.kind != 's' && b.kind != 's')
        return (a.u > b.u) - (a.u < b.u);
    if (a.kind == 's') /* a signed, b unsigned */
        return a.s < 0 ? -1 : ((uintmax_t)a.s > b.u) - ((uintmax_t)a.s < b.u);
    return b.s < 0 ? 1 : (a.u > (uintmax_t)b.s) - (a.u < (uintmax_t)b.s);
}

static const char *show_int(struct ipct_int v, char *buf, size_t len)
{
    if (v.kind == 'h' && v.u == (uintptr_t)SIG_DFL)
        snprintf(buf, len, "SIG_DFL");
    else if (v.kind == 'h' && v.u == (uintptr_t)SIG_IGN)
        snprintf(buf, len, "SIG_IGN");
    else if (v.kind == 'h' && v.u == (uintptr_t)SIG_ERR)
        snprintf(buf, len, "SIG_ERR");
#ifdef SIG_HOLD
    else if (v.kind == 'h' && v.u == (uintptr_t)SIG_HOLD)
        snprintf(buf, len, "SIG_HOLD");
#endif
    else if (v.kind == 'h')
        snprintf(buf, len, "handler %#jx", v.u);
    else if (v.kind == 'p' && v.u == (uintptr_t)MAP_FAILED)
        snprintf(buf, len, "MAP_FAILED");
    else if (v.kind == 'p')
        snprintf(buf, len, v.u ? "%#jx" : "NULL", v.u);
    else if (v.kind == 's')
        snprintf(buf, len, "%jd", v.s);
    else
        snprintf(buf, len, "%ju", v.u);
    return buf;
}

void ipct__cmp(struct ipct_int a, enum ipct_op op, struct ipct_int b, const char *check,
               const char *file, int line)
{
    static const char *const symbol[] = { "==", "!=", "<", "<=", ">", ">=" };
    int c = compare(a, b);
    int ok = op == IPCT_EQ ? c == 0 : op == IPCT_NE ? c != 0 : op == IPCT_LT ? c < 0
           : op == IPCT_LE ? c <= 0 : op == IPCT_GT ? c > 0 : c >= 0;

    if (!ok) {
        char va[40], vb[40];
        ipct__fail_at(file, line, "%s: %s %s %s is false", check, show_int(a, va, sizeof va),
                      symbol[op], show_int(b, vb, sizeof vb));
    }
}

void ipct__truth(int value, int expected, const char *expr, const char *file, int line)
{
    if (value != expected)
        ipct__fail_at(file, line, "%s(%s): is %s", expected ? "ASSERT_TRUE" : "ASSERT_FALSE",
                      expr, value ? "true" : "false");
}

void ipct__names_eq(int a, int b, char kind, const char *check, const char *file, int line)
{
    char na[32], nb[32];

    if (a == b)
        return;
    snprintf(na, sizeof na, "%s", kind == 'e' ? ipct_errname(a) : ipct_signame(a));
    snprintf(nb, sizeof nb, "%s", kind == 'e' ? ipct_errname(b) : ipct_signame(b));
    ipct__fail_at(file, line, "%s: %s (%d) vs %s (%d)", check, na, a, nb, b);
}

void ipct__ptr(const volatile void *a, int equal, const volatile void *b, const char *check,
               const char *file, int line)
{
    if ((a == b) != equal)
        ipct__fail_at(file, line, "%s: %p %s %p is false", check, (const void *)a,
                      equal ? "==" : "!=", (const void *)b);
}

void ipct__str(const char *a, int equal, const char *b, const char *check, const char *file,
               int line)
{
    int same = (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;

    if (same == equal)
        return;
    ipct__fail_at(file, line, "%s: %s%s%s %s %s%s%s is false", check, a ? "\"" : "",
                  a ? a : "NULL", a ? "\"" : "", equal ? "==" : "!=", b ? "\"" : "",
                  b ? b : "NULL", b ? "\"" : "");
}

void ipct__mem(const void *a, const void *b, size_t len, const char *check, const char *file,
               int line)
{
    const unsigned char *pa = a, *pb = b;
    size_t at = 0;

    while (at < len && pa[at] == pb[at])
        at++;
    if (at < len)
        ipct__fail_at(file, line, "%s: the %zu bytes first differ at offset %zu: 0x%02x vs 0x%02x",
                      check, len, at, pa[at], pb[at]);
}

/* ---- system calls and impl/ calls ---- */

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
        const char *fixed = getenv("IPCSPEC_DEADLINE_MS"); /* the harness's own tests */
        long factor = scale != NULL ? strtol(scale, NULL, 10) : 1;
        long ms = fixed != NULL ? strtol(fixed, NULL, 10) : 0;
        deadline = ms >= 1 && ms <= 1000000 ? (int)ms
                                           : 10000 * (int)(factor >= 1 && factor <= 100 ? factor : 1);
    }
    return deadline;
}

int ipct_under_memcheck(void)
{
    return getenv("IPCSPEC_MEMCHECK") != NULL;
}

