/* SPDX-License-Identifier: MIT */
/*
 * shm_points.c - failure points for the POSIX shared memory calls, which
 * libfiu's own preload does not wrap:
 *
 *   posix/shm/open    shm_open(3)    default errno EMFILE
 *   posix/shm/unlink  shm_unlink(3)  default errno EACCES
 *   posix/mm/munmap/error  munmap(2)  default errno EINVAL
 *
 * The last is needed because libfiu 1.1's own posix/mm/munmap point is
 * broken: it skips the call and sets errno but returns 0, so the caller
 * sees success (checked on this host: the mapping stays, munmap says 0).
 * This one returns -1.
 *
 * A failing call is not made at all (as with libfiu's own points): a failed
 * shm_open creates nothing, a failed shm_unlink removes nothing. The other
 * calls around shared memory (mmap, msync, ftruncate, open, close)
 * are libfiu's: posix/mm/mmap, posix/mm/msync,
 * posix/io/rw/ftruncate, posix/io/oc/open, posix/io/oc/close.
 *
 * Spec: FIU-EXT-07..08 (spec/faults.md); used by SHM-FAULT-* (spec/shm.md).
 * See also: ipcspec_preload.c (the shared decision), impl/src/shm.c.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

#include "preload.h"

int shm_open(const char *name, int oflag, mode_t mode)
{
    REAL(shm_open);
    if (ipcspec__should_fail("posix/shm/open", EMFILE))
        return -1;
    return real(name, oflag, mode);
}

int shm_unlink(const char *name)
{
    REAL(shm_unlink);
    if (ipcspec__should_fail("posix/shm/unlink", EACCES))
        return -1;
    return real(name);
}

int munmap(void *addr, size_t len)
{
    REAL(munmap);
    if (ipcspec__should_fail("posix/mm/munmap/error", EINVAL))
        return -1;
    return real(addr, len);
}
