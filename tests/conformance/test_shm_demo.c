/* SPDX-License-Identifier: MIT */
/*
 * test_shm_demo.c - the shared memory publisher/subscriber demos, run as a
 * user would run them: the publisher fed lines on its standard input,
 * subscribers printing what they read, each step waited for through the
 * programs' own output; exit statuses and /dev/shm, /dev/mqueue checked.
 *
 * Spec: SHM-DEMO-01..04, SHM-DEMO-09 (spec/shm.md).
 * See also: impl/demo/shm_publisher_demo.c, impl/demo/shm_subscriber_demo.c,
 * tests/fault/fault_shm_demo.c (the demos with failing calls).
 */
#include "shm_helpers.h"

#include <signal.h>
#include <stdio.h>

struct prog {
    pid_t pid;
    int in;  /* its standard input, or -1 */
    int out; /* its standard output */
};

/* Start argv with a pipe on stdout (and on stdin when with_in). */
static struct prog start(char *const argv[], int with_in)
{
    int out[2], in[2] = { -1, -1 };
    struct prog p;

    ASSERT_SYS_OK(pipe2(out, O_CLOEXEC));
    if (with_in)
        ASSERT_SYS_OK(pipe2(in, O_CLOEXEC));
    p.pid = ipct_spawn_exec(argv, in[0], out[1], -1);
    close(out[1]);
    if (with_in)
        close(in[0]);
    p.in = in[1];
    p.out = out[0];
    return p;
}

/* One line of p's output (its newline kept), "" at its end. */
static const char *line_of(struct prog *p)
{
    static char line[512];
    size_t got = 0;

    while (got < sizeof line - 1) {
        ssize_t r = ASSERT_SYS_OK(read(p->out, line + got, 1));
        if (r == 0)
            break;
        if (line[got++] == '\n')
            break;
    }
    line[got] = '\0';
    return line;
}

static void expect_line(struct prog *p, const char *want)
{
    const char *got = line_of(p);

    if (strcmp(got, want) != 0)
        IPCT_FAIL("pid %d printed \"%s\", expected \"%s\"", (int)p->pid, got, want);
}

static void finish(struct prog *p, int code)
{
    assert_child_exited(p->pid, code);
    close(p->out);
    if (p->in >= 0)
        close(p->in);
}

/* Neither the board nor any of n queues of base is left. */
static void assert_nothing_left(const char *base, int n)
{
    char path[300];
    struct stat st;

    snprintf(path, sizeof path, "/dev/shm/%s", base + 1);
    ASSERT_SYS_ERR(stat(path, &st), ENOENT);
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/dev/mqueue/%s-sub-%d", base + 1, i);
        ASSERT_SYS_ERR(stat(path, &st), ENOENT);
    }
}

/* The publisher on base for n subscribers, and the n subscribers, all ready. */
static struct prog start_all(const char *base, const char *n, struct prog *subs, int nsubs)
{
    char *pub_argv[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)base, (char *)n, NULL };
    char index[16];
    struct prog pub = start(pub_argv, 1);

    expect_line(&pub, "ready\n");
    for (int i = 0; i < nsubs; i++) {
        snprintf(index, sizeof index, "%d", i);
        char *sub_argv[] = { IPCSPEC_SHM_SUBSCRIBER_DEMO, (char *)base, index, NULL };
        subs[i] = start(sub_argv, 0);
        expect_line(&subs[i], "ready\n");
    }
    return pub;
}

/* SHM-DEMO-01 every subscriber prints each update the publisher reads, and all end at the end of its input */
static void test_shm_demo_01_subscribers_follow_updates(void **state)
{
    const char *base = ipct_ipc_name("pubdemo");
    static const char *const lines[] = { "alpha", "beta", "gamma" };
    struct prog subs[3];
    char want[64];
    (void)state;

    struct prog pub = start_all(base, "3", subs, 3);
    for (int k = 0; k < 3; k++) {
        snprintf(want, sizeof want, "%s\n", lines[k]);
        ASSERT_SYS_OK(write(pub.in, want, strlen(want)));
        snprintf(want, sizeof want, "%d %s\n", k + 1, lines[k]);
        for (int i = 0; i < 3; i++)
            expect_line(&subs[i], want);
    }
    ASSERT_SYS_OK(close(pub.in)); /* end of input: the closing record */
    pub.in = -1;
    for (int i = 0; i < 3; i++) {
        expect_line(&subs[i], "4 gamma\n");
        expect_line(&subs[i], "");
        finish(&subs[i], 0);
    }
    expect_line(&pub, "");
    finish(&pub, 0);
    assert_nothing_left(base, 3);
}

/* SHM-DEMO-02 SIGTERM or SIGINT ends the publisher with exit 0, its subscribers too, and nothing is left */
static void test_shm_demo_02_signal_ends_all(void **state)
{
    static const int sigs[] = { SIGTERM, SIGINT };
    struct prog subs[2];
    (void)state;

    for (size_t k = 0; k < 2; k++) {
        const char *base = ipct_ipc_name("pubdemo");
        struct prog pub = start_all(base, "2", subs, 2);
        ASSERT_SYS_OK(write(pub.in, "only\n", 5));
        for (int i = 0; i < 2; i++)
            expect_line(&subs[i], "1 only\n");
        ASSERT_SYS_OK(kill(pub.pid, sigs[k]));
        finish(&pub, 0);
        for (int i = 0; i < 2; i++) {
            expect_line(&subs[i], "2 only\n");
            finish(&subs[i], 0);
        }
        assert_nothing_left(base, 2);
    }
}

/* SHM-DEMO-09 a subscriber whose publisher is killed says so and exits 1;
 * a publisher started again on the base takes the dead one's objects over */
