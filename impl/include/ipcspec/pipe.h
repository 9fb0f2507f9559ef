/* SPDX-License-Identifier: MIT */
/*
 * ipcspec/pipe.h - pipes and FIFOs.
 *
 * A thin, checked layer over pipe2(2), fcntl(F_[GS]ETPIPE_SZ), mkfifo(3) and
 * open(2) of a FIFO. Every function returns >= 0 on success or a negative
 * errno, never prints, and leaves no descriptor or file behind on failure.
 *
 * Spec: spec/pipe.md (PIPE-*, FIFO-*). See also: io.h, demo/pipe_demo.c.
 */
#ifndef IPCSPEC_PIPE_H
#define IPCSPEC_PIPE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Create a pipe: fds[0] the read end, fds[1] the write end. flags is 0 or any
 * of O_CLOEXEC, O_NONBLOCK, O_DIRECT. Returns 0, -EINVAL for other flags, or
 * what pipe2(2) failed with (-EMFILE, -ENFILE); fds is untouched on failure.
 */
int ipc_pipe_open(int fds[2], int flags);

/*
 * Close both ends that are >= 0 and set them to -1. Returns 0 or the first
 * negative errno close(2) reported; the descriptor is gone either way.
 */
int ipc_pipe_close(int fds[2]);

/* Return the capacity in bytes of the pipe behind fd, or -EBADF / -EINVAL. */
int ipc_pipe_capacity(int fd);

/*
 * Set the capacity of the pipe behind fd to at least bytes; the kernel rounds
 * up to a power-of-two number of pages. Returns the new capacity, or -EINVAL
 * (0 or above INT_MAX), -EPERM (above /proc/sys/fs/pipe-max-size without
 * CAP_SYS_RESOURCE), -EBUSY (fewer bytes than the pipe holds now).
 */
int ipc_pipe_resize(int fd, size_t bytes);

/*
 * Create a FIFO at path with the permission bits mode (umask applies).
 * Returns 0, -EINVAL for bits outside 0777, or what mkfifo(3) failed with
 * (-EEXIST, -ENOENT, -EACCES, ...).
 */
int ipc_fifo_make(const char *path, mode_t mode);

/*
 * Open the FIFO at path. flags is one of O_RDONLY, O_WRONLY, O_RDWR, with any
 * of O_NONBLOCK and O_CLOEXEC. Blocks as fifo(7) says: a reader until a writer
 * opens, a writer until a reader opens, unless O_NONBLOCK. Returns the
 * descriptor, -EINVAL for other flags or a path that is not a FIFO, -ENXIO
 * (O_WRONLY|O_NONBLOCK and no reader), or what open(2) failed with.
 */
int ipc_fifo_open(const char *path, int flags);

#endif
