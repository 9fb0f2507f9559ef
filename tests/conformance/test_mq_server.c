/* SPDX-License-Identifier: MIT */
/*
 * test_mq_server.c - the N:1 message-queue server: several clients served at
 * once, each in order and only with its own replies; malformed requests
 * answered ERR; one full reply queue stalling no one else; queues created
 * all-or-nothing and all removed by destroy.
 *
 * Spec: MQ-SRV-01..06 (spec/mq.md).
 * See also: impl/src/mq_server.c, test_mq_server_api.c (arguments, bounds,
 * the client), tests/fault/fault_mq_server.c (failing calls).
 */
#include "mq_server_helpers.h"

enum { NCHILD = 3, CALLS = 20 };

static const char *child_base; /* set before the children fork */

/*
 * A client process: CALLS calls "SUM <i*1000+k> <k>" through the client API,
 * each answer checked to be this client's own.
 */
static void client_child(void *arg)
{
    int i = (int)(long)arg;
    const char *base = child_base;
    struct ipc_mq_client c;
    struct timespec deadline;
    char req[64], reply[64], want[64];

    ASSERT_IPC_OK(ipc_mq_client_open(&c, base, i));
    ASSERT_SYS_OK(clock_gettime(CLOCK_REALTIME, &deadline));
    deadline.tv_sec += ipct_deadline_ms() / 1000;
    for (int k = 0; k < CALLS; k++) {
        snprintf(req, sizeof req, "SUM %d %d", i * 1000 + k, k);
        snprintf(want, sizeof want, "OK %d", i * 1000 + 2 * k);
        ASSERT_IPC_OK(ipc_mq_client_call(&c, req, reply, sizeof reply, &deadline));
        ASSERT_STR_EQ(reply, want);
    }
    ipc_mq_client_close(&c);
}

/* MQ-SRV-01 one server answers n client processes at once, each with only its own replies */
static void test_mq_srv_01_three_client_processes_own_replies(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    pid_t kids[NCHILD];
    (void)state;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, NCHILD, NULL));
    child_base = base;
    for (long i = 0; i < NCHILD; i++)
        kids[i] = ipct_spawn(client_child, (void *)i);
    srv_serve(s, NCHILD * CALLS);
    for (int i = 0; i < NCHILD; i++)
        assert_child_exited(kids[i], 0);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

/* MQ-SRV-02 a client's requests are answered in the order it sent them */
static void test_mq_srv_02_queued_requests_answered_in_order(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    char text[32];
    (void)state;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 2, NULL));
    int req = srv_open(base, "req", 1), rep = srv_open(base, "rep", 1);
    for (int k = 0; k < IPC_MQ_SERVER_MAXMSG; k++) {
        snprintf(text, sizeof text, "SUM %d", k * 7);
        srv_send(req, text);
    }
    srv_serve(s, IPC_MQ_SERVER_MAXMSG);
    for (int k = 0; k < IPC_MQ_SERVER_MAXMSG; k++) {
        snprintf(text, sizeof text, "OK %d", k * 7);
        srv_expect(rep, text);
    }
    ipc_mq_close(req);
    ipc_mq_close(rep);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

static const struct {
    const char *request;
    const char *reply;
} answers[] = {
    { "SUM 1 2 3", "OK 6" },
    { "SUM  -5   +2 ", "OK -3" },
    { "SUM 9223372036854775807 -1", "OK 9223372036854775806" },
    { "SUM -9223372036854775808", "OK -9223372036854775808" },
    { "", "ERR " IPC_MQ_ERR_EMPTY },
    { "   ", "ERR " IPC_MQ_ERR_EMPTY },
    { "SUM", "ERR " IPC_MQ_ERR_EMPTY },
    { "ADD 1 2", "ERR " IPC_MQ_ERR_VERB },
    { "SUM 1 two", "ERR " IPC_MQ_ERR_TOKEN },
    { "SUM 12x", "ERR " IPC_MQ_ERR_TOKEN },
    { "SUM 0x10", "ERR " IPC_MQ_ERR_TOKEN },
    { "SUM -", "ERR " IPC_MQ_ERR_TOKEN },
    { "SUM \t7", "ERR " IPC_MQ_ERR_TOKEN },
    { "SUM 9223372036854775808", "ERR " IPC_MQ_ERR_RANGE },
    { "SUM 9223372036854775807 1", "ERR " IPC_MQ_ERR_RANGE },
    { "SUM -9223372036854775808 -1", "ERR " IPC_MQ_ERR_RANGE },
};

