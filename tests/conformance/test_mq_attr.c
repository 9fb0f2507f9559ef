/* SPDX-License-Identifier: MIT */
/*
 * test_mq_attr.c - a queue's attributes: what creation sets, what
 * mq_getattr reports and mq_setattr may change, and the limits on both.
 *
 * Spec: MQ-ATTR-01..07, MQ-CREATE-02, MQ-CREATE-03, MQ-CREATE-05, MQ-CREATE-06,
 *       MQ-LIMIT-01..03 (spec/mq.md). Raw mq_* calls: behaviours of the host.
 * See also: test_mq_open.c (opening, names, exclusive creation),
 *           test_mq_unlink.c (unlink, close, permissions, memory limits).
 */
#include "ipctest.h"

#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { MAXMSG = 4, MSGSIZE = 64, RACERS = 4 };
enum { HARD_MSGMAX = 65536, HARD_MSGSIZEMAX = 16 * 1024 * 1024 }; /* mq_overview(7), Linux >= 3.5 */

static mqd_t open_with(const char *name, int flags, long maxmsg, long msgsize)
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };

    return mq_open(name, O_RDWR | O_CREAT | O_EXCL | flags, 0600, &attr);
}

/* Creates name afresh: MAXMSG x MSGSIZE, mode 0600, O_RDWR | flags. */
static mqd_t create_queue(const char *name, int flags)
{
    return (mqd_t)ASSERT_SYS_OK(open_with(name, flags, MAXMSG, MSGSIZE));
}

static struct mq_attr attr_of(mqd_t q)
{
    struct mq_attr attr;

    ASSERT_SYS_OK(mq_getattr(q, &attr));
    return attr;
}

/* Asserts all four fields of got, failing at the caller's line. */
#define assert_attr(got, flags, maxmsg, msgsize, cur) \
    assert_attr_at(got, flags, maxmsg, msgsize, cur, __FILE__, __LINE__)
static void assert_attr_at(struct mq_attr got, long flags, long maxmsg, long msgsize, long cur,
                           const char *file, int line)
{
    if (got.mq_flags != flags || got.mq_maxmsg != maxmsg || got.mq_msgsize != msgsize ||
        got.mq_curmsgs != cur)
        ipct__fail_at(file, line, "mq_attr {flags %#lx, maxmsg %ld, msgsize %ld, curmsgs %ld}, expected "
                  "{%#lx, %ld, %ld, %ld}", got.mq_flags, got.mq_maxmsg, got.mq_msgsize,
                  got.mq_curmsgs, flags, maxmsg, msgsize, cur);
}

