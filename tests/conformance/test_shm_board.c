/* SPDX-License-Identifier: MIT */
/*
 * test_shm_board.c - the seqlock board: one writer, many readers, never a
 * torn record. Its layout and checks, write then read, a read during a
 * write, and readers in threads and processes racing the writer
 * (impl/include/ipcspec/shm_board.h).
 *
 * Spec: SHM-BOARD-01..04 (spec/shm.md).
 * See also: impl/src/shm_board.c, test_shm_pub.c (the publisher/subscriber
 *           pair built on the board), test_shm_demo.c.
 */
#include "shm_helpers.h"
#include "ipcspec/shm.h"
#include "ipcspec/shm_board.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

enum { CAP = 64 };

static alignas(8) unsigned char mem[4096];

/* SHM-BOARD-01 an initialised board is empty at version 0, and init and check refuse what is no board */
static void test_shm_board_01_init_and_check(void **state)
{
    struct ipc_shm_snapshot snap = { 99, 99, 1 };
    char buf[CAP];
    (void)state;

    size_t need = ipc_shm_board_size(CAP);
    ASSERT_GE(need, CAP + 24);
    ASSERT_EQ(need % 8, 0);
    ASSERT_EQ(ipc_shm_board_init(mem, need, CAP), 0);
    ASSERT_EQ(ipc_shm_board_check(mem, need), CAP);
    ASSERT_EQ(ipc_shm_board_try_read(mem, buf, sizeof buf, &snap), 0);
    ASSERT_EQ(snap.version, 0);
    ASSERT_EQ(snap.len, 0);
    ASSERT_EQ(snap.closed, 0);
    ASSERT_EQ(ipc_shm_board_check(mem, need - 1), -EPROTO);
    ASSERT_EQ(ipc_shm_board_check(NULL, need), -EPROTO);
    ASSERT_EQ(ipc_shm_board_check(mem, 4), -EPROTO);
    ASSERT_EQ(ipc_shm_board_init(mem, need - 1, CAP), -EINVAL);
    ASSERT_EQ(ipc_shm_board_init(NULL, need, CAP), -EINVAL);
    ASSERT_EQ(ipc_shm_board_init(mem, need, 0), -EINVAL);
    ASSERT_EQ(ipc_shm_board_init(mem, SIZE_MAX, IPC_SHM_BOARD_MAX_CAPACITY + 1), -EINVAL);
    static alignas(8) unsigned char zeros[4096];
    ASSERT_EQ(ipc_shm_board_check(zeros, sizeof zeros), -EPROTO);
    memcpy(zeros, mem, 8);
    ((uint32_t *)(void *)zeros)[1] = 0; /* the right magic, capacity 0 */
    ASSERT_EQ(ipc_shm_board_check(zeros, sizeof zeros), -EPROTO);
}

/* SHM-BOARD-02 each write makes the next version, which a read returns whole with its length and closed flag */
static void test_shm_board_02_write_then_read(void **state)
{
    struct ipc_shm_snapshot snap;
    char buf[CAP], big[CAP + 1], small[2];
    (void)state;

    ASSERT_IPC_OK(ipc_shm_board_init(mem, sizeof mem, CAP));
    ASSERT_EQ(ipc_shm_board_write(mem, "first", 5, 0), 1);
    ASSERT_EQ(ipc_shm_board_write(mem, "second record", 13, 0), 2);
    ASSERT_EQ(ipc_shm_board_read(mem, buf, sizeof buf, &snap), 13);
    ASSERT_MEM_EQ(buf, "second record", 13);
    ASSERT_EQ(snap.version, 2);
    ASSERT_EQ(snap.closed, 0);
    memset(big, 'b', sizeof big);
    ASSERT_EQ(ipc_shm_board_write(mem, big, sizeof big, 0), -EMSGSIZE);
    ASSERT_EQ(ipc_shm_board_write(mem, big, CAP, 1), 3);
    ASSERT_EQ(ipc_shm_board_read(mem, buf, sizeof buf, &snap), CAP);
    ASSERT_MEM_EQ(buf, big, CAP);
    ASSERT_EQ(snap.version, 3);
    ASSERT_EQ(snap.closed, 1);
    ASSERT_EQ(ipc_shm_board_read(mem, small, sizeof small, &snap), -EMSGSIZE);
    ASSERT_EQ(snap.len, CAP);
}

/* SHM-BOARD-03 a read while a write is in progress (odd sequence) returns -EAGAIN, never the record */
static void test_shm_board_03_read_during_write_eagain(void **state)
{
    struct ipc_shm_snapshot snap = { 0 };
    char buf[CAP];
    (void)state;

    ASSERT_IPC_OK(ipc_shm_board_init(mem, sizeof mem, CAP));
    ASSERT_EQ(ipc_shm_board_write(mem, "whole", 5, 0), 1);
    /* The header's layout: magic, capacity, then seq at byte 8. A writer
     * stopped between its two seq stores leaves seq odd: make it so. */
    _Atomic uint64_t *seq = (_Atomic uint64_t *)(void *)(mem + 8);
    atomic_store(seq, 3);
    ASSERT_EQ(ipc_shm_board_try_read(mem, buf, sizeof buf, &snap), -EAGAIN);
    ASSERT_EQ(snap.version, 0); /* nothing reported */
    atomic_store(seq, 4);
    ASSERT_EQ(ipc_shm_board_try_read(mem, buf, sizeof buf, &snap), 5);
    ASSERT_EQ(snap.version, 2);
}

