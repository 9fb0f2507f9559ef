/* SPDX-License-Identifier: MIT */
/*
 * test_shm_room.c - what shm_open does when something runs out: descriptor
 * numbers (RLIMIT_NOFILE), a /dev/shm the caller may write, inodes of the
 * tmpfs on /dev/shm; and the inode an unlinked object keeps while a mapping
 * alone holds it. The /dev/shm experiments run in a child with a small tmpfs
 * of its own in a mount namespace of its own; a host that refuses either
 * skips with the errno.
 *
 * Spec: SHM-OPEN-14..16, SHM-MAP-09 (spec/shm.md).
 * See also: test_shm_ns.c (the same private /dev/shm), test_mq_open.c
 * (MQ-LIMIT-05, EMFILE for mq_open).
 */
#include "shm_helpers.h"

enum { SPARE_FDS = 3, MAX_OBJECTS = 8 };

/* In a child with SPARE_FDS descriptor numbers free under RLIMIT_NOFILE:
 * open the object arg names SPARE_FDS times; the next open fails with EMFILE. */
static void open_until_emfile(void *arg)
{
    ipct_leave_free_fds(SPARE_FDS);
    for (int i = 0; i < SPARE_FDS; i++)
        ASSERT_SYS_OK(shm_open(arg, O_RDONLY, 0));
    ASSERT_SYS_ERR(shm_open(arg, O_RDONLY, 0), EMFILE); /* the descriptors close as it exits */
}

/* SHM-OPEN-14 with no descriptor number free under RLIMIT_NOFILE, shm_open fails with EMFILE */
static void test_shm_open_14_rlimit_nofile_emfile(void **state)
{
    const char *name = ipct_ipc_name("shm");
    (void)state;

    ASSERT_SYS_OK(close(shm_new(name, 0600, 0)));
    assert_child_exited(ipct_spawn(open_until_emfile, (void *)name), 0);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* In a child: a root-owned 0755 /dev/shm of its own; as a uid of its own,
 * creating arg fails with EACCES and leaves no name. */
static void create_denied(void *arg)
{
    shm_private_dev_shm(0, "size=1m,mode=0755");
    shm_become_private_user();
    ASSERT_SYS_ERR(shm_open(arg, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600), EACCES);
    ASSERT_SYS_ERR(shm_open(arg, O_RDONLY | O_CLOEXEC, 0), ENOENT);
}

/* SHM-OPEN-15 creating an object where the caller may not write /dev/shm fails with EACCES */
static void test_shm_open_15_unwritable_dir_create_eacces(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn(create_denied, (void *)ipct_ipc_name("shm")), 0);
}

/* Objects made in a full /dev/shm: their names and how many. */
struct filled {
    const char *names[MAX_OBJECTS];
    int count;
};

/* Create objects under fresh names until one fails (at most MAX_OBJECTS):
 * the failure must be ENOSPC. */
static void fill_dev_shm(struct filled *f)
{
    int err = 0;

    for (f->count = 0; f->count < MAX_OBJECTS; f->count++) {
        f->names[f->count] = ipct_ipc_name("shm");
        int fd = shm_open(f->names[f->count], O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd == -1) {
            err = errno;
            break;
        }
        ASSERT_SYS_OK(close(fd));
    }
    if (f->count == MAX_OBJECTS)
        IPCT_FAIL("%d objects created on a tmpfs of nr_inodes=4; expected ENOSPC before",
                  MAX_OBJECTS);
    ASSERT_ERRNO_EQ(err, ENOSPC);
}

static void unlink_all(const struct filled *f, int from)
{
    for (int i = from; i < f->count; i++)
        ASSERT_SYS_OK(shm_unlink(f->names[i]));
}

static void create_until_enospc(void *arg)
{
    struct filled f = { 0 };
    (void)arg;

    shm_private_dev_shm(0, "size=1m,nr_inodes=4");
    fill_dev_shm(&f);
    unlink_all(&f, 0);
}

/* SHM-OPEN-16 creating an object on a /dev/shm with no inode left fails with ENOSPC */
static void test_shm_open_16_no_inode_left_enospc(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn(create_until_enospc, NULL), 0);
}

/* In a child with a full /dev/shm: the last object, mapped, its descriptor
 * closed and its name gone, keeps its inode until munmap. */
static void mapping_holds_inode(void *arg)
{
    size_t pg = page_size();
    struct filled f = { 0 };
    const char *late = ipct_ipc_name("shm");
    (void)arg;

    shm_private_dev_shm(0, "size=1m,nr_inodes=4");
    fill_dev_shm(&f);
    ASSERT_GT(f.count, 0);
    const char *last = f.names[f.count - 1];
    int fd = (int)ASSERT_SYS_OK(shm_open(last, O_RDWR | O_CLOEXEC, 0));
    ASSERT_SYS_OK(ftruncate(fd, (off_t)pg));
    char *p = map_ok(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ASSERT_SYS_OK(close(fd));
    ASSERT_SYS_OK(shm_unlink(last));
    f.count--;
    ASSERT_SYS_ERR(shm_open(late, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600), ENOSPC);
    ASSERT_SYS_OK(munmap(p, pg));
    ASSERT_SYS_OK(close((int)ASSERT_SYS_OK(shm_open(late, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
                                                    0600))));
    ASSERT_SYS_OK(shm_unlink(late));
    unlink_all(&f, 0);
}

/* SHM-MAP-09 a mapping alone holds an unlinked object until the last munmap */
static void test_shm_map_09_mapping_holds_inode(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn(mapping_holds_inode, NULL), 0);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_open_14_rlimit_nofile_emfile),
    IPCT_TEST(test_shm_open_15_unwritable_dir_create_eacces),
    IPCT_TEST(test_shm_open_16_no_inode_left_enospc),
    IPCT_TEST(test_shm_map_09_mapping_holds_inode),
};

IPCT_MAIN("shm_room", tests)
