/*
 * fdcheck.c - ipcspec-fdcheck FD...: a program for tests to exec, to learn
 * which descriptors survive execve(2). Exits 0 when every FD named is closed,
 * 1 when any is open, 2 on a bad argument.
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
        if (fcntl((int)fd, F_GETFD) != -1 || errno != EBADF)
            open_count++;
    }
    return open_count == 0 ? 0 : 1;
}
