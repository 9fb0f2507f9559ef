/*
 * fault_fiu_preload.c - the fault machinery itself: both preloads active,
 * every ipcspec failure point fails its call once, as pinned, then lets it
 * through (off, on for one call, off again: libfiu's own test pattern).
 *
 * Spec: FIU-CANARY-01..02, FIU-EXT-01..02 (spec/faults.md).
 * See also: tests/fault/preload/ipcspec_preload.c, tests/lib/fault.c.
 */
#include "fault.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fiu-control.h>

/* FIU-CANARY-01 libfiu's POSIX preload is active in fault tests */
static void fault_fiu_canary_01_posix_preload_active(void **state)
{
    (void)state;
    ipcf_fail_nth("posix/io/oc/open", 1, EACCES);
    ASSERT_SYS_ERR(open("/dev/null", O_RDONLY), EACCES);
    ASSERT_FIRED("posix/io/oc/open", 1);
}

/* FIU-CANARY-02 ipcspec's preload extension is active in fault tests */
static void fault_fiu_canary_02_ipcspec_preload_active(void **state)
{
    int fds[2];
    (void)state;

    ipcf_fail_nth("posix/pipe/pipe", 1, EMFILE);
    ASSERT_SYS_ERR(pipe(fds), EMFILE);
    ASSERT_FIRED("posix/pipe/pipe", 1);
}

/* One call through each extension point: 0 or -1 with errno, cleaned up. */
static int call_pipe(void)
{
    int fds[2];
    int rc = pipe(fds);
    if (rc == 0) {
        close(fds[0]);
        close(fds[1]);
    }
    return rc;
}

static int call_pipe2(void)
{
    int fds[2];
    int rc = pipe2(fds, O_CLOEXEC);
    if (rc == 0) {
        close(fds[0]);
        close(fds[1]);
    }
    return rc;
}

static int call_mkfifo(void)
{
    const char *path = ipct_path("fifo");
    int rc = mkfifo(path, 0600);
    if (rc == 0)
        unlink(path);
    return rc;
}

static int call_fcntl(void)
{
    return fcntl(STDIN_FILENO, F_GETFD) == -1 ? -1 : 0;
}

static int call_fstat(void)
{
    struct stat st;
    return fstat(STDIN_FILENO, &st);
}

static const struct {
    const char *point;
    int (*call)(void);
    int err;
} ext_points[] = {
    { "posix/pipe/pipe", call_pipe, ENFILE },
    { "posix/pipe/pipe2", call_pipe2, EMFILE },
    { "posix/io/fifo/mkfifo", call_mkfifo, EDQUOT },
    { "posix/io/ctl/fcntl", call_fcntl, EINVAL },
    { "posix/io/stat/fstat", call_fstat, EOVERFLOW },
};

/* FIU-EXT-01 each extension point fails its call once with the pinned errno, then lets it through */
static void fault_fiu_ext_01_points_fail_once_then_pass(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ext_points / sizeof ext_points[0]; i++) {
        const char *point = ext_points[i].point;
        if (ext_points[i].call() != 0)
            IPCT_FAIL("%s: unarmed call failed: %s", point, ipct_errname(errno));
        ipcf_fail_nth(point, 1, ext_points[i].err);
        if (ext_points[i].call() != -1 || errno != ext_points[i].err)
            IPCT_FAIL("%s: armed call did not fail with %s (errno %s)",
                      point, ipct_errname(ext_points[i].err), ipct_errname(errno));
        if (ext_points[i].call() != 0)
            IPCT_FAIL("%s: call after the one-shot failed: %s", point, ipct_errname(errno));
        ASSERT_FIRED(point, 1);
    }
}

/* FIU-EXT-02 an extension point fails with its default errno when none is pinned */
static void fault_fiu_ext_02_default_errno_when_unpinned(void **state)
{
    int fds[2];
    (void)state;

    assert_int_equal(fiu_enable("posix/pipe/pipe2", 1, NULL, FIU_ONETIME), 0);
    ASSERT_SYS_ERR(pipe2(fds, 0), EMFILE);
    fiu_disable("posix/pipe/pipe2");
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_fiu_canary_01_posix_preload_active),
    IPCF_TEST(fault_fiu_canary_02_ipcspec_preload_active),
    IPCF_TEST(fault_fiu_ext_01_points_fail_once_then_pass),
    IPCF_TEST(fault_fiu_ext_02_default_errno_when_unpinned),
};

IPCT_MAIN("fiu_preload", tests)
