/* SPDX-License-Identifier: MIT */
/*
 * fdcheck.c - ipcspec-fdcheck FD...: a program for tests to exec, to learn
 * which descriptors survive execve(2). Exits 0 when every FD named is closed,
 * 1 when any is open, 2 on a bad argument; every open one is named on
 * standard error ("fd 5 is open after execve"), so a failing test says which.
 *
 * Spec: PIPE-CLOEXEC-01. See also: test_pipe_size.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int open_count = 0;

    for (int i = 1; i < argc; i++) {
        char *end;
        long fd = strtol(argv[i], &end, 10);
        if (end == argv[i] || *end != '\0' || fd < 0 || fd > 65535) {
            fprintf(stderr, "ipcspec-fdcheck: bad descriptor '%s'\n", argv[i]);
            return 2;
        }
        if (fcntl((int)fd, F_GETFD) != -1 || errno != EBADF) {
            fprintf(stderr, "ipcspec-fdcheck: fd %ld is open after execve\n", fd);
            open_count++;
        }
    }
    return open_count == 0 ? 0 : 1;
}
