/* SPDX-License-Identifier: MIT */
/*
 * sweep_fixture.c - a program that mishandles failures on purpose: the fault
 * sweep's self-test (FIU-SWEEP-05). Each failing call below is mishandled in
 * one of the ways the sweep must call dirty.
 *
 *   ipcspec-sweep-fixture NAME DIR
 *
 * Calls, in order:
 *   pipe2      failure: aborts (a crash)
 *   fork       failure: exits 0 with a result that is not "ok" (a wrong success)
 *   write      failure: exits 1 leaving a descriptor open (an fd leak)
 *   mq_open    failure: exits 1 without freeing a buffer (a memory leak: ASan)
 *   read       failure: exits 1 leaving the message queue NAME (a name leak)
 *   waitpid    failure: exits 1 with a message that does not name the errno
 * Without faults it prints "ok" and exits 0, leaving nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
    int fds[2], status;
    char byte;
    pid_t pid;
    mqd_t mq;

    if (argc != 3)
        return 2;
    if (pipe2(fds, O_CLOEXEC) == -1)
        abort();
    pid = fork();
    if (pid == -1) {
        close(fds[0]);
        close(fds[1]);
        return printf("ok, with no child\n") < 0;
    }
    if (pid == 0)
        _exit(0);
    if (write(fds[1], "x", 1) != 1) {
        fprintf(stderr, "ipcspec-sweep-fixture: write: %s\n", strerror(errno));
        waitpid(pid, &status, 0);
        return 1; /* fds left open */
    }
    /* NOLINTBEGIN(clang-analyzer-unix.Malloc): the leak below is the point */
    char *note = malloc(64);
    if (note == NULL)
        return 1;
    snprintf(note, 64, "mq_open: %s", "");
    mq = mq_open(argv[1], O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
    if (mq == (mqd_t)-1) {
        fprintf(stderr, "ipcspec-sweep-fixture: %s%s\n", note, strerror(errno));
        close(fds[0]);
        close(fds[1]);
        waitpid(pid, &status, 0);
        /* The leak is the point: FIU-SWEEP-05 proves ASan makes it dirty. */
        // cppcheck-suppress memleak
        return 1;
    }
    free(note);
    /* NOLINTEND(clang-analyzer-unix.Malloc) */
    if (read(fds[0], &byte, 1) != 1) {
        fprintf(stderr, "ipcspec-sweep-fixture: read: %s\n", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        mq_close(mq);
        waitpid(pid, &status, 0);
        return 1; /* the queue's name left */
    }
    mq_close(mq);
    mq_unlink(argv[1]);
    close(fds[0]);
    close(fds[1]);
    if (waitpid(pid, &status, 0) == -1) {
        fprintf(stderr, "ipcspec-sweep-fixture: something went wrong\n");
        return 1;
    }
    return printf("ok\n") < 0;
}
