/* SPDX-License-Identifier: MIT */
/*
 * ipcspec/sock.h - Unix domain and loopback TCP/UDP sockets (unix(7),
 * tcp(7), udp(7)): safe setup and teardown of the endpoints, length-prefixed
 * framing over a stream, and a multiplexing server built on them.
 *
 * Endpoints. A Unix socket's path must fit sun_path with its NUL (at most
 * 107 bytes): a longer one is refused with -ENAMETOOLONG, never cut. Before
 * bind, a path that already exists is removed only when lstat(2) shows a
 * socket and a connect(2) probe finds nobody behind it (a stale one); a
 * socket someone still listens on or is bound to is a live server's, and
 * the call fails with -EADDRINUSE; a regular file, a directory, a symbolic
 * link (even one to a socket) or anything else is left alone and the call
 * fails with -EEXIST. The socket file gets the mode asked for (chmod after bind, before
 * listen: no connection is accepted while the mode is still the umask's).
 * TCP and UDP endpoints bind a numeric IPv4 address ("127.0.0.1"); port 0
 * asks the kernel for an ephemeral port, which is reported back. Every
 * descriptor is close-on-exec.
 *
 * Framing. A frame is a 4-byte big-endian length n, then n bytes of
 * payload, 1 <= n <= IPC_SOCK_MSG_MAX. A zero or larger length is malformed.
 * Senders and receivers loop over short transfers and EINTR.
 *
 * The stream server (Unix SOCK_STREAM or TCP): the master socket M, bound
 * and listening, and a table of at most max_clients client sockets, all
 * watched by ONE select(2) loop. M readable: accept the waiting
 * connections (up to IPC_SOCK_BACKLOG a round, until accept says EAGAIN),
 * each into a free slot; when the table is full, or its descriptor is at or
 * above FD_SETSIZE (select cannot watch it), the connection is refused
 * (see Refusal below), counted, and the client reads end of file. This
 * server uses select, so no descriptor at or above FD_SETSIZE is ever put
 * in an fd_set. A client readable: one non-blocking recv into its frame buffer (a
 * frame may come in any number of pieces); a complete frame is answered with
 * a frame on the same socket. A read of 0 (disconnect), a receive or send
 * error, or a malformed frame (length 0 or > IPC_SOCK_MSG_MAX) closes that
 * one client and frees its slot; every other client is served as before.
 * A reply that does not fit the socket at once is kept; while it waits the
 * server reads nothing more from that client and selects for room instead,
 * so a client that does not read its replies stalls nobody else. A failing
 * accept is counted and the loop goes on; one that accepting again cannot
 * cure (EMFILE, ENFILE, ENOBUFS, ENOMEM) also takes M out of the select
 * set for the back-off (ipc_sock_server_set_backoff), so the loop never
 * spins on a readable M it cannot serve: the queued clients wait in the
 * backlog and are taken once descriptors are free. With an idle timeout
 * set (ipc_sock_server_set_idle), a client that has had no reply delivered
 * for that long since it was accepted or since its previous reply (silent,
 * holding part of a frame, or not reading its reply) is closed: no slot is
 * held by silence.
 *
 * Refusal: the connection is accepted, whatever the client already sent is
 * read and discarded (up to IPC_SOCK_REFUSE_DRAIN bytes), and it is closed;
 * so a refused client reads end of file, even one that sent its request
 * first. Bytes it sends after the refusal meet EPIPE (or, past the drain
 * bound, ECONNRESET): the peer is gone.
 *
 * The datagram server (Unix SOCK_DGRAM or UDP): one socket; each datagram
 * is one request, answered by one datagram to its sender's address. A
 * datagram longer than IPC_SOCK_MSG_MAX is answered "ERR too long"; a reply
 * that cannot be sent (the sender is gone, its buffer is full) is counted
 * and dropped: a datagram service never waits for one peer.
 *
 * The service is the one the message-queue server offers: "SUM n1
 * n2 ..." is answered "OK <sum>", anything else "ERR <reason>"
 * (ipc_mq_sum_answer, ipcspec/mq_server.h); numbers and sum are int64_t
 * on every architecture, sent as decimal text.
 *
 * Every function returns >= 0 on success or a negative errno, never prints,
 * never leaves meaning in errno, and leaves nothing behind on failure.
 *
 * Spec: spec/sock.md (SOCK-API-*, SOCK-SRV-*, SOCK-DGS-*, SOCK-DEMO-*).
 * See also: src/sock.c, src/sock_frame.c, src/sock_server.c,
 * src/sock_dgram.c, demo/sock_server_demo.c, demo/sock_client_demo.c.
 */
#ifndef IPCSPEC_SOCK_H
#define IPCSPEC_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The largest frame payload and datagram request the servers take. */
#define IPC_SOCK_MSG_MAX 128
/* The most clients one stream server takes (select watches fds below
 * FD_SETSIZE, 1024: a full table needs RLIMIT_NOFILE above it). */
