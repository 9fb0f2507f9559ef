/* SPDX-License-Identifier: MIT */
/*
 * test_sig_child.c - signals and process life: what fork and exec pass on,
 * SIGCHLD and wait statuses, SA_NOCLDWAIT / SA_NOCLDSTOP and an ignored
 * SIGCHLD, the SIGSEGV the kernel raises on an illegal access, and abort().
 *
 * Spec: SIG-INH-01..03, SIG-CHLD-01..06, SIG-KERN-01..03 (spec/sig.md).
 * See also: test_sig_api.c (the reaper of impl/).
 */
#include "sig_helpers.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* In a grandchild: SIGUSR1 is caught by sig_count, SIGUSR2 ignored,
 * SIGTERM blocked, and nothing pending. */
static void check_inherited(void)
{
    struct sigaction usr1, usr2;

    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &usr1));
    ASSERT_EQ(usr1.sa_handler, sig_count);
    ASSERT_SYS_OK(sigaction(SIGUSR2, NULL, &usr2));
    ASSERT_EQ(usr2.sa_handler, SIG_IGN);
    ASSERT_TRUE(sig_is_blocked(SIGTERM));
    ASSERT_FALSE(sig_is_pending(SIGTERM));
}

/* Sets a handler, an ignore and a mask, with SIGTERM pending, and forks:
 * the fork child finds them all but the pending signal. */
static void fork_inherits(void *arg)
{
    int status;
    (void)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_SYS_OK(sig_set(SIGUSR2, SIG_IGN));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGTERM));
    ASSERT_SYS_OK(raise(SIGTERM));
    ASSERT_TRUE(sig_is_pending(SIGTERM));
    pid_t pid = ASSERT_SYS_OK(fork());
    if (pid == 0) {
        check_inherited();
        ipct_child_exit(0);
    }
    ASSERT_EQ(ASSERT_SYS_OK(waitpid(pid, &status, 0)), pid);
    sig_assert_exited(status, 0);
    ASSERT_SYS_OK(sig_set(SIGTERM, SIG_IGN)); /* discard ours */
}

/* SIG-INH-01 a fork child inherits the mask and dispositions, not pending signals */
static void test_sig_inh_01_fork_inherits(void **state)
{
    (void)state;
    sig_in_child(fork_inherits, NULL);
}

/* Caught SIGUSR1, ignored SIGUSR2, blocked and pending SIGTERM, then exec
 * /bin/cat reading the pipe arg points to. */
static void exec_cat(void *arg)
{
    int rfd = *(const int *)arg;

    ASSERT_SYS_OK(sig_catch(SIGUSR1, sig_count, 0));
    ASSERT_SYS_OK(sig_set(SIGUSR2, SIG_IGN));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGTERM));
    ASSERT_SYS_OK(raise(SIGTERM));
    ASSERT_EQ(dup2(rfd, STDIN_FILENO), STDIN_FILENO);
    execl("/bin/cat", "cat", (char *)NULL);
    IPCT_FAIL("execl(\"/bin/cat\"): %s", ipct_errname(errno));
}

/* The signal set on the line of /proc/PID/status that starts with field. */
static unsigned long long status_set(pid_t pid, const char *field)
{
    char path[64], text[4096];
    unsigned long long set = 0;
    char *end = NULL;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    ipct_read_text(path, text, sizeof text);
    const char *line = strstr(text, field);
    if (line != NULL)
        set = strtoull(line + strlen(field), &end, 16);
    if (line == NULL || end == line + strlen(field) || *end != '\n')
        IPCT_FAIL("no %s line in %s", field, path);
    return set;
}

#define BIT(sig) (1ULL << ((sig) - 1))

/* Run cat as exec_cat sets it up; hand back its pid, asleep in read. */
static pid_t start_cat(int *wfd)
{
    int fds[2];

    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    pid_t pid = ipct_spawn(exec_cat, &fds[0]);
    close(fds[0]);
    ipct_await_blocked(pid, SYS_read);
    *wfd = fds[1];
    return pid;
}

