/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the harness's own files share; tests never include it.
 */
#ifndef IPCTEST_INTERNAL_H
#define IPCTEST_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

/* ---- report.c: failures of forked children ---- */
/* Map the report page (once) and empty it; the caller becomes the test process. */
void ipct__report_reset(void);
/* True in any process the test process forked. */
int ipct__in_child(void);
/* In a child: record a failure (or a skip) at file:line with its text. */
void ipct__report_append(int is_skip, const char *file, int line, const char *text);
/* In the test process: print the children's failures not printed yet and
 * give the first one's file and line; 0 when there are none. */
int ipct__report_first(const char **file, int *line);
/* In the test process: fail (or skip) the test if a child said so. */
void ipct__report_check(void);

/* Set by IPCT_SKIP: ipct_main turns a clean run into exit code 77. */
extern int ipct__skipped;

/* Kill and reap every child still registered; describe the ones that were
 * still running into report. Returns how many were. */
int ipct__children_cleanup(char *report, size_t len);

/* Wait up to timeout_ms for pid to end, without reaping it: 1 if it did. */
int ipct__await_exit(pid_t pid, int timeout_ms);

/* The tag that makes this run's names unique: "<pid>-<random>". */
const char *ipct__run_tag(void);

/* A wait status in words: "exited with 1", "killed by SIGSEGV" (a static buffer). */
const char *ipct__describe_status(int status);

/* Describe into report each name this test was handed that still names a
 * queue, shm object, socket or FIFO. Returns how many. */
int ipct__names_left(char *report, size_t len);

/* Remove the IPC names and temporary directories this test made. */
void ipct__names_cleanup(void);

/* The leak snapshot: descriptors, children and kernel objects of this run. */
struct ipct_snapshot;
struct ipct_snapshot *ipct__snapshot_take(void);
/* Compare now against before, describe each leak into report, free before.
 * Returns the number of leaks. */
int ipct__snapshot_check(struct ipct_snapshot *before, char *report, size_t len);

#endif
