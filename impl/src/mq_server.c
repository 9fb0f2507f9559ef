/* SPDX-License-Identifier: MIT */
/*
 * mq_server.c - the N:1 message-queue server: create the 2n queues, serve
 * them with select(2), destroy them. The service itself (parsing "SUM ...")
 * is in mq_server_sum.c; the client's side in mq_client.c.
 *
 * Every descriptor the loop watches is checked against FD_SETSIZE when it is
 * made, so no fd_set is ever indexed out of bounds. Queues are non-blocking:
 * a readiness that turns out spurious costs one EAGAIN, never a stall.
 *
 * Spec: MQ-SRV-01..12, MQ-SRV-14, MQ-SRV-20..26, MQ-SRV-28..29 (spec/mq.md).
 * See also: include/ipcspec/mq_server.h, mq_server_sum.c, mq_client.c, mq.c,
 * serve_loop.c (the select loop), owner_lock.c (the lock that says it lives).
 */
#include "ipcspec/mq_server.h"
#include "owner_lock.h"
#include "serve_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

/* One client's queues and the reply that waits for room, if any. */
struct mq_slot {
    int req, rep; /* -1: not open */
    int state;    /* 0 served, 1 reply pending, < 0 the -errno that failed it */
    int pend_len;
    char pend[IPC_MQ_TAG_LEN + IPC_MQ_SERVER_REPLY_MAX];
};

struct ipc_mq_server {
    int owner; /* "<base>-owner", locked while the server lives; -1: not made */
    int n;
    size_t msgsize;
    char *buf; /* one request: the queue's msgsize */
    char base[NAME_MAX + 1];
    struct mq_slot slot[];
};

/* Client i's queue name of kind "req" or "rep"; 0 or ipc_mq_name_check's error. */
static int slot_name(const char *base, const char *kind, int i, char *name, size_t cap)
{
    int len = snprintf(name, cap, "%s-%s-%d", base, kind, i);

    if ((size_t)len >= cap) /* snprintf cannot fail on this format */
        return -ENAMETOOLONG;
    return ipc_mq_name_check(name);
}

/* Create one queue; its descriptor, or -errno (nothing left on failure). */
static int make_queue(const char *name, int access, const struct ipc_mq_limits *limits)
{
    int flags = access | O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC;
    int fd = ipc_mq_open(name, flags, 0600, limits);

    if (fd >= FD_SETSIZE) {
        ipc_mq_close(fd);
        ipc_mq_unlink(name);
        return -EMFILE;
    }
    return fd;
}

/* Close *fd unless -1 and unlink client i's queue of kind; 0 or the unlink's -errno. */
static int drop_queue(const struct ipc_mq_server *s, int *fd, const char *kind, int i)
{
    char name[NAME_MAX + 2];

    if (*fd < 0)
        return 0;
    ipc_mq_close(*fd);
    *fd = -1;
    slot_name(s->base, kind, i, name, sizeof name); /* checked at create */
    return ipc_mq_unlink(name);
}

/* Close and unlink client i's queues; 0 or the first unlink's -errno. */
static int drop_slot(struct ipc_mq_server *s, int i)
{
    int rc = drop_queue(s, &s->slot[i].req, "req", i);
    int rc2 = drop_queue(s, &s->slot[i].rep, "rep", i);

    return rc < 0 ? rc : rc2;
}

/* Make client i's two queues; 0 or -errno, leaving the slot as it was. */
static int make_slot(struct ipc_mq_server *s, int i, const struct ipc_mq_limits *limits)
{
    char name[NAME_MAX + 2];
    int fd;

    slot_name(s->base, "req", i, name, sizeof name);
    if ((fd = make_queue(name, O_RDONLY, limits)) < 0)
        return fd;
    s->slot[i].req = fd;
    slot_name(s->base, "rep", i, name, sizeof name);
    if ((fd = make_queue(name, O_WRONLY, limits)) < 0) {
        drop_slot(s, i);
        return fd;
    }
    s->slot[i].rep = fd;
    return 0;
}

/* Check the arguments of ipc_mq_server_create: 0 or -EINVAL / -ENAMETOOLONG. */
static int create_check(struct ipc_mq_server **out, const char *base, int nclients,
                        const struct ipc_mq_limits *limits)
{
    char name[NAME_MAX + 2];
    int rc;

    if (out == NULL || base == NULL || nclients < 1 || nclients > IPC_MQ_SERVER_MAX_CLIENTS)
        return -EINVAL;
    if (limits->maxmsg < 1 || limits->msgsize < IPC_MQ_SERVER_REPLY_MAX)
        return -EINVAL;
    /* The longest names are the last client's. */
    if ((rc = slot_name(base, "req", nclients - 1, name, sizeof name)) != 0)
        return rc;
    return slot_name(base, "rep", nclients - 1, name, sizeof name);
}

