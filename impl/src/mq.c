/* SPDX-License-Identifier: MIT */
/*
 * mq.c - open, use, inspect, close and unlink POSIX message queues.
 *
 * Every argument this layer can judge (name, flags, limits, deadline) is
 * checked before any call reaches the kernel, so a refused call leaves
 * nothing behind; each failing mq_* call is turned into -errno at once.
 *
 * Spec: MQ-API-01..16, MQ-FAULT-01..12 (spec/mq.md).
 * See also: include/ipcspec/mq.h, pipe.c.
 */
#include "ipcspec/mq.h"
#include "posix_name.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>

#define IPC_MQ_OPEN_FLAGS (O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC)

int ipc_mq_name_check(const char *name)
{
    return ipc_posix_name_check(name);
}

/* Return 0 when flags are an access mode plus IPC_MQ_OPEN_FLAGS, or -EINVAL. */
static int mq_flags_check(int flags)
{
    int mode = flags & O_ACCMODE;

    if (mode != O_RDONLY && mode != O_WRONLY && mode != O_RDWR)
        return -EINVAL;
    if ((flags & ~(O_ACCMODE | IPC_MQ_OPEN_FLAGS)) != 0)
        return -EINVAL;
    return 0;
}

int ipc_mq_open(const char *name, int flags, mode_t mode, const struct ipc_mq_limits *limits)
{
    struct mq_attr attr = {0};
    struct mq_attr *attrp = NULL;
    mqd_t mq;
    int rc;

    if ((rc = ipc_mq_name_check(name)) != 0)
        return rc;
    if ((rc = mq_flags_check(flags)) != 0)
        return rc;
    if ((flags & O_CREAT) == 0) {
        mq = mq_open(name, flags);
    } else {
        if (limits != NULL) {
            if (limits->maxmsg <= 0 || limits->msgsize <= 0)
                return -EINVAL;
            attr.mq_maxmsg = limits->maxmsg;
            attr.mq_msgsize = limits->msgsize;
            attrp = &attr;
        }
        mq = mq_open(name, flags, mode, attrp);
    }
    if (mq == (mqd_t)-1)
        return -errno;
    return mq;
}

int ipc_mq_send(int mq, const void *msg, size_t len, unsigned prio)
{
    if (mq_send(mq, msg, len, prio) == -1)
        return -errno;
    return 0;
}

int ipc_mq_timedsend(int mq, const void *msg, size_t len, unsigned prio,
                     const struct timespec *deadline)
{
    /* NULL would mean "no deadline" to glibc: refuse it, as the contract
     * of a timed call is that it ends. */
    if (deadline == NULL)
        return -EINVAL;
    if (mq_timedsend(mq, msg, len, prio, deadline) == -1)
        return -errno;
    return 0;
}

ssize_t ipc_mq_receive(int mq, void *buf, size_t len, unsigned *prio)
{
    ssize_t n = mq_receive(mq, buf, len, prio);

    if (n == -1)
        return -errno;
    return n;
}

ssize_t ipc_mq_timedreceive(int mq, void *buf, size_t len, unsigned *prio,
                            const struct timespec *deadline)
{
    ssize_t n;

    if (deadline == NULL)
        return -EINVAL;
    n = mq_timedreceive(mq, buf, len, prio, deadline);
    if (n == -1)
        return -errno;
    return n;
}

int ipc_mq_stat(int mq, struct ipc_mq_limits *limits, long *queued)
{
    struct mq_attr attr;

    if (mq_getattr(mq, &attr) == -1)
        return -errno;
    if (limits != NULL) {
        limits->maxmsg = attr.mq_maxmsg;
        limits->msgsize = attr.mq_msgsize;
    }
    if (queued != NULL)
        *queued = attr.mq_curmsgs;
    return 0;
}

int ipc_mq_set_nonblock(int mq, int nonblock)
{
    struct mq_attr attr;

    /* Read the flags first: mq_setattr replaces all of mq_flags. */
    if (mq_getattr(mq, &attr) == -1)
        return -errno;
    if (nonblock)
        attr.mq_flags |= O_NONBLOCK;
    else
        attr.mq_flags &= ~(long)O_NONBLOCK;
    if (mq_setattr(mq, &attr, NULL) == -1)
        return -errno;
    return 0;
}

int ipc_mq_close(int mq)
{
    /* Like close(2): the descriptor is gone even if an error is reported. */
    if (mq_close(mq) == -1)
        return -errno;
    return 0;
}

int ipc_mq_unlink(const char *name)
{
    int rc = ipc_mq_name_check(name);

    if (rc != 0)
        return rc;
    if (mq_unlink(name) == -1)
        return -errno;
    return 0;
}
