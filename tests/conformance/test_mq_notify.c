/* SPDX-License-Identifier: MIT */
/*
 * test_mq_notify.c - mq_notify: who may register, when the notification
 * comes (an empty queue receiving a message, nobody waiting in receive),
 * what it carries, and that it is spent once delivered.
 *
 * The test process keeps SIGUSR1 blocked and collects the notification with
 * sigtimedwait: no handler, no sleeping. Whether a queue still has a
 * registration is asked of a child (mq_notify there fails with EBUSY while
 * one exists): a delivered notification would have removed it.
 *
 * Spec: MQ-NOTIFY-01..12 (spec/mq.md).
 * See also: test_mq_block.c (waiting receivers), mq_notify(3).
 */
#include "ipctest.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { MSGSIZE = 32, COOKIE = 4242 };

/* A new, empty queue open O_RDWR, holding 4 messages; SIGUSR1 blocked. Its
 * name is unlinked at once: the test and its children use the descriptor. */
static mqd_t new_queue(void)
{
    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = MSGSIZE };
    const char *name = ipct_ipc_name("mq");
    sigset_t usr1;
    mqd_t q;

    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &usr1, NULL));
    ASSERT_SYS_OK(q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr));
    ASSERT_SYS_OK(mq_unlink(name));
    return q;
}

/* Register this process for SIGUSR1 carrying COOKIE. */
static void register_signal(mqd_t q)
{
    struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };

    sev.sigev_value.sival_int = COOKIE;
    ASSERT_SYS_OK(mq_notify(q, &sev));
}

/* Wait up to timeout_ms for SIGUSR1 (0: just look); 1 with *info if it came. */
static int take_sigusr1(int timeout_ms, siginfo_t *info)
{
    struct timespec wait = { .tv_sec = timeout_ms / 1000,
                             .tv_nsec = (long)(timeout_ms % 1000) * 1000000 };
    sigset_t usr1;

    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    if (sigtimedwait(&usr1, info, &wait) == SIGUSR1)
        return 1;
    if (errno != EAGAIN)
        IPCT_FAIL("sigtimedwait: %s", ipct_errname(errno));
    return 0;
}

static void expect_notified(void)
{
    siginfo_t info;

    if (!take_sigusr1(ipct_deadline_ms(), &info))
        IPCT_FAIL("no notification within %d ms", ipct_deadline_ms());
}

static void expect_not_notified(void)
{
    siginfo_t info;

    if (take_sigusr1(0, &info))
        IPCT_FAIL("a notification came (si_code %d, from pid %d)", info.si_code, (int)info.si_pid);
}

/* What the registration probe asks, and whose line a failure names. */
struct probe { mqd_t q; int held; const char *file; int line; };

/* In a child: tries to register with SIGEV_NONE on the inherited descriptor.
 * With a registration held that fails with EBUSY; without, it works (and is
 * undone). A wrong answer fails at the test's line. */
static void try_register(void *arg)
{
    const struct probe *p = arg;
    struct sigevent sev = { .sigev_notify = SIGEV_NONE };

    if (p->held) {
        ipct__sys_err(mq_notify(p->q, &sev), EBUSY, "mq_notify(q, SIGEV_NONE) from another "
                      "process, a registration held", "EBUSY", p->file, p->line);
    } else {
        ipct__sys_ok(mq_notify(p->q, &sev), "mq_notify(q, SIGEV_NONE) from another process, "
                     "no registration held", p->file, p->line);
        ipct__sys_ok(mq_notify(p->q, NULL), "mq_notify(q, NULL)", p->file, p->line);
    }
}

/* Assert that q holds a registration (held 1) or none (held 0), as a child
 * finds it. */
#define expect_registered(q, held) expect_registered_at(q, held, __FILE__, __LINE__)
static void expect_registered_at(mqd_t q, int held, const char *file, int line)
{
    struct probe p = { .q = q, .held = held, .file = file, .line = line };

    ipct__assert_exited(ipct__spawn(try_register, &p, file, line), 0, file, line);
}

/* Sends "m" on the inherited descriptor. */
static void send_one(void *arg)
{
    ASSERT_SYS_OK(mq_send(*(mqd_t *)arg, "m", 1, 0));
}

