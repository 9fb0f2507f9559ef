/* SPDX-License-Identifier: MIT */
/*
 * env_faults.c - failure points armed through the environment, for a program
 * a test executes (a demo) rather than calls:
 *
 *   IPCSPEC_FAULTS=point:nth:errno[,point:nth:errno...]
 *   IPCSPEC_FAULT_LOG=path
 *   IPCSPEC_FAULT_TRACE=path   (the fault sweep's trace run: a file naming
 *                              the points to trace, one per line)
 *   IPCSPEC_FD_AUDIT=1         (the fault sweep's leak check)
 *
 * Each item fails call number nth of point (counted per point in this
 * process; a forked child goes on from its parent's count) with errno, and
 * appends "point nth errno" to the log: the test's proof that the
 * fault fired. With IPCSPEC_FAULT_TRACE every call of every point the file
 * names is logged, "call PID point nth", and none fails unless an item says so: the
 * sweep learns from it which calls a scenario makes. With IPCSPEC_FD_AUDIT a
 * process that ends through exit() logs "fd-leak PID fd target" for each
 * descriptor above 2 still open. A malformed variable stops the program
 * before main, exit status 125, rather than letting it run with no fault and
 * pass for the wrong reason.
 *
 * Spec: FIU-ENV-01..02, FIU-SWEEP-01..05 (spec/faults.md). See also:
 * ipcspec_preload.c, tests/fault/sweep/sweep.py.
 */
#include "preload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fiu-control.h>

enum { MAX_FAULTS = 16, MAX_POINTS = 256, SPEC_MAX = 1024 };

struct env_fault {
    char point[64];
    long nth;
    int err;
};

/* Calls so far of each point seen: the count an item's nth refers to. */
struct point_count {
    const char *name; /* libfiu's point name: a string literal of a wrapper */
    long calls;
};

static struct env_fault faults[MAX_FAULTS];
static int nfaults;
static struct point_count counts[MAX_POINTS];
static int ncounts;
static int tracing;
static const char *log_path;

