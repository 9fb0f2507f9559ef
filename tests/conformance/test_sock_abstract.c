/* SPDX-License-Identifier: MIT */
/*
 * test_sock_abstract.c - Linux's abstract socket namespace (unix(7)
 * "Abstract sockets", "Autobind"), and socketpair(2).
 *
 * Behaviours checked:
 *   1. an abstract name makes no file, and connect reaches it (SOCK-ABS-01)
 *   2. the name goes when its socket closes (SOCK-ABS-02)
 *   3. a name in use: EADDRINUSE (SOCK-ABS-03)
 *   4. autobind gives a name of five hex digits (SOCK-ABS-04)
 *   5. socketpair: two connected sockets; only AF_UNIX (SOCK-PAIR-01, -02)
 *
 * Spec: SOCK-ABS-01..04, SOCK-PAIR-01..02 (spec/sock.md).
 * See also: test_sock_unix.c (names in the file system).
 */
#include "sock_helpers.h"

#include <dirent.h>

/* The number of entries in the test's directory, . and .. left out. */
static int dir_entries(void)
{
    DIR *d = opendir(ipct_tmpdir());
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        IPCT_FAIL("opendir: %s", ipct_errname(errno));
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* SOCK-ABS-01 an abstract address makes no file, and connect reaches the socket */
static void test_sock_abs_01_no_file_connects(void **state)
{
    struct sockaddr_un sa, got;
    socklen_t len = sk_abstract_addr(&sa, "abs");
    socklen_t glen = sizeof got;
    char b = 0;
    (void)state;

    ASSERT_SYS_OK(chdir(ipct_tmpdir()));
    int m = sk_bound(SOCK_STREAM, (struct sockaddr *)&sa, len);
    ASSERT_EQ(dir_entries(), 0);
    int c = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_OK(connect(c, (struct sockaddr *)&sa, len));
    int a = (int)ASSERT_SYS_OK(accept(m, NULL, NULL));
    ASSERT_SYS_OK(send(c, "@", 1, 0));
    ASSERT_EQ(ASSERT_SYS_OK(recv(a, &b, 1, 0)), 1);
    ASSERT_EQ(b, '@');
    ASSERT_SYS_OK(getsockname(m, (struct sockaddr *)&got, &glen));
    ASSERT_EQ(glen, len); /* the name is len bytes, leading NUL and all */
    ASSERT_MEM_EQ(got.sun_path, sa.sun_path, len - offsetof(struct sockaddr_un, sun_path));
    ASSERT_SYS_OK(chdir("/"));
    close(a), close(c), close(m);
}

/* SOCK-ABS-02 an abstract name is freed when its socket closes */
static void test_sock_abs_02_freed_on_close(void **state)
{
    struct sockaddr_un sa;
    socklen_t len = sk_abstract_addr(&sa, "abs");
    (void)state;

    int m = sk_bound(SOCK_STREAM, (struct sockaddr *)&sa, len);
    close(m);
    int c = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_ERR(connect(c, (struct sockaddr *)&sa, len), ECONNREFUSED);
    m = sk_bound(SOCK_STREAM, (struct sockaddr *)&sa, len); /* no unlink needed */
    ASSERT_SYS_OK(connect(c, (struct sockaddr *)&sa, len));
    close(c), close(m);
}

/* SOCK-ABS-03 binding an abstract name in use fails with EADDRINUSE */
static void test_sock_abs_03_taken_eaddrinuse(void **state)
{
    struct sockaddr_un sa;
    socklen_t len = sk_abstract_addr(&sa, "abs");
    (void)state;

    int m = sk_bound(SOCK_DGRAM, (struct sockaddr *)&sa, len);
    int d = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_ERR(bind(d, (struct sockaddr *)&sa, len), EADDRINUSE);
    close(d), close(m);
}

/* SOCK-ABS-04 bind with the family alone autobinds to an abstract name of five hex digits */
static void test_sock_abs_04_autobind_abstract_name(void **state)
{
    sa_family_t family = AF_UNIX;
    struct sockaddr_un got = { 0 };
    socklen_t len = sizeof got;
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    (void)state;

    ASSERT_SYS_OK(bind(fd, (struct sockaddr *)&family, sizeof family));
    ASSERT_SYS_OK(getsockname(fd, (struct sockaddr *)&got, &len));
    ASSERT_EQ(len, sizeof(sa_family_t) + 6);
    ASSERT_EQ(got.sun_path[0], '\0');
    for (int i = 1; i < 6; i++) {
        if (strchr("0123456789abcdef", got.sun_path[i]) == NULL)
            IPCT_FAIL("autobound name byte %d is 0x%02x, not a hex digit", i,
                      (unsigned char)got.sun_path[i]);
    }
    close(fd);
}

/* SOCK-PAIR-01 socketpair gives two connected sockets that talk both ways */
static void test_sock_pair_01_connected_both_ways(void **state)
{
    static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
    (void)state;

    for (size_t k = 0; k < 3; k++) {
        int sv[2];
        char b = 0;
        ASSERT_SYS_OK(socketpair(AF_UNIX, types[k] | SOCK_CLOEXEC, 0, sv));
        ASSERT_SYS_OK(send(sv[0], "a", 1, 0));
        ASSERT_SYS_OK(send(sv[1], "b", 1, 0));
        ASSERT_EQ(ASSERT_SYS_OK(recv(sv[1], &b, 1, 0)), 1);
        ASSERT_EQ(b, 'a');
        ASSERT_EQ(ASSERT_SYS_OK(recv(sv[0], &b, 1, 0)), 1);
        ASSERT_EQ(b, 'b');
        close(sv[0]), close(sv[1]);
    }
}

/* SOCK-PAIR-02 socketpair in AF_INET fails with EOPNOTSUPP */
static void test_sock_pair_02_inet_eopnotsupp(void **state)
{
    int sv[2] = { -1, -1 };
    int lowest = ipct_lowest_free_fd();
    (void)state;

    ASSERT_SYS_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
    /* no descriptor is left (Linux may still have written numbers into sv) */
    ASSERT_EQ(ipct_lowest_free_fd(), lowest);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sock_abs_01_no_file_connects),
    IPCT_TEST(test_sock_abs_02_freed_on_close),
    IPCT_TEST(test_sock_abs_03_taken_eaddrinuse),
    IPCT_TEST(test_sock_abs_04_autobind_abstract_name),
    IPCT_TEST(test_sock_pair_01_connected_both_ways),
    IPCT_TEST(test_sock_pair_02_inet_eopnotsupp),
};

IPCT_MAIN("sock_abstract", tests)