#define IPC_SOCK_SERVER_MAX_CLIENTS 1000
/* The listen(2) backlog of ipc_sock_*_listen. */
#define IPC_SOCK_BACKLOG 128
/* The most bytes a refusal reads and discards before it closes. */
#define IPC_SOCK_REFUSE_DRAIN 4096
/* The back-off after an accept that failed for want of descriptors or
 * memory, unless ipc_sock_server_set_backoff says otherwise. */
#define IPC_SOCK_BACKOFF_MS 100

/* ---- endpoints ----------------------------------------------------------- */

/*
 * Remove path if, and only if, lstat(2) shows a socket there. Returns 0,
 * -ENOENT (nothing there), -EEXIST (something that is not a socket: left
 * alone), -ENAMETOOLONG, -EINVAL (NULL or empty), or what lstat or unlink
 * failed with.
 */
int ipc_sock_unix_remove(const char *path);

/*
 * A Unix socket of type SOCK_STREAM or SOCK_DGRAM bound to path, with the
 * socket file's mode set to mode; a stale socket at path is removed first
 * (ipc_sock_unix_remove), once a non-blocking connect probe was refused
 * (ECONNREFUSED: nobody is bound there). SOCK_STREAM sockets also listen.
 * Returns the descriptor, or -EINVAL (type, NULL or empty path),
 * -ENAMETOOLONG, -EEXIST (a non-socket at path), -EADDRINUSE (a live socket
 * at path: the probe connected, or met a socket of the other type), -EAGAIN
 * (a live listener at path whose backlog is full), or what socket, connect,
 * bind, chmod or listen failed with; on failure no descriptor and no socket file of ours is left.
 */
int ipc_sock_unix_listen(const char *path, int type, mode_t mode);

/*
 * A Unix socket of type connected to path. A SOCK_DGRAM socket is first
 * autobound to an abstract address (unix(7) "Autobind"), so the server can
 * answer it and no file is made. Returns the descriptor, or -EINVAL,
 * -ENAMETOOLONG, or what socket, bind or connect failed with (-ENOENT: no
 * such file; -ECONNREFUSED: no one listens there).
 */
int ipc_sock_unix_connect(const char *path, int type);

/*
 * An IPv4 socket of type SOCK_STREAM (TCP, SO_REUSEADDR set, listening) or
 * SOCK_DGRAM (UDP) bound to ip:port; *bound_port, unless NULL, receives the
 * port bound (the kernel's choice for port 0). Returns the descriptor, or
 * -EINVAL (type, ip not a dotted IPv4 address), or what socket, setsockopt,
 * bind, listen or getsockname failed with (-EADDRINUSE).
 */
int ipc_sock_inet_listen(const char *ip, uint16_t port, int type, uint16_t *bound_port);

/*
 * An IPv4 socket of type connected to ip:port. Returns the descriptor, or
 * -EINVAL, or what socket or connect failed with (-ECONNREFUSED).
 */
int ipc_sock_inet_connect(const char *ip, uint16_t port, int type);

/*
 * Bound every later send and receive on fd to timeout_ms (> 0) by
 * SO_SNDTIMEO and SO_RCVTIMEO. Returns 0, -EINVAL, or what setsockopt
 * failed with.
 */
int ipc_sock_set_timeout(int fd, int timeout_ms);

/* ---- framing -------------------------------------------------------------- */

/*
 * Send msg (len bytes) as one frame on the stream socket fd, without
 * SIGPIPE. Returns 0, or -EMSGSIZE (len 0 or > IPC_SOCK_MSG_MAX), -EPIPE
 * (the peer is gone), -ETIMEDOUT (SO_SNDTIMEO passed), or what send failed
 * with. After a failure the stream may hold part of a frame: close it.
 */
int ipc_sock_send_frame(int fd, const void *msg, size_t len);

/*
 * Receive one frame from the stream socket fd into buf (cap bytes). Returns
 * the payload's length, or 0 at end of file before any byte of a frame;
 * -EPROTO (end of file inside a frame, or a malformed length),
 * -EMSGSIZE (the payload does not fit cap; it is not consumed), -ETIMEDOUT
 * (SO_RCVTIMEO passed), or what recv failed with.
 */
ssize_t ipc_sock_recv_frame(int fd, void *buf, size_t cap);

/*
 * One request and its answer: on a stream socket a frame each way; on a
 * datagram socket one datagram each way. reply receives the answer,
 * NUL-terminated (cap bytes). Returns the answer's length, or -EMSGSIZE
 * (request empty or too long, answer not fitting cap), -EPROTO (the stream
 * ended before the answer), -ETIMEDOUT, or what the calls failed with.
 */
ssize_t ipc_sock_call(int fd, const char *request, char *reply, size_t cap);

/* ---- the stream server ---------------------------------------------------- */

struct ipc_sock_server;

