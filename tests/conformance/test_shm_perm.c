/* SPDX-License-Identifier: MIT */
/*
 * test_shm_perm.c - who may create, open and truncate a shared memory
 * object: owner, mode, umask, permission checks, O_TRUNC. Permission checks
 * run in a child that dropped to nobody (root passes every mode check).
 *
 * Spec: SHM-PERM-01..04, SHM-TRUNC-01..02 (spec/shm.md).
 * See also: test_shm_open.c, test_shm_unlink.c (SHM-UNLINK-05).
 */
#include "shm_helpers.h"

/* In a child as nobody, umask 027: create *arg with mode 0666; owner and
 * mode must be nobody's and 0640. Removes it again. */
static void create_as_nobody(void *arg)
{
    struct stat st;

    umask(027);
    int fd = (int)ASSERT_SYS_OK(shm_open(arg, O_RDWR | O_CREAT | O_EXCL, 0666));
    ASSERT_SYS_OK(fstat(fd, &st));
    ASSERT_SYS_OK(shm_unlink(arg));
    ASSERT_EQ(st.st_uid, 65534);
    ASSERT_EQ(st.st_gid, 65534);
    ASSERT_EQ(st.st_mode & 07777, 0640);
}

/* SHM-PERM-01 a new object belongs to the creator's effective uid and gid, with the mode less the umask */
static void test_shm_perm_01_owner_and_masked_mode(void **state)
{
    (void)state;
    shm_run_as_nobody(create_as_nobody, (void *)ipct_ipc_name("shm"));
}

/* In a child as nobody: create *arg O_RDWR with mode 0400, write through
 * the descriptor, then a second O_RDWR open must fail with EACCES. */
static void create_readonly_mode(void *arg)
{
    int fd = (int)ASSERT_SYS_OK(shm_open(arg, O_RDWR | O_CREAT | O_EXCL, 0400));

    ASSERT_EQ(pwrite(fd, "w", 1, 0), 1);
    ASSERT_SYS_ERR(shm_open(arg, O_RDWR, 0), EACCES);
    ASSERT_SYS_OK(shm_unlink(arg));
}

/* SHM-PERM-02 the mode given at creation does not limit the creating descriptor's access */
static void test_shm_perm_02_mode_not_applied_to_creator(void **state)
{
    (void)state;
    shm_run_as_nobody(create_readonly_mode, (void *)ipct_ipc_name("shm"));
}

struct perm_case {
    const char *name;
    int flags;
};

/* In a child as nobody: shm_open(name, flags) must fail with EACCES. */
static void open_denied(void *arg)
{
    const struct perm_case *c = arg;

    ASSERT_SYS_ERR(shm_open(c->name, c->flags, 0), EACCES);
}

/* In a child as nobody: shm_open(name, flags) must succeed. */
static void open_allowed(void *arg)
{
    const struct perm_case *c = arg;

    ASSERT_SYS_OK(shm_open(c->name, c->flags, 0));
}

/* SHM-PERM-03 opening an existing object with an access its mode denies fails with EACCES */
static void test_shm_perm_03_denied_access_eacces(void **state)
{
    const char *secret = ipct_ipc_name("shm"), *shared = ipct_ipc_name("shm");
    (void)state;

    close(shm_new(secret, 0600, 0));
    int fd = shm_new(shared, 0644, 0);
    ASSERT_SYS_OK(fchmod(fd, 0644)); /* whatever the umask */
    close(fd);
    struct perm_case secret_ro = { secret, O_RDONLY }, shared_ro = { shared, O_RDONLY };
    struct perm_case shared_rw = { shared, O_RDWR };
    shm_run_as_nobody(open_denied, &secret_ro);
    shm_run_as_nobody(open_allowed, &shared_ro);
    shm_run_as_nobody(open_denied, &shared_rw);
    ASSERT_SYS_OK(shm_unlink(secret));
    ASSERT_SYS_OK(shm_unlink(shared));
}

/* SHM-PERM-04 O_TRUNC without write permission fails with EACCES and truncates nothing */
static void test_shm_perm_04_trunc_without_write_eacces(void **state)
{
    const char *name = ipct_ipc_name("shm");
    (void)state;

    int fd = shm_new(name, 0644, 10);
    ASSERT_SYS_OK(fchmod(fd, 0644));
    struct perm_case ro_trunc = { name, O_RDONLY | O_TRUNC }, rw_trunc = { name, O_RDWR | O_TRUNC };
    shm_run_as_nobody(open_denied, &ro_trunc);
    shm_run_as_nobody(open_denied, &rw_trunc);
    ASSERT_EQ(object_size(fd), 10);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-TRUNC-01 O_RDWR|O_TRUNC on an existing object empties it and keeps its mode and owner */
static void test_shm_trunc_01_rdwr_trunc_empties(void **state)
{
    const char *name = ipct_ipc_name("shm");
    struct stat before, after;
    (void)state;

    int fd = shm_new(name, 0640, 4096);
    ASSERT_SYS_OK(fchmod(fd, 0640));
    ASSERT_SYS_OK(pwrite(fd, "old", 3, 0));
    ASSERT_SYS_OK(fstat(fd, &before));
    int again = (int)ASSERT_SYS_OK(shm_open(name, O_RDWR | O_CREAT | O_TRUNC, 0606));
    ASSERT_SYS_OK(fstat(fd, &after));
    ASSERT_EQ(after.st_size, 0);
    ASSERT_EQ(after.st_mode, before.st_mode);
    ASSERT_EQ(after.st_uid, before.st_uid);
    ASSERT_EQ(after.st_gid, before.st_gid);
    ASSERT_SYS_OK(ftruncate(again, 3)); /* grown again: the old bytes are gone */
    char buf[3] = { 'x', 'x', 'x' };
    ASSERT_EQ(pread(fd, buf, 3, 0), 3);
    ASSERT_MEM_EQ(buf, "\0\0\0", 3);
    close(again);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

/* SHM-TRUNC-02 on Linux O_RDONLY|O_TRUNC also empties the object when the caller may write */
static void test_shm_trunc_02_rdonly_trunc_empties(void **state)
{
    const char *name = ipct_ipc_name("shm");
    (void)state;

    int fd = shm_new(name, 0600, 100);
    int ro = (int)ASSERT_SYS_OK(shm_open(name, O_RDONLY | O_TRUNC, 0));
    ASSERT_EQ(object_size(fd), 0);
    ASSERT_EQ(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
    close(ro);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_perm_01_owner_and_masked_mode),
    IPCT_TEST(test_shm_perm_02_mode_not_applied_to_creator),
    IPCT_TEST(test_shm_perm_03_denied_access_eacces),
    IPCT_TEST(test_shm_perm_04_trunc_without_write_eacces),
    IPCT_TEST(test_shm_trunc_01_rdwr_trunc_empties),
    IPCT_TEST(test_shm_trunc_02_rdonly_trunc_empties),
};

IPCT_MAIN("shm_perm", tests)