/* MQ-NOTIFY-01 a message arriving on an empty queue sends the registered signal, with SI_MESGQ and the value */
static void test_mq_notify_01_signal_on_arrival_si_mesgq(void **state)
{
    mqd_t q = new_queue();
    siginfo_t info;
    (void)state;

    register_signal(q);
    pid_t sender = ipct_spawn(send_one, &q);
    if (!take_sigusr1(ipct_deadline_ms(), &info))
        IPCT_FAIL("no notification within %d ms", ipct_deadline_ms());
    assert_child_exited(sender, 0);
    ASSERT_EQ(info.si_signo, SIGUSR1);
    ASSERT_EQ(info.si_code, SI_MESGQ);
    ASSERT_EQ(info.si_value.sival_int, COOKIE);
    ASSERT_EQ(info.si_pid, sender); /* Linux: the sending process */
    ASSERT_EQ(info.si_uid, getuid());
    mq_close(q);
}

/* MQ-NOTIFY-02 while one process is registered, another's mq_notify fails with EBUSY */
static void test_mq_notify_02_second_process_ebusy(void **state)
{
    mqd_t q = new_queue();
    (void)state;

    expect_registered(q, 0);
    register_signal(q);
    expect_registered(q, 1); /* the other process gets EBUSY */
    mq_close(q);
}

/* MQ-NOTIFY-03 on Linux a registered process registering again also gets EBUSY */
static void test_mq_notify_03_same_process_again_ebusy(void **state)
{
    struct sigevent sev = { .sigev_notify = SIGEV_NONE };
    mqd_t q = new_queue();
    (void)state;

    register_signal(q);
    ASSERT_SYS_ERR(mq_notify(q, &sev), EBUSY);
    ASSERT_SYS_OK(mq_send(q, "m", 1, 0));
    expect_notified(); /* the first registration stood */
    mq_close(q);
}

/* MQ-NOTIFY-04 a message arriving on a queue that is not empty notifies nobody */
static void test_mq_notify_04_only_empty_to_nonempty(void **state)
{
    char buf[MSGSIZE];
    mqd_t q = new_queue();
    (void)state;

    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    register_signal(q);
    ASSERT_SYS_OK(mq_send(q, "b", 1, 0)); /* 1 -> 2 messages */
    expect_not_notified();
    expect_registered(q, 1); /* no notification spent it */
    ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
    ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
    ASSERT_SYS_OK(mq_send(q, "c", 1, 0)); /* 0 -> 1 */
    expect_notified();
    mq_close(q);
}

/* MQ-NOTIFY-05 a delivered notification removes the registration */
static void test_mq_notify_05_one_shot(void **state)
{
    char buf[MSGSIZE];
    mqd_t q = new_queue();
    (void)state;

    register_signal(q);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    expect_notified();
    expect_registered(q, 0); /* another process may register now */
    ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL));
    ASSERT_SYS_OK(mq_send(q, "b", 1, 0)); /* empty -> non-empty again */
    expect_not_notified();
    mq_close(q);
}

/* MQ-NOTIFY-06 mq_notify with NULL removes the caller's registration */
static void test_mq_notify_06_null_unregisters(void **state)
{
    mqd_t q = new_queue();
    (void)state;

    register_signal(q);
    expect_registered(q, 1);
    ASSERT_SYS_OK(mq_notify(q, NULL));
    expect_registered(q, 0);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    expect_not_notified();
    mq_close(q);
}

/* Receives one message on the inherited descriptor: "w". */
static void receive_one(void *arg)
{
    char buf[MSGSIZE];

    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(*(mqd_t *)arg, buf, sizeof buf, NULL)), 1);
    ASSERT_EQ(buf[0], 'w');
}

/* MQ-NOTIFY-07 a message taken by a waiting receiver notifies nobody, and the registration stays */
static void test_mq_notify_07_waiting_receiver_takes_it(void **state)
{
    mqd_t q = new_queue();
    (void)state;

    register_signal(q);
    pid_t reader = ipct_spawn(receive_one, &q);
    ipct_await_blocked(reader, SYS_mq_timedreceive);
    ASSERT_SYS_OK(mq_send(q, "w", 1, 0));
    assert_child_exited(reader, 0);
    expect_not_notified();
    expect_registered(q, 1);
    ASSERT_SYS_OK(mq_send(q, "x", 1, 0)); /* nobody waits now */
    expect_notified();
    mq_close(q);
}

/* MQ-NOTIFY-08 on Linux mq_notify(NULL) without a registration succeeds */
static void test_mq_notify_08_null_unregistered_succeeds(void **state)
{
    mqd_t q = new_queue();
    (void)state;

    ASSERT_EQ(ASSERT_SYS_OK(mq_notify(q, NULL)), 0);
    mq_close(q);
}

