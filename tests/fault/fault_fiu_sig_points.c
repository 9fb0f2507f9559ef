/*
 * fault_fiu_sig_points.c - the signal failure points of ipcspec's preload
 * extension: each fails its call once, as pinned, then lets it through
 * (off, on for one call, off again), and a failed call did nothing;
 * unpinned, each fails with the default spec/faults.md documents.
 *
 * Everything here works on SIGUSR2 blocked in the test process, which the
 * harness never uses; it is unblocked again at the end.
 *
 * Spec: FIU-EXT-05..06 (spec/faults.md).
 * See also: tests/fault/preload/sig_points.c, fault_fiu_mq_points.c.
 */
#include "fault.h"

#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <fiu-control.h>

static const struct timespec no_wait = { 0, 0 };

static int usr2_pending(void)
{
    sigset_t set;

    sigemptyset(&set);
    ASSERT_SYS_OK(sigpending(&set));
    return sigismember(&set, SIGUSR2) == 1;
}

static sigset_t usr2_set(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    return set;
}

/* Each call below is one call of its function: 0 on success (state left
 * as found: SIGUSR2 blocked, nothing pending), -1 with errno on failure,
 * after checking the failed call did nothing. */

static int call_sigprocmask(void)
{
    sigset_t set = usr2_set(), now;

    if (sigprocmask(SIG_UNBLOCK, &set, NULL) == -1) {
        int err = errno;
        ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, NULL, &now));
        if (sigismember(&now, SIGUSR2) != 1)
            IPCT_FAIL("a failed sigprocmask unblocked SIGUSR2");
        errno = err;
        return -1;
    }
    ASSERT_SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    return 0;
}

static int call_pthread_sigmask(void)
{
    sigset_t set = usr2_set();
    int rc = pthread_sigmask(SIG_UNBLOCK, &set, NULL);

    if (rc != 0) {
        errno = rc;
        return -1;
    }
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
    return 0;
}

static int call_sigpending(void)
{
    sigset_t set;

    return sigpending(&set);
}

static int call_raise(void)
{
    if (raise(SIGUSR2) != 0) {
        int err = errno;
        if (usr2_pending())
            IPCT_FAIL("a failed raise sent SIGUSR2");
        errno = err;
        return -1;
    }
    sigset_t set = usr2_set();
    ASSERT_SYS_OK(sigtimedwait(&set, NULL, &no_wait)); /* take it back */
    return 0;
}

static int call_sigqueue(void)
{
    if (sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 1 }) == -1) {
        int err = errno;
        if (usr2_pending())
            IPCT_FAIL("a failed sigqueue sent SIGUSR2");
        errno = err;
        return -1;
    }
    sigset_t set = usr2_set();
    ASSERT_SYS_OK(sigtimedwait(&set, NULL, &no_wait));
    return 0;
}

/* A failed sigtimedwait takes nothing: take the signal back once spent. */
static int call_sigtimedwait(void)
{
    sigset_t set = usr2_set();

    ASSERT_SYS_OK(kill(getpid(), SIGUSR2));
    if (sigtimedwait(&set, NULL, &no_wait) == SIGUSR2)
        return 0;
    int err = errno;
    ASSERT_EQ(ASSERT_SYS_OK(sigtimedwait(&set, NULL, &no_wait)), SIGUSR2);
    errno = err;
    return -1;
}

/* A failed signalfd made no descriptor. */
static int call_signalfd(void)
{
    sigset_t set = usr2_set();
    int lowest = ipct_lowest_free_fd();
    int fd = signalfd(-1, &set, SFD_CLOEXEC);

    if (fd == -1) {
        int err = errno;
        if (ipct_lowest_free_fd() != lowest)
            IPCT_FAIL("a failed signalfd left a descriptor");
        errno = err;
        return -1;
    }
    ASSERT_SYS_OK(close(fd));
    return 0;
}

static const struct {
    const char *point;
    int (*call)(void);
    int err;         /* pinned for FIU-EXT-05 */
    int default_err; /* documented in spec/faults.md, for FIU-EXT-06 */
} sig_points[] = {
    { "posix/proc/sigprocmask", call_sigprocmask, EFAULT, EINVAL },
    { "posix/proc/pthread_sigmask", call_pthread_sigmask, EFAULT, EINVAL },
    { "posix/proc/sigpending", call_sigpending, ENOMEM, EFAULT },
    { "posix/proc/raise", call_raise, ESRCH, EINVAL },
    { "posix/proc/sigqueue", call_sigqueue, EPERM, EAGAIN },
    { "posix/proc/sigtimedwait", call_sigtimedwait, EAGAIN, EINTR },
    { "posix/proc/signalfd", call_signalfd, ENFILE, EMFILE },
};

enum { NPOINTS = sizeof sig_points / sizeof sig_points[0] };

static void block_usr2(int how)
{
    sigset_t set = usr2_set();

    ASSERT_SYS_OK(sigprocmask(how, &set, NULL));
}

/* FIU-EXT-05 each signal extension point fails its call once with the pinned errno, then lets it through */
static void fault_fiu_ext_05_sig_points_fail_once_then_pass(void **state)
{
    (void)state;
    block_usr2(SIG_BLOCK);
    for (size_t i = 0; i < NPOINTS; i++) {
        const char *point = sig_points[i].point;
        if (sig_points[i].call() != 0)
            IPCT_FAIL("%s: unarmed call failed: %s", point, ipct_errname(errno));
        ipcf_fail_nth(point, 1, sig_points[i].err);
        if (sig_points[i].call() != -1 || errno != sig_points[i].err)
            IPCT_FAIL("%s: armed call did not fail with %s (errno %s)", point,
                      ipct_errname(sig_points[i].err), ipct_errname(errno));
        ASSERT_FIRED(point, 1);
        if (sig_points[i].call() != 0)
            IPCT_FAIL("%s: call after the one-shot failed: %s", point, ipct_errname(errno));
        ASSERT_FIRED(point, 1);
        ipcf_disarm_all();
    }
    block_usr2(SIG_UNBLOCK);
}

/* FIU-EXT-06 each signal extension point fails with its documented default errno when none is pinned */
static void fault_fiu_ext_06_sig_points_default_errno(void **state)
{
    (void)state;
    block_usr2(SIG_BLOCK);
    for (size_t i = 0; i < NPOINTS; i++) {
        const char *point = sig_points[i].point;
        ASSERT_EQ(fiu_enable(point, 1, NULL, FIU_ONETIME), 0);
        int rc = sig_points[i].call();
        int err = errno;
        fiu_disable(point);
        if (rc != -1 || err != sig_points[i].default_err)
            IPCT_FAIL("%s: unpinned call returned %d, errno %s; expected -1, %s", point, rc,
                      ipct_errname(err), ipct_errname(sig_points[i].default_err));
    }
    block_usr2(SIG_UNBLOCK);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_fiu_ext_05_sig_points_fail_once_then_pass),
    IPCF_TEST(fault_fiu_ext_06_sig_points_default_errno),
};

IPCT_MAIN("fiu_sig_points", tests)
