/* SPDX-License-Identifier: MIT */
/*
 * mq_points.c - failure points for the POSIX message queue calls, which
 * libfiu's own preload does not wrap:
 *
 *   posix/mq/open          mq_open(3)          default errno EMFILE
 *   posix/mq/send          mq_send(3)          default errno EAGAIN
 *   posix/mq/timedsend     mq_timedsend(3)     default errno ETIMEDOUT
 *   posix/mq/receive       mq_receive(3)       default errno EAGAIN
 *   posix/mq/timedreceive  mq_timedreceive(3)  default errno ETIMEDOUT
 *   posix/mq/unlink        mq_unlink(3)        default errno EACCES
 *   posix/mq/close         mq_close(3)         default errno EBADF
 *   posix/mq/getattr       mq_getattr(3)       default errno EBADF
 *   posix/mq/setattr       mq_setattr(3)       default errno EBADF
 *   posix/mq/notify        mq_notify(3)        default errno EBUSY
 *
 * A failing call is not made at all (as with libfiu's own points): a failed
 * mq_close leaves the descriptor open (unless IPCSPEC_CLOSE_RELEASES=1, see
 * ipcspec_preload.c), a failed mq_receive takes no message.
 *
 * glibc 2.36 implements mq_send, mq_receive and mq_getattr by jumping
 * straight to its own mq_timedsend, mq_timedreceive and mq_setattr (checked
 * with objdump: no PLT call), so each point fails exactly the function a
 * program calls, and arming posix/mq/setattr never fails an mq_getattr.
 *
 * Spec: FIU-EXT-03..04 (spec/faults.md); used by MQ-FAULT-* (spec/mq.md).
 * See also: ipcspec_preload.c (the shared decision), impl/src/mq.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdarg.h>
#include <stddef.h>

#include "preload.h"

/* mode and attr exist only with O_CREAT: read them only then. */
mqd_t mq_open(const char *name, int oflag, ...)
{
    mode_t mode = 0;
    struct mq_attr *attr = NULL;

    REAL(mq_open);
    if (oflag & O_CREAT) {
        va_list ap;

        va_start(ap, oflag);
        mode = va_arg(ap, mode_t);
        attr = va_arg(ap, struct mq_attr *);
        va_end(ap);
    }
    if (ipcspec__should_fail("posix/mq/open", EMFILE))
        return (mqd_t)-1;
    if (oflag & O_CREAT)
        return real(name, oflag, mode, attr);
    return real(name, oflag);
}

int mq_send(mqd_t mq, const char *msg, size_t len, unsigned prio)
{
    REAL(mq_send);
    if (ipcspec__should_fail("posix/mq/send", EAGAIN))
        return -1;
    return real(mq, msg, len, prio);
}

int mq_timedsend(mqd_t mq, const char *msg, size_t len, unsigned prio,
                 const struct timespec *deadline)
{
    REAL(mq_timedsend);
    if (ipcspec__should_fail("posix/mq/timedsend", ETIMEDOUT))
        return -1;
    return real(mq, msg, len, prio, deadline);
}

ssize_t mq_receive(mqd_t mq, char *buf, size_t len, unsigned *prio)
{
    REAL(mq_receive);
    if (ipcspec__should_fail("posix/mq/receive", EAGAIN))
        return -1;
    return real(mq, buf, len, prio);
}

ssize_t mq_timedreceive(mqd_t mq, char *restrict buf, size_t len, unsigned *restrict prio,
                        const struct timespec *restrict deadline)
{
    REAL(mq_timedreceive);
    if (ipcspec__should_fail("posix/mq/timedreceive", ETIMEDOUT))
        return -1;
    return real(mq, buf, len, prio, deadline);
}

int mq_unlink(const char *name)
{
    REAL(mq_unlink);
    if (ipcspec__should_fail("posix/mq/unlink", EACCES))
        return -1;
    return real(name);
}

int mq_close(mqd_t mq)
{
    REAL(mq_close);
    if (ipcspec__should_fail("posix/mq/close", EBADF)) {
        if (ipcspec__close_releases()) { /* as Linux would: see preload.h */
            int err = errno;
            real(mq);
            errno = err;
        }
        return -1;
    }
    return real(mq);
}

int mq_getattr(mqd_t mq, struct mq_attr *attr)
{
    REAL(mq_getattr);
    if (ipcspec__should_fail("posix/mq/getattr", EBADF))
        return -1;
    return real(mq, attr);
}

int mq_setattr(mqd_t mq, const struct mq_attr *restrict attr, struct mq_attr *restrict old)
{
    REAL(mq_setattr);
    if (ipcspec__should_fail("posix/mq/setattr", EBADF))
        return -1;
    return real(mq, attr, old);
}

int mq_notify(mqd_t mq, const struct sigevent *sev)
{
    REAL(mq_notify);
    if (ipcspec__should_fail("posix/mq/notify", EBUSY))
        return -1;
    return real(mq, sev);
}
