/* SPDX-License-Identifier: MIT */
/*
 * leak.c - the leak snapshot: what a test must leave as it found it.
 *
 * Taken in setup, checked in teardown after the harness has reaped its
 * children and removed its names: any descriptor opened and not closed, any
 * child process still alive, any message queue or shared memory object whose
 * name carries this run's tag ("ipcspec-...-<pid>-<tag>-") is a leak, and
 * fails the test that made it. Under valgrind, which does not report fd
 * leaks, this is the fd gate too.
 *
 * See also: names.c, child.c.
 */
#include "ipctest.h"
#include "internal.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_FD = 65536 };

struct ipct_snapshot {
    unsigned char open[MAX_FD / 8];
};

static int fd_is_set(const struct ipct_snapshot *s, int fd)
{
    return (s->open[fd / 8] >> (fd % 8)) & 1;
}

/* Call fn for each numeric entry of directory path; the directory's own
 * descriptor is passed so callers can leave it out. */
static void for_each_number(const char *path, void (*fn)(long, int, void *), void *arg)
{
    DIR *dir = opendir(path);
    struct dirent *e;

    if (dir == NULL)
        IPCT_FAIL("opendir %s: %s", path, ipct_errname(errno));
    while ((e = readdir(dir)) != NULL) {
        char *end;
        long n = strtol(e->d_name, &end, 10);
        if (end != e->d_name && *end == '\0')
            fn(n, dirfd(dir), arg);
    }
    closedir(dir);
}

static void mark_fd(long fd, int own, void *arg)
{
    struct ipct_snapshot *s = arg;

    if (fd != own && fd < MAX_FD)
        s->open[fd / 8] |= (unsigned char)(1u << (fd % 8));
}

struct ipct_snapshot *ipct__snapshot_take(void)
{
    struct ipct_snapshot *s = calloc(1, sizeof *s);

    if (s == NULL)
        IPCT_FAIL("out of memory for the leak snapshot");
    for_each_number("/proc/self/fd", mark_fd, s);
    return s;
}

struct report {
    char *text;
    size_t len;
    size_t used;
    int leaks;
};

static void say(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct report *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (r->used < r->len)
        r->used += (size_t)vsnprintf(r->text + r->used, r->len - r->used, fmt, ap);
    va_end(ap);
    r->leaks++;
}

static void check_fds(const struct ipct_snapshot *before, struct report *r)
{
    struct ipct_snapshot *now = ipct__snapshot_take();

    for (int fd = 0; fd < MAX_FD; fd++) {
        if (fd_is_set(now, fd) && !fd_is_set(before, fd)) {
            char link[64], target[256] = "?";
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(link, target, sizeof target - 1);
            target[n > 0 ? n : 1] = '\0';
            say(r, "fd %d leaked (%s); ", fd, target);
        } else if (!fd_is_set(now, fd) && fd_is_set(before, fd)) {
            say(r, "fd %d closed, but the test did not open it; ", fd);
        }
    }
    free(now);
}

/* Children the harness did not spawn (an implementation's, say). */
static void check_children(struct report *r)
{
    pid_t pid;
    int status;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        say(r, "child %d left unreaped; ", (int)pid);
    char path[64], list[1024];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return; /* kernel without CONFIG_PROC_CHILDREN: the waitpid sweep stands */
    if (fgets(list, sizeof list, f) != NULL) {
        for (char *tok = strtok(list, " \n"); tok != NULL; tok = strtok(NULL, " \n")) {
            pid = (pid_t)strtol(tok, NULL, 10);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            say(r, "child %d still running (killed); ", (int)pid);
        }
    }
    fclose(f);
}

/* Report, then remove, every object in dir that carries this run's tag
 * (names.c): a leak fails its test, and never outlives it on the host. An
 * object of an earlier process that had the same pid carries another tag,
 * and is not this test's doing. */
static void check_names(const char *dir, struct report *r)
{
    char marker[32];
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL)
        return; /* not mounted here: ci/deps mounts /dev/mqueue (mq_overview(7)) */
    snprintf(marker, sizeof marker, "-%s-", ipct__run_tag());
    while ((e = readdir(d)) != NULL) {
        /* a named semaphore "/N" is the file sem.N in /dev/shm (sem_overview(7)) */
        const char *n = strncmp(e->d_name, "sem.", 4) == 0 ? e->d_name + 4 : e->d_name;
        if (strncmp(n, "ipcspec-", 8) == 0 && strstr(n, marker) != NULL) {
            say(r, "%s/%s left behind (removed); ", dir, e->d_name);
            unlinkat(dirfd(d), e->d_name, 0);
        }
    }
    closedir(d);
}

int ipct__snapshot_check(struct ipct_snapshot *before, char *text, size_t len)
{
    struct report r = { .text = text, .len = len };

    text[0] = '\0';
    check_fds(before, &r);
    check_children(&r);
    check_names("/dev/mqueue", &r);
    check_names("/dev/shm", &r);
    free(before);
    return r.leaks;
}
