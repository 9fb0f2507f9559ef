/* SPDX-License-Identifier: MIT */
/*
 * test_shm_api.c - ipcspec's shared memory layer (impl/include/ipcspec/shm.h):
 * names, creating, opening, mapping a file region, unmapping, unlinking, and
 * the errors it returns without leaving anything behind.
 *
 * Spec: SHM-API-01..08 (spec/shm.md).
 * See also: impl/src/shm.c, tests/fault/fault_shm_api.c (failing calls).
 */
#include "shm_helpers.h"
#include "ipcspec/shm.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

/* SHM-API-01 ipc_shm_name_check accepts '/' and 1 to NAME_MAX bytes with no other '/' */
static void test_shm_api_01_name_check(void **state)
{
    char name[NAME_MAX + 3];
    (void)state;

    ASSERT_EQ(ipc_shm_name_check("/a"), 0);
    ASSERT_EQ(ipc_shm_name_check(ipct_ipc_name("shm")), 0);
    name[0] = '/';
    memset(name + 1, 'x', NAME_MAX + 1);
    name[NAME_MAX + 2] = '\0';
    ASSERT_EQ(ipc_shm_name_check(name), -ENAMETOOLONG);
    name[NAME_MAX + 1] = '\0';
    ASSERT_EQ(ipc_shm_name_check(name), 0);
    static const char *bad[] = { "", "/", "a", "a/b", "/a/b", "//" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (ipc_shm_name_check(bad[i]) != -EINVAL)
            IPCT_FAIL("ipc_shm_name_check(\"%s\") = %d, expected -EINVAL", bad[i],
                      ipc_shm_name_check(bad[i]));
    }
    ASSERT_EQ(ipc_shm_name_check(NULL), -EINVAL);
}