/* What a server has done so far (ipc_sock_server_stats). */
struct ipc_sock_stats {
    int clients;       /* connected now */
    int waiting;       /* of them, with a reply waiting for room to be sent */
    long accepted;     /* connections taken into the table */
    long refused;      /* connections accepted and closed: table full or fd too high */
    long accept_errors; /* accept calls that failed (not counting EAGAIN, EINTR) */
    long disconnected; /* clients closed on end of file */
    long dropped;      /* clients closed on a malformed frame or an I/O error */
    long answered;     /* replies delivered in full */
    long timed_out;    /* clients closed by the idle timeout */
    long backoffs;     /* times accepting was paused for the back-off */
};

/*
 * A server owning the listening socket master (from ipc_sock_unix_listen
 * or ipc_sock_inet_listen; it is made non-blocking), for at most
 * max_clients clients; path, unless NULL, is the Unix socket's path, which
 * ipc_sock_server_destroy removes. Returns 0 and *out, or -EINVAL (out
 * NULL, master < 0, max_clients outside 1..IPC_SOCK_SERVER_MAX_CLIENTS),
 * -EMFILE (master >= FD_SETSIZE), -ENAMETOOLONG, -ENOMEM, or what fcntl
 * failed with. On failure master is left open: it is the caller's.
 */
int ipc_sock_server_create(struct ipc_sock_server **out, int master, int max_clients,
                           const char *path);

/*
 * Close every client that has had no reply delivered for idle_ms since it
 * was accepted or since its previous reply; 0 (the default) never does.
 * Returns 0, or -EINVAL (idle_ms < 0).
 */
int ipc_sock_server_set_idle(struct ipc_sock_server *s, int idle_ms);

/*
 * Pause accepting for backoff_ms (default IPC_SOCK_BACKOFF_MS) after accept
 * fails with EMFILE, ENFILE, ENOBUFS or ENOMEM. Returns 0, or -EINVAL
 * (backoff_ms < 1).
 */
int ipc_sock_server_set_backoff(struct ipc_sock_server *s, int backoff_ms);

/*
 * One round: wait in select(2) up to timeout_ms (< 0: no limit; never past
 * the end of a back-off or the next idle deadline) for M or a client, then
 * accept the waiting connections if M is ready, serve each ready client
 * once, and close the clients past the idle timeout. Returns the number of
 * replies delivered in full in the round (0 on a timeout or an interrupted
 * select), or the -errno of a failing select (-EBADF, -EINVAL, -ENOMEM):
 * the server is unchanged and usable.
 */
int ipc_sock_server_step(struct ipc_sock_server *s, int timeout_ms);

/*
 * Serve round after round until stop_fd is readable (a self-pipe; the byte
 * is left unread). Returns 0 once stopped, -EBADF (stop_fd < 0), -EMFILE
 * (stop_fd >= FD_SETSIZE), or the -errno of a failing select.
 */
int ipc_sock_server_run(struct ipc_sock_server *s, int stop_fd);

/* Copy the server's counters into *st. */
void ipc_sock_server_stats(const struct ipc_sock_server *s, struct ipc_sock_stats *st);

/*
 * Close every client and M, remove the Unix socket's path (only if it is
 * still a socket), and free s (NULL: nothing). Returns 0, or the -errno of
 * the removal that failed (-EEXIST: something else took the path).
 */
int ipc_sock_server_destroy(struct ipc_sock_server *s);

/* ---- the datagram server -------------------------------------------------- */

struct ipc_sock_dgram_server;

/*
 * A datagram server owning sock (from ipc_sock_unix_listen(SOCK_DGRAM) or
 * ipc_sock_inet_listen(SOCK_DGRAM)); path as for ipc_sock_server_create.
 * Returns 0 and *out, or -EINVAL, -EMFILE (sock >= FD_SETSIZE),
 * -ENAMETOOLONG, -ENOMEM. On failure sock is left open.
 */
int ipc_sock_dgram_create(struct ipc_sock_dgram_server **out, int sock, const char *path);

/*
 * One round: wait up to timeout_ms (< 0: no limit) for a datagram, then
 * answer it. Returns 1 when a reply was sent, 0 when none was (timeout,
 * interruption, a spurious wake-up, or a failing recvfrom or sendto: that
 * datagram is counted as dropped, ipc_sock_dgram_counts), or the -errno of
 * a failing select (the server stays usable).
 */
int ipc_sock_dgram_step(struct ipc_sock_dgram_server *d, int timeout_ms);

/* Serve until stop_fd is readable; as ipc_sock_server_run. */
int ipc_sock_dgram_run(struct ipc_sock_dgram_server *d, int stop_fd);

/* The datagrams answered and the replies dropped so far. */
void ipc_sock_dgram_counts(const struct ipc_sock_dgram_server *d, long *answered, long *dropped);

/* Close the socket, remove its path as ipc_sock_server_destroy does, free d. */
int ipc_sock_dgram_destroy(struct ipc_sock_dgram_server *d);

#endif
