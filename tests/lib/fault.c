/* SPDX-License-Identifier: MIT */
/*
 * fault.c - arm libfiu failure points by call number, count what they do,
 * and prove the preloads are there at all.
 *
 * Without the preload a libfiu point silently never fires; the canary in
 * every fault test's setup turns that into a loud failure.
 *
 * See also: fault.h, tests/fault/preload/ipcspec_preload.c.
 */
#include "fault.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fiu-control.h>
#include <fiu.h>

enum { MAX_ARMED = 16 };

struct armed {
    char point[64];
    int nth;       /* first call that fails */
    int every;     /* fail every call from nth on, not just the nth */
    int err;
    int calls;
    int fired;
};

static struct armed armed[MAX_ARMED];
static int narmed;

static struct armed *find(const char *point)
{
    for (int i = 0; i < narmed; i++) {
        if (strcmp(armed[i].point, point) == 0)
            return &armed[i];
    }
    return NULL;
}

/* libfiu asks this on every call of an armed point: fail it or not. */
static int decide(const char *name, int *failnum, void **failinfo, unsigned int *flags)
{
    struct armed *a = find(name);

    (void)failnum;
    (void)flags;
    if (a == NULL)
        return 0;
    a->calls++;
    if (a->calls < a->nth || (!a->every && a->calls > a->nth))
        return 0;
    a->fired++;
    *failinfo = (void *)(intptr_t)a->err;
    return 1;
}

static void arm(const char *point, int nth, int every, int err)
{
    struct armed *a = find(point);

    if (a == NULL) {
        if (narmed == MAX_ARMED)
            IPCT_FAIL("more than %d failure points armed", MAX_ARMED);
        a = &armed[narmed++];
    }
    if (nth < 1 || strlen(point) >= sizeof a->point)
        IPCT_FAIL("bad failure point %s / call %d", point, nth);
    else {
        fiu_disable(point); /* re-enabling an enabled point leaks libfiu's copy of its name */
    }
    *a = (struct armed){ .nth = nth, .every = every, .err = err };
    snprintf(a->point, sizeof a->point, "%s", point);
    if (fiu_enable_external(point, 1, NULL, 0, decide) != 0)
        IPCT_FAIL("fiu_enable_external(%s) failed", point);
}

void ipcf_fail_nth(const char *point, int nth, int err)
{
    arm(point, nth, 0, err);
}

void ipcf_fail_from(const char *point, int nth, int err)
{
    arm(point, nth, 1, err);
}

int ipcf_calls(const char *point)
{
    struct armed *a = find(point);
    return a != NULL ? a->calls : 0;
}

int ipcf_fired(const char *point)
{
    struct armed *a = find(point);
    return a != NULL ? a->fired : 0;
}

void ipcf_disarm_all(void)
{
    for (int i = 0; i < narmed; i++)
        fiu_disable(armed[i].point);
    narmed = 0;
}

void ipcf__assert_fired(const char *point, int n, const char *file, int line)
{
    int fired = ipcf_fired(point);

    if (fired != n)
        ipct__fail_at(file, line, "failure point %s fired %d times (of %d calls); expected %d",
                      point, fired, ipcf_calls(point), n);
}

/* One point of each preload must fail its call with the pinned errno. */
const char *ipcf_canary(void)
{
    int fds[2];
    int fd;
    const char *problem = NULL;

    ipcf_fail_nth("posix/io/oc/open", 1, EACCES);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd != -1 || errno != EACCES || ipcf_fired("posix/io/oc/open") != 1) {
        problem = "libfiu's fiu_posix_preload.so is not active: open() was not failed";
        if (fd != -1)
            close(fd);
    }
    ipcf_fail_nth("posix/pipe/pipe", 1, EMFILE);
    if (problem == NULL && (pipe(fds) != -1 || errno != EMFILE)) {
        problem = "ipcspec_preload.so is not active: pipe() was not failed";
        close(fds[0]);
        close(fds[1]);
    }
    ipcf_disarm_all();
    return problem;
}

int ipcf_setup(void **state)
{
    const char *problem;

    fiu_init(0);
    ipct_setup(state);
    problem = ipcf_canary();
    if (problem != NULL) {
        const char *preload = getenv("LD_PRELOAD");
        print_error("fault canary: %s (LD_PRELOAD=%s)\n", problem, preload ? preload : "unset");
        return -1;
    }
    return 0;
}

int ipcf_teardown(void **state)
{
    ipcf_disarm_all();
    return ipct_teardown(state);
}

void ipcf__assert_point_fails_once(const struct ipcf_point *p, const char *file, int line)
{
    errno = 0;
    if (p->call() != 0)
        ipct__fail_at(file, line, "%s unarmed: the call failed with %s", p->point,
                      ipct_errname(errno));
    ipcf_fail_nth(p->point, 1, p->err);
    errno = 0;
    int rc = p->call();
    if (rc != -1 || errno != p->err)
        ipct__fail_at(file, line, "%s armed with %s: the call returned %d, errno %s", p->point,
                      ipct_errname(p->err), rc, ipct_errname(errno));
    ipcf__assert_fired(p->point, 1, file, line);
    errno = 0;
    if (p->call() != 0)
        ipct__fail_at(file, line, "%s after its one failure: the call failed with %s", p->point,
                      ipct_errname(errno));
    ipcf__assert_fired(p->point, 1, file, line);
    ipcf_disarm_all();
}

void ipcf__assert_point_default_errno(const struct ipcf_point *p, const char *file, int line)
{
    if (fiu_enable(p->point, 1, NULL, FIU_ONETIME) != 0)
        ipct__fail_at(file, line, "fiu_enable(%s) failed", p->point);
    errno = 0;
    int rc = p->call();
    int got = errno;
    fiu_disable(p->point);
    if (rc != -1)
        ipct__fail_at(file, line, "%s enabled unpinned: the call returned %d; expected -1 with %s",
                      p->point, rc, ipct_errname(p->default_err));
    if (got != p->default_err)
        ipct__fail_at(file, line, "%s enabled unpinned: errno %s; expected its default %s",
                      p->point, ipct_errname(got), ipct_errname(p->default_err));
}
