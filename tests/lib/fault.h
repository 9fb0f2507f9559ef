/*
 * fault.h - the libfiu side of the harness, for tests/fault.
 *
 * A fault test arms a failure point to fail exactly the Nth call (or every
 * call from the Nth), runs the implementation, and proves the fault fired:
 * libfiu's own enable has no counter, so every point is armed through an
 * external callback that counts the calls it sees and the failures it
 * injects. The injected errno is always pinned. Setup proves both preloads
 * are active (the canary) and teardown disarms every point.
 *
 * Build: -DFIU_ENABLE=1 -U_FORTIFY_SOURCE -O0, shared -lfiu, run under
 * LD_PRELOAD=ipcspec_preload.so:fiu_posix_preload.so (cmake/IpcTest.cmake).
 * See also: tests/fault/preload/ipcspec_preload.c, spec/faults.md.
 */
#ifndef IPCTEST_FAULT_H
#define IPCTEST_FAULT_H

#include "ipctest.h"

/* Fail call number nth (1-based) of point with errno err, once. */
void ipcf_fail_nth(const char *point, int nth, int err);
/* Fail every call of point from call number nth on, with errno err. For a
 * "reduce" point (short read or write) err is ignored: it shortens instead. */
void ipcf_fail_from(const char *point, int nth, int err);
/* Calls of point seen, and failures injected, since it was armed. */
int ipcf_calls(const char *point);
int ipcf_fired(const char *point);
/* Disarm every point this test armed. */
void ipcf_disarm_all(void);

/* The fault must have fired exactly n times: otherwise the test proved nothing. */
#define ASSERT_FIRED(point, n) \
    ipcf__assert_fired(point, n, __FILE__, __LINE__)
void ipcf__assert_fired(const char *point, int n, const char *file, int line);

/* Fixtures: ipct_setup plus the canary; disarm, then ipct_teardown. */
int ipcf_setup(void **state);
int ipcf_teardown(void **state);
#define IPCF_TEST(fn) IPCT_TEST_WITH(fn, ipcf_setup, ipcf_teardown)

/* The canary itself: 0 when both preloads answer, else a message. */
const char *ipcf_canary(void);

#endif
