/* SPDX-License-Identifier: MIT */
/*
 * main.c - ipcspec-bench: what each IPC mechanism costs on this machine,
 * through impl/ and through the raw calls underneath, in one run.
 *
 *   ipcspec-bench [--quick] [--mechanism a,b] [--size 16,4K] [--placement same,split]
 *                 [--runs N] [--round-trips N] [--out DIR]
 *
 * Every figure is measured in three placements (unpinned, both processes on
 * one CPU, on different CPUs) and --runs times; runs are interleaved (run 1
 * of every row, then run 2, ...) so that a change of load spreads over all
 * rows. Writes DIR/bench.csv and DIR/bench.json, prints the table, and
 * exits 1 when any row in any placement produced no figure.
 *
 * See also: bench.h, measure.c, floors.c, report.c, plot.sh, README.md.
 */
#include "report.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

const char *const bench_place_names[PLACE_COUNT] = { "unpinned", "same", "split" };

enum { NFAMILIES = 5 };
static const struct mech *const families[NFAMILIES] = { bench_stream_mechs, bench_dgram_mechs,
                                                        bench_mq_mechs, bench_shm_mechs,
                                                        bench_sig_mechs };

struct options {
    const char *mechanisms; /* comma-separated names, NULL: all */
    size_t sizes[NSIZES];
    int nsizes;             /* 0: all */
    int placed[PLACE_COUNT];
    const char *out;
};

static struct run the_run;

static void usage(FILE *f)
{
    fprintf(f, "usage: ipcspec-bench [--quick] [--mechanism NAME[,NAME...]] [--size N[,N...]]\n"
               "                     [--placement unpinned,same,split] [--runs N]\n"
               "                     [--round-trips N] [--out DIR]\n"
               "sizes: 16 256 4K 64K 1M; mechanisms:");
    for (int f_ = 0; f_ < NFAMILIES; f_++) {
        for (const struct mech *m = families[f_]; m->name != NULL; m++) {
            if (strcmp(m->via, "raw") == 0)
                fprintf(f, " %s", m->name);
        }
    }
    fprintf(f, "\n");
}

/* Is name in the comma-separated list? */
static int listed(const char *list, const char *name)
{
    size_t len = strlen(name);

    for (const char *p = list; p != NULL && *p != '\0'; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return 1;
    }
    return 0;
}

static int parse_sizes(struct options *o, const char *arg)
{
    char *end;

    for (const char *p = arg; *p != '\0'; p = *end == ',' ? end + 1 : end) {
        unsigned long v = strtoul(p, &end, 10);

        if (*end == 'K' || *end == 'k')
            v <<= 10, end++;
        else if (*end == 'M' || *end == 'm')
            v <<= 20, end++;
        if (end == p || (*end != ',' && *end != '\0') || v == 0 || v > BENCH_MAX_SIZE ||
            o->nsizes == NSIZES)
            return -1;
        o->sizes[o->nsizes++] = v;
    }
    return 0;
}

