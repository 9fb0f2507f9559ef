/* SPDX-License-Identifier: MIT */
/*
 * fault_sig_bridge.c - the bridge and the reaper with the calls under them
 * failing: opening fails whole (no descriptor, every action and mask bit as
 * before), closing reports a failure yet closes and restores all it can,
 * the reaper loses no child when waitpid or sigprocmask fails, and the
 * handler's write is tried again when it is interrupted or moves nothing;
 * the stop descriptor opens whole or not at all.
 *
 * The bridge on SIGUSR1 and SIGUSR2 runs in the test process (the harness
 * uses neither); the reaper, which takes SIGCHLD, runs in a child that
 * arms and checks its own fault counters.
 *
 * Spec: SIG-FAULT-05..09 (spec/sig.md).
 * See also: impl/src/sig_bridge.c, test_sig_bridge.c.
 */
#include "fault.h"

#include "ipcspec/sig.h"

#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void handler_a(int sig)
{
    (void)sig;
}

struct state {
    void (*usr1)(int);
    void (*usr2)(int);
    int usr1_blocked, usr2_blocked;
    int lowest_fd;
};

static void take(struct state *s)
{
    struct sigaction a, b;
    sigset_t mask;

    ASSERT_SYS_OK(sigaction(SIGUSR1, NULL, &a));
    ASSERT_SYS_OK(sigaction(SIGUSR2, NULL, &b));
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &mask));
    *s = (struct state){ a.sa_handler, b.sa_handler, sigismember(&mask, SIGUSR1),
                         sigismember(&mask, SIGUSR2), ipct_lowest_free_fd() };
}

/* The actions, mask bits and lowest free descriptor must be as in want; a
 * failure names the caller's line, what was going on, and both values. */
#define expect_state(want, what) expect_state_at(want, what, __FILE__, __LINE__)
static void expect_state_at(const struct state *want, const char *what, const char *file,
                            int line)
{
    struct state now;

    take(&now);
    if (now.usr1 != want->usr1 || now.usr2 != want->usr2)
        ipct__fail_at(file, line, "%s: an action changed: SIGUSR1 %p, was %p; SIGUSR2 %p, was %p",
                      what, (void *)now.usr1, (void *)want->usr1, (void *)now.usr2,
                      (void *)want->usr2);
    if (now.usr1_blocked != want->usr1_blocked || now.usr2_blocked != want->usr2_blocked)
        ipct__fail_at(file, line, "%s: the mask changed: SIGUSR1 blocked %d, was %d; SIGUSR2 "
                      "blocked %d, was %d", what, now.usr1_blocked, want->usr1_blocked,
                      now.usr2_blocked, want->usr2_blocked);
    if (now.lowest_fd != want->lowest_fd)
        ipct__fail_at(file, line, "%s: lowest free fd %d, was %d (a descriptor leaked)", what,
                      now.lowest_fd, want->lowest_fd);
}

/* SIIGUSR1 caught by handler_a and blocked, SIGUSR2 ignored. */
static sigset_t start_state(void)
{
    sigset_t set;

    ASSERT_IPC_OK(ipc_sig_catch(SIGUSR1, handler_a, 0, NULL));
    ASSERT_IPC_OK(ipc_sig_ignore(SIGUSR2));
    ASSERT_IPC_OK(ipc_sig_block(SIGUSR1));
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    return set;
}

static void end_state(void)
{
    ASSERT_IPC_OK(ipc_sig_unblock(SIGUSR1));
    ASSERT_IPC_OK(ipc_sig_default(SIGUSR1));
    ASSERT_IPC_OK(ipc_sig_default(SIGUSR2));
}

/* A failure point and the errno it is failed with. */
struct point_err {
    const char *point;
    int err;
};

static const struct point_err pipe2_emfile = { "posix/pipe/pipe2", EMFILE },
                              sigaction_einval = { "posix/proc/sigaction", EINVAL },
                              sigprocmask_efault = { "posix/proc/sigprocmask", EFAULT },
                              sigprocmask_einval = { "posix/proc/sigprocmask", EINVAL },
                              signalfd_emfile = { "posix/proc/signalfd", EMFILE },
                              write_eintr = { "posix/io/rw/write", EINTR },
                              write_zero = { "posix/io/rw/write/zero", 0 };

