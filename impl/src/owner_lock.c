/* SPDX-License-Identifier: MIT */
/*
 * owner_lock.c - the liveness lock of servers and publishers: a whole-object
 * open-file-description lock, held while the owner lives, tested by whoever
 * finds the object (fcntl(2) "Open file description locks").
 *
 * Spec: MQ-SRV-29, SHM-PUB-09..11 (spec/mq.md, spec/shm.md).
 * See also: owner_lock.h, mq_server.c, shm_pubsub.c.
 */
#include "owner_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

int ipc__owner_lock(int fd, int writable)
{
    struct flock fl;

    memset(&fl, 0, sizeof fl); /* l_pid must be 0 for an OFD lock */
    fl.l_type = writable ? F_WRLCK : F_RDLCK;
    fl.l_whence = SEEK_SET; /* l_start 0, l_len 0: the whole object */
    if (fcntl(fd, F_OFD_SETLK, &fl) == -1)
        return errno == EACCES ? -EAGAIN : -errno;
    return 0;
}

int ipc__owner_alive(int fd)
{
    struct flock fl;

    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK; /* conflicts with any lock: reports every holder */
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_OFD_GETLK, &fl) == -1)
        return -errno;
    return fl.l_type != F_UNLCK;
}
