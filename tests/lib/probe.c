/* SPDX-License-Identifier: MIT */
/*
 * probe.c - prove that a process is blocked, by observing it.
 *
 * A process blocked in a system call sleeps (state S, or D when
 * uninterruptible) and /proc/PID/syscall starts with that call's number;
 * a running one reads "running". We sample both until they agree or the
 * deadline passes. Between samples we wait for the process to end (SIGCHLD),
 * so one that ends instead of blocking is noticed at once and reported.
 *
 * One operation may reach the kernel through more than one system call: a
 * libc or an emulator may poll with ppoll, select with pselect6, accept with
 * accept4, open with openat. The probe takes the calls of one operation for
 * each other (the table below), so a test names the operation it means, not
 * one libc's choice; it never takes a call of another operation.
 *
 * See also: ipctest.h (ipct_await_blocked), proc(5) /proc/pid/stat, /proc/pid/syscall.
 */
#include "ipctest.h"
#include "internal.h"
#include "runner.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static int read_proc(pid_t pid, const char *leaf, char *buf, size_t len)
{
    char path[64];
    ssize_t n;
    int fd;

    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, leaf);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return -1;
    n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

/* The one-letter state from /proc/PID/stat, or '?' when it cannot be read. */
static char proc_state(pid_t pid)
{
    char stat[512];
    const char *paren;

    if (read_proc(pid, "stat", stat, sizeof stat) == -1)
        return '?';
    paren = strrchr(stat, ')'); /* the command name may itself hold ')' */
    if (paren == NULL || paren[1] != ' ')
        return '?';
    return paren[2];
}

/* The system call number pid sleeps in, -1 when not in one, -2 when running. */
static long proc_syscall(pid_t pid, char *line, size_t len)
{
    char *end;
    long nr;

    if (read_proc(pid, "syscall", line, len) == -1)
        return -1;
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "running", 7) == 0)
        return -2;
    nr = strtol(line, &end, 10);
    return end == line ? -1 : ipct_runner_syscall(nr);
}

/* The calls that carry the same operation, each group ended by -1. */
static const long same_operation[] = {
#ifdef SYS_poll
    SYS_poll,
#endif
    SYS_ppoll, -1,
#ifdef SYS_select
    SYS_select,
#endif
#ifdef SYS__newselect
    SYS__newselect,
#endif
    SYS_pselect6, -1,
#ifdef SYS_accept
    SYS_accept,
#endif
    SYS_accept4, -1,
#ifdef SYS_open
    SYS_open,
#endif
    SYS_openat, -1,
#ifdef SYS_wait4
    SYS_wait4,
#endif
    SYS_waitid, -1,
#ifdef SYS_epoll_wait
    SYS_epoll_wait,
#endif
    SYS_epoll_pwait, -1,
#ifdef SYS_pause
    SYS_pause,
#endif
    SYS_rt_sigsuspend, -1,
    SYS_nanosleep, SYS_clock_nanosleep, -1,
#ifdef SYS_recv
    SYS_recv,
#endif
    SYS_recvfrom, -1,
#ifdef SYS_send
    SYS_send,
#endif
    SYS_sendto, -1,
};

/* True when call nr is operation want: the same call, or one of its group. */
static int same_call(long nr, long want)
{
    size_t n = sizeof same_operation / sizeof same_operation[0];
    size_t start = 0;

    if (nr == want)
        return 1;
    for (size_t i = 0; i < n; i++) {
        if (same_operation[i] != -1)
            continue;
        int has_nr = 0, has_want = 0;
        for (size_t j = start; j < i; j++) {
            has_nr |= same_operation[j] == nr;
            has_want |= same_operation[j] == want;
        }
        if (has_nr && has_want)
            return 1;
        start = i + 1;
    }
    return 0;
}

/* "accept (or accept4)": the operation's calls, for a message. */
static const char *operation_name(long want, char *buf, size_t len)
{
    size_t n = sizeof same_operation / sizeof same_operation[0];
    size_t used = (size_t)snprintf(buf, len, "%s", ipct_sysname(want));
    int others = 0;

    for (size_t i = 0; i < n && used < len; i++) {
        if (same_operation[i] != -1 && same_operation[i] != want && same_call(same_operation[i], want))
            used += (size_t)snprintf(buf + used, len - used, "%s%s", others++ ? ", " : " (or ",
                                     ipct_sysname(same_operation[i]));
    }
    if (others && used < len)
        snprintf(buf + used, len - used, ")");
    return buf;
}

