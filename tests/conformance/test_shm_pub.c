/* SPDX-License-Identifier: MIT */
/*
 * test_shm_pub.c - the publisher/subscriber pair built on the seqlock board
 * with message queue notifications: creating and destroying the board and
 * its queues, updates that notify every subscriber, a full queue that never
 * blocks, the closing record, subscribers' refusals, bad notifications, and
 * subscribers in other processes (impl/include/ipcspec/shm_board.h).
 *
 * Spec: SHM-PUB-01..08 (spec/shm.md).
 * See also: impl/src/shm_pubsub.c, test_shm_board.c (the board itself),
 *           test_shm_demo.c, tests/fault/fault_shm_pubsub.c.
 */
#include "shm_helpers.h"
#include "ipcspec/shm_board.h"

#include <limits.h>
#include <mqueue.h>
#include <stdio.h>

static int name_exists(const char *dir, const char *name)
{
    char path[300];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", dir, name + 1);
    return stat(path, &st) == 0;
}

static int queue_exists(const char *base, int i)
{
    char name[128];

    snprintf(name, sizeof name, "%s-sub-%d", base, i);
    return name_exists("/dev/mqueue", name);
}

/* SHM-PUB-01 create makes the board and one queue per subscriber; destroy removes them all */
static void test_shm_pub_01_create_and_destroy(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p = NULL;
    (void)state;

    int next = ipct_lowest_free_fd();
    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 3, 100));
    ASSERT_NOT_NULL(p);
    ASSERT_TRUE(name_exists("/dev/shm", base));
    for (int i = 0; i < 3; i++)
        ASSERT_TRUE(queue_exists(base, i));
    ASSERT_FALSE(queue_exists(base, 3));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
    ASSERT_FALSE(name_exists("/dev/shm", base));
    for (int i = 0; i < 3; i++)
        ASSERT_FALSE(queue_exists(base, i));
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_IPC_ERR(ipc_shm_pub_destroy(NULL), EINVAL);
}

/* SHM-PUB-02 create refuses bad arguments and existing names, leaving nothing of its own */
static void test_shm_pub_02_create_refusals(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p = NULL;
    char longbase[NAME_MAX + 2];
    (void)state;

    ASSERT_IPC_ERR(ipc_shm_pub_create(NULL, base, 1, 8), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_pub_create(&p, base, 0, 8), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_pub_create(&p, base, IPC_SHM_PUB_MAX_SUBS + 1, 8), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_pub_create(&p, base, 1, 0), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_pub_create(&p, base, 1, IPC_SHM_BOARD_MAX_CAPACITY + 1), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_pub_create(&p, "bad", 1, 8), EINVAL);
    longbase[0] = '/';
    memset(longbase + 1, 'l', NAME_MAX);
    longbase[NAME_MAX + 1] = '\0'; /* valid itself, but "<base>-sub-0" is too long */
    ASSERT_IPC_ERR(ipc_shm_pub_create(&p, longbase, 1, 8), ENAMETOOLONG);
    ASSERT_NULL(p);
    /* An existing board: -EEXIST, and it stays. */
    int fd = shm_new(base, 0600, 8);
    ASSERT_IPC_ERR(ipc_shm_pub_create(&p, base, 2, 8), EEXIST);
    ASSERT_EQ(object_size(fd), 8);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(base));
    /* An existing second queue: -EEXIST, the board and the first queue go again. */
    char qname[128];
    snprintf(qname, sizeof qname, "%s-sub-1", base);
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
    mqd_t q = (mqd_t)ASSERT_SYS_OK(mq_open(qname, O_RDWR | O_CREAT | O_EXCL, 0600, &attr));
    ASSERT_IPC_ERR(ipc_shm_pub_create(&p, base, 2, 8), EEXIST);
    ASSERT_FALSE(name_exists("/dev/shm", base));
    ASSERT_FALSE(queue_exists(base, 0));
    ASSERT_TRUE(queue_exists(base, 1));
    mq_close(q);
    ASSERT_SYS_OK(mq_unlink(qname));
    ASSERT_NULL(p);
}

