/* SPDX-License-Identifier: MIT */
/*
 * programs.h - where a test finds the programs it executes (the demos and
 * ipcspec-fdcheck), in the build tree or in an installed copy of the suite.
 *
 * Each path is an array, filled before main runs (programs.c), so a test
 * may use it anywhere a string constant goes, static tables included.
 * CMake (cmake/IpcTest.cmake, _ipc_programs) defines IPCSPEC_PIPE_DEMO and
 * the other program macros as these arrays, compiles programs.c into every
 * test that uses them, and force-includes this header there.
 *
 * Spec: none of its own; every test that execs a demo relies on it.
 * See also: programs.c, packaging/ipcspec-run.py.
 */
#ifndef IPCSPEC_PROGRAMS_H
#define IPCSPEC_PROGRAMS_H

#include <limits.h>

extern char ipct_program_fdcheck[PATH_MAX];
extern char ipct_program_pipe_demo[PATH_MAX];
extern char ipct_program_mq_server_demo[PATH_MAX];
extern char ipct_program_mq_client_demo[PATH_MAX];
extern char ipct_program_sig_demo[PATH_MAX];
extern char ipct_program_shm_publisher_demo[PATH_MAX];
extern char ipct_program_shm_subscriber_demo[PATH_MAX];
extern char ipct_program_sock_server_demo[PATH_MAX];
extern char ipct_program_sock_client_demo[PATH_MAX];

#endif
