/* SPDX-License-Identifier: MIT */
/*
 * ipctest.h - the ipcspec test harness, on top of cmocka.
 *
 * What every conformance and fault test stands on:
 *   - checks that print the expression, both values (errno and signals by
 *     name) and the test's own file:line, in the test process and in any
 *     child or grandchild it forks: a child's failure travels to the test
 *     process as text and fails the test there (report.c);
 *   - child processes that run a function, die with the test
 *     (PR_SET_PDEATHSIG) and are killed and reaped in teardown whatever
 *     happened;
 *   - a blocked-state probe: proof, from /proc, that a process sleeps in a
 *     given system call, instead of sleeping and hoping;
 *   - IPC names and temporary directories unique to the run, removed in
 *     teardown;
 *   - a leak snapshot (descriptors, children, kernel objects) taken in setup
 *     and checked in teardown, so a leak fails the test that leaked;
 *   - one process per test case: ipct_main runs exactly the case CTest
 *     names, and a variant table gives each row a case of its own.
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
/* A signal's name ("SIGPIPE", "SIGRTMIN+2"), or "SIG?<n>". */
const char *ipct_signame(int sig);
/* A system call's name ("mq_timedreceive"), or "syscall <n>". */
const char *ipct_sysname(long nr);

/* ---- failing ------------------------------------------------------------ */

/*
 * Fail the test at file:line with a formatted message. In the test process
 * cmocka prints it and ends the case; in a forked child (or grandchild) the
 * message goes to the test process through the shared report and the child
 * exits: the test fails with it as soon as it reaps the child, and at
 * teardown at the latest. Usable anywhere a check can fail.
 */
void ipct__fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
#define IPCT_FAIL(...) ipct__fail_at(__FILE__, __LINE__, __VA_ARGS__)

/* ---- value assertions ---------------------------------------------------- */

/*
 * ASSERT_EQ(a, b) and its kin compare two integers of any types (signed,
 * unsigned, sizes, enums) by their mathematical values, so -1 never equals
 * SIZE_MAX, and print both in decimal:
 *     tests/conformance/test_mq_block.c:57: ASSERT_EQ(queued(q), 0): 1 == 0 is false
 */
struct ipct_int {
    char kind; /* 's' signed, 'u' unsigned, 'h' a signal disposition, 'p' void * */
    intmax_t s;
    uintmax_t u;
};
struct ipct_int ipct__int_s(intmax_t v);
struct ipct_int ipct__int_u(uintmax_t v);
/* A disposition (SIG_DFL, SIG_IGN, SIG_ERR or a handler) compares as an
 * address and prints by name. */
struct ipct_int ipct__int_h(void (*v)(int));
/* A void * (mmap's result against MAP_FAILED, say) compares as an address. */
struct ipct_int ipct__int_p(const volatile void *v);
#define IPCT__INT(x) \
    _Generic((x), \
        _Bool: ipct__int_u, unsigned char: ipct__int_u, unsigned short: ipct__int_u, \
        unsigned int: ipct__int_u, unsigned long: ipct__int_u, unsigned long long: ipct__int_u, \
        void (*)(int): ipct__int_h, void *: ipct__int_p, const void *: ipct__int_p, \
        default: ipct__int_s)(x)

enum ipct_op { IPCT_EQ, IPCT_NE, IPCT_LT, IPCT_LE, IPCT_GT, IPCT_GE };
void ipct__cmp(struct ipct_int a, enum ipct_op op, struct ipct_int b, const char *check,
               const char *file, int line);
/* The check's text is made here, from the arguments as written: passed on to
 * another macro first, they would be printed macro-expanded. */
#define IPCT__CMP(op, a, b, check) \
    ipct__cmp(IPCT__INT(a), op, IPCT__INT(b), check, __FILE__, __LINE__)
