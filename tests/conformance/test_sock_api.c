/* SPDX-License-Identifier: MIT */
/*
 * test_sock_api.c - the contract of impl/'s socket endpoints
 * (ipcspec/sock.h): safe setup of a Unix socket's path, its mode, refused
 * paths, loopback endpoints with ephemeral ports, the connect helpers'
 * errors, an autobound datagram client.
 *
 * Spec: SOCK-API-01..09 (spec/sock.md).
 * See also: impl/src/sock.c, test_sock_frame.c (the framing, SOCK-API-10..15),
 * tests/fault/fault_sock_api.c (the same calls failing).
 */
#include "sock_helpers.h"
#include "ipcspec/sock.h"

/* A copy of ipct_path(leaf) that later calls do not overwrite. */
static const char *keep_path(char *buf, size_t cap, const char *leaf)
{
    snprintf(buf, cap, "%s", ipct_path(leaf));
    return buf;
}

/* lstat(path) must fail with ENOENT: nothing is left there. */
static void assert_gone(const char *path)
{
    struct stat st;

    ASSERT_SYS_ERR(lstat(path, &st), ENOENT);
}

/* SOCK-API-01 ipc_sock_unix_listen replaces a stale socket file */
static void test_sock_api_01_stale_socket_replaced(void **state)
{
    char path[256];
    (void)state;

    keep_path(path, sizeof path, "s");
    close(sk_unix_listen(SOCK_STREAM, path)); /* a stale socket file */
    int m = ASSERT_IPC_OK(ipc_sock_unix_listen(path, SOCK_STREAM, 0600));
    int c = ASSERT_IPC_OK(ipc_sock_unix_connect(path, SOCK_STREAM));
    close((int)ASSERT_SYS_OK(accept(m, NULL, NULL)));
    close(c), close(m);
    ASSERT_IPC_OK(ipc_sock_unix_remove(path));
    assert_gone(path);
}

/* SOCK-API-02 ipc_sock_unix_listen never removes a file, a directory or a symlink: -EEXIST */
static void test_sock_api_02_non_socket_left_eexist(void **state)
{
    char file[256], dir[256], link[256], sock[256];
    struct stat st;
    (void)state;

    keep_path(file, sizeof file, "file");
    keep_path(dir, sizeof dir, "dir");
    keep_path(link, sizeof link, "link");
    keep_path(sock, sizeof sock, "sock");
    close((int)ASSERT_SYS_OK(open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)));
    ASSERT_SYS_OK(mkdir(dir, 0700));
    close(sk_unix_listen(SOCK_STREAM, sock));
    ASSERT_SYS_OK(symlink(sock, link)); /* a symlink to a stale socket */
    const char *paths[] = { file, dir, link };
    int lowest = ipct_lowest_free_fd();
    for (int k = 0; k < 3; k++) {
        ASSERT_IPC_ERR(ipc_sock_unix_listen(paths[k], SOCK_STREAM, 0600), EEXIST);
        ASSERT_IPC_ERR(ipc_sock_unix_listen(paths[k], SOCK_DGRAM, 0600), EEXIST);
        ASSERT_SYS_OK(lstat(paths[k], &st)); /* still there */
    }
    ASSERT_TRUE(S_ISLNK(st.st_mode));
    ASSERT_SYS_OK(lstat(sock, &st)); /* not removed through the link */
    ASSERT_TRUE(S_ISSOCK(st.st_mode));
    ASSERT_EQ(ipct_lowest_free_fd(), lowest);
    ASSERT_SYS_OK(unlink(link)), ASSERT_SYS_OK(unlink(sock));
}

struct nobody_connect {
    const char *path;
    int err; /* what ipc_sock_unix_connect must give: 0 success, else -err */
};

/* Child: as nobody, connect to path with impl/; the result must be c->err. */
static void nobody_connects(void *arg)
{
    const struct nobody_connect *c = arg;

    if (ipct_drop_privileges() < 0)
        IPCT_SKIP("cannot become nobody: the test needs root to drop to another uid");
    if (c->err == 0)
        ASSERT_IPC_OK(ipc_sock_unix_connect(c->path, SOCK_STREAM));
    else
        ASSERT_IPC_ERR(ipc_sock_unix_connect(c->path, SOCK_STREAM), c->err);
}

