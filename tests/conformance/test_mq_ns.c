/* SPDX-License-Identifier: MIT */
/*
 * test_mq_ns.c - message queues and IPC namespaces: a queue belongs to the
 * IPC namespace it was made in, and each namespace has its own queue count
 * and queues_max. Every experiment runs in a child that calls
 * unshare(CLONE_NEWIPC); a host that refuses it skips with the errno.
 *
 * Spec: MQ-NS-01..03 (spec/mq.md).
 * See also: test_shm_ns.c (shared memory follows the mount namespace instead).
 */
#include "mq_helpers.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <mqueue.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define QUEUES_MAX "/proc/sys/fs/mqueue/queues_max"

static void new_ipc_namespace(void)
{
    if (unshare(CLONE_NEWIPC) == -1)
        IPCT_SKIP("unshare(CLONE_NEWIPC): %s: this host does not let the test make an IPC "
                  "namespace", ipct_errname(errno));
}

static mqd_t open_small(const char *name, int flags)
{
    struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 16 };

    return mq_open(name, flags | O_CLOEXEC, 0600, &a);
}

static void open_missing(void *arg)
{
    new_ipc_namespace();
    errno = 0;
    ASSERT_EQ(open_small(arg, O_RDONLY), (mqd_t)-1);
    ASSERT_ERRNO_EQ(errno, ENOENT);
}

/* MQ-NS-01 a queue made before unshare(CLONE_NEWIPC) is not visible in the new namespace */
static void test_mq_ns_01_invisible_after_unshare(void **state)
{
    (void)state;
    const char *name = ipct_ipc_name("mq");
    mqd_t q = (mqd_t)ASSERT_SYS_OK(open_small(name, O_RDWR | O_CREAT | O_EXCL));

    assert_child_exited(ipct_spawn(open_missing, (void *)name), 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

static void same_name_own_queue(void *arg)
{
    new_ipc_namespace();
    mqd_t q = (mqd_t)ASSERT_SYS_OK(open_small(arg, O_RDWR | O_CREAT | O_EXCL));
    ASSERT_SYS_OK(mq_send(q, "inner", 5, 0));
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(arg));
}

/* MQ-NS-02 a new IPC namespace may make a queue of a name in use outside it; the outer queue is untouched */
static void test_mq_ns_02_same_name_separate_queue(void **state)
{
    (void)state;
    const char *name = ipct_ipc_name("mq");
    mqd_t q = (mqd_t)ASSERT_SYS_OK(open_small(name, O_RDWR | O_CREAT | O_EXCL));

    assert_child_exited(ipct_spawn(same_name_own_queue, (void *)name), 0);
    ASSERT_EQ(mqt_queued(q), 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* Drop CAP_SYS_RESOURCE from the effective set: with it, queues_max does not bind. */
static void drop_sys_resource(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];

    ASSERT_SYS_OK(syscall(SYS_capget, &h, d));
    d[CAP_SYS_RESOURCE / 32].effective &= ~(1u << (CAP_SYS_RESOURCE % 32));
    ASSERT_SYS_OK(syscall(SYS_capset, &h, d));
}

static void one_queue_allowed(void *arg)
{
    char n2[128];

    new_ipc_namespace();
    drop_sys_resource();
    int fd = open(QUEUES_MAX, O_WRONLY | O_CLOEXEC);
    if (fd == -1)
        IPCT_SKIP("open " QUEUES_MAX " for writing in a new IPC namespace: %s",
                  ipct_errname(errno));
    ASSERT_EQ(ASSERT_SYS_OK(write(fd, "1\n", 2)), 2);
    ASSERT_SYS_OK(close(fd));
    ASSERT_EQ(ipct_read_long(QUEUES_MAX), 1);
    mqd_t q = (mqd_t)ASSERT_SYS_OK(open_small(arg, O_RDWR | O_CREAT | O_EXCL));
    snprintf(n2, sizeof n2, "%s-2", (const char *)arg);
    errno = 0;
    ASSERT_EQ(open_small(n2, O_RDWR | O_CREAT | O_EXCL), (mqd_t)-1);
    ASSERT_ERRNO_EQ(errno, ENOSPC);
    ASSERT_SYS_ERR(mq_open(n2, O_RDONLY), ENOENT); /* the refusal made nothing */
    /* The queue would die with the namespace; the test removes it all the same. */
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(arg));
}

/* MQ-NS-03 queues_max and the queue count belong to the namespace: a new one counts from zero, under its own limit */
static void test_mq_ns_03_queues_max_per_namespace(void **state)
{
    (void)state;
    long outer = ipct_read_long(QUEUES_MAX);
    const char *name = ipct_ipc_name("mq");
    mqd_t q = (mqd_t)ASSERT_SYS_OK(open_small(name, O_RDWR | O_CREAT | O_EXCL));

    /* the outer namespace holds a queue; the inner one may still make its one */
    assert_child_exited(ipct_spawn(one_queue_allowed, (void *)ipct_ipc_name("mq")), 0);
    ASSERT_EQ(ipct_read_long(QUEUES_MAX), outer);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_ns_01_invisible_after_unshare),
    IPCT_TEST(test_mq_ns_02_same_name_separate_queue),
    IPCT_TEST(test_mq_ns_03_queues_max_per_namespace),
};

IPCT_MAIN("mq_ns", tests)
