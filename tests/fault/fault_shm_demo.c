/* SPDX-License-Identifier: MIT */
/*
 * fault_shm_demo.c - the shared memory demo pair with one of its calls
 * failing: each names the failed call, exits 1 and leaves neither board nor
 * queue (or only the one whose removal failed); an interrupted poll, read or
 * receive is ridden out; a failing publisher still ends its subscribers, and
 * the subscriber writes its lines whole. Faults are armed in the demo's
 * process through IPCSPEC_FAULTS (spec/faults.md); the log proves each one
 * fired (struct ipcf_prog, tests/lib/fault_prog.c).
 *
 * Spec: SHM-DEMO-05..08 (spec/shm.md).
 * See also: impl/demo/shm_publisher_demo.c, impl/demo/shm_subscriber_demo.c,
 * tests/conformance/test_shm_demo.c (the demos without faults).
 */
#include "fault.h"
#include "../conformance/shm_helpers.h"

#include <mqueue.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void assert_nothing_left(const char *base)
{
    if (shm_pub_part_exists("/dev/shm", base, -1) || shm_pub_part_exists("/dev/mqueue", base, 0))
        IPCT_FAIL("the board or the queue of %s was left", base);
}

/* Run argv to its end with faults armed, and collect. */
static void run_armed(char *argv[], const char *faults, struct ipcf_prog *run)
{
    *run = (struct ipcf_prog){ .argv = argv, .faults = faults };
    ipcf_prog_run(run);
}

/* One armed fault and what the demo must say about it: a variant row. */
struct armed {
    const char *faults;
    const char *message;
};

static const struct armed publisher_failures[] = {
    { "posix/proc/signalfd:1:24", "ipcspec-shm-publisher: stop signals: Too many open files" },
    { "posix/proc/sigprocmask:1:22", "ipcspec-shm-publisher: stop signals: Invalid argument" },
    { "posix/shm/open:1:24", "ipcspec-shm-publisher: create: Too many open files" },
    { "posix/io/rw/ftruncate:1:28", "ipcspec-shm-publisher: create: No space left on device" },
    { "posix/mq/open:1:24", "ipcspec-shm-publisher: create: Too many open files" },
    { "posix/io/rw/write:1:5", "ipcspec-shm-publisher: write stdout: Input/output error" },
    { "posix/io/net/poll:1:12", "ipcspec-shm-publisher: poll: Cannot allocate memory" },
    { "posix/io/rw/read:1:5", "ipcspec-shm-publisher: read stdin: Input/output error" },
    { "posix/mq/send:1:9", "ipcspec-shm-publisher: close: Bad file descriptor" },
};

/* Run the publisher with the variant row's fault to its end: it must exit
 * with code, saying the row's message, and leave nothing behind. */
static void publisher_row_ends(int code)
{
    const struct armed *row = ipct_variant();
    const char *base = ipct_ipc_name("pubdemo");
    char *argv[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)base, "1", NULL };
    struct ipcf_prog run;

    run_armed(argv, row->faults, &run);
    ASSERT_PROG_EXITED(&run, code, row->message);
    assert_nothing_left(base);
}

/* SHM-DEMO-05 each demo reports a failing call, exits 1 and leaves neither board nor queue */
static void fault_shm_demo_05_publisher_calls_reported(void **state)
{
    (void)state;
    publisher_row_ends(1);
}

/* SHM-DEMO-05 each demo reports a failing call, exits 1 and leaves neither board nor queue */
static void fault_shm_demo_05_publisher_removal_reported(void **state)
{
    const char *base = ipct_ipc_name("pubdemo"), *other = ipct_ipc_name("pubdemo");
    char *argv[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)base, "1", NULL };
    char *argv2[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)other, "1", NULL };
    char qname[128];
    struct ipcf_prog run;
    (void)state;

    run_armed(argv, "posix/mq/unlink:1:13", &run);
    ASSERT_PROG_EXITED(&run, 1, "ipcspec-shm-publisher: destroy: Permission denied");
    ASSERT_FALSE(shm_pub_part_exists("/dev/shm", base, -1));
    snprintf(qname, sizeof qname, "%s-sub-0", base);
    ASSERT_SYS_OK(mq_unlink(qname)); /* the one whose removal failed */
    run_armed(argv2, "posix/shm/unlink:1:16", &run);
    ASSERT_PROG_EXITED(&run, 1, "ipcspec-shm-publisher: destroy: Device or resource busy");
    ASSERT_FALSE(shm_pub_part_exists("/dev/mqueue", other, 0));
    ASSERT_SYS_OK(shm_unlink(other));
}

