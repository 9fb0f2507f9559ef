/* SPDX-License-Identifier: MIT */
/*
 * test_mq_timed.c - mq_timedsend and mq_timedreceive: the absolute
 * CLOCK_REALTIME deadline, ETIMEDOUT, and when a bad timespec is refused.
 *
 * Deadlines are already in the past, far in the future (the call is ended by
 * a send or a receive, never by the clock), or, where the timeout itself is
 * the behaviour, 100 ms ahead.
 *
 * Spec: MQ-TIMED-01..10 (spec/mq.md).
 * See also: test_mq_block.c (waiting without a deadline, O_NONBLOCK),
 *           test_mq_timed_err.c (EBADF and EINTR from the timed calls).
 */
#include "ipctest.h"

#include <fcntl.h>
#include <mqueue.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { MSGSIZE = 32 };

/* A deadline long past: 1970-01-01 00:00:01 UTC. */
static const struct timespec past = { .tv_sec = 1, .tv_nsec = 0 };

/* A new, empty, blocking queue open O_RDWR | extra, holding maxmsg messages. */
static mqd_t new_queue(int extra, long maxmsg)
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = MSGSIZE };
    const char *name = ipct_ipc_name("mq");
    mqd_t q;

    ASSERT_SYS_OK(q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | extra, 0600, &attr));
    ASSERT_SYS_OK(mq_unlink(name)); /* the descriptor is all the test uses */
    return q;
}

static long queued(mqd_t q)
{
    struct mq_attr attr;

    ASSERT_SYS_OK(mq_getattr(q, &attr));
    return attr.mq_curmsgs;
}

/* CLOCK_REALTIME now, plus sec seconds and nsec nanoseconds. */
static struct timespec realtime_in(time_t sec, long nsec)
{
    struct timespec t;

    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += sec;
    t.tv_nsec += nsec;
    if (t.tv_nsec >= 1000000000) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000;
    }
    return t;
}

/* MQ-TIMED-01 a timed receive from an empty queue fails with ETIMEDOUT once the deadline has passed */
static void test_mq_timed_01_empty_past_deadline_etimedout(void **state)
{
    mqd_t q = new_queue(0, 2);
    char buf[MSGSIZE];
    (void)state;

    ASSERT_SYS_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &past), ETIMEDOUT);
    ASSERT_EQ(queued(q), 0);
    mq_close(q);
}

/* MQ-TIMED-02 a timed send to a full queue fails with ETIMEDOUT once the deadline has passed, queuing nothing */
static void test_mq_timed_02_full_past_deadline_etimedout(void **state)
{
    mqd_t q = new_queue(0, 2);
    char buf[MSGSIZE];
    unsigned prio;
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "a", 1, 1));
    ASSERT_SYS_OK(mq_send(q, "b", 1, 1));
    ASSERT_SYS_ERR(mq_timedsend(q, "z", 1, 5, &past), ETIMEDOUT);
    ASSERT_EQ(queued(q), 2);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, &prio)), 1);
    ASSERT_EQ(buf[0], 'a'); /* "z" (priority 5) would have come first */
    mq_close(q);
}

/* MQ-TIMED-03 a timed call that can complete at once succeeds, whatever its deadline */
static void test_mq_timed_03_no_wait_past_deadline_succeeds(void **state)
{
    mqd_t q = new_queue(0, 1);
    char buf[MSGSIZE];
    (void)state;

    ASSERT_SYS_OK(mq_timedsend(q, "a", 1, 0, &past));
    ASSERT_EQ(ASSERT_SYS_OK(mq_timedreceive(q, buf, sizeof buf, NULL, &past)), 1);
    ASSERT_EQ(buf[0], 'a');
    mq_close(q);
}

/* The rows of MQ-TIMED-04 and 05: tv_nsec values out of range, below 0,
 * exactly 1e9, far above. */
static const long nsec_minus_1 = -1, nsec_1e9 = 1000000000, nsec_int_max = 2147483647;

/* MQ-TIMED-04 a timed call that would wait fails with EINVAL for tv_nsec outside [0, 1e9) */
static void test_mq_timed_04_waiting_bad_nsec_einval(void **state)
{
    const long *nsec = ipct_variant();
    struct timespec bad = realtime_in(3600, 0);
    mqd_t q = new_queue(0, 1);
    char buf[MSGSIZE];
    (void)state;

    bad.tv_nsec = *nsec;
    ASSERT_SYS_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &bad), EINVAL); /* empty */
    ASSERT_EQ(queued(q), 0);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    ASSERT_SYS_ERR(mq_timedsend(q, "b", 1, 0, &bad), EINVAL); /* full */
    ASSERT_EQ(queued(q), 1);
    mq_close(q);
}