/* SIG-FAULT-05 opening the bridge fails whole when any call under it fails */
static void fault_sig_fault_05_open_sweep_leaves_nothing(void **state)
{
    const struct point_err *p = ipct_variant();
    sigset_t set = start_state();
    struct state before;
    char what[96];
    (void)state;

    take(&before);
    for (int nth = 1;; nth++) { /* the 1st, 2nd, ... call of the point until none is left */
        ipcf_fail_nth(p->point, nth, p->err);
        int rc = ipc_sig_bridge_open(&set, 0);
        int fired = ipcf_fired(p->point);
        ipcf_disarm_all();
        snprintf(what, sizeof what, "%s call %d", p->point, nth);
        if (fired == 0) {
            if (nth == 1)
                IPCT_FAIL("%s: never called", what);
            ASSERT_IPC_OK(rc);
            ASSERT_IPC_OK(ipc_sig_bridge_close());
            break;
        }
        if (rc != -p->err)
            IPCT_FAIL("%s failed: open returned %d, expected -%s", what, rc, ipct_errname(p->err));
        expect_state(&before, what);
    }
    expect_state(&before, "after the sweep");
    end_state();
}

/* SIG-FAULT-06 a failure while closing the bridge is returned, and the rest is undone */
static void fault_sig_fault_06_close_failure_reported(void **state)
{
    sigset_t set = start_state();
    struct state before;
    (void)state;

    take(&before);
    ASSERT_IPC_OK(ipc_sig_bridge_open(&set, 0));
    ipcf_fail_nth("posix/proc/sigaction", 1, EINVAL); /* SIGUSR1's restore */
    ASSERT_IPC_ERR(ipc_sig_bridge_close(), EINVAL);
    ASSERT_FIRED("posix/proc/sigaction", 1);
    ipcf_disarm_all();
    struct state after;
    take(&after);
    ASSERT_EQ(after.usr2, SIG_IGN);
    ASSERT_EQ(after.usr1_blocked, 1);
    ASSERT_EQ(after.lowest_fd, before.lowest_fd);
    ASSERT_IPC_OK(ipc_sig_catch(SIGUSR1, handler_a, 0, NULL)); /* the one that failed */
    ASSERT_IPC_OK(ipc_sig_bridge_open(&set, 0));               /* not -EBUSY: it closed */
    ipcf_fail_nth("posix/proc/sigprocmask", 1, EFAULT);       /* re-blocking SIGUSR1 */
    ASSERT_IPC_ERR(ipc_sig_bridge_close(), EFAULT);
    ASSERT_FIRED("posix/proc/sigprocmask", 1);
    ipcf_disarm_all();
    take(&after);
    ASSERT_EQ(after.usr1, handler_a);
    ASSERT_EQ(after.usr2, SIG_IGN);
    ASSERT_EQ(after.lowest_fd, before.lowest_fd);
    end_state();
}

/* Bridge SIGCHLD with reaping; with SIGCHLD blocked a child exits 5 (the
 * status the reaper must hand back) and becomes a zombie; the handler's
 * waitpid fails, then ipc_sig_reaped's sigprocmask fails: neither loses it. */
static void reap_through_faults(void *arg)
{
    struct ipc_sig_child got[4];
    char path[64], stat[256];
    sigset_t chld;
    (void)arg;

    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    int fd = ASSERT_IPC_OK(ipc_sig_bridge_open(&chld, IPC_SIG_REAP));
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &chld, NULL));
    pid_t pid = ASSERT_SYS_OK(fork());
    if (pid == 0)
        _exit(5);
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    while (strstr(ipct_read_text(path, stat, sizeof stat), ") Z ") == NULL)
        sched_yield();
    ipcf_fail_nth("posix/proc/waitpid", 1, EINTR);
    ASSERT_SYS_OK(sigprocmask(SIG_UNBLOCK, &chld, NULL));
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    ASSERT_EQ(ASSERT_SYS_OK(poll(&pfd, 1, ipct_deadline_ms())), 1); /* the handler ran */
    ASSERT_SIG_EQ(ipc_sig_bridge_next(), SIGCHLD);
    ASSERT_FIRED("posix/proc/waitpid", 1); /* its waitpid failed ... */
    ASSERT_SYS_OK(kill(pid, 0));           /* ... and the child is still a zombie */
    ipcf_fail_nth("posix/proc/sigprocmask", 1, EFAULT);
    ASSERT_IPC_ERR(ipc_sig_reaped(got, 4), EFAULT);
    ASSERT_FIRED("posix/proc/sigprocmask", 1);
    ipcf_disarm_all();
    ASSERT_EQ(ASSERT_IPC_OK(ipc_sig_reaped(got, 4)), 1);
    ASSERT_EQ(got[0].pid, pid);
    ASSERT_TRUE(WIFEXITED(got[0].status));
    ASSERT_EQ(WEXITSTATUS(got[0].status), 5);
    ASSERT_IPC_OK(ipc_sig_bridge_close());
}

