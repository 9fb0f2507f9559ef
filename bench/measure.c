/* SPDX-License-Identifier: MIT */
/*
 * measure.c - the harness: one mechanism, one size, one placement, in two
 * processes. The parent times round trips (it sends, the child echoes),
 * then streams messages one way; the child times their arrival and
 * reports. A watchdog (SIGALRM) kills a child that stops answering, so a
 * lost datagram or a broken mechanism ends the run with an error instead
 * of a hang.
 *
 * See also: bench.h, floors.c (the same shape, for the spin floor), main.c.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds one run may take before the watchdog ends it. */
#define BENCH_RUN_LIMIT_S 120

static volatile sig_atomic_t watched_pid;
volatile sig_atomic_t bench_watchdog_fired;

static void on_alarm(int sig)
{
    (void)sig;
    bench_watchdog_fired = 1;
    if (watched_pid > 0)
        kill((pid_t)watched_pid, SIGKILL);
}

/* What the child sends back over the report pipe. */
struct report {
    int rc;
    double msgs_per_s;
    char err[160];
};

uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int bench_cpus(int *first, int *second)
{
    cpu_set_t set;
    int n = 0;

    *first = *second = -1;
    if (sched_getaffinity(0, sizeof set, &set) == -1)
        return -errno;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &set))
            continue;
        if (n == 0)
            *first = cpu;
        else if (n == 1)
            *second = cpu;
        n++;
    }
    return n;
}

static cpu_set_t all_cpus;
static int all_cpus_known;

int bench_pin(int cpu)
{
    cpu_set_t set;

    if (!all_cpus_known) {
        if (sched_getaffinity(0, sizeof all_cpus, &all_cpus) == -1)
            return -errno;
        all_cpus_known = 1;
    }
    if (cpu < 0) {
        set = all_cpus;
    } else {
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
    }
    if (sched_setaffinity(0, sizeof set, &set) == -1)
        return -errno;
    return 0;
}

/* The CPU each side runs on in placement pl (-1: any). */
static int place_cpu(enum placement pl, int who)
{
    int first, second;

    if (pl == PLACE_UNPINNED || bench_cpus(&first, &second) < 0)
        return -1;
    if (pl == PLACE_SAME || who == 0)
        return first;
    return second;
}

int bench_round_trips(const struct counts *n, size_t size)
{
    if (size > 65536)
        return n->round_trips / 50 < 100 ? 100 : n->round_trips / 50;
    if (size > 4096)
        return n->round_trips / 5 < 100 ? 100 : n->round_trips / 5;
    return n->round_trips;
}

