/* SPDX-License-Identifier: MIT */
/*
 * shm.c - create, open, map, unmap and unlink shared memory objects, and map
 * a region of a file.
 *
 * Arguments this layer can judge are checked before any call is made; each
 * failing call is turned into -errno at once, and what the call before it
 * made (descriptor, mapping, name) is undone, so a failure leaves nothing.
 *
 * Spec: SHM-API-01..08, SHM-FAULT-01..08 (spec/shm.md).
 * See also: include/ipcspec/shm.h, shm_board.c.
 */
#include "ipcspec/shm.h"
#include "posix_name.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int ipc_shm_name_check(const char *name)
{
    return ipc_posix_name_check(name);
}

/* mmap span bytes of fd from the page-aligned offset base_off, then close fd
 * (the mapping keeps the object). On success fill *map, whose first byte
 * asked for is skip bytes into the mapping. 0 or -errno; fd is closed and
 * nothing is mapped on failure. */
static int map_and_close(int fd, off_t base_off, size_t skip, size_t len, int flags,
                         struct ipc_shm_map *map)
{
    int prot = (flags & IPC_SHM_RDONLY) ? PROT_READ : PROT_READ | PROT_WRITE;
    size_t span = skip + len;
    void *base = mmap(NULL, span, prot, MAP_SHARED, fd, base_off);
    int err;

    if (base == MAP_FAILED) {
        err = -errno;
        close(fd);
        return err;
    }
    /* Linux releases the descriptor even when close(2) reports an error, but
     * the error may mean lost work (EIO): report it, and undo the mapping. */
    if (close(fd) == -1) {
        err = -errno;
        munmap(base, span);
        return err;
    }
    map->base = base;
    map->span = span;
    map->addr = (char *)base + skip;
    map->len = len;
    return 0;
}

int ipc_shm_create(const char *name, size_t size, mode_t mode, struct ipc_shm_map *map)
{
    int fd, rc;

    if ((rc = ipc_shm_name_check(name)) != 0)
        return rc;
    if (map == NULL || size == 0 || size > (size_t)INT64_MAX)
        return -EINVAL;
    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd == -1)
        return -errno;
    if (ftruncate(fd, (off_t)size) == -1) {
        rc = -errno;
        close(fd);
        shm_unlink(name);
        return rc;
    }
    if ((rc = map_and_close(fd, 0, 0, size, 0, map)) != 0)
        shm_unlink(name);
    return rc;
}

int ipc_shm_open(const char *name, int flags, struct ipc_shm_map *map)
{
    struct stat st;
    int fd, rc;

    if ((rc = ipc_shm_name_check(name)) != 0)
        return rc;
    if (map == NULL || (flags & ~IPC_SHM_RDONLY) != 0)
        return -EINVAL;
    fd = shm_open(name, ((flags & IPC_SHM_RDONLY) ? O_RDONLY : O_RDWR) | O_CLOEXEC, 0);
    if (fd == -1)
        return -errno;
    if (fstat(fd, &st) == -1) {
        rc = -errno;
        close(fd);
        return rc;
    }
    if (st.st_size <= 0) { /* nothing to map: mmap would say EINVAL too */
        close(fd);
        return -EINVAL;
    }
    return map_and_close(fd, 0, 0, (size_t)st.st_size, flags, map);
}

int ipc_shm_map_file(const char *path, off_t offset, size_t len, int flags,
                     struct ipc_shm_map *map)
{
    long page = sysconf(_SC_PAGESIZE);
    off_t base_off;
    size_t skip;
    int fd;

    if (path == NULL || map == NULL || len == 0 || offset < 0 || (flags & ~IPC_SHM_RDONLY) != 0)
        return -EINVAL;
    base_off = offset - offset % page;
    skip = (size_t)(offset - base_off);
    if (len > SIZE_MAX - skip || len > (uint64_t)INT64_MAX - (uint64_t)offset)
        return -EINVAL;
    fd = open(path, ((flags & IPC_SHM_RDONLY) ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd == -1)
        return -errno;
    return map_and_close(fd, base_off, skip, len, flags, map);
}

int ipc_shm_unmap(struct ipc_shm_map *map)
{
    if (map == NULL || map->base == NULL)
        return -EINVAL;
    if (munmap(map->base, map->span) == -1)
        return -errno;
    memset(map, 0, sizeof *map);
    return 0;
}

int ipc_shm_unlink(const char *name)
{
    int rc = ipc_shm_name_check(name);

    if (rc != 0)
        return rc;
    if (shm_unlink(name) == -1)
        return errno == EPERM ? -EACCES : -errno; /* musl passes unlink's EPERM on */
    return 0;
}
