/* SPDX-License-Identifier: MIT */
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
    ASSERT_ERRNO_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
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

/* One extension point and the call it fails. */
/* Each point's err is pinned for FIU-EXT-05; its default_err, documented in
 * spec/faults.md, is FIU-EXT-06's. */

static const struct ipcf_point p_sigprocmask = { "posix/proc/sigprocmask", call_sigprocmask,
                                                EFAULT, EINVAL },
                              p_pthread_sigmask = { "posix/proc/pthread_sigmask",
                                                    call_pthread_sigmask, EFAULT, EINVAL },
                              p_sigpending = { "posix/proc/sigpending", call_sigpending, ENOMEM,
                                               EFAULT },
                              p_raise = { "posix/proc/raise", call_raise, ESRCH, EINVAL },
                              p_sigqueue = { "posix/proc/sigqueue", call_sigqueue, EPERM, EAGAIN },
                              p_sigtimedwait = { "posix/proc/sigtimedwait", call_sigtimedwait,
                                                 EAGAIN, EINTR },
                              p_signalfd = { "posix/proc/signalfd", call_signalfd, ENFILE, EMFILE };

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
    ASSERT_POINT_FAILS_ONCE((const struct ipcf_point *)ipct_variant());
    block_usr2(SIG_UNBLOCK);
}

/* FIU-EXT-06 each signal extension point fails with its documented default errno when none is pinned */
static void fault_fiu_ext_06_sig_points_default_errno(void **state)
{
    (void)state;
    block_usr2(SIG_BLOCK);
    ASSERT_POINT_DEFAULT_ERRNO((const struct ipcf_point *)ipct_variant());
    block_usr2(SIG_UNBLOCK);
}

#define SIG_POINT_CASES(fn) \
    IPCT_VARIANT_WITH(fn, "sigprocmask", &p_sigprocmask, ipcf_setup, ipcf_teardown), \
    IPCT_VARIANT_WITH(fn, "pthread_sigmask", &p_pthread_sigmask, ipcf_setup, ipcf_teardown), \
    IPCT_VARIANT_WITH(fn, "sigpending", &p_sigpending, ipcf_setup, ipcf_teardown), \
    IPCT_VARIANT_WITH(fn, "raise", &p_raise, ipcf_setup, ipcf_teardown), \
    IPCT_VARIANT_WITH(fn, "sigqueue", &p_sigqueue, ipcf_setup, ipcf_teardown), \
    IPCT_VARIANT_WITH(fn, "sigtimedwait", &p_sigtimedwait, ipcf_setup, ipcf_teardown), \
    IPCT_VARIANT_WITH(fn, "signalfd", &p_signalfd, ipcf_setup, ipcf_teardown)

static const struct CMUnitTest tests[] = {
    SIG_POINT_CASES(fault_fiu_ext_05_sig_points_fail_once_then_pass),
    SIG_POINT_CASES(fault_fiu_ext_06_sig_points_default_errno),
};

IPCT_MAIN("fiu_sig_points", tests)
