/* SPDX-License-Identifier: MIT */
/*
 * fault_mq_crash.c - the message-queue server's proof of life when the
 * calls under it fail: the owner lock (fcntl F_OFD_SETLK) at creation, and
 * the test of a dead server's lock (F_OFD_GETLK) and the removal of its
 * queues when a server takes them over.
 *
 * Spec: MQ-FAULT-13 (spec/mq.md).
 * See also: impl/src/mq_server.c, impl/src/owner_lock.c,
 * tests/conformance/test_mq_crash.c (the same without faults).
 */
#include "fault.h"
#include "../conformance/mq_server_helpers.h"

#include <signal.h>
#include <unistd.h>

/* 1 when "<base>-owner" exists. */
static int owner_exists(const char *base)
{
    char name[NAME_MAX + 2];

    snprintf(name, sizeof name, "%s-owner", base);
    int fd = ipc_mq_open(name, O_RDONLY | O_CLOEXEC, 0, NULL);
    if (fd == -ENOENT)
        return 0;
    ASSERT_IPC_OK(fd);
    ASSERT_IPC_OK(ipc_mq_close(fd));
    return 1;
}

/* MQ-FAULT-13 the owner lock failing: create returns its errno and leaves nothing */
static void fault_mq_fault_13_owner_lock_enolck(void **state)
{
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s = NULL;
    (void)state;

    int low = ipct_lowest_free_fd();
    ipcf_fail_nth("posix/io/ctl/fcntl", 1, ENOLCK);
    ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, 2, NULL), ENOLCK);
    ASSERT_FIRED("posix/io/ctl/fcntl", 1);
    ipcf_disarm_all();
    ASSERT_NULL(s);
    ASSERT_EQ(ipct_lowest_free_fd(), low);
    ASSERT_EQ(owner_exists(base), 0);
    srv_assert_none(base, 2);
}

static const char *child_base;

/* A server under child_base that says ready and waits to be killed. */
static void server_child(void *arg)
{
    struct ipc_mq_server *s;
    char b;
    int never[2];
    (void)arg;

    ASSERT_SYS_OK(pipe(never));
    ASSERT_IPC_OK(ipc_mq_server_create(&s, child_base, 2, NULL));
    ipct_child_ready();
    ASSERT_SYS_OK(read(never[0], &b, 1)); /* nobody writes: killed in here */
}

/* MQ-FAULT-13 the take-over of a dead server's queues reports a failing call */
static void fault_mq_fault_13_takeover_calls_fail(void **state)
{
    static const struct {
        const char *point;
        int err;
    } steps[] = { { "posix/io/ctl/fcntl", ENOLCK }, { "posix/mq/unlink", EACCES } };
    const char *base = ipct_ipc_name("mqsrv");
    struct ipc_mq_server *s = NULL;
    (void)state;

    child_base = base;
    pid_t dead = ipct_spawn(server_child, NULL);
    ipct_await_ready(dead);
    ASSERT_SYS_OK(kill(dead, SIGKILL));
    assert_child_signaled(dead, SIGKILL);
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        int low = ipct_lowest_free_fd();
        ipcf_fail_nth(steps[k].point, 1, steps[k].err);
        ASSERT_IPC_ERR(ipc_mq_server_create(&s, base, 2, NULL), steps[k].err);
        ASSERT_FIRED(steps[k].point, 1);
        ipcf_disarm_all();
        ASSERT_NULL(s);
        ASSERT_EQ(ipct_lowest_free_fd(), low);
        ASSERT_EQ(owner_exists(base), 1); /* the dead server's, still there to take over */
    }
    ASSERT_IPC_OK(ipc_mq_server_create(&s, base, 2, NULL));
    ASSERT_IPC_OK(ipc_mq_server_destroy(s));
    srv_assert_none(base, 2);
    ASSERT_EQ(owner_exists(base), 0);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_mq_fault_13_owner_lock_enolck),
    IPCF_TEST(fault_mq_fault_13_takeover_calls_fail),
};

IPCT_MAIN("mq_crash_faults", tests)
