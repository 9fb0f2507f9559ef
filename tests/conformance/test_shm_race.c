/* SPDX-License-Identifier: MIT */
/*
 * test_shm_race.c - several processes writing one counter in shared memory.
 * The lost update is forced, not hoped for: each writer reads, reports that
 * over a pipe, and writes back only when the test opens the gate, after
 * every writer has read. The same schedule under a process-shared mutex
 * loses nothing, and neither do atomic increments; a robust mutex whose
 * owner died is handed on with EOWNERDEAD.
 *
 * Spec: SHM-RACE-01..05 (spec/shm.md).
 * See also: impl/include/ipcspec/shm_board.h (one writer: no lost update by design).
 */
#include "shm_helpers.h"

#include <pthread.h>
#include <stdatomic.h>

struct shared {
    pthread_mutex_t lock;
    volatile long counter;
    _Atomic long hits;
};

struct writer {
    struct shared *sh;
    int use_lock;
    int read_done; /* write end: one byte once the counter was read */
    int gate[2];   /* the writer waits for EOF on gate[0] before storing */
};

static struct shared *shared_new(int robust)
{
    pthread_mutexattr_t attr;
    struct shared *sh = map_ok(NULL, sizeof *sh, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    ASSERT_ERRNO_EQ(pthread_mutexattr_init(&attr), 0);
    ASSERT_ERRNO_EQ(pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED), 0);
    if (robust)
        ASSERT_ERRNO_EQ(pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST), 0);
    ASSERT_ERRNO_EQ(pthread_mutex_init(&sh->lock, &attr), 0);
    pthread_mutexattr_destroy(&attr);
    return sh;
}

/* Read the counter, report it, wait at the gate, store counter + 1. */
static void increment_at_gate(void *arg)
{
    struct writer *w = arg;
    char byte;

    close(w->gate[1]);
    if (w->use_lock)
        ASSERT_ERRNO_EQ(pthread_mutex_lock(&w->sh->lock), 0);
    long seen = w->sh->counter;
    ASSERT_EQ(write(w->read_done, "r", 1), 1);
    ASSERT_EQ(read(w->gate[0], &byte, 1), 0); /* the gate opens by closing */
    w->sh->counter = seen + 1;
    if (w->use_lock)
        ASSERT_ERRNO_EQ(pthread_mutex_unlock(&w->sh->lock), 0);
}

/* Two writers under the forced schedule; returns the final counter. */
static long two_writers(int use_lock)
{
    int done[2];
    char byte;
    struct shared *sh = shared_new(0); /* process-shared; robust is SHM-RACE-04's */
    struct writer w = { sh, use_lock, -1, { -1, -1 } };

    ASSERT_SYS_OK(pipe2(done, O_CLOEXEC));
    ASSERT_SYS_OK(pipe2(w.gate, O_CLOEXEC));
    w.read_done = done[1];
    pid_t a = ipct_spawn(increment_at_gate, &w);
    ASSERT_EQ(read(done[0], &byte, 1), 1); /* a has read 0 */
    pid_t b = ipct_spawn(increment_at_gate, &w);
    if (use_lock)
        ipct_await_blocked(b, SYS_futex); /* b waits for a's lock, before reading */
    else
        ASSERT_EQ(read(done[0], &byte, 1), 1); /* b has read 0 too */
    close(w.gate[1]); /* open the gate */
    assert_child_exited(a, 0);
    assert_child_exited(b, 0);
    long result = sh->counter;
    close(w.gate[0]);
    close(done[0]);
    close(done[1]);
    pthread_mutex_destroy(&sh->lock);
    munmap(sh, sizeof *sh);
    return result;
}

/* SHM-RACE-01 two processes that each read the counter before either stores lose an increment */
static void test_shm_race_01_unlocked_update_lost(void **state)
{
    (void)state;
    ASSERT_EQ(two_writers(0), 1);
}

/* SHM-RACE-02 under a process-shared mutex the same schedule loses no increment */
static void test_shm_race_02_shared_mutex_none_lost(void **state)
{
    (void)state;
    ASSERT_EQ(two_writers(1), 2);
}

enum { ATOMIC_WRITERS = 4, ATOMIC_ROUNDS = 20000 };

