/* SPDX-License-Identifier: MIT */
/*
 * chan.h - helpers the descriptor-based mechanisms share (chan.c): the two
 * sides' descriptors, and whole-message transfer through impl/ (io.h) or
 * through plain read(2) and write(2).
 *
 * See also: chan.c, bench.h, mech_stream.c, mech_dgram.c.
 */
#ifndef IPCSPEC_BENCH_CHAN_H
#define IPCSPEC_BENCH_CHAN_H

#include "bench.h"

/* Put each side's read and write descriptors in place (the same one twice
 * for a socket). */
void chan_set_fds(struct chan *c, int parent_r, int parent_w, int child_r, int child_w);

/* After the fork: close the other side's descriptors. Returns 0. */
int chan_fd_side(struct chan *c, int who);
/* Close who's descriptors. */
void chan_fd_close(struct chan *c, int who);
/* Close both sides' descriptors (an open that failed half-way). */
void chan_fd_close_all(struct chan *c);

/* All len bytes through ipc_write_full / ipc_read_full: 0 (a length) or a
 * negative errno; -EPIPE when the stream ended early. */
int chan_impl_send(struct chan *c, int who, const void *buf, size_t len, int last);
ssize_t chan_impl_recv(struct chan *c, int who, void *buf, size_t len, int *last);

/* The same with write(2) and read(2) in a plain loop. */
int chan_raw_send(struct chan *c, int who, const void *buf, size_t len, int last);
ssize_t chan_raw_recv(struct chan *c, int who, void *buf, size_t len, int *last);

#endif
