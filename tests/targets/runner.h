/* SPDX-License-Identifier: MIT */
/*
 * runner.h - run the programs a test executes under the same runner as the
 * test itself (qemu-user, valgrind, any wrapper command), so that on a target
 * both sides of a demo test run on the implementation under test.
 *
 * The runner is IPCSPEC_RUNNER, a command's words separated by spaces;
 * cmake/IpcDiscover.cmake sets it for every case from
 * CMAKE_CROSSCOMPILING_EMULATOR. A program built for another architecture
 * than the test (the build host's /bin/cat or socat on a cross target) is
 * executed as it is: the runner could not run it. Under an emulator of
 * another architecture, /proc shows the build host's system call numbers;
 * ipct_runner_syscall reads them back as the target's.
 *
 * Spec: none of its own; every test that executes a program relies on it.
 * See also: runner.c, cmake/IpcDiscover.cmake, ci/target.
 */
#ifndef IPCSPEC_RUNNER_H
#define IPCSPEC_RUNNER_H

/*
 * execv(argv[0], argv), through the runner when IPCSPEC_RUNNER is set and
 * argv[0] is an ELF file for the architecture of the running test. Meant for
 * a forked child just before it would call execv. Returns only on failure:
 * -1 with errno set (ENOMEM when the runner's argument vector cannot be
 * built, or execv's and execvp's errnos).
 */
int ipct_runner_execv(char *const argv[]);

/*
 * The target's number of the system call that /proc/PID/syscall shows as
 * shown. Natively, shown itself. In a cross build run under its runner the
 * emulator makes the calls, so /proc shows the build host's numbers: the
 * result is the target's number of the call of the same name, or -1 when
 * the target has no such call. For the blocked-state probe, which compares
 * it with the target's SYS_* numbers.
 */
long ipct_runner_syscall(long shown);

#endif
