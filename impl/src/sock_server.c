/* SPDX-License-Identifier: MIT */
/*
 * sock_server.c - the multiplexing stream server: the master socket
 * M, a bounded table of client sockets, and ONE select(2) loop over M and
 * every client. Unix SOCK_STREAM and TCP alike: the loop sees descriptors.
 *
 * Every descriptor that enters an fd_set is checked against FD_SETSIZE
 * first: M at create, each client as it is accepted (one too high is
 * refused: accepted and closed). Clients are read and written with
 * MSG_DONTWAIT, so a readiness that turns out spurious never stalls the
 * loop, and M is non-blocking for the same reason.
 *
 * Spec: SOCK-SRV-01..14 (spec/sock.md).
 * See also: include/ipcspec/sock.h, sock_frame.c (the client's side),
 * sock_dgram.c, mq_server_sum.c (the service), serve_loop.c (the select loop).
 */
#include "ipcspec/sock.h"
#include "ipcspec/mq_server.h"
#include "serve_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* One client: its socket, the frame coming in, the reply going out. */
struct client {
    int fd;         /* -1: a free slot */
    size_t in_len;  /* bytes of the frame received so far */
    size_t out_len; /* bytes of the reply frame; 0: none waits */
    size_t out_off; /* bytes of it sent */
    long long since; /* ms: accepted, or its last reply delivered (idle timeout) */
    unsigned char in[4 + IPC_SOCK_MSG_MAX];
    unsigned char out[4 + IPC_MQ_SERVER_REPLY_MAX];
};

struct ipc_sock_server {
    int master;
    int max;
    int idle_ms;    /* 0: no idle timeout */
    int backoff_ms;
    long long paused_until; /* ms: M is not watched before then */
    struct ipc_sock_stats st;
    char path[PATH_MAX]; /* "": no Unix path to remove */
    struct client c[];
};

int ipc_sock_server_create(struct ipc_sock_server **out, int master, int max_clients,
                           const char *path)
{
    struct ipc_sock_server *s;

    if (out == NULL || master < 0 || max_clients < 1 || max_clients > IPC_SOCK_SERVER_MAX_CLIENTS)
        return -EINVAL;
    if (master >= FD_SETSIZE)
        return -EMFILE;
    if (path != NULL && strlen(path) >= sizeof s->path)
        return -ENAMETOOLONG;
    if (fcntl(master, F_SETFL, O_NONBLOCK) == -1)
        return -errno;
    s = calloc(1, sizeof *s + (size_t)max_clients * sizeof s->c[0]);
    if (s == NULL)
        return -ENOMEM;
    s->master = master;
    s->max = max_clients;
    s->backoff_ms = IPC_SOCK_BACKOFF_MS;
    if (path != NULL)
        snprintf(s->path, sizeof s->path, "%s", path); /* fits: checked */
    for (int i = 0; i < max_clients; i++)
        s->c[i].fd = -1;
    *out = s;
    return 0;
}

int ipc_sock_server_set_idle(struct ipc_sock_server *s, int idle_ms)
{
    if (idle_ms < 0)
        return -EINVAL;
    s->idle_ms = idle_ms;
    return 0;
}

int ipc_sock_server_set_backoff(struct ipc_sock_server *s, int backoff_ms)
{
    if (backoff_ms < 1)
        return -EINVAL;
    s->backoff_ms = backoff_ms;
    return 0;
}

/* Close client c and free its slot; counted under *why. */
static void drop(struct ipc_sock_server *s, struct client *c, long *why)
{
    close(c->fd);
    c->fd = -1;
    s->st.clients--;
    (*why)++;
}

int ipc_sock_server_destroy(struct ipc_sock_server *s)
{
    int rc = 0;

    if (s == NULL)
        return 0;
    for (int i = 0; i < s->max; i++) {
        if (s->c[i].fd >= 0)
            close(s->c[i].fd);
    }
    close(s->master);
    if (s->path[0] != '\0') {
        rc = ipc_sock_unix_remove(s->path);
        if (rc == -ENOENT)
            rc = 0; /* someone removed it already: nothing of ours is left */
    }
    free(s);
    return rc;
}

