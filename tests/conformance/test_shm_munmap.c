/* SPDX-License-Identifier: MIT */
/*
 * test_shm_munmap.c - removing mappings (munmap) and writing them back
 * (msync): whole pages, empty ranges, the errors.
 *
 * Spec: SHM-MUNMAP-01..05, SHM-MSYNC-01..03 (spec/shm.md).
 * See also: test_shm_signal.c (SHM-SIG-04), test_shm_map.c.
 */
#include "shm_helpers.h"

#include <stdint.h>

/* SHM-MUNMAP-01 munmap returns 0 and removes every whole page holding part of the range, and only those */
static void test_shm_munmap_01_removes_whole_pages(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)(3 * pg));
    char *p = map_ok(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_EQ(munmap(p + pg, 1), 0); /* one byte: the whole middle page */
    assert_touch_ends(p + pg, 0, SIGSEGV);
    assert_touch_ends(p + 2 * pg - 1, 0, SIGSEGV);
    assert_touch_ends(p + pg - 1, 1, 0);
    assert_touch_ends(p + 2 * pg, 1, 0);
    munmap(p, 3 * pg);
    close(fd);
}

/* SHM-MUNMAP-02 munmap of a range with no mapping returns 0 and changes nothing */
static void test_shm_munmap_02_empty_range_no_effect(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)pg);
    char *p = map_ok(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_OK(munmap(p + pg, pg));
    ASSERT_EQ(munmap(p + pg, pg), 0); /* nothing there any more */
    p[0] = 'k';
    ASSERT_EQ(p[0], 'k');
    munmap(p, pg);
    close(fd);
}

/* SHM-MUNMAP-03 an address that is not page-aligned fails with EINVAL and unmaps nothing */
static void test_shm_munmap_03_unaligned_addr_einval(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)pg);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_ERR(munmap(p + 1, pg - 1), EINVAL);
    ASSERT_SYS_ERR(munmap(p + pg / 2, 1), EINVAL);
    assert_touch_ends(p, 1, 0);
    munmap(p, pg);
    close(fd);
}

/* SHM-MUNMAP-04 a length of 0 fails with EINVAL */
static void test_shm_munmap_04_zero_length_einval(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)pg);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_ERR(munmap(p, 0), EINVAL);
    assert_touch_ends(p, 1, 0);
    munmap(p, pg);
    close(fd);
}

/* SHM-MUNMAP-05 a range beyond the process's address space fails with EINVAL */
static void test_shm_munmap_05_outside_address_space_einval(void **state)
{
    size_t pg = page_size();
    (void)state;

    ASSERT_SYS_ERR(munmap((void *)(UINTPTR_MAX - pg + 1), 2 * pg), EINVAL);
    ASSERT_SYS_ERR(munmap((void *)(uintptr_t)pg, SIZE_MAX - pg), EINVAL);
}

/* SHM-MSYNC-01 msync with MS_SYNC or MS_ASYNC returns 0 and the file holds the mapping's data */
static void test_shm_msync_01_sync_writes_back(void **state)
{
    size_t pg = page_size();
    char buf[8] = "";
    (void)state;

    int fd = (int)ASSERT_SYS_OK(open(ipct_path("f"), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_SYS_OK(ftruncate(fd, (off_t)(2 * pg)));
    char *p = map_ok(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(p, "synced", 7);
    ASSERT_EQ(msync(p, pg, MS_SYNC), 0);
    memcpy(p + pg, "async", 6);
    ASSERT_EQ(msync(p + pg, pg, MS_ASYNC), 0);
    ASSERT_EQ(msync(p, 2 * pg, MS_SYNC | MS_INVALIDATE), 0);
    ASSERT_EQ(pread(fd, buf, 6, 0), 6);
    ASSERT_STR_EQ(buf, "synced");
    memset(buf, 0, sizeof buf);
    ASSERT_EQ(pread(fd, buf, 5, (off_t)pg), 5);
    ASSERT_STR_EQ(buf, "async");
    munmap(p, 2 * pg);
    close(fd);
}

/* SHM-MSYNC-02 MS_SYNC with MS_ASYNC, or an address that is not page-aligned, fails with EINVAL */
static void test_shm_msync_02_bad_flags_or_addr_einval(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)pg);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_ERR(msync(p, pg, MS_SYNC | MS_ASYNC), EINVAL);
    ASSERT_SYS_ERR(msync(p + 1, 10, MS_SYNC), EINVAL);
    ASSERT_SYS_ERR(msync(p, pg, 0x100), EINVAL);
    munmap(p, pg);
    close(fd);
}

/* SHM-MSYNC-03 msync of a range that is not mapped fails with ENOMEM */
static void test_shm_msync_03_unmapped_enomem(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)pg);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_OK(munmap(p, pg));
    ASSERT_SYS_ERR(msync(p, pg, MS_SYNC), ENOMEM);
    close(fd);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_munmap_01_removes_whole_pages),
    IPCT_TEST(test_shm_munmap_02_empty_range_no_effect),
    IPCT_TEST(test_shm_munmap_03_unaligned_addr_einval),
    IPCT_TEST(test_shm_munmap_04_zero_length_einval),
    IPCT_TEST(test_shm_munmap_05_outside_address_space_einval),
    IPCT_TEST(test_shm_msync_01_sync_writes_back),
    IPCT_TEST(test_shm_msync_02_bad_flags_or_addr_einval),
    IPCT_TEST(test_shm_msync_03_unmapped_enomem),
};

IPCT_MAIN("shm_munmap", tests)
