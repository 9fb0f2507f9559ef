/* SPDX-License-Identifier: MIT */
/*
 * fault_mq_api.c - ipcspec's message queue layer when an mq_* call fails:
 * the call's errno back as a negative errno, once, with nothing retried,
 * nothing leaked and the queue as it was; and no call at all for arguments
 * the layer refuses itself.
 *
 * Spec: MQ-FAULT-01..12 (spec/mq.md).
 * See also: impl/src/mq.c, tests/fault/preload/mq_points.c,
 * tests/conformance/test_mq_api.c, test_mq_api_io.c.
 */
#include "fault.h"
#include "ipcspec/mq.h"

#include <fcntl.h>
#include <mqueue.h>

static const struct ipc_mq_limits lim = { .maxmsg = 2, .msgsize = 16 };

static int new_queue(const char *name, int extra)
{
    return (int)ASSERT_IPC_OK(
        ipc_mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | extra, 0600, &lim));
}

/* A new queue whose name is unlinked at once, before any point is armed:
 * for the tests that reach it only through the descriptor. */
static int anon_queue(int extra)
{
    const char *name = ipct_ipc_name("mq");
    int mq = new_queue(name, extra);

    ASSERT_IPC_OK(ipc_mq_unlink(name));
    return mq;
}

static long queued(int mq)
{
    long n = -1;
    ASSERT_IPC_OK(ipc_mq_stat(mq, NULL, &n));
    return n;
}

static void open_creat_fails_with(int err)
{
    const char *name = ipct_ipc_name("mq");

    int next = ipct_lowest_free_fd();
    ipcf_fail_nth("posix/mq/open", 1, err);
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &lim), err);
    ASSERT_FIRED("posix/mq/open", 1);
    ipcf_disarm_all();
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_SYS_ERR(mq_open(name, O_RDONLY), ENOENT); /* no queue was made */
}

/* MQ-FAULT-01 ipc_mq_open returns mq_open's error and leaves no queue and no descriptor */
static void fault_mq_fault_01_open_emfile(void **state)
{
    (void)state;
    open_creat_fails_with(EMFILE);
}

/* MQ-FAULT-01 ipc_mq_open returns mq_open's error and leaves no queue and no descriptor */
static void fault_mq_fault_01_open_enospc(void **state)
{
    (void)state;
    open_creat_fails_with(ENOSPC);
}

/* MQ-FAULT-02 ipc_mq_open of an existing queue returns mq_open's error and leaves the queue be */
static void fault_mq_fault_02_open_eacces(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    int mq = new_queue(name, 0);
    ASSERT_IPC_OK(ipc_mq_send(mq, "kept", 4, 0));
    int next = ipct_lowest_free_fd();
    ipcf_fail_nth("posix/mq/open", 1, EACCES);
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDONLY, 0, NULL), EACCES);
    ASSERT_FIRED("posix/mq/open", 1);
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    int again = (int)ASSERT_IPC_OK(ipc_mq_open(name, O_RDONLY, 0, NULL));
    ASSERT_EQ(queued(again), 1);
    ASSERT_IPC_OK(ipc_mq_close(again));
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

