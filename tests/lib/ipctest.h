/*
 * ipctest.h - the ipcspec test harness, on top of cmocka.
 *
 * What every conformance and fault test stands on:
 *   - assertions that print both operands and errno by name;
 *   - child processes that report through their exit status, never cmocka,
 *     signal readiness over a pipe, die with the test (PR_SET_PDEATHSIG) and
 *     are killed and reaped in teardown whatever happened;
 *   - a blocked-state probe: proof, from /proc, that a process sleeps in a
 *     given system call, instead of sleeping and hoping;
 *   - unique IPC names and temporary directories, removed in teardown;
 *   - a leak snapshot (descriptors, children, kernel objects) taken in setup
 *     and checked in teardown, so a leak fails the test that leaked;
 *   - one process per test case: ipct_main runs exactly the case CTest names.
 *
 * See also: tests/lib/fault.h (libfiu), cmake/IpcTest.cmake (registration).
 */
#ifndef IPCTEST_H
#define IPCTEST_H

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <cmocka.h>

/* ---- names ------------------------------------------------------------ */

/* errno's symbolic name ("EAGAIN"), or "E?<n>" for an unknown value. */
const char *ipct_errname(int err);
/* A signal's name ("SIGPIPE"), or "SIG?<n>". */
const char *ipct_signame(int sig);

/* ---- assertions --------------------------------------------------------- */

