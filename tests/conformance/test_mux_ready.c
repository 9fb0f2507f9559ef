/* SPDX-License-Identifier: MIT */
/*
 * test_mux_ready.c - what readable, writable and exceptional mean, object
 * by object, asked through select, poll and epoll alike (one variant row
 * each): a pipe with data, at end of file, full, with its reader gone; a
 * listening socket with a connection waiting; a message queue; a socket
 * with a pending error, with urgent data, with its peer shut down; a FIFO
 * no writer ever opened.
 *
 * Spec: MUX-RDY-01..11 (spec/mux.md).
 * See also: test_mux_select.c, test_mux_poll.c, test_mux_epoll.c,
 * mux_helpers.h, test_pipe_basic.c (PIPE-POLL-01), test_mq_select.c.
 */
#include "mux_helpers.h"

#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

/* MUX-RDY-01 a pipe's read end is readable exactly while it holds data */
static void test_mux_rdy_01_pipe_readable_with_data(void **state)
{
    enum mux_method m = mux_method();
    int fd[2];
    char c;
    (void)state;

    ASSERT_SYS_OK(pipe2(fd, O_CLOEXEC));
    ASSERT_EQ(mux_ready(m, fd[0]), 0);
    ASSERT_EQ(ASSERT_SYS_OK(write(fd[1], "y", 1)), 1);
    ASSERT_EQ(mux_ready(m, fd[0]), POLLIN);
    ASSERT_EQ(ASSERT_SYS_OK(read(fd[0], &c, 1)), 1);
    ASSERT_EQ(mux_ready(m, fd[0]), 0);
    ASSERT_SYS_OK(close(fd[0]));
    ASSERT_SYS_OK(close(fd[1]));
}

/* MUX-RDY-02 a pipe's read end at end of file is readable to select and hung up to poll and epoll */
static void test_mux_rdy_02_pipe_eof_readable_hup(void **state)
{
    enum mux_method m = mux_method();
    int fd[2];
    char c;
    (void)state;

    ASSERT_SYS_OK(pipe2(fd, O_CLOEXEC));
    ASSERT_SYS_OK(close(fd[1]));
    ASSERT_EQ(mux_ready(m, fd[0]), m == MUX_SELECT ? POLLIN : POLLHUP);
    ASSERT_EQ(ASSERT_SYS_OK(read(fd[0], &c, 1)), 0);
    ASSERT_SYS_OK(close(fd[0]));
}

/* MUX-RDY-03 a pipe's write end is writable while it has room, and not once full */
static void test_mux_rdy_03_pipe_writable_until_full(void **state)
{
    enum mux_method m = mux_method();
    static char chunk[4096];
    int fd[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fd, O_CLOEXEC | O_NONBLOCK));
    ASSERT_EQ(mux_ready(m, fd[1]), POLLOUT);
    while (write(fd[1], chunk, sizeof chunk) > 0) {
    }
    ASSERT_ERRNO_EQ(errno, EAGAIN);
    ASSERT_EQ(mux_ready(m, fd[1]), 0);
    ASSERT_EQ(ASSERT_SYS_OK(read(fd[0], chunk, sizeof chunk)), sizeof chunk);
    ASSERT_EQ(mux_ready(m, fd[1]), POLLOUT);
    ASSERT_SYS_OK(close(fd[0]));
    ASSERT_SYS_OK(close(fd[1]));
}

/* MUX-RDY-04 a pipe's write end whose reader is gone is readable and writable to select, in error to poll and epoll */
static void test_mux_rdy_04_pipe_no_reader_error(void **state)
{
    enum mux_method m = mux_method();
    int fd[2];
    (void)state;

    ASSERT_SYS_OK(pipe2(fd, O_CLOEXEC));
    ASSERT_SYS_OK(close(fd[0]));
    ASSERT_EQ(mux_ready(m, fd[1]), m == MUX_SELECT ? (POLLIN | POLLOUT) : (POLLOUT | POLLERR));
    ASSERT_SYS_OK(close(fd[1]));
}

/* A listening Unix stream socket at a path of the test. */
static int listen_at(const char *path, struct sockaddr_un *sa)
{
    int fd = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));

    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    snprintf(sa->sun_path, sizeof sa->sun_path, "%s", path);
    ASSERT_SYS_OK(bind(fd, (struct sockaddr *)sa, sizeof *sa));
    ASSERT_SYS_OK(listen(fd, 4));
    return fd;
}

