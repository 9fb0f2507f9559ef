/* SPDX-License-Identifier: MIT */
/*
 * test_sock_unix.c - Unix domain socket addresses in the file system: what
 * bind makes and refuses, what connect finds or does not.
 *
 * Behaviours checked:
 *   1. bind to a path that exists fails with EADDRINUSE (SOCK-BIND-01)
 *   2. bind makes a socket file, which outlives the socket (SOCK-BIND-02)
 *   3. bind in a missing directory fails with ENOENT (SOCK-BIND-03)
 *   4. a bound socket cannot be bound again: EINVAL (SOCK-BIND-04)
 *   5. an address length beyond sockaddr_un fails with EINVAL (SOCK-BIND-05)
 *   6. the socket file's mode is 0777 less the umask (SOCK-BIND-06)
 *   7. connect with no listener: ECONNREFUSED; no file: ENOENT; a regular
 *      file: ECONNREFUSED; the wrong type: EPROTOTYPE; the socket file's
 *      write permission decides who may connect (SOCK-CONN-01..05)
 *
 * Spec: SOCK-BIND-01..06, SOCK-CONN-01..05 (spec/sock.md).
 * See also: test_sock_abstract.c (names outside the file system).
 */
#include "sock_helpers.h"

#include <sys/wait.h>

/* SOCK-BIND-01 bind to a path that already exists fails with EADDRINUSE */
static void test_sock_bind_01_existing_path_eaddrinuse(void **state)
{
    static const int types[] = { SOCK_STREAM, SOCK_DGRAM };
    char path[256], file[256];
    struct sockaddr_un sa;
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("s"));
    snprintf(file, sizeof file, "%s", ipct_path("plain"));
    close((int)ASSERT_SYS_OK(open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)));
    for (size_t k = 0; k < 2; k++) {
        int first = sk_unix_listen(types[k], path);
        int second = (int)ASSERT_SYS_OK(socket(AF_UNIX, types[k] | SOCK_CLOEXEC, 0));
        socklen_t len = sk_unix_addr(&sa, path);

        ASSERT_SYS_ERR(bind(second, (struct sockaddr *)&sa, len), EADDRINUSE);
        close(first); /* the file stays: still in use as an address */
        ASSERT_SYS_ERR(bind(second, (struct sockaddr *)&sa, len), EADDRINUSE);
        len = sk_unix_addr(&sa, file);
        ASSERT_SYS_ERR(bind(second, (struct sockaddr *)&sa, len), EADDRINUSE);
        close(second);
        ASSERT_SYS_OK(unlink(path));
    }
}

/* SOCK-BIND-02 bind makes a socket file that outlives the socket until unlinked */
static void test_sock_bind_02_socket_file_outlives_socket(void **state)
{
    const char *path = ipct_path("s");
    struct stat st;
    (void)state;

    ASSERT_SYS_ERR(lstat(path, &st), ENOENT);
    int fd = sk_unix_listen(SOCK_STREAM, path);
    ASSERT_SYS_OK(lstat(path, &st));
    ASSERT_TRUE(S_ISSOCK(st.st_mode));
    close(fd);
    ASSERT_SYS_OK(lstat(path, &st));
    ASSERT_TRUE(S_ISSOCK(st.st_mode));
    ASSERT_SYS_OK(unlink(path));
    ASSERT_SYS_ERR(lstat(path, &st), ENOENT);
}

/* SOCK-BIND-03 bind to a path in a missing directory fails with ENOENT */
static void test_sock_bind_03_missing_dir_enoent(void **state)
{
    struct sockaddr_un sa;
    socklen_t len = sk_unix_addr(&sa, ipct_path("no-such-dir/s"));
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_ERR(bind(fd, (struct sockaddr *)&sa, len), ENOENT);
    close(fd);
}

/* SOCK-BIND-04 a socket already bound cannot be bound again: EINVAL */
static void test_sock_bind_04_rebind_einval(void **state)
{
    char other[256];
    struct sockaddr_un sa;
    struct stat st;
    int fd = sk_unix_listen(SOCK_DGRAM, ipct_path("s"));
    (void)state;

    snprintf(other, sizeof other, "%s", ipct_path("t"));
    socklen_t len = sk_unix_addr(&sa, other);
    ASSERT_SYS_ERR(bind(fd, (struct sockaddr *)&sa, len), EINVAL);
    ASSERT_SYS_ERR(lstat(other, &st), ENOENT); /* and nothing made */
    close(fd);
    ASSERT_SYS_OK(unlink(ipct_path("s")));
}

/* SOCK-BIND-05 an address length beyond struct sockaddr_un fails with EINVAL */
static void test_sock_bind_05_addrlen_too_big_einval(void **state)
{
    struct {
        struct sockaddr_un sa;
        char more[8];
    } big;
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    memset(&big, 0, sizeof big);
    sk_unix_addr(&big.sa, ipct_path("s"));
    ASSERT_SYS_ERR(bind(fd, (struct sockaddr *)&big, sizeof big.sa + 1), EINVAL);
    ASSERT_SYS_ERR(connect(fd, (struct sockaddr *)&big, sizeof big.sa + 1), EINVAL);
    close(fd);
}

/* SOCK-BIND-06 the socket file's permission bits are 0777 less the umask */
static void test_sock_bind_06_mode_from_umask(void **state)
{
    static const mode_t masks[] = { 022, 077, 002 };
    const char *path = ipct_path("s");
    struct stat st;
    (void)state;

    for (size_t k = 0; k < 3; k++) {
        mode_t old = umask(masks[k]);
        int fd = sk_unix_listen(SOCK_STREAM, path);
        umask(old);
        ASSERT_SYS_OK(lstat(path, &st));
        ASSERT_EQ(st.st_mode & 07777, 0777 & ~masks[k]);
        close(fd);
        ASSERT_SYS_OK(unlink(path));
    }
}

