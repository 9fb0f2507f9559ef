/*
 * names.c - IPC names and temporary directories unique to one test, and
 * the capability checks that decide what a host can show.
 *
 * Names carry the pid and a counter ("/ipcspec-mq-<pid>-<n>"), so parallel
 * tests (ctest -j) never meet; every name handed out is unlinked again in
 * teardown, and every directory removed with its contents.
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
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { MAX_NAMES = 32, NAME_LEN = 64, MAX_DIRS = 4, PATH_LEN = 256 };

static char names[MAX_NAMES][NAME_LEN];
static int nnames;
static char tmpdir[PATH_LEN];
static char paths[8][PATH_LEN];
static unsigned path_slot;

const char *ipct_ipc_name(const char *kind)
{
    static unsigned counter;

    if (nnames == MAX_NAMES)
        IPCT_FAIL("more than %d IPC names in one test", MAX_NAMES);
    snprintf(names[nnames], NAME_LEN, "/ipcspec-%s-%d-%u", kind, (int)getpid(), counter++);
    return names[nnames++];
}

const char *ipct_tmpdir(void)
{
    if (tmpdir[0] == '\0') {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/ipcspec-%d-XXXXXX",
                 base != NULL && base[0] != '\0' ? base : "/tmp", (int)getpid());
        if (mkdtemp(tmpdir) == NULL) {
            int err = errno;
            tmpdir[0] = '\0';
            IPCT_FAIL("mkdtemp: %s", ipct_errname(err));
        }
    }
    return tmpdir;
}

const char *ipct_path(const char *leaf)
{
    char *slot = paths[path_slot++ % 8];
    int n = snprintf(slot, PATH_LEN, "%s/%s", ipct_tmpdir(), leaf);

    if (n >= PATH_LEN)
        IPCT_FAIL("path %s/%s longer than %d bytes", tmpdir, leaf, PATH_LEN);
    return slot;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path) == -1 && errno != ENOENT ? -1 : 0;
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

char *ipct_read_text(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    ssize_t n;

    buf[0] = '\0';
    if (fd == -1 && errno == ENOENT)
        return buf;
    if (fd == -1)
        IPCT_FAIL("open %s: %s", path, ipct_errname(errno));
    while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
        got += (size_t)n;
    close(fd);
    buf[got] = '\0';
    return buf;
}

long ipct_read_long(const char *path)
{
    char text[64];
    char *end;
    long value;

    ipct_read_text(path, text, sizeof text);
    errno = 0;
    value = strtol(text, &end, 10);
    if (end == text || errno != 0)
        IPCT_FAIL("%s holds no number: \"%s\"", path, text);
    return value;
}

int ipct_lowest_free_fd(void)
{
    int fd = (int)ASSERT_SYS_OK(dup(STDIN_FILENO));

    close(fd);
    return fd;
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
