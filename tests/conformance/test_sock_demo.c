/* SPDX-License-Identifier: MIT */
/*
 * test_sock_demo.c - the socket demo pair run as a user would run it:
 * ipcspec-sock-server started on each kind of socket, waited for through
 * its "ready" line, used by ipcspec-sock-client processes, stopped by a
 * signal; outputs, exit statuses and the socket file checked.
 *
 * Spec: SOCK-DEMO-01..06 (spec/sock.md).
 * See also: impl/demo/sock_server_demo.c, impl/demo/sock_client_demo.c,
 * test_sock_socat.c (socat as the client), tests/fault/fault_sock_demo.c.
 */
#include "sock_demo_helpers.h"

/* Three clients at once over kind; each gets its own sum. */
static void three_clients(const char *kind)
{
    static const char *const want[] = { "6\n", "-40\n", "9223372036854775807\n" };
    char path[256], addr[256], name[32];
    int inet = strcmp(kind, "tcp") == 0 || strcmp(kind, "udp") == 0;
    uint16_t port = 0;
    pid_t pids[3];

    snprintf(path, sizeof path, "%s", ipct_path("sock"));
    pid_t server = sd_start(kind, inet ? "0" : path, inet ? &port : NULL);
    if (inet)
        snprintf(addr, sizeof addr, "%u", (unsigned)port);
    else
        snprintf(addr, sizeof addr, "%s", path);
    char *argv[3][7] = {
        { IPCSPEC_SOCK_CLIENT_DEMO, (char *)kind, addr, "1", "2", "3", NULL },
        { IPCSPEC_SOCK_CLIENT_DEMO, (char *)kind, addr, "-50", "10", NULL },
        { IPCSPEC_SOCK_CLIENT_DEMO, (char *)kind, addr, "9223372036854775807", NULL },
    };
    for (int i = 0; i < 3; i++) {
        int fds[2];
        for (int k = 0; k < 2; k++) {
            snprintf(name, sizeof name, "c%d.%d", i, k);
            fds[k] = (int)ASSERT_SYS_OK(open(ipct_path(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        }
        pids[i] = ipct_spawn_exec(argv[i], -1, fds[0], fds[1]);
        close(fds[0]), close(fds[1]);
    }
    for (int i = 0; i < 3; i++) {
        char out[64], err[256];
        int status = ipct_wait(pids[i]);
        snprintf(name, sizeof name, "c%d.0", i);
        ipct_read_text(ipct_path(name), out, sizeof out);
        snprintf(name, sizeof name, "c%d.1", i);
        ipct_read_text(ipct_path(name), err, sizeof err);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strcmp(out, want[i]) != 0)
            IPCT_FAIL("%s client %d: status 0x%x, stdout \"%s\" (expected \"%s\"), stderr \"%s\"",
                      kind, i, status, out, want[i], err);
    }
    sd_stop(server, SIGTERM, inet ? NULL : path);
}

/* SOCK-DEMO-01 client processes at once each get their own sum, over each kind of socket */
static void test_sock_demo_01_unix(void **state)
{
    (void)state;
    three_clients("unix");
}

/* SOCK-DEMO-01 client processes at once each get their own sum, over each kind of socket */
static void test_sock_demo_01_unix_dgram(void **state)
{
    (void)state;
    three_clients("unix-dgram");
}

/* SOCK-DEMO-01 client processes at once each get their own sum, over each kind of socket */
static void test_sock_demo_01_tcp(void **state)
{
    (void)state;
    three_clients("tcp");
}

/* SOCK-DEMO-01 client processes at once each get their own sum, over each kind of socket */
static void test_sock_demo_01_udp(void **state)
{
    (void)state;
    three_clients("udp");
}

/* SOCK-DEMO-02 SIGTERM or SIGINT ends the demo server with exit 0 and its socket file removed */
static void test_sock_demo_02_signals_exit_zero_path_removed(void **state)
{
    static const char *const kinds[] = { "unix", "unix-dgram" };
    static const int sigs[] = { SIGTERM, SIGINT };
    char path[256];
    struct stat st;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("sock"));
    for (int k = 0; k < 2; k++) {
        for (int j = 0; j < 2; j++) {
            pid_t server = sd_start(kinds[k], path, NULL);
            ASSERT_SYS_OK(lstat(path, &st));
            ASSERT_TRUE(S_ISSOCK(st.st_mode));
            ASSERT_EQ(st.st_mode & 0777, 0600);
            sd_stop(server, sigs[j], path);
        }
    }
    uint16_t port;
    sd_stop(sd_start("tcp", "0", &port), SIGINT, NULL);
}

/* SOCK-DEMO-03 the demo client exits 1 on an ERR answer and the server serves on */
static void test_sock_demo_03_bad_number_exit_one(void **state)
{
    char path[256];
    struct sd_run run;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("sock"));
    pid_t server = sd_start("unix", path, NULL);
    char *bad[] = { IPCSPEC_SOCK_CLIENT_DEMO, "unix", path, "1", "two", NULL };
    char *good[] = { IPCSPEC_SOCK_CLIENT_DEMO, "unix", path, "1", "2", NULL };
    ASSERT_EQ(sd_run(bad, &run), 1);
    ASSERT_STR_EQ(run.err, "ipcspec-sock-client: server answered \"ERR bad number\"\n");
    ASSERT_EQ(sd_run(good, &run), 0);
    ASSERT_STR_EQ(run.out, "3\n");
    sd_stop(server, SIGTERM, path);
}