/* SIG-INH-02 exec resets caught signals to the default and keeps ignored ones and the mask */
static void test_sig_inh_02_exec_resets_caught(void **state)
{
    int wfd;
    (void)state;

    pid_t pid = start_cat(&wfd);
    unsigned long long caught = status_set(pid, "SigCgt:");
    unsigned long long ignored = status_set(pid, "SigIgn:");
    unsigned long long blocked = status_set(pid, "SigBlk:");
    close(wfd);
    assert_child_exited(pid, 0);
    if (caught & BIT(SIGUSR1))
        IPCT_FAIL("SIGUSR1 is still caught after exec (SigCgt %llx)", caught);
    if (ignored & BIT(SIGUSR1))
        IPCT_FAIL("SIGUSR1 became ignored after exec (SigIgn %llx)", ignored);
    if (!(ignored & BIT(SIGUSR2)))
        IPCT_FAIL("SIGUSR2 is no longer ignored after exec (SigIgn %llx)", ignored);
    if (!(blocked & BIT(SIGTERM)))
        IPCT_FAIL("SIGTERM is no longer blocked after exec (SigBlk %llx)", blocked);
}

/* SIG-INH-03 a pending signal stays pending across exec */
static void test_sig_inh_03_exec_keeps_pending(void **state)
{
    int wfd;
    (void)state;

    if (ipct_under_memcheck())
        IPCT_SKIP("valgrind holds a blocked signal in its own pending set, which exec drops: "
                  "the kernel never sees it pending");
    pid_t pid = start_cat(&wfd);
    unsigned long long pending = status_set(pid, "ShdPnd:") | status_set(pid, "SigPnd:");
    close(wfd);
    assert_child_exited(pid, 0); /* SIGTERM blocked all along: cat ends normally */
    if (!(pending & BIT(SIGTERM)))
        IPCT_FAIL("SIGTERM raised before exec is not pending after it (%llx)", pending);
}

/* A child's exit raises SIGCHLD with its pid, CLD_EXITED and its status (7). */
static void chld_on_exit(void *arg)
{
    siginfo_t info;
    int status;
    (void)arg;

    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGCHLD));
    pid_t pid = ASSERT_SYS_OK(fork());
    if (pid == 0)
        _exit(7);
    ASSERT_TRUE(sig_await(SIGCHLD, &info));
    ASSERT_EQ(info.si_pid, pid);
    ASSERT_EQ(info.si_code, CLD_EXITED);
    ASSERT_EQ(info.si_status, 7);
    ASSERT_EQ(ASSERT_SYS_OK(waitpid(pid, &status, 0)), pid);
    sig_assert_exited(status, 7);
}

/* SIG-CHLD-01 a child's exit sends SIGCHLD to its parent, saying who and how */
static void test_sig_chld_01_sigchld_on_exit(void **state)
{
    (void)state;
    sig_in_child(chld_on_exit, NULL);
}

/* waitpid and wait tell an exit code (the 3 of one child's _exit) from a
 * death by a signal (another's SIGTERM). */
static void wait_statuses(void *arg)
{
    int status;
    (void)arg;

    pid_t exiter = ASSERT_SYS_OK(fork());
    if (exiter == 0)
        _exit(3);
    ASSERT_EQ(waitpid(exiter, &status, 0), exiter);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_FALSE(WIFSIGNALED(status));
    ASSERT_EQ(WEXITSTATUS(status), 3);
    pid_t victim = ASSERT_SYS_OK(fork());
    if (victim == 0) {
        kill(getpid(), SIGTERM);
        _exit(0);
    }
    ASSERT_EQ(wait(&status), victim);
    ASSERT_TRUE(WIFSIGNALED(status));
    ASSERT_FALSE(WIFEXITED(status));
    ASSERT_SIG_EQ(WTERMSIG(status), SIGTERM);
    ASSERT_SYS_ERR(wait(&status), ECHILD);
}

/* SIG-CHLD-02 wait and waitpid report an exit code or the terminating signal */
static void test_sig_chld_02_wait_reports_status(void **state)
{
    (void)state;
    sig_in_child(wait_statuses, NULL);
}

/* With SIGCHLD set up as arg says, fork a child that exits at once: wait
 * sleeps until it ended, then fails with ECHILD; no zombie is left. */
