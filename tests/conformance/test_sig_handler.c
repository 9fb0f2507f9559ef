/* SPDX-License-Identifier: MIT */
/*
 * test_sig_handler.c - what happens around a handler: the mask while it
 * runs (its own signal, sa_mask, SA_NODEFER) and after it returns,
 * SA_RESETHAND, SA_RESTART against EINTR for a blocked read and
 * mq_receive, preemption of the main flow, and sigaction's and signal()'s
 * own contract.
 *
 * Spec: SIG-HND-01..09, SIG-HND-16 (spec/sig.md).
 * See also: test_sig_action.c (sigaction's and signal()'s own contract),
 * test_sig_dfl.c, test_sig_mask.c.
 */
#include "sig_helpers.h"

#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* What the handler saw of the mask on entry, and of its own disposition. */
static volatile sig_atomic_t saw_self, saw_int, saw_usr2, saw_term, saw_dfl;

static void note_mask(int sig)
{
    sigset_t now;
    struct sigaction act;

    sigprocmask(SIG_BLOCK, NULL, &now);
    saw_self = sigismember(&now, sig);
    saw_int = sigismember(&now, SIGINT);
    saw_usr2 = sigismember(&now, SIGUSR2);
    saw_term = sigismember(&now, SIGTERM);
    sigaction(sig, NULL, &act);
    saw_dfl = act.sa_handler == SIG_DFL;
    sig_count(sig);
}

/* Catch SIGUSR1 with note_mask, flags and sa_mask {SIGUSR2} when usr2. */
static int catch_noting(int flags, int usr2)
{
    struct sigaction sa = { .sa_handler = note_mask, .sa_flags = flags };

    sigemptyset(&sa.sa_mask);
    if (usr2)
        sigaddset(&sa.sa_mask, SIGUSR2);
    return sigaction(SIGUSR1, &sa, NULL);
}

/* SIGUSR1 is blocked inside its own handler. */
static void self_blocked(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(catch_noting(0, 0));
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(saw_self, 1);
}

/* SIG-HND-01 a signal is blocked while its own handler runs */
static void test_sig_hnd_01_blocked_during_handler(void **state)
{
    (void)state;
    sig_in_child(self_blocked, NULL);
}

/* With SA_NODEFER, SIGUSR1 is not blocked inside its handler. */
static void nodefer(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(catch_noting(SA_NODEFER, 0));
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(saw_self, 0);
}

/* SIG-HND-02 with SA_NODEFER the signal is not blocked while its handler runs */
static void test_sig_hnd_02_nodefer_not_blocked(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer calls the handler from its own wrapper, with every signal "
                  "blocked, so the mask inside is not the kernel's");
    sig_in_child(nodefer, NULL);
}

/* Inside the handler the mask is the old one ({SIGINT}), plus sa_mask
 * ({SIGUSR2}), plus the signal; nothing else (SIGTERM). */
static void union_mask(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGINT));
    ASSERT_SYS_OK(catch_noting(0, 1));
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(saw_self, 1);
    ASSERT_EQ(saw_int, 1);
    ASSERT_EQ(saw_usr2, 1);
    ASSERT_EQ(saw_term, 0);
}

/* SIG-HND-03 the handler runs with the old mask plus sa_mask plus its signal */
static void test_sig_hnd_03_sa_mask_added(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer calls the handler from its own wrapper, with every signal "
                  "blocked, so the mask inside is not the kernel's");
    sig_in_child(union_mask, NULL);
}

static void block_term(int sig)
{
    sig_mask_one(SIG_BLOCK, SIGTERM);
    sig_count(sig);
}

/* After the handler, which blocked SIGTERM, the mask is the old one. */
static void mask_restored(void *arg)
{
    (void)arg;
    ASSERT_SYS_OK(sig_catch(SIGUSR1, block_term, 0));
    sig_raise_and_spin(SIGUSR1);
    ASSERT_FALSE(sig_is_blocked(SIGTERM));
    ASSERT_FALSE(sig_is_blocked(SIGUSR1));
}

/* SIG-HND-04 the mask from before the handler is back when it returns */
static void test_sig_hnd_04_mask_restored_on_return(void **state)
{
    (void)state;
    sig_in_child(mask_restored, NULL);
}

/* With SA_RESETHAND: one delivery runs the handler, which finds SIG_DFL
 * installed (and, on Linux, its signal still blocked); the second kills the
 * child, which is the behaviour under test. */
