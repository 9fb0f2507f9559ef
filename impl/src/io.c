/* SPDX-License-Identifier: MIT */
/*
 * io.c - whole-buffer read and write: loop over short transfers and EINTR.
 *
 * Spec: PIPE-API-01..04 (spec/pipe.md). See also: include/ipcspec/io.h.
 */
#include "ipcspec/io.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <unistd.h>

ssize_t ipc_read_full(int fd, void *buf, size_t len, size_t *done)
{
    size_t got = 0;
    ssize_t rc = 0;

    if (len > SSIZE_MAX) {
        rc = -EINVAL;
        goto out;
    }
    while (got < len) {
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            goto out;
        }
        if (n == 0)
            break; /* end of file: a short count is the answer, not an error */
        got += (size_t)n;
    }
    rc = (ssize_t)got;
out:
    if (done != NULL)
        *done = got;
    return rc;
}

ssize_t ipc_write_full(int fd, const void *buf, size_t len, size_t *done)
{
    size_t put = 0;
    ssize_t rc = 0;

    if (len > SSIZE_MAX) {
        rc = -EINVAL;
        goto out;
    }
    while (put < len) {
        ssize_t n = write(fd, (const char *)buf + put, len - put);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            goto out;
        }
        if (n == 0) {
            /* write(2) of a non-zero count never returns 0 on a pipe or a
             * socket; looping would spin forever, so call it an I/O error. */
            rc = -EIO;
            goto out;
        }
        put += (size_t)n;
#ifdef IPC_BROKEN
        /* Meta-test build only (tests/meta): give up after one write, the
         * classic short-write bug that PIPE-API-02 exists to catch. */
        break;
#endif
    }
    rc = (ssize_t)put;
out:
    if (done != NULL)
        *done = put;
    return rc;
}
