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
#include <string.h>
#include <sys/prctl.h>

static struct ipct_snapshot *snapshot;
static int body_returned;

void ipct__run_body(void **state)
{
    const struct ipct_body *body = *state;

    body->fn(state);
    body_returned = 1; /* not reached when an assertion failed (longjmp) */
}

int ipct_setup(void **state)
{
    (void)state;
    body_returned = 0;
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) {
        print_error("setup: PR_SET_CHILD_SUBREAPER: %s\n", ipct_errname(errno));
        return -1;
    }
    snapshot = ipct__snapshot_take();
    return 0;
}

int ipct_teardown(void **state)
{
    char stray[512], leaks[2048];
    int nstray, nleaks;

    (void)state;
    nstray = ipct__children_cleanup(stray, sizeof stray);
    ipct__names_cleanup();
    nleaks = ipct__snapshot_check(snapshot, leaks, sizeof leaks);
    snapshot = NULL;
    if (!body_returned || (nstray == 0 && nleaks == 0))
        return 0; /* a failed body has already said what went wrong */
    print_error("teardown: %s%s\n", nstray ? stray : "", nleaks ? leaks : "");
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
