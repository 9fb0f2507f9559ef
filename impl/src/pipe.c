/* SPDX-License-Identifier: MIT */
/*
 * pipe.c - create, close and size anonymous pipes.
 *
 * Spec: PIPE-API-05..08 (spec/pipe.md). See also: fifo.c, include/ipcspec/pipe.h.
 */
#include "ipcspec/pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

int ipc_pipe_open(int fds[2], int flags)
{
    int ends[2];

    if (fds == NULL || (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) != 0)
        return -EINVAL;
    if (pipe2(ends, flags) == -1)
        return -errno;
    fds[0] = ends[0];
    fds[1] = ends[1];
    return 0;
}

int ipc_pipe_close(int fds[2])
{
    int rc = 0;

    for (int i = 0; i < 2; i++) {
        if (fds[i] < 0)
            continue;
        /* On Linux the descriptor is released even when close(2) reports an
         * error (EINTR, EIO): retrying could close someone else's new fd. */
        if (close(fds[i]) == -1 && rc == 0)
            rc = -errno;
        fds[i] = -1;
    }
    return rc;
}

int ipc_pipe_capacity(int fd)
{
    int size = fcntl(fd, F_GETPIPE_SZ);

    if (size == -1)
        return -errno;
    return size;
}

int ipc_pipe_resize(int fd, size_t bytes)
{
    int size;

    if (bytes > INT_MAX)
        return -EINVAL;
    size = fcntl(fd, F_SETPIPE_SZ, (int)bytes);
    if (size == -1)
        return -errno;
    return size;
}
