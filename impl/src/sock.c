/* SPDX-License-Identifier: MIT */
/*
 * sock.c - socket endpoints: the safe setup of a Unix socket's path (a
 * stale socket removed, never a live one, nothing else ever), its mode,
 * over-long paths refused; loopback TCP and UDP endpoints with ephemeral ports; timeouts.
 *
 * Spec: SOCK-API-01..09, SOCK-API-16 (spec/sock.md).
 * See also: include/ipcspec/sock.h, sock_frame.c, sock_server.c.
 */
#include "ipcspec/sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Fill *sa with path; 0, -EINVAL (NULL or empty) or -ENAMETOOLONG. */
static int unix_addr(struct sockaddr_un *sa, const char *path)
{
    size_t len;

    if (path == NULL || path[0] == '\0')
        return -EINVAL;
    len = strlen(path);
    if (len >= sizeof sa->sun_path)
        return -ENAMETOOLONG;
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, path, len + 1);
    return 0;
}

/* Close fd, keeping errno's meaning out of it; returns err for tail calls. */
static int close_with(int fd, int err)
{
    close(fd);
    return err;
}

int ipc_sock_unix_remove(const char *path)
{
    struct sockaddr_un sa;
    struct stat st;
    int rc = unix_addr(&sa, path);

    if (rc != 0)
        return rc;
    if (lstat(path, &st) == -1)
        return -errno;
    if (!S_ISSOCK(st.st_mode))
        return -EEXIST; /* a file, a directory, a symlink: never ours to remove */
    if (unlink(path) == -1)
        return -errno;
    return 0;
}

/* Is a live socket behind the socket file at sa? 0: nobody (stale, or
 * nothing there), -EADDRINUSE: someone listens or is bound there, or the
 * -errno of the probe's socket or connect (-EAGAIN: a listener whose
 * backlog is full, live too). The probe never blocks. */
static int probe_live(const struct sockaddr_un *sa)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd == -1)
        return -errno;
    if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0)
        return close_with(fd, -EADDRINUSE); /* accepted into a live backlog */
    switch (errno) {
    case ECONNREFUSED: /* a file nobody is bound to */
    case ENOENT:       /* gone meanwhile */
        return close_with(fd, 0);
    case EPROTOTYPE: /* a live socket of the other type */
        return close_with(fd, -EADDRINUSE);
    default:
        return close_with(fd, -errno);
    }
}

int ipc_sock_unix_listen(const char *path, int type, mode_t mode)
{
    struct sockaddr_un sa;
    int fd, rc;

    if (type != SOCK_STREAM && type != SOCK_DGRAM)
        return -EINVAL;
    if ((rc = unix_addr(&sa, path)) != 0)
        return rc;
    if ((rc = probe_live(&sa)) != 0)
        return rc;
    rc = ipc_sock_unix_remove(path);
    if (rc != 0 && rc != -ENOENT)
        return rc;
    if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
        return -errno;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1)
        return close_with(fd, -errno);
    if (chmod(path, mode) == -1 || (type == SOCK_STREAM && listen(fd, IPC_SOCK_BACKLOG) == -1)) {
        rc = -errno;
        unlink(path); /* we made it a moment ago */
        return close_with(fd, rc);
    }
    return fd;
}

int ipc_sock_unix_connect(const char *path, int type)
{
    struct sockaddr_un sa;
    sa_family_t family = AF_UNIX;
    int fd, rc;

    if (type != SOCK_STREAM && type != SOCK_DGRAM)
        return -EINVAL;
    if ((rc = unix_addr(&sa, path)) != 0)
        return rc;
    if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
        return -errno;
    /* An address of the family alone: Linux picks an abstract name. */
    if (type == SOCK_DGRAM && bind(fd, (struct sockaddr *)&family, sizeof family) == -1)
        return close_with(fd, -errno);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == -1)
        return close_with(fd, -errno);
    return fd;
}

/* Fill *sa with ip:port; 0 or -EINVAL. */
static int inet_addr4(struct sockaddr_in *sa, const char *ip, uint16_t port, int type)
{
    if (type != SOCK_STREAM && type != SOCK_DGRAM)
        return -EINVAL;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    if (ip == NULL || inet_pton(AF_INET, ip, &sa->sin_addr) != 1)
        return -EINVAL; /* inet_pton says 0 for a malformed address, no errno */
    return 0;
}

int ipc_sock_inet_listen(const char *ip, uint16_t port, int type, uint16_t *bound_port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd, rc, on = 1;

    if ((rc = inet_addr4(&sa, ip, port, type)) != 0)
        return rc;
    if ((fd = socket(AF_INET, type | SOCK_CLOEXEC, 0)) == -1)
        return -errno;
    if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1)
        return close_with(fd, -errno);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1)
        return close_with(fd, -errno);
    if (type == SOCK_STREAM && listen(fd, IPC_SOCK_BACKLOG) == -1)
        return close_with(fd, -errno);
    if (getsockname(fd, (struct sockaddr *)&sa, &len) == -1)
        return close_with(fd, -errno);
    if (bound_port != NULL)
        *bound_port = ntohs(sa.sin_port);
    return fd;
}

int ipc_sock_inet_connect(const char *ip, uint16_t port, int type)
{
    struct sockaddr_in sa;
    int fd, rc;

    if ((rc = inet_addr4(&sa, ip, port, type)) != 0)
        return rc;
    if ((fd = socket(AF_INET, type | SOCK_CLOEXEC, 0)) == -1)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == -1)
        return close_with(fd, -errno);
    return fd;
}

int ipc_sock_set_timeout(int fd, int timeout_ms)
{
    struct timeval tv = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000 };

    if (timeout_ms <= 0)
        return -EINVAL;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1)
        return -errno;
    return 0;
}
