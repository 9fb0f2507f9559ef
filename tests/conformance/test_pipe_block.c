/* SPDX-License-Identifier: MIT */
/*
 * test_pipe_block.c - non-blocking and blocking I/O on pipes, signals that
 * interrupt a blocked read, and the atomicity of writes of PIPE_BUF bytes.
 *
 * Spec: PIPE-NBLK-01..05, PIPE-BLOCK-01..04, PIPE-ATOMIC-01 (spec/pipe.md).
 * See also: test_pipe_basic.c (creation, end of file), test_pipe_size.c (capacity).
 */
#include "ipctest.h"
#include "ipcspec/io.h"
#include "pipe_helpers.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* PIPE-NBLK-01 a non-blocking read of an empty pipe fails with EAGAIN */
static void test_pipe_nblk_01_empty_read_eagain(void **state)
{
    int fds[2];
    char byte;
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    ASSERT_SYS_OK(fcntl(fds[0], F_SETFL, O_NONBLOCK));
    ASSERT_SYS_ERR(read(fds[0], &byte, 1), EAGAIN);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-NBLK-02 a non-blocking write to a full pipe fails with EAGAIN and writes nothing */
static void test_pipe_nblk_02_full_write_eagain(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fds, O_NONBLOCK));
    pipe_fill_nonblocking(fds[1]);
    ASSERT_EQ(pipe_unread(fds[0]), pipe_capacity(fds[1]));
    ASSERT_SYS_ERR(write(fds[1], "x", 1), EAGAIN);
    ASSERT_EQ(pipe_unread(fds[0]), pipe_capacity(fds[1]));
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-NBLK-03 a non-blocking write larger than PIPE_BUF writes what fits */
static void test_pipe_nblk_03_large_write_partial(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fds, O_NONBLOCK));
    size_t cap = (size_t)pipe_capacity(fds[1]);
    char *buf = calloc(1, cap + 4096);
    ASSERT_NOT_NULL(buf);
    ssize_t n = write(fds[1], buf, cap + 4096);
    free(buf);
    ASSERT_EQ(ASSERT_SYS_OK(n), cap);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-NBLK-04 pipe2(O_NONBLOCK) makes both ends non-blocking */
static void test_pipe_nblk_04_pipe2_flag_on_both_ends(void **state)
{
    int nb[2], plain[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(nb, O_NONBLOCK));
    ASSERT_SYS_OK(pipe(plain));
    ASSERT_TRUE(ASSERT_SYS_OK(fcntl(nb[0], F_GETFL)) & O_NONBLOCK);
    ASSERT_TRUE(ASSERT_SYS_OK(fcntl(nb[1], F_GETFL)) & O_NONBLOCK);
    ASSERT_FALSE(ASSERT_SYS_OK(fcntl(plain[0], F_GETFL)) & O_NONBLOCK);
    ASSERT_FALSE(ASSERT_SYS_OK(fcntl(plain[1], F_GETFL)) & O_NONBLOCK);
    close(nb[0]);
    close(nb[1]);
    close(plain[0]);
    close(plain[1]);
}

/* PIPE-NBLK-05 a non-blocking write of at most PIPE_BUF bytes is all or nothing */
static void test_pipe_nblk_05_small_write_all_or_nothing(void **state)
{
    int fds[2];
    char buf[4000];
    (void)state;

    /* "one page" and the 96 bytes that still fit are 4 KiB-page figures */
    if (sysconf(_SC_PAGESIZE) != 4096)
        IPCT_SKIP("page size is %ld, the spec's figures assume 4096", sysconf(_SC_PAGESIZE));
    memset(buf, 'a', sizeof buf);
    ASSERT_SYS_OK(pipe2(fds, O_NONBLOCK));
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fds[1], F_SETPIPE_SZ, 4096)), 4096);
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], buf, 4000)), 4000);
    ASSERT_SYS_ERR(write(fds[1], buf, 100), EAGAIN); /* 4100 > one page */
    ASSERT_EQ(pipe_unread(fds[0]), 4000);
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], buf, 96)), 96); /* exactly fills it */
    close(fds[0]);
    close(fds[1]);
}

/* Reads one byte from the empty pipe: "x". */
static void read_one_byte(void *arg)
{
    char byte = 0;

    ASSERT_EQ(ASSERT_SYS_OK(read(*(int *)arg, &byte, 1)), 1);
    ASSERT_EQ(byte, 'x');
}

