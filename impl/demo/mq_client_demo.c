/* SPDX-License-Identifier: MIT */
/*
 * mq_client_demo.c - one client of the N:1 message-queue server
 * (ipcspec-mq-server), runnable by hand.
 *
 *   ipcspec-mq-client [-w MS] BASE I NUMBER...
 *
 * Sends "SUM NUMBER..." on client I's request queue of the server at BASE and
 * prints the sum it answers; each NUMBER and the sum are int64_t on every
 * architecture (ipcspec/mq_server.h), passed on as the decimal text given, so
 * a 32-bit client reaches 2^63 - 1 as a 64-bit one does. Exit 0 on "OK
 * <sum>"; exit 1, with one line on standard error, for an "ERR <reason>"
 * answer or a failed call; exit 2 for a usage error. The call waits at most
 * MS milliseconds (default 10000): the fault sweep passes a shorter wait,
 * since every request its fault makes the server drop costs one whole wait.
 *
 * Spec: MQ-DEMO-01, MQ-DEMO-03..06, MQ-DEMO-08 (spec/mq.md). See also: mq_server_demo.c,
 * src/mq_client.c.
 */
#include "demo_support.h"
#include "ipcspec/io.h"
#include "ipcspec/mq_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { WAIT_MS = 10000, REQUEST_CAP = 8192 };

static int fail(const char *what, int neg_errno)
{
    fprintf(stderr, "ipcspec-mq-client: %s: %s\n", what, strerror(-neg_errno));
    return 1;
}

/* Send the request, print the answer, waiting at most wait_ms; the exit code. */
static int call(struct ipc_mq_client *c, const char *request, long wait_ms)
{
    char reply[IPC_MQ_SERVER_REPLY_MAX];
    struct timespec deadline;
    ssize_t n;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += wait_ms / 1000;
    deadline.tv_nsec += (wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    if ((n = ipc_mq_client_call(c, request, reply, sizeof reply, &deadline)) < 0)
        return fail("call", (int)n);
    if (strncmp(reply, "OK ", 3) != 0) {
        fprintf(stderr, "ipcspec-mq-client: server answered \"%s\"\n", reply);
        return 1;
    }
    /* reply + 3 and a newline, in one write(2) */
    size_t len = (size_t)n - 3;
    memmove(reply, reply + 3, len);
    reply[len] = '\n';
    ssize_t w = ipc_write_full(STDOUT_FILENO, reply, len + 1, NULL);
    if (w < 0) /* a short or stalled write too: FIU-SWEEP-02 */
        return fail("write stdout", (int)w);
    return 0;
}

int main(int argc, char **argv)
{
    static char request[REQUEST_CAP];
    struct ipc_mq_client c;
    long wait_ms = WAIT_MS;
    char *end;
    int rc;

    if (argc >= 2 && strcmp(argv[1], "-w") == 0) {
        wait_ms = argc >= 3 ? demo_wait_ms(argv[2]) : -1;
        argc -= 2;
        argv += 2;
    }
    long i = argc >= 4 ? strtol(argv[2], &end, 10) : -1;
    if (wait_ms < 0 || argc < 4 || end == argv[2] || *end != '\0' || i < 0 ||
        i >= IPC_MQ_SERVER_MAX_CLIENTS) {
        fprintf(stderr, "usage: ipcspec-mq-client [-w MS] BASE I NUMBER...   (I from 0 to %d)\n",
                IPC_MQ_SERVER_MAX_CLIENTS - 1);
        return 2;
    }
    if ((rc = demo_sum_request(request, sizeof request, argc - 3, argv + 3)) < 0)
        return fail("request", rc);
    if ((rc = ipc_mq_client_open(&c, argv[1], (int)i)) < 0)
        return fail("open", rc);
    int exit_code = call(&c, request, wait_ms);
    if ((rc = ipc_mq_client_close(&c)) < 0)
        exit_code = fail("close", rc);
    return exit_code;
}
