/* SPDX-License-Identifier: MIT */
/*
 * mq_server_helpers.h - what the N:1 server's tests share: client i's queue
 * names, the test standing in for a client on raw queues, and a bounded
 * serving loop. Each check is a macro that passes the caller's file and
 * line, so a failure names the test. Header-only (static functions), included by
 * test_mq_server.c, test_mq_server_client.c and tests/fault/fault_mq_server.c.
 *
 * See also: impl/include/ipcspec/mq_server.h, spec/mq.md.
 */
#ifndef MQ_SERVER_HELPERS_H
#define MQ_SERVER_HELPERS_H

#include "ipctest.h"
#include "ipcspec/mq_server.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* "<base>-<kind>-<i>" into a static buffer (one of four in turn). */
static inline const char *srv_name(const char *base, const char *kind, int i)
{
    static char names[4][NAME_MAX + 2];
    static int next;
    char *name = names[next++ % 4];

    snprintf(name, NAME_MAX + 2, "%s-%s-%d", base, kind, i);
    return name;
}

/* 1 when the queue "<base>-<kind>-<i>" exists, 0 when it does not. */
#define srv_exists(base, kind, i) srv__exists(base, kind, i, __FILE__, __LINE__)
static inline int srv__exists(const char *base, const char *kind, int i, const char *file,
                              int line)
{
    int fd = ipc_mq_open(srv_name(base, kind, i), O_RDONLY | O_CLOEXEC, 0, NULL);

    if (fd == -ENOENT)
        return 0;
    ipct__ipc_ok(fd, "ipc_mq_open(<base>-<kind>-<i>, O_RDONLY | O_CLOEXEC, 0, NULL)", file, line);
    ipct__ipc_ok(ipc_mq_close(fd), "ipc_mq_close(fd)", file, line);
    return 1;
}

/* Fail unless none of clients 0..n-1's queues exists. */
#define srv_assert_none(base, n) srv__assert_none(base, n, __FILE__, __LINE__)
static inline void srv__assert_none(const char *base, int n, const char *file, int line)
{
    for (int i = 0; i < n; i++) {
        if (srv__exists(base, "req", i, file, line) || srv__exists(base, "rep", i, file, line))
            ipct__fail_at(file, line, "a queue of client %d under %s is still there", i, base);
    }
}

/* Open client i's queue of kind, non-blocking (the test never waits on it). */
#define srv_open(base, kind, i) srv__open(base, kind, i, __FILE__, __LINE__)
static inline int srv__open(const char *base, const char *kind, int i, const char *file,
                            int line)
{
    int access = strcmp(kind, "req") == 0 ? O_WRONLY : O_RDONLY;

    return (int)ipct__ipc_ok(ipc_mq_open(srv_name(base, kind, i),
                                         access | O_NONBLOCK | O_CLOEXEC, 0, NULL),
                             "ipc_mq_open(<base>-<kind>-<i>, access | O_NONBLOCK | O_CLOEXEC, "
                             "0, NULL)", file, line);
}

#define srv_send(q, text) srv__send(q, text, __FILE__, __LINE__)
static inline void srv__send(int q, const char *text, const char *file, int line)
{
    ipct__ipc_ok(ipc_mq_send(q, text, strlen(text), 0), "ipc_mq_send(q, text, strlen(text), 0)",
                 file, line);
}

/* Receive one reply now (non-blocking) and compare it with want. */
#define srv_expect(q, want) srv__expect(q, want, __FILE__, __LINE__)
static inline void srv__expect(int q, const char *want, const char *file, int line)
{
    char buf[IPC_MQ_SERVER_MSGSIZE + 1];
    ssize_t n = ipct__ipc_ok(ipc_mq_receive(q, buf, IPC_MQ_SERVER_MSGSIZE, NULL),
                             "ipc_mq_receive(q, buf, IPC_MQ_SERVER_MSGSIZE, NULL)", file, line);

    buf[n] = '\0';
    ipct__str(buf, 1, want, "srv_expect: the reply", file, line);
}

/* Step s until want replies were delivered in all, bounded by the harness's
 * deadline; fails on a step error or on more replies than wanted. */
#define srv_serve(s, want) srv__serve(s, want, __FILE__, __LINE__)
static inline void srv__serve(struct ipc_mq_server *s, int want, const char *file, int line)
{
    struct timespec t0, t;
    int got = 0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (got < want) {
        got += (int)ipct__ipc_ok(ipc_mq_server_step(s, 100), "ipc_mq_server_step(s, 100)", file,
                                 line);
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000 > ipct_deadline_ms())
            ipct__fail_at(file, line, "%d replies of %d delivered before the deadline", got,
                          want);
    }
    ipct__cmp(IPCT__INT(got), IPCT_EQ, IPCT__INT(want), "srv_serve: replies delivered", file,
              line);
}

#endif
