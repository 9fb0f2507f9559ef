/* SPDX-License-Identifier: MIT */
/*
 * test_shm_open.c - opening shared memory objects: creation, size, the
 * descriptor, other processes, exclusive creation, names.
 *
 * Spec: SHM-OPEN-01..13, SHM-NAME-01..05 (spec/shm.md). Raw shm_open calls:
 *       behaviours of the host, not of impl/.
 * See also: test_shm_perm.c (modes, owners, O_TRUNC), test_shm_unlink.c.
 */
#include "shm_helpers.h"

#include <limits.h>
#include <stdio.h>

/* SHM-OPEN-01 a new object has size 0 */
static void test_shm_open_01_new_object_size_zero(void **state)
{
    (void)state;
    int fd = shm_unnamed(0600, 0);
    ASSERT_EQ(object_size(fd), 0);
    close(fd);
}

/* SHM-OPEN-02 shm_open returns the lowest descriptor not open */
static void test_shm_open_02_lowest_free_descriptor(void **state)
{
    (void)state;
    int hole = ipct_lowest_free_fd();
    int keep = (int)ASSERT_SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    int above = (int)ASSERT_SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    ASSERT_SYS_OK(close(keep)); /* a hole below an open descriptor */
    int fd = shm_unnamed(0600, 0);
    ASSERT_EQ(fd, hole);
    close(fd);
    close(above);
}

