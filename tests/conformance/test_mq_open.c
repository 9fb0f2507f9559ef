/* SPDX-License-Identifier: MIT */
/*
 * test_mq_open.c - opening message queues: access modes, other processes,
 * fork and exec, the descriptor limit.
 *
 * Spec: MQ-OPEN-01..10, MQ-LIMIT-05 (spec/mq.md). Raw mq_* calls: behaviours
 *       of the host, not of impl/.
 * See also: test_mq_name.c (names, exclusive creation), test_mq_attr.c
 *           (attributes, creation, limits), test_mq_unlink.c (unlink, close,
 *           permissions), tests/lib/fdcheck.c (MQ-OPEN-09), mq_helpers.h.
 */
#include "mq_helpers.h"

#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <unistd.h>

/* MQ-OPEN-01 a second mq_open of the name reaches the queue the first created */
static void test_mq_open_01_second_open_reaches_same_queue(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    mqd_t created = mqt_create_queue(name, 0);
    mqd_t again = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDONLY));
    ASSERT_NE(again, created);
    ASSERT_SYS_OK(mq_send(created, "hello", 5, 3));
    mqt_assert_receives(again, "hello", 3);
    ASSERT_SYS_OK(mq_close(again));
    ASSERT_SYS_OK(mq_close(created));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-OPEN-02 without O_CREAT, a name that does not exist fails with ENOENT */
static void test_mq_open_02_missing_name_enoent(void **state)
{
    const char *name = ipct_ipc_name("mq");
    int free_fd = ipct_lowest_free_fd();
    (void)state;

    ASSERT_SYS_ERR(mq_open(name, O_RDWR), ENOENT);
    ASSERT_EQ(ipct_lowest_free_fd(), free_fd);
}

/* MQ-OPEN-03 a descriptor opened O_RDONLY receives but refuses mq_send with EBADF */
static void test_mq_open_03_rdonly_send_ebadf(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    mqd_t rw = mqt_create_queue(name, 0);
    mqd_t ro = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDONLY));
    ASSERT_SYS_ERR(mq_send(ro, "x", 1, 0), EBADF);
    ASSERT_EQ(mqt_queued(rw), 0);
    ASSERT_SYS_OK(mq_send(rw, "y", 1, 0));
    mqt_assert_receives(ro, "y", 0);
    ASSERT_SYS_OK(mq_close(ro));
    ASSERT_SYS_OK(mq_close(rw));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-OPEN-04 a descriptor opened O_WRONLY sends but refuses mq_receive with EBADF */
static void test_mq_open_04_wronly_receive_ebadf(void **state)
{
    const char *name = ipct_ipc_name("mq");
    char buf[MQT_MSGSIZE];
    (void)state;

    mqd_t rw = mqt_create_queue(name, 0);
    mqd_t wo = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_WRONLY));
    ASSERT_SYS_OK(mq_send(wo, "z", 1, 2));
    ASSERT_SYS_ERR(mq_receive(wo, buf, sizeof buf, NULL), EBADF);
    ASSERT_EQ(mqt_queued(rw), 1); /* the refused receive took nothing */
    mqt_assert_receives(rw, "z", 2);
    ASSERT_SYS_OK(mq_close(wo));
    ASSERT_SYS_OK(mq_close(rw));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-OPEN-05 a descriptor opened O_RDWR both sends and receives */
static void test_mq_open_05_rdwr_sends_and_receives(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_SYS_OK(mq_close(mqt_create_queue(name, 0)));
    mqd_t rw = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDWR));
    ASSERT_SYS_OK(mq_send(rw, "both", 4, 1));
    mqt_assert_receives(rw, "both", 1);
    ASSERT_SYS_OK(mq_close(rw));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* In a child: open the queue arg names, receive "ping", answer "pong". */
static void answer_ping(void *arg)
{
    mqd_t q = (mqd_t)ASSERT_SYS_OK(mq_open(arg, O_RDWR));

    mqt_assert_receives(q, "ping", 0);
    ASSERT_SYS_OK(mq_send(q, "pong", 4, 0));
    ASSERT_SYS_OK(mq_close(q));
}

/* MQ-OPEN-06 another process opening the name reaches the same queue */
static void test_mq_open_06_other_process_same_queue(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    mqd_t q = mqt_create_queue(name, 0);
    ASSERT_SYS_OK(mq_send(q, "ping", 4, 0));
    assert_child_exited(ipct_spawn(answer_ping, (void *)name), 0);
    mqt_assert_receives(q, "pong", 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-OPEN-07 mq_open neither adds nor removes messages */
static void test_mq_open_07_open_leaves_messages(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr attr = { .mq_maxmsg = MQT_MAXMSG, .mq_msgsize = MQT_MSGSIZE };
    (void)state;

    mqd_t q = mqt_create_queue(name, 0);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    ASSERT_SYS_OK(mq_send(q, "b", 1, 0));
    mqd_t plain = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDONLY));
    mqd_t creat = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CREAT, 0600, &attr));
    ASSERT_EQ(mqt_queued(q), 2);
    ASSERT_EQ(mqt_queued(plain), 2);
    ASSERT_EQ(mqt_queued(creat), 2);
    ASSERT_SYS_OK(mq_close(creat));
    ASSERT_SYS_OK(mq_close(plain));
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* In a forked child, on the inherited descriptor *arg: receive "ping",
 * send "pong", turn O_NONBLOCK on. */
