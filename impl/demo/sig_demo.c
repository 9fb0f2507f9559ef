/* SPDX-License-Identifier: MIT */
/*
 * sig_demo.c - dispositions and the SIGCHLD reaper, runnable by hand.
 *
 *   ipcspec-sig-demo [-n CHILDREN] [SIG=ACTION...]
 *
 * SIG is INT, USR1, USR2 or TERM; ACTION is default, catch or ignore. The
 * defaults: -n 3 INT=catch USR1=catch USR2=ignore TERM=catch. The demo sets
 * each disposition, prints it ("SIGUSR2: ignored"), forks CHILDREN children
 * (child i exits with code i) and reaps them on SIGCHLD, printing "child PID
 * exited with I" for each, then prints "ready PID". From then on a select()
 * loop over the signal bridge prints "caught SIGUSR1" for each caught signal;
 * an ignored one does nothing, a default one does its default (SIGTERM
 * ends the demo). A caught SIGINT or SIGTERM prints "stopping on SIGTERM"
 * and ends the demo with exit status 0 once every child was reaped. Exit 1,
 * with one line on standard error naming the failed call, when a call
 * fails, writing standard output included (every child is still waited
 * for, and the bridge closed); exit 2 for a usage error.
 *
 * Spec: SIG-DEMO-01..08 (spec/sig.md). See also: src/sig.c, src/sig_bridge.c.
 */
#include "ipcspec/sig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_CHILDREN = 32 };

static const struct {
    const char *name;
    int sig;
} shown[] = { { "INT", SIGINT }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM } };
enum { NSHOWN = sizeof shown / sizeof shown[0] };

static const char *const action_names[] = { "default", "ignore", "catch" }; /* enum ipc_sig_disp */
static const char *const disp_names[] = { "default", "ignored", "caught" };

static int fail(const char *what, int neg_errno)
{
    fprintf(stderr, "ipcspec-sig-demo: %s: %s\n", what, strerror(-neg_errno));
    return 1;
}

/* Print one line to standard output and flush it at once, so that it is
 * out before the demo waits (and nothing is buffered when it forks).
 * 0, or 1 after reporting a failed vfprintf or fflush. (vfprintf on stdout
 * rather than vprintf, which an optimising build turns into it anyway: the
 * same call, so the same failure point, in every build.) */
__attribute__((format(printf, 1, 2))) static int say(const char *format, ...)
{
    va_list ap;
    int n;

    va_start(ap, format);
    n = vfprintf(stdout, format, ap);
    va_end(ap);
    if (n < 0 || fflush(stdout) == EOF)
        return fail("write stdout", -errno);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: ipcspec-sig-demo [-n CHILDREN] [INT|USR1|USR2|TERM=default|catch|ignore...]\n");
    return 2;
}

static const char *name_of(int sig)
{
    for (int i = 0; i < NSHOWN; i++) {
        if (shown[i].sig == sig)
            return shown[i].name;
    }
    return "CHLD";
}

/* One SIG=ACTION argument into actions[]; 0, or -1 when malformed. */
static int parse_action(const char *arg, int actions[NSHOWN])
{
    const char *eq = strchr(arg, '=');

    for (int i = 0; eq != NULL && i < NSHOWN; i++) {
        if (strlen(shown[i].name) != (size_t)(eq - arg) || strncmp(arg, shown[i].name, (size_t)(eq - arg)) != 0)
            continue;
        for (int a = 0; a < 3; a++) {
            if (strcmp(eq + 1, action_names[a]) == 0) {
                actions[i] = a;
                return 0;
            }
        }
    }
    return -1;
}

static sigset_t caught; /* the signals the bridge catches */

/* Close the bridge for the demo's end. Its signals are blocked first: one
 * sent while the demo finishes then waits, pending, instead of taking its
 * default action and ending the demo half-way (the sweep, FIU-SWEEP-08, saw
 * a demo that failed killed so by the SIGUSR1 sent to it). The bridge is
 * closed even when blocking fails; 0 or the first error. */
static int close_bridge(void)
{
    int rc = sigprocmask(SIG_BLOCK, &caught, NULL) == -1 ? -errno : 0;
    int closed = ipc_sig_bridge_close();

    return rc != 0 ? rc : closed;
}

/* Set the ignored and default dispositions, open the bridge on the caught
 * signals and SIGCHLD (its descriptor into *fd, or a negative value when
 * it did not open), and print every disposition. 0 or an exit code. */
