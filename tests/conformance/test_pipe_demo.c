/* SPDX-License-Identifier: MIT */
/*
 * test_pipe_demo.c - the pipe demo program, run as a user would run it: its
 * arguments or standard input in, its standard output, standard error and
 * exit status checked.
 *
 * Spec: PIPE-DEMO-01..04 (spec/pipe.md).
 * See also: impl/demo/pipe_demo.c, test_pipe_api.c (the helpers it uses).
 */
#include "ipctest.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { BIG = 256 * 1024 };

/* Read fd to end of file into buf, at most len - 1 bytes, NUL-terminated;
 * returns the count. Output beyond that is left unread. */
static size_t read_all(int fd, char *buf, size_t len)
{
    size_t got = 0;
    ssize_t n;

    while (got < len - 1 && (n = ASSERT_SYS_OK(read(fd, buf + got, len - 1 - got))) > 0)
        got += (size_t)n;
    buf[got] = '\0';
    return got;
}

/*
 * Start the demo with argv, standard input from in_fd (-1: inherited) and
 * standard output and standard error into new pipes whose read ends land in
 * *out_rd and *err_rd; out_rd NULL closes the stdout pipe's read end before
 * the demo starts. The pipes are close-on-exec, so the demo holds only its
 * own ends: end of file on ours means it and its child are done.
 */
static pid_t start_demo(char *const argv[], int in_fd, int *out_rd, int *err_rd)
{
    int out[2], err[2];

    ASSERT_SYS_OK(pipe2(out, O_CLOEXEC));
    ASSERT_SYS_OK(pipe2(err, O_CLOEXEC));
    if (out_rd == NULL)
        close(out[0]);
    pid_t demo = ipct_spawn_exec(argv, in_fd, out[1], err[1]);
    close(out[1]);
    close(err[1]);
    if (out_rd != NULL)
        *out_rd = out[0];
    *err_rd = err[0];
    return demo;
}

/* PIPE-DEMO-01 the pipe demo carries its words to the child */
static void test_pipe_demo_01_words_upper_cased_by_child(void **state)
{
    char *argv[] = { IPCSPEC_PIPE_DEMO, "hello,", "pipe", NULL };
    char out[64], err[256];
    int out_rd, err_rd;
    (void)state;

    pid_t demo = start_demo(argv, -1, &out_rd, &err_rd);
    read_all(out_rd, out, sizeof out);
    read_all(err_rd, err, sizeof err);
    if (strcmp(out, "HELLO, PIPE\n") != 0)
        IPCT_FAIL("stdout \"%s\"; expected \"HELLO, PIPE\\n\" (stderr \"%s\")", out, err);
    assert_child_exited(demo, 0);
    close(out_rd);
    close(err_rd);
}

/* Lower-case text with spaces and newlines, its period far from the pipe's
 * page and buffer sizes, so a lost or repeated block shows. */
static char text_byte(size_t i)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz ,.";

    if (i % 71 == 70)
        return '\n';
    return letters[(i * 7 + i / 4099) % (sizeof letters - 1)];
}

/* A file of BIG bytes of text, open for reading at offset 0. */
static int text_file(void)
{
    static char text[BIG];
    int fd = (int)ASSERT_SYS_OK(open(ipct_path("input"), O_CREAT | O_RDWR | O_CLOEXEC, 0600));

    for (size_t i = 0; i < BIG; i++)
        text[i] = text_byte(i);
    ASSERT_EQ(ASSERT_SYS_OK(write(fd, text, BIG)), BIG);
    ASSERT_SYS_OK(lseek(fd, 0, SEEK_SET));
    return fd;
}

/* PIPE-DEMO-02 the pipe demo carries standard input larger than the pipe */
static void test_pipe_demo_02_stdin_larger_than_pipe(void **state)
{
    static char out[BIG + 2]; /* room to see one byte too many */
    char *argv[] = { IPCSPEC_PIPE_DEMO, NULL };
    char err[256];
    int out_rd, err_rd;
    (void)state;

    int in = text_file();
    pid_t demo = start_demo(argv, in, &out_rd, &err_rd);
    close(in);
    size_t len = read_all(out_rd, out, sizeof out);
    read_all(err_rd, err, sizeof err);
    for (size_t i = 0; i < len && i < BIG; i++) {
        char want = (char)toupper((unsigned char)text_byte(i));
        if (out[i] != want)
            IPCT_FAIL("stdout byte %zu is 0x%02x, expected 0x%02x", i, out[i], want);
    }
    if (len != BIG)
        IPCT_FAIL("stdout has %zu bytes, expected %d (stderr \"%s\")", len, BIG, err);
    assert_child_exited(demo, 0);
    close(out_rd);
    close(err_rd);
}

/* PIPE-DEMO-03 the pipe demo reports a child that cannot write */
static void test_pipe_demo_03_child_write_failure_reported(void **state)
{
    char *argv[] = { IPCSPEC_PIPE_DEMO, "hello", NULL };
    char err[256];
    int err_rd;
    (void)state;

    /* Standard output is a pipe whose read end is closed before the demo
     * starts. The demo ignores SIGPIPE before it forks, and its child
     * inherits that: the child's write fails with EPIPE instead of killing it. */
    pid_t demo = start_demo(argv, -1, NULL, &err_rd);
    read_all(err_rd, err, sizeof err);
    assert_child_exited(demo, 1);
    if (strstr(err, "child: write stdout") == NULL || strstr(err, strerror(EPIPE)) == NULL)
        IPCT_FAIL("stderr \"%s\"; expected it to name \"child: write stdout\" and \"%s\"",
                  err, strerror(EPIPE));
    close(err_rd);
}

/* The one child of pid, from /proc/PID/task/PID/children. */
static pid_t only_child_of(pid_t pid)
{
    char path[64];

    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    return (pid_t)ipct_read_long(path); /* the first number: the one child */
}

/* PIPE-DEMO-04 the pipe demo reports a child killed by a signal */
static void test_pipe_demo_04_killed_child_reported(void **state)
{
    char *argv[] = { IPCSPEC_PIPE_DEMO, NULL };
    char out[64], err[256];
    int in[2], out_rd, err_rd;
    (void)state;

    ASSERT_SYS_OK(pipe2(in, O_CLOEXEC));
    pid_t demo = start_demo(argv, in[0], &out_rd, &err_rd);
    close(in[0]);
    ipct_await_blocked(demo, SYS_read); /* reading standard input: it has forked */
    pid_t child = only_child_of(demo);
    ipct_await_blocked(child, SYS_read); /* reading the pipe */
    ASSERT_SYS_OK(kill(child, SIGTERM));
    close(in[1]); /* end of input: the demo closes the pipe and reaps */
    read_all(out_rd, out, sizeof out);
    read_all(err_rd, err, sizeof err);
    assert_child_exited(demo, 1);
    if (strstr(err, "child killed by signal 15") == NULL)
        IPCT_FAIL("stderr \"%s\" does not report the child's death by signal 15", err);
    close(out_rd);
    close(err_rd);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_pipe_demo_01_words_upper_cased_by_child),
    IPCT_TEST(test_pipe_demo_02_stdin_larger_than_pipe),
    IPCT_TEST(test_pipe_demo_03_child_write_failure_reported),
    IPCT_TEST(test_pipe_demo_04_killed_child_reported),
};

IPCT_MAIN("pipe_demo", tests)