/* ---- SHM-BOARD-04: one writer, readers at full speed ---------------------- */

enum { RECORDS = 20000, READERS = 2 };

/* The record of version v: (v % CAP) + 1 bytes, each the byte v & 0xff. */
static size_t record_of(uint64_t v, unsigned char *rec)
{
    size_t len = (size_t)(v % CAP) + 1;

    memset(rec, (int)(v & 0xff), len);
    return len;
}

/* Read until the closed record; 0 when every snapshot was a whole record
 * of its version and versions never went back, else a failure code. */
/* Read the board until it closes; every read must be a whole record of a
 * version no older than the last. 0, or -1 with what went wrong in why (a
 * thread of the test process cannot fail the test itself). */
static int check_reads(const void *board, long *reads, char *why, size_t len)
{
    unsigned char buf[CAP], want[CAP];
    struct ipc_shm_snapshot snap;
    uint64_t last = 0;

    for (;;) {
        ssize_t n = ipc_shm_board_read(board, buf, sizeof buf, &snap);
        if (n < 0) {
            snprintf(why, len, "ipc_shm_board_read = -%s", ipct_errname((int)-n));
            return -1;
        }
        if (snap.version < last) {
            snprintf(why, len, "version %llu read after version %llu",
                     (unsigned long long)snap.version, (unsigned long long)last);
            return -1;
        }
        last = snap.version;
        if (snap.version > 0) {
            size_t want_len = record_of(snap.version, want);
            if ((size_t)n != want_len || memcmp(buf, want, want_len) != 0) {
                snprintf(why, len, "version %llu torn: %zd bytes read, %zu written",
                         (unsigned long long)snap.version, n, want_len);
                return -1;
            }
        }
        (*reads)++;
        if (snap.closed) {
            if (snap.version == RECORDS)
                return 0;
            snprintf(why, len, "closed at version %llu; expected %d",
                     (unsigned long long)snap.version, RECORDS);
            return -1;
        }
    }
}

static void write_records(void *board)
{
    unsigned char rec[CAP];

    for (uint64_t v = 1; v <= RECORDS; v++) {
        size_t len = record_of(v, rec);
        if (ipc_shm_board_write(board, rec, len, v == RECORDS) != (int64_t)v)
            IPCT_FAIL("write of version %llu failed", (unsigned long long)v);
    }
}

struct reader {
    const void *board;
    int result;
    long reads;
    char why[128];
};

static void *reader_thread(void *arg)
{
    struct reader *r = arg;

    r->result = check_reads(r->board, &r->reads, r->why, sizeof r->why);
    return NULL;
}

/* SHM-BOARD-04 readers running while the writer writes only ever see whole records, in version order */
static void test_shm_board_04_threads_never_torn(void **state)
{
    pthread_t tids[READERS];
    struct reader readers[READERS];
    (void)state;

    ASSERT_IPC_OK(ipc_shm_board_init(mem, sizeof mem, CAP));
    for (int i = 0; i < READERS; i++) {
        readers[i] = (struct reader){ .board = mem, .result = -1 };
        ASSERT_ERRNO_EQ(pthread_create(&tids[i], NULL, reader_thread, &readers[i]), 0);
    }
    write_records(mem);
    for (int i = 0; i < READERS; i++) {
        ASSERT_ERRNO_EQ(pthread_join(tids[i], NULL), 0);
        if (readers[i].result != 0)
            IPCT_FAIL("reader thread %d: %s", i, readers[i].why);
        ASSERT_GT(readers[i].reads, 0);
    }
}

static void reader_child(void *arg)
{
    char why[128];
    long reads = 0;

    ipct_child_ready();
    if (check_reads(arg, &reads, why, sizeof why) != 0)
        IPCT_FAIL("%s", why);
}

/* SHM-BOARD-04 readers running while the writer writes only ever see whole records, in version order */
static void test_shm_board_04_processes_never_torn(void **state)
{
    pid_t pids[READERS];
    struct ipc_shm_map m;
    (void)state;

    const char *name = ipct_ipc_name("shm");

    ASSERT_IPC_OK(ipc_shm_create(name, ipc_shm_board_size(CAP), 0600, &m));
    ASSERT_IPC_OK(ipc_shm_board_init(m.addr, m.len, CAP));
    for (int i = 0; i < READERS; i++) {
        pids[i] = ipct_spawn(reader_child, m.addr);
        ipct_await_ready(pids[i]);
    }
    write_records(m.addr);
    for (int i = 0; i < READERS; i++)
        assert_child_exited(pids[i], 0);
    ASSERT_IPC_OK(ipc_shm_unmap(&m));
    ASSERT_IPC_OK(ipc_shm_unlink(name));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_board_01_init_and_check),
    IPCT_TEST(test_shm_board_02_write_then_read),
    IPCT_TEST(test_shm_board_03_read_during_write_eagain),
    IPCT_TEST(test_shm_board_04_threads_never_torn),
    IPCT_TEST(test_shm_board_04_processes_never_torn),
};

IPCT_MAIN("shm_board", tests)
