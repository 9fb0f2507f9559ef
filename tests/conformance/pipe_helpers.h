/*
 * pipe_helpers.h - small pipe measurements the pipe tests share.
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
static inline int pipe_capacity(int fd)
{
    return (int)ASSERT_SYS_OK(fcntl(fd, F_GETPIPE_SZ));
}

/* The bytes waiting in the pipe, by FIONREAD. */
static inline int pipe_unread(int fd)
{
    int n = -1;

    ASSERT_SYS_OK(ioctl(fd, FIONREAD, &n));
    return n;
}

/* Write PIPE_BUF-sized chunks to a non-blocking write end until EAGAIN;
 * returns the bytes the pipe took. */
static inline long pipe_fill_nonblocking(int wfd)
{
    static const char chunk[PIPE_BUF];
    long total = 0;
    ssize_t n;

    while ((n = write(wfd, chunk, sizeof chunk)) > 0)
        total += n;
    ASSERT_SYS_ERR(n, EAGAIN);
    return total;
}

#endif
