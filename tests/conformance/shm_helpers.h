/*
 * shm_helpers.h - what the shared memory tests share: the page size, making
 * and mapping objects, a child that runs as nobody, a child that touches a
 * byte (to be killed by a signal, or not), and what a publisher left.
 *
 * See also: test_shm_*.c, tests/fault/fault_shm_*.c.
 */
#ifndef SHM_HELPERS_H
#define SHM_HELPERS_H

#include "ipctest.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

/* The exit code of a child that could not drop its privileges. */
enum { SHM_CANNOT_DROP = 77 };

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

/* mmap that must succeed. */
static inline void *map_ok(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    void *p = mmap(addr, len, prot, flags, fd, off);

    if (p == MAP_FAILED)
        IPCT_FAIL("mmap(%p, %zu, %d, 0x%x, %d, %lld): %s", addr, len, prot, flags, fd,
                  (long long)off, ipct_errname(errno));
    return p;
}

/* mmap that must fail with err. */
static inline void map_err(void *addr, size_t len, int prot, int flags, int fd, off_t off,
                           int err)
{
    errno = 0;
    void *p = mmap(addr, len, prot, flags, fd, off);

    if (p != MAP_FAILED)
        IPCT_FAIL("mmap(len %zu, prot %d, flags 0x%x, off %lld) succeeded; expected %s",
                  len, prot, flags, (long long)off, ipct_errname(err));
    if (errno != err)
        IPCT_FAIL("mmap(len %zu, prot %d, flags 0x%x, off %lld) failed with %s; expected %s",
                  len, prot, flags, (long long)off, ipct_errname(errno), ipct_errname(err));
}

static inline off_t object_size(int fd)
{
    struct stat st;

    ASSERT_SYS_OK(fstat(fd, &st));
    return st.st_size;
}

/* A child that runs fn(arg) as nobody, or exits SHM_CANNOT_DROP. */
struct shm_as_nobody {
    ipct_child_rc_fn fn;
    void *arg;
};

static inline int shm_nobody_child(void *arg)
{
    struct shm_as_nobody *c = arg;

    if (ipct_drop_privileges() != 0)
        return SHM_CANNOT_DROP;
    return c->fn(c->arg);
}

/* Run fn(arg) in a child as nobody and return its exit code; the test is
 * skipped when the child cannot drop privileges (not run as root). */
static inline int shm_run_as_nobody(ipct_child_rc_fn fn, void *arg)
{
    struct shm_as_nobody c = { fn, arg };
    int status = ipct_wait(ipct_spawn_rc(shm_nobody_child, &c));

    if (!WIFEXITED(status))
        IPCT_FAIL("the child as nobody died of %s", ipct_signame(WTERMSIG(status)));
    if (WEXITSTATUS(status) == SHM_CANNOT_DROP)
        IPCT_SKIP("cannot become nobody: the test needs root to drop to another uid");
    return WEXITSTATUS(status);
}

/* What a touching child does with its byte. */
struct shm_touch {
    volatile char *at;
    int write;
};

/* Read or write one byte, then exit 0: a signal, if any, ends the child first. */
static inline int shm_touch_child(void *arg)
{
    struct shm_touch *t = arg;
    const struct rlimit no_core = { 0, 0 };

    setrlimit(RLIMIT_CORE, &no_core); /* the expected death leaves no core file */
    if (t->write)
        *t->at = 'w';
    else
        (void)*t->at;
    return 0;
}

/* Touch at in a child: its end must be death by sig (0: exit 0). */
static inline void assert_touch_ends(volatile char *at, int write, int sig)
{
    struct shm_touch t = { at, write };

    if (sig != 0 && ipct_under_memcheck())
        IPCT_SKIP("under valgrind a bad access to a mapping does not end the child with %s "
                  "(it exits 0): the signal cannot be shown under memcheck", ipct_signame(sig));
    pid_t pid = ipct_spawn_rc(shm_touch_child, &t);

    if (sig == 0)
        assert_child_exited(pid, 0);
    else
        assert_child_signaled(pid, sig);
}

#endif
