/* SPDX-License-Identifier: MIT */
/*
 * shm_publisher_demo.c - the shared-memory board's publisher, runnable by hand.
 *
 *   ipcspec-shm-publisher BASE N
 *
 * Creates the board BASE (a shared memory object, BASE like "/news") and the
 * notification queues of N subscribers, prints "ready" on standard output,
 * then publishes each line read from standard input (without its newline)
 * as the board's new record and notifies every subscriber. At end of input,
 * or on SIGTERM or SIGINT, it publishes the last record again, closed, so
 * every subscriber ends, removes the board and the queues, and exits 0. Exit
 * 1, with one line on standard error naming the failed call, when a call
 * fails (the board is closed all the same, and nothing is left behind);
 * exit 2 for a usage error.
 *
 * The stop is the signals layer's: SIGTERM and SIGINT make a descriptor
 * readable (ipc_sig_stop_open), which the loop polls next to standard input.
 *
 * Spec: SHM-DEMO-01..08 (spec/shm.md). See also: shm_subscriber_demo.c,
 * src/shm_pubsub.c.
 */
#include "demo_support.h"
#include "ipcspec/io.h"
#include "ipcspec/shm_board.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { CAPACITY = 256, LINE_MAX_BYTES = 4096 };

static int stop_fd = -1; /* readable once SIGTERM or SIGINT arrives */

static int fail(const char *what, int neg_errno)
{
    fprintf(stderr, "ipcspec-shm-publisher: %s: %s\n", what, strerror(-neg_errno));
    return 1;
}

static int parse_count(const char *text)
{
    char *end;
    long n = strtol(text, &end, 10);

    if (end == text || *end != '\0' || n < 1 || n > IPC_SHM_PUB_MAX_SUBS)
        return 0;
    return (int)n;
}

/* Publish every whole line in line[0..*len), keeping the rest; the last one
 * published stays in last. 0 or an exit code. */
static int publish_lines(struct ipc_shm_pub *p, char *line, size_t *len, char *last,
                         size_t *last_len)
{
    char *nl;

    while ((nl = memchr(line, '\n', *len)) != NULL) {
        size_t n = (size_t)(nl - line);
        int64_t v = ipc_shm_pub_update(p, line, n);

        if (v < 0)
            return fail("update", (int)v);
        memcpy(last, line, n);
        *last_len = n;
        *len -= n + 1;
        memmove(line, nl + 1, *len);
    }
    if (*len == LINE_MAX_BYTES)
        return fail("update", -EMSGSIZE);
    return 0;
}

/* Read and publish standard input until its end or a stop. 0 or exit code. */
static int serve(struct ipc_shm_pub *p, char *last, size_t *last_len)
{
    static char line[LINE_MAX_BYTES];
    size_t len = 0;
    struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
                             { .fd = stop_fd, .events = POLLIN } };

    for (;;) {
        if (poll(fds, 2, -1) == -1) {
            if (errno == EINTR)
                continue;
            return fail("poll", -errno);
        }
        if (fds[1].revents != 0)
            return 0;
        ssize_t n = read(STDIN_FILENO, line + len, sizeof line - len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return fail("read stdin", -errno);
        if (n == 0)
            return 0;
        len += (size_t)n;
        int rc = publish_lines(p, line, &len, last, last_len);
        if (rc != 0)
            return rc;
    }
}

static int demo_main(int argc, char **argv)
{
    static char last[LINE_MAX_BYTES];
    size_t last_len = 0;
    struct ipc_shm_pub *p;
    int n, rc;

    if (argc != 3 || (n = parse_count(argv[2])) == 0) {
        fprintf(stderr, "usage: ipcspec-shm-publisher BASE N   (N from 1 to %d)\n",
                IPC_SHM_PUB_MAX_SUBS);
        return 2;
    }
    if ((stop_fd = demo_stop_open("ipcspec-shm-publisher")) < 0)
        return 1;
    if ((rc = ipc_shm_pub_create(&p, argv[1], n, CAPACITY)) < 0)
        return fail("create", rc);
    int exit_code = 0;
    ssize_t w = ipc_write_full(STDOUT_FILENO, "ready\n", 6, NULL);
    if (w < 0) /* a short or stalled write too */
        exit_code = fail("write stdout", (int)w);
    else
        exit_code = serve(p, last, &last_len);
    /* Closed even after a failure: every subscriber then ends, rather than
     * wait for a notification that never comes (SHM-DEMO-07). */
    int64_t v = ipc_shm_pub_close(p, last, last_len);
    if (v < 0)
        exit_code = fail("close", (int)v);
    if ((rc = ipc_shm_pub_destroy(p)) < 0)
        exit_code = fail("destroy", rc);
    return exit_code;
}

int main(int argc, char **argv)
{
    int code = demo_main(argc, argv);

    demo_stop_close(stop_fd); /* leave nothing open (FIU-SWEEP) */
    return code;
}