/* A system call that returns -1 and sets errno must succeed. */
#define ASSERT_SYS_OK(expr) \
    ipct__sys_ok((long)(expr), #expr, __FILE__, __LINE__)
/* A system call must fail with -1 and exactly errno err. */
#define ASSERT_SYS_ERR(expr, err) \
    ipct__sys_err((long)(expr), err, #expr, #err, __FILE__, __LINE__)
/* An ipc_* call (negative errno on failure) must succeed; yields its value. */
#define ASSERT_IPC_OK(expr) \
    ipct__ipc_ok((long)(expr), #expr, __FILE__, __LINE__)
/* An ipc_* call must return exactly -err. */
#define ASSERT_IPC_ERR(expr, err) \
    ipct__ipc_err((long)(expr), err, #expr, #err, __FILE__, __LINE__)

/* Print a formatted failure, then fail the test at file:line. */
void ipct__fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
#define IPCT_FAIL(...) ipct__fail_at(__FILE__, __LINE__, __VA_ARGS__)

long ipct__sys_ok(long rc, const char *expr, const char *file, int line);
void ipct__sys_err(long rc, int err, const char *expr, const char *errexpr,
                   const char *file, int line);
long ipct__ipc_ok(long rc, const char *expr, const char *file, int line);
void ipct__ipc_err(long rc, int err, const char *expr, const char *errexpr,
                   const char *file, int line);

/* ---- time ---------------------------------------------------------------- */

/* The bound, in milliseconds, on any wait the harness makes: 10 s times
 * IPCSPEC_TIMEOUT_SCALE (set to slow the clock under valgrind). */
int ipct_deadline_ms(void);

/* ---- child processes --------------------------------------------------- */

typedef int (*ipct_child_fn)(void *arg);

/*
 * Fork a child that runs fn(arg) and exits with its return value through
 * ipct_child_exit. The child dies if the test process dies, has the default
 * disposition for the signals cmocka catches, and must never call cmocka.
 */
pid_t ipct_spawn(ipct_child_fn fn, void *arg);
/* Fork and exec argv[0] (a path) with stdin/stdout/stderr redirected to the
 * given descriptors (-1: inherit). */
pid_t ipct_spawn_exec(char *const argv[], int in_fd, int out_fd, int err_fd);
/* The same, with env (NULL-terminated "NAME=value" strings, or NULL) added
 * to the environment the program starts with. */
pid_t ipct_spawn_exec_env(char *const argv[], char *const env[], int in_fd, int out_fd,
                          int err_fd);
/* In a child: tell the parent that setup is done. */
void ipct_child_ready(void);
/* In a child: flush coverage data, then _exit(code). */
_Noreturn void ipct_child_exit(int code);
/* In the parent: wait, bounded, until the child calls ipct_child_ready. */
void ipct_await_ready(pid_t pid);
/* In the parent: wait, bounded, for the child to end; returns its status. */
int ipct_wait(pid_t pid);

/* Wait for pid to end and assert it exited with code / died of sig. */
#define assert_child_exited(pid, code) \
    ipct__assert_exited(pid, code, __FILE__, __LINE__)
#define assert_child_signaled(pid, sig) \
    ipct__assert_signaled(pid, sig, __FILE__, __LINE__)
void ipct__assert_exited(pid_t pid, int code, const char *file, int line);
void ipct__assert_signaled(pid_t pid, int sig, const char *file, int line);

/* ---- the blocked-state probe -------------------------------------------- */

/*
 * Wait, bounded by ipct_deadline_ms, until pid sleeps (state S or D) inside
 * system call nr (SYS_read, SYS_openat, ...), as /proc/PID/stat and
 * /proc/PID/syscall show it. Fails the test if pid ends first or the deadline
 * passes, printing what the process was doing instead. pid may be any
 * process the test may trace: its child, or a program's child.
 */
void ipct_await_blocked(pid_t pid, long nr);

/* The system call open(3) is made with, for ipct_await_blocked: glibc uses
 * openat, musl uses open where the architecture has it. */
#if defined(__GLIBC__) || !defined(SYS_open)
#define IPCT_SYS_OPEN SYS_openat
#else
#define IPCT_SYS_OPEN SYS_open
#endif
/* True when pid sleeps inside system call nr right now. */
int ipct_is_blocked_in(pid_t pid, long nr);

/* Read one byte from fd, waiting for it no longer than ipct_deadline_ms;
 * fails the test when none comes. The byte. */
char ipct_await_byte(int fd);

/* ---- names and places ----------------------------------------------------- */

/* A name unique to this process and call: "/ipcspec-<kind>-<pid>-<n>". */
const char *ipct_ipc_name(const char *kind);
/* A fresh 0700 directory under $TMPDIR, removed with its contents in teardown. */
const char *ipct_tmpdir(void);
/* A path inside ipct_tmpdir(): "<tmpdir>/<leaf>". */
const char *ipct_path(const char *leaf);

/* Read the file at path as text into buf (NUL-terminated, at most len - 1
 * bytes); a missing file reads as "". Returns buf. */
char *ipct_read_text(const char *path, char *buf, size_t len);

/* The first number in the file at path (a /proc or /proc/sys file); fails
 * the test when there is none. */
long ipct_read_long(const char *path);

/* The descriptor number the next open(2) would return: unchanged across a
 * failed call proves the call left no descriptor behind. */
int ipct_lowest_free_fd(void);

/* ---- capabilities and privileges -------------------------------------- */

/* True when the effective capability set holds cap (CAP_SYS_RESOURCE ...). */
int ipct_has_cap(int cap);
/* In a child: become uid/gid 65534 (nobody), dropping every capability.
 * Returns 0 or a negative errno. */
int ipct_drop_privileges(void);

/* ---- skipping --------------------------------------------------------------- */

/*
 * Skip this test: the host cannot show the behaviour. The reason reaches the
 * spec report (stdout "IPCSPEC-SKIP: ...", exit code 77 for CTest).
 */
#define IPCT_SKIP(...) do { ipct__skip_reason(__VA_ARGS__); skip(); } while (0)
void ipct__skip_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when running under valgrind (IPCSPEC_MEMCHECK set by the memcheck run). */
int ipct_under_memcheck(void);

/* 1 in a ThreadSanitizer build. TSan runs a signal handler only once the
 * interrupted call returns: a handler never runs inside a blocked call that
 * SA_RESTART keeps restarting. */
#if defined(__SANITIZE_THREAD__)
#define IPCT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define IPCT_TSAN 1
#endif
#endif
#ifndef IPCT_TSAN
#define IPCT_TSAN 0
#endif

/* ---- fixtures and main ---------------------------------------------------- */

/* Per-test setup and teardown: leak snapshot, children, names, tmpdirs.
 * Setup also makes the test a child subreaper (PR_SET_CHILD_SUBREAPER): a
 * process some program orphans comes back to the test, where teardown sees it. */
int ipct_setup(void **state);
int ipct_teardown(void **state);

/*
 * A case runs its body through ipct__run_body, which notes that the body
 * returned: teardown always cleans up, but checks for leaks only then. After
 * a failed assertion the test's own descriptors are naturally still open, and
 * the failure, not a leak report, is the news.
 */
struct ipct_body {
    void (*fn)(void **state);
};
void ipct__run_body(void **state);

#define IPCT_TEST_WITH(fn, setup, teardown) \
    { #fn, ipct__run_body, setup, teardown, (void *)&(const struct ipct_body){ fn } }
#define IPCT_TEST(fn) IPCT_TEST_WITH(fn, ipct_setup, ipct_teardown)

/*
 * The test program's main: `prog --list` prints the case names; `prog NAME`
 * runs that one case (exit 0 pass, 1 fail, 77 skipped); `prog` runs them all.
 */
int ipct_main(int argc, char **argv, const char *group,
              const struct CMUnitTest *tests, size_t count);

#define IPCT_MAIN(group, tests) \
    int main(int argc, char **argv) \
    { \
        return ipct_main(argc, argv, group, tests, sizeof(tests) / sizeof((tests)[0])); \
    }

#endif
