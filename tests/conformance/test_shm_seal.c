/* SPDX-License-Identifier: MIT */
/*
 * test_shm_seal.c - file seals on a memfd made with MFD_ALLOW_SEALING: what
 * F_SEAL_WRITE, F_SEAL_SHRINK and F_SEAL_GROW each refuse, and F_SEAL_SEAL
 * closing the set.
 *
 * Spec: SHM-SEAL-01..07 (spec/shm.md).
 * See also: test_shm_memfd.c (memfd_create), test_shm_size.c (ftruncate).
 */
#include "shm_helpers.h"

#include <string.h>
#include <sys/mman.h>

/* A sealable memfd of one page. */
static int sealable(void)
{
    int fd = (int)ASSERT_SYS_OK(memfd_create("seal", MFD_CLOEXEC | MFD_ALLOW_SEALING));

    ASSERT_SYS_OK(ftruncate(fd, (off_t)page_size()));
    return fd;
}

/* SHM-SEAL-01 a sealable memfd starts with no seals, and F_GET_SEALS reports each seal added */
static void test_shm_seal_01_get_seals_reports(void **state)
{
    (void)state;
    int fd = sealable();

    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fd, F_GET_SEALS)), 0);
    ASSERT_SYS_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
    ASSERT_SYS_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fd, F_GET_SEALS)), F_SEAL_SHRINK | F_SEAL_GROW);
    close(fd);
}

/* SHM-SEAL-02 under F_SEAL_WRITE, write fails with EPERM and a shared writable mapping with EPERM */
static void test_shm_seal_02_write_seal_refuses_writes(void **state)
{
    (void)state;
    int fd = sealable();

    ASSERT_SYS_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    ASSERT_SYS_ERR(write(fd, "x", 1), EPERM);
    map_err(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, EPERM);
    /* reading, and a private copy, stay allowed */
    void *p = map_ok(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    ASSERT_SYS_OK(munmap(p, page_size()));
    close(fd);
}

/* SHM-SEAL-03 F_SEAL_WRITE cannot be added while a shared writable mapping exists: EBUSY */
static void test_shm_seal_03_write_seal_busy_mapping(void **state)
{
    (void)state;
    int fd = sealable();
    void *p = map_ok(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

    ASSERT_SYS_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
    ASSERT_SYS_OK(munmap(p, page_size()));
    ASSERT_SYS_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    close(fd);
}

/* SHM-SEAL-04 under F_SEAL_SHRINK, ftruncate to a smaller size fails with EPERM; growing works */
static void test_shm_seal_04_shrink_seal(void **state)
{
    (void)state;
    int fd = sealable();

    ASSERT_SYS_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
    ASSERT_SYS_ERR(ftruncate(fd, 1), EPERM);
    ASSERT_SYS_OK(ftruncate(fd, 2 * (off_t)page_size()));
    ASSERT_EQ(object_size(fd), 2 * (off_t)page_size());
    close(fd);
}

/* SHM-SEAL-05 under F_SEAL_GROW, ftruncate larger and a write past the end fail with EPERM; shrinking works */
static void test_shm_seal_05_grow_seal(void **state)
{
    (void)state;
    int fd = sealable();
    off_t size = (off_t)page_size();

    ASSERT_SYS_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
    ASSERT_SYS_ERR(ftruncate(fd, size + 1), EPERM);
    ASSERT_SYS_ERR(pwrite(fd, "x", 1, size), EPERM);
    ASSERT_EQ(ASSERT_SYS_OK(pwrite(fd, "x", 1, size - 1)), 1); /* inside: fine */
    ASSERT_SYS_OK(ftruncate(fd, size / 2));
    close(fd);
}

/* SHM-SEAL-06 after F_SEAL_SEAL any further F_ADD_SEALS fails with EPERM */
static void test_shm_seal_06_seal_seal_eperm(void **state)
{
    (void)state;
    int fd = sealable();

    ASSERT_SYS_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
    ASSERT_SYS_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), EPERM);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fd, F_GET_SEALS)), F_SEAL_SEAL);
    close(fd);
}

/* SHM-SEAL-07 adding seals through a read-only descriptor fails with EPERM; on a pipe's write end, EINVAL */
static void test_shm_seal_07_add_seals_errors(void **state)
{
    char path[64];
    int p[2];
    (void)state;

    int fd = sealable();
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int ro = (int)ASSERT_SYS_OK(open(path, O_RDONLY | O_CLOEXEC));
    ASSERT_SYS_ERR(fcntl(ro, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
    ASSERT_SYS_ERR(fcntl(p[1], F_ADD_SEALS, F_SEAL_GROW), EINVAL); /* writable, but no memfd */
    close(p[0]), close(p[1]), close(ro), close(fd);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_seal_01_get_seals_reports),
    IPCT_TEST(test_shm_seal_02_write_seal_refuses_writes),
    IPCT_TEST(test_shm_seal_03_write_seal_busy_mapping),
    IPCT_TEST(test_shm_seal_04_shrink_seal),
    IPCT_TEST(test_shm_seal_05_grow_seal),
    IPCT_TEST(test_shm_seal_06_seal_seal_eperm),
    IPCT_TEST(test_shm_seal_07_add_seals_errors),
};

IPCT_MAIN("shm_seal", tests)