/* SHM-PUB-03 after each update every subscriber is notified with the new version and reads that record */
static void test_shm_pub_03_update_notifies_every_subscriber(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *subs[3];
    struct ipc_shm_snapshot snap;
    char buf[32];
    (void)state;

    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 3, 32));
    for (int i = 0; i < 3; i++)
        ASSERT_IPC_OK(ipc_shm_sub_open(&subs[i], base, i));
    static const char *texts[] = { "one", "two", "three" };
    for (int k = 0; k < 3; k++) {
        ASSERT_EQ(ipc_shm_pub_update(p, texts[k], strlen(texts[k])), k + 1);
        for (int i = 0; i < 3; i++) {
            ASSERT_EQ(ipc_shm_sub_wait(subs[i], ipct_deadline_ms()), k + 1);
            ssize_t n = ASSERT_IPC_OK(ipc_shm_sub_read(subs[i], buf, sizeof buf, &snap));
            ASSERT_EQ(n, strlen(texts[k]));
            ASSERT_MEM_EQ(buf, texts[k], (size_t)n);
            ASSERT_EQ(snap.version, k + 1);
        }
    }
    for (int i = 0; i < 3; i++)
        ASSERT_IPC_OK(ipc_shm_sub_close(subs[i]));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

/* SHM-PUB-04 a subscriber's full queue is no error: the update goes on, and after its notifications it reads the last record */
static void test_shm_pub_04_full_queue_never_blocks(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *s;
    struct ipc_shm_snapshot snap;
    char buf[16];
    (void)state;

    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 1, 16));
    ASSERT_IPC_OK(ipc_shm_sub_open(&s, base, 0));
    enum { UPDATES = IPC_SHM_PUB_QUEUE_DEPTH + 3 };
    for (int k = 1; k <= UPDATES; k++) {
        snprintf(buf, sizeof buf, "v%d", k);
        ASSERT_EQ(ipc_shm_pub_update(p, buf, strlen(buf)), k);
    }
    for (int k = 1; k <= IPC_SHM_PUB_QUEUE_DEPTH; k++)
        ASSERT_EQ(ipc_shm_sub_wait(s, 0), k);
    ASSERT_IPC_ERR(ipc_shm_sub_wait(s, 0), ETIMEDOUT); /* the rest were not queued */
    ssize_t n = ASSERT_IPC_OK(ipc_shm_sub_read(s, buf, sizeof buf, &snap));
    ASSERT_EQ(snap.version, UPDATES);
    ASSERT_MEM_EQ(buf, "v7", (size_t)n);
    ASSERT_IPC_OK(ipc_shm_sub_close(s));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

/* SHM-PUB-05 the publisher's closing record carries the closed flag, and an oversized record is refused */
static void test_shm_pub_05_close_record_and_msgsize(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *s;
    struct ipc_shm_snapshot snap;
    char buf[8];
    (void)state;

    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 1, 8));
    ASSERT_IPC_OK(ipc_shm_sub_open(&s, base, 0));
    ASSERT_IPC_ERR(ipc_shm_pub_update(p, "123456789", 9), EMSGSIZE);
    ASSERT_IPC_ERR(ipc_shm_sub_wait(s, 0), ETIMEDOUT); /* nobody was notified */
    ASSERT_EQ(ipc_shm_pub_close(p, "bye", 3), 1);
    ASSERT_EQ(ipc_shm_sub_wait(s, 0), 1);
    ASSERT_EQ(ipc_shm_sub_read(s, buf, sizeof buf, &snap), 3);
    ASSERT_EQ(snap.closed, 1);
    ASSERT_IPC_OK(ipc_shm_sub_close(s));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
    ASSERT_IPC_ERR(ipc_shm_sub_close(NULL), EINVAL);
}