/* PIPE-BLOCK-01 a blocking read of an empty pipe waits for data */
static void test_pipe_block_01_read_waits_for_data(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    pid_t reader = ipct_spawn(read_one_byte, &fds[0]);
    ipct_await_blocked(reader, SYS_read);
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], "x", 1)), 1);
    assert_child_exited(reader, 0);
    close(fds[0]);
    close(fds[1]);
}

struct filler { int wfd; size_t cap; };

/* Fills the empty pipe with one write of its capacity, then writes "z":
 * both complete in full. */
static void fill_then_write_one(void *arg)
{
    const struct filler *f = arg;
    char *buf = calloc(1, f->cap);

    ASSERT_NOT_NULL(buf);
    ssize_t n = write(f->wfd, buf, f->cap);
    free(buf);
    ASSERT_EQ(ASSERT_SYS_OK(n), f->cap);
    ASSERT_EQ(ASSERT_SYS_OK(write(f->wfd, "z", 1)), 1);
}

/* PIPE-BLOCK-02 a blocking write to a full pipe waits until the reader drains it */
static void test_pipe_block_02_write_waits_for_room(void **state)
{
    int fds[2];
    size_t done = 0;
    char last = 0;
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    struct filler f = { .wfd = fds[1], .cap = (size_t)pipe_capacity(fds[1]) };
    pid_t writer = ipct_spawn(fill_then_write_one, &f);
    ipct_await_blocked(writer, SYS_write);
    char *buf = malloc(f.cap);
    ASSERT_NOT_NULL(buf);
    ssize_t n = ipc_read_full(fds[0], buf, f.cap, &done);
    free(buf);
    ASSERT_EQ(ASSERT_IPC_OK(n), f.cap);
    assert_child_exited(writer, 0); /* its write of "z" completed */
    ASSERT_EQ(ASSERT_SYS_OK(read(fds[0], &last, 1)), 1);
    ASSERT_EQ(last, 'z');
    close(fds[0]);
    close(fds[1]);
}

static void on_sigusr1(int sig)
{
    (void)sig;
}

/* Installs a SIGUSR1 handler without SA_RESTART, then reads the empty
 * pipe: the read fails with EINTR. */
static void read_until_interrupted(void *arg)
{
    struct sigaction sa = { .sa_handler = on_sigusr1, .sa_flags = 0 };
    char byte;

    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGUSR1, &sa, NULL));
    ipct_child_ready();
    ASSERT_SYS_ERR(read(*(int *)arg, &byte, 1), EINTR);
}

/* PIPE-BLOCK-03 a handler without SA_RESTART interrupts a blocked read with EINTR */
static void test_pipe_block_03_handler_interrupts_read_eintr(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    pid_t reader = ipct_spawn(read_until_interrupted, &fds[0]);
    ipct_await_ready(reader);
    ipct_await_blocked(reader, SYS_read);
    ASSERT_SYS_OK(kill(reader, SIGUSR1));
    assert_child_exited(reader, 0);
    close(fds[0]);
    close(fds[1]);
}

/* In the PIPE-BLOCK-04 child: where the handler reports that it ran. */
static volatile sig_atomic_t notify_fd = -1;

static void notify_parent(int sig)
{
    int saved = errno;
    ssize_t n = write(notify_fd, "h", 1); /* async-signal-safe */

    (void)n; /* nothing a handler could do about a failure */
    (void)sig;
    errno = saved;
}

struct restart_ctx { int data_rfd; int notify_wfd; };

/* Installs the notifying SIGUSR1 handler with SA_RESTART, then reads one
 * byte: "y", the interrupted read restarted rather than failed with EINTR. */
static void read_restarted(void *arg)
{
    const struct restart_ctx *ctx = arg;
    struct sigaction sa = { .sa_handler = notify_parent, .sa_flags = SA_RESTART };
    char byte = 0;

    notify_fd = ctx->notify_wfd; /* set before the handler can run */
    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGUSR1, &sa, NULL));
    ipct_child_ready();
    ASSERT_EQ(ASSERT_SYS_OK(read(ctx->data_rfd, &byte, 1)), 1);
    ASSERT_EQ(byte, 'y');
}