/* SOCK-CONN-01 connect to a socket file no one listens on fails with ECONNREFUSED */
static void test_sock_conn_01_no_listener_econnrefused(void **state)
{
    char path[256];
    struct sockaddr_un sa;
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("s"));
    socklen_t len = sk_unix_addr(&sa, path);
    /* bound but not listening */
    int bound = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_OK(bind(bound, (struct sockaddr *)&sa, len));
    ASSERT_SYS_ERR(connect(fd, (struct sockaddr *)&sa, len), ECONNREFUSED);
    /* a stale file: its socket closed */
    close(bound);
    ASSERT_SYS_ERR(connect(fd, (struct sockaddr *)&sa, len), ECONNREFUSED);
    close(fd);
    ASSERT_SYS_OK(unlink(path));
}

/* SOCK-CONN-02 connect to a path where no file exists fails with ENOENT */
static void test_sock_conn_02_missing_path_enoent(void **state)
{
    struct sockaddr_un sa;
    socklen_t len = sk_unix_addr(&sa, ipct_path("none"));
    (void)state;

    for (int type = SOCK_STREAM; type <= SOCK_DGRAM; type++) {
        int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
        ASSERT_SYS_ERR(connect(fd, (struct sockaddr *)&sa, len), ENOENT);
        close(fd);
    }
}

/* SOCK-CONN-03 connect to a regular file fails with ECONNREFUSED */
static void test_sock_conn_03_regular_file_econnrefused(void **state)
{
    const char *path = ipct_path("plain");
    struct sockaddr_un sa;
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    (void)state;

    close((int)ASSERT_SYS_OK(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666)));
    socklen_t len = sk_unix_addr(&sa, path);
    ASSERT_SYS_ERR(connect(fd, (struct sockaddr *)&sa, len), ECONNREFUSED);
    close(fd);
}

/* SOCK-CONN-04 connect to a socket of another type fails with EPROTOTYPE */
static void test_sock_conn_04_type_mismatch_eprototype(void **state)
{
    char spath[256], dpath[256];
    struct sockaddr_un sa;
    (void)state;

    snprintf(spath, sizeof spath, "%s", ipct_path("stream"));
    snprintf(dpath, sizeof dpath, "%s", ipct_path("dgram"));
    int ls = sk_unix_listen(SOCK_STREAM, spath);
    int ld = sk_unix_listen(SOCK_DGRAM, dpath);
    int d = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    int s = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    socklen_t len = sk_unix_addr(&sa, spath);
    ASSERT_SYS_ERR(connect(d, (struct sockaddr *)&sa, len), EPROTOTYPE);
    len = sk_unix_addr(&sa, dpath);
    ASSERT_SYS_ERR(connect(s, (struct sockaddr *)&sa, len), EPROTOTYPE);
    close(d);
    close(s);
    close(ls);
    close(ld);
    ASSERT_SYS_OK(unlink(ipct_path("dgram")));
    ASSERT_SYS_OK(unlink(ipct_path("stream")));
}

struct nobody_connect {
    const char *path;
    int err; /* what connect must give: 0 success, else this errno */
};

/* Child: become nobody and connect to the path, with the case's outcome. */
static void connect_as_nobody(void *arg)
{
    const struct nobody_connect *c = arg;
    struct sockaddr_un sa;
    socklen_t len = sk_unix_addr(&sa, c->path);

    if (ipct_drop_privileges() < 0)
        IPCT_SKIP("cannot become nobody: the test needs root to drop to another uid");
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    if (c->err == 0)
        ASSERT_SYS_OK(connect(fd, (struct sockaddr *)&sa, len));
    else
        ASSERT_SYS_ERR(connect(fd, (struct sockaddr *)&sa, len), c->err);
}

/* SOCK-CONN-05 connecting needs write permission on the socket file: else EACCES */
static void test_sock_conn_05_write_permission_needed(void **state)
{
    char path[256];
    (void)state;

    snprintf(path, sizeof path, "%s", ipct_path("s"));
    ASSERT_SYS_OK(chmod(ipct_tmpdir(), 0711)); /* nobody may pass through */
    int fd = sk_unix_listen(SOCK_STREAM, path);
    ASSERT_SYS_OK(chmod(path, 0644));
    struct nobody_connect denied = { path, EACCES }, allowed = { path, 0 };
    assert_child_exited(ipct_spawn(connect_as_nobody, &denied), 0);
    ASSERT_SYS_OK(chmod(path, 0666));
    assert_child_exited(ipct_spawn(connect_as_nobody, &allowed), 0);
    close(fd);
    ASSERT_SYS_OK(unlink(path));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_bind_01_existing_path_eaddrinuse),
    IPCT_TEST(test_sock_bind_02_socket_file_outlives_socket),
    IPCT_TEST(test_sock_bind_03_missing_dir_enoent),
    IPCT_TEST(test_sock_bind_04_rebind_einval),
    IPCT_TEST(test_sock_bind_05_addrlen_too_big_einval),
    IPCT_TEST(test_sock_bind_06_mode_from_umask),
    IPCT_TEST(test_sock_conn_01_no_listener_econnrefused),
    IPCT_TEST(test_sock_conn_02_missing_path_enoent),
    IPCT_TEST(test_sock_conn_03_regular_file_econnrefused),
    IPCT_TEST(test_sock_conn_04_type_mismatch_eprototype),
    IPCT_TEST(test_sock_conn_05_write_permission_needed),
};

IPCT_MAIN("sock_unix", tests)
