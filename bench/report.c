/* SPDX-License-Identifier: MIT */
/*
 * report.c - a run's figures as a terminal table, CSV and JSON. Every
 * figure is the median of the runs with their min and max; each row is
 * set against its floors (the raw pipe ping-pong for latency, memcpy at
 * the same size for throughput) and, for impl/, against its raw calls.
 *
 * See also: report.h, main.c, plot.sh (which reads the CSV).
 */
#include "report.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const size_t bench_sizes[NSIZES] = { 16, 256, 4096, 65536, 1048576 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

struct spread bench_spread(const double *v, int n)
{
    double s[MAX_RUNS];
    struct spread sp = { -1, -1, -1, 0 };

    for (int i = 0; i < n && i < MAX_RUNS; i++) {
        if (v[i] >= 0)
            s[sp.n++] = v[i];
    }
    if (sp.n == 0)
        return sp;
    qsort(s, (size_t)sp.n, sizeof *s, cmp_double);
    sp.min = s[0];
    sp.max = s[sp.n - 1];
    sp.med = sp.n % 2 ? s[sp.n / 2] : (s[sp.n / 2 - 1] + s[sp.n / 2]) / 2;
    return sp;
}

struct spread bench_row_spread(const struct row *r, enum placement pl, size_t which)
{
    double v[MAX_RUNS];

    for (int i = 0; i < r->ok[pl]; i++)
        memcpy(&v[i], (const char *)&r->fig[pl][i] + which, sizeof v[i]);
    return bench_spread(v, r->ok[pl]);
}

/* The raw row of r's mechanism at r's size, or NULL. */
static const struct row *raw_of(const struct run *run, const struct row *r)
{
    for (int i = 0; i < run->nrows; i++) {
        const struct row *o = &run->rows[i];

        if (o->size == r->size && strcmp(o->m->name, r->m->name) == 0 &&
            strcmp(o->m->via, "raw") == 0)
            return o;
    }
    return NULL;
}

/* Ratios of one row in one placement; -1 where there is none. */
struct ratios {
    double x_pipe;     /* round trip over the raw pipe ping-pong's */
    double of_memcpy;  /* MB/s over memcpy's at this size */
    double lat_cost;   /* impl's round trip over raw's, minus 1 */
    double tput_cost;  /* raw's messages/s over impl's, minus 1 */
};

static struct ratios ratios_of(const struct run *run, const struct row *r, enum placement pl)
{
    struct ratios q = { -1, -1, -1, -1 };
    struct spread lat = bench_row_spread(r, pl, offsetof(struct figures, p50_us));
    struct spread mbs = bench_row_spread(r, pl, offsetof(struct figures, mb_per_s));
    struct spread pipe = bench_spread(run->pipe_us[pl], run->runs);
    const struct row *raw = raw_of(run, r);

    if (lat.n > 0 && pipe.n > 0)
        q.x_pipe = lat.med / pipe.med;
    for (int s = 0; s < NSIZES; s++) {
        struct spread mc = bench_spread(run->memcpy_mbs[s], run->runs);

        if (bench_sizes[s] == r->size && mc.n > 0 && mbs.n > 0)
            q.of_memcpy = mbs.med / mc.med;
    }
    if (raw != NULL && raw != r && lat.n > 0 && raw->ok[pl] > 0) {
        struct spread rl = bench_row_spread(raw, pl, offsetof(struct figures, p50_us));
        struct spread rm = bench_row_spread(raw, pl, offsetof(struct figures, msgs_per_s));
        struct spread im = bench_row_spread(r, pl, offsetof(struct figures, msgs_per_s));

        q.lat_cost = lat.med / rl.med - 1;
        if (im.n > 0 && im.med > 0)
            q.tput_cost = rm.med / im.med - 1;
    }
    return q;
}

static const char *size_text(size_t size, char *buf, size_t cap)
{
    if (size == 0)
        snprintf(buf, cap, "int");
    else if (size >= 1048576)
        snprintf(buf, cap, "%zuM", size >> 20);
    else if (size >= 1024)
        snprintf(buf, cap, "%zuK", size >> 10);
    else
        snprintf(buf, cap, "%zu", size);
    return buf;
}

static const char *pct(double v, char *buf, size_t cap)
{
    if (v < -0.99)
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%+.0f%%", v * 100);
    return buf;
}

