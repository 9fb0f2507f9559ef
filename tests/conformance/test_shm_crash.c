/* SPDX-License-Identifier: MIT */
/*
 * test_shm_crash.c - the publisher/subscriber board when the publisher
 * dies: subscribers learn of the death instead of waiting or spinning for
 * ever, a write cut off in the middle is recognised as abandoned, and a
 * later publisher takes over what a dead one left, never what a live one
 * holds.
 *
 * Spec: SHM-PUB-09..11 (spec/shm.md).
 * See also: impl/src/shm_pubsub.c, impl/include/ipcspec/shm_board.h,
 * test_shm_pub.c (the ordinary contract).
 */
#include "shm_helpers.h"
#include "ipcspec/shm.h"
#include "ipcspec/shm_board.h"

#include <signal.h>
#include <stdatomic.h>

static const char *child_base; /* set before the children fork */

/* A publisher for *(int *)arg subscribers under child_base: publishes "v1",
 * says ready, and waits to be killed. */
static void publisher_child(void *arg)
{
    struct ipc_shm_pub *p;
    char b;
    int never[2];

    ASSERT_SYS_OK(pipe(never));
    ASSERT_IPC_OK(ipc_shm_pub_create(&p, child_base, *(const int *)arg, 64));
    ASSERT_EQ(ipc_shm_pub_update(p, "v1", 2), 1);
    ipct_child_ready();
    ASSERT_SYS_OK(read(never[0], &b, 1)); /* nobody writes: killed in here */
}

/* Start publisher_child for nsubs under base; wait until it has published. */
static pid_t start_publisher(const char *base, const int *nsubs)
{
    child_base = base;
    pid_t pid = ipct_spawn(publisher_child, (void *)nsubs);
    ipct_await_ready(pid);
    return pid;
}

static void kill_publisher(pid_t pid)
{
    ASSERT_SYS_OK(kill(pid, SIGKILL));
    assert_child_signaled(pid, SIGKILL);
}

/* The subscriber's steps after its publisher's death, in a child: bounded
 * by ipct_wait however long they would take. */
static void after_death_waits(void *arg)
{
    struct ipc_shm_sub *s = arg;
    struct ipc_shm_snapshot snap;
    char rec[64];

    ASSERT_EQ(ipc_shm_sub_wait(s, -1), 1); /* what was sent before the death */
    ASSERT_EQ(ipc_shm_sub_read(s, rec, sizeof rec, &snap), 2);
    ASSERT_MEM_EQ(rec, "v1", 2);
    ASSERT_IPC_ERR(ipc_shm_sub_wait(s, -1), EOWNERDEAD);
}

/* SHM-PUB-09 a subscriber whose publisher died takes the notifications left,
 * then learns of the death */
static void test_shm_pub_09_dead_publisher_wait_eownerdead(void **state)
{
    static const int one = 1;
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_sub *s;
    (void)state;

    pid_t pub = start_publisher(base, &one);
    ASSERT_IPC_OK(ipc_shm_sub_open(&s, base, 0));
    kill_publisher(pub);
    ipct_wait(ipct_spawn(after_death_waits, s));
    ASSERT_IPC_OK(ipc_shm_sub_close(s));
    struct ipc_shm_pub *p; /* takes the dead one's objects over, and removes them */
    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 1, 64));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

static void abandoned_read(void *arg)
{
    struct ipc_shm_snapshot snap;
    char rec[64];

    ASSERT_IPC_ERR(ipc_shm_sub_read(arg, rec, sizeof rec, &snap), EOWNERDEAD);
}

/* SHM-PUB-10 a record whose writer died in the middle is recognised as abandoned */
static void test_shm_pub_10_abandoned_write_eownerdead(void **state)
{
    static const int one = 1;
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_map map;
    struct ipc_shm_sub *s;
    (void)state;

    pid_t pub = start_publisher(base, &one);
    ASSERT_IPC_OK(ipc_shm_sub_open(&s, base, 0));
    ASSERT_IPC_OK(ipc_shm_open(base, 0, &map));
    /* the seq word follows magic and capacity (shm_board.h): odd is a write begun */
    _Atomic uint64_t *seq = (_Atomic uint64_t *)((char *)map.addr + 8);
    ASSERT_EQ(atomic_fetch_add(seq, 1), 2);
    kill_publisher(pub);
    ipct_wait(ipct_spawn(abandoned_read, s));
    ASSERT_IPC_OK(ipc_shm_unmap(&map));
    ASSERT_IPC_OK(ipc_shm_sub_close(s));
    /* another publisher takes the dead one's objects over, and removes them */
    struct ipc_shm_pub *p;
    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 1, 64));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

/* SHM-PUB-11 a publisher takes over the board and queues a dead publisher left */
static void test_shm_pub_11_dead_publisher_taken_over(void **state)
{
    static const int two = 2;
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_snapshot snap;
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *s;
    char rec[64];
    (void)state;

    kill_publisher(start_publisher(base, &two));
    ASSERT_TRUE(shm_pub_part_exists("/dev/shm", base, -1));
    ASSERT_TRUE(shm_pub_part_exists("/dev/mqueue", base, 1));
    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 2, 64));
    ASSERT_IPC_OK(ipc_shm_sub_open(&s, base, 1));
    ASSERT_EQ(ipc_shm_pub_update(p, "again", 5), 1);
    ASSERT_EQ(ipc_shm_sub_wait(s, ipct_deadline_ms()), 1);
    ASSERT_EQ(ipc_shm_sub_read(s, rec, sizeof rec, &snap), 5);
    ASSERT_MEM_EQ(rec, "again", 5);
    ASSERT_IPC_OK(ipc_shm_sub_close(s));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

/* SHM-PUB-11 ... and never a live publisher's */
static void test_shm_pub_11_live_publisher_kept(void **state)
{
    static const int two = 2;
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p = NULL;
    (void)state;

    pid_t live = start_publisher(base, &two);
    ASSERT_IPC_ERR(ipc_shm_pub_create(&p, base, 2, 64), EADDRINUSE);
    ASSERT_NULL(p);
    ASSERT_TRUE(shm_pub_part_exists("/dev/shm", base, -1));
    ASSERT_TRUE(shm_pub_part_exists("/dev/mqueue", base, 0));
    ASSERT_TRUE(shm_pub_part_exists("/dev/mqueue", base, 1));
    kill_publisher(live);
    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 2, 64)); /* its owner dead: taken over */
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_pub_09_dead_publisher_wait_eownerdead),
    IPCT_TEST(test_shm_pub_10_abandoned_write_eownerdead),
    IPCT_TEST(test_shm_pub_11_dead_publisher_taken_over),
    IPCT_TEST(test_shm_pub_11_live_publisher_kept),
};

IPCT_MAIN("shm_crash", tests)
