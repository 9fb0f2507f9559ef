/* SPDX-License-Identifier: MIT */
/*
 * fault_shm_crash.c - the publisher's proof of life when the calls under it
 * fail: the board opened again and locked at creation, the subscriber's
 * own descriptor of the board, and its test of the lock in a wait and in a
 * read.
 *
 * Spec: SHM-FAULT-13 (spec/shm.md).
 * See also: impl/src/shm_pubsub.c, impl/src/owner_lock.c,
 * tests/conformance/test_shm_crash.c (the same without faults).
 */
#include "fault.h"
#include "../conformance/shm_helpers.h"
#include "ipcspec/shm.h"
#include "ipcspec/shm_board.h"

#include <stdatomic.h>

/* Neither the board nor a queue of base's first nsubs subscribers exists. */
static void assert_nothing_of(const char *base, int nsubs)
{
    ASSERT_FALSE(shm_pub_part_exists("/dev/shm", base, -1));
    for (int i = 0; i < nsubs; i++)
        ASSERT_FALSE(shm_pub_part_exists("/dev/mqueue", base, i));
}

/* SHM-FAULT-13 the publisher's lock failing: create returns its errno, nothing left */
static void fault_shm_fault_13_pub_lock_calls_fail(void **state)
{
    static const struct {
        const char *point;
        int nth, err;
    } steps[] = { { "posix/shm/open", 2, EMFILE }, { "posix/io/ctl/fcntl", 1, ENOLCK } };
    struct ipc_shm_pub *p = NULL;
    (void)state;

    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        const char *base = ipct_ipc_name("pub");
        int low = ipct_lowest_free_fd();
        ipcf_fail_nth(steps[k].point, steps[k].nth, steps[k].err);
        ASSERT_IPC_ERR(ipc_shm_pub_create(&p, base, 2, 16), steps[k].err);
        ASSERT_FIRED(steps[k].point, 1);
        ipcf_disarm_all();
        ASSERT_NULL(p);
        ASSERT_EQ(ipct_lowest_free_fd(), low);
        assert_nothing_of(base, 2);
    }
}

/* SHM-FAULT-13 the subscriber's descriptor and its test of the lock failing */
static void fault_shm_fault_13_sub_lock_calls_fail(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_snapshot snap;
    struct ipc_shm_map map;
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *s = NULL;
    char rec[16];
    (void)state;

    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 1, 16));
    int low = ipct_lowest_free_fd();
    ipcf_fail_nth("posix/shm/open", 2, EMFILE);
    ASSERT_IPC_ERR(ipc_shm_sub_open(&s, base, 0), EMFILE);
    ASSERT_FIRED("posix/shm/open", 1);
    ipcf_disarm_all();
    ASSERT_NULL(s);
    ASSERT_EQ(ipct_lowest_free_fd(), low);
    ASSERT_IPC_OK(ipc_shm_sub_open(&s, base, 0));
    ipcf_fail_nth("posix/io/ctl/fcntl", 1, ENOLCK); /* the wait finds no notification */
    ASSERT_IPC_ERR(ipc_shm_sub_wait(s, -1), ENOLCK);
    ASSERT_FIRED("posix/io/ctl/fcntl", 1);
    ipcf_disarm_all();
    /* a write in progress, as the publisher's own would leave it for a moment */
    ASSERT_IPC_OK(ipc_shm_open(base, 0, &map));
    _Atomic uint64_t *seq = (_Atomic uint64_t *)((char *)map.addr + 8);
    ASSERT_EQ(atomic_fetch_add(seq, 1), 0);
    ipcf_fail_nth("posix/io/ctl/fcntl", 1, ENOLCK);
    ASSERT_IPC_ERR(ipc_shm_sub_read(s, rec, sizeof rec, &snap), ENOLCK);
    ASSERT_FIRED("posix/io/ctl/fcntl", 1);
    ipcf_disarm_all();
    ASSERT_EQ(atomic_fetch_add(seq, 1), 1); /* the write finished: even again */
    ASSERT_EQ(ipc_shm_sub_read(s, rec, sizeof rec, &snap), 0);
    ASSERT_IPC_OK(ipc_shm_unmap(&map));
    ASSERT_IPC_OK(ipc_shm_sub_close(s));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_shm_fault_13_pub_lock_calls_fail),
    IPCF_TEST(fault_shm_fault_13_sub_lock_calls_fail),
};

IPCT_MAIN("shm_crash_faults", tests)
