/* SPDX-License-Identifier: MIT */
/*
 * test_mq_server_api.c - the N:1 server's arguments and bounds (client
 * count, names, limits, FD_SETSIZE), its rounds and its stop descriptor, and
 * the client side's errors.
 *
 * Spec: MQ-SRV-07..14 (spec/mq.md).
 * See also: impl/src/mq_server.c, impl/src/mq_client.c, test_mq_server.c.
 */
#include "mq_server_helpers.h"

#include <sys/select.h>
#include <unistd.h>

/* MQ-SRV-07 the client count is bounded: 1 to IPC_MQ_SERVER_MAX_CLIENTS */
static void test_mq_srv_07_client_count_bounds_einval(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    (void)state;

    ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, -1, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, IPC_MQ_SERVER_MAX_CLIENTS + 1, NULL), EINVAL);
    srv_assert_none(base, IPC_MQ_SERVER_MAX_CLIENTS + 1);
    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, IPC_MQ_SERVER_MAX_CLIENTS, NULL));
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
    srv_assert_none(base, IPC_MQ_SERVER_MAX_CLIENTS);
}

/* MQ-SRV-08 create refuses a base whose derived queue names are invalid */
static void test_mq_srv_08_bad_base_refused(void **state)
{
    char longest[NAME_MAX + 2];
    struct ipc_mq_server *s;
    (void)state;

    memset(longest, 'b', sizeof longest - 1);
    longest[0] = '/';
    longest[NAME_MAX - 5] = '\0'; /* with "-req-0": NAME_MAX + 1 bytes, the most */
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, "no-slash", 1, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, "/a/b", 1, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, NULL, 1, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_server_create(NULL, "/x", 1, NULL), EINVAL);
    /* Client 10's names are one byte longer than client 0's. */
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, longest, 11, NULL), ENAMETOOLONG);
    longest[NAME_MAX - 5] = 'b';
    longest[NAME_MAX + 1] = '\0';
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, longest, 1, NULL), ENAMETOOLONG);
}

/* MQ-SRV-09 create refuses limits too small for a reply */
static void test_mq_srv_09_small_limits_einval(void **state)
{
    const struct ipc_mq_limits no_room = { 0, IPC_MQ_SERVER_MSGSIZE };
    const struct ipc_mq_limits too_small = { 2, IPC_MQ_SERVER_REPLY_MAX - 1 };
    const struct ipc_mq_limits just = { 1, IPC_MQ_SERVER_REPLY_MAX };
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    (void)state;

    ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, 1, &no_room), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, 1, &too_small), EINVAL);
    srv_assert_none(base, 1);
    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 1, &just));
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

static const char *fdset_base; /* set before the child forks */

/*
 * With descriptors 0..FD_SETSIZE-2 taken, create one client: its request
 * queue gets FD_SETSIZE-1, its reply queue would get FD_SETSIZE. Refused
 * with -EMFILE, and both queues gone.
 */
static void fdset_child(void *arg)
{
    struct ipc_mq_server *s;
    int fd;
    (void)arg;

    do {
        fd = (int)ASSERT_SYS_OK(dup(STDERR_FILENO));
    } while (fd < FD_SETSIZE - 2);
    ASSERT_EQ(fd, FD_SETSIZE - 2);
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, fdset_base, 1, NULL), EMFILE);
    ASSERT_IPC_ERR(ipc_mq_open(srv_name(fdset_base, "req", 0), O_RDONLY, 0, NULL), ENOENT);
    ASSERT_IPC_ERR(ipc_mq_open(srv_name(fdset_base, "rep", 0), O_RDONLY, 0, NULL), ENOENT);
}

/* MQ-SRV-10 no descriptor at or above FD_SETSIZE is ever watched */
static void test_mq_srv_10_fd_beyond_fd_setsize_emfile(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    (void)state;

    fdset_base = base;
    assert_child_exited(ipct_spawn(fdset_child, NULL), 0);
    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 1, NULL));
    ASSERT_IPC_ERR(ipc_mq_server_run(s, FD_SETSIZE), EMFILE);
    ASSERT_IPC_ERR(ipc_mq_server_run(s, -1), EBADF);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

/* MQ-SRV-11 a round with nothing to serve returns 0 once its timeout passes */
static void test_mq_srv_11_idle_step_times_out_zero(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    struct timespec t0, t1;
    (void)state;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 2, NULL));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_mq_server_step(s, 30)), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    if (ms < 29)
        IPCT_FAIL("the idle round returned after %ld ms; expected at least 30", ms);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

