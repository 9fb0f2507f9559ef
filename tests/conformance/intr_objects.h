/* SPDX-License-Identifier: MIT */
/*
 * intr_objects.h - the objects the interruption tests' calls block on, as
 * the test process makes, releases and removes them: an empty or full pipe,
 * a socket pair (full or not), a listening Unix socket, a System V
 * semaphore at zero, an empty or full message queue.
 *
 * See also: intr_calls.h (the calls and the rows' shared parts),
 * intr_helpers.h (the experiment).
 */
#ifndef INTR_OBJECTS_H
#define INTR_OBJECTS_H

#include "intr_helpers.h"

#include <mqueue.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/un.h>

static inline void intr_make_pipe(struct intr_obj *o)
{
    ASSERT_SYS_OK(pipe2(o->fd, O_CLOEXEC));
}

static inline void intr_make_pair(struct intr_obj *o)
{
    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, o->fd));
}

static inline void intr_close_both(struct intr_obj *o)
{
    ASSERT_SYS_OK(close(o->fd[0]));
    ASSERT_SYS_OK(close(o->fd[1]));
}

/* Write "y" into fd[1]: the pipe or the socket pair's other end. */
static inline void intr_send_y(struct intr_obj *o)
{
    ASSERT_EQ(ASSERT_SYS_OK(write(o->fd[1], "y", 1)), 1);
}

/* A pipe whose write end fd[1] is full (filled without blocking, then
 * made blocking again). */
static inline void intr_make_full_pipe(struct intr_obj *o)
{
    static char chunk[4096];

    intr_make_pipe(o);
    ASSERT_SYS_OK(fcntl(o->fd[1], F_SETFL, O_NONBLOCK));
    while (write(o->fd[1], chunk, sizeof chunk) > 0) {
    }
    ASSERT_ERRNO_EQ(errno, EAGAIN);
    ASSERT_SYS_OK(fcntl(o->fd[1], F_SETFL, 0));
}

/* Read everything there is from the socket fd[0]: a sender waits until
 * most of its buffer is free, not just some of it. */
static inline void intr_drain(struct intr_obj *o)
{
    static char chunk[1 << 16];

    while (recv(o->fd[0], chunk, sizeof chunk, MSG_DONTWAIT) > 0) {
    }
    ASSERT_ERRNO_EQ(errno, EAGAIN);
}

static inline void intr_drain_pipe(struct intr_obj *o)
{
    static char chunk[1 << 16];

    ASSERT_GT(ASSERT_SYS_OK(read(o->fd[0], chunk, sizeof chunk)), 0);
}

/* A listening Unix stream socket in fd[0], bound at a path of the test. */
static inline void intr_make_listener(struct intr_obj *o)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    o->name = ipct_path("listen.sock");
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", o->name);
    o->fd[0] = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_OK(bind(o->fd[0], (struct sockaddr *)&sa, sizeof sa));
    ASSERT_SYS_OK(listen(o->fd[0], 4));
}

static inline void intr_connect(struct intr_obj *o)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", o->name);
    o->fd[1] = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_OK(connect(o->fd[1], (struct sockaddr *)&sa, sizeof sa));
}

static inline void intr_destroy_listener(struct intr_obj *o)
{
    ASSERT_SYS_OK(close(o->fd[0]));
    if (o->fd[1] != -1)
        ASSERT_SYS_OK(close(o->fd[1]));
    ASSERT_SYS_OK(unlink(o->name));
}

/* A socket pair whose fd[1] cannot take one more byte. */
static inline void intr_make_full_pair(struct intr_obj *o)
{
    static char chunk[4096];

    intr_make_pair(o);
    while (send(o->fd[1], chunk, sizeof chunk, MSG_DONTWAIT) > 0) {
    }
    ASSERT_ERRNO_EQ(errno, EAGAIN);
    while (send(o->fd[1], chunk, 1, MSG_DONTWAIT) > 0) {
    }
    ASSERT_ERRNO_EQ(errno, EAGAIN);
}

/* A System V semaphore set of one, at zero. */
static inline void intr_make_sem(struct intr_obj *o)
{
    o->id = (int)ASSERT_SYS_OK(semget(IPC_PRIVATE, 1, IPC_CREAT | 0600));
}

static inline void intr_destroy_sem(struct intr_obj *o)
{
    ASSERT_SYS_OK(semctl(o->id, 0, IPC_RMID));
}

/* A queue of one message: empty (fd[0]) or full (fd[1] set to 1). */
static inline void intr_make_queue(struct intr_obj *o, int full)
{
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };

    o->name = ipct_ipc_name("mq");
    o->fd[0] = (int)ASSERT_SYS_OK(mq_open(o->name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr));
    if (full)
        ASSERT_SYS_OK(mq_send(o->fd[0], "z", 1, 0));
}

static inline void intr_make_empty_queue(struct intr_obj *o)
{
    intr_make_queue(o, 0);
}

static inline void intr_make_full_queue(struct intr_obj *o)
{
    intr_make_queue(o, 1);
}

static inline void intr_queue_send_y(struct intr_obj *o)
{
    ASSERT_SYS_OK(mq_send(o->fd[0], "y", 1, 0));
}

static inline void intr_queue_take(struct intr_obj *o)
{
    char buf[8];

    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(o->fd[0], buf, sizeof buf, NULL)), 1);
}

static inline void intr_destroy_queue(struct intr_obj *o)
{
    ASSERT_SYS_OK(mq_close(o->fd[0]));
    ASSERT_SYS_OK(mq_unlink(o->name));
}

/* No object (a sleep, a signal wait), and nothing to release. */
static inline void intr_nothing(struct intr_obj *o)
{
    (void)o;
}

#endif
