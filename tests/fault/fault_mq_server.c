/* SPDX-License-Identifier: MIT */
/*
 * fault_mq_server.c - the N:1 message-queue server and its client when
 * mq_receive, mq_send, select, mq_open, mq_unlink or mq_getattr fail: one
 * client's failure touches no other client, a failing select leaves the
 * server usable, EINTR only postpones, and creation and destruction leave
 * nothing behind (or name what they left). Every fault is a row of one
 * table, armed for one statement that proves it fired (WITH_FAULT); the
 * tests that differ only in their fault share one body.
 *
 * Spec: MQ-SRV-20..27 (spec/mq.md).
 * See also: impl/src/mq_server.c, impl/src/mq_client.c,
 * tests/conformance/test_mq_server.c, fault_mq_demo.c.
 */
#include "fault.h"
#include "../conformance/mq_server_helpers.h"

#include <unistd.h>

enum { N = 3 };

/* The test as all N clients: raw queues, non-blocking. */
struct clients {
    int req[N], rep[N];
};

static struct ipc_mq_server *start(const char *base, struct clients *c)
{
    struct ipc_mq_server *s;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, N, NULL));
    for (int i = 0; i < N; i++) {
        c->req[i] = srv_open(base, "req", i);
        c->rep[i] = srv_open(base, "rep", i);
    }
    return s;
}

static void finish(struct ipc_mq_server *s, struct clients *c)
{
    for (int i = 0; i < N; i++) {
        ipc_mq_close(c->req[i]);
        ipc_mq_close(c->rep[i]);
    }
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

/* Every client sends "SUM i 1". */
static void send_all(struct clients *c)
{
    char text[32];

    for (int i = 0; i < N; i++) {
        snprintf(text, sizeof text, "SUM %d 1", i);
        srv_send(c->req[i], text);
    }
}

/* Clients 0 and 2 answered, client 1 failed with err, then 0 and 2 served on. */
static void only_client1_failed(struct ipc_mq_server *s, struct clients *c, int err)
{
    long queued;

    srv_expect(c->rep[0], "OK 1");
    srv_expect(c->rep[2], "OK 3");
    ASSERT_EQ(ipc_mq_server_client_state(s, 1), -err);
    ASSERT_EQ(ipc_mq_server_client_state(s, 0), 0);
    send_all(c);
    srv_serve(s, 2); /* client 1 is no longer read */
    srv_expect(c->rep[0], "OK 1");
    srv_expect(c->rep[2], "OK 3");
    ASSERT_IPC_OK(ipc_mq_stat(c->rep[1], NULL, &queued));
    ASSERT_EQ(queued, 0);
}

/* A fault: call nth of point fails with err. */
struct fault {
    const char *point;
    int nth;
    int err;
};

/* Every fault this file injects but MQ-SRV-24's, which steps its nth. */
static const struct fault
    receive_eio = { "posix/mq/receive", 2, EIO }, /* client 1's, in index order */
    send_eio = { "posix/mq/send", 2, EIO },
    select_enomem = { "posix/io/net/select", 1, ENOMEM },
    select_ebadf = { "posix/io/net/select", 1, EBADF },
    select_eintr = { "posix/io/net/select", 1, EINTR },
    unlink_eacces = { "posix/mq/unlink", 2, EACCES }, /* the second: rep-0 */
    receive_eintr = { "posix/mq/receive", 1, EINTR },
    send_eintr = { "posix/mq/send", 1, EINTR },
    reply_open_emfile = { "posix/mq/open", 2, EMFILE }, /* the reply queue */
    getattr_ebadf = { "posix/mq/getattr", 1, EBADF };

/* Run stmt (its own assertions included) with fault f armed, then prove f
 * fired exactly once. */
#define WITH_FAULT(f, stmt) \
    do { \
        ipcf_fail_nth((f)->point, (f)->nth, (f)->err); \
        stmt; \
        ASSERT_FIRED((f)->point, 1); \
    } while (0)

/* Every client sends a request; f fails client 1's call, and only client 1. */
static void one_client_fails(const struct fault *f)
{
    struct clients c;
    struct ipc_mq_server *s = start(ipct_ipc_name("mqsrv"), &c);

    send_all(&c);
    WITH_FAULT(f, srv_serve(s, 2));
    only_client1_failed(s, &c, f->err);
    finish(s, &c);
}

/* MQ-SRV-20 a failing mq_receive for one client fails only that client */
static void fault_mq_srv_20_receive_eio(void **state)
{
    (void)state;
    one_client_fails(&receive_eio);
}

/* MQ-SRV-21 a failing mq_send for one client fails only that client */
static void fault_mq_srv_21_send_eio(void **state)
{
    (void)state;
    one_client_fails(&send_eio);
}

/* MQ-SRV-22 a failing select is returned as -errno and the server stays usable */
static void fault_mq_srv_22_select_enomem(void **state)
{
    struct clients c;
    struct ipc_mq_server *s = start(ipct_ipc_name("mqsrv"), &c);
    (void)state;

    srv_send(c.req[2], "SUM 5 5");
    WITH_FAULT(&select_enomem, ASSERT_IPC_ERR(ipc_mq_server_step(s, 100), ENOMEM));
    WITH_FAULT(&select_ebadf, ASSERT_IPC_ERR(ipc_mq_server_run(s, STDIN_FILENO), EBADF));
    srv_serve(s, 1);
    srv_expect(c.rep[2], "OK 10");
    finish(s, &c);
}

/* MQ-SRV-23 a select interrupted by a signal is no failure */
static void fault_mq_srv_23_select_eintr(void **state)
{
    struct clients c;
    struct ipc_mq_server *s = start(ipct_ipc_name("mqsrv"), &c);
    int stop[2];
    (void)state;

    srv_send(c.req[0], "SUM 7");
    WITH_FAULT(&select_eintr, ASSERT_EQ(ASSERT_IPC_OK(ipc_mq_server_step(s, 100)), 0));
    /* run, too, goes on round after round past an EINTR */
    ASSERT_SYS_OK(pipe2(stop, O_CLOEXEC));
    ASSERT_SYS_OK(write(stop[1], "x", 1));
    WITH_FAULT(&select_eintr, ASSERT_IPC_OK(ipc_mq_server_run(s, stop[0])));
    srv_expect(c.rep[0], "OK 7");
    close(stop[0]);
    close(stop[1]);
    finish(s, &c);
}

/* MQ-SRV-24 a failing mq_open during create leaves no queue and no descriptor */
static void fault_mq_srv_24_open_emfile(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s = NULL;
    (void)state;

    int low = ipct_lowest_free_fd();
    for (int nth = 1; nth <= 2 * N; nth++) {
        const struct fault open_emfile = { "posix/mq/open", nth, EMFILE };
        WITH_FAULT(&open_emfile, ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, N, NULL), EMFILE));
        ASSERT_NULL(s);
        ASSERT_EQ(ipct_lowest_free_fd(), low);
        srv_assert_none(base, N);
    }
}

