/* SPDX-License-Identifier: MIT */
/*
 * fault_fiu_mq_points.c - the message queue failure points of ipcspec's
 * preload extension: each fails its call once, as pinned, then lets it
 * through (off, on for one call, off again); unpinned, each fails with the
 * default errno spec/faults.md documents. Each point is a variant row, so
 * each is a case of its own ("fault_fiu_ext_03_.../send").
 *
 * Spec: FIU-EXT-03..04 (spec/faults.md).
 * See also: tests/fault/preload/mq_points.c, fault_fiu_preload.c (the
 * other extension points).
 */
#include "fault.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <time.h>

#include <fiu-control.h>

/* The queue every call works on: read-write, non-blocking, empty between calls. */
static mqd_t q = -1;
static const char *qname;

static const struct timespec past = { .tv_sec = 1, .tv_nsec = 0 };

/* Each call below is one call of its function: 0 on success (the queue
 * left as found), -1 with errno when the function failed. */

/* With O_CREAT the wrapper must pass mode and attributes on: the new queue
 * shows maxmsg 3 and msgsize 32. */
static int call_open_creat(void)
{
    struct mq_attr want = { .mq_maxmsg = 3, .mq_msgsize = 32 }, got;
    const char *name = ipct_ipc_name("mq");
    mqd_t m = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &want);

    if (m == (mqd_t)-1)
        return -1;
    ASSERT_SYS_OK(mq_getattr(m, &got));
    ASSERT_SYS_OK(mq_close(m));
    ASSERT_SYS_OK(mq_unlink(name));
    ASSERT_EQ(got.mq_maxmsg, 3); /* passed on by the wrapper */
    ASSERT_EQ(got.mq_msgsize, 32);
    return 0;
}

static int call_open_existing(void)
{
    mqd_t m = mq_open(qname, O_RDONLY | O_CLOEXEC);

    if (m == (mqd_t)-1)
        return -1;
    ASSERT_SYS_OK(mq_close(m));
    return 0;
}

static int call_send(void)
{
    char buf[32];

    if (mq_send(q, "s", 1, 0) == -1)
        return -1;
    ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
    return 0;
}

static int call_timedsend(void)
{
    char buf[32];

    if (mq_timedsend(q, "t", 1, 0, &past) == -1)
        return -1;
    ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
    return 0;
}

/* A failed receive takes nothing: take the message back once the point is spent. */
static int call_receive(void)
{
    char buf[32];

    ASSERT_SYS_OK(mq_send(q, "r", 1, 0));
    if (mq_receive(q, buf, sizeof buf, NULL) == 1)
        return 0;
    int err = errno;
    ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
    errno = err;
    return -1;
}

static int call_timedreceive(void)
{
    char buf[32];

    ASSERT_SYS_OK(mq_send(q, "u", 1, 0));
    if (mq_timedreceive(q, buf, sizeof buf, NULL, &past) == 1)
        return 0;
    int err = errno;
    ASSERT_SYS_OK(mq_timedreceive(q, buf, sizeof buf, NULL, &past));
    errno = err;
    return -1;
}

static int call_unlink(void)
{
    const char *name = ipct_ipc_name("mq");

    ASSERT_SYS_OK(mq_close(ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0600, NULL))));
    if (mq_unlink(name) == 0)
        return 0;
    int err = errno;
    ASSERT_SYS_OK(mq_unlink(name)); /* the failed call removed nothing */
    errno = err;
    return -1;
}

/* A failed mq_close was not made: the descriptor is still open. */
static int call_close(void)
{
    mqd_t m = (mqd_t)ASSERT_SYS_OK(mq_open(qname, O_RDONLY | O_CLOEXEC));

    if (mq_close(m) == 0)
        return 0;
    int err = errno;
    ASSERT_SYS_OK(mq_close(m));
    errno = err;
    return -1;
}

static int call_getattr(void)
{
    struct mq_attr a;

    return mq_getattr(q, &a);
}

static int call_setattr(void)
{
    struct mq_attr a = { .mq_flags = O_NONBLOCK };

    return mq_setattr(q, &a, NULL);
}

/* Register, then drop the registration so the next call may register. */
static int call_notify(void)
{
    struct sigevent sev = { .sigev_notify = SIGEV_NONE };

    if (mq_notify(q, &sev) == -1)
        return -1;
    ASSERT_SYS_OK(mq_notify(q, NULL));
    return 0;
}

/* A variant row: one point, the call that goes through it, and its errnos. */
/* err is pinned for FIU-EXT-03; default_err, documented in spec/faults.md, for FIU-EXT-04 */
static const struct ipcf_point mq_points[] = {
    { "posix/mq/open", call_open_creat, ENOSPC, EMFILE },
    { "posix/mq/open", call_open_existing, EACCES, EMFILE },
    { "posix/mq/send", call_send, EINTR, EAGAIN },
    { "posix/mq/timedsend", call_timedsend, EMSGSIZE, ETIMEDOUT },
    { "posix/mq/receive", call_receive, EINTR, EAGAIN },
    { "posix/mq/timedreceive", call_timedreceive, EBADF, ETIMEDOUT },
    { "posix/mq/unlink", call_unlink, ENOENT, EACCES },
    { "posix/mq/close", call_close, EINTR, EBADF },
    { "posix/mq/getattr", call_getattr, EINVAL, EBADF },
    { "posix/mq/setattr", call_setattr, EINVAL, EBADF },
    { "posix/mq/notify", call_notify, EINVAL, EBUSY },
};

static void open_queue(void)
{
    struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 32 };

    qname = ipct_ipc_name("mq");
    q = (mqd_t)ASSERT_SYS_OK(
        mq_open(qname, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC, 0600, &attr));
}

static void close_queue(void)
{
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(qname));
}

/* FIU-EXT-03 each mq extension point fails its call once with the pinned errno, then lets it through */
static void fault_fiu_ext_03_mq_points_fail_once_then_pass(void **state)
{
    (void)state;
    open_queue();
    ASSERT_POINT_FAILS_ONCE((const struct ipcf_point *)ipct_variant());
    close_queue();
}

/* FIU-EXT-04 each mq extension point fails with its documented default errno when none is pinned */
static void fault_fiu_ext_04_mq_points_default_errno(void **state)
{
    (void)state;
    open_queue();
    ASSERT_POINT_DEFAULT_ERRNO((const struct ipcf_point *)ipct_variant());
    close_queue();
}

/* Both entries' cases, one per point: "<fn>/<row>". */
#define MQ_POINT(fn, row, i) IPCT_VARIANT_WITH(fn, row, &mq_points[i], ipcf_setup, ipcf_teardown)
#define MQ_POINT_CASES(fn) \
    MQ_POINT(fn, "open_creat", 0), MQ_POINT(fn, "open_existing", 1), MQ_POINT(fn, "send", 2), \
    MQ_POINT(fn, "timedsend", 3), MQ_POINT(fn, "receive", 4), MQ_POINT(fn, "timedreceive", 5), \
    MQ_POINT(fn, "unlink", 6), MQ_POINT(fn, "close", 7), MQ_POINT(fn, "getattr", 8), \
    MQ_POINT(fn, "setattr", 9), MQ_POINT(fn, "notify", 10)

static const struct CMUnitTest tests[] = {
    MQ_POINT_CASES(fault_fiu_ext_03_mq_points_fail_once_then_pass),
    MQ_POINT_CASES(fault_fiu_ext_04_mq_points_default_errno),
};

IPCT_MAIN("fiu_mq_points", tests)
