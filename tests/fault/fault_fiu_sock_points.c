/* SPDX-License-Identifier: MIT */
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

/* err is pinned for FIU-EXT-09; default_err, documented in spec/faults.md, for FIU-EXT-10 */
static const struct ipcf_point p_socketpair = { "posix/io/net/socketpair", call_socketpair, ENFILE,
                                                EMFILE },
                               p_accept4 = { "posix/io/net/accept4", call_accept4, ECONNABORTED,
                                             EMFILE },
                               p_setsockopt = { "posix/io/net/setsockopt", call_setsockopt, EINVAL,
                                                ENOPROTOOPT },
                               p_getsockopt = { "posix/io/net/getsockopt", call_getsockopt, EBADF,
                                                ENOPROTOOPT },
                               p_getsockname = { "posix/io/net/getsockname", call_getsockname,
                                                 EBADF, ENOBUFS },
                               p_lstat = { "posix/io/stat/lstat", call_lstat, ELOOP, EACCES },
                               p_chmod = { "posix/io/stat/chmod", call_chmod, EROFS, EPERM };

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
    ASSERT_POINT_FAILS_ONCE((const struct ipcf_point *)ipct_variant());
    close_master();
}

/* FIU-EXT-10 each socket extension point fails with its documented default errno when none is pinned */
static void fault_fiu_ext_10_sock_points_default_errno(void **state)
{
    (void)state;
    open_master();
    ASSERT_POINT_DEFAULT_ERRNO((const struct ipcf_point *)ipct_variant());
    close_master();
}

#define SOCK_POINT(fn, row, p) IPCT_VARIANT_WITH(fn, row, &(p), ipcf_setup, ipcf_teardown)
#define SOCK_POINT_CASES(fn) \
    SOCK_POINT(fn, "socketpair", p_socketpair), SOCK_POINT(fn, "accept4", p_accept4), \
    SOCK_POINT(fn, "setsockopt", p_setsockopt), SOCK_POINT(fn, "getsockopt", p_getsockopt), \
    SOCK_POINT(fn, "getsockname", p_getsockname), SOCK_POINT(fn, "lstat", p_lstat), \
    SOCK_POINT(fn, "chmod", p_chmod)

static const struct CMUnitTest tests[] = {
    SOCK_POINT_CASES(fault_fiu_ext_09_sock_points_fail_once_then_pass),
    SOCK_POINT_CASES(fault_fiu_ext_10_sock_points_default_errno),
};

IPCT_MAIN("fiu_sock_points", tests)
