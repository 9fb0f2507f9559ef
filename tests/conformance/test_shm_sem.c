/* SPDX-License-Identifier: MIT */
/*
 * test_shm_sem.c - POSIX semaphores for processes sharing memory: unnamed
 * ones (sem_init, pshared 1) in a shared mapping, named ones (sem_open)
 * reached by name, their limits and timeouts, and a counter in shared
 * memory that a semaphore keeps from losing updates.
 *
 * Spec: SHM-SEM-01..10 (spec/shm.md).
 * See also: test_shm_race.c (the same counter without a lock), shm_helpers.h.
 */
#include "shm_helpers.h"

#include <limits.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

/* The file a named semaphore "/N" is in /dev/shm: glibc names it sem.N
 * (sem_overview(7)); musl names it N, as shm_open would. */
#ifdef __GLIBC__
#define SEM_FILE_PREFIX "sem."
#else
#define SEM_FILE_PREFIX ""
#endif

/* A process-shared semaphore of value v in a fresh shared anonymous page. */
static sem_t *shared_sem(unsigned v)
{
    sem_t *s = map_ok(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    ASSERT_SYS_OK(sem_init(s, 1, v));
    return s;
}

static void drop_sem(sem_t *s)
{
    ASSERT_SYS_OK(sem_destroy(s));
    ASSERT_SYS_OK(munmap(s, page_size()));
}

static int sem_value(sem_t *s)
{
    int v = -1;

    ASSERT_SYS_OK(sem_getvalue(s, &v));
    return v;
}

static void wait_once(void *arg)
{
    ASSERT_SYS_OK(sem_wait(arg));
}

/* SHM-SEM-01 a child waiting on a process-shared semaphore wakes when the parent posts */
static void test_shm_sem_01_pshared_post_wakes_child(void **state)
{
    (void)state;
    sem_t *s = shared_sem(0);

    pid_t pid = ipct_spawn(wait_once, s);
    ipct_await_blocked(pid, SYS_futex);
    ASSERT_SYS_OK(sem_post(s));
    assert_child_exited(pid, 0);
    ASSERT_EQ(sem_value(s), 0);
    drop_sem(s);
}

/* SHM-SEM-02 sem_timedwait on a zero semaphore fails with ETIMEDOUT once the deadline has passed */
static void test_shm_sem_02_timedwait_etimedout(void **state)
{
    struct timespec dl, now;
    (void)state;
    sem_t *s = shared_sem(0);

    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_nsec += 100 * 1000000L;
    if (dl.tv_nsec >= 1000000000L)
        dl.tv_sec++, dl.tv_nsec -= 1000000000L;
    ASSERT_SYS_ERR(sem_timedwait(s, &dl), ETIMEDOUT);
    clock_gettime(CLOCK_REALTIME, &now);
    ASSERT_TRUE(now.tv_sec > dl.tv_sec || (now.tv_sec == dl.tv_sec && now.tv_nsec >= dl.tv_nsec));
    drop_sem(s);
}

/* SHM-SEM-03 sem_timedwait on a zero semaphore with tv_nsec out of range fails with EINVAL at once */
static void test_shm_sem_03_timedwait_bad_nsec_einval(void **state)
{
    struct timespec bad = { 0, 1000000000L };
    (void)state;
    sem_t *s = shared_sem(0);

    ASSERT_SYS_ERR(sem_timedwait(s, &bad), EINVAL);
    ASSERT_EQ(sem_value(s), 0);
    drop_sem(s);
}

/* SHM-SEM-04 sem_trywait on a zero semaphore fails with EAGAIN; on a positive one it decrements */
static void test_shm_sem_04_trywait(void **state)
{
    (void)state;
    sem_t *s = shared_sem(0);

    ASSERT_SYS_ERR(sem_trywait(s), EAGAIN);
    ASSERT_SYS_OK(sem_post(s));
    ASSERT_SYS_OK(sem_post(s));
    ASSERT_SYS_OK(sem_trywait(s));
    ASSERT_EQ(sem_value(s), 1);
    drop_sem(s);
}

/* SHM-SEM-05 a post past SEM_VALUE_MAX fails with EOVERFLOW; sem_init above it fails with EINVAL */
static void test_shm_sem_05_value_max(void **state)
{
    sem_t t;
    (void)state;
    sem_t *s = shared_sem(SEM_VALUE_MAX);

    ASSERT_SYS_ERR(sem_post(s), EOVERFLOW);
    ASSERT_EQ(sem_value(s), SEM_VALUE_MAX);
    ASSERT_SYS_ERR(sem_init(&t, 0, (unsigned)SEM_VALUE_MAX + 1u), EINVAL);
    drop_sem(s);
}

static void post_by_name(void *arg)
{
    sem_t *s = sem_open(arg, 0);

    ASSERT_PTR_NE(s, SEM_FAILED);
    ASSERT_SYS_OK(sem_post(s));
    ASSERT_SYS_OK(sem_close(s));
}

/* SHM-SEM-06 a named semaphore is reached by name from another process; O_CREAT|O_EXCL on it fails with EEXIST */
static void test_shm_sem_06_named_shared_by_name(void **state)
{
    (void)state;
    const char *name = ipct_ipc_name("sem");
    sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 0);

    ASSERT_PTR_NE(s, SEM_FAILED);
    errno = 0;
    ASSERT_PTR_EQ(sem_open(name, O_CREAT | O_EXCL, 0600, 0), SEM_FAILED);
    ASSERT_ERRNO_EQ(errno, EEXIST);
    assert_child_exited(ipct_spawn(post_by_name, (void *)name), 0);
    ASSERT_SYS_OK(sem_trywait(s));
    ASSERT_SYS_OK(sem_close(s));
    ASSERT_SYS_OK(sem_unlink(name));
}

