/* SPDX-License-Identifier: MIT */
/*
 * test_shm_map.c - what a mapping shows and where its stores go: offsets,
 * the descriptor closed after mmap, the partial last page, MAP_SHARED and
 * MAP_PRIVATE across processes and to the file, fork, file times.
 *
 * Spec: SHM-MAP-01..05, SHM-SHARED-01..02, SHM-PRIVATE-01..02 (spec/shm.md).
 * See also: test_shm_mmap.c (arguments), test_shm_signal.c (faults).
 */
#include "shm_helpers.h"

#include <sys/time.h>

/* A regular file of size bytes, byte i holding 'a' + i % 26; its descriptor (O_RDWR). */
static int alphabet_file(const char *leaf, size_t size)
{
    int fd = (int)ASSERT_SYS_OK(open(ipct_path(leaf), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
                                     0600));
    for (size_t i = 0; i < size; i++) {
        char c = (char)('a' + i % 26);
        ASSERT_SYS_OK(pwrite(fd, &c, 1, (off_t)i));
    }
    return fd;
}

/* SHM-MAP-01 a mapping at offset off shows the object from byte off */
static void test_shm_map_01_offset_selects_bytes(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = alphabet_file("f", 3 * pg);
    char *p = map_ok(NULL, pg, PROT_READ, MAP_SHARED, fd, (off_t)(2 * pg));
    for (size_t i = 0; i < pg; i += 97) {
        char want = (char)('a' + (2 * pg + i) % 26);
        if (p[i] != want)
            IPCT_FAIL("mapping at offset %zu, byte %zu: '%c', expected '%c'", 2 * pg, i, p[i], want);
    }
    munmap(p, pg);
    close(fd);
}

/* SHM-MAP-02 after close(fd) the mapping stays valid, readable, writable and backed by the object */
static void test_shm_map_02_close_after_mmap_keeps_mapping(void **state)
{
    const char *name = ipct_ipc_name("shm");
    size_t pg = page_size();
    char buf[8] = "";
    (void)state;

    int fd = shm_new(name, 0600, (off_t)pg);
    ASSERT_SYS_OK(pwrite(fd, "before", 6, 0));
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_OK(close(fd));
    ASSERT_MEM_EQ(p, "before", 6);       /* readable */
    memcpy(p, "after!", 7);                    /* writable */
    int again = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY, 0));
    ASSERT_EQ(pread(again, buf, 6, 0), 6); /* still the object */
    ASSERT_STR_EQ(buf, "after!");
    close(again);
    munmap(p, pg);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-MAP-03 the rest of the last page past the object's end reads as zeros, and stores there never reach the file */
static void test_shm_map_03_partial_page_zero_filled(void **state)
{
    size_t pg = page_size();
    char buf[200];
    (void)state;

    int fd = alphabet_file("f", 100);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    for (size_t i = 100; i < pg; i++) {
        if (p[i] != 0)
            IPCT_FAIL("byte %zu past the end (100) is 0x%02x, not 0", i, (unsigned char)p[i]);
    }
    memset(p + 100, 'X', 50);
    ASSERT_SYS_OK(msync(p, pg, MS_SYNC));
    ASSERT_EQ(object_size(fd), 100);
    ASSERT_EQ(pread(fd, buf, sizeof buf, 0), 100);
    munmap(p, pg);
    close(fd);
}

/* In a forked child: store into the inherited shared and private mappings. */
struct fork_maps {
    char *shared, *private;
};

static void store_both(void *arg)
{
    struct fork_maps *m = arg;

    m->shared[0] = 'S';
    m->private[0] = 'P';
}

/* SHM-MAP-04 across fork a shared mapping stays shared and a private one becomes the child's own copy */
static void test_shm_map_04_fork_keeps_mapping_type(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = shm_unnamed(0600, (off_t)pg);
    struct fork_maps m = {
        map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
        map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0),
    };
    m.private[0] = 'p'; /* the parent's own copy, made before the fork */
    assert_child_exited(ipct_spawn(store_both, &m), 0);
    ASSERT_EQ(m.shared[0], 'S');
    ASSERT_EQ(m.private[0], 'p');
    munmap(m.shared, pg);
    munmap(m.private, pg);
    close(fd);
}

/* SHM-MAP-05 a store through a MAP_SHARED PROT_WRITE mapping, then msync, updates st_mtime and st_ctime */
static void test_shm_map_05_shared_store_updates_times(void **state)
{
    size_t pg = page_size();
    const struct timespec old[2] = { { 946684800, 0 }, { 946684800, 0 } }; /* 2000-01-01 */
    struct stat before, after;
    (void)state;

    int fd = alphabet_file("f", pg);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_OK(futimens(fd, old));
    ASSERT_SYS_OK(fstat(fd, &before));
    ASSERT_EQ(before.st_mtime, 946684800);
    p[1] = '!';
    ASSERT_SYS_OK(msync(p, pg, MS_SYNC));
    ASSERT_SYS_OK(fstat(fd, &after));
    ASSERT_GT(after.st_mtime, before.st_mtime);
    ASSERT_GE(after.st_ctime, before.st_ctime);
    ASSERT_GT(after.st_ctime, 946684800);
    munmap(p, pg);
    close(fd);
}

