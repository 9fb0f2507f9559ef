/* SPDX-License-Identifier: MIT */
/*
 * test_sock_demo_wait.c - how long the socket demo client waits: the
 * SO_RCVTIMEO and SO_SNDTIMEO of its socket, taken from the blocked client
 * with pidfd_getfd while the server is stopped, so no test waits out a
 * timeout.
 *
 * Spec: SOCK-DEMO-10 (spec/sock.md).
 * See also: impl/demo/sock_client_demo.c, test_sock_demo.c,
 * test_mq_demo_wait.c (the queue client's -w).
 */
#include "sock_demo_helpers.h"

#include <dirent.h>
#include <signal.h>
#include <sys/syscall.h>

/* A copy of the first socket descriptor pid holds (pidfd_getfd). */
static int socket_of(pid_t pid)
{
    char dir[64], path[600], link[64];
    long pidfd_rc = syscall(SYS_pidfd_open, pid, 0);
    if (pidfd_rc == -1 && errno == ENOSYS && ipct_under_memcheck())
        IPCT_SKIP("valgrind 3.19 does not know pidfd_open (ENOSYS): the client's socket "
                  "cannot be copied to read its timeouts under memcheck");
    int pidfd = (int)ASSERT_SYS_OK(pidfd_rc);
    int copy = -1;

    snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(dir);
    if (d == NULL)
        IPCT_FAIL("opendir %s: %s", dir, strerror(errno));
    for (struct dirent *e; copy == -1 && (e = readdir(d)) != NULL;) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n > 0 && (link[n] = '\0', strncmp(link, "socket:", 7) == 0))
            copy = (int)ASSERT_SYS_OK(
                syscall(SYS_pidfd_getfd, pidfd, (int)strtol(e->d_name, NULL, 10), 0));
    }
    closedir(d);
    close(pidfd);
    if (copy == -1)
        IPCT_FAIL("the client %d holds no socket", (int)pid);
    return copy;
}

/* The timeout option opt of fd, in milliseconds. */
static long timeout_ms(int fd, int opt)
{
    struct timeval tv;
    socklen_t len = sizeof tv;

    ASSERT_SYS_OK(getsockopt(fd, SOL_SOCKET, opt, &tv, &len));
    return tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Run the client with argv while the server is stopped; once it blocks in
 * its receive, both timeouts of its socket must be wait_ms. Then the server
 * goes on and the client must print the sum. */
static void check_timeouts(char *const argv[], long wait_ms, pid_t server)
{
    char out[64], err[256];
    int fds[2];

    ASSERT_SYS_OK(kill(server, SIGSTOP));
    fds[0] = (int)ASSERT_SYS_OK(open(ipct_path("c.out"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    fds[1] = (int)ASSERT_SYS_OK(open(ipct_path("c.err"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    pid_t client = ipct_spawn_exec(argv, -1, fds[0], fds[1]);
    close(fds[0]);
    close(fds[1]);
    ipct_await_blocked(client, SYS_recvfrom);
    int fd = socket_of(client);
    long rcv = timeout_ms(fd, SO_RCVTIMEO), snd = timeout_ms(fd, SO_SNDTIMEO);
    close(fd);
    ASSERT_EQ(rcv, wait_ms);
    ASSERT_EQ(snd, wait_ms);
    ASSERT_SYS_OK(kill(server, SIGCONT));
    int status = ipct_wait(client);
    ipct_read_text(ipct_path("c.out"), out, sizeof out);
    ipct_read_text(ipct_path("c.err"), err, sizeof err);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strcmp(out, "6\n") != 0)
        IPCT_FAIL("client: status 0x%x, stdout \"%s\" (expected \"6\\n\"), stderr \"%s\"",
                  status, out, err);
}

struct wait_row {
    const char *ms; /* -w's argument, or NULL for none */
    long wait_ms;   /* the timeouts the client's socket must carry */
};

static const struct wait_row waits[] = { { "1500", 1500 }, { NULL, 10000 } };

/* SOCK-DEMO-10 the demo client waits as long as -w says for each send and receive, 10 seconds without it */
static void test_sock_demo_10_client_timeouts(void **state)
{
    const struct wait_row *r = ipct_variant();
    const char *path = ipct_path("sock");
    char *argv[9];
    int n = 0;
    (void)state;

    argv[n++] = IPCSPEC_SOCK_CLIENT_DEMO;
    if (r->ms != NULL) {
        argv[n++] = "-w";
        argv[n++] = (char *)r->ms;
    }
    argv[n++] = "unix-dgram";
    argv[n++] = (char *)path;
    argv[n++] = "1";
    argv[n++] = "2";
    argv[n++] = "3";
    argv[n] = NULL;
    pid_t server = sd_start("unix-dgram", path, NULL);
    check_timeouts(argv, r->wait_ms, server);
    sd_stop(server, SIGTERM, path);
}

/* -w's argument in a row that must be refused, or NULL for -w alone. */
static const char *const bad_waits[] = { "0", "1x", NULL };

/* SOCK-DEMO-10 the demo client waits as long as -w says for each send and receive, 10 seconds without it */
static void test_sock_demo_10_bad_wait_usage(void **state)
{
    const char *const *value = ipct_variant();
    char *argv[] = { IPCSPEC_SOCK_CLIENT_DEMO, "-w", (char *)*value, "unix",
                     (char *)ipct_path("sock"), "1", NULL };
    struct sd_run run;
    (void)state;

    ASSERT_EQ(sd_run(argv, &run), 2);
    if (strncmp(run.err, "usage: ", 7) != 0)
        IPCT_FAIL("standard error \"%s\" does not begin \"usage: \"", run.err);
}

static const struct CMUnitTest tests[] = {
    IPCT_VARIANT(test_sock_demo_10_client_timeouts, "w_1500", &waits[0]),
    IPCT_VARIANT(test_sock_demo_10_client_timeouts, "no_option", &waits[1]),
    IPCT_VARIANT(test_sock_demo_10_bad_wait_usage, "zero", &bad_waits[0]),
    IPCT_VARIANT(test_sock_demo_10_bad_wait_usage, "not_a_number", &bad_waits[1]),
    IPCT_VARIANT(test_sock_demo_10_bad_wait_usage, "missing", &bad_waits[2]),
};

IPCT_MAIN("sock_demo_wait", tests)