/* Start the publisher demo on base with one subscriber, faults armed (NULL:
 * none), its standard input a pipe; returns once it said "ready" and nothing
 * else. */
static void start_publisher(struct ipcf_prog *p, const char *base, const char *faults)
{
    char *argv[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)base, "1", NULL };

    *p = (struct ipcf_prog){ .argv = argv, .faults = faults, .pipe_in = 1, .pipe_out = 1 };
    ipcf_prog_start(p);
    ASSERT_PROG_SAID(p, "ready\n");
    ASSERT_STR_EQ(p->out, "ready\n"); /* and nothing before it */
}

/* Publish "x", then end the publisher's input; it must exit 0 and leave nothing. */
static void end_publisher(struct ipcf_prog *p, const char *base)
{
    ASSERT_SYS_OK(write(p->in_fd, "x\n", 2));
    ipcf_prog_collect(p);
    ASSERT_PROG_EXITED(p, 0, NULL);
    assert_nothing_left(base);
}

/* Start the subscriber demo as subscriber 0 of base, faults armed (NULL:
 * none); returns once it said "ready" and nothing else. */
static void start_subscriber(struct ipcf_prog *p, const char *base, const char *faults)
{
    char *argv[] = { IPCSPEC_SHM_SUBSCRIBER_DEMO, (char *)base, "0", NULL };

    *p = (struct ipcf_prog){ .argv = argv, .faults = faults, .pipe_out = 1 };
    ipcf_prog_start(p);
    ASSERT_PROG_SAID(p, "ready\n");
    ASSERT_STR_EQ(p->out, "ready\n"); /* and nothing before it */
}

static const struct armed subscriber_failures[] = {
    { "posix/mq/open:1:24", "ipcspec-shm-subscriber: open: Too many open files" },
    { "posix/shm/open:1:13", "ipcspec-shm-subscriber: open: Permission denied" },
    { "posix/io/stat/fstat:1:5", "ipcspec-shm-subscriber: open: Input/output error" },
    { "posix/io/rw/write:1:5", "ipcspec-shm-subscriber: write stdout: Input/output error" },
    { "posix/mq/timedreceive:1:9", "ipcspec-shm-subscriber: wait: Bad file descriptor" },
};

/* SHM-DEMO-05 each demo reports a failing call, exits 1 and leaves neither board nor queue */
static void fault_shm_demo_05_subscriber_calls_reported(void **state)
{
    const struct armed *row = ipct_variant();
    const char *base = ipct_ipc_name("pubdemo");
    char *argv[] = { IPCSPEC_SHM_SUBSCRIBER_DEMO, (char *)base, "0", NULL };
    struct ipcf_prog publisher, run;
    (void)state;

    start_publisher(&publisher, base, NULL);
    run_armed(argv, row->faults, &run);
    ASSERT_PROG_EXITED(&run, 1, row->message);
    end_publisher(&publisher, base);
}

/* Run the subscriber with faults while an unarmed publisher publishes "x"
 * and closes, once the subscriber printed "ready". */
static void follow_armed(const char *faults, struct ipcf_prog *run)
{
    const char *base = ipct_ipc_name("pubdemo");
    struct ipcf_prog publisher;

    start_publisher(&publisher, base, NULL);
    start_subscriber(run, base, faults);
    end_publisher(&publisher, base);
    ipcf_prog_collect(run);
}

/* SHM-DEMO-05 each demo reports a failing call, exits 1 and leaves neither board nor queue */
static void fault_shm_demo_05_subscriber_close_reported(void **state)
{
    struct ipcf_prog run;
    (void)state;

    follow_armed("posix/mm/munmap/error:1:22", &run);
    ASSERT_PROG_EXITED(&run, 1, "ipcspec-shm-subscriber: close: Invalid argument");
}

static const struct armed publisher_eintr[] = {
    { "posix/io/net/poll:1:4", NULL },
    { "posix/io/rw/read:1:4", NULL },
};

/* SHM-DEMO-06 an interrupted poll, read or receive is no failure: the demos carry on */
static void fault_shm_demo_06_eintr_ridden_out(void **state)
{
    (void)state;
    publisher_row_ends(0);
}

/* SHM-DEMO-06 an interrupted poll, read or receive is no failure: the demos carry on */
static void fault_shm_demo_06_subscriber_eintr_ridden_out(void **state)
{
    struct ipcf_prog run;
    (void)state;

    follow_armed("posix/mq/timedreceive:1:4", &run);
    ASSERT_PROG_EXITED(&run, 0, NULL);
    ASSERT_STR_EQ(run.log, "posix/mq/timedreceive 1 4\n");
}

