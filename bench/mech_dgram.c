/* SPDX-License-Identifier: MIT */
/*
 * mech_dgram.c - the message sockets: Unix datagram, UDP on 127.0.0.1 and
 * (raw only: impl/ offers none) Unix seqpacket. impl/ makes the endpoints
 * (sock.h: a bound socket and a client connected to it); its only datagram
 * I/O call, ipc_sock_call, carries a text request of at most
 * IPC_SOCK_MSG_MAX bytes, so both paths move data with send(2) and
 * recv(2): the impl/raw ratio of these rows is the noise of the run.
 *
 * UDP may drop a datagram that finds the receiver's buffer full, so its
 * stream is flow-controlled (a credit every window/2 messages) and every
 * receive is bounded (SO_RCVTIMEO): a lost datagram fails the run instead
 * of hanging it.
 *
 * See also: chan.c, mech_stream.c, bench.h, include/ipcspec/sock.h.
 */
#include "chan.h"

#include "ipcspec/sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* Seconds a UDP receive waits before the run is failed. */
#define UDP_RECV_LIMIT_S 5

static int dgram_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    ssize_t n = send(c->wfd[who], buf, len, 0);

    (void)last;
    if (n == -1)
        return -errno;
    return (size_t)n == len ? 0 : -EIO;
}

static ssize_t dgram_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    ssize_t n = recv(c->rfd[who], buf, len, MSG_TRUNC);

    (void)last;
    if (n == -1)
        return -errno;
    if ((size_t)n > len)
        return -EMSGSIZE;
    return n == 0 ? -EIO : n;
}

/* Connect server back to client's own address, so both ends are connected,
 * then place them. On failure both are closed. */
static int connect_back(struct chan *c, int server, int client)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;

    if (getsockname(client, (struct sockaddr *)&sa, &len) == -1 ||
        connect(server, (struct sockaddr *)&sa, len) == -1) {
        int rc = -errno;

        close(server);
        close(client);
        return rc;
    }
    chan_set_fds(c, client, client, server, server);
    return 0;
}

static int unixd_impl_open(struct chan *c)
{
    int s, cl;

    bench_name(c->name[0], sizeof c->name[0], "unixd", 1);
    if ((s = ipc_sock_unix_listen(c->name[0], SOCK_DGRAM, 0600)) < 0)
        return s;
    if ((cl = ipc_sock_unix_connect(c->name[0], SOCK_DGRAM)) < 0) {
        close(s);
        return cl;
    }
    return connect_back(c, s, cl);
}

static int unixd_raw_open(struct chan *c)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    sa_family_t autobind = AF_UNIX;
    int s, cl = -1;

    bench_name(c->name[0], sizeof c->name[0], "unixd", 1);
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", c->name[0]);
    if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
        return -errno;
    /* The client autobinds (an abstract name), so the server can answer. */
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) == -1 ||
        (cl = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
        bind(cl, (struct sockaddr *)&autobind, sizeof autobind) == -1 ||
        connect(cl, (struct sockaddr *)&sa, sizeof sa) == -1) {
        int rc = -errno;

        close(s);
        if (cl >= 0)
            close(cl);
        return rc;
    }
    return connect_back(c, s, cl);
}

/* Bound every receive on fd (the same for both paths). */
static int udp_limit(int fd)
{
    struct timeval tv = { .tv_sec = UDP_RECV_LIMIT_S };

    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1 ? -errno : 0;
}

static int udp_impl_open(struct chan *c)
{
    uint16_t port;
    int s, cl, rc;

    if ((s = ipc_sock_inet_listen("127.0.0.1", 0, SOCK_DGRAM, &port)) < 0)
        return s;
    if ((cl = ipc_sock_inet_connect("127.0.0.1", port, SOCK_DGRAM)) < 0) {
        close(s);
        return cl;
    }
    if ((rc = ipc_sock_set_timeout(s, UDP_RECV_LIMIT_S * 1000)) < 0 ||
        (rc = ipc_sock_set_timeout(cl, UDP_RECV_LIMIT_S * 1000)) < 0) {
        close(s);
        close(cl);
        return rc;
    }
    return connect_back(c, s, cl);
}

static int udp_raw_open(struct chan *c)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t salen = sizeof sa;
    int s, cl = -1, rc;

    if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
        return -errno;
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) == -1 ||
        getsockname(s, (struct sockaddr *)&sa, &salen) == -1 ||
        (cl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
        connect(cl, (struct sockaddr *)&sa, sizeof sa) == -1) {
        rc = -errno;
        close(s);
        if (cl >= 0)
            close(cl);
        return rc;
    }
    if ((rc = udp_limit(s)) < 0 || (rc = udp_limit(cl)) < 0) {
        close(s);
        close(cl);
        return rc;
    }
    return connect_back(c, s, cl);
}

static int seqpacket_raw_open(struct chan *c)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
        return -errno;
    chan_set_fds(c, sv[0], sv[0], sv[1], sv[1]);
    return 0;
}

static void unlink_path(struct chan *c)
{
    if (c->name[0][0] != '\0')
        unlink(c->name[0]);
}

static void no_path(struct chan *c)
{
    (void)c;
}

#define UNIX_WHY "a datagram must fit the default socket send buffer (net.core.wmem_default, 208 KiB)"
#define UDP_WHY "a UDP datagram carries at most 65,507 bytes"

#define DGRAM(n, v, max, why_, win, o, cl)                                                      \
    { .name = (n), .via = (v), .max_size = (max), .why = (why_), .window = (win), .open = (o), \
      .side = chan_fd_side, .send = dgram_send, .recv = dgram_recv, .close = chan_fd_close,    \
      .cleanup = (cl) }

const struct mech bench_dgram_mechs[] = {
    DGRAM("unix-dgram", "impl", 65536, UNIX_WHY, 0, unixd_impl_open, unlink_path),
    DGRAM("unix-dgram", "raw", 65536, UNIX_WHY, 0, unixd_raw_open, unlink_path),
    DGRAM("unix-seqpacket", "raw", 65536, UNIX_WHY, 0, seqpacket_raw_open, no_path),
    DGRAM("udp", "impl", 65507, UDP_WHY, 16, udp_impl_open, no_path),
    DGRAM("udp", "raw", 65507, UDP_WHY, 16, udp_raw_open, no_path),
    { .name = NULL },
};
