/* SPDX-License-Identifier: MIT */
/*
 * child.c - helper processes for tests.
 *
 * A child never calls cmocka: an assert in a forked child would longjmp into
 * the child's copy of the runner and go on running the suite there. A
 * child's checks report through the shared report page instead (report.c),
 * and every reap looks there: a child's failure fails the test with the
 * child's own words, whatever its exit status. Every child is registered,
 * dies with the test (PR_SET_PDEATHSIG), and is killed and reaped in
 * teardown. A reap that fails (ECHILD: the child was reaped elsewhere, or
 * SIGCHLD was ignored) fails the test: it never reads as "exited with 0".
 *
 * See also: ipctest.h, report.c, probe.c.
 */
#include "ipctest.h"
#include "internal.h"
#include "runner.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CHILDREN = 64 };

struct child {
    pid_t pid;
    int ready_fd; /* read end of the readiness pipe, -1 once consumed */
    int reaped;
};

static struct child children[MAX_CHILDREN];
static int nchildren;
static int ready_wfd = -1; /* in a child: write end of its readiness pipe */

#ifdef IPCSPEC_COVERAGE
/* libgcov's: write this process's counters now, as exit() would. A strong
 * reference on purpose: a weak one never pulls it out of libgcov.a, and the
 * children's coverage would be silently lost. */
void __gcov_dump(void);
#endif

_Noreturn void ipct_child_exit(int code)
{
#ifdef IPCSPEC_COVERAGE
    __gcov_dump();
#endif
    _exit(code);
}

static struct child *find_child(pid_t pid, const char *file, int line)
{
    for (int i = 0; i < nchildren; i++) {
        if (children[i].pid == pid)
            return &children[i];
    }
    ipct__fail_at(file, line, "pid %d is not a child this test spawned", (int)pid);
}

/* Runs first in every child, before it does anything else. */
static void child_init(pid_t parent)
{
    static const int cmocka_catches[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS };
    struct sigaction dfl = { .sa_handler = SIG_DFL };

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
        _exit(1); /* the parent is already gone: nobody to report to */
    for (size_t i = 0; i < sizeof cmocka_catches / sizeof cmocka_catches[0]; i++)
        sigaction(cmocka_catches[i], &dfl, NULL);
    nchildren = 0; /* the siblings are the parent's to reap, not ours */
}

static pid_t fork_registered(int ready_fd, const char *file, int line)
{
    pid_t parent = getpid();
    pid_t pid;

    if (nchildren == MAX_CHILDREN)
        ipct__fail_at(file, line, "more than %d children in one test", MAX_CHILDREN);
    fflush(NULL); /* nothing buffered may be written twice */
    pid = fork();
    if (pid == -1)
        ipct__fail_at(file, line, "fork: %s", ipct_errname(errno));
    if (pid == 0) {
        child_init(parent);
        return 0;
    }
    children[nchildren++] = (struct child){ .pid = pid, .ready_fd = ready_fd };
    return pid;
}

/* Fork a registered child with a readiness pipe; 0 in the child. */
static pid_t fork_ready(const char *file, int line)
{
    int ready[2];
    pid_t pid;

    if (pipe2(ready, O_CLOEXEC) == -1)
        ipct__fail_at(file, line, "pipe2 for the readiness pipe: %s", ipct_errname(errno));
    pid = fork_registered(ready[0], file, line);
    if (pid == 0) {
        close(ready[0]);
        ready_wfd = ready[1];
        return 0;
    }
    close(ready[1]);
    return pid;
}

pid_t ipct__spawn(ipct_child_fn fn, void *arg, const char *file, int line)
{
    pid_t pid = fork_ready(file, line);

    if (pid == 0) {
        fn(arg);
        ipct_child_exit(0);
    }
    return pid;
}

pid_t ipct__spawn_exec(char *const argv[], char *const env[], int in_fd, int out_fd, int err_fd,
                       const char *file, int line)
{
    const int fds[3] = { in_fd, out_fd, err_fd };
    pid_t pid = fork_registered(-1, file, line);

    if (pid != 0)
        return pid;
    for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
        if (putenv(env[i]) != 0) /* the child's own copy of the string */
            ipct__fail_at(file, line, "putenv(\"%s\"): %s", env[i], ipct_errname(errno));
    }
    for (int target = 0; target < 3; target++) {
        if (fds[target] >= 0 && dup2(fds[target], target) == -1)
            ipct__fail_at(file, line, "dup2(%d, %d): %s", fds[target], target,
                          ipct_errname(errno));
    }
    ipct_runner_execv(argv);
    ipct__fail_at(file, line, "execv(\"%s\"): %s", argv[0], ipct_errname(errno));
}

void ipct_child_ready(void)
{
    if (ready_wfd < 0)
        return;
    if (write(ready_wfd, "r", 1) != 1)
        IPCT_FAIL("the readiness pipe: %s", ipct_errname(errno));
    close(ready_wfd);
    ready_wfd = -1;
}

