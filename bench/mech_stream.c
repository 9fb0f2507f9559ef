/* SPDX-License-Identifier: MIT */
/*
 * mech_stream.c - the byte-stream mechanisms: pipe, FIFO, Unix stream
 * socket, TCP on 127.0.0.1. Each is made once through impl/ (pipe.h,
 * sock.h) and moved with io.h, and once with the raw calls (pipe2, mkfifo
 * and open, socket/bind/listen/connect) and plain read/write loops. A ping
 * and a pong each go their own way: two pipes, two FIFOs, one socket.
 *
 * See also: chan.c, mech_dgram.c, bench.h, include/ipcspec/pipe.h, sock.h.
 */
#include "chan.h"

#include "ipcspec/pipe.h"
#include "ipcspec/sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- pipe ---------------------------------------------------------------- */

static int pipe_impl_open(struct chan *c)
{
    int down[2], up[2], rc;

    if ((rc = ipc_pipe_open(down, O_CLOEXEC)) < 0)
        return rc;
    if ((rc = ipc_pipe_open(up, O_CLOEXEC)) < 0) {
        ipc_pipe_close(down);
        return rc;
    }
    chan_set_fds(c, up[0], down[1], down[0], up[1]);
    return 0;
}

static int pipe_raw_open(struct chan *c)
{
    int down[2], up[2];

    if (pipe2(down, O_CLOEXEC) == -1)
        return -errno;
    if (pipe2(up, O_CLOEXEC) == -1) {
        int rc = -errno;
        close(down[0]);
        close(down[1]);
        return rc;
    }
    chan_set_fds(c, up[0], down[1], down[0], up[1]);
    return 0;
}

static void no_cleanup(struct chan *c)
{
    (void)c;
}

/* ---- FIFO: two, each opened at both ends before the fork ----------------- */

