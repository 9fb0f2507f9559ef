/* SPDX-License-Identifier: MIT */
/*
 * test_shm_unlink.c - removing a shared memory object's name: what goes at
 * once, what stays while it is used (a mapping alone is enough), reuse of
 * the name, errors.
 *
 * Spec: SHM-UNLINK-01..06 (spec/shm.md).
 * See also: test_shm_open.c (SHM-OPEN-13, SHM-NAME-05), test_shm_perm.c.
 */
#include "shm_helpers.h"

#include <stdio.h>

/* SHM-UNLINK-01 shm_unlink returns 0 and the name is gone at once */
static void test_shm_unlink_01_name_removed(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char path[300];
    struct stat st;
    (void)state;

    int fd = shm_new(name, 0600, 16);
    ASSERT_EQ(shm_unlink(name), 0);
    ASSERT_SYS_ERR(shm_open(name, O_RDONLY, 0), ENOENT);
    snprintf(path, sizeof path, "/dev/shm/%s", name + 1);
    ASSERT_SYS_ERR(stat(path, &st), ENOENT);
    close(fd);
}

/* SHM-UNLINK-02 descriptors and mappings keep the unlinked object, data and all */
static void test_shm_unlink_02_users_keep_object(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char buf[6] = "";
    struct stat st;
    (void)state;

    int fd = shm_new(name, 0600, 4096);
    char *p = map_ok(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(p, "early", 6);
    ASSERT_SYS_OK(shm_unlink(name));
    ASSERT_SYS_OK(fstat(fd, &st));
    ASSERT_EQ(st.st_nlink, 0);
    ASSERT_EQ(st.st_size, 4096);
    ASSERT_EQ(pread(fd, buf, 5, 0), 5);
    ASSERT_STR_EQ(buf, "early");
    ASSERT_SYS_OK(pwrite(fd, "late!", 5, 0));
    ASSERT_MEM_EQ(p, "late!", 5); /* descriptor and mapping: still one object */
    munmap(p, 4096);
    close(fd);
}

/* SHM-UNLINK-03 after shm_unlink, O_CREAT makes a new empty object; without it, ENOENT */
static void test_shm_unlink_03_name_reuse_new_object(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char buf[4] = "";
    struct stat old_st, new_st;
    (void)state;

    int old = shm_new(name, 0600, 100);
    ASSERT_SYS_OK(pwrite(old, "old", 3, 0));
    ASSERT_SYS_OK(shm_unlink(name));
    ASSERT_SYS_ERR(shm_open(name, O_RDWR, 0), ENOENT);
    int fresh = (int)ASSERT_SYS_OK(shm_open(name, O_RDWR | O_CREAT, 0600));
    ASSERT_EQ(object_size(fresh), 0);
    ASSERT_SYS_OK(fstat(old, &old_st));
    ASSERT_SYS_OK(fstat(fresh, &new_st));
    ASSERT_NE(old_st.st_ino, new_st.st_ino);
    ASSERT_EQ(pread(old, buf, 3, 0), 3);
    ASSERT_STR_EQ(buf, "old");
    close(fresh);
    close(old);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-UNLINK-04 shm_unlink of a name that does not exist fails with ENOENT */
static void test_shm_unlink_04_missing_enoent(void **state)
{
    (void)state;
    ASSERT_SYS_ERR(shm_unlink(ipct_ipc_name("shm")), ENOENT);
}

/* In a child as nobody: shm_unlink(*arg) of root's object must fail with
 * EACCES (glibc) or EPERM (musl). */
static void unlink_denied(void *arg)
{
#ifdef __GLIBC__
    ASSERT_SYS_ERR(shm_unlink(arg), EACCES);
#else
    ASSERT_SYS_ERR(shm_unlink(arg), EPERM);
#endif
}

/* SHM-UNLINK-05 another user's object in the sticky /dev/shm cannot be unlinked, and stays */
static void test_shm_unlink_05_other_owner_denied(void **state)
{
    const char *name = ipct_ipc_name("shm");
    char buf[5] = "";
    struct stat dir;
    (void)state;

    ASSERT_SYS_OK(stat("/dev/shm", &dir));
    if ((dir.st_mode & S_ISVTX) == 0)
        IPCT_SKIP("/dev/shm is not sticky here: anyone may remove any name");
    int fd = shm_new(name, 0666, 8);
    ASSERT_SYS_OK(fchmod(fd, 0666));
    ASSERT_SYS_OK(pwrite(fd, "mine", 4, 0));
    shm_run_as_nobody(unlink_denied, (void *)name);
    int again = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY, 0));
    ASSERT_EQ(pread(again, buf, 4, 0), 4);
    ASSERT_STR_EQ(buf, "mine");
    close(again);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* In a child: read "kept" through the inherited mapping, store "child!". */
static void read_kept_store_child(void *arg)
{
    char *p = arg;

    ASSERT_STR_EQ(p, "kept");
    memcpy(p, "child!", 7);
}

/* SHM-UNLINK-06 a mapping alone keeps an unlinked object: descriptor closed and name gone, its data stays reachable */
static void test_shm_unlink_06_mapping_alone_keeps_object(void **state)
{
    const char *name = ipct_ipc_name("shm");
    size_t pg = page_size();
    (void)state;

    int fd = shm_new(name, 0600, (off_t)pg);
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_OK(close(fd));
    ASSERT_SYS_OK(shm_unlink(name));
    ASSERT_SYS_ERR(shm_open(name, O_RDWR, 0), ENOENT); /* only the mapping is left */
    memcpy(p, "kept", 5);
    assert_child_exited(ipct_spawn(read_kept_store_child, p), 0);
    ASSERT_STR_EQ(p, "child!");
    ASSERT_SYS_OK(munmap(p, pg));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_unlink_01_name_removed),
    IPCT_TEST(test_shm_unlink_02_users_keep_object),
    IPCT_TEST(test_shm_unlink_03_name_reuse_new_object),
    IPCT_TEST(test_shm_unlink_04_missing_enoent),
    IPCT_TEST(test_shm_unlink_05_other_owner_denied),
    IPCT_TEST(test_shm_unlink_06_mapping_alone_keeps_object),
};

IPCT_MAIN("shm_unlink", tests)
