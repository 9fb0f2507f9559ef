/* SPDX-License-Identifier: MIT */
/*
 * test_pipe_fifo.c - named pipes through the OS: mkfifo, the blocking rules of
 * open, data, unlink and permissions.
 *
 * Spec: FIFO-MAKE-01..03, FIFO-OPEN-01..05, FIFO-DATA-01, FIFO-UNLINK-01,
 *       FIFO-PERM-01 (spec/pipe.md).
 * See also: test_pipe_api.c (ipc_fifo_make, ipc_fifo_open), fifo(7).
 */
#include "ipctest.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* FIFO-MAKE-01 mkfifo makes a FIFO with the mode less the umask */
static void test_fifo_make_01_fifo_with_mode_less_umask(void **state)
{
    const char *path = ipct_path("fifo");
    struct stat st;
    (void)state;

    mode_t old = umask(022);
    ASSERT_SYS_OK(mkfifo(path, 0666));
    umask(old);
    ASSERT_SYS_OK(lstat(path, &st));
    ASSERT_TRUE(S_ISFIFO(st.st_mode));
    ASSERT_EQ(st.st_mode & 07777, 0644);
    ASSERT_SYS_OK(unlink(path));
}

/* FIFO-MAKE-02 mkfifo on an existing path fails with EEXIST */
static void test_fifo_make_02_existing_path_eexist(void **state)
{
    const char *fifo = ipct_path("fifo");
    const char *file = ipct_path("file");
    char got[8] = "";
    struct stat st;
    (void)state;

    ASSERT_SYS_OK(mkfifo(fifo, 0600));
    ASSERT_SYS_ERR(mkfifo(fifo, 0600), EEXIST);
    ASSERT_SYS_OK(lstat(fifo, &st));
    ASSERT_TRUE(S_ISFIFO(st.st_mode));

    int fd = (int)ASSERT_SYS_OK(open(file, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600));
    ASSERT_EQ(ASSERT_SYS_OK(write(fd, "data", 4)), 4);
    ASSERT_SYS_ERR(mkfifo(file, 0600), EEXIST);
    ASSERT_SYS_OK(lstat(file, &st));
    ASSERT_TRUE(S_ISREG(st.st_mode));
    ASSERT_EQ(ASSERT_SYS_OK(pread(fd, got, sizeof got - 1, 0)), 4);
    ASSERT_STR_EQ(got, "data");
    close(fd);
    ASSERT_SYS_OK(unlink(fifo));
}

/* FIFO-MAKE-03 mkfifo in a missing directory fails with ENOENT */
static void test_fifo_make_03_missing_directory_enoent(void **state)
{
    (void)state;
    ASSERT_SYS_ERR(mkfifo(ipct_path("missing/f"), 0600), ENOENT);
}

struct open_arg {
    const char *path;
    int flags;
};

/* Opens path with flags (blocking as fifo(7) says): it must return a
 * descriptor, which is closed again. */
static void open_fifo(void *arg)
{
    const struct open_arg *a = arg;

    ASSERT_SYS_OK(close((int)ASSERT_SYS_OK(open(a->path, a->flags))));
}

/* A child opens the FIFO with child_flags and is seen asleep in open; the
 * parent's open with parent_flags, the other direction, lets it return. */
static void open_waits_for_partner(int child_flags, int parent_flags)
{
    struct open_arg arg = { ipct_path("fifo"), child_flags };

    ASSERT_SYS_OK(mkfifo(arg.path, 0600));
    pid_t child = ipct_spawn(open_fifo, &arg);
    ipct_await_blocked(child, IPCT_SYS_OPEN);
    /* The child is counted as a partner while it waits: this open does not
     * block, and the child's open returns even if we close before it runs. */
    int fd = (int)ASSERT_SYS_OK(open(arg.path, parent_flags | O_CLOEXEC));
    assert_child_exited(child, 0);
    close(fd);
    ASSERT_SYS_OK(unlink(arg.path));
}

/* FIFO-OPEN-01 opening a FIFO for reading waits for a writer */
static void test_fifo_open_01_reader_waits_for_writer(void **state)
{
    (void)state;
    open_waits_for_partner(O_RDONLY, O_WRONLY);
}

/* FIFO-OPEN-02 opening a FIFO for writing waits for a reader */
static void test_fifo_open_02_writer_waits_for_reader(void **state)
{
    (void)state;
    open_waits_for_partner(O_WRONLY, O_RDONLY);
}

