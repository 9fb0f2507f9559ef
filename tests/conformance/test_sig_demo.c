/* SPDX-License-Identifier: MIT */
/*
 * test_sig_demo.c - ipcspec-sig-demo driven as a person would: start it,
 * read what it says, send it signals, and check what it says and how it
 * ends. Caught, ignored and default dispositions of SIGINT, SIGUSR1,
 * SIGUSR2 and SIGTERM, and children reaped on SIGCHLD.
 *
 * Spec: SIG-DEMO-01..03 (spec/sig.md).
 * See also: impl/demo/sig_demo.c, fault_sig_demo.c (the demo with faults).
 */
#include "sig_helpers.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

struct demo {
    pid_t pid;
    int out;         /* read end of the demo's standard output */
    char buf[4096];  /* what was read and not yet returned as a line */
    size_t len;
};

static void demo_start(struct demo *d, char *const argv[])
{
    int fds[2];

    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    d->pid = ipct_spawn_exec(argv, -1, fds[1], -1);
    close(fds[1]);
    d->out = fds[0];
    d->len = 0;
}

/* The demo's next line, without its newline; fails the test at file:line if
 * none comes within the deadline. */
static const char *demo_line(struct demo *d, const char *file, int line_no)
{
    static char line[256];
    char *nl;

    while ((nl = memchr(d->buf, '\n', d->len)) == NULL) {
        struct pollfd pfd = { .fd = d->out, .events = POLLIN };
        if (ASSERT_SYS_OK(poll(&pfd, 1, ipct_deadline_ms())) == 0)
            ipct__fail_at(file, line_no, "the demo said no whole line within %d ms (have \"%.*s\")",
                          ipct_deadline_ms(), (int)d->len, d->buf);
        ssize_t n = ASSERT_SYS_OK(read(d->out, d->buf + d->len, sizeof d->buf - d->len - 1));
        if (n == 0)
            ipct__fail_at(file, line_no, "the demo closed its output (have \"%.*s\")",
                          (int)d->len, d->buf);
        d->len += (size_t)n;
    }
    size_t used = (size_t)(nl - d->buf) + 1;
    snprintf(line, sizeof line, "%.*s", (int)(used - 1), d->buf);
    memmove(d->buf, d->buf + used, d->len - used);
    d->len -= used;
    return line;
}

/* The demo's next line must be want; a failure names the caller's line. */
#define expect_line(d, want) expect_line_at(d, want, __FILE__, __LINE__)
static void expect_line_at(struct demo *d, const char *want, const char *file, int line)
{
    const char *got = demo_line(d, file, line);

    if (strcmp(got, want) != 0)
        ipct__fail_at(file, line, "the demo said \"%s\"; expected \"%s\"", got, want);
}

/* Read the disposition lines and n children's lines, up to "ready PID". */
static void expect_start(struct demo *d, const char *const disps[4], int n)
{
    static const char *const names[] = { "SIGINT", "SIGUSR1", "SIGUSR2", "SIGTERM" };
    char want[64];
    int seen[33] = { 0 };

    for (int i = 0; i < 4; i++) {
        snprintf(want, sizeof want, "%s: %s", names[i], disps[i]);
        expect_line(d, want);
    }
    for (int i = 0; i < n; i++) {
        const char *line = demo_line(d, __FILE__, __LINE__);
        char *end = NULL;
        long code = 0;
        if (strncmp(line, "child ", 6) == 0 && strtol(line + 6, &end, 10) > 0 &&
            strncmp(end, " exited with ", 13) == 0)
            code = strtol(end + 13, &end, 10);
        if (code < 1 || code > n || *end != '\0' || seen[code])
            IPCT_FAIL("the demo said \"%s\"; expected child number %d of %d reaped", line, i + 1, n);
        seen[code] = 1;
    }
    snprintf(want, sizeof want, "ready %d", (int)d->pid);
    expect_line(d, want);
}

