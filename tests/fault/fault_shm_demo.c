/*
 * fault_shm_demo.c - the shared memory demo pair with one of its calls
 * failing: each names the failed call, exits 1 and leaves neither board nor
 * queue (or only the one whose removal failed); an interrupted poll, read or
 * receive is ridden out; a failing publisher still ends its subscribers, and
 * the subscriber writes its lines whole. Faults are armed in the demo's process through
 * IPCSPEC_FAULTS (spec/faults.md); the log proves each one fired.
 *
 * Spec: SHM-DEMO-05..08 (spec/shm.md).
 * See also: impl/demo/shm_publisher_demo.c, impl/demo/shm_subscriber_demo.c,
 * tests/conformance/test_shm_demo.c (the demos without faults).
 */
#include "fault.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct demo_run {
    int status;
    char err[256];
    char log[256];
};

static int exists(const char *dir, const char *base, int sub)
{
    char path[300];
    struct stat st;

    if (sub < 0)
        snprintf(path, sizeof path, "%s/%s", dir, base + 1);
    else
        snprintf(path, sizeof path, "%s/%s-sub-%d", dir, base + 1, sub);
    return stat(path, &st) == 0;
}

static void assert_nothing_left(const char *base)
{
    if (exists("/dev/shm", base, -1) || exists("/dev/mqueue", base, 0))
        IPCT_FAIL("the board or the queue of %s was left", base);
}

/* Run argv with faults armed, stdin in (-1: /dev/null), stdout out (-1:
 * /dev/null); collect its status, standard error and fault log. */
static void run_armed(char *argv[], const char *faults, int in, int out, struct demo_run *run)
{
    char spec[128], log_var[300];
    char *env[] = { spec, log_var, NULL };

    snprintf(spec, sizeof spec, "IPCSPEC_FAULTS=%s", faults);
    snprintf(log_var, sizeof log_var, "IPCSPEC_FAULT_LOG=%s", ipct_path("faults.log"));
    unlink(ipct_path("faults.log"));
    int err = (int)ASSERT_SYS_OK(open(ipct_path("err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                      0600));
    int null = (int)ASSERT_SYS_OK(open("/dev/null", O_RDWR | O_CLOEXEC));
    pid_t pid = ipct_spawn_exec_env(argv, env, in >= 0 ? in : null, out >= 0 ? out : null, err);
    close(err);
    close(null);
    if (out >= 0)
        close(out);
    run->status = ipct_wait(pid);
    ipct_read_text(ipct_path("err"), run->err, sizeof run->err);
    ipct_read_text(ipct_path("faults.log"), run->log, sizeof run->log);
}

static void expect_exit(const char *faults, const struct demo_run *run, int code,
                        const char *message)
{
    if (!WIFEXITED(run->status) || WEXITSTATUS(run->status) != code)
        IPCT_FAIL("[%s] status 0x%x; expected exit code %d (stderr \"%s\")", faults, run->status,
                  code, run->err);
    if (message != NULL && strstr(run->err, message) == NULL)
        IPCT_FAIL("[%s] stderr \"%s\" lacks \"%s\"", faults, run->err, message);
    if (run->log[0] == '\0')
        IPCT_FAIL("[%s] the fault never fired (empty log)", faults);
}

static const struct {
    const char *faults;
    const char *message;
} publisher_failures[] = {
    { "posix/pipe/pipe2:1:24", "ipcspec-shm-publisher: stop signals: Too many open files" },
    { "posix/proc/sigaction:2:22", "ipcspec-shm-publisher: stop signals: Invalid argument" },
    { "posix/proc/sigprocmask:1:22", "ipcspec-shm-publisher: stop signals: Invalid argument" },
    { "posix/shm/open:1:24", "ipcspec-shm-publisher: create: Too many open files" },
    { "posix/io/rw/ftruncate:1:28", "ipcspec-shm-publisher: create: No space left on device" },
    { "posix/mq/open:1:24", "ipcspec-shm-publisher: create: Too many open files" },
    { "posix/io/rw/write:1:5", "ipcspec-shm-publisher: write stdout: Input/output error" },
    { "posix/io/net/poll:1:12", "ipcspec-shm-publisher: poll: Cannot allocate memory" },
    { "posix/io/rw/read:1:5", "ipcspec-shm-publisher: read stdin: Input/output error" },
    { "posix/mq/send:1:9", "ipcspec-shm-publisher: close: Bad file descriptor" },
};

/* SHM-DEMO-05 each demo reports a failing call, exits 1 and leaves neither board nor queue */
static void fault_shm_demo_05_publisher_calls_reported(void **state)
{
    struct demo_run run;
    (void)state;

    for (size_t k = 0; k < sizeof publisher_failures / sizeof publisher_failures[0]; k++) {
        const char *base = ipct_ipc_name("pubdemo");
        char *argv[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)base, "1", NULL };
        run_armed(argv, publisher_failures[k].faults, -1, -1, &run);
        expect_exit(publisher_failures[k].faults, &run, 1, publisher_failures[k].message);
        assert_nothing_left(base);
    }
}

/* SHM-DEMO-05 each demo reports a failing call, exits 1 and leaves neither board nor queue */
static void fault_shm_demo_05_publisher_removal_reported(void **state)
{
    const char *base = ipct_ipc_name("pubdemo"), *other = ipct_ipc_name("pubdemo");
    char *argv[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)base, "1", NULL };
    char *argv2[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)other, "1", NULL };
    char qname[128];
    struct demo_run run;
    (void)state;

    run_armed(argv, "posix/mq/unlink:1:13", -1, -1, &run);
    expect_exit("posix/mq/unlink", &run, 1, "ipcspec-shm-publisher: destroy: Permission denied");
    assert_false(exists("/dev/shm", base, -1));
    snprintf(qname, sizeof qname, "%s-sub-0", base);
    ASSERT_SYS_OK(mq_unlink(qname)); /* the one whose removal failed */
    run_armed(argv2, "posix/shm/unlink:1:16", -1, -1, &run);
    expect_exit("posix/shm/unlink", &run, 1, "ipcspec-shm-publisher: destroy: Device or resource busy");
    assert_false(exists("/dev/mqueue", other, 0));
    ASSERT_SYS_OK(shm_unlink(other));
}

