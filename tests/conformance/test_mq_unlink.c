/* SPDX-License-Identifier: MIT */
/*
 * test_mq_unlink.c - removing a queue's name, closing descriptors, who may
 * open or remove a queue, and the memory a user's queues may take.
 *
 * Spec: MQ-UNLINK-01..05, MQ-ATTR-08, MQ-CLOSE-01..02, MQ-PERM-01..02, MQ-LIMIT-04
 *       (spec/mq.md). Raw mq_* calls: behaviours of the host, not of impl/.
 * See also: test_mq_open.c (opening, names), test_mq_attr.c (attributes, creation, limits).
 */
#include "ipctest.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

enum { MAXMSG = 4, MSGSIZE = 64, MQUEUE_MAGIC = 0x19800202 /* mqueue's f_type */ };

static mqd_t open_with(const char *name, long maxmsg, long msgsize, mode_t mode)
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };

    return mq_open(name, O_RDWR | O_NONBLOCK | O_CREAT | O_EXCL, mode, &attr);
}

/* Creates name afresh: MAXMSG x MSGSIZE, O_RDWR | O_NONBLOCK, exactly mode. */
static mqd_t create_queue(const char *name, mode_t mode)
{
    mode_t old = umask(0);
    mqd_t q = open_with(name, MAXMSG, MSGSIZE, mode);

    umask(old);
    return (mqd_t)ASSERT_SYS_OK(q);
}

/* Receives one message from q and asserts its text. */
static void assert_receives(mqd_t q, const char *text)
{
    char buf[MSGSIZE + 1];
    ssize_t n = ASSERT_SYS_OK(mq_receive(q, buf, MSGSIZE, NULL));

    buf[n] = '\0';
    ASSERT_STR_EQ(buf, text);
}

static long queued(mqd_t q)
{
    struct mq_attr attr;

    ASSERT_SYS_OK(mq_getattr(q, &attr));
    return attr.mq_curmsgs;
}

/* MQ-UNLINK-01 once mq_unlink returns 0 the name is gone: opening it without O_CREAT fails with ENOENT */
static void test_mq_unlink_01_name_gone_enoent(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_SYS_OK(mq_close(create_queue(name, 0600)));
    ASSERT_EQ(ASSERT_SYS_OK(mq_unlink(name)), 0);
    ASSERT_SYS_ERR(mq_open(name, O_RDWR), ENOENT);
}

/* MQ-UNLINK-02 descriptors open at unlink keep working, messages and all */
static void test_mq_unlink_02_open_descriptor_keeps_working(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    mqd_t q = create_queue(name, 0600);
    ASSERT_SYS_OK(mq_send(q, "before", 6, 0));
    ASSERT_SYS_OK(mq_unlink(name));
    ASSERT_SYS_OK(mq_send(q, "after", 5, 0));
    assert_receives(q, "before");
    assert_receives(q, "after");
    ASSERT_SYS_OK(mq_close(q));
}

/* A queue's name and a control pipe the parent closes to let a child go on. */
struct held {
    const char *name;
    int control[2];
};

/* In a child: open the queue h->name by name, say ready, wait until the
 * parent closes the control pipe, then receive "left" and round-trip "own". */
static void hold_then_drain(void *arg)
{
    struct held *h = arg;
    char byte;

    ASSERT_SYS_OK(close(h->control[1]));
    mqd_t q = (mqd_t)ASSERT_SYS_OK(mq_open(h->name, O_RDWR | O_NONBLOCK));
    ipct_child_ready();
    ASSERT_EQ(ASSERT_SYS_OK(read(h->control[0], &byte, 1)), 0); /* end of file: the parent is done */
    assert_receives(q, "left");
    ASSERT_SYS_OK(mq_send(q, "own", 3, 0));
    assert_receives(q, "own");
    ASSERT_SYS_OK(mq_close(q));
}

/* MQ-UNLINK-03 another process's descriptor outlives the name and every other descriptor */
static void test_mq_unlink_03_other_process_keeps_queue(void **state)
{
    struct held h = { .name = ipct_ipc_name("mq") };
    (void)state;

    ASSERT_SYS_OK(pipe(h.control));
    mqd_t q = create_queue(h.name, 0600);
    pid_t holder = ipct_spawn(hold_then_drain, &h);
    close(h.control[0]);
    ipct_await_ready(holder);
    ASSERT_SYS_OK(mq_unlink(h.name));
    ASSERT_SYS_OK(mq_send(q, "left", 4, 0));
    ASSERT_SYS_OK(mq_close(q)); /* the child's is now the only descriptor */
    close(h.control[1]);
    assert_child_exited(holder, 0);
}

