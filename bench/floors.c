/* SPDX-License-Identifier: MIT */
/*
 * floors.c - what this machine cannot go below, measured in the same run:
 * a null system call, memcpy(3) bandwidth at each size, and a round trip
 * between two processes spinning on an atomic flag in shared memory (no
 * system call at all, except a yield so that two spinners on one CPU can
 * take turns). The fourth floor, a raw pipe ping-pong, is the "pipe raw"
 * row measured by the harness (main.c takes it from there). Beside them,
 * the board's own copy cost: a record written and read back through
 * impl/'s board in one process, no notification, against memcpy.
 *
 * See also: bench.h, measure.c, main.c.
 */
#include "bench.h"

#include "ipcspec/shm_board.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Spins before a waiter yields its CPU. */
#define SPIN_BEFORE_YIELD 64
/* Nanoseconds a spinner waits for its peer before giving up. */
#define SPIN_LIMIT_NS (10ull * 1000000000ull)

/* Batches of a floor measurement; the fastest counts (a floor is what the
 * machine can do, and a batch that another process interrupted cannot). */
#define FLOOR_BATCHES 8

double bench_floor_syscall_ns(void)
{
    enum { CALLS = 25000 };
    uint64_t best = UINT64_MAX;

    for (int b = 0; b < FLOOR_BATCHES; b++) {
        uint64_t t0 = bench_now_ns(), t;

        for (int i = 0; i < CALLS; i++)
            syscall(SYS_getppid); /* a system call the C library does not cache */
        if ((t = bench_now_ns() - t0) < best)
            best = t;
    }
    return (double)best / CALLS;
}

/* reps copies of size bytes between a and b: the nanoseconds they took. */
static uint64_t copy_batch(unsigned char *a, unsigned char *b, size_t size, size_t reps)
{
    volatile unsigned char sink = 0;
    uint64_t t0 = bench_now_ns();

    for (size_t i = 0; i < reps; i++) {
        memcpy((i & 1) ? a : b, (i & 1) ? b : a, size);
        sink = a[i % size]; /* the copies are used: none is optimised away */
    }
    (void)sink;
    return bench_now_ns() - t0;
}

double bench_floor_memcpy_mbs(size_t size)
{
    size_t reps = ((size_t)8 << 20) / size;
    /* Page-aligned: with source and destination a few bytes apart modulo
     * the page size, the string instructions behind memcpy can run several
     * times slower on some processors, and a floor is the best case. */
    size_t span = (size + 4095) / 4096 * 4096;
    unsigned char *a = aligned_alloc(4096, span), *b = aligned_alloc(4096, span);
    uint64_t best = UINT64_MAX;

    if (a == NULL || b == NULL) {
        free(a);
        free(b);
        return -1;
    }
    if (reps < 4)
        reps = 4;
    memset(a, 1, size);
    memset(b, 2, size);
    for (int i = 0; i < FLOOR_BATCHES; i++) {
        uint64_t t = copy_batch(a, b, size, reps);

        if (t < best)
            best = t;
    }
    free(a);
    free(b);
    return (double)(reps * size) / ((double)best / 1e9) / 1e6;
}

double bench_board_copy_mbs(size_t size)
{
    size_t reps = ((size_t)8 << 20) / size, span = ipc_shm_board_size(size);
    unsigned char *a = aligned_alloc(4096, (size + 4095) / 4096 * 4096);
    void *board = aligned_alloc(4096, (span + 4095) / 4096 * 4096);
    struct ipc_shm_snapshot snap;
    uint64_t best = UINT64_MAX;

    if (a == NULL || board == NULL || ipc_shm_board_init(board, span, size) < 0) {
        free(a);
        free(board);
        return -1;
    }
    memset(a, 1, size);
    if (reps < 4)
        reps = 4;
    for (int b = 0; b < FLOOR_BATCHES; b++) {
        uint64_t t0 = bench_now_ns(), t;

        for (size_t i = 0; i < reps; i++) {
            ipc_shm_board_write(board, a, size, 0);
            ipc_shm_board_read(board, a, size, &snap);
        }
        if ((t = bench_now_ns() - t0) < best)
            best = t;
    }
    free(a);
    free(board);
    return (double)(reps * size) / ((double)best / 1e9) / 1e6;
}

/* Wait until *flag holds want; 0, or -ETIMEDOUT after SPIN_LIMIT_NS. */
static int spin_until(_Atomic uint64_t *flag, uint64_t want, uint64_t deadline)
{
    for (unsigned spins = 1; atomic_load_explicit(flag, memory_order_acquire) != want; spins++) {
        if (spins % SPIN_BEFORE_YIELD == 0) {
            sched_yield();
            if (bench_now_ns() > deadline)
                return -ETIMEDOUT;
        }
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* The parent's half: n timed round trips into lat. 0 or -ETIMEDOUT. */
static int spin_parent(_Atomic uint64_t *flag, int warm, int n, uint64_t *lat)
{
    uint64_t deadline = bench_now_ns() + SPIN_LIMIT_NS;

    for (int i = 0; i < warm + n; i++) {
        uint64_t t0 = bench_now_ns();

        atomic_store_explicit(flag, 2 * (uint64_t)i + 1, memory_order_release);
        if (spin_until(flag, 2 * (uint64_t)i + 2, deadline) < 0)
            return -ETIMEDOUT;
        if (i >= warm)
            lat[i - warm] = bench_now_ns() - t0;
    }
    return 0;
}

double bench_floor_spin_us(enum placement pl, int round_trips)
{
    int first, second, warm = (round_trips < 2000 ? round_trips / 10 : 200) + 10, rc = -1, status;
    _Atomic uint64_t *flag;
    uint64_t *lat = malloc((size_t)round_trips * sizeof *lat);
    double us = -1;
    pid_t pid;

    bench_cpus(&first, &second);
    flag = mmap(NULL, sizeof *flag, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (lat == NULL || flag == MAP_FAILED || (pl == PLACE_SPLIT && second < 0)) {
        free(lat);
        if (flag != MAP_FAILED)
            munmap(flag, sizeof *flag);
        return -1;
    }
    atomic_init(flag, 0);
    if ((pid = fork()) == 0) {
        uint64_t deadline = bench_now_ns() + SPIN_LIMIT_NS;

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        bench_pin(pl == PLACE_UNPINNED ? -1 : pl == PLACE_SAME ? first : second);
        for (int i = 0; i < warm + round_trips; i++) {
            if (spin_until(flag, 2 * (uint64_t)i + 1, deadline) < 0)
                _exit(1);
            atomic_store_explicit(flag, 2 * (uint64_t)i + 2, memory_order_release);
        }
        _exit(0);
    }
    if (pid > 0) {
        bench_pin(pl == PLACE_UNPINNED ? -1 : first);
        rc = spin_parent(flag, warm, round_trips, lat);
        if (rc < 0)
            kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
            /* interrupted: wait again */
        }
        bench_pin(-1);
    }
    if (rc == 0) {
        size_t mid = (size_t)round_trips / 2;

        qsort(lat, (size_t)round_trips, sizeof *lat, cmp_u64);
        us = (double)lat[mid] / 1e3;
    }
    free(lat);
    munmap(flag, sizeof *flag);
    return us;
}