static int sleeping(char state)
{
    return state == 'S' || state == 'D';
}

int ipct_is_blocked_in(pid_t pid, long nr)
{
    char line[256];

    /* state, call, state: the call was read while the process slept */
    return sleeping(proc_state(pid)) && same_call(proc_syscall(pid, line, sizeof line), nr)
           && sleeping(proc_state(pid));
}

/* True when pid is a child of this process (ended or not). */
static int is_our_child(pid_t pid)
{
    siginfo_t info = { .si_pid = 0 };

    return waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/*
 * Pause up to ms between two samples; true when pid has ended meanwhile (a
 * process that ended cannot block). For the test's own children the pause
 * ends the moment one ends. Any other process (a program's child, say) sends
 * us no SIGCHLD: the pause is then a plain bounded interval between two
 * observations, never a wait for the event itself.
 */
static int pause_or_ended(pid_t pid, int ms)
{
    struct timespec interval = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };
    char state;

    if (is_our_child(pid))
        return ipct__await_exit(pid, ms);
    state = proc_state(pid);
    if (state == '?' || state == 'Z' || state == 'X')
        return 1;
    clock_nanosleep(CLOCK_MONOTONIC, 0, &interval, NULL);
    return 0;
}

/* What /proc/PID/syscall's line says, in words: "in read", "running". */
static const char *doing(const char *line, char *buf, size_t len)
{
    char *end;
    long nr = strtol(line, &end, 10);

    if (strncmp(line, "running", 7) == 0 || line[0] == '\0')
        snprintf(buf, len, "%s", line[0] ? "running" : "unknown");
    else if (end == line)
        snprintf(buf, len, "\"%s\"", line);
    else if (nr == -1)
        snprintf(buf, len, "in no system call");
    else
        snprintf(buf, len, "in %s", ipct_sysname(ipct_runner_syscall(nr)));
    return buf;
}

static _Noreturn void fail_ended(pid_t pid, long nr, const char *file, int line)
{
    siginfo_t info = { .si_pid = 0 };
    char op[128];

    operation_name(nr, op, sizeof op);
    if (is_our_child(pid)) {
        waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT); /* look, don't reap */
        if (info.si_code == CLD_EXITED)
            ipct__fail_at(file, line, "pid %d ended (exit code %d) instead of blocking in %s",
                          (int)pid, info.si_status, op);
        ipct__fail_at(file, line, "pid %d ended (killed by %s) instead of blocking in %s",
                      (int)pid, ipct_signame(info.si_status), op);
    }
    ipct__fail_at(file, line, "pid %d ended instead of blocking in %s", (int)pid, op);
}

void ipct__await_blocked(pid_t pid, long nr, const char *file, int line)
{
    int waited = 0;
    int step = 1;
    char now[256] = "";

    while (!ipct_is_blocked_in(pid, nr)) {
        if (waited >= ipct_deadline_ms()) {
            char state = proc_state(pid);
            char op[128], what[160];
            proc_syscall(pid, now, sizeof now);
            ipct__fail_at(file, line, "pid %d not blocked in %s within %d ms: state %c, %s",
                          (int)pid, operation_name(nr, op, sizeof op), ipct_deadline_ms(), state,
                          doing(now, what, sizeof what));
        }
        if (pause_or_ended(pid, step)) {
            ipct__report_check(); /* a child that failed a check says why it ended */
            fail_ended(pid, nr, file, line);
        }
        waited += step;
        step = step < 16 ? step * 2 : 16;
    }
}

char ipct__await_byte(int fd, const char *file, int line)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    char byte = 0;
    int n = poll(&pfd, 1, ipct_deadline_ms());
    ssize_t got;

    if (n == -1)
        ipct__fail_at(file, line, "poll(fd %d): %s", fd, ipct_errname(errno));
    if (n == 0)
        ipct__fail_at(file, line, "no byte on fd %d within %d ms", fd, ipct_deadline_ms());
    got = read(fd, &byte, 1);
    if (got != 1)
        ipct__fail_at(file, line, "read(fd %d) = %zd (%s); expected one byte", fd, got,
                      got == -1 ? ipct_errname(errno) : "end of file");
    return byte;
}
