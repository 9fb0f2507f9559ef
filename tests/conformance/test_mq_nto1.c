/* SPDX-License-Identifier: MIT */
/*
 * test_mq_nto1.c - many senders, one receiver; and readiness: on Linux a
 * queue descriptor is a file descriptor that select(2) and poll(2) watch,
 * which is how one receiver serves several queues.
 *
 * Spec: MQ-NTO1-01, MQ-SELECT-01..03 (spec/mq.md).
 * See also: test_mq_block.c (one waiter at a time), mq_overview(7).
 */
#include "ipctest.h"

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { SENDERS = 4, PER_SENDER = 200, MAXMSG = 10 };

/* What each sender puts in a message: who, and which of its messages. */
struct tag {
    int sender;
    int seq;
};

/* A new, empty queue open O_RDWR, holding maxmsg messages of msgsize bytes.
 * Its name is unlinked at once: the descriptor is all the test uses. */
static mqd_t new_queue(long maxmsg, long msgsize)
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
    const char *name = ipct_ipc_name("mq");
    mqd_t q;

    ASSERT_SYS_OK(q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr));
    ASSERT_SYS_OK(mq_unlink(name));
    return q;
}

struct sender { mqd_t q; int id; unsigned prio; };

/* Sends PER_SENDER tagged messages (blocking) with its priority. */
static void send_tagged(void *arg)
{
    const struct sender *s = arg;

    for (int seq = 0; seq < PER_SENDER; seq++) {
        struct tag t = { .sender = s->id, .seq = seq };
        ASSERT_SYS_OK(mq_send(s->q, (const char *)&t, sizeof t, s->prio));
    }
}

/* Receive one tag, waiting at most the harness deadline (a safety net: a
 * sender that died must fail the test, not hang it). */
static struct tag receive_tag(mqd_t q)
{
    struct timespec bound;
    struct tag t = { -1, -1 };

    clock_gettime(CLOCK_REALTIME, &bound);
    bound.tv_sec += ipct_deadline_ms() / 1000 + 1;
    ssize_t n = ASSERT_SYS_OK(mq_timedreceive(q, (char *)&t, sizeof t, NULL, &bound));
    ASSERT_EQ(n, sizeof t); /* what every sender sends */
    return t;
}

/* Four senders, all proved blocked on the full queue, then every message
 * read back: none lost, none twice, each sender's in its own order. */
static void check_many_to_one(int distinct_prios)
{
    mqd_t q = new_queue(MAXMSG, sizeof(struct tag));
    struct sender s[SENDERS];
    pid_t pid[SENDERS];
    int next[SENDERS] = { 0 };
    struct mq_attr attr;

    for (int i = 0; i < SENDERS; i++) {
        s[i] = (struct sender){ .q = q, .id = i, .prio = distinct_prios ? (unsigned)i : 0 };
        pid[i] = ipct_spawn(send_tagged, &s[i]);
    }
    for (int i = 0; i < SENDERS; i++)
        ipct_await_blocked(pid[i], SYS_mq_timedsend); /* nothing is read yet */
    for (int n = 0; n < SENDERS * PER_SENDER; n++) {
        struct tag t = receive_tag(q);
        ASSERT_GE(t.sender, 0);
        ASSERT_LT(t.sender, SENDERS);
        if (t.seq != next[t.sender])
            IPCT_FAIL("message %d: sender %d's number %d; expected %d (lost, repeated or reordered)",
                      n, t.sender, t.seq, next[t.sender]);
        next[t.sender]++;
    }
    for (int i = 0; i < SENDERS; i++)
        assert_child_exited(pid[i], 0);
    ASSERT_SYS_OK(mq_getattr(q, &attr));
    ASSERT_EQ(attr.mq_curmsgs, 0); /* and nothing extra */
    mq_close(q);
}

/* MQ-NTO1-01 with several senders and one receiver no message is lost or repeated, and each sender's stay in order */
static void test_mq_nto1_01_four_senders_none_lost_in_order(void **state)
{
    (void)state;
    check_many_to_one(0);
}

/* MQ-NTO1-01 with several senders and one receiver no message is lost or repeated, and each sender's stay in order */
static void test_mq_nto1_01_distinct_priorities_none_lost_in_order(void **state)
{
    (void)state;
    check_many_to_one(1);
}

