/*
 * test_mq_api.c - the contracts of ipcspec's message queue layer: names,
 * flags and limits judged before any call; queues created as asked; send,
 * receive and their timed variants with errors as negative errnos; stat,
 * set_nonblock (O_NONBLOCK only), close and unlink; EINTR passed up, not retried.
 *
 * Spec: MQ-API-01..16 (spec/mq.md).
 * See also: impl/include/ipcspec/mq.h, impl/src/mq.c, tests/fault/fault_mq_api.c.
 */
#include "ipctest.h"
#include "ipcspec/mq.h"

#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A new queue (O_CREAT|O_EXCL|O_CLOEXEC plus extra) with maxmsg x msgsize. */
static int new_queue(const char *name, int extra, long maxmsg, long msgsize)
{
    struct ipc_mq_limits lim = { .maxmsg = maxmsg, .msgsize = msgsize };

    return (int)ASSERT_IPC_OK(
        ipc_mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | extra, 0600, &lim));
}

static long queued(int mq)
{
    long n = -1;
    ASSERT_IPC_OK(ipc_mq_stat(mq, NULL, &n));
    return n;
}

/* MQ-API-01 ipc_mq_name_check accepts '/' and 1 to NAME_MAX bytes with no other '/' */
static void test_mq_api_01_well_formed_names_accepted(void **state)
{
    char longest[NAME_MAX + 2];
    (void)state;

    longest[0] = '/';
    memset(longest + 1, 'x', NAME_MAX);
    longest[NAME_MAX + 1] = '\0';
    ASSERT_IPC_OK(ipc_mq_name_check("/a"));
    ASSERT_IPC_OK(ipc_mq_name_check(ipct_ipc_name("mq")));
    assert_int_equal(ipc_mq_name_check(longest), 0);
}

/* MQ-API-02 a name of the wrong shape is refused with -EINVAL before any call */
static void test_mq_api_02_bad_shape_einval(void **state)
{
    /* "/a/b" and "//" would fail mq_open with EACCES, "/" with ENOENT. */
    static const char *const bad[] = { NULL, "", "/", "a", "ab/c", "/a/b", "//", "/a/" };
    (void)state;

    int next = ipct_lowest_free_fd();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_IPC_ERR(ipc_mq_name_check(bad[i]), EINVAL);
        ASSERT_IPC_ERR(ipc_mq_open(bad[i], O_RDWR | O_CREAT, 0600, NULL), EINVAL);
        ASSERT_IPC_ERR(ipc_mq_unlink(bad[i]), EINVAL);
    }
    assert_int_equal(ipct_lowest_free_fd(), next);
}

/* MQ-API-03 a name beyond NAME_MAX + 1 bytes is refused with -ENAMETOOLONG */
static void test_mq_api_03_too_long_enametoolong(void **state)
{
    char name[NAME_MAX + 3];
    (void)state;

    name[0] = '/';
    memset(name + 1, 'x', NAME_MAX + 1);
    name[NAME_MAX + 2] = '\0';
    ASSERT_IPC_ERR(ipc_mq_name_check(name), ENAMETOOLONG);
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
    ASSERT_IPC_ERR(ipc_mq_unlink(name), ENAMETOOLONG);
    name[10] = '/'; /* length is judged before a second '/' */
    ASSERT_IPC_ERR(ipc_mq_name_check(name), ENAMETOOLONG);
    name[0] = 'x'; /* without the leading '/', the shape is judged first */
    ASSERT_IPC_ERR(ipc_mq_name_check(name), EINVAL);
}

/* MQ-API-04 ipc_mq_open refuses flags outside its set with -EINVAL and creates nothing */
static void test_mq_api_04_bad_flags_einval(void **state)
{
    /* O_ACCMODE (3) as access mode: Linux's mq_open itself accepts it. */
    static const int bad[] = { O_ACCMODE, O_RDWR | O_TRUNC, O_RDWR | O_APPEND,
                               O_WRONLY | O_SYNC, O_RDONLY | O_DIRECTORY, O_RDWR | O_NOCTTY };
    const char *name = ipct_ipc_name("mq");
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_IPC_ERR(ipc_mq_open(name, bad[i] | O_CREAT, 0600, NULL), EINVAL);
        ASSERT_SYS_ERR(mq_open(name, O_RDONLY), ENOENT); /* nothing created */
    }
}