static const struct armed failed_publisher[] = {
    { "posix/io/rw/read:1:5", "ipcspec-shm-publisher: read stdin: Input/output error" },
    { "posix/mq/send:1:9", "ipcspec-shm-publisher: update: Bad file descriptor" },
    { "posix/mq/send:2:9", "ipcspec-shm-publisher: close: Bad file descriptor" },
};

/* SHM-DEMO-07 a publisher that fails still closes the board: every subscriber ends */
static void fault_shm_demo_07_failed_publisher_ends_subscribers(void **state)
{
    const struct armed *row = ipct_variant();
    const char *base = ipct_ipc_name("pubdemo");
    struct ipcf_prog publisher, subscriber;
    (void)state;

    start_publisher(&publisher, base, row->faults);
    start_subscriber(&subscriber, base, NULL);
    ASSERT_SYS_OK(write(publisher.in_fd, "x\n", 2));
    ipcf_prog_collect(&publisher);
    ASSERT_PROG_EXITED(&publisher, 1, row->message);
    ipcf_prog_collect(&subscriber);
    ASSERT_PROG_EXITED(&subscriber, 0, NULL); /* it read the closing record */
    assert_nothing_left(base);
}

/* SHM-DEMO-08 the subscriber writes every line whole: a short write is continued, one that moves nothing reported */
static void fault_shm_demo_08_subscriber_writes_whole_lines(void **state)
{
    const char *base = ipct_ipc_name("pubdemo");
    char *argv[] = { IPCSPEC_SHM_SUBSCRIBER_DEMO, (char *)base, "0", NULL };
    struct ipcf_prog publisher, run;
    (void)state;

    follow_armed("posix/io/rw/write/reduce:1:5", &run); /* it read "ready" whole */
    ASSERT_PROG_EXITED(&run, 0, NULL);
    start_publisher(&publisher, base, NULL);
    run_armed(argv, "posix/io/rw/write/zero:1:5", &run);
    ASSERT_PROG_EXITED(&run, 1, "ipcspec-shm-subscriber: write stdout: Input/output error");
    end_publisher(&publisher, base);
}

static const struct CMUnitTest tests[] = {
#define ROW(fn, name, table, k) \
    IPCT_VARIANT_WITH(fn, name, &(table)[k], ipcf_setup, ipcf_teardown)
    ROW(fault_shm_demo_05_publisher_calls_reported, "signalfd", publisher_failures, 0),
    ROW(fault_shm_demo_05_publisher_calls_reported, "sigprocmask", publisher_failures, 1),
    ROW(fault_shm_demo_05_publisher_calls_reported, "shm_open", publisher_failures, 2),
    ROW(fault_shm_demo_05_publisher_calls_reported, "ftruncate", publisher_failures, 3),
    ROW(fault_shm_demo_05_publisher_calls_reported, "mq_open", publisher_failures, 4),
    ROW(fault_shm_demo_05_publisher_calls_reported, "write", publisher_failures, 5),
    ROW(fault_shm_demo_05_publisher_calls_reported, "poll", publisher_failures, 6),
    ROW(fault_shm_demo_05_publisher_calls_reported, "read", publisher_failures, 7),
    ROW(fault_shm_demo_05_publisher_calls_reported, "mq_send", publisher_failures, 8),
    IPCF_TEST(fault_shm_demo_05_publisher_removal_reported),
    ROW(fault_shm_demo_05_subscriber_calls_reported, "mq_open", subscriber_failures, 0),
    ROW(fault_shm_demo_05_subscriber_calls_reported, "shm_open", subscriber_failures, 1),
    ROW(fault_shm_demo_05_subscriber_calls_reported, "fstat", subscriber_failures, 2),
    ROW(fault_shm_demo_05_subscriber_calls_reported, "write", subscriber_failures, 3),
    ROW(fault_shm_demo_05_subscriber_calls_reported, "mq_timedreceive", subscriber_failures, 4),
    IPCF_TEST(fault_shm_demo_05_subscriber_close_reported),
    ROW(fault_shm_demo_06_eintr_ridden_out, "poll", publisher_eintr, 0),
    ROW(fault_shm_demo_06_eintr_ridden_out, "read", publisher_eintr, 1),
    IPCF_TEST(fault_shm_demo_06_subscriber_eintr_ridden_out),
    ROW(fault_shm_demo_07_failed_publisher_ends_subscribers, "read", failed_publisher, 0),
    ROW(fault_shm_demo_07_failed_publisher_ends_subscribers, "update_send", failed_publisher, 1),
    ROW(fault_shm_demo_07_failed_publisher_ends_subscribers, "close_send", failed_publisher, 2),
    IPCF_TEST(fault_shm_demo_08_subscriber_writes_whole_lines),
};

IPCT_MAIN("shm_demo_faults", tests)
