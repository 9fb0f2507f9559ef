/* SPDX-License-Identifier: MIT */
/*
 * serve_loop.h - the select(2) loop the servers share (internal to impl/).
 *
 * The message-queue server, the socket stream server and the datagram
 * server each serve in rounds: fill the sets, select, serve what is ready.
 * What a round serves is theirs; waiting, the stop descriptor and EINTR are
 * the same for all three, and live here.
 *
 * See also: mq_server.c, sock_server.c, sock_dgram.c.
 */
#ifndef IPCSPEC_SERVE_LOOP_H
#define IPCSPEC_SERVE_LOOP_H

#include <sys/select.h>

/* One round of a server: wait up to timeout_ms (< 0: no limit), serve what
 * is ready, and set *stopped when stop_fd (< 0: none) became readable.
 * Returns the count answered, or a negative errno. */
typedef int ipc_serve_round_fn(void *server, int stop_fd, int timeout_ms, int *stopped);

/* select(2) on rd and wr (either may be NULL) for up to timeout_ms (< 0: no
 * limit). Returns 0 or -errno; EINTR is no failure (0: the sets are then
 * empty, and the round serves nothing). */
int ipc_serve_select(int nfds, fd_set *rd, fd_set *wr, int timeout_ms);

/* Run rounds until a round sees stop_fd readable (0) or fails (its
 * negative errno). -EBADF for stop_fd < 0, -EMFILE for one select(2)
 * cannot watch (>= FD_SETSIZE). */
int ipc_serve_until_stopped(ipc_serve_round_fn *round, void *server, int stop_fd);

#endif
