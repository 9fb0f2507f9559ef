/* SPDX-License-Identifier: MIT */
/*
 * demo_support.c - what several demo programs do alike (demo_support.h).
 */
#include "demo_support.h"

#include "ipcspec/sig.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int demo_stop_open(const char *prog)
{
    int rc = ipc_sig_ignore(SIGPIPE);

    if (rc < 0) {
        fprintf(stderr, "%s: sigaction: %s\n", prog, strerror(-rc));
        return -1;
    }
    int fd = ipc_sig_stop_open();
    if (fd < 0) {
        fprintf(stderr, "%s: stop signals: %s\n", prog, strerror(-fd));
        return -1;
    }
    return fd;
}

void demo_stop_close(int fd)
{
    if (fd >= 0)
        (void)ipc_sig_stop_close(); /* it releases the descriptor whatever it says */
}

int demo_sum_request(char *buf, size_t cap, int count, char *const words[])
{
    size_t used = (size_t)snprintf(buf, cap, "SUM");

    for (int i = 0; i < count; i++) {
        int len = snprintf(buf + used, cap - used, " %s", words[i]);
        if ((size_t)len >= cap - used)
            return -EMSGSIZE;
        used += (size_t)len;
    }
    return 0;
}

long demo_wait_ms(const char *text)
{
    char *end;
    long ms = strtol(text, &end, 10);

    if (end == text || *end != '\0' || ms < 1 || ms > 3600000)
        return -1;
    return ms;
}