#define ASSERT_EQ(a, b) IPCT__CMP(IPCT_EQ, a, b, "ASSERT_EQ(" #a ", " #b ")")
#define ASSERT_NE(a, b) IPCT__CMP(IPCT_NE, a, b, "ASSERT_NE(" #a ", " #b ")")
#define ASSERT_LT(a, b) IPCT__CMP(IPCT_LT, a, b, "ASSERT_LT(" #a ", " #b ")")
#define ASSERT_LE(a, b) IPCT__CMP(IPCT_LE, a, b, "ASSERT_LE(" #a ", " #b ")")
#define ASSERT_GT(a, b) IPCT__CMP(IPCT_GT, a, b, "ASSERT_GT(" #a ", " #b ")")
#define ASSERT_GE(a, b) IPCT__CMP(IPCT_GE, a, b, "ASSERT_GE(" #a ", " #b ")")

/* A condition that has no two values to show: prints the expression. */
#define ASSERT_TRUE(cond) ipct__truth(!!(cond), 1, #cond, __FILE__, __LINE__)
#define ASSERT_FALSE(cond) ipct__truth(!!(cond), 0, #cond, __FILE__, __LINE__)
void ipct__truth(int value, int expected, const char *expr, const char *file, int line);

/* Two errno values, or two signal numbers, printed by name. */
#define ASSERT_ERRNO_EQ(a, b) ipct__names_eq(a, b, 'e', "ASSERT_ERRNO_EQ(" #a ", " #b ")", \
                                             __FILE__, __LINE__)
#define ASSERT_SIG_EQ(a, b) ipct__names_eq(a, b, 's', "ASSERT_SIG_EQ(" #a ", " #b ")", \
                                           __FILE__, __LINE__)
void ipct__names_eq(int a, int b, char kind, const char *check, const char *file, int line);

#define ASSERT_PTR_EQ(a, b) ipct__ptr(a, 1, b, "ASSERT_PTR_EQ(" #a ", " #b ")", __FILE__, __LINE__)
#define ASSERT_PTR_NE(a, b) ipct__ptr(a, 0, b, "ASSERT_PTR_NE(" #a ", " #b ")", __FILE__, __LINE__)
#define ASSERT_NULL(p) ipct__ptr(p, 1, NULL, "ASSERT_NULL(" #p ")", __FILE__, __LINE__)
#define ASSERT_NOT_NULL(p) ipct__ptr(p, 0, NULL, "ASSERT_NOT_NULL(" #p ")", __FILE__, __LINE__)
void ipct__ptr(const volatile void *a, int equal, const volatile void *b, const char *check,
               const char *file, int line);

/* Strings (NULL allowed, printed as NULL) and memory: the first difference. */
#define ASSERT_STR_EQ(a, b) ipct__str(a, 1, b, "ASSERT_STR_EQ(" #a ", " #b ")", __FILE__, __LINE__)
#define ASSERT_STR_NE(a, b) ipct__str(a, 0, b, "ASSERT_STR_NE(" #a ", " #b ")", __FILE__, __LINE__)
void ipct__str(const char *a, int equal, const char *b, const char *check, const char *file,
               int line);