static void no_zombie(void *arg)
{
    int nocldwait = *(const int *)arg;
    struct sigaction sa = { .sa_handler = nocldwait ? SIG_DFL : SIG_IGN,
                            .sa_flags = nocldwait ? SA_NOCLDWAIT : 0 };

    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGCHLD, &sa, NULL));
    pid_t pid = ASSERT_SYS_OK(fork());
    if (pid == 0)
        _exit(0);
    ASSERT_SYS_ERR(wait(NULL), ECHILD);
    ASSERT_SYS_ERR(kill(pid, 0), ESRCH);
}

/* SIG-CHLD-03 with SA_NOCLDWAIT a child leaves no zombie and wait fails ECHILD */
static void test_sig_chld_03_nocldwait_no_zombie(void **state)
{
    static const int nocldwait = 1;
    (void)state;
    sig_in_child(no_zombie, (void *)&nocldwait);
}

/* SIG-CHLD-04 with SIGCHLD ignored a child leaves no zombie and wait fails ECHILD */
static void test_sig_chld_04_ignored_sigchld_no_zombie(void **state)
{
    static const int ignore = 0;
    (void)state;
    sig_in_child(no_zombie, (void *)&ignore);
}

/* A child that stops itself, then exits once continued. The parent has
 * SIGCHLD blocked, with SA_NOCLDSTOP when arg says so: SIGCHLD comes for
 * the stop and the continue exactly when it should. */
static void stop_continue(void *arg)
{
    int nocldstop = *(const int *)arg;
    struct sigaction sa = { .sa_handler = SIG_DFL, .sa_flags = nocldstop ? SA_NOCLDSTOP : 0 };
    siginfo_t info;
    int status;

    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGCHLD, &sa, NULL));
    ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGCHLD));
    pid_t pid = ASSERT_SYS_OK(fork());
    if (pid == 0) {
        kill(getpid(), SIGSTOP);
        _exit(0);
    }
    ASSERT_EQ(ASSERT_SYS_OK(waitpid(pid, &status, WUNTRACED)), pid);
    ASSERT_TRUE(WIFSTOPPED(status));
    if (nocldstop) {
        ASSERT_FALSE(sig_is_pending(SIGCHLD));
    } else {
        ASSERT_TRUE(sig_take(SIGCHLD, &info));
        ASSERT_EQ(info.si_code, CLD_STOPPED);
    }
    ASSERT_SYS_OK(kill(pid, SIGCONT));
    ASSERT_TRUE(sig_await(SIGCHLD, &info)); /* the continue, or else the exit */
    ASSERT_EQ(info.si_code, (nocldstop ? CLD_EXITED : CLD_CONTINUED));
    ASSERT_EQ(ASSERT_SYS_OK(waitpid(pid, &status, 0)), pid);
    sig_assert_exited(status, 0);
}

/* SIG-CHLD-05 SIGCHLD also tells the parent a child stopped or continued */
static void test_sig_chld_05_stop_and_continue_notified(void **state)
{
    static const int notify = 0;
    (void)state;
    sig_in_child(stop_continue, (void *)&notify);
}

/* SIG-CHLD-06 with SA_NOCLDSTOP no SIGCHLD comes for a stop or a continue */
static void test_sig_chld_06_nocldstop_silent(void **state)
{
    static const int silent = 1;
    (void)state;
    sig_in_child(stop_continue, (void *)&silent);
}

/* Writes to a page mapped read-only: the behaviour is the death by SIGSEGV
 * that follows. (Read-only rather than PROT_NONE: memcheck would report the
 * deliberate access to a PROT_NONE page as an error of its own.) */
static void touch_forbidden(void *arg)
{
    volatile char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    (void)arg;

    ASSERT_PTR_NE(page, MAP_FAILED);
    page[0] = 1;
    IPCT_FAIL("a write to a read-only page went through, and no SIGSEGV came");
}

/* SIG-KERN-01 the kernel raises SIGSEGV on an access the mapping forbids */
static void test_sig_kern_01_illegal_access_sigsegv(void **state)
{
    (void)state;
    assert_child_signaled(ipct_spawn(touch_forbidden, NULL), SIGSEGV);
}

