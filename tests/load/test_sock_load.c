/* SPDX-License-Identifier: MIT */
/*
 * test_sock_load.c - impl/'s stream server under load (label "load"): a
 * thousand connected clients with every answer checked, a table full of
 * clients that stall, and twenty kinds of hostile frame. Bounded in count
 * and time; Unix sockets and 127.0.0.1 only.
 *
 * Spec: SOCK-LOAD-01..03 (spec/sock.md).
 * See also: impl/src/sock_server.c, tests/conformance/sock_server_helpers.h,
 * tests/conformance/test_sock_robust.c (the same contracts, one client each).
 */
#include "sock_server_helpers.h"

#include <sys/resource.h>
#include <time.h>

enum { KIDS = 4, PER_KID = 250, ROUNDS = 10, CLIENTS = KIDS * PER_KID };

/* Where the load children connect. */
static struct {
    int tcp;
    const char *path;
    uint16_t port;
} target;

/* Milliseconds on the monotonic clock. */
static long long load_now_ms(void)
{
    struct timespec ts;

    ASSERT_SYS_OK(clock_gettime(CLOCK_MONOTONIC, &ts));
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Raise the soft RLIMIT_NOFILE to at least want, within the hard limit;
 * skip with the reason where the hard limit does not allow it. */
static void need_fds(rlim_t want)
{
    struct rlimit rl;

    ASSERT_SYS_OK(getrlimit(RLIMIT_NOFILE, &rl));
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
        IPCT_SKIP("the hard RLIMIT_NOFILE (%ld) is below the %ld descriptors this load needs",
                  (long)rl.rlim_max, (long)want);
    if (rl.rlim_cur < want) {
        rl.rlim_cur = want;
        ASSERT_SYS_OK(setrlimit(RLIMIT_NOFILE, &rl));
    }
}

/* One load child: PER_KID connections, ROUNDS requests on each, every
 * answer checked. Client number k*PER_KID+j asks "SUM <number> <round>". */
static void load_child(void *arg)
{
    int k = (int)(long)arg, fd[PER_KID];
    char text[64];

    for (int j = 0; j < PER_KID; j++)
        fd[j] = ss_connect(target.tcp, target.path, target.port);
    for (int r = 0; r < ROUNDS; r++) {
        for (int j = 0; j < PER_KID; j++) {
            snprintf(text, sizeof text, "SUM %d %d", k * PER_KID + j, r);
            ss_send(fd[j], text);
        }
        for (int j = 0; j < PER_KID; j++) {
            snprintf(text, sizeof text, "OK %d", k * PER_KID + j + r);
            ss_expect(fd[j], text);
        }
    }
    for (int j = 0; j < PER_KID; j++)
        close(fd[j]);
}

struct transport {
    int tcp;
};

/* SOCK-LOAD-01 a server sized for 1000 clients answers every request of 1000 connected clients */
static void test_sock_load_01_thousand_clients_all_answered(void **state)
{
    const struct transport *row = ipct_variant();
    pid_t kids[KIDS];
    (void)state;

    need_fds(CLIENTS + 100);
    target.tcp = row->tcp;
    target.path = ipct_path("load");
    struct ipc_sock_server *s = ss_start(row->tcp, CLIENTS, target.path, &target.port);
    for (long k = 0; k < KIDS; k++)
        kids[k] = ipct_spawn(load_child, (void *)k);
    long long give_up = load_now_ms() + 6LL * ipct_deadline_ms();
    while (ss_stats(s).answered < (long)CLIENTS * ROUNDS) {
        if (load_now_ms() > give_up)
            IPCT_FAIL("%ld of %d requests answered before the deadline", ss_stats(s).answered,
                      CLIENTS * ROUNDS);
        ASSERT_IPC_OK(ipc_sock_server_step(s, 100));
    }
    for (int k = 0; k < KIDS; k++)
        ipct_wait(kids[k]);
    struct ipc_sock_stats st = ss_stats(s);
    ASSERT_EQ(st.answered, (long)CLIENTS * ROUNDS);
    ASSERT_EQ(st.accepted, CLIENTS);
    ASSERT_EQ(st.refused, 0);
    ASSERT_EQ(st.dropped, 0);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* SOCK-LOAD-02 clients that fill every slot and stall lock nobody out for
 * longer than the idle timeout */
static void test_sock_load_02_slowloris_locks_nobody_out(void **state)
{
    enum { SLOTS = 64 };
    static const unsigned char one = 0;
    const char *path = ipct_path("load");
    struct ipc_sock_server *s = ss_start(0, SLOTS, path, NULL);
    int stall[SLOTS];
    (void)state;

    for (int i = 0; i < SLOTS; i++) {
        stall[i] = ss_connect(0, path, 0);
        SS_STEP_UNTIL(s, st.clients == i + 1);
        ASSERT_SYS_OK(send(stall[i], &one, 1, 0));
    }
    ASSERT_IPC_OK(ipc_sock_server_set_idle(s, 200)); /* every slot held */
    int early = ss_connect(0, path, 0); /* every slot is held: refused */
    SS_STEP_UNTIL(s, st.refused == 1);
    ss_expect_eof(early);
    SS_STEP_UNTIL(s, st.timed_out == SLOTS);
    for (int i = 0; i < SLOTS; i++) {
        ss_expect_eof(stall[i]);
        close(stall[i]);
    }
    int late = ss_connect(0, path, 0);
    ss_send(late, "SUM 20 22");
    SS_STEP_UNTIL(s, st.answered == 1);
    ss_expect(late, "OK 42");
    close(early), close(late);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

/* One hostile input: its bytes, whether the client then stops sending
 * (shutdown), and the answers it gets (NULL: none, the server closes it). */
struct hostile {
    const char *bytes;
    size_t len;
    int cut;
    const char *answer, *answer2;
};

#define H(lit, cut, a, a2) { (lit), sizeof(lit) - 1, (cut), (a), (a2) }

/* SOCK-LOAD-03 a hostile frame closes or answers only its own client */
static void test_sock_load_03_hostile_frame_own_client_only(void **state)
{
    const struct hostile *h = ipct_variant();
    const char *path = ipct_path("load");
    struct ipc_sock_server *s = ss_start(0, 4, path, NULL);
    (void)state;

    int good = ss_connect(0, path, 0), bad = ss_connect(0, path, 0);
    SS_STEP_UNTIL(s, st.clients == 2);
    ASSERT_SYS_OK(send(bad, h->bytes, h->len, MSG_NOSIGNAL));
    if (h->cut)
        ASSERT_SYS_OK(shutdown(bad, SHUT_WR));
    if (h->answer == NULL) {
        SS_STEP_UNTIL(s, st.clients == 1);
        ss_expect_closed(bad);
    } else {
        SS_STEP_UNTIL(s, st.answered == (h->answer2 ? 2 : 1));
        ss_expect(bad, h->answer);
        if (h->answer2)
            ss_expect(bad, h->answer2);
        ASSERT_EQ(ss_stats(s).clients, 2);
    }
    long before = ss_stats(s).answered;
    ss_send(good, "SUM 1 2");
    SS_STEP_UNTIL(s, st.answered == before + 1);
    ss_expect(good, "OK 3");
    close(good), close(bad);
    ASSERT_IPC_OK(ipc_sock_server_destroy(s));
}

static const struct transport unix_row = { 0 }, tcp_row = { 1 };

static const struct hostile zero_len = H("\0\0\0\0", 0, NULL, NULL),
    len_129 = H("\0\0\0\x81", 0, NULL, NULL), len_65536 = H("\0\1\0\0", 0, NULL, NULL),
    len_max = H("\xff\xff\xff\xff", 0, NULL, NULL), cut_1 = H("\0", 1, NULL, NULL),
    cut_2 = H("\0\0", 1, NULL, NULL), cut_3 = H("\0\0\0", 1, NULL, NULL),
    cut_payload = H("\0\0\0\7SUM", 1, NULL, NULL),
    garbage = H("\0\0\0\5\xff\xfe\x80\x01\x7f", 0, "ERR bad verb", NULL),
    nul_inside = H("\0\0\0\x08SUM 1\0 2", 0, "ERR bad number", NULL),
    no_number = H("\0\0\0\3SUM", 0, "ERR empty", NULL),
    not_number = H("\0\0\0\5SUM x", 0, "ERR bad number", NULL),
    past_long = H("\0\0\0\x17SUM 9223372036854775808", 0, "ERR overflow", NULL),
    sum_past_long = H("\0\0\0\x19SUM 9223372036854775807 1", 0, "ERR overflow", NULL),
    below_long = H("\0\0\0\x1bSUM -9223372036854775808 -1", 0, "ERR overflow", NULL),
    unknown_verb = H("\0\0\0\7MUL 2 3", 0, "ERR bad verb", NULL),
    lower_verb = H("\0\0\0\7sum 1 2", 0, "ERR bad verb", NULL),
    many_numbers = H("\0\0\0\x80SUM 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"
                     " 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 ",
                     0, "OK 62", NULL),
    spaces = H("\0\0\0\5     ", 0, "ERR empty", NULL),
    two_frames = H("\0\0\0\7SUM 1 1\0\0\0\7SUM 2 2", 0, "OK 2", "OK 4");

static const struct CMUnitTest tests[] = {
    IPCT_VARIANT(test_sock_load_01_thousand_clients_all_answered, "unix", &unix_row),
    IPCT_VARIANT(test_sock_load_01_thousand_clients_all_answered, "tcp", &tcp_row),
    IPCT_TEST(test_sock_load_02_slowloris_locks_nobody_out),
#define HOSTILE(row) IPCT_VARIANT(test_sock_load_03_hostile_frame_own_client_only, #row, &(row))
    HOSTILE(zero_len), HOSTILE(len_129), HOSTILE(len_65536), HOSTILE(len_max),
    HOSTILE(cut_1), HOSTILE(cut_2), HOSTILE(cut_3), HOSTILE(cut_payload),
    HOSTILE(garbage), HOSTILE(nul_inside), HOSTILE(no_number), HOSTILE(not_number),
    HOSTILE(past_long), HOSTILE(sum_past_long), HOSTILE(below_long), HOSTILE(unknown_verb),
    HOSTILE(lower_verb), HOSTILE(many_numbers), HOSTILE(spaces), HOSTILE(two_frames),
#undef HOSTILE
};

IPCT_MAIN("sock_load", tests)
