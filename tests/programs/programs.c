/*
 * programs.c - find the programs tests execute: the build tree's copy while
 * the test runs from the build tree, the installed copy, found relative to
 * the test's own executable, once installed (cmake --install).
 *
 * Spec: none of its own. See also: programs.h, cmake/IpcTest.cmake.
 */
#include "programs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The directory of the running executable, or "" if it cannot be read. */
static const char *own_dir(void)
{
    static char dir[PATH_MAX];
    ssize_t len;
    char *slash;

    if (dir[0] != '\0')
        return dir;
    len = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (len <= 0) {
        dir[0] = '\0';
        return dir;
    }
    dir[len] = '\0';
    slash = strrchr(dir, '/');
    if (slash == NULL)
        dir[0] = '\0';
    else
        *slash = '\0';
    return dir;
}

/* 1 when dir names the same directory as own, compared after resolving links. */
static int same_dir(const char *dir, const char *own)
{
    char real[PATH_MAX];

    return realpath(dir, real) != NULL && strcmp(real, own) == 0;
}

char *ipct_program(const char *built_dir, const char *built, const char *installed)
{
    /* A handful of programs per test: a small table keeps each path for
     * the life of the process, so argv arrays may hold them. */
    static struct {
        const char *installed;
        char *path;
    } found[16];
    const char *own = own_dir();
    size_t i;

    if (own[0] == '\0' || same_dir(built_dir, own))
        return (char *)built;
    for (i = 0; i < sizeof found / sizeof found[0] && found[i].path != NULL; i++)
        if (strcmp(found[i].installed, installed) == 0)
            return found[i].path;
    if (i == sizeof found / sizeof found[0])
        return (char *)built;
    found[i].path = malloc(strlen(own) + 1 + strlen(installed) + 1);
    if (found[i].path == NULL)
        return (char *)built;
    sprintf(found[i].path, "%s/%s", own, installed);
    found[i].installed = installed;
    return found[i].path;
}
