/* SPDX-License-Identifier: MIT */
/*
 * test_mq_prio.c - what a message queue delivers, in which order, and what
 * it refuses: priorities, the send and receive results, message and buffer
 * sizes. Raw mq_* calls: these are behaviours of the OS, not of impl/.
 *
 * Spec: MQ-PRIO-01..04, MQ-SEND-01..02, MQ-RECV-01..02, MQ-SIZE-01..02
 *       (spec/mq.md).
 * See also: test_mq_block.c (non-blocking and blocking), test_mq_timed.c.
 */
#include "ipctest.h"

#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <string.h>
#include <unistd.h>

enum { MSGSIZE = 64 };

/* A new, empty queue open O_RDWR | extra, holding maxmsg messages of MSGSIZE. */
static mqd_t new_queue(int extra, long maxmsg)
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = MSGSIZE };
    const char *name = ipct_ipc_name("mq");
    mqd_t q;

    ASSERT_SYS_OK(q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | extra, 0600, &attr));
    ASSERT_SYS_OK(mq_unlink(name)); /* the descriptor is all the test uses */
    return q;
}

/* The number of messages in the queue, by mq_getattr. */
static long queued(mqd_t q)
{
    struct mq_attr attr;

    ASSERT_SYS_OK(mq_getattr(q, &attr));
    return attr.mq_curmsgs;
}

/* Receive one message (the queue must hold one) and check its text and priority. */
static void expect_message(mqd_t q, const char *text, unsigned prio)
{
    char buf[MSGSIZE];
    unsigned got = ~0u;
    ssize_t n = ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, &got));

    ASSERT_EQ(n, strlen(text));
    ASSERT_MEM_EQ(buf, text, strlen(text));
    ASSERT_EQ(got, prio);
}

/* MQ-PRIO-01 a receive takes the oldest message of the highest priority */
static void test_mq_prio_01_highest_priority_first(void **state)
{
    mqd_t q = new_queue(0, 10);
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "a", 1, 1));
    ASSERT_SYS_OK(mq_send(q, "b", 1, 9));
    ASSERT_SYS_OK(mq_send(q, "c", 1, 5));
    ASSERT_SYS_OK(mq_send(q, "d", 1, 9));
    ASSERT_SYS_OK(mq_send(q, "e", 1, 0));
    expect_message(q, "b", 9);
    expect_message(q, "d", 9);
    expect_message(q, "c", 5);
    expect_message(q, "a", 1);
    expect_message(q, "e", 0);
    mq_close(q);
}

/* MQ-PRIO-01 a receive takes the oldest message of the highest priority */
static void test_mq_prio_01_timed_calls_same_order(void **state)
{
    static const struct { const char *text; unsigned prio; } in[] = {
        { "a", 1 }, { "b", 9 }, { "c", 5 }, { "d", 9 }, { "e", 0 },
    };
    static const int out[] = { 1, 3, 2, 0, 4 }; /* indexes into in[] */
    struct timespec past = { .tv_sec = 0, .tv_nsec = 0 }; /* never consulted: no call blocks */
    mqd_t q = new_queue(0, 10);
    char buf[MSGSIZE];
    unsigned prio;
    (void)state;

    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        ASSERT_SYS_OK(mq_timedsend(q, in[i].text, 1, in[i].prio, &past));
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        ssize_t n = ASSERT_SYS_OK(mq_timedreceive(q, buf, sizeof buf, &prio, &past));
        if (n != 1 || buf[0] != in[out[i]].text[0] || prio != in[out[i]].prio)
            IPCT_FAIL("receive %zu gave \"%.*s\"/%u; expected \"%s\"/%u", i, (int)n, buf, prio,
                      in[out[i]].text, in[out[i]].prio);
    }
    mq_close(q);
}

