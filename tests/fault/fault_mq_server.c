/*
 * fault_mq_server.c - the N:1 message-queue server and its client when
 * mq_receive, mq_send, select, mq_open, mq_unlink or mq_getattr fail: one
 * client's failure touches no other client, a failing select leaves the
 * server usable, EINTR only postpones, and creation and destruction leave
 * nothing behind (or name what they left).
 *
 * Spec: MQ-SRV-20..27 (spec/drafts/mq-server.md).
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
    assert_int_equal(ipc_mq_server_client_state(s, 1), -err);
    assert_int_equal(ipc_mq_server_client_state(s, 0), 0);
    send_all(c);
    srv_serve(s, 2); /* client 1 is no longer read */
    srv_expect(c->rep[0], "OK 1");
    srv_expect(c->rep[2], "OK 3");
    ASSERT_IPC_OK(ipc_mq_stat(c->rep[1], NULL, &queued));
    assert_int_equal(queued, 0);
}

/* MQ-SRV-20 a failing mq_receive for one client fails only that client */
static void fault_mq_srv_20_receive_eio(void **state)
{
    struct clients c;
    struct ipc_mq_server *s = start(ipct_ipc_name("mqsrv"), &c);
    (void)state;

    send_all(&c);
    ipcf_fail_nth("posix/mq/receive", 2, EIO); /* client 1's, in index order */
    srv_serve(s, 2);
    ASSERT_FIRED("posix/mq/receive", 1);
    only_client1_failed(s, &c, EIO);
    finish(s, &c);
}

/* MQ-SRV-21 a failing mq_send for one client fails only that client */
static void fault_mq_srv_21_send_eio(void **state)
{
    struct clients c;
    struct ipc_mq_server *s = start(ipct_ipc_name("mqsrv"), &c);
    (void)state;

    send_all(&c);
    ipcf_fail_nth("posix/mq/send", 2, EIO);
    srv_serve(s, 2);
    ASSERT_FIRED("posix/mq/send", 1);
    only_client1_failed(s, &c, EIO);
    finish(s, &c);
}

/* MQ-SRV-22 a failing select is returned as -errno and the server stays usable */
static void fault_mq_srv_22_select_enomem(void **state)
{
    struct clients c;
    struct ipc_mq_server *s = start(ipct_ipc_name("mqsrv"), &c);
    (void)state;

    srv_send(c.req[2], "SUM 5 5");
    ipcf_fail_nth("posix/io/net/select", 1, ENOMEM);
    ASSERT_IPC_ERR(ipc_mq_server_step(s, 100), ENOMEM);
    ASSERT_FIRED("posix/io/net/select", 1);
    ipcf_fail_nth("posix/io/net/select", 1, EBADF);
    ASSERT_IPC_ERR(ipc_mq_server_run(s, STDIN_FILENO), EBADF);
    ASSERT_FIRED("posix/io/net/select", 1);
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
    ipcf_fail_nth("posix/io/net/select", 1, EINTR);
    assert_int_equal(ASSERT_IPC_OK(ipc_mq_server_step(s, 100)), 0);
    ASSERT_FIRED("posix/io/net/select", 1);
    /* run, too, goes on round after round past an EINTR */
    ASSERT_SYS_OK(pipe2(stop, O_CLOEXEC));
    ASSERT_SYS_OK(write(stop[1], "x", 1));
    ipcf_fail_nth("posix/io/net/select", 1, EINTR);
    ASSERT_IPC_OK(ipc_mq_server_run(s, stop[0]));
    ASSERT_FIRED("posix/io/net/select", 1);
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
        ipcf_fail_nth("posix/mq/open", nth, EMFILE);
        ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, N, NULL), EMFILE);
        ASSERT_FIRED("posix/mq/open", 1);
        assert_null(s);
        assert_int_equal(ipct_lowest_free_fd(), low);
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
    ipcf_fail_nth("posix/mq/unlink", 2, EACCES); /* the second: rep-0 */
    ASSERT_IPC_ERR(ipc_mq_server_destroy(s), EACCES);
    ASSERT_FIRED("posix/mq/unlink", 1);
    assert_int_equal(ipct_lowest_free_fd(), low);
    assert_int_equal(srv_exists(base, "req", 0) + srv_exists(base, "req", 1), 0);
    assert_int_equal(srv_exists(base, "rep", 1), 0);
    snprintf(left, sizeof left, "%s", srv_name(base, "rep", 0));
    ASSERT_IPC_OK(ipc_mq_unlink(left)); /* the one the error named: still there */
}

/* MQ-SRV-26 EINTR from one client's mq_receive or mq_send only postpones its answer */
static void fault_mq_srv_26_receive_eintr(void **state)
{
    struct clients c;
    struct ipc_mq_server *s = start(ipct_ipc_name("mqsrv"), &c);
    (void)state;

    srv_send(c.req[1], "SUM 2 2");
    ipcf_fail_nth("posix/mq/receive", 1, EINTR);
    assert_int_equal(ASSERT_IPC_OK(ipc_mq_server_step(s, 100)), 0);
    ASSERT_FIRED("posix/mq/receive", 1);
    assert_int_equal(ipc_mq_server_client_state(s, 1), 0);
    srv_serve(s, 1);
    srv_expect(c.rep[1], "OK 4");
    finish(s, &c);
}

/* MQ-SRV-26 EINTR from one client's mq_receive or mq_send only postpones its answer */
static void fault_mq_srv_26_send_eintr(void **state)
{
    struct clients c;
    struct ipc_mq_server *s = start(ipct_ipc_name("mqsrv"), &c);
    (void)state;

    srv_send(c.req[1], "SUM 3 3");
    ipcf_fail_nth("posix/mq/send", 1, EINTR);
    assert_int_equal(ASSERT_IPC_OK(ipc_mq_server_step(s, 100)), 0);
    ASSERT_FIRED("posix/mq/send", 1);
    assert_int_equal(ipc_mq_server_client_state(s, 1), 1); /* the reply is kept */
    srv_serve(s, 1);
    srv_expect(c.rep[1], "OK 6");
    assert_int_equal(ipc_mq_server_client_state(s, 1), 0);
    finish(s, &c);
}

/* MQ-SRV-27 a client whose open fails part-way holds no descriptor */
static void fault_mq_srv_27_open_emfile(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    struct ipc_mq_client c;
    (void)state;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 1, NULL));
    int low = ipct_lowest_free_fd();
    ipcf_fail_nth("posix/mq/open", 2, EMFILE); /* the reply queue */
    ASSERT_IPC_ERR(ipc_mq_client_open(&c, base, 0), EMFILE);
    ASSERT_FIRED("posix/mq/open", 1);
    assert_int_equal(ipct_lowest_free_fd(), low);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
}

/* MQ-SRV-27 a client whose open fails part-way holds no descriptor */
static void fault_mq_srv_27_getattr_ebadf(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s;
    struct ipc_mq_client c;
    (void)state;

    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 1, NULL));
    int low = ipct_lowest_free_fd();
    ipcf_fail_nth("posix/mq/getattr", 1, EBADF);
    ASSERT_IPC_ERR(ipc_mq_client_open(&c, base, 0), EBADF);
    ASSERT_FIRED("posix/mq/getattr", 1);
    assert_int_equal(ipct_lowest_free_fd(), low);
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
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
