/* SPDX-License-Identifier: MIT */
/*
 * shm_helpers.h - what the shared memory tests share: the page size, making
 * and mapping objects, a child that runs as nobody or as a uid of its own,
 * a /dev/shm of a child's own, a child that touches a byte (to be killed by
 * a signal, or not), and what a publisher left.
 *
 * See also: test_shm_*.c, tests/fault/fault_shm_*.c.
 */
#ifndef SHM_HELPERS_H
#define SHM_HELPERS_H

#include "ipctest.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* 1 when a publisher's object of base exists in dir: its board (sub < 0,
 * in /dev/shm) or subscriber sub's queue (in /dev/mqueue). */
static inline int shm_pub_part_exists(const char *dir, const char *base, int sub)
{
    char path[300];
    struct stat st;

    if (sub < 0)
        snprintf(path, sizeof path, "%s/%s", dir, base + 1);
    else
        snprintf(path, sizeof path, "%s/%s-sub-%d", dir, base + 1, sub);
    return stat(path, &st) == 0;
}

static inline size_t page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

/* Create name afresh (O_EXCL), O_RDWR, mode, sized to size bytes. */
static inline int shm_new(const char *name, mode_t mode, off_t size)
{
    int fd = (int)ASSERT_SYS_OK(shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode));

    if (size > 0)
        ASSERT_SYS_OK(ftruncate(fd, size));
    return fd;
}

/* A new object whose name is removed at once: it lives as long as a
 * descriptor or mapping holds it (SHM-UNLINK-02), for tests that need an
 * object but not its name, and leaves nothing behind. */
static inline int shm_unnamed(mode_t mode, off_t size)
{
    const char *name = ipct_ipc_name("shm");
    int fd = shm_new(name, mode, size);

    ASSERT_SYS_OK(shm_unlink(name));
    return fd;
}

/* mmap that must succeed (fails at the caller's line). */
#define map_ok(addr, len, prot, flags, fd, off) \
    shm__map_ok(addr, len, prot, flags, fd, off, __FILE__, __LINE__)
static inline void *shm__map_ok(void *addr, size_t len, int prot, int flags, int fd, off_t off,
                                const char *file, int line)
{
    void *p = mmap(addr, len, prot, flags, fd, off);

    if (p == MAP_FAILED)
        ipct__fail_at(file, line, "mmap(%p, %zu, %d, 0x%x, %d, %lld): %s", addr, len, prot, flags,
                      fd, (long long)off, ipct_errname(errno));
    return p;
}

/* mmap that must fail with err (fails at the caller's line). */
#define map_err(addr, len, prot, flags, fd, off, err) \
    shm__map_err(addr, len, prot, flags, fd, off, err, __FILE__, __LINE__)
static inline void shm__map_err(void *addr, size_t len, int prot, int flags, int fd, off_t off,
                                int err, const char *file, int line)
{
    errno = 0;
    void *p = mmap(addr, len, prot, flags, fd, off);

    if (p != MAP_FAILED)
        ipct__fail_at(file, line, "mmap(%p, len %zu, prot %d, flags 0x%x, off %lld) succeeded; "
                      "expected %s", addr, len, prot, flags, (long long)off, ipct_errname(err));
    if (errno != err)
        ipct__fail_at(file, line, "mmap(%p, len %zu, prot %d, flags 0x%x, off %lld) failed "
                      "with %s; expected %s", addr, len, prot, flags, (long long)off,
                      ipct_errname(errno), ipct_errname(err));
}

static inline off_t object_size(int fd)
{
    struct stat st;

    ASSERT_SYS_OK(fstat(fd, &st));
    return st.st_size;
}

/* A child that runs fn(arg) as nobody; it skips the test when it cannot
 * drop its privileges (the test does not run as root). */
struct shm_as_nobody {
    ipct_child_fn fn;
    void *arg;
};

static inline void shm_nobody_child(void *arg)
{
    struct shm_as_nobody *c = arg;

    if (ipct_drop_privileges() != 0)
        IPCT_SKIP("cannot become nobody: the test needs root to drop to another uid");
    c->fn(c->arg);
}

/* Run fn(arg) in a child as nobody; its checks are the test's. */
#define shm_run_as_nobody(fn, arg) shm__run_as_nobody(fn, arg, __FILE__, __LINE__)
static inline void shm__run_as_nobody(ipct_child_fn fn, void *arg, const char *file, int line)
{
    struct shm_as_nobody c = { fn, arg };

    ipct__assert_exited(ipct__spawn(shm_nobody_child, &c, file, line), 0, file, line);
}

/* In a child: take a uid and gid no other process uses (1000000 + pid),
 * dropping every capability; fails the test when that is refused. */
#define shm_become_private_user() shm__become_private_user(__FILE__, __LINE__)
static inline void shm__become_private_user(const char *file, int line)
{
    uid_t uid = (uid_t)(1000000 + getpid());

    if (setgroups(0, NULL) == -1 || setresgid(uid, uid, uid) == -1 ||
        setresuid(uid, uid, uid) == -1) /* every id, so that nothing can switch back */
        ipct__fail_at(file, line, "becoming uid %u: %s", (unsigned)uid, ipct_errname(errno));
}

/* In a child: a mount namespace of its own, with a fresh tmpfs on /dev/shm
 * (mount flags extra, tmpfs options data); skips the test when the host
 * refuses the namespace or the mount. */
static inline void shm_private_dev_shm(unsigned long extra, const char *data)
{
    if (unshare(CLONE_NEWNS) == -1)
        IPCT_SKIP("unshare(CLONE_NEWNS): %s: this host does not let the test make a mount "
                  "namespace", ipct_errname(errno));
    /* the kernel ignores source and type here; valgrind reads both as strings */
    ASSERT_SYS_OK(mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL));
    if (mount("ipcspec", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | extra, data) == -1)
        IPCT_SKIP("mount tmpfs (%s) on /dev/shm in a new mount namespace: %s", data,
                  ipct_errname(errno));
}

/* What a touching child does with its byte. */
struct shm_touch {
    volatile char *at;
    int write;
};

/* Read or write one byte and return: a signal, if any, ends the child first. */
static inline void shm_touch_child(void *arg)
{
    struct shm_touch *t = arg;
    const struct rlimit no_core = { 0, 0 };

    setrlimit(RLIMIT_CORE, &no_core); /* the expected death leaves no core file */
    if (t->write)
        *t->at = 'w';
    else
        (void)*t->at;
}

/* Touch at in a child: its end must be death by sig (0: it returns). */
#define assert_touch_ends(at, write, sig) shm__assert_touch_ends(at, write, sig, __FILE__, __LINE__)
static inline void shm__assert_touch_ends(volatile char *at, int write, int sig, const char *file,
                                          int line)
{
    struct shm_touch t = { at, write };

    if (sig != 0 && ipct_under_memcheck())
        IPCT_SKIP("under valgrind a bad access to a mapping does not end the child with %s "
                  "(it exits 0): the signal cannot be shown under memcheck", ipct_signame(sig));
    pid_t pid = ipct__spawn(shm_touch_child, &t, file, line);

    if (sig == 0)
        ipct__assert_exited(pid, 0, file, line);
    else
        ipct__assert_signaled(pid, sig, file, line);
}

#endif
