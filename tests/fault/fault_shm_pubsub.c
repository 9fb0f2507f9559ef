/* SPDX-License-Identifier: MIT */
/*
 * fault_shm_pubsub.c - the publisher and its subscribers when a call under
 * them fails: the error comes back as a negative errno, a failed create or
 * open leaves nothing, a failed notification fails no other subscriber, a
 * failed teardown step stops no other.
 *
 * Spec: SHM-FAULT-07..12 (spec/shm.md).
 * See also: impl/src/shm_pubsub.c, tests/conformance/test_shm_pub.c.
 */
#include "fault.h"
#include "../conformance/shm_helpers.h"
#include "ipcspec/shm_board.h"

#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct step {
    const char *point;
    int nth;
    int err;
};

static void assert_nothing_of(const char *base, int nsubs)
{
    static char maps[65536];

    if (shm_pub_part_exists("/dev/shm", base, -1))
        IPCT_FAIL("the board %s was left", base);
    for (int i = 0; i < nsubs; i++) {
        if (shm_pub_part_exists("/dev/mqueue", base, i))
            IPCT_FAIL("queue %d of %s was left", i, base);
    }
    ipct_read_text("/proc/self/maps", maps, sizeof maps);
    if (strstr(maps, base + 1) != NULL)
        IPCT_FAIL("the board %s is still mapped", base);
}

/* SHM-FAULT-07 ipc_shm_pub_create returns the error of whichever call failed and leaves no object, descriptor or mapping */
static void fault_shm_fault_07_pub_create_each_call(void **state)
{
    static const struct step steps[] = {
        { "posix/shm/open", 1, EMFILE }, { "posix/io/rw/ftruncate", 1, ENOSPC }, { "posix/mm/mmap", 1, ENOMEM },
        { "posix/io/oc/close", 1, EIO }, { "posix/mq/open", 1, EMFILE },
        { "posix/mq/open", 2, ENOSPC }, { "posix/mq/open", 3, EACCES },
    };
    struct ipc_shm_pub *p = NULL;
    (void)state;

    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        const char *base = ipct_ipc_name("pub");
        int next = ipct_lowest_free_fd();
        ipcf_fail_nth(steps[k].point, steps[k].nth, steps[k].err);
        ASSERT_IPC_ERR(ipc_shm_pub_create(&p, base, 3, 64), steps[k].err);
        ASSERT_FIRED(steps[k].point, 1);
        ipcf_disarm_all();
        if (strcmp(steps[k].point, "posix/io/oc/close") == 0)
            close(next); /* an injected close is not made */
        ASSERT_EQ(ipct_lowest_free_fd(), next);
        ASSERT_NULL(p);
        assert_nothing_of(base, 3);
    }
}

/* valgrind replaces calloc with its own: libfiu's calloc point never fires under memcheck. */
static void skip_calloc_under_memcheck(void)
{
    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind replaces calloc, so libfiu's libc/mm/calloc point cannot fire under memcheck");
}

/* SHM-FAULT-07 ipc_shm_pub_create returns the error of whichever call failed and leaves no object, descriptor or mapping */
static void fault_shm_fault_07_pub_create_calloc_enomem(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p = NULL;
    (void)state;

    skip_calloc_under_memcheck();
    int next = ipct_lowest_free_fd();
    ipcf_fail_nth("libc/mm/calloc", 1, ENOMEM);
    ASSERT_IPC_ERR(ipc_shm_pub_create(&p, base, 3, 64), ENOMEM);
    ASSERT_FIRED("libc/mm/calloc", 1);
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_NULL(p);
    assert_nothing_of(base, 3);
}

