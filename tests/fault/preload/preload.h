/* SPDX-License-Identifier: MIT */
/*
 * preload.h - what the files of ipcspec's preload extension share. Each
 * mechanism's failure points live in a file of their own (<mech>_points.c);
 * spec/faults.md lists them all.
 */
#ifndef IPCSPEC_PRELOAD_H
#define IPCSPEC_PRELOAD_H

#include <dlfcn.h>

/* True, with errno set, when point is armed and fires for this call: errno is
 * the failinfo the test pinned, else default_errno (never a random one). */
int ipcspec__should_fail(const char *point, int default_errno);

/* True when IPCSPEC_CLOSE_RELEASES=1: a failing close releases the
 * descriptor before it reports the error, as Linux does (ipcspec_preload.c). */
int ipcspec__close_releases(void);

/* Arm the points IPCSPEC_FAULTS names (env_faults.c); exits 125 if malformed. */
void ipcspec__env_faults_init(void);

/* Non-zero while this library or libfiu is at work (ipcspec_preload.c):
 * a point is never counted or failed then. */
extern __thread int ipcspec__deciding;

/* Non-zero while libfiu decides about a call this library or libfiu made
 * itself (libfiu's malloc wrapper inside a dlsym, say): the environment
 * faults neither count nor fail it (env_faults.c). */
extern __thread int ipcspec__tool_call;

/* Declare `real`: the next definition of name after this library (the C
 * library's, or libfiu's wrapper of it), resolved outside any point. */
#define REAL(name) \
    static __typeof__(name) *real; \
    if (real == NULL) { \
        int was_deciding_ = ipcspec__deciding; \
        ipcspec__deciding = 1; \
        real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name); \
        ipcspec__deciding = was_deciding_; \
    }

#endif