/* MQ-API-05 with O_CREAT, limits of 0 or less are refused with -EINVAL; without it they are ignored */
static void test_mq_api_05_nonpositive_limits_einval(void **state)
{
    static const struct ipc_mq_limits bad[] = { { 0, 16 }, { 2, 0 }, { -1, 16 }, { 2, -8 },
                                                { LONG_MIN, LONG_MIN } };
    const char *name = ipct_ipc_name("mq");
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR | O_CREAT, 0600, &bad[i]), EINVAL);
        ASSERT_SYS_ERR(mq_open(name, O_RDONLY), ENOENT); /* nothing created */
    }
    int mq = new_queue(name, 0, 2, 16);
    int again = (int)ASSERT_IPC_OK(ipc_mq_open(name, O_RDONLY | O_CLOEXEC, 0, &bad[0]));
    ASSERT_IPC_OK(ipc_mq_close(again));
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

static long proc_long(const char *path)
{
    char text[32];
    return strtol(ipct_read_text(path, text, sizeof text), NULL, 10);
}

/* MQ-API-06 the queue created has the limits given, or the system defaults for NULL */
static void test_mq_api_06_limits_or_defaults_applied(void **state)
{
    struct ipc_mq_limits got;
    long n = -1;
    (void)state;

    int mq = new_queue(ipct_ipc_name("mq"), 0, 3, 64);
    ASSERT_IPC_OK(ipc_mq_stat(mq, &got, &n));
    assert_int_equal(got.maxmsg, 3);
    assert_int_equal(got.msgsize, 64);
    assert_int_equal(n, 0);
    ASSERT_IPC_OK(ipc_mq_close(mq));

    const char *name = ipct_ipc_name("mq");
    mq = (int)ASSERT_IPC_OK(ipc_mq_open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0600, NULL));
    ASSERT_IPC_OK(ipc_mq_stat(mq, &got, NULL));
    assert_int_equal(got.maxmsg, proc_long("/proc/sys/fs/mqueue/msg_default"));
    assert_int_equal(got.msgsize, proc_long("/proc/sys/fs/mqueue/msgsize_default"));
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* MQ-API-07 the access mode, O_NONBLOCK and O_CLOEXEC given to ipc_mq_open take effect */
static void test_mq_api_07_open_flags_applied(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr attr;
    char buf[16];
    (void)state;

    int rw = new_queue(name, O_NONBLOCK, 2, 16);
    ASSERT_SYS_OK(mq_getattr(rw, &attr));
    assert_int_equal(attr.mq_flags, O_NONBLOCK);
    assert_int_equal(ASSERT_SYS_OK(fcntl(rw, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    int rd = (int)ASSERT_IPC_OK(ipc_mq_open(name, O_RDONLY, 0, NULL));
    ASSERT_SYS_OK(mq_getattr(rd, &attr));
    assert_int_equal(attr.mq_flags, 0);
    /* Linux sets close-on-exec on every queue descriptor (mq_overview(7)). */
    assert_int_equal(ASSERT_SYS_OK(fcntl(rd, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    int wr = (int)ASSERT_IPC_OK(ipc_mq_open(name, O_WRONLY | O_CLOEXEC, 0, NULL));
    ASSERT_IPC_ERR(ipc_mq_send(rd, "m", 1, 0), EBADF);
    ASSERT_IPC_ERR(ipc_mq_receive(wr, buf, sizeof buf, NULL), EBADF);
    ASSERT_IPC_OK(ipc_mq_close(wr));
    ASSERT_IPC_OK(ipc_mq_close(rd));
    ASSERT_IPC_OK(ipc_mq_close(rw));
}

/* MQ-API-08 ipc_mq_open returns mq_open's own errors as negative errnos */
static void test_mq_api_08_open_errors_passed_through(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR, 0, NULL), ENOENT);
    int mq = new_queue(name, 0, 2, 16);
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL), EEXIST);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* MQ-API-09 ipc_mq_send and ipc_mq_receive carry a message and its priority */
static void test_mq_api_09_message_and_priority_carried(void **state)
{
    char buf[16] = "";
    unsigned prio = 0;
    (void)state;

    int mq = new_queue(ipct_ipc_name("mq"), 0, 3, 16);
    ASSERT_IPC_OK(ipc_mq_send(mq, "low", 3, 1));
    ASSERT_IPC_OK(ipc_mq_send(mq, "high!", 5, 7));
    ASSERT_IPC_OK(ipc_mq_send(mq, "", 0, 0));
    assert_int_equal(ipc_mq_receive(mq, buf, sizeof buf, &prio), 5);
    assert_memory_equal(buf, "high!", 5);
    assert_int_equal(prio, 7);
    assert_int_equal(ipc_mq_receive(mq, buf, sizeof buf, NULL), 3);
    assert_memory_equal(buf, "low", 3);
    assert_int_equal(ipc_mq_receive(mq, buf, sizeof buf, &prio), 0);
    assert_int_equal(prio, 0);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* MQ-API-10 send and receive errors come back as negative errnos and change nothing */
static void test_mq_api_10_send_receive_errors(void **state)
{
    char buf[8];
    (void)state;

    int mq = new_queue(ipct_ipc_name("mq"), O_NONBLOCK, 1, 8);
    ASSERT_IPC_ERR(ipc_mq_receive(mq, buf, sizeof buf, NULL), EAGAIN);
    ASSERT_IPC_ERR(ipc_mq_send(mq, "123456789", 9, 0), EMSGSIZE);
    ASSERT_IPC_ERR(ipc_mq_send(mq, "m", 1, MQ_PRIO_MAX), EINVAL);
    assert_int_equal(queued(mq), 0);
    ASSERT_IPC_OK(ipc_mq_send(mq, "m", 1, MQ_PRIO_MAX - 1));
    ASSERT_IPC_ERR(ipc_mq_send(mq, "n", 1, 0), EAGAIN);
    ASSERT_IPC_ERR(ipc_mq_receive(mq, buf, sizeof buf - 1, NULL), EMSGSIZE);
    assert_int_equal(queued(mq), 1);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_ERR(ipc_mq_send(mq, "m", 1, 0), EBADF);
    ASSERT_IPC_ERR(ipc_mq_receive(mq, buf, sizeof buf, NULL), EBADF);
}

/* MQ-API-11 the timed variants deliver in time, else -ETIMEDOUT; a bad or NULL deadline is -EINVAL */
static void test_mq_api_11_timed_variants(void **state)
{
    const struct timespec past = { .tv_sec = 1 }, bad = { .tv_nsec = 1000000000L };
    struct timespec later;
    char buf[8];
    unsigned prio = 0;
    (void)state;

    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &later));
    later.tv_sec += 3600; /* never reached: each timed call below can finish at once */
    int mq = new_queue(ipct_ipc_name("mq"), 0, 1, 8); /* blocking */
    ASSERT_IPC_ERR(ipc_mq_timedsend(mq, "m", 1, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_timedsend(mq, "m", 1, 0, &bad), EINVAL);
    ASSERT_IPC_OK(ipc_mq_timedsend(mq, "m", 1, 4, &later));
    ASSERT_IPC_ERR(ipc_mq_timedsend(mq, "n", 1, 0, &past), ETIMEDOUT);
    ASSERT_IPC_ERR(ipc_mq_timedreceive(mq, buf, sizeof buf, NULL, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_timedreceive(mq, buf, sizeof buf, NULL, &bad), EINVAL);
    assert_int_equal(queued(mq), 1);
    assert_int_equal(ipc_mq_timedreceive(mq, buf, sizeof buf, &prio, &later), 1);
    assert_int_equal(buf[0], 'm');
    assert_int_equal(prio, 4);
    ASSERT_IPC_ERR(ipc_mq_timedreceive(mq, buf, sizeof buf, NULL, &past), ETIMEDOUT);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

/* MQ-API-12 ipc_mq_stat reports the limits and the messages queued */
static void test_mq_api_12_stat_reports_limits_and_count(void **state)
{
    struct ipc_mq_limits lim = { 0, 0 };
    long n = -1;
    (void)state;

    int mq = new_queue(ipct_ipc_name("mq"), 0, 4, 32);
    for (long i = 0; i < 3; i++) {
        ASSERT_IPC_OK(ipc_mq_stat(mq, &lim, &n));
        if (lim.maxmsg != 4 || lim.msgsize != 32 || n != i)
            IPCT_FAIL("after %ld sends: maxmsg %ld msgsize %ld queued %ld", i, lim.maxmsg,
                      lim.msgsize, n);
        ASSERT_IPC_OK(ipc_mq_send(mq, "m", 1, 0));
    }
    ASSERT_IPC_OK(ipc_mq_stat(mq, NULL, NULL));
    ASSERT_IPC_OK(ipc_mq_close(mq));
    n = -7;
    ASSERT_IPC_ERR(ipc_mq_stat(mq, &lim, &n), EBADF);
    assert_int_equal(n, -7);
}

static long mq_flags(int mq)
{
    struct mq_attr attr;

    ASSERT_SYS_OK(mq_getattr(mq, &attr));
    if (attr.mq_maxmsg != 2 || attr.mq_msgsize != 16)
        IPCT_FAIL("limits changed: maxmsg %ld msgsize %ld", attr.mq_maxmsg, attr.mq_msgsize);
    return attr.mq_flags;
}

/* MQ-API-13 ipc_mq_set_nonblock turns O_NONBLOCK on and off and touches nothing else */
static void test_mq_api_13_set_nonblock_only_flag(void **state)
{
    char buf[16];
    (void)state;

    int mq = new_queue(ipct_ipc_name("mq"), 0, 2, 16);
    ASSERT_IPC_OK(ipc_mq_set_nonblock(mq, 1));
    assert_int_equal(mq_flags(mq), O_NONBLOCK);
    ASSERT_IPC_ERR(ipc_mq_receive(mq, buf, sizeof buf, NULL), EAGAIN);
    ASSERT_IPC_OK(ipc_mq_set_nonblock(mq, 42)); /* any non-zero: on, and again is harmless */
    assert_int_equal(mq_flags(mq), O_NONBLOCK);
    ASSERT_IPC_OK(ipc_mq_set_nonblock(mq, 0));
    assert_int_equal(mq_flags(mq), 0);
    assert_int_equal(ASSERT_SYS_OK(fcntl(mq, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_ERR(ipc_mq_set_nonblock(mq, 1), EBADF);
}

/* MQ-API-14 ipc_mq_close releases the descriptor; a second close is -EBADF */
static void test_mq_api_14_close_releases_descriptor(void **state)
{
    (void)state;

    int next = ipct_lowest_free_fd();
    int mq = new_queue(ipct_ipc_name("mq"), 0, 2, 16);
    assert_int_equal(mq, next);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    assert_int_equal(ipct_lowest_free_fd(), next);
    ASSERT_IPC_ERR(ipc_mq_close(mq), EBADF);
    ASSERT_IPC_ERR(ipc_mq_close(-1), EBADF);
}

/* MQ-API-15 ipc_mq_unlink removes the name; open descriptors keep the queue */
static void test_mq_api_15_unlink_removes_name(void **state)
{
    const char *name = ipct_ipc_name("mq");
    char buf[16];
    (void)state;

    int mq = new_queue(name, 0, 2, 16);
    ASSERT_IPC_OK(ipc_mq_unlink(name));
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR, 0, NULL), ENOENT);
    ASSERT_IPC_OK(ipc_mq_send(mq, "still", 5, 0));
    assert_int_equal(ipc_mq_receive(mq, buf, sizeof buf, NULL), 5);
    ASSERT_IPC_ERR(ipc_mq_unlink(name), ENOENT);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
    handled = sig == SIGUSR1;
}

/* arg: the queue (blocking, 1 x 16) and what to do: 'r' receive from it
 * empty, 's' send to it full. Exit 0: the call returned -EINTR after the
 * handler ran; 1: sigaction failed; 2: another result; 3: handler not run. */
static int blocked_call(void *arg)
{
    const int *a = arg;
    struct sigaction sa = { .sa_handler = on_usr1 }; /* no SA_RESTART */
    long rc;

    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) == -1)
        return 1;
    if (a[1] == 'r') {
        char buf[16];
        rc = ipc_mq_receive(a[0], buf, sizeof buf, NULL);
    } else
        rc = ipc_mq_send(a[0], "x", 1, 0);
    if (rc != -EINTR)
        return 2;
    return handled ? 0 : 3;
}

/* MQ-API-16 a blocked send or receive interrupted by a handler returns -EINTR; the layer does not retry */
static void test_mq_api_16_interrupted_call_eintr_not_retried(void **state)
{
    (void)state;

    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a handler only at its next intercepted call, and "
                  "mq_timedsend/mq_timedreceive are not intercepted: the call returns EINTR "
                  "before the handler has run");

    int mq = new_queue(ipct_ipc_name("mq"), 0, 1, 16);
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
    assert_int_equal(queued(mq), 1);
    ASSERT_IPC_OK(ipc_mq_close(mq));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_api_01_well_formed_names_accepted),
    IPCT_TEST(test_mq_api_02_bad_shape_einval),
    IPCT_TEST(test_mq_api_03_too_long_enametoolong),
    IPCT_TEST(test_mq_api_04_bad_flags_einval),
    IPCT_TEST(test_mq_api_05_nonpositive_limits_einval),
    IPCT_TEST(test_mq_api_06_limits_or_defaults_applied),
    IPCT_TEST(test_mq_api_07_open_flags_applied),
    IPCT_TEST(test_mq_api_08_open_errors_passed_through),
    IPCT_TEST(test_mq_api_09_message_and_priority_carried),
    IPCT_TEST(test_mq_api_10_send_receive_errors),
    IPCT_TEST(test_mq_api_11_timed_variants),
    IPCT_TEST(test_mq_api_12_stat_reports_limits_and_count),
    IPCT_TEST(test_mq_api_13_set_nonblock_only_flag),
    IPCT_TEST(test_mq_api_14_close_releases_descriptor),
    IPCT_TEST(test_mq_api_15_unlink_removes_name),
    IPCT_TEST(test_mq_api_16_interrupted_call_eintr_not_retried),
};

IPCT_MAIN("mq_api", tests)
