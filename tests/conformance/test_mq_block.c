/* SPDX-License-Identifier: MIT */
/*
 * test_mq_block.c - when send and receive wait: O_NONBLOCK, blocking on a
 * full or empty queue, and which waiter a message or a free slot goes to.
 *
 * Spec: MQ-NBLK-01..03, MQ-BLOCK-01..05 (spec/mq.md).
 * See also: test_mq_rtprio.c (waiters of real-time priorities), test_mq_timed.c
 *           (deadlines), test_mq_intr.c (waits a signal interrupts),
 *           test_pipe_block.c (the same for pipes), mq_helpers.h.
 */
#include "mq_helpers.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Receive one message and check its one-letter text. */
static void expect_letter(mqd_t q, char letter)
{
    char buf[MQT_MSGSIZE];
    ssize_t n = ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));

    ASSERT_EQ(n, 1);
    ASSERT_EQ(buf[0], letter);
}

/* MQ-NBLK-01 a non-blocking receive from an empty queue fails with EAGAIN */
static void test_mq_nblk_01_empty_queue_receive_eagain(void **state)
{
    mqd_t q = mqt_unnamed_queue(O_NONBLOCK, 4);
    char buf[MQT_MSGSIZE];
    (void)state;

    ASSERT_SYS_ERR(mq_receive(q, buf, sizeof buf, NULL), EAGAIN);
    ASSERT_EQ(mqt_queued(q), 0);
    mq_close(q);
}

/* MQ-NBLK-02 a non-blocking send to a full queue fails with EAGAIN and leaves the queue unchanged */
static void test_mq_nblk_02_full_queue_send_eagain(void **state)
{
    mqd_t q = mqt_unnamed_queue(O_NONBLOCK, 3);
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "a", 1, 1));
    ASSERT_SYS_OK(mq_send(q, "b", 1, 2));
    ASSERT_SYS_OK(mq_send(q, "c", 1, 1));
    ASSERT_SYS_ERR(mq_send(q, "z", 1, 9), EAGAIN); /* even a higher priority finds no room */
    ASSERT_EQ(mqt_queued(q), 3);
    expect_letter(q, 'b');
    expect_letter(q, 'a');
    expect_letter(q, 'c');
    ASSERT_SYS_ERR(mq_receive(q, (char[MQT_MSGSIZE]){ 0 }, MQT_MSGSIZE, NULL), EAGAIN);
    mq_close(q);
}

/* MQ-NBLK-03 with O_NONBLOCK the timed calls fail with EAGAIN, not ETIMEDOUT */
static void test_mq_nblk_03_timed_calls_eagain(void **state)
{
    struct timespec past = { .tv_sec = 1, .tv_nsec = 0 };
    mqd_t q = mqt_unnamed_queue(O_NONBLOCK, 1);
    char buf[MQT_MSGSIZE];
    (void)state;

    ASSERT_SYS_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &past), EAGAIN);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    ASSERT_SYS_ERR(mq_timedsend(q, "b", 1, 0, &past), EAGAIN);
    ASSERT_EQ(mqt_queued(q), 1);
    mq_close(q);
}

/* A receiving child's queue, and the letter it must be the one to get: it
 * receives one message (blocking) on the inherited descriptor. */
struct receiver { mqd_t q; char want; };
static void receive_letter(void *arg)
{
    const struct receiver *r = arg;

    expect_letter(r->q, r->want);
}

/* MQ-BLOCK-01 a blocking receive from an empty queue waits until a message is sent */
static void test_mq_block_01_receive_waits_for_message(void **state)
{
    mqd_t q = mqt_unnamed_queue(0, 4);
    (void)state;

    struct receiver r = { .q = q, .want = 'c' };
    pid_t reader = ipct_spawn(receive_letter, &r);
    ipct_await_blocked(reader, SYS_mq_timedreceive);
    ASSERT_SYS_OK(mq_send(q, "c", 1, 0));
    assert_child_exited(reader, 0);
    ASSERT_EQ(mqt_queued(q), 0);
    mq_close(q);
}

struct sender { mqd_t q; char letter; };

/* Sends its letter (blocking) on the inherited descriptor. */
static void send_letter(void *arg)
{
    const struct sender *s = arg;

    ASSERT_SYS_OK(mq_send(s->q, &s->letter, 1, 0));
}

