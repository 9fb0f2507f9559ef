/* SPDX-License-Identifier: MIT */
/*
 * test_sig_thr.c - signals and threads: a process-directed signal goes to a
 * thread that does not block it, pthread_kill reaches the thread it names,
 * the pending sets of a thread and of the process, the mask a thread starts
 * with, dispositions shared by every thread, a fatal signal sent to one
 * thread ending the process, and standard signals delivered before
 * real-time ones. Every experiment runs in a child: its threads are the
 * child's.
 *
 * Spec: SIG-THR-01..10 (spec/sig.md).
 * See also: test_sig_mask.c (pthread_sigmask, sigwait in threads),
 * sig_helpers.h.
 */
#include "sig_helpers.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>

static volatile sig_atomic_t handled_by; /* the thread id the handler ran in */
static int thr_notify_wfd = -1;

/* Notes the thread it runs in and says so through the notify pipe. */
static void note_thread(int sig)
{
    int saved = errno;

    sig_count(sig);
    handled_by = (sig_atomic_t)syscall(SYS_gettid);
    if (write(thr_notify_wfd, "h", 1) != 1)
        sig_hits = -1;
    errno = saved;
}

/* A thread that notes its id, sets its mask and waits on a pipe for the
 * byte that ends it. */
struct waiter {
    pthread_t thread;
    atomic_int tid;
    int unblock;     /* SIGUSR1 unblocked in this thread */
    int release_rfd; /* one byte here ends the thread */
};

static void *wait_for_release(void *arg)
{
    struct waiter *w = arg;
    char c;

    if (w->unblock)
        sig_mask_one(SIG_UNBLOCK, SIGUSR1);
    atomic_store(&w->tid, (int)syscall(SYS_gettid));
    while (read(w->release_rfd, &c, 1) == -1 && errno == EINTR) {
    }
    return NULL;
}

/* Start w and wait, bounded, until it sleeps in its read. */
static void start_waiter(struct waiter *w, int unblock, int release_rfd)
{
    atomic_init(&w->tid, 0);
    w->unblock = unblock;
    w->release_rfd = release_rfd;
    ASSERT_ERRNO_EQ(pthread_create(&w->thread, NULL, wait_for_release, w), 0);
    while (atomic_load(&w->tid) == 0 || !ipct_is_blocked_in(atomic_load(&w->tid), SYS_read))
        sched_yield();
}

/* Release n waiters and join them. */
static void end_waiters(struct waiter *w, int n, int release_wfd)
{
    for (int i = 0; i < n; i++)
        ASSERT_EQ(ASSERT_SYS_OK(write(release_wfd, "x", 1)), 1);
    for (int i = 0; i < n; i++)
        ASSERT_ERRNO_EQ(pthread_join(w[i].thread, NULL), 0);
}

/* Main blocks SIGUSR1; of two threads only the second unblocks it; kill
 * to the process runs the handler in that thread. */
static void process_signal_to_unblocked(void *arg)
{
    int notify[2], release[2];
    struct waiter w[2];
    (void)arg;

    ASSERT_SYS_OK(pipe2(notify, O_CLOEXEC));
    ASSERT_SYS_OK(pipe2(release, O_CLOEXEC));
    thr_notify_wfd = notify[1];
    ASSERT_SYS_OK(sig_catch(SIGUSR1, note_thread, SA_RESTART));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    start_waiter(&w[0], 0, release[0]);
    start_waiter(&w[1], 1, release[0]);
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_EQ(ipct_await_byte(notify[0]), 'h');
    ASSERT_EQ(handled_by, atomic_load(&w[1].tid));
    ASSERT_EQ(sig_hits, 1);
    end_waiters(w, 2, release[1]);
}

/* SIG-THR-01 a process-directed signal runs its handler in the one thread that has it unblocked */
static void test_sig_thr_01_process_signal_to_unblocked_thread(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a signal handler only at the next call it intercepts: "
                  "a thread waiting in a call it does not intercept never runs it");
    sig_in_child(process_signal_to_unblocked, NULL);
}

/* Two threads and main all have SIGUSR1 unblocked; pthread_kill to the
 * second thread runs the handler there. */
