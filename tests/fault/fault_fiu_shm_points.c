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

static const struct {
    const char *point;
    int (*call)(void);
    int err;         /* pinned for FIU-EXT-07 */
    int default_err; /* documented in spec/faults.md, for FIU-EXT-08 */
} shm_points[] = {
    { "posix/shm/open", call_open_creat, ENOSPC, EMFILE },
    { "posix/shm/unlink", call_unlink, ENOENT, EACCES },
    { "posix/mm/munmap/error", call_munmap, ENOMEM, EINVAL },
};

enum { NPOINTS = sizeof shm_points / sizeof shm_points[0] };

/* FIU-EXT-07 each shm extension point fails its call once with the pinned errno, then lets it through */
static void fault_fiu_ext_07_shm_points_fail_once_then_pass(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPOINTS; i++) {
        const char *point = shm_points[i].point;
        if (shm_points[i].call() != 0)
            IPCT_FAIL("%s: unarmed call failed: %s", point, ipct_errname(errno));
        ipcf_fail_nth(point, 1, shm_points[i].err);
        if (shm_points[i].call() != -1 || errno != shm_points[i].err)
            IPCT_FAIL("%s: armed call did not fail with %s (errno %s)", point,
                      ipct_errname(shm_points[i].err), ipct_errname(errno));
        ASSERT_FIRED(point, 1);
        if (shm_points[i].call() != 0)
            IPCT_FAIL("%s: call after the one-shot failed: %s", point, ipct_errname(errno));
        ASSERT_FIRED(point, 1);
        ipcf_disarm_all();
    }
}

/* FIU-EXT-08 each shm extension point fails with its documented default errno when none is pinned */
static void fault_fiu_ext_08_shm_points_default_errno(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPOINTS; i++) {
        const char *point = shm_points[i].point;
        ASSERT_EQ(fiu_enable(point, 1, NULL, FIU_ONETIME), 0);
        int rc = shm_points[i].call();
        int err = errno;
        fiu_disable(point);
        if (rc != -1 || err != shm_points[i].default_err)
            IPCT_FAIL("%s: unpinned call returned %d, errno %s; expected -1, %s", point, rc,
                      ipct_errname(err), ipct_errname(shm_points[i].default_err));
    }
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_fiu_ext_07_shm_points_fail_once_then_pass),
    IPCF_TEST(fault_fiu_ext_08_shm_points_default_errno),
};

IPCT_MAIN("fiu_shm_points", tests)
