/* SPDX-License-Identifier: MIT */
/*
 * test_pipe_api.c - the contracts of ipcspec's helpers: whole-buffer I/O
 * across short transfers and signals; checked pipe2, F_[GS]ETPIPE_SZ, mkfifo, open.
 *
 * Spec: PIPE-API-01..08, FIFO-API-01..04 (spec/pipe.md).
 * See also: impl/include/ipcspec/io.h and pipe.h; test_pipe_fifo.c (FIFOs
 * through the OS); tests/meta (PIPE-API-02 must fail on a broken ipc_write_full).
 */
#include "ipctest.h"
#include "pipe_helpers.h"
#include "ipcspec/io.h"
#include "ipcspec/pipe.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { BIG = 256 * 1024 };

static unsigned char big[BIG]; /* PIPE-API-02: the pattern; 04, 05: any bytes */

/* Reads 12 bytes with ipc_read_full from the pipe end *arg: it must return
 * 12, done 12, "abcdefghijkl". */
static void read_twelve(void *arg)
{
    char buf[13] = "";
    size_t done = 0;

    ASSERT_EQ(ipc_read_full(*(int *)arg, buf, 12, &done), 12);
    ASSERT_EQ(done, 12);
    ASSERT_STR_EQ(buf, "abcdefghijkl");
}

/* PIPE-API-01 ipc_read_full gathers a message across short reads */
static void test_pipe_api_01_read_full_across_short_reads(void **state)
{
    const char *message = "abcdefghijkl";
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    pid_t reader = ipct_spawn(read_twelve, &fds[0]);
    close(fds[0]);
    for (int i = 0; i < 3; i++) {
        /* write wakes the reader before it returns: each sleep is a new read(2) */
        ipct_await_blocked(reader, SYS_read);
        ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], message + (size_t)4 * i, 4)), 4);
    }
    assert_child_exited(reader, 0);
    close(fds[1]);
}

static volatile sig_atomic_t notify_fd = -1;

/* Installed without SA_RESTART; its only work is to tell the parent it ran. */
static void notify_handler(int sig)
{
    int saved = errno;
    ssize_t n = write(notify_fd, "h", 1);

    (void)sig;
    (void)n;
    errno = saved;
}

/* fds: the data and notify pipes' write ends. ipc_write_full must return
 * BIG with done BIG, through short writes and EINTR alike. */
static void write_big_through_signals(void *arg)
{
    const int *fds = arg;
    struct sigaction sa = { .sa_handler = notify_handler }; /* no SA_RESTART */
    size_t done = 0;

    notify_fd = fds[1];
    sigemptyset(&sa.sa_mask);
    ASSERT_SYS_OK(sigaction(SIGUSR1, &sa, NULL));
    ASSERT_EQ(ipc_write_full(fds[0], big, BIG, &done), BIG); /* a short count: it gave up */
    ASSERT_EQ(done, BIG);
}

/* Send SIGUSR1 to writer and wait, bounded, for its handler's byte on notify_rd. */
static void interrupt(pid_t writer, int notify_rd)
{
    ASSERT_SYS_OK(kill(writer, SIGUSR1));
    ASSERT_EQ(ipct_await_byte(notify_rd), 'h'); /* the handler ran */
}

/* Read the data pipe to end of file: it must hold exactly the bytes of big. */
static void read_pattern(int fd)
{
    unsigned char chunk[4096];
    size_t got = 0;
    ssize_t n;

    while ((n = ASSERT_SYS_OK(read(fd, chunk, sizeof chunk))) > 0) {
        if (got + (size_t)n > BIG || memcmp(chunk, big + got, (size_t)n) != 0)
            IPCT_FAIL("bytes %zu..%zu are not those written", got, got + (size_t)n - 1);
        got += (size_t)n;
    }
    ASSERT_EQ(got, BIG);
}

/*
 * PIPE-API-02 ipc_write_full finishes across short writes and EINTR
 *
 * A pipe writer interrupted by a signal returns the bytes it moved if any,
 * else fails with EINTR. The child's first write(2) of 256 KiB fills the
 * pipe and sleeps: SIGUSR1 makes it return the capacity, a short count. Its
 * next write(2) finds the pipe still full (we read nothing yet) and sleeps
 * having moved no byte: SIGUSR1 makes it fail with EINTR. Then we drain it.
 */
