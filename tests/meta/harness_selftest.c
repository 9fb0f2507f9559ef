/* SPDX-License-Identifier: MIT */
/*
 * harness_selftest.c - proof that the harness cannot turn a failure into a
 * pass. Each case breaks a rule, or fails a check, on purpose; its CTest
 * registration (tests/meta/CMakeLists.txt) names the exact message it must
 * print, with this file's own line where a check failed. A few cases must
 * pass instead: they prove the harness does not blame a test for what it
 * did not do. If any of these went the other way, real tests would be let
 * off, or failures would be unreadable.
 *
 * See also: tests/lib/report.c, tests/lib/child.c, tests/lib/leak.c,
 * tests/lib/probe.c, tests/lib/main.c.
 */
#include "ipctest.h"

#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* statfs(2): the mqueue filesystem's f_type (not in linux/magic.h). */
enum { MQUEUE_MAGIC = 0x19800202 };

static void need_mqueue_mount(void)
{
    struct statfs fs;

    if (statfs("/dev/mqueue", &fs) == -1 || fs.f_type != MQUEUE_MAGIC)
        IPCT_SKIP("/dev/mqueue is not mounted: queue leaks cannot be seen (ci/deps mounts it)");
}

/* Passes its body, but leaves a descriptor open. */
static void leaks_a_descriptor(void **state)
{
    (void)state;
    ASSERT_SYS_OK(open("/dev/null", O_RDONLY));
}

static void exit_at_once(void *arg)
{
    (void)arg;
    ipct_child_exit(3);
}

static void block_in_read(void *arg)
{
    int fd = *(int *)arg;
    char byte;

    ipct_child_ready();
    ASSERT_SYS_OK(read(fd, &byte, 1));
}

/* Passes its body, but leaves a child running. */
static void leaves_a_child_running(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    pid_t child = ipct_spawn(block_in_read, &fds[0]);
    ipct_await_blocked(child, SYS_read);
    close(fds[0]);
    close(fds[1]); /* the child still holds the write end: it never wakes */
}

/* Passes its body, but leaves a message queue under the name it was given. */
static void leaves_a_queue(void **state)
{
    (void)state;
    need_mqueue_mount();
    mqd_t q = mq_open(ipct_ipc_name("leak"), O_CREAT | O_RDWR, 0600, NULL);
    ASSERT_SYS_OK(q == (mqd_t)-1 ? -1 : 0);
    mq_close(q);
}

/* A child that exits at once is not blocked: the probe must say so. */
static void probe_sees_exit_not_block(void **state)
{
    (void)state;
    ipct_await_blocked(ipct_spawn(exit_at_once, NULL), SYS_read);
}

static void fails_a_value_check(void *arg)
{
    int got = *(int *)arg;

    ASSERT_EQ(got, 4);
}

/* A check that fails in a child fails the test with the child's words and
 * line, though the parent asks only that it ended. */
static void child_check_fails(void **state)
{
    int three = 3;
    (void)state;

    ipct_wait(ipct_spawn(fails_a_value_check, &three));
}

static void spawn_failing_grandchild(void *arg)
{
    ipct_wait(ipct_spawn(fails_a_value_check, arg));
}

/* The same two generations down. */
static void grandchild_check_fails(void **state)
{
    int three = 3;
    (void)state;

    assert_child_exited(ipct_spawn(spawn_failing_grandchild, &three), 0);
}

/* A child's failure counts even when the test never waits for the child:
 * the body returns once the child has ended, unreaped; teardown reaps it. */
static void unawaited_child_check_fails(void **state)
{
    int three = 3;
    siginfo_t info;
    (void)state;

    pid_t child = ipct_spawn(fails_a_value_check, &three);
    ASSERT_SYS_OK(waitid(P_PID, (id_t)child, &info, WEXITED | WNOWAIT));
}

/* A plain value check in the test process: expression and both values. */
static void value_check_fails(void **state)
{
    size_t size = 16;
    long minus_one = -1;
    (void)state;

    ASSERT_EQ(size, 16);
    ASSERT_LT(minus_one, size); /* by value: -1 < 16, whatever C's conversions say */
    ASSERT_STR_EQ("queue", "queued");
}

