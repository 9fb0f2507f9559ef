/* SPDX-License-Identifier: MIT */
/*
 * intr_helpers.h - one experiment for every interrupted call: a child
 * blocks in a call (observed asleep in it), and the test interrupts it,
 * either with a signal caught by a handler installed with SA_RESTART, or
 * with SIGSTOP and SIGCONT while no handler is installed at all. The child
 * then checks the call either failed with EINTR, or went on and completed
 * once the test let it (a write into the pipe, a connection, ...).
 *
 * A call is a small table row (struct intr_call): what the test makes
 * before the fork, the call the child blocks in, what completes it, and
 * what removes the objects. The rows live in intr_calls.h.
 *
 * See also: test_sig_intr.c, test_sig_restart.c, test_sig_stopint.c,
 * sig_helpers.h, spec/sig.md (SIG-INTR, SIG-RESTART, SIG-STOPINT).
 */
#ifndef INTR_HELPERS_H
#define INTR_HELPERS_H

#include "sig_helpers.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>

/* The objects one experiment uses, made by the test before the fork. */
struct intr_obj {
    int fd[2];        /* a pipe, a socket pair, a listening socket in fd[0], a queue */
    int id;           /* a System V semaphore set */
    const char *name; /* a queue's name, a socket's or FIFO's path */
};

struct intr_call {
    long nr;                                /* the system call it sleeps in */
    void (*make)(struct intr_obj *o);       /* test: make the objects */
    long (*call)(struct intr_obj *o);       /* child: 0 done as expected, -1 and errno */
    void (*release)(struct intr_obj *o);    /* test: let the call complete */
    void (*destroy)(struct intr_obj *o);    /* test: close and remove */
    long again_nr; /* where it sleeps once resumed, when not nr (0); nr is taken too */
};

/* How the call is interrupted, and what it must do then. */
enum intr_how { INTR_BY_HANDLER, INTR_BY_STOP };
enum intr_outcome { INTR_FAILS_EINTR, INTR_COMPLETES };

struct intr_run {
    const struct intr_call *call;
    struct intr_obj obj;
    enum intr_how how;
    enum intr_outcome outcome;
    int notify_wfd;
    const char *name, *file; /* the row's name and the test's line, for messages */
    int line;
};

static int intr_notify_wfd = -1;

/* The handler: says it ran by writing 'h' (async-signal-safe). */
static void intr_notify(int sig)
{
    int saved = errno;

    sig_count(sig);
    if (write(intr_notify_wfd, "h", 1) != 1)
        sig_hits = -1;
    errno = saved;
}

/* The child: installs the handler (SA_RESTART) when the row says so, makes
 * the call and checks its outcome. */
static void intr_child(void *arg)
{
    struct intr_run *r = arg;
    long rc;

    if (r->how == INTR_BY_HANDLER) {
        intr_notify_wfd = r->notify_wfd;
        ipct__sys_ok(sig_catch(SIGUSR1, intr_notify, SA_RESTART), "sigaction(SIGUSR1)",
                     r->file, r->line);
    }
    ipct_child_ready();
    errno = 0;
    rc = r->call->call(&r->obj);
    if (r->outcome == INTR_FAILS_EINTR)
        ipct__sys_err(rc, EINTR, r->name, "EINTR", r->file, r->line);
    else
        ipct__cmp(ipct__int_s(ipct__sys_ok(rc, r->name, r->file, r->line)), IPCT_EQ,
                  ipct__int_s(0), "the call's own checks", r->file, r->line);
    if (r->how == INTR_BY_HANDLER)
        ipct__cmp(ipct__int_s(sig_hits), IPCT_EQ, ipct__int_s(1), "handler runs (sig_hits)",
                  r->file, r->line);
}

/* Wait, bounded by the child's own end, until pid is stopped, then check
 * /proc says so (state T). WNOWAIT leaves the state for others to see. */
