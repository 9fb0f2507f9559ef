/* SPDX-License-Identifier: MIT */
/*
 * pipe_helpers.h - small pipe measurements the pipe tests share. Each is a
 * macro that passes the caller's file and line, so a failure names the test.
 *
 * See also: test_pipe_block.c, test_pipe_size.c, test_pipe_api.c.
 */
#ifndef PIPE_HELPERS_H
#define PIPE_HELPERS_H

#include "ipctest.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The capacity of the pipe behind fd, by F_GETPIPE_SZ. */
#define pipe_capacity(fd) pipe__capacity(fd, __FILE__, __LINE__)
static inline int pipe__capacity(int fd, const char *file, int line)
{
    return (int)ipct__sys_ok(fcntl(fd, F_GETPIPE_SZ), "fcntl(fd, F_GETPIPE_SZ)", file, line);
}

/* The bytes waiting in the pipe, by FIONREAD. */
#define pipe_unread(fd) pipe__unread(fd, __FILE__, __LINE__)
static inline int pipe__unread(int fd, const char *file, int line)
{
    int n = -1;

    ipct__sys_ok(ioctl(fd, FIONREAD, &n), "ioctl(fd, FIONREAD, &n)", file, line);
    return n;
}

/* Write PIPE_BUF-sized chunks to a non-blocking write end until EAGAIN;
 * returns the bytes the pipe took. */
#define pipe_fill_nonblocking(wfd) pipe__fill_nonblocking(wfd, __FILE__, __LINE__)
static inline long pipe__fill_nonblocking(int wfd, const char *file, int line)
{
    static const char chunk[PIPE_BUF];
    long total = 0;
    ssize_t n;

    while ((n = write(wfd, chunk, sizeof chunk)) > 0)
        total += n;
    ipct__sys_err(n, EAGAIN, "write(wfd, chunk, PIPE_BUF) on the full pipe", "EAGAIN", file,
                  line);
    return total;
}

#endif
