/* SPDX-License-Identifier: MIT */
/*
 * test_shm_mmap.c - mmap's arguments: where a mapping goes (addr, MAP_FIXED),
 * what offset, length and flags it accepts, and the errors it gives for a
 * descriptor it cannot map.
 *
 * Spec: SHM-MMAP-01..15 (spec/shm.md). Raw mmap calls on shared memory
 * objects and files: behaviours of the host.
 * See also: test_shm_map.c (what a mapping shows), test_shm_munmap.c,
 * test_shm_lock.c (SHM-MMAP-16).
 */
#include "shm_helpers.h"

#include <stdint.h>

/* A fresh object of pages pages, each page filled with its letter 'A' + i. */
static int lettered_object(size_t pages)
{
    size_t pg = page_size();
    int fd = shm_unnamed(0600, (off_t)(pages * pg));
    char *p = map_ok(NULL, pages * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

    for (size_t i = 0; i < pages; i++)
        memset(p + i * pg, 'A' + (int)i, pg);
    munmap(p, pages * pg);
    return fd;
}

/* SHM-MMAP-01 with addr NULL the kernel picks a page-aligned address that is not NULL */
static void test_shm_mmap_01_null_addr_kernel_chooses(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = lettered_object(2);
    char *a = map_ok(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
    char *b = map_ok(NULL, pg, PROT_READ, MAP_SHARED, fd, (off_t)pg);
    ASSERT_NOT_NULL(a);
    ASSERT_EQ((uintptr_t)a % pg, 0);
    ASSERT_EQ((uintptr_t)b % pg, 0);
    ASSERT_TRUE(a + pg <= b || b + pg <= a); /* no overlap */
    ASSERT_EQ(a[0], 'A');
    ASSERT_EQ(b[0], 'B');
    munmap(a, pg);
    munmap(b, pg);
    close(fd);
}

/* SHM-MMAP-02 a non-NULL addr without MAP_FIXED is a hint: a mapping already there is not replaced */
static void test_shm_mmap_02_hint_never_replaces(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = lettered_object(2);
    char *taken = map_ok(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
    char *p = map_ok(taken, pg, PROT_READ, MAP_SHARED, fd, (off_t)pg);
    ASSERT_PTR_NE(p, taken);
    ASSERT_EQ((uintptr_t)p % pg, 0);
    ASSERT_EQ(taken[0], 'A'); /* the mapping at the hint is intact */
    ASSERT_EQ(p[0], 'B');
    munmap(p, pg);
    munmap(taken, pg);
    close(fd);
}

/* SHM-MMAP-03 MAP_FIXED maps at exactly addr and replaces the pages mapped there */
static void test_shm_mmap_03_fixed_replaces(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = lettered_object(3);
    char *p = map_ok(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0); /* A B */
    char *q = map_ok(p + pg, pg, PROT_READ, MAP_SHARED | MAP_FIXED, fd, (off_t)(2 * pg));
    ASSERT_PTR_EQ(q, p + pg);
    ASSERT_EQ(p[0], 'A');
    ASSERT_EQ(p[pg], 'C'); /* B's page was replaced by C */
    munmap(p, 2 * pg);
    close(fd);
}

/* SHM-MMAP-04 an offset that is not a multiple of the page size fails with EINVAL */
static void test_shm_mmap_04_unaligned_offset_einval(void **state)
{
    size_t pg = page_size();
    const off_t bad[] = { 1, (off_t)pg / 2, (off_t)pg + 1, (off_t)pg - 1 };
    (void)state;

    int fd = lettered_object(2);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        map_err(NULL, pg, PROT_READ, MAP_SHARED, fd, bad[i], EINVAL);
    char *p = map_ok(NULL, pg, PROT_READ, MAP_SHARED, fd, (off_t)pg);
    ASSERT_EQ(p[0], 'B');
    munmap(p, pg);
    close(fd);
}

/* SHM-MMAP-05 a length of 0 fails with EINVAL */
static void test_shm_mmap_05_zero_length_einval(void **state)
{
    (void)state;
    int fd = lettered_object(1);
    map_err(NULL, 0, PROT_READ, MAP_SHARED, fd, 0, EINVAL);
    map_err(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0, EINVAL);
    close(fd);
}

/* SHM-MMAP-06 MAP_FIXED with an address that is not page-aligned fails with EINVAL */
static void test_shm_mmap_06_fixed_unaligned_addr_einval(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = lettered_object(1);
    char *p = map_ok(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
    map_err(p + 1, pg, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0, EINVAL);
    ASSERT_EQ(p[0], 'A'); /* untouched */
    munmap(p, 2 * pg);
    close(fd);
}

/* SHM-MMAP-07 flags with neither MAP_SHARED nor MAP_PRIVATE fail with EINVAL */
static void test_shm_mmap_07_no_sharing_type_einval(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = lettered_object(1);
    map_err(NULL, pg, PROT_READ, 0, fd, 0, EINVAL);
    map_err(NULL, pg, PROT_READ, MAP_POPULATE, fd, 0, EINVAL);
    close(fd);
}

/* SHM-MMAP-08 on Linux MAP_SHARED|MAP_PRIVATE is MAP_SHARED_VALIDATE: a shared mapping that refuses unknown flags */
static void test_shm_mmap_08_both_types_is_shared_validate(void **state)
{
    size_t pg = page_size();
    (void)state;

    ASSERT_EQ(MAP_SHARED | MAP_PRIVATE, MAP_SHARED_VALIDATE);
    int fd = lettered_object(1);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_PRIVATE, fd, 0);
    p[0] = 'z';
    char c = 0;
    ASSERT_EQ(pread(fd, &c, 1, 0), 1);
    ASSERT_EQ(c, 'z'); /* shared: the store reached the object */
    munmap(p, pg);
    /* MAP_SYNC is known, but only for DAX files: validated, it is refused. */
    map_err(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0, EOPNOTSUPP);
    close(fd);
}

/* SHM-MMAP-09 a descriptor that is not open fails with EBADF */
static void test_shm_mmap_09_bad_descriptor_ebadf(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = lettered_object(1);
    ASSERT_SYS_OK(close(fd));
    map_err(NULL, pg, PROT_READ, MAP_SHARED, fd, 0, EBADF);
    map_err(NULL, pg, PROT_READ, MAP_PRIVATE, -1, 0, EBADF);
}

/* SHM-MMAP-10 a descriptor of a kind mmap cannot map (a pipe) fails with ENODEV */
static void test_shm_mmap_10_unmappable_file_enodev(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    map_err(NULL, page_size(), PROT_READ, MAP_SHARED, fds[0], 0, ENODEV);
    close(fds[0]);
    close(fds[1]);
}

/* SHM-MMAP-11 a length beyond the address space fails with ENOMEM */
static void test_shm_mmap_11_huge_length_enomem(void **state)
{
    (void)state;
    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind places mappings itself and answers EINVAL, not the kernel's ENOMEM, "
                  "for a length it cannot place");
    int fd = lettered_object(1);
    map_err(NULL, SIZE_MAX - page_size() + 1, PROT_READ, MAP_SHARED, fd, 0, ENOMEM);
#if SIZE_MAX > 0xffffffffu /* 2^62 is a length only where size_t has 64 bits */
    map_err(NULL, (size_t)1 << 62, PROT_READ, MAP_SHARED, fd, 0, ENOMEM);
#endif
    close(fd);
}

/* SHM-MMAP-12 on Linux a negative offset fails with EOVERFLOW */
static void test_shm_mmap_12_negative_offset_eoverflow(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = lettered_object(1);
    map_err(NULL, pg, PROT_READ, MAP_SHARED, fd, -(off_t)pg, EOVERFLOW);
    close(fd);
}

/* SHM-MMAP-13 a descriptor not open for reading fails with EACCES, whatever the protection */
static void test_shm_mmap_13_not_readable_eacces(void **state)
{
    size_t pg = page_size();
    const int prots[] = { PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE, PROT_NONE };
    (void)state;

    int fd = (int)ASSERT_SYS_OK(open(ipct_path("wronly"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_SYS_OK(ftruncate(fd, (off_t)pg));
    for (size_t i = 0; i < sizeof prots / sizeof prots[0]; i++) {
        map_err(NULL, pg, prots[i], MAP_SHARED, fd, 0, EACCES);
        map_err(NULL, pg, prots[i], MAP_PRIVATE, fd, 0, EACCES);
    }
    close(fd);
}

/* SHM-MMAP-14 PROT_WRITE with MAP_SHARED needs a descriptor open for writing (EACCES); MAP_PRIVATE does not */
static void test_shm_mmap_14_shared_write_needs_write_access(void **state)
{
    const char *name = ipct_ipc_name("shm");
    size_t pg = page_size();
    char c = 0;
    (void)state;

    close(shm_new(name, 0600, (off_t)pg));
    int ro = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY, 0));
    map_err(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0, EACCES);
    map_err(NULL, pg, PROT_WRITE, MAP_SHARED, ro, 0, EACCES);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    p[0] = 'p'; /* a private copy */
    ASSERT_EQ(pread(ro, &c, 1, 0), 1);
    ASSERT_EQ(c, 0);
    munmap(p, pg);
    close(ro);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-MMAP-15 MAP_FIXED at a range that runs past the top of the address space fails with ENOMEM */
static void test_shm_mmap_15_fixed_past_top_enomem(void **state)
{
    size_t pg = page_size();
    void *last_page = (void *)(UINTPTR_MAX - pg + 1);
    void *near_top = (void *)(UINTPTR_MAX - 2 * pg + 1);
    (void)state;

    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind places mappings itself and answers EINVAL, not the kernel's ENOMEM, "
                  "for a MAP_FIXED range past the top of the address space");
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer's mmap refuses a MAP_FIXED address outside the memory it "
                  "shadows with EINVAL before the kernel sees the call");
    int fd = lettered_object(4);
    map_err(last_page, pg, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0, ENOMEM);
    map_err(near_top, 4 * pg, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0, ENOMEM); /* end wraps */
    close(fd);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_mmap_01_null_addr_kernel_chooses),
    IPCT_TEST(test_shm_mmap_02_hint_never_replaces),
    IPCT_TEST(test_shm_mmap_03_fixed_replaces),
    IPCT_TEST(test_shm_mmap_04_unaligned_offset_einval),
    IPCT_TEST(test_shm_mmap_05_zero_length_einval),
    IPCT_TEST(test_shm_mmap_06_fixed_unaligned_addr_einval),
    IPCT_TEST(test_shm_mmap_07_no_sharing_type_einval),
    IPCT_TEST(test_shm_mmap_08_both_types_is_shared_validate),
    IPCT_TEST(test_shm_mmap_09_bad_descriptor_ebadf),
    IPCT_TEST(test_shm_mmap_10_unmappable_file_enodev),
    IPCT_TEST(test_shm_mmap_11_huge_length_enomem),
    IPCT_TEST(test_shm_mmap_12_negative_offset_eoverflow),
    IPCT_TEST(test_shm_mmap_13_not_readable_eacces),
    IPCT_TEST(test_shm_mmap_14_shared_write_needs_write_access),
    IPCT_TEST(test_shm_mmap_15_fixed_past_top_enomem),
};

IPCT_MAIN("shm_mmap", tests)