static void test_pipe_api_02_write_full_across_short_writes_and_eintr(void **state)
{
    int data[2], notify[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(data, O_CLOEXEC));
    ASSERT_SYS_OK(pipe2(notify, O_CLOEXEC));
    int cap = pipe_capacity(data[1]);
    for (size_t i = 0; i < BIG; i++) /* the child inherits it */
        big[i] = (unsigned char)((i * 131u) ^ (i >> 11));
    int child_fds[2] = { data[1], notify[1] };
    pid_t writer = ipct_spawn(write_big_through_signals, child_fds);
    close(data[1]);
    close(notify[1]);

    ipct_await_blocked(writer, SYS_write); /* the first write(2) sleeps on the full pipe */
    ASSERT_EQ(pipe_unread(data[0]), cap); /* ... having moved cap bytes */
    interrupt(writer, notify[0]);          /* so it returns cap, a short count */
    /* A helper that gave up after the short count has ended: the probe fails
     * here, with the child's own failed check. */
    ipct_await_blocked(writer, SYS_write); /* a new write(2) on the still-full pipe */
    interrupt(writer, notify[0]);          /* fails with EINTR, no byte moved */
    read_pattern(data[0]);
    close(data[0]);
    close(notify[0]);
    assert_child_exited(writer, 0);
}

/* PIPE-API-03 ipc_read_full returns the short count at end of file */
static void test_pipe_api_03_read_full_short_at_eof(void **state)
{
    int fds[2];
    char buf[10];
    size_t done = 99;
    (void)state;

    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], "hello", 5)), 5);
    close(fds[1]);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_read_full(fds[0], buf, sizeof buf, &done)), 5);
    ASSERT_EQ(done, 5);
    close(fds[0]);
}

/* PIPE-API-04 on a non-blocking end the helpers return -EAGAIN and report what moved */
static void test_pipe_api_04_nonblocking_eagain_reports_done(void **state)
{
    int fds[2];
    char buf[10];
    size_t done = 99;
    (void)state;

    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC | O_NONBLOCK));
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], "abcd", 4)), 4);
    ASSERT_IPC_ERR(ipc_read_full(fds[0], buf, sizeof buf, &done), EAGAIN);
    ASSERT_EQ(done, 4);
    size_t cap = (size_t)pipe_capacity(fds[1]);
    ASSERT_LE(cap + 10, sizeof big); /* big is the buffer we write */
    ASSERT_IPC_ERR(ipc_write_full(fds[1], big, cap + 10, &done), EAGAIN);
    ASSERT_EQ(done, cap);
    close(fds[0]);
    close(fds[1]);
}

/* Both helpers with len SSIZE_MAX + 1 on a descriptor >= 100 that a seccomp
 * filter lets no system call name (nothing else here passes that number): a
 * helper that made one kills the child with SIGSYS. Where seccomp filters
 * cannot be installed (a kernel without them; qemu-user, which refuses
 * PR_SET_SECCOMP lest the filter apply to the emulator), there is no such
 * proof, and the test skips. */
static void oversized_lengths(void *arg)
{
    int fd = (int)ASSERT_SYS_OK(fcntl((int)ASSERT_SYS_OK(open(arg, O_RDWR)), F_DUPFD, 100));
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])
                 + (size_t)4 * (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)), /* its low half */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)fd, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = sizeof filter / sizeof filter[0], .filter = filter };
    size_t rdone = 99, wdone = 99;

    ASSERT_SYS_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == -1) {
        if (errno == EINVAL)
            IPCT_SKIP("seccomp filters unavailable (prctl PR_SET_SECCOMP: EINVAL): "
                      "nothing here can prove the helpers make no system call");
        IPCT_FAIL("prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER): %s", ipct_errname(errno));
    }
    ASSERT_IPC_ERR(ipc_read_full(fd, big, (size_t)SSIZE_MAX + 1, &rdone), EINVAL);
    ASSERT_EQ(rdone, 0);
    ASSERT_IPC_ERR(ipc_write_full(fd, big, (size_t)SSIZE_MAX + 1, &wdone), EINVAL);
    ASSERT_EQ(wdone, 0);
}