struct publisher {
    pid_t pid;
    int in;
};

/* Read exactly "ready\n" from fd, however the writer cut it up. */
static void expect_ready(int fd)
{
    char line[8] = "";
    size_t got = 0;

    while (got < 6) {
        ssize_t n = ASSERT_SYS_OK(read(fd, line + got, 6 - got));
        if (n == 0)
            IPCT_FAIL("the program ended having printed \"%s\", not \"ready\"", line);
        got += (size_t)n;
    }
    assert_string_equal(line, "ready\n");
}

/* Start the publisher demo on base with one subscriber, with faults armed
 * (NULL: none) and standard error in the file "perr"; returns once ready. */
static struct publisher start_armed_publisher(const char *base, const char *faults)
{
    char *argv[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)base, "1", NULL };
    char spec[128], log_var[300];
    char *env[] = { spec, log_var, NULL };
    int out[2], in[2];
    struct publisher p;

    snprintf(spec, sizeof spec, "IPCSPEC_FAULTS=%s", faults != NULL ? faults : "");
    snprintf(log_var, sizeof log_var, "IPCSPEC_FAULT_LOG=%s", ipct_path("pfaults.log"));
    unlink(ipct_path("pfaults.log"));
    int err = (int)ASSERT_SYS_OK(open(ipct_path("perr"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                      0600));
    ASSERT_SYS_OK(pipe2(out, O_CLOEXEC));
    ASSERT_SYS_OK(pipe2(in, O_CLOEXEC));
    p.pid = ipct_spawn_exec_env(argv, faults != NULL ? env : NULL, in[0], out[1], err);
    close(err);
    close(out[1]);
    close(in[0]);
    p.in = in[1];
    expect_ready(out[0]);
    close(out[0]);
    return p;
}

/* Start the publisher demo, unarmed, on base with one subscriber; returns once ready. */
static struct publisher start_publisher(const char *base)
{
    return start_armed_publisher(base, NULL);
}

