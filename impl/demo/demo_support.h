/* SPDX-License-Identifier: MIT */
/*
 * demo_support.h - what several demo programs do alike: the servers' stop
 * (SIGPIPE ignored, then the signals layer's stop descriptor) and the
 * clients' "SUM ..." request and -w wait.
 *
 * See also: mq_server_demo.c, sock_server_demo.c, shm_publisher_demo.c,
 * mq_client_demo.c, sock_client_demo.c, include/ipcspec/sig.h.
 */
#ifndef IPCSPEC_DEMO_SUPPORT_H
#define IPCSPEC_DEMO_SUPPORT_H

#include <stddef.h>

/*
 * Ignore SIGPIPE (a closed standard output must give EPIPE to report, not
 * kill the demo with its objects still there), then open the stop
 * descriptor (ipc_sig_stop_open). Returns it, or -1 after printing
 * "<prog>: sigaction: <strerror>" or "<prog>: stop signals: <strerror>".
 */
int demo_stop_open(const char *prog);

/* Close the stop descriptor fd (nothing when fd < 0). SIGTERM and SIGINT
 * stay blocked, so a late one cannot kill the demo before it exits with
 * its own status (SIG-API-11). */
void demo_stop_close(int fd);

/* "SUM" and the words, space-separated, into buf; 0 or -EMSGSIZE. */
int demo_sum_request(char *buf, size_t cap, int count, char *const words[]);

/* The clients' -w argument: a whole number of milliseconds from 1 to
 * 3600000; returns it, or -1 for anything else. */
long demo_wait_ms(const char *text);

#endif
