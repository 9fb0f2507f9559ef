/*
 * env_faults.c - failure points armed through the environment, for a program
 * a test executes (a demo) rather than calls:
 *
 *   IPCSPEC_FAULTS=point:nth:errno[,point:nth:errno...]
 *   IPCSPEC_FAULT_LOG=path
 *
 * Each item fails call number nth of point (counted in this process; a forked
 * child goes on from its parent's count) with errno, and appends
 * "point nth errno" to the log: the test's proof that the fault fired. A
 * malformed variable stops the program before main, exit status 125, rather
 * than letting it run with no fault and pass for the wrong reason.
 *
 * Spec: FIU-ENV-01..02 (spec/faults.md). See also: ipcspec_preload.c.
 */
#include "preload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fiu-control.h>

enum { MAX_FAULTS = 16, SPEC_MAX = 1024 };

struct env_fault {
    char point[64];
    long nth;
    int err;
    long calls;
};

static struct env_fault faults[MAX_FAULTS];
static int nfaults;
static const char *log_path;

/* Raw system calls only: this runs inside libfiu's wrappers. */
static void log_firing(const struct env_fault *f)
{
    char line[128];
    int len = snprintf(line, sizeof line, "%s %ld %d\n", f->point, f->nth, f->err);
    long fd;

    if (log_path == NULL)
        return;
    fd = syscall(SYS_openat, AT_FDCWD, log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    syscall(SYS_write, fd, line, (size_t)len);
    syscall(SYS_close, fd);
}

static int env_decide(const char *name, int *failnum, void **failinfo, unsigned int *flags)
{
    int fail = 0;

    (void)failnum;
    (void)flags;
    for (int i = 0; i < nfaults; i++) {
        struct env_fault *f = &faults[i];
        if (strcmp(f->point, name) != 0 || ++f->calls != f->nth || fail)
            continue;
        *failinfo = (void *)(intptr_t)f->err;
        log_firing(f);
        fail = 1;
    }
    return fail;
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

void ipcspec__env_faults_init(void)
{
    static char spec[SPEC_MAX];
    const char *text = getenv("IPCSPEC_FAULTS");
    char *save = NULL;

    if (text == NULL || text[0] == '\0')
        return;
    if (strlen(text) >= sizeof spec)
        refuse("...", "longer than 1023 bytes");
    snprintf(spec, sizeof spec, "%s", text);
    log_path = getenv("IPCSPEC_FAULT_LOG");
    for (char *item = strtok_r(spec, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save))
        parse_item(item);
    for (int i = 0; i < nfaults; i++) {
        int armed_before = 0;
        for (int j = 0; j < i; j++)
            armed_before |= strcmp(faults[j].point, faults[i].point) == 0;
        if (!armed_before && fiu_enable_external(faults[i].point, 1, NULL, 0, env_decide) != 0)
            refuse(faults[i].point, "libfiu refused to enable it");
    }
}