/* Publish "x", then end the publisher's input; it must exit 0 and leave nothing. */
static void end_publisher(struct publisher *p, const char *base)
{
    ASSERT_SYS_OK(write(p->in, "x\n", 2));
    close(p->in);
    assert_child_exited(p->pid, 0);
    assert_nothing_left(base);
}

static const struct {
    const char *faults;
    const char *message;
} subscriber_failures[] = {
    { "posix/mq/open:1:24", "ipcspec-shm-subscriber: open: Too many open files" },
    { "posix/shm/open:1:13", "ipcspec-shm-subscriber: open: Permission denied" },
    { "posix/io/stat/fstat:1:5", "ipcspec-shm-subscriber: open: Input/output error" },
    { "posix/io/rw/write:1:5", "ipcspec-shm-subscriber: write stdout: Input/output error" },
    { "posix/mq/timedreceive:1:9", "ipcspec-shm-subscriber: wait: Bad file descriptor" },
};

/* SHM-DEMO-05 each demo reports a failing call, exits 1 and leaves neither board nor queue */
static void fault_shm_demo_05_subscriber_calls_reported(void **state)
{
    const char *base = ipct_ipc_name("pubdemo");
    char *argv[] = { IPCSPEC_SHM_SUBSCRIBER_DEMO, (char *)base, "0", NULL };
    struct demo_run run;
    (void)state;

    struct publisher p = start_publisher(base);
    for (size_t k = 0; k < sizeof subscriber_failures / sizeof subscriber_failures[0]; k++) {
        run_armed(argv, subscriber_failures[k].faults, -1, -1, &run);
        expect_exit(subscriber_failures[k].faults, &run, 1, subscriber_failures[k].message);
    }
    end_publisher(&p, base);
}

/* Run the subscriber with faults while an unarmed publisher publishes "x"
 * and closes, once the subscriber printed "ready". */
