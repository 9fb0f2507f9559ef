/* SPDX-License-Identifier: MIT */
/*
 * test_mq_intr.c - a signal handler that interrupts a waiting send or
 * receive: without SA_RESTART the call fails with EINTR and moves nothing,
 * plain or timed (the deadline an hour ahead, so the clock never ends it);
 * with SA_RESTART Linux restarts it. Each child is seen waiting before the
 * signal, and stays alive past the interrupted call while the test looks
 * at the queue.
 *
 * Spec: MQ-INTR-01..03 (spec/mq.md).
 * See also: test_mq_block.c (waiting), test_mq_timed_err.c (the timed
 *           calls' EBADF), test_sig_intr.c (other calls), mq_helpers.h.
 */
#include "mq_helpers.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

enum op { RECEIVE, SEND, TIMEDRECEIVE, TIMEDSEND };

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
    char buf[MQT_MSGSIZE];
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
    else if (ctx->op == TIMEDSEND)
        n = mq_timedsend(ctx->q, "s", 1, 0, &hour);
    else if (ctx->op == RECEIVE)
        n = mq_receive(ctx->q, buf, sizeof buf, NULL);
    else
        n = mq_timedreceive(ctx->q, buf, sizeof buf, NULL, &hour);
    if (!(ctx->flags & SA_RESTART)) {
        ASSERT_SYS_ERR(n, EINTR);
    } else if (ctx->op == SEND || ctx->op == TIMEDSEND) {
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

/* A receive of op (RECEIVE, TIMEDRECEIVE) waiting on an empty queue,
 * interrupted: the message sent while the receiver lives on stays queued,
 * not taken by a wait the interruption ended. */
static void check_interrupted_receive(enum op op)
{
    mqd_t q = mqt_unnamed_queue(0, 2);
    struct intr_ctx ctx = { .q = q, .op = op, .flags = 0, .notify_wfd = -1 };
    int hold[2];

    pid_t pid = interrupt_child(&ctx, SYS_mq_timedreceive, hold);
    ASSERT_SYS_OK(mq_send(q, "k", 1, 0));
    ASSERT_EQ(mqt_queued(q), 1);
    ASSERT_SYS_OK(close(hold[1]));
    assert_child_exited(pid, 0);
    mqt_assert_receives(q, "k", 0);
    ASSERT_SYS_OK(close(hold[0]));
    mq_close(q);
}

/* A send of op (SEND, TIMEDSEND) waiting on a full queue, interrupted: the
 * room made while the sender lives on stays empty, before and after it
 * ends, not filled by the message whose send the interruption ended. */
static void check_interrupted_send(enum op op)
{
    mqd_t q = mqt_unnamed_queue(0, 1);
    struct intr_ctx ctx = { .q = q, .op = op, .flags = 0, .notify_wfd = -1 };
    int hold[2];

    ASSERT_SYS_OK(mq_send(q, "o", 1, 0));
    pid_t pid = interrupt_child(&ctx, SYS_mq_timedsend, hold);
    mqt_assert_receives(q, "o", 0);
    ASSERT_EQ(mqt_queued(q), 0);
    ASSERT_SYS_OK(close(hold[1]));
    assert_child_exited(pid, 0);
    ASSERT_EQ(mqt_queued(q), 0);
    ASSERT_SYS_OK(close(hold[0]));
    mq_close(q);
}

/* MQ-INTR-01 a handler without SA_RESTART interrupts a waiting send or receive with EINTR, moving nothing */
static void test_mq_intr_01_receive_interrupted_eintr(void **state)
{
    (void)state;
    check_interrupted_receive(RECEIVE);
}

/* MQ-INTR-01 a handler without SA_RESTART interrupts a waiting send or receive with EINTR, moving nothing */
static void test_mq_intr_01_send_interrupted_eintr(void **state)
{
    (void)state;
    check_interrupted_send(SEND);
}

/* MQ-INTR-03 a handler without SA_RESTART interrupts a waiting mq_timedsend or mq_timedreceive with EINTR before its deadline, moving nothing */
static void test_mq_intr_03_timedreceive_interrupted_eintr(void **state)
{
    (void)state;
    check_interrupted_receive(TIMEDRECEIVE);
}

/* MQ-INTR-03 a handler without SA_RESTART interrupts a waiting mq_timedsend or mq_timedreceive with EINTR before its deadline, moving nothing */
static void test_mq_intr_03_timedsend_interrupted_eintr(void **state)
{
    (void)state;
    check_interrupted_send(TIMEDSEND);
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
    mqd_t q = mqt_unnamed_queue(0, 1);
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
        mqt_assert_receives(q, "o", 0);
    else
        ASSERT_SYS_OK(mq_send(q, "y", 1, 0));
    assert_child_exited(pid, 0); /* the restarted call completed */
    if (op == SEND)
        mqt_assert_receives(q, "s", 0);
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
    IPCT_TEST(test_mq_intr_01_receive_interrupted_eintr),
    IPCT_TEST(test_mq_intr_01_send_interrupted_eintr),
    IPCT_TEST(test_mq_intr_02_sa_restart_resumes_receive),
    IPCT_TEST(test_mq_intr_02_sa_restart_resumes_timedreceive),
    IPCT_TEST(test_mq_intr_02_sa_restart_resumes_send),
    IPCT_TEST(test_mq_intr_03_timedreceive_interrupted_eintr),
    IPCT_TEST(test_mq_intr_03_timedsend_interrupted_eintr),
};

IPCT_MAIN("mq_intr", tests)
