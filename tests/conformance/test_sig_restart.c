/* SPDX-License-Identifier: MIT */
/*
 * test_sig_restart.c - the calls a handler installed with SA_RESTART
 * interrupts and the kernel restarts: a write into a full pipe, a send and
 * a recv on a socket with no timeout set, an accept with no timeout, an
 * open of a FIFO waiting for its writer, and an mq_send into a full queue.
 * Each child blocks in the call (observed), the handler runs, the child is
 * observed asleep in the same call again, and the call completes once the
 * test lets it.
 *
 * Spec: SIG-RESTART-01..06 (spec/sig.md).
 * See also: test_sig_intr.c (the calls never restarted), test_sig_handler.c
 * (SIG-HND-07: read and mq_receive), intr_helpers.h, intr_calls.h.
 */
#include "intr_calls.h"

/* A FIFO at a path of the test; a reader's open waits for a writer. */
static void make_fifo(struct intr_obj *o)
{
    o->name = ipct_path("wait.fifo");
    ASSERT_SYS_OK(mkfifo(o->name, 0600));
}

/* A writer's open: succeeds without blocking once a reader waits. */
static void open_writer(struct intr_obj *o)
{
    ASSERT_SYS_OK(close((int)ASSERT_SYS_OK(open(o->name, O_WRONLY | O_NONBLOCK | O_CLOEXEC))));
}

static void remove_fifo(struct intr_obj *o)
{
    ASSERT_SYS_OK(unlink(o->name));
}

static const struct intr_call in_write = { SYS_write, intr_make_full_pipe, intr_write,
                                           intr_drain_pipe, intr_close_both, 0 };
static const struct intr_call in_send = { SYS_sendto, intr_make_full_pair, intr_send,
                                          intr_drain, intr_close_both, 0 };
static const struct intr_call in_recv = { SYS_recvfrom, intr_make_pair, intr_recv, intr_send_y,
                                          intr_close_both, 0 };
static const struct intr_call in_accept = { SYS_accept4, intr_make_listener, intr_accept,
                                            intr_connect, intr_destroy_listener, 0 };
static const struct intr_call in_open = { IPCT_SYS_OPEN, make_fifo, intr_open_fifo, open_writer,
                                          remove_fifo, 0 };
static const struct intr_call in_mq_send = { SYS_mq_timedsend, intr_make_full_queue,
                                             intr_mq_send, intr_queue_take, intr_destroy_queue, 0 };

/* SIG-RESTART-01 a write into a full pipe is restarted after a handler with SA_RESTART */
static void test_sig_restart_01_pipe_write_restarted(void **state)
{
    (void)state;
    intr_restarted(&in_write);
}

/* SIG-RESTART-02 a send on a full socket with no SO_SNDTIMEO is restarted after a handler with SA_RESTART */
static void test_sig_restart_02_send_restarted(void **state)
{
    (void)state;
    intr_restarted(&in_send);
}

/* SIG-RESTART-03 a recv with no SO_RCVTIMEO is restarted after a handler with SA_RESTART */
static void test_sig_restart_03_recv_restarted(void **state)
{
    (void)state;
    intr_restarted(&in_recv);
}

/* SIG-RESTART-04 an accept with no SO_RCVTIMEO is restarted after a handler with SA_RESTART */
static void test_sig_restart_04_accept_restarted(void **state)
{
    (void)state;
    intr_restarted(&in_accept);
}

/* SIG-RESTART-05 an open of a FIFO waiting for a writer is restarted after a handler with SA_RESTART */
static void test_sig_restart_05_fifo_open_restarted(void **state)
{
    (void)state;
    intr_restarted(&in_open);
}

/* SIG-RESTART-06 an mq_send into a full queue is restarted after a handler with SA_RESTART */
static void test_sig_restart_06_mq_send_restarted(void **state)
{
    (void)state;
    intr_restarted(&in_mq_send);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_restart_01_pipe_write_restarted),
    IPCT_TEST(test_sig_restart_02_send_restarted),
    IPCT_TEST(test_sig_restart_03_recv_restarted),
    IPCT_TEST(test_sig_restart_04_accept_restarted),
    IPCT_TEST(test_sig_restart_05_fifo_open_restarted),
    IPCT_TEST(test_sig_restart_06_mq_send_restarted),
};

IPCT_MAIN("sig_restart", tests)
