/* SPDX-License-Identifier: MIT */
/*
 * sock_helpers.h - raw socket set-ups the socket tests share: addresses in
 * the test's temporary directory or the abstract namespace, listeners on
 * 127.0.0.1 with kernel-chosen ports (never a fixed port), and the select(2)
 * system call each libc makes, for the blocked-state probe.
 *
 * See also: test_sock_*.c, ../fault/fault_sock_*.c.
 */
#ifndef SOCK_HELPERS_H
#define SOCK_HELPERS_H

#include "ipctest.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* glibc's select(2) is the pselect6 system call; musl makes select itself. */
#if defined(__GLIBC__) || !defined(SYS_select)
#define SOCK_SYS_SELECT SYS_pselect6
#else
#define SOCK_SYS_SELECT SYS_select
#endif

/* A Unix address for path (a leaf in the test's directory: ipct_path). */
static inline socklen_t sk_unix_addr(struct sockaddr_un *sa, const char *path)
{
    size_t len = strlen(path);

    if (len >= sizeof sa->sun_path)
        IPCT_FAIL("socket path \"%s\" is longer than sun_path", path);
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, path, len + 1);
    return (socklen_t)sizeof *sa;
}

/* An abstract Unix address: a NUL, then a name unique to this test. */
static inline socklen_t sk_abstract_addr(struct sockaddr_un *sa, const char *tag)
{
    const char *name = ipct_ipc_name(tag); /* "/ipcspec-<tag>-<pid>-<n>" */
    size_t len = strlen(name);

    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path + 1, name, len);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

/* A socket of type bound to sa (len), listening when it is a stream. */
static inline int sk_bound(int type, const struct sockaddr *sa, socklen_t len)
{
    int fd = (int)ASSERT_SYS_OK(socket(sa->sa_family, type | SOCK_CLOEXEC, 0));

    ASSERT_SYS_OK(bind(fd, sa, len));
    if (type == SOCK_STREAM)
        ASSERT_SYS_OK(listen(fd, 8));
    return fd;
}

/* A Unix socket of type bound to path (listening when a stream). */
static inline int sk_unix_listen(int type, const char *path)
{
    struct sockaddr_un sa;
    socklen_t len = sk_unix_addr(&sa, path);

    return sk_bound(type, (struct sockaddr *)&sa, len);
}

/* A Unix socket of type connected to path. */
static inline int sk_unix_connect(int type, const char *path)
{
    struct sockaddr_un sa;
    socklen_t len = sk_unix_addr(&sa, path);
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, type | SOCK_CLOEXEC, 0));

    ASSERT_SYS_OK(connect(fd, (struct sockaddr *)&sa, len));
    return fd;
}

/* 127.0.0.1:port. */
static inline struct sockaddr_in sk_loopback(uint16_t port)
{
    struct sockaddr_in sa;

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sa;
}

/* The port fd is bound to. */
static inline uint16_t sk_port(int fd)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;

    memset(&sa, 0, sizeof sa);
    ASSERT_SYS_OK(getsockname(fd, (struct sockaddr *)&sa, &len));
    return ntohs(sa.sin_port);
}

/* A TCP listener or UDP socket on 127.0.0.1, port chosen by the kernel. */
static inline int sk_inet_listen(int type, uint16_t *port)
{
    struct sockaddr_in sa = sk_loopback(0);
    int fd = sk_bound(type, (struct sockaddr *)&sa, sizeof sa);

    *port = sk_port(fd);
    return fd;
}

/* An IPv4 socket of type connected to 127.0.0.1:port. */
static inline int sk_inet_connect(int type, uint16_t port)
{
    struct sockaddr_in sa = sk_loopback(port);
    int fd = (int)ASSERT_SYS_OK(socket(AF_INET, type | SOCK_CLOEXEC, 0));

    ASSERT_SYS_OK(connect(fd, (struct sockaddr *)&sa, sizeof sa));
    return fd;
}

/* Wait, bounded by the harness deadline, until fd has n unread bytes. */
static inline void sk_await_unread(int fd, int n)
{
    struct timespec t0, now;
    int have = -1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        ASSERT_SYS_OK(ioctl(fd, FIONREAD, &have));
        if (have >= n)
            return;
        sched_yield(); /* the rest is on its way through the loopback */
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 <
             ipct_deadline_ms());
    IPCT_FAIL("%d unread bytes after the deadline, expected %d", have, n);
}

/* True when fd is readable now (select with a zero timeout). */
static inline int sk_readable(int fd)
{
    struct timeval tv = { 0, 0 };
    fd_set rd;

    FD_ZERO(&rd);
    FD_SET(fd, &rd);
    return (int)ASSERT_SYS_OK(select(fd + 1, &rd, NULL, NULL, &tv)) == 1;
}

/* Wait, bounded by the harness deadline, until select reports fd readable:
 * for what travels through the network stack (a TCP handshake's last ACK,
 * a FIN), which need not have arrived when the call that sent it returned. */
#define sk_await_readable(fd) sk__await_readable(fd, __FILE__, __LINE__)
static inline void sk__await_readable(int fd, const char *file, int line)
{
    int ms = ipct_deadline_ms();
    struct timeval tv = { ms / 1000, (suseconds_t)(ms % 1000) * 1000 };
    fd_set rd;

    FD_ZERO(&rd);
    FD_SET(fd, &rd);
    int n = select(fd + 1, &rd, NULL, NULL, &tv);
    if (n == -1)
        ipct__fail_at(file, line, "select(fd %d): %s", fd, ipct_errname(errno));
    if (n == 0)
        ipct__fail_at(file, line, "fd %d not readable within %d ms", fd, ms);
}

#endif
