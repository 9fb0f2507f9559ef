/* SPDX-License-Identifier: MIT */
/*
 * fault_fiu_preload.c - the fault machinery itself: both preloads active,
 * every ipcspec failure point fails its call once, as pinned, then lets it
 * through (off, on for one call, off again: libfiu's own test pattern).
 *
 * Spec: FIU-CANARY-01..02, FIU-EXT-01..02, FIU-ENV-01..02 (spec/faults.md).
 * See also: tests/fault/preload/ipcspec_preload.c, tests/lib/fault.c.
 */
#include "fault.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
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

/* A variant row of FIU-EXT-01: a point, a call through it, the pinned errno. */
struct ext_point {
    const char *point;
    int (*call)(void);
    int err;
};

static const struct ext_point ext_points[] = {
    { "posix/pipe/pipe", call_pipe, ENFILE },
    { "posix/pipe/pipe2", call_pipe2, EMFILE },
    { "posix/io/fifo/mkfifo", call_mkfifo, EDQUOT },
    { "posix/io/ctl/fcntl", call_fcntl, EINVAL },
    { "posix/io/stat/fstat", call_fstat, EOVERFLOW },
};

/* FIU-EXT-01 each extension point fails its call once with the pinned errno, then lets it through */
static void fault_fiu_ext_01_points_fail_once_then_pass(void **state)
{
    const struct ext_point *p = ipct_variant();
    (void)state;

    ASSERT_SYS_OK(p->call()); /* unarmed */
    ipcf_fail_nth(p->point, 1, p->err);
    ASSERT_SYS_ERR(p->call(), p->err);
    ASSERT_SYS_OK(p->call()); /* after the one-shot */
    ASSERT_FIRED(p->point, 1);
}

/* FIU-EXT-02 an extension point fails with its default errno when none is pinned */
static void fault_fiu_ext_02_default_errno_when_unpinned(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_EQ(fiu_enable("posix/pipe/pipe2", 1, NULL, FIU_ONETIME), 0);
    ASSERT_SYS_ERR(pipe2(fds, 0), EMFILE);
    fiu_disable("posix/pipe/pipe2");
}

/* Run ipcspec-fdcheck on three closed descriptors with faults (or none)
 * armed through the environment; returns its exit code. */
static int fdcheck_with_faults(const char *faults, const char *log)
{
    char spec[128], log_var[300];
    char *argv[] = { IPCSPEC_FDCHECK, "200", "201", "202", NULL };
    char *env[] = { spec, log_var, NULL };

    snprintf(spec, sizeof spec, "IPCSPEC_FAULTS=%s", faults);
    snprintf(log_var, sizeof log_var, "IPCSPEC_FAULT_LOG=%s", log);
    int status = ipct_wait(ipct_spawn_exec_env(argv, env, -1, -1, -1));
    if (!WIFEXITED(status))
        IPCT_FAIL("ipcspec-fdcheck did not exit: status 0x%x", status);
    return WEXITSTATUS(status);
}

/* FIU-ENV-01 faults armed through the environment fire in an executed program, by call number, and are logged */
static void fault_fiu_env_01_exec_faults_by_call_number(void **state)
{
    const char *log = ipct_path("faults.log");
    char logged[256];
    (void)state;

    ASSERT_EQ(fdcheck_with_faults("", log), 0);
    ASSERT_STR_EQ(ipct_read_text(log, logged, sizeof logged), "");
    ASSERT_EQ(fdcheck_with_faults("posix/io/ctl/fcntl:2:5", log), 1);
    ASSERT_STR_EQ(ipct_read_text(log, logged, sizeof logged), "posix/io/ctl/fcntl 2 5\n");
}

/* FIU-ENV-02 a malformed IPCSPEC_FAULTS stops the program at once with a clear message */
static void fault_fiu_env_02_malformed_spec_refused(void **state)
{
    char *argv[] = { IPCSPEC_FDCHECK, "200", NULL };
    char *env[] = { "IPCSPEC_FAULTS=posix/pipe/pipe:zero:5", NULL };
    const char *err_path = ipct_path("stderr");
    char err[512];
    (void)state;

    int err_fd = (int)ASSERT_SYS_OK(open(err_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    pid_t pid = ipct_spawn_exec_env(argv, env, -1, -1, err_fd);
    close(err_fd);
    assert_child_exited(pid, 125);
    ipct_read_text(err_path, err, sizeof err);
    if (strstr(err, "IPCSPEC_FAULTS: bad item 'posix/pipe/pipe:zero:5'") == NULL)
        IPCT_FAIL("standard error does not name the variable and item: \"%s\"", err);
}

#define EXT_POINT(row, i) IPCT_VARIANT_WITH(fault_fiu_ext_01_points_fail_once_then_pass, row, \
                                           &ext_points[i], ipcf_setup, ipcf_teardown)

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_fiu_canary_01_posix_preload_active),
    IPCF_TEST(fault_fiu_canary_02_ipcspec_preload_active),
    EXT_POINT("pipe", 0),
    EXT_POINT("pipe2", 1),
    EXT_POINT("mkfifo", 2),
    EXT_POINT("fcntl", 3),
    EXT_POINT("fstat", 4),
    IPCF_TEST(fault_fiu_ext_02_default_errno_when_unpinned),
    IPCF_TEST(fault_fiu_env_01_exec_faults_by_call_number),
    IPCF_TEST(fault_fiu_env_02_malformed_spec_refused),
};

IPCT_MAIN("fiu_preload", tests)