/* Open the FIFO at path at both ends through impl/: *r and *w. */
static int fifo_impl_ends(const char *path, int *r, int *w)
{
    int rc = ipc_fifo_make(path, 0600);

    if (rc < 0)
        return rc;
    /* The read end first, without waiting for a writer; then blocking again. */
    if ((*r = ipc_fifo_open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
        return *r;
    if ((*w = ipc_fifo_open(path, O_WRONLY | O_CLOEXEC)) < 0 || fcntl(*r, F_SETFL, 0) == -1) {
        rc = *w < 0 ? *w : -errno;
        close(*r);
        if (*w >= 0)
            close(*w);
        return rc;
    }
    return 0;
}

static int fifo_raw_ends(const char *path, int *r, int *w)
{
    if (mkfifo(path, 0600) == -1)
        return -errno;
    if ((*r = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
        return -errno;
    if ((*w = open(path, O_WRONLY | O_CLOEXEC)) == -1 || fcntl(*r, F_SETFL, 0) == -1) {
        int rc = -errno;

        close(*r);
        if (*w >= 0)
            close(*w);
        return rc;
    }
    return 0;
}

static int fifo_open(struct chan *c, int (*ends)(const char *, int *, int *))
{
    int dr = -1, dw = -1, ur = -1, uw = -1, rc;

    bench_name(c->name[0], sizeof c->name[0], "fifo-down", 1);
    bench_name(c->name[1], sizeof c->name[1], "fifo-up", 1);
    if ((rc = ends(c->name[0], &dr, &dw)) < 0)
        return rc;
    if ((rc = ends(c->name[1], &ur, &uw)) < 0) {
        close(dr);
        close(dw);
        return rc;
    }
    chan_set_fds(c, ur, dw, dr, uw);
    return 0;
}

static int fifo_impl_open(struct chan *c)
{
    return fifo_open(c, fifo_impl_ends);
}

static int fifo_raw_open(struct chan *c)
{
    return fifo_open(c, fifo_raw_ends);
}

static void unlink_names(struct chan *c)
{
    for (int i = 0; i < 2; i++) {
        if (c->name[i][0] != '\0')
            unlink(c->name[i]);
    }
}

/* ---- stream sockets: listen, connect, accept, all before the fork -------- */

/* Accept cfd's connection on lfd and place both ends; lfd is closed. */
static int accept_pair(struct chan *c, int lfd, int cfd, int nodelay)
{
    int sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), one = 1, rc = 0;

    if (sfd == -1 ||
        (nodelay && (setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == -1 ||
                     setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == -1)))
        rc = -errno;
    close(lfd);
    if (rc < 0) {
        if (sfd >= 0)
            close(sfd);
        close(cfd);
        return rc;
    }
    chan_set_fds(c, cfd, cfd, sfd, sfd);
    return 0;
}

static int unix_impl_open(struct chan *c)
{
    int lfd, cfd;

    bench_name(c->name[0], sizeof c->name[0], "unix", 1);
    if ((lfd = ipc_sock_unix_listen(c->name[0], SOCK_STREAM, 0600)) < 0)
        return lfd;
    if ((cfd = ipc_sock_unix_connect(c->name[0], SOCK_STREAM)) < 0) {
        close(lfd);
        return cfd;
    }
    return accept_pair(c, lfd, cfd, 0);
}

static int unix_raw_open(struct chan *c)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int lfd, cfd, rc;

    bench_name(c->name[0], sizeof c->name[0], "unix", 1);
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", c->name[0]);
    if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
        return -errno;
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) == -1 || listen(lfd, 4) == -1 ||
        (cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
        rc = -errno;
        close(lfd);
        return rc;
    }
    if (connect(cfd, (struct sockaddr *)&sa, sizeof sa) == -1) {
        rc = -errno;
        close(lfd);
        close(cfd);
        return rc;
    }
    return accept_pair(c, lfd, cfd, 0);
}

static int tcp_impl_open(struct chan *c)
{
    uint16_t port;
    int lfd, cfd;

    if ((lfd = ipc_sock_inet_listen("127.0.0.1", 0, SOCK_STREAM, &port)) < 0)
        return lfd;
    if ((cfd = ipc_sock_inet_connect("127.0.0.1", port, SOCK_STREAM)) < 0) {
        close(lfd);
        return cfd;
    }
    return accept_pair(c, lfd, cfd, 1);
}

static int tcp_raw_open(struct chan *c)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t salen = sizeof sa;
    int lfd, cfd = -1, one = 1;

    if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
        return -errno;
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
        bind(lfd, (struct sockaddr *)&sa, sizeof sa) == -1 || listen(lfd, 4) == -1 ||
        getsockname(lfd, (struct sockaddr *)&sa, &salen) == -1 ||
        (cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
        connect(cfd, (struct sockaddr *)&sa, sizeof sa) == -1) {
        int rc = -errno;

        close(lfd);
        if (cfd >= 0)
            close(cfd);
        return rc;
    }
    return accept_pair(c, lfd, cfd, 1);
}

#define STREAM(n, v, o, cl, s, r)                                                               \
    { .name = (n), .via = (v), .max_size = BENCH_MAX_SIZE, .why = "any size", .open = (o),     \
      .side = chan_fd_side, .send = (s), .recv = (r), .close = chan_fd_close, .cleanup = (cl) }

const struct mech bench_stream_mechs[] = {
    STREAM("pipe", "impl", pipe_impl_open, no_cleanup, chan_impl_send, chan_impl_recv),
    STREAM("pipe", "raw", pipe_raw_open, no_cleanup, chan_raw_send, chan_raw_recv),
    STREAM("fifo", "impl", fifo_impl_open, unlink_names, chan_impl_send, chan_impl_recv),
    STREAM("fifo", "raw", fifo_raw_open, unlink_names, chan_raw_send, chan_raw_recv),
    STREAM("unix-stream", "impl", unix_impl_open, unlink_names, chan_impl_send, chan_impl_recv),
    STREAM("unix-stream", "raw", unix_raw_open, unlink_names, chan_raw_send, chan_raw_recv),
    STREAM("tcp", "impl", tcp_impl_open, no_cleanup, chan_impl_send, chan_impl_recv),
    STREAM("tcp", "raw", tcp_raw_open, no_cleanup, chan_raw_send, chan_raw_recv),
    { .name = NULL },
};
