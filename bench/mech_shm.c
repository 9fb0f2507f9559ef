/* SPDX-License-Identifier: MIT */
/*
 * mech_shm.c - shared memory with its notification: two boards, one each
 * way, each with one subscriber. Through impl/: the publisher and the
 * subscriber of shm_board.h (a seqlock record, a message-queue
 * notification per write). Raw: shm_open, ftruncate and mmap, the same
 * seqlock written with memcpy(3) between the fences, and mq_send /
 * mq_receive of the version. (The raw copy races with a concurrent write by
 * the C11 rules; the seqlock discards what it read then. impl/ stores and
 * loads the record as relaxed atomic words so that no access is a race.)
 *
 * A reader sees the latest record only: in the one-way stream the
 * subscriber counts the records it read, and stops at the publisher's last.
 * The publisher runs at most two records ahead (a credit back on the other
 * board after each record read): unpaced, a writer that rewrites the record
 * during every read keeps the seqlock reader retrying until the writer
 * stops, and large records would measure that alone.
 *
 * See also: bench.h, mech_mq.c, include/ipcspec/shm_board.h.
 */
#include "bench.h"

#include "ipcspec/shm_board.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- through impl/ --------------------------------------------------------- */

/* obj[0] pub down, obj[1] sub down, obj[2] pub up, obj[3] sub up. */
static int board_impl_open(struct chan *c)
{
    bench_name(c->name[0], sizeof c->name[0], "board-down", 0);
    bench_name(c->name[1], sizeof c->name[1], "board-up", 0);
    for (size_t i = 0; i < 2; i++) {
        struct ipc_shm_pub **pub = (struct ipc_shm_pub **)&c->obj[2 * i];
        struct ipc_shm_sub **sub = (struct ipc_shm_sub **)&c->obj[2 * i + 1];
        int rc;

        if ((rc = ipc_shm_pub_create(pub, c->name[i], 1, c->size)) < 0)
            return rc; /* the cleanup removes what was made */
        if ((rc = ipc_shm_sub_open(sub, c->name[i], 0)) < 0)
            return rc;
    }
    return 0;
}

static int board_side(struct chan *c, int who)
{
    (void)c;
    (void)who;
    return 0;
}

static int board_impl_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    struct ipc_shm_pub *p = c->obj[who == 0 ? 0 : 2];
    int64_t v = last ? ipc_shm_pub_close(p, buf, len) : ipc_shm_pub_update(p, buf, len);

    return v < 0 ? (int)v : 0;
}

static ssize_t board_impl_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    struct ipc_shm_sub *s = c->obj[who == 0 ? 3 : 1];
    struct ipc_shm_snapshot snap;
    int64_t v = ipc_shm_sub_wait(s, -1);
    ssize_t n;

    if (v < 0)
        return (ssize_t)v;
    if ((n = ipc_shm_sub_read(s, buf, len, &snap)) < 0)
        return n;
    if (snap.version <= c->seen)
        return 0; /* a notification of a record read already */
    c->seen = snap.version;
    *last = snap.closed;
    return n;
}

static void board_close(struct chan *c, int who)
{
    (void)c;
    (void)who; /* the parent's cleanup removes everything */
}

static void board_impl_cleanup(struct chan *c)
{
    for (size_t i = 0; i < 2; i++) {
        if (c->obj[2 * i + 1] != NULL)
            ipc_shm_sub_close(c->obj[2 * i + 1]);
        if (c->obj[2 * i] != NULL)
            ipc_shm_pub_destroy(c->obj[2 * i]);
    }
}

/* ---- raw ------------------------------------------------------------------ */

struct raw_board {
    _Atomic uint64_t seq;
    _Atomic uint64_t len;
    _Atomic uint64_t closed;
    unsigned char data[];
};

/* One direction: the board, and the queue's write (non-blocking) and read ends. */
struct raw_dir {
    struct raw_board *b;
    size_t maplen;
    mqd_t qw, qr;
};

static struct raw_dir raw_dirs[2];

static void raw_queue_name(char *out, size_t cap, const char *base)
{
    snprintf(out, cap, "%s-q", base);
}

