/* SPDX-License-Identifier: MIT */
/*
 * intr_calls.h - the blocking calls the interruption tests put to sleep,
 * one struct intr_call row each: a pipe read end nothing is written to, a
 * socket nothing is sent to, a listening socket nobody connects to, a
 * full pipe or queue, a semaphore at zero, a sleep.
 *
 * Every wait is long (twice the harness's deadline), so only the
 * interruption, or the test's release, ends it.
 *
 * See also: intr_helpers.h (the experiment), intr_objects.h (the objects), test_sig_intr.c,
 * test_sig_restart.c, test_sig_stopint.c.
 */
#ifndef INTR_CALLS_H
#define INTR_CALLS_H

#include "intr_helpers.h"
#include "intr_objects.h"

#include <mqueue.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

/* glibc's select(2) is the pselect6 system call; musl makes select itself. */
#if defined(__GLIBC__) || !defined(SYS_select)
#define INTR_SYS_SELECT SYS_pselect6
#else
#define INTR_SYS_SELECT SYS_select
#endif

/* glibc's semop is the semtimedop system call; musl makes semop itself. */
#if defined(__GLIBC__) || !defined(SYS_semop)
#define INTR_SYS_SEMOP SYS_semtimedop
#else
#define INTR_SYS_SEMOP SYS_semop
#endif

/* pause(2) is its own system call where the architecture has one; where it
 * has none (aarch64, riscv64) glibc and musl wait in ppoll(NULL, 0, NULL,
 * NULL). The probe takes rt_sigsuspend for pause too. */
#ifdef SYS_pause
#define INTR_SYS_PAUSE SYS_pause
#else
#define INTR_SYS_PAUSE SYS_ppoll
#endif

/* A wait no test outlives: twice the harness's deadline. */
static inline struct timespec intr_long_ts(void)
{
    long ms = 2L * ipct_deadline_ms();

    return (struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };
}

static inline struct timeval intr_long_tv(void)
{
    struct timespec ts = intr_long_ts();

    return (struct timeval){ .tv_sec = ts.tv_sec, .tv_usec = ts.tv_nsec / 1000 };
}

/* ---- the calls (the child) ---- */

/* Read from fd[0]: done when it returns "y". */
static inline long intr_read(struct intr_obj *o)
{
    char c = 0;
    ssize_t n = read(o->fd[0], &c, 1);

    if (n == -1)
        return -1;
    ASSERT_EQ(n, 1);
    ASSERT_EQ(c, 'y');
    return 0;
}