/* MQ-NOTIFY-09 an unknown sigev_notify or an invalid signal number fails with EINVAL */
static void test_mq_notify_09_bad_sigevent_einval(void **state)
{
    struct sigevent bad_kind = { .sigev_notify = 12345, .sigev_signo = SIGUSR1 };
    struct sigevent bad_signo = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = _NSIG + 1 };
    mqd_t q = new_queue();
    (void)state;

    ASSERT_SYS_ERR(mq_notify(q, &bad_kind), EINVAL);
    ASSERT_SYS_ERR(mq_notify(q, &bad_signo), EINVAL);
    expect_registered(q, 0);
    mq_close(q);
}

/* MQ-NOTIFY-10 mq_notify on a descriptor that is not open fails with EBADF */
static void test_mq_notify_10_closed_descriptor_ebadf(void **state)
{
    struct sigevent sev = { .sigev_notify = SIGEV_NONE };
    mqd_t q = new_queue();
    (void)state;

    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_ERR(mq_notify(q, &sev), EBADF);
    ASSERT_SYS_ERR(mq_notify(q, NULL), EBADF);
}

/* MQ-NOTIFY-11 a SIGEV_NONE registration holds the queue but sends nothing, and is spent by the arrival */
static void test_mq_notify_11_sigev_none_silent_one_shot(void **state)
{
    struct sigevent sev = { .sigev_notify = SIGEV_NONE, .sigev_signo = SIGUSR1 };
    mqd_t q = new_queue();
    (void)state;

    ASSERT_SYS_OK(mq_notify(q, &sev));
    expect_registered(q, 1);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    expect_not_notified();
    expect_registered(q, 0);
    mq_close(q);
}

/* Runs in the thread glibc starts for the notification: it must be a thread
 * other than the child's main one, given the value registered. Ends the child. */
static void on_message_thread(union sigval value)
{
    ASSERT_EQ(value.sival_int, COOKIE);
    ASSERT_NE(gettid(), getpid());
    ipct_child_exit(0);
}

/* Registers SIGEV_THREAD on the inherited descriptor, says it is ready, and
 * waits; on_message_thread ends it. */
static void register_thread(void *arg)
{
    struct sigevent sev = { .sigev_notify = SIGEV_THREAD };

    sev.sigev_notify_function = on_message_thread;
    sev.sigev_value.sival_int = COOKIE;
    ASSERT_SYS_OK(mq_notify(*(mqd_t *)arg, &sev));
    ipct_child_ready();
    pause();
    IPCT_FAIL("pause returned: a signal came, not the notification's thread");
}

/* MQ-NOTIFY-12 a SIGEV_THREAD registration runs the function in a new thread with the value */
static void test_mq_notify_12_sigev_thread_runs_function(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("glibc starts the SIGEV_THREAD helper thread with its internal "
                  "pthread_create, which ThreadSanitizer does not see: the instrumented "
                  "function then crashes in a thread TSan never set up");
    mqd_t q = new_queue();

    /* in a child: glibc keeps a netlink socket and a helper thread for good */
    pid_t pid = ipct_spawn(register_thread, &q);
    ipct_await_ready(pid);
    ASSERT_SYS_OK(mq_send(q, "m", 1, 0));
    assert_child_exited(pid, 0);
    mq_close(q);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_notify_01_signal_on_arrival_si_mesgq),
    IPCT_TEST(test_mq_notify_02_second_process_ebusy),
    IPCT_TEST(test_mq_notify_03_same_process_again_ebusy),
    IPCT_TEST(test_mq_notify_04_only_empty_to_nonempty),
    IPCT_TEST(test_mq_notify_05_one_shot),
    IPCT_TEST(test_mq_notify_06_null_unregisters),
    IPCT_TEST(test_mq_notify_07_waiting_receiver_takes_it),
    IPCT_TEST(test_mq_notify_08_null_unregistered_succeeds),
    IPCT_TEST(test_mq_notify_09_bad_sigevent_einval),
    IPCT_TEST(test_mq_notify_10_closed_descriptor_ebadf),
    IPCT_TEST(test_mq_notify_11_sigev_none_silent_one_shot),
    IPCT_TEST(test_mq_notify_12_sigev_thread_runs_function),
};

IPCT_MAIN("mq_notify", tests)