void ipc_sock_server_stats(const struct ipc_sock_server *s, struct ipc_sock_stats *st)
{
    *st = s->st;
    st->waiting = 0;
    for (int i = 0; i < s->max; i++)
        st->waiting += s->c[i].fd >= 0 && s->c[i].out_len > 0;
}

/* Milliseconds on the monotonic clock (0 if it cannot be read: the idle
 * timeout and the back-off then end at once, and nothing waits for ever). */
static long long now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
        return 0;
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Refuse fd: read and discard what the client already sent, so that the
 * close is an end of file to it, not a reset; then close. */
static void refuse(struct ipc_sock_server *s, int fd)
{
    unsigned char sink[512];
    size_t drained = 0;
    ssize_t n;

    shutdown(fd, SHUT_WR); /* the end of file goes out before anything else */
    while (drained < IPC_SOCK_REFUSE_DRAIN &&
           (n = recv(fd, sink, sizeof sink, MSG_DONTWAIT)) > 0)
        drained += (size_t)n;
    close(fd);
    s->st.refused++;
}

/* M is readable: take one connection into a free slot, or refuse it; 1
 * when one was taken either way, 0 when accept failed (EAGAIN: none left). */
static int accept_one(struct ipc_sock_server *s)
{
    int fd = accept4(s->master, NULL, NULL, SOCK_CLOEXEC);

    if (fd == -1) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            s->paused_until = now_ms() + s->backoff_ms; /* accepting again cannot help */
            s->st.backoffs++;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
            s->st.accept_errors++;
        return 0;
    }
    for (int i = 0; i < s->max && fd < FD_SETSIZE; i++) {
        if (s->c[i].fd < 0) {
            memset(&s->c[i], 0, sizeof s->c[i]);
            s->c[i].fd = fd;
            s->c[i].since = now_ms();
            s->st.clients++;
            s->st.accepted++;
            return 1;
        }
    }
    refuse(s, fd); /* table full, or beyond what select can watch */
    return 1;
}

/* Send what is left of c's reply; 1 when it is all out, 0 when it waits. */
static int flush(struct ipc_sock_server *s, struct client *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
                         MSG_DONTWAIT | MSG_NOSIGNAL);

        if (n == -1) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                drop(s, c, &s->st.dropped);
            return 0;
        }
        c->out_off += (size_t)n;
    }
    c->out_len = c->out_off = c->in_len = 0;
    c->since = now_ms();
    s->st.answered++;
    return 1;
}

/* The payload length a complete header announces. */
static size_t frame_len(const unsigned char *h)
{
    return (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
}

/* c's frame is complete: build the reply frame and start sending it. */
static int answer(struct ipc_sock_server *s, struct client *c)
{
    int n = ipc_mq_sum_answer((const char *)c->in + 4, c->in_len - 4, (char *)c->out + 4,
                              sizeof c->out - 4);

    c->out[0] = c->out[1] = 0;
    c->out[2] = (unsigned char)(n >> 8);
    c->out[3] = (unsigned char)n;
    c->out_len = 4 + (size_t)n;
    c->out_off = 0;
    return flush(s, c);
}

/* c is readable: one recv towards its frame; 1 when a reply went out. */
static int serve(struct ipc_sock_server *s, struct client *c)
{
    size_t want = c->in_len < 4 ? 4 - c->in_len : 4 + frame_len(c->in) - c->in_len;
    ssize_t n = recv(c->fd, c->in + c->in_len, want, MSG_DONTWAIT);

    if (n == -1) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            drop(s, c, &s->st.dropped);
        return 0;
    }
    if (n == 0) {
        drop(s, c, &s->st.disconnected);
        return 0;
    }
    c->in_len += (size_t)n;
    if (c->in_len == 4) {
        size_t len = frame_len(c->in);
        if (len == 0 || len > IPC_SOCK_MSG_MAX)
            drop(s, c, &s->st.dropped); /* malformed: this client only */
        return 0;
    }
    if (c->in_len > 4 && c->in_len == 4 + frame_len(c->in))
        return answer(s, c);
    return 0;
}

