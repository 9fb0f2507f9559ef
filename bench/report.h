/* SPDX-License-Identifier: MIT */
/*
 * report.h - what a whole benchmark run holds (every row's figures, run by
 * run, and the floors), and its three outputs: the terminal table, CSV and
 * JSON (report.c).
 *
 * See also: report.c, main.c (which fills it), bench.h.
 */
#ifndef IPCSPEC_BENCH_REPORT_H
#define IPCSPEC_BENCH_REPORT_H

#include "bench.h"

#include <stdio.h>

#define MAX_RUNS 15
#define MAX_ROWS 128
#define NSIZES 5

/* The sizes the issue asks for; a row uses those its mechanism allows. */
extern const size_t bench_sizes[NSIZES];

/* One mechanism, path and size, in every placement and run. */
struct row {
    const struct mech *m;
    size_t size;                               /* 0: a signal */
    struct figures fig[PLACE_COUNT][MAX_RUNS];
    int ok[PLACE_COUNT];                       /* runs that produced figures */
    char err[PLACE_COUNT][160];                /* the last failure's reason */
    double seconds[PLACE_COUNT];               /* wall time spent on it, all runs */
};

/* A median with its spread over the runs. */
struct spread {
    double med, min, max;
    int n;
};

struct run {
    int nrows, runs;
    int placed[PLACE_COUNT];                   /* placements measured */
    struct counts counts;
    struct row rows[MAX_ROWS];
    double syscall_ns[MAX_RUNS];
    double memcpy_mbs[NSIZES][MAX_RUNS];
    double board_mbs[NSIZES][MAX_RUNS];        /* bench_board_copy_mbs */
    double spin_us[PLACE_COUNT][MAX_RUNS];
    double pipe_us[PLACE_COUNT][MAX_RUNS];     /* the raw pipe ping-pong at 16 B */
    char date[40], machine[160], load_before[64], load_after[64];
    int quick;
};

/* The median, min and max of the n values v (negative ones ignored). */
struct spread bench_spread(const double *v, int n);

/* One figure of a row over its runs: which is an offset into struct figures. */
struct spread bench_row_spread(const struct row *r, enum placement pl, size_t which);

void bench_print_table(FILE *out, const struct run *run);
int bench_write_csv(const char *path, const struct run *run);
int bench_write_json(const char *path, const struct run *run);

#endif