/* MUX-RDY-05 a listening socket is readable exactly while a connection waits to be accepted */
static void test_mux_rdy_05_listener_readable_when_pending(void **state)
{
    enum mux_method m = mux_method();
    const char *path = ipct_path("l.sock");
    struct sockaddr_un sa;
    int l = listen_at(path, &sa), c;
    (void)state;

    ASSERT_EQ(mux_ready(m, l), 0);
    c = (int)ASSERT_SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_OK(connect(c, (struct sockaddr *)&sa, sizeof sa));
    ASSERT_EQ(mux_ready(m, l), POLLIN);
    ASSERT_SYS_OK(close((int)ASSERT_SYS_OK(accept(l, NULL, NULL))));
    ASSERT_EQ(mux_ready(m, l), 0);
    ASSERT_SYS_OK(close(c));
    ASSERT_SYS_OK(close(l));
    ASSERT_SYS_OK(unlink(path));
}

/* MUX-RDY-06 a message queue descriptor is readable while it holds a message, writable while it has room */
static void test_mux_rdy_06_queue_ready(void **state)
{
    enum mux_method m = mux_method();
    struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 8 };
    const char *name = ipct_ipc_name("mq");
    mqd_t q = ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr));
    char buf[8];
    (void)state;

    ASSERT_EQ(mux_ready(m, q), POLLOUT);
    ASSERT_SYS_OK(mq_send(q, "a", 1, 0));
    ASSERT_EQ(mux_ready(m, q), POLLIN | POLLOUT);
    ASSERT_SYS_OK(mq_send(q, "b", 1, 0));
    ASSERT_EQ(mux_ready(m, q), POLLIN);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL)), 1);
    ASSERT_EQ(ASSERT_SYS_OK(mq_receive(q, buf, sizeof buf, NULL)), 1);
    ASSERT_EQ(mux_ready(m, q), POLLOUT);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MUX-RDY-07 a stream socket whose peer closed with data unread has a pending error: readable, writable, in error */
static void test_mux_rdy_07_socket_error_ready(void **state)
{
    enum mux_method m = mux_method();
    int sv[2], err = 0;
    socklen_t len = sizeof err;
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_EQ(ASSERT_SYS_OK(write(sv[0], "y", 1)), 1);
    ASSERT_SYS_OK(close(sv[1])); /* "y" unread: the close resets sv[0] */
    int got = mux_ready(m, sv[0]);
    if (m == MUX_SELECT)
        ASSERT_EQ(got, POLLIN | POLLOUT);
    else
        ASSERT_EQ(got, POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP);
    ASSERT_SYS_OK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &len));
    ASSERT_ERRNO_EQ(err, ECONNRESET);
    ASSERT_SYS_OK(close(sv[0]));
}

/* A connected TCP pair on the loopback: *c the client, *a the accepted one. */
static void tcp_pair(int *c, int *a)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    int l = (int)ASSERT_SYS_OK(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));

    ASSERT_SYS_OK(bind(l, (struct sockaddr *)&sa, sizeof sa));
    ASSERT_SYS_OK(listen(l, 1));
    ASSERT_SYS_OK(getsockname(l, (struct sockaddr *)&sa, &len));
    *c = (int)ASSERT_SYS_OK(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_SYS_OK(connect(*c, (struct sockaddr *)&sa, sizeof sa));
    *a = (int)ASSERT_SYS_OK(accept4(l, NULL, NULL, SOCK_CLOEXEC));
    ASSERT_SYS_OK(close(l));
}

/* MUX-RDY-08 a TCP socket with urgent data waiting is exceptional to select and POLLPRI to poll and epoll */
static void test_mux_rdy_08_urgent_data_exceptional(void **state)
{
    enum mux_method m = mux_method();
    struct pollfd p;
    int c, a;
    char oob = 0;
    (void)state;

    tcp_pair(&c, &a);
    ASSERT_EQ(mux_ready(m, a) & POLLPRI, 0);
    ASSERT_EQ(ASSERT_SYS_OK(send(c, "!", 1, MSG_OOB)), 1);
    p = (struct pollfd){ .fd = a, .events = POLLPRI };
    ASSERT_EQ(ASSERT_SYS_OK(poll(&p, 1, ipct_deadline_ms())), 1); /* it has crossed the loopback */
    ASSERT_EQ(mux_ready(m, a) & POLLPRI, POLLPRI);
    ASSERT_EQ(ASSERT_SYS_OK(recv(a, &oob, 1, MSG_OOB)), 1);
    ASSERT_EQ(oob, '!');
    ASSERT_EQ(mux_ready(m, a) & POLLPRI, 0);
    ASSERT_SYS_OK(close(c));
    ASSERT_SYS_OK(close(a));
}

