/* SPDX-License-Identifier: MIT */
/*
 * mq_client.c - a client of the N:1 message-queue server: open its two
 * queues by index, send a request tagged with an identifier, wait for the
 * reply that carries it.
 *
 * Spec: MQ-SRV-01, MQ-SRV-13, MQ-SRV-27, MQ-SRV-28 (spec/mq.md). See also:
 * include/ipcspec/mq_server.h, mq_server.c (the other side).
 */
#include "ipcspec/mq_server.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Open "<base>-<kind>-<i>" with access; the descriptor or -errno. */
static int open_queue(const char *base, const char *kind, int i, int access)
{
    char name[NAME_MAX + 2];
    int len = snprintf(name, sizeof name, "%s-%s-%d", base, kind, i);

    if ((size_t)len >= sizeof name) /* snprintf cannot fail on this format */
        return -ENAMETOOLONG;
    return ipc_mq_open(name, access | O_CLOEXEC, 0, NULL);
}

int ipc_mq_client_open(struct ipc_mq_client *c, const char *base, int i)
{
    struct ipc_mq_limits limits;
    int rc;

    if (c == NULL || base == NULL || i < 0)
        return -EINVAL;
    c->req = c->rep = -1;
    c->buf = NULL;
    if ((rc = open_queue(base, "req", i, O_WRONLY)) < 0)
        return rc;
    c->req = rc;
    if ((rc = open_queue(base, "rep", i, O_RDONLY)) < 0)
        goto fail;
    c->rep = rc;
    if ((rc = ipc_mq_stat(c->rep, &limits, NULL)) < 0)
        goto fail;
    c->msgsize = limits.msgsize;
    if ((c->buf = malloc((size_t)c->msgsize)) == NULL) {
        rc = -ENOMEM;
        goto fail;
    }
    return 0;
fail:
    ipc_mq_client_close(c);
    return rc;
}

/* A fresh identifier: the process, the time and a count, so neither a
 * later call of this process nor a process that reuses a dead one's pid
 * makes the same one. */
static void new_tag(char tag[IPC_MQ_TAG_LEN])
{
    static uint64_t count = 0; /* calls made by this process */
    struct timespec now;
    uint64_t id;

    clock_gettime(CLOCK_MONOTONIC, &now); /* cannot fail: a valid clock and pointer */
    id = (uint64_t)getpid() << 40 ^ (uint64_t)now.tv_sec * 1000000000u ^ (uint64_t)now.tv_nsec;
    id += ++count << 20;
    tag[0] = IPC_MQ_TAG_MARK;
    memcpy(tag + 1, &id, sizeof id);
}

/* Receive into c->buf, bounded by deadline (NULL: none); length or -errno. */
static ssize_t receive(struct ipc_mq_client *c, const struct timespec *deadline)
{
    if (deadline == NULL)
        return ipc_mq_receive(c->rep, c->buf, (size_t)c->msgsize, NULL);
    return ipc_mq_timedreceive(c->rep, c->buf, (size_t)c->msgsize, NULL, deadline);
}

ssize_t ipc_mq_client_call(struct ipc_mq_client *c, const char *request, char *reply,
                           size_t len, const struct timespec *deadline)
{
    size_t req_len = strlen(request);
    char tag[IPC_MQ_TAG_LEN];
    ssize_t n;
    int rc;

    if (req_len > (size_t)c->msgsize - IPC_MQ_TAG_LEN)
        return -EMSGSIZE;
    new_tag(tag);
    memcpy(c->buf, tag, IPC_MQ_TAG_LEN);
    memcpy(c->buf + IPC_MQ_TAG_LEN, request, req_len);
    if (deadline == NULL)
        rc = ipc_mq_send(c->req, c->buf, IPC_MQ_TAG_LEN + req_len, 0);
    else
        rc = ipc_mq_timedsend(c->req, c->buf, IPC_MQ_TAG_LEN + req_len, 0, deadline);
    if (rc < 0)
        return rc;
    do { /* a reply without this call's tag is someone else's: discarded */
        if ((n = receive(c, deadline)) < 0)
            return n;
    } while (n < IPC_MQ_TAG_LEN || memcmp(c->buf, tag, IPC_MQ_TAG_LEN) != 0);
    n -= IPC_MQ_TAG_LEN;
    if ((size_t)n >= len)
        return -EMSGSIZE;
    memcpy(reply, c->buf + IPC_MQ_TAG_LEN, (size_t)n);
    reply[n] = '\0';
    return n;
}

int ipc_mq_client_close(struct ipc_mq_client *c)
{
    int rc = 0, r;

    if (c->req >= 0 && (r = ipc_mq_close(c->req)) < 0)
        rc = r;
    if (c->rep >= 0 && (r = ipc_mq_close(c->rep)) < 0 && rc == 0)
        rc = r;
    free(c->buf);
    c->req = c->rep = -1;
    c->buf = NULL;
    return rc;
}
