/* SPDX-License-Identifier: MIT */
/*
 * mq_server_demo.c - the N:1 message-queue server, runnable by hand.
 *
 *   ipcspec-mq-server BASE N
 *
 * Creates the 2N queues "BASE-req-I" / "BASE-rep-I" (BASE like "/sum"),
 * prints "ready" on standard output once they exist, and answers every
 * client's "SUM ..." (int64_t numbers and sum on every architecture) until
 * SIGTERM or SIGINT. Then it removes every queue and exits 0. The queues a
 * killed server left under BASE are taken over; a live server's never
 * ("create: Address already in use", exit 1). Exit 1, with one line on
 * standard error naming the failed call, when a call fails; exit 2 for a
 * usage error.
 *
 * The stop is the signals layer's: SIGTERM and SIGINT make a descriptor
 * readable (ipc_sig_stop_open), which the loop watches next to its work.
 *
 * Spec: MQ-DEMO-01..07 (spec/mq.md). See also: mq_client_demo.c,
 * src/mq_server.c.
 */
#include "demo_support.h"
#include "ipcspec/io.h"
#include "ipcspec/mq_server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int stop_fd = -1; /* readable once SIGTERM or SIGINT arrives */

static int fail(const char *what, int neg_errno)
{
    fprintf(stderr, "ipcspec-mq-server: %s: %s\n", what, strerror(-neg_errno));
    return 1;
}

/* N from its text: 0 when it is not a whole decimal number. */
static int parse_count(const char *text)
{
    char *end;
    long n = strtol(text, &end, 10);

    if (end == text || *end != '\0' || n < 1 || n > IPC_MQ_SERVER_MAX_CLIENTS)
        return 0;
    return (int)n;
}

/* Create, say ready, serve until stopped, destroy; the exit code. */
static int serve(const char *base, int n)
{
    struct ipc_mq_server *s;
    int rc;

    if ((rc = ipc_mq_server_create(&s, base, n, NULL)) < 0)
        return fail("create", rc);
    if ((rc = (int)ipc_write_full(STDOUT_FILENO, "ready\n", 6, NULL)) < 0) {
        rc = fail("write stdout", rc);
        ipc_mq_server_destroy(s);
        return rc;
    }
    rc = ipc_mq_server_run(s, stop_fd);
    int exit_code = rc < 0 ? fail("serve", rc) : 0;
    if ((rc = ipc_mq_server_destroy(s)) < 0)
        exit_code = fail("destroy", rc);
    return exit_code;
}

int main(int argc, char **argv)
{
    int n, code;

    if (argc != 3 || (n = parse_count(argv[2])) == 0) {
        fprintf(stderr, "usage: ipcspec-mq-server BASE N   (N from 1 to %d)\n",
                IPC_MQ_SERVER_MAX_CLIENTS);
        return 2;
    }
    stop_fd = demo_stop_open("ipcspec-mq-server");
    code = stop_fd < 0 ? 1 : serve(argv[1], n);
    demo_stop_close(stop_fd); /* leave nothing open (FIU-SWEEP) */
    return code;
}