/* Whether q is readable and writable right now, by select or by poll. */
static void readiness(mqd_t q, int use_poll, int *readable, int *writable)
{
    if (use_poll) {
        struct pollfd pfd = { .fd = q, .events = POLLIN | POLLOUT };
        ASSERT_SYS_OK(poll(&pfd, 1, 0));
        *readable = (pfd.revents & POLLIN) != 0;
        *writable = (pfd.revents & POLLOUT) != 0;
        return;
    }
    fd_set r, w;
    struct timeval now = { 0, 0 };
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(q, &r);
    FD_SET(q, &w);
    ASSERT_SYS_OK(select(q + 1, &r, &w, NULL, &now));
    *readable = FD_ISSET(q, &r) != 0;
    *writable = FD_ISSET(q, &w) != 0;
}

static void expect_ready(mqd_t q, int use_poll, int readable, int writable, const char *when)
{
    int r, w;

    readiness(q, use_poll, &r, &w);
    if (r != readable || w != writable)
        IPCT_FAIL("%s, %s: readable %d writable %d; expected %d and %d", when,
                  use_poll ? "poll" : "select", r, w, readable, writable);
}

/* Drive a queue of two messages through empty, partly full, full, and back. */
static void check_readiness(int use_poll)
{
    mqd_t q = new_queue(2, 16);
    char buf[16];

    expect_ready(q, use_poll, 0, 1, "empty");
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    expect_ready(q, use_poll, 1, 1, "one of two");
    ASSERT_SYS_OK(mq_send(q, "b", 1, 0));
    expect_ready(q, use_poll, 1, 0, "full");
    ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
    expect_ready(q, use_poll, 1, 1, "one left");
    ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
    expect_ready(q, use_poll, 0, 1, "emptied");
    mq_close(q);
}

/* MQ-SELECT-01 select and poll report a queue readable exactly when it holds a message, writable exactly when it has room */
static void test_mq_select_01_select_tracks_fill(void **state)
{
    (void)state;
    check_readiness(0);
}

/* MQ-SELECT-01 select and poll report a queue readable exactly when it holds a message, writable exactly when it has room */
static void test_mq_select_01_poll_tracks_fill(void **state)
{
    (void)state;
    check_readiness(1);
}

/* Polls the queue with no timeout; it must wake with POLLIN alone. */
static void poll_for_input(void *arg)
{
    struct pollfd pfd = { .fd = *(mqd_t *)arg, .events = POLLIN };

    ASSERT_EQ(ASSERT_SYS_OK(poll(&pfd, 1, -1)), 1);
    ASSERT_EQ(pfd.revents, POLLIN);
}

#ifdef SYS_poll
#define POLL_SYSCALL SYS_poll
#else
#define POLL_SYSCALL SYS_ppoll /* arm64 and newer ports have only ppoll */
#endif

/* MQ-SELECT-02 a poll waiting on an empty queue wakes when a message arrives */
static void test_mq_select_02_poll_wakes_on_message(void **state)
{
    mqd_t q = new_queue(2, 16);
    struct mq_attr attr;
    (void)state;

    pid_t pid = ipct_spawn(poll_for_input, &q);
    ipct_await_blocked(pid, POLL_SYSCALL);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    assert_child_exited(pid, 0);
    ASSERT_SYS_OK(mq_getattr(q, &attr));
    ASSERT_EQ(attr.mq_curmsgs, 1); /* readiness takes nothing */
    mq_close(q);
}

/* Selects the queue for writing with no timeout, by pselect: its system call
 * is pselect6 in every libc (select's may be select or pselect6). It must
 * wake with the queue writable. */
static void select_for_output(void *arg)
{
    mqd_t q = *(mqd_t *)arg;
    fd_set w;

    FD_ZERO(&w);
    FD_SET(q, &w);
    ASSERT_EQ(ASSERT_SYS_OK(pselect(q + 1, NULL, &w, NULL, NULL, NULL)), 1);
    ASSERT_TRUE(FD_ISSET(q, &w));
}

/* MQ-SELECT-03 a select waiting on a full queue wakes when a receive makes room */
static void test_mq_select_03_select_wakes_on_room(void **state)
{
    mqd_t q = new_queue(1, 16);
    char buf[16];
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    pid_t pid = ipct_spawn(select_for_output, &q);
    ipct_await_blocked(pid, SYS_pselect6);
    ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
    assert_child_exited(pid, 0);
    mq_close(q);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_nto1_01_four_senders_none_lost_in_order),
    IPCT_TEST(test_mq_nto1_01_distinct_priorities_none_lost_in_order),
    IPCT_TEST(test_mq_select_01_select_tracks_fill),
    IPCT_TEST(test_mq_select_01_poll_tracks_fill),
    IPCT_TEST(test_mq_select_02_poll_wakes_on_message),
    IPCT_TEST(test_mq_select_03_select_wakes_on_room),
};

IPCT_MAIN("mq_nto1", tests)
