/* SPDX-License-Identifier: MIT */
/*
 * fault_sock_demo.c - the socket demo pair with one of its calls failing:
 * each says which call failed and why, exits 1, and the server leaves no
 * socket file (or, when removing it failed, says so and leaves only that).
 * Faults are armed in the demo's process through IPCSPEC_FAULTS
 * (spec/faults.md); the log proves each one fired (struct ipcf_prog,
 * tests/lib/fault_prog.c).
 *
 * Spec: SOCK-DEMO-08..09 (spec/sock.md).
 * See also: impl/demo/sock_server_demo.c, impl/demo/sock_client_demo.c,
 * tests/conformance/test_sock_demo.c (the demos without faults).
 */
#include "fault.h"
#include "../conformance/sock_demo_helpers.h"

/* Run the server (kind at addr) with faults; once ready, send it stop_sig
 * unless 0 (else it must end by itself). Then collect. */
static void run_server(const char *faults, const char *kind, const char *addr, int stop_sig,
                       struct ipcf_prog *run)
{
    char *argv[] = { IPCSPEC_SOCK_SERVER_DEMO, (char *)kind, (char *)addr, NULL };

    *run = (struct ipcf_prog){ .argv = argv, .faults = faults, .pipe_out = 1 };
    ipcf_prog_start(run);
    if (ipcf_prog_await(run, "ready") && stop_sig != 0)
        ASSERT_SYS_OK(kill(run->pid, stop_sig));
    ipcf_prog_collect(run);
}

static const struct {
    const char *faults;
    const char *kind;
    const char *message;
} server_failures[] = {
    { "posix/proc/signalfd:1:24", "unix", "ipcspec-sock-server: stop signals: Too many open files" },
    { "posix/proc/sigaction:1:22", "unix", "ipcspec-sock-server: sigaction: Invalid argument" },
    { "posix/proc/sigprocmask:1:22", "unix", "ipcspec-sock-server: stop signals: Invalid argument" },
    { "posix/io/stat/lstat:1:13", "unix", "ipcspec-sock-server: listen: Permission denied" },
    { "posix/io/net/socket:1:24", "unix", "ipcspec-sock-server: listen: Too many open files" },
    { "posix/io/net/bind:1:98", "unix-dgram", "ipcspec-sock-server: listen: Address already in use" },
    { "posix/io/stat/chmod:1:1", "unix", "ipcspec-sock-server: listen: Operation not permitted" },
    { "posix/io/net/listen:1:105", "unix", "ipcspec-sock-server: listen: No buffer space available" },
    { "posix/io/rw/write:1:5", "unix", "ipcspec-sock-server: write stdout: Input/output error" },
    { "posix/io/ctl/fcntl:1:9", "unix", "ipcspec-sock-server: create: Bad file descriptor" },
    { "posix/io/net/select:1:12", "unix", "ipcspec-sock-server: serve: Cannot allocate memory" },
    { "posix/io/net/select:1:12", "unix-dgram", "ipcspec-sock-server: serve: Cannot allocate memory" },
    { "posix/io/net/setsockopt:1:92", "tcp", "ipcspec-sock-server: listen: Protocol not available" },
    { "posix/io/net/getsockname:1:105", "udp", "ipcspec-sock-server: listen: No buffer space available" },
};

/* SOCK-DEMO-08 each demo reports a failing call, exits 1, and the server leaves no socket file */
static void fault_sock_demo_08_server_calls_reported(void **state)
{
    char path[256];
    struct ipcf_prog run;
    struct stat st;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("sock"));
    for (size_t k = 0; k < sizeof server_failures / sizeof server_failures[0]; k++) {
        const char *kind = server_failures[k].kind;
        int inet = strcmp(kind, "tcp") == 0 || strcmp(kind, "udp") == 0;
        run_server(server_failures[k].faults, server_failures[k].kind, inet ? "0" : path, 0, &run);
        ASSERT_PROG_EXITED(&run, 1, server_failures[k].message);
        ASSERT_SYS_ERR(lstat(path, &st), ENOENT);
    }
}

