/* SPDX-License-Identifier: MIT */
/*
 * ipcspec/shm_board.h - one publisher, many subscribers, over shared memory:
 * publish/subscribe with one writer and any number of readers.
 *
 * The board. A shared memory object "<base>" holds one record of at most
 * capacity bytes. Exactly one publisher writes it; any number of readers
 * read it, each always a whole record as one write left it, never a mix of
 * two (a torn snapshot). Layout (all fields native-endian, 8-byte aligned):
 *
 *   uint32_t magic          IPC_SHM_BOARD_MAGIC, written once at init
 *   uint32_t capacity       bytes a record may hold, written once at init
 *   _Atomic uint64_t seq    the sequence counter of the seqlock
 *   _Atomic uint64_t len    the record's length      } the record: written
 *   _Atomic uint64_t flags  IPC_SHM_BOARD_CLOSED      } only between the two
 *   _Atomic uint64_t data[] the record, 8 bytes a word} seq stores below
 *
 * The seqlock protocol (one writer; C11 atomics; the record's words are
 * atomics accessed relaxed, so no access is a data race):
 *   write: s = seq; store seq = s + 1 (odd: a write is in progress), relaxed;
 *          release fence; store len, flags, data, relaxed;
 *          store seq = s + 2, release.
 *   read:  s1 = load seq, acquire; odd: retry; load len, flags, data,
 *          relaxed; acquire fence; s2 = load seq, relaxed; s1 != s2: retry.
 * The release fence keeps the odd seq ahead of every record store, the
 * acquire fence keeps every record load ahead of the second seq load: a
 * reader that sees s1 == s2, even, read no byte of a write that began after
 * s1 and every byte of the writes before it. The version of a record is
 * seq / 2: 0 for the empty board, then 1, 2, ... one per write.
 *
 * Notification. After each write the publisher sends the new version (8
 * bytes) to every subscriber's message queue "<base>-sub-<i>", without
 * blocking. A full queue (EAGAIN) is no error: it holds a notification the
 * subscriber has not taken yet, and whatever it reads after taking it is at
 * least as new as this write. So a subscriber that, after every
 * notification, reads the board, sees the last record in the end, however
 * slow it is, and the publisher never waits for one. The last write of a
 * publisher sets IPC_SHM_BOARD_CLOSED: nothing follows it.
 *
 * Liveness. The publisher holds an open-file-description write lock
 * (fcntl F_OFD_SETLK) on the board from creation to destruction; the kernel
 * drops it when the publisher dies, however it dies. A subscriber tests it
 * (F_OFD_GETLK) whenever a wait finds no notification for
 * IPC_SHM_SUB_CHECK_MS, and whenever a read has found a write in progress
 * IPC_SHM_SUB_READ_TRIES times in a row: a subscriber whose publisher is
 * gone learns it (-EOWNERDEAD), and a write left in progress by a dead
 * writer (an odd seq nobody will make even) is recognised as abandoned
 * instead of being waited out for ever. A publisher that finds a board in
 * its way at creation tests the same lock: held, the base is a live
 * publisher's (-EADDRINUSE); free, the board and the queues are a dead
 * publisher's, and are removed and made anew. An object there that is no
 * board is nobody's publisher's: left alone (-EEXIST).
 *
 * Order of creation: the board is made, initialised and locked first, the
 * queues after; a subscriber opens its queue first, the board after. So a
 * subscriber that found its queue finds the board whole. Destruction
 * removes the queues first.
 *
 * Cost. The record is copied one 8-byte relaxed atomic at a time, so that
 * no access is a data race (the board is clean under ThreadSanitizer).
 * Compilers neither merge nor vectorise atomic accesses, so a write or a
 * read moves one word per access where memcpy(3) moves 32 bytes or more:
 * in one process, a 64 KiB record written and read back moves about a
 * tenth of memcpy's bytes per second. Between two processes each record
 * also costs its notification (an mq_send(3) and the subscriber's
 * wake-up), and a reader whose copy overlapped a write copies again. So
 * a round trip through the board costs 15-20% more than through a plain
 * memcpy seqlock at 4 KiB, three times as much at 64 KiB and five at
 * 1 MiB; ipcspec-bench measures both
 * (README.md, "What each mechanism costs").
 *
 * Every function returns >= 0 on success or a negative errno.
 *
 * Spec: spec/shm.md (SHM-BOARD-*, SHM-PUB-*, SHM-DEMO-*). See also:
 * src/shm_board.c, src/shm_pubsub.c, include/ipcspec/shm.h, mq.h.
 */
#ifndef IPCSPEC_SHM_BOARD_H
#define IPCSPEC_SHM_BOARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IPC_SHM_BOARD_MAGIC 0x69707362u /* "ipsb" */
#define IPC_SHM_BOARD_CLOSED 1u
/* The largest capacity a board takes. */
#define IPC_SHM_BOARD_MAX_CAPACITY (1u << 20)
/* The most subscribers one publisher serves. */
#define IPC_SHM_PUB_MAX_SUBS 16
/* Each subscriber's notification queue: this many versions of 8 bytes. */
#define IPC_SHM_PUB_QUEUE_DEPTH 4
/* A wait looks for the publisher's death after this long without news. */
#define IPC_SHM_SUB_CHECK_MS 100
/* A read looks for the writer's death after this many tries in a row that
 * found a write in progress. */
