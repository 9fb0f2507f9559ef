/* SPDX-License-Identifier: MIT */
/*
 * test_shm_file.c - what a mapping does to the file under it: bytes stored
 * past the end in the last page never reach a regular file, though tmpfs
 * keeps them in a shared memory object, and a read through the mapping
 * marks st_atime.
 *
 * Spec: SHM-MAP-06..08 (spec/shm.md).
 * See also: test_shm_map.c (SHM-MAP-03, the zero fill of the last page),
 * test_shm_room.c (SHM-MAP-09).
 */
#include "shm_helpers.h"

#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

enum { FILE_BYTES = 100, STORED = 50 };

/* fd holds FILE_BYTES bytes, 'a' + i % 26; map one page, store 'X' into the
 * STORED bytes past the end, msync, munmap, then grow fd to a page. */
static void store_past_end_then_grow(int fd)
{
    size_t pg = page_size();

    for (int i = 0; i < FILE_BYTES; i++) {
        char c = (char)('a' + i % 26);
        ASSERT_SYS_OK(pwrite(fd, &c, 1, i));
    }
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memset(p + FILE_BYTES, 'X', STORED);
    ASSERT_SYS_OK(msync(p, pg, MS_SYNC));
    ASSERT_SYS_OK(munmap(p, pg));
    ASSERT_SYS_OK(ftruncate(fd, (off_t)pg));
}

/* After the growth, fd holds the FILE_BYTES written, then STORED bytes of
 * value past (those stored through the mapping), then zeros. */
#define assert_grown_page(fd, past) shm__assert_grown_page(fd, past, __FILE__, __LINE__)
static void shm__assert_grown_page(int fd, char past, const char *file, int line)
{
    char buf[FILE_BYTES + STORED + 16];

    if (pread(fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf)
        ipct__fail_at(file, line, "pread of %zu bytes after growing to a page: %s", sizeof buf,
                      ipct_errname(errno));
    for (size_t i = 0; i < sizeof buf; i++) {
        char want = 0;
        if (i < FILE_BYTES)
            want = (char)('a' + i % 26);
        else if (i < FILE_BYTES + STORED)
            want = past;
        if (buf[i] != want)
            ipct__fail_at(file, line, "byte %zu (the old end was %d, 'X' stored through the "
                          "mapping up to %d) reads 0x%02x after the growth, expected 0x%02x",
                          i, FILE_BYTES, FILE_BYTES + STORED, (unsigned char)buf[i],
                          (unsigned char)want);
    }
}

/* SHM-MAP-06 bytes stored past a file's end in its last page never reach the file: grown after munmap, it reads zeros there */
static void test_shm_map_06_past_eof_stores_not_written(void **state)
{
    struct statfs fs;
    (void)state;

    int fd = (int)ASSERT_SYS_OK(open(ipct_path("f"), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
                                     0600));
    ASSERT_SYS_OK(fstatfs(fd, &fs));
    if (fs.f_type == TMPFS_MAGIC) {
        close(fd);
        IPCT_SKIP("the test's directory %s is on tmpfs, which keeps the bytes (SHM-MAP-07): "
                  "set TMPDIR to a disk file system", ipct_tmpdir());
    }
    store_past_end_then_grow(fd);
    assert_grown_page(fd, 0);
    close(fd);
}

/* SHM-MAP-07 on Linux bytes stored past a shared memory object's end in its last page stay in it: grown after munmap, it shows them */
static void test_shm_map_07_past_end_stores_kept_by_tmpfs(void **state)
{
    (void)state;

    int fd = shm_unnamed(0600, 0);
    store_past_end_then_grow(fd);
    assert_grown_page(fd, 'X'); /* POSIX wants 0 here: see SHM-MAP-07 in spec/shm.md */
    close(fd);
}

/* 1 when the mount holding device dev has noatime among its mount options
 * (/proc/self/mountinfo: field 3 is major:minor, field 6 the options). */
static int mount_has_noatime(dev_t dev)
{
    char line[1024], devno[32], opts[512];
    int found = 0;
    FILE *f = fopen("/proc/self/mountinfo", "re");

    if (f == NULL)
        IPCT_FAIL("fopen /proc/self/mountinfo: %s", ipct_errname(errno));
    snprintf(devno, sizeof devno, "%u:%u", major(dev), minor(dev));
    while (fgets(line, sizeof line, f) != NULL) {
        char id[32];
        if (sscanf(line, "%*s %*s %31s %*s %*s %511s", id, opts) == 2 && strcmp(id, devno) == 0 &&
            strstr(opts, "noatime") != NULL)
            found = 1;
    }
    fclose(f);
    return found;
}

/* SHM-MAP-08 reading through a mapping marks the file's st_atime */
static void test_shm_map_08_read_marks_atime(void **state)
{
    size_t pg = page_size();
    struct stat before, after;
    (void)state;

    int fd = (int)ASSERT_SYS_OK(open(ipct_path("f"), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
                                     0600));
    ASSERT_SYS_OK(write(fd, "atime", 5));
    ASSERT_SYS_OK(fstat(fd, &before));
    if (mount_has_noatime(before.st_dev)) {
        close(fd);
        IPCT_SKIP("the test's directory %s is on a mount with noatime: st_atime never moves",
                  ipct_tmpdir());
    }
    const struct timespec times[2] = { { time(NULL) - (time_t)2 * 86400, 0 }, { 0, UTIME_OMIT } };
    ASSERT_SYS_OK(futimens(fd, times)); /* two days back: relatime moves it too */
    ASSERT_SYS_OK(fstat(fd, &before));
    ASSERT_EQ(before.st_atime, times[0].tv_sec);
    volatile char *p = map_ok(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
    ASSERT_EQ(p[0], 'a'); /* the first reference to the page */
    ASSERT_SYS_OK(fstat(fd, &after));
    ASSERT_GT(after.st_atime, before.st_atime);
    ASSERT_SYS_OK(munmap((void *)p, pg));
    close(fd);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_map_06_past_eof_stores_not_written),
    IPCT_TEST(test_shm_map_07_past_end_stores_kept_by_tmpfs),
    IPCT_TEST(test_shm_map_08_read_marks_atime),
};

IPCT_MAIN("shm_file", tests)