/* SHM-FAULT-08 a notification that fails for one subscriber is returned, and every other subscriber is notified */
static void fault_shm_fault_08_update_send_fails_one(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *s[3];
    struct ipc_shm_snapshot snap;
    char buf[8];
    (void)state;

    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 3, 8));
    for (int i = 0; i < 3; i++)
        ASSERT_IPC_OK(ipc_shm_sub_open(&s[i], base, i));
    ipcf_fail_nth("posix/mq/send", 2, EBADF);
    ASSERT_IPC_ERR(ipc_shm_pub_update(p, "news", 4), EBADF);
    ASSERT_FIRED("posix/mq/send", 1);
    ASSERT_EQ(ipcf_calls("posix/mq/send"), 3);
    ipcf_disarm_all();
    ASSERT_EQ(ipc_shm_sub_wait(s[0], 0), 1);
    ASSERT_IPC_ERR(ipc_shm_sub_wait(s[1], 0), ETIMEDOUT);
    ASSERT_EQ(ipc_shm_sub_wait(s[2], 0), 1);
    ASSERT_EQ(ipc_shm_sub_read(s[1], buf, sizeof buf, &snap), 4); /* written all the same */
    ASSERT_EQ(snap.version, 1);
    for (int i = 0; i < 3; i++)
        ASSERT_IPC_OK(ipc_shm_sub_close(s[i]));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

/* SHM-FAULT-09 ipc_shm_pub_destroy returns the first failing step's error and still removes everything else */
static void fault_shm_fault_09_pub_destroy_each_step(void **state)
{
    static const struct step steps[] = {
        { "posix/mq/close", 2, EIO }, { "posix/mq/unlink", 1, EACCES },
        { "posix/mm/munmap/error", 1, EINVAL }, { "posix/shm/unlink", 1, EBUSY },
    };
    struct ipc_shm_pub *p;
    char qname[128];
    (void)state;

    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        const char *base = ipct_ipc_name("pub");
        int next = ipct_lowest_free_fd();
        ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 3, 8));
        ipcf_fail_nth(steps[k].point, steps[k].nth, steps[k].err);
        ASSERT_IPC_ERR(ipc_shm_pub_destroy(p), steps[k].err);
        ASSERT_FIRED(steps[k].point, 1);
        ipcf_disarm_all();
        if (k == 0)
            close(next + 2); /* queue 1's close was not made (next: the board's lock) */
        if (k == 1) {
            snprintf(qname, sizeof qname, "%s-sub-0", base);
            ASSERT_TRUE(shm_pub_part_exists("/dev/mqueue", base, 0)); /* only the failed one stays */
            ASSERT_SYS_OK(mq_unlink(qname));
        }
        if (k == 3) {
            ASSERT_TRUE(shm_pub_part_exists("/dev/shm", base, -1));
            ASSERT_SYS_OK(shm_unlink(base));
        }
        ASSERT_EQ(ipct_lowest_free_fd(), next);
        if (k != 2) /* a munmap that failed leaves the mapping */
            assert_nothing_of(base, 3);
    }
}

/* SHM-FAULT-10 ipc_shm_sub_open returns the error of whichever call failed and leaves nothing open or mapped */
static void fault_shm_fault_10_sub_open_each_call(void **state)
{
    static const struct step steps[] = {
        { "posix/mq/open", 1, EMFILE },
        { "posix/shm/open", 1, EACCES }, { "posix/io/stat/fstat", 1, EIO },
        { "posix/mm/mmap", 1, ENOMEM }, { "posix/io/oc/close", 1, EIO },
    };
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *s = NULL;
    static char maps[65536];
    (void)state;

    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 1, 8));
    ipct_read_text("/proc/self/maps", maps, sizeof maps);
    int maps_before = 0;
    for (const char *m = maps; (m = strstr(m, base + 1)) != NULL; m++)
        maps_before++;
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        int next = ipct_lowest_free_fd();
        ipcf_fail_nth(steps[k].point, steps[k].nth, steps[k].err);
        ASSERT_IPC_ERR(ipc_shm_sub_open(&s, base, 0), steps[k].err);
        ASSERT_FIRED(steps[k].point, 1);
        ipcf_disarm_all();
        if (strcmp(steps[k].point, "posix/io/oc/close") == 0)
            close(next + 1); /* the board's descriptor, after the queue's */
        ASSERT_EQ(ipct_lowest_free_fd(), next);
        ASSERT_NULL(s);
        ipct_read_text("/proc/self/maps", maps, sizeof maps);
        int maps_now = 0;
        for (const char *m = maps; (m = strstr(m, base + 1)) != NULL; m++)
            maps_now++;
        ASSERT_EQ(maps_now, maps_before); /* the publisher's only */
    }
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

