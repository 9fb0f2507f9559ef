/* SPDX-License-Identifier: MIT */
/*
 * sweep_mq_api.c - the message-queue API end to end, a scenario of the fault
 * sweep (sweep.py "mq-api"): the calls the mq demos do not make.
 *
 *   ipcspec-sweep-mq-api NAME DIR
 *
 * Creates the queue NAME (4 messages of 64 bytes), sends two messages (one
 * with a deadline), reads the attributes, turns O_NONBLOCK on and off,
 * receives both in priority order (one with a deadline), checks that the
 * empty non-blocking queue says -EAGAIN, then closes and unlinks it. Prints
 * "ok" and exits 0 when every step gave the right result; exits 1 with one
 * line naming the failed step and its error otherwise, having closed and
 * unlinked what it made. DIR is unused.
 */
#include "ipcspec/mq.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int fail(const char *what, long neg_errno)
{
    fprintf(stderr, "ipcspec-sweep-mq-api: %s: %s\n", what, strerror((int)-neg_errno));
    return 1;
}

/* A deadline far enough away never to pass while the queue has room. */
static struct timespec later(void)
{
    struct timespec ts = { 0, 0 };

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 60;
    return ts;
}

static int exchange(int mq)
{
    const struct timespec deadline = later();
    struct ipc_mq_limits limits;
    char buf[64];
    unsigned prio = 0;
    long queued = 0;
    long rc;

    if ((rc = ipc_mq_send(mq, "low", 3, 1)) < 0)
        return fail("ipc_mq_send", rc);
    if ((rc = ipc_mq_timedsend(mq, "high", 4, 7, &deadline)) < 0)
        return fail("ipc_mq_timedsend", rc);
    if ((rc = ipc_mq_stat(mq, &limits, &queued)) < 0)
        return fail("ipc_mq_stat", rc);
    if (limits.maxmsg != 4 || limits.msgsize != 64 || queued != 2)
        return fail("ipc_mq_stat", -EPROTO);
    if ((rc = ipc_mq_set_nonblock(mq, 1)) < 0)
        return fail("ipc_mq_set_nonblock on", rc);
    rc = ipc_mq_receive(mq, buf, sizeof buf, &prio);
    if (rc < 0)
        return fail("ipc_mq_receive", rc);
    if (rc != 4 || memcmp(buf, "high", 4) != 0 || prio != 7)
        return fail("ipc_mq_receive", -EPROTO);
    rc = ipc_mq_timedreceive(mq, buf, sizeof buf, &prio, &deadline);
    if (rc < 0)
        return fail("ipc_mq_timedreceive", rc);
    if (rc != 3 || memcmp(buf, "low", 3) != 0 || prio != 1)
        return fail("ipc_mq_timedreceive", -EPROTO);
    rc = ipc_mq_receive(mq, buf, sizeof buf, NULL);
    if (rc != -EAGAIN)
        return fail("ipc_mq_receive of an empty queue", rc < 0 ? rc : -EPROTO);
    if ((rc = ipc_mq_set_nonblock(mq, 0)) < 0)
        return fail("ipc_mq_set_nonblock off", rc);
    return 0;
}

int main(int argc, char **argv)
{
    const struct ipc_mq_limits limits = { 4, 64 };
    int mq, code;
    long rc;

    if (argc != 3) {
        fprintf(stderr, "usage: ipcspec-sweep-mq-api NAME DIR\n");
        return 2;
    }
    mq = ipc_mq_open(argv[1], O_RDWR | O_CREAT | O_EXCL, 0600, &limits);
    if (mq < 0)
        return fail("ipc_mq_open", mq);
    code = exchange(mq);
    if ((rc = ipc_mq_close(mq)) < 0 && code == 0)
        code = fail("ipc_mq_close", rc);
    if ((rc = ipc_mq_unlink(argv[1])) < 0 && code == 0)
        code = fail("ipc_mq_unlink", rc);
    if (code == 0 && printf("ok\n") < 0)
        code = fail("printf", -errno);
    return code;
}