/* SOCK-DEMO-04 both demos exit 2 with a usage line on wrong arguments */
static void test_sock_demo_04_usage_exit_two(void **state)
{
    char *const argvs[][6] = {
        { IPCSPEC_SOCK_SERVER_DEMO, NULL },
        { IPCSPEC_SOCK_SERVER_DEMO, "unix", NULL },
        { IPCSPEC_SOCK_SERVER_DEMO, "sctp", "/x", NULL },
        { IPCSPEC_SOCK_SERVER_DEMO, "tcp", "port", NULL },
        { IPCSPEC_SOCK_SERVER_DEMO, "udp", "65536", NULL },
        { IPCSPEC_SOCK_SERVER_DEMO, "unix", "/x", "0", NULL },
        { IPCSPEC_SOCK_SERVER_DEMO, "unix", "/x", "1001", NULL },
        { IPCSPEC_SOCK_SERVER_DEMO, "unix", "/x", "1", "2", NULL },
        { IPCSPEC_SOCK_CLIENT_DEMO, "unix", "/x", NULL },
        { IPCSPEC_SOCK_CLIENT_DEMO, "pipe", "/x", "1", NULL },
        { IPCSPEC_SOCK_CLIENT_DEMO, "tcp", "0", "1", NULL },
        { IPCSPEC_SOCK_CLIENT_DEMO, "udp", "12x", "1", NULL },
    };
    struct sd_run run;
    (void)state;

    for (size_t k = 0; k < sizeof argvs / sizeof argvs[0]; k++) {
        int code = sd_run(argvs[k], &run);
        if (code != 2 || strncmp(run.err, "usage: ", 7) != 0)
            IPCT_FAIL("case %zu: exit %d, stderr \"%s\"; expected exit 2 and a usage line", k,
                      code, run.err);
    }
}

/* SOCK-DEMO-05 the demo client reports a missing server and an oversized request */
static void test_sock_demo_05_client_failures_reported(void **state)
{
    char path[256];
    static char *many[40];
    struct sd_run run;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("none"));
    char *none[] = { IPCSPEC_SOCK_CLIENT_DEMO, "unix", path, "1", NULL };
    char want[128];
    ASSERT_EQ(sd_run(none, &run), 1);
    /* strerror's text is the libc's own (musl words some differently) */
    snprintf(want, sizeof want, "ipcspec-sock-client: connect: %s\n", strerror(ENOENT));
    ASSERT_STR_EQ(run.err, want);
    many[0] = IPCSPEC_SOCK_CLIENT_DEMO;
    many[1] = "unix";
    many[2] = path;
    for (int k = 3; k < 39; k++)
        many[k] = "1234567890"; /* 36 words of 11 bytes: more than IPC_SOCK_MSG_MAX */
    many[39] = NULL;
    ASSERT_EQ(sd_run(many, &run), 1);
    snprintf(want, sizeof want, "ipcspec-sock-client: request: %s\n", strerror(EMSGSIZE));
    ASSERT_STR_EQ(run.err, want);
}

/* SOCK-DEMO-06 the demo server refuses a path held by something that is not a socket, and leaves it */
static void test_sock_demo_06_non_socket_path_refused(void **state)
{
    char path[256], line[64];
    struct stat st;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("file"));
    close((int)ASSERT_SYS_OK(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)));
    int err = (int)ASSERT_SYS_OK(open(ipct_path("err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    pid_t pid = sd_start_env("unix", path, NULL, NULL, line, sizeof line, err);
    close(err);
    assert_child_exited(pid, 1);
    ASSERT_STR_EQ(line, "");
    char want[128];
    snprintf(want, sizeof want, "ipcspec-sock-server: listen: %s\n", strerror(EEXIST));
    ASSERT_STR_EQ(ipct_read_text(ipct_path("err"), line, sizeof line), want);
    ASSERT_SYS_OK(lstat(path, &st));
    ASSERT_TRUE(S_ISREG(st.st_mode));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_demo_01_unix),
    IPCT_TEST(test_sock_demo_01_unix_dgram),
    IPCT_TEST(test_sock_demo_01_tcp),
    IPCT_TEST(test_sock_demo_01_udp),
    IPCT_TEST(test_sock_demo_02_signals_exit_zero_path_removed),
    IPCT_TEST(test_sock_demo_03_bad_number_exit_one),
    IPCT_TEST(test_sock_demo_04_usage_exit_two),
    IPCT_TEST(test_sock_demo_05_client_failures_reported),
    IPCT_TEST(test_sock_demo_06_non_socket_path_refused),
};

IPCT_MAIN("sock_demo", tests)
