/* SPDX-License-Identifier: MIT */
/*
 * shm_pubsub.c - the publisher and its subscribers: the board in a shared
 * memory object, one notification queue per subscriber. The protocol is in
 * include/ipcspec/shm_board.h.
 *
 * Spec: SHM-PUB-01..11, SHM-FAULT-09..12 (spec/shm.md).
 * See also: include/ipcspec/shm_board.h, shm_board.c, shm.c, mq.c, owner_lock.c.
 */
#include "ipcspec/shm_board.h"

#include "ipcspec/mq.h"
#include "ipcspec/shm.h"
#include "owner_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct ipc_shm_pub {
    struct ipc_shm_map map;
    int lock_fd; /* the board, write-locked while the publisher lives */
    int nsubs;
    char base[NAME_MAX + 2];
    int q[IPC_SHM_PUB_MAX_SUBS];
};

struct ipc_shm_sub {
    struct ipc_shm_map map;
    int lock_fd; /* the board, read-only: its lock says the publisher lives */
    int q;
};

static const struct ipc_mq_limits notify_limits = {
    .maxmsg = IPC_SHM_PUB_QUEUE_DEPTH, .msgsize = sizeof(uint64_t)
};

/* Subscriber i's queue name; 0 or ipc_mq_name_check's error. */
static int queue_name(const char *base, int i, char *name, size_t cap)
{
    int len = snprintf(name, cap, "%s-sub-%d", base, i);

    if ((size_t)len >= cap)
        return -ENAMETOOLONG;
    return ipc_mq_name_check(name);
}

/* Close and unlink the first n queues of p. 0 or the first error. */
static int drop_queues(struct ipc_shm_pub *p, int n)
{
    char name[NAME_MAX + 2];
    int rc = 0;

    for (int i = 0; i < n; i++) {
        int r;

        if ((r = ipc_mq_close(p->q[i])) < 0 && rc == 0)
            rc = r;
        queue_name(p->base, i, name, sizeof name); /* checked when made */
        if ((r = ipc_mq_unlink(name)) < 0 && rc == 0)
            rc = r;
    }
    return rc;
}

/* Every derived name valid before anything is made. */
static int check_names(const char *base, int nsubs)
{
    char name[NAME_MAX + 2];
    int rc;

    if ((rc = ipc_shm_name_check(base)) != 0)
        return rc;
    for (int i = 0; i < nsubs; i++) {
        if ((rc = queue_name(base, i, name, sizeof name)) != 0)
            return rc;
    }
    return 0;
}

/* Make the queues (the board exists and is whole). 0, or -errno with none left. */
static int make_queues(struct ipc_shm_pub *p)
{
    char name[NAME_MAX + 2];
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC;

    for (int i = 0; i < p->nsubs; i++) {
        queue_name(p->base, i, name, sizeof name);
        p->q[i] = ipc_mq_open(name, flags, 0600, &notify_limits);
        if (p->q[i] < 0) {
            int rc = p->q[i];
            drop_queues(p, i);
            return rc;
        }
    }
    return 0;
}

/* Open the board base and lock it for the publisher: the descriptor, or
 * -errno (-EAGAIN: someone holds it). */
static int lock_board(const char *base)
{
    int fd = shm_open(base, O_RDWR | O_CLOEXEC, 0);
    int rc;

    if (fd == -1)
        return -errno;
    if ((rc = ipc__owner_lock(fd, 1)) != 0) {
        close(fd);
        return rc;
    }
    return fd;
}

/* After -EEXIST for the board: 0 once a dead publisher's board and queues
 * are removed; -EADDRINUSE while it lives; -EEXIST when the object is no
 * board (left alone); or -errno. */