static void use_inherited(void *arg)
{
    mqd_t q = *(mqd_t *)arg;
    struct mq_attr nb = { .mq_flags = O_NONBLOCK };

    mqt_assert_receives(q, "ping", 0);
    ASSERT_SYS_OK(mq_send(q, "pong", 4, 0));
    ASSERT_SYS_OK(mq_setattr(q, &nb, NULL));
}

/* MQ-OPEN-08 a forked child inherits working descriptors that share mq_flags */
static void test_mq_open_08_fork_inherits_shared_descriptor(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr attr;
    (void)state;

    mqd_t q = mqt_create_queue(name, 0);
    ASSERT_SYS_OK(mq_send(q, "ping", 4, 0));
    assert_child_exited(ipct_spawn(use_inherited, &q), 0);
    ASSERT_SYS_OK(mq_getattr(q, &attr));
    ASSERT_EQ(attr.mq_flags, O_NONBLOCK); /* set by the child */
    mqt_assert_receives(q, "pong", 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* Exec ipcspec-fdcheck on fd; it exits 0 when fd is closed, 1 when open. */
static pid_t exec_fdcheck(int fd)
{
    char *prog = IPCSPEC_FDCHECK;
    char arg[16];
    char *argv[] = { prog, arg, NULL };

    snprintf(arg, sizeof arg, "%d", fd);
    return ipct_spawn_exec(argv, -1, -1, -1);
}

/* MQ-OPEN-09 queue descriptors are closed across exec, with or without O_CLOEXEC */
static void test_mq_open_09_closed_across_exec(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    mqd_t plain = mqt_create_queue(name, 0);
    mqd_t cloexec = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CLOEXEC));
    ASSERT_TRUE(ASSERT_SYS_OK(fcntl(plain, F_GETFD)) & FD_CLOEXEC); /* not asked for */
    assert_child_exited(exec_fdcheck(plain), 0);
    assert_child_exited(exec_fdcheck(cloexec), 0);
    ASSERT_SYS_OK(mq_close(cloexec));
    ASSERT_SYS_OK(mq_close(plain));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-OPEN-10 on an existing queue, the access mode O_WRONLY|O_RDWR fails with EINVAL */
static void test_mq_open_10_both_access_bits_einval(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    mqd_t q = mqt_create_queue(name, 0);
    int free_fd = ipct_lowest_free_fd();
    ASSERT_SYS_ERR(mq_open(name, O_WRONLY | O_RDWR), EINVAL);
    ASSERT_EQ(ipct_lowest_free_fd(), free_fd);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

enum { SPARE_FDS = 5 };

/* In a child with SPARE_FDS descriptor numbers free under RLIMIT_NOFILE:
 * open the queue arg names SPARE_FDS times; the next open fails with EMFILE. */
static void open_until_emfile(void *arg)
{
    ipct_leave_free_fds(SPARE_FDS);
    for (int i = 0; i < SPARE_FDS; i++)
        ASSERT_SYS_OK(mq_open(arg, O_RDONLY));
    ASSERT_SYS_ERR(mq_open(arg, O_RDONLY), EMFILE); /* the descriptors close as the child exits */
}

/* MQ-LIMIT-05 mq_open takes every free descriptor slot, then fails with EMFILE */
static void test_mq_limit_05_rlimit_nofile_emfile(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_SYS_OK(mq_close(mqt_create_queue(name, 0)));
    assert_child_exited(ipct_spawn(open_until_emfile, (void *)name), 0);
    ASSERT_SYS_OK(mq_unlink(name));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_open_01_second_open_reaches_same_queue),
    IPCT_TEST(test_mq_open_02_missing_name_enoent),
    IPCT_TEST(test_mq_open_03_rdonly_send_ebadf),
    IPCT_TEST(test_mq_open_04_wronly_receive_ebadf),
    IPCT_TEST(test_mq_open_05_rdwr_sends_and_receives),
    IPCT_TEST(test_mq_open_06_other_process_same_queue),
    IPCT_TEST(test_mq_open_07_open_leaves_messages),
    IPCT_TEST(test_mq_open_08_fork_inherits_shared_descriptor),
    IPCT_TEST(test_mq_open_09_closed_across_exec),
    IPCT_TEST(test_mq_open_10_both_access_bits_einval),
    IPCT_TEST(test_mq_limit_05_rlimit_nofile_emfile),
};

IPCT_MAIN("mq_open", tests)
