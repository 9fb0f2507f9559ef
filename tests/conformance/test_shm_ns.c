/* SPDX-License-Identifier: MIT */
/*
 * test_shm_ns.c - where a POSIX shared-memory object lives: in the tmpfs
 * mounted on /dev/shm, so it follows the mount namespace, not the IPC
 * namespace; and what that mount's noexec option does to PROT_EXEC. Every
 * experiment runs in a child that unshares; a host that refuses it skips
 * with the errno.
 *
 * Spec: SHM-NS-01..02, SHM-NOEXEC-01 (spec/shm.md).
 * See also: test_mq_ns.c (queues follow the IPC namespace), test_shm_open.c.
 */
#include "shm_helpers.h"

#include <sched.h>

static void still_visible(void *arg)
{
    if (unshare(CLONE_NEWIPC) == -1)
        IPCT_SKIP("unshare(CLONE_NEWIPC): %s", ipct_errname(errno));
    int fd = (int)ASSERT_SYS_OK(shm_open(arg, O_RDONLY | O_CLOEXEC, 0));
    ASSERT_EQ(object_size(fd), 3 * (off_t)page_size());
    close(fd);
}

/* SHM-NS-01 a new IPC namespace still sees the shared-memory objects of /dev/shm */
static void test_shm_ns_01_ipc_namespace_sees_object(void **state)
{
    (void)state;
    const char *name = ipct_ipc_name("shm");
    int fd = shm_new(name, 0600, 3 * (off_t)page_size());

    assert_child_exited(ipct_spawn(still_visible, (void *)name), 0);
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

static void own_dev_shm(void *arg)
{
    shm_private_dev_shm(0, "size=1m");
    errno = 0;
    ASSERT_SYS_ERR(shm_open(arg, O_RDONLY | O_CLOEXEC, 0), ENOENT);
    int fd = (int)ASSERT_SYS_OK(shm_open(arg, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    ASSERT_SYS_OK(ftruncate(fd, 1));
    close(fd);
    ASSERT_SYS_OK(shm_unlink(arg));
}

/* SHM-NS-02 with its own tmpfs on /dev/shm a process sees none of the host's objects, and its own stay apart */
static void test_shm_ns_02_mount_namespace_own_objects(void **state)
{
    (void)state;
    const char *name = ipct_ipc_name("shm");
    int fd = shm_new(name, 0600, 3 * (off_t)page_size());

    assert_child_exited(ipct_spawn(own_dev_shm, (void *)name), 0);
    ASSERT_EQ(object_size(fd), 3 * (off_t)page_size());
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
}

static void exec_refused_on_noexec(void *arg)
{
    shm_private_dev_shm(0, "size=1m");
    int fd = (int)ASSERT_SYS_OK(shm_open(arg, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0700));
    ASSERT_SYS_OK(ftruncate(fd, (off_t)page_size()));
    void *p = map_ok(NULL, page_size(), PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    ASSERT_SYS_OK(munmap(p, page_size()));
    ASSERT_SYS_OK(mount("ipcspec", "/dev/shm", "tmpfs",
                        MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=1m"));
    map_err(NULL, page_size(), PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0, EPERM);
    p = map_ok(NULL, page_size(), PROT_READ, MAP_SHARED, fd, 0); /* without exec: fine */
    ASSERT_SYS_OK(munmap(p, page_size()));
    close(fd);
    ASSERT_SYS_OK(shm_unlink(arg));
}

/* SHM-NOEXEC-01 on a /dev/shm mounted noexec, mmap with PROT_EXEC fails with EPERM */
static void test_shm_noexec_01_prot_exec_eperm(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn(exec_refused_on_noexec, (void *)ipct_ipc_name("shm")), 0);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_ns_01_ipc_namespace_sees_object),
    IPCT_TEST(test_shm_ns_02_mount_namespace_own_objects),
    IPCT_TEST(test_shm_noexec_01_prot_exec_eperm),
};

IPCT_MAIN("shm_ns", tests)