/* Receive from fd[0], a socket; with timeo a long SO_RCVTIMEO first. */
static inline long intr_recv_with(struct intr_obj *o, int timeo)
{
    struct timeval tv = intr_long_tv();
    char c = 0;

    if (timeo)
        ASSERT_SYS_OK(setsockopt(o->fd[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    ssize_t n = recv(o->fd[0], &c, 1, 0);
    if (n == -1)
        return -1;
    ASSERT_EQ(n, 1);
    ASSERT_EQ(c, 'y');
    return 0;
}

static inline long intr_recv(struct intr_obj *o)
{
    return intr_recv_with(o, 0);
}

static inline long intr_recv_timeo(struct intr_obj *o)
{
    return intr_recv_with(o, 1);
}

/* Send one byte on the full fd[1]; with timeo a long SO_SNDTIMEO first. */
static inline long intr_send_with(struct intr_obj *o, int timeo)
{
    struct timeval tv = intr_long_tv();

    if (timeo)
        ASSERT_SYS_OK(setsockopt(o->fd[1], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
    ssize_t n = send(o->fd[1], "x", 1, 0);
    if (n == -1)
        return -1;
    ASSERT_EQ(n, 1);
    return 0;
}

static inline long intr_send(struct intr_obj *o)
{
    return intr_send_with(o, 0);
}

static inline long intr_send_timeo(struct intr_obj *o)
{
    return intr_send_with(o, 1);
}

/* Accept on the listener fd[0]; with timeo a long SO_RCVTIMEO first. */
static inline long intr_accept_with(struct intr_obj *o, int timeo)
{
    struct timeval tv = intr_long_tv();

    if (timeo)
        ASSERT_SYS_OK(setsockopt(o->fd[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    int fd = accept(o->fd[0], NULL, NULL);
    if (fd == -1)
        return -1;
    ASSERT_SYS_OK(close(fd));
    return 0;
}

static inline long intr_accept(struct intr_obj *o)
{
    return intr_accept_with(o, 0);
}

static inline long intr_accept_timeo(struct intr_obj *o)
{
    return intr_accept_with(o, 1);
}

/* Write one byte into the full pipe fd[1]. */
static inline long intr_write(struct intr_obj *o)
{
    ssize_t n = write(o->fd[1], "x", 1);

    if (n == -1)
        return -1;
    ASSERT_EQ(n, 1);
    return 0;
}

/* select / poll / epoll on fd[0] for reading: done when it is readable. */
static inline long intr_select(struct intr_obj *o)
{
    fd_set rd;

    FD_ZERO(&rd);
    FD_SET(o->fd[0], &rd);
    int n = select(o->fd[0] + 1, &rd, NULL, NULL, NULL);
    if (n == -1)
        return -1;
    ASSERT_EQ(n, 1);
    ASSERT_TRUE(FD_ISSET(o->fd[0], &rd));
    return 0;
}

static inline long intr_pselect(struct intr_obj *o)
{
    fd_set rd;

    FD_ZERO(&rd);
    FD_SET(o->fd[0], &rd);
    int n = pselect(o->fd[0] + 1, &rd, NULL, NULL, NULL, NULL);
    if (n == -1)
        return -1;
    ASSERT_EQ(n, 1);
    return 0;
}

static inline long intr_poll(struct intr_obj *o)
{
    struct pollfd p = { .fd = o->fd[0], .events = POLLIN };
    int n = poll(&p, 1, -1);

    if (n == -1)
        return -1;
    ASSERT_EQ(n, 1);
    ASSERT_EQ(p.revents, POLLIN);
    return 0;
}

static inline long intr_ppoll(struct intr_obj *o)
{
    struct pollfd p = { .fd = o->fd[0], .events = POLLIN };
    int n = ppoll(&p, 1, NULL, NULL);

    if (n == -1)
        return -1;
    ASSERT_EQ(n, 1);
    return 0;
}

static inline long intr_epoll_with(struct intr_obj *o, int pwait)
{
    struct epoll_event ev = { .events = EPOLLIN }, got;
    int ep = (int)ASSERT_SYS_OK(epoll_create1(EPOLL_CLOEXEC));
    int n;

    ASSERT_SYS_OK(epoll_ctl(ep, EPOLL_CTL_ADD, o->fd[0], &ev));
    n = pwait ? epoll_pwait(ep, &got, 1, -1, NULL) : epoll_wait(ep, &got, 1, -1);
    int saved = errno;
    ASSERT_SYS_OK(close(ep));
    errno = saved;
    if (n == -1)
        return -1;
    ASSERT_EQ(n, 1);
    return 0;
}

static inline long intr_epoll_wait(struct intr_obj *o)
{
    return intr_epoll_with(o, 0);
}

static inline long intr_epoll_pwait(struct intr_obj *o)
{
    return intr_epoll_with(o, 1);
}

/* Wait for SIGUSR2 (blocked), which nobody sends. */
static inline long intr_sigtimedwait(struct intr_obj *o)
{
    struct timespec ts = intr_long_ts();
    sigset_t set;

    (void)o;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    return sigtimedwait(&set, NULL, &ts) == -1 ? -1 : 0;
}

static inline long intr_sigwaitinfo(struct intr_obj *o)
{
    sigset_t set;

    (void)o;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    return sigwaitinfo(&set, NULL) == -1 ? -1 : 0;
}

static inline long intr_nanosleep(struct intr_obj *o)
{
    struct timespec ts = intr_long_ts(), rem;

    (void)o;
    return nanosleep(&ts, &rem);
}

/* clock_nanosleep returns its error number: made -1 and errno here. */
static inline long intr_clock_nanosleep(struct intr_obj *o)
{
    struct timespec ts = intr_long_ts(), rem;
    int err;

    (void)o;
    err = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &rem);
    if (err == 0)
        return 0;
    errno = err;
    return -1;
}

static inline long intr_pause(struct intr_obj *o)
{
    (void)o;
    return pause();
}

/* Take one from the semaphore at zero. */
static inline long intr_semop(struct intr_obj *o)
{
    struct sembuf op = { .sem_num = 0, .sem_op = -1, .sem_flg = 0 };

    return semop(o->id, &op, 1);
}

static inline long intr_mq_receive(struct intr_obj *o)
{
    char buf[8];
    ssize_t n = mq_receive(o->fd[0], buf, sizeof buf, NULL);

    if (n == -1)
        return -1;
    ASSERT_EQ(n, 1);
    ASSERT_EQ(buf[0], 'y');
    return 0;
}

static inline long intr_mq_send(struct intr_obj *o)
{
    return mq_send(o->fd[0], "x", 1, 0);
}

/* Open the FIFO at name for reading: waits for a writer. */
static inline long intr_open_fifo(struct intr_obj *o)
{
    int fd = open(o->name, O_RDONLY | O_CLOEXEC);

    if (fd == -1)
        return -1;
    ASSERT_SYS_OK(close(fd));
    return 0;
}

#endif