/* PIPE-API-05 the helpers refuse a length above SSIZE_MAX */
static void test_pipe_api_05_oversized_length_einval(void **state)
{
    (void)state;
    assert_child_exited(ipct_spawn(oversized_lengths, "/dev/null"), 0);
}

/* PIPE-API-06 ipc_pipe_open applies its flags and refuses others */
static void test_pipe_api_06_open_applies_flags(void **state)
{
    int fds[2] = { -1, -1 };
    (void)state;

    ASSERT_IPC_OK(ipc_pipe_open(fds, O_CLOEXEC | O_NONBLOCK));
    for (int i = 0; i < 2; i++) {
        ASSERT_EQ(ASSERT_SYS_OK(fcntl(fds[i], F_GETFL)) & O_NONBLOCK, O_NONBLOCK);
        ASSERT_EQ(ASSERT_SYS_OK(fcntl(fds[i], F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    }
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-API-06 ipc_pipe_open applies its flags and refuses others */
static void test_pipe_api_06_open_refuses_unknown_flags(void **state)
{
    int fds[2] = { -7, -9 };
    (void)state;

    ASSERT_IPC_ERR(ipc_pipe_open(fds, O_APPEND), EINVAL);
    ASSERT_EQ(fds[0], -7);
    ASSERT_EQ(fds[1], -9);
}

/* PIPE-API-07 ipc_pipe_close closes both ends once */
static void test_pipe_api_07_close_both_ends_once(void **state)
{
    int fds[2], again[2];
    (void)state;

    ASSERT_IPC_OK(ipc_pipe_open(fds, O_CLOEXEC));
    int old[2] = { fds[0], fds[1] };
    ASSERT_EQ(ASSERT_IPC_OK(ipc_pipe_close(fds)), 0);
    ASSERT_EQ(fds[0], -1);
    ASSERT_EQ(fds[1], -1);
    ASSERT_SYS_ERR(fcntl(old[0], F_GETFD), EBADF);
    ASSERT_SYS_ERR(fcntl(old[1], F_GETFD), EBADF);
    /* A new pipe takes the freed numbers: a second close must not touch them. */
    ASSERT_SYS_OK(pipe2(again, O_CLOEXEC));
    ASSERT_EQ(ASSERT_IPC_OK(ipc_pipe_close(fds)), 0);
    ASSERT_SYS_OK(fcntl(again[0], F_GETFD));
    ASSERT_SYS_OK(fcntl(again[1], F_GETFD));
    close(again[0]);
    close(again[1]);
}

/* PIPE-API-08 ipc_pipe_capacity and ipc_pipe_resize report and change the capacity */
static void test_pipe_api_08_capacity_and_resize(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    ASSERT_EQ(ASSERT_IPC_OK(ipc_pipe_capacity(fds[0])), 65536);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_pipe_resize(fds[1], 5000)), 8192);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_pipe_capacity(fds[0])), 8192);
    ASSERT_IPC_ERR(ipc_pipe_resize(fds[1], (size_t)INT_MAX + 1), EINVAL);
    int file = (int)ASSERT_SYS_OK(open(ipct_path("file"), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
    ASSERT_IPC_ERR(ipc_pipe_capacity(file), EBADF);
    ASSERT_IPC_ERR(ipc_pipe_resize(file, 8192), EBADF);
    close(file);
    close(fds[0]);
    close(fds[1]);
}

/* FIFO-API-01 ipc_fifo_make refuses mode bits outside 0777 */
static void test_fifo_api_01_make_checks_mode(void **state)
{
    const char *path = ipct_path("fifo");
    struct stat st;
    (void)state;

    ASSERT_IPC_ERR(ipc_fifo_make(path, 04666), EINVAL);
    ASSERT_SYS_ERR(lstat(path, &st), ENOENT);
    ASSERT_IPC_OK(ipc_fifo_make(path, 0600));
    ASSERT_SYS_OK(lstat(path, &st));
    ASSERT_TRUE(S_ISFIFO(st.st_mode));
    ASSERT_IPC_ERR(ipc_fifo_make(path, 0600), EEXIST);
    ASSERT_SYS_OK(unlink(path));
}

/* FIFO-API-02's rows. Each adds O_NONBLOCK, so a flag let through to
 * open(2) would open the FIFO at once (and fail the test) rather than wait
 * for a writer. */
static const int fifo_creat = O_RDONLY | O_NONBLOCK | O_CREAT,
                 fifo_trunc = O_RDONLY | O_NONBLOCK | O_TRUNC,
                 fifo_accmode3 = O_ACCMODE | O_NONBLOCK; /* access mode 3 */

/* FIFO-API-02 ipc_fifo_open refuses flags it does not support */
static void test_fifo_api_02_open_refuses_flags(void **state)
{
    const int *flags = ipct_variant();
    const char *path = ipct_path("fifo");
    (void)state;

    ASSERT_SYS_OK(mkfifo(path, 0600));
    int lowest = ipct_lowest_free_fd();
    ASSERT_IPC_ERR(ipc_fifo_open(path, *flags), EINVAL);
    ASSERT_EQ(ipct_lowest_free_fd(), lowest);
    ASSERT_SYS_OK(unlink(path));
}

/* FIFO-API-03 ipc_fifo_open refuses a path that is not a FIFO */
static void test_fifo_api_03_open_refuses_non_fifo(void **state)
{
    const char *file = ipct_path("file");
    (void)state;

    close((int)ASSERT_SYS_OK(open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)));
    int lowest = ipct_lowest_free_fd();
    ASSERT_IPC_ERR(ipc_fifo_open(file, O_RDONLY), EINVAL);
    ASSERT_IPC_ERR(ipc_fifo_open(ipct_tmpdir(), O_RDONLY), EINVAL);
    ASSERT_EQ(ipct_lowest_free_fd(), lowest); /* a descriptor left open would take it */
    ASSERT_IPC_ERR(ipc_fifo_open(ipct_path("missing"), O_RDONLY), ENOENT);
}

/* FIFO-API-04 ipc_fifo_open keeps fifo(7) semantics */
static void test_fifo_api_04_open_keeps_fifo_semantics(void **state)
{
    const char *path = ipct_path("fifo");
    (void)state;

    ASSERT_SYS_OK(mkfifo(path, 0600));
    ASSERT_IPC_ERR(ipc_fifo_open(path, O_WRONLY | O_NONBLOCK), ENXIO);
    int fd = (int)ASSERT_IPC_OK(ipc_fifo_open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fd, F_GETFL)) & O_NONBLOCK, O_NONBLOCK);
    ASSERT_EQ(ASSERT_SYS_OK(fcntl(fd, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    close(fd);
    ASSERT_SYS_OK(unlink(path));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_pipe_api_01_read_full_across_short_reads),
    IPCT_TEST(test_pipe_api_02_write_full_across_short_writes_and_eintr),
    IPCT_TEST(test_pipe_api_03_read_full_short_at_eof),
    IPCT_TEST(test_pipe_api_04_nonblocking_eagain_reports_done),
    IPCT_TEST(test_pipe_api_05_oversized_length_einval),
    IPCT_TEST(test_pipe_api_06_open_applies_flags),
    IPCT_TEST(test_pipe_api_06_open_refuses_unknown_flags),
    IPCT_TEST(test_pipe_api_07_close_both_ends_once),
    IPCT_TEST(test_pipe_api_08_capacity_and_resize),
    IPCT_TEST(test_fifo_api_01_make_checks_mode),
    IPCT_VARIANT(test_fifo_api_02_open_refuses_flags, "creat", &fifo_creat),
    IPCT_VARIANT(test_fifo_api_02_open_refuses_flags, "trunc", &fifo_trunc),
    IPCT_VARIANT(test_fifo_api_02_open_refuses_flags, "accmode3", &fifo_accmode3),
    IPCT_TEST(test_fifo_api_03_open_refuses_non_fifo),
    IPCT_TEST(test_fifo_api_04_open_keeps_fifo_semantics),
};

IPCT_MAIN("pipe_api", tests)