#define IPC_SHM_SUB_READ_TRIES 1024

/* What a read returns besides the record. */
struct ipc_shm_snapshot {
    uint64_t version; /* 0: nothing written yet */
    size_t len;
    int closed;       /* the publisher's last record */
};

/* Bytes a board of capacity needs. */
size_t ipc_shm_board_size(size_t capacity);

/* Lay out an empty board (version 0) in mem (memlen bytes, 8-byte aligned).
 * Returns 0 or -EINVAL (mem NULL, capacity 0 or above the maximum, memlen
 * too small). */
int ipc_shm_board_init(void *mem, size_t memlen, size_t capacity);

/* Check that mem (memlen bytes) holds a board; its capacity, or -EPROTO. */
int ipc_shm_board_check(const void *mem, size_t memlen);

/* Write a record (the one writer only): len bytes, closed or not. Returns
 * the new version (> 0), or -EMSGSIZE when len exceeds the capacity. */
int64_t ipc_shm_board_write(void *mem, const void *data, size_t len, int closed);

/* Read the record once: its length, with *snap filled; -EAGAIN when a write
 * was in progress or ran during the copy (nothing valid in buf then), or
 * -EMSGSIZE when cap is smaller than the record (snap->len says how big). */
ssize_t ipc_shm_board_try_read(const void *mem, void *buf, size_t cap,
                               struct ipc_shm_snapshot *snap);

/* ipc_shm_board_try_read until it is not -EAGAIN. */
ssize_t ipc_shm_board_read(const void *mem, void *buf, size_t cap,
                           struct ipc_shm_snapshot *snap);

struct ipc_shm_pub;
struct ipc_shm_sub;

/*
 * Create the board "<base>" (capacity bytes, mode 0600) and the queues
 * "<base>-sub-0" .. "<base>-sub-<nsubs-1>", all O_EXCL. Returns 0 with *out
 * set, or -EINVAL (NULL argument, nsubs outside 1..IPC_SHM_PUB_MAX_SUBS,
 * capacity out of range, a derived name invalid), -ENAMETOOLONG, -ENOMEM,
 * -EADDRINUSE (a live publisher holds base), or what ipc_shm_create,
 * shm_open, fcntl, ipc_mq_open or an unlink failed with (-EEXIST: an object
 * that is no dead publisher's is in the way); on failure every object
 * already made is removed again.
 */
int ipc_shm_pub_create(struct ipc_shm_pub **out, const char *base, int nsubs, size_t capacity);

/*
 * Publish a record, then notify every subscriber. Returns the new version,
 * or -EMSGSIZE (nothing written), or the first error other than EAGAIN a
 * notification failed with (the record is written and every other
 * subscriber notified all the same).
 */
int64_t ipc_shm_pub_update(struct ipc_shm_pub *p, const void *data, size_t len);

/* ipc_shm_pub_update for the last record: it carries IPC_SHM_BOARD_CLOSED. */
int64_t ipc_shm_pub_close(struct ipc_shm_pub *p, const void *data, size_t len);

/* Unmap the board, close and unlink every queue, unlink the board, free p.
 * Returns 0 or the first error; everything else is removed all the same. */
int ipc_shm_pub_destroy(struct ipc_shm_pub *p);

/*
 * Open subscriber index's queue (read-only) and the board (read-only, mapped,
 * and a descriptor kept to test the publisher's lock). Returns 0 with *out
 * set, or -EINVAL, -ENOENT (no such publisher yet), -EPROTO (the object
 * holds no board), -ENOMEM, or what the opens failed with; nothing stays
 * open on failure.
 */
int ipc_shm_sub_open(struct ipc_shm_sub **out, const char *base, int index);

/* Wait for a notification, up to timeout_ms (< 0: no limit). Returns the
 * version notified (>= 1), -EOWNERDEAD (no notification is left and the
 * publisher is gone), -ETIMEDOUT, -EINTR, or what mq_timedreceive or fcntl
 * failed with. */
int64_t ipc_shm_sub_wait(struct ipc_shm_sub *s, int timeout_ms);

/* Read the board now (ipc_shm_board_read): the record's length, or
 * -EOWNERDEAD (the write in progress was abandoned by a dead publisher),
 * -EMSGSIZE, or what fcntl failed with. */
ssize_t ipc_shm_sub_read(struct ipc_shm_sub *s, void *buf, size_t cap,
                         struct ipc_shm_snapshot *snap);

/* Unmap the board, close the queue, free s. Returns 0 or the first error. */
int ipc_shm_sub_close(struct ipc_shm_sub *s);

#endif