static void test_shm_demo_09_killed_publisher_reported_restart_works(void **state)
{
    const char *base = ipct_ipc_name("pubdemo");
    char *sub_argv[] = { IPCSPEC_SHM_SUBSCRIBER_DEMO, (char *)base, "0", NULL };
    char *pub_argv[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)base, "1", NULL };
    char err[256];
    int efd[2];
    struct prog sub;
    (void)state;

    struct prog pub = start(pub_argv, 1);
    expect_line(&pub, "ready\n");
    ASSERT_SYS_OK(pipe2(efd, O_CLOEXEC));
    int out[2];
    ASSERT_SYS_OK(pipe2(out, O_CLOEXEC));
    sub.pid = ipct_spawn_exec(sub_argv, -1, out[1], efd[1]);
    sub.in = -1;
    sub.out = out[0];
    close(out[1]), close(efd[1]);
    expect_line(&sub, "ready\n");
    ASSERT_SYS_OK(write(pub.in, "alpha\n", 6));
    expect_line(&sub, "1 alpha\n");
    ASSERT_SYS_OK(kill(pub.pid, SIGKILL));
    assert_child_signaled(pub.pid, SIGKILL);
    close(pub.in), close(pub.out);
    expect_line(&sub, ""); /* no closing record: it ends all the same */
    finish(&sub, 1);
    ssize_t n = ASSERT_SYS_OK(read(efd[0], err, sizeof err - 1));
    err[n] = '\0';
    close(efd[0]);
    char want[128]; /* the libc's words for EOWNERDEAD: glibc and musl differ */
    snprintf(want, sizeof want, "ipcspec-shm-subscriber: wait: %s\n", strerror(EOWNERDEAD));
    ASSERT_STR_EQ(err, want);
    pub = start(pub_argv, 1); /* the dead one's board and queue are in its way */
    expect_line(&pub, "ready\n");
    ASSERT_SYS_OK(close(pub.in));
    pub.in = -1;
    expect_line(&pub, "");
    finish(&pub, 0);
    assert_nothing_left(base, 1);
}

/* Run argv to its end with stdin from /dev/null; its exit code and stderr. */
static int run_to_end(char *const argv[], char *err, size_t cap)
{
    int efd = (int)ASSERT_SYS_OK(open(ipct_path("err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                      0600));
    int null = (int)ASSERT_SYS_OK(open("/dev/null", O_RDWR | O_CLOEXEC));
    pid_t pid = ipct_spawn_exec(argv, null, null, efd);
    close(efd);
    close(null);
    int status = ipct_wait(pid);
    ipct_read_text(ipct_path("err"), err, cap);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* SHM-DEMO-03 both demos exit 2 with a usage line on wrong arguments */
static void test_shm_demo_03_usage_exit_two(void **state)
{
    char *const argvs[][5] = {
        { IPCSPEC_SHM_PUBLISHER_DEMO, NULL },
        { IPCSPEC_SHM_PUBLISHER_DEMO, "/b", "0", NULL },
        { IPCSPEC_SHM_PUBLISHER_DEMO, "/b", "17", NULL },
        { IPCSPEC_SHM_PUBLISHER_DEMO, "/b", "2x", NULL },
        { IPCSPEC_SHM_SUBSCRIBER_DEMO, "/b", NULL },
        { IPCSPEC_SHM_SUBSCRIBER_DEMO, "/b", "", NULL },
        { IPCSPEC_SHM_SUBSCRIBER_DEMO, "/b", "-1", NULL },
        { IPCSPEC_SHM_SUBSCRIBER_DEMO, "/b", "16", NULL },
        { IPCSPEC_SHM_SUBSCRIBER_DEMO, "/b", "1x", NULL },
    };
    char err[256];
    (void)state;

    for (size_t k = 0; k < sizeof argvs / sizeof argvs[0]; k++) {
        int code = run_to_end(argvs[k], err, sizeof err);
        if (code != 2 || strncmp(err, "usage: ", 7) != 0)
            IPCT_FAIL("case %zu: exit %d, stderr \"%s\"; expected exit 2 and a usage line", k,
                      code, err);
    }
}

/* SHM-DEMO-04 the demos report a missing publisher, a taken name and an oversized line, and leave nothing */
static void test_shm_demo_04_failures_reported(void **state)
{
    const char *base = ipct_ipc_name("pubdemo");
    char *sub_argv[] = { IPCSPEC_SHM_SUBSCRIBER_DEMO, (char *)base, "0", NULL };
    char *pub_argv[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)base, "1", NULL };
    char err[256], big[400];
    struct prog subs[1];
    (void)state;

    ASSERT_EQ(run_to_end(sub_argv, err, sizeof err), 1);
    ASSERT_STR_EQ(err, "ipcspec-shm-subscriber: open: No such file or directory\n");
    close(shm_new(base, 0600, 0)); /* the name is taken */
    ASSERT_EQ(run_to_end(pub_argv, err, sizeof err), 1);
    ASSERT_STR_EQ(err, "ipcspec-shm-publisher: create: File exists\n");
    ASSERT_SYS_OK(shm_unlink(base));
    struct prog pub = start_all(base, "1", subs, 1);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\n';
    ASSERT_SYS_OK(write(pub.in, big, sizeof big));
    finish(&pub, 1);
    assert_nothing_left(base, 1);
    assert_child_exited(subs[0].pid, 0); /* the failed publisher closed the board */
    close(subs[0].out);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_demo_01_subscribers_follow_updates),
    IPCT_TEST(test_shm_demo_02_signal_ends_all),
    IPCT_TEST(test_shm_demo_03_usage_exit_two),
    IPCT_TEST(test_shm_demo_04_failures_reported),
    IPCT_TEST(test_shm_demo_09_killed_publisher_reported_restart_works),
};

IPCT_MAIN("shm_demo", tests)
