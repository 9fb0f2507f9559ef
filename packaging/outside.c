/* SPDX-License-Identifier: MIT */
/*
 * outside.c - a program built outside the tree against an installed
 * ipcspec (pkg-config --cflags --libs ipcspec): it includes every public
 * header, sends a line through a pipe with ipc_write_full and reads it back
 * with ipc_read_full, and prints "outside: ok" when the line came back.
 *
 * Spec: none (a check of the install). See also: check_install.sh.
 */
#include <ipcspec/io.h>
#include <ipcspec/mq.h>
#include <ipcspec/mq_server.h>
#include <ipcspec/pipe.h>
#include <ipcspec/shm.h>
#include <ipcspec/shm_board.h>
#include <ipcspec/sig.h>
#include <ipcspec/sock.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    static const char line[] = "through the pipe";
    char back[sizeof line];
    size_t done;
    int fds[2];
    int rc;

    rc = ipc_pipe_open(fds, 0);
    if (rc < 0) {
        fprintf(stderr, "outside: ipc_pipe_open returned %d\n", rc);
        return 1;
    }
    if (ipc_write_full(fds[1], line, sizeof line, &done) < 0 ||
        ipc_read_full(fds[0], back, sizeof back, &done) < 0 ||
        memcmp(line, back, sizeof line) != 0) {
        fprintf(stderr, "outside: the line did not come back\n");
        ipc_pipe_close(fds);
        return 1;
    }
    ipc_pipe_close(fds);
    puts("outside: ok");
    return 0;
}