#define ASSERT_MEM_EQ(a, b, len) \
    ipct__mem(a, b, len, "ASSERT_MEM_EQ(" #a ", " #b ", " #len ")", __FILE__, __LINE__)
void ipct__mem(const void *a, const void *b, size_t len, const char *check, const char *file,
               int line);

/* ---- system calls and impl/ calls ------------------------------------------ */

/* A system call that returns -1 and sets errno must succeed; yields its value. */
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

long ipct__sys_ok(long rc, const char *expr, const char *file, int line);
void ipct__sys_err(long rc, int err, const char *expr, const char *errexpr,
                   const char *file, int line);
long ipct__ipc_ok(long rc, const char *expr, const char *file, int line);
void ipct__ipc_err(long rc, int err, const char *expr, const char *errexpr,
                   const char *file, int line);

/* ---- time ---------------------------------------------------------------- */

/* The bound, in milliseconds, on any wait the harness makes: 10 s times
 * IPCSPEC_TIMEOUT_SCALE (set to slow the clock under valgrind), or
 * IPCSPEC_DEADLINE_MS itself (the harness's own tests of its time-outs). */
int ipct_deadline_ms(void);

/* ---- child processes --------------------------------------------------- */

typedef void (*ipct_child_fn)(void *arg);

/*
 * Fork a child that runs fn(arg) and exits 0 when it returns. Its checks
 * (every ASSERT_* and IPCT_FAIL) report to the test, which fails with the
 * child's own message and line. The child dies if the test process dies and
 * has the default disposition for the signals cmocka catches. A behaviour
 * that is about an exit status calls ipct_child_exit(code) itself.
 */
#define ipct_spawn(fn, arg) ipct__spawn(fn, arg, __FILE__, __LINE__)
pid_t ipct__spawn(ipct_child_fn fn, void *arg, const char *file, int line);
/* Fork and exec argv[0] (a path) with stdin/stdout/stderr redirected to the
 * given descriptors (-1: inherit). */
#define ipct_spawn_exec(argv, in_fd, out_fd, err_fd) \
    ipct__spawn_exec(argv, NULL, in_fd, out_fd, err_fd, __FILE__, __LINE__)
/* The same, with env (NULL-terminated "NAME=value" strings, or NULL) added
 * to the environment the program starts with. */
#define ipct_spawn_exec_env(argv, env, in_fd, out_fd, err_fd) \
    ipct__spawn_exec(argv, env, in_fd, out_fd, err_fd, __FILE__, __LINE__)
pid_t ipct__spawn_exec(char *const argv[], char *const env[], int in_fd, int out_fd, int err_fd,
                       const char *file, int line);
/* In a child: tell the parent that setup is done. */
void ipct_child_ready(void);
/* In a child: flush coverage data, then _exit(code). */
_Noreturn void ipct_child_exit(int code);
/* In the parent: wait, bounded, until the child calls ipct_child_ready. */
#define ipct_await_ready(pid) ipct__await_ready(pid, __FILE__, __LINE__)
void ipct__await_ready(pid_t pid, const char *file, int line);
/* In the parent: wait, bounded, for the child to end; returns its status.
 * A check that failed in it fails the test here, with its message. */
#define ipct_wait(pid) ipct__wait(pid, __FILE__, __LINE__)
int ipct__wait(pid_t pid, const char *file, int line);

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
 * /proc/PID/syscall show it. The calls a libc or an emulator may make for
 * the same operation count as nr: ppoll for poll, pselect6 for select,
 * accept4 for accept, openat for open, ... (probe.c lists them). Fails the
 * test if pid ends first or the deadline passes, naming the call it was in
 * instead. pid may be any process the test may trace.
 */
#define ipct_await_blocked(pid, nr) ipct__await_blocked(pid, nr, __FILE__, __LINE__)
void ipct__await_blocked(pid_t pid, long nr, const char *file, int line);

/* The system call open(3) is made with. Kept for the tests that name it;
 * the probe takes open and openat for each other. */
#if defined(__GLIBC__) || !defined(SYS_open)
#define IPCT_SYS_OPEN SYS_openat
#else
#define IPCT_SYS_OPEN SYS_open
#endif
/* True when pid sleeps inside system call nr (or its equivalent) right now. */
int ipct_is_blocked_in(pid_t pid, long nr);

/* Read one byte from fd, waiting for it no longer than ipct_deadline_ms;
 * fails the test when none comes. The byte. */
#define ipct_await_byte(fd) ipct__await_byte(fd, __FILE__, __LINE__)
char ipct__await_byte(int fd, const char *file, int line);

/* ---- names and places ----------------------------------------------------- */

/* A name unique to this run, test and call:
 * "/ipcspec-<kind>-<pid>-<run>-<n>", <run> a random tag drawn at start-up,
 * so a pid reused by a later test never makes its names collide. The test
 * must remove what it creates under it: one left at teardown fails the test. */
#define ipct_ipc_name(kind) ipct__ipc_name(kind, __FILE__, __LINE__)
const char *ipct__ipc_name(const char *kind, const char *file, int line);
/* The test's own 0700 directory under $TMPDIR, made in setup (so every child
 * shares it) and removed with its contents in teardown. */
#define ipct_tmpdir() ipct__tmpdir(__FILE__, __LINE__)
const char *ipct__tmpdir(const char *file, int line);
/* A path inside ipct_tmpdir(): "<tmpdir>/<leaf>". A socket or FIFO the test
 * leaves there at teardown fails the test. */
#define ipct_path(leaf) ipct__path(leaf, __FILE__, __LINE__)
const char *ipct__path(const char *leaf, const char *file, int line);

/* Read the file at path as text into buf (NUL-terminated, at most len - 1
 * bytes); a missing file reads as "". Returns buf. */
#define ipct_read_text(path, buf, len) ipct__read_text(path, buf, len, __FILE__, __LINE__)
char *ipct__read_text(const char *path, char *buf, size_t len, const char *file, int line);

/* The first number in the file at path (a /proc or /proc/sys file); fails
 * the test when there is none. */
#define ipct_read_long(path) ipct__read_long(path, __FILE__, __LINE__)
long ipct__read_long(const char *path, const char *file, int line);

/* The descriptor number the next open(2) would return: unchanged across a
 * failed call proves the call left no descriptor behind. */
#define ipct_lowest_free_fd() ipct__lowest_free_fd(__FILE__, __LINE__)
int ipct__lowest_free_fd(const char *file, int line);

/* For a child that checks EMFILE: closes every descriptor above the lowest
 * free number and lowers the soft RLIMIT_NOFILE so that exactly n numbers
 * are free, that one and the n - 1 above it (EMFILE is about the soft
 * limit; the hard one stays, which valgrind refuses to move). Returns the
 * lowest free number. */
#define ipct_leave_free_fds(n) ipct__leave_free_fds(n, __FILE__, __LINE__)
int ipct__leave_free_fds(int n, const char *file, int line);

/* ---- capabilities and privileges -------------------------------------- */

/* True when the effective capability set holds cap (CAP_SYS_RESOURCE ...). */
int ipct_has_cap(int cap);
/* In a child: become uid/gid 65534 (nobody), dropping every capability.
 * Returns 0 or a negative errno. */
int ipct_drop_privileges(void);

/* ---- skipping --------------------------------------------------------------- */

/*
 * Skip this test: the host cannot show the behaviour. The reason reaches the
 * spec report (stdout "IPCSPEC-SKIP: ...", exit code 77 for CTest). From a
 * child, the skip travels to the test process like a failure does.
 */
#define IPCT_SKIP(...) ipct__skip_at(__FILE__, __LINE__, __VA_ARGS__)
void ipct__skip_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
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

/* 1 in an AddressSanitizer or ThreadSanitizer build. Their runtimes take
 * over mlock, munlock, mlockall and munlockall and make them return 0
 * having locked nothing (VmLck stays 0: measured with gcc 12's). */
#if defined(__SANITIZE_ADDRESS__) || IPCT_TSAN
#define IPCT_NO_MLOCK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IPCT_NO_MLOCK 1
#endif
#endif
#ifndef IPCT_NO_MLOCK
#define IPCT_NO_MLOCK 0
#endif

/* ---- fixtures and main ---------------------------------------------------- */

/*
 * Per-test setup and teardown. Setup starts every test from the same state:
 * every signal at its default disposition (but the ones cmocka catches), an
 * empty signal mask, the leak snapshot taken, and the test a child
 * subreaper (PR_SET_CHILD_SUBREAPER) where the system allows it, so a
 * process some program orphans comes back to the test. Teardown fails the
 * test on a child's failure report, a leaked name, descriptor or process.
 */
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
    const void *variant;
};
void ipct__run_body(void **state);

#define IPCT_TEST_WITH(fn, setup, teardown) \
    { #fn, ipct__run_body, setup, teardown, (void *)&(const struct ipct_body){ fn, NULL } }
#define IPCT_TEST(fn) IPCT_TEST_WITH(fn, ipct_setup, ipct_teardown)

/*
 * One row of a variant table as a case of its own, named "fn/row": one
 * body, many rows, each selectable (`ctest -R 'SIG-INTR-01:.*restart'`) and
 * none hiding another. The body reads its row with ipct_variant().
 */
#define IPCT_VARIANT_WITH(fn, row, ptr, setup, teardown) \
    { #fn "/" row, ipct__run_body, setup, teardown, \
      (void *)&(const struct ipct_body){ fn, ptr } }
#define IPCT_VARIANT(fn, row, ptr) IPCT_VARIANT_WITH(fn, row, ptr, ipct_setup, ipct_teardown)
/* The row of the variant case running now (NULL in a plain case). */
const void *ipct_variant(void);

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
