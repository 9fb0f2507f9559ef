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
 * checks its own fault counters and reports by exit status.
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

static void expect_state(const struct state *want, const char *what)
{
    struct state now;

    take(&now);
    if (now.usr1 != want->usr1 || now.usr2 != want->usr2)
        IPCT_FAIL("%s: an action changed", what);
    if (now.usr1_blocked != want->usr1_blocked || now.usr2_blocked != want->usr2_blocked)
        IPCT_FAIL("%s: the mask changed", what);
    if (now.lowest_fd != want->lowest_fd)
        IPCT_FAIL("%s: lowest free fd %d, was %d (a descriptor leaked)", what, now.lowest_fd,
                  want->lowest_fd);
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

/* SIG-FAULT-05 opening the bridge fails whole when any call under it fails */
static void fault_sig_fault_05_open_sweep_leaves_nothing(void **state)
{
    static const struct {
        const char *point;
        int err;
    } points[] = {
        { "posix/pipe/pipe2", EMFILE },
        { "posix/proc/sigaction", EINVAL },
        { "posix/proc/sigprocmask", EFAULT },
    };
    sigset_t set = start_state();
    struct state before;
    char what[96];
    (void)state;

    take(&before);
    for (size_t p = 0; p < sizeof points / sizeof points[0]; p++) {
        for (int nth = 1;; nth++) {
            ipcf_fail_nth(points[p].point, nth, points[p].err);
            int rc = ipc_sig_bridge_open(&set, 0);
            int fired = ipcf_fired(points[p].point);
            ipcf_disarm_all();
            snprintf(what, sizeof what, "%s call %d", points[p].point, nth);
            if (fired == 0) {
                if (nth == 1)
                    IPCT_FAIL("%s: never called", what);
                ASSERT_IPC_OK(rc);
                ASSERT_IPC_OK(ipc_sig_bridge_close());
                break;
            }
            if (rc != -points[p].err)
                IPCT_FAIL("%s failed: open returned %d, expected -%s", what, rc,
                          ipct_errname(points[p].err));
            expect_state(&before, what);
        }
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
    if (after.usr2 != SIG_IGN || !after.usr1_blocked || after.lowest_fd != before.lowest_fd)
        IPCT_FAIL("SIGUSR2's action, SIGUSR1's block or the descriptors were not restored");
    ASSERT_IPC_OK(ipc_sig_catch(SIGUSR1, handler_a, 0, NULL)); /* the one that failed */
    ASSERT_IPC_OK(ipc_sig_bridge_open(&set, 0));               /* not -EBUSY: it closed */
    ipcf_fail_nth("posix/proc/sigprocmask", 1, EFAULT);       /* re-blocking SIGUSR1 */
    ASSERT_IPC_ERR(ipc_sig_bridge_close(), EFAULT);
    ASSERT_FIRED("posix/proc/sigprocmask", 1);
    ipcf_disarm_all();
    take(&after);
    if (after.usr1 != handler_a || after.usr2 != SIG_IGN || after.lowest_fd != before.lowest_fd)
        IPCT_FAIL("the actions or the descriptors were not restored");
    end_state();
}

/* Bridge SIGCHLD with reaping; with SIGCHLD blocked a child exits 5 and
 * becomes a zombie; the handler's waitpid fails, then ipc_sig_reaped's
 * sigprocmask fails: neither loses it. Exit 0, or the failed step. */
static int reap_through_faults(void *arg)
{
    struct ipc_sig_child got[4];
    char path[64], stat[256];
    sigset_t chld;
    (void)arg;

    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    int fd = ipc_sig_bridge_open(&chld, IPC_SIG_REAP);
    if (fd < 0 || sigprocmask(SIG_BLOCK, &chld, NULL) != 0)
        return 2;
    pid_t pid = fork();
    if (pid == -1)
        return 3;
    if (pid == 0)
        _exit(5);
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    while (strstr(ipct_read_text(path, stat, sizeof stat), ") Z ") == NULL)
        sched_yield();
    ipcf_fail_nth("posix/proc/waitpid", 1, EINTR);
    if (sigprocmask(SIG_UNBLOCK, &chld, NULL) != 0)
        return 4;
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    if (poll(&pfd, 1, ipct_deadline_ms()) != 1 || ipc_sig_bridge_next() != SIGCHLD)
        return 5; /* the handler ran */
    if (ipcf_fired("posix/proc/waitpid") != 1 || kill(pid, 0) != 0)
        return 6; /* its waitpid failed, and the child is still a zombie */
    ipcf_fail_nth("posix/proc/sigprocmask", 1, EFAULT);
    if (ipc_sig_reaped(got, 4) != -EFAULT || ipcf_fired("posix/proc/sigprocmask") != 1)
        return 7;
    ipcf_disarm_all();
    if (ipc_sig_reaped(got, 4) != 1 || got[0].pid != pid || !WIFEXITED(got[0].status) ||
        WEXITSTATUS(got[0].status) != 5)
        return 8;
    return ipc_sig_bridge_close() == 0 ? 0 : 9;
}

/* SIG-FAULT-07 a failing waitpid or sigprocmask in the reaper loses no child */
static void fault_sig_fault_07_reaper_loses_nothing(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn_rc(reap_through_faults, NULL), 0);
}

/* SIG-FAULT-08 the bridge's handler writes again when its write is interrupted or moves nothing */
static void fault_sig_fault_08_handler_retries_write(void **state)
{
    static const struct {
        const char *point;
        int err;
    } faults[] = {
        { "posix/io/rw/write", EINTR },
        { "posix/io/rw/write/zero", 0 },
    };
    sigset_t set = start_state();
    (void)state;

    int fd = ipc_sig_bridge_open(&set, 0);
    ASSERT_IPC_OK(fd);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        ipcf_fail_nth(faults[i].point, 1, faults[i].err);
        ASSERT_SYS_OK(raise(SIGUSR2));
        int fired = ipcf_fired(faults[i].point);
        ipcf_disarm_all();
        if (fired != 1)
            IPCT_FAIL("%s: fired %d times in the handler, expected once", faults[i].point, fired);
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (poll(&pfd, 1, ipct_deadline_ms()) != 1)
            IPCT_FAIL("%s: the bridge never became readable: the signal was lost",
                      faults[i].point);
        ASSERT_EQ(ipc_sig_bridge_next(), SIGUSR2);
        ASSERT_EQ(ipc_sig_bridge_next(), -EAGAIN);
    }
    ASSERT_IPC_OK(ipc_sig_bridge_close());
    end_state();
}