/* SHM-SEM-07 a named semaphore is a file in /dev/shm (glibc: sem.NAME), gone once sem_unlink returns */
static void test_shm_sem_07_named_file_in_dev_shm(void **state)
{
    char path[300];
    struct stat st;
    (void)state;
    const char *name = ipct_ipc_name("sem");
    sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);

    ASSERT_PTR_NE(s, SEM_FAILED);
    snprintf(path, sizeof path, "/dev/shm/" SEM_FILE_PREFIX "%s", name + 1);
    ASSERT_SYS_OK(stat(path, &st));
    ASSERT_SYS_OK(sem_unlink(name));
    ASSERT_SYS_ERR(stat(path, &st), ENOENT);
    ASSERT_SYS_OK(sem_close(s));
}

/* SHM-SEM-08 after sem_unlink the name is gone (ENOENT) while open handles keep working */
static void test_shm_sem_08_unlink_name_gone_handle_works(void **state)
{
    (void)state;
    const char *name = ipct_ipc_name("sem");
    sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 0);

    ASSERT_PTR_NE(s, SEM_FAILED);
    ASSERT_SYS_OK(sem_unlink(name));
    errno = 0;
    ASSERT_PTR_EQ(sem_open(name, 0), SEM_FAILED);
    ASSERT_ERRNO_EQ(errno, ENOENT);
    ASSERT_SYS_ERR(sem_unlink(name), ENOENT);
    ASSERT_SYS_OK(sem_post(s));
    ASSERT_SYS_OK(sem_trywait(s));
    ASSERT_SYS_OK(sem_close(s));
}

/* SHM-SEM-09 sem_open of a missing name without O_CREAT fails with ENOENT, and with an initial value above SEM_VALUE_MAX, EINVAL */
static void test_shm_sem_09_open_errors(void **state)
{
    (void)state;
    const char *name = ipct_ipc_name("sem");

    errno = 0;
    ASSERT_PTR_EQ(sem_open(name, 0), SEM_FAILED);
    ASSERT_ERRNO_EQ(errno, ENOENT);
    errno = 0;
    ASSERT_PTR_EQ(sem_open(name, O_CREAT, 0600, (unsigned)SEM_VALUE_MAX + 1u), SEM_FAILED);
    ASSERT_ERRNO_EQ(errno, EINVAL);
}

struct board {
    sem_t lock;
    long counter;
};

enum { BOARD_ROUNDS = 2000 };

static void add_rounds(void *arg)
{
    struct board *b = arg;

    for (int i = 0; i < BOARD_ROUNDS; i++) {
        ASSERT_SYS_OK(sem_wait(&b->lock));
        long v = b->counter;
        sched_yield(); /* invite the other writer in: the lock must keep it out */
        b->counter = v + 1;
        ASSERT_SYS_OK(sem_post(&b->lock));
    }
}

/* SHM-SEM-10 two processes incrementing a shared counter under a process-shared semaphore lose no update */
static void test_shm_sem_10_board_loses_no_update(void **state)
{
    (void)state;
    struct board *b = map_ok(NULL, page_size(), PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    ASSERT_SYS_OK(sem_init(&b->lock, 1, 1));
    pid_t one = ipct_spawn(add_rounds, b);
    pid_t two = ipct_spawn(add_rounds, b);
    assert_child_exited(one, 0);
    assert_child_exited(two, 0);
    ASSERT_EQ(b->counter, 2L * BOARD_ROUNDS);
    ASSERT_SYS_OK(sem_destroy(&b->lock));
    ASSERT_SYS_OK(munmap(b, page_size()));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_shm_sem_01_pshared_post_wakes_child),
    IPCT_TEST(test_shm_sem_02_timedwait_etimedout),
    IPCT_TEST(test_shm_sem_03_timedwait_bad_nsec_einval),
    IPCT_TEST(test_shm_sem_04_trywait),
    IPCT_TEST(test_shm_sem_05_value_max),
    IPCT_TEST(test_shm_sem_06_named_shared_by_name),
    IPCT_TEST(test_shm_sem_07_named_file_in_dev_shm),
    IPCT_TEST(test_shm_sem_08_unlink_name_gone_handle_works),
    IPCT_TEST(test_shm_sem_09_open_errors),
    IPCT_TEST(test_shm_sem_10_board_loses_no_update),
};

IPCT_MAIN("shm_sem", tests)
