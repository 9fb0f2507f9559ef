/* SPDX-License-Identifier: MIT */
/*
 * bench.h - ipcspec-bench's shared declarations: a mechanism's operations
 * (one table row per mechanism and path, impl/ or the raw calls), the
 * measuring harness that runs them in two pinned processes, and the report.
 *
 * Not a test: no spec ID is checked here. The benchmark measures what each
 * mechanism costs through impl/ and through the calls underneath, in the
 * same run, against this machine's floors.
 *
 * See also: main.c (the driver), measure.c (the harness), floors.c,
 * report.c, mech_*.c (one file per family of mechanisms), README.md
 * ("What each mechanism costs").
 */
#ifndef IPCSPEC_BENCH_H
#define IPCSPEC_BENCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The most the harness ever moves in one message. */
#define BENCH_MAX_SIZE ((size_t)1 << 20)

/* Both ends of one channel; who 0 is the parent (the timer), 1 the child. */
struct chan {
    int rfd[2];          /* the descriptor each side reads (or -1) */
    int wfd[2];          /* the descriptor each side writes (or -1) */
    pid_t peer[2];       /* the other side's pid, as each side sees it */
    size_t size;         /* the message size of this run */
    uint64_t seen;       /* the board: the last version this side read */
    void *obj[4];        /* mechanism state (the board's publishers, subscribers) */
    char name[2][96];    /* names and paths to remove in cleanup */
};

/*
 * One mechanism over one path. Every function returns 0 (or a length) on
 * success and a negative errno on failure; none prints.
 */
struct mech {
    const char *name;    /* "pipe", "unix-stream", ... */
    const char *via;     /* "impl" or "raw" */
    size_t max_size;     /* the largest message; 0: a signal, no payload */
    const char *why;     /* why max_size is what it is */
    int window;          /* > 0: a lossy transport, the sender waits for credit */
    int latest_only;     /* the board: a reader sees the latest record only */
    /* Make both ends, before the fork. */
    int (*open)(struct chan *c);
    /* After the fork, in each process: drop the other side's ends, arm. */
    int (*side)(struct chan *c, int who);
    /* Send len bytes from who's end; last marks the final message. */
    int (*send)(struct chan *c, int who, const void *buf, size_t len, int last);
    /* Receive one message at who's end: its length (0: nothing new); *last
     * set when the sender marked it final (latest_only transports). */
    ssize_t (*recv)(struct chan *c, int who, void *buf, size_t len, int *last);
    /* Close who's ends (each side, at the end of the run). */
    void (*close)(struct chan *c, int who);
    /* In the parent once the child is gone, and after an open that failed:
     * remove what open made (names, files, mappings). */
    void (*cleanup)(struct chan *c);
};

/* The mechanism tables (mech_*.c); each ends with a NULL name. */
extern const struct mech bench_stream_mechs[];
extern const struct mech bench_dgram_mechs[];
extern const struct mech bench_mq_mechs[];
extern const struct mech bench_shm_mechs[];
extern const struct mech bench_sig_mechs[];

/* Where the two processes run. */
enum placement { PLACE_UNPINNED, PLACE_SAME, PLACE_SPLIT, PLACE_COUNT };
extern const char *const bench_place_names[PLACE_COUNT];

/* What one run of one mechanism, size and placement measured. */
struct figures {
    double p50_us, p99_us, max_us; /* round trip */
    double msgs_per_s, mb_per_s;   /* one way, timed at the receiver */
    double round_trips;            /* how many were timed */
};

/* How much one run does: the counts, unless a time budget runs out first
 * (then at least min_round_trips round trips, and 32 messages). */
struct counts {
    int round_trips;        /* timed round trips (after a warm-up) */
    int messages;           /* most messages of the throughput run */
    size_t bytes;           /* most bytes of the throughput run */
    int min_round_trips;
    double rt_budget_s;     /* seconds of round trips */
    double stream_budget_s; /* seconds of the stream */
};

/* The timed round trips of a run at size: counts->round_trips up to
 * 4 KiB, a fifth of it up to 64 KiB, a fiftieth above (at least 100), so
 * that a full run ends in minutes. */
int bench_round_trips(const struct counts *n, size_t size);

/* A fresh name for an IPC object or a file: "/ipcspec-bench-<pid>-<n>",
 * or a path in the run's directory when dir is set. */
void bench_name(char *out, size_t cap, const char *stem, int in_dir);
/* The run's private directory (mkdtemp), made once; NULL on failure. */
const char *bench_dir(void);
void bench_dir_remove(void);

/* Pin the calling process to cpu (-1: every CPU). 0 or -errno. */
int bench_pin(int cpu);
/* The CPUs this process may use, and the first two of them. */
int bench_cpus(int *first, int *second);

/* Set once the watchdog ended a run (measure.c): a wait that sees EINTR
 * gives up then instead of waiting on. */
extern volatile sig_atomic_t bench_watchdog_fired;

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t bench_now_ns(void);

/* Run one round-trip and one throughput measurement of m at size with
 * placement; 0 and *fig, or -errno with a reason in err. */
int bench_measure(const struct mech *m, size_t size, enum placement pl,
                  const struct counts *n, struct figures *fig, char *err, size_t errcap);

/* Floors. */
double bench_floor_syscall_ns(void);
double bench_floor_memcpy_mbs(size_t size);
/* Records of size written and read back through impl/'s board in one
 * process: MB/s of records (each is copied twice), or < 0. */
double bench_board_copy_mbs(size_t size);
/* The shared-memory spin ping-pong: its median round trip in us, or < 0. */
double bench_floor_spin_us(enum placement pl, int round_trips);

#endif