/* MQ-PRIO-02 receive reports the message's priority, and accepts a NULL pointer for it */
static void test_mq_prio_02_priority_reported_or_ignored(void **state)
{
    mqd_t q = new_queue(0, 10);
    char buf[MSGSIZE];
    unsigned prio = 12345;
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "x", 1, 7));
    ASSERT_SYS_OK(mq_send(q, "y", 1, 0));
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, &prio)), 1);
    ASSERT_EQ(prio, 7);
    prio = 12345;
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, &prio)), 1);
    ASSERT_EQ(prio, 0); /* 0 is written, not left alone */
    ASSERT_SYS_OK(mq_send(q, "z", 1, 3));
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL)), 1);
    ASSERT_EQ(buf[0], 'z');
    mq_close(q);
}

/* MQ-PRIO-03's rows: priorities of MQ_PRIO_MAX or more. */
static const unsigned prio_max = MQ_PRIO_MAX, prio_max_plus_1 = MQ_PRIO_MAX + 1u,
                      prio_uint_max = UINT_MAX;

/* MQ-PRIO-03 a priority of MQ_PRIO_MAX or more fails with EINVAL and queues nothing */
static void test_mq_prio_03_prio_max_einval(void **state)
{
    const unsigned *bad = ipct_variant();
    struct timespec past = { .tv_sec = 0, .tv_nsec = 0 };
    mqd_t q = new_queue(0, 10);
    (void)state;

    ASSERT_SYS_ERR(mq_send(q, "x", 1, *bad), EINVAL);
    ASSERT_SYS_ERR(mq_timedsend(q, "x", 1, *bad, &past), EINVAL);
    ASSERT_EQ(queued(q), 0);
    mq_close(q);
}

/* MQ-PRIO-04 MQ_PRIO_MAX is 32768 on Linux (POSIX: at least 32) and MQ_PRIO_MAX - 1 is usable */
static void test_mq_prio_04_prio_max_32768_top_usable(void **state)
{
    mqd_t q = new_queue(0, 10);
    (void)state;

    ASSERT_GE(_POSIX_MQ_PRIO_MAX, 32);
    ASSERT_GE(MQ_PRIO_MAX, _POSIX_MQ_PRIO_MAX);
    ASSERT_EQ(MQ_PRIO_MAX, 32768);
    ASSERT_EQ(ASSERT_SYS_OK(sysconf(_SC_MQ_PRIO_MAX)), MQ_PRIO_MAX);
    ASSERT_SYS_OK(mq_send(q, "low", 3, 0));
    ASSERT_SYS_OK(mq_send(q, "top", 3, MQ_PRIO_MAX - 1));
    expect_message(q, "top", MQ_PRIO_MAX - 1);
    expect_message(q, "low", 0);
    mq_close(q);
}

/* MQ-SEND-01 a successful send returns 0 and queues the message byte for byte */
static void test_mq_send_01_returns_zero_message_queued(void **state)
{
    mqd_t q = new_queue(0, 10);
    unsigned char msg[MSGSIZE], buf[MSGSIZE];
    (void)state;

    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 37 + 1); /* every byte value differs from its neighbour */
    msg[5] = '\0';                            /* a message is bytes, not a string */
    ASSERT_EQ(ASSERT_SYS_OK(mq_send(q, (const char *)msg, sizeof msg, 4)), 0);
    ASSERT_EQ(queued(q), 1);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, (char *)buf, sizeof buf, NULL)), sizeof msg);
    ASSERT_MEM_EQ(buf, msg, sizeof msg);
    mq_close(q);
}

/* MQ-SEND-02 a zero-length message is sent and received as such */
static void test_mq_send_02_zero_length_message(void **state)
{
    mqd_t q = new_queue(0, 10);
    char buf[MSGSIZE];
    unsigned prio = 0;
    (void)state;

    ASSERT_EQ(ASSERT_SYS_OK(mq_send(q, "", 0, 6)), 0);
    ASSERT_EQ(queued(q), 1);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, &prio)), 0);
    ASSERT_EQ(prio, 6);
    ASSERT_EQ(queued(q), 0);
    mq_close(q);
}

