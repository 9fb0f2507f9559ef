/*
 * runner.c - execute a test's program under IPCSPEC_RUNNER when the program
 * is built for the test's own architecture.
 *
 * Spec: none of its own. See also: runner.h, cmake/IpcDiscover.cmake.
 */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* EI_CLASS, EI_DATA and e_machine: what makes two ELF files runnable by
 * the same emulator. */
enum { ELF_HEAD = 20, ELF_CLASS = 4, ELF_DATA = 5, ELF_MACHINE = 18 };

/* Read the first ELF_HEAD bytes of path into head; 0, or -1 when it is no ELF file. */
static int elf_head(const char *path, unsigned char head[ELF_HEAD])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd == -1)
        return -1;
    n = read(fd, head, ELF_HEAD);
    close(fd);
    if (n != ELF_HEAD || memcmp(head, "\177ELF", 4) != 0)
        return -1;
    return 0;
}

/* 1 when path is built for the same machine as the running program. Under
 * qemu-user, /proc/self/exe is the emulated program, not qemu. */
static int same_machine(const char *path)
{
    unsigned char own[ELF_HEAD], other[ELF_HEAD];

    if (elf_head("/proc/self/exe", own) == -1 || elf_head(path, other) == -1)
        return 0;
    return own[ELF_CLASS] == other[ELF_CLASS] && own[ELF_DATA] == other[ELF_DATA]
           && memcmp(own + ELF_MACHINE, other + ELF_MACHINE, 2) == 0;
}

int ipct_runner_execv(char *const argv[])
{
    const char *runner = getenv("IPCSPEC_RUNNER");
    char *words, *word, *save = NULL;
    char **run;
    size_t argc = 0, n = 0;

    if (runner == NULL || runner[0] == '\0' || !same_machine(argv[0]))
        return execv(argv[0], argv);
    while (argv[argc] != NULL)
        argc++;
    words = strdup(runner);
    /* At most one word per two characters, plus argv and its NULL. */
    run = calloc(strlen(runner) / 2 + 1 + argc + 1, sizeof *run);
    if (words == NULL || run == NULL) {
        free(words);
        free(run);
        errno = ENOMEM;
        return -1;
    }
    for (word = strtok_r(words, " ", &save); word != NULL; word = strtok_r(NULL, " ", &save))
        run[n++] = word;
    memcpy(run + n, argv, (argc + 1) * sizeof *run);
    execvp(run[0], run);
    free(words);
    free(run);
    return -1;
}