/* One message in; repeats a receive that brought nothing new. */
static ssize_t recv_one(const struct mech *m, struct chan *c, int who, void *buf, int *last)
{
    ssize_t r;

    *last = 0;
    do {
        r = m->recv(c, who, buf, c->size, last);
    } while (r == 0 && !*last);
    return r;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* The messages of m's throughput run at size. A board's reader sees the
 * latest record only, so its writer writes ten times as many: the reader
 * then reads for long enough to be timed. */
static int stream_count(const struct mech *m, const struct counts *n, size_t size)
{
    size_t by_bytes = size ? n->bytes / size : (size_t)n->messages;
    size_t count = by_bytes < (size_t)n->messages ? by_bytes : (size_t)n->messages;

    if (count < 32)
        count = 32;
    return m->latest_only ? 10 * (int)count : (int)count;
}

/*
 * How many round trips and stream messages a run has: the parent decides,
 * when its time budget runs out, that the next one is the last, and stores
 * the total here before sending it; the child reads it after each one. So
 * the child always knows the end before it would wait for more.
 */
struct ends {
    _Atomic int round_trips;
    _Atomic int messages;
};

/* The child: echo the round trips, then receive the stream and time it. */
static void child_body(const struct mech *m, struct chan *c, struct ends *e, void *buf,
                       struct report *rep)
{
    int half = m->window / 2, last = 0, got = 0;
    uint64_t t0 = 0, t1 = 0;
    ssize_t r;

    for (int i = 0; i < atomic_load(&e->round_trips); i++) {
        if ((r = recv_one(m, c, 1, buf, &last)) < 0 ||
            (r = m->send(c, 1, buf, c->size, 0)) < 0) {
            snprintf(rep->err, sizeof rep->err, "echo %d: %s", i, strerror((int)-r));
            rep->rc = (int)r;
            return;
        }
    }
    while (m->latest_only ? !last : got < atomic_load(&e->messages)) {
        if ((r = recv_one(m, c, 1, buf, &last)) < 0) {
            snprintf(rep->err, sizeof rep->err, "stream %d: %s", got, strerror((int)-r));
            rep->rc = (int)r;
            return;
        }
        t1 = bench_now_ns();
        if (got++ == 0)
            t0 = t1;
        if (half > 0 && got % half == 0 && (r = m->send(c, 1, buf, 1, 0)) < 0) {
            snprintf(rep->err, sizeof rep->err, "credit: %s", strerror((int)-r));
            rep->rc = (int)r;
            return;
        }
    }
    rep->msgs_per_s = got > 1 && t1 > t0 ? (double)(got - 1) * 1e9 / (double)(t1 - t0) : 0;
}

/* Past the budget (and the minimum done): make round i the last. */
static void maybe_end(_Atomic int *total, int i, int minimum, uint64_t deadline)
{
    if (i + 1 < atomic_load(total) && i + 1 >= minimum && bench_now_ns() > deadline)
        atomic_store(total, i + 1);
}

/* The parent: time the round trips into lat[] (*timed of them), then send
 * the stream. */
static int parent_body(const struct mech *m, struct chan *c, const struct counts *n,
                       struct ends *e, int warm, uint64_t *lat, int *timed, void *buf,
                       char *err, size_t errcap)
{
    int half = m->window / 2, credits = 0, last;
    uint64_t deadline = bench_now_ns() + (uint64_t)(n->rt_budget_s * 1e9);
    ssize_t r;

    for (int i = 0; i < atomic_load(&e->round_trips); i++) {
        uint64_t t0 = bench_now_ns();

        maybe_end(&e->round_trips, i, warm + n->min_round_trips, deadline);
        if ((r = m->send(c, 0, buf, c->size, 0)) < 0 || (r = recv_one(m, c, 0, buf, &last)) < 0) {
            snprintf(err, errcap, "round trip %d: %s", i, strerror((int)-r));
            return (int)r;
        }
        if (i >= warm)
            lat[i - warm] = bench_now_ns() - t0;
    }
    *timed = atomic_load(&e->round_trips) - warm;
    deadline = bench_now_ns() + (uint64_t)(n->stream_budget_s * 1e9);
    for (int i = 0; i < atomic_load(&e->messages); i++) {
        maybe_end(&e->messages, i, 32, deadline);
        while (half > 0 && i - half * credits >= m->window) {
            if ((r = recv_one(m, c, 0, buf, &last)) < 0) {
                snprintf(err, errcap, "credit: %s", strerror((int)-r));
                return (int)r;
            }
            credits++;
        }
        if ((r = m->send(c, 0, buf, c->size, i + 1 == atomic_load(&e->messages))) < 0) {
            snprintf(err, errcap, "stream %d: %s", i, strerror((int)-r));
            return (int)r;
        }
    }
    return 0;
}

/* After fork, in the child: never returns. */
static void run_child(const struct mech *m, struct chan *c, enum placement pl,
                      struct ends *e, void *buf, int rep_fd)
{
    struct report rep = {0};
    char ready = 'R';

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if ((rep.rc = bench_pin(place_cpu(pl, 1))) < 0)
        snprintf(rep.err, sizeof rep.err, "pin: %s", strerror(-rep.rc));
    else if ((rep.rc = m->side(c, 1)) < 0)
        snprintf(rep.err, sizeof rep.err, "child setup: %s", strerror(-rep.rc));
    if (rep.rc == 0 && write(rep_fd, &ready, 1) == 1)
        child_body(m, c, e, buf, &rep);
    if (write(rep_fd, &rep, sizeof rep) != (ssize_t)sizeof rep)
        rep.rc = -EIO; /* the parent sees a short report */
    m->close(c, 1);
    _exit(0);
}

/* Read the child's ready byte and, later, its report. */
static int read_report(int fd, struct report *rep, int want_ready)
{
    char ready;
    ssize_t r;

    if (want_ready) {
        do {
            r = read(fd, &ready, 1);
        } while (r == -1 && errno == EINTR);
        return r == 1 ? 0 : -EPIPE;
    }
    do {
        r = read(fd, rep, sizeof *rep);
    } while (r == -1 && errno == EINTR);
    return r == (ssize_t)sizeof *rep ? 0 : -EPIPE;
}

/* Median, p99 and max of the n round trips in lat, into fig (us). */
static void latency_figures(uint64_t *lat, int n, struct figures *fig)
{
    size_t mid = (size_t)n / 2, p99 = (size_t)n * 99 / 100;

    qsort(lat, (size_t)n, sizeof *lat, cmp_u64);
    fig->p50_us = (double)lat[mid] / 1e3;
    fig->p99_us = (double)lat[p99] / 1e3;
    fig->max_us = (double)lat[n - 1] / 1e3;
}

/* Fork, run both sides, reap. 0 or -errno with err set. */
static int run_pair(const struct mech *m, struct chan *c, enum placement pl,
                    const struct counts *n, struct ends *e, uint64_t *lat, void *buf[2],
                    struct figures *fig, char *err, size_t errcap)
{
    int warm = (n->round_trips < 2000 ? n->round_trips / 10 : 200) + 10, rep_pipe[2], rc, status;
    int timed = 0;
    struct report rep = {0};
    pid_t pid;

    atomic_init(&e->round_trips, warm + n->round_trips);
    atomic_init(&e->messages, stream_count(m, n, c->size));
    if (pipe2(rep_pipe, O_CLOEXEC) == -1)
        return -errno;
    if ((pid = fork()) == -1) {
        rc = -errno;
        close(rep_pipe[0]);
        close(rep_pipe[1]);
        return rc;
    }
    if (pid == 0) {
        close(rep_pipe[0]);
        c->peer[1] = getppid();
        run_child(m, c, pl, e, buf[1], rep_pipe[1]);
    }
    close(rep_pipe[1]);
    watched_pid = pid;
    bench_watchdog_fired = 0;
    alarm(BENCH_RUN_LIMIT_S);
    c->peer[0] = pid;
    if ((rc = bench_pin(place_cpu(pl, 0))) < 0 || (rc = m->side(c, 0)) < 0)
        snprintf(err, errcap, "parent setup: %s", strerror(-rc));
    else if ((rc = read_report(rep_pipe[0], &rep, 1)) == 0)
        rc = parent_body(m, c, n, e, warm, lat, &timed, buf[0], err, errcap);
    if (read_report(rep_pipe[0], &rep, 0) == 0 && rep.rc < 0) {
        snprintf(err, errcap, "%s", rep.err); /* the child's reason comes first */
        rc = rep.rc;
    } else if (rc == -EPIPE) {
        snprintf(err, errcap, "the child ended without a report");
    } else if (rc == 0 && rep.msgs_per_s <= 0) {
        snprintf(err, errcap, "the receiver timed fewer than two messages");
        rc = -EPROTO;
    }
    m->close(c, 0);
    kill(pid, SIGKILL); /* a child that still waits for a message */
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
        /* interrupted by the watchdog: wait again */
    }
    alarm(0);
    watched_pid = 0;
    close(rep_pipe[0]);
    bench_pin(-1);
    if (rc < 0)
        return rc;
    latency_figures(lat, timed, fig);
    fig->round_trips = timed;
    fig->msgs_per_s = rep.msgs_per_s;
    fig->mb_per_s = rep.msgs_per_s * (double)(c->size ? c->size : sizeof(int)) / 1e6;
    return 0;
}

