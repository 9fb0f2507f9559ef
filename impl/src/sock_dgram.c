/* SPDX-License-Identifier: MIT */
/*
 * sock_dgram.c - the datagram server, Unix SOCK_DGRAM and UDP alike: one
 * socket, one request per datagram, one reply datagram to the sender's
 * address. The kernel keeps the boundaries, so no framing is needed; a
 * datagram longer than the buffer is measured with MSG_TRUNC and answered
 * "ERR too long". A reply that cannot go out is dropped: a datagram server
 * never waits for one peer.
 *
 * Spec: SOCK-DGS-01..04 (spec/sock.md).
 * See also: include/ipcspec/sock.h, sock_server.c (the stream server),
 * sock_frame.c (ipc_sock_call, the client's side), serve_loop.c (the select
 * loop).
 */
#include "ipcspec/sock.h"
#include "ipcspec/mq_server.h"
#include "serve_loop.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

_Static_assert(IPC_SOCK_MSG_MAX == IPC_MQ_SERVER_REQUEST_MAX,
               "a request the buffer holds is one the service reads");

struct ipc_sock_dgram_server {
    int fd;
    long answered, dropped;
    char path[PATH_MAX]; /* "": no Unix path to remove */
};

int ipc_sock_dgram_create(struct ipc_sock_dgram_server **out, int sock, const char *path)
{
    struct ipc_sock_dgram_server *d;

    if (out == NULL || sock < 0)
        return -EINVAL;
    if (sock >= FD_SETSIZE)
        return -EMFILE;
    if (path != NULL && strlen(path) >= sizeof d->path)
        return -ENAMETOOLONG;
    if ((d = calloc(1, sizeof *d)) == NULL)
        return -ENOMEM;
    d->fd = sock;
    if (path != NULL)
        snprintf(d->path, sizeof d->path, "%s", path); /* fits: checked */
    *out = d;
    return 0;
}

int ipc_sock_dgram_destroy(struct ipc_sock_dgram_server *d)
{
    int rc = 0;

    if (d == NULL)
        return 0;
    close(d->fd);
    if (d->path[0] != '\0') {
        rc = ipc_sock_unix_remove(d->path);
        if (rc == -ENOENT)
            rc = 0;
    }
    free(d);
    return rc;
}

void ipc_sock_dgram_counts(const struct ipc_sock_dgram_server *d, long *answered, long *dropped)
{
    *answered = d->answered;
    *dropped = d->dropped;
}

/* Receive one datagram and answer it; 1 when answered, else 0. */
static int answer_one(struct ipc_sock_dgram_server *d)
{
    char req[IPC_SOCK_MSG_MAX], reply[IPC_MQ_SERVER_REPLY_MAX];
    struct sockaddr_storage from;
    socklen_t from_len = sizeof from;
    ssize_t n = recvfrom(d->fd, req, sizeof req, MSG_DONTWAIT | MSG_TRUNC,
                         (struct sockaddr *)&from, &from_len);
    int len;

    if (n == -1) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            d->dropped++; /* this datagram is lost; the service goes on */
        return 0;
    }
    /* n is the datagram's true length: past the buffer, "too long" is all
     * ipc_mq_sum_answer says, before it reads a byte. */
    len = ipc_mq_sum_answer(req, (size_t)n, reply, sizeof reply);
    if (sendto(d->fd, reply, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&from,
               from_len) == -1) {
        d->dropped++;
        return 0;
    }
    d->answered++;
    return 1;
}

/* One round (an ipc_serve_round_fn): answer one datagram when one is ready. */
static int round_once(void *server, int stop_fd, int timeout_ms, int *stopped)
{
    struct ipc_sock_dgram_server *d = server;
    fd_set rd;
    int nfds = (stop_fd > d->fd ? stop_fd : d->fd) + 1;

    FD_ZERO(&rd);
    FD_SET(d->fd, &rd);
    if (stop_fd >= 0)
        FD_SET(stop_fd, &rd);
    int rc = ipc_serve_select(nfds, &rd, NULL, timeout_ms);
    if (rc < 0)
        return rc;
    *stopped = stop_fd >= 0 && FD_ISSET(stop_fd, &rd);
    return FD_ISSET(d->fd, &rd) ? answer_one(d) : 0;
}

int ipc_sock_dgram_step(struct ipc_sock_dgram_server *d, int timeout_ms)
{
    int stopped;

    return round_once(d, -1, timeout_ms, &stopped);
}

int ipc_sock_dgram_run(struct ipc_sock_dgram_server *d, int stop_fd)
{
    return ipc_serve_until_stopped(round_once, d, stop_fd);
}
