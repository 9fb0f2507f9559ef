/* SPDX-License-Identifier: MIT */
/*
 * ipcspec/sig.h - signals (signal(7)).
 *
 * A checked layer over sigaction, sigprocmask, raise, kill, sigqueue and
 * sigtimedwait, and three tools built on it:
 *   - the bridge: the process's caught signals turned into bytes on a
 *     self-pipe, so a select(2) or poll(2) loop reacts to them with no race;
 *   - the reaper: SIGCHLD's handler reaps every child that ends and keeps
 *     its status, so no child is left a zombie and no status is lost;
 *   - the stop descriptor: a signalfd(2) on SIGINT and SIGTERM, which
 *     becomes readable when either arrives, for a server's graceful
 *     shutdown; no handler runs for them at all.
 *
 * Every function returns >= 0 on success or a negative errno, never
 * prints, never leaves meaning in errno, and a failed call changes nothing
 * (no disposition, mask or descriptor is left half-made). Dispositions and
 * the bridge are per process; the mask is the calling thread's.
 *
 * Spec: spec/sig.md (SIG-API-*, SIG-FAULT-*). See also: src/sig.c,
 * src/sig_bridge.c, demo/sig_demo.c.
 */
#ifndef IPCSPEC_SIG_H
#define IPCSPEC_SIG_H

#include <signal.h>
#include <sys/types.h>

/* What ipc_sig_disposition reports. */
enum ipc_sig_disp {
    IPC_SIG_DEFAULT = 0, /* SIG_DFL: the signal's default action */
    IPC_SIG_IGNORED = 1, /* SIG_IGN */
    IPC_SIG_CAUGHT = 2   /* a handler */
};

/*
 * Catch sig with handler, with sa_flags flags (any of SA_RESTART,
 * SA_NODEFER, SA_RESETHAND, SA_NOCLDSTOP, SA_NOCLDWAIT, SA_ONSTACK) and
 * sa_mask mask (NULL: no signal besides sig itself). Returns 0, -EINVAL
 * (sig invalid, SIGKILL or SIGSTOP, handler NULL, SIG_DFL or SIG_IGN, or
 * SA_SIGINFO in flags: use ipc_sig_catch_info), or sigaction's errno.
 */
int ipc_sig_catch(int sig, void (*handler)(int), int flags, const sigset_t *mask);

/* ipc_sig_catch for a three-argument handler: SA_SIGINFO is added. */
int ipc_sig_catch_info(int sig, void (*action)(int, siginfo_t *, void *), int flags,
                       const sigset_t *mask);

/* Give sig its default action / ignore it (ignoring discards it if
 * pending). Returns 0, -EINVAL (invalid, SIGKILL, SIGSTOP) or sigaction's errno. */
int ipc_sig_default(int sig);
int ipc_sig_ignore(int sig);

/* sig's disposition: IPC_SIG_DEFAULT, IPC_SIG_IGNORED or IPC_SIG_CAUGHT;
 * -EINVAL for an invalid signal number, or sigaction's errno. */
int ipc_sig_disposition(int sig);

/*
 * Change the calling thread's mask: how is SIG_BLOCK, SIG_UNBLOCK or
 * SIG_SETMASK; set NULL only reads. The mask before goes to *old unless
 * NULL. SIGKILL and SIGSTOP are silently never blocked. Returns 0, -EINVAL
 * (how), or sigprocmask's errno; on failure the mask is unchanged.
 */
int ipc_sig_mask(int how, const sigset_t *set, sigset_t *old);

/* Block / unblock the one signal sig. Returns 0, -EINVAL or the errno. */
int ipc_sig_block(int sig);
int ipc_sig_unblock(int sig);

/* 1 when sig is pending for the calling thread or the process, else 0;
 * -EINVAL for an invalid signal number. */
int ipc_sig_pending(int sig);

/* Send sig to the caller; a handler has run when it returns. Returns 0,
 * -EINVAL, or raise's errno. */
int ipc_sig_raise(int sig);

/*
 * kill(2): send sig to pid (> 0: that process; 0: the caller's process
 * group; < -1: the group -pid; -1 is refused with -EINVAL, it would reach
 * every process the caller may signal). sig 0 sends nothing and only
 * checks. Returns 0, -EINVAL, -ESRCH, -EPERM.
 */
int ipc_sig_send(pid_t pid, int sig);

/* Probe pid with the null signal: 1 it exists and may be signalled, 0 no
 * such process (ESRCH), -EPERM exists but belongs to another user,
 * -EINVAL for pid <= 0. */
int ipc_sig_alive(pid_t pid);

