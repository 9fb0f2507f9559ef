/* SPDX-License-Identifier: MIT */
/*
 * test_mq_timed_err.c - the errors of mq_timedsend and mq_timedreceive
 * called themselves, with a deadline an hour ahead so that the clock never
 * ends a call: EBADF for a descriptor that is no queue open in the call's
 * direction, and EINTR when a handler without SA_RESTART interrupts a wait.
 *
 * Spec: MQ-TIMED-11, MQ-INTR-03 (spec/mq.md).
 * See also: test_mq_timed.c (deadlines), test_mq_block.c (MQ-INTR-01, the
 *           same interruption of mq_send and mq_receive), mq_helpers.h.
 */
#include "mq_helpers.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/syscall.h>
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

static void on_sigusr1(int sig)
{
    (void)sig; /* its whole work is to interrupt the call */
}

/* What an MQ-INTR-03 child does: the timed send (send != 0) or receive on q,
 * which waits; then, its EINTR checked, it stays alive until the test
 * closes the write end of the hold pipe. */
struct intr_ctx { mqd_t q; int send; int hold[2]; };

static void interrupted_timed_call(void *arg)
{
    const struct intr_ctx *ctx = arg;
    struct sigaction sa = { .sa_handler = on_sigusr1, .sa_flags = 0 }; /* no SA_RESTART */
    struct timespec hour = hour_ahead();
    char buf[MQT_MSGSIZE];
    ssize_t n;

    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGUSR1, &sa, NULL));
    ASSERT_SYS_OK(close(ctx->hold[1]));
    ipct_child_ready();
    if (ctx->send)
        n = mq_timedsend(ctx->q, "s", 1, 0, &hour);
    else
        n = mq_timedreceive(ctx->q, buf, sizeof buf, NULL, &hour);
    ASSERT_SYS_ERR(n, EINTR);
    ASSERT_EQ(ASSERT_SYS_OK(read(ctx->hold[0], buf, 1)), 0); /* held until the test lets go */
}

/* Starts interrupted_timed_call on ctx, sees it wait in nr, interrupts it,
 * and returns once it sits, alive, past the interrupted call. */
static pid_t interrupt_child(struct intr_ctx *ctx, long nr)
{
    ASSERT_SYS_OK(pipe(ctx->hold));
    pid_t pid = ipct_spawn(interrupted_timed_call, ctx);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, nr);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    ipct_await_blocked(pid, SYS_read); /* EINTR checked; held there */
    return pid;
}

/* MQ-INTR-03 a handler without SA_RESTART interrupts a waiting mq_timedsend or mq_timedreceive with EINTR before its deadline, moving nothing */
static void test_mq_intr_03_timedreceive_interrupted_eintr(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct intr_ctx ctx = { .q = mqt_create_queue(name, 0), .send = 0 };
    (void)state;

    pid_t pid = interrupt_child(&ctx, SYS_mq_timedreceive);
    /* the receiver lives on with the queue open: a message sent meanwhile stays */
    ASSERT_SYS_OK(mq_send(ctx.q, "k", 1, 0));
    ASSERT_EQ(mqt_queued(ctx.q), 1);
    ASSERT_SYS_OK(close(ctx.hold[1]));
    assert_child_exited(pid, 0);
    mqt_assert_receives(ctx.q, "k", 0);
    ASSERT_SYS_OK(close(ctx.hold[0]));
    ASSERT_SYS_OK(mq_close(ctx.q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-INTR-03 a handler without SA_RESTART interrupts a waiting mq_timedsend or mq_timedreceive with EINTR before its deadline, moving nothing */
static void test_mq_intr_03_timedsend_interrupted_eintr(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct intr_ctx ctx = { .q = mqt_create_queue(name, 0), .send = 1 };
    (void)state;

    for (int i = 0; i < MQT_MAXMSG; i++) /* full: the child's send waits */
        ASSERT_SYS_OK(mq_send(ctx.q, "o", 1, 0));
    pid_t pid = interrupt_child(&ctx, SYS_mq_timedsend);
    /* the sender lives on: the room made meanwhile must stay empty */
    mqt_assert_receives(ctx.q, "o", 0);
    ASSERT_EQ(mqt_queued(ctx.q), MQT_MAXMSG - 1);
    ASSERT_SYS_OK(close(ctx.hold[1]));
    assert_child_exited(pid, 0);
    ASSERT_EQ(mqt_queued(ctx.q), MQT_MAXMSG - 1);
    ASSERT_SYS_OK(close(ctx.hold[0]));
    ASSERT_SYS_OK(mq_close(ctx.q));
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
    IPCT_TEST(test_mq_intr_03_timedreceive_interrupted_eintr),
    IPCT_TEST(test_mq_intr_03_timedsend_interrupted_eintr),
};

IPCT_MAIN("mq_timed_err", tests)
