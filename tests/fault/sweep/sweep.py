#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sweep.py - the exhaustive fault sweep (spec/faults.md FIU-SWEEP-*).

A scenario is one end-to-end use of one mechanism: programs run in a fixed
order with fixed arguments and a known right result. The sweep runs it once
with every failure point traced (IPCSPEC_FAULT_TRACE), which lists the calls
each role makes: (point, nth), the nth call of that point in that process.
Then, for every such call and every errno the call may return (errnos.tsv, from
the man pages), it runs the scenario again with exactly that call failing with
that errno (IPCSPEC_FAULTS). Short reads and writes (the .../reduce points)
and a write that makes no progress (.../write/zero) are swept the same way,
once each. After every run it judges:

  clean   every program exited 0 with the right result, or exited 1 with one
          line per failing process on standard error, each "program: ...",
          and the program that met the fault named its errno (strerror text);
  dirty   a crash (any signal), exit status other than 0 and 1, a hang (the
          deadline passed), success with a wrong result, a message that is not
          one line naming the errno, or a leak: a descriptor open at exit
          (IPCSPEC_FD_AUDIT), a process still alive, a message queue or shm
          object or file left, or memory (ASan, LeakSanitizer and UBSan, in a
          sanitizer build: --asan);
  unfired the armed call was not reached in this run. Allowed only where the
          scenario declares why (may_not_fire: (role, point) -> reason; a
          server's select rounds vary with timing): counted, with the reason
          printed, never counted clean. Any other fault that never fired
          fails the sweep: a run that proves nothing is not a pass.

A role of a scenario whose trace saw no call at all fails the sweep too
(the preload not loaded, a program making no call it wraps): there would be
nothing to sweep, and nothing swept is no pass. While the runs go on, a
progress line says how many cases of the plan are done (sweep_report.py).

The order of runs is the trace's order, or shuffled by --seed: the same seed
gives the same sequence of the traced calls. The report (--json) lists the
cases in the order run, and --replay runs exactly those again, in that order:
a server's trace varies with timing (how many select rounds it took), so a
replay is how a sweep is repeated call for call. A dirty run prints the scenario, the call number,
the point, the errno, why, and one command that reruns just that case.
Exit status 0 when no run is dirty and every fault fired or was declared
unable to, 1 otherwise (and when a role traced nothing), 2 on a usage or
set-up error.

This file plans and runs; sweep_run.py runs one scenario once and judges
it, sweep_scenarios.py holds the scenarios, sweep_report.py prints progress
and writes the reports, sweep_reach.py is the reach check.
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import sys
import tempfile
import time

from sweep_reach import reach
from sweep_report import PROGRESS_EVERY_S, Progress, summary, write_report
from sweep_run import HERE, Run, SetupError, load_errnos
from sweep_scenarios import SCENARIOS


class NothingTraced(Exception):
    """A role of the scenario made no call the trace saw: nothing to sweep."""

# --- the sweep -------------------------------------------------------------------

def one_run(args, scenario, fault=None, trace=False):
    run = Run(args, scenario, fault, trace)
    try:
        scenario.play(run)
    finally:
        run.finish()
    return run


def trace_calls(args, scenario):
    """One run with no fault and every point traced: role -> [(point, nth)]."""
    run = one_run(args, scenario, trace=True)
    try:
        if run.problems:
            raise SetupError("the scenario %s is not clean without faults: %s"
                             % (scenario.name, "; ".join(run.problems)))
        return run.traced_calls()
    finally:
        run.cleanup()


def plan(args, scenario, table):
    calls = trace_calls(args, scenario)
    silent = [role for role in scenario.roles if not calls.get(role)]
    if silent:
        raise NothingTraced("the trace saw no call of %s: nothing to sweep (is the preload "
                            "loaded? does the program make any call it wraps?)"
                            % " or ".join(silent))
    cases, missing = [], set()
    for role in scenario.roles:
        for point, nth in calls.get(role, []):
            if point not in table:
                missing.add(point)
                continue
            cases += [(role, point, nth, name) for name in table[point]]
    if missing:
        raise SetupError("no row in errnos.tsv for: " + ", ".join(sorted(missing)))
    impossible = getattr(scenario, "cannot_happen", {})
    excluded = [c for c in cases if (c[1], c[3]) in impossible]
    for (point, name), why in sorted(impossible.items()):
        n = sum(1 for c in excluded if (c[1], c[3]) == (point, name))
        print("sweep %s: %d runs of %s failing with %s left out: %s"
              % (scenario.name, n, point, name, why))
    return [c for c in cases if c not in excluded], calls, len(excluded)


def rerun_command(args, scenario, fault):
    role, point, nth, name = fault
    return "python3 %s --build %s --fiu-preload %s%s --scenario %s --only %s:%s:%d:%s" % (
        os.path.abspath(__file__), args.build, args.fiu_preload,
        " --asan " + args.asan if args.asan else "", scenario.name, role, point, nth, name)


def cases_of(args, scenario):
    """The cases to run, in order; the trace's calls; how many were left out."""
    if args.only:
        role, point, nth, name = args.only.rsplit(":", 3)
        return [(role, point, int(nth), name)], {}, 0
    if args.replay:
        return replayed(args, scenario)
    cases, calls, excluded = plan(args, scenario, load_errnos(args.errnos))
    if args.seed:
        random.Random(args.seed).shuffle(cases)
    return cases, calls, excluded


def run_cases(args, scenario, cases, counts, start):
    """Run every case and judge it: the dirty runs and the faults that never
    fired without a declared reason, each (fault, ...); counts filled in."""
    dirty, never_fired = [], []
    may_not_fire = getattr(scenario, "may_not_fire", {})
    progress = Progress(scenario.name, len(cases), start, args.progress_every)

    def work(fault):
        run = one_run(args, scenario, fault)
        try:
            fired = run.fired()
            failed = any(p.returncode not in (0, None) for _, _, p, _, _ in run.procs)
            return fault, fired, failed, list(run.problems)
        finally:
            run.cleanup()

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for done, (fault, fired, failed, problems) in enumerate(pool.map(work, cases), 1):
            if problems:
                counts["dirty"] += 1
                dirty.append((fault, problems))
            elif not fired and (fault[0], fault[1]) in may_not_fire:
                counts["unfired"] += 1
            elif not fired:
                counts["never-fired"] += 1
                never_fired.append(fault)
            else:
                counts["clean-error" if failed else "clean-success"] += 1
            progress.step(done, counts)
    progress.done()
    return dirty, never_fired


def print_found(args, scenario, cases, dirty, never_fired):
    for fault, problems in dirty:
        role, point, nth, name = fault
        print("DIRTY %s: %s call %d of %s failing with %s" % (scenario.name, role, nth, point, name))
        for problem in problems:
            print("    " + problem)
        print("    rerun: " + rerun_command(args, scenario, fault))
    for fault in never_fired:
        role, point, nth, name = fault
        print("UNFIRED %s: %s call %d of %s failing with %s: the armed fault never fired, and "
              "the scenario declares no reason it may not (may_not_fire, sweep_scenarios.py)"
              % (scenario.name, role, nth, point, name))
        print("    rerun: " + rerun_command(args, scenario, fault))
    declared = {}
    for (role, point), why in sorted(getattr(scenario, "may_not_fire", {}).items()):
        runs = sum(1 for c in cases if c[:2] == (role, point))
        if runs:
            declared["%s %s" % (role, point)] = why
            print("sweep %s: %d runs of %s in %s may not fire: %s"
                  % (scenario.name, runs, point, role, why))
    return declared


def sweep(args):
    """Plan, run and judge one scenario: (counts, dirty runs, cases, never fired)."""
    scenario = SCENARIOS[args.scenario]
    start = time.monotonic()
    try:
        cases, calls, excluded = cases_of(args, scenario)
    except NothingTraced as e:
        print("NO CALLS %s: %s" % (scenario.name, e))
        counts = {"clean-success": 0, "clean-error": 0, "dirty": 0, "unfired": 0,
                  "never-fired": 0, "left-out": 0}
        write_report(args, scenario, [], counts, [], time.monotonic() - start, failed=str(e))
        return counts, [], [], [], str(e)
    if args.plan_only:
        for role, point, nth, name in cases:
            print("%s:%s:%d:%s" % (role, point, nth, name))
        write_report(args, scenario, cases, {"left-out": excluded}, [], 0.0)
        return {"dirty": 0}, [], cases, [], None
    counts = {"clean-success": 0, "clean-error": 0, "dirty": 0, "unfired": 0,
              "never-fired": 0, "left-out": excluded}
    dirty, never_fired = run_cases(args, scenario, cases, counts, start)
    wall = time.monotonic() - start
    declared = print_found(args, scenario, cases, dirty, never_fired)
    points = sorted({p for role in calls.values() for p, _ in role} or {c[1] for c in cases})
    print("sweep %s: %d faults injected over %d calls of %d points: %d clean-success, "
          "%d clean-error, %d dirty, %d unfired as declared, %d never fired, %d left out; "
          "%.1fs%s"
          % (scenario.name, len(cases), sum(len(v) for v in calls.values()), len(points),
             counts["clean-success"], counts["clean-error"], counts["dirty"], counts["unfired"],
             counts["never-fired"], excluded, wall, " (ASan+UBSan)" if args.asan else ""))
    write_report(args, scenario, cases, counts, points, wall,
                 dirty=[{"fault": list(c), "problems": p, "rerun": rerun_command(args, scenario, c)}
                        for c, p in dirty],
                 never_fired=[{"fault": list(c), "rerun": rerun_command(args, scenario, c)}
                              for c in never_fired],
                 may_not_fire=declared)
    return counts, dirty, cases, never_fired, None


def replayed(args, scenario):
    """The cases of an earlier report, in its order: a scenario whose trace
    varies with timing (a server's select rounds) is run exactly as then."""
    with open(args.replay, encoding="utf-8") as f:
        report = json.load(f)
    if report.get("scenario") != scenario.name or "cases" not in report:
        raise SetupError("%s is no report of a sweep of %s" % (args.replay, scenario.name))
    cases = [(role, point, int(nth), name) for role, point, nth, name in report["cases"]]
    return cases, {}, report.get("counts", {}).get("left-out", 0)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", required=True, help="the CMake build directory")
    p.add_argument("--scenario", choices=sorted(SCENARIOS))
    p.add_argument("--errnos", default=os.path.join(HERE, "errnos.tsv"))
    p.add_argument("--only", metavar="ROLE:POINT:NTH:ERRNO", help="run just this case")
    p.add_argument("--seed", type=int, default=0, help="shuffle the runs (0: trace order)")
    p.add_argument("--replay", metavar="REPORT",
                   help="run the cases of an earlier report (--json), in its order")
    p.add_argument("--plan-only", action="store_true",
                   help="trace and print the cases, ROLE:POINT:NTH:ERRNO in run order; run none")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--progress-every", type=float, default=PROGRESS_EVERY_S, metavar="S",
                   help="without a terminal, a progress line every S seconds (on a terminal "
                        "one line is rewritten in place)")
    p.add_argument("--fiu-preload", help="libfiu's fiu_posix_preload.so (needed to run)")
    p.add_argument("--asan", metavar="LIBASAN",
                   help="programs built with ASan: preload this runtime first, judge its reports")
    p.add_argument("--json", help="write the sweep's report here (default: "
                   "BUILD/sweep-report/SCENARIO.json, which --summary reads)")
    p.add_argument("--summary", action="store_true",
                   help="print the table of every scenario's last report in BUILD")
    p.add_argument("--expect-dirty", metavar="POINT=TEXT", action="append", default=[],
                   help="self-test: every run failing POINT must be dirty with a problem "
                        "containing TEXT (repeatable); other points are not judged")
    p.add_argument("--reach", action="store_true",
                   help="trace every scenario and check that each call impl/ makes is reached")
    p.add_argument("--sources", nargs="+", metavar="STEM",
                   help="with --reach: only impl/src files whose name starts with a STEM "
                        "(the mechanisms the gated scenarios cover)")
    p.add_argument("--scenarios", nargs="+", metavar="NAME",
                   help="with --reach: only these scenarios")
    args = p.parse_args(argv)
    if not (args.reach or args.summary) and args.scenario is None:
        p.error("--scenario, --reach or --summary is needed")
    if not args.summary and args.fiu_preload is None:
        p.error("--fiu-preload is needed to run scenarios")
    args.build = os.path.abspath(args.build)
    args.preload = os.path.join(args.build, "tests/fault/preload/libipcspec_preload.so")
    if args.json is None and args.scenario and not args.only and not args.plan_only:
        args.json = os.path.join(args.build, "sweep-report", args.scenario + ".json")
    args.scale = float(os.environ.get("IPCSPEC_TIMEOUT_SCALE", "1")) * (2 if args.asan else 1)
    return args