#define intr_await_stopped(pid) intr__await_stopped(pid, __FILE__, __LINE__)
static inline void intr__await_stopped(pid_t pid, const char *file, int line)
{
    siginfo_t info = { .si_pid = 0 };
    char path[64], stat[512], *close_paren;

    if (waitid(P_PID, (id_t)pid, &info, WSTOPPED | WEXITED | WNOWAIT) != 0)
        ipct__fail_at(file, line, "waitid(%d, WSTOPPED): %s", (int)pid, ipct_errname(errno));
    if (info.si_code != CLD_STOPPED)
        ipct__fail_at(file, line, "child %d ended (si_code %d, status %d) instead of stopping",
                      (int)pid, info.si_code, info.si_status);
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    ipct__read_text(path, stat, sizeof stat, file, line);
    close_paren = strrchr(stat, ')');
    if (close_paren == NULL || close_paren[1] != ' ' || close_paren[2] != 'T')
        ipct__fail_at(file, line, "/proc/%d/stat says \"%.60s\"; expected state T", (int)pid,
                      close_paren ? close_paren + 2 : stat);
}

/* Wait, bounded, until pid sleeps again in c->again_nr (where the kernel
 * resumes the call) or in c->nr (where an emulator restarts it itself),
 * sampling /proc once a millisecond. */
static inline void intr__await_again(pid_t pid, const struct intr_call *c, const char *file,
                                     int line)
{
    const struct timespec tick = { 0, 1000000 };
    struct timespec start, now;

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (!ipct_is_blocked_in(pid, c->again_nr) && !ipct_is_blocked_in(pid, c->nr)) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >
            ipct_deadline_ms())
            ipct__await_blocked(pid, c->again_nr, file, line); /* fails, saying where it is */
        clock_nanosleep(CLOCK_MONOTONIC, 0, &tick, NULL);
    }
}

/* The whole experiment for one call; failures name the test's line. */
static inline void intr__experiment(const struct intr_call *c, enum intr_how how,
                                    enum intr_outcome outcome, const char *name,
                                    const char *file, int line)
{
    struct intr_run r = { .call = c, .obj = { { -1, -1 }, -1, NULL }, .how = how,
                          .outcome = outcome, .name = name, .file = file, .line = line };
    int notify[2];

    ASSERT_SYS_OK(pipe2(notify, O_CLOEXEC));
    r.notify_wfd = notify[1];
    c->make(&r.obj);
    pid_t pid = ipct__spawn(intr_child, &r, file, line);
    ipct__await_ready(pid, file, line);
    ipct__await_blocked(pid, c->nr, file, line);
    if (how == INTR_BY_HANDLER) {
        ASSERT_SYS_OK(kill(pid, SIGUSR1));
        ipct__cmp(ipct__int_s(ipct__await_byte(notify[0], file, line)), IPCT_EQ,
                  ipct__int_s('h'), "the handler's byte", file, line);
    } else {
        ASSERT_SYS_OK(kill(pid, SIGSTOP));
        intr__await_stopped(pid, file, line);
        ASSERT_SYS_OK(kill(pid, SIGCONT));
    }
    if (outcome == INTR_COMPLETES) {
        if (c->again_nr)
            intr__await_again(pid, c, file, line);
        else
            ipct__await_blocked(pid, c->nr, file, line); /* asleep in the same call again */
        c->release(&r.obj);
    }
    ipct__assert_exited(pid, 0, file, line);
    c->destroy(&r.obj);
    ASSERT_SYS_OK(close(notify[0]));
    ASSERT_SYS_OK(close(notify[1]));
}

/* A call a handler with SA_RESTART interrupts must fail with EINTR. */
#define intr_never_restarted(c) \
    intr__experiment(c, INTR_BY_HANDLER, INTR_FAILS_EINTR, #c, __FILE__, __LINE__)

/* A call a handler with SA_RESTART interrupts is restarted and completes.
 * ThreadSanitizer runs a handler only when the call returns, which a
 * restarted call does not do until it completes. */
#define intr_restarted(c) intr__restarted(c, #c, __FILE__, __LINE__)
static inline void intr__restarted(const struct intr_call *c, const char *name, const char *file,
                                   int line)
{
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a handler only when the interrupted call returns, "
                  "and a restarted call does not return until it completes");
    intr__experiment(c, INTR_BY_HANDLER, INTR_COMPLETES, name, file, line);
}

/* A call stopped and continued with no handler fails with EINTR. */
#define intr_stop_eintr(c) \
    intr__experiment(c, INTR_BY_STOP, INTR_FAILS_EINTR, #c, __FILE__, __LINE__)

/* A call stopped and continued with no handler goes on and completes. */
#define intr_stop_resumes(c) \
    intr__experiment(c, INTR_BY_STOP, INTR_COMPLETES, #c, __FILE__, __LINE__)

#endif
