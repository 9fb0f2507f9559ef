/* SPDX-License-Identifier: MIT */
/*
 * sig_bridge.c - the self-pipe bridge from signals to a select() loop, the
 * SIGCHLD reaper riding on it, and the stop descriptor for servers (a
 * signalfd: no handler at all).
 *
 * One bridge per process (dispositions are per process). Its handler is
 * async-signal-safe: waitpid and write only, on volatile sig_atomic_t
 * state, and it keeps errno. The reaper's table is only read with SIGCHLD
 * blocked, so the handler never changes it underneath.
 *
 * Spec: SIG-API-06..11, SIG-FAULT-05..09 (spec/sig.md).
 * See also: ipcspec/sig.h, sig.c, demo/sig_demo.c.
 */
#include "ipcspec/sig.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

static int bridge_rfd = -1;
static int stop_fd = -1; /* the stop descriptor: a signalfd, not a bridge */
static volatile sig_atomic_t bridge_wfd = -1;
static volatile sig_atomic_t reaping;
static sigset_t bridged;    /* the signals the bridge catches */
static sigset_t reblock;    /* those of them that were blocked before */
static int nreblock;
static struct sigaction saved[NSIG];

static struct ipc_sig_child table[IPC_SIG_REAPED_MAX];
static volatile sig_atomic_t ntable;

/* Reap ended children into the table while it has room. */
static void reap_into_table(void)
{
    while (ntable < IPC_SIG_REAPED_MAX) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
            return; /* none ended (0), no children (ECHILD), or a failure: the next SIGCHLD retries */
        table[ntable].pid = pid;
        table[ntable].status = status;
        ntable = ntable + 1;
    }
}

static void bridge_handler(int sig)
{
    int saved_errno = errno;
    unsigned char byte = (unsigned char)sig;

    if (sig == SIGCHLD && reaping)
        reap_into_table();
    /* A write that is interrupted or moves nothing is tried again, a few
     * times; EAGAIN is a full pipe, whose reader is awake already. */
    for (int tries = 0; tries < 3; tries++) {
        ssize_t n = write(bridge_wfd, &byte, 1);
        if (n == 1 || (n == -1 && errno != EINTR))
            break;
    }
    errno = saved_errno;
}

static int check_set(const sigset_t *set, int flags)
{
    int any = 0;

    if (set == NULL || (flags & ~IPC_SIG_REAP) != 0)
        return -EINVAL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sigismember(set, sig) != 1)
            continue;
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        any = 1;
    }
    if (!any || ((flags & IPC_SIG_REAP) && sigismember(set, SIGCHLD) != 1))
        return -EINVAL;
    return 0;
}

/* Give every bridged signal below upto its saved action back. Returns 0 or
 * the first failing call's negative errno; goes on past a failure. */
static int restore_actions(int upto)
{
    int rc = 0;

    for (int sig = 1; sig < upto; sig++) {
        if (sigismember(&bridged, sig) == 1 && sigaction(sig, &saved[sig], NULL) == -1 && rc == 0)
            rc = -errno;
    }
    return rc;
}

static void close_pipe(void)
{
    close(bridge_rfd);
    close((int)bridge_wfd);
    bridge_rfd = -1;
    bridge_wfd = -1;
    reaping = 0;
}

/* Catch every signal of the set with the bridge's handler; on a failure
 * restore those already caught. */
static int catch_all(const sigset_t *set)
{
    struct sigaction sa = { .sa_handler = bridge_handler, .sa_flags = SA_RESTART };

    sa.sa_mask = *set; /* one bridged handler at a time */
    if (reaping)
        sa.sa_flags |= SA_NOCLDSTOP;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sigismember(set, sig) == 1 && sigaction(sig, &sa, &saved[sig]) == -1) {
            int rc = -errno;
            restore_actions(sig);
            return rc;
        }
    }
    return 0;
}

int ipc_sig_bridge_open(const sigset_t *set, int flags)
{
    sigset_t before;
    int fds[2];
    int rc = check_set(set, flags);

    if (rc != 0)
        return rc;
    if (bridge_rfd != -1 || stop_fd != -1)
        return -EBUSY;
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == -1)
        return -errno;
    bridge_rfd = fds[0];
    bridge_wfd = fds[1];
    bridged = *set;
    reaping = (flags & IPC_SIG_REAP) != 0;
    rc = catch_all(set);
    if (rc == 0 && sigprocmask(SIG_UNBLOCK, set, &before) == -1) {
        rc = -errno;
        restore_actions(NSIG);
    }
    if (rc != 0) {
        close_pipe();
        return rc;
    }
    sigemptyset(&reblock);
    nreblock = 0;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sigismember(set, sig) == 1 && sigismember(&before, sig) == 1) {
            sigaddset(&reblock, sig);
            nreblock++;
        }
    }
    return bridge_rfd;
}

int ipc_sig_bridge_next(void)
{
    unsigned char byte;

    if (bridge_rfd == -1)
        return -EBADF;
    if (read(bridge_rfd, &byte, 1) == -1)
        return -errno; /* never 0 bytes: the write end is ours and open */
    return byte;
}

int ipc_sig_bridge_close(void)
{
    int rc;

    if (bridge_rfd == -1)
        return -EBADF;
    rc = restore_actions(NSIG);
    if (nreblock > 0 && sigprocmask(SIG_BLOCK, &reblock, NULL) == -1 && rc == 0)
        rc = -errno;
    close_pipe();
    return rc;
}

int ipc_sig_reaped(struct ipc_sig_child *out, int max)
{
    sigset_t chld, old;
    int n;

    if (out == NULL || max < 0)
        return -EINVAL;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &chld, &old) == -1)
        return -errno;
    if (reaping)
        reap_into_table(); /* a child a failed or missed SIGCHLD left behind */
    n = ntable < max ? (int)ntable : max;
    memcpy(out, table, (size_t)n * sizeof *out);
    memmove(table, table + n, (size_t)(ntable - n) * sizeof *table);
    ntable = ntable - n;
    if (reaping)
        reap_into_table();
    /* Should unblocking fail, the statuses are out already: returning them
     * matters more than SIGCHLD staying blocked (the header says so). */
    (void)sigprocmask(SIG_SETMASK, &old, NULL);
    return n;
}

/* SIGINT and SIGTERM, the stop descriptor's signals. */
static sigset_t stop_signals(void)
{
    sigset_t stop;

    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    return stop;
}

int ipc_sig_stop_open(void)
{
    sigset_t stop = stop_signals(), before;

    if (stop_fd != -1 || bridge_rfd != -1)
        return -EBUSY;
    if (sigprocmask(SIG_BLOCK, &stop, &before) == -1)
        return -errno;
    int fd = signalfd(-1, &stop, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd == -1) {
        int rc = -errno;
        (void)sigprocmask(SIG_SETMASK, &before, NULL); /* as it was */
        return rc;
    }
    stop_fd = fd;
    return fd;
}

int ipc_sig_stop_requested(void)
{
    struct signalfd_siginfo si;

    if (stop_fd == -1)
        return -EBADF;
    ssize_t n = read(stop_fd, &si, sizeof si);
    if (n == -1)
        return errno == EAGAIN ? 0 : -errno;
    return n == (ssize_t)sizeof si ? (int)si.ssi_signo : -EIO;
}

int ipc_sig_stop_close(void)
{
    int fd = stop_fd;

    if (fd == -1)
        return -EBADF;
    stop_fd = -1;
    return close(fd) == -1 ? -errno : 0;
}