static int parse_int(const char *arg, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (end == arg || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* An option that takes a value. */
static int known_option(const char *a)
{
    static const char *const names[] = { "--mechanism", "--size", "--placement", "--runs",
                                         "--round-trips", "--out", NULL };

    for (int i = 0; names[i] != NULL; i++) {
        if (strcmp(a, names[i]) == 0)
            return 1;
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct options *o, struct run *run)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;

        if (strcmp(a, "--quick") == 0) {
            run->quick = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (v == NULL || !known_option(a))
            bad = 1;
        else if (strcmp(a, "--mechanism") == 0)
            o->mechanisms = v;
        else if (strcmp(a, "--size") == 0)
            bad = parse_sizes(o, v);
        else if (strcmp(a, "--placement") == 0)
            for (int pl = 0; pl < PLACE_COUNT; pl++)
                o->placed[pl] = listed(v, bench_place_names[pl]);
        else if (strcmp(a, "--runs") == 0)
            bad = parse_int(v, 1, MAX_RUNS, &run->runs);
        else if (strcmp(a, "--round-trips") == 0)
            bad = parse_int(v, 100, 1000000, &run->counts.round_trips);
        else
            o->out = v; /* --out, the one option left */
        if (bad) {
            fprintf(stderr, "ipcspec-bench: bad argument: %s%s%s\n", a, v ? " " : "", v ? v : "");
            usage(stderr);
            return -1;
        }
        i++;
    }
    return 0;
}

/* Add the rows the options select; -1 when a named mechanism is unknown. */
static int select_rows(struct run *run, const struct options *o)
{
    for (int f = 0; f < NFAMILIES; f++) {
        for (const struct mech *m = families[f]; m->name != NULL; m++) {
            if (o->mechanisms != NULL && !listed(o->mechanisms, m->name))
                continue;
            for (int s = 0; s < NSIZES; s++) {
                size_t size = m->max_size == 0 ? 0 : bench_sizes[s];
                int wanted = o->nsizes == 0;

                for (int k = 0; k < o->nsizes; k++)
                    wanted |= o->sizes[k] == bench_sizes[s] || m->max_size == 0;
                if (!wanted || size > m->max_size || run->nrows == MAX_ROWS)
                    continue;
                run->rows[run->nrows].m = m;
                run->rows[run->nrows++].size = size;
                if (size == 0)
                    break; /* a signal: one row */
            }
        }
    }
    return run->nrows > 0 ? 0 : -1;
}

/* The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them. */
static void load_text(char *out, size_t cap)
{
    FILE *f = fopen("/proc/loadavg", "r");

    if (f != NULL) {
        char line[128] = "", *p = line, *end;

        if (fgets(line, sizeof line, f) != NULL) {
            double a = strtod(p, &end), b, c;

            p = end;
            b = strtod(p, &end);
            p = end;
            c = strtod(p, &end);
            if (end != p)
                snprintf(out, cap, "%.2f %.2f %.2f", a, b, c);
        }
        fclose(f);
    }
}

static void describe_machine(struct run *run)
{
    char model[96] = "unknown CPU", line[256];
    struct utsname u;
    FILE *f = fopen("/proc/cpuinfo", "r");
    time_t now = time(NULL);
    struct tm tm;

    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');

        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(model, sizeof model, "%s", colon + 2);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    }
    if (f != NULL)
        fclose(f);
    uname(&u);
    gmtime_r(&now, &tm);
    strftime(run->date, sizeof run->date, "%Y-%m-%d %H:%M UTC", &tm);
    int n = snprintf(run->machine, sizeof run->machine, "%ld CPUs (%s), Linux %s",
                     sysconf(_SC_NPROCESSORS_ONLN), model, u.release);
    if (n < 0 || (size_t)n >= sizeof run->machine) /* cut short: say so at its end */
        memcpy(run->machine + sizeof run->machine - 4, "...", 4);
}

/* One progress line: on a terminal rewritten in place, elsewhere one line
 * per placement and run. */
static void progress(int done, int total, int r, const char *place, const struct row *row)
{
    static const char *last_place;
    static int last_r = -1;

    if (isatty(STDERR_FILENO)) {
        fprintf(stderr, "\r[%4d/%d] run %d %-8s %-15s %-4s %7zu B ", done + 1, total, r + 1,
                place, row->m->name, row->m->via, row->size);
    } else if (place != last_place || r != last_r) {
        fprintf(stderr, "ipcspec-bench: [%d/%d] run %d of %d, placement %s\n", done + 1, total,
                r + 1, the_run.runs, place);
        last_place = place;
        last_r = r;
    }
}

static void measure_floors(struct run *run, int r, enum placement pl)
{
    static const struct counts pipe_counts = { 2000, 1000, 1 << 20, 2000, 10, 10 };
    const struct mech *pipe = &bench_stream_mechs[1]; /* pipe, raw */
    struct figures fig;
    char err[160];

    run->spin_us[pl][r] = bench_floor_spin_us(pl, run->counts.round_trips);
    run->pipe_us[pl][r] = bench_measure(pipe, 16, pl, &pipe_counts, &fig, err, sizeof err) == 0
                              ? fig.p50_us : -1;
}

static void measure_all(struct run *run)
{
    int total = run->runs * run->nrows * (run->placed[0] + run->placed[1] + run->placed[2]);
    int done = 0;

    for (int r = 0; r < run->runs; r++) {
        run->syscall_ns[r] = bench_floor_syscall_ns();
        for (int s = 0; s < NSIZES; s++) {
            run->memcpy_mbs[s][r] = bench_floor_memcpy_mbs(bench_sizes[s]);
            run->board_mbs[s][r] = bench_board_copy_mbs(bench_sizes[s]);
        }
        for (int pl = 0; pl < PLACE_COUNT; pl++) {
            if (!run->placed[pl])
                continue;
            measure_floors(run, r, (enum placement)pl);
            for (int i = 0; i < run->nrows; i++, done++) {
                struct row *row = &run->rows[i];
                struct figures fig;

                uint64_t t0 = bench_now_ns();

                progress(done, total, r, bench_place_names[pl], row);
                if (bench_measure(row->m, row->size, (enum placement)pl, &run->counts, &fig,
                                  row->err[pl], sizeof row->err[pl]) == 0)
                    row->fig[pl][row->ok[pl]++] = fig;
                row->seconds[pl] += (double)(bench_now_ns() - t0) / 1e9;
            }
        }
    }
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\n");
}

/* Rows and placements that produced no figure; each is named on stderr. */
static int count_missing(const struct run *run)
{
    int missing = 0;

    for (int i = 0; i < run->nrows; i++) {
        for (int pl = 0; pl < PLACE_COUNT; pl++) {
            const struct row *r = &run->rows[i];

            if (run->placed[pl] && r->ok[pl] == 0) {
                fprintf(stderr, "ipcspec-bench: no figure for %s %s %zu B %s: %s\n", r->m->name,
                        r->m->via, r->size, bench_place_names[pl], r->err[pl]);
                missing++;
            }
        }
    }
    return missing;
}

static int write_outputs(const struct run *run, const char *dir)
{
    char path[512];

    if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
        fprintf(stderr, "ipcspec-bench: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/bench.csv", dir);
    if (bench_write_csv(path, run) < 0) {
        fprintf(stderr, "ipcspec-bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/bench.json", dir);
    if (bench_write_json(path, run) < 0) {
        fprintf(stderr, "ipcspec-bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    printf("\nwritten: %s/bench.csv, %s/bench.json (plot: bench/plot.sh %s/bench.csv)\n", dir,
           dir, dir);
    return 0;
}

/* Defaults for the mode: the full run, or the quick smoke test. */
static void set_defaults(struct run *run, struct options *o)
{
    if (run->runs == 0)
        run->runs = run->quick ? 1 : 5;
    if (run->counts.round_trips == 0)
        run->counts.round_trips = run->quick ? 200 : 10000;
    run->counts.messages = run->quick ? 400 : 5000;
    run->counts.bytes = run->quick ? (size_t)1 << 20 : (size_t)16 << 20;
    run->counts.min_round_trips = run->counts.round_trips < 1000 ? run->counts.round_trips : 1000;
    run->counts.rt_budget_s = 0.5;
    run->counts.stream_budget_s = 0.25;
    if (run->quick && o->nsizes == 0) {
        o->sizes[o->nsizes++] = 16;
        o->sizes[o->nsizes++] = 4096;
    }
    if (!o->placed[0] && !o->placed[1] && !o->placed[2]) {
        o->placed[PLACE_UNPINNED] = 1;
        o->placed[PLACE_SAME] = o->placed[PLACE_SPLIT] = !run->quick;
    }
}

int main(int argc, char **argv)
{
    struct sigaction ign = { .sa_handler = SIG_IGN };
    struct options o = { .out = "bench-results" };
    struct run *run = &the_run;
    int first, second, missing;

    if (parse_args(argc, argv, &o, run) < 0)
        return 2;
    set_defaults(run, &o);
    if (select_rows(run, &o) < 0) {
        fprintf(stderr, "ipcspec-bench: no mechanism matches --mechanism %s\n", o.mechanisms);
        usage(stderr);
        return 2;
    }
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, NULL); /* a peer that died is an error, not our death */
    if (bench_cpus(&first, &second) < 2 && (o.placed[PLACE_SPLIT] || o.placed[PLACE_SAME])) {
        fprintf(stderr, "ipcspec-bench: fewer than two CPUs: measuring unpinned only\n");
        o.placed[PLACE_SPLIT] = o.placed[PLACE_SAME] = 0;
        o.placed[PLACE_UNPINNED] = 1;
    }
    memcpy(run->placed, o.placed, sizeof run->placed);
    describe_machine(run);
    load_text(run->load_before, sizeof run->load_before);
    measure_all(run);
    load_text(run->load_after, sizeof run->load_after);
    bench_dir_remove();
    bench_print_table(stdout, run);
    missing = count_missing(run);
    if (write_outputs(run, o.out) < 0)
        return 1;
    if (missing > 0) {
        fprintf(stderr, "ipcspec-bench: FAILED: %d row(s) produced no figure\n", missing);
        return 1;
    }
    return 0;
}
