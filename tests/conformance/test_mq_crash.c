/* SPDX-License-Identifier: MIT */
/*
 * test_mq_crash.c - the N:1 message-queue server when a process dies in the
 * middle: a client killed between its request and its reply, and a server
 * killed with its queues still in place.
 *
 * Spec: MQ-SRV-28..29 (spec/mq.md).
 * See also: impl/src/mq_server.c, impl/src/mq_client.c, test_mq_server.c
 * (the ordinary contract), mq_server_helpers.h.
 */
#include "mq_server_helpers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *child_base; /* set before the children fork */

/* One call on slot 0 through the client API; request and wanted answer. */
struct call {
    const char *request, *want;
};

static void call_child(void *arg)
{
    const struct call *call = arg;
    struct ipc_mq_client c;
    char reply[64];

    ASSERT_IPC_OK(ipc_mq_client_open(&c, child_base, 0));
    ASSERT_IPC_OK(ipc_mq_client_call(&c, call->request, reply, sizeof reply, NULL));
    ASSERT_STR_EQ(reply, call->want);
    ASSERT_IPC_OK(ipc_mq_client_close(&c));
}

/* When the server answers the dead client: before the next one sends, or after. */
struct kill_row {
    int reply_first;
};

/* MQ-SRV-28 a reply reaches only the call that asked for it: a client killed
 * between send and receive leaves the next client on its slot its own answer */
static void test_mq_srv_28_killed_client_next_gets_own(void **state)
{
    const struct kill_row *row = ipct_variant();
    static const struct call dead = { "SUM 5 5", "OK 10" }, next = { "SUM 100 1", "OK 101" };
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    (void)state;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 1, NULL));
    child_base = base;
    pid_t victim = ipct_spawn(call_child, (void *)&dead);
    ipct_await_blocked(victim, SYS_mq_timedreceive); /* sent, waiting for its reply */
    ASSERT_SYS_OK(kill(victim, SIGKILL));
    assert_child_signaled(victim, SIGKILL);
    if (row->reply_first)
        srv_serve(s, 1); /* the dead client's reply waits in the queue */
    pid_t heir = ipct_spawn(call_child, (void *)&next);
    if (!row->reply_first)
        ipct_await_blocked(heir, SYS_mq_timedreceive); /* both requests queued */
    srv_serve(s, row->reply_first ? 1 : 2);
    ipct_wait(heir);
    int rep = srv_open(base, "rep", 0);
    char buf[IPC_MQ_SERVER_MSGSIZE];
    ASSERT_IPC_ERR(ipc_mq_receive(rep, buf, sizeof buf, NULL), EAGAIN); /* nothing stale left */
    ASSERT_IPC_OK(ipc_mq_close(rep));
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

/* A server for 2 clients under child_base that says ready and waits to be
 * killed: its stop pipe is never written. */
static void server_child(void *arg)
{
    struct ipc_mq_server *s;
    int stop[2];
    (void)arg;

    ASSERT_SYS_OK(pipe(stop));
    ASSERT_IPC_OK(ipc_mq_server_create(&s, child_base, 2, NULL));
    ipct_child_ready();
    ipc_mq_server_run(s, stop[0]);
    IPCT_FAIL("the server's run returned");
}

/* Start server_child under base and wait until it serves. */
static pid_t start_server_child(const char *base)
{
    child_base = base;
    pid_t pid = ipct_spawn(server_child, NULL);
    ipct_await_ready(pid);
    return pid;
}

/* MQ-SRV-29 a server finds the queues a dead server left and takes them over */
static void test_mq_srv_29_dead_server_queues_taken_over(void **state)
{
    static const struct call call = { "SUM 2 2", "OK 4" };
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    (void)state;

    pid_t dead = start_server_child(base);
    ASSERT_SYS_OK(kill(dead, SIGKILL));
    assert_child_signaled(dead, SIGKILL);
    ASSERT_EQ(srv_exists(base, "req", 1), 1); /* left behind by the dead */
    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 2, NULL));
    pid_t client = ipct_spawn(call_child, (void *)&call);
    srv_serve(s, 1);
    ipct_wait(client);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
    srv_assert_none(base, 2);
}

/* MQ-SRV-29 ... a live server's queues it never takes */
static void test_mq_srv_29_live_server_queues_kept(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s = NULL;
    (void)state;

    pid_t live = start_server_child(base);
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, 2, NULL), EADDRINUSE);
    ASSERT_NULL(s);
    for (int i = 0; i < 2; i++) {
        ASSERT_EQ(srv_exists(base, "req", i), 1);
        ASSERT_EQ(srv_exists(base, "rep", i), 1);
    }
    ASSERT_SYS_OK(kill(live, SIGKILL));
    assert_child_signaled(live, SIGKILL);
    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 2, NULL)); /* its owner dead: taken over */
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
    srv_assert_none(base, 2);
}

static const struct kill_row reply_first = { 1 }, request_first = { 0 };

static const struct CMUnitTest tests[] = {
    IPCT_VARIANT(test_mq_srv_28_killed_client_next_gets_own, "reply_first", &reply_first),
    IPCT_VARIANT(test_mq_srv_28_killed_client_next_gets_own, "request_first", &request_first),
    IPCT_TEST(test_mq_srv_29_dead_server_queues_taken_over),
    IPCT_TEST(test_mq_srv_29_live_server_queues_kept),
};

IPCT_MAIN("mq_crash", tests)