/* In a child: open the object by name, map it, wait for "go" on a pipe,
 * then check it reads "parent" and write "child". */
struct peer {
    const char *name;
    int go[2];
};

static void peer_child(void *arg)
{
    struct peer *pe = arg;
    char byte;

    close(pe->go[1]);
    int fd = (int)ASSERT_SYS_OK(shm_open(pe->name, O_RDWR, 0));
    char *p = map_ok(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    ipct_child_ready();
    ASSERT_EQ(read(pe->go[0], &byte, 1), 1);
    ASSERT_MEM_EQ(p, "parent", 6);
    memcpy(p + 100, "child", 6);
}

/* SHM-SHARED-01 a store through MAP_SHARED in one process is seen by another process mapping the object */
static void test_shm_shared_01_visible_across_processes(void **state)
{
    struct peer pe = { ipct_ipc_name("shm"), { -1, -1 } };
    (void)state;

    int fd = shm_new(pe.name, 0600, 4096);
    char *p = map_ok(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_OK(pipe2(pe.go, O_CLOEXEC));
    pid_t pid = ipct_spawn(peer_child, &pe);
    ipct_await_ready(pid); /* the child has its own mapping now */
    memcpy(p, "parent", 7);
    ASSERT_SYS_OK(write(pe.go[1], "g", 1));
    assert_child_exited(pid, 0);
    ASSERT_MEM_EQ(p + 100, "child", 5);
    close(pe.go[0]);
    close(pe.go[1]);
    munmap(p, 4096);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(pe.name));
}

/* SHM-SHARED-02 a store through MAP_SHARED reaches the file: read(2) sees it, before and after munmap */
static void test_shm_shared_02_store_reaches_file(void **state)
{
    size_t pg = page_size();
    char buf[6] = "";
    (void)state;

    int fd = alphabet_file("f", pg);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(p + 10, "FILE!", 6);
    ASSERT_EQ(pread(fd, buf, 5, 10), 5);
    ASSERT_STR_EQ(buf, "FILE!");
    ASSERT_SYS_OK(munmap(p, pg));
    close(fd);
    fd = (int)ASSERT_SYS_OK(open(ipct_path("f"), O_RDONLY | O_CLOEXEC));
    memset(buf, 0, sizeof buf);
    ASSERT_EQ(pread(fd, buf, 5, 10), 5);
    ASSERT_STR_EQ(buf, "FILE!");
    close(fd);
}

struct first_byte {
    const char *name;
    char want;
};

/* In a child: map the object by name; its first byte must be want. */
static void first_byte(void *arg)
{
    const struct first_byte *f = arg;
    int fd = (int)ASSERT_SYS_OK(shm_open(f->name, O_RDONLY, 0));
    const char *p = map_ok(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);

    ASSERT_EQ(p[0], f->want);
}

/* SHM-PRIVATE-01 a store through MAP_PRIVATE is seen by no other process and never reaches the file */
static void test_shm_private_01_store_stays_private(void **state)
{
    const char *name = ipct_ipc_name("shm");
    size_t pg = page_size();
    char c = 0;
    (void)state;

    int fd = shm_new(name, 0600, 4096);
    ASSERT_SYS_OK(pwrite(fd, "o", 1, 0));
    char *p = map_ok(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    p[0] = 'x';
    ASSERT_EQ(p[0], 'x');
    struct first_byte unchanged = { name, 'o' };
    assert_child_exited(ipct_spawn(first_byte, &unchanged), 0);
    ASSERT_EQ(pread(fd, &c, 1, 0), 1);
    ASSERT_EQ(c, 'o');
    int ffd = alphabet_file("f", pg); /* and for a regular file */
    char *q = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, ffd, 0);
    q[0] = '#';
    ASSERT_SYS_OK(msync(q, pg, MS_SYNC));
    ASSERT_EQ(pread(ffd, &c, 1, 0), 1);
    ASSERT_EQ(c, 'a');
    munmap(q, pg);
    close(ffd);
    munmap(p, 4096);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-PRIVATE-02 munmap of a private mapping discards its changes: a new mapping shows the object */
static void test_shm_private_02_munmap_discards(void **state)
{
    size_t pg = page_size();
    (void)state;

    int fd = alphabet_file("f", pg);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    memset(p, '-', 16);
    ASSERT_SYS_OK(munmap(p, pg));
    p = map_ok(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0);
    ASSERT_MEM_EQ(p, "abcdefghijklmnop", 16);
    munmap(p, pg);
    close(fd);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_map_01_offset_selects_bytes),
    IPCT_TEST(test_shm_map_02_close_after_mmap_keeps_mapping),
    IPCT_TEST(test_shm_map_03_partial_page_zero_filled),
    IPCT_TEST(test_shm_map_04_fork_keeps_mapping_type),
    IPCT_TEST(test_shm_map_05_shared_store_updates_times),
    IPCT_TEST(test_shm_shared_01_visible_across_processes),
    IPCT_TEST(test_shm_shared_02_store_reaches_file),
    IPCT_TEST(test_shm_private_01_store_stays_private),
    IPCT_TEST(test_shm_private_02_munmap_discards),
};

IPCT_MAIN("shm_map", tests)
