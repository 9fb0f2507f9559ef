/* SPDX-License-Identifier: MIT */
/*
 * shm_subscriber_demo.c - a shared-memory board's subscriber, runnable by hand.
 *
 *   ipcspec-shm-subscriber BASE I
 *
 * Opens subscriber I's queue and the board BASE of a running
 * ipcspec-shm-publisher, prints "ready", then after every notification reads
 * the board and, when it holds a version not printed yet, prints
 * "<version> <record>" on one line; it reads the board every second as well,
 * should a notification be lost. When the record read is the publisher's
 * closing one it exits 0. Exit 1, with one line on standard error naming the
 * failed call, when a call fails, and when the publisher died before its
 * closing record ("wait: Owner died"); exit 2 for a usage error.
 *
 * Spec: SHM-DEMO-01..08 (spec/shm.md). See also: shm_publisher_demo.c,
 * src/shm_pubsub.c.
 */
#include "ipcspec/io.h"
#include "ipcspec/shm_board.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { CAPACITY = 256, RECHECK_MS = 1000 };

static int fail(const char *what, int neg_errno)
{
    fprintf(stderr, "ipcspec-shm-subscriber: %s: %s\n", what, strerror(-neg_errno));
    return 1;
}

/* Print "<version> <record>\n", whole (a short write is continued). 0 or -errno. */
static int print_record(uint64_t version, const char *rec, size_t len)
{
    char line[CAPACITY + 32];
    int n = snprintf(line, sizeof line, "%" PRIu64 " %.*s\n", version, (int)len, rec);
    ssize_t w = ipc_write_full(STDOUT_FILENO, line, (size_t)n, NULL);

    return w < 0 ? (int)w : 0;
}

/* Follow the board until its closing record. 0 or an exit code. */
static int follow(struct ipc_shm_sub *s)
{
    char rec[CAPACITY];
    struct ipc_shm_snapshot snap;
    uint64_t printed = 0;

    for (;;) {
        /* The board is read after every notification, and also when none
         * came for RECHECK_MS: a notification the publisher failed to send
         * (its closing one above all) delays the subscriber, never strands it. */
        int64_t v = ipc_shm_sub_wait(s, RECHECK_MS);
        if (v == -EINTR)
            continue;
        if (v < 0 && v != -ETIMEDOUT && v != -EOWNERDEAD)
            return fail("wait", (int)v);
        /* A publisher gone: its closing record may be on the board all the
         * same (only its notification lost), so the board is read first. */
        ssize_t n = ipc_shm_sub_read(s, rec, sizeof rec, &snap);
        if (n < 0)
            return fail("read", (int)n);
        if (snap.version != printed) {
            int rc = print_record(snap.version, rec, (size_t)n);
            if (rc < 0)
                return fail("write stdout", rc);
            printed = snap.version;
        }
        if (snap.closed)
            return 0;
        if (v == -EOWNERDEAD)
            return fail("wait", (int)v); /* died before its closing record */
    }
}

int main(int argc, char **argv)
{
    struct ipc_shm_sub *s;
    char *end;
    long index;
    int rc;

    if (argc != 3 || (index = strtol(argv[2], &end, 10), end == argv[2] || *end != '\0') ||
        index < 0 || index >= IPC_SHM_PUB_MAX_SUBS) {
        fprintf(stderr, "usage: ipcspec-shm-subscriber BASE I   (I from 0 to %d)\n",
                IPC_SHM_PUB_MAX_SUBS - 1);
        return 2;
    }
    if ((rc = ipc_shm_sub_open(&s, argv[1], (int)index)) < 0)
        return fail("open", rc);
    int exit_code = 0;
    ssize_t w = ipc_write_full(STDOUT_FILENO, "ready\n", 6, NULL);
    if (w < 0) /* a write that moves nothing too */
        exit_code = fail("write stdout", (int)w);
    else
        exit_code = follow(s);
    if ((rc = ipc_shm_sub_close(s)) < 0)
        exit_code = fail("close", rc);
    return exit_code;
}
