/* SPDX-License-Identifier: MIT */
/*
 * owner_lock.h - proof of life for the objects a server or publisher owns
 * (internal to impl/): the owner holds an open-file-description lock
 * (fcntl F_OFD_SETLK) on each object for as long as it lives; the kernel
 * drops the lock when the last descriptor of that open goes, at death
 * included. So an object nobody holds a lock on is provably abandoned, and
 * may be removed or taken over.
 *
 * See also: owner_lock.c, mq_server.c, shm_pubsub.c.
 */
#ifndef IPCSPEC_OWNER_LOCK_H
#define IPCSPEC_OWNER_LOCK_H

/* Take the whole-object lock on fd: a write lock when writable, a read lock
 * when read-only (a lock needs the matching access). Returns 0, -EAGAIN
 * (someone else holds a conflicting lock), or what fcntl failed with. */
int ipc__owner_lock(int fd, int writable);

/* Is a lock held on the object behind fd by another open? 1 yes, 0 no, or
 * what fcntl failed with. fd may be open for reading only. */
int ipc__owner_alive(int fd);

#endif
