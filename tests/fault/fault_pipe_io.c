/* SPDX-License-Identifier: MIT */
/*
 * fault_pipe_io.c - ipc_read_full and ipc_write_full under failing, short
 * and interrupted read(2) and write(2).
 *
 * Spec: PIPE-FAULT-02..05, PIPE-FAULT-08 (spec/pipe.md).
 * See also: impl/src/io.c, test_pipe_api.c (the same helpers without faults).
 */
#include "fault.h"
#include "ipcspec/io.h"

#include <string.h>
#include <unistd.h>

static void read_back(int rfd, const char *expected, size_t len)
{
    char got[4096];

    ASSERT_LE(len, sizeof got);
    ASSERT_EQ(ASSERT_SYS_OK(read(rfd, got, sizeof got)), len);
    ASSERT_MEM_EQ(got, expected, len);
}

/* PIPE-FAULT-02 ipc_read_full retries EINTR and loses no byte */
static void fault_pipe_fault_02_read_eintr_retried(void **state)
{
    int fds[2];
    char got[8];
    size_t done = 0;
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], "abcdefgh", 8)), 8);
    ipcf_fail_nth("posix/io/rw/read", 1, EINTR);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_read_full(fds[0], got, sizeof got, &done)), 8);
    ASSERT_FIRED("posix/io/rw/read", 1);
    ASSERT_EQ(done, 8);
    ASSERT_MEM_EQ(got, "abcdefgh", 8);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-FAULT-03 ipc_read_full passes a read error through with the bytes so far */
static void fault_pipe_fault_03_read_eio_after_partial(void **state)
{
    int fds[2];
    char got[16];
    size_t done = 0;
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    ASSERT_EQ(ASSERT_SYS_OK(write(fds[1], "abcdefgh", 8)), 8);
    ipcf_fail_nth("posix/io/rw/read", 2, EIO);
    ASSERT_IPC_ERR(ipc_read_full(fds[0], got, sizeof got, &done), EIO);
    ASSERT_FIRED("posix/io/rw/read", 1);
    ASSERT_EQ(done, 8);
    ASSERT_MEM_EQ(got, "abcdefgh", 8);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-FAULT-04 ipc_write_full finishes across short writes */
static void fault_pipe_fault_04_write_reduced_completes(void **state)
{
    int fds[2];
    char data[3000];
    size_t done = 0;
    (void)state;

    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)('a' + i % 26);
    ASSERT_SYS_OK(pipe(fds));
    ipcf_fail_from("posix/io/rw/write/reduce", 1, 0);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_write_full(fds[1], data, sizeof data, &done)), sizeof data);
    int writes = ipcf_calls("posix/io/rw/write/reduce");
    ipcf_disarm_all();
    if (writes < 2)
        IPCT_FAIL("%d write(2) calls: the reduce point shortened nothing", writes);
    ASSERT_EQ(done, sizeof data);
    read_back(fds[0], data, sizeof data);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-FAULT-05 ipc_write_full retries EINTR and passes other errors through */
static void fault_pipe_fault_05_write_eintr_retried(void **state)
{
    int fds[2];
    size_t done = 0;
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    ipcf_fail_nth("posix/io/rw/write", 1, EINTR);
    ASSERT_EQ(ASSERT_IPC_OK(ipc_write_full(fds[1], "0123456789", 10, &done)), 10);
    ASSERT_FIRED("posix/io/rw/write", 1);
    ASSERT_EQ(done, 10);
    read_back(fds[0], "0123456789", 10);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-FAULT-05 ipc_write_full retries EINTR and passes other errors through */
static void fault_pipe_fault_05_write_enospc_after_partial(void **state)
{
    int fds[2];
    char data[2000];
    size_t done = 0;
    (void)state;

    memset(data, 'q', sizeof data);
    ASSERT_SYS_OK(pipe(fds));
    ipcf_fail_nth("posix/io/rw/write/reduce", 1, 0); /* the first write is short */
    ipcf_fail_nth("posix/io/rw/write", 2, ENOSPC);   /* the second fails */
    ASSERT_IPC_ERR(ipc_write_full(fds[1], data, sizeof data, &done), ENOSPC);
    ASSERT_FIRED("posix/io/rw/write/reduce", 1);
    ASSERT_FIRED("posix/io/rw/write", 1);
    ipcf_disarm_all();
    ASSERT_GT(done, 0); /* the short first write */
    ASSERT_LT(done, sizeof data);
    read_back(fds[0], data, done);
    close(fds[0]);
    close(fds[1]);
}

/* PIPE-FAULT-08 ipc_write_full turns a write that makes no progress into -EIO */
static void fault_pipe_fault_08_write_zero_eio(void **state)
{
    int fds[2];
    char data[2000];
    size_t done = 0;
    (void)state;

    memset(data, 'z', sizeof data);
    ASSERT_SYS_OK(pipe(fds));
    ipcf_fail_nth("posix/io/rw/write/reduce", 1, 0); /* the first write is short */
    ipcf_fail_nth("posix/io/rw/write/zero", 2, 0);   /* the second moves nothing */
    ASSERT_IPC_ERR(ipc_write_full(fds[1], data, sizeof data, &done), EIO);
    ASSERT_FIRED("posix/io/rw/write/zero", 1);
    ASSERT_EQ(ipcf_calls("posix/io/rw/write/zero"), 2); /* no third try */
    ipcf_disarm_all();
    ASSERT_GT(done, 0); /* the short first write */
    ASSERT_LT(done, sizeof data);
    read_back(fds[0], data, done);
    close(fds[0]);
    close(fds[1]);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_pipe_fault_02_read_eintr_retried),
    IPCF_TEST(fault_pipe_fault_03_read_eio_after_partial),
    IPCF_TEST(fault_pipe_fault_04_write_reduced_completes),
    IPCF_TEST(fault_pipe_fault_05_write_eintr_retried),
    IPCF_TEST(fault_pipe_fault_05_write_enospc_after_partial),
    IPCF_TEST(fault_pipe_fault_08_write_zero_eio),
};

IPCT_MAIN("pipe_io_faults", tests)
