/*
 * probe.c - prove that a process is blocked, by observing it.
 *
 * A process blocked in a system call sleeps (state S, or D when
 * uninterruptible) and /proc/PID/syscall starts with that call's number;
 * a running one reads "running". We sample both until they agree or the
 * deadline passes. Between samples we wait for the process to end (SIGCHLD),
 * so one that ends instead of blocking is noticed at once and reported.
 *
 * See also: ipctest.h (ipct_await_blocked), proc(5) /proc/pid/stat, /proc/pid/syscall.
 */
#include "ipctest.h"
#include "internal.h"

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
    return end == line ? -1 : nr;
}

static int sleeping(char state)
{
    return state == 'S' || state == 'D';
}

int ipct_is_blocked_in(pid_t pid, long nr)
{
    char line[256];

    /* state, call, state: the call was read while the process slept */
    return sleeping(proc_state(pid)) && proc_syscall(pid, line, sizeof line) == nr
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

static void fail_ended(pid_t pid, long nr)
{
    siginfo_t info = { .si_pid = 0 };

    if (is_our_child(pid)) {
        waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT); /* look, don't reap */
        IPCT_FAIL("pid %d ended (%s %d) instead of blocking in syscall %ld", (int)pid,
                  info.si_code == CLD_EXITED ? "exit code" : "signal", info.si_status, nr);
    }
    IPCT_FAIL("pid %d ended instead of blocking in syscall %ld", (int)pid, nr);
}

void ipct_await_blocked(pid_t pid, long nr)
{
    int waited = 0;
    int step = 1;
    char line[256] = "";

    while (!ipct_is_blocked_in(pid, nr)) {
        if (waited >= ipct_deadline_ms()) {
            char state = proc_state(pid);
            proc_syscall(pid, line, sizeof line);
            IPCT_FAIL("pid %d not blocked in syscall %ld within %d ms: state %c, syscall \"%s\"",
                      (int)pid, nr, ipct_deadline_ms(), state, line);
        }
        if (pause_or_ended(pid, step))
            fail_ended(pid, nr);
        waited += step;
        step = step < 16 ? step * 2 : 16;
    }
}

char ipct_await_byte(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    char byte = 0;

    if (ASSERT_SYS_OK(poll(&pfd, 1, ipct_deadline_ms())) == 0)
        IPCT_FAIL("no byte on fd %d within %d ms", fd, ipct_deadline_ms());
    assert_int_equal(ASSERT_SYS_OK(read(fd, &byte, 1)), 1);
    return byte;
}
