/* SPDX-License-Identifier: MIT */
/*
 * fault.h - the libfiu side of the harness, for tests/fault.
 *
 * A fault test arms a failure point to fail exactly the Nth call (or every
 * call from the Nth), runs the implementation, and proves the fault fired:
 * libfiu's own enable has no counter, so every point is armed through an
 * external callback that counts the calls it sees and the failures it
 * injects. The injected errno is always pinned. Setup proves both preloads
 * are active (the canary) and teardown disarms every point.
 *
 * A program the test executes has its faults armed through the environment
 * instead (struct ipcf_prog, fault_prog.c): the test runs it, collects its
 * status, standard error and fault log, and judges them in one assertion.
 *
 * Build: -DFIU_ENABLE=1 -U_FORTIFY_SOURCE -O0, shared -lfiu, run under
 * LD_PRELOAD=ipcspec_preload.so:fiu_posix_preload.so (cmake/IpcTest.cmake).
 * See also: fault.c, fault_prog.c, tests/fault/preload/ipcspec_preload.c,
 * tests/fault/preload/env_faults.c, spec/faults.md.
 */
#ifndef IPCTEST_FAULT_H
#define IPCTEST_FAULT_H

#include "ipctest.h"

/* Fail call number nth (1-based) of point with errno err, once. */
void ipcf_fail_nth(const char *point, int nth, int err);
/* Fail every call of point from call number nth on, with errno err. For a
 * "reduce" point (short read or write) err is ignored: it shortens instead. */
void ipcf_fail_from(const char *point, int nth, int err);
/* Calls of point seen, and failures injected, since it was armed. */
int ipcf_calls(const char *point);
int ipcf_fired(const char *point);
/* Disarm every point this test armed. */
void ipcf_disarm_all(void);

/* The fault must have fired exactly n times: otherwise the test proved nothing. */
#define ASSERT_FIRED(point, n) \
    ipcf__assert_fired(point, n, __FILE__, __LINE__)
void ipcf__assert_fired(const char *point, int n, const char *file, int line);

/* A failure point of the preload extension (spec/faults.md), a call that
 * reaches it (0 on success, -1 with errno), the errno a test pins, and the
 * point's documented default errno: one variant row of the point tests. */
struct ipcf_point {
    const char *point;
    int (*call)(void);
    int err;
    int default_err;
};
/* Unarmed, the call succeeds; armed for one call with p->err, it fails
 * with exactly that and the point fired once; then it succeeds again. */
#define ASSERT_POINT_FAILS_ONCE(p) ipcf__assert_point_fails_once(p, __FILE__, __LINE__)
void ipcf__assert_point_fails_once(const struct ipcf_point *p, const char *file, int line);
/* Enabled with no errno pinned, the call fails with -1 and p->default_err. */
#define ASSERT_POINT_DEFAULT_ERRNO(p) ipcf__assert_point_default_errno(p, __FILE__, __LINE__)
void ipcf__assert_point_default_errno(const struct ipcf_point *p, const char *file, int line);

/* Fixtures: ipct_setup plus the canary; disarm, then ipct_teardown. */
int ipcf_setup(void **state);
int ipcf_teardown(void **state);
#define IPCF_TEST(fn) IPCT_TEST_WITH(fn, ipcf_setup, ipcf_teardown)

/* The canary itself: 0 when both preloads answer, else a message. */
const char *ipcf_canary(void);

/* ---- a program run with faults armed through its environment -------------- */

/*
 * A program a test executes (a demo) with faults armed in it through
 * IPCSPEC_FAULTS and IPCSPEC_FAULT_LOG (spec/faults.md). Fill in what to
 * run, then ipcf_prog_start and ipcf_prog_collect, or ipcf_prog_run for both:
 *
 *     struct ipcf_prog run = { .argv = argv, .faults = "posix/proc/fork:1:11" };
 *     ipcf_prog_run(&run);
 *     ASSERT_PROG_EXITED(&run, 1, "ipcspec-pipe-demo: fork: Resource temporarily unavailable");
 *
 * Its files live in the test's directory under a name of their own,
 * "<program>-<n>.{in,out,err,log}", n counting the programs this test
 * started: two programs running at once never share one.
 */
struct ipcf_prog {
    /* what to run */
    char *const *argv;  /* argv[0]: the program's path */
    const char *faults; /* IPCSPEC_FAULTS, "point:nth:errno[,...]"; NULL: none armed, no log */
    const char *input;  /* standard input: this text; NULL: /dev/null */
    int pipe_in;        /* 1: standard input is a pipe instead, the test's end in in_fd */
    int pipe_out;       /* 1: standard output is a pipe, read by ipcf_prog_await; 0: a file */
    int audit;          /* 1: IPCSPEC_FD_AUDIT=1, the log lists descriptors open at exit */
    char *const *env;   /* more "NAME=value" for its environment, NULL-ended; NULL: none */
    /* what came of it */
    pid_t pid;
    int in_fd, out_fd;  /* the test's ends of the pipes; -1 when none or closed */
    int status;         /* as waitpid(2) gives it */
    char out[1024];     /* standard output: the file, or what ipcf_prog_await read */
    char err[1024];
    char log[1024];
    char stem[300];     /* "<test dir>/<program>-<n>" */
};

/* Start the program p describes, standard error to its own file; returns its pid. */
pid_t ipcf_prog_start(struct ipcf_prog *p);
/* Read its standard output pipe into p->out until that holds text (returns
 * 1) or the program closed it (0); fails the test at the deadline. */
int ipcf_prog_await(struct ipcf_prog *p, const char *text);
/* Close its standard input pipe, wait for it (bounded, ipct_wait) and read
 * what it left into p (ipcf_prog_read). */
void ipcf_prog_collect(struct ipcf_prog *p);
/* For a program the test reaped itself: read its standard output file,
 * standard error and fault log into p, and close the test's pipe ends. */
void ipcf_prog_read(struct ipcf_prog *p);
/* ipcf_prog_start, then ipcf_prog_collect. */
void ipcf_prog_run(struct ipcf_prog *p);

/* The first descriptor an audit log (IPCSPEC_FD_AUDIT: "fd-leak PID FD
 * TARGET" lines) says a program left open that it did not inherit from
 * this process (open here without FD_CLOEXEC), or -1 when there is none.
 * Fails the test on an "fd-leak" line it cannot read. */
int ipcf_own_fd_left(const char *log);

/* The program must have said text on standard output (ipcf_prog_await). */
#define ASSERT_PROG_SAID(p, text) ipcf__assert_said(p, text, __FILE__, __LINE__)
/* The collected program must have exited with code, its standard error
 * holding message (unless NULL), and every fault armed in it must have fired:
 * its own line is in the log. A failure prints the faults, the status,
 * standard error and the log. */
#define ASSERT_PROG_EXITED(p, code, message) \
    ipcf__assert_exited(p, code, message, __FILE__, __LINE__)
void ipcf__assert_said(struct ipcf_prog *p, const char *text, const char *file, int line);
void ipcf__assert_exited(const struct ipcf_prog *p, int code, const char *message,
                         const char *file, int line);

#endif