/* MUX-RDY-09 a stream socket whose peer shut down writing is readable, with POLLRDHUP to poll and epoll */
static void test_mux_rdy_09_peer_shutdown_rdhup(void **state)
{
    enum mux_method m = mux_method();
    int sv[2];
    char c;
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_EQ(mux_ready(m, sv[0]), POLLOUT);
    ASSERT_SYS_OK(shutdown(sv[1], SHUT_WR));
    ASSERT_EQ(mux_ready(m, sv[0]), m == MUX_SELECT ? (POLLIN | POLLOUT)
                                                   : (POLLIN | POLLOUT | POLLRDHUP));
    ASSERT_EQ(ASSERT_SYS_OK(read(sv[0], &c, 1)), 0);
    ASSERT_SYS_OK(close(sv[0]));
    ASSERT_SYS_OK(close(sv[1]));
}

/* MUX-RDY-10 a FIFO's reader is not hung up before any writer came, and is once the last writer left */
static void test_mux_rdy_10_fifo_hup_only_after_writer(void **state)
{
    enum mux_method m = mux_method();
    const char *path = ipct_path("r.fifo");
    int r, w;
    (void)state;

    ASSERT_SYS_OK(mkfifo(path, 0600));
    r = (int)ASSERT_SYS_OK(open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    ASSERT_EQ(mux_ready(m, r), 0);
    w = (int)ASSERT_SYS_OK(open(path, O_WRONLY | O_CLOEXEC));
    ASSERT_EQ(mux_ready(m, r), 0);
    ASSERT_SYS_OK(close(w));
    ASSERT_EQ(mux_ready(m, r), m == MUX_SELECT ? POLLIN : POLLHUP);
    ASSERT_SYS_OK(close(r));
    ASSERT_SYS_OK(unlink(path));
}

/* MUX-RDY-11 a Unix datagram socket is readable exactly while a datagram is queued */
static void test_mux_rdy_11_dgram_readable_when_queued(void **state)
{
    enum mux_method m = mux_method();
    int sv[2];
    char c;
    (void)state;

    ASSERT_SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    ASSERT_EQ(mux_ready(m, sv[0]), POLLOUT);
    ASSERT_EQ(ASSERT_SYS_OK(send(sv[1], "d", 1, 0)), 1);
    ASSERT_EQ(mux_ready(m, sv[0]), POLLIN | POLLOUT);
    ASSERT_EQ(ASSERT_SYS_OK(recv(sv[0], &c, 1, 0)), 1);
    ASSERT_EQ(mux_ready(m, sv[0]), POLLOUT);
    ASSERT_SYS_OK(close(sv[0]));
    ASSERT_SYS_OK(close(sv[1]));
}

static const struct CMUnitTest tests[] = {
    MUX_ROWS(test_mux_rdy_01_pipe_readable_with_data),
    MUX_ROWS(test_mux_rdy_02_pipe_eof_readable_hup),
    MUX_ROWS(test_mux_rdy_03_pipe_writable_until_full),
    MUX_ROWS(test_mux_rdy_04_pipe_no_reader_error),
    MUX_ROWS(test_mux_rdy_05_listener_readable_when_pending),
    MUX_ROWS(test_mux_rdy_06_queue_ready),
    MUX_ROWS(test_mux_rdy_07_socket_error_ready),
    MUX_ROWS(test_mux_rdy_08_urgent_data_exceptional),
    MUX_ROWS(test_mux_rdy_09_peer_shutdown_rdhup),
    MUX_ROWS(test_mux_rdy_10_fifo_hup_only_after_writer),
    MUX_ROWS(test_mux_rdy_11_dgram_readable_when_queued),
};

IPCT_MAIN("mux_ready", tests)
