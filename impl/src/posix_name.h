/* SPDX-License-Identifier: MIT */
/*
 * posix_name.h - the name rule POSIX message queues and shared memory
 * objects share (internal to impl/): mq_overview(7) and shm_overview(7)
 * both ask for "/name", one slash only, at most NAME_MAX bytes after it.
 *
 * See also: mq.c (ipc_mq_name_check), shm.c (ipc_shm_name_check).
 */
#ifndef IPCSPEC_POSIX_NAME_H
#define IPCSPEC_POSIX_NAME_H

/* 0 for a valid name, -EINVAL (NULL, no leading slash, nothing after it, a
 * second slash) or -ENAMETOOLONG (more than NAME_MAX bytes after it). */
int ipc_posix_name_check(const char *name);

#endif
