/* SPDX-License-Identifier: MIT */
/*
 * test_mq_rtprio.c - which of several waiting senders or receivers a queue
 * serves first when they run under different real-time (SCHED_FIFO)
 * priorities: the highest priority first, and among equal priorities the
 * one that has waited longest.
 *
 * Four children wait, started one at a time, each observed asleep before
 * the next starts, at priorities 10, 30, 20 and 30: the order of service
 * must be the second, the fourth, the third, then the first. The order is
 * read from what the queue hands over (the kernel picks the waiter when a
 * slot frees or a message arrives), one slot or one message at a time,
 * never from which child happens to run first afterwards.
 *
 * Spec: MQ-BLOCK-06, MQ-BLOCK-07 (spec/mq.md).
 * See also: test_mq_block.c (MQ-BLOCK-03..05: the longest waiter, nice
 *           values), mq_helpers.h.
 */
#include "mq_helpers.h"

#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { WAITERS = 4 };

/* The waiters' SCHED_FIFO priorities in the order they start, and the
 * order (indexes into it) in which the queue must serve them. */
static const int rt_prio[WAITERS] = { 10, 30, 20, 30 };
static const int served[WAITERS] = { 1, 3, 2, 0 };

/* A waiting child: its queue, priority, letter (sent, or the one it must
 * receive), and whether it uses the timed call, deadline an hour ahead. */
struct waiter { mqd_t q; int prio; char letter; int timed; };

static const int untimed = 0, timed = 1;

/* The system call itself: musl's sched_setscheduler() always fails with
 * ENOSYS (it leaves scheduling to the pthread calls), and a child here has
 * one thread, which pid 0 names. */
static void become_fifo(int prio)
{
    struct sched_param sp = { .sched_priority = prio };

    if (syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) == -1)
        IPCT_SKIP("sched_setscheduler(SCHED_FIFO, %d): %s: a real-time priority needs "
                  "CAP_SYS_NICE or an RLIMIT_RTPRIO of at least %d", prio, ipct_errname(errno),
                  prio);
}

/* A child that only tries SCHED_FIFO, so that a host refusing it skips the
 * test before any waiter starts. */
static void try_fifo(void *arg)
{
    (void)arg;
    become_fifo(1);
}

static struct timespec hour_ahead(void)
{
    struct timespec t;

    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &t));
    t.tv_sec += 3600;
    return t;
}

static void send_at_priority(void *arg)
{
    const struct waiter *w = arg;
    struct timespec hour = hour_ahead();

    become_fifo(w->prio);
    if (w->timed)
        ASSERT_SYS_OK(mq_timedsend(w->q, &w->letter, 1, 0, &hour));
    else
        ASSERT_SYS_OK(mq_send(w->q, &w->letter, 1, 0));
}

static void receive_at_priority(void *arg)
{
    const struct waiter *w = arg;
    struct timespec hour = hour_ahead();
    char buf[MQT_MSGSIZE];
    ssize_t n;

    become_fifo(w->prio);
    if (w->timed)
        n = mq_timedreceive(w->q, buf, sizeof buf, NULL, &hour);
    else
        n = mq_receive(w->q, buf, sizeof buf, NULL);
    ASSERT_EQ(ASSERT_SYS_OK(n), 1);
    ASSERT_EQ(buf[0], w->letter); /* the message meant for this waiter's turn */
}

/* Starts the waiters one at a time, each seen asleep in nr before the next. */
static void start_waiters(struct waiter w[WAITERS], pid_t pid[WAITERS], ipct_child_fn fn,
                          long nr)
{
    assert_child_exited(ipct_spawn(try_fifo, NULL), 0);
    for (int i = 0; i < WAITERS; i++) {
        pid[i] = ipct_spawn(fn, &w[i]);
        ipct_await_blocked(pid[i], nr);
    }
}

/* The waiters not served yet (served[k + 1] on) still sleep in nr. */
static void rest_still_wait(const pid_t pid[WAITERS], int k, long nr)
{
    for (int later = k + 1; later < WAITERS; later++)
        ASSERT_TRUE(ipct_is_blocked_in(pid[served[later]], nr));
}

/* MQ-BLOCK-06: senders 1..4 wait on the full one-message queue; each
 * receive frees the slot, and the kernel moves one waiting sender's
 * message into it: the messages come in the order the senders are served. */
static void check_senders(int use_timed)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = MQT_MSGSIZE };
    mqd_t q = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr));
    struct waiter w[WAITERS];
    pid_t pid[WAITERS];

    ASSERT_SYS_OK(mq_send(q, "o", 1, 0)); /* full */
    for (int i = 0; i < WAITERS; i++)
        w[i] = (struct waiter){ q, rt_prio[i], (char)('1' + i), use_timed };
    start_waiters(w, pid, send_at_priority, SYS_mq_timedsend);
    mqt_assert_receives(q, "o", 0);
    for (int k = 0; k < WAITERS; k++) {
        int i = served[k];
        char want[2] = { w[i].letter, '\0' };
        /* the freed slot holds the message of the one whose turn it is;
         * taking it frees the slot for the next */
        mqt_assert_receives(q, want, 0);
        assert_child_exited(pid[i], 0);
    }
    ASSERT_EQ(mqt_queued(q), 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-BLOCK-07: receivers wait on the empty queue; the test sends "a".."d"
 * one at a time, and the receiver to be served k-th must get the k-th. */
static void check_receivers(int use_timed)
{
    const char *name = ipct_ipc_name("mq");
    mqd_t q = mqt_create_queue(name, 0);
    struct waiter w[WAITERS];
    pid_t pid[WAITERS];

    for (int k = 0; k < WAITERS; k++)
        w[served[k]] = (struct waiter){ q, rt_prio[served[k]], (char)('a' + k), use_timed };
    start_waiters(w, pid, receive_at_priority, SYS_mq_timedreceive);
    for (int k = 0; k < WAITERS; k++) {
        int i = served[k];
        ASSERT_SYS_OK(mq_send(q, &w[i].letter, 1, 0));
        assert_child_exited(pid[i], 0); /* it got the message, and it was its own */
        rest_still_wait(pid, k, SYS_mq_timedreceive);
    }
    ASSERT_EQ(mqt_queued(q), 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-BLOCK-06 of several waiting senders, the one of highest real-time priority gets the free slot first, the longest waiting among equals */
static void test_mq_block_06_senders_by_rt_priority(void **state)
{
    (void)state;
    check_senders(untimed);
}

/* MQ-BLOCK-06 of several waiting senders, the one of highest real-time priority gets the free slot first, the longest waiting among equals */
static void test_mq_block_06_timed_senders_by_rt_priority(void **state)
{
    (void)state;
    check_senders(timed);
}

/* MQ-BLOCK-07 of several waiting receivers, the one of highest real-time priority gets the message first, the longest waiting among equals */
static void test_mq_block_07_receivers_by_rt_priority(void **state)
{
    (void)state;
    check_receivers(untimed);
}

/* MQ-BLOCK-07 of several waiting receivers, the one of highest real-time priority gets the message first, the longest waiting among equals */
static void test_mq_block_07_timed_receivers_by_rt_priority(void **state)
{
    (void)state;
    check_receivers(timed);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_block_06_senders_by_rt_priority),
    IPCT_TEST(test_mq_block_06_timed_senders_by_rt_priority),
    IPCT_TEST(test_mq_block_07_receivers_by_rt_priority),
    IPCT_TEST(test_mq_block_07_timed_receivers_by_rt_priority),
};

IPCT_MAIN("mq_rtprio", tests)
