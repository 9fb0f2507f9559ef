/*
 * mq_server_demo.c - the seed's N:1 server, runnable by hand.
 *
 *   ipcspec-mq-server BASE N
 *
 * Creates the 2N queues "BASE-req-I" / "BASE-rep-I" (BASE like "/sum"),
 * prints "ready" on standard output once they exist, and answers every
 * client's "SUM ..." until SIGTERM or SIGINT. Then it removes every queue and
 * exits 0. Exit 1, with one line on standard error naming the failed call,
 * when a call fails; exit 2 for a usage error.
 *
 * The handler only writes one byte into a non-blocking self-pipe, which the
 * server's select loop watches (async-signal-safe, no flag race).
 *
 * Spec: MQ-DEMO-01..07 (spec/mq.md). See also: mq_client_demo.c,
 * src/mq_server.c.
 */
#include "ipcspec/io.h"
#include "ipcspec/mq_server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int stop_pipe[2] = { -1, -1 };

static void on_stop(int sig)
{
    int saved = errno;
    char byte = (char)sig;

    /* A write that is interrupted or moves nothing is tried again, a few
     * times; -1 with EAGAIN is a full pipe: a stop is already due. */
    for (int tries = 0; tries < 3; tries++) {
        ssize_t n = write(stop_pipe[1], &byte, 1);
        if (n == 1 || (n == -1 && errno != EINTR))
            break;
    }
    errno = saved;
}

static int fail(const char *what, int neg_errno)
{
    fprintf(stderr, "ipcspec-mq-server: %s: %s\n", what, strerror(-neg_errno));
    return 1;
}

/* The self-pipe, then the handlers for SIGTERM and SIGINT; 0 or exit code. */
static int setup_stop(void)
{
    struct sigaction sa = { .sa_handler = on_stop };
    struct sigaction ign = { .sa_handler = SIG_IGN };
    static const int sigs[] = { SIGTERM, SIGINT };

    if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
        return fail("pipe2", -errno);
    sigemptyset(&sa.sa_mask);
    /* A closed standard output must give EPIPE to report, not kill us with
     * the queues still there. */
    if (sigaction(SIGPIPE, &ign, NULL) == -1)
        return fail("sigaction", -errno);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        if (sigaction(sigs[i], &sa, NULL) == -1)
            return fail("sigaction", -errno);
    }
    return 0;
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
    rc = ipc_mq_server_run(s, stop_pipe[0]);
    int exit_code = rc < 0 ? fail("serve", rc) : 0;
    if ((rc = ipc_mq_server_destroy(s)) < 0)
        exit_code = fail("destroy", rc);
    return exit_code;
}

/* Leave nothing open (FIU-SWEEP-02). The signals are blocked first, so the
 * handler never writes into a closed, or reused, descriptor. */
static void close_stop(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (int i = 0; i < 2; i++)
        if (stop_pipe[i] >= 0)
            close(stop_pipe[i]);
}

int main(int argc, char **argv)
{
    int n, code;

    if (argc != 3 || (n = parse_count(argv[2])) == 0) {
        fprintf(stderr, "usage: ipcspec-mq-server BASE N   (N from 1 to %d)\n",
                IPC_MQ_SERVER_MAX_CLIENTS);
        return 2;
    }
    code = setup_stop();
    if (code == 0)
        code = serve(argv[1], n);
    close_stop();
    return code;
}