/* Raw system calls only: this runs inside libfiu's wrappers. */
static void log_line(const char *line, int len)
{
    long fd;

    if (log_path == NULL || len <= 0)
        return;
    fd = syscall(SYS_openat, AT_FDCWD, log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    syscall(SYS_write, fd, line, (size_t)len);
    syscall(SYS_close, fd);
}

static long count_call(const char *name)
{
    for (int i = 0; i < ncounts; i++)
        if (counts[i].name == name || strcmp(counts[i].name, name) == 0)
            return ++counts[i].calls;
    if (ncounts == MAX_POINTS)
        return 0; /* never matches an item: nth >= 1 */
    counts[ncounts].name = name;
    counts[ncounts].calls = 1;
    ncounts++;
    return 1;
}

static int env_decide(const char *name, int *failnum, void **failinfo, unsigned int *flags)
{
    char line[160];
    long nth;
    long pid;

    (void)failnum;
    (void)flags;
    if (ipcspec__tool_call)
        return 0;
    nth = count_call(name);
    pid = syscall(SYS_getpid);
    if (tracing)
        log_line(line, snprintf(line, sizeof line, "call %ld %s %ld\n", pid, name, nth));
    for (int i = 0; i < nfaults; i++) {
        const struct env_fault *f = &faults[i];
        if (f->nth != nth || strcmp(f->point, name) != 0)
            continue;
        *failinfo = (void *)(intptr_t)f->err;
        log_line(line, snprintf(line, sizeof line, "%s %ld %d\n", name, nth, f->err));
        return 1;
    }
    return 0;
}

/* At exit(): every descriptor above 2 still open is a leak of the program. */
static void audit_fds(void)
{
    char line[PATH_MAX + 64];
    char target[PATH_MAX];
    char dirbuf[4096];
    struct rlimit lim;
    long pid = syscall(SYS_getpid);
    long dir = syscall(SYS_openat, AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    long n;

    if (dir < 0)
        return;
    /* Descriptors at or above the soft limit are a tool's (valgrind's). */
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
        lim.rlim_cur = RLIM_INFINITY;
    while ((n = syscall(SYS_getdents64, dir, dirbuf, sizeof dirbuf)) > 0) {
        for (long off = 0; off < n;) {
            /* glibc's struct dirent64 is the kernel's linux_dirent64 */
            const struct dirent64 *d = (const void *)(dirbuf + off);
            char *end;
            long fd = strtol(d->d_name, &end, 10);
            char link[64];
            long len;

            off += d->d_reclen;
            if (end == d->d_name || *end != '\0' || fd <= 2 || fd == dir ||
                (lim.rlim_cur != RLIM_INFINITY && (rlim_t)fd >= lim.rlim_cur))
                continue;
            snprintf(link, sizeof link, "/proc/self/fd/%ld", fd);
            len = syscall(SYS_readlinkat, AT_FDCWD, link, target, sizeof target - 1);
            target[len > 0 ? len : 0] = '\0';
            log_line(line, snprintf(line, sizeof line, "fd-leak %ld %ld %s\n", pid, fd, target));
        }
    }
    syscall(SYS_close, dir);
}

static void refuse(const char *item, const char *why) __attribute__((noreturn));

static void refuse(const char *item, const char *why)
{
    char line[256];
    int len = snprintf(line, sizeof line, "ipcspec_preload: IPCSPEC_FAULTS: bad item '%s': %s\n",
                       item, why);

    syscall(SYS_write, 2, line, (size_t)(len < (int)sizeof line ? len : (int)sizeof line - 1));
    _exit(125);
}

/* point:nth:errno, nth >= 1, errno 1..4095. */
static void parse_item(char *item)
{
    char given[SPEC_MAX]; /* the item as written, for messages: we cut item up */
    char *nth_text = strchr(item, ':');
    char *err_text = nth_text != NULL ? strchr(nth_text + 1, ':') : NULL;
    struct env_fault *f = &faults[nfaults];
    char *end;

    snprintf(given, sizeof given, "%s", item);
    if (nfaults == MAX_FAULTS)
        refuse(given, "too many items");
    if (err_text == NULL || nth_text == item || (size_t)(nth_text - item) >= sizeof f->point)
        refuse(given, "expected point:nth:errno");
    *nth_text++ = '\0';
    *err_text++ = '\0';
    f->nth = strtol(nth_text, &end, 10);
    if (end == nth_text || *end != '\0' || f->nth < 1)
        refuse(given, "nth must be a call number >= 1");
    long err = strtol(err_text, &end, 10);
    if (end == err_text || *end != '\0' || err < 1 || err > 4095)
        refuse(given, "errno must be a number from 1 to 4095");
    f->err = (int)err;
    snprintf(f->point, sizeof f->point, "%s", item);
    nfaults++;
}

/* Enable point once, whatever number of items and trace lines name it. */
static void watch(const char *point)
{
    static char names[MAX_POINTS][64];
    static int nnames;

    for (int i = 0; i < nnames; i++)
        if (strcmp(names[i], point) == 0)
            return;
    if (nnames == MAX_POINTS)
        refuse(point, "too many points");
    snprintf(names[nnames], sizeof names[nnames], "%s", point);
    if (fiu_enable_external(names[nnames], 1, NULL, 0, env_decide) != 0)
        refuse(point, "libfiu refused to enable it");
    nnames++;
}

/* The trace file: one point name a line. Read with raw calls, before main. */
static void watch_listed(const char *path)
{
    static char text[16384];
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    long len = fd < 0 ? -1 : syscall(SYS_read, fd, text, sizeof text - 1);
    char *save = NULL;

    if (fd >= 0)
        syscall(SYS_close, fd);
    if (len < 0 || len == (long)sizeof text - 1)
        refuse(path, "IPCSPEC_FAULT_TRACE names no readable point list under 16 KiB");
    text[len] = '\0';
    for (char *name = strtok_r(text, "\n", &save); name != NULL; name = strtok_r(NULL, "\n", &save))
        if (name[0] != '\0' && strlen(name) < sizeof faults[0].point)
            watch(name);
}

void ipcspec__env_faults_init(void)
{
    const char *text = getenv("IPCSPEC_FAULTS");
    const char *trace = getenv("IPCSPEC_FAULT_TRACE");
    const char *audit = getenv("IPCSPEC_FD_AUDIT");
    char *save = NULL;

    log_path = getenv("IPCSPEC_FAULT_LOG");
    if (audit != NULL && strcmp(audit, "1") == 0 && atexit(audit_fds) != 0)
        refuse("IPCSPEC_FD_AUDIT", "atexit failed");
    if (text != NULL && text[0] != '\0') {
        static char spec[SPEC_MAX];
        if (strlen(text) >= sizeof spec)
            refuse("...", "longer than 1023 bytes");
        snprintf(spec, sizeof spec, "%s", text);
        for (char *item = strtok_r(spec, ",", &save); item != NULL;
             item = strtok_r(NULL, ",", &save))
            parse_item(item);
    }
    /* One callback for every point watched: it counts each point's calls,
     * traces them, and fails the ones an item names. */
    for (int i = 0; i < nfaults; i++)
        watch(faults[i].point);
    if (trace != NULL && trace[0] != '\0') {
        tracing = 1;
        watch_listed(trace);
    }
}