/* SIG-FAULT-07 a failing waitpid or sigprocmask in the reaper loses no child */
static void fault_sig_fault_07_reaper_loses_nothing(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn(reap_through_faults, NULL), 0);
}

/* SIG-FAULT-08 the bridge's handler writes again when its write is interrupted or moves nothing */
static void fault_sig_fault_08_handler_retries_write(void **state)
{
    const struct point_err *f = ipct_variant();
    sigset_t set = start_state();
    (void)state;

    int fd = ipc_sig_bridge_open(&set, 0);
    ASSERT_IPC_OK(fd);
    ipcf_fail_nth(f->point, 1, f->err);
    ASSERT_SYS_OK(raise(SIGUSR2));
    ASSERT_FIRED(f->point, 1); /* in the handler */
    ipcf_disarm_all();
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    if (poll(&pfd, 1, ipct_deadline_ms()) != 1)
        IPCT_FAIL("%s: the bridge never became readable: the signal was lost", f->point);
    ASSERT_SIG_EQ(ipc_sig_bridge_next(), SIGUSR2);
    ASSERT_IPC_ERR(ipc_sig_bridge_next(), EAGAIN);
    ASSERT_IPC_OK(ipc_sig_bridge_close());
    end_state();
}

/* SIG-FAULT-09 opening the stop descriptor fails whole when a call under it fails */
static void fault_sig_fault_09_stop_open_fails_whole(void **state)
{
    const struct point_err *p = ipct_variant();
    sigset_t mask;
    (void)state;

    int lowest = ipct_lowest_free_fd();
    ipcf_fail_nth(p->point, 1, p->err);
    ASSERT_IPC_ERR(ipc_sig_stop_open(), p->err);
    ASSERT_FIRED(p->point, 1);
    ipcf_disarm_all();
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &mask));
    ASSERT_EQ(sigismember(&mask, SIGTERM), 0);
    ASSERT_EQ(sigismember(&mask, SIGINT), 0);
    ASSERT_EQ(ipct_lowest_free_fd(), lowest); /* no descriptor left open */
    int fd = ipc_sig_stop_open();
    ASSERT_IPC_OK(fd);
    ASSERT_IPC_OK(ipc_sig_stop_close());
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    ASSERT_SYS_OK(sigprocmask(SIG_UNBLOCK, &mask, NULL)); /* what stop_close left blocked */
}

static const struct CMUnitTest tests[] = {
    IPCT_VARIANT_WITH(fault_sig_fault_05_open_sweep_leaves_nothing, "pipe2", &pipe2_emfile,
                      ipcf_setup, ipcf_teardown),
    IPCT_VARIANT_WITH(fault_sig_fault_05_open_sweep_leaves_nothing, "sigaction",
                      &sigaction_einval, ipcf_setup, ipcf_teardown),
    IPCT_VARIANT_WITH(fault_sig_fault_05_open_sweep_leaves_nothing, "sigprocmask",
                      &sigprocmask_efault, ipcf_setup, ipcf_teardown),
    IPCF_TEST(fault_sig_fault_06_close_failure_reported),
    IPCF_TEST(fault_sig_fault_07_reaper_loses_nothing),
    IPCT_VARIANT_WITH(fault_sig_fault_08_handler_retries_write, "write-eintr", &write_eintr,
                      ipcf_setup, ipcf_teardown),
    IPCT_VARIANT_WITH(fault_sig_fault_08_handler_retries_write, "write-zero", &write_zero,
                      ipcf_setup, ipcf_teardown),
    IPCT_VARIANT_WITH(fault_sig_fault_09_stop_open_fails_whole, "sigprocmask",
                      &sigprocmask_einval, ipcf_setup, ipcf_teardown),
    IPCT_VARIANT_WITH(fault_sig_fault_09_stop_open_fails_whole, "signalfd", &signalfd_emfile,
                      ipcf_setup, ipcf_teardown),
};

IPCT_MAIN("sig_bridge_faults", tests)