static void kill_named_thread(void *arg)
{
    int notify[2], release[2];
    struct waiter w[2];
    (void)arg;

    ASSERT_SYS_OK(pipe2(notify, O_CLOEXEC));
    ASSERT_SYS_OK(pipe2(release, O_CLOEXEC));
    thr_notify_wfd = notify[1];
    ASSERT_SYS_OK(sig_catch(SIGUSR1, note_thread, SA_RESTART));
    start_waiter(&w[0], 1, release[0]);
    start_waiter(&w[1], 1, release[0]);
    ASSERT_ERRNO_EQ(pthread_kill(w[1].thread, SIGUSR1), 0);
    ASSERT_EQ(ipct_await_byte(notify[0]), 'h');
    ASSERT_EQ(handled_by, atomic_load(&w[1].tid));
    end_waiters(w, 2, release[1]);
}

/* SIG-THR-02 pthread_kill runs the handler in the thread it names */
static void test_sig_thr_02_pthread_kill_reaches_named_thread(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a signal handler only at the next call it intercepts: "
                  "a thread waiting in a call it does not intercept never runs it");
    sig_in_child(kill_named_thread, NULL);
}

static volatile sig_atomic_t order[4];

/* Records the order the signals arrive in. */
static void note_order(int sig)
{
    if (sig_hits < 4)
        order[sig_hits] = sig;
    sig_hits = sig_hits + 1;
}

/* SIGRTMIN queued first, SIGUSR2 sent second, both blocked: unblocking
 * both at once runs SIGUSR2's handler first. */
static void standard_before_realtime(void *arg)
{
    struct sigaction sa = { .sa_handler = note_order };
    sigset_t both;
    (void)arg;

    sigfillset(&sa.sa_mask); /* one handler at a time: the order is the delivery order */
    ASSERT_SYS_OK(sigaction(SIGUSR2, &sa, NULL));
    ASSERT_SYS_OK(sigaction(SIGRTMIN, &sa, NULL));
    sigemptyset(&both);
    sigaddset(&both, SIGUSR2);
    sigaddset(&both, SIGRTMIN);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &both, NULL));
    ASSERT_SYS_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 1 }));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR2));
    ASSERT_SYS_OK(sigprocmask(SIG_UNBLOCK, &both, NULL));
    ASSERT_EQ(sig_hits, 2);
    ASSERT_SIG_EQ(order[0], SIGUSR2);
    ASSERT_SIG_EQ(order[1], SIGRTMIN);
}

/* SIG-THR-03 with standard and real-time signals both pending, Linux delivers the standard one first */
static void test_sig_thr_03_standard_before_realtime(void **state)
{
    (void)state;
    sig_skip_unless_synchronous();
    sig_in_child(standard_before_realtime, NULL);
}

/* pthread_kill(t, 0) of a live thread returns 0 and delivers nothing. */
static void kill_zero(void *arg)
{
    int release[2];
    struct waiter w;
    (void)arg;

    ASSERT_SYS_OK(pipe2(release, O_CLOEXEC));
    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, SA_RESTART));
    start_waiter(&w, 1, release[0]);
    ASSERT_ERRNO_EQ(pthread_kill(w.thread, 0), 0);
    end_waiters(&w, 1, release[1]);
    ASSERT_EQ(sig_hits, 0);
}

/* SIG-THR-04 pthread_kill with signal 0 checks the thread and sends nothing */
static void test_sig_thr_04_pthread_kill_zero_sends_nothing(void **state)
{
    (void)state;
    sig_in_child(kill_zero, NULL);
}

/* An invalid signal number: pthread_kill returns EINVAL itself. */
static void kill_invalid(void *arg)
{
    (void)arg;
    errno = 0;
    ASSERT_ERRNO_EQ(pthread_kill(pthread_self(), NSIG + 1), EINVAL);
    ASSERT_ERRNO_EQ(pthread_kill(pthread_self(), -1), EINVAL);
}

/* SIG-THR-05 pthread_kill of an invalid signal number returns EINVAL */
static void test_sig_thr_05_pthread_kill_invalid_einval(void **state)
{
    (void)state;
    sig_in_child(kill_invalid, NULL);
}

/* What a thread sees of SIGUSR1 and SIGUSR2 pending, and its mask. */
struct seen {
    int usr1_pending, usr2_pending, usr1_blocked;
};

static void *look(void *arg)
{
    struct seen *s = arg;

    s->usr1_pending = sig_is_pending(SIGUSR1);
    s->usr2_pending = sig_is_pending(SIGUSR2);
    s->usr1_blocked = sig_is_blocked(SIGUSR1);
    return NULL;
}

static struct seen look_from_thread(void)
{
    struct seen s = { -1, -1, -1 };
    pthread_t t;

    ASSERT_ERRNO_EQ(pthread_create(&t, NULL, look, &s), 0);
    ASSERT_ERRNO_EQ(pthread_join(t, NULL), 0);
    return s;
}