/* MQ-ATTR-01 a new queue has the attr's maxmsg and msgsize, mq_flags 0 and no messages */
static void test_mq_attr_01_new_queue_attributes(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr attr = { .mq_flags = O_NONBLOCK, .mq_maxmsg = 3, .mq_msgsize = 100,
                            .mq_curmsgs = 7 }; /* mq_open ignores flags and curmsgs */
    struct mq_attr got;
    (void)state;

    mqd_t q = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr));
    ASSERT_EQ(ASSERT_SYS_OK(mq_getattr(q, &got)), 0);
    assert_attr(got, 0, 3, 100, 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-ATTR-02 mq_curmsgs counts the messages in the queue */
static void test_mq_attr_02_curmsgs_tracks_queue(void **state)
{
    const char *name = ipct_ipc_name("mq");
    char buf[MSGSIZE];
    (void)state;

    mqd_t q = create_queue(name, 0);
    for (long i = 1; i <= 3; i++) {
        ASSERT_SYS_OK(mq_send(q, "m", 1, 0));
        ASSERT_EQ(attr_of(q).mq_curmsgs, i);
    }
    for (long i = 2; i >= 0; i--) {
        ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
        ASSERT_EQ(attr_of(q).mq_curmsgs, i);
    }
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-ATTR-03 mq_flags shows the O_NONBLOCK given to mq_open */
static void test_mq_attr_03_flags_from_open(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    mqd_t nb = create_queue(name, O_NONBLOCK);
    mqd_t plain = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDONLY));
    ASSERT_EQ(attr_of(nb).mq_flags, O_NONBLOCK);
    ASSERT_EQ(attr_of(plain).mq_flags, 0);
    ASSERT_SYS_OK(mq_close(plain));
    ASSERT_SYS_OK(mq_close(nb));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-ATTR-04 mq_setattr changes O_NONBLOCK and nothing else */
static void test_mq_attr_04_setattr_only_nonblock(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr want = { .mq_flags = O_NONBLOCK, .mq_maxmsg = 1, .mq_msgsize = 1,
                            .mq_curmsgs = 9 };
    struct mq_attr off = { .mq_flags = 0, .mq_maxmsg = 2, .mq_msgsize = 2 };
    char buf[MSGSIZE];
    (void)state;

    mqd_t q = create_queue(name, 0);
    ASSERT_SYS_OK(mq_send(q, "m", 1, 0));
    ASSERT_EQ(ASSERT_SYS_OK(mq_setattr(q, &want, NULL)), 0);
    assert_attr(attr_of(q), O_NONBLOCK, MAXMSG, MSGSIZE, 1);
    ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
    ASSERT_SYS_ERR(mq_receive(q, buf, sizeof buf, NULL), EAGAIN); /* it took effect */
    ASSERT_SYS_OK(mq_setattr(q, &off, NULL));
    assert_attr(attr_of(q), 0, MAXMSG, MSGSIZE, 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-ATTR-05 mq_setattr returns the previous attributes in omqstat */
static void test_mq_attr_05_setattr_returns_old(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr nb = { .mq_flags = O_NONBLOCK }, plain = { 0 }, old;
    (void)state;

    mqd_t q = create_queue(name, 0);
    ASSERT_SYS_OK(mq_send(q, "m", 1, 0));
    ASSERT_SYS_OK(mq_send(q, "n", 1, 0));
    struct mq_attr before = attr_of(q);
    memset(&old, 0x5a, sizeof old);
    ASSERT_SYS_OK(mq_setattr(q, &nb, &old));
    assert_attr(old, before.mq_flags, before.mq_maxmsg, before.mq_msgsize, before.mq_curmsgs);
    ASSERT_SYS_OK(mq_setattr(q, &plain, &old));
    assert_attr(old, O_NONBLOCK, MAXMSG, MSGSIZE, 2);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-ATTR-06 mq_setattr with a flag other than O_NONBLOCK fails with EINVAL and changes nothing */
static void test_mq_attr_06_setattr_unknown_flag_einval(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr bad = { .mq_flags = O_NONBLOCK | O_APPEND };
    (void)state;

    mqd_t q = create_queue(name, 0);
    ASSERT_SYS_ERR(mq_setattr(q, &bad, NULL), EINVAL);
    assert_attr(attr_of(q), 0, MAXMSG, MSGSIZE, 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-ATTR-07's rows: a queue descriptor closed, one never valid, and a
 * descriptor that is not a queue. */
enum bad_fd { BAD_CLOSED, BAD_NEVER_VALID, BAD_NOT_A_QUEUE };
static const enum bad_fd bad_closed = BAD_CLOSED, bad_never_valid = BAD_NEVER_VALID,
                         bad_not_a_queue = BAD_NOT_A_QUEUE;

/* MQ-ATTR-07 mq_getattr and mq_setattr on a descriptor that is no open queue fail with EBADF */
static void test_mq_attr_07_bad_descriptor_ebadf(void **state)
{
    const enum bad_fd *kind = ipct_variant();
    const char *name = ipct_ipc_name("mq");
    struct mq_attr attr = { 0 };
    int fds[2], bad = -1;
    (void)state;

    mqd_t closed = create_queue(name, 0);
    ASSERT_SYS_OK(mq_close(closed));
    ASSERT_SYS_OK(mq_unlink(name));
    ASSERT_SYS_OK(pipe(fds));
    if (*kind == BAD_CLOSED)
        bad = closed;
    else if (*kind == BAD_NOT_A_QUEUE)
        bad = fds[0];
    ASSERT_SYS_ERR(mq_getattr(bad, &attr), EBADF);
    ASSERT_SYS_ERR(mq_setattr(bad, &attr, NULL), EBADF);
    ASSERT_SYS_OK(close(fds[0]));
    ASSERT_SYS_OK(close(fds[1]));
}

/* MQ-CREATE-02 O_CREAT on an existing queue opens it and ignores mode and attr */
static void test_mq_create_02_existing_keeps_attributes(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr invalid = { .mq_maxmsg = 0, .mq_msgsize = 0 };
    struct stat st;
    (void)state;

    mqd_t q = create_queue(name, 0);
    ASSERT_SYS_OK(mq_send(q, "m", 1, 0));
    mqd_t again = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CREAT, 0644, &invalid));
    assert_attr(attr_of(again), 0, MAXMSG, MSGSIZE, 1);
    ASSERT_SYS_OK(fstat(again, &st));
    ASSERT_EQ(st.st_mode & 07777, 0600);
    ASSERT_SYS_OK(mq_close(again));
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-CREATE-05 with attr NULL, the limits come from msg_default and msgsize_default */
static void test_mq_create_05_null_attr_defaults(void **state)
{
    const char *name = ipct_ipc_name("mq");
    long msg_default = ipct_read_long("/proc/sys/fs/mqueue/msg_default");
    long msg_max = ipct_read_long("/proc/sys/fs/mqueue/msg_max");
    long size_default = ipct_read_long("/proc/sys/fs/mqueue/msgsize_default");
    long size_max = ipct_read_long("/proc/sys/fs/mqueue/msgsize_max");
    (void)state;

    mqd_t q = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL));
    assert_attr(attr_of(q), 0, msg_default < msg_max ? msg_default : msg_max,
                size_default < size_max ? size_default : size_max, 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* As nobody, under umask 027: create the queue arg names with mode 0666
 * and check with fstat that nobody owns it, with mode 0640. */
static void create_as_nobody(void *arg)
{
    struct stat st;

    ASSERT_IPC_OK(ipct_drop_privileges());
    umask(027);
    struct mq_attr attr = { .mq_maxmsg = MAXMSG, .mq_msgsize = MSGSIZE };
    mqd_t q = (mqd_t)ASSERT_SYS_OK(mq_open(arg, O_RDWR | O_CREAT | O_EXCL, 0666, &attr));
    ASSERT_SYS_OK(fstat(q, &st));
    ASSERT_EQ(st.st_uid, geteuid());
    ASSERT_EQ(st.st_gid, getegid());
    ASSERT_EQ(st.st_mode & 07777, 0640); /* q closes as the child exits */
}

/* MQ-CREATE-06 a new queue belongs to its creator's effective uid and gid, with the mode less the umask */
static void test_mq_create_06_owner_and_masked_mode(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    assert_child_exited(ipct_spawn(create_as_nobody, (void *)name), 0);
    ASSERT_SYS_OK(mq_unlink(name));
}

/* A racer's start line and where it tells its outcome. */
struct racer { const char *name; int go[2]; int outcome_wfd; };

/* In a child: wait for the start (end of file on go[0]), then try
 * O_CREAT|O_EXCL on the name, and write 'c' (created it) or 'e' (EEXIST). */
static void race_to_create(void *arg)
{
    const struct racer *r = arg;
    char byte;

    ASSERT_SYS_OK(close(r->go[1]));
    ASSERT_EQ(ASSERT_SYS_OK(read(r->go[0], &byte, 1)), 0);
    mqd_t q = open_with(r->name, 0, MAXMSG, MSGSIZE);
    if (q == (mqd_t)-1) {
        ASSERT_ERRNO_EQ(errno, EEXIST);
        byte = 'e';
    } else {
        ASSERT_SYS_OK(mq_close(q));
        byte = 'c';
    }
    ASSERT_EQ(ASSERT_SYS_OK(write(r->outcome_wfd, &byte, 1)), 1);
}

/* MQ-CREATE-03 of several processes racing O_CREAT|O_EXCL on one name, exactly one creates it */
static void test_mq_create_03_exclusive_create_is_atomic(void **state)
{
    struct racer r = { .name = ipct_ipc_name("mq") };
    int outcome[2], created = 0, refused_eexist = 0;
    pid_t racers[RACERS];
    (void)state;

    ASSERT_SYS_OK(pipe(r.go));
    ASSERT_SYS_OK(pipe(outcome));
    r.outcome_wfd = outcome[1];
    for (int i = 0; i < RACERS; i++)
        racers[i] = ipct_spawn(race_to_create, &r);
    for (int i = 0; i < RACERS; i++)
        ipct_await_blocked(racers[i], SYS_read); /* all at the start line */
    ASSERT_SYS_OK(close(r.go[1]));
    ASSERT_SYS_OK(close(r.go[0]));
    for (int i = 0; i < RACERS; i++) {
        assert_child_exited(racers[i], 0);
        char byte = ipct_await_byte(outcome[0]);
        created += byte == 'c';
        refused_eexist += byte == 'e';
    }
    ASSERT_EQ(created, 1);
    ASSERT_EQ(refused_eexist, RACERS - 1);
    ASSERT_SYS_OK(close(outcome[0]));
    ASSERT_SYS_OK(close(outcome[1]));
    ASSERT_SYS_OK(mq_unlink(r.name));
}

/* MQ-LIMIT-01 mq_maxmsg or mq_msgsize of zero or less fails with EINVAL */
static void test_mq_limit_01_nonpositive_attr_einval(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_SYS_ERR(open_with(name, 0, 0, MSGSIZE), EINVAL);
    ASSERT_SYS_ERR(open_with(name, 0, -1, MSGSIZE), EINVAL);
    ASSERT_SYS_ERR(open_with(name, 0, MAXMSG, 0), EINVAL);
    ASSERT_SYS_ERR(open_with(name, 0, MAXMSG, -1), EINVAL);
    ASSERT_SYS_ERR(mq_open(name, O_RDONLY), ENOENT); /* none was created */
}

struct sys_limits {
    const char *name;
    long msg_max, size_max;
};

/* A queue of maxmsg x msgsize can be created under name (and is removed again). */
static void assert_accepted(const char *name, long maxmsg, long msgsize)
{
    ASSERT_SYS_OK(mq_close((mqd_t)ASSERT_SYS_OK(open_with(name, 0, maxmsg, msgsize))));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* As nobody: queues at msg_max / msgsize_max are accepted, one above refused
 * and not created. */
static void proc_limits_as_nobody(void *arg)
{
    const struct sys_limits *lim = arg;

    ASSERT_IPC_OK(ipct_drop_privileges());
    assert_accepted(lim->name, lim->msg_max, 1);
    assert_accepted(lim->name, 1, lim->size_max);
    ASSERT_SYS_ERR(open_with(lim->name, 0, lim->msg_max + 1, 1), EINVAL);
    ASSERT_SYS_ERR(open_with(lim->name, 0, 1, lim->size_max + 1), EINVAL);
    ASSERT_SYS_ERR(mq_open(lim->name, O_RDONLY), ENOENT); /* neither refusal made a queue */
}

/* MQ-LIMIT-02 without CAP_SYS_RESOURCE, msg_max and msgsize_max are the largest accepted */
static void test_mq_limit_02_proc_limits_bind_unprivileged(void **state)
{
    struct sys_limits lim = { .name = ipct_ipc_name("mq"),
                              .msg_max = ipct_read_long("/proc/sys/fs/mqueue/msg_max"),
                              .size_max = ipct_read_long("/proc/sys/fs/mqueue/msgsize_max") };
    (void)state;

    if (lim.msg_max > 4096 || lim.size_max > 256L * 1024)
        IPCT_SKIP("msg_max %ld / msgsize_max %ld: a queue at the limit would not fit in "
                  "nobody's RLIMIT_MSGQUEUE (800 KiB by default)", lim.msg_max, lim.size_max);
    assert_child_exited(ipct_spawn(proc_limits_as_nobody, &lim), 0);
}

/* As nobody: attributes above the hard caps are refused with EINVAL. */
static void hard_caps_as_nobody(void *arg)
{
    ASSERT_IPC_OK(ipct_drop_privileges());
    ASSERT_SYS_ERR(open_with(arg, 0, HARD_MSGMAX + 1, 1), EINVAL);
    ASSERT_SYS_ERR(open_with(arg, 0, 1, HARD_MSGSIZEMAX + 1L), EINVAL);
}

/* MQ-LIMIT-03 above HARD_MSGMAX or HARD_MSGSIZEMAX every process gets EINVAL */
static void test_mq_limit_03_hard_caps_einval_for_all(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_SYS_ERR(open_with(name, 0, HARD_MSGMAX + 1, 1), EINVAL); /* caps or none */
    ASSERT_SYS_ERR(open_with(name, 0, 1, HARD_MSGSIZEMAX + 1L), EINVAL);
    assert_child_exited(ipct_spawn(hard_caps_as_nobody, (void *)name), 0);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_attr_01_new_queue_attributes),
    IPCT_TEST(test_mq_attr_02_curmsgs_tracks_queue),
    IPCT_TEST(test_mq_attr_03_flags_from_open),
    IPCT_TEST(test_mq_attr_04_setattr_only_nonblock),
    IPCT_TEST(test_mq_attr_05_setattr_returns_old),
    IPCT_TEST(test_mq_attr_06_setattr_unknown_flag_einval),
    IPCT_VARIANT(test_mq_attr_07_bad_descriptor_ebadf, "closed", &bad_closed),
    IPCT_VARIANT(test_mq_attr_07_bad_descriptor_ebadf, "never_valid", &bad_never_valid),
    IPCT_VARIANT(test_mq_attr_07_bad_descriptor_ebadf, "not_a_queue", &bad_not_a_queue),
    IPCT_TEST(test_mq_create_02_existing_keeps_attributes),
    IPCT_TEST(test_mq_create_05_null_attr_defaults),
    IPCT_TEST(test_mq_create_06_owner_and_masked_mode),
    IPCT_TEST(test_mq_create_03_exclusive_create_is_atomic),
    IPCT_TEST(test_mq_limit_01_nonpositive_attr_einval),
    IPCT_TEST(test_mq_limit_02_proc_limits_bind_unprivileged),
    IPCT_TEST(test_mq_limit_03_hard_caps_einval_for_all),
};

IPCT_MAIN("mq_attr", tests)
