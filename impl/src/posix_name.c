/* SPDX-License-Identifier: MIT */
/*
 * posix_name.c - the name rule of POSIX message queues and shared memory
 * objects (posix_name.h).
 */
#include "posix_name.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

int ipc_posix_name_check(const char *name)
{
    size_t len;

    if (name == NULL || name[0] != '/')
        return -EINVAL;
    /* Count no further than one byte past the longest name allowed. */
    len = strnlen(name, NAME_MAX + 2);
    if (len > NAME_MAX + 1)
        return -ENAMETOOLONG;
    if (len < 2 || strchr(name + 1, '/') != NULL)
        return -EINVAL;
    return 0;
}