/* MQ-SRV-25 a failing mq_unlink during destroy is returned; every other queue goes */
static void fault_mq_srv_25_unlink_eacces(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    char left[NAME_MAX + 2];
    (void)state;

    int low = ipct_lowest_free_fd();
    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 2, NULL));
    WITH_FAULT(&unlink_eacces, ASSERT_IPC_ERR(ipc_mq_server_destroy(s), EACCES));
    ASSERT_EQ(ipct_lowest_free_fd(), low);
    ASSERT_EQ(srv_exists(base, "req", 0) + srv_exists(base, "req", 1), 0);
    ASSERT_EQ(srv_exists(base, "rep", 1), 0);
    snprintf(left, sizeof left, "%s", srv_name(base, "rep", 0));
    ASSERT_IPC_OK(ipc_mq_unlink(left)); /* the one the error named: still there */
}

/* Client 1 asks "SUM n n"; f interrupts its call once: the step serves
 * nothing, leaves client 1 in state kept (1: its reply is kept), and the
 * next step answers it. */
static void client1_postponed(const struct fault *f, int n, int kept)
{
    struct clients c;
    struct ipc_mq_server *s = start(ipct_ipc_name("mqsrv"), &c);
    char text[32];

    snprintf(text, sizeof text, "SUM %d %d", n, n);
    srv_send(c.req[1], text);
    WITH_FAULT(f, ASSERT_EQ(ASSERT_IPC_OK(ipc_mq_server_step(s, 100)), 0));
    ASSERT_EQ(ipc_mq_server_client_state(s, 1), kept);
    srv_serve(s, 1);
    snprintf(text, sizeof text, "OK %d", 2 * n);
    srv_expect(c.rep[1], text);
    ASSERT_EQ(ipc_mq_server_client_state(s, 1), 0);
    finish(s, &c);
}

/* MQ-SRV-26 EINTR from one client's mq_receive or mq_send only postpones its answer */
static void fault_mq_srv_26_receive_eintr(void **state)
{
    (void)state;
    client1_postponed(&receive_eintr, 2, 0);
}

/* MQ-SRV-26 EINTR from one client's mq_receive or mq_send only postpones its answer */
static void fault_mq_srv_26_send_eintr(void **state)
{
    (void)state;
    client1_postponed(&send_eintr, 3, 1); /* the reply is kept */
}

/* A client's open meets fault f part-way: it fails with f's errno, and the
 * descriptors it had opened are closed again. */
static void client_open_fails(const struct fault *f)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    struct ipc_mq_client c;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 1, NULL));
    int low = ipct_lowest_free_fd();
    WITH_FAULT(f, ASSERT_IPC_ERR(ipc_mq_client_open(&c, base, 0), f->err));
    ASSERT_EQ(ipct_lowest_free_fd(), low);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

/* MQ-SRV-27 a client whose open fails part-way holds no descriptor */
static void fault_mq_srv_27_open_emfile(void **state)
{
    (void)state;
    client_open_fails(&reply_open_emfile);
}

/* MQ-SRV-27 a client whose open fails part-way holds no descriptor */
static void fault_mq_srv_27_getattr_ebadf(void **state)
{
    (void)state;
    client_open_fails(&getattr_ebadf);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_mq_srv_20_receive_eio),
    IPCF_TEST(fault_mq_srv_21_send_eio),
    IPCF_TEST(fault_mq_srv_22_select_enomem),
    IPCF_TEST(fault_mq_srv_23_select_eintr),
    IPCF_TEST(fault_mq_srv_24_open_emfile),
    IPCF_TEST(fault_mq_srv_25_unlink_eacces),
    IPCF_TEST(fault_mq_srv_26_receive_eintr),
    IPCF_TEST(fault_mq_srv_26_send_eintr),
    IPCF_TEST(fault_mq_srv_27_open_emfile),
    IPCF_TEST(fault_mq_srv_27_getattr_ebadf),
};

IPCT_MAIN("mq_server_faults", tests)
