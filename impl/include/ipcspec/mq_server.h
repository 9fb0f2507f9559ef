/* SPDX-License-Identifier: MIT */
/*
 * ipcspec/mq_server.h - one server, n clients, over POSIX message queues:
 * the N:1 pattern, many clients served by one process at once.
 *
 * Client i (0 <= i < n) owns two queues named from one base name:
 * "<base>-req-<i>" (the client sends, the server receives) and
 * "<base>-rep-<i>" (the server sends, the client receives). The server
 * creates all 2n with O_CREAT | O_EXCL, mode 0600, owns them, and unlinks
 * them all when destroyed.
 *
 * Crashes. Before them the server creates "<base>-owner" (a queue of one
 * 1-byte message that carries nothing) and holds an open-file-description
 * write lock on it (fcntl F_OFD_SETLK) for as long as it lives; the kernel
 * drops the lock when the server dies, however it dies. A server that
 * finds "<base>-owner" in its way tests the lock: held, the base belongs
 * to a live server, and create fails with -EADDRINUSE; free, the queues
 * are a dead server's, and are removed (every "<base>-req-<i>" and
 * "<base>-rep-<i>" up to IPC_MQ_SERVER_MAX_CLIENTS, the owner last) and
 * made anew. A name in the way with no owner queue is nobody's server's:
 * it is left alone (-EEXIST). It serves every client at once with select(2)
 * over the queue descriptors (on Linux an mqd_t is a file descriptor).
 *
 * The service: a request "SUM n1 n2 ..." (decimal numbers, separated by
 * spaces) is answered "OK <sum>"; a malformed one is answered "ERR <reason>"
 * (IPC_MQ_ERR_*) and never stops the server nor touches another client.
 * The numbers and the sum are 64-bit signed (int64_t) on every
 * architecture, whatever the size of long there: a 32-bit client and a
 * 64-bit server agree on every answer. They travel as decimal text, so no
 * byte order applies to them (the one binary field, a stream frame's
 * length, has its order fixed by ipcspec/sock.h).
 *
 * Identifiers. A request may carry an identifier: the byte IPC_MQ_TAG_MARK,
 * 8 bytes of identifier, then the text (IPC_MQ_TAG_LEN bytes before it).
 * Its reply carries the same 9 bytes before its text; a request without
 * them gets a reply without them. ipc_mq_client_call tags every request
 * with an identifier of its own and discards any reply that does not carry
 * it: a reply left in a slot's queue by a client that died before reading
 * it (or answered after its death) never reaches the next client on that
 * slot as its answer.
 *
 * Replies are sent without blocking. When a client's reply queue is full the
 * reply is kept (a one-slot backlog per client): while it waits, the server
 * reads no more requests from that client and selects for room in its reply
 * queue instead, so one slow reader never stalls the others, and no reply is
 * lost or reordered. A receive or send for one client failing with anything
 * but EAGAIN or EINTR marks that client failed: it is served no more, and
 * the others are served as before.
 *
 * Every function returns >= 0 on success or a negative errno, never prints
 * and never leaves meaning in errno.
 *
 * Spec: spec/mq.md (MQ-SRV-*, MQ-DEMO-*). See also: src/mq_server.c,
 * src/mq_server_sum.c, src/mq_client.c, include/ipcspec/mq.h.
 */
#ifndef IPCSPEC_MQ_SERVER_H
#define IPCSPEC_MQ_SERVER_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "ipcspec/mq.h"

/* The most clients one server takes: 2n queues count against the system's
 * queues_max (256 on a default Linux) and the user's RLIMIT_MSGQUEUE. */
#define IPC_MQ_SERVER_MAX_CLIENTS 16
/* The longest request text the service reads; a longer one: IPC_MQ_ERR_LONG. */
#define IPC_MQ_SERVER_REQUEST_MAX 128
/* Room for the longest reply ("OK -9223372036854775808"), its NUL included;
 * a queue's msgsize must be at least this. */
#define IPC_MQ_SERVER_REPLY_MAX 32
/* The mark that opens a tagged message, and the bytes before its text. */
#define IPC_MQ_TAG_MARK '\001'
#define IPC_MQ_TAG_LEN 9
/* The limits ipc_mq_server_create uses when given none. */
#define IPC_MQ_SERVER_MAXMSG 8
#define IPC_MQ_SERVER_MSGSIZE 256

/* The reasons of an "ERR <reason>" reply. */
#define IPC_MQ_ERR_EMPTY "empty"       /* no words, or "SUM" and no number */
#define IPC_MQ_ERR_VERB "bad verb"     /* the first word is not "SUM" */
#define IPC_MQ_ERR_TOKEN "bad number"  /* a word that is not a decimal number */
#define IPC_MQ_ERR_RANGE "overflow"    /* a number or the sum beyond int64_t */
#define IPC_MQ_ERR_LONG "too long"     /* longer than IPC_MQ_SERVER_REQUEST_MAX */