static void reset_hand(void *arg)
{
    sigset_t none;
    (void)arg;

    ASSERT_SYS_OK(catch_noting(SA_RESETHAND, 0));
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(saw_dfl, 1);
    ASSERT_EQ(saw_self, 1); /* POSIX: "may" act as SA_NODEFER; Linux does not */
    raise(SIGUSR1);
    /* cppcheck-suppress unreachableCode ; raise returns if SIGUSR1 came late */
    sigemptyset(&none);
    for (;;)
        sigsuspend(&none);
}

/* SIG-HND-05 SA_RESETHAND restores the default on entry to the handler */
static void test_sig_hnd_05_resethand_once(void **state)
{
    (void)state;
    assert_child_signaled(ipct_spawn(reset_hand, NULL), SIGUSR1);
}

/* Without SA_RESETHAND the handler stays for a second delivery. */
static void keep_hand(void *arg)
{
    struct sigaction act;
    (void)arg;

    ASSERT_SYS_OK(catch_noting(0, 0));
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(saw_dfl, 0);
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(sig_hits, 2);
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &act));
    ASSERT_EQ(act.sa_handler, note_mask);
}

/* SIG-HND-06 without SA_RESETHAND the handler stays installed */
static void test_sig_hnd_06_handler_stays(void **state)
{
    (void)state;
    sig_in_child(keep_hand, NULL);
}

/* ---- SA_RESTART, EINTR: one body over a pipe read and an mq_receive ---- */

struct blocker {
    int use_mq;     /* 0: read(2) from a pipe; 1: mq_receive(3) */
    int restart;    /* SA_RESTART on the handler */
    int data_fd;    /* pipe read end, or the queue */
    int notify_wfd; /* the handler writes 'h' here */
};

static int notify_wfd = -1;

static void notify(int sig)
{
    int saved = errno;

    (void)sig;
    if (write(notify_wfd, "h", 1) != 1)
        sig_hits = -1;
    errno = saved;
}

/* Blocks in read or mq_receive with a SIGUSR1 handler installed: with
 * restart the call returns the data "y", else it fails with EINTR. */
static void blocked_reader(void *arg)
{
    const struct blocker *b = arg;
    char buf[64];
    ssize_t n;

    notify_wfd = b->notify_wfd;
    ASSERT_SYS_OK(sig_catch(SIGUSR1, notify, b->restart ? SA_RESTART : 0));
    ipct_child_ready();
    if (b->use_mq)
        n = mq_receive(b->data_fd, buf, sizeof buf, NULL);
    else
        n = read(b->data_fd, buf, sizeof buf);
    if (b->restart) {
        ASSERT_EQ(ASSERT_SYS_OK(n), 1);
        ASSERT_EQ(buf[0], 'y');
    } else {
        ASSERT_SYS_ERR(n, EINTR);
    }
}

/* The call a variant of SIG-HND-07/08 blocks in. */
static const int in_pipe_read = 0, in_mq_receive = 1;

/* The reader blocks in the row's call, is signalled, and then either sleeps
 * again and gets the data (restart) or returns EINTR. */
static void interrupt_blocked(int restart)
{
    int use_mq = *(const int *)ipct_variant();
    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
    const char *name = ipct_ipc_name("mq");
    int data[2] = { -1, -1 }, notify_pipe[2];
    long nr = use_mq ? SYS_mq_timedreceive : SYS_read;

    ASSERT_SYS_OK(pipe2(notify_pipe, O_CLOEXEC));
    if (use_mq)
        data[0] = (int)ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr));
    else
        ASSERT_SYS_OK(pipe2(data, O_CLOEXEC));
    struct blocker b = { use_mq, restart, data[0], notify_pipe[1] };
    pid_t pid = ipct_spawn(blocked_reader, &b);
    ipct_await_ready(pid);
    ipct_await_blocked(pid, nr);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    ASSERT_EQ(ipct_await_byte(notify_pipe[0]), 'h'); /* the handler ran */
    if (restart) {
        ipct_await_blocked(pid, nr); /* asleep in the same call again */
        if (use_mq)
            ASSERT_SYS_OK(mq_send(data[0], "y", 1, 0));
        else
            ASSERT_EQ(ASSERT_SYS_OK(write(data[1], "y", 1)), 1);
    }
    assert_child_exited(pid, 0);
    if (use_mq) {
        ASSERT_SYS_OK(mq_close(data[0]));
        ASSERT_SYS_OK(mq_unlink(name));
    } else {
        ASSERT_SYS_OK(close(data[0]));
        ASSERT_SYS_OK(close(data[1]));
    }
    ASSERT_SYS_OK(close(notify_pipe[0]));
    ASSERT_SYS_OK(close(notify_pipe[1]));
}