/* MQ-TIMED-05 Linux refuses a bad tv_nsec with EINVAL even when the call could complete at once */
static void test_mq_timed_05_no_wait_bad_nsec_still_einval(void **state)
{
    const long *nsec = ipct_variant();
    struct timespec bad = { .tv_sec = 1, .tv_nsec = *nsec };
    mqd_t q = new_queue(0, 2);
    char buf[MSGSIZE];
    (void)state;

    ASSERT_SYS_ERR(mq_timedsend(q, "b", 1, 0, &bad), EINVAL); /* room */
    ASSERT_EQ(queued(q), 0);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    ASSERT_SYS_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &bad), EINVAL); /* a message */
    ASSERT_EQ(queued(q), 1);
    mq_close(q);
}

/* MQ-TIMED-06 a timed call with a negative tv_sec fails with EINVAL */
static void test_mq_timed_06_negative_sec_einval(void **state)
{
    const struct timespec negative = { .tv_sec = -1, .tv_nsec = 0 };
    mqd_t q = new_queue(0, 1);
    char buf[MSGSIZE];
    (void)state;

    ASSERT_SYS_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &negative), EINVAL); /* empty */
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    ASSERT_SYS_ERR(mq_timedsend(q, "b", 1, 0, &negative), EINVAL); /* full */
    ASSERT_EQ(queued(q), 1);
    mq_close(q);
}

/* Receives from the empty queue with a deadline one hour ahead on
 * CLOCK_MONOTONIC, read as a CLOCK_REALTIME date: ETIMEDOUT at once. */
static void receive_by_monotonic_deadline(void *arg)
{
    struct timespec deadline;
    char buf[MSGSIZE];

    ASSERT_SYS_OK(clock_gettime(CLOCK_MONOTONIC, &deadline));
    deadline.tv_sec += 3600;
    ASSERT_SYS_ERR(mq_timedreceive(*(mqd_t *)arg, buf, sizeof buf, NULL, &deadline), ETIMEDOUT);
}

/* Sends "z" to the full queue with the deadline receive_by_monotonic_deadline
 * uses: ETIMEDOUT at once. */
static void send_by_monotonic_deadline(void *arg)
{
    struct timespec deadline;

    ASSERT_SYS_OK(clock_gettime(CLOCK_MONOTONIC, &deadline));
    deadline.tv_sec += 3600;
    ASSERT_SYS_ERR(mq_timedsend(*(mqd_t *)arg, "z", 1, 5, &deadline), ETIMEDOUT);
}

/* Skips the test (closing q) where the two clocks are too close for a
 * monotonic reading to be a date long past. */
static void need_clocks_apart(mqd_t q)
{
    struct timespec mono, real;

    ASSERT_SYS_OK(clock_gettime(CLOCK_MONOTONIC, &mono));
    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &real));
    if (real.tv_sec - mono.tv_sec < 2L * 3600) {
        mq_close(q);
        IPCT_SKIP("CLOCK_REALTIME (%lld s) is within two hours of CLOCK_MONOTONIC (%lld s)",
                  (long long)real.tv_sec, (long long)mono.tv_sec);
    }
}

/* MQ-TIMED-07 the deadline is a CLOCK_REALTIME date */
static void test_mq_timed_07_deadline_is_realtime(void **state)
{
    mqd_t q = new_queue(0, 1);
    (void)state;

    need_clocks_apart(q);
    /* a monotonic reading an hour ahead is decades ago as a date: no wait */
    assert_child_exited(ipct_spawn(receive_by_monotonic_deadline, &q), 0);
    mq_close(q);
}

/* MQ-TIMED-07 the deadline is a CLOCK_REALTIME date */
static void test_mq_timed_07_send_deadline_is_realtime(void **state)
{
    char buf[MSGSIZE];
    mqd_t q = new_queue(0, 1);
    (void)state;

    need_clocks_apart(q);
    ASSERT_SYS_OK(mq_send(q, "o", 1, 1)); /* full */
    assert_child_exited(ipct_spawn(send_by_monotonic_deadline, &q), 0);
    ASSERT_EQ(queued(q), 1);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL)), 1);
    ASSERT_EQ(buf[0], 'o');
    mq_close(q);
}

/* Receives from the empty queue with a deadline 100 ms ahead: ETIMEDOUT,
 * and not before CLOCK_REALTIME reached the deadline. */
static void receive_until_timeout(void *arg)
{
    struct timespec deadline = realtime_in(0, 100 * 1000000L), now;
    char buf[MSGSIZE];

    ASSERT_SYS_ERR(mq_timedreceive(*(mqd_t *)arg, buf, sizeof buf, NULL, &deadline), ETIMEDOUT);
    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &now));
    ASSERT_GE(now.tv_sec, deadline.tv_sec);
    if (now.tv_sec == deadline.tv_sec)
        ASSERT_GE(now.tv_nsec, deadline.tv_nsec);
}

/* MQ-TIMED-08 a timed receive waits until its deadline, then fails with ETIMEDOUT */
static void test_mq_timed_08_waits_until_deadline_etimedout(void **state)
{
    mqd_t q = new_queue(0, 1);
    (void)state;

    assert_child_exited(ipct_spawn(receive_until_timeout, &q), 0);
    ASSERT_EQ(queued(q), 0);
    mq_close(q);
}

