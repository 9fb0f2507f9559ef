/* SPDX-License-Identifier: MIT */
/*
 * sock_server_demo.c - the multiplexing socket server, runnable by hand.
 *
 *   ipcspec-sock-server KIND ADDRESS [MAX_CLIENTS]
 *
 * KIND is unix (a Unix stream socket at path ADDRESS), unix-dgram (a Unix
 * datagram socket at path ADDRESS), tcp or udp (127.0.0.1, port ADDRESS; 0
 * lets the kernel choose). It prints "ready\n" (Unix) or "ready PORT\n" (TCP,
 * UDP) once it serves, and answers every "SUM n1 n2 ..." with "OK <sum>"
 * (int64_t numbers and sum on every architecture; framed on a stream, one
 * datagram each on a datagram socket) until SIGTERM or SIGINT; then it closes
 * everything, removes the socket file, and exits 0. A stream client that gets
 * no answer for 10 s (silent, or stalled inside a frame) is closed. A live
 * server's path is never taken: exit 1 ("listen: Address already in use").
 * Exit 1, with one line on standard error naming the failed call, when a call
 * fails; exit 2 for a usage error.
 *
 * The stop is the signals layer's: SIGTERM and SIGINT make a descriptor
 * readable (ipc_sig_stop_open), which the loop watches next to its work.
 *
 * Spec: SOCK-DEMO-01..06 (spec/sock.md). See also: sock_client_demo.c,
 * src/sock_server.c, src/sock_dgram.c.
 */
#include "demo_support.h"
#include "ipcspec/io.h"
#include "ipcspec/sock.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A stream client that has had no answer for this long is closed, so that
 * clients that connect and stall cannot hold every slot. */
#define DEMO_IDLE_MS 10000

static int stop_fd = -1; /* readable once SIGTERM or SIGINT arrives */

static int fail(const char *what, int neg_errno)
{
    fprintf(stderr, "ipcspec-sock-server: %s: %s\n", what, strerror(-neg_errno));
    return 1;
}

/* A whole decimal number in [lo, hi], or -1. */
static long parse_num(const char *text, long lo, long hi)
{
    char *end;
    long n = strtol(text, &end, 10);

    if (end == text || *end != '\0' || n < lo || n > hi)
        return -1;
    return n;
}

struct args {
    int unix_path; /* 1: ADDRESS is a path */
    int type;      /* SOCK_STREAM or SOCK_DGRAM */
    const char *addr;
    long port, max;
};

/* Parse argv into *a; 0, or 2 (the usage error's exit code). */
static int parse(int argc, char **argv, struct args *a)
{
    static const char *const kinds[] = { "unix", "unix-dgram", "tcp", "udp" };
    int k = 0;

    while (argc >= 3 && k < 4 && strcmp(argv[1], kinds[k]) != 0)
        k++;
    if (argc < 3 || argc > 4 || k == 4) {
        fprintf(stderr, "usage: ipcspec-sock-server unix|unix-dgram|tcp|udp PATH|PORT "
                        "[MAX_CLIENTS]   (MAX_CLIENTS from 1 to %d)\n",
                IPC_SOCK_SERVER_MAX_CLIENTS);
        return 2;
    }
    a->unix_path = k < 2;
    a->type = k % 2 == 0 ? SOCK_STREAM : SOCK_DGRAM;
    a->addr = argv[2];
    a->port = a->unix_path ? 0 : parse_num(argv[2], 0, 65535);
    a->max = argc == 4 ? parse_num(argv[3], 1, IPC_SOCK_SERVER_MAX_CLIENTS) : 8;
    if (a->port < 0 || a->max < 0)
        return parse(0, argv, a);
    return 0;
}

/* Close fd and remove its path: the server was never made. */
static int discard(const struct args *a, int fd, int exit_code)
{
    close(fd);
    if (a->unix_path)
        ipc_sock_unix_remove(a->addr);
    return exit_code;
}

/* Make the socket and say "ready"; the descriptor, or -(exit code). */
static int open_socket(const struct args *a)
{
    char line[32];
    uint16_t port = 0;
    int fd, len;

    if (a->unix_path)
        fd = ipc_sock_unix_listen(a->addr, a->type, 0600);
    else
        fd = ipc_sock_inet_listen("127.0.0.1", (uint16_t)a->port, a->type, &port);
    if (fd < 0)
        return -fail("listen", fd);
    len = a->unix_path ? snprintf(line, sizeof line, "ready\n")
                       : snprintf(line, sizeof line, "ready %u\n", (unsigned)port);
    ssize_t w = ipc_write_full(STDOUT_FILENO, line, (size_t)len, NULL);
    if (w < 0) /* a short or stalled write too */
        return -discard(a, fd, fail("write stdout", (int)w));
    return fd;
}

/* Serve on fd until stopped; the exit code. */
static int serve(const struct args *a, int fd)
{
    const char *path = a->unix_path ? a->addr : NULL;
    int rc, exit_code;

    if (a->type == SOCK_STREAM) {
        struct ipc_sock_server *s;
        if ((rc = ipc_sock_server_create(&s, fd, (int)a->max, path)) < 0)
            return discard(a, fd, fail("create", rc));
        ipc_sock_server_set_idle(s, DEMO_IDLE_MS); /* a valid value: cannot fail */
        rc = ipc_sock_server_run(s, stop_fd);
        exit_code = rc < 0 ? fail("serve", rc) : 0;
        rc = ipc_sock_server_destroy(s);
    } else {
        struct ipc_sock_dgram_server *d;
        if ((rc = ipc_sock_dgram_create(&d, fd, path)) < 0)
            return discard(a, fd, fail("create", rc));
        rc = ipc_sock_dgram_run(d, stop_fd);
        exit_code = rc < 0 ? fail("serve", rc) : 0;
        rc = ipc_sock_dgram_destroy(d);
    }
    if (rc < 0)
        exit_code = fail("remove", rc);
    return exit_code;
}

static int demo_main(int argc, char **argv)
{
    struct args a;
    int fd, rc;

    if ((rc = parse(argc, argv, &a)) != 0)
        return rc;
    if ((stop_fd = demo_stop_open("ipcspec-sock-server")) < 0)
        return 1;
    if ((fd = open_socket(&a)) < 0)
        return -fd;
    return serve(&a, fd);
}

int main(int argc, char **argv)
{
    int code = demo_main(argc, argv);

    demo_stop_close(stop_fd); /* leave nothing open (FIU-SWEEP) */
    return code;
}