/* SOCK-API-03 the socket file gets the mode asked for, and it decides who may connect */
static void test_sock_api_03_mode_honoured(void **state)
{
    static const mode_t modes[] = { 0600, 0666, 0640 };
    char path[256];
    struct stat st;
    (void)state;

    keep_path(path, sizeof path, "s");
    ASSERT_SYS_OK(chmod(ipct_tmpdir(), 0711));
    for (int k = 0; k < 3; k++) {
        int m = ASSERT_IPC_OK(ipc_sock_unix_listen(path, k == 2 ? SOCK_DGRAM : SOCK_STREAM,
                                                   modes[k]));
        ASSERT_SYS_OK(lstat(path, &st));
        ASSERT_EQ(st.st_mode & 07777, modes[k]);
        if (k < 2) {
            struct nobody_connect c = { path, k == 0 ? EACCES : 0 };
            assert_child_exited(ipct_spawn(nobody_connects, &c), 0);
        }
        close(m);
    }
    ASSERT_IPC_OK(ipc_sock_unix_remove(path));
}

/* SOCK-API-04 a path that does not fit sun_path is refused with -ENAMETOOLONG, nothing made */
static void test_sock_api_04_long_path_enametoolong(void **state)
{
    char path[200];
    struct sockaddr_un sa;
    const char *dir = ipct_tmpdir();
    size_t room = sizeof sa.sun_path - 1; /* the longest path that fits */
    int lowest = ipct_lowest_free_fd();
    (void)state;

    memset(path, 'x', sizeof path);
    memcpy(path, dir, strlen(dir));
    path[strlen(dir)] = '/';
    path[room + 1] = '\0'; /* one byte too many */
    ASSERT_IPC_ERR(ipc_sock_unix_listen(path, SOCK_STREAM, 0600), ENAMETOOLONG);
    ASSERT_IPC_ERR(ipc_sock_unix_connect(path, SOCK_STREAM), ENAMETOOLONG);
    ASSERT_IPC_ERR(ipc_sock_unix_remove(path), ENAMETOOLONG);
    ASSERT_EQ(ipct_lowest_free_fd(), lowest);
    path[room + 1] = 'x';
    path[room] = '\0'; /* exactly sun_path less its NUL: accepted */
    assert_gone(path);
    int m = ASSERT_IPC_OK(ipc_sock_unix_listen(path, SOCK_STREAM, 0600));
    close(m);
    ASSERT_IPC_OK(ipc_sock_unix_remove(path));
    assert_gone(path);
}

