/* SPDX-License-Identifier: MIT */
/*
 * test_mq_ns.c - message queues and IPC namespaces: a queue belongs to the
 * IPC namespace it was made in, and each namespace has its own queue count
 * and queues_max; and, with a namespace's own mqueue file system mounted in
 * a private mount namespace, the permission its root directory gives to
 * create queues. Every experiment runs in a child that calls unshare; a host
 * that refuses it skips with the errno. Queues made inside a namespace die
 * with it, but each test removes its own all the same.
 *
 * Spec: MQ-NS-01..03, MQ-PERM-03 (spec/mq.md).
 * See also: test_shm_ns.c (shared memory follows the mount namespace instead).
 */
#include "mq_helpers.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <mqueue.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define QUEUES_MAX "/proc/sys/fs/mqueue/queues_max"
#define MQUEUE_DIR "/dev/mqueue"

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

/* In a child: new IPC and mount namespaces, / made private so that no
 * mount leaves them, and the new IPC namespace's own mqueue file system on
 * /dev/mqueue with its root directory made 0755: only root may create. */
static void private_queue_dir(void)
{
    struct stat st;

    if (unshare(CLONE_NEWIPC | CLONE_NEWNS) == -1)
        IPCT_SKIP("unshare(CLONE_NEWIPC | CLONE_NEWNS): %s: this host does not let the test "
                  "make the namespaces", ipct_errname(errno));
    ASSERT_SYS_OK(mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL));
    if (mount("mqueue", MQUEUE_DIR, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
        IPCT_SKIP("mount -t mqueue on " MQUEUE_DIR " in a private mount namespace: %s",
                  ipct_errname(errno));
    ASSERT_SYS_OK(chmod(MQUEUE_DIR, 0755)); /* the namespace's own root, no other */
    ASSERT_SYS_OK(stat(MQUEUE_DIR, &st));
    ASSERT_EQ(st.st_mode & 07777, 0755);
    ASSERT_EQ(st.st_uid, 0);
}

static void create_in_unwritable_dir(void *arg)
{
    private_queue_dir();
    ASSERT_IPC_OK(ipct_drop_privileges());
    ASSERT_SYS_ERR(open_small(arg, O_RDWR | O_CREAT | O_EXCL), EACCES);
    ASSERT_SYS_ERR(mq_open(arg, O_RDONLY), ENOENT); /* nothing was made */
}

/* MQ-PERM-03 creating a queue needs write permission on the queue directory; without it mq_open fails with EACCES */
static void test_mq_perm_03_unwritable_directory_create_eacces(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn(create_in_unwritable_dir, (void *)ipct_ipc_name("mq")), 0);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_ns_01_invisible_after_unshare),
    IPCT_TEST(test_mq_ns_02_same_name_separate_queue),
    IPCT_TEST(test_mq_ns_03_queues_max_per_namespace),
    IPCT_TEST(test_mq_perm_03_unwritable_directory_create_eacces),
};

IPCT_MAIN("mq_ns", tests)
