/* SPDX-License-Identifier: MIT */
/*
 * mux_helpers.h - what the multiplexing tests share: one question, "what
 * is this descriptor ready for right now", asked through select, poll or
 * epoll (a zero timeout each), with the answer in poll's bits, so one test
 * body checks the same object through all three (a variant row each).
 *
 * select's answer: POLLIN for the read set, POLLOUT for the write set,
 * POLLPRI for the exceptional set. poll's and epoll's: revents and events
 * as they are (EPOLLIN, EPOLLOUT, ... have poll's values).
 *
 * See also: test_mux_*.c, spec/mux.md.
 */
#ifndef MUX_HELPERS_H
#define MUX_HELPERS_H

#include "ipctest.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

enum mux_method { MUX_SELECT, MUX_POLL, MUX_EPOLL };

static const enum mux_method mux_by_select = MUX_SELECT, mux_by_poll = MUX_POLL,
                             mux_by_epoll = MUX_EPOLL;

/* The method of the variant row running now. */
static inline enum mux_method mux_method(void)
{
    return *(const enum mux_method *)ipct_variant();
}

/* The three rows of a readiness test. */
#define MUX_ROWS(fn) \
    IPCT_VARIANT(fn, "select", &mux_by_select), IPCT_VARIANT(fn, "poll", &mux_by_poll), \
        IPCT_VARIANT(fn, "epoll", &mux_by_epoll)

/* What fd is ready for now, by method m, in poll's bits. */
#define mux_ready(m, fd) mux__ready(m, fd, __FILE__, __LINE__)
static inline int mux__ready(enum mux_method m, int fd, const char *file, int line)
{
    const short want = POLLIN | POLLOUT | POLLPRI | POLLRDHUP;
    int n, got = 0;

    if (m == MUX_SELECT) {
        struct timeval zero = { 0, 0 };
        fd_set rd, wr, ex;

        FD_ZERO(&rd);
        FD_ZERO(&wr);
        FD_ZERO(&ex);
        FD_SET(fd, &rd);
        FD_SET(fd, &wr);
        FD_SET(fd, &ex);
        n = (int)ipct__sys_ok(select(fd + 1, &rd, &wr, &ex, &zero), "select", file, line);
        got = (FD_ISSET(fd, &rd) ? POLLIN : 0) | (FD_ISSET(fd, &wr) ? POLLOUT : 0) |
              (FD_ISSET(fd, &ex) ? POLLPRI : 0);
        ipct__cmp(ipct__int_s(n), IPCT_EQ,
                  ipct__int_s(!!(got & POLLIN) + !!(got & POLLOUT) + !!(got & POLLPRI)),
                  "select's count of set bits", file, line);
    } else if (m == MUX_POLL) {
        struct pollfd p = { .fd = fd, .events = want };

        n = (int)ipct__sys_ok(poll(&p, 1, 0), "poll", file, line);
        got = p.revents;
        ipct__cmp(ipct__int_s(n), IPCT_EQ, ipct__int_s(got != 0), "poll's count", file, line);
    } else {
        struct epoll_event ev = { .events = (uint32_t)want }, out = { 0 };
        int ep = (int)ipct__sys_ok(epoll_create1(EPOLL_CLOEXEC), "epoll_create1", file, line);

        ipct__sys_ok(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), "epoll_ctl(ADD)", file, line);
        n = (int)ipct__sys_ok(epoll_wait(ep, &out, 1, 0), "epoll_wait", file, line);
        got = n == 1 ? (int)out.events : 0;
        ipct__sys_ok(close(ep), "close(epoll)", file, line);
    }
    return got;
}

/* Milliseconds on the monotonic clock since start. */
static inline long mux_ms_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

#endif
