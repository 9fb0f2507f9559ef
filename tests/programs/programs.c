/* SPDX-License-Identifier: MIT */
/*
 * programs.c - find the programs tests execute, before main runs: the build
 * tree's copy while the test runs from the directory it was built in, else
 * the installed copy, found relative to the test's own executable (where
 * cmake --install put them both; packaging/CMakeLists.txt).
 *
 * Compiled into each test program, with these definitions from
 * cmake/IpcTest.cmake: IPCT_BUILT_DIR, the directory the test was built in,
 * and for each program IPCT_BUILT_<NAME>, its path in the build tree, and
 * IPCT_INSTALLED_<NAME>, its installed path relative to the test's own.
 *
 * Spec: none of its own. See also: programs.h.
 */
#include "programs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char ipct_program_fdcheck[PATH_MAX];
char ipct_program_pipe_demo[PATH_MAX];
char ipct_program_mq_server_demo[PATH_MAX];
char ipct_program_mq_client_demo[PATH_MAX];
char ipct_program_sig_demo[PATH_MAX];
char ipct_program_shm_publisher_demo[PATH_MAX];
char ipct_program_shm_subscriber_demo[PATH_MAX];
char ipct_program_sock_server_demo[PATH_MAX];
char ipct_program_sock_client_demo[PATH_MAX];

#define IPCT__PROGRAM(var, NAME) { var, IPCT_BUILT_##NAME, IPCT_INSTALLED_##NAME }

static const struct {
    char *path;
    const char *built;
    const char *installed;
} programs[] = {
    IPCT__PROGRAM(ipct_program_fdcheck, FDCHECK),
    IPCT__PROGRAM(ipct_program_pipe_demo, PIPE_DEMO),
    IPCT__PROGRAM(ipct_program_mq_server_demo, MQ_SERVER_DEMO),
    IPCT__PROGRAM(ipct_program_mq_client_demo, MQ_CLIENT_DEMO),
    IPCT__PROGRAM(ipct_program_sig_demo, SIG_DEMO),
    IPCT__PROGRAM(ipct_program_shm_publisher_demo, SHM_PUBLISHER_DEMO),
    IPCT__PROGRAM(ipct_program_shm_subscriber_demo, SHM_SUBSCRIBER_DEMO),
    IPCT__PROGRAM(ipct_program_sock_server_demo, SOCK_SERVER_DEMO),
    IPCT__PROGRAM(ipct_program_sock_client_demo, SOCK_CLIENT_DEMO),
};

/* Into dir (PATH_MAX bytes), the running executable's directory; 0, or -1
 * when /proc/self/exe cannot be read. */
static int own_dir(char *dir)
{
    ssize_t len = readlink("/proc/self/exe", dir, PATH_MAX - 1);
    char *slash;

    if (len <= 0)
        return -1;
    dir[len] = '\0';
    slash = strrchr(dir, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    return 0;
}

/* 1 when the test runs from the directory it was built in (links resolved). */
static int in_build_tree(const char *own)
{
    char built[PATH_MAX];

    return realpath(IPCT_BUILT_DIR, built) != NULL && strcmp(built, own) == 0;
}

__attribute__((constructor)) static void find_programs(void)
{
    char own[PATH_MAX];
    int installed = own_dir(own) == 0 && !in_build_tree(own);

    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        int n = installed
            ? snprintf(programs[i].path, PATH_MAX, "%s/%s", own, programs[i].installed)
            : snprintf(programs[i].path, PATH_MAX, "%s", programs[i].built);
        if (n < 0 || n >= PATH_MAX) /* too long to exec: the exec fails and says so */
            programs[i].path[0] = '\0';
    }
}