/* SHM-PUB-06 a subscriber cannot open before its publisher, past the index range, or onto an object that is no board */
static void test_shm_pub_06_subscriber_open_refusals(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_sub *s = NULL;
    char qname[128];
    (void)state;

    int next = ipct_lowest_free_fd();
    ASSERT_IPC_ERR(ipc_shm_sub_open(&s, base, 0), ENOENT);
    ASSERT_IPC_ERR(ipc_shm_sub_open(&s, base, -1), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_sub_open(&s, base, IPC_SHM_PUB_MAX_SUBS), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_sub_open(NULL, base, 0), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_sub_open(&s, "bad", 0), EINVAL);
    /* A queue, but an object of zeros: -EPROTO; then no object: -ENOENT. */
    snprintf(qname, sizeof qname, "%s-sub-0", base);
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
    close((int)ASSERT_SYS_OK(mq_open(qname, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr)));
    ASSERT_IPC_ERR(ipc_shm_sub_open(&s, base, 0), ENOENT);
    close(shm_new(base, 0600, 4096));
    ASSERT_IPC_ERR(ipc_shm_sub_open(&s, base, 0), EPROTO);
    ASSERT_NULL(s);
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_SYS_OK(mq_unlink(qname));
    ASSERT_SYS_OK(shm_unlink(base));
}

/* SHM-PUB-07 a notification that is not a version is refused with -EPROTO */
static void test_shm_pub_07_bad_notification_eproto(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *s;
    char qname[128];
    const uint64_t zero = 0;
    (void)state;

    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 1, 8));
    ASSERT_IPC_OK(ipc_shm_sub_open(&s, base, 0));
    snprintf(qname, sizeof qname, "%s-sub-0", base);
    mqd_t q = (mqd_t)ASSERT_SYS_OK(mq_open(qname, O_WRONLY | O_CLOEXEC));
    ASSERT_SYS_OK(mq_send(q, "x", 1, 0));
    ASSERT_SYS_OK(mq_send(q, (const char *)&zero, sizeof zero, 0));
    ASSERT_IPC_ERR(ipc_shm_sub_wait(s, -1), EPROTO);
    ASSERT_IPC_ERR(ipc_shm_sub_wait(s, -1), EPROTO);
    mq_close(q);
    ASSERT_IPC_OK(ipc_shm_sub_close(s));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

struct follower {
    const char *base;
    int index;
};

/* In a child: follow the board until closed; versions must never go back,
 * and the last record must be "final". */
static void follow_child(void *arg)
{
    struct follower *f = arg;
    struct ipc_shm_sub *s;
    struct ipc_shm_snapshot snap;
    uint64_t last = 0;
    char buf[16];

    ASSERT_IPC_OK(ipc_shm_sub_open(&s, f->base, f->index));
    ipct_child_ready();
    for (;;) {
        ASSERT_IPC_OK(ipc_shm_sub_wait(s, -1));
        ASSERT_IPC_OK(ipc_shm_sub_read(s, buf, sizeof buf, &snap));
        ASSERT_GE(snap.version, last);
        last = snap.version;
        if (snap.closed)
            break;
    }
    ASSERT_IPC_OK(ipc_shm_sub_close(s));
    ASSERT_MEM_EQ(buf, "final", 5);
}

/* SHM-PUB-08 subscribers in other processes follow the publisher to its closing record */
static void test_shm_pub_08_subscriber_processes_follow(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p;
    struct follower f[3];
    pid_t pids[3];
    char buf[16];
    (void)state;

    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 3, 16));
    for (int i = 0; i < 3; i++) {
        f[i] = (struct follower){ base, i };
        pids[i] = ipct_spawn(follow_child, &f[i]);
        ipct_await_ready(pids[i]);
    }
    for (int k = 1; k <= 50; k++) {
        snprintf(buf, sizeof buf, "update %d", k);
        ASSERT_EQ(ipc_shm_pub_update(p, buf, strlen(buf)), k);
    }
    ASSERT_EQ(ipc_shm_pub_close(p, "final", 5), 51);
    for (int i = 0; i < 3; i++)
        assert_child_exited(pids[i], 0);
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_pub_01_create_and_destroy),
    IPCT_TEST(test_shm_pub_02_create_refusals),
    IPCT_TEST(test_shm_pub_03_update_notifies_every_subscriber),
    IPCT_TEST(test_shm_pub_04_full_queue_never_blocks),
    IPCT_TEST(test_shm_pub_05_close_record_and_msgsize),
    IPCT_TEST(test_shm_pub_06_subscriber_open_refusals),
    IPCT_TEST(test_shm_pub_07_bad_notification_eproto),
    IPCT_TEST(test_shm_pub_08_subscriber_processes_follow),
};

IPCT_MAIN("shm_pub", tests)