/* Wait for the gate, then add 1 ATOMIC_ROUNDS times, atomically. */
static void atomic_adder(void *arg)
{
    struct writer *w = arg;
    char byte;

    close(w->gate[1]);
    ipct_child_ready();
    ASSERT_EQ(read(w->gate[0], &byte, 1), 0); /* the gate opens by closing */
    for (int i = 0; i < ATOMIC_ROUNDS; i++)
        atomic_fetch_add_explicit(&w->sh->hits, 1, memory_order_relaxed);
}

/* SHM-RACE-03 atomic increments from several processes at once lose none */
static void test_shm_race_03_atomic_increments_none_lost(void **state)
{
    pid_t pids[ATOMIC_WRITERS];
    (void)state;

    struct shared *sh = shared_new(0);
    struct writer w = { sh, 0, -1, { -1, -1 } };
    ASSERT_SYS_OK(pipe2(w.gate, O_CLOEXEC));
    for (int i = 0; i < ATOMIC_WRITERS; i++) {
        pids[i] = ipct_spawn(atomic_adder, &w);
        ipct_await_ready(pids[i]);
    }
    close(w.gate[1]); /* all at once */
    for (int i = 0; i < ATOMIC_WRITERS; i++)
        assert_child_exited(pids[i], 0);
    ASSERT_EQ(atomic_load(&sh->hits), (long)ATOMIC_WRITERS * ATOMIC_ROUNDS);
    close(w.gate[0]);
    pthread_mutex_destroy(&sh->lock);
    munmap(sh, sizeof *sh);
}

/* Take the lock and die holding it. */
static void die_holding(void *arg)
{
    struct shared *sh = arg;

    ASSERT_ERRNO_EQ(pthread_mutex_lock(&sh->lock), 0);
    sh->counter = 41; /* half-way through an update; exits without unlocking */
}

/* SHM-RACE-04 a robust mutex whose owner died is handed on with EOWNERDEAD and is usable once made consistent */
static void test_shm_race_04_robust_owner_died_eownerdead(void **state)
{
    (void)state;
    struct shared *sh = shared_new(1);
    assert_child_exited(ipct_spawn(die_holding, sh), 0);
    ASSERT_ERRNO_EQ(pthread_mutex_lock(&sh->lock), EOWNERDEAD);
    ASSERT_EQ(sh->counter, 41); /* the new owner sees the dead one's state */
    sh->counter = 0;                   /* repairs it */
    ASSERT_ERRNO_EQ(pthread_mutex_consistent(&sh->lock), 0);
    ASSERT_ERRNO_EQ(pthread_mutex_unlock(&sh->lock), 0);
    ASSERT_ERRNO_EQ(pthread_mutex_lock(&sh->lock), 0);
    ASSERT_ERRNO_EQ(pthread_mutex_unlock(&sh->lock), 0);
    pthread_mutex_destroy(&sh->lock);
    munmap(sh, sizeof *sh);
}

/* SHM-RACE-05 unlocked without pthread_mutex_consistent, an owner-died robust mutex fails ever after with ENOTRECOVERABLE */
static void test_shm_race_05_not_made_consistent_enotrecoverable(void **state)
{
    (void)state;
    struct shared *sh = shared_new(1);
    assert_child_exited(ipct_spawn(die_holding, sh), 0);
    ASSERT_ERRNO_EQ(pthread_mutex_lock(&sh->lock), EOWNERDEAD);
    ASSERT_ERRNO_EQ(pthread_mutex_unlock(&sh->lock), 0);
    ASSERT_ERRNO_EQ(pthread_mutex_lock(&sh->lock), ENOTRECOVERABLE);
    ASSERT_ERRNO_EQ(pthread_mutex_trylock(&sh->lock), ENOTRECOVERABLE);
    pthread_mutex_destroy(&sh->lock);
    munmap(sh, sizeof *sh);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_race_01_unlocked_update_lost),
    IPCT_TEST(test_shm_race_02_shared_mutex_none_lost),
    IPCT_TEST(test_shm_race_03_atomic_increments_none_lost),
    IPCT_TEST(test_shm_race_04_robust_owner_died_eownerdead),
    IPCT_TEST(test_shm_race_05_not_made_consistent_enotrecoverable),
};

IPCT_MAIN("shm_race", tests)
