/* SPDX-License-Identifier: MIT */
/*
 * sock_server_helpers.h - driving impl/'s stream server from the test
 * process: the server is stepped round by round (ipc_sock_server_step)
 * between the raw clients' sends and receives, so every interleaving is
 * chosen by the test, and every wait is bounded.
 *
 * See also: test_sock_server.c, ../fault/fault_sock_server.c.
 */
#ifndef SOCK_SERVER_HELPERS_H
#define SOCK_SERVER_HELPERS_H

#include "sock_helpers.h"
#include "ipcspec/sock.h"

/* A stream server for max clients: on a Unix path (tcp 0) or on
 * 127.0.0.1 at a kernel-chosen port (tcp 1, *port set). */
static inline struct ipc_sock_server *ss_start(int tcp, int max, const char *path,
                                               uint16_t *port)
{
    struct ipc_sock_server *s;
    int m = tcp ? ipc_sock_inet_listen("127.0.0.1", 0, SOCK_STREAM, port)
                : ipc_sock_unix_listen(path, SOCK_STREAM, 0600);

    ASSERT_IPC_OK(m);
    ASSERT_IPC_OK(ipc_sock_server_create(&s, m, max, tcp ? NULL : path));
    return s;
}

/* A raw client of the server started by ss_start. */
static inline int ss_connect(int tcp, const char *path, uint16_t port)
{
    return tcp ? sk_inet_connect(SOCK_STREAM, port) : sk_unix_connect(SOCK_STREAM, path);
}

static inline struct ipc_sock_stats ss_stats(const struct ipc_sock_server *s)
{
    struct ipc_sock_stats st;

    ipc_sock_server_stats(s, &st);
    return st;
}

/* Step the server until cond (an expression over `st`) holds; bounded. */
#define SS_STEP_UNTIL(s, cond) \
    do { \
        struct ipc_sock_stats st = ss_stats(s); \
        int rounds_ = 0; \
        while (!(cond)) { \
            if (++rounds_ > ipct_deadline_ms() / 10) \
                IPCT_FAIL("server never reached %s: clients %d, accepted %ld, refused %ld, " \
                          "disconnected %ld, dropped %ld, answered %ld", #cond, st.clients, \
                          st.accepted, st.refused, st.disconnected, st.dropped, st.answered); \
            ASSERT_IPC_OK(ipc_sock_server_step(s, 10)); \
            st = ss_stats(s); \
        } \
    } while (0)

/* Send text as one frame on fd. */
static inline void ss_send(int fd, const char *text)
{
    ASSERT_IPC_OK(ipc_sock_send_frame(fd, text, strlen(text)));
}

/* Receive one frame on fd (bounded wait) and compare it with want. */
static inline void ss_expect(int fd, const char *want)
{
    char buf[IPC_SOCK_MSG_MAX + 1];
    struct timeval tv = { ipct_deadline_ms() / 1000, 0 };

    ASSERT_SYS_OK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    ssize_t n = ASSERT_IPC_OK(ipc_sock_recv_frame(fd, buf, sizeof buf - 1));
    buf[n] = '\0';
    if (strcmp(buf, want) != 0)
        IPCT_FAIL("reply \"%s\", expected \"%s\"", buf, want);
}

/* The client must read end of file: the server closed it. */
static inline void ss_expect_eof(int fd)
{
    char b;
    struct timeval tv = { ipct_deadline_ms() / 1000, 0 };

    ASSERT_SYS_OK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    ASSERT_EQ(ASSERT_SYS_OK(recv(fd, &b, 1, 0)), 0);
}

/* The server closed fd: it reads end of file, or ECONNRESET when the server
 * closed with a request of fd's still unread (unix(7), tcp(7)). */
static inline void ss_expect_closed(int fd)
{
    char b;
    struct timeval tv = { ipct_deadline_ms() / 1000, 0 };

    ASSERT_SYS_OK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    ssize_t n = recv(fd, &b, 1, 0);
    if (n != 0 && !(n == -1 && errno == ECONNRESET))
        IPCT_FAIL("recv on a closed client returned %zd (%s), not 0 or ECONNRESET", n,
                  n == -1 ? ipct_errname(errno) : "data");
}

#endif