/* MQ-FAULT-03 ipc_mq_send returns mq_send's error and queues nothing */
static void fault_mq_fault_03_send_eagain(void **state)
{
    (void)state;

    int mq = anon_queue(0);
    ipcf_fail_nth("posix/mq/send", 1, EAGAIN);
    ASSERT_IPC_ERR(ipc_mq_send(mq, "m", 1, 0), EAGAIN);
    ASSERT_FIRED("posix/mq/send", 1);
    ASSERT_EQ(ipcf_calls("posix/mq/send"), 1);
    ASSERT_EQ(queued(mq), 0);
    ASSERT_IPC_OK(ipc_mq_send(mq, "m", 1, 0)); /* the one-shot is spent */
    ASSERT_EQ(queued(mq), 1);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* MQ-FAULT-04 ipc_mq_timedsend returns mq_timedsend's error and queues nothing */
static void fault_mq_fault_04_timedsend_etimedout(void **state)
{
    const struct timespec past = { .tv_sec = 1 };
    (void)state;

    int mq = anon_queue(0);
    ipcf_fail_nth("posix/mq/timedsend", 1, ETIMEDOUT);
    ASSERT_IPC_ERR(ipc_mq_timedsend(mq, "m", 1, 0, &past), ETIMEDOUT);
    ASSERT_FIRED("posix/mq/timedsend", 1);
    ASSERT_EQ(ipcf_calls("posix/mq/timedsend"), 1);
    ASSERT_EQ(queued(mq), 0);
    ASSERT_IPC_OK(ipc_mq_timedsend(mq, "m", 1, 0, &past));
    ASSERT_EQ(queued(mq), 1);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* The queue holds "msg"; the next receive (timed or not) is failed with
 * EINTR: it must come back at once, after exactly one call, and the message
 * must still be there for the call after. */
static void receive_interrupted(const char *point, int timed)
{
    const struct timespec past = { .tv_sec = 1 };
    unsigned prio = 0;
    char buf[16];

    int mq = anon_queue(0);
    ASSERT_IPC_OK(ipc_mq_send(mq, "msg", 3, 6));
    ipcf_fail_nth(point, 1, EINTR);
    ASSERT_IPC_ERR(timed ? ipc_mq_timedreceive(mq, buf, sizeof buf, &prio, &past)
                         : ipc_mq_receive(mq, buf, sizeof buf, &prio), EINTR);
    ASSERT_FIRED(point, 1);
    ASSERT_EQ(ipcf_calls(point), 1); /* not retried */
    ASSERT_EQ(queued(mq), 1);
    ASSERT_EQ(timed ? ipc_mq_timedreceive(mq, buf, sizeof buf, &prio, &past)
                           : ipc_mq_receive(mq, buf, sizeof buf, &prio), 3);
    ASSERT_MEM_EQ(buf, "msg", 3);
    ASSERT_EQ(prio, 6);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* MQ-FAULT-05 ipc_mq_receive passes EINTR up as -EINTR without retrying, and the message stays */
static void fault_mq_fault_05_receive_eintr(void **state)
{
    (void)state;
    receive_interrupted("posix/mq/receive", 0);
}

/* MQ-FAULT-06 ipc_mq_timedreceive passes EINTR up as -EINTR without retrying, and the message stays */
static void fault_mq_fault_06_timedreceive_eintr(void **state)
{
    (void)state;
    receive_interrupted("posix/mq/timedreceive", 1);
}

/* MQ-FAULT-07 ipc_mq_stat returns mq_getattr's error and writes nothing */
static void fault_mq_fault_07_getattr_ebadf(void **state)
{
    struct ipc_mq_limits got = { -3, -4 };
    long n = -5;
    (void)state;

    int mq = anon_queue(0);
    ipcf_fail_nth("posix/mq/getattr", 1, EBADF);
    ASSERT_IPC_ERR(ipc_mq_stat(mq, &got, &n), EBADF);
    ASSERT_FIRED("posix/mq/getattr", 1);
    ASSERT_EQ(got.maxmsg, -3); /* no output written on failure */
    ASSERT_EQ(got.msgsize, -4);
    ASSERT_EQ(n, -5);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

static long flags_of(int mq)
{
    struct mq_attr attr;

    ASSERT_SYS_OK(mq_getattr(mq, &attr));
    return attr.mq_flags;
}

/* MQ-FAULT-08 ipc_mq_set_nonblock returns mq_getattr's error and never calls mq_setattr */
static void fault_mq_fault_08_getattr_eio(void **state)
{
    (void)state;

    int mq = anon_queue(0);
    ipcf_fail_nth("posix/mq/getattr", 1, EIO);
    ipcf_fail_nth("posix/mq/setattr", 1, EPERM); /* armed only to count its calls */
    ASSERT_IPC_ERR(ipc_mq_set_nonblock(mq, 1), EIO);
    ASSERT_FIRED("posix/mq/getattr", 1);
    ASSERT_EQ(ipcf_calls("posix/mq/setattr"), 0);
    ipcf_disarm_all();
    ASSERT_EQ(flags_of(mq), 0);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* MQ-FAULT-09 ipc_mq_set_nonblock returns mq_setattr's error and leaves the flags unchanged */
static void fault_mq_fault_09_setattr_einval(void **state)
{
    (void)state;

    int mq = anon_queue(0);
    ipcf_fail_nth("posix/mq/setattr", 1, EINVAL);
    ASSERT_IPC_ERR(ipc_mq_set_nonblock(mq, 1), EINVAL);
    ASSERT_FIRED("posix/mq/setattr", 1);
    ASSERT_EQ(flags_of(mq), 0);
    ASSERT_IPC_OK(ipc_mq_close(mq));

    mq = anon_queue(O_NONBLOCK); /* and the other way */
    ipcf_fail_nth("posix/mq/setattr", 1, EINVAL);
    ASSERT_IPC_ERR(ipc_mq_set_nonblock(mq, 0), EINVAL);
    ASSERT_FIRED("posix/mq/setattr", 1);
    ASSERT_EQ(flags_of(mq), O_NONBLOCK);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* MQ-FAULT-10 ipc_mq_close reports mq_close's error */
static void fault_mq_fault_10_close_eintr(void **state)
{
    (void)state;

    int mq = anon_queue(0);
    ipcf_fail_nth("posix/mq/close", 1, EINTR);
    ASSERT_IPC_ERR(ipc_mq_close(mq), EINTR);
    ASSERT_FIRED("posix/mq/close", 1);
    ASSERT_EQ(ipcf_calls("posix/mq/close"), 1); /* not retried */
    /* The failed call was never made, so the descriptor is really still open
     * (Linux would have released it): close it now. */
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* MQ-FAULT-11 ipc_mq_unlink returns mq_unlink's error and the name stays */
static void fault_mq_fault_11_unlink_eacces(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_IPC_OK(ipc_mq_close(new_queue(name, 0)));
    ipcf_fail_nth("posix/mq/unlink", 1, EACCES);
    ASSERT_IPC_ERR(ipc_mq_unlink(name), EACCES);
    ASSERT_FIRED("posix/mq/unlink", 1);
    ASSERT_IPC_OK(ipc_mq_close((int)ASSERT_IPC_OK(ipc_mq_open(name, O_RDONLY, 0, NULL))));
    ASSERT_IPC_OK(ipc_mq_unlink(name));
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDONLY, 0, NULL), ENOENT);
}

/* A NULL deadline is refused before mq_timedsend / mq_timedreceive. */
static void null_deadline_makes_no_call(void)
{
    char buf[16];

    int mq = anon_queue(0);
    ipcf_fail_from("posix/mq/timedsend", 1, ENOSPC);
    ipcf_fail_from("posix/mq/timedreceive", 1, ENOSPC);
    ASSERT_IPC_ERR(ipc_mq_timedsend(mq, "m", 1, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_timedreceive(mq, buf, sizeof buf, NULL, NULL), EINVAL);
    ASSERT_EQ(ipcf_calls("posix/mq/timedsend"), 0);
    ASSERT_EQ(ipcf_calls("posix/mq/timedreceive"), 0);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* MQ-FAULT-12 arguments the layer refuses itself never reach an mq_* call */
static void fault_mq_fault_12_refused_args_make_no_call_enospc(void **state)
{
    const struct ipc_mq_limits zero = { 0, 16 };
    const char *name = ipct_ipc_name("mq");
    (void)state;

    null_deadline_makes_no_call();
    ipcf_fail_from("posix/mq/open", 1, ENOSPC);
    ipcf_fail_from("posix/mq/unlink", 1, ENOSPC);
    ASSERT_IPC_ERR(ipc_mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR | O_CREAT | O_TRUNC, 0600, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR | O_CREAT, 0600, &zero), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_unlink("noslash"), EINVAL);
    ASSERT_EQ(ipcf_calls("posix/mq/open"), 0);
    ASSERT_EQ(ipcf_calls("posix/mq/unlink"), 0);
    /* The points were live all along: a valid call reaches them. */
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR | O_CREAT, 0600, NULL), ENOSPC);
    ASSERT_FIRED("posix/mq/open", 1);
    ASSERT_IPC_ERR(ipc_mq_unlink(name), ENOSPC);
    ASSERT_FIRED("posix/mq/unlink", 1);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_mq_fault_01_open_emfile),
    IPCF_TEST(fault_mq_fault_01_open_enospc),
    IPCF_TEST(fault_mq_fault_02_open_eacces),
    IPCF_TEST(fault_mq_fault_03_send_eagain),
    IPCF_TEST(fault_mq_fault_04_timedsend_etimedout),
    IPCF_TEST(fault_mq_fault_05_receive_eintr),
    IPCF_TEST(fault_mq_fault_06_timedreceive_eintr),
    IPCF_TEST(fault_mq_fault_07_getattr_ebadf),
    IPCF_TEST(fault_mq_fault_08_getattr_eio),
    IPCF_TEST(fault_mq_fault_09_setattr_einval),
    IPCF_TEST(fault_mq_fault_10_close_eintr),
    IPCF_TEST(fault_mq_fault_11_unlink_eacces),
    IPCF_TEST(fault_mq_fault_12_refused_args_make_no_call_enospc),
};

IPCT_MAIN("mq_api_faults", tests)
