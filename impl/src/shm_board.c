/* SPDX-License-Identifier: MIT */
/*
 * shm_board.c - the seqlock board: one writer, any number of readers, each
 * reading a whole record or retrying. The protocol and the layout are in
 * include/ipcspec/shm_board.h.
 *
 * Spec: SHM-BOARD-01..04 (spec/shm.md).
 * See also: include/ipcspec/shm_board.h, shm_pubsub.c.
 */
#include "ipcspec/shm_board.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

struct board {
    uint32_t magic;
    uint32_t capacity;
    _Atomic uint64_t seq;
    _Atomic uint64_t len;
    _Atomic uint64_t flags;
    _Atomic uint64_t data[];
};

enum { WORD = sizeof(uint64_t) };

size_t ipc_shm_board_size(size_t capacity)
{
    return sizeof(struct board) + (capacity + WORD - 1) / WORD * WORD;
}

int ipc_shm_board_init(void *mem, size_t memlen, size_t capacity)
{
    struct board *b = mem;

    if (mem == NULL || capacity == 0 || capacity > IPC_SHM_BOARD_MAX_CAPACITY ||
        memlen < ipc_shm_board_size(capacity))
        return -EINVAL;
    b->magic = IPC_SHM_BOARD_MAGIC;
    b->capacity = (uint32_t)capacity;
    atomic_init(&b->seq, 0);
    atomic_init(&b->len, 0);
    atomic_init(&b->flags, 0);
    return 0;
}

int ipc_shm_board_check(const void *mem, size_t memlen)
{
    const struct board *b = mem;

    if (mem == NULL || memlen < sizeof *b || b->magic != IPC_SHM_BOARD_MAGIC ||
        b->capacity == 0 || b->capacity > IPC_SHM_BOARD_MAX_CAPACITY ||
        memlen < ipc_shm_board_size(b->capacity))
        return -EPROTO;
    return (int)b->capacity;
}

/*
 * Store len bytes of src into the record's words, relaxed. Whole words go
 * through a fixed-size memcpy, which the compiler turns into one load; only
 * the last, partial word takes a variable-size one. A variable size for
 * every word would have the compiler emit a general copy per word, several
 * times slower than memcpy at 4 KiB and up (ipcspec-bench measures it:
 * README.md, "What each mechanism costs").
 */
static void copy_in(_Atomic uint64_t *words, const unsigned char *src, size_t len)
{
    size_t full = len / WORD, rest = len % WORD;
    uint64_t w;

    for (size_t i = 0; i < full; i++) {
        memcpy(&w, src + i * WORD, WORD);
        atomic_store_explicit(&words[i], w, memory_order_relaxed);
    }
    if (rest != 0) {
        w = 0;
        memcpy(&w, src + full * WORD, rest);
        atomic_store_explicit(&words[full], w, memory_order_relaxed);
    }
}

/* Load len bytes of the record's words into dst, relaxed; as copy_in. */
static void copy_out(unsigned char *dst, _Atomic uint64_t *words, size_t len)
{
    size_t full = len / WORD, rest = len % WORD;
    uint64_t w;

    for (size_t i = 0; i < full; i++) {
        w = atomic_load_explicit(&words[i], memory_order_relaxed);
        memcpy(dst + i * WORD, &w, WORD);
    }
    if (rest != 0) {
        w = atomic_load_explicit(&words[full], memory_order_relaxed);
        memcpy(dst + full * WORD, &w, rest);
    }
}

int64_t ipc_shm_board_write(void *mem, const void *data, size_t len, int closed)
{
    struct board *b = mem;
    uint64_t s;

    if (len > b->capacity)
        return -EMSGSIZE;
    s = atomic_load_explicit(&b->seq, memory_order_relaxed);
    atomic_store_explicit(&b->seq, s + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&b->len, len, memory_order_relaxed);
    atomic_store_explicit(&b->flags, closed ? IPC_SHM_BOARD_CLOSED : 0, memory_order_relaxed);
    copy_in(b->data, data, len);
    atomic_store_explicit(&b->seq, s + 2, memory_order_release);
    return (int64_t)((s + 2) / 2);
}

ssize_t ipc_shm_board_try_read(const void *mem, void *buf, size_t cap,
                               struct ipc_shm_snapshot *snap)
{
    /* The board is read-only to readers, but C11 atomic loads take a
     * non-const pointer: no store is ever made through it. */
    struct board *b = (struct board *)(uintptr_t)mem;
    uint64_t s1, s2, len, flags;
    size_t copied = 0;

    s1 = atomic_load_explicit(&b->seq, memory_order_acquire);
    if (s1 & 1)
        return -EAGAIN;
    len = atomic_load_explicit(&b->len, memory_order_relaxed);
    flags = atomic_load_explicit(&b->flags, memory_order_relaxed);
    /* A torn len can exceed the capacity: never copy past it. */
    if (len <= b->capacity && len <= cap) {
        copy_out(buf, b->data, (size_t)len);
        copied = 1;
    }
    atomic_thread_fence(memory_order_acquire);
    s2 = atomic_load_explicit(&b->seq, memory_order_relaxed);
    if (s1 != s2)
        return -EAGAIN;
    snap->version = s1 / 2;
    snap->len = (size_t)len;
    snap->closed = (flags & IPC_SHM_BOARD_CLOSED) != 0;
    if (!copied)
        return -EMSGSIZE; /* a stable len beyond cap (the capacity bounds every write) */
    return (ssize_t)len;
}

ssize_t ipc_shm_board_read(const void *mem, void *buf, size_t cap,
                           struct ipc_shm_snapshot *snap)
{
    ssize_t n;

    while ((n = ipc_shm_board_try_read(mem, buf, cap, snap)) == -EAGAIN)
        sched_yield(); /* the writer is mid-record: let it finish */
    return n;
}