/* "<base>-owner" into name (cap bytes); 0 or -ENAMETOOLONG. */
static int owner_name(const char *base, char *name, size_t cap)
{
    size_t len = strlen(base);

    if (len + sizeof "-owner" > cap)
        return -ENAMETOOLONG;
    snprintf(name, cap, "%.*s-owner", (int)len, base); /* fits: checked */
    return 0;
}

/* Make and lock the owner queue, first of all: its lock says the server
 * lives. 0 or -errno (-EEXIST: a server's owner queue is there). */
static int make_owner(struct ipc_mq_server *s)
{
    static const struct ipc_mq_limits tiny = { 1, 1 };
    char name[NAME_MAX + 2];
    int fd, rc;

    owner_name(s->base, name, sizeof name); /* checked at create */
    fd = ipc_mq_open(name, O_WRONLY | O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC, 0600, &tiny);
    if (fd < 0)
        return fd;
    if ((rc = ipc__owner_lock(fd, 1)) != 0) {
        ipc_mq_close(fd);
        ipc_mq_unlink(name);
        return rc;
    }
    s->owner = fd;
    return 0;
}

/* After an -EEXIST from create: 0 once a dead server's queues (its owner
 * queue unlocked) are all removed; -EADDRINUSE while their server lives;
 * -EEXIST when there is no owner queue (the name in the way is no server's:
 * left alone); or -errno. */
static int reclaim(const char *base)
{
    static const char *const kinds[] = { "req", "rep" };
    char name[NAME_MAX + 2];
    int fd, alive, rc;

    owner_name(base, name, sizeof name);
    if ((fd = ipc_mq_open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0, NULL)) < 0)
        return fd == -ENOENT ? -EEXIST : fd;
    alive = ipc__owner_alive(fd);
    ipc_mq_close(fd);
    if (alive != 0)
        return alive > 0 ? -EADDRINUSE : alive;
    for (int i = 0; i < IPC_MQ_SERVER_MAX_CLIENTS * 2; i++) {
        if (slot_name(base, kinds[i % 2], i / 2, name, sizeof name) != 0)
            continue; /* a name too long for this base was never made */
        if ((rc = ipc_mq_unlink(name)) < 0 && rc != -ENOENT)
            return rc;
    }
    owner_name(base, name, sizeof name);
    rc = ipc_mq_unlink(name); /* last: until then a restart finds it again */
    return rc == -ENOENT ? 0 : rc;
}

/* Make the owner queue and the slots; 0 or -errno with nothing left. */
static int create_once(struct ipc_mq_server **out, const char *base, int nclients,
                       const struct ipc_mq_limits *limits)
{
    struct ipc_mq_server *s;
    int rc;

    s = calloc(1, sizeof *s + (size_t)nclients * sizeof s->slot[0]);
    if (s == NULL)
        return -ENOMEM;
    s->owner = -1;
    s->n = nclients;
    s->msgsize = (size_t)limits->msgsize;
    snprintf(s->base, sizeof s->base, "%s", base); /* fits: create_check built longer names */
    for (int i = 0; i < nclients; i++)
        s->slot[i].req = s->slot[i].rep = -1;
    s->buf = malloc(s->msgsize);
    rc = s->buf == NULL ? -ENOMEM : make_owner(s);
    for (int i = 0; i < nclients && rc == 0; i++)
        rc = make_slot(s, i, limits);
    if (rc != 0) {
        ipc_mq_server_destroy(s); /* removes the queues already made */
        return rc;
    }
    *out = s;
    return 0;
}

int ipc_mq_server_create(struct ipc_mq_server **out, const char *base, int nclients,
                         const struct ipc_mq_limits *limits)
{
    static const struct ipc_mq_limits defaults = { IPC_MQ_SERVER_MAXMSG, IPC_MQ_SERVER_MSGSIZE };
    int rc;

    if (limits == NULL)
        limits = &defaults;
    if ((rc = create_check(out, base, nclients, limits)) != 0)
        return rc;
    rc = create_once(out, base, nclients, limits);
    if (rc != -EEXIST)
        return rc;
    if ((rc = reclaim(base)) != 0)
        return rc;
    return create_once(out, base, nclients, limits);
}

