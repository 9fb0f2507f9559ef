/* SPDX-License-Identifier: MIT */
/*
 * fault_fiu_shm_points.c - the shared memory failure points of ipcspec's
 * preload extension: each fails its call once, as pinned, then lets it
 * through (off, on for one call, off again); unpinned, each fails with the
 * default errno spec/faults.md documents.
 *
 * Spec: FIU-EXT-07..08 (spec/faults.md).
 * See also: tests/fault/preload/shm_points.c, fault_fiu_mq_points.c.
 */
#include "fault.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fiu-control.h>

/* With O_CREAT the wrapper must pass the mode on: the new object shows 0640. */
static int call_open_creat(void)
{
    const char *name = ipct_ipc_name("shm");
    struct stat st;
    mode_t old = umask(0);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    int err = errno;

    umask(old);
    if (fd == -1) {
        errno = err;
        return -1;
    }
    ASSERT_SYS_OK(fstat(fd, &st));
    close(fd);
    ASSERT_SYS_OK(shm_unlink(name));
    if ((st.st_mode & 07777) != 0640)
        IPCT_FAIL("shm_open(O_CREAT, 0640) through the wrapper gave mode %o",
                  (unsigned)(st.st_mode & 07777));
    return 0;
}

/* A failed shm_unlink removed nothing: remove the name once the point is spent. */
static int call_unlink(void)
{
    const char *name = ipct_ipc_name("shm");

    close((int)ASSERT_SYS_OK(shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)));
    if (shm_unlink(name) == 0)
        return 0;
    int err = errno;
    ASSERT_SYS_OK(shm_unlink(name));
    errno = err;
    return -1;
}

/* A failed munmap was not made: the page is still mapped; unmap it then. */
static int call_munmap(void)
{
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        IPCT_FAIL("mmap: %s", ipct_errname(errno));
    if (munmap(p, 4096) == 0)
        return 0;
    int err = errno;
    p[0] = 'x'; /* still mapped */
    ASSERT_SYS_OK(munmap(p, 4096));
    errno = err;
    return -1;
}

/* err is pinned for FIU-EXT-07; default_err, documented in spec/faults.md, for FIU-EXT-08 */
static const struct ipcf_point p_open = { "posix/shm/open", call_open_creat, ENOSPC, EMFILE },
                               p_unlink = { "posix/shm/unlink", call_unlink, ENOENT, EACCES },
                               p_munmap = { "posix/mm/munmap/error", call_munmap, ENOMEM, EINVAL };

/* FIU-EXT-07 each shm extension point fails its call once with the pinned errno, then lets it through */
static void fault_fiu_ext_07_shm_points_fail_once_then_pass(void **state)
{
    (void)state;
    ASSERT_POINT_FAILS_ONCE((const struct ipcf_point *)ipct_variant());
}

/* FIU-EXT-08 each shm extension point fails with its documented default errno when none is pinned */
static void fault_fiu_ext_08_shm_points_default_errno(void **state)
{
    (void)state;
    ASSERT_POINT_DEFAULT_ERRNO((const struct ipcf_point *)ipct_variant());
}

#define SHM_POINT_CASES(fn) \
    IPCT_VARIANT_WITH(fn, "shm_open", &p_open, ipcf_setup, ipcf_teardown), \
    IPCT_VARIANT_WITH(fn, "shm_unlink", &p_unlink, ipcf_setup, ipcf_teardown), \
    IPCT_VARIANT_WITH(fn, "munmap", &p_munmap, ipcf_setup, ipcf_teardown)

static const struct CMUnitTest tests[] = {
    SHM_POINT_CASES(fault_fiu_ext_07_shm_points_fail_once_then_pass),
    SHM_POINT_CASES(fault_fiu_ext_08_shm_points_default_errno),
};

IPCT_MAIN("fiu_shm_points", tests)
