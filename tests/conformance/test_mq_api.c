/* SPDX-License-Identifier: MIT */
/*
 * test_mq_api.c - the contracts of ipcspec's message queue layer, opening:
 * names, flags and limits judged before any call; queues created as asked
 * (limits or the system defaults, access mode, O_NONBLOCK, O_CLOEXEC);
 * mq_open's own errors passed up as negative errnos.
 *
 * Spec: MQ-API-01..08 (spec/mq.md).
 * See also: test_mq_api_io.c (send, receive, stat, set_nonblock, close,
 *           unlink, EINTR), impl/include/ipcspec/mq.h, impl/src/mq.c,
 *           tests/fault/fault_mq_api.c, mq_helpers.h.
 */
#include "mq_helpers.h"

#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdlib.h>
#include <string.h>

/* MQ-API-01 ipc_mq_name_check accepts '/' and 1 to NAME_MAX bytes with no other '/' */
static void test_mq_api_01_well_formed_names_accepted(void **state)
{
    char longest[NAME_MAX + 2];
    (void)state;

    longest[0] = '/';
    memset(longest + 1, 'x', NAME_MAX);
    longest[NAME_MAX + 1] = '\0';
    ASSERT_IPC_OK(ipc_mq_name_check("/a"));
    ASSERT_IPC_OK(ipc_mq_name_check(ipct_ipc_name("mq")));
    ASSERT_EQ(ipc_mq_name_check(longest), 0);
}

/* MQ-API-02's rows: names of the wrong shape. "/a/b" and "//" would fail
 * mq_open with EACCES, "/" with ENOENT. */
struct bad_name { const char *name; };
static const struct bad_name name_null = { NULL }, name_empty = { "" }, name_slash = { "/" },
                             name_no_slash = { "a" }, name_inner_slash = { "ab/c" },
                             name_two_parts = { "/a/b" }, name_double_slash = { "//" },
                             name_trailing_slash = { "/a/" };

/* MQ-API-02 a name of the wrong shape is refused with -EINVAL before any call */
static void test_mq_api_02_bad_shape_einval(void **state)
{
    const struct bad_name *row = ipct_variant();
    const char *bad = row->name;
    (void)state;

    int next = ipct_lowest_free_fd();
    ASSERT_IPC_ERR(ipc_mq_name_check(bad), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_open(bad, O_RDWR | O_CREAT, 0600, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_mq_unlink(bad), EINVAL);
    ASSERT_EQ(ipct_lowest_free_fd(), next);
}

/* MQ-API-03 a name beyond NAME_MAX + 1 bytes is refused with -ENAMETOOLONG */
static void test_mq_api_03_too_long_enametoolong(void **state)
{
    char name[NAME_MAX + 3];
    (void)state;

    name[0] = '/';
    memset(name + 1, 'x', NAME_MAX + 1);
    name[NAME_MAX + 2] = '\0';
    ASSERT_IPC_ERR(ipc_mq_name_check(name), ENAMETOOLONG);
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
    ASSERT_IPC_ERR(ipc_mq_unlink(name), ENAMETOOLONG);
    name[10] = '/'; /* length is judged before a second '/' */
    ASSERT_IPC_ERR(ipc_mq_name_check(name), ENAMETOOLONG);
    name[0] = 'x'; /* without the leading '/', the shape is judged first */
    ASSERT_IPC_ERR(ipc_mq_name_check(name), EINVAL);
}

/* MQ-API-04's rows: flags outside ipc_mq_open's set. O_ACCMODE (3) as
 * access mode: Linux's mq_open itself accepts it. */
static const int flags_accmode3 = O_ACCMODE, flags_trunc = O_RDWR | O_TRUNC,
                 flags_append = O_RDWR | O_APPEND, flags_sync = O_WRONLY | O_SYNC,
                 flags_directory = O_RDONLY | O_DIRECTORY, flags_noctty = O_RDWR | O_NOCTTY;

/* MQ-API-04 ipc_mq_open refuses flags outside its set with -EINVAL and creates nothing */
static void test_mq_api_04_bad_flags_einval(void **state)
{
    const int *bad = ipct_variant();
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_IPC_ERR(ipc_mq_open(name, *bad | O_CREAT, 0600, NULL), EINVAL);
    ASSERT_SYS_ERR(mq_open(name, O_RDONLY), ENOENT); /* nothing created */
}

/* MQ-API-05's rows: limits of 0 or less. */
static const struct ipc_mq_limits limits_maxmsg_0 = { 0, 16 }, limits_msgsize_0 = { 2, 0 },
                                  limits_maxmsg_minus_1 = { -1, 16 },
                                  limits_msgsize_minus_8 = { 2, -8 },
                                  limits_both_long_min = { LONG_MIN, LONG_MIN };

/* MQ-API-05 with O_CREAT, limits of 0 or less are refused with -EINVAL; without it they are ignored */
static void test_mq_api_05_nonpositive_limits_einval(void **state)
{
    const struct ipc_mq_limits *bad = ipct_variant();
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR | O_CREAT, 0600, bad), EINVAL);
    ASSERT_SYS_ERR(mq_open(name, O_RDONLY), ENOENT); /* nothing created */
    int mq = mqt_new_queue(name, 0, 2, 16);
    int again = (int)ASSERT_IPC_OK(ipc_mq_open(name, O_RDONLY | O_CLOEXEC, 0, bad));
    ASSERT_IPC_OK(ipc_mq_close(again));
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

static long proc_long(const char *path)
{
    char text[32];
    return strtol(ipct_read_text(path, text, sizeof text), NULL, 10);
}