/* MQ-SRV-03 a malformed request is answered ERR <reason> and the server keeps serving */
static void test_mq_srv_03_malformed_requests_err_then_served(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    char long_req[IPC_MQ_SERVER_REQUEST_MAX + 2];
    struct ipc_mq_server *s;
    (void)state;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 2, NULL));
    int req = srv_open(base, "req", 0), rep = srv_open(base, "rep", 0);
    int req1 = srv_open(base, "req", 1), rep1 = srv_open(base, "rep", 1);
    for (size_t k = 0; k < sizeof answers / sizeof answers[0]; k++) {
        srv_send(req, answers[k].request);
        srv_serve(s, 1);
        srv_expect(rep, answers[k].reply);
    }
    memset(long_req, '1', sizeof long_req - 1); /* one byte over the maximum */
    memcpy(long_req, "SUM ", 4);
    long_req[sizeof long_req - 1] = '\0';
    srv_send(req, long_req);
    ASSERT_IPC_OK(ipc_mq_send(req, "SUM 1\0 2", 8, 0)); /* a NUL inside */
    srv_send(req1, "SUM 40 2"); /* the other client is not disturbed */
    srv_serve(s, 3);
    srv_expect(rep, "ERR " IPC_MQ_ERR_LONG);
    srv_expect(rep, "ERR " IPC_MQ_ERR_TOKEN);
    srv_expect(rep1, "OK 42");
    ASSERT_EQ(ipc_mq_server_client_state(s, 0), 0);
    /* the service alone refuses a reply buffer too small for every answer */
    ASSERT_IPC_ERR(ipc_mq_sum_answer("SUM 1", 5, long_req, IPC_MQ_SERVER_REPLY_MAX - 1), ENOBUFS);
    int fds[] = { req, rep, req1, rep1 };
    for (int k = 0; k < 4; k++)
        ipc_mq_close(fds[k]);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

/* MQ-SRV-04 create makes every queue or, failing part-way, none */
static void test_mq_srv_04_existing_name_eexist_nothing_left(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    char taken[NAME_MAX + 2];
    struct ipc_mq_server *s = (struct ipc_mq_server *)&s; /* must stay untouched */
    struct ipc_mq_server *before = s;
    (void)state;

    snprintf(taken, sizeof taken, "%s", srv_name(base, "rep", 1));
    int q = (int)ASSERT_IPC_OK(ipc_mq_open(taken, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600,
                                           NULL));
    int low = ipct_lowest_free_fd();
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, 3, NULL), EEXIST);
    ASSERT_PTR_EQ(s, before);
    ASSERT_EQ(ipct_lowest_free_fd(), low);
    ASSERT_EQ(srv_exists(base, "req", 0) + srv_exists(base, "rep", 0), 0);
    ASSERT_EQ(srv_exists(base, "req", 1), 0);
    ASSERT_EQ(srv_exists(base, "req", 2) + srv_exists(base, "rep", 2), 0);
    ASSERT_TRUE(srv_exists(base, "rep", 1)); /* the test's own queue is left alone */
    ASSERT_IPC_OK(ipc_mq_close(q));
    ASSERT_IPC_OK(ipc_mq_unlink(taken));
}

/* MQ-SRV-05 destroy closes and unlinks every queue of the server */
static void test_mq_srv_05_destroy_unlinks_every_queue(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    (void)state;

    int low = ipct_lowest_free_fd();
    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 4, NULL));
    for (int i = 0; i < 4; i++) {
        ASSERT_TRUE(srv_exists(base, "req", i));
        ASSERT_TRUE(srv_exists(base, "rep", i));
    }
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
    srv_assert_none(base, 4);
    ASSERT_EQ(ipct_lowest_free_fd(), low);
    ASSERT_IPC_OK(ipc_mq_server_destroy(NULL));
}

/* Fill client 0's reply queue (maxmsg 2), then queue two more requests. */
static void stall_client0(struct ipc_mq_server *s, int req0)
{
    srv_send(req0, "SUM 1");
    srv_send(req0, "SUM 2");
    srv_serve(s, 2);
    srv_send(req0, "SUM 3");
    srv_send(req0, "SUM 4");
}

/* MQ-SRV-06 a client's full reply queue stops no other client's service */
static void test_mq_srv_06_full_reply_queue_others_served(void **state)
{
    const struct ipc_mq_limits small = { 2, IPC_MQ_SERVER_MSGSIZE };
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    (void)state;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 2, &small));
    int req0 = srv_open(base, "req", 0), rep0 = srv_open(base, "rep", 0);
    int req1 = srv_open(base, "req", 1), rep1 = srv_open(base, "rep", 1);
    stall_client0(s, req0);
    for (int k = 0; k < 3; k++) { /* client 1 is served while client 0 waits */
        srv_send(req1, "SUM 10 1");
        srv_serve(s, 1);
        srv_expect(rep1, "OK 11");
        ASSERT_EQ(ipc_mq_server_client_state(s, 0), 1);
    }
    srv_expect(rep0, "OK 1"); /* room again: the kept reply goes out, then the next */
    srv_expect(rep0, "OK 2");
    srv_serve(s, 2);
    srv_expect(rep0, "OK 3");
    srv_expect(rep0, "OK 4");
    ASSERT_EQ(ipc_mq_server_client_state(s, 0), 0);
    int fds[] = { req0, rep0, req1, rep1 };
    for (int k = 0; k < 4; k++)
        ipc_mq_close(fds[k]);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_srv_01_three_client_processes_own_replies),
    IPCT_TEST(test_mq_srv_02_queued_requests_answered_in_order),
    IPCT_TEST(test_mq_srv_03_malformed_requests_err_then_served),
    IPCT_TEST(test_mq_srv_04_existing_name_eexist_nothing_left),
    IPCT_TEST(test_mq_srv_05_destroy_unlinks_every_queue),
    IPCT_TEST(test_mq_srv_06_full_reply_queue_others_served),
};

IPCT_MAIN("mq_server", tests)
