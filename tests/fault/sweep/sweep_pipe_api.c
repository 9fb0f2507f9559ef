/* SPDX-License-Identifier: MIT */
/*
 * sweep_pipe_api.c - the pipe and FIFO API end to end, a scenario of the
 * fault sweep (sweep.py "pipe-api"): what ipcspec-pipe-demo does not call.
 *
 *   ipcspec-sweep-pipe-api NAME DIR
 *
 * Makes a FIFO in DIR, opens both ends, moves a message through it, resizes
 * a pipe and moves a message through that, then closes and removes
 * everything. Prints "ok" and exits 0 when every step gave the right result;
 * exits 1 with one line naming the failed step and its error otherwise, having
 * released what it made. NAME is unused (the sweep passes one to every
 * program).
 */
#include "ipcspec/io.h"
#include "ipcspec/pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what, long neg_errno)
{
    fprintf(stderr, "ipcspec-sweep-pipe-api: %s: %s\n", what, strerror((int)-neg_errno));
    return 1;
}

/* Write msg into wfd and read it back from rfd; 0 or a negative errno. */
static long round_trip(int wfd, int rfd, const char *msg)
{
    char back[64] = "";
    size_t len = strlen(msg);
    long rc = ipc_write_full(wfd, msg, len, NULL);

    if (rc < 0)
        return rc;
    rc = ipc_read_full(rfd, back, len, NULL);
    if (rc < 0)
        return rc;
    return (size_t)rc == len && memcmp(back, msg, len) == 0 ? 0 : -EPROTO;
}

static int fifo_part(const char *dir)
{
    char path[4096];
    int rfd, wfd, code = 0;
    long rc;

    snprintf(path, sizeof path, "%s/fifo", dir);
    rc = ipc_fifo_make(path, 0600);
    if (rc < 0)
        return fail("ipc_fifo_make", rc);
    rfd = ipc_fifo_open(path, O_RDONLY | O_NONBLOCK);
    if (rfd < 0) {
        code = fail("ipc_fifo_open reader", rfd);
        goto out;
    }
    wfd = ipc_fifo_open(path, O_WRONLY);
    if (wfd < 0) {
        code = fail("ipc_fifo_open writer", wfd);
        goto out_rfd;
    }
    /* Blocking reads from here: the data is there before the read. */
    if (fcntl(rfd, F_SETFL, 0) == -1)
        code = fail("fcntl F_SETFL", -errno);
    else if ((rc = round_trip(wfd, rfd, "through the fifo")) < 0)
        code = fail("fifo round trip", rc);
    if (close(wfd) == -1 && code == 0)
        code = fail("close writer", -errno);
out_rfd:
    if (close(rfd) == -1 && code == 0)
        code = fail("close reader", -errno);
out:
    if (unlink(path) == -1 && code == 0)
        code = fail("unlink fifo", -errno);
    return code;
}

static int pipe_part(void)
{
    int fds[2];
    int code = 0;
    long rc = ipc_pipe_open(fds, O_CLOEXEC);

    if (rc < 0)
        return fail("ipc_pipe_open", rc);
    if ((rc = ipc_pipe_capacity(fds[0])) < 0)
        code = fail("ipc_pipe_capacity", rc);
    else if ((rc = ipc_pipe_resize(fds[1], 8192)) < 0)
        code = fail("ipc_pipe_resize", rc);
    else if (rc < 8192)
        code = fail("ipc_pipe_resize", -ERANGE);
    else if ((rc = round_trip(fds[1], fds[0], "through the pipe")) < 0)
        code = fail("pipe round trip", rc);
    rc = ipc_pipe_close(fds);
    if (rc < 0 && code == 0)
        code = fail("ipc_pipe_close", rc);
    return code;
}

int main(int argc, char **argv)
{
    int code;

    if (argc != 3) {
        fprintf(stderr, "usage: ipcspec-sweep-pipe-api NAME DIR\n");
        return 2;
    }
    code = fifo_part(argv[2]);
    if (code == 0)
        code = pipe_part();
    if (code == 0 && printf("ok\n") < 0)
        code = fail("printf", -errno);
    return code;
}
