/* SPDX-License-Identifier: MIT */
/*
 * test_shm_lock.c - mappings and memory locks: under mlockall(MCL_FUTURE) a
 * mapping that would pass RLIMIT_MEMLOCK is refused, and munmap releases
 * the locks on its range (VmLck in /proc/self/status).
 *
 * Spec: SHM-MMAP-16, SHM-MUNMAP-06 (spec/shm.md).
 * See also: test_shm_mmap.c (mmap's other errors), test_shm_munmap.c.
 */
#include "shm_helpers.h"

#include <stdlib.h>

enum { PAGES = 4 };

/* In a child: one page of RLIMIT_MEMLOCK, a uid of its own (no
 * CAP_IPC_LOCK), mlockall(MCL_FUTURE): mapping PAGES pages of the object
 * *arg fails with EAGAIN; after munlockall it maps. */
static void map_past_memlock(void *arg)
{
    size_t pg = page_size();
    const struct rlimit one_page = { pg, pg };
    int fd = *(const int *)arg;

    ASSERT_SYS_OK(setrlimit(RLIMIT_MEMLOCK, &one_page));
    shm_become_private_user();
    ASSERT_SYS_OK(mlockall(MCL_FUTURE));
    errno = 0;
    void *refused = mmap(NULL, PAGES * pg, PROT_READ, MAP_SHARED, fd, 0);
    int err = errno;
    ASSERT_SYS_OK(munlockall()); /* before any check: a report may need memory of its own */
    ASSERT_PTR_EQ(refused, MAP_FAILED);
    ASSERT_ERRNO_EQ(err, EAGAIN);
    ASSERT_SYS_OK(munmap(map_ok(NULL, PAGES * pg, PROT_READ, MAP_SHARED, fd, 0), PAGES * pg));
}

/* Skip where the C library's memory locks lock nothing. */
static void skip_without_mlock(void)
{
    if (IPCT_NO_MLOCK)
        IPCT_SKIP("the sanitizer's runtime makes mlock and mlockall return 0 having locked "
                  "nothing (VmLck stays 0), so no lock exists to show");
}

/* SHM-MMAP-16 under mlockall(MCL_FUTURE), a mapping that would pass RLIMIT_MEMLOCK fails with EAGAIN */
static void test_shm_mmap_16_mlockall_over_limit_eagain(void **state)
{
    (void)state;
    skip_without_mlock();
    int fd = shm_unnamed(0600, PAGES * (off_t)page_size());
    assert_child_exited(ipct_spawn(map_past_memlock, &fd), 0);
    close(fd);
}

/* VmLck of this process, in kB, from /proc/self/status. */
static long locked_kb(void)
{
    char status[8192];
    ipct_read_text("/proc/self/status", status, sizeof status);
    const char *at = strstr(status, "\nVmLck:");

    if (at == NULL)
        IPCT_FAIL("no VmLck line in /proc/self/status");
    return strtol(at + strlen("\nVmLck:"), NULL, 10);
}

/* SHM-MUNMAP-06 munmap releases the memory locks on its range */
static void test_shm_munmap_06_unmap_releases_lock(void **state)
{
    size_t pg = page_size();
    (void)state;

    skip_without_mlock();
    int fd = shm_unnamed(0600, PAGES * (off_t)pg);
    char *p = map_ok(NULL, PAGES * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    for (int i = 0; i < PAGES; i++)
        p[(size_t)i * pg] = 'l';
    long unlocked = locked_kb();
    ASSERT_SYS_OK(mlock(p, PAGES * pg));
    ASSERT_EQ(locked_kb(), unlocked + (long)(PAGES * pg / 1024));
    ASSERT_SYS_OK(munmap(p, PAGES * pg));
    ASSERT_EQ(locked_kb(), unlocked);
    close(fd);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_mmap_16_mlockall_over_limit_eagain),
    IPCT_TEST(test_shm_munmap_06_unmap_releases_lock),
};

IPCT_MAIN("shm_lock", tests)