/* SIG-HND-07 SA_RESTART restarts a read or mq_receive a handler interrupted */
static void test_sig_hnd_07_sa_restart_restarts(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a handler only when the interrupted call returns, "
                  "and a restarted call does not return until data comes");
    interrupt_blocked(1);
}

/* SIG-HND-08 without SA_RESTART an interrupted read or mq_receive fails with EINTR */
static void test_sig_hnd_08_no_restart_eintr(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer installs its own handler with SA_RESTART and runs ours only "
                  "when the call returns: the read is restarted and never fails with EINTR");
    interrupt_blocked(0);
}

/* Spins in plain computation until the handler sets the flag: the handler
 * runs in the middle of the loop and the loop goes on. */
static void preempted(void *arg)
{
    volatile unsigned long spins = 0;
    (void)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    while (sig_hits == 0) {
        spins = spins + 1;
        if (spins == 1000)
            ipct_child_ready(); /* the test signals only once the loop runs */
    }
    ASSERT_SIG_EQ(sig_last, SIGUSR1);
    ASSERT_GE(spins, 1000);
}

/* SIG-HND-09 a handler preempts the main flow, which resumes where it was */
static void test_sig_hnd_09_handler_preempts_main_flow(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer defers a handler to the next intercepted call, and a "
                  "loop of plain computation makes none");
    pid_t pid = ipct_spawn(preempted, NULL);
    ipct_await_ready(pid);
    ASSERT_SYS_OK(kill(pid, SIGUSR1));
    assert_child_exited(pid, 0);
}

static char altstack[64 * 1024];
static volatile sig_atomic_t on_alt = -1;

static void note_stack(int sig)
{
    char here = 0;
    uintptr_t at = (uintptr_t)&here, base = (uintptr_t)altstack;

    on_alt = at >= base && at < base + sizeof altstack;
    sig_count(sig);
}

/* The SA_ONSTACK handler runs on the alternate stack, the other on the
 * normal one. */
static void alternate_stack(void *arg)
{
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    (void)arg;

    ASSERT_SYS_OK(sigaltstack(&ss, NULL));
    ASSERT_SYS_OK(sig_catch(SIGUSR1, note_stack, SA_ONSTACK));
    ASSERT_SYS_OK(sig_catch(SIGUSR2, note_stack, 0));
    sig_raise_and_spin(SIGUSR1);
    ASSERT_EQ(on_alt, 1);
    sig_raise_and_spin(SIGUSR2);
    ASSERT_EQ(on_alt, 0);
}

/* SIG-HND-16 with SA_ONSTACK the handler runs on the alternate signal stack, without it on the normal one */
static void test_sig_hnd_16_sa_onstack(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer calls the handler from its own, not on the stack the kernel chose");
    sig_in_child(alternate_stack, NULL);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_hnd_01_blocked_during_handler),
    IPCT_TEST(test_sig_hnd_02_nodefer_not_blocked),
    IPCT_TEST(test_sig_hnd_03_sa_mask_added),
    IPCT_TEST(test_sig_hnd_04_mask_restored_on_return),
    IPCT_TEST(test_sig_hnd_05_resethand_once),
    IPCT_TEST(test_sig_hnd_06_handler_stays),
    IPCT_VARIANT(test_sig_hnd_07_sa_restart_restarts, "pipe-read", &in_pipe_read),
    IPCT_VARIANT(test_sig_hnd_07_sa_restart_restarts, "mq-receive", &in_mq_receive),
    IPCT_VARIANT(test_sig_hnd_08_no_restart_eintr, "pipe-read", &in_pipe_read),
    IPCT_VARIANT(test_sig_hnd_08_no_restart_eintr, "mq-receive", &in_mq_receive),
    IPCT_TEST(test_sig_hnd_09_handler_preempts_main_flow),
    IPCT_TEST(test_sig_hnd_16_sa_onstack),
};

IPCT_MAIN("sig_handler", tests)