/* SIG-FAULT-09 opening the stop descriptor fails whole when a call under it fails */
static void fault_sig_fault_09_stop_open_fails_whole(void **state)
{
    static const struct {
        const char *point;
        int err;
    } points[] = {
        { "posix/proc/sigprocmask", EINVAL },
        { "posix/proc/signalfd", EMFILE },
    };
    sigset_t mask;
    (void)state;

    int lowest = ipct_lowest_free_fd();
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
        ipcf_fail_nth(points[i].point, 1, points[i].err);
        int rc = ipc_sig_stop_open();
        int fired = ipcf_fired(points[i].point);
        ipcf_disarm_all();
        if (fired != 1 || rc != -points[i].err)
            IPCT_FAIL("%s failing: ipc_sig_stop_open returned %d (fired %d), expected -%s",
                      points[i].point, rc, fired, ipct_errname(points[i].err));
        ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &mask));
        if (sigismember(&mask, SIGTERM) == 1 || sigismember(&mask, SIGINT) == 1)
            IPCT_FAIL("%s failing: SIGTERM or SIGINT left blocked", points[i].point);
        if (ipct_lowest_free_fd() != lowest)
            IPCT_FAIL("%s failing: a descriptor was left open", points[i].point);
    }
    int fd = ipc_sig_stop_open();
    ASSERT_IPC_OK(fd);
    ASSERT_IPC_OK(ipc_sig_stop_close());
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    ASSERT_SYS_OK(sigprocmask(SIG_UNBLOCK, &mask, NULL)); /* what stop_close left blocked */
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_sig_fault_05_open_sweep_leaves_nothing),
    IPCF_TEST(fault_sig_fault_06_close_failure_reported),
    IPCF_TEST(fault_sig_fault_07_reaper_loses_nothing),
    IPCF_TEST(fault_sig_fault_08_handler_retries_write),
    IPCF_TEST(fault_sig_fault_09_stop_open_fails_whole),
};

IPCT_MAIN("sig_bridge_faults", tests)
