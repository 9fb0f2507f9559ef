/* SPDX-License-Identifier: MIT */
/*
 * report.c - a failed check in a forked child reaches the test as text.
 *
 * cmocka cannot run in a child: its assert would longjmp into the child's
 * copy of the runner and go on running the suite there. So the harness maps
 * one page range MAP_SHARED before the first fork; every process the test
 * forks (children, grandchildren) inherits it. A check that fails in one of
 * them appends "child PID: FILE:LINE: MESSAGE" to it and the process exits.
 * The test process reads the page whenever it reaps a child, when one of its
 * own checks fails, and at teardown: any record fails the test, at the
 * child's own file and line, with the child's words. A child's skip travels
 * the same way and skips the test. No exit status carries a meaning.
 *
 * Appends are lock-free (one atomic add reserves the bytes), so children
 * failing at once never mix their lines.
 *
 * See also: ipctest.h (ipct__fail_at, ipct__skip_at), child.c, internal.h.
 */
#include "ipctest.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { TEXT_LEN = 16384, LOC_LEN = 256 };

struct channel {
    pid_t test_pid;
    int failures;     /* failure records appended so far */
    size_t used;      /* bytes of text reserved */
    int fail_taken;   /* 0 until the first failure claims fail_* */
    int fail_line;
    char fail_file[LOC_LEN];
    int skip_taken;   /* 0 until the first skip claims skip_* */
    int skip_line;
    char skip_file[LOC_LEN];
    char skip_reason[LOC_LEN];
    char text[TEXT_LEN];
};

static struct channel *chan;
static size_t shown;    /* in the test process: text already printed */
static int skip_shown;  /* in the test process: the skip already taken */

void ipct__report_reset(void)
{
    if (chan == NULL) {
        void *p = mmap(NULL, sizeof *chan, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                       -1, 0);
        if (p == MAP_FAILED) {
            print_error("harness: mmap of the child report page: %s\n", ipct_errname(errno));
            abort();
        }
        chan = p;
    }
    memset(chan, 0, sizeof *chan);
    chan->test_pid = getpid();
    shown = 0;
    skip_shown = 0;
}

int ipct__in_child(void)
{
    return chan != NULL && getpid() != chan->test_pid;
}

static int claim(int *taken)
{
    int unclaimed = 0;

    return __atomic_compare_exchange_n(taken, &unclaimed, 1, 0, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

void ipct__report_append(int is_skip, const char *file, int line, const char *text)
{
    char record[1024];
    int n;
    size_t len, at;

    if (chan == NULL)
        return;
    if (is_skip) {
        if (claim(&chan->skip_taken)) {
            chan->skip_line = line;
            snprintf(chan->skip_file, sizeof chan->skip_file, "%s", file);
            snprintf(chan->skip_reason, sizeof chan->skip_reason, "%s", text);
        }
        return;
    }
    n = snprintf(record, sizeof record, "child %d: %s\n", (int)getpid(), text);
    len = n < 0 ? 0 : (size_t)n >= sizeof record ? sizeof record - 1 : (size_t)n;
    if (len > 0 && record[len - 1] != '\n')
        record[len - 1] = '\n'; /* cut short: still one line */
    at = __atomic_fetch_add(&chan->used, len, __ATOMIC_SEQ_CST);
    if (at < TEXT_LEN)
        memcpy(chan->text + at, record, at + len <= TEXT_LEN ? len : TEXT_LEN - at);
    if (claim(&chan->fail_taken)) {
        chan->fail_line = line;
        snprintf(chan->fail_file, sizeof chan->fail_file, "%s", file);
    }
    __atomic_fetch_add(&chan->failures, 1, __ATOMIC_SEQ_CST);
}

static int failure_pending(void)
{
    return chan != NULL && __atomic_load_n(&chan->used, __ATOMIC_SEQ_CST) > shown;
}

/* Print the failure records not printed yet. */
static void show_pending(void)
{
    size_t used = __atomic_load_n(&chan->used, __ATOMIC_SEQ_CST);
    size_t end = used < TEXT_LEN ? used : TEXT_LEN;

    /* cppcheck-suppress knownConditionTrueFalse ; other processes wrote the page */
    if (end > shown)
        print_error("%.*s", (int)(end - shown), chan->text + shown);
    if (used > TEXT_LEN && shown <= TEXT_LEN)
        print_error("(%zu more bytes of child reports lost)\n", used - TEXT_LEN);
    shown = used;
}

int ipct__report_first(const char **file, int *line)
{
    if (!failure_pending())
        return 0;
    if (ipct__in_child()) /* a descendant failed: the test process reports it */
        ipct_child_exit(1);
    show_pending();
    *file = chan->fail_file;
    *line = chan->fail_line;
    return 1;
}

void ipct__report_check(void)
{
    const char *file;
    int line;

    if (ipct__report_first(&file, &line)) {
        _fail(file, line);
        abort(); /* _fail does not return */
    }
    if (chan != NULL && __atomic_load_n(&chan->skip_taken, __ATOMIC_SEQ_CST) && !skip_shown) {
        skip_shown = 1;
        printf("IPCSPEC-SKIP: %s\n", chan->skip_reason);
        fflush(stdout);
        ipct__skipped = 1;
        _skip(chan->skip_file, chan->skip_line);
    }
}
