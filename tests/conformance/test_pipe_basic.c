/* SPDX-License-Identifier: MIT */
/*
 * test_pipe_basic.c - creating pipes, order, end of file, SIGPIPE.
 *
 * Spec: PIPE-CREATE-01..04, PIPE-ORDER-01, PIPE-EOF-01..02,
 *       PIPE-SIGPIPE-01..03, PIPE-SEEK-01 (spec/pipe.md).
 * See also: test_pipe_block.c (blocking), test_pipe_size.c (capacity).
 */
#include "ipctest.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* PIPE-CREATE-01 pipe gives a read end and a write end */
static void test_pipe_create_01_ends_are_read_and_write(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    ASSERT_NE(fds[0], fds[1]);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fds[0], F_GETFL)) & O_ACCMODE, O_RDONLY);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fds[1], F_GETFL)) & O_ACCMODE, O_WRONLY);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-CREATE-02 each end refuses the other direction with EBADF */
static void test_pipe_create_02_wrong_direction_ebadf(void **state)
{
    int fds[2];
    char byte = 'x';
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    ASSERT_SYS_ERR(write(fds[0], &byte, 1), EBADF);
    ASSERT_SYS_ERR(read(fds[1], &byte, 1), EBADF);
    close(fds[0]);
    close(fds[1]);
}

/* In a child: leave exactly one descriptor number free, try pipe(): EMFILE,
 * and the free number still free. */
static void pipe_with_one_free_slot(void *arg)
{
    int fds[2] = { -1, -1 };
    int free_fd = ipct_leave_free_fds(1); /* the only number under the limit not in use */
    (void)arg;

    ASSERT_SYS_ERR(pipe(fds), EMFILE);
    ASSERT_SYS_ERR(fcntl(free_fd, F_GETFD), EBADF); /* the free slot was not taken */
}

/* PIPE-CREATE-03 with one descriptor slot free, pipe fails with EMFILE and takes nothing */
static void test_pipe_create_03_one_free_slot_emfile(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn(pipe_with_one_free_slot, NULL), 0);
}

/* PIPE-CREATE-04 pipe2 with an unknown flag fails with EINVAL */
static void test_pipe_create_04_unknown_flag_einval(void **state)
{
    int fds[2] = { -7, -9 };
    (void)state;

    ASSERT_SYS_ERR(pipe2(fds, O_APPEND), EINVAL);
    ASSERT_EQ(fds[0], -7);
    ASSERT_EQ(fds[1], -9);
}

/* PIPE-ORDER-01 bytes come out in the order they went in */
static void test_pipe_order_01_writes_concatenate_in_order(void **state)
{
    int fds[2];
    char got[9] = "";
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], "abc", 3)), 3);
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], "defg", 4)), 4);
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], "h", 1)), 1);
    ASSERT_EQ(ASSERT_SYS_OK(read(fds[0], got, 8)), 8);
    ASSERT_STR_EQ(got, "abcdefgh");
    close(fds[0]);
    close(fds[1]);
}

enum { STREAM_LEN = 1 << 20 };

static unsigned char stream_byte(size_t i)
{
    return (unsigned char)((i * 131u) ^ (i >> 9));
}

/* Writes STREAM_LEN bytes of stream_byte to the inherited write end. */
static void write_stream(void *arg)
{
    int wfd = *(int *)arg;
    unsigned char chunk[3001]; /* odd size: writes straddle pipe pages */

    for (size_t sent = 0; sent < STREAM_LEN;) {
        size_t n = sizeof chunk;
        if (n > STREAM_LEN - sent)
            n = STREAM_LEN - sent;
        for (size_t i = 0; i < n; i++)
            chunk[i] = stream_byte(sent + i);
        ssize_t w = ASSERT_SYS_OK(write(wfd, chunk, n));
        ASSERT_GT(w, 0);
        sent += (size_t)w;
    }
}

/* PIPE-ORDER-01 bytes come out in the order they went in */
static void test_pipe_order_01_stream_from_child_intact(void **state)
{
    int fds[2];
    unsigned char buf[4096];
    size_t got = 0;
    ssize_t n;
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    pid_t writer = ipct_spawn(write_stream, &fds[1]);
    close(fds[1]);
    while ((n = ASSERT_SYS_OK(read(fds[0], buf, sizeof buf))) > 0) {
        for (ssize_t i = 0; i < n; i++, got++) {
            if (buf[i] != stream_byte(got))
                IPCT_FAIL("byte %zu is 0x%02x, expected 0x%02x", got, buf[i], stream_byte(got));
        }
    }
    ASSERT_EQ(got, STREAM_LEN);
    assert_child_exited(writer, 0);
    close(fds[0]);
}

static void write_x_and_exit(void *arg)
{
    ASSERT_EQ(ASSERT_SYS_OK(write(*(int *)arg, "x", 1)), 1);
}

/* PIPE-EOF-01 read returns 0 once every write end is closed */
static void test_pipe_eof_01_all_writers_closed_read_zero(void **state)
{
    int fds[2];
    char byte = 0;
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    pid_t writer = ipct_spawn(write_x_and_exit, &fds[1]);
    close(fds[1]);
    assert_child_exited(writer, 0);
    ASSERT_EQ(ASSERT_SYS_OK(read(fds[0], &byte, 1)), 1);
    ASSERT_EQ(byte, 'x');
    ASSERT_EQ(ASSERT_SYS_OK(read(fds[0], &byte, 1)), 0);
    close(fds[0]);
}

