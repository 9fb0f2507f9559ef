/* SPDX-License-Identifier: MIT */
/*
 * sweep_guard.c - a program the fault sweep must not call clean, though it
 * mishandles nothing: the self-test of the sweep's own guards
 * (FIU-SWEEP-10..11, check_guards.py).
 *
 *   ipcspec-sweep-guard silent NAME DIR
 *       makes no call either preload wraps: it prints "ok" through the raw
 *       write system call, so a trace sees nothing to sweep.
 *   ipcspec-sweep-guard unfired NAME DIR
 *       opens and closes /dev/null only while the sweep traces it
 *       (IPCSPEC_FAULT_TRACE set), so a fault armed on either call never
 *       fires in the runs that follow.
 *
 * Both exit 0 having printed "ok", leaving nothing behind. NAME and DIR are
 * what every sweep program gets; neither is used.
 *
 * See also: sweep_fixture.c (the sweep's judging of mishandled failures).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    if (strcmp(argv[1], "unfired") == 0 && getenv("IPCSPEC_FAULT_TRACE") != NULL) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd == -1 || close(fd) == -1)
            return 1;
    }
    /* syscall(2) is no wrapped call: "ok" is written without a trace. */
    return syscall(SYS_write, STDOUT_FILENO, "ok\n", 3) == 3 ? 0 : 1;
}