/* Fill rd/wr from M (unless paused), the clients and stop_fd (unless < 0);
 * select's nfds. */
static int watch(const struct ipc_sock_server *s, int stop_fd, long long now, fd_set *rd,
                 fd_set *wr)
{
    int nfds = (stop_fd > s->master ? stop_fd : s->master) + 1;

    FD_ZERO(rd);
    FD_ZERO(wr);
    if (now >= s->paused_until)
        FD_SET(s->master, rd);
    if (stop_fd >= 0)
        FD_SET(stop_fd, rd);
    for (int i = 0; i < s->max; i++) {
        const struct client *c = &s->c[i];

        if (c->fd < 0)
            continue;
        FD_SET(c->fd, c->out_len > 0 ? wr : rd); /* a waiting reply first */
        if (c->fd >= nfds)
            nfds = c->fd + 1;
    }
    return nfds;
}

/* timeout_ms cut to the end of the back-off and the next idle deadline. */
static int wait_ms(const struct ipc_sock_server *s, long long now, int timeout_ms)
{
    long long until = timeout_ms < 0 ? -1 : now + timeout_ms;

    if (now < s->paused_until && (until < 0 || s->paused_until < until))
        until = s->paused_until;
    for (int i = 0; s->idle_ms > 0 && i < s->max; i++) {
        long long end = s->c[i].since + s->idle_ms;

        if (s->c[i].fd >= 0 && (until < 0 || end < until))
            until = end;
    }
    if (until < 0)
        return -1;
    return until <= now ? 0 : (int)(until - now);
}

/* Close every client that had no reply delivered for the idle timeout. */
static void expire(struct ipc_sock_server *s)
{
    long long now = now_ms();

    for (int i = 0; s->idle_ms > 0 && i < s->max; i++) {
        if (s->c[i].fd >= 0 && now - s->c[i].since >= s->idle_ms)
            drop(s, &s->c[i], &s->st.timed_out);
    }
}

/* One round (an ipc_serve_round_fn): serve what select found ready. */
static int round_once(void *server, int stop_fd, int timeout_ms, int *stopped)
{
    struct ipc_sock_server *s = server;
    fd_set rd, wr;
    long long now = now_ms();
    int nfds = watch(s, stop_fd, now, &rd, &wr);
    int answered = 0;
    int rc = ipc_serve_select(nfds, &rd, &wr, wait_ms(s, now, timeout_ms));

    if (rc < 0)
        return rc;
    for (int i = 0; i < s->max; i++) {
        struct client *c = &s->c[i];

        if (c->fd < 0)
            continue;
        if (c->out_len > 0 && FD_ISSET(c->fd, &wr))
            answered += flush(s, c);
        else if (c->out_len == 0 && FD_ISSET(c->fd, &rd))
            answered += serve(s, c);
    }
    expire(s);
    /* After the clients: a new slot is not in this round's sets. Up to a
     * backlog's worth a round, so a crowd is taken in quickly and still
     * cannot keep the clients in from being served. */
    for (int k = 0; FD_ISSET(s->master, &rd) && k < IPC_SOCK_BACKLOG && accept_one(s); k++)
        ;
    *stopped = stop_fd >= 0 && FD_ISSET(stop_fd, &rd);
    return answered;
}

int ipc_sock_server_step(struct ipc_sock_server *s, int timeout_ms)
{
    int stopped;

    return round_once(s, -1, timeout_ms, &stopped);
}

int ipc_sock_server_run(struct ipc_sock_server *s, int stop_fd)
{
    return ipc_serve_until_stopped(round_once, s, stop_fd);
}
