/*
 * mq_server_helpers.h - what the N:1 server's tests share: client i's queue
 * names, the test standing in for a client on raw queues, and a bounded
 * serving loop. Header-only (static functions), included by
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
static inline int srv_exists(const char *base, const char *kind, int i)
{
    int fd = ipc_mq_open(srv_name(base, kind, i), O_RDONLY | O_CLOEXEC, 0, NULL);

    if (fd == -ENOENT)
        return 0;
    ASSERT_IPC_OK(fd);
    ASSERT_IPC_OK(ipc_mq_close(fd));
    return 1;
}

/* Fail unless none of clients 0..n-1's queues exists. */
static inline void srv_assert_none(const char *base, int n)
{
    for (int i = 0; i < n; i++) {
        if (srv_exists(base, "req", i) || srv_exists(base, "rep", i))
            IPCT_FAIL("a queue of client %d under %s is still there", i, base);
    }
}

/* Open client i's queue of kind, non-blocking (the test never waits on it). */
static inline int srv_open(const char *base, const char *kind, int i)
{
    int access = strcmp(kind, "req") == 0 ? O_WRONLY : O_RDONLY;

    return (int)ASSERT_IPC_OK(ipc_mq_open(srv_name(base, kind, i),
                                          access | O_NONBLOCK | O_CLOEXEC, 0, NULL));
}

static inline void srv_send(int q, const char *text)
{
    ASSERT_IPC_OK(ipc_mq_send(q, text, strlen(text), 0));
}

/* Receive one reply now (non-blocking) and compare it with want. */
static inline void srv_expect(int q, const char *want)
{
    char buf[IPC_MQ_SERVER_MSGSIZE + 1];
    ssize_t n = ASSERT_IPC_OK(ipc_mq_receive(q, buf, IPC_MQ_SERVER_MSGSIZE, NULL));

    buf[n] = '\0';
    if (strcmp(buf, want) != 0)
        IPCT_FAIL("reply \"%s\"; expected \"%s\"", buf, want);
}

/* Step s until want replies were delivered in all, bounded by the harness's
 * deadline; fails on a step error or on more replies than wanted. */
static inline void srv_serve(struct ipc_mq_server *s, int want)
{
    struct timespec t0, t;
    int got = 0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (got < want) {
        got += (int)ASSERT_IPC_OK(ipc_mq_server_step(s, 100));
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000 > ipct_deadline_ms())
            IPCT_FAIL("%d replies of %d delivered before the deadline", got, want);
    }
    if (got != want)
        IPCT_FAIL("%d replies delivered; expected %d", got, want);
}

#endif
