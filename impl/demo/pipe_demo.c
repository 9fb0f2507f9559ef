/* SPDX-License-Identifier: MIT */
/*
 * pipe_demo.c - the classic parent-to-child pipe.
 *
 *   ipcspec-pipe-demo [WORD...]
 *
 * The parent creates a pipe and forks. It writes the words, joined by spaces
 * and ended by a newline (or, with no words, all of its standard input), into
 * the pipe and closes its write end. The child reads the pipe until end of
 * file and copies what it read to its standard output in upper case. The
 * parent waits for the child. Exit status 0 when both sides succeeded, 1
 * otherwise, with one line on standard error saying which call failed.
 *
 * Spec: PIPE-DEMO-01..03 (spec/pipe.md). See also: src/pipe.c, src/io.c.
 */
#include "ipcspec/io.h"
#include "ipcspec/pipe.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CHUNK = 4096 };

static int fail(const char *what, int neg_errno)
{
    fprintf(stderr, "ipcspec-pipe-demo: %s: %s\n", what, strerror(-neg_errno));
    return 1;
}

/* The child: read the pipe to end of file, upper-case, copy to stdout. */
static int child_main(int rfd)
{
    char buf[CHUNK];
    ssize_t n;

    while ((n = ipc_read_full(rfd, buf, sizeof buf, NULL)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            buf[i] = (char)toupper((unsigned char)buf[i]);
        ssize_t w = ipc_write_full(STDOUT_FILENO, buf, (size_t)n, NULL);
        if (w < 0)
            return fail("child: write stdout", (int)w);
    }
    if (n < 0)
        return fail("child: read pipe", (int)n);
    return 0;
}

/* The parent's side: the words, or standard input, into the pipe. */
static int send_words(int wfd, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *sep = i + 1 < argc ? " " : "\n";
        ssize_t w = ipc_write_full(wfd, argv[i], strlen(argv[i]), NULL);
        if (w >= 0)
            w = ipc_write_full(wfd, sep, 1, NULL);
        if (w < 0)
            return fail("parent: write pipe", (int)w);
    }
    return 0;
}

static int send_stdin(int wfd)
{
    char buf[CHUNK];
    ssize_t n;

    while ((n = ipc_read_full(STDIN_FILENO, buf, sizeof buf, NULL)) > 0) {
        ssize_t w = ipc_write_full(wfd, buf, (size_t)n, NULL);
        if (w < 0)
            return fail("parent: write pipe", (int)w);
    }
    if (n < 0)
        return fail("parent: read stdin", (int)n);
    return 0;
}

static int reap(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR)
            return fail("parent: waitpid", -errno);
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status) == 0 ? 0 : 1;
    fprintf(stderr, "ipcspec-pipe-demo: child killed by signal %d\n", WTERMSIG(status));
    return 1;
}

int main(int argc, char **argv)
{
    int fds[2];
    int rc;
    pid_t pid;

    /* A child that dies early must give us EPIPE to report, not kill us. */
    struct sigaction ign = { .sa_handler = SIG_IGN };
    if (sigaction(SIGPIPE, &ign, NULL) == -1)
        return fail("sigaction", -errno);
    rc = ipc_pipe_open(fds, O_CLOEXEC);
    if (rc < 0)
        return fail("pipe", rc);
    fflush(NULL); /* nothing buffered may be written twice after fork */
    pid = fork();
    if (pid == -1) {
        rc = -errno;
        ipc_pipe_close(fds);
        return fail("fork", rc);
    }
    if (pid == 0) {
        close(fds[1]); /* else the child would never see end of file */
        int code = child_main(fds[0]);
        close(fds[0]); /* leave nothing open, on every path (FIU-SWEEP-01) */
        exit(code);
    }
    close(fds[0]);
    rc = argc > 1 ? send_words(fds[1], argc, argv) : send_stdin(fds[1]);
    if (close(fds[1]) == -1 && rc == 0)
        rc = fail("parent: close pipe", -errno);
    return reap(pid) || rc;
}