/* MQ-API-06 the queue created has the limits given, or the system defaults for NULL */
static void test_mq_api_06_limits_or_defaults_applied(void **state)
{
    struct ipc_mq_limits got;
    long n = -1;
    (void)state;

    const char *given = ipct_ipc_name("mq");
    int mq = mqt_new_queue(given, 0, 3, 64);
    ASSERT_IPC_OK(ipc_mq_stat(mq, &got, &n));
    ASSERT_EQ(got.maxmsg, 3);
    ASSERT_EQ(got.msgsize, 64);
    ASSERT_EQ(n, 0);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_OK(ipc_mq_unlink(given));

    const char *name = ipct_ipc_name("mq");
    mq = (int)ASSERT_IPC_OK(ipc_mq_open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0600, NULL));
    ASSERT_IPC_OK(ipc_mq_stat(mq, &got, NULL));
    ASSERT_EQ(got.maxmsg, proc_long("/proc/sys/fs/mqueue/msg_default"));
    ASSERT_EQ(got.msgsize, proc_long("/proc/sys/fs/mqueue/msgsize_default"));
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

/* MQ-API-07 the access mode, O_NONBLOCK and O_CLOEXEC given to ipc_mq_open take effect */
static void test_mq_api_07_open_flags_applied(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr attr;
    char buf[16];
    (void)state;

    int rw = mqt_new_queue(name, O_NONBLOCK, 2, 16);
    ASSERT_SYS_OK(mq_getattr(rw, &attr));
    ASSERT_EQ(attr.mq_flags, O_NONBLOCK);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(rw, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    int rd = (int)ASSERT_IPC_OK(ipc_mq_open(name, O_RDONLY, 0, NULL));
    ASSERT_SYS_OK(mq_getattr(rd, &attr));
    ASSERT_EQ(attr.mq_flags, 0);
    /* Linux sets close-on-exec on every queue descriptor (mq_overview(7)). */
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(rd, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    int wr = (int)ASSERT_IPC_OK(ipc_mq_open(name, O_WRONLY | O_CLOEXEC, 0, NULL));
    ASSERT_IPC_ERR(ipc_mq_send(rd, "m", 1, 0), EBADF);
    ASSERT_IPC_ERR(ipc_mq_receive(wr, buf, sizeof buf, NULL), EBADF);
    ASSERT_IPC_OK(ipc_mq_close(wr));
    ASSERT_IPC_OK(ipc_mq_close(rd));
    ASSERT_IPC_OK(ipc_mq_close(rw));
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

/* MQ-API-08 ipc_mq_open returns mq_open's own errors as negative errnos */
static void test_mq_api_08_open_errors_passed_through(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR, 0, NULL), ENOENT);
    int mq = mqt_new_queue(name, 0, 2, 16);
    ASSERT_IPC_ERR(ipc_mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL), EEXIST);
    ASSERT_IPC_OK(ipc_mq_close(mq));
    ASSERT_IPC_OK(ipc_mq_unlink(name));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_api_01_well_formed_names_accepted),
    IPCT_VARIANT(test_mq_api_02_bad_shape_einval, "null", &name_null),
    IPCT_VARIANT(test_mq_api_02_bad_shape_einval, "empty", &name_empty),
    IPCT_VARIANT(test_mq_api_02_bad_shape_einval, "slash", &name_slash),
    IPCT_VARIANT(test_mq_api_02_bad_shape_einval, "no_slash", &name_no_slash),
    IPCT_VARIANT(test_mq_api_02_bad_shape_einval, "inner_slash", &name_inner_slash),
    IPCT_VARIANT(test_mq_api_02_bad_shape_einval, "two_parts", &name_two_parts),
    IPCT_VARIANT(test_mq_api_02_bad_shape_einval, "double_slash", &name_double_slash),
    IPCT_VARIANT(test_mq_api_02_bad_shape_einval, "trailing_slash", &name_trailing_slash),
    IPCT_TEST(test_mq_api_03_too_long_enametoolong),
    IPCT_VARIANT(test_mq_api_04_bad_flags_einval, "accmode3", &flags_accmode3),
    IPCT_VARIANT(test_mq_api_04_bad_flags_einval, "trunc", &flags_trunc),
    IPCT_VARIANT(test_mq_api_04_bad_flags_einval, "append", &flags_append),
    IPCT_VARIANT(test_mq_api_04_bad_flags_einval, "sync", &flags_sync),
    IPCT_VARIANT(test_mq_api_04_bad_flags_einval, "directory", &flags_directory),
    IPCT_VARIANT(test_mq_api_04_bad_flags_einval, "noctty", &flags_noctty),
    IPCT_VARIANT(test_mq_api_05_nonpositive_limits_einval, "maxmsg_0", &limits_maxmsg_0),
    IPCT_VARIANT(test_mq_api_05_nonpositive_limits_einval, "msgsize_0", &limits_msgsize_0),
    IPCT_VARIANT(test_mq_api_05_nonpositive_limits_einval, "maxmsg_minus_1", &limits_maxmsg_minus_1),
    IPCT_VARIANT(test_mq_api_05_nonpositive_limits_einval, "msgsize_minus_8", &limits_msgsize_minus_8),
    IPCT_VARIANT(test_mq_api_05_nonpositive_limits_einval, "both_long_min", &limits_both_long_min),
    IPCT_TEST(test_mq_api_06_limits_or_defaults_applied),
    IPCT_TEST(test_mq_api_07_open_flags_applied),
    IPCT_TEST(test_mq_api_08_open_errors_passed_through),
};

IPCT_MAIN("mq_api", tests)