/* SOCK-DEMO-08 each demo reports a failing call, exits 1, and the server leaves no socket file */
static void fault_sock_demo_08_server_remove_reported(void **state)
{
    char path[256];
    struct ipcf_prog run;
    struct stat st;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("sock"));
    run_server("posix/io/dir/unlink:1:16", "unix", path, SIGTERM, &run);
    ASSERT_PROG_EXITED(&run, 1, "ipcspec-sock-server: remove: Device or resource busy");
    ASSERT_SYS_OK(lstat(path, &st)); /* the one thing left, as reported */
    ASSERT_SYS_OK(unlink(path));
}

static const struct {
    const char *faults;
    const char *message;
} client_failures[] = {
    { "posix/io/net/socket:1:24", "ipcspec-sock-client: connect: Too many open files" },
    { "posix/io/net/connect:1:111", "ipcspec-sock-client: connect: Connection refused" },
    { "posix/io/net/setsockopt:2:22", "ipcspec-sock-client: timeout: Invalid argument" },
    { "posix/io/net/getsockopt:1:9", "ipcspec-sock-client: call: Bad file descriptor" },
    { "posix/io/net/send:1:105", "ipcspec-sock-client: call: No buffer space available" },
    { "posix/io/net/recv:1:11", "ipcspec-sock-client: call: Connection timed out" },
    { "posix/io/rw/write:1:5", "ipcspec-sock-client: write stdout: Input/output error" },
    { "posix/io/oc/close:1:5", "ipcspec-sock-client: close: Input/output error" },
};

/* SOCK-DEMO-08 each demo reports a failing call, exits 1, and the server leaves no socket file */
static void fault_sock_demo_08_client_calls_reported(void **state)
{
    char path[256];
    struct ipcf_prog run;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("sock"));
    char *argv[] = { IPCSPEC_SOCK_CLIENT_DEMO, "unix", path, "1", "2", NULL };
    pid_t server = sd_start("unix", path, NULL);
    for (size_t k = 0; k < sizeof client_failures / sizeof client_failures[0]; k++) {
        run = (struct ipcf_prog){ .argv = argv, .faults = client_failures[k].faults };
        ipcf_prog_run(&run);
        ASSERT_PROG_EXITED(&run, 1, client_failures[k].message);
    }
    sd_stop(server, SIGTERM, path);
}

/* SOCK-DEMO-09 the demo server rides out a failing accept and a select interrupted by a signal */
static void fault_sock_demo_09_server_rides_out_accept_and_eintr(void **state)
{
    char path[256];
    struct sd_run out;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("sock"));
    char *argv[] = { IPCSPEC_SOCK_SERVER_DEMO, "unix", path, NULL };
    struct ipcf_prog server = { .argv = argv, .pipe_out = 1,
                                .faults = "posix/io/net/select:1:4,posix/io/net/accept4:1:24" };
    ipcf_prog_start(&server);
    ASSERT_PROG_SAID(&server, "ready\n");
    ASSERT_STR_EQ(server.out, "ready\n");
    char *first[] = { IPCSPEC_SOCK_CLIENT_DEMO, "unix", path, "1", NULL };
    char *served[] = { IPCSPEC_SOCK_CLIENT_DEMO, "unix", path, "2", "3", NULL };
    /* the first connection's accept fails; it stays pending and is taken next round */
    ASSERT_EQ(sd_run(first, &out), 0);
    ASSERT_STR_EQ(out.out, "1\n");
    ASSERT_EQ(sd_run(served, &out), 0);
    ASSERT_STR_EQ(out.out, "5\n");
    sd_stop(server.pid, SIGTERM, path);
    ipcf_prog_read(&server);
    ASSERT_STR_EQ(server.log, "posix/io/net/select 1 4\nposix/io/net/accept4 1 24\n");
}

static const struct CMUnitTest tests[] = {
    IPCF_TEST(fault_sock_demo_08_server_calls_reported),
    IPCF_TEST(fault_sock_demo_08_server_remove_reported),
    IPCF_TEST(fault_sock_demo_08_client_calls_reported),
    IPCF_TEST(fault_sock_demo_09_server_rides_out_accept_and_eintr),
};

IPCT_MAIN("sock_demo_faults", tests)