static int reclaim(const char *base)
{
    char name[NAME_MAX + 2];
    struct ipc_shm_map m;
    int fd, rc, alive;

    if ((fd = shm_open(base, O_RDONLY | O_CLOEXEC, 0)) == -1)
        return errno == ENOENT ? 0 : -errno; /* gone meanwhile: make it anew */
    alive = ipc__owner_alive(fd);
    close(fd);
    if (alive != 0)
        return alive > 0 ? -EADDRINUSE : alive;
    if ((rc = ipc_shm_open(base, IPC_SHM_RDONLY, &m)) != 0)
        return rc == -EINVAL ? -EEXIST : rc; /* an empty object: no board */
    rc = ipc_shm_board_check(m.addr, m.len);
    ipc_shm_unmap(&m);
    if (rc < 0)
        return -EEXIST;
    for (int i = 0; i < IPC_SHM_PUB_MAX_SUBS; i++) {
        int r;

        if (queue_name(base, i, name, sizeof name) != 0)
            continue; /* too long for this base: never made */
        if ((r = ipc_mq_unlink(name)) < 0 && r != -ENOENT)
            return r;
    }
    rc = ipc_shm_unlink(base);
    return rc == -ENOENT ? 0 : rc;
}

/* Make the board, lock it, then the queues; 0 or -errno, nothing left. */
static int create_once(struct ipc_shm_pub *p, const char *base, size_t capacity)
{
    int rc = ipc_shm_create(base, ipc_shm_board_size(capacity), 0600, &p->map);

    if (rc != 0)
        return rc;
    ipc_shm_board_init(p->map.addr, p->map.len, capacity); /* sized for it */
    if ((p->lock_fd = lock_board(base)) < 0)
        rc = p->lock_fd;
    else if ((rc = make_queues(p)) != 0)
        close(p->lock_fd);
    if (rc != 0) {
        ipc_shm_unmap(&p->map);
        ipc_shm_unlink(base);
    }
    return rc;
}

int ipc_shm_pub_create(struct ipc_shm_pub **out, const char *base, int nsubs, size_t capacity)
{
    struct ipc_shm_pub *p;
    int rc;

    if (out == NULL || nsubs < 1 || nsubs > IPC_SHM_PUB_MAX_SUBS || capacity == 0 ||
        capacity > IPC_SHM_BOARD_MAX_CAPACITY)
        return -EINVAL;
    if ((rc = check_names(base, nsubs)) != 0)
        return rc;
    if ((p = calloc(1, sizeof *p)) == NULL)
        return -ENOMEM;
    p->nsubs = nsubs;
    memcpy(p->base, base, strlen(base) + 1); /* checked: at most NAME_MAX + 1 bytes */
    rc = create_once(p, base, capacity);
    if (rc == -EEXIST && (rc = reclaim(base)) == 0)
        rc = create_once(p, base, capacity);
    if (rc != 0) {
        free(p);
        return rc;
    }
    *out = p;
    return 0;
}

static int64_t publish(struct ipc_shm_pub *p, const void *data, size_t len, int closed)
{
    int64_t version = ipc_shm_board_write(p->map.addr, data, len, closed);
    uint64_t v = (uint64_t)version;
    int rc = 0;

    if (version < 0)
        return version;
    for (int i = 0; i < p->nsubs; i++) {
        int r = ipc_mq_send(p->q[i], &v, sizeof v, 0);
        if (r < 0 && r != -EAGAIN && rc == 0)
            rc = r; /* EAGAIN: a notification is already waiting there */
    }
    return rc < 0 ? rc : version;
}

int64_t ipc_shm_pub_update(struct ipc_shm_pub *p, const void *data, size_t len)
{
    return publish(p, data, len, 0);
}

int64_t ipc_shm_pub_close(struct ipc_shm_pub *p, const void *data, size_t len)
{
    return publish(p, data, len, 1);
}

int ipc_shm_pub_destroy(struct ipc_shm_pub *p)
{
    int rc, r;

    if (p == NULL)
        return -EINVAL;
    rc = drop_queues(p, p->nsubs);
    if ((r = ipc_shm_unmap(&p->map)) < 0 && rc == 0)
        rc = r;
    if ((r = ipc_shm_unlink(p->base)) < 0 && rc == 0)
        rc = r;
    close(p->lock_fd); /* last: the board is no longer there to take over */
    free(p);
    return rc;
}

