/* SPDX-License-Identifier: MIT */
/*
 * ipcspec/shm.h - POSIX shared memory (shm_overview(7)) and file mappings.
 *
 * A checked layer over shm_open, ftruncate, fstat, mmap, munmap, close and
 * shm_unlink. A mapping is described by a struct ipc_shm_map; the descriptor
 * behind it is closed as soon as the mapping exists (a mapping keeps its
 * object alive on its own, mmap(2) NOTES). Every function returns >= 0 on
 * success or a negative errno, never prints, never leaves meaning in errno,
 * and a failed call leaves no mapping, no descriptor and no new name behind.
 *
 * Spec: spec/shm.md (SHM-API-*, SHM-FAULT-*). See also: src/shm.c,
 * include/ipcspec/shm_board.h (the publisher/subscriber board built on it).
 */
#ifndef IPCSPEC_SHM_H
#define IPCSPEC_SHM_H

#include <stddef.h>
#include <sys/types.h>

/* One mapping made by this layer. */
struct ipc_shm_map {
    void *addr;   /* the first byte asked for (NULL when not mapped) */
    size_t len;   /* the bytes asked for */
    void *base;   /* internal: the page-aligned start of the mapping */
    size_t span;  /* internal: the length of the mapping from base */
};

/* Flags of ipc_shm_open and ipc_shm_map_file. */
#define IPC_SHM_RDONLY 1 /* map PROT_READ, open O_RDONLY */

/*
 * Check a shared memory object name: '/' first, no other '/', 2 to
 * NAME_MAX + 1 bytes in all. Returns 0, -EINVAL (shape) or -ENAMETOOLONG.
 */
int ipc_shm_name_check(const char *name);

/*
 * Create the object name (O_CREAT | O_EXCL, mode), size it to size bytes
 * (zero-filled) and map all of it read-write, MAP_SHARED, into *map.
 * Returns 0, or -EINVAL (map NULL, bad name, size 0), -ENAMETOOLONG, or what
 * shm_open, ftruncate, mmap or close failed with (-EEXIST: the name exists,
 * -EMFILE, -ENOMEM, ...); on failure the name is removed again and *map is
 * untouched.
 */
int ipc_shm_create(const char *name, size_t size, mode_t mode, struct ipc_shm_map *map);

/*
 * Open the existing object name and map all of it (its size from fstat),
 * read-write, or read-only with IPC_SHM_RDONLY. Returns 0, or -EINVAL (map
 * NULL, bad name, other flags, an object of size 0), -ENAMETOOLONG, or what
 * shm_open, fstat, mmap or close failed with (-ENOENT, -EACCES, ...); *map is
 * untouched on failure.
 */
int ipc_shm_open(const char *name, int flags, struct ipc_shm_map *map);

/*
 * Map len bytes of the file at path from byte offset (any offset: the layer
 * maps from the page that holds it), MAP_SHARED, read-write or read-only with
 * IPC_SHM_RDONLY: stores through map->addr reach the file. Returns 0, or
 * -EINVAL (map or path NULL, len 0, other flags, offset negative or
 * offset + len overflowing), or what open, mmap or close failed with
 * (-ENOENT, -EACCES, -EOVERFLOW, ...); *map is untouched on failure. Bytes
 * past the file's end are not backed: touching a whole page beyond it
 * raises SIGBUS (mmap(2)); the layer does not extend the file.
 */
int ipc_shm_map_file(const char *path, off_t offset, size_t len, int flags,
                     struct ipc_shm_map *map);

/* Remove the mapping and clear *map. Returns 0, -EINVAL (map NULL or not
 * mapped), or what munmap failed with (the mapping is kept then). */
int ipc_shm_unmap(struct ipc_shm_map *map);

/* Remove the name; mappings and descriptors keep the object until they go.
 * Returns 0, -EINVAL / -ENAMETOOLONG (bad name), -ENOENT, -EACCES. */
int ipc_shm_unlink(const char *name);

#endif