/* What segv_note saw; it jumps back to catch_segv, which checks it. */
static sigjmp_buf segv_back;
static volatile sig_atomic_t segv_sig, segv_code;
static void *volatile segv_addr;
static volatile char *forbidden;

static void segv_note(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    segv_sig = sig;
    segv_code = info->si_code;
    segv_addr = info->si_addr;
    siglongjmp(segv_back, 1); /* returning would run the faulting write again */
}

/* The handler learns the faulting address and SEGV_ACCERR. */
static void catch_segv(void *arg)
{
    struct sigaction sa = { .sa_sigaction = segv_note, .sa_flags = SA_SIGINFO };
    (void)arg;

    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGSEGV, &sa, NULL));
    forbidden = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_PTR_NE(forbidden, MAP_FAILED);
    if (sigsetjmp(segv_back, 1) == 0) {
        forbidden[0] = 1;
        IPCT_FAIL("a write to a read-only page went through, and no SIGSEGV came");
    }
    ASSERT_SIG_EQ(segv_sig, SIGSEGV);
    ASSERT_EQ(segv_code, SEGV_ACCERR);
    ASSERT_PTR_EQ(segv_addr, forbidden);
    ASSERT_SYS_OK(munmap((void *)forbidden, 4096));
}

/* SIG-KERN-02 a SIGSEGV handler learns the faulting address and SEGV_ACCERR */
static void test_sig_kern_02_segv_siginfo_address(void **state)
{
    (void)state;
    sig_in_child(catch_segv, NULL);
}

static void return_from_abrt(int sig) { (void)sig; }

/* How abort() finds SIGABRT: blocked, ignored, or caught by a handler that returns. */
enum abrt_setting { ABRT_BLOCKED, ABRT_IGNORED, ABRT_CAUGHT };
static const enum abrt_setting abrt_blocked = ABRT_BLOCKED, abrt_ignored = ABRT_IGNORED,
                               abrt_caught = ABRT_CAUGHT;

/* Calls abort() with SIGABRT set up as arg says: the behaviour is the death that follows. */
static void abort_anyway(void *arg)
{
    enum abrt_setting how = *(const enum abrt_setting *)arg;

    if (how == ABRT_BLOCKED)
        ASSERT_SYS_OK(sig_mask_one(SIG_BLOCK, SIGABRT));
    else
        ASSERT_SYS_OK(sig_catch(SIGABRT, how == ABRT_IGNORED ? SIG_IGN : return_from_abrt, 0));
    abort();
}

/* SIG-KERN-03 abort() ends the process by SIGABRT even when it is blocked, ignored or caught */
static void test_sig_kern_03_abort_despite_block_ignore(void **state)
{
    (void)state;
    assert_child_signaled(ipct_spawn(abort_anyway, (void *)ipct_variant()), SIGABRT);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_inh_01_fork_inherits),
    IPCT_TEST(test_sig_inh_02_exec_resets_caught),
    IPCT_TEST(test_sig_inh_03_exec_keeps_pending),
    IPCT_TEST(test_sig_chld_01_sigchld_on_exit),
    IPCT_TEST(test_sig_chld_02_wait_reports_status),
    IPCT_TEST(test_sig_chld_03_nocldwait_no_zombie),
    IPCT_TEST(test_sig_chld_04_ignored_sigchld_no_zombie),
    IPCT_TEST(test_sig_chld_05_stop_and_continue_notified),
    IPCT_TEST(test_sig_chld_06_nocldstop_silent),
    IPCT_TEST(test_sig_kern_01_illegal_access_sigsegv),
    IPCT_TEST(test_sig_kern_02_segv_siginfo_address),
    IPCT_VARIANT(test_sig_kern_03_abort_despite_block_ignore, "blocked", &abrt_blocked),
    IPCT_VARIANT(test_sig_kern_03_abort_despite_block_ignore, "ignored", &abrt_ignored),
    IPCT_VARIANT(test_sig_kern_03_abort_despite_block_ignore, "caught", &abrt_caught),
};

IPCT_MAIN("sig_child", tests)