/* MQ-UNLINK-04 O_CREAT after unlink makes a new, empty queue, distinct from the old */
static void test_mq_unlink_04_recreate_is_new_queue(void **state)
{
    const char *name = ipct_ipc_name("mq");
    char buf[MSGSIZE];
    (void)state;

    mqd_t old = create_queue(name, 0600);
    ASSERT_SYS_OK(mq_send(old, "old", 3, 0));
    ASSERT_SYS_OK(mq_unlink(name));
    mqd_t fresh = create_queue(name, 0600); /* O_EXCL: the name was free */
    ASSERT_EQ(queued(fresh), 0);
    ASSERT_SYS_OK(mq_send(fresh, "new", 3, 0));
    ASSERT_EQ(queued(old), 1);
    assert_receives(old, "old");
    ASSERT_SYS_ERR(mq_receive(old, buf, sizeof buf, NULL), EAGAIN); /* "new" is not here */
    assert_receives(fresh, "new");
    ASSERT_SYS_OK(mq_close(fresh));
    ASSERT_SYS_OK(mq_close(old));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* One queue of 1 x 4096 bytes and its bookkeeping fit in this RLIMIT_MSGQUEUE; two do not. */
enum { ONE_QUEUE_BYTES = 4096, ONE_QUEUE_BUDGET = 6144 };

/* In a child: take a uid nobody else uses, so that the per-user count of
 * queue memory holds this child's queues alone. */
static int become_private_user(void)
{
    uid_t uid = (uid_t)(1000000 + getpid());
    if (setgroups(0, NULL) == -1 || setresgid(uid, uid, uid) == -1)
        return -1;
    return setresuid(uid, uid, uid); /* every id, so that nothing can switch back */
}

/* In a child with room for one queue: A fits and B does not; after unlink
 * of A, B still does not; once A's last descriptor closes, B fits. */
static void memory_freed_on_last_close(void *arg)
{
    const char *const *names = arg;
    struct rlimit lim = { ONE_QUEUE_BUDGET, ONE_QUEUE_BUDGET };

    ASSERT_SYS_OK(become_private_user());
    ASSERT_SYS_OK(setrlimit(RLIMIT_MSGQUEUE, &lim));
    mqd_t a = (mqd_t)ASSERT_SYS_OK(open_with(names[0], 1, ONE_QUEUE_BYTES, 0600));
    ASSERT_SYS_ERR(open_with(names[1], 1, ONE_QUEUE_BYTES, 0600), EMFILE);
    ASSERT_SYS_OK(mq_unlink(names[0]));
    ASSERT_SYS_ERR(open_with(names[1], 1, ONE_QUEUE_BYTES, 0600), EMFILE); /* A still open */
    ASSERT_SYS_OK(mq_close(a));
    mqd_t b = (mqd_t)ASSERT_SYS_OK(open_with(names[1], 1, ONE_QUEUE_BYTES, 0600));
    ASSERT_SYS_OK(mq_close(b));
    ASSERT_SYS_OK(mq_unlink(names[1]));
}

/* MQ-UNLINK-05 an unlinked queue is destroyed, its memory freed, when its last descriptor closes */
static void test_mq_unlink_05_destroyed_on_last_close(void **state)
{
    const char *names[] = { ipct_ipc_name("mq"), ipct_ipc_name("mq") };
    (void)state;

    if (!ipct_has_cap(CAP_SETUID) || !ipct_has_cap(CAP_SETGID))
        IPCT_SKIP("needs CAP_SETUID and CAP_SETGID to count queue memory under a private uid");
    assert_child_exited(ipct_spawn(memory_freed_on_last_close, names), 0);
}

/* Skips the test unless /dev/mqueue is an mqueue file system. */
static void require_dev_mqueue(void)
{
    struct statfs fs;

    if (statfs("/dev/mqueue", &fs) == -1 || fs.f_type != MQUEUE_MAGIC)
        IPCT_SKIP("no mqueue file system on /dev/mqueue (mq_overview(7): mount -t mqueue)");
}

/* MQ-ATTR-08 /dev/mqueue lists each named queue with QSIZE, its bytes of data, until unlink */
static void test_mq_attr_08_dev_mqueue_shows_queue(void **state)
{
    const char *name = ipct_ipc_name("mq");
    char path[128], text[256];
    (void)state;

    require_dev_mqueue();
    snprintf(path, sizeof path, "/dev/mqueue%s", name);
    mqd_t q = create_queue(name, 0600);
    ASSERT_EQ(strncmp(ipct_read_text(path, text, sizeof text), "QSIZE:0 ", 8), 0);
    ASSERT_SYS_OK(mq_send(q, "hello", 5, 0));
    ASSERT_SYS_OK(mq_send(q, "message", 7, 4));
    const char *want = "QSIZE:12 "; /* 5 + 7 bytes of data */
    ASSERT_EQ(strncmp(ipct_read_text(path, text, sizeof text), want, strlen(want)), 0);
    ASSERT_SYS_OK(mq_unlink(name));
    ASSERT_SYS_ERR(access(path, F_OK), ENOENT); /* gone, though q is still open */
    ASSERT_SYS_OK(mq_close(q));
}

/* MQ-CLOSE-01 mq_close returns 0, and then the descriptor is invalid everywhere: EBADF */
static void test_mq_close_01_closed_descriptor_ebadf(void **state)
{
    const char *name = ipct_ipc_name("mq");
    char buf[MSGSIZE];
    struct mq_attr attr;
    (void)state;

    mqd_t q = create_queue(name, 0600);
    ASSERT_EQ(ASSERT_SYS_OK(mq_close(q)), 0);
    ASSERT_SYS_ERR(mq_send(q, "y", 1, 0), EBADF);
    ASSERT_SYS_ERR(mq_receive(q, buf, sizeof buf, NULL), EBADF);
    ASSERT_SYS_ERR(mq_getattr(q, &attr), EBADF);
    ASSERT_SYS_ERR(mq_close(q), EBADF);
    ASSERT_SYS_ERR(mq_close((mqd_t)-1), EBADF);
    ASSERT_SYS_OK(mq_unlink(name));
}

/* In a child: register for notification on the queue h->name (SIGEV_NONE)
 * while the parent holds the registration (EBUSY), then again after the
 * parent closed its descriptor (success). */
static void notify_after_close(void *arg)
{
    struct held *h = arg;
    struct sigevent none = { .sigev_notify = SIGEV_NONE };
    char byte;

    ASSERT_SYS_OK(close(h->control[1]));
    mqd_t q = (mqd_t)ASSERT_SYS_OK(mq_open(h->name, O_RDONLY));
    ASSERT_SYS_ERR(mq_notify(q, &none), EBUSY);
    ipct_child_ready();
    ASSERT_EQ(ASSERT_SYS_OK(read(h->control[0], &byte, 1)), 0);
    ASSERT_SYS_OK(mq_notify(q, &none));
    ASSERT_SYS_OK(mq_close(q));
}

/* MQ-CLOSE-02 closing the descriptor that registered mq_notify ends the registration */
static void test_mq_close_02_close_removes_notification(void **state)
{
    struct held h = { .name = ipct_ipc_name("mq") };
    struct sigevent none = { .sigev_notify = SIGEV_NONE };
    (void)state;

    ASSERT_SYS_OK(pipe(h.control));
    mqd_t q = create_queue(h.name, 0600);
    ASSERT_SYS_OK(mq_notify(q, &none));
    pid_t child = ipct_spawn(notify_after_close, &h);
    close(h.control[0]);
    ipct_await_ready(child); /* it was refused with EBUSY */
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(close(h.control[1]));
    assert_child_exited(child, 0);
    ASSERT_SYS_OK(mq_unlink(h.name));
}

/* A row of MQ-PERM-01: the queue's mode, and what it lets others do. */
struct perm_row { mode_t mode; int may_read, may_write; };
static const struct perm_row perm_none = { 0600, 0, 0 }, perm_read = { 0604, 1, 0 },
                             perm_write = { 0602, 0, 1 }, perm_both = { 0606, 1, 1 };

/* One access mode's outcome as nobody: opened, or refused with EACCES. */
static void open_as_expected(const char *name, int access_mode, int allowed)
{
    if (allowed)
        ASSERT_SYS_OK(mq_open(name, access_mode)); /* it closes as the child exits */
    else
        ASSERT_SYS_ERR(mq_open(name, access_mode), EACCES);
}

/* As nobody: open the queue arg names O_RDONLY, O_WRONLY, O_RDWR; each must
 * succeed or fail with EACCES as the case's row says. */
static void open_modes_as_nobody(void *arg)
{
    const struct perm_row *r = ipct_variant();

    ASSERT_IPC_OK(ipct_drop_privileges());
    open_as_expected(arg, O_RDONLY, r->may_read);
    open_as_expected(arg, O_WRONLY, r->may_write);
    open_as_expected(arg, O_RDWR, r->may_read && r->may_write);
}

/* MQ-PERM-01 the mode's read and write bits decide who may receive and send; others get EACCES */
static void test_mq_perm_01_mode_bits_decide_access(void **state)
{
    const struct perm_row *r = ipct_variant();
    const char *name = ipct_ipc_name("mq");
    (void)state;

    mqd_t q = create_queue(name, r->mode);
    assert_child_exited(ipct_spawn(open_modes_as_nobody, (void *)name), 0);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* As nobody: mq_unlink(arg) must fail with EACCES. */
static void unlink_as_nobody(void *arg)
{
    ASSERT_IPC_OK(ipct_drop_privileges());
    ASSERT_SYS_ERR(mq_unlink(arg), EACCES);
}

/* MQ-PERM-02 mq_unlink by a user who may not remove the queue fails with EACCES and changes nothing */
static void test_mq_perm_02_unlink_by_other_user_eacces(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    mqd_t q = create_queue(name, 0666);
    ASSERT_SYS_OK(mq_send(q, "stay", 4, 0));
    assert_child_exited(ipct_spawn(unlink_as_nobody, (void *)name), 0);
    mqd_t again = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDONLY | O_NONBLOCK));
    assert_receives(again, "stay");
    ASSERT_SYS_OK(mq_close(again));
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* In a child with RLIMIT_MSGQUEUE below any queue's size: creating fails
 * with EMFILE, opening the existing queue names[0] works. */
static void create_over_rlimit(void *arg)
{
    const char *const *names = arg;
    struct rlimit lim = { 512, 512 };

    ASSERT_SYS_OK(setrlimit(RLIMIT_MSGQUEUE, &lim));
    ASSERT_SYS_ERR(open_with(names[1], 1, 1024, 0600), EMFILE);
    ASSERT_SYS_OK(mq_close((mqd_t)ASSERT_SYS_OK(mq_open(names[0], O_RDWR))));
}

/* MQ-LIMIT-04 creating a queue beyond RLIMIT_MSGQUEUE fails with EMFILE; opening one is not charged */
static void test_mq_limit_04_rlimit_msgqueue_emfile(void **state)
{
    const char *names[] = { ipct_ipc_name("mq"), ipct_ipc_name("mq") };
    (void)state;

    mqd_t q = create_queue(names[0], 0600);
    assert_child_exited(ipct_spawn(create_over_rlimit, names), 0);
    ASSERT_SYS_ERR(mq_open(names[1], O_RDONLY), ENOENT); /* nothing was created */
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(names[0]));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_unlink_01_name_gone_enoent),
    IPCT_TEST(test_mq_unlink_02_open_descriptor_keeps_working),
    IPCT_TEST(test_mq_unlink_03_other_process_keeps_queue),
    IPCT_TEST(test_mq_unlink_04_recreate_is_new_queue),
    IPCT_TEST(test_mq_unlink_05_destroyed_on_last_close),
    IPCT_TEST(test_mq_attr_08_dev_mqueue_shows_queue),
    IPCT_TEST(test_mq_close_01_closed_descriptor_ebadf),
    IPCT_TEST(test_mq_close_02_close_removes_notification),
    IPCT_VARIANT(test_mq_perm_01_mode_bits_decide_access, "0600", &perm_none),
    IPCT_VARIANT(test_mq_perm_01_mode_bits_decide_access, "0604", &perm_read),
    IPCT_VARIANT(test_mq_perm_01_mode_bits_decide_access, "0602", &perm_write),
    IPCT_VARIANT(test_mq_perm_01_mode_bits_decide_access, "0606", &perm_both),
    IPCT_TEST(test_mq_perm_02_unlink_by_other_user_eacces),
    IPCT_TEST(test_mq_limit_04_rlimit_msgqueue_emfile),
};

IPCT_MAIN("mq_unlink", tests)
