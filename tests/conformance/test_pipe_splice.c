/* SPDX-License-Identifier: MIT */
/*
 * test_pipe_splice.c - moving pipe data without a user buffer: splice(2)
 * between pipes and files, tee(2) duplicating a pipe's contents, vmsplice(2)
 * between user memory and a pipe.
 *
 * Spec: PIPE-SPLICE-01..07, PIPE-TEE-01..03, PIPE-VMSPLICE-01..03 (spec/pipe.md).
 * See also: test_pipe_basic.c, test_pipe_async.c.
 */
#include "pipe_helpers.h"

#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

static void mkpipe(int p[2])
{
    ASSERT_SYS_OK(pipe2(p, O_CLOEXEC));
}

/* A regular file in the test's directory holding text, open read-write. */
static int text_file(const char *leaf, const char *text)
{
    int fd = (int)ASSERT_SYS_OK(open(ipct_path(leaf), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));

    ASSERT_EQ(ASSERT_SYS_OK(write(fd, text, strlen(text))), strlen(text));
    return fd;
}

/* PIPE-SPLICE-01 splice between two pipes moves the bytes: the source is left empty */
static void test_pipe_splice_01_moves_between_pipes(void **state)
{
    int a[2], b[2];
    char buf[8] = "";
    (void)state;

    mkpipe(a), mkpipe(b);
    ASSERT_SYS_OK(write(a[1], "moved", 5));
    ASSERT_EQ(ASSERT_SYS_OK(splice(a[0], NULL, b[1], NULL, 64, 0)), 5);
    ASSERT_EQ(pipe_unread(a[0]), 0);
    ASSERT_EQ(ASSERT_SYS_OK(read(b[0], buf, sizeof buf)), 5);
    ASSERT_MEM_EQ(buf, "moved", 5);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

/* PIPE-SPLICE-02 splicing from a file at an explicit offset advances that offset, not the file's own */
static void test_pipe_splice_02_file_offset_pointer(void **state)
{
    int p[2];
    char buf[8] = "";
    loff_t off = 2;
    (void)state;

    int fd = text_file("f", "0123456789");
    ASSERT_SYS_OK(lseek(fd, 0, SEEK_SET));
    mkpipe(p);
    ASSERT_EQ(ASSERT_SYS_OK(splice(fd, &off, p[1], NULL, 3, 0)), 3);
    ASSERT_EQ(off, 5);
    ASSERT_EQ(ASSERT_SYS_OK(lseek(fd, 0, SEEK_CUR)), 0);
    ASSERT_EQ(ASSERT_SYS_OK(read(p[0], buf, sizeof buf)), 3);
    ASSERT_MEM_EQ(buf, "234", 3);
    close(fd), close(p[0]), close(p[1]);
    ASSERT_SYS_OK(unlink(ipct_path("f")));
}

/* PIPE-SPLICE-03 splice with no pipe at either end fails with EINVAL */
static void test_pipe_splice_03_no_pipe_einval(void **state)
{
    (void)state;
    int in = text_file("in", "abc");
    int out = text_file("out", "");

    ASSERT_SYS_OK(lseek(in, 0, SEEK_SET));
    ASSERT_SYS_ERR(splice(in, NULL, out, NULL, 3, 0), EINVAL);
    close(in), close(out);
    ASSERT_SYS_OK(unlink(ipct_path("in")));
    ASSERT_SYS_OK(unlink(ipct_path("out")));
}

/* PIPE-SPLICE-04 an offset given for a pipe end fails with ESPIPE */
static void test_pipe_splice_04_offset_on_pipe_espipe(void **state)
{
    int a[2], b[2];
    loff_t off = 0;
    (void)state;

    mkpipe(a), mkpipe(b);
    ASSERT_SYS_OK(write(a[1], "x", 1));
    ASSERT_SYS_ERR(splice(a[0], &off, b[1], NULL, 1, 0), ESPIPE);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

/* PIPE-SPLICE-05 SPLICE_F_NONBLOCK on an empty source pipe fails with EAGAIN; with no writer left it returns 0 */
static void test_pipe_splice_05_empty_source(void **state)
{
    int a[2], b[2];
    (void)state;

    mkpipe(a), mkpipe(b);
    ASSERT_SYS_ERR(splice(a[0], NULL, b[1], NULL, 1, SPLICE_F_NONBLOCK), EAGAIN);
    close(a[1]);
    ASSERT_EQ(ASSERT_SYS_OK(splice(a[0], NULL, b[1], NULL, 1, 0)), 0);
    close(a[0]), close(b[0]), close(b[1]);
}

static void splice_one(void *arg)
{
    const int *fds = arg; /* source read end, destination write end */

    ASSERT_EQ(ASSERT_SYS_OK(splice(fds[0], NULL, fds[1], NULL, 16, 0)), 4);
}

/* PIPE-SPLICE-06 a blocking splice from an empty pipe waits until data is written */
static void test_pipe_splice_06_blocking_waits(void **state)
{
    int a[2], b[2];
    char buf[8] = "";
    (void)state;

    mkpipe(a), mkpipe(b);
    int fds[2] = { a[0], b[1] };
    pid_t pid = ipct_spawn(splice_one, fds);
    ipct_await_blocked(pid, SYS_splice);
    ASSERT_SYS_OK(write(a[1], "late", 4));
    assert_child_exited(pid, 0);
    ASSERT_EQ(ASSERT_SYS_OK(read(b[0], buf, sizeof buf)), 4);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

/* PIPE-SPLICE-07 splice from a pipe into itself fails with EINVAL */
static void test_pipe_splice_07_same_pipe_einval(void **state)
{
    int a[2];
    (void)state;

    mkpipe(a);
    ASSERT_SYS_OK(write(a[1], "x", 1));
    ASSERT_SYS_ERR(splice(a[0], NULL, a[1], NULL, 1, 0), EINVAL);
    close(a[0]), close(a[1]);
}

/* PIPE-TEE-01 tee copies a pipe's bytes into another and leaves them in the source */
static void test_pipe_tee_01_copies_without_consuming(void **state)
{
    int a[2], b[2];
    char buf[8] = "";
    (void)state;

    mkpipe(a), mkpipe(b);
    ASSERT_SYS_OK(write(a[1], "twice", 5));
    ASSERT_EQ(ASSERT_SYS_OK(tee(a[0], b[1], 64, 0)), 5);
    ASSERT_EQ(pipe_unread(a[0]), 5);
    ASSERT_EQ(ASSERT_SYS_OK(read(b[0], buf, sizeof buf)), 5);
    ASSERT_MEM_EQ(buf, "twice", 5);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

/* PIPE-TEE-02 tee copies at most len bytes */
static void test_pipe_tee_02_at_most_len(void **state)
{
    int a[2], b[2];
    (void)state;

    mkpipe(a), mkpipe(b);
    ASSERT_SYS_OK(write(a[1], "abcdef", 6));
    ASSERT_EQ(ASSERT_SYS_OK(tee(a[0], b[1], 2, 0)), 2);
    ASSERT_EQ(pipe_unread(b[0]), 2);
    ASSERT_EQ(pipe_unread(a[0]), 6);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

/* PIPE-TEE-03 tee needs two different pipes (EINVAL otherwise) and waits for data unless SPLICE_F_NONBLOCK (EAGAIN) */
static void test_pipe_tee_03_errors(void **state)
{
    int a[2], b[2];
    (void)state;

    mkpipe(a), mkpipe(b);
    int f = text_file("t", "abc");
    ASSERT_SYS_ERR(tee(a[0], b[1], 1, SPLICE_F_NONBLOCK), EAGAIN);
    ASSERT_SYS_OK(write(a[1], "x", 1));
    ASSERT_SYS_ERR(tee(a[0], a[1], 1, 0), EINVAL);
    ASSERT_SYS_ERR(tee(a[0], f, 1, 0), EINVAL);
    close(f), close(a[0]), close(a[1]), close(b[0]), close(b[1]);
    ASSERT_SYS_OK(unlink(ipct_path("t")));
}

/* PIPE-VMSPLICE-01 vmsplice into a write end puts the iovecs' bytes into the pipe in order */
static void test_pipe_vmsplice_01_iovecs_in_order(void **state)
{
    static char one[] = "ab", two[] = "cde";
    struct iovec iov[2] = { { one, 2 }, { two, 3 } };
    char buf[8] = "";
    int p[2];
    (void)state;

    mkpipe(p);
    ASSERT_EQ(ASSERT_SYS_OK(vmsplice(p[1], iov, 2, 0)), 5);
    ASSERT_EQ(ASSERT_SYS_OK(read(p[0], buf, sizeof buf)), 5);
    ASSERT_MEM_EQ(buf, "abcde", 5);
    close(p[0]), close(p[1]);
}

/* PIPE-VMSPLICE-02 vmsplice on a read end copies the pipe's bytes into the iovec */
static void test_pipe_vmsplice_02_read_end_fills_iovec(void **state)
{
    char buf[8] = "";
    struct iovec iov = { buf, sizeof buf };
    int p[2];
    (void)state;

    mkpipe(p);
    ASSERT_SYS_OK(write(p[1], "back", 4));
    ASSERT_EQ(ASSERT_SYS_OK(vmsplice(p[0], &iov, 1, 0)), 4);
    ASSERT_MEM_EQ(buf, "back", 4);
    ASSERT_EQ(pipe_unread(p[0]), 0);
    close(p[0]), close(p[1]);
}

/* PIPE-VMSPLICE-03 vmsplice on a descriptor that is no pipe fails with EBADF; on a full pipe with SPLICE_F_NONBLOCK, EAGAIN */
static void test_pipe_vmsplice_03_errors(void **state)
{
    static char byte[1] = "z";
    struct iovec iov = { byte, 1 };
    int p[2];
    (void)state;

    int f = text_file("v", "");
    ASSERT_SYS_ERR(vmsplice(f, &iov, 1, 0), EBADF);
    mkpipe(p);
    ASSERT_SYS_OK(fcntl(p[1], F_SETFL, O_NONBLOCK));
    pipe_fill_nonblocking(p[1]);
    ASSERT_SYS_ERR(vmsplice(p[1], &iov, 1, SPLICE_F_NONBLOCK), EAGAIN);
    close(f), close(p[0]), close(p[1]);
    ASSERT_SYS_OK(unlink(ipct_path("v")));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_pipe_splice_01_moves_between_pipes),
    IPCT_TEST(test_pipe_splice_02_file_offset_pointer),
    IPCT_TEST(test_pipe_splice_03_no_pipe_einval),
    IPCT_TEST(test_pipe_splice_04_offset_on_pipe_espipe),
    IPCT_TEST(test_pipe_splice_05_empty_source),
    IPCT_TEST(test_pipe_splice_06_blocking_waits),
    IPCT_TEST(test_pipe_splice_07_same_pipe_einval),
    IPCT_TEST(test_pipe_tee_01_copies_without_consuming),
    IPCT_TEST(test_pipe_tee_02_at_most_len),
    IPCT_TEST(test_pipe_tee_03_errors),
    IPCT_TEST(test_pipe_vmsplice_01_iovecs_in_order),
    IPCT_TEST(test_pipe_vmsplice_02_read_end_fills_iovec),
    IPCT_TEST(test_pipe_vmsplice_03_errors),
};

IPCT_MAIN("pipe_splice", tests)