/* MQ-RECV-01 a successful receive returns the message's length and removes it */
static void test_mq_recv_01_returns_length_removes_message(void **state)
{
    mqd_t q = new_queue(0, 10);
    char buf[MSGSIZE];
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "first", 5, 1));
    ASSERT_SYS_OK(mq_send(q, "second!", 7, 1));
    ASSERT_EQ(queued(q), 2);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL)), 5);
    ASSERT_MEM_EQ(buf, "first", 5);
    ASSERT_EQ(queued(q), 1);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL)), 7);
    ASSERT_MEM_EQ(buf, "second!", 7);
    ASSERT_EQ(queued(q), 0);
    mq_close(q);
}

/* Sends "hello" with priority 2 on the inherited descriptor. */
static void send_hello(void *arg)
{
    ASSERT_SYS_OK(mq_send(*(mqd_t *)arg, "hello", 5, 2));
}

/* MQ-RECV-02 a message sent by one process is received by another */
static void test_mq_recv_02_across_processes(void **state)
{
    mqd_t q = new_queue(0, 10);
    (void)state;

    assert_child_exited(ipct_spawn(send_hello, &q), 0);
    expect_message(q, "hello", 2);
    mq_close(q);
}

/* MQ-SIZE-01 a message longer than mq_msgsize fails with EMSGSIZE and queues nothing */
static void test_mq_size_01_long_message_emsgsize(void **state)
{
    struct timespec past = { .tv_sec = 0, .tv_nsec = 0 };
    char msg[MSGSIZE + 1];
    mqd_t q = new_queue(0, 10);
    (void)state;

    memset(msg, 'm', sizeof msg);
    ASSERT_SYS_ERR(mq_send(q, msg, MSGSIZE + 1, 0), EMSGSIZE);
    ASSERT_SYS_ERR(mq_timedsend(q, msg, MSGSIZE + 1, 0, &past), EMSGSIZE);
    ASSERT_EQ(queued(q), 0);
    ASSERT_SYS_OK(mq_send(q, msg, MSGSIZE, 0)); /* exactly mq_msgsize fits */
    ASSERT_EQ(queued(q), 1);
    mq_close(q);
}

/* MQ-SIZE-02 a receive buffer shorter than mq_msgsize fails with EMSGSIZE; the message stays */
static void test_mq_size_02_short_buffer_emsgsize(void **state)
{
    struct timespec past = { .tv_sec = 0, .tv_nsec = 0 };
    char buf[MSGSIZE];
    mqd_t q = new_queue(0, 10);
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "x", 1, 3)); /* the message itself would fit */
    ASSERT_SYS_ERR(mq_receive(q, buf, MSGSIZE - 1, NULL), EMSGSIZE);
    ASSERT_SYS_ERR(mq_timedreceive(q, buf, MSGSIZE - 1, NULL, &past), EMSGSIZE);
    ASSERT_EQ(queued(q), 1);
    expect_message(q, "x", 3); /* a buffer of exactly mq_msgsize is enough */
    mq_close(q);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_prio_01_highest_priority_first),
    IPCT_TEST(test_mq_prio_01_timed_calls_same_order),
    IPCT_TEST(test_mq_prio_02_priority_reported_or_ignored),
    IPCT_VARIANT(test_mq_prio_03_prio_max_einval, "prio_max", &prio_max),
    IPCT_VARIANT(test_mq_prio_03_prio_max_einval, "prio_max_plus_1", &prio_max_plus_1),
    IPCT_VARIANT(test_mq_prio_03_prio_max_einval, "uint_max", &prio_uint_max),
    IPCT_TEST(test_mq_prio_04_prio_max_32768_top_usable),
    IPCT_TEST(test_mq_send_01_returns_zero_message_queued),
    IPCT_TEST(test_mq_send_02_zero_length_message),
    IPCT_TEST(test_mq_recv_01_returns_length_removes_message),
    IPCT_TEST(test_mq_recv_02_across_processes),
    IPCT_TEST(test_mq_size_01_long_message_emsgsize),
    IPCT_TEST(test_mq_size_02_short_buffer_emsgsize),
};

IPCT_MAIN("mq_prio", tests)
