/* SPDX-License-Identifier: MIT */
/*
 * ipcspec/mq.h - POSIX message queues (mq_overview(7)).
 *
 * A checked layer over mq_open, mq_send, mq_receive, their timed variants,
 * mq_getattr / mq_setattr, mq_close and mq_unlink. Every function returns
 * >= 0 on success or a negative errno, never prints, never leaves meaning in
 * errno, and a failed call leaves no queue and no descriptor behind.
 *
 * On Linux an mqd_t is a file descriptor (an int): select(2) and poll(2)
 * work on it, and this API passes it as an int.
 *
 * Spec: spec/mq.md (MQ-API-*, MQ-FAULT-*). See also: src/mq.c.
 */
#ifndef IPCSPEC_MQ_H
#define IPCSPEC_MQ_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* The limits of a queue to create. */
struct ipc_mq_limits {
    long maxmsg;  /* messages the queue holds, >= 1 */
    long msgsize; /* bytes in one message, >= 1 */
};

/*
 * Check a queue name: '/' first, no other '/', 2 to NAME_MAX + 1 bytes
 * in all. Returns 0, -EINVAL (shape), or -ENAMETOOLONG; in that order of
 * checks: '/' first, then the length, then any other '/'. (The kernel says
 * EACCES for an inner '/' and ENOENT for "/" alone: this layer says -EINVAL.)
 */
int ipc_mq_name_check(const char *name);

/*
 * Open the queue name. flags: O_RDONLY, O_WRONLY or O_RDWR, with any of
 * O_CREAT, O_EXCL, O_NONBLOCK, O_CLOEXEC. mode and limits count only with
 * O_CREAT; limits NULL takes the system's defaults. Returns the descriptor,
 * or -EINVAL (bad name, flags or limits), -ENAMETOOLONG, or what mq_open(3)
 * failed with (-EEXIST, -ENOENT, -EACCES, -EMFILE, -ENOSPC, ...).
 */
int ipc_mq_open(const char *name, int flags, mode_t mode, const struct ipc_mq_limits *limits);

/*
 * Send len bytes with priority prio (< MQ_PRIO_MAX). Returns 0, or -EAGAIN
 * (non-blocking and full), -EMSGSIZE (len > the queue's msgsize), -EINVAL
 * (prio), -EBADF (not open for writing), -EINTR.
 */
int ipc_mq_send(int mq, const void *msg, size_t len, unsigned prio);

/* ipc_mq_send with an absolute CLOCK_REALTIME deadline: also -ETIMEDOUT,
 * and -EINVAL for a NULL deadline (glibc would wait forever) or one whose
 * tv_nsec is out of range (Linux checks it even when the call need not wait). */
int ipc_mq_timedsend(int mq, const void *msg, size_t len, unsigned prio,
                     const struct timespec *deadline);

/*
 * Receive the oldest message of the highest priority into buf (len must be
 * at least the queue's msgsize) and its priority into *prio unless NULL.
 * Returns the message's length, or -EAGAIN (non-blocking and empty),
 * -EMSGSIZE (len too small), -EBADF (not open for reading), -EINTR.
 */
ssize_t ipc_mq_receive(int mq, void *buf, size_t len, unsigned *prio);

/* ipc_mq_receive with an absolute CLOCK_REALTIME deadline: also -ETIMEDOUT,
 * and -EINVAL as for ipc_mq_timedsend. */
ssize_t ipc_mq_timedreceive(int mq, void *buf, size_t len, unsigned *prio,
                            const struct timespec *deadline);

/* Fill *limits and *queued (messages now in the queue), each unless NULL.
 * Returns 0 or -EBADF. */
int ipc_mq_stat(int mq, struct ipc_mq_limits *limits, long *queued);

/* Turn O_NONBLOCK on (nonblock != 0) or off, touching nothing else.
 * Returns 0 or -EBADF. */
int ipc_mq_set_nonblock(int mq, int nonblock);

/* Close the descriptor. Returns 0 or -EBADF. Like mq_close(3) on Linux, it
 * does not check that the descriptor is a queue: any descriptor is closed. */
int ipc_mq_close(int mq);

/* Remove the name; open descriptors keep the queue alive until closed.
 * Returns 0, -EINVAL / -ENAMETOOLONG (bad name), -ENOENT, -EACCES. */
int ipc_mq_unlink(const char *name);

#endif
