/* SPDX-License-Identifier: MIT */
/*
 * test_shm_signal.c - the signals a bad access to a mapping raises: SIGBUS
 * past the object's end, SIGSEGV for a store the protection forbids or an
 * address with no mapping. Each access is made in a child, whose death is
 * asserted by signal name.
 *
 * Spec: SHM-SIG-01..05 (spec/shm.md).
 * See also: test_shm_munmap.c (SHM-MUNMAP-01), shm_helpers.h (assert_touch_ends).
 */
#include "shm_helpers.h"

/* SHM-SIG-01 touching a whole page past the object's end raises SIGBUS; the last partial page does not */
static void test_shm_sig_01_past_end_sigbus(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, 100);
    char *p = map_ok(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    assert_touch_ends(p + pg - 1, 0, 0);  /* in the object's last page: zeros */
    assert_touch_ends(p + pg, 0, SIGBUS);
    assert_touch_ends(p + 2 * pg + 5, 1, SIGBUS);
    munmap(p, 3 * pg);
    close(fd);
}

/* SHM-SIG-02 after the object shrinks, touching a page it no longer covers raises SIGBUS */
static void test_shm_sig_02_shrunk_object_sigbus(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)(2 * pg));
    char *p = map_ok(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    p[pg] = 'x';
    assert_touch_ends(p + pg, 0, 0);
    ASSERT_SYS_OK(ftruncate(fd, (off_t)pg));
    assert_touch_ends(p + pg, 0, SIGBUS);
    assert_touch_ends(p, 1, 0);
    munmap(p, 2 * pg);
    close(fd);
}

/* SHM-SIG-03 a store to a PROT_READ mapping raises SIGSEGV; loads work */
static void test_shm_sig_03_store_to_read_only_sigsegv(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)pg);
    char *p = map_ok(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
    assert_touch_ends(p, 0, 0);
    assert_touch_ends(p, 1, SIGSEGV);
    char *q = map_ok(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0); /* private too */
    assert_touch_ends(q + 7, 1, SIGSEGV);
    munmap(q, pg);
    munmap(p, pg);
    close(fd);
}

/* SHM-SIG-04 touching an address whose mapping was removed raises SIGSEGV */
static void test_shm_sig_04_unmapped_sigsegv(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)pg);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_OK(munmap(p, pg));
    assert_touch_ends(p, 0, SIGSEGV);
    assert_touch_ends(p + 1, 1, SIGSEGV);
    close(fd);
}

/* SHM-SIG-05 any access to a PROT_NONE mapping raises SIGSEGV */
static void test_shm_sig_05_prot_none_sigsegv(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)pg);
    char *p = map_ok(NULL, pg, PROT_NONE, MAP_SHARED, fd, 0);
    assert_touch_ends(p, 0, SIGSEGV);
    assert_touch_ends(p, 1, SIGSEGV);
    munmap(p, pg);
    close(fd);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_sig_01_past_end_sigbus),
    IPCT_TEST(test_shm_sig_02_shrunk_object_sigbus),
    IPCT_TEST(test_shm_sig_03_store_to_read_only_sigsegv),
    IPCT_TEST(test_shm_sig_04_unmapped_sigsegv),
    IPCT_TEST(test_shm_sig_05_prot_none_sigsegv),
};

IPCT_MAIN("shm_signal", tests)
