/* SPDX-License-Identifier: MIT */
/*
 * test_mq_api_io.c - the contracts of ipcspec's message queue layer on an
 * open queue: send, receive and their timed variants with errors as negative
 * errnos; stat, set_nonblock (O_NONBLOCK only), close and unlink; EINTR
 * passed up, not retried.
 *
 * Spec: MQ-API-09..16 (spec/mq.md).
 * See also: test_mq_api.c (names, flags, limits, opening),
 *           impl/include/ipcspec/mq.h, impl/src/mq.c,
 *           tests/fault/fault_mq_api.c, mq_helpers.h.
 */
#include "mq_helpers.h"

#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long queued(int mq)
{
    long n = -1;
    ASSERT_IPC_OK(ipc_mq_stat(mq, NULL, &n));
    return n;
}

/* MQ-API-09 ipc_mq_send and ipc_mq_receive carry a message and its priority */
static void test_mq_api_09_message_and_priority_carried(void **state)
{
    char buf[16] = "";
    unsigned prio = 0;
    const char *name = ipct_ipc_name("mq");
    (void)state;

    int mq = mqt_new_queue(name, 0, 3, 16);
    ASSERT_IPC_OK(ipc_mq_send(mq, "low", 3, 1));
    ASSERT_IPC_OK(ipc_mq_send(mq, "high!", 5, 7));
    ASSERT_IPC_OK(ipc_mq_send(mq, "", 0, 0));
    ASSERT_EQ(ipc_mq_receive(mq, buf, sizeof buf, &prio), 5);
    ASSERT_MEM_EQ(buf, "high!", 5);
    ASSERT_EQ(prio, 7);
    ASSERT_EQ(ipc_mq_receive(mq, buf, sizeof buf, NULL), 3);
    ASSERT_MEM_EQ(buf, "low", 3);
    ASSERT_EQ(ipc_mq_receive(mq, buf, sizeof buf, &prio), 0);
    ASSERT_EQ(prio, 0);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

/* MQ-API-10 send and receive errors come back as negative errnos and change nothing */
static void test_mq_api_10_send_receive_errors(void **state)
{
    char buf[8];
    const char *name = ipct_ipc_name("mq");
    (void)state;

    int mq = mqt_new_queue(name, O_NONBLOCK, 1, 8);
    ASSERT_IPC_ERR(ipc_mq_receive(mq, buf, sizeof buf, NULL), EAGAIN);
    ASSERT_IPC_ERR(ipc_mq_send(mq, "123456789", 9, 0), EMSGSIZE);
    ASSERT_IPC_ERR(ipc_mq_send(mq, "m", 1, MQ_PRIO_MAX), EINVAL);
    ASSERT_EQ(queued(mq), 0);
    ASSERT_IPC_OK(ipc_mq_send(mq, "m", 1, MQ_PRIO_MAX - 1));
    ASSERT_IPC_ERR(ipc_mq_send(mq, "n", 1, 0), EAGAIN);
    ASSERT_IPC_ERR(ipc_mq_receive(mq, buf, sizeof buf - 1, NULL), EMSGSIZE);
    ASSERT_EQ(queued(mq), 1);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_ERR(ipc_mq_send(mq, "m", 1, 0), EBADF);
    ASSERT_IPC_ERR(ipc_mq_receive(mq, buf, sizeof buf, NULL), EBADF);
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

/* MQ-API-11 the timed variants deliver in time, else -ETIMEDOUT; a bad or NULL deadline is -EINVAL */
static void test_mq_api_11_timed_variants(void **state)
{
    const struct timespec past = { .tv_sec = 1 }, bad = { .tv_nsec = 1000000000L };
    struct timespec later;
    char buf[8];
    unsigned prio = 0;
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &later));
    later.tv_sec += 3600; /* never reached: each timed call below can finish at once */
    int mq = mqt_new_queue(name, 0, 1, 8); /* blocking */
    ASSERT_IPC_ERR(ipc_mq_timedsend(mq, "m", 1, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_timedsend(mq, "m", 1, 0, &bad), EINVAL);
    ASSERT_IPC_OK(ipc_mq_timedsend(mq, "m", 1, 4, &later));
    ASSERT_IPC_ERR(ipc_mq_timedsend(mq, "n", 1, 0, &past), ETIMEDOUT);
    ASSERT_IPC_ERR(ipc_mq_timedreceive(mq, buf, sizeof buf, NULL, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_timedreceive(mq, buf, sizeof buf, NULL, &bad), EINVAL);
    ASSERT_EQ(queued(mq), 1);
    ASSERT_EQ(ipc_mq_timedreceive(mq, buf, sizeof buf, &prio, &later), 1);
    ASSERT_EQ(buf[0], 'm');
    ASSERT_EQ(prio, 4);
    ASSERT_IPC_ERR(ipc_mq_timedreceive(mq, buf, sizeof buf, NULL, &past), ETIMEDOUT);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

/* MQ-API-12 ipc_mq_stat reports the limits and the messages queued */
static void test_mq_api_12_stat_reports_limits_and_count(void **state)
{
    struct ipc_mq_limits lim = { 0, 0 };
    long n = -1;
    const char *name = ipct_ipc_name("mq");
    (void)state;

    int mq = mqt_new_queue(name, 0, 4, 32);
    for (long i = 0; i < 3; i++) {
        ASSERT_IPC_OK(ipc_mq_stat(mq, &lim, &n));
        ASSERT_EQ(lim.maxmsg, 4);
        ASSERT_EQ(lim.msgsize, 32);
        ASSERT_EQ(n, i); /* messages sent so far */
        ASSERT_IPC_OK(ipc_mq_send(mq, "m", 1, 0));
    }
    ASSERT_IPC_OK(ipc_mq_stat(mq, NULL, NULL));
    ASSERT_IPC_OK(ipc_mq_close(mq));
    n = -7;
    ASSERT_IPC_ERR(ipc_mq_stat(mq, &lim, &n), EBADF);
    ASSERT_EQ(n, -7);
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

static long mq_flags(int mq)
{
    struct mq_attr attr;

    ASSERT_SYS_OK(mq_getattr(mq, &attr));
    ASSERT_EQ(attr.mq_maxmsg, 2); /* the limits unchanged */
    ASSERT_EQ(attr.mq_msgsize, 16);
    return attr.mq_flags;
}

/* MQ-API-13 ipc_mq_set_nonblock turns O_NONBLOCK on and off and touches nothing else */
static void test_mq_api_13_set_nonblock_only_flag(void **state)
{
    char buf[16];
    const char *name = ipct_ipc_name("mq");
    (void)state;

    int mq = mqt_new_queue(name, 0, 2, 16);
    ASSERT_IPC_OK(ipc_mq_set_nonblock(mq, 1));
    ASSERT_EQ(mq_flags(mq), O_NONBLOCK);
    ASSERT_IPC_ERR(ipc_mq_receive(mq, buf, sizeof buf, NULL), EAGAIN);
    ASSERT_IPC_OK(ipc_mq_set_nonblock(mq, 42)); /* any non-zero: on, and again is harmless */
    ASSERT_EQ(mq_flags(mq), O_NONBLOCK);
    ASSERT_IPC_OK(ipc_mq_set_nonblock(mq, 0));
    ASSERT_EQ(mq_flags(mq), 0);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(mq, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_ERR(ipc_mq_set_nonblock(mq, 1), EBADF);
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

/* MQ-API-14 ipc_mq_close releases the descriptor; a second close is -EBADF */
static void test_mq_api_14_close_releases_descriptor(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    int next = ipct_lowest_free_fd();
    int mq = mqt_new_queue(name, 0, 2, 16);
    ASSERT_EQ(mq, next);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_IPC_ERR(ipc_mq_close(mq), EBADF);
    ASSERT_IPC_ERR(ipc_mq_close(-1), EBADF);
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

/* MQ-API-15 ipc_mq_unlink removes the name; open descriptors keep the queue */
static void test_mq_api_15_unlink_removes_name(void **state)
{
    const char *name = ipct_ipc_name("mq");
    char buf[16];
    (void)state;

    int mq = mqt_new_queue(name, 0, 2, 16);
    ASSERT_IPC_OK(ipc_mq_unlink(name));
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR, 0, NULL), ENOENT);
    ASSERT_IPC_OK(ipc_mq_send(mq, "still", 5, 0));
    ASSERT_EQ(ipc_mq_receive(mq, buf, sizeof buf, NULL), 5);
    ASSERT_IPC_ERR(ipc_mq_unlink(name), ENOENT);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
    handled = sig == SIGUSR1;
}

/* arg: the queue (blocking, 1 x 16) and what to do: 'r' receive from it
 * empty, 's' send to it full. The call must return -EINTR after the
 * handler ran. */
static void blocked_call(void *arg)
{
    const int *a = arg;
    struct sigaction sa = { .sa_handler = on_usr1 }; /* no SA_RESTART */
    long rc;

    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGUSR1, &sa, NULL));
    if (a[1] == 'r') {
        char buf[16];
        rc = ipc_mq_receive(a[0], buf, sizeof buf, NULL);
    } else
        rc = ipc_mq_send(a[0], "x", 1, 0);
    ASSERT_IPC_ERR(rc, EINTR);
    ASSERT_TRUE(handled);
}

/* MQ-API-16 a blocked send or receive interrupted by a handler returns -EINTR; the layer does not retry */
static void test_mq_api_16_interrupted_call_eintr_not_retried(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a handler only at its next intercepted call, and "
                  "mq_timedsend/mq_timedreceive are not intercepted: the call returns EINTR "
                  "before the handler has run");

    int mq = mqt_new_queue(name, 0, 1, 16);
    int recv_arg[2] = { mq, 'r' }, send_arg[2] = { mq, 's' };
    pid_t pid = ipct_spawn(blocked_call, recv_arg);
    ipct_await_blocked(pid, SYS_mq_timedreceive);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0); /* a retrying layer would block again: the wait times out */

    ASSERT_IPC_OK(ipc_mq_send(mq, "full", 4, 0));
    pid = ipct_spawn(blocked_call, send_arg);
    ipct_await_blocked(pid, SYS_mq_timedsend);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0);
    ASSERT_EQ(queued(mq), 1);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_api_09_message_and_priority_carried),
    IPCT_TEST(test_mq_api_10_send_receive_errors),
    IPCT_TEST(test_mq_api_11_timed_variants),
    IPCT_TEST(test_mq_api_12_stat_reports_limits_and_count),
    IPCT_TEST(test_mq_api_13_set_nonblock_only_flag),
    IPCT_TEST(test_mq_api_14_close_releases_descriptor),
    IPCT_TEST(test_mq_api_15_unlink_removes_name),
    IPCT_TEST(test_mq_api_16_interrupted_call_eintr_not_retried),
};

IPCT_MAIN("mq_api_io", tests)
