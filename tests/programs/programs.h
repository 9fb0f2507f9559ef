/*
 * programs.h - where a test finds the programs it executes (the demos and
 * ipcspec-fdcheck), in the build tree or in an installed copy of the suite.
 *
 * CMake (cmake/IpcTest.cmake, _ipc_programs) defines IPCSPEC_PIPE_DEMO and
 * the other program macros as calls of ipct_program(), and force-includes
 * this header into every test that uses them.
 *
 * Spec: none of its own; every test that execs a demo relies on it.
 * See also: programs.c, packaging/ipcspec-run.py.
 */
#ifndef IPCSPEC_PROGRAMS_H
#define IPCSPEC_PROGRAMS_H

/*
 * Return the path of a program to exec. built_dir is the directory the
 * calling test program was built in and built the program's path in the
 * build tree: when the running executable still lies in built_dir, built is
 * returned. Otherwise the suite runs from an install, and the result is
 * installed (a path relative to the running executable's directory) joined
 * to that directory. The string lives until the process ends; when the
 * running executable cannot be read, built is returned.
 */
char *ipct_program(const char *built_dir, const char *built, const char *installed);

#endif
