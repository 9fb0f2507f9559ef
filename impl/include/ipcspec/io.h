/* SPDX-License-Identifier: MIT */
/*
 * ipcspec/io.h - whole-buffer read and write over any descriptor.
 *
 * read(2) and write(2) may transfer fewer bytes than asked (a pipe, a socket,
 * a signal arriving mid-transfer) or fail with EINTR before transferring
 * anything. These helpers loop until the whole buffer is moved, end of file,
 * or a real error, and never lose track of how much was moved.
 *
 * Spec: PIPE-API-01..04. See also: pipe.h, spec/pipe.md.
 */
#ifndef IPCSPEC_IO_H
#define IPCSPEC_IO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Read len bytes into buf, retrying short reads and EINTR. Returns len, fewer
 * only at end of file, or a negative errno: -EINVAL (len > SSIZE_MAX), -EAGAIN
 * (non-blocking descriptor ran dry), or whatever read(2) failed with. When done
 * is not NULL it always receives the number of bytes stored in buf.
 */
ssize_t ipc_read_full(int fd, void *buf, size_t len, size_t *done);

/*
 * Write len bytes from buf, retrying short writes and EINTR. Returns len or a
 * negative errno: -EINVAL (len > SSIZE_MAX), -EAGAIN (non-blocking descriptor
 * full), -EPIPE (no reader; SIGPIPE is the caller's to handle), -EIO (write
 * made no progress), or whatever write(2) failed with. When done is not NULL it
 * always receives the number of bytes written.
 */
ssize_t ipc_write_full(int fd, const void *buf, size_t len, size_t *done);

#endif