/* PIPE-BLOCK-04 with SA_RESTART the interrupted read resumes and gets the data */
static void test_pipe_block_04_sa_restart_resumes_read(void **state)
{
    int data[2], notify[2];
    (void)state;

    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a handler only when the interrupted call returns, "
                  "and a restarted read does not return until data comes");
    ASSERT_SYS_OK(pipe(data));
    ASSERT_SYS_OK(pipe(notify));
    struct restart_ctx ctx = { .data_rfd = data[0], .notify_wfd = notify[1] };
    pid_t reader = ipct_spawn(read_restarted, &ctx);
    ipct_await_ready(reader);
    ipct_await_blocked(reader, SYS_read);
    ASSERT_SYS_OK(kill(reader, SIGUSR1));
    ASSERT_EQ(ipct_await_byte(notify[0]), 'h'); /* the handler ran */
    ipct_await_blocked(reader, SYS_read);         /* and read slept again */
    ASSERT_EQ(ASSERT_SYS_OK(write(data[1], "y", 1)), 1);
    assert_child_exited(reader, 0);
    close(data[0]);
    close(data[1]);
    close(notify[0]);
    close(notify[1]);
}

enum { WRITERS = 4, BLOCKS = 64 };

struct writer { int wfd; int rfd; char letter; };

/* Writes BLOCKS blocks of PIPE_BUF bytes of its letter, one write(2) each;
 * every write is whole. */
static void write_letter_blocks(void *arg)
{
    const struct writer *w = arg;
    char block[PIPE_BUF];

    ASSERT_SYS_OK(close(w->rfd));
    memset(block, w->letter, sizeof block);
    for (int i = 0; i < BLOCKS; i++)
        ASSERT_EQ(ASSERT_SYS_OK(write(w->wfd, block, sizeof block)), PIPE_BUF);
}

/* Read PIPE_BUF-aligned blocks until end of file; each must hold one
 * writer's letter throughout. Counts the blocks of each letter. */
static void read_blocks(int rfd, int count[WRITERS])
{
    char block[PIPE_BUF];
    size_t done = 0;
    ssize_t n;

    for (int b = 0; (n = ASSERT_IPC_OK(ipc_read_full(rfd, block, sizeof block, &done))) > 0; b++) {
        ASSERT_EQ(n, PIPE_BUF);
        ASSERT_GE(block[0], 'A'); /* a writer's letter */
        ASSERT_LT(block[0], 'A' + WRITERS);
        for (int i = 1; i < PIPE_BUF; i++) {
            if (block[i] != block[0])
                IPCT_FAIL("block %d interleaved: '%c' at 0, '%c' at offset %d",
                          b, block[0], block[i], i);
        }
        count[block[0] - 'A']++;
    }
}

/* PIPE-ATOMIC-01 writes of at most PIPE_BUF bytes are never interleaved */
static void test_pipe_atomic_01_concurrent_blocks_never_interleave(void **state)
{
    int fds[2], count[WRITERS] = { 0 };
    struct writer w[WRITERS];
    pid_t pid[WRITERS];
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (struct writer){ .wfd = fds[1], .rfd = fds[0], .letter = (char)('A' + i) };
        pid[i] = ipct_spawn(write_letter_blocks, &w[i]);
    }
    close(fds[1]);
    /* nothing is read yet: the writers fill the pipe and every one sleeps */
    for (int i = 0; i < WRITERS; i++)
        ipct_await_blocked(pid[i], SYS_write);
    for (int i = 0; i < WRITERS; i++)
        ASSERT_TRUE(ipct_is_blocked_in(pid[i], SYS_write)); /* none woke, nothing read */
    read_blocks(fds[0], count);
    for (int i = 0; i < WRITERS; i++)
        assert_child_exited(pid[i], 0);
    for (int i = 0; i < WRITERS; i++)
        ASSERT_EQ(count[i], BLOCKS); /* writer 'A' + i's blocks */
    close(fds[0]);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_pipe_nblk_01_empty_read_eagain),
    IPCT_TEST(test_pipe_nblk_02_full_write_eagain),
    IPCT_TEST(test_pipe_nblk_03_large_write_partial),
    IPCT_TEST(test_pipe_nblk_04_pipe2_flag_on_both_ends),
    IPCT_TEST(test_pipe_nblk_05_small_write_all_or_nothing),
    IPCT_TEST(test_pipe_block_01_read_waits_for_data),
    IPCT_TEST(test_pipe_block_02_write_waits_for_room),
    IPCT_TEST(test_pipe_block_03_handler_interrupts_read_eintr),
    IPCT_TEST(test_pipe_block_04_sa_restart_resumes_read),
    IPCT_TEST(test_pipe_atomic_01_concurrent_blocks_never_interleave),
};

IPCT_MAIN("pipe_block", tests)
