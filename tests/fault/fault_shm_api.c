/* SPDX-License-Identifier: MIT */
/*
 * fault_shm_api.c - ipcspec's shared memory layer when a call under it
 * fails: the call's errno back as a negative errno, and nothing left that
 * the failed operation made (no name, no descriptor, no mapping).
 *
 * Spec: SHM-FAULT-01..06 (spec/shm.md).
 * See also: impl/src/shm.c, tests/fault/preload/shm_points.c,
 * tests/conformance/test_shm_api.c.
 */
#include "fault.h"
#include "ipcspec/shm.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* True when /proc/self/maps lists a mapping of a path containing text. */
static int mapped(const char *text)
{
    static char maps[65536];

    ipct_read_text("/proc/self/maps", maps, sizeof maps);
    return strstr(maps, text) != NULL;
}

static int name_exists(const char *name)
{
    char path[300];
    struct stat st;

    snprintf(path, sizeof path, "/dev/shm/%s", name + 1);
    return stat(path, &st) == 0;
}

struct step {
    const char *point;
    int err;
};

/* SHM-FAULT-01 ipc_shm_create returns the error of whichever call failed and leaves no name, descriptor or mapping */
static void fault_shm_fault_01_create_each_call(void **state)
{
    static const struct step steps[] = {
        { "posix/shm/open", EMFILE }, { "posix/shm/open", ENOSPC },
        { "posix/io/rw/ftruncate", EFBIG }, { "posix/mm/mmap", ENOMEM },
        { "posix/io/oc/close", EIO },
    };
    struct ipc_shm_map m = { 0 };
    (void)state;

    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        const char *name = ipct_ipc_name("shm");
        int next = ipct_lowest_free_fd();
        ipcf_fail_nth(steps[k].point, 1, steps[k].err);
        ASSERT_IPC_ERR(ipc_shm_create(name, 8192, 0600, &m), steps[k].err);
        ASSERT_FIRED(steps[k].point, 1);
        ipcf_disarm_all();
        if (strcmp(steps[k].point, "posix/io/oc/close") == 0)
            close(next); /* an injected close is not made: the test closes it */
        ASSERT_EQ(ipct_lowest_free_fd(), next);
        ASSERT_FALSE(name_exists(name));
        ASSERT_FALSE(mapped(name + 1));
        ASSERT_NULL(m.addr);
    }
}

/* SHM-FAULT-02 ipc_shm_open returns the error of whichever call failed and leaves no descriptor or mapping */
static void fault_shm_fault_02_open_each_call(void **state)
{
    static const struct step steps[] = {
        { "posix/shm/open", EACCES }, { "posix/io/stat/fstat", EIO },
        { "posix/mm/mmap", ENOMEM }, { "posix/io/oc/close", EIO },
    };
    const char *name = ipct_ipc_name("shm");
    struct ipc_shm_map made, m = { 0 };
    (void)state;

    ASSERT_IPC_OK(ipc_shm_create(name, 4096, 0600, &made));
    memcpy(made.addr, "kept", 4);
    ASSERT_IPC_OK(ipc_shm_unmap(&made));
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        int next = ipct_lowest_free_fd();
        ipcf_fail_nth(steps[k].point, 1, steps[k].err);
        ASSERT_IPC_ERR(ipc_shm_open(name, 0, &m), steps[k].err);
        ASSERT_FIRED(steps[k].point, 1);
        ipcf_disarm_all();
        if (strcmp(steps[k].point, "posix/io/oc/close") == 0)
            close(next);
        ASSERT_EQ(ipct_lowest_free_fd(), next);
        ASSERT_FALSE(mapped(name + 1));
        ASSERT_NULL(m.addr);
    }
    ASSERT_IPC_OK(ipc_shm_open(name, IPC_SHM_RDONLY, &m)); /* the object is as it was */
    ASSERT_MEM_EQ(m.addr, "kept", 4);
    ASSERT_IPC_OK(ipc_shm_unmap(&m));
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-FAULT-03 ipc_shm_map_file returns the error of whichever call failed and leaves no descriptor or mapping */
static void fault_shm_fault_03_map_file_each_call(void **state)
{
    static const struct step steps[] = {
        { "posix/io/oc/open", EACCES }, { "posix/mm/mmap", ENOMEM },
        { "posix/io/oc/close", EIO },
    };
    const char *path = ipct_path("mapped-file");
    struct ipc_shm_map m = { 0 };
    (void)state;

    int fd = (int)ASSERT_SYS_OK(open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_SYS_OK(ftruncate(fd, 8192));
    close(fd);
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        int next = ipct_lowest_free_fd();
        ipcf_fail_nth(steps[k].point, 1, steps[k].err);
        ASSERT_IPC_ERR(ipc_shm_map_file(path, 100, 5000, 0, &m), steps[k].err);
        ASSERT_FIRED(steps[k].point, 1);
        ipcf_disarm_all();
        if (strcmp(steps[k].point, "posix/io/oc/close") == 0)
            close(next);
        ASSERT_EQ(ipct_lowest_free_fd(), next);
        ASSERT_FALSE(mapped("mapped-file"));
        ASSERT_NULL(m.addr);
    }
}