/* FIFO-OPEN-03 a non-blocking open for reading returns at once */
static void test_fifo_open_03_nonblocking_reader_no_wait(void **state)
{
    const char *path = ipct_path("fifo");
    char byte;
    (void)state;

    ASSERT_SYS_OK(mkfifo(path, 0600));
    int fd = (int)ASSERT_SYS_OK(open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    ASSERT_EQ(ASSERT_SYS_OK(read(fd, &byte, 1)), 0);
    close(fd);
    ASSERT_SYS_OK(unlink(path));
}

/* FIFO-OPEN-04 a non-blocking open for writing with no reader fails with ENXIO */
static void test_fifo_open_04_nonblocking_writer_enxio(void **state)
{
    const char *path = ipct_path("fifo");
    (void)state;

    ASSERT_SYS_OK(mkfifo(path, 0600));
    ASSERT_SYS_ERR(open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC), ENXIO);
    int rfd = (int)ASSERT_SYS_OK(open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    int wfd = (int)ASSERT_SYS_OK(open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    close(wfd);
    close(rfd);
    ASSERT_SYS_OK(unlink(path));
}

/* Opens the FIFO read-write with no other end open, writes a byte through
 * the descriptor and reads it back. Run in a child so that an open that
 * blocked would end in a bounded wait, not a hung test. */
static void open_read_write(void *arg)
{
    char byte = 0;
    int fd = (int)ASSERT_SYS_OK(open(arg, O_RDWR));

    ASSERT_EQ(ASSERT_SYS_OK(write(fd, "x", 1)), 1);
    ASSERT_EQ(ASSERT_SYS_OK(read(fd, &byte, 1)), 1);
    ASSERT_EQ(byte, 'x');
    ASSERT_SYS_OK(close(fd));
}

/* FIFO-OPEN-05 on Linux, opening a FIFO read-write never blocks */
static void test_fifo_open_05_read_write_never_blocks(void **state)
{
    const char *path = ipct_path("fifo");
    (void)state;

    ASSERT_SYS_OK(mkfifo(path, 0600));
    assert_child_exited(ipct_spawn(open_read_write, (void *)path), 0);
    ASSERT_SYS_OK(unlink(path));
}

static const char *const chunks[] = { "one ", "two ", "three" };

/* Opens the FIFO for writing (the parent's reader is already open, so this
 * does not wait), says ready, then writes each chunk whole with its own write. */
static void write_chunks(void *arg)
{
    int fd = (int)ASSERT_SYS_OK(open(arg, O_WRONLY));

    ipct_child_ready();
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++)
        ASSERT_EQ(ASSERT_SYS_OK(write(fd, chunks[i], strlen(chunks[i]))), strlen(chunks[i]));
    /* exit closes the last write end: the parent sees end of file */
}

/* FIFO-DATA-01 a FIFO carries bytes between processes in order, then end of file */
static void test_fifo_data_01_between_processes_in_order(void **state)
{
    const char *path = ipct_path("fifo");
    char got[32] = "";
    size_t len = 0;
    ssize_t n;
    (void)state;

    ASSERT_SYS_OK(mkfifo(path, 0600));
    /* Non-blocking, so this open cannot hang; blocking again once the
     * writer is known to be open, so read waits for its bytes. */
    int fd = (int)ASSERT_SYS_OK(open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    pid_t writer = ipct_spawn(write_chunks, (void *)path);
    ipct_await_ready(writer);
    ASSERT_SYS_OK(fcntl(fd, F_SETFL, 0));
    while ((n = ASSERT_SYS_OK(read(fd, got + len, sizeof got - 1 - len))) > 0)
        len += (size_t)n;
    ASSERT_STR_EQ(got, "one two three");
    assert_child_exited(writer, 0);
    close(fd);
    ASSERT_SYS_OK(unlink(path));
}

/* FIFO-UNLINK-01 unlinking an open FIFO leaves its open ends working */
static void test_fifo_unlink_01_open_ends_survive(void **state)
{
    const char *path = ipct_path("fifo");
    char got[8] = "";
    (void)state;

    ASSERT_SYS_OK(mkfifo(path, 0600));
    int rfd = (int)ASSERT_SYS_OK(open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    int wfd = (int)ASSERT_SYS_OK(open(path, O_WRONLY | O_CLOEXEC));
    ASSERT_SYS_OK(unlink(path));
    ASSERT_SYS_ERR(access(path, F_OK), ENOENT);
    ASSERT_EQ(ASSERT_SYS_OK(write(wfd, "still", 5)), 5);
    ASSERT_EQ(ASSERT_SYS_OK(read(rfd, got, sizeof got - 1)), 5);
    ASSERT_STR_EQ(got, "still");
    close(wfd);
    close(rfd);
}

/* As nobody: stat the FIFO (proving the directory lets us through, so any
 * refusal comes from the FIFO's own mode), then open it: EACCES. */
static void open_as_nobody(void *arg)
{
    struct stat st;

    ASSERT_IPC_OK(ipct_drop_privileges());
    ASSERT_SYS_OK(stat(arg, &st)); /* the path does not refuse us */
    ASSERT_SYS_ERR(open(arg, O_RDONLY | O_NONBLOCK), EACCES);
}

/* FIFO-PERM-01 a FIFO's mode is enforced: another user gets EACCES */
static void test_fifo_perm_01_other_user_eacces(void **state)
{
    const char *path = ipct_path("fifo");
    struct stat st;
    (void)state;

    if (!ipct_has_cap(CAP_SETUID) || !ipct_has_cap(CAP_SETGID))
        IPCT_SKIP("cannot become another user without CAP_SETUID and CAP_SETGID");
    ASSERT_SYS_OK(chmod(ipct_tmpdir(), 0711)); /* others may traverse, not list */
    ASSERT_SYS_OK(mkfifo(path, 0600));
    ASSERT_SYS_OK(chmod(path, 0600)); /* exactly 0600, whatever the umask */
    ASSERT_SYS_OK(lstat(path, &st));
    ASSERT_EQ(st.st_uid, 0);
    assert_child_exited(ipct_spawn(open_as_nobody, (void *)path), 0);
    ASSERT_SYS_OK(unlink(path));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_fifo_make_01_fifo_with_mode_less_umask),
    IPCT_TEST(test_fifo_make_02_existing_path_eexist),
    IPCT_TEST(test_fifo_make_03_missing_directory_enoent),
    IPCT_TEST(test_fifo_open_01_reader_waits_for_writer),
    IPCT_TEST(test_fifo_open_02_writer_waits_for_reader),
    IPCT_TEST(test_fifo_open_03_nonblocking_reader_no_wait),
    IPCT_TEST(test_fifo_open_04_nonblocking_writer_enxio),
    IPCT_TEST(test_fifo_open_05_read_write_never_blocks),
    IPCT_TEST(test_fifo_data_01_between_processes_in_order),
    IPCT_TEST(test_fifo_unlink_01_open_ends_survive),
    IPCT_TEST(test_fifo_perm_01_other_user_eacces),
};

IPCT_MAIN("pipe_fifo", tests)