static void helper_fails_in_child(void *arg)
{
    (void)arg;
    close(STDIN_FILENO);
    (void)ipct_lowest_free_fd(); /* dup(0) fails: the helper's check, in a child */
}

/* A harness helper that fails inside a child reports like any check, at
 * the caller's line, and runs no cmocka code there. */
static void child_helper_fails(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn(helper_fails_in_child, NULL), 0);
}

/* A helper that times out names the test's line, not its own. */
static void helper_times_out(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    (void)ipct_await_byte(fds[0]); /* nobody writes */
}

static void die_by_segv(void *arg)
{
    (void)arg;
    raise(SIGSEGV);
}

/* A child killed by a signal is reported by the signal's name. */
static void child_dies_by_signal(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn(die_by_segv, NULL), 0);
}

static void hang(void *arg)
{
    (void)arg;
    pause();
}

/* A child that hangs is killed at the deadline and reported so. */
static void child_hangs(void **state)
{
    (void)state;
    ipct_wait(ipct_spawn(hang, NULL));
}

static void exit_clean(void *arg)
{
    (void)arg;
}

/* A child reaped behind the harness's back (SIGCHLD ignored: the kernel
 * reaps it) has a lost status: the test fails, never reads it as 0. */
static void lost_status_fails(void **state)
{
    struct sigaction ign = { .sa_handler = SIG_IGN };
    (void)state;

    ASSERT_SYS_OK(sigaction(SIGCHLD, &ign, NULL));
    assert_child_exited(ipct_spawn(exit_clean, NULL), 0);
}

/* Must PASS when its runner ignored SIGPIPE and SIGUSR1: every test starts
 * from default dispositions and an empty mask. */
static void signal_state_is_default(void **state)
{
    struct sigaction now;
    sigset_t mask;
    (void)state;

    ASSERT_SYS_OK(sigaction(SIGPIPE, NULL, &now));
    ASSERT_TRUE(now.sa_handler == SIG_DFL);
    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &now));
    ASSERT_TRUE(now.sa_handler == SIG_DFL);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &mask));
    for (int sig = 1; sig < SIGRTMIN; sig++)
        ASSERT_EQ(sigismember(&mask, sig), 0);
}

static char foreign[64];

static int remove_foreign(void **state)
{
    int rc = ipct_teardown(state);

    mq_unlink(foreign);
    return rc;
}

/* Must PASS: a queue carrying this pid but another run's tag (an earlier
 * process that had the same pid) is not this test's leak. */
static void earlier_pid_not_blamed(void **state)
{
    (void)state;
    need_mqueue_mount();
    snprintf(foreign, sizeof foreign, "/ipcspec-leak-%d-00000000-0", (int)getpid());
    mqd_t q = mq_open(foreign, O_CREAT | O_RDWR, 0600, NULL);
    ASSERT_SYS_OK(q == (mqd_t)-1 ? -1 : 0);
    mq_close(q);
}

struct row {
    int value;
};
static const struct row good_row = { 4 }, bad_row = { 5 };

/* One body, two rows: "row_check/good" must pass, "row_check/bad" fail. */
static void row_check(void **state)
{
    const struct row *row = ipct_variant();
    (void)state;

    ASSERT_EQ(row->value, 4);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(leaks_a_descriptor),
    IPCT_TEST(leaves_a_child_running),
    IPCT_TEST(leaves_a_queue),
    IPCT_TEST(probe_sees_exit_not_block),
    IPCT_TEST(child_check_fails),
    IPCT_TEST(grandchild_check_fails),
    IPCT_TEST(unawaited_child_check_fails),
    IPCT_TEST(value_check_fails),
    IPCT_TEST(child_helper_fails),
    IPCT_TEST(helper_times_out),
    IPCT_TEST(child_dies_by_signal),
    IPCT_TEST(child_hangs),
    IPCT_TEST(lost_status_fails),
    IPCT_TEST(signal_state_is_default),
    IPCT_TEST_WITH(earlier_pid_not_blamed, ipct_setup, remove_foreign),
    IPCT_VARIANT(row_check, "good", &good_row),
    IPCT_VARIANT(row_check, "bad", &bad_row),
};

IPCT_MAIN("harness_selftest", tests)
