/* SPDX-License-Identifier: MIT */
/*
 * chan.c - what every descriptor-based mechanism of the benchmark shares:
 * placing the two sides' descriptors, dropping the other side's after the
 * fork, whole-message transfer through impl/ (io.h) and through plain
 * read(2)/write(2), and the run's names and private directory.
 *
 * See also: chan.h, mech_stream.c, mech_dgram.c, bench.h.
 */
#include "chan.h"

#include "ipcspec/io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void chan_set_fds(struct chan *c, int parent_r, int parent_w, int child_r, int child_w)
{
    c->rfd[0] = parent_r;
    c->wfd[0] = parent_w;
    c->rfd[1] = child_r;
    c->wfd[1] = child_w;
}

/* Close fd unless it is -1 or keep. */
static void close_unless(int fd, int keep)
{
    if (fd >= 0 && fd != keep)
        close(fd);
}

int chan_fd_side(struct chan *c, int who)
{
    int other = 1 - who;

    close_unless(c->rfd[other], -1);
    close_unless(c->wfd[other], c->rfd[other]);
    c->rfd[other] = c->wfd[other] = -1;
    return 0;
}

void chan_fd_close(struct chan *c, int who)
{
    close_unless(c->rfd[who], -1);
    close_unless(c->wfd[who], c->rfd[who]);
    c->rfd[who] = c->wfd[who] = -1;
}

void chan_fd_close_all(struct chan *c)
{
    chan_fd_close(c, 0);
    chan_fd_close(c, 1);
}

int chan_impl_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    ssize_t r = ipc_write_full(c->wfd[who], buf, len, NULL);

    (void)last;
    return r < 0 ? (int)r : 0;
}

ssize_t chan_impl_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    ssize_t r = ipc_read_full(c->rfd[who], buf, len, NULL);

    (void)last;
    if (r >= 0 && (size_t)r < len)
        return -EPIPE; /* the other side is gone */
    return r;
}

int chan_raw_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    size_t put = 0;

    (void)last;
    while (put < len) {
        ssize_t n = write(c->wfd[who], (const char *)buf + put, len - put);

        if (n <= 0)
            return n == 0 ? -EIO : -errno;
        put += (size_t)n;
    }
    return 0;
}

ssize_t chan_raw_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    size_t got = 0;

    (void)last;
    while (got < len) {
        ssize_t n = read(c->rfd[who], (char *)buf + got, len - got);

        if (n <= 0)
            return n == 0 ? -EPIPE : -errno;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static char run_dir[64];
static unsigned name_counter;

const char *bench_dir(void)
{
    if (run_dir[0] == '\0') {
        snprintf(run_dir, sizeof run_dir, "/tmp/ipcspec-bench-XXXXXX");
        if (mkdtemp(run_dir) == NULL) {
            run_dir[0] = '\0';
            return NULL;
        }
    }
    return run_dir;
}

void bench_dir_remove(void)
{
    if (run_dir[0] != '\0' && rmdir(run_dir) == 0)
        run_dir[0] = '\0';
}

void bench_name(char *out, size_t cap, const char *stem, int in_dir)
{
    const char *dir = in_dir ? bench_dir() : NULL;

    if (in_dir && dir != NULL)
        snprintf(out, cap, "%s/%s-%u", dir, stem, name_counter++);
    else
        snprintf(out, cap, "/ipcspec-bench-%s-%ld-%u", stem, (long)getpid(), name_counter++);
}