/* SHM-FAULT-10 ipc_shm_sub_open returns the error of whichever call failed and leaves nothing open or mapped */
static void fault_shm_fault_10_sub_open_calloc_enomem(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *s = NULL;
    (void)state;

    skip_calloc_under_memcheck();
    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 1, 8));
    int next = ipct_lowest_free_fd();
    ipcf_fail_nth("libc/mm/calloc", 1, ENOMEM);
    ASSERT_IPC_ERR(ipc_shm_sub_open(&s, base, 0), ENOMEM);
    ASSERT_FIRED("libc/mm/calloc", 1);
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_NULL(s);
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

/* SHM-FAULT-11 ipc_shm_sub_close returns a failing munmap's or mq_close's error and still releases the rest */
static void fault_shm_fault_11_sub_close_errors(void **state)
{
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *s;
    (void)state;

    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 1, 8));
    int next = ipct_lowest_free_fd();
    ASSERT_IPC_OK(ipc_shm_sub_open(&s, base, 0));
    ipcf_fail_nth("posix/mm/munmap/error", 1, EINVAL);
    ASSERT_IPC_ERR(ipc_shm_sub_close(s), EINVAL);
    ASSERT_FIRED("posix/mm/munmap/error", 1);
    ipcf_disarm_all();
    ASSERT_EQ(ipct_lowest_free_fd(), next); /* the queue was closed all the same */
    ASSERT_IPC_OK(ipc_shm_sub_open(&s, base, 0));
    ipcf_fail_nth("posix/mq/close", 1, EIO);
    ASSERT_IPC_ERR(ipc_shm_sub_close(s), EIO);
    ASSERT_FIRED("posix/mq/close", 1);
    ipcf_disarm_all();
    close(next); /* the injected mq_close was not made */
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

/* SHM-FAULT-12 ipc_shm_sub_wait passes EINTR up as -EINTR without retrying, and the notification stays */
static void fault_shm_fault_12_sub_wait_eintr(void **state)
{
    static const struct step steps[] = {
        { "posix/mq/timedreceive", 1, EINTR }, { "posix/mq/timedreceive", 1, EINTR },
    };
    const char *base = ipct_ipc_name("pub");
    struct ipc_shm_pub *p;
    struct ipc_shm_sub *s;
    (void)state;

    ASSERT_IPC_OK(ipc_shm_pub_create(&p, base, 1, 8));
    ASSERT_IPC_OK(ipc_shm_sub_open(&s, base, 0));
    for (size_t k = 0; k < 2; k++) {
        int timeout = k == 0 ? ipct_deadline_ms() : -1;
        ASSERT_EQ(ipc_shm_pub_update(p, "x", 1), (int64_t)k + 1);
        ipcf_fail_nth(steps[k].point, 1, EINTR);
        ASSERT_IPC_ERR(ipc_shm_sub_wait(s, timeout), EINTR);
        ASSERT_FIRED(steps[k].point, 1);
        ASSERT_EQ(ipcf_calls(steps[k].point), 1);
        ipcf_disarm_all();
        ASSERT_EQ(ipc_shm_sub_wait(s, timeout), (int64_t)k + 1);
    }
    ASSERT_IPC_OK(ipc_shm_sub_close(s));
    ASSERT_IPC_OK(ipc_shm_pub_destroy(p));
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_shm_fault_07_pub_create_each_call),
    IPCF_TEST(fault_shm_fault_07_pub_create_calloc_enomem),
    IPCF_TEST(fault_shm_fault_08_update_send_fails_one),
    IPCF_TEST(fault_shm_fault_09_pub_destroy_each_step),
    IPCF_TEST(fault_shm_fault_10_sub_open_each_call),
    IPCF_TEST(fault_shm_fault_10_sub_open_calloc_enomem),
    IPCF_TEST(fault_shm_fault_11_sub_close_errors),
    IPCF_TEST(fault_shm_fault_12_sub_wait_eintr),
};

IPCT_MAIN("shm_pubsub_faults", tests)
