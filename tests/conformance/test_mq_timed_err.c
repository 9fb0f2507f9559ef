/* SPDX-License-Identifier: MIT */
/*
 * test_mq_timed_err.c - the errors of mq_timedsend and mq_timedreceive
 * called themselves, with a deadline an hour ahead so that the clock never
 * ends a call: EBADF for a descriptor that is no queue open in the call's
 * direction.
 *
 * Spec: MQ-TIMED-11 (spec/mq.md).
 * See also: test_mq_timed.c (deadlines), test_mq_intr.c (MQ-INTR-03: EINTR
 *           from the timed calls), mq_helpers.h.
 */
#include "mq_helpers.h"

#include <fcntl.h>
#include <mqueue.h>
#include <time.h>
#include <unistd.h>

/* CLOCK_REALTIME plus an hour: a deadline no run of a test reaches. */
static struct timespec hour_ahead(void)
{
    struct timespec t;

    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &t));
    t.tv_sec += 3600;
    return t;
}

/* The rows of MQ-TIMED-11: which kind of bad descriptor the call gets. */
enum bad_kind { WRONG_MODE, CLOSED, NOT_A_QUEUE };
static const enum bad_kind wrong_mode = WRONG_MODE, closed = CLOSED, not_a_queue = NOT_A_QUEUE;

/* A descriptor of the row's kind for a call that needs access mode `mode`
 * (O_WRONLY to send, O_RDONLY to receive) on the queue `name`; pipe_fds
 * gets the pipe a NOT_A_QUEUE row uses (-1 otherwise) for the test to close. */
static int bad_descriptor(enum bad_kind kind, const char *name, int mode, int pipe_fds[2])
{
    int fd;

    pipe_fds[0] = pipe_fds[1] = -1;
    switch (kind) {
    case WRONG_MODE: /* the other direction only */
        return (int)ASSERT_SYS_OK(mq_open(name, mode == O_WRONLY ? O_RDONLY : O_WRONLY));
    case CLOSED:
        fd = (int)ASSERT_SYS_OK(mq_open(name, mode));
        ASSERT_SYS_OK(mq_close(fd));
        return fd;
    default:
        ASSERT_SYS_OK(pipe(pipe_fds));
        return mode == O_WRONLY ? pipe_fds[1] : pipe_fds[0];
    }
}

/* Closes what bad_descriptor opened. */
static void drop_bad_descriptor(enum bad_kind kind, int fd, const int pipe_fds[2])
{
    if (kind == WRONG_MODE)
        ASSERT_SYS_OK(mq_close(fd));
    if (kind == NOT_A_QUEUE) {
        ASSERT_SYS_OK(close(pipe_fds[0]));
        ASSERT_SYS_OK(close(pipe_fds[1]));
    }
}

/* MQ-TIMED-11 the timed calls refuse a descriptor that is no queue open in their direction with EBADF */
static void test_mq_timed_11_timedsend_bad_descriptor_ebadf(void **state)
{
    const enum bad_kind *kind = ipct_variant();
    const char *name = ipct_ipc_name("mq");
    struct timespec hour = hour_ahead();
    mqd_t q = mqt_create_queue(name, 0); /* empty: a good send would not wait */
    int pipe_fds[2];
    (void)state;

    int bad = bad_descriptor(*kind, name, O_WRONLY, pipe_fds);
    ASSERT_SYS_ERR(mq_timedsend(bad, "x", 1, 0, &hour), EBADF);
    ASSERT_EQ(mqt_queued(q), 0);
    drop_bad_descriptor(*kind, bad, pipe_fds);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-TIMED-11 the timed calls refuse a descriptor that is no queue open in their direction with EBADF */
static void test_mq_timed_11_timedreceive_bad_descriptor_ebadf(void **state)
{
    const enum bad_kind *kind = ipct_variant();
    const char *name = ipct_ipc_name("mq");
    struct timespec hour = hour_ahead();
    mqd_t q = mqt_create_queue(name, 0);
    char buf[MQT_MSGSIZE];
    int pipe_fds[2];
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "m", 1, 3)); /* a good receive would not wait */
    int bad = bad_descriptor(*kind, name, O_RDONLY, pipe_fds);
    ASSERT_SYS_ERR(mq_timedreceive(bad, buf, sizeof buf, NULL, &hour), EBADF);
    ASSERT_EQ(mqt_queued(q), 1);
    mqt_assert_receives(q, "m", 3);
    drop_bad_descriptor(*kind, bad, pipe_fds);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

static const struct CMUnitTest tests[] = {
    IPCT_VARIANT(test_mq_timed_11_timedsend_bad_descriptor_ebadf, "wrong_mode", &wrong_mode),
    IPCT_VARIANT(test_mq_timed_11_timedsend_bad_descriptor_ebadf, "closed", &closed),
    IPCT_VARIANT(test_mq_timed_11_timedsend_bad_descriptor_ebadf, "not_a_queue", &not_a_queue),
    IPCT_VARIANT(test_mq_timed_11_timedreceive_bad_descriptor_ebadf, "wrong_mode", &wrong_mode),
    IPCT_VARIANT(test_mq_timed_11_timedreceive_bad_descriptor_ebadf, "closed", &closed),
    IPCT_VARIANT(test_mq_timed_11_timedreceive_bad_descriptor_ebadf, "not_a_queue",
                 &not_a_queue),
};

IPCT_MAIN("mq_timed_err", tests)
