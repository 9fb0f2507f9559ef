/* SPDX-License-Identifier: MIT */
/*
 * test_shm_memfd.c - anonymous shared memory: memfd_create(2) files, and
 * MAP_SHARED|MAP_ANONYMOUS mappings shared with a forked child.
 *
 * Spec: SHM-MEMFD-01..06, SHM-ANON-01..03 (spec/shm.md).
 * See also: test_shm_seal.c (file seals on memfds), test_shm_map.c.
 */
#include "shm_helpers.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* SHM-MEMFD-01 memfd_create gives a read-write file of size 0 that ftruncate sizes and mmap shares */
static void test_shm_memfd_01_empty_then_sized(void **state)
{
    char buf[4] = "";
    (void)state;

    int fd = (int)ASSERT_SYS_OK(memfd_create("ipcspec", MFD_CLOEXEC));
    ASSERT_EQ(object_size(fd), 0);
    ASSERT_SYS_OK(ftruncate(fd, (off_t)page_size()));
    char *p = map_ok(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(p, "mem", 4); /* with its NUL */
    ASSERT_EQ(ASSERT_SYS_OK(pread(fd, buf, 3, 0)), 3);
    ASSERT_MEM_EQ(buf, "mem", 3);
    ASSERT_SYS_OK(munmap(p, page_size()));
    close(fd);
}

/* SHM-MEMFD-02 the name appears in /proc/self/fd as "memfd:NAME (deleted)", and in no directory */
static void test_shm_memfd_02_proc_link_name(void **state)
{
    char link[64], target[128] = "";
    (void)state;

    int fd = (int)ASSERT_SYS_OK(memfd_create("ipcspec-name", MFD_CLOEXEC));
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ASSERT_SYS_OK(readlink(link, target, sizeof target - 1));
    ASSERT_STR_EQ(target, "/memfd:ipcspec-name (deleted)");
    close(fd);
}

/* SHM-MEMFD-03 MFD_CLOEXEC sets close-on-exec; without it the flag is clear */
static void test_shm_memfd_03_cloexec_flag(void **state)
{
    (void)state;
    int a = (int)ASSERT_SYS_OK(memfd_create("a", MFD_CLOEXEC));
    int b = (int)ASSERT_SYS_OK(memfd_create("b", 0));

    ASSERT_EQ(ASSERT_SYS_OK(fcntl(a, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(b, F_GETFD)) & FD_CLOEXEC, 0);
    close(a), close(b);
}

/* SHM-MEMFD-04 a name longer than 249 bytes, or an unknown flag, fails with EINVAL */
static void test_shm_memfd_04_bad_name_or_flag_einval(void **state)
{
    char name[251];
    (void)state;

    memset(name, 'n', sizeof name - 1);
    name[250] = '\0';
    ASSERT_SYS_ERR(memfd_create(name, MFD_CLOEXEC), EINVAL);
    name[249] = '\0';
    close((int)ASSERT_SYS_OK(memfd_create(name, MFD_CLOEXEC)));
    ASSERT_SYS_ERR(memfd_create("x", 0x40000000u), EINVAL);
}

/* SHM-MEMFD-05 without MFD_ALLOW_SEALING the file is born with F_SEAL_SEAL: adding a seal fails with EPERM */
static void test_shm_memfd_05_no_sealing_eperm(void **state)
{
    (void)state;
    int fd = (int)ASSERT_SYS_OK(memfd_create("s", MFD_CLOEXEC));

    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fd, F_GET_SEALS)), F_SEAL_SEAL);
    ASSERT_SYS_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    close(fd);
}

static void write_through(void *arg)
{
    memcpy(arg, "child", 6);
}

/* SHM-MEMFD-06 the memfd lives while a mapping holds it: a child writes, the parent reads after closing the descriptor */
static void test_shm_memfd_06_mapping_outlives_fd(void **state)
{
    (void)state;
    int fd = (int)ASSERT_SYS_OK(memfd_create("m", MFD_CLOEXEC));

    ASSERT_SYS_OK(ftruncate(fd, (off_t)page_size()));
    char *p = map_ok(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    assert_child_exited(ipct_spawn(write_through, p), 0);
    ASSERT_MEM_EQ(p, "child", 5);
    ASSERT_SYS_OK(munmap(p, page_size()));
}

/* SHM-ANON-01 MAP_SHARED|MAP_ANONYMOUS memory starts zero-filled */
static void test_shm_anon_01_zero_filled(void **state)
{
    size_t len = 4 * page_size();
    (void)state;

    unsigned char *p = map_ok(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < len; i++)
        if (p[i] != 0)
            IPCT_FAIL("byte %zu of a fresh anonymous mapping is %u, not 0", i, p[i]);
    ASSERT_SYS_OK(munmap(p, len));
}

/* SHM-ANON-02 a MAP_SHARED|MAP_ANONYMOUS mapping is shared with a forked child both ways */
static void test_shm_anon_02_shared_across_fork(void **state)
{
    (void)state;
    char *p = map_ok(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    memcpy(p + 100, "parent", 7);
    assert_child_exited(ipct_spawn(write_through, p), 0);
    ASSERT_MEM_EQ(p, "child", 5);
    ASSERT_MEM_EQ(p + 100, "parent", 6); /* the child saw it too, and kept it */
    ASSERT_SYS_OK(munmap(p, page_size()));
}

/* SHM-ANON-03 a MAP_PRIVATE|MAP_ANONYMOUS mapping is copied on fork: the child's store stays in the child */
static void test_shm_anon_03_private_not_shared(void **state)
{
    (void)state;
    char *p = map_ok(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    memcpy(p, "mine!", 6);
    assert_child_exited(ipct_spawn(write_through, p), 0);
    ASSERT_MEM_EQ(p, "mine!", 5);
    ASSERT_SYS_OK(munmap(p, page_size()));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_memfd_01_empty_then_sized),
    IPCT_TEST(test_shm_memfd_02_proc_link_name),
    IPCT_TEST(test_shm_memfd_03_cloexec_flag),
    IPCT_TEST(test_shm_memfd_04_bad_name_or_flag_einval),
    IPCT_TEST(test_shm_memfd_05_no_sealing_eperm),
    IPCT_TEST(test_shm_memfd_06_mapping_outlives_fd),
    IPCT_TEST(test_shm_anon_01_zero_filled),
    IPCT_TEST(test_shm_anon_02_shared_across_fork),
    IPCT_TEST(test_shm_anon_03_private_not_shared),
};

IPCT_MAIN("shm_memfd", tests)
