/* SPDX-License-Identifier: MIT */
/*
 * test_mq_block.c - when send and receive wait: O_NONBLOCK, blocking on a
 * full or empty queue, which waiter a message or a free slot goes to, and
 * signal handlers that interrupt a waiting call (EINTR, SA_RESTART).
 *
 * Spec: MQ-NBLK-01..03, MQ-BLOCK-01..05, MQ-INTR-01..02 (spec/mq.md).
 * See also: test_mq_rtprio.c (waiters of real-time priorities), test_mq_timed.c
 *           (deadlines), test_mq_timed_err.c (MQ-INTR-03), test_pipe_block.c
 *           (the same for pipes), mq_helpers.h (which includes <mqueue.h>, <fcntl.h>).
 */
#include "mq_helpers.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { MSGSIZE = 32 };

/* A new, empty queue open O_RDWR | extra, holding maxmsg messages of MSGSIZE.
 * Its name is unlinked at once: the test and its children reach the queue
 * through the descriptor alone, and nothing is left under the name. */
static mqd_t new_queue(int extra, long maxmsg)
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = MSGSIZE };
    const char *name = ipct_ipc_name("mq");
    mqd_t q;

    ASSERT_SYS_OK(q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | extra, 0600, &attr));
    ASSERT_SYS_OK(mq_unlink(name));
    return q;
}

/* Receive one message and check its one-letter text. */
static void expect_letter(mqd_t q, char letter)
{
    char buf[MSGSIZE];
    ssize_t n = ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));

    ASSERT_EQ(n, 1);
    ASSERT_EQ(buf[0], letter);
}

/* MQ-NBLK-01 a non-blocking receive from an empty queue fails with EAGAIN */
static void test_mq_nblk_01_empty_queue_receive_eagain(void **state)
{
    mqd_t q = new_queue(O_NONBLOCK, 4);
    char buf[MSGSIZE];
    (void)state;

    ASSERT_SYS_ERR(mq_receive(q, buf, sizeof buf, NULL), EAGAIN);
    ASSERT_EQ(mqt_queued(q), 0);
    mq_close(q);
}

/* MQ-NBLK-02 a non-blocking send to a full queue fails with EAGAIN and leaves the queue unchanged */
static void test_mq_nblk_02_full_queue_send_eagain(void **state)
{
    mqd_t q = new_queue(O_NONBLOCK, 3);
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "a", 1, 1));
    ASSERT_SYS_OK(mq_send(q, "b", 1, 2));
    ASSERT_SYS_OK(mq_send(q, "c", 1, 1));
    ASSERT_SYS_ERR(mq_send(q, "z", 1, 9), EAGAIN); /* even a higher priority finds no room */
    ASSERT_EQ(mqt_queued(q), 3);
    expect_letter(q, 'b');
    expect_letter(q, 'a');
    expect_letter(q, 'c');
    ASSERT_SYS_ERR(mq_receive(q, (char[MSGSIZE]){ 0 }, MSGSIZE, NULL), EAGAIN);
    mq_close(q);
}

/* MQ-NBLK-03 with O_NONBLOCK the timed calls fail with EAGAIN, not ETIMEDOUT */
static void test_mq_nblk_03_timed_calls_eagain(void **state)
{
    struct timespec past = { .tv_sec = 1, .tv_nsec = 0 };
    mqd_t q = new_queue(O_NONBLOCK, 1);
    char buf[MSGSIZE];
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
    mqd_t q = new_queue(0, 4);
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
    mqd_t q = new_queue(0, 1);
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
    mqd_t q = new_queue(0, 4);
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
    mqd_t q = new_queue(0, 1);
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
    mqd_t q = new_queue(0, 4);
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

/* In an MQ-INTR child: where the handler reports that it ran (-1: nowhere). */
static volatile sig_atomic_t notify_fd = -1;

static void on_sigusr1(int sig)
{
    int saved = errno;

    if (notify_fd >= 0) {
        ssize_t n = write(notify_fd, "h", 1); /* async-signal-safe */
        (void)n;                               /* nothing a handler could do about it */
    }
    (void)sig;
    errno = saved;
}

enum op { RECEIVE, SEND, TIMEDRECEIVE };

/*
 * What an MQ-INTR child does: ctx->op on ctx->q with a SIGUSR1 handler of
 * ctx->flags. Without SA_RESTART the call must fail with EINTR; with it, the
 * call must complete (a receive gets "y"). hold_rfd >= 0: afterwards the
 * child stays alive until the test closes hold_wfd, so that whatever the
 * interrupted call might still do is done while the test looks at the queue.
 */
struct intr_ctx { mqd_t q; enum op op; int flags; int notify_wfd; int hold_rfd, hold_wfd; };

/* Does ctx->op, which blocks, and checks how it ended. */
static void blocked_call(void *arg)
{
    const struct intr_ctx *ctx = arg;
    struct sigaction sa = { .sa_handler = on_sigusr1, .sa_flags = ctx->flags };
    struct timespec hour;
    char buf[MSGSIZE];
    ssize_t n;

    notify_fd = ctx->notify_wfd;
    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGUSR1, &sa, NULL));
    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &hour));
    hour.tv_sec += 3600; /* a deadline no run of the test reaches */
    if (ctx->hold_rfd >= 0)
        ASSERT_SYS_OK(close(ctx->hold_wfd));
    ipct_child_ready();
    if (ctx->op == SEND)
        n = mq_send(ctx->q, "s", 1, 0);
    else if (ctx->op == RECEIVE)
        n = mq_receive(ctx->q, buf, sizeof buf, NULL);
    else
        n = mq_timedreceive(ctx->q, buf, sizeof buf, NULL, &hour);
    if (!(ctx->flags & SA_RESTART)) {
        ASSERT_SYS_ERR(n, EINTR);
    } else if (ctx->op == SEND) {
        ASSERT_SYS_OK(n);
    } else {
        ASSERT_EQ(ASSERT_SYS_OK(n), 1);
        ASSERT_EQ(buf[0], 'y');
    }
    if (ctx->hold_rfd >= 0) /* 0 bytes: the test closed its end */
        ASSERT_EQ(ASSERT_SYS_OK(read(ctx->hold_rfd, buf, 1)), 0);
}

