/* SPDX-License-Identifier: MIT */
/*
 * test_sock_socat.c - the demo server driven by socat(1), a client that
 * shares no code with ipcspec: what the server speaks is what the spec
 * says, not merely what impl/'s own client expects. A stream request is
 * the raw bytes of one frame (4-byte big-endian length, then the text); a
 * datagram request is the text alone.
 *
 * Spec: SOCK-DEMO-07 (spec/sock.md).
 * See also: test_sock_demo.c, impl/demo/sock_server_demo.c.
 */
#include "sock_demo_helpers.h"

#define SOCAT "/usr/bin/socat"

/*
 * Run socat with the address target: write request (len bytes) to its
 * standard input, read want_len bytes of answer from its standard output
 * (each wait bounded), close its input, and check it exits 0. At the end
 * of its input socat waits at most linger seconds for the other side to
 * end: a stream server closes at once; a datagram server never does.
 */
static void socat_exchange(const char *target, const char *linger, const void *request,
                           size_t len, void *answer, size_t want_len)
{
    char *argv[] = { SOCAT, "-t", (char *)linger, "-", (char *)target, NULL };
    int in[2], out[2];
    size_t got = 0;

    ASSERT_SYS_OK(pipe2(in, O_CLOEXEC));
    ASSERT_SYS_OK(pipe2(out, O_CLOEXEC));
    pid_t pid = ipct_spawn_exec(argv, in[0], out[1], -1);
    close(in[0]), close(out[1]);
    ASSERT_EQ(ASSERT_SYS_OK(write(in[1], request, len)), (long)len);
    while (got < want_len) {
        struct pollfd p = { .fd = out[0], .events = POLLIN };
        if (ASSERT_SYS_OK(poll(&p, 1, ipct_deadline_ms())) == 0)
            IPCT_FAIL("socat %s: %zu of %zu answer bytes after the deadline", target, got,
                      want_len);
        ssize_t n = ASSERT_SYS_OK(read(out[0], (char *)answer + got, want_len - got));
        if (n == 0)
            IPCT_FAIL("socat %s ended after %zu of %zu answer bytes", target, got, want_len);
        got += (size_t)n;
    }
    close(in[1]); /* end of input: socat shuts the connection down and ends */
    assert_child_exited(pid, 0);
    close(out[0]);
}

/* socat is the independent client. Where ci/deps installed the tools
 * (ci/suite sets IPCSPEC_REQUIRE_TOOLS=1), its absence is a failure. */
static void need_socat(void)
{
    if (access(SOCAT, X_OK) == 0)
        return;
    if (getenv("IPCSPEC_REQUIRE_TOOLS") != NULL)
        IPCT_FAIL("%s is missing, though ci/deps installs it: %s", SOCAT, ipct_errname(errno));
    IPCT_SKIP("socat is not installed (ci/deps installs it): no independent client");
}

/* A framed "SUM 40 2" over a stream to target; the answer must be the frame "OK 42". */
static void stream_sum(const char *target)
{
    static const unsigned char req[] = { 0, 0, 0, 8, 'S', 'U', 'M', ' ', '4', '0', ' ', '2' };
    static const unsigned char want[] = { 0, 0, 0, 5, 'O', 'K', ' ', '4', '2' };
    unsigned char got[sizeof want];

    socat_exchange(target, "10", req, sizeof req, got, sizeof got);
    ASSERT_MEM_EQ(got, want, sizeof want);
}

/* SOCK-DEMO-07 socat, an independent client, gets the sums from the demo server */
static void test_sock_demo_07_socat_unix_stream(void **state)
{
    char path[256], target[300];
    (void)state;

    need_socat();
    snprintf(path, sizeof path, "%s", ipct_path("sock"));
    snprintf(target, sizeof target, "UNIX-CONNECT:%s", path);
    pid_t server = sd_start("unix", path, NULL);
    stream_sum(target);
    stream_sum(target); /* the first connection's end freed its slot */
    sd_stop(server, SIGTERM, path);
}

/* SOCK-DEMO-07 socat, an independent client, gets the sums from the demo server */
static void test_sock_demo_07_socat_tcp(void **state)
{
    char target[64];
    uint16_t port;
    (void)state;

    need_socat();
    pid_t server = sd_start("tcp", "0", &port);
    snprintf(target, sizeof target, "TCP:127.0.0.1:%u", (unsigned)port);
    stream_sum(target);
    sd_stop(server, SIGTERM, NULL);
}

/* SOCK-DEMO-07 socat, an independent client, gets the sums from the demo server */
static void test_sock_demo_07_socat_udp(void **state)
{
    char target[64], got[5];
    uint16_t port;
    (void)state;

    need_socat();
    pid_t server = sd_start("udp", "0", &port);
    snprintf(target, sizeof target, "UDP:127.0.0.1:%u", (unsigned)port);
    socat_exchange(target, "0.1", "SUM 7 8", 7, got, sizeof got);
    ASSERT_MEM_EQ(got, "OK 15", 5);
    sd_stop(server, SIGTERM, NULL);
}

/* SOCK-DEMO-07 socat, an independent client, gets the sums from the demo server */
static void test_sock_demo_07_socat_unix_dgram(void **state)
{
    char path[256], cli[256], target[600], got[4];
    struct stat st;
    (void)state;

    need_socat();
    snprintf(path, sizeof path, "%s", ipct_path("sock"));
    snprintf(cli, sizeof cli, "%s", ipct_path("socat-cli"));
    snprintf(target, sizeof target, "UNIX-SENDTO:%s,bind=%s", path, cli);
    pid_t server = sd_start("unix-dgram", path, NULL);
    socat_exchange(target, "0.1", "SUM -1 -2", 9, got, sizeof got);
    ASSERT_MEM_EQ(got, "OK -3", 4);
    sd_stop(server, SIGTERM, path);
    if (lstat(cli, &st) == 0) /* socat removes its own socket; make sure */
        ASSERT_SYS_OK(unlink(cli));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_demo_07_socat_unix_stream),
    IPCT_TEST(test_sock_demo_07_socat_tcp),
    IPCT_TEST(test_sock_demo_07_socat_udp),
    IPCT_TEST(test_sock_demo_07_socat_unix_dgram),
};

IPCT_MAIN("sock_socat", tests)