const char *ipct__describe_status(int status)
{
    static char text[64];

    if (WIFEXITED(status))
        snprintf(text, sizeof text, "exited with %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(text, sizeof text, "killed by %s", ipct_signame(WTERMSIG(status)));
    else
        snprintf(text, sizeof text, "status 0x%x", status);
    return text;
}

void ipct__await_ready(pid_t pid, const char *file, int line)
{
    struct child *c = find_child(pid, file, line);
    struct pollfd pfd = { .fd = c->ready_fd, .events = POLLIN };
    char byte;
    int n;

    if (c->ready_fd < 0)
        ipct__fail_at(file, line, "child %d has no readiness pipe (exec'd, or already awaited)",
                      (int)pid);
    n = poll(&pfd, 1, ipct_deadline_ms());
    if (n == 0)
        ipct__fail_at(file, line, "child %d not ready within %d ms", (int)pid,
                      ipct_deadline_ms());
    n = (int)read(c->ready_fd, &byte, 1);
    close(c->ready_fd);
    c->ready_fd = -1;
    if (n != 1) {
        int status = ipct__wait(pid, file, line); /* a child's own report fails here */
        ipct__fail_at(file, line, "child %d ended before it was ready: %s", (int)pid,
                      ipct__describe_status(status));
    }
}

static long ms_until(const struct timespec *deadline)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/*
 * Wait up to timeout_ms for pid to end, without reaping it. SIGCHLD is
 * blocked only while we wait, so it stays pending between our check and
 * sigtimedwait: no lost wake-up. (pidfd_open would be neater, but valgrind
 * 3.19 does not know it.) A pid that is no longer our child (reaped behind
 * our back, SIGCHLD ignored) counts as ended.
 */
int ipct__await_exit(pid_t pid, int timeout_ms)
{
    sigset_t chld, old;
    struct timespec deadline;
    int ended;

    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    for (;;) {
        siginfo_t info = { .si_pid = 0 };
        int rc = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT);
        ended = (rc == 0 && info.si_pid == pid) || (rc == -1 && errno == ECHILD);
        long left = ms_until(&deadline);
        if (ended || left <= 0)
            break;
        if (left > 100)
            left = 100; /* SIGCHLD may be ignored (no wake-up): look again at least this often */
        struct timespec wait = { .tv_sec = left / 1000, .tv_nsec = (left % 1000) * 1000000 };
        sigtimedwait(&chld, NULL, &wait); /* any child's SIGCHLD, or time: look again */
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return ended;
}

/* Reap c. A waitpid that fails for any reason but EINTR fails the test: the
 * status is unknown, and must never read as a clean exit. */
static int reap(struct child *c, const char *file, int line)
{
    int status = 0;
    pid_t got;

    while ((got = waitpid(c->pid, &status, 0)) == -1 && errno == EINTR)
        ;
    c->reaped = 1;
    if (c->ready_fd >= 0) {
        close(c->ready_fd);
        c->ready_fd = -1;
    }
    if (got == -1)
        ipct__fail_at(file, line, "waitpid(%d): %s: its status is lost (reaped elsewhere, or "
                      "SIGCHLD ignored)", (int)c->pid, ipct_errname(errno));
    return status;
}

int ipct__wait(pid_t pid, const char *file, int line)
{
    struct child *c = find_child(pid, file, line);
    int status;

    if (c->reaped)
        ipct__fail_at(file, line, "child %d was already reaped", (int)pid);
    if (!ipct__await_exit(pid, ipct_deadline_ms())) {
        kill(pid, SIGKILL);
        reap(c, file, line);
        ipct__report_check();
        ipct__fail_at(file, line, "child %d did not end within %d ms (killed with SIGKILL)",
                      (int)pid, ipct_deadline_ms());
    }
    status = reap(c, file, line);
    ipct__report_check();
    return status;
}

void ipct__assert_exited(pid_t pid, int code, const char *file, int line)
{
    int status = ipct__wait(pid, file, line);

    if (!WIFEXITED(status) || WEXITSTATUS(status) != code)
        ipct__fail_at(file, line, "child %d %s; expected exit code %d",
                      (int)pid, ipct__describe_status(status), code);
}

void ipct__assert_signaled(pid_t pid, int sig, const char *file, int line)
{
    int status = ipct__wait(pid, file, line);

    if (!WIFSIGNALED(status) || WTERMSIG(status) != sig) {
        char expected[24];
        snprintf(expected, sizeof expected, "%s", ipct_signame(sig));
        ipct__fail_at(file, line, "child %d %s; expected death by %s",
                      (int)pid, ipct__describe_status(status), expected);
    }
}

/* In teardown: reap, with no test left to fail. */
static void reap_quietly(struct child *c)
{
    while (waitpid(c->pid, NULL, 0) == -1 && errno == EINTR)
        ;
    c->reaped = 1;
    if (c->ready_fd >= 0) {
        close(c->ready_fd);
        c->ready_fd = -1;
    }
}

int ipct__children_cleanup(char *report, size_t len)
{
    int stray = 0;
    size_t used = 0;

    for (int i = 0; i < nchildren; i++) {
        struct child *c = &children[i];
        if (c->reaped)
            continue;
        if (!ipct__await_exit(c->pid, 0)) {
            kill(c->pid, SIGKILL);
            used += (size_t)snprintf(report + used, used < len ? len - used : 0,
                                     "child %d still running at teardown (killed); ",
                                     (int)c->pid);
            stray++;
        }
        reap_quietly(c);
    }
    nchildren = 0;
    return stray;
}