/* SIG-DEMO-01 the demo catches SIGUSR1, ignores SIGUSR2, reaps its children and stops on SIGTERM */
static void test_sig_demo_01_default_run(void **state)
{
    static const char *const disps[] = { "caught", "caught", "ignored", "caught" };
    char *argv[] = { IPCSPEC_SIG_DEMO, NULL };
    struct demo d;
    (void)state;

    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer defers a SIGCHLD that comes outside a blocking call and may "
                  "not run it before the next select sleeps (seen: a zombie left, asleep in select)");
    demo_start(&d, argv);
    expect_start(&d, disps, 3);
    ASSERT_SYS_OK(kill(d.pid, SIGUSR1));
    expect_line(&d, "caught SIGUSR1");
    ASSERT_SYS_OK(kill(d.pid, SIGUSR2)); /* ignored: nothing said */
    ASSERT_SYS_OK(kill(d.pid, SIGUSR1));
    expect_line(&d, "caught SIGUSR1");
    ASSERT_SYS_OK(kill(d.pid, SIGTERM));
    expect_line(&d, "caught SIGTERM");
    expect_line(&d, "stopping on SIGTERM");
    assert_child_exited(d.pid, 0);
    close(d.out);
}

/* SIG-DEMO-02 with TERM=default SIGTERM kills the demo; with INT=ignore SIGINT does nothing */
static void test_sig_demo_02_default_and_ignored(void **state)
{
    static const char *const disps[] = { "ignored", "caught", "default", "default" };
    static const char *const stop_disps[] = { "caught", "caught", "ignored", "caught" };
    char *argv[] = { IPCSPEC_SIG_DEMO, "-n", "2", "INT=ignore", "USR2=default", "TERM=default",
                     NULL };
    char *stop_argv[] = { IPCSPEC_SIG_DEMO, "-n", "0", NULL };
    struct demo d;
    (void)state;

    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer defers a SIGCHLD that comes outside a blocking call and may "
                  "not run it before the next select sleeps (seen: a zombie left, asleep in select)");
    demo_start(&d, argv);
    expect_start(&d, disps, 2);
    ASSERT_SYS_OK(kill(d.pid, SIGINT));
    ASSERT_SYS_OK(kill(d.pid, SIGUSR1));
    expect_line(&d, "caught SIGUSR1"); /* alive after SIGINT, which said nothing */
    ASSERT_SYS_OK(kill(d.pid, SIGTERM));
    assert_child_signaled(d.pid, SIGTERM);
    close(d.out);

    demo_start(&d, stop_argv);
    expect_start(&d, stop_disps, 0);
    ASSERT_SYS_OK(kill(d.pid, SIGINT));
    expect_line(&d, "caught SIGINT");
    expect_line(&d, "stopping on SIGINT");
    assert_child_exited(d.pid, 0);
    close(d.out);
}

/* Arguments the demo must refuse. */
struct bad_args {
    const char *a, *b;
};

static const struct bad_args n_not_number = { "-n", "x" }, n_too_many = { "-n", "99" },
                             n_empty = { "-n", "" }, unknown_signal = { "FOO=catch", NULL },
                             unknown_action = { "USR1=bogus", NULL },
                             no_action = { "USR1", NULL }, short_name = { "USR=catch", NULL };

/* SIG-DEMO-03 the demo exits 2 with a usage line on wrong arguments */
static void test_sig_demo_03_usage(void **state)
{
    const struct bad_args *bad = ipct_variant();
    char *argv[] = { IPCSPEC_SIG_DEMO, (char *)bad->a, (char *)bad->b, NULL };
    const char *err_path = ipct_path("err");
    char text[256];
    (void)state;

    int err = (int)ASSERT_SYS_OK(open(err_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    assert_child_exited(ipct_spawn_exec(argv, -1, -1, err), 2); /* the status under test */
    ASSERT_SYS_OK(close(err));
    ipct_read_text(err_path, text, sizeof text);
    ASSERT_SYS_OK(unlink(err_path));
    if (strncmp(text, "usage: ipcspec-sig-demo", 23) != 0)
        IPCT_FAIL("standard error \"%s\" is no usage line", text);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_demo_01_default_run),
    IPCT_TEST(test_sig_demo_02_default_and_ignored),
    IPCT_VARIANT(test_sig_demo_03_usage, "n-not-a-number", &n_not_number),
    IPCT_VARIANT(test_sig_demo_03_usage, "n-too-many", &n_too_many),
    IPCT_VARIANT(test_sig_demo_03_usage, "n-empty", &n_empty),
    IPCT_VARIANT(test_sig_demo_03_usage, "unknown-signal", &unknown_signal),
    IPCT_VARIANT(test_sig_demo_03_usage, "unknown-action", &unknown_action),
    IPCT_VARIANT(test_sig_demo_03_usage, "no-action", &no_action),
    IPCT_VARIANT(test_sig_demo_03_usage, "short-name", &short_name),
};

IPCT_MAIN("sig_demo", tests)
