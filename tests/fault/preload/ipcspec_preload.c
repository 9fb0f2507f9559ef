/* SPDX-License-Identifier: MIT */
/*
 * ipcspec_preload.c - failure points for the calls libfiu's own POSIX preload
 * does not wrap, in its naming style.
 *
 *   posix/pipe/pipe       pipe(2)       default errno EMFILE
 *   posix/pipe/pipe2      pipe2(2)      default errno EMFILE
 *   posix/io/fifo/mkfifo  mkfifo(3)     default errno ENOSPC
 *   posix/io/ctl/fcntl    fcntl(2)      default errno EBADF
 *   posix/io/stat/fstat   fstat(2)      default errno EIO
 *   posix/io/rw/write/zero  write(2) of n > 0 returns 0 and writes nothing
 *
 * With IPCSPEC_CLOSE_RELEASES=1 (the fault sweep sets it), a failing close()
 * (libfiu's point posix/io/oc/close, decided here instead) first releases
 * the descriptor, as Linux's close(2) always does, then reports the error;
 * without it, libfiu's wrapper fails close() without making the call.
 *
 * Loaded with LD_PRELOAD beside fiu_posix_preload.so; both consult the one
 * shared libfiu, so fiu_enable() in a test arms these points too. A failing
 * call sets errno to the point's failinfo when one is given (tests pin it),
 * else to the default above: never a random errno. When a point is off the
 * call goes straight to the C library.
 *
 * Spec: FIU-CANARY-02, FIU-EXT-01..02 (spec/faults.md). Later mechanisms
 * add their calls here. See also: tests/lib/fault.c, env_faults.c (points
 * armed through the environment, for programs a test executes).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fiu.h>

#include "preload.h"

/* Set while libfiu decides, or this library arms its points or resolves a
 * symbol, so a call either makes itself (an allocation, say) is never
 * counted or failed: the tool must not fail itself. */
__thread int ipcspec__deciding;
__thread int ipcspec__tool_call;

static void __attribute__((constructor)) preload_init(void)
{
    ipcspec__deciding = 1;
    fiu_init(0);
    ipcspec__env_faults_init();
    ipcspec__deciding = 0;
}

/* Every decision, libfiu's own wrappers' too, goes through here: what
 * libfiu allocates while it decides is not the program's. */
int fiu_fail(const char *name)
{
    static int (*real_fiu_fail)(const char *);
    int was = ipcspec__deciding;
    int rc;

    ipcspec__deciding = 1;
    if (real_fiu_fail == NULL)
        real_fiu_fail = (int (*)(const char *))dlsym(RTLD_NEXT, "fiu_fail");
    ipcspec__tool_call = was; /* a decision about the tool's own call */
    rc = real_fiu_fail != NULL ? real_fiu_fail(name) : 0;
    ipcspec__tool_call = 0;
    ipcspec__deciding = was;
    return rc;
}

int ipcspec__should_fail(const char *point, int default_errno)
{
    int fail;

    if (ipcspec__deciding)
        return 0;
    fail = fiu_fail(point) != 0;
    if (fail) {
        void *info = fiu_failinfo();
        errno = info != NULL ? (int)(intptr_t)info : default_errno;
    }
    return fail;
}

int pipe(int fds[2])
{
    REAL(pipe);
    if (ipcspec__should_fail("posix/pipe/pipe", EMFILE))
        return -1;
    return real(fds);
}

int pipe2(int fds[2], int flags)
{
    REAL(pipe2);
    if (ipcspec__should_fail("posix/pipe/pipe2", EMFILE))
        return -1;
    return real(fds, flags);
}

int mkfifo(const char *path, mode_t mode)
{
    REAL(mkfifo);
    if (ipcspec__should_fail("posix/io/fifo/mkfifo", ENOSPC))
        return -1;
    return real(path, mode);
}

/* fcntl's third argument is an int or a pointer, whichever cmd takes; both
 * travel in one register-sized slot, so pass it on as a pointer. */
static int fcntl_common(const char *sym, int fd, int cmd, void *arg)
{
    typedef int (*fcntl_fn)(int, int, ...);
    static fcntl_fn real_fcntl, real_fcntl64;
    fcntl_fn *real = sym[5] == '6' ? &real_fcntl64 : &real_fcntl;

    if (*real == NULL)
        *real = (fcntl_fn)dlsym(RTLD_NEXT, sym);
    if (ipcspec__should_fail("posix/io/ctl/fcntl", EBADF))
        return -1;
    return (*real)(fd, cmd, arg);
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    return fcntl_common("fcntl", fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    return fcntl_common("fcntl64", fd, cmd, arg);
}

int fstat(int fd, struct stat *st)
{
    REAL(fstat);
    if (ipcspec__should_fail("posix/io/stat/fstat", EIO))
        return -1;
    return real(fd, st);
}

/* Listed first in LD_PRELOAD, this wraps libfiu's write wrapper in turn. */
ssize_t write(int fd, const void *buf, size_t count)
{
    REAL(write);
    if (count > 0 && ipcspec__should_fail("posix/io/rw/write/zero", 0)) {
        errno = 0;
        return 0;
    }
    return real(fd, buf, count);
}

/* The close system call itself, past libfiu's wrapper: nothing to resolve,
 * nothing allocated (a failing malloc must never fail the tool). */
static int libc_close(int fd)
{
    return (int)syscall(SYS_close, fd);
}

int ipcspec__close_releases(void)
{
    static int releases = -1;

    if (releases < 0) {
        const char *v = getenv("IPCSPEC_CLOSE_RELEASES");
        releases = v != NULL && v[0] == '1' && v[1] == '\0';
    }
    return releases;
}

int close(int fd)
{
    REAL(close);
    if (!ipcspec__close_releases())
        return real(fd);
    if (ipcspec__should_fail("posix/io/oc/close", EIO)) {
        int err = errno;
        libc_close(fd);
        errno = err;
        return -1;
    }
    return libc_close(fd);
}