/* Start blocked_call on ctx (flags 0), see it wait in nr, interrupt it, and
 * return once it sits, alive, past the interrupted call; *hold gets the
 * descriptors that keep it there (the test closes them to let it end). */
static pid_t interrupt_child(struct intr_ctx *ctx, long nr, int hold[2])
{
    ASSERT_SYS_OK(pipe(hold));
    ctx->hold_rfd = hold[0];
    ctx->hold_wfd = hold[1];
    pid_t pid = ipct_spawn(blocked_call, ctx);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, nr);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    ipct_await_blocked(pid, SYS_read); /* EINTR checked; now held */
    return pid;
}

/* MQ-INTR-01 a handler without SA_RESTART interrupts a waiting send or receive with EINTR, moving nothing */
static void test_mq_intr_01_receive_interrupted_eintr(void **state)
{
    mqd_t q = new_queue(0, 2);
    struct intr_ctx ctx = { .q = q, .op = RECEIVE, .flags = 0, .notify_wfd = -1 };
    int hold[2];
    (void)state;

    pid_t pid = interrupt_child(&ctx, SYS_mq_timedreceive, hold);
    /* The interrupted receiver is still alive with the queue open: a message
     * sent now must stay queued, not go to a wait the interruption ended. */
    ASSERT_SYS_OK(mq_send(q, "k", 1, 0));
    ASSERT_EQ(mqt_queued(q), 1);
    ASSERT_SYS_OK(close(hold[1]));
    assert_child_exited(pid, 0);
    expect_letter(q, 'k');
    ASSERT_SYS_OK(close(hold[0]));
    mq_close(q);
}

/* MQ-INTR-01 a handler without SA_RESTART interrupts a waiting send or receive with EINTR, moving nothing */
static void test_mq_intr_01_send_interrupted_eintr(void **state)
{
    mqd_t q = new_queue(0, 1);
    struct intr_ctx ctx = { .q = q, .op = SEND, .flags = 0, .notify_wfd = -1 };
    int hold[2];
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "o", 1, 0));
    pid_t pid = interrupt_child(&ctx, SYS_mq_timedsend, hold);
    /* The interrupted sender is still alive: the room made now must stay
     * empty, not take the message whose send the interruption ended. */
    expect_letter(q, 'o');
    ASSERT_EQ(mqt_queued(q), 0);
    ASSERT_SYS_OK(close(hold[1]));
    assert_child_exited(pid, 0);
    ASSERT_SYS_OK(close(hold[0]));
    mq_close(q);
}

/* Interrupt a child waiting in op, whose handler has SA_RESTART, and check
 * that the call went back to sleep and then completed. */
static void check_restarted(enum op op)
{
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a handler only at its next intercepted call, and "
                  "mq_timedsend/mq_timedreceive are not intercepted: the handler's proof "
                  "of delivery cannot be seen while the restarted call waits");
    long nr = op == SEND ? SYS_mq_timedsend : SYS_mq_timedreceive;
    mqd_t q = new_queue(0, 1);
    int notify[2];

    if (op == SEND)
        ASSERT_SYS_OK(mq_send(q, "o", 1, 0)); /* full: the child's send waits */
    ASSERT_SYS_OK(pipe(notify));
    struct intr_ctx ctx = { .q = q, .op = op, .flags = SA_RESTART, .notify_wfd = notify[1],
                            .hold_rfd = -1, .hold_wfd = -1 };
    pid_t pid = ipct_spawn(blocked_call, &ctx);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, nr);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    ASSERT_EQ(ipct_await_byte(notify[0]), 'h'); /* the handler ran */
    ipct_await_blocked(pid, nr);                  /* and the call slept again */
    if (op == SEND)
        expect_letter(q, 'o');
    else
        ASSERT_SYS_OK(mq_send(q, "y", 1, 0));
    assert_child_exited(pid, 0); /* the restarted call completed */
    if (op == SEND)
        expect_letter(q, 's');
    close(notify[0]);
    close(notify[1]);
    mq_close(q);
}

/* MQ-INTR-02 with SA_RESTART Linux restarts a waiting receive or send, with or without a deadline */
static void test_mq_intr_02_sa_restart_resumes_receive(void **state)
{
    (void)state;
    check_restarted(RECEIVE);
}

/* MQ-INTR-02 with SA_RESTART Linux restarts a waiting receive or send, with or without a deadline */
static void test_mq_intr_02_sa_restart_resumes_timedreceive(void **state)
{
    (void)state;
    check_restarted(TIMEDRECEIVE);
}

/* MQ-INTR-02 with SA_RESTART Linux restarts a waiting receive or send, with or without a deadline */
static void test_mq_intr_02_sa_restart_resumes_send(void **state)
{
    (void)state;
    check_restarted(SEND);
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
    IPCT_TEST(test_mq_intr_01_receive_interrupted_eintr),
    IPCT_TEST(test_mq_intr_01_send_interrupted_eintr),
    IPCT_TEST(test_mq_intr_02_sa_restart_resumes_receive),
    IPCT_TEST(test_mq_intr_02_sa_restart_resumes_timedreceive),
    IPCT_TEST(test_mq_intr_02_sa_restart_resumes_send),
};

IPCT_MAIN("mq_block", tests)
