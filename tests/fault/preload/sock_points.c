/* SPDX-License-Identifier: MIT */
/*
 * sock_points.c - failure points for the socket and file calls impl/'s
 * socket layer makes that libfiu's own preload does not wrap (libfiu 1.1
 * wraps socket, bind, listen, accept, connect, send, sendto, sendmsg,
 * recv, recvfrom, recvmsg, select, poll, pselect and shutdown as
 * posix/io/net/..., and unlink as posix/io/dir/unlink):
 *
 *   posix/io/net/socketpair   socketpair(2)   default errno EMFILE
 *   posix/io/net/accept4      accept4(2)      default errno EMFILE
 *   posix/io/net/setsockopt   setsockopt(2)   default errno ENOPROTOOPT
 *   posix/io/net/getsockopt   getsockopt(2)   default errno ENOPROTOOPT
 *   posix/io/net/getsockname  getsockname(2)  default errno ENOBUFS
 *   posix/io/stat/lstat       lstat(2)        default errno EACCES
 *   posix/io/stat/chmod       chmod(2)        default errno EPERM
 *
 * A failing call is not made at all (as with libfiu's own points): a
 * failed accept4 takes no connection, a failed chmod changes no mode.
 *
 * Spec: FIU-EXT-09..10 (spec/faults.md); used by SOCK-FAULT-* (spec/sock.md).
 * See also: ipcspec_preload.c (the shared decision), impl/src/sock*.c.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "preload.h"

int socketpair(int domain, int type, int protocol, int sv[2])
{
    REAL(socketpair);
    if (ipcspec__should_fail("posix/io/net/socketpair", EMFILE))
        return -1;
    return real(domain, type, protocol, sv);
}

int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict len, int flags)
{
    REAL(accept4);
    if (ipcspec__should_fail("posix/io/net/accept4", EMFILE))
        return -1;
    return real(fd, addr, len, flags);
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
    REAL(setsockopt);
    if (ipcspec__should_fail("posix/io/net/setsockopt", ENOPROTOOPT))
        return -1;
    return real(fd, level, name, value, len);
}

int getsockopt(int fd, int level, int name, void *restrict value, socklen_t *restrict len)
{
    REAL(getsockopt);
    if (ipcspec__should_fail("posix/io/net/getsockopt", ENOPROTOOPT))
        return -1;
    return real(fd, level, name, value, len);
}

int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
    REAL(getsockname);
    if (ipcspec__should_fail("posix/io/net/getsockname", ENOBUFS))
        return -1;
    return real(fd, addr, len);
}

int lstat(const char *restrict path, struct stat *restrict st)
{
    REAL(lstat);
    if (ipcspec__should_fail("posix/io/stat/lstat", EACCES))
        return -1;
    return real(path, st);
}

int chmod(const char *path, mode_t mode)
{
    REAL(chmod);
    if (ipcspec__should_fail("posix/io/stat/chmod", EPERM))
        return -1;
    return real(path, mode);
}