/* Sends "z" (priority 5) to the full queue with a deadline 100 ms ahead:
 * ETIMEDOUT, and not before CLOCK_REALTIME reached the deadline. */
static void send_until_timeout(void *arg)
{
    struct timespec deadline = realtime_in(0, 100 * 1000000L), now;

    ASSERT_SYS_ERR(mq_timedsend(*(mqd_t *)arg, "z", 1, 5, &deadline), ETIMEDOUT);
    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &now));
    ASSERT_GE(now.tv_sec, deadline.tv_sec);
    if (now.tv_sec == deadline.tv_sec)
        ASSERT_GE(now.tv_nsec, deadline.tv_nsec);
}

/* MQ-TIMED-10 a timed send to a full queue waits until its deadline, then fails with ETIMEDOUT, queuing nothing */
static void test_mq_timed_10_send_waits_until_deadline_etimedout(void **state)
{
    mqd_t q = new_queue(0, 1);
    char buf[MSGSIZE];
    unsigned prio = 0;
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "o", 1, 1));
    assert_child_exited(ipct_spawn(send_until_timeout, &q), 0);
    ASSERT_EQ(queued(q), 1);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, &prio)), 1);
    ASSERT_EQ(buf[0], 'o');
    ASSERT_EQ(prio, 1);
    mq_close(q);
}

/* Waits in mq_timedreceive (empty queue: must get "r") or mq_timedsend
 * (full queue: sends "s") with a deadline an hour ahead. */
static void timed_call_hour(void *arg)
{
    const mqd_t *q = arg;
    struct timespec hour = realtime_in(3600, 0);
    char buf[MSGSIZE];
    struct mq_attr attr;

    ASSERT_SYS_OK(mq_getattr(*q, &attr));
    if (attr.mq_curmsgs == attr.mq_maxmsg) { /* full: send */
        ASSERT_SYS_OK(mq_timedsend(*q, "s", 1, 0, &hour));
        return;
    }
    ASSERT_EQ(ASSERT_SYS_OK(mq_timedreceive(*q, buf, sizeof buf, NULL, &hour)), 1);
    ASSERT_EQ(buf[0], 'r');
}

/* MQ-TIMED-09 before its deadline a timed call waits like the untimed one and completes */
static void test_mq_timed_09_receive_completes_before_deadline(void **state)
{
    mqd_t q = new_queue(0, 1);
    (void)state;

    pid_t pid = ipct_spawn(timed_call_hour, &q);
    ipct_await_blocked(pid, SYS_mq_timedreceive);
    ASSERT_SYS_OK(mq_send(q, "r", 1, 0));
    assert_child_exited(pid, 0);
    mq_close(q);
}

/* MQ-TIMED-09 before its deadline a timed call waits like the untimed one and completes */
static void test_mq_timed_09_send_completes_before_deadline(void **state)
{
    mqd_t q = new_queue(0, 1);
    char buf[MSGSIZE];
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "o", 1, 0));
    pid_t pid = ipct_spawn(timed_call_hour, &q);
    ipct_await_blocked(pid, SYS_mq_timedsend);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL)), 1);
    assert_child_exited(pid, 0);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL)), 1);
    ASSERT_EQ(buf[0], 's');
    mq_close(q);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_timed_01_empty_past_deadline_etimedout),
    IPCT_TEST(test_mq_timed_02_full_past_deadline_etimedout),
    IPCT_TEST(test_mq_timed_03_no_wait_past_deadline_succeeds),
    IPCT_VARIANT(test_mq_timed_04_waiting_bad_nsec_einval, "minus_1", &nsec_minus_1),
    IPCT_VARIANT(test_mq_timed_04_waiting_bad_nsec_einval, "1e9", &nsec_1e9),
    IPCT_VARIANT(test_mq_timed_04_waiting_bad_nsec_einval, "int_max", &nsec_int_max),
    IPCT_VARIANT(test_mq_timed_05_no_wait_bad_nsec_still_einval, "minus_1", &nsec_minus_1),
    IPCT_VARIANT(test_mq_timed_05_no_wait_bad_nsec_still_einval, "1e9", &nsec_1e9),
    IPCT_VARIANT(test_mq_timed_05_no_wait_bad_nsec_still_einval, "int_max", &nsec_int_max),
    IPCT_TEST(test_mq_timed_06_negative_sec_einval),
    IPCT_TEST(test_mq_timed_07_deadline_is_realtime),
    IPCT_TEST(test_mq_timed_07_send_deadline_is_realtime),
    IPCT_TEST(test_mq_timed_08_waits_until_deadline_etimedout),
    IPCT_TEST(test_mq_timed_09_receive_completes_before_deadline),
    IPCT_TEST(test_mq_timed_09_send_completes_before_deadline),
    IPCT_TEST(test_mq_timed_10_send_waits_until_deadline_etimedout),
};

IPCT_MAIN("mq_timed", tests)
