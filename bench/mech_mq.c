/* SPDX-License-Identifier: MIT */
/*
 * mech_mq.c - POSIX message queues: two queues (one each way), made in the
 * parent before the fork and used by both processes, through impl/ (mq.h)
 * and through mq_open / mq_send / mq_receive. A message is bounded by
 * /proc/sys/fs/mqueue/msgsize_max (8 KiB by default; root is bound too
 * without CAP_SYS_RESOURCE), so 64 KiB and 1 MiB are not measured.
 *
 * See also: bench.h, mech_shm.c (which also uses queues),
 * include/ipcspec/mq.h.
 */
#include "bench.h"

#include "ipcspec/mq.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>

/* Messages a queue holds: the default /proc/sys/fs/mqueue/msg_max. */
#define MQ_DEPTH 10

static int mq_impl_open(struct chan *c)
{
    const struct ipc_mq_limits lim = { .maxmsg = MQ_DEPTH, .msgsize = (long)c->size };
    int flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC;

    bench_name(c->name[0], sizeof c->name[0], "mq-down", 0);
    bench_name(c->name[1], sizeof c->name[1], "mq-up", 0);
    if ((c->wfd[0] = ipc_mq_open(c->name[0], flags, 0600, &lim)) < 0)
        return c->wfd[0];
    if ((c->rfd[0] = ipc_mq_open(c->name[1], flags, 0600, &lim)) < 0) {
        int rc = c->rfd[0];

        ipc_mq_close(c->wfd[0]);
        ipc_mq_unlink(c->name[0]);
        c->name[0][0] = '\0';
        return rc;
    }
    /* The same descriptors in the child, the other way round. */
    c->rfd[1] = c->wfd[0];
    c->wfd[1] = c->rfd[0];
    return 0;
}

static int mq_raw_open(struct chan *c)
{
    struct mq_attr attr = { .mq_maxmsg = MQ_DEPTH, .mq_msgsize = (long)c->size };
    int flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC;
    mqd_t down, up;

    bench_name(c->name[0], sizeof c->name[0], "mq-down", 0);
    bench_name(c->name[1], sizeof c->name[1], "mq-up", 0);
    if ((down = mq_open(c->name[0], flags, 0600, &attr)) == (mqd_t)-1)
        return -errno;
    if ((up = mq_open(c->name[1], flags, 0600, &attr)) == (mqd_t)-1) {
        int rc = -errno;

        mq_close(down);
        mq_unlink(c->name[0]);
        c->name[0][0] = '\0';
        return rc;
    }
    c->wfd[0] = c->rfd[1] = down;
    c->rfd[0] = c->wfd[1] = up;
    return 0;
}

static int mq_side(struct chan *c, int who)
{
    (void)c;
    (void)who;
    return 0;
}

static int mq_impl_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    (void)last;
    return ipc_mq_send(c->wfd[who], buf, len, 0);
}

static ssize_t mq_impl_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    (void)last;
    return ipc_mq_receive(c->rfd[who], buf, len, NULL);
}

static int mq_raw_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    (void)last;
    return mq_send(c->wfd[who], buf, len, 0) == -1 ? -errno : 0;
}

static ssize_t mq_raw_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    ssize_t n = mq_receive(c->rfd[who], buf, len, NULL);

    (void)last;
    return n == -1 ? -errno : n;
}

static void mq_close_side(struct chan *c, int who)
{
    mq_close(c->rfd[who]);
    mq_close(c->wfd[who]);
}

static void mq_cleanup(struct chan *c)
{
    for (int i = 0; i < 2; i++) {
        if (c->name[i][0] != '\0')
            mq_unlink(c->name[i]);
    }
}

#define MQ_WHY "a message is bounded by /proc/sys/fs/mqueue/msgsize_max (8 KiB)"

const struct mech bench_mq_mechs[] = {
    { .name = "mq", .via = "impl", .max_size = 8192, .why = MQ_WHY, .open = mq_impl_open,
      .side = mq_side, .send = mq_impl_send, .recv = mq_impl_recv, .close = mq_close_side,
      .cleanup = mq_cleanup },
    { .name = "mq", .via = "raw", .max_size = 8192, .why = MQ_WHY, .open = mq_raw_open,
      .side = mq_side, .send = mq_raw_send, .recv = mq_raw_recv, .close = mq_close_side,
      .cleanup = mq_cleanup },
    { .name = NULL },
};