/* SHM-OPEN-03 the new descriptor has FD_CLOEXEC set */
static void test_shm_open_03_cloexec_set(void **state)
{
    const char *name = ipct_ipc_name("shm");
    (void)state;

    int fd = (int)ASSERT_SYS_OK(shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600));
    ASSERT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    int again = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY, 0));
    ASSERT_EQ(fcntl(again, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    close(again);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* In a child: open *arg by name read-write, map it, write "child". */
static void write_by_name(void *arg)
{
    int fd = (int)ASSERT_SYS_OK(shm_open(arg, O_RDWR, 0));
    char *p = map_ok(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

    memcpy(p, "child", 6);
}

/* SHM-OPEN-04 every shm_open of a name, in any process, reaches the same object */
static void test_shm_open_04_same_name_same_object(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char buf[8] = "";
    (void)state;

    int fd = shm_new(name, 0600, 4096);
    int again = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY, 0));
    assert_child_exited(ipct_spawn(write_by_name, (void *)name), 0);
    ASSERT_EQ(pread(again, buf, 6, 0), 6);
    ASSERT_STR_EQ(buf, "child");
    struct stat a, b;
    ASSERT_SYS_OK(fstat(fd, &a));
    ASSERT_SYS_OK(fstat(again, &b));
    ASSERT_EQ(a.st_ino, b.st_ino);
    close(again);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-OPEN-05 O_CREAT|O_EXCL on an existing name fails with EEXIST and leaves the object */
static void test_shm_open_05_excl_existing_eexist(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char buf[5] = "";
    (void)state;

    int fd = shm_new(name, 0600, 100);
    ASSERT_SYS_OK(pwrite(fd, "kept", 4, 0));
    int next = ipct_lowest_free_fd();
    ASSERT_SYS_ERR(shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_EQ(object_size(fd), 100);
    ASSERT_EQ(pread(fd, buf, 4, 0), 4);
    ASSERT_STR_EQ(buf, "kept");
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-OPEN-06 without O_CREAT, a name that does not exist fails with ENOENT */
static void test_shm_open_06_missing_name_enoent(void **state)
{
    (void)state;
    int next = ipct_lowest_free_fd();
    ASSERT_SYS_ERR(shm_open(ipct_ipc_name("shm"), O_RDWR, 0), ENOENT);
    ASSERT_SYS_ERR(shm_open(ipct_ipc_name("shm"), O_RDONLY, 0), ENOENT);
    ASSERT_EQ(ipct_lowest_free_fd(), next);
}

/* SHM-OPEN-07 O_CREAT on an existing object opens it, keeping its mode, size and data */
static void test_shm_open_07_creat_existing_opens(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char buf[5] = "";
    struct stat st;
    (void)state;

    int fd = shm_new(name, 0600, 64);
    ASSERT_SYS_OK(pwrite(fd, "data", 4, 0));
    int again = (int)ASSERT_SYS_OK(shm_open(name, O_RDWR | O_CREAT, 0644));
    ASSERT_SYS_OK(fstat(again, &st));
    ASSERT_EQ(st.st_mode & 07777, 0600);
    ASSERT_EQ(st.st_size, 64);
    ASSERT_EQ(pread(again, buf, 4, 0), 4);
    ASSERT_STR_EQ(buf, "data");
    close(again);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-OPEN-08 each shm_open makes a new open file description: file offsets are not shared */
static void test_shm_open_08_new_open_file_description(void **state)
{
    const char *name = ipct_ipc_name("shm");
    (void)state;

    int fd = shm_new(name, 0600, 100);
    int again = (int)ASSERT_SYS_OK(shm_open(name, O_RDWR, 0));
    ASSERT_EQ(lseek(fd, 40, SEEK_SET), 40);
    ASSERT_EQ(lseek(again, 0, SEEK_CUR), 0);
    ASSERT_SYS_OK(fcntl(fd, F_SETFL, O_APPEND));
    ASSERT_EQ(fcntl(again, F_GETFL) & O_APPEND, 0);
    close(again);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-OPEN-09 a descriptor opened O_RDONLY reads but refuses write and ftruncate */
static void test_shm_open_09_rdonly_reads_only(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char buf[4] = "";
    (void)state;

    int fd = shm_new(name, 0600, 16);
    ASSERT_SYS_OK(pwrite(fd, "abc", 3, 0));
    int ro = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY, 0));
    ASSERT_EQ(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
    ASSERT_EQ(pread(ro, buf, 3, 0), 3);
    ASSERT_STR_EQ(buf, "abc");
    ASSERT_SYS_ERR(pwrite(ro, "x", 1, 0), EBADF);
    ASSERT_SYS_ERR(ftruncate(ro, 32), EINVAL);
    ASSERT_EQ(object_size(fd), 16);
    close(ro);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-OPEN-10 a descriptor opened O_RDWR reads and writes */
static void test_shm_open_10_rdwr_reads_and_writes(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char buf[4] = "";
    (void)state;

    close(shm_new(name, 0600, 0));
    int fd = (int)ASSERT_SYS_OK(shm_open(name, O_RDWR, 0));
    ASSERT_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    ASSERT_EQ(pwrite(fd, "rw!", 3, 0), 3);
    ASSERT_EQ(pread(fd, buf, 3, 0), 3);
    ASSERT_STR_EQ(buf, "rw!");
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

struct race {
    const char *name;
    int start[2];      /* the start pipe */
    int *outcome;      /* shared with the children: [0] created, [1] EEXIST */
};

/* In a child: wait for the start pipe to close, then O_CREAT|O_EXCL; count
 * the outcome, which must be success or EEXIST. */
static void race_create(void *arg)
{
    struct race *r = arg;
    char byte;

    close(r->start[1]); /* only the parent's copy holds the start back */
    ipct_child_ready();
    (void)!read(r->start[0], &byte, 1);
    int fd = shm_open(r->name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd == -1)
        ASSERT_ERRNO_EQ(errno, EEXIST);
    __atomic_fetch_add(&r->outcome[fd == -1], 1, __ATOMIC_SEQ_CST);
}

/* SHM-OPEN-11 of several processes racing O_CREAT|O_EXCL on one name, exactly one creates it */
static void test_shm_open_11_exclusive_create_is_atomic(void **state)
{
    enum { N = 4 };
    pid_t pids[N];
    (void)state;

    struct race r = { ipct_ipc_name("shm"), { -1, -1 },
                      map_ok(NULL, 2 * sizeof(int), PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0) };
    ASSERT_SYS_OK(pipe2(r.start, O_CLOEXEC));
    for (int i = 0; i < N; i++) {
        pids[i] = ipct_spawn(race_create, &r);
        ipct_await_ready(pids[i]);
        ipct_await_blocked(pids[i], SYS_read);
    }
    close(r.start[1]); /* all start at once */
    close(r.start[0]);
    for (int i = 0; i < N; i++)
        assert_child_exited(pids[i], 0);
    ASSERT_EQ(r.outcome[0], 1);
    ASSERT_EQ(r.outcome[1], N - 1);
    ASSERT_SYS_OK(shm_unlink(r.name));
    munmap(r.outcome, 2 * sizeof(int));
}

/* SHM-OPEN-12 O_EXCL without O_CREAT is ignored */
static void test_shm_open_12_excl_without_creat_ignored(void **state)
{
    const char *name = ipct_ipc_name("shm");
    (void)state;

    ASSERT_SYS_ERR(shm_open(name, O_RDWR | O_EXCL, 0), ENOENT);
    int fd = shm_new(name, 0600, 8);
    int again = (int)ASSERT_SYS_OK(shm_open(name, O_RDWR | O_EXCL, 0));
    ASSERT_EQ(object_size(again), 8);
    close(again);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-OPEN-13 an object and its data outlive every descriptor and mapping until unlinked */
static void test_shm_open_13_object_persists_until_unlinked(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char buf[8] = "";
    (void)state;

    int fd = shm_new(name, 0600, 4096);
    char *p = map_ok(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(p, "stays", 6);
    ASSERT_SYS_OK(munmap(p, 4096));
    ASSERT_SYS_OK(close(fd)); /* no descriptor, no mapping left */
    fd = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY, 0));
    ASSERT_EQ(object_size(fd), 4096);
    ASSERT_EQ(pread(fd, buf, 6, 0), 6);
    ASSERT_STR_EQ(buf, "stays");
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-NAME-01 the object appears under /dev/shm by its name without the slash */
static void test_shm_name_01_visible_in_dev_shm(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char path[300];
    struct stat a, b;
    (void)state;

    int fd = shm_new(name, 0600, 123);
    snprintf(path, sizeof path, "/dev/shm/%s", name + 1);
    ASSERT_SYS_OK(stat(path, &a));
    ASSERT_SYS_OK(fstat(fd, &b));
    ASSERT_EQ(a.st_ino, b.st_ino);
    ASSERT_EQ(a.st_size, 123);
    ASSERT_TRUE(S_ISREG(a.st_mode));
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-NAME-02 a name without its leading slash names the same object */
static void test_shm_name_02_no_leading_slash_same_object(void **state)
{
    const char *name = ipct_ipc_name("shm");
    (void)state;

    int fd = (int)ASSERT_SYS_OK(shm_open(name + 1, O_RDWR | O_CREAT | O_EXCL, 0600));
    ASSERT_SYS_OK(ftruncate(fd, 77));
    int again = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY, 0));
    ASSERT_EQ(object_size(again), 77);
    close(again);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-NAME-03 a '/' after the name's first character fails with EINVAL */
static void test_shm_name_03_inner_slash_einval(void **state)
{
    char name[128];
    (void)state;

    snprintf(name, sizeof name, "%s/sub", ipct_ipc_name("shm"));
    ASSERT_SYS_ERR(shm_open(name, O_RDWR | O_CREAT, 0600), EINVAL);
    ASSERT_SYS_ERR(shm_open(name, O_RDONLY, 0), EINVAL);
}

/* SHM-NAME-04 "/", "" and the names "." and ".." fail with EINVAL */
static void test_shm_name_04_empty_and_dot_names_einval(void **state)
{
    static const char *bad[] = { "/", "", "/.", "/.." };
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        int fd = shm_open(bad[i], O_RDWR | O_CREAT, 0600);
        if (fd != -1 || errno != EINVAL)
            IPCT_FAIL("shm_open(\"%s\") gave %d, %s; expected EINVAL", bad[i], fd,
                      ipct_errname(errno));
    }
}

/* SHM-NAME-05 NAME_MAX characters after the slash are accepted, one more fails with ENAMETOOLONG */
static void test_shm_name_05_name_max_limit(void **state)
{
    char name[NAME_MAX + 3];
    const char *prefix = ipct_ipc_name("shm");
    size_t plen = strlen(prefix);
    (void)state;

    memcpy(name, prefix, plen);
    memset(name + plen, 'x', sizeof name - plen);
    name[NAME_MAX + 2] = '\0'; /* '/' and NAME_MAX + 1 characters */
    ASSERT_SYS_ERR(shm_open(name, O_RDWR | O_CREAT, 0600), ENAMETOOLONG);
    ASSERT_SYS_ERR(shm_unlink(name), ENAMETOOLONG);
    name[NAME_MAX + 1] = '\0'; /* '/' and NAME_MAX */
    int fd = (int)ASSERT_SYS_OK(shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600));
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_open_01_new_object_size_zero),
    IPCT_TEST(test_shm_open_02_lowest_free_descriptor),
    IPCT_TEST(test_shm_open_03_cloexec_set),
    IPCT_TEST(test_shm_open_04_same_name_same_object),
    IPCT_TEST(test_shm_open_05_excl_existing_eexist),
    IPCT_TEST(test_shm_open_06_missing_name_enoent),
    IPCT_TEST(test_shm_open_07_creat_existing_opens),
    IPCT_TEST(test_shm_open_08_new_open_file_description),
    IPCT_TEST(test_shm_open_09_rdonly_reads_only),
    IPCT_TEST(test_shm_open_10_rdwr_reads_and_writes),
    IPCT_TEST(test_shm_open_11_exclusive_create_is_atomic),
    IPCT_TEST(test_shm_open_12_excl_without_creat_ignored),
    IPCT_TEST(test_shm_open_13_object_persists_until_unlinked),
    IPCT_TEST(test_shm_name_01_visible_in_dev_shm),
    IPCT_TEST(test_shm_name_02_no_leading_slash_same_object),
    IPCT_TEST(test_shm_name_03_inner_slash_einval),
    IPCT_TEST(test_shm_name_04_empty_and_dot_names_einval),
    IPCT_TEST(test_shm_name_05_name_max_limit),
};

IPCT_MAIN("shm_open", tests)