static void follow_armed(const char *faults, struct demo_run *run)
{
    const char *base = ipct_ipc_name("pubdemo");
    char *argv[] = { IPCSPEC_SHM_SUBSCRIBER_DEMO, (char *)base, "0", NULL };
    char spec[128], log_var[300];
    char *env[] = { spec, log_var, NULL };
    int out[2];

    struct publisher p = start_publisher(base);
    snprintf(spec, sizeof spec, "IPCSPEC_FAULTS=%s", faults);
    snprintf(log_var, sizeof log_var, "IPCSPEC_FAULT_LOG=%s", ipct_path("faults.log"));
    unlink(ipct_path("faults.log"));
    int err = (int)ASSERT_SYS_OK(open(ipct_path("err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                      0600));
    ASSERT_SYS_OK(pipe2(out, O_CLOEXEC));
    pid_t pid = ipct_spawn_exec_env(argv, env, -1, out[1], err);
    close(out[1]);
    close(err);
    expect_ready(out[0]);
    end_publisher(&p, base);
    run->status = ipct_wait(pid);
    close(out[0]);
    ipct_read_text(ipct_path("err"), run->err, sizeof run->err);
    ipct_read_text(ipct_path("faults.log"), run->log, sizeof run->log);
}

/* SHM-DEMO-05 each demo reports a failing call, exits 1 and leaves neither board nor queue */
static void fault_shm_demo_05_subscriber_close_reported(void **state)
{
    struct demo_run run;
    (void)state;

    follow_armed("posix/mm/munmap/error:1:22", &run);
    expect_exit("posix/mm/munmap/error", &run, 1, "ipcspec-shm-subscriber: close: Invalid argument");
}

/* SHM-DEMO-06 an interrupted poll, read or receive is no failure: the demos carry on */
static void fault_shm_demo_06_eintr_ridden_out(void **state)
{
    static const char *const faults[] = { "posix/io/net/poll:1:4", "posix/io/rw/read:1:4" };
    struct demo_run run;
    (void)state;

    for (size_t k = 0; k < 2; k++) {
        const char *base = ipct_ipc_name("pubdemo");
        char *argv[] = { IPCSPEC_SHM_PUBLISHER_DEMO, (char *)base, "1", NULL };
        run_armed(argv, faults[k], -1, -1, &run);
        expect_exit(faults[k], &run, 0, NULL);
        assert_nothing_left(base);
    }
    follow_armed("posix/mq/timedreceive:1:4", &run);
    expect_exit("posix/mq/timedreceive:1:4", &run, 0, NULL);
    assert_string_equal(run.log, "posix/mq/timedreceive 1 4\n");
}

/* Start the subscriber demo, unarmed, on base as subscriber 0; returns once
 * it printed "ready", with *out the read end of its standard output. */
static pid_t start_subscriber(const char *base, int *out)
{
    char *argv[] = { IPCSPEC_SHM_SUBSCRIBER_DEMO, (char *)base, "0", NULL };
    int fds[2];

    ASSERT_SYS_OK(pipe2(fds, O_CLOEXEC));
    int null = (int)ASSERT_SYS_OK(open("/dev/null", O_WRONLY | O_CLOEXEC));
    pid_t pid = ipct_spawn_exec(argv, -1, fds[1], null);
    close(fds[1]);
    close(null);
    expect_ready(fds[0]);
    *out = fds[0];
    return pid;
}

/* SHM-DEMO-07 a publisher that fails still closes the board: every subscriber ends */
static void fault_shm_demo_07_failed_publisher_ends_subscribers(void **state)
{
    static const struct {
        const char *faults;
        const char *message;
    } cases[] = {
        { "posix/io/rw/read:1:5", "ipcspec-shm-publisher: read stdin: Input/output error" },
        { "posix/mq/send:1:9", "ipcspec-shm-publisher: update: Bad file descriptor" },
        { "posix/mq/send:2:9", "ipcspec-shm-publisher: close: Bad file descriptor" },
    };
    struct demo_run run;
    (void)state;

    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *base = ipct_ipc_name("pubdemo");
        struct publisher p = start_armed_publisher(base, cases[k].faults);
        int out;
        pid_t sub = start_subscriber(base, &out);
        ASSERT_SYS_OK(write(p.in, "x\n", 2));
        close(p.in);
        run.status = ipct_wait(p.pid);
        ipct_read_text(ipct_path("perr"), run.err, sizeof run.err);
        ipct_read_text(ipct_path("pfaults.log"), run.log, sizeof run.log);
        expect_exit(cases[k].faults, &run, 1, cases[k].message);
        assert_child_exited(sub, 0); /* it read the closing record */
        close(out);
        assert_nothing_left(base);
    }
}

/* SHM-DEMO-08 the subscriber writes every line whole: a short write is continued, one that moves nothing reported */
static void fault_shm_demo_08_subscriber_writes_whole_lines(void **state)
{
    const char *base = ipct_ipc_name("pubdemo");
    char *argv[] = { IPCSPEC_SHM_SUBSCRIBER_DEMO, (char *)base, "0", NULL };
    struct demo_run run;
    (void)state;

    follow_armed("posix/io/rw/write/reduce:1:5", &run); /* it read "ready" whole */
    expect_exit("posix/io/rw/write/reduce", &run, 0, NULL);
    struct publisher p = start_publisher(base);
    run_armed(argv, "posix/io/rw/write/zero:1:5", -1, -1, &run);
    expect_exit("posix/io/rw/write/zero", &run, 1,
                "ipcspec-shm-subscriber: write stdout: Input/output error");
    end_publisher(&p, base);
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_shm_demo_05_publisher_calls_reported),
    IPCF_TEST(fault_shm_demo_05_publisher_removal_reported),
    IPCF_TEST(fault_shm_demo_05_subscriber_calls_reported),
    IPCF_TEST(fault_shm_demo_05_subscriber_close_reported),
    IPCF_TEST(fault_shm_demo_06_eintr_ridden_out),
    IPCF_TEST(fault_shm_demo_07_failed_publisher_ends_subscribers),
    IPCF_TEST(fault_shm_demo_08_subscriber_writes_whole_lines),
};

IPCT_MAIN("shm_demo_faults", tests)
