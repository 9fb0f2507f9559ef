/* SPDX-License-Identifier: MIT */
/*
 * test_sig_queue.c - sigqueue and what the receiver learns: a value carried
 * to an SA_SIGINFO handler with SI_QUEUE, SI_USER and the sender's pid and
 * uid for kill, delivery to the caller itself before sigqueue returns, the
 * queue limit (EAGAIN), and a queued signal to a plain handler.
 *
 * Spec: SIG-SEND-09..13 (spec/sig.md).
 * See also: test_sig_send.c (raise, kill, the null signal, and the errors
 *           kill and sigqueue share), test_sig_dfl.c.
 */
#include "sig_helpers.h"

#include <sys/resource.h>

struct sender { pid_t pid; uid_t uid; };

/* One SIGUSR1 comes with si_code SI_QUEUE, value 4242 and the sender. */
static void receive_queued(void *arg)
{
    const struct sender *from = arg;

    sig_await_usr1(1);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_EQ(sig_seen_code, SI_QUEUE);
    ASSERT_EQ(sig_seen_value, 4242);
    ASSERT_EQ(sig_seen_pid, from->pid);
    ASSERT_EQ(sig_seen_uid, (sig_atomic_t)from->uid);
}

/* SIG-SEND-09 sigqueue carries its value to an SA_SIGINFO handler, with SI_QUEUE */
static void test_sig_send_09_sigqueue_value_si_queue(void **state)
{
    struct sender me = { getpid(), getuid() };
    (void)state;

    pid_t pid = ipct_spawn(receive_queued, &me);
    ipct_await_ready(pid);
    ASSERT_SYS_OK(sigqueue(pid, SIGUSR1, (union sigval){ .sival_int = 4242 }));
    assert_child_exited(pid, 0);
}

/* One SIGUSR1 comes with si_code SI_USER and the sender. */
static void receive_killed(void *arg)
{
    const struct sender *from = arg;

    sig_await_usr1(1);
    ASSERT_EQ(sig_hits, 1);
    ASSERT_EQ(sig_seen_code, SI_USER);
    ASSERT_EQ(sig_seen_pid, from->pid);
    ASSERT_EQ(sig_seen_uid, (sig_atomic_t)from->uid);
}

/* SIG-SEND-10 kill tells the receiver SI_USER, the sender's pid and its real uid */
static void test_sig_send_10_kill_si_user_sender(void **state)
{
    struct sender me = { getpid(), getuid() };
    (void)state;

    pid_t pid = ipct_spawn(receive_killed, &me);
    ipct_await_ready(pid);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0);
}

/* The handler has run, with the value, when sigqueue returns 0. */
static void sigqueue_self(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_catch_info(SIGUSR2));
    ASSERT_SYS_OK(sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 7 }));
    ASSERT_EQ(sig_hits, 1);
    ASSERT_EQ(sig_seen_value, 7);
    ASSERT_EQ(sig_seen_code, SI_QUEUE);
}

/* SIG-SEND-11 sigqueue to the caller itself delivers before it returns */
static void test_sig_send_11_sigqueue_self_before_return(void **state)
{
    (void)state;
    sig_skip_unless_synchronous();
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer defers the handler of a queued signal (SI_QUEUE) to its "
                  "next intercepted call, after sigqueue returned");
    sig_in_child(sigqueue_self, NULL);
}

/* As nobody, with RLIMIT_SIGPENDING 3, queue real-time signals to itself
 * (blocked) until one is refused: refused with EAGAIN, after at most 3
 * (fewer if another nobody process holds queued signals). */
static void queue_until_full(void *arg)
{
    struct rlimit lim = { 3, 3 };
    int sent = 0;
    (void)arg;

    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGRTMIN));
    ASSERT_IPC_OK(ipct_drop_privileges());
    ASSERT_SYS_OK(setrlimit(RLIMIT_SIGPENDING, &lim));
    while (sent <= 3 && sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = sent }) == 0)
        sent++;
    int err = errno;
    ASSERT_LE(sent, 3);
    ASSERT_ERRNO_EQ(err, EAGAIN);
}

/* SIG-SEND-12 sigqueue fails with EAGAIN once the receiver's queue limit is reached */
static void test_sig_send_12_sigqueue_limit_eagain(void **state)
{
    (void)state;
    sig_in_child(queue_until_full, NULL);
}

/* A value sent to a plain (not SA_SIGINFO) handler arrives once. */
static void queued_to_plain(void *arg)
{
    (void)arg;
    sig_await_usr1(0);
    ASSERT_EQ(sig_hits, 1);
}

/* SIG-SEND-13 without SA_SIGINFO a queued signal is still delivered, once */
static void test_sig_send_13_sigqueue_plain_handler(void **state)
{
    (void)state;
    pid_t pid = ipct_spawn(queued_to_plain, NULL);
    ipct_await_ready(pid);
    ASSERT_SYS_OK(sigqueue(pid, SIGUSR1, (union sigval){ .sival_int = 1 }));
    assert_child_exited(pid, 0);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_send_09_sigqueue_value_si_queue),
    IPCT_TEST(test_sig_send_10_kill_si_user_sender),
    IPCT_TEST(test_sig_send_11_sigqueue_self_before_return),
    IPCT_TEST(test_sig_send_12_sigqueue_limit_eagain),
    IPCT_TEST(test_sig_send_13_sigqueue_plain_handler),
};

IPCT_MAIN("sig_queue", tests)
