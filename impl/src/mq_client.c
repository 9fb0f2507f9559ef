/* SPDX-License-Identifier: MIT */
/*
 * mq_client.c - a client of the N:1 message-queue server: open its two
 * queues by index, send a request, wait for the reply.
 *
 * Spec: MQ-SRV-01, MQ-SRV-13, MQ-SRV-27 (spec/mq.md). See also:
 * include/ipcspec/mq_server.h, mq_server.c (the other side).
 */
#include "ipcspec/mq_server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

ssize_t ipc_mq_client_call(struct ipc_mq_client *c, const char *request, char *reply,
                           size_t len, const struct timespec *deadline)
{
    size_t req_len = strlen(request);
    ssize_t n;
    int rc;

    if (deadline == NULL)
        rc = ipc_mq_send(c->req, request, req_len, 0);
    else
        rc = ipc_mq_timedsend(c->req, request, req_len, 0, deadline);
    if (rc < 0)
        return rc;
    if (deadline == NULL)
        n = ipc_mq_receive(c->rep, c->buf, (size_t)c->msgsize, NULL);
    else
        n = ipc_mq_timedreceive(c->rep, c->buf, (size_t)c->msgsize, NULL, deadline);
    if (n < 0)
        return n;
    if ((size_t)n >= len)
        return -EMSGSIZE;
    memcpy(reply, c->buf, (size_t)n);
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