/* sigqueue(3): send sig (1 to NSIG - 1) with the integer value to process
 * pid (> 0). Returns 0, -EINVAL, -ESRCH, -EPERM, -EAGAIN (the receiver's
 * queue is full). */
int ipc_sig_queue(pid_t pid, int sig, int value);

/*
 * Take one signal of set (which the caller should have blocked: the
 * others are delivered as usual), waiting up to timeout_ms (-1: no limit,
 * 0: do not wait). Fills *info unless NULL. Returns the signal number,
 * -EAGAIN when the time passed, -EINTR (a handler ran for a signal outside
 * set), -EINVAL (set NULL, timeout_ms < -1).
 */
int ipc_sig_wait(const sigset_t *set, int timeout_ms, siginfo_t *info);

/* ---- the bridge, the reaper, the stop descriptor (src/sig_bridge.c) ---- */

/* ipc_sig_bridge_open flag: SIGCHLD's handler reaps children (needs SIGCHLD in set). */
#define IPC_SIG_REAP 1

/* Statuses the reaper keeps until ipc_sig_reaped takes them. */
#define IPC_SIG_REAPED_MAX 64

/*
 * Open the process's one bridge: every signal of set is caught, with
 * SA_RESTART, by a handler that writes the signal's number as one byte to
 * a self-pipe (an interrupted or empty write is tried again; bytes beyond
 * the pipe's capacity are dropped: the reader is awake already), and is
 * unblocked in the calling thread. With IPC_SIG_REAP, SIGCHLD's handler
 * first reaps every ended child into the reaper's table (see
 * ipc_sig_reaped); SA_NOCLDSTOP is set so a stopped child is not reported.
 * The handler keeps errno.
 * Returns the pipe's read end (non-blocking, close-on-exec) for select or
 * poll, or -EINVAL (set NULL or empty, holding SIGKILL, SIGSTOP or an
 * invalid signal, an unknown flag, IPC_SIG_REAP without SIGCHLD),
 * -EBUSY (a bridge is open), or the errno of pipe2, sigaction or
 * sigprocmask; then no disposition, mask or descriptor has changed.
 */
int ipc_sig_bridge_open(const sigset_t *set, int flags);

/* The next bridged signal's number, or -EAGAIN when none is waiting,
 * -EBADF when no bridge is open, or read's errno. */
int ipc_sig_bridge_next(void);

/*
 * Close the bridge: every bridged signal gets back the action it had, the
 * ones blocked before are blocked again, the pipe is closed and unread
 * signals are dropped; statuses the reaper holds stay for ipc_sig_reaped.
 * Returns 0, -EBADF (none open), or the first errno of sigaction or
 * sigprocmask: the bridge is closed all the same, and every other signal
 * restored.
 */
int ipc_sig_bridge_close(void);

/* A child's pid and its wait status (WIFEXITED ... apply). */
struct ipc_sig_child {
    pid_t pid;
    int status;
};

/*
 * Reap any ended child still waiting (the table was full, or a waitpid in
 * the handler failed), then move up to max statuses the reaper collected
 * into out, oldest first, and reap into the room that made.
 * SIGCHLD is blocked meanwhile. Returns the count moved, -EINVAL (out NULL
 * or max < 0) or the errno of the sigprocmask that blocks SIGCHLD (nothing
 * moved). Should the one that unblocks it again fail, the count is still
 * returned (statuses are never lost) and SIGCHLD stays blocked.
 */
int ipc_sig_reaped(struct ipc_sig_child *out, int max);

/*
 * The stop descriptor, for a graceful stop: SIGINT and SIGTERM are blocked
 * in the calling thread (their actions stay as they are) and a signalfd(2)
 * on them returned, non-blocking and close-on-exec, readable once either is
 * pending. No handler runs, so a select or poll loop wakes for them under
 * any runtime. The process's other threads must block them too. Returns the
 * descriptor, or -EBUSY (a stop descriptor or a bridge is open), or the
 * errno of sigprocmask or signalfd; then the mask is as before and no
 * descriptor is left.
 */
int ipc_sig_stop_open(void);

/* Take the stop signal that arrived (SIGINT or SIGTERM): its number, 0 when
 * none has, -EBADF when no stop descriptor is open, or read's errno. */
int ipc_sig_stop_requested(void);

/*
 * Close the stop descriptor. SIGINT and SIGTERM stay blocked, so one that
 * arrives while the caller shuts down stays pending instead of ending the
 * process half-way. Returns 0, -EBADF (none open) or close's errno (the
 * descriptor is released all the same).
 */
int ipc_sig_stop_close(void);

#endif
