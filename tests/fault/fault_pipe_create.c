/* SPDX-License-Identifier: MIT */
/*
 * fault_pipe_create.c - creating, closing and sizing pipes and FIFOs when
 * pipe2, close, fcntl, mkfifo, open or fstat fail: a negative errno back,
 * and nothing left behind.
 *
 * Spec: PIPE-FAULT-01, PIPE-FAULT-06..07, FIFO-FAULT-01..03 (spec/pipe.md).
 * See also: impl/src/pipe.c, impl/src/fifo.c.
 */
#include "fault.h"
#include "ipcspec/pipe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void pipe2_fails_with(int err)
{
    int fds[2] = { -5, -6 };

    ipcf_fail_nth("posix/pipe/pipe2", 1, err);
    ASSERT_IPC_ERR(ipc_pipe_open(fds, O_CLOEXEC), err);
    ASSERT_FIRED("posix/pipe/pipe2", 1);
    ASSERT_EQ(fds[0], -5);
    ASSERT_EQ(fds[1], -6);
}

/* PIPE-FAULT-01 ipc_pipe_open returns pipe2's error and creates nothing */
static void fault_pipe_fault_01_pipe2_emfile(void **state)
{
    (void)state;
    pipe2_fails_with(EMFILE);
}

/* PIPE-FAULT-01 ipc_pipe_open returns pipe2's error and creates nothing */
static void fault_pipe_fault_01_pipe2_enfile(void **state)
{
    (void)state;
    pipe2_fails_with(ENFILE);
}

/* PIPE-FAULT-06 ipc_pipe_close reports close's error and forgets both ends */
static void fault_pipe_fault_06_close_eio_reported(void **state)
{
    int fds[2], saved[2];
    (void)state;

    ASSERT_IPC_OK(ipc_pipe_open(fds, O_CLOEXEC));
    saved[0] = fds[0];
    saved[1] = fds[1];
    ipcf_fail_nth("posix/io/oc/close", 1, EIO);
    ASSERT_IPC_ERR(ipc_pipe_close(fds), EIO);
    ASSERT_FIRED("posix/io/oc/close", 1);
    ASSERT_EQ(fds[0], -1);
    ASSERT_EQ(fds[1], -1);
    ipcf_disarm_all();
    ASSERT_SYS_ERR(fcntl(saved[1], F_GETFD), EBADF); /* the second end was closed */
    /* libfiu failed close() without calling it, so the first end is really
     * still open (the kernel would have released it): close it ourselves. */
    ASSERT_SYS_OK(close(saved[0]));
}

/* PIPE-FAULT-07 ipc_pipe_capacity and ipc_pipe_resize pass fcntl's error through */
static void fault_pipe_fault_07_fcntl_errors_returned(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_IPC_OK(ipc_pipe_open(fds, O_CLOEXEC));
    ipcf_fail_nth("posix/io/ctl/fcntl", 1, EBADF);
    ASSERT_IPC_ERR(ipc_pipe_capacity(fds[0]), EBADF);
    ASSERT_FIRED("posix/io/ctl/fcntl", 1);
    ipcf_fail_nth("posix/io/ctl/fcntl", 1, EPERM);
    ASSERT_IPC_ERR(ipc_pipe_resize(fds[0], 8192), EPERM);
    ASSERT_FIRED("posix/io/ctl/fcntl", 1);
    ipcf_disarm_all();
    ASSERT_EQ(ASSERT_IPC_OK(ipc_pipe_capacity(fds[0])), 65536);
    ipc_pipe_close(fds);
}

/* FIFO-FAULT-01 ipc_fifo_make returns mkfifo's error and creates nothing */
static void fault_fifo_fault_01_mkfifo_enospc(void **state)
{
    struct stat st;
    const char *path = ipct_path("fifo");
    (void)state;

    ipcf_fail_nth("posix/io/fifo/mkfifo", 1, ENOSPC);
    ASSERT_IPC_ERR(ipc_fifo_make(path, 0600), ENOSPC);
    ASSERT_FIRED("posix/io/fifo/mkfifo", 1);
    ASSERT_SYS_ERR(lstat(path, &st), ENOENT);
}

/* FIFO-FAULT-02 ipc_fifo_open returns open's error */
static void fault_fifo_fault_02_open_emfile(void **state)
{
    const char *path = ipct_path("fifo");
    (void)state;

    ASSERT_IPC_OK(ipc_fifo_make(path, 0600));
    int next = ipct_lowest_free_fd();
    ipcf_fail_nth("posix/io/oc/open", 1, EMFILE);
    ASSERT_IPC_ERR(ipc_fifo_open(path, O_RDONLY | O_NONBLOCK), EMFILE);
    ASSERT_FIRED("posix/io/oc/open", 1);
    ASSERT_EQ(ipct_lowest_free_fd(), next);
    ASSERT_SYS_OK(unlink(path));
}

/* FIFO-FAULT-03 ipc_fifo_open closes the descriptor when fstat fails */
static void fault_fifo_fault_03_fstat_eio_closes(void **state)
{
    const char *path = ipct_path("fifo");
    (void)state;

    ASSERT_IPC_OK(ipc_fifo_make(path, 0600));
    int next = ipct_lowest_free_fd();
    ipcf_fail_nth("posix/io/stat/fstat", 1, EIO);
    ASSERT_IPC_ERR(ipc_fifo_open(path, O_RDONLY | O_NONBLOCK), EIO);
    ASSERT_FIRED("posix/io/stat/fstat", 1);
    ASSERT_EQ(ipct_lowest_free_fd(), next); /* open()'s descriptor was closed */
    ASSERT_SYS_OK(unlink(path));
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_pipe_fault_01_pipe2_emfile),
    IPCF_TEST(fault_pipe_fault_01_pipe2_enfile),
    IPCF_TEST(fault_pipe_fault_06_close_eio_reported),
    IPCF_TEST(fault_pipe_fault_07_fcntl_errors_returned),
    IPCF_TEST(fault_fifo_fault_01_mkfifo_enospc),
    IPCF_TEST(fault_fifo_fault_02_open_emfile),
    IPCF_TEST(fault_fifo_fault_03_fstat_eio_closes),
};

IPCT_MAIN("pipe_create_faults", tests)
