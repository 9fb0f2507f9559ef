/* SPDX-License-Identifier: MIT */
/*
 * fifo.c - create and open named pipes (FIFOs).
 *
 * Spec: FIFO-API-01..04 (spec/pipe.md). See also: pipe.c, include/ipcspec/pipe.h.
 */
#include "ipcspec/pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int ipc_fifo_make(const char *path, mode_t mode)
{
    if (path == NULL || (mode & ~(mode_t)0777) != 0)
        return -EINVAL;
    if (mkfifo(path, mode) == -1)
        return -errno;
    return 0;
}

static int fifo_flags_valid(int flags)
{
    int access = flags & O_ACCMODE;

    if (access != O_RDONLY && access != O_WRONLY && access != O_RDWR)
        return 0;
    return (flags & ~(O_ACCMODE | O_NONBLOCK | O_CLOEXEC)) == 0;
}

int ipc_fifo_open(const char *path, int flags)
{
    struct stat st;
    int fd;

    if (path == NULL || !fifo_flags_valid(flags))
        return -EINVAL;
    fd = open(path, flags | O_NOCTTY);
    if (fd == -1)
        return -errno;
    /* Check what was opened, not what the path named a moment ago. */
    if (fstat(fd, &st) == -1) {
        int err = -errno;
        close(fd);
        return err;
    }
    if (!S_ISFIFO(st.st_mode)) {
        close(fd);
        return -EINVAL;
    }
    return fd;
}