int bench_measure(const struct mech *m, size_t size, enum placement pl,
                  const struct counts *n, struct figures *fig, char *err, size_t errcap)
{
    struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: calls see EINTR */
    struct counts scaled = *n;
    struct ends *e;
    struct chan c;
    void *buf[2];
    uint64_t *lat;
    int rc;

    scaled.round_trips = bench_round_trips(n, size);
    n = &scaled;
    memset(&c, 0, sizeof c);
    c.rfd[0] = c.rfd[1] = c.wfd[0] = c.wfd[1] = -1;
    c.size = size;
    err[0] = '\0';
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) == -1)
        return -errno;
    e = mmap(NULL, sizeof *e, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (e == MAP_FAILED)
        return -errno;
    lat = malloc((size_t)n->round_trips * sizeof *lat);
    buf[0] = calloc(1, size ? size : 16);
    buf[1] = calloc(1, size ? size : 16);
    if (lat == NULL || buf[0] == NULL || buf[1] == NULL) {
        rc = -ENOMEM;
    } else {
        if ((rc = m->open(&c)) < 0)
            snprintf(err, errcap, "open: %s", strerror(-rc));
        else
            rc = run_pair(m, &c, pl, n, e, lat, buf, fig, err, errcap);
        m->cleanup(&c); /* also what an open that failed half-way made */
    }
    free(lat);
    free(buf[0]);
    free(buf[1]);
    munmap(e, sizeof *e);
    return rc;
}
