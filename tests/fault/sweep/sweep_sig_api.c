/* SPDX-License-Identifier: MIT */
/*
 * sweep_sig_api.c - the signals API end to end, a scenario of the fault
 * sweep (sweep.py "sig-api"): the calls the signal demo does not make.
 *
 *   ipcspec-sweep-sig-api NAME DIR
 *
 * With SIGUSR1 blocked it sends itself SIGUSR1 three ways (raise, sigqueue
 * with a value, kill), checks that each is pending and takes each with
 * sigtimedwait (the queued one carrying its value), probes itself with the
 * null signal, then catches SIGUSR2 and raises it (the handler must have
 * run when raise returns). Prints "ok" and exits 0 when every step gave
 * the right result; exits 1 with one line naming the failed step and its
 * error otherwise (SIGUSR1 then stays blocked: one may still be pending).
 * NAME and DIR are unused.
 */
#include "ipcspec/sig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_usr2(int sig)
{
    caught = sig;
}

static int fail(const char *what, int neg_errno)
{
    fprintf(stderr, "ipcspec-sweep-sig-api: %s: %s\n", what, strerror(-neg_errno));
    return 1;
}

/* SIGUSR1 is pending, and sigtimedwait takes it, with value unless < 0. */
static int take(const char *how, int value)
{
    sigset_t set;
    siginfo_t info;
    int rc;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    if ((rc = ipc_sig_pending(SIGUSR1)) < 0)
        return fail("ipc_sig_pending", rc);
    if (rc != 1)
        return fail(how, -EPROTO); /* sent, yet not pending */
    if ((rc = ipc_sig_wait(&set, 0, &info)) < 0)
        return fail("ipc_sig_wait", rc);
    if (rc != SIGUSR1 || (value >= 0 && info.si_value.sival_int != value))
        return fail("ipc_sig_wait", -EPROTO);
    return 0;
}

static int send_three_ways(void)
{
    pid_t self = getpid();
    int rc;

    if ((rc = ipc_sig_raise(SIGUSR1)) < 0)
        return fail("ipc_sig_raise", rc);
    if (take("ipc_sig_raise", -1) != 0)
        return 1;
    if ((rc = ipc_sig_queue(self, SIGUSR1, 42)) < 0)
        return fail("ipc_sig_queue", rc);
    if (take("ipc_sig_queue", 42) != 0)
        return 1;
    if ((rc = ipc_sig_send(self, SIGUSR1)) < 0)
        return fail("ipc_sig_send", rc);
    if (take("ipc_sig_send", -1) != 0)
        return 1;
    if ((rc = ipc_sig_alive(self)) < 0)
        return fail("ipc_sig_alive", rc);
    if (rc == 0) /* its answer for ESRCH: no such process, said of ourselves */
        return fail("ipc_sig_alive", -ESRCH);
    return 0;
}

static int catch_usr2(void)
{
    int rc = ipc_sig_catch(SIGUSR2, on_usr2, 0, NULL);

    if (rc < 0)
        return fail("ipc_sig_catch", rc);
    if ((rc = ipc_sig_raise(SIGUSR2)) < 0)
        rc = fail("ipc_sig_raise", rc);
    else if (caught != SIGUSR2)
        rc = fail("ipc_sig_raise", -EPROTO); /* returned before the handler ran */
    int back = ipc_sig_default(SIGUSR2);
    if (back < 0 && rc == 0)
        rc = fail("ipc_sig_default", back);
    return rc;
}

int main(int argc, char **argv)
{
    int code, rc;

    (void)argv;
    if (argc != 3) {
        fprintf(stderr, "usage: ipcspec-sweep-sig-api NAME DIR\n");
        return 2;
    }
    if ((rc = ipc_sig_block(SIGUSR1)) < 0)
        return fail("ipc_sig_block", rc);
    code = send_three_ways();
    /* After a failure SIGUSR1 may still be pending: it stays blocked. */
    if (code == 0 && (rc = ipc_sig_unblock(SIGUSR1)) < 0)
        code = fail("ipc_sig_unblock", rc);
    if (code == 0)
        code = catch_usr2();
    if (code == 0 && printf("ok\n") < 0)
        code = fail("printf", -errno);
    return code;
}