def points_list(args):
    """Every point either preload provides: the trace watches them all."""
    names = set()
    for lib in (args.fiu_preload, args.preload):
        data = open(lib, "rb").read()
        names |= {m.decode() for m in re.findall(rb"(?:posix|libc|linux)/[a-z0-9_/]+", data)}
    fd, path = tempfile.mkstemp(prefix="ipcspec-points-")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(sorted(n for n in names if not n.endswith("/"))) + "\n")
    return path


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.summary:
        return summary(args)
    for need in (args.fiu_preload, args.preload) + ((args.asan,) if args.asan else ()):
        if not os.path.exists(need):
            print("sweep: %s is missing (build with IPC_SWEEP=ON)" % need, file=sys.stderr)
            return 2
    args.points_file = points_list(args)
    try:
        if args.reach:
            return reach(args, trace_calls)
        counts, dirty, cases, never_fired, failed = sweep(args)
    except SetupError as e:
        print("sweep: " + str(e), file=sys.stderr)
        return 2
    finally:
        os.unlink(args.points_file)
    if failed or never_fired:
        return 1
    if args.expect_dirty:
        return self_test(args, dirty, cases)
    return 1 if dirty else 0


def self_test(args, dirty, cases):
    """Each POINT=TEXT: every run failing POINT was dirty, saying TEXT."""
    bad = 0
    for item in args.expect_dirty:
        point, _, text = item.partition("=")
        runs = [c for c in cases if c[1] == point]
        if not runs:
            print("sweep self-test: no run failed %s" % point, file=sys.stderr)
            bad += 1
        for case in runs:
            problems = next((p for f, p in dirty if f == case), [])
            if not any(text in problem for problem in problems):
                print("sweep self-test: %s failing with %s was not judged dirty for %r (%s)"
                      % (point, case[3], text, problems or "judged clean"), file=sys.stderr)
                bad += 1
    if bad == 0:
        print("sweep self-test: every mishandled failure was judged dirty, for the right reason")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
