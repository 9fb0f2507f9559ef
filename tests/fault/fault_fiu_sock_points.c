/*
 * fault_fiu_sock_points.c - the socket failure points of ipcspec's preload
 * extension: each fails its call once, as pinned, then lets it through
 * (off, on for one call, off again); unpinned, each fails with the default
 * errno spec/faults.md documents.
 *
 * Spec: FIU-EXT-09..10 (spec/faults.md).
 * See also: tests/fault/preload/sock_points.c, fault_fiu_mq_points.c.
 */
#include "fault.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fiu-control.h>

/* A listening Unix socket every call works on, and its path. */
static int m = -1;
static char path[256];

/* Each call: 0 on success (everything left as found), -1 with errno on failure. */

static int call_socketpair(void)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
        return -1;
    close(sv[0]), close(sv[1]);
    return 0;
}

/* A failed accept4 takes no connection: it is accepted afterwards. */
static int call_accept4(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int c = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));

    memcpy(sa.sun_path, path, strlen(path) + 1);
    ASSERT_SYS_OK(connect(c, (struct sockaddr *)&sa, sizeof sa));
    int a = accept4(m, NULL, NULL, SOCK_CLOEXEC);
    int err = errno, failed = a == -1;
    if (failed)
        a = (int)ASSERT_SYS_OK(accept4(m, NULL, NULL, SOCK_CLOEXEC)); /* still pending */
    close(a), close(c);
    errno = err;
    return failed ? -1 : 0;
}

static int call_setsockopt(void)
{
    int on = 1;

    return setsockopt(m, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
}

static int call_getsockopt(void)
{
    int type;
    socklen_t len = sizeof type;

    return getsockopt(m, SOL_SOCKET, SO_TYPE, &type, &len);
}

static int call_getsockname(void)
{
    struct sockaddr_un sa;
    socklen_t len = sizeof sa;

    return getsockname(m, (struct sockaddr *)&sa, &len);
}

static int call_lstat(void)
{
    struct stat st;

    return lstat(path, &st);
}

/* A failed chmod changes nothing: the mode stays 0600. */
static int call_chmod(void)
{
    struct stat st;
    int rc = chmod(path, 0600), err = errno;

    ASSERT_SYS_OK(stat(path, &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    errno = err;
    return rc;
}

static const struct {
    const char *point;
    int (*call)(void);
    int err;         /* pinned for FIU-EXT-09 */
    int default_err; /* documented in spec/faults.md, for FIU-EXT-10 */
} sock_points[] = {
    { "posix/io/net/socketpair", call_socketpair, ENFILE, EMFILE },
    { "posix/io/net/accept4", call_accept4, ECONNABORTED, EMFILE },
    { "posix/io/net/setsockopt", call_setsockopt, EINVAL, ENOPROTOOPT },
    { "posix/io/net/getsockopt", call_getsockopt, EBADF, ENOPROTOOPT },
    { "posix/io/net/getsockname", call_getsockname, EBADF, ENOBUFS },
    { "posix/io/stat/lstat", call_lstat, ELOOP, EACCES },
    { "posix/io/stat/chmod", call_chmod, EROFS, EPERM },
};

enum { NPOINTS = sizeof sock_points / sizeof sock_points[0] };

static void open_master(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    snprintf(path, sizeof path, "%s", ipct_path("m"));
    memcpy(sa.sun_path, path, strlen(path) + 1);
    m = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_OK(bind(m, (struct sockaddr *)&sa, sizeof sa));
    ASSERT_SYS_OK(chmod(path, 0600));
    ASSERT_SYS_OK(listen(m, 4));
}

static void close_master(void)
{
    close(m);
    ASSERT_SYS_OK(unlink(path));
}

/* FIU-EXT-09 each socket extension point fails its call once with the pinned errno, then lets it through */
static void fault_fiu_ext_09_sock_points_fail_once_then_pass(void **state)
{
    (void)state;
    open_master();
    for (size_t i = 0; i < NPOINTS; i++) {
        const char *point = sock_points[i].point;
        errno = 0;
        if (sock_points[i].call() != 0)
            IPCT_FAIL("%s: unarmed call failed: %s", point, ipct_errname(errno));
        ipcf_fail_nth(point, 1, sock_points[i].err);
        if (sock_points[i].call() != -1 || errno != sock_points[i].err)
            IPCT_FAIL("%s: armed call did not fail with %s (errno %s)", point,
                      ipct_errname(sock_points[i].err), ipct_errname(errno));
        ASSERT_FIRED(point, 1);
        errno = 0;
        if (sock_points[i].call() != 0)
            IPCT_FAIL("%s: call after the one-shot failed: %s", point, ipct_errname(errno));
        ASSERT_FIRED(point, 1);
        ipcf_disarm_all();
    }
    close_master();
}

/* FIU-EXT-10 each socket extension point fails with its documented default errno when none is pinned */
static void fault_fiu_ext_10_sock_points_default_errno(void **state)
{
    (void)state;
    open_master();
    for (size_t i = 0; i < NPOINTS; i++) {
        const char *point = sock_points[i].point;
        ASSERT_EQ(fiu_enable(point, 1, NULL, FIU_ONETIME), 0);
        int rc = sock_points[i].call();
        int err = errno;
        fiu_disable(point);
        if (rc != -1 || err != sock_points[i].default_err)
            IPCT_FAIL("%s: unpinned call returned %d, errno %s; expected -1, %s", point, rc,
                      ipct_errname(err), ipct_errname(sock_points[i].default_err));
    }
    close_master();
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_fiu_ext_09_sock_points_fail_once_then_pass),
    IPCF_TEST(fault_fiu_ext_10_sock_points_default_errno),
};

IPCT_MAIN("fiu_sock_points", tests)