/* SHM-API-02 ipc_shm_create makes the named object of the size asked, zero-filled and mapped read-write and shared */
static void test_shm_api_02_create_maps_new_object(void **state)
{
    const char *name = ipct_ipc_name("shm");
    struct ipc_shm_map m;
    char buf[4] = "";
    struct stat st;
    (void)state;

    int next = ipct_lowest_free_fd();
    ASSERT_IPC_OK(ipc_shm_create(name, 5000, 0600, &m));
    ASSERT_EQ(ipct_lowest_free_fd(), next); /* no descriptor kept */
    ASSERT_EQ(m.len, 5000);
    ASSERT_EQ((uintptr_t)m.addr % page_size(), 0);
    for (size_t i = 0; i < m.len; i++) {
        if (((char *)m.addr)[i] != 0)
            IPCT_FAIL("byte %zu of a new segment is not 0", i);
    }
    memcpy(m.addr, "new", 3);
    int fd = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY, 0));
    ASSERT_SYS_OK(fstat(fd, &st));
    ASSERT_EQ(st.st_size, 5000);
    ASSERT_EQ(st.st_mode & 0077, 0);
    ASSERT_EQ(pread(fd, buf, 3, 0), 3);
    ASSERT_STR_EQ(buf, "new");
    close(fd);
    ASSERT_IPC_OK(ipc_shm_unmap(&m));
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-API-03 ipc_shm_create refuses an existing name with -EEXIST, and bad arguments with -EINVAL, creating nothing */
static void test_shm_api_03_create_refusals(void **state)
{
    const char *name = ipct_ipc_name("shm"), *unused = ipct_ipc_name("shm");
    struct ipc_shm_map m = { 0 }, keep;
    (void)state;

    ASSERT_IPC_OK(ipc_shm_create(name, 100, 0600, &keep));
    memcpy(keep.addr, "keep", 4);
    ASSERT_IPC_ERR(ipc_shm_create(name, 200, 0600, &m), EEXIST);
    ASSERT_NULL(m.addr);
    ASSERT_MEM_EQ(keep.addr, "keep", 4);
    int fd = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY, 0));
    ASSERT_EQ(object_size(fd), 100);
    close(fd);
    ASSERT_IPC_ERR(ipc_shm_create(unused, 0, 0600, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_create(unused, SIZE_MAX, 0600, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_create(unused, 10, 0600, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_create("no-slash", 10, 0600, &m), EINVAL);
    ASSERT_SYS_ERR(shm_open(unused, O_RDONLY, 0), ENOENT);
    ASSERT_IPC_OK(ipc_shm_unmap(&keep));
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-API-04 ipc_shm_open maps a whole existing object, read-write or read-only */
static void test_shm_api_04_open_maps_whole_object(void **state)
{
    const char *name = ipct_ipc_name("shm");
    struct ipc_shm_map made, rw, ro;
    (void)state;

    ASSERT_IPC_OK(ipc_shm_create(name, 3 * page_size() + 1, 0600, &made));
    int next = ipct_lowest_free_fd();
    ASSERT_IPC_OK(ipc_shm_open(name, 0, &rw));
    ASSERT_IPC_OK(ipc_shm_open(name, IPC_SHM_RDONLY, &ro));
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_EQ(rw.len, 3 * page_size() + 1);
    ASSERT_EQ(ro.len, rw.len);
    ((char *)rw.addr)[rw.len - 1] = 'Z';
    ASSERT_EQ(((char *)made.addr)[made.len - 1], 'Z');
    ASSERT_EQ(((char *)ro.addr)[ro.len - 1], 'Z');
    assert_touch_ends(ro.addr, 1, SIGSEGV); /* read-only indeed */
    ASSERT_IPC_OK(ipc_shm_unmap(&ro));
    ASSERT_IPC_OK(ipc_shm_unmap(&rw));
    ASSERT_IPC_OK(ipc_shm_unmap(&made));
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-API-05 ipc_shm_open returns -ENOENT for a missing name and -EINVAL for bad flags or an empty object */
static void test_shm_api_05_open_refusals(void **state)
{
    const char *empty = ipct_ipc_name("shm");
    struct ipc_shm_map m = { 0 };
    (void)state;

    int next = ipct_lowest_free_fd();
    ASSERT_IPC_ERR(ipc_shm_open(ipct_ipc_name("shm"), 0, &m), ENOENT);
    close(shm_new(empty, 0600, 0));
    ASSERT_IPC_ERR(ipc_shm_open(empty, 0, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_open(empty, 2, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_open(empty, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_open("/a/b", 0, &m), EINVAL);
    ASSERT_NULL(m.addr);
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_SYS_OK(shm_unlink(empty));
}

/* SHM-API-06 ipc_shm_map_file maps a file region from any byte offset, and stores reach the file */
static void test_shm_api_06_map_file_region(void **state)
{
    const char *path = ipct_path("f");
    size_t pg = page_size();
    struct ipc_shm_map m, ro;
    char buf[6] = "";
    (void)state;

    int fd = (int)ASSERT_SYS_OK(open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_SYS_OK(ftruncate(fd, (off_t)(3 * pg)));
    ASSERT_SYS_OK(pwrite(fd, "hello", 5, (off_t)pg + 10));
    int next = ipct_lowest_free_fd();
    ASSERT_IPC_OK(ipc_shm_map_file(path, (off_t)pg + 10, 100, 0, &m));
    ASSERT_IPC_OK(ipc_shm_map_file(path, 5, 2 * pg, IPC_SHM_RDONLY, &ro));
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_EQ(m.len, 100);
    ASSERT_MEM_EQ(m.addr, "hello", 5);
    memcpy(m.addr, "HELLO", 5);
    ASSERT_EQ(pread(fd, buf, 5, (off_t)pg + 10), 5);
    ASSERT_STR_EQ(buf, "HELLO");
    ASSERT_MEM_EQ((char *)ro.addr + pg + 5, "HELLO", 5);
    assert_touch_ends(ro.addr, 1, SIGSEGV);
    ASSERT_IPC_OK(ipc_shm_unmap(&ro));
    ASSERT_IPC_OK(ipc_shm_unmap(&m));
    close(fd);
}

/* SHM-API-07 ipc_shm_map_file refuses bad arguments with -EINVAL and passes open's and mmap's errors on, leaving nothing */
static void test_shm_api_07_map_file_refusals(void **state)
{
    const char *path = ipct_path("f");
    struct ipc_shm_map m = { 0 };
    int fds[2];
    (void)state;

    close((int)ASSERT_SYS_OK(open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)));
    int next = ipct_lowest_free_fd();
    ASSERT_IPC_ERR(ipc_shm_map_file(path, 0, 0, 0, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_map_file(path, -1, 10, 0, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_map_file(path, 0, 10, 4, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_map_file(NULL, 0, 10, 0, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_map_file(path, 0, 10, 0, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_map_file(path, 1, SIZE_MAX, 0, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_map_file(path, 0, (size_t)INT64_MAX + 1, 0, &m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_map_file(ipct_path("missing"), 0, 10, 0, &m), ENOENT);
    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    char fifo_path[64];
    snprintf(fifo_path, sizeof fifo_path, "/proc/self/fd/%d", fds[0]);
    ASSERT_IPC_ERR(ipc_shm_map_file(fifo_path, 0, 10, IPC_SHM_RDONLY, &m), ENODEV);
    close(fds[0]);
    close(fds[1]);
    ASSERT_NULL(m.addr);
    ASSERT_EQ(ipct_lowest_free_fd(), next);
}

/* In a child as nobody: ipc_shm_unlink(*arg) must return -EACCES. */
static void unlink_as_nobody(void *arg)
{
    ASSERT_IPC_ERR(ipc_shm_unlink(arg), EACCES);
}

/* SHM-API-08 ipc_shm_unmap and ipc_shm_unlink end a mapping and a name, each once; refusals are negative errnos */
static void test_shm_api_08_unmap_and_unlink(void **state)
{
    const char *name = ipct_ipc_name("shm"), *other = ipct_ipc_name("shm");
    struct ipc_shm_map m, o;
    (void)state;

    ASSERT_IPC_OK(ipc_shm_create(name, 64, 0600, &m));
    ASSERT_IPC_OK(ipc_shm_unlink(name));
    ASSERT_SYS_ERR(shm_open(name, O_RDONLY, 0), ENOENT);
    memcpy(m.addr, "alive", 5); /* the mapping outlives the name */
    ASSERT_MEM_EQ(m.addr, "alive", 5);
    void *was = m.addr;
    ASSERT_IPC_OK(ipc_shm_unmap(&m));
    ASSERT_NULL(m.addr);
    ASSERT_EQ(m.len, 0);
    assert_touch_ends(was, 0, SIGSEGV);
    ASSERT_IPC_ERR(ipc_shm_unmap(&m), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_unmap(NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_shm_unlink(name), ENOENT);
    ASSERT_IPC_ERR(ipc_shm_unlink("bad"), EINVAL);
    ASSERT_IPC_OK(ipc_shm_create(other, 64, 0666, &o));
    shm_run_as_nobody(unlink_as_nobody, (void *)other);
    ASSERT_IPC_OK(ipc_shm_unmap(&o));
    ASSERT_SYS_OK(shm_unlink(other));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_api_01_name_check),
    IPCT_TEST(test_shm_api_02_create_maps_new_object),
    IPCT_TEST(test_shm_api_03_create_refusals),
    IPCT_TEST(test_shm_api_04_open_maps_whole_object),
    IPCT_TEST(test_shm_api_05_open_refusals),
    IPCT_TEST(test_shm_api_06_map_file_region),
    IPCT_TEST(test_shm_api_07_map_file_refusals),
    IPCT_TEST(test_shm_api_08_unmap_and_unlink),
};

IPCT_MAIN("shm_api", tests)