/* SOCK-API-05 bad arguments are refused with -EINVAL */
static void test_sock_api_05_bad_arguments_einval(void **state)
{
    const char *p = ipct_path("s");
    (void)state;

    ASSERT_IPC_ERR(ipc_sock_unix_listen(NULL, SOCK_STREAM, 0600), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_unix_listen("", SOCK_STREAM, 0600), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_unix_listen(p, SOCK_SEQPACKET, 0600), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_unix_connect(p, SOCK_RAW), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_unix_connect(NULL, SOCK_STREAM), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_unix_remove(""), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_inet_listen("localhost", 0, SOCK_STREAM, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_inet_listen(NULL, 0, SOCK_DGRAM, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_inet_listen("127.0.0.1", 0, SOCK_RAW, NULL), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_inet_connect("127.0.0.256", 1, SOCK_STREAM), EINVAL);
    ASSERT_IPC_ERR(ipc_sock_set_timeout(0, 0), EINVAL);
}

/* SOCK-API-06 ipc_sock_unix_remove removes a socket only: -ENOENT, -EEXIST otherwise */
static void test_sock_api_06_remove_only_sockets(void **state)
{
    char file[256], sock[256];
    struct stat st;
    (void)state;

    keep_path(file, sizeof file, "file");
    keep_path(sock, sizeof sock, "sock");
    ASSERT_IPC_ERR(ipc_sock_unix_remove(sock), ENOENT);
    close((int)ASSERT_SYS_OK(open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)));
    ASSERT_IPC_ERR(ipc_sock_unix_remove(file), EEXIST);
    ASSERT_SYS_OK(lstat(file, &st));
    close(sk_unix_listen(SOCK_DGRAM, sock));
    ASSERT_IPC_OK(ipc_sock_unix_remove(sock));
    assert_gone(sock);
}

/* SOCK-API-07 ipc_sock_inet_listen on port 0 reports the kernel's port, and that port is in use */
static void test_sock_api_07_inet_ephemeral_port(void **state)
{
    uint16_t port = 0, uport = 0;
    char b = 0;
    (void)state;

    int m = ASSERT_IPC_OK(ipc_sock_inet_listen("127.0.0.1", 0, SOCK_STREAM, &port));
    ASSERT_NE(port, 0);
    ASSERT_EQ(sk_port(m), port);
    int c = ASSERT_IPC_OK(ipc_sock_inet_connect("127.0.0.1", port, SOCK_STREAM));
    close((int)ASSERT_SYS_OK(accept(m, NULL, NULL)));
    ASSERT_IPC_ERR(ipc_sock_inet_listen("127.0.0.1", port, SOCK_STREAM, NULL), EADDRINUSE);
    int u = ASSERT_IPC_OK(ipc_sock_inet_listen("127.0.0.1", 0, SOCK_DGRAM, &uport));
    int uc = ASSERT_IPC_OK(ipc_sock_inet_connect("127.0.0.1", uport, SOCK_DGRAM));
    ASSERT_SYS_OK(send(uc, "u", 1, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recv(u, &b, 1, 0)), 1);
    close(c), close(m), close(u), close(uc);
}

/* SOCK-API-08 the connect helpers return the errno that refused them */
static void test_sock_api_08_connect_errors(void **state)
{
    char path[256];
    uint16_t port;
    int lowest = ipct_lowest_free_fd();
    (void)state;

    keep_path(path, sizeof path, "s");
    ASSERT_IPC_ERR(ipc_sock_unix_connect(path, SOCK_STREAM), ENOENT);
    close(sk_unix_listen(SOCK_STREAM, path));
    ASSERT_IPC_ERR(ipc_sock_unix_connect(path, SOCK_STREAM), ECONNREFUSED);
    int hold = sk_inet_listen(SOCK_DGRAM, &port); /* a port with no TCP listener */
    ASSERT_IPC_ERR(ipc_sock_inet_connect("127.0.0.1", port, SOCK_STREAM), ECONNREFUSED);
    close(hold);
    ASSERT_EQ(ipct_lowest_free_fd(), lowest);
    ASSERT_SYS_OK(unlink(path));
}

/* SOCK-API-09 a Unix datagram client is autobound: the server can answer it, and no file is made */
static void test_sock_api_09_dgram_client_autobound(void **state)
{
    char path[256], b = 0;
    struct sockaddr_un from = { 0 };
    socklen_t len = sizeof from;
    (void)state;

    keep_path(path, sizeof path, "d");
    int s = ASSERT_IPC_OK(ipc_sock_unix_listen(path, SOCK_DGRAM, 0600));
    int c = ASSERT_IPC_OK(ipc_sock_unix_connect(path, SOCK_DGRAM));
    ASSERT_SYS_OK(send(c, "q", 1, 0));
    ASSERT_SYS_OK(recvfrom(s, &b, 1, 0, (struct sockaddr *)&from, &len));
    ASSERT_EQ(len, sizeof(sa_family_t) + 6); /* an abstract, autobound name */
    ASSERT_EQ(from.sun_path[0], '\0');
    ASSERT_SYS_OK(sendto(s, "a", 1, 0, (struct sockaddr *)&from, len));
    ASSERT_EQ(ASSERT_SYS_OK(recv(c, &b, 1, 0)), 1);
    ASSERT_EQ(b, 'a');
    close(c), close(s);
    ASSERT_IPC_OK(ipc_sock_unix_remove(path));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_api_01_stale_socket_replaced),
    IPCT_TEST(test_sock_api_02_non_socket_left_eexist),
    IPCT_TEST(test_sock_api_03_mode_honoured),
    IPCT_TEST(test_sock_api_04_long_path_enametoolong),
    IPCT_TEST(test_sock_api_05_bad_arguments_einval),
    IPCT_TEST(test_sock_api_06_remove_only_sockets),
    IPCT_TEST(test_sock_api_07_inet_ephemeral_port),
    IPCT_TEST(test_sock_api_08_connect_errors),
    IPCT_TEST(test_sock_api_09_dgram_client_autobound),
};

IPCT_MAIN("sock_api", tests)