static void print_floors(FILE *out, const struct run *run)
{
    char sz[16];

    fprintf(out, "floors: null system call %.0f ns; memcpy MB/s:",
            bench_spread(run->syscall_ns, run->runs).med);
    for (int s = 0; s < NSIZES; s++)
        fprintf(out, " %s %.0f", size_text(bench_sizes[s], sz, sizeof sz),
                bench_spread(run->memcpy_mbs[s], run->runs).med);
    fprintf(out, "\n  board copy, impl/, one process (write + read, MB/s of records):");
    for (int s = 0; s < NSIZES; s++)
        fprintf(out, " %s %.0f", size_text(bench_sizes[s], sz, sizeof sz),
                bench_spread(run->board_mbs[s], run->runs).med);
    fprintf(out, "\n");
    for (int pl = 0; pl < PLACE_COUNT; pl++) {
        if (run->placed[pl])
            fprintf(out, "  %-8s spin ping-pong %.2f us, pipe ping-pong (16 B) %.2f us\n",
                    bench_place_names[pl], bench_spread(run->spin_us[pl], run->runs).med,
                    bench_spread(run->pipe_us[pl], run->runs).med);
    }
}

static void print_row(FILE *out, const struct run *run, const struct row *r, enum placement pl)
{
    struct spread p50 = bench_row_spread(r, pl, offsetof(struct figures, p50_us));
    struct spread p99 = bench_row_spread(r, pl, offsetof(struct figures, p99_us));
    struct spread mx = bench_row_spread(r, pl, offsetof(struct figures, max_us));
    struct spread msgs = bench_row_spread(r, pl, offsetof(struct figures, msgs_per_s));
    struct spread mbs = bench_row_spread(r, pl, offsetof(struct figures, mb_per_s));
    struct spread rts = bench_row_spread(r, pl, offsetof(struct figures, round_trips));
    struct ratios q = ratios_of(run, r, pl);
    char sz[16], a[16], b[16];

    if (p50.n == 0) {
        fprintf(out, "%-15s %-4s %5s  no figure: %s\n", r->m->name, r->m->via,
                size_text(r->size, sz, sizeof sz), r->err[pl]);
        return;
    }
    fprintf(out, "%-15s %-4s %5s %8.2f (%7.2f-%8.2f) %8.2f %9.1f %6.0f %10.0f %9.1f %6.2f %7.3f %6s %6s\n",
            r->m->name, r->m->via, size_text(r->size, sz, sizeof sz), p50.med, p50.min, p50.max,
            p99.med, mx.med, rts.min, msgs.med, mbs.med, q.x_pipe, q.of_memcpy,
            pct(q.lat_cost, a, sizeof a), pct(q.tput_cost, b, sizeof b));
}

void bench_print_table(FILE *out, const struct run *run)
{
    fprintf(out, "\nipcspec-bench %s, %s\n", run->date, run->machine);
    fprintf(out, "load average before %s, after %s; %d run(s) each; round trips a run: %d "
                 "(%d at 64K, %d at 1M) or %.1f s, at least %d\n",
            run->load_before, run->load_after, run->runs, run->counts.round_trips,
            bench_round_trips(&run->counts, 65536), bench_round_trips(&run->counts, 1048576),
            run->counts.rt_budget_s, run->counts.min_round_trips);
    print_floors(out, run);
    for (int pl = 0; pl < PLACE_COUNT; pl++) {
        if (!run->placed[pl])
            continue;
        fprintf(out, "\nplacement %s: round trip in us (median of runs, min-max; n: fewest "
                     "timed in a run), one way msg/s and MB/s; x pipe = round trip / pipe "
                     "ping-pong; memcpy = MB/s / memcpy's; impl cost over raw: latency, "
                     "throughput\n",
                bench_place_names[pl]);
        fprintf(out, "%-15s %-4s %5s %8s %17s %8s %9s %6s %10s %9s %6s %7s %6s %6s\n",
                "mechanism", "via", "size", "rtt p50", "(min-max)", "p99", "max", "n", "msg/s",
                "MB/s", "x pipe", "memcpy", "lat", "tput");
        for (int i = 0; i < run->nrows; i++)
            print_row(out, run, &run->rows[i], (enum placement)pl);
    }
}

enum { NFIGURES = 6 };
static const char *const figure_names[NFIGURES] = { "rtt_p50_us", "rtt_p99_us", "rtt_max_us",
                                                    "msgs_per_s", "mb_per_s", "round_trips" };
static const size_t figure_offsets[NFIGURES] = {
    offsetof(struct figures, p50_us),     offsetof(struct figures, p99_us),
    offsetof(struct figures, max_us),     offsetof(struct figures, msgs_per_s),
    offsetof(struct figures, mb_per_s),   offsetof(struct figures, round_trips),
};