/* Holds its inherited write end until the parent closes the control pipe. */
static void hold_writer(void *arg)
{
    int *control = arg;
    char byte;

    ASSERT_SYS_OK(close(control[1])); /* else our own copy would withhold the end of file */
    ipct_child_ready();
    ASSERT_EQ(ASSERT_SYS_OK(read(control[0], &byte, 1)), 0);
}

/* PIPE-EOF-02 a write end open in any process withholds end of file */
static void test_pipe_eof_02_writer_in_child_withholds_eof(void **state)
{
    int fds[2], control[2];
    char byte;
    (void)state;

    ASSERT_SYS_OK(pipe2(fds, O_NONBLOCK));
    ASSERT_SYS_OK(pipe(control));
    pid_t holder = ipct_spawn(hold_writer, control);
    close(fds[1]);
    close(control[0]);
    ipct_await_ready(holder);
    ASSERT_SYS_ERR(read(fds[0], &byte, 1), EAGAIN);
    close(control[1]); /* lets the holder exit, closing the last write end */
    assert_child_exited(holder, 0);
    ASSERT_EQ(ASSERT_SYS_OK(read(fds[0], &byte, 1)), 0);
    close(fds[0]);
}

/* Writes to a pipe nobody reads. The behaviour under test is this child's
 * death by SIGPIPE's default action, inside the write: returning at all is
 * the failure. */
static void write_to_readerless_pipe(void *arg)
{
    ssize_t n = write(*(int *)arg, "x", 1);

    IPCT_FAIL("write with no reader returned %zd (%s): SIGPIPE did not kill the writer", n,
              n == -1 ? ipct_errname(errno) : "no error");
}

/* PIPE-SIGPIPE-01 a write with no reader raises SIGPIPE */
static void test_pipe_sigpipe_01_no_reader_kills_writer(void **state)
{
    int fds[2];
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    (void)state;

    ASSERT_SYS_OK(sigaction(SIGPIPE, &dfl, NULL));
    ASSERT_SYS_OK(pipe(fds));
    close(fds[0]); /* before the fork: no reader may exist anywhere */
    pid_t writer = ipct_spawn(write_to_readerless_pipe, &fds[1]);
    close(fds[1]);
    assert_child_signaled(writer, SIGPIPE);
}

/* PIPE-SIGPIPE-02 with SIGPIPE ignored, a write with no reader fails with EPIPE */
static void test_pipe_sigpipe_02_ignored_write_epipe(void **state)
{
    int fds[2];
    struct sigaction ign = { .sa_handler = SIG_IGN };
    (void)state;

    ASSERT_SYS_OK(sigaction(SIGPIPE, &ign, NULL));
    ASSERT_SYS_OK(pipe(fds));
    close(fds[0]);
    ASSERT_SYS_ERR(write(fds[1], "x", 1), EPIPE);
    close(fds[1]);
}

/* PIPE-SIGPIPE-03 with SIGPIPE blocked, the write fails with EPIPE and SIGPIPE stays pending */
static void test_pipe_sigpipe_03_blocked_pending_and_epipe(void **state)
{
    int fds[2];
    sigset_t block, pending;
    (void)state;

    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    ASSERT_SYS_OK(pipe(fds));
    close(fds[0]);
    ASSERT_SYS_ERR(write(fds[1], "x", 1), EPIPE);
    ASSERT_SYS_OK(sigpending(&pending));
    ASSERT_TRUE(sigismember(&pending, SIGPIPE));
    close(fds[1]);
}

/* PIPE-SEEK-01 lseek on a pipe fails with ESPIPE */
static void test_pipe_seek_01_lseek_espipe(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    ASSERT_SYS_ERR(lseek(fds[0], 0, SEEK_CUR), ESPIPE);
    ASSERT_SYS_ERR(lseek(fds[1], 0, SEEK_SET), ESPIPE);
    close(fds[0]);
    close(fds[1]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_pipe_create_01_ends_are_read_and_write),
    IPCT_TEST(test_pipe_create_02_wrong_direction_ebadf),
    IPCT_TEST(test_pipe_create_03_one_free_slot_emfile),
    IPCT_TEST(test_pipe_create_04_unknown_flag_einval),
    IPCT_TEST(test_pipe_order_01_writes_concatenate_in_order),
    IPCT_TEST(test_pipe_order_01_stream_from_child_intact),
    IPCT_TEST(test_pipe_eof_01_all_writers_closed_read_zero),
    IPCT_TEST(test_pipe_eof_02_writer_in_child_withholds_eof),
    IPCT_TEST(test_pipe_sigpipe_01_no_reader_kills_writer),
    IPCT_TEST(test_pipe_sigpipe_02_ignored_write_epipe),
    IPCT_TEST(test_pipe_sigpipe_03_blocked_pending_and_epipe),
    IPCT_TEST(test_pipe_seek_01_lseek_espipe),
};

IPCT_MAIN("pipe_basic", tests)
