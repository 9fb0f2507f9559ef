/*
 * internal.h - what the harness's own files share; tests never include it.
 */
#ifndef IPCTEST_INTERNAL_H
#define IPCTEST_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

/* Set by IPCT_SKIP: ipct_main turns a clean run into exit code 77. */
extern int ipct__skipped;

/* Kill and reap every child still registered; describe the ones that were
 * still running into report. Returns how many were. */
int ipct__children_cleanup(char *report, size_t len);

/* Wait up to timeout_ms for pid to end, without reaping it: 1 if it did. */
int ipct__await_exit(pid_t pid, int timeout_ms);

/* A wait status in words: "exited with 1", "killed by SIGSEGV" (a static buffer). */
const char *ipct__describe_status(int status);

/* Remove the IPC names and temporary directories this test made. */
void ipct__names_cleanup(void);

/* The leak snapshot: descriptors, children and kernel objects of this run. */
struct ipct_snapshot;
struct ipct_snapshot *ipct__snapshot_take(void);
/* Compare now against before, describe each leak into report, free before.
 * Returns the number of leaks. */
int ipct__snapshot_check(struct ipct_snapshot *before, char *report, size_t len);

#endif