/* SIGUSR1 blocked (in every thread: a new thread inherits the mask), sent
 * to the process: pending as seen from main and from another thread. */
static void process_pending_shared(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_SYS_OK(kill(getpid(), SIGUSR1));
    ASSERT_TRUE(sig_is_pending(SIGUSR1));
    ASSERT_EQ(look_from_thread().usr1_pending, 1);
}

/* SIG-THR-06 a process-directed signal every thread blocks is pending for every thread to see */
static void test_sig_thr_06_process_pending_seen_by_all(void **state)
{
    (void)state;
    sig_in_child(process_pending_shared, NULL);
}

/* SIGUSR2 blocked, sent to main alone with pthread_kill: main sees it
 * pending, another thread does not. */
static void thread_pending_private(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR2));
    ASSERT_ERRNO_EQ(pthread_kill(pthread_self(), SIGUSR2), 0);
    ASSERT_TRUE(sig_is_pending(SIGUSR2));
    ASSERT_EQ(look_from_thread().usr2_pending, 0);
}

/* SIG-THR-07 a signal sent to one thread is pending for that thread alone */
static void test_sig_thr_07_thread_pending_private(void **state)
{
    (void)state;
    sig_in_child(thread_pending_private, NULL);
}

/* Main blocks SIGUSR1, then creates a thread: the thread has it blocked. */
static void inherits_mask(void *arg)
{
    (void)arg;
    ASSERT_EQ(look_from_thread().usr1_blocked, 0);
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGUSR1));
    ASSERT_EQ(look_from_thread().usr1_blocked, 1);
}

/* SIG-THR-08 a thread starts with the signal mask of the thread that created it */
static void test_sig_thr_08_new_thread_inherits_mask(void **state)
{
    (void)state;
    sig_in_child(inherits_mask, NULL);
}

static void *install_handler(void *arg)
{
    *(int *)arg = sig_catch(SIGUSR2, sig_count, 0);
    return NULL;
}

/* A thread installs the SIGUSR2 handler and ends; main raises SIGUSR2 and
 * the handler runs in main. */
static void shared_disposition(void *arg)
{
    int rc = -2;
    pthread_t t;
    (void)arg;

    ASSERT_ERRNO_EQ(pthread_create(&t, NULL, install_handler, &rc), 0);
    ASSERT_ERRNO_EQ(pthread_join(t, NULL), 0);
    ASSERT_EQ(rc, 0);
    sig_raise_and_spin(SIGUSR2);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_SIG_EQ(sig_last, SIGUSR2);
}

/* SIG-THR-09 a disposition set in one thread holds for every thread of the process */
static void test_sig_thr_09_disposition_shared(void **state)
{
    (void)state;
    sig_in_child(shared_disposition, NULL);
}

/* pthread_kill of SIGUSR1 (default: terminate) to one thread. */
static void fatal_to_thread(void *arg)
{
    int release[2];
    struct waiter w;
    (void)arg;

    ASSERT_SYS_OK(pipe2(release, O_CLOEXEC));
    start_waiter(&w, 1, release[0]);
    ASSERT_ERRNO_EQ(pthread_kill(w.thread, SIGUSR1), 0);
    ASSERT_ERRNO_EQ(pthread_join(w.thread, NULL), 0); /* the process ends first */
    IPCT_FAIL("the process outlived SIGUSR1 sent to one of its threads");
}

/* SIG-THR-10 a signal whose action is to terminate, sent to one thread, ends the whole process */
static void test_sig_thr_10_fatal_to_thread_ends_process(void **state)
{
    (void)state;
    assert_child_signaled(ipct_spawn(fatal_to_thread, NULL), SIGUSR1);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_thr_01_process_signal_to_unblocked_thread),
    IPCT_TEST(test_sig_thr_02_pthread_kill_reaches_named_thread),
    IPCT_TEST(test_sig_thr_03_standard_before_realtime),
    IPCT_TEST(test_sig_thr_04_pthread_kill_zero_sends_nothing),
    IPCT_TEST(test_sig_thr_05_pthread_kill_invalid_einval),
    IPCT_TEST(test_sig_thr_06_process_pending_seen_by_all),
    IPCT_TEST(test_sig_thr_07_thread_pending_private),
    IPCT_TEST(test_sig_thr_08_new_thread_inherits_mask),
    IPCT_TEST(test_sig_thr_09_disposition_shared),
    IPCT_TEST(test_sig_thr_10_fatal_to_thread_ends_process),
};

IPCT_MAIN("sig_thr", tests)