int bench_write_csv(const char *path, const struct run *run)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return -1;
    fprintf(f, "mechanism,via,size,placement,runs");
    for (int k = 0; k < NFIGURES; k++)
        fprintf(f, ",%s,%s_min,%s_max", figure_names[k], figure_names[k], figure_names[k]);
    fprintf(f, ",x_pipe,of_memcpy,impl_lat_cost,impl_tput_cost,seconds\n");
    for (int i = 0; i < run->nrows; i++) {
        const struct row *r = &run->rows[i];

        for (int pl = 0; pl < PLACE_COUNT; pl++) {
            struct ratios q = ratios_of(run, r, (enum placement)pl);

            if (!run->placed[pl] || r->ok[pl] == 0)
                continue;
            fprintf(f, "%s,%s,%zu,%s,%d", r->m->name, r->m->via, r->size ? r->size : sizeof(int),
                    bench_place_names[pl], r->ok[pl]);
            for (int k = 0; k < NFIGURES; k++) {
                struct spread s = bench_row_spread(r, (enum placement)pl, figure_offsets[k]);

                fprintf(f, ",%.4g,%.4g,%.4g", s.med, s.min, s.max);
            }
            fprintf(f, ",%.4g,%.4g,%.4g,%.4g,%.3g\n", q.x_pipe, q.of_memcpy, q.lat_cost,
                    q.tput_cost, r->seconds[pl]);
        }
    }
    return fclose(f) == 0 ? 0 : -1;
}

static void json_spread(FILE *f, const char *key, struct spread s, const char *sep)
{
    fprintf(f, "\"%s\": {\"median\": %.6g, \"min\": %.6g, \"max\": %.6g}%s", key, s.med, s.min,
            s.max, sep);
}

static void json_floors(FILE *f, const struct run *run)
{
    fprintf(f, "  \"floors\": {\n    ");
    json_spread(f, "syscall_ns", bench_spread(run->syscall_ns, run->runs), ",\n    ");
    fprintf(f, "\"memcpy_mb_per_s\": {");
    for (int s = 0; s < NSIZES; s++) {
        char key[24];

        snprintf(key, sizeof key, "%zu", bench_sizes[s]);
        json_spread(f, key, bench_spread(run->memcpy_mbs[s], run->runs), s < NSIZES - 1 ? ", " : "");
    }
    fprintf(f, "},\n    \"board_copy_mb_per_s\": {");
    for (int s = 0; s < NSIZES; s++) {
        char key[24];

        snprintf(key, sizeof key, "%zu", bench_sizes[s]);
        json_spread(f, key, bench_spread(run->board_mbs[s], run->runs), s < NSIZES - 1 ? ", " : "");
    }
    fprintf(f, "}");
    for (int pl = 0; pl < PLACE_COUNT; pl++) {
        char key[48];

        if (!run->placed[pl])
            continue;
        snprintf(key, sizeof key, "spin_us_%s", bench_place_names[pl]);
        fprintf(f, ",\n    ");
        json_spread(f, key, bench_spread(run->spin_us[pl], run->runs), ",\n    ");
        snprintf(key, sizeof key, "pipe_us_%s", bench_place_names[pl]);
        json_spread(f, key, bench_spread(run->pipe_us[pl], run->runs), "");
    }
    fprintf(f, "\n  },\n");
}

static void json_row(FILE *f, const struct run *run, const struct row *r, enum placement pl,
                     int *first)
{
    struct ratios q = ratios_of(run, r, pl);

    fprintf(f, "%s\n    {\"mechanism\": \"%s\", \"via\": \"%s\", \"size\": %zu, "
               "\"placement\": \"%s\", \"runs\": %d, ",
            *first ? "" : ",", r->m->name, r->m->via, r->size ? r->size : sizeof(int),
            bench_place_names[pl], r->ok[pl]);
    *first = 0;
    for (int k = 0; k < NFIGURES; k++)
        json_spread(f, figure_names[k], bench_row_spread(r, pl, figure_offsets[k]), ", ");
    fprintf(f, "\"x_pipe\": %.4g, \"of_memcpy\": %.4g, \"impl_lat_cost\": %.4g, "
               "\"impl_tput_cost\": %.4g}",
            q.x_pipe, q.of_memcpy, q.lat_cost, q.tput_cost);
}

int bench_write_json(const char *path, const struct run *run)
{
    FILE *f = fopen(path, "w");
    int first = 1;

    if (f == NULL)
        return -1;
    fprintf(f, "{\n  \"date\": \"%s\", \"machine\": \"%s\",\n", run->date, run->machine);
    fprintf(f, "  \"load_before\": \"%s\", \"load_after\": \"%s\",\n", run->load_before,
            run->load_after);
    fprintf(f, "  \"runs\": %d, \"round_trips\": %d, \"quick\": %s,\n", run->runs,
            run->counts.round_trips, run->quick ? "true" : "false");
    json_floors(f, run);
    fprintf(f, "  \"rows\": [");
    for (int i = 0; i < run->nrows; i++) {
        for (int pl = 0; pl < PLACE_COUNT; pl++) {
            if (run->placed[pl] && run->rows[i].ok[pl] > 0)
                json_row(f, run, &run->rows[i], (enum placement)pl, &first);
        }
    }
    fprintf(f, "\n  ]\n}\n");
    return fclose(f) == 0 ? 0 : -1;
}