/* MQ-BLOCK-02 a blocking send to a full queue waits until a receive makes room */
static void test_mq_block_02_send_waits_for_room(void **state)
{
    mqd_t q = mqt_unnamed_queue(0, 1);
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "o", 1, 0));
    struct sender s = { .q = q, .letter = 'n' };
    pid_t writer = ipct_spawn(send_letter, &s);
    ipct_await_blocked(writer, SYS_mq_timedsend);
    ASSERT_EQ(mqt_queued(q), 1); /* the waiting message is not in the queue */
    expect_letter(q, 'o');
    assert_child_exited(writer, 0);
    ASSERT_EQ(mqt_queued(q), 1);
    expect_letter(q, 'n');
    mq_close(q);
}

/* MQ-BLOCK-03 of several waiting receivers, the one waiting longest gets the message */
static void test_mq_block_03_longest_waiting_receiver_first(void **state)
{
    mqd_t q = mqt_unnamed_queue(0, 4);
    (void)state;

    struct receiver r1 = { .q = q, .want = 'a' }, r2 = { .q = q, .want = 'b' };
    pid_t first = ipct_spawn(receive_letter, &r1);
    ipct_await_blocked(first, SYS_mq_timedreceive);
    pid_t second = ipct_spawn(receive_letter, &r2);
    ipct_await_blocked(second, SYS_mq_timedreceive);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    assert_child_exited(first, 0);
    ASSERT_TRUE(ipct_is_blocked_in(second, SYS_mq_timedreceive)); /* the only message went to first */
    ASSERT_SYS_OK(mq_send(q, "b", 1, 0));
    assert_child_exited(second, 0);
    mq_close(q);
}

/* MQ-BLOCK-04 of several waiting senders, the one waiting longest gets the free slot */
static void test_mq_block_04_longest_waiting_sender_first(void **state)
{
    mqd_t q = mqt_unnamed_queue(0, 1);
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "o", 1, 0));
    struct sender s1 = { .q = q, .letter = '1' }, s2 = { .q = q, .letter = '2' };
    pid_t first = ipct_spawn(send_letter, &s1);
    ipct_await_blocked(first, SYS_mq_timedsend);
    pid_t second = ipct_spawn(send_letter, &s2);
    ipct_await_blocked(second, SYS_mq_timedsend);
    expect_letter(q, 'o');
    assert_child_exited(first, 0);
    ASSERT_TRUE(ipct_is_blocked_in(second, SYS_mq_timedsend)); /* the only slot went to first */
    expect_letter(q, '1');
    assert_child_exited(second, 0);
    expect_letter(q, '2');
    mq_close(q);
}

/* Lowers its own scheduling priority to nice 10, then receives as receive_letter. */
static void receive_letter_niced(void *arg)
{
    ASSERT_SYS_OK(setpriority(PRIO_PROCESS, 0, 10));
    receive_letter(arg);
}

/* MQ-BLOCK-05 Linux gives a message to the waiting receiver of best scheduling priority */
static void test_mq_block_05_higher_priority_receiver_first(void **state)
{
    mqd_t q = mqt_unnamed_queue(0, 4);
    (void)state;

    if (getpriority(PRIO_PROCESS, 0) != 0)
        IPCT_SKIP("the test runs at nice %d; the spec's figures assume 0", getpriority(PRIO_PROCESS, 0));
    struct receiver rn = { .q = q, .want = 'b' }, rp = { .q = q, .want = 'a' };
    pid_t niced = ipct_spawn(receive_letter_niced, &rn); /* waits longest, lower priority */
    ipct_await_blocked(niced, SYS_mq_timedreceive);
    pid_t plain = ipct_spawn(receive_letter, &rp);
    ipct_await_blocked(plain, SYS_mq_timedreceive);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    assert_child_exited(plain, 0);
    ASSERT_SYS_OK(mq_send(q, "b", 1, 0));
    assert_child_exited(niced, 0);
    mq_close(q);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_nblk_01_empty_queue_receive_eagain),
    IPCT_TEST(test_mq_nblk_02_full_queue_send_eagain),
    IPCT_TEST(test_mq_nblk_03_timed_calls_eagain),
    IPCT_TEST(test_mq_block_01_receive_waits_for_message),
    IPCT_TEST(test_mq_block_02_send_waits_for_room),
    IPCT_TEST(test_mq_block_03_longest_waiting_receiver_first),
    IPCT_TEST(test_mq_block_04_longest_waiting_sender_first),
    IPCT_TEST(test_mq_block_05_higher_priority_receiver_first),
};

IPCT_MAIN("mq_block", tests)
