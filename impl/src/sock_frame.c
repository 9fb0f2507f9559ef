/* SPDX-License-Identifier: MIT */
/*
 * sock_frame.c - length-prefixed frames over a stream socket, and one
 * request/answer exchange over a stream or a datagram socket: the client's
 * side of the socket servers.
 *
 * A frame is a 4-byte big-endian length, then the payload. send(2) and
 * recv(2) may move fewer bytes than asked, or fail with EINTR before moving
 * any: both loops go on until the whole frame is moved, end of file, or a
 * real error. SO_RCVTIMEO / SO_SNDTIMEO expiry (EAGAIN on a blocking socket)
 * is reported as -ETIMEDOUT.
 *
 * Spec: SOCK-API-10..14 (spec/sock.md).
 * See also: include/ipcspec/sock.h, sock_server.c (the other side).
 */
#include "ipcspec/sock.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/* -errno of the last failed call, with a timeout's EAGAIN as -ETIMEDOUT. */
static int io_error(void)
{
    return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
}

/* Send all len bytes of buf; 0 or the error. */
static int send_all(int fd, const unsigned char *buf, size_t len)
{
    size_t put = 0;

    while (put < len) {
        ssize_t n = send(fd, buf + put, len - put, MSG_NOSIGNAL);

        if (n == -1) {
            if (errno == EINTR)
                continue;
            return io_error();
        }
        put += (size_t)n;
    }
    return 0;
}

/* Receive exactly len bytes; len, fewer at end of file, or the error. */
static ssize_t recv_all(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = recv(fd, buf + got, len - got, 0);

        if (n == -1) {
            if (errno == EINTR)
                continue;
            return io_error();
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

int ipc_sock_send_frame(int fd, const void *msg, size_t len)
{
    unsigned char frame[4 + IPC_SOCK_MSG_MAX];

    if (len == 0 || len > IPC_SOCK_MSG_MAX)
        return -EMSGSIZE;
    frame[0] = (unsigned char)(len >> 24);
    frame[1] = (unsigned char)(len >> 16);
    frame[2] = (unsigned char)(len >> 8);
    frame[3] = (unsigned char)len;
    memcpy(frame + 4, msg, len);
    return send_all(fd, frame, 4 + len);
}

ssize_t ipc_sock_recv_frame(int fd, void *buf, size_t cap)
{
    unsigned char head[4];
    ssize_t n = recv_all(fd, head, sizeof head);
    uint32_t len;

    if (n <= 0)
        return n; /* an error, or end of file between frames */
    if (n < 4)
        return -EPROTO;
    len = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 | (uint32_t)head[2] << 8 | head[3];
    if (len == 0 || len > IPC_SOCK_MSG_MAX)
        return -EPROTO;
    if (len > cap)
        return -EMSGSIZE;
    n = recv_all(fd, buf, len);
    if (n >= 0 && (size_t)n < len)
        return -EPROTO;
    return n;
}

/* The socket's type (SOCK_STREAM, SOCK_DGRAM), or -errno. */
static int sock_type(int fd)
{
    int type;
    socklen_t len = sizeof type;

    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
        return -errno;
    return type;
}

/* One datagram out, one back, NUL-terminated into reply; its length or -errno. */
static ssize_t dgram_call(int fd, const char *request, size_t len, char *reply, size_t cap)
{
    ssize_t n;

    if (send(fd, request, len, MSG_NOSIGNAL) == -1)
        return io_error();
    do {
        n = recv(fd, reply, cap, MSG_TRUNC);
    } while (n == -1 && errno == EINTR);
    if (n == -1)
        return io_error();
    if ((size_t)n >= cap)
        return -EMSGSIZE; /* no room for the NUL, or truncated */
    reply[n] = '\0';
    return n;
}

ssize_t ipc_sock_call(int fd, const char *request, char *reply, size_t cap)
{
    size_t len = strlen(request);
    int type = sock_type(fd);
    ssize_t n;
    int rc;

    if (type < 0)
        return type;
    if (len == 0 || len > IPC_SOCK_MSG_MAX || cap == 0)
        return -EMSGSIZE;
    if (type == SOCK_DGRAM)
        return dgram_call(fd, request, len, reply, cap);
    if ((rc = ipc_sock_send_frame(fd, request, len)) < 0)
        return rc;
    n = ipc_sock_recv_frame(fd, reply, cap - 1);
    if (n == 0)
        return -EPROTO; /* the server closed without answering */
    if (n > 0)
        reply[n] = '\0';
    return n;
}