int ipc_shm_sub_open(struct ipc_shm_sub **out, const char *base, int index)
{
    char name[NAME_MAX + 2];
    struct ipc_shm_sub *s;
    int rc;

    if (out == NULL || index < 0 || index >= IPC_SHM_PUB_MAX_SUBS)
        return -EINVAL;
    if ((rc = ipc_shm_name_check(base)) != 0 || (rc = queue_name(base, index, name, sizeof name)) != 0)
        return rc;
    if ((s = calloc(1, sizeof *s)) == NULL)
        return -ENOMEM;
    s->lock_fd = -1;
    /* The queue first: once it exists, the board is whole. */
    if ((s->q = ipc_mq_open(name, O_RDONLY | O_CLOEXEC, 0, NULL)) < 0) {
        rc = s->q;
    } else if ((rc = ipc_shm_open(base, IPC_SHM_RDONLY, &s->map)) == 0) {
        if ((rc = ipc_shm_board_check(s->map.addr, s->map.len)) > 0 &&
            (s->lock_fd = shm_open(base, O_RDONLY | O_CLOEXEC, 0)) != -1) {
            *out = s;
            return 0;
        }
        if (rc > 0)
            rc = -errno; /* the shm_open that failed */
        ipc_shm_unmap(&s->map);
    }
    if (s->q >= 0)
        ipc_mq_close(s->q);
    free(s);
    return rc;
}

/* The absolute CLOCK_REALTIME time ms from now. */
static struct timespec realtime_in(long ms)
{
    struct timespec t;

    clock_gettime(CLOCK_REALTIME, &t); /* cannot fail: a valid clock and pointer */
    t.tv_sec += ms / 1000;
    t.tv_nsec += ms % 1000 * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* -EOWNERDEAD when nobody holds the publisher's lock any more, 0 while
 * someone does, or what fcntl failed with. */
static int publisher_gone(const struct ipc_shm_sub *s)
{
    int alive = ipc__owner_alive(s->lock_fd);

    return alive < 0 ? alive : alive ? 0 : -EOWNERDEAD;
}

int64_t ipc_shm_sub_wait(struct ipc_shm_sub *s, int timeout_ms)
{
    long left = timeout_ms;
    uint64_t v = 0;
    ssize_t n;

    for (;;) { /* in slices: the publisher's death is looked for between them */
        long slice = timeout_ms < 0 || left > IPC_SHM_SUB_CHECK_MS ? IPC_SHM_SUB_CHECK_MS : left;
        struct timespec until = realtime_in(slice);
        int gone;

        n = ipc_mq_timedreceive(s->q, &v, sizeof v, NULL, &until);
        if (n != -ETIMEDOUT)
            break;
        if ((gone = publisher_gone(s)) != 0)
            return gone;
        if (timeout_ms >= 0 && (left -= slice) <= 0)
            return -ETIMEDOUT;
    }
    if (n < 0)
        return n;
    if (n != sizeof v || v == 0)
        return -EPROTO;
    return (int64_t)v;
}

ssize_t ipc_shm_sub_read(struct ipc_shm_sub *s, void *buf, size_t cap,
                         struct ipc_shm_snapshot *snap)
{
    for (unsigned tries = 1;; tries++) {
        ssize_t n = ipc_shm_board_try_read(s->map.addr, buf, cap, snap);
        int gone;

        if (n != -EAGAIN)
            return n;
        if (tries % IPC_SHM_SUB_READ_TRIES == 0 && (gone = publisher_gone(s)) != 0) {
            /* a write in progress whose writer is dead never ends: abandoned */
            n = ipc_shm_board_try_read(s->map.addr, buf, cap, snap);
            return n == -EAGAIN ? gone : n;
        }
        sched_yield(); /* the writer is mid-record: let it finish */
    }
}

int ipc_shm_sub_close(struct ipc_shm_sub *s)
{
    int rc, r;

    if (s == NULL)
        return -EINVAL;
    rc = ipc_shm_unmap(&s->map);
    if ((r = ipc_mq_close(s->q)) < 0 && rc == 0)
        rc = r;
    close(s->lock_fd);
    free(s);
    return rc;
}