static int setup(const int actions[NSHOWN], int *fd)
{
    int rc;

    sigemptyset(&caught);
    sigaddset(&caught, SIGCHLD);
    for (int i = 0; i < NSHOWN; i++) {
        if (actions[i] == IPC_SIG_CAUGHT)
            sigaddset(&caught, shown[i].sig);
        else if ((rc = actions[i] == IPC_SIG_IGNORED ? ipc_sig_ignore(shown[i].sig)
                                                     : ipc_sig_default(shown[i].sig)) < 0)
            return fail("sigaction", rc);
    }
    if ((*fd = ipc_sig_bridge_open(&caught, IPC_SIG_REAP)) < 0)
        return fail("signal bridge", *fd);
    for (int i = 0; i < NSHOWN; i++) {
        if ((rc = ipc_sig_disposition(shown[i].sig)) < 0)
            return fail("sigaction", rc);
        if (say("SIG%s: %s\n", shown[i].name, disp_names[rc]) != 0)
            return 1;
    }
    return 0;
}

/* Take what the bridge holds: print caught signals and reaped children.
 * Counts reaped children into *reaped, a stop signal into *stop. */
static int drain(int *reaped, int *stop)
{
    struct ipc_sig_child done[MAX_CHILDREN];
    int sig, n;

    while ((sig = ipc_sig_bridge_next()) > 0) {
        if (sig != SIGCHLD) {
            if (say("caught SIG%s\n", name_of(sig)) != 0)
                return 1;
            if (sig == SIGINT || sig == SIGTERM)
                *stop = sig;
            continue;
        }
        if ((n = ipc_sig_reaped(done, MAX_CHILDREN)) < 0)
            return fail("reap", n);
        *reaped += n;
        /* Should its own unblock fail, ipc_sig_reaped leaves SIGCHLD
         * blocked (sig.h), and no later child would be noticed. */
        int rc = ipc_sig_unblock(SIGCHLD);
        if (rc < 0)
            return fail("unblock SIGCHLD", rc);
        for (int i = 0; i < n; i++) { /* our children only ever exit */
            if (say("child %d exited with %d\n", (int)done[i].pid, WEXITSTATUS(done[i].status)) != 0)
                return 1;
        }
    }
    return sig == -EAGAIN ? 0 : fail("signal bridge", sig);
}

/* Serve the bridge until every child was reaped and, unless only the
 * forked ones are awaited (forked < children), a stop was caught. */
static int serve(int fd, int forked, int children)
{
    int reaped = 0, stop = 0, ready = 0;

    for (;;) {
        if (reaped == forked && !ready && forked == children) {
            if (say("ready %d\n", (int)getpid()) != 0)
                return 1;
            ready = 1;
        }
        if (reaped == forked && (stop || forked < children))
            break;
        fd_set in;
        FD_ZERO(&in);
        FD_SET(fd, &in);
        if (select(fd + 1, &in, NULL, NULL, NULL) == -1) {
            if (errno == EINTR)
                continue;
            return fail("select", -errno);
        }
        if (drain(&reaped, &stop) != 0)
            return 1;
    }
    if (stop)
        return say("stopping on SIG%s\n", name_of(stop));
    return 0;
}

int main(int argc, char **argv)
{
    int actions[NSHOWN] = { IPC_SIG_CAUGHT, IPC_SIG_CAUGHT, IPC_SIG_IGNORED, IPC_SIG_CAUGHT };
    int children = 3, forked = 0, fd = -1, rc, i = 1;

    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        char *end;
        long n = strtol(argv[2], &end, 10);
        if (*argv[2] == '\0' || *end != '\0' || n < 0 || n > MAX_CHILDREN)
            return usage();
        children = (int)n;
        i = 3;
    }
    for (; i < argc; i++) {
        if (parse_action(argv[i], actions) != 0)
            return usage();
    }
    if ((rc = setup(actions, &fd)) != 0) {
        if (fd >= 0) /* it failed after the bridge opened */
            (void)close_bridge(); /* the first failure is the one reported */
        return rc;
    }
    for (; forked < children; forked++) {
        pid_t pid = fork();
        if (pid == -1) {
            rc = fail("fork", -errno);
            break;
        }
        if (pid == 0)
            _exit(forked + 1);
    }
    if (serve(fd, forked, children) != 0)
        rc = 1;
    int closed = close_bridge();
    if (closed < 0 && rc == 0)
        rc = fail("signal bridge close", closed);
    while (wait(NULL) > 0) /* after a failure: leave no child behind */
        ;
    return rc;
}
