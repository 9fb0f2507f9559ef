/* SPDX-License-Identifier: MIT */
/*
 * serve_loop.c - the select(2) loop the servers share.
 *
 * See also: serve_loop.h, mq_server.c, sock_server.c, sock_dgram.c.
 */
#include "serve_loop.h"

#include <errno.h>
#include <stddef.h>

int ipc_serve_select(int nfds, fd_set *rd, fd_set *wr, int timeout_ms)
{
    struct timeval tv = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000 };

    if (select(nfds, rd, wr, NULL, timeout_ms < 0 ? NULL : &tv) != -1)
        return 0;
    if (errno != EINTR)
        return -errno;
    if (rd != NULL) /* what select left in them says nothing */
        FD_ZERO(rd);
    if (wr != NULL)
        FD_ZERO(wr);
    return 0;
}

int ipc_serve_until_stopped(ipc_serve_round_fn *round, void *server, int stop_fd)
{
    if (stop_fd < 0)
        return -EBADF;
    if (stop_fd >= FD_SETSIZE)
        return -EMFILE;
    for (;;) {
        int stopped = 0;
        int rc = round(server, stop_fd, -1, &stopped);

        if (rc < 0)
            return rc;
        if (stopped)
            return 0;
    }
}
