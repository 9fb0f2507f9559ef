/* SPDX-License-Identifier: MIT */
/*
 * test_shm_size.c - ftruncate sizes a shared memory object: growing reads
 * as zeros, shrinking discards, bad lengths are refused.
 *
 * Spec: SHM-SIZE-01..03 (spec/shm.md).
 * See also: test_shm_open.c (SHM-OPEN-01: a new object is empty),
 * test_shm_signal.c (SHM-SIG-02: a mapping past a shrunk end).
 */
#include "shm_helpers.h"

#include <stdint.h>

/* SHM-SIZE-01 ftruncate sets the object's size, and the new bytes read as zeros */
static void test_shm_size_01_ftruncate_grows_zero_filled(void **state)
{
    char buf[3000];
    (void)state;

    int fd = shm_unnamed(0600, 0);
    ASSERT_SYS_OK(ftruncate(fd, 3000));
    ASSERT_EQ(object_size(fd), 3000);
    memset(buf, 'x', sizeof buf);
    ASSERT_EQ(pread(fd, buf, sizeof buf, 0), 3000);
    for (size_t i = 0; i < sizeof buf; i++) {
        if (buf[i] != 0)
            IPCT_FAIL("byte %zu of a grown object is 0x%02x, not 0", i, (unsigned char)buf[i]);
    }
    char *p = map_ok(NULL, 3000, PROT_READ, MAP_SHARED, fd, 0);
    ASSERT_EQ(p[2999], 0);
    munmap(p, 3000);
    close(fd);
}

/* SHM-SIZE-02 shrinking discards the bytes past the new end: grown again, they read as zeros */
static void test_shm_size_02_shrink_discards(void **state)
{
    char buf[8];
    (void)state;

    int fd = shm_unnamed(0600, 8);
    ASSERT_SYS_OK(pwrite(fd, "ABCDEFGH", 8, 0));
    ASSERT_SYS_OK(ftruncate(fd, 4));
    ASSERT_EQ(object_size(fd), 4);
    ASSERT_EQ(pread(fd, buf, 8, 0), 4);
    ASSERT_SYS_OK(ftruncate(fd, 8));
    ASSERT_EQ(pread(fd, buf, 8, 0), 8);
    ASSERT_MEM_EQ(buf, "ABCD\0\0\0\0", 8);
    close(fd);
}

/* SHM-SIZE-03 a negative length fails with EINVAL and leaves the size */
static void test_shm_size_03_negative_length_einval(void **state)
{
    (void)state;

    int fd = shm_unnamed(0600, 10);
    ASSERT_SYS_ERR(ftruncate(fd, -1), EINVAL);
    /* the most negative length: off_t has 32 bits on armhf, 64 elsewhere */
    ASSERT_SYS_ERR(ftruncate(fd, sizeof(off_t) == 8 ? (off_t)INT64_MIN : (off_t)INT32_MIN), EINVAL);
    ASSERT_EQ(object_size(fd), 10);
    close(fd);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_size_01_ftruncate_grows_zero_filled),
    IPCT_TEST(test_shm_size_02_shrink_discards),
    IPCT_TEST(test_shm_size_03_negative_length_einval),
};

IPCT_MAIN("shm_size", tests)
