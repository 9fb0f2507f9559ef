/* SPDX-License-Identifier: MIT */
/*
 * fuzz_frame.c - libFuzzer target for the stream framing: any bytes at all,
 * sent by a client that then stops, must leave the frame decoder
 * (ipc_sock_recv_frame) with frames no longer than asked and one of its
 * documented results, and must leave the multiplexing server (the same
 * bytes over a Unix stream socket: no TIME_WAIT to run out of ports with)
 * answering only well-formed frames and closing the client at the end.
 * The socket lives in a directory made under $TMPDIR (ci/fuzz points it
 * into build-fuzz/), removed at exit.
 *
 * Spec: SOCK-LOAD-03 (the hostile frames it grows from; spec/sock.md).
 * See also: fuzz_sum.c, ci/fuzz (builds and runs both), corpus/frame/.
 */
#include "ipcspec/sock.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_INPUT = 4096, ROUNDS = 400 };

static struct ipc_sock_server *server;
static char dir[256], path[300];

/* A broken promise: say which, and crash for libFuzzer to keep the input. */
static void broken(const char *what, long value)
{
    fprintf(stderr, "fuzz_frame: %s (%ld)\n", what, value);
    abort();
}

static void cleanup(void)
{
    ipc_sock_server_destroy(server); /* removes the socket file */
    rmdir(dir);
}

/* The decoder alone: every frame fits what was asked, every end is one
 * the header names. */
static void decode(const uint8_t *data, size_t size)
{
    unsigned char buf[IPC_SOCK_MSG_MAX];
    int sv[2];
    ssize_t n;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
        broken("socketpair", -errno);
    if (size > 0 && send(sv[0], data, size, 0) != (ssize_t)size)
        broken("send", -errno);
    close(sv[0]);
    do {
        n = ipc_sock_recv_frame(sv[1], buf, 1 + size % sizeof buf);
        if (n > (ssize_t)(1 + size % sizeof buf))
            broken("a frame longer than its buffer", n);
    } while (n > 0);
    if (n != 0 && n != -EPROTO && n != -EMSGSIZE)
        broken("an undocumented end", n);
    close(sv[1]);
}

/* The server: step until it has closed the client; every reply a frame of
 * "OK ..." or "ERR ...". */
static void serve(const uint8_t *data, size_t size)
{
    char reply[IPC_SOCK_MSG_MAX + 1];
    struct ipc_sock_stats before, st;
    int fd = ipc_sock_unix_connect(path, SOCK_STREAM), round = 0;

    if (fd < 0)
        broken("connect", fd);
    ipc_sock_server_stats(server, &before);
    if (size > 0 && send(fd, data, size, MSG_NOSIGNAL) != (ssize_t)size)
        broken("send", -errno);
    shutdown(fd, SHUT_WR);
    do {
        if (++round > ROUNDS || ipc_sock_server_step(server, 10) < 0)
            broken("the server never closed a client that stopped", round);
        ipc_sock_server_stats(server, &st);
    } while (st.disconnected + st.dropped == before.disconnected + before.dropped);
    for (;;) {
        ssize_t n = ipc_sock_recv_frame(fd, reply, sizeof reply - 1);
        if (n <= 0)
            break; /* end of file, or the reset of a client closed mid-frame */
        reply[n] = '\0';
        if (strncmp(reply, "OK ", 3) != 0 && strncmp(reply, "ERR ", 4) != 0)
            broken("a reply that is neither OK nor ERR", n);
    }
    close(fd);
    if (st.clients != 0)
        broken("clients left", st.clients);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    int m;

    snprintf(dir, sizeof dir, "%s/ipcspec-fuzz-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        broken("mkdtemp", -errno);
    snprintf(path, sizeof path, "%s/srv", dir);
    if ((m = ipc_sock_unix_listen(path, SOCK_STREAM, 0600)) < 0)
        broken("listen", m);
    if (ipc_sock_server_create(&server, m, 4, path) != 0)
        broken("create", 0);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0; /* more than a socket takes at once: not this target's */
    decode(data, size);
    serve(data, size);
    return 0;
}