struct ipc_mq_server;

/*
 * The service alone: answer the request req (len bytes, not NUL-terminated)
 * into reply (cap bytes), NUL-terminated. Returns the reply's length
 * (without the NUL), or -ENOBUFS when cap < IPC_MQ_SERVER_REPLY_MAX.
 */
int ipc_mq_sum_answer(const char *req, size_t len, char *reply, size_t cap);

/*
 * Create a server for nclients clients under base: all 2 * nclients queues,
 * non-blocking, close-on-exec, each with limits (NULL:
 * IPC_MQ_SERVER_MAXMSG / IPC_MQ_SERVER_MSGSIZE). On success *out holds the
 * server and 0 is returned. On failure *out is untouched and every queue
 * already made is closed and unlinked again. Returns -EINVAL (out or base
 * NULL, nclients outside 1..IPC_MQ_SERVER_MAX_CLIENTS, limits out of range
 * or msgsize < IPC_MQ_SERVER_REPLY_MAX, a derived name refused by
 * ipc_mq_name_check), -ENAMETOOLONG (a derived name too long), -EMFILE (a
 * queue's descriptor >= FD_SETSIZE, which select cannot watch), -ENOMEM,
 * -EADDRINUSE (a live server holds base), or what ipc_mq_open, fcntl or
 * ipc_mq_unlink failed with (-EEXIST: a queue of that name exists, and no
 * dead server left it).
 */
int ipc_mq_server_create(struct ipc_mq_server **out, const char *base, int nclients,
                         const struct ipc_mq_limits *limits);

/*
 * One round: wait in select(2) up to timeout_ms (< 0: no limit) for a
 * request queue with a message or a full reply queue with room, then serve
 * each ready client once: one non-blocking receive and its reply, or the
 * sending of its pending reply. A spurious readiness (EAGAIN) is no error.
 * Returns the number of replies delivered in the round (0 on a timeout or
 * when select was interrupted by a signal), or -errno when select itself
 * failed (-EBADF, -EINVAL, -ENOMEM): the server is unchanged and usable.
 */
int ipc_mq_server_step(struct ipc_mq_server *s, int timeout_ms);

/*
 * Serve round after round until stop_fd is readable (a self-pipe a signal
 * handler writes to; the byte is left unread). Returns 0 once stopped,
 * -EBADF (stop_fd < 0), -EMFILE (stop_fd >= FD_SETSIZE), or the -errno of a
 * failing select.
 */
int ipc_mq_server_run(struct ipc_mq_server *s, int stop_fd);

/*
 * The state of client i: 0 while served, 1 while a reply waits for room in
 * its reply queue, the -errno of the receive or send that failed it, or
 * -ERANGE when i is not a client of s.
 */
int ipc_mq_server_client_state(const struct ipc_mq_server *s, int i);

/*
 * Close and unlink every queue and free s (NULL: nothing). Every close and
 * unlink is tried even after one fails. Returns 0, or the -errno of the
 * first mq_unlink that failed (that one queue is left; the caller may
 * ipc_mq_unlink it).
 */
int ipc_mq_server_destroy(struct ipc_mq_server *s);

/* A client's end of its two queues. */
struct ipc_mq_client {
    int req;     /* "<base>-req-<i>", open for sending */
    int rep;     /* "<base>-rep-<i>", open for receiving */
    long msgsize; /* the reply queue's msgsize: buf's size */
    char *buf;
};

/*
 * Open client i's queues under base (made by the server). Returns 0, or
 * -EINVAL / -ENAMETOOLONG (bad name or i < 0), -ENOMEM, or what ipc_mq_open
 * failed with (-ENOENT: no server); on failure nothing is left open.
 */
int ipc_mq_client_open(struct ipc_mq_client *c, const char *base, int i);

/*
 * Send request (a string) tagged with an identifier of this call, and wait
 * for the reply that carries it, each step bounded by the absolute
 * CLOCK_REALTIME deadline (NULL: no bound); replies carrying anything else
 * (a dead client's, an earlier call's) are received and discarded. The
 * reply's text is copied, NUL-terminated, into reply (len bytes). Returns
 * its length, or -EMSGSIZE (request and tag longer than the queue's
 * msgsize, or reply not fitting len), -ETIMEDOUT, -EINTR, or what the send
 * or receive failed with.
 */
ssize_t ipc_mq_client_call(struct ipc_mq_client *c, const char *request, char *reply,
                           size_t len, const struct timespec *deadline);

/* Close both descriptors and free the buffer. Returns 0 or the first -errno. */
int ipc_mq_client_close(struct ipc_mq_client *c);

#endif