static int raw_dir_open(struct raw_dir *d, const char *name, size_t size)
{
    struct mq_attr attr = { .mq_maxmsg = IPC_SHM_PUB_QUEUE_DEPTH, .mq_msgsize = sizeof(uint64_t) };
    char qname[128];
    int fd, rc = 0;

    d->maplen = sizeof *d->b + size;
    if ((fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
        return -errno;
    if (ftruncate(fd, (off_t)d->maplen) == -1 ||
        (d->b = mmap(NULL, d->maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
        rc = -errno;
    close(fd);
    if (rc < 0) {
        d->b = NULL;
        return rc;
    }
    raw_queue_name(qname, sizeof qname, name);
    if ((d->qw = mq_open(qname, O_WRONLY | O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC, 0600,
                         &attr)) == (mqd_t)-1 ||
        (d->qr = mq_open(qname, O_RDONLY | O_CLOEXEC)) == (mqd_t)-1)
        return -errno; /* the cleanup removes what was made */
    return 0;
}

static int board_raw_open(struct chan *c)
{
    memset(raw_dirs, 0, sizeof raw_dirs);
    raw_dirs[0].qw = raw_dirs[0].qr = raw_dirs[1].qw = raw_dirs[1].qr = (mqd_t)-1;
    bench_name(c->name[0], sizeof c->name[0], "rboard-down", 0);
    bench_name(c->name[1], sizeof c->name[1], "rboard-up", 0);
    for (int i = 0; i < 2; i++) {
        int rc = raw_dir_open(&raw_dirs[i], c->name[i], c->size);

        if (rc < 0)
            return rc;
    }
    return 0;
}

static int board_raw_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    struct raw_dir *d = &raw_dirs[who == 0 ? 0 : 1];
    uint64_t s = atomic_load_explicit(&d->b->seq, memory_order_relaxed), v = (s + 2) / 2;

    (void)c;
    atomic_store_explicit(&d->b->seq, s + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&d->b->len, len, memory_order_relaxed);
    atomic_store_explicit(&d->b->closed, (uint64_t)last, memory_order_relaxed);
    memcpy(d->b->data, buf, len);
    atomic_store_explicit(&d->b->seq, s + 2, memory_order_release);
    if (mq_send(d->qw, (const char *)&v, sizeof v, 0) == -1 && errno != EAGAIN)
        return -errno;
    return 0;
}

static ssize_t board_raw_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    struct raw_dir *d = &raw_dirs[who == 0 ? 1 : 0];
    uint64_t v, s1, n;

    if (mq_receive(d->qr, (char *)&v, sizeof v, NULL) == -1)
        return -errno;
    for (;;) {
        s1 = atomic_load_explicit(&d->b->seq, memory_order_acquire);
        n = atomic_load_explicit(&d->b->len, memory_order_relaxed);
        *last = (int)atomic_load_explicit(&d->b->closed, memory_order_relaxed);
        if ((s1 & 1) == 0 && n <= len)
            memcpy(buf, d->b->data, n);
        atomic_thread_fence(memory_order_acquire);
        if ((s1 & 1) == 0 && s1 == atomic_load_explicit(&d->b->seq, memory_order_relaxed))
            break;
        sched_yield();
    }
    if (n > len)
        return -EMSGSIZE;
    if (s1 / 2 <= c->seen)
        return 0;
    c->seen = s1 / 2;
    return (ssize_t)n;
}

static void board_raw_cleanup(struct chan *c)
{
    char qname[128];

    for (int i = 0; i < 2; i++) {
        struct raw_dir *d = &raw_dirs[i];

        if (d->qw != (mqd_t)-1)
            mq_close(d->qw);
        if (d->qr != (mqd_t)-1)
            mq_close(d->qr);
        if (d->b != NULL)
            munmap(d->b, d->maplen);
        raw_queue_name(qname, sizeof qname, c->name[i]);
        mq_unlink(qname);
        shm_unlink(c->name[i]);
    }
}

#define BOARD(v, o, s, r, cl)                                                                   \
    { .name = "shm-board", .via = (v), .max_size = BENCH_MAX_SIZE,                             \
      .why = "any size up to IPC_SHM_BOARD_MAX_CAPACITY (1 MiB)", .latest_only = 1, .window = 2, \
      .open = (o), .side = board_side, .send = (s), .recv = (r), .close = board_close,         \
      .cleanup = (cl) }

const struct mech bench_shm_mechs[] = {
    BOARD("impl", board_impl_open, board_impl_send, board_impl_recv, board_impl_cleanup),
    BOARD("raw", board_raw_open, board_raw_send, board_raw_recv, board_raw_cleanup),
    { .name = NULL },
};
