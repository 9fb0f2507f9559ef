/* SPDX-License-Identifier: MIT */
/*
 * mech_sig.c - signals. "sigqueue": a real-time signal sent with
 * sigqueue(3) and taken with sigwaitinfo(2) while blocked, through impl/
 * (ipc_sig_queue, ipc_sig_wait) and raw. "sig-bridge": a real-time signal
 * sent with kill(2) and caught by a handler that writes a byte to a
 * self-pipe, which the receiver polls: impl/'s bridge (ipc_sig_bridge_open,
 * ipc_sig_bridge_next) against the same pattern written here. A signal
 * carries no payload (sigqueue: one int), so these rows have one size.
 * Real-time signals queue, so none is merged and every one is counted.
 *
 * See also: bench.h, include/ipcspec/sig.h, src/sig_bridge.c.
 */
#include "bench.h"

#include "ipcspec/sig.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

static int queue_sig(void)
{
    return SIGRTMIN;
}

static int bridge_sig(void)
{
    return SIGRTMIN + 1;
}

/* Block sig before the fork: the child inherits the mask, so nothing
 * arrives before either side is ready for it. */
static int block_one(int sig)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, sig);
    return sigprocmask(SIG_BLOCK, &set, NULL) == -1 ? -errno : 0;
}

/* Take every pending sig (none should be left), then leave it blocked. */
static void drain(int sig)
{
    const struct timespec zero = {0};
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_BLOCK, &set, NULL);
    while (sigtimedwait(&set, NULL, &zero) > 0) {
        /* one more taken */
    }
}

static int nothing_side(struct chan *c, int who)
{
    (void)c;
    (void)who;
    return 0;
}

static void nothing_cleanup(struct chan *c)
{
    (void)c;
}

/* ---- sigqueue ------------------------------------------------------------- */

static int sq_open(struct chan *c)
{
    (void)c;
    return block_one(queue_sig());
}

static int sq_impl_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    int rc;

    (void)buf;
    (void)len;
    (void)last;
    while ((rc = ipc_sig_queue(c->peer[who], queue_sig(), 1)) == -EAGAIN)
        sched_yield(); /* the receiver's queue is full: let it catch up */
    return rc;
}

static int sq_raw_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    const union sigval v = { .sival_int = 1 };

    (void)buf;
    (void)len;
    (void)last;
    while (sigqueue(c->peer[who], queue_sig(), v) == -1) {
        if (errno != EAGAIN)
            return -errno;
        sched_yield();
    }
    return 0;
}

static ssize_t sq_impl_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    sigset_t set;
    int sig;

    (void)c, (void)who, (void)buf, (void)len, (void)last;
    sigemptyset(&set);
    sigaddset(&set, queue_sig());
    sig = ipc_sig_wait(&set, -1, NULL);
    return sig < 0 ? sig : 1;
}

static ssize_t sq_raw_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    sigset_t set;

    (void)c, (void)who, (void)buf, (void)len, (void)last;
    sigemptyset(&set);
    sigaddset(&set, queue_sig());
    return sigwaitinfo(&set, NULL) == -1 ? -errno : 1;
}

static void sq_close(struct chan *c, int who)
{
    (void)c;
    (void)who;
    drain(queue_sig());
}

/* ---- the bridge ------------------------------------------------------------ */

static int br_open(struct chan *c)
{
    (void)c;
    return block_one(bridge_sig());
}

static int br_impl_side(struct chan *c, int who)
{
    sigset_t set;
    int fd;

    sigemptyset(&set);
    sigaddset(&set, bridge_sig());
    if ((fd = ipc_sig_bridge_open(&set, 0)) < 0)
        return fd;
    c->rfd[who] = fd;
    return 0;
}

static int br_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    (void)buf;
    (void)len;
    (void)last;
    return ipc_sig_send(c->peer[who], bridge_sig());
}

static int br_raw_send(struct chan *c, int who, const void *buf, size_t len, int last)
{
    (void)buf;
    (void)len;
    (void)last;
    return kill(c->peer[who], bridge_sig()) == -1 ? -errno : 0;
}

/* Wait until fd is readable; a handler's interruption is waited through,
 * the watchdog's is not. */
static int await_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    while (poll(&p, 1, -1) == -1) {
        if (errno != EINTR || bench_watchdog_fired)
            return -errno;
    }
    return 0;
}

static ssize_t br_impl_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    int sig;

    (void)buf, (void)len, (void)last;
    while ((sig = ipc_sig_bridge_next()) == -EAGAIN) {
        int rc = await_readable(c->rfd[who]);

        if (rc < 0)
            return rc;
    }
    return sig < 0 ? sig : 1;
}

static void br_impl_close(struct chan *c, int who)
{
    ipc_sig_bridge_close();
    c->rfd[who] = -1;
    drain(bridge_sig());
}

/* The raw bridge: the same pattern, written here. */
static volatile sig_atomic_t raw_wfd = -1;

static void raw_handler(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;

    if (write(raw_wfd, &b, 1) == -1) {
        /* a full pipe: its reader is awake already */
    }
    errno = saved;
}

static int br_raw_side(struct chan *c, int who)
{
    struct sigaction sa = { .sa_handler = raw_handler, .sa_flags = SA_RESTART };
    sigset_t set;
    int fds[2];

    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == -1)
        return -errno;
    c->rfd[who] = fds[0];
    raw_wfd = fds[1];
    sigemptyset(&sa.sa_mask);
    sigemptyset(&set);
    sigaddset(&set, bridge_sig());
    if (sigaction(bridge_sig(), &sa, NULL) == -1 || sigprocmask(SIG_UNBLOCK, &set, NULL) == -1)
        return -errno;
    return 0;
}

static ssize_t br_raw_recv(struct chan *c, int who, void *buf, size_t len, int *last)
{
    unsigned char b;

    (void)buf, (void)len, (void)last;
    while (read(c->rfd[who], &b, 1) == -1) {
        int rc;

        if (errno != EAGAIN && errno != EINTR)
            return -errno;
        if ((rc = await_readable(c->rfd[who])) < 0)
            return rc;
    }
    return 1;
}

static void br_raw_close(struct chan *c, int who)
{
    struct sigaction sa = { .sa_handler = SIG_DFL };

    drain(bridge_sig()); /* blocked from here on */
    sigemptyset(&sa.sa_mask);
    sigaction(bridge_sig(), &sa, NULL);
    close(c->rfd[who]);
    close((int)raw_wfd);
    c->rfd[who] = -1;
    raw_wfd = -1;
}

#define SIG_WHY "a signal carries one int"

const struct mech bench_sig_mechs[] = {
    { .name = "sigqueue", .via = "impl", .why = SIG_WHY, .open = sq_open, .side = nothing_side,
      .send = sq_impl_send, .recv = sq_impl_recv, .close = sq_close, .cleanup = nothing_cleanup },
    { .name = "sigqueue", .via = "raw", .why = SIG_WHY, .open = sq_open, .side = nothing_side,
      .send = sq_raw_send, .recv = sq_raw_recv, .close = sq_close, .cleanup = nothing_cleanup },
    { .name = "sig-bridge", .via = "impl", .why = SIG_WHY, .open = br_open, .side = br_impl_side,
      .send = br_send, .recv = br_impl_recv, .close = br_impl_close, .cleanup = nothing_cleanup },
    { .name = "sig-bridge", .via = "raw", .why = SIG_WHY, .open = br_open, .side = br_raw_side,
      .send = br_raw_send, .recv = br_raw_recv, .close = br_raw_close, .cleanup = nothing_cleanup },
    { .name = NULL },
};
