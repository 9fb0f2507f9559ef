/*
 * harness_selftest.c - cases that break the harness's rules on purpose. Each
 * must FAIL, with the message that names what it did; tests/meta/CMakeLists.txt
 * registers every case with the message it must print. If one of these
 * passed, the leak snapshot, the child bookkeeping or the bounded waits would
 * be letting real tests off.
 *
 * See also: tests/lib/leak.c, tests/lib/child.c, tests/lib/probe.c.
 */
#include "ipctest.h"

#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Passes its body, but leaves a descriptor open. */
static void leaks_a_descriptor(void **state)
{
    (void)state;
    ASSERT_SYS_OK(open("/dev/null", O_RDONLY));
}

static int exit_at_once(void *arg)
{
    (void)arg;
    return 3;
}

static int block_in_read(void *arg)
{
    int fd = *(int *)arg;
    char byte;

    ipct_child_ready();
    return (int)read(fd, &byte, 1);
}

/* Passes its body, but leaves a child running. */
static void leaves_a_child_running(void **state)
{
    int fds[2];
    (void)state;

    ASSERT_SYS_OK(pipe(fds));
    pid_t child = ipct_spawn(block_in_read, &fds[0]);
    ipct_await_blocked(child, SYS_read);
    close(fds[0]);
    close(fds[1]); /* the child still holds the write end: it never wakes */
}

/* statfs(2): the mqueue filesystem's f_type (not in linux/magic.h). */
enum { MQUEUE_MAGIC = 0x19800202 };

/* Passes its body, but leaves a message queue carrying its pid. */
static void leaves_a_queue(void **state)
{
    char name[64];
    struct statfs fs;
    (void)state;

    if (statfs("/dev/mqueue", &fs) == -1 || fs.f_type != MQUEUE_MAGIC)
        IPCT_SKIP("/dev/mqueue is not mounted: queue leaks cannot be seen (ci/deps mounts it)");

    snprintf(name, sizeof name, "/ipcspec-leak-%d-0", (int)getpid());
    mqd_t q = mq_open(name, O_CREAT | O_RDWR, 0600, NULL);
    ASSERT_SYS_OK(q == (mqd_t)-1 ? -1 : 0);
    mq_close(q);
}

/* A child that exits at once is not blocked: the probe must say so. */
static void probe_sees_exit_not_block(void **state)
{
    (void)state;
    ipct_await_blocked(ipct_spawn(exit_at_once, NULL), SYS_read);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(leaks_a_descriptor),
    IPCT_TEST(leaves_a_child_running),
    IPCT_TEST(leaves_a_queue),
    IPCT_TEST(probe_sees_exit_not_block),
};

IPCT_MAIN("harness_selftest", tests)
