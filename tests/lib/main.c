/* SPDX-License-Identifier: MIT */
/*
 * main.c - per-test fixtures and the test program's main.
 *
 * CTest runs one case per process (`prog NAME`), so a case that crashes,
 * hangs or leaks fails alone. Setup takes the leak snapshot; teardown kills
 * and reaps stray children, removes names and directories, then checks the
 * snapshot and fails the case on any leak.
 *
 * See also: ipctest.h, cmake/IpcTest.cmake (which asks `prog --list`).
 */
#include "ipctest.h"
#include "internal.h"

#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

static struct ipct_snapshot *snapshot;
static int body_returned;
static const void *variant_row;

void ipct__run_body(void **state)
{
    const struct ipct_body *body = *state;

    variant_row = body->variant;
    body->fn(state);
    body_returned = 1; /* not reached when an assertion failed (longjmp) */
}

const void *ipct_variant(void)
{
    return variant_row;
}

/*
 * Every signal back to its default disposition and an empty mask: a test
 * must not pass because its runner ignored SIGPIPE or blocked SIGCHLD. The
 * signals cmocka catches (to report a crash in the test process) stay
 * caught; the calls that fail are for the signals no process may change
 * (SIGKILL, SIGSTOP, and the ones the libc keeps for itself).
 */
static void reset_signals(void)
{
    static const int cmocka_catches[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS };
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigset_t none;

    for (int sig = 1; sig < NSIG; sig++) {
        int kept = 0;
        for (size_t i = 0; i < sizeof cmocka_catches / sizeof cmocka_catches[0]; i++)
            kept |= cmocka_catches[i] == sig;
        if (!kept)
            sigaction(sig, &dfl, NULL);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * A subreaper gets the processes a program orphans, so teardown sees them.
 * Where the system refuses (an emulator may), the test goes on without: it
 * says so once, and orphans go to init instead of failing the test.
 */
static void become_subreaper(void)
{
    static int said;

    if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 && !said) {
        said = 1;
        printf("IPCSPEC-NOTE: PR_SET_CHILD_SUBREAPER refused (%s): processes a program "
               "orphans are not checked for leaks here\n", ipct_errname(errno));
        fflush(stdout);
    }
}

int ipct_setup(void **state)
{
    (void)state;
    body_returned = 0;
    reset_signals();
    ipct__report_reset();
    become_subreaper();
    (void)ipct_tmpdir(); /* made here, so a child that asks first shares it, never makes its own */
    snapshot = ipct__snapshot_take();
    return 0;
}

int ipct_teardown(void **state)
{
    char stray[512], left[1024], leaks[2048];
    int nstray, nleft, nleaks;
    const char *cfile;
    int cline;

    (void)state;
    nstray = ipct__children_cleanup(stray, sizeof stray);
    nleft = body_returned ? ipct__names_left(left, sizeof left) : 0; /* before removing them */
    ipct__names_cleanup();
    nleaks = ipct__snapshot_check(snapshot, leaks, sizeof leaks);
    snapshot = NULL;
    if (ipct__report_first(&cfile, &cline)) {
        print_error("teardown: a child failed a check (above): %s:%d\n", cfile, cline);
        return -1; /* a child's failure fails the test, whether awaited or not */
    }
    if (!body_returned || (nstray == 0 && nleft == 0 && nleaks == 0))
        return 0; /* a failed body has already said what went wrong */
    print_error("teardown: %s%s%s\n", nstray ? stray : "", nleft ? left : "",
                nleaks ? leaks : "");
    return -1;
}

int ipct_main(int argc, char **argv, const char *group,
              const struct CMUnitTest *tests, size_t count)
{
    int failed;

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < count; i++)
            printf("%s\n", tests[i].name);
        return 0;
    }
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: %s [--list | TEST_NAME]\n", argv[0]);
        return 2;
    }
    if (argc == 2) {
        size_t i = 0;
        while (i < count && strcmp(tests[i].name, argv[1]) != 0)
            i++;
        if (i == count) {
            fprintf(stderr, "%s: no test named %s (see --list)\n", argv[0], argv[1]);
            return 2;
        }
        cmocka_set_test_filter(argv[1]);
    }
    failed = _cmocka_run_group_tests(group, tests, count, NULL, NULL);
    if (failed != 0)
        return 1;
    return argc == 2 && ipct__skipped ? 77 : 0;
}