int ipc_mq_server_destroy(struct ipc_mq_server *s)
{
    int rc = 0;

    if (s == NULL)
        return 0;
    for (int i = 0; i < s->n; i++) {
        int u = drop_slot(s, i);
        if (u < 0 && rc == 0)
            rc = u;
    }
    if (s->owner >= 0) { /* last: while it is locked nobody takes the rest */
        char name[NAME_MAX + 2];
        int u;

        ipc_mq_close(s->owner);
        owner_name(s->base, name, sizeof name);
        if ((u = ipc_mq_unlink(name)) < 0 && rc == 0)
            rc = u;
    }
    free(s->buf);
    free(s);
    return rc;
}

int ipc_mq_server_client_state(const struct ipc_mq_server *s, int i)
{
    if (i < 0 || i >= s->n)
        return -ERANGE;
    return s->slot[i].state;
}

/* Send slot's pending reply; 1 when delivered, 0 when still no room. */
static int flush_reply(struct mq_slot *slot)
{
    int rc = ipc_mq_send(slot->rep, slot->pend, (size_t)slot->pend_len, 0);

    if (rc == -EAGAIN || rc == -EINTR) {
        slot->state = 1;
        return 0;
    }
    slot->state = rc; /* 0, or the failure that ends this client */
    return rc == 0;
}

/* Receive one request of slot and answer it; 1 when a reply was delivered. */
static int serve_request(struct ipc_mq_server *s, struct mq_slot *slot)
{
    ssize_t len = ipc_mq_receive(slot->req, s->buf, s->msgsize, NULL);

    if (len == -EAGAIN || len == -EINTR)
        return 0; /* spurious readiness, or a signal: try next round */
    if (len < 0) {
        slot->state = (int)len;
        return 0;
    }
    if (len >= IPC_MQ_TAG_LEN && s->buf[0] == IPC_MQ_TAG_MARK) {
        /* the reply carries the request's mark and identifier first */
        memcpy(slot->pend, s->buf, IPC_MQ_TAG_LEN);
        slot->pend_len = IPC_MQ_TAG_LEN +
                         ipc_mq_sum_answer(s->buf + IPC_MQ_TAG_LEN, (size_t)len - IPC_MQ_TAG_LEN,
                                           slot->pend + IPC_MQ_TAG_LEN,
                                           sizeof slot->pend - IPC_MQ_TAG_LEN);
    } else {
        slot->pend_len = ipc_mq_sum_answer(s->buf, (size_t)len, slot->pend, sizeof slot->pend);
    }
    return flush_reply(slot);
}

/* Fill the sets from the live slots (and stop_fd unless < 0); select's nfds. */
static int watch(const struct ipc_mq_server *s, int stop_fd, fd_set *rd, fd_set *wr)
{
    int nfds = stop_fd + 1;

    FD_ZERO(rd);
    FD_ZERO(wr);
    if (stop_fd >= 0)
        FD_SET(stop_fd, rd);
    for (int i = 0; i < s->n; i++) {
        const struct mq_slot *slot = &s->slot[i];
        int fd = slot->state == 1 ? slot->rep : slot->req;

        if (slot->state < 0)
            continue;
        FD_SET(fd, slot->state == 1 ? wr : rd);
        if (fd >= nfds)
            nfds = fd + 1;
    }
    return nfds;
}

/* One round (an ipc_serve_round_fn): serve what select found ready. */
static int round_once(void *server, int stop_fd, int timeout_ms, int *stopped)
{
    struct ipc_mq_server *s = server;
    fd_set rd, wr;
    int nfds = watch(s, stop_fd, &rd, &wr);
    int answered = 0;
    int rc = ipc_serve_select(nfds, &rd, &wr, timeout_ms);

    if (rc < 0)
        return rc;
    for (int i = 0; i < s->n; i++) {
        struct mq_slot *slot = &s->slot[i];

        if (slot->state == 1 && FD_ISSET(slot->rep, &wr))
            answered += flush_reply(slot);
        else if (slot->state == 0 && FD_ISSET(slot->req, &rd))
            answered += serve_request(s, slot);
    }
    *stopped = stop_fd >= 0 && FD_ISSET(stop_fd, &rd);
    return answered;
}

int ipc_mq_server_step(struct ipc_mq_server *s, int timeout_ms)
{
    int stopped;

    return round_once(s, -1, timeout_ms, &stopped);
}

int ipc_mq_server_run(struct ipc_mq_server *s, int stop_fd)
{
    return ipc_serve_until_stopped(round_once, s, stop_fd);
}