/* SHM-FAULT-04 ipc_shm_unmap returns munmap's error and keeps the mapping and the map as they were */
static void fault_shm_fault_04_unmap_einval_keeps_mapping(void **state)
{
    const char *name = ipct_ipc_name("shm");
    struct ipc_shm_map m;
    (void)state;

    ASSERT_IPC_OK(ipc_shm_create(name, 4096, 0600, &m));
    struct ipc_shm_map before = m;
    ipcf_fail_nth("posix/mm/munmap/error", 1, EINVAL);
    ASSERT_IPC_ERR(ipc_shm_unmap(&m), EINVAL);
    ASSERT_FIRED("posix/mm/munmap/error", 1);
    ASSERT_MEM_EQ(&m, &before, sizeof m);
    memcpy(m.addr, "usable", 6); /* still mapped */
    ASSERT_TRUE(mapped(name + 1));
    ASSERT_IPC_OK(ipc_shm_unmap(&m));
    ASSERT_FALSE(mapped(name + 1));
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-FAULT-05 ipc_shm_unlink returns shm_unlink's error, EPERM as -EACCES, and the name stays */
static void fault_shm_fault_05_unlink_error_name_stays(void **state)
{
    static const struct step steps[] = {
        { "posix/shm/unlink", EACCES }, { "posix/shm/unlink", EPERM },
        { "posix/shm/unlink", EBUSY },
    };
    const char *name = ipct_ipc_name("shm");
    struct ipc_shm_map m;
    (void)state;

    ASSERT_IPC_OK(ipc_shm_create(name, 4096, 0600, &m));
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        ipcf_fail_nth(steps[k].point, 1, steps[k].err);
        ASSERT_IPC_ERR(ipc_shm_unlink(name), steps[k].err == EPERM ? EACCES : steps[k].err);
        ASSERT_FIRED(steps[k].point, 1);
        ipcf_disarm_all();
        ASSERT_TRUE(name_exists(name));
    }
    ASSERT_IPC_OK(ipc_shm_unlink(name));
    ASSERT_IPC_OK(ipc_shm_unmap(&m));
}

/* SHM-FAULT-06 arguments the layer refuses itself never reach a call */
static void fault_shm_fault_06_refusals_make_no_call(void **state)
{
    static const char *points[] = { "posix/shm/open", "posix/mm/mmap", "posix/io/oc/open",
                                    "posix/shm/unlink", "posix/mm/munmap/error" };
    struct ipc_shm_map m = { 0 };
    (void)state;

    for (size_t k = 0; k < sizeof points / sizeof points[0]; k++)
        ipcf_fail_from(points[k], 1, EIO);
    ASSERT_IPC_ERR(ipc_shm_create("bad", 10, 0600, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_create(ipct_ipc_name("shm"), 0, 0600, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_open("/a/b", 0, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_open(ipct_ipc_name("shm"), 8, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_map_file("/dev/null", -1, 10, 0, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_unlink(""), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_unmap(&m), EINVAL);
    for (size_t k = 0; k < sizeof points / sizeof points[0]; k++)
        ASSERT_EQ(ipcf_calls(points[k]), 0);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_shm_fault_01_create_each_call),
    IPCF_TEST(fault_shm_fault_02_open_each_call),
    IPCF_TEST(fault_shm_fault_03_map_file_each_call),
    IPCF_TEST(fault_shm_fault_04_unmap_einval_keeps_mapping),
    IPCF_TEST(fault_shm_fault_05_unlink_error_name_stays),
    IPCF_TEST(fault_shm_fault_06_refusals_make_no_call),
};

IPCT_MAIN("shm_api_faults", tests)
