/* SPDX-License-Identifier: MIT */
/*
 * sock_client_demo.c - one client of the socket server (ipcspec-sock-server),
 * runnable by hand.
 *
 *   ipcspec-sock-client [-w MS] KIND ADDRESS NUMBER...
 *
 * KIND and ADDRESS as for ipcspec-sock-server (unix, unix-dgram: a path; tcp,
 * udp: a port on 127.0.0.1). Sends "SUM NUMBER..." and prints the sum the
 * server answers; each NUMBER and the sum are int64_t on every architecture
 * (ipcspec/mq_server.h), passed on as the decimal text given, so a 32-bit
 * client reaches 2^63 - 1 as a 64-bit one does. Exit 0 on "OK <sum>"; exit 1,
 * with one line on standard error, for an "ERR <reason>" answer or a failed
 * call; exit 2 for a usage error. Each send and receive waits at most MS
 * milliseconds (default 10000): the fault sweep passes a shorter wait, since
 * every datagram its fault makes the server drop costs one whole wait.
 *
 * Spec: SOCK-DEMO-01, SOCK-DEMO-03..05, SOCK-DEMO-10 (spec/sock.md). See also:
 * sock_server_demo.c, src/sock_frame.c.
 */
#include "demo_support.h"
#include "ipcspec/io.h"
#include "ipcspec/sock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { WAIT_MS = 10000 };

static int fail(const char *what, int neg_errno)
{
    fprintf(stderr, "ipcspec-sock-client: %s: %s\n", what, strerror(-neg_errno));
    return 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: ipcspec-sock-client [-w MS] unix|unix-dgram|tcp|udp PATH|PORT "
                    "NUMBER...\n");
    return 2;
}

/* Connect as kind says; the descriptor, -EINVAL for a bad kind or port, or -errno. */
static int open_kind(const char *kind, const char *addr)
{
    static const char *const kinds[] = { "unix", "unix-dgram", "tcp", "udp" };
    int k = 0;
    char *end;
    long port;

    while (k < 4 && strcmp(kind, kinds[k]) != 0)
        k++;
    if (k == 4)
        return -EINVAL;
    int type = k % 2 == 0 ? SOCK_STREAM : SOCK_DGRAM;
    if (k < 2)
        return ipc_sock_unix_connect(addr, type);
    port = strtol(addr, &end, 10);
    if (end == addr || *end != '\0' || port < 1 || port > 65535)
        return -EINVAL;
    return ipc_sock_inet_connect("127.0.0.1", (uint16_t)port, type);
}

/* Send the request, print the answer, each step waiting at most wait_ms;
 * the exit code. */
static int call(int fd, const char *request, long wait_ms)
{
    char reply[64];
    ssize_t n;
    int rc;

    if ((rc = ipc_sock_set_timeout(fd, (int)wait_ms)) < 0)
        return fail("timeout", rc);
    if ((n = ipc_sock_call(fd, request, reply, sizeof reply)) < 0)
        return fail("call", (int)n);
    if (strncmp(reply, "OK ", 3) != 0) {
        fprintf(stderr, "ipcspec-sock-client: server answered \"%s\"\n", reply);
        return 1;
    }
    size_t len = (size_t)n - 3; /* reply + 3 and a newline, in one write(2) */
    memmove(reply, reply + 3, len);
    reply[len] = '\n';
    ssize_t w = ipc_write_full(STDOUT_FILENO, reply, len + 1, NULL);
    if (w < 0) /* a short or stalled write too (found by the fault sweep) */
        return fail("write stdout", (int)w);
    return 0;
}

int main(int argc, char **argv)
{
    char request[IPC_SOCK_MSG_MAX + 1];
    long wait_ms = WAIT_MS;
    int fd, rc;

    if (argc >= 2 && strcmp(argv[1], "-w") == 0) {
        wait_ms = argc >= 3 ? demo_wait_ms(argv[2]) : -1;
        argc -= 2;
        argv += 2;
    }
    if (wait_ms < 0 || argc < 4)
        return usage();
    if ((rc = demo_sum_request(request, sizeof request, argc - 3, argv + 3)) < 0)
        return fail("request", rc);
    if ((fd = open_kind(argv[1], argv[2])) == -EINVAL)
        return usage();
    if (fd < 0)
        return fail("connect", fd);
    rc = call(fd, request, wait_ms);
    if (close(fd) == -1)
        rc = fail("close", -errno);
    return rc;
}
