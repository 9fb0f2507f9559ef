/* SPDX-License-Identifier: MIT */
/*
 * names.c - IPC names and temporary directories unique to one test, and
 * the capability checks that decide what a host can show.
 *
 * Names carry the pid, a random tag drawn once per process, and a counter
 * ("/ipcspec-mq-<pid>-<tag>-<n>"): parallel tests (ctest -j) never meet, and
 * a later test that gets an earlier one's pid never meets its leftovers.
 * Teardown first looks for what a test left under the names it was given
 * (a queue, a shm object, a socket or FIFO in its directory: each fails the
 * test), then unlinks every name and removes every directory.
 *
 * See also: ipctest.h, leak.c (which looks for objects that escaped).
 */
#include "ipctest.h"
#include "internal.h"

#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_NAMES = 32, NAME_LEN = 64, MAX_DIRS = 4, PATH_LEN = 256 };

static char names[MAX_NAMES][NAME_LEN];
static int nnames;
static char tmpdir[PATH_LEN];
static char paths[8][PATH_LEN];
static unsigned path_slot;

const char *ipct__run_tag(void)
{
    static char tag[32];
    static pid_t tag_pid;

    if (tag_pid != getpid()) { /* a forked child draws its own */
        uint32_t r = 0;
        if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) {
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            r = (uint32_t)t.tv_nsec ^ (uint32_t)t.tv_sec;
        }
        tag_pid = getpid();
        snprintf(tag, sizeof tag, "%d-%08x", (int)tag_pid, r);
    }
    return tag;
}

const char *ipct__ipc_name(const char *kind, const char *file, int line)
{
    static unsigned counter;

    if (nnames == MAX_NAMES)
        ipct__fail_at(file, line, "more than %d IPC names in one test", MAX_NAMES);
    snprintf(names[nnames], NAME_LEN, "/ipcspec-%s-%s-%u", kind, ipct__run_tag(), counter++);
    return names[nnames++];
}

const char *ipct__tmpdir(const char *file, int line)
{
    if (tmpdir[0] == '\0') {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/ipcspec-%d-XXXXXX",
                 base != NULL && base[0] != '\0' ? base : "/tmp", (int)getpid());
        if (mkdtemp(tmpdir) == NULL) {
            int err = errno;
            tmpdir[0] = '\0';
            ipct__fail_at(file, line, "mkdtemp: %s", ipct_errname(err));
        }
    }
    return tmpdir;
}

const char *ipct__path(const char *leaf, const char *file, int line)
{
    char *slot = paths[path_slot++ % 8];
    int n = snprintf(slot, PATH_LEN, "%s/%s", ipct__tmpdir(file, line), leaf);

    if (n >= PATH_LEN)
        ipct__fail_at(file, line, "path %s/%s longer than %d bytes", tmpdir, leaf, PATH_LEN);
    return slot;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

/* Adds "WHAT left behind; " for each object still under one of the
 * test's names: the queue or shm object, or a socket or FIFO anywhere in
 * its directory. */
static int say_left(char *report, size_t len, size_t *used, const char *what, const char *name)
{
    if (*used < len)
        *used += (size_t)snprintf(report + *used, len - *used, "%s %s left behind by the test; ",
                                  what, name);
    return 1;
}

struct left_walk {
    char *report;
    size_t len, used;
    int count;
};
static struct left_walk walk;

static int note_ipc_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)type;
    (void)ftw;
    if (S_ISSOCK(st->st_mode))
        walk.count += say_left(walk.report, walk.len, &walk.used, "socket", path);
    else if (S_ISFIFO(st->st_mode))
        walk.count += say_left(walk.report, walk.len, &walk.used, "FIFO", path);
    return 0;
}

int ipct__names_left(char *report, size_t len)
{
    size_t used = 0;
    int count = 0;

    report[0] = '\0';
    for (int i = 0; i < nnames; i++) {
        mqd_t q = mq_open(names[i], O_RDONLY | O_NONBLOCK);
        if (q != (mqd_t)-1)
            mq_close(q);
        if (q != (mqd_t)-1 || errno == EACCES)
            count += say_left(report, len, &used, "message queue", names[i]);
        int fd = shm_open(names[i], O_RDONLY, 0);
        if (fd != -1)
            close(fd);
        if (fd != -1 || errno == EACCES)
            count += say_left(report, len, &used, "shm object", names[i]);
    }
    if (tmpdir[0] != '\0') {
        walk = (struct left_walk){ .report = report, .len = len, .used = used };
        nftw(tmpdir, note_ipc_file, 8, FTW_PHYS);
        count += walk.count;
    }
    return count;
}

/* A name may be a message queue or a shared memory object, or already gone:
 * try both, and let ENOENT be. */
void ipct__names_cleanup(void)
{
    for (int i = 0; i < nnames; i++) {
        mq_unlink(names[i]);
        shm_unlink(names[i]);
    }
    nnames = 0;
    if (tmpdir[0] != '\0') {
        nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        tmpdir[0] = '\0';
    }
}

char *ipct__read_text(const char *path, char *buf, size_t len, const char *file, int line)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    ssize_t n;

    buf[0] = '\0';
    if (fd == -1 && errno == ENOENT)
        return buf;
    if (fd == -1)
        ipct__fail_at(file, line, "open %s: %s", path, ipct_errname(errno));
    while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
        got += (size_t)n;
    close(fd);
    buf[got] = '\0';
    return buf;
}

long ipct__read_long(const char *path, const char *file, int line)
{
    char text[64];
    char *end;
    long value;

    ipct__read_text(path, text, sizeof text, file, line);
    errno = 0;
    value = strtol(text, &end, 10);
    if (end == text || errno != 0)
        ipct__fail_at(file, line, "%s holds no number: \"%s\"", path, text);
    return value;
}

int ipct__lowest_free_fd(const char *file, int line)
{
    int fd = dup(STDIN_FILENO);

    if (fd == -1)
        ipct__fail_at(file, line, "dup(0): %s", ipct_errname(errno));
    close(fd);
    return fd;
}

int ipct__leave_free_fds(int n, const char *file, int line)
{
    int first_free = ipct__lowest_free_fd(file, line);
    struct rlimit lim;

    for (int fd = first_free + 1; fd < 1024; fd++)
        close(fd); /* every number below first_free is in use, every one above free */
    if (getrlimit(RLIMIT_NOFILE, &lim) == -1)
        ipct__fail_at(file, line, "getrlimit(RLIMIT_NOFILE): %s", ipct_errname(errno));
    lim.rlim_cur = (rlim_t)first_free + (rlim_t)n;
    if (setrlimit(RLIMIT_NOFILE, &lim) == -1)
        ipct__fail_at(file, line, "setrlimit(RLIMIT_NOFILE, soft %d): %s", first_free + n,
                      ipct_errname(errno));
    return first_free;
}

int ipct_has_cap(int cap)
{
    char line[256];
    uint64_t eff = 0;
    FILE *f = fopen("/proc/self/status", "re");

    if (f == NULL)
        IPCT_FAIL("open /proc/self/status: %s", ipct_errname(errno));
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "CapEff:", 7) == 0) {
            eff = strtoull(line + 7, NULL, 16);
            break;
        }
    }
    fclose(f);
    return (int)((eff >> cap) & 1);
}

int ipct_drop_privileges(void)
{
    const uid_t nobody = 65534;

    if (getuid() == 0 && setgroups(0, NULL) == -1)
        return -errno;
    if (setgid(nobody) == -1 || setuid(nobody) == -1)
        return -errno;
    return 0;
}
