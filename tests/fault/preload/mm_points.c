/*
 * mm_points.c - failure points for the allocator, which libfiu 1.1's own
 * preload does not wrap:
 *
 *   posix/mm/malloc   malloc(3)    default errno ENOMEM
 *   posix/mm/calloc   calloc(3)    default errno ENOMEM
 *   posix/mm/realloc  realloc(3)   default errno ENOMEM (the block is kept)
 *
 * A failing call returns NULL with errno set and allocates nothing. A call
 * that is let through goes to glibc's own __libc_malloc / __libc_calloc /
 * __libc_realloc: no dlsym, so nothing here allocates while it resolves, and
 * free() stays glibc's. The C library's internal allocations (stdio
 * buffers, ...) go through these too, as they would fail in a real shortage.
 *
 * Under ASan the sanitizer's allocator comes first in LD_PRELOAD and these
 * are never called: a sanitizer build sweeps every other point.
 *
 * Spec: FIU-EXT-05..06 (spec/faults.md); swept by FIU-SWEEP-* (issue 7).
 * See also: ipcspec_preload.c (the shared decision).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "preload.h"

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *ptr, size_t size);

void *malloc(size_t size)
{
    if (ipcspec__should_fail("posix/mm/malloc", ENOMEM))
        return NULL;
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    if (ipcspec__should_fail("posix/mm/calloc", ENOMEM))
        return NULL;
    return __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
    if (ipcspec__should_fail("posix/mm/realloc", ENOMEM))
        return NULL;
    return __libc_realloc(ptr, size);
}
