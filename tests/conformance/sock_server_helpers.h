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
                          "disconnected %ld, dropped %ld, answered %ld, timed out %ld", #cond, \
                          st.clients, st.accepted, st.refused, st.disconnected, st.dropped, \
                          st.answered, st.timed_out); \
            ASSERT_IPC_OK(ipc_sock_server_step(s, 10)); \
            st = ss_stats(s); \
        } \
    } while (0)

/* Send text as one frame on fd. */
static inline void ss_send(int fd, const char *text)
{
    ASSERT_IPC_OK(ipc_sock_send_frame(fd, text, strlen(text)));
}

/* Bound fd's receives by the harness's deadline. */
static inline void ss__bound(int fd, const char *file, int line)
{
    struct timeval tv = { ipct_deadline_ms() / 1000, 0 };

    ipct__sys_ok(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), "setsockopt", file,
                 line);
}

/* Receive one frame on fd (bounded wait) and compare it with want; a
 * failure names the caller's line. */
#define ss_expect(fd, want) ss__expect(fd, want, __FILE__, __LINE__)
static inline void ss__expect(int fd, const char *want, const char *file, int line)
{
    char buf[IPC_SOCK_MSG_MAX + 1];

    ss__bound(fd, file, line);
    ssize_t n = ipct__ipc_ok(ipc_sock_recv_frame(fd, buf, sizeof buf - 1),
                             "ipc_sock_recv_frame(fd, buf, sizeof buf - 1)", file, line);
    buf[n] = '\0';
    if (strcmp(buf, want) != 0)
        ipct__fail_at(file, line, "reply \"%s\", expected \"%s\"", buf, want);
}

/* The client must read end of file: the server closed it. */
#define ss_expect_eof(fd) ss__expect_eof(fd, __FILE__, __LINE__)
static inline void ss__expect_eof(int fd, const char *file, int line)
{
    char b;

    ss__bound(fd, file, line);
    long n = ipct__sys_ok(recv(fd, &b, 1, 0), "recv(fd, &b, 1, 0)", file, line);
    if (n != 0)
        ipct__fail_at(file, line, "recv returned %ld bytes; expected end of file", n);
}

/* The server closed fd: it reads end of file, or ECONNRESET when the server
 * closed with a request of fd's still unread (unix(7), tcp(7)). */
#define ss_expect_closed(fd) ss__expect_closed(fd, __FILE__, __LINE__)
static inline void ss__expect_closed(int fd, const char *file, int line)
{
    char b;

    ss__bound(fd, file, line);
    ssize_t n = recv(fd, &b, 1, 0);
    if (n != 0 && !(n == -1 && errno == ECONNRESET))
        ipct__fail_at(file, line, "recv on a closed client returned %zd (%s), not 0 or ECONNRESET",
                      n, n == -1 ? ipct_errname(errno) : "data");
}

#endif