/* MQ-SRV-12 run serves until its stop descriptor is readable, then returns 0 */
static void test_mq_srv_12_stop_fd_ends_run(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    int stop[2];
    char byte;
    (void)state;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 1, NULL));
    ASSERT_SYS_OK(pipe2(stop, O_CLOEXEC));
    int req = srv_open(base, "req", 0), rep = srv_open(base, "rep", 0);
    srv_send(req, "SUM 20 22");
    ASSERT_SYS_OK(write(stop[1], "x", 1));
    ASSERT_IPC_OK(ipc_mq_server_run(s, stop[0]));
    srv_expect(rep, "OK 42");
    ASSERT_EQ(ASSERT_SYS_OK(read(stop[0], &byte, 1)), 1); /* left unread by run */
    close(stop[0]);
    close(stop[1]);
    ipc_mq_close(req);
    ipc_mq_close(rep);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

/* MQ-SRV-13's caller with a reply buffer too small for "OK 1000". */
static void short_buffer_call(void *arg)
{
    char reply[4];

    ASSERT_IPC_ERR(ipc_mq_client_call(arg, "SUM 1000", reply, sizeof reply, NULL), EMSGSIZE);
}

/* MQ-SRV-13 the client reports a missing server, a timeout and a short buffer */
static void test_mq_srv_13_client_errors_reported(void **state)
{
    const struct ipc_mq_limits limits = { 1, IPC_MQ_SERVER_REPLY_MAX };
    const char *base = ipct_ipc_name("mqsrv");
    struct timespec past = { 0, 0 };
    struct ipc_mq_server *s;
    struct ipc_mq_client c;
    char reply[4], big[NAME_MAX + 2];
    (void)state;

    int low = ipct_lowest_free_fd();
    ASSERT_IPC_ERR(ipc_mq_client_open(&c, base, 0), ENOENT);
    ASSERT_IPC_ERR(ipc_mq_client_open(&c, base, -1), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_client_open(NULL, base, 0), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_client_open(&c, NULL, 0), EINVAL);
    memset(big, 'b', sizeof big - 1);
    big[0] = '/';
    big[sizeof big - 1] = '\0';
    ASSERT_IPC_ERR(ipc_mq_client_open(&c, big, 0), ENAMETOOLONG);
    ASSERT_EQ(ipct_lowest_free_fd(), low);
    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 1, &limits));
    ASSERT_IPC_OK(ipc_mq_client_open(&c, base, 0));
    ASSERT_IPC_ERR(ipc_mq_client_call(&c, "SUM 1", reply, sizeof reply, &past), ETIMEDOUT);
    memset(big, '1', IPC_MQ_SERVER_REPLY_MAX + 1); /* one byte over the msgsize */
    big[IPC_MQ_SERVER_REPLY_MAX + 1] = '\0';
    ASSERT_IPC_ERR(ipc_mq_client_call(&c, big, reply, sizeof reply, NULL), EMSGSIZE);
    srv_serve(s, 1); /* the request the timed-out call left: its reply is stale */
    pid_t pid = ipct_spawn(short_buffer_call, &c);
    ipct_await_blocked(pid, SYS_mq_timedreceive); /* the stale reply taken and discarded */
    srv_serve(s, 1);
    ipct_wait(pid);
    ASSERT_IPC_OK(ipc_mq_client_close(&c));
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

/* MQ-SRV-14 the state of an index that is no client is -ERANGE */
static void test_mq_srv_14_unknown_client_state_erange(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    (void)state;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 2, NULL));
    ASSERT_EQ(ipc_mq_server_client_state(s, 1), 0);
    ASSERT_EQ(ipc_mq_server_client_state(s, 2), -ERANGE);
    ASSERT_EQ(ipc_mq_server_client_state(s, -1), -ERANGE);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_srv_07_client_count_bounds_einval),
    IPCT_TEST(test_mq_srv_08_bad_base_refused),
    IPCT_TEST(test_mq_srv_09_small_limits_einval),
    IPCT_TEST(test_mq_srv_10_fd_beyond_fd_setsize_emfile),
    IPCT_TEST(test_mq_srv_11_idle_step_times_out_zero),
    IPCT_TEST(test_mq_srv_12_stop_fd_ends_run),
    IPCT_TEST(test_mq_srv_13_client_errors_reported),
    IPCT_TEST(test_mq_srv_14_unknown_client_state_erange),
};

IPCT_MAIN("mq_server_api", tests)
