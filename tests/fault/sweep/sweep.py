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
  unfired the call was not reached in this run (timing-dependent rounds):
          reported, never counted clean.

The order of runs is the trace's order, or shuffled by --seed: the same seed
gives the same sequence of the traced calls. The report (--json) lists the
cases in the order run, and --replay runs exactly those again, in that order:
a server's trace varies with timing (how many select rounds it took), so a
replay is how a sweep is repeated call for call. A dirty run prints the scenario, the call number,
the point, the errno, why, and one command that reruns just that case.
Exit status 0 when no run is dirty, 1 otherwise, 2 on a usage or set-up error.

This file plans, runs and reports; sweep_run.py runs one scenario once and
judges it, sweep_scenarios.py holds the scenarios.
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

from sweep_run import HERE, Run, SetupError, load_errnos
from sweep_scenarios import SCENARIOS

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


def sweep(args):
    table = load_errnos(args.errnos)
    scenario = SCENARIOS[args.scenario]
    start = time.monotonic()
    if args.only:
        role, point, nth, name = args.only.rsplit(":", 3)
        cases, calls, excluded = [(role, point, int(nth), name)], {}, 0
    elif args.replay:
        cases, calls, excluded = replayed(args, scenario)
    else:
        cases, calls, excluded = plan(args, scenario, table)
        if args.seed:
            random.Random(args.seed).shuffle(cases)
    if args.plan_only:
        for role, point, nth, name in cases:
            print("%s:%s:%d:%s" % (role, point, nth, name))
        write_report(args, scenario, cases, {"left-out": excluded}, [], [], 0.0)
        return {"dirty": 0}, [], cases
    counts = {"clean-success": 0, "clean-error": 0, "dirty": 0, "unfired": 0,
              "left-out": excluded}
    dirty = []

    def work(fault):
        run = one_run(args, scenario, fault)
        try:
            fired = run.fired()
            failed = any(p.returncode not in (0, None) for _, _, p, _, _ in run.procs)
            return fault, fired, failed, list(run.problems)
        finally:
            run.cleanup()

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for fault, fired, failed, problems in pool.map(work, cases):
            if problems:
                counts["dirty"] += 1
                dirty.append((fault, problems))
            elif not fired:
                counts["unfired"] += 1
            else:
                counts["clean-error" if failed else "clean-success"] += 1
    wall = time.monotonic() - start
    for fault, problems in dirty:
        role, point, nth, name = fault
        print("DIRTY %s: %s call %d of %s failing with %s" % (scenario.name, role, nth, point, name))
        for problem in problems:
            print("    " + problem)
        print("    rerun: " + rerun_command(args, scenario, fault))
    points = sorted({p for role in calls.values() for p, _ in role} or {c[1] for c in cases})
    print("sweep %s: %d faults injected over %d calls of %d points: %d clean-success, "
          "%d clean-error, %d dirty, %d unfired, %d left out; %.1fs%s"
          % (scenario.name, len(cases), sum(len(v) for v in calls.values()), len(points),
             counts["clean-success"], counts["clean-error"], counts["dirty"], counts["unfired"],
             excluded, wall, " (ASan+UBSan)" if args.asan else ""))
    write_report(args, scenario, cases, counts, points, dirty, wall)
    return counts, dirty, cases


def write_report(args, scenario, cases, counts, points, dirty, wall):
    """The sweep's JSON report: its counts, and the cases in the order run
    (which --replay runs again, exactly)."""
    if not args.json:
        return
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump({"scenario": scenario.name, "seed": args.seed, "faults": len(cases),
                   "counts": counts, "points": points, "wall_s": round(wall, 1),
                   "dirty": [{"fault": list(c), "problems": p,
                              "rerun": rerun_command(args, scenario, c)} for c, p in dirty],
                   "cases": [list(c) for c in cases]}, f, indent=1)


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


def summary(args):
    """The table of scenarios x injected faults, from the reports in BUILD."""
    where = os.path.join(args.build, "sweep-report")
    names = sorted(n for n in os.listdir(where) if n.endswith(".json")) \
        if os.path.isdir(where) else []
    if not names:
        print("sweep: no sweep has run in %s" % args.build)
        return 0
    print("%-16s %7s %14s %12s %6s %8s %9s %8s" % ("scenario", "faults", "clean-success",
                                                   "clean-error", "dirty", "unfired",
                                                   "left-out", "wall"))
    dirty = 0
    for name in names:
        with open(os.path.join(where, name), encoding="utf-8") as f:
            r = json.load(f)
        c = r["counts"]
        dirty += c["dirty"]
        print("%-16s %7d %14d %12d %6d %8d %9d %7.1fs%s"
              % (r["scenario"], r["faults"], c["clean-success"], c["clean-error"], c["dirty"],
                 c["unfired"], c.get("left-out", 0), r["wall_s"],
                 "  (self-test: dirty on purpose)" if r["scenario"] == "fixture" else ""))
    return 0


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
            return reach(args)
        counts, dirty, cases = sweep(args)
    except SetupError as e:
        print("sweep: " + str(e), file=sys.stderr)
        return 2
    finally:
        os.unlink(args.points_file)
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


def impl_calls(args):
    """The functions impl/'s objects, library and demos, call from outside
    impl/ (nm -u)."""
    objdirs = [os.path.join(args.build, "impl/CMakeFiles/ipcspec.dir/src")]
    demos = os.path.join(args.build, "impl/demo/CMakeFiles")
    objdirs += sorted(os.path.join(demos, d) for d in os.listdir(demos) if d.endswith(".dir")) \
        if os.path.isdir(demos) else []
    objects = [os.path.join(d, n) for d in objdirs for n in sorted(os.listdir(d))
               if n.endswith(".o") and (not args.sources or n.startswith(tuple(args.sources)))]
    if not objects:
        raise SetupError("no object files in " + ", ".join(objdirs))
    def symbols(*nm_args):
        out = subprocess.run(["nm"] + list(nm_args) + objects, check=True, capture_output=True,
                             text=True).stdout
        return {l.split()[-1] for l in out.splitlines() if l.strip() and not l.endswith(":")}
    ours = symbols("--defined-only")      # impl/ calling itself: the library, demo helpers
    return sorted(name for name in symbols("-u") - ours
                  if not name.startswith(("ipc_", "__asan", "__ubsan", "__sanitizer")))


def reach(args):
    """FIU-SWEEP-04: the scenarios together reach every call impl/ makes."""
    functions = {}
    load_errnos(args.errnos, functions)
    nofail = {}
    with open(os.path.join(HERE, "nofail.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, _, why = line.partition(" ")
                nofail[name] = why.strip()
    reached = {}
    for scenario in SCENARIOS.values():
        if scenario.name == "fixture" or (args.scenarios and scenario.name not in args.scenarios):
            continue
        for calls in trace_calls(args, scenario).values():
            for point, _ in calls:
                reached.setdefault(point, set()).add(scenario.name)
    problems = []
    print("reach: calls impl/ makes, and the scenarios that fail them")
    for function in impl_calls(args):
        points = functions.get(function)
        if points:
            by = sorted({s for p in points for s in reached.get(p, ())})
            print("  %-16s %-36s %s" % (function, ",".join(points), ",".join(by) or "NEVER REACHED"))
            if not by:
                problems.append("%s (point %s) is called by impl/ but no scenario reaches it"
                                % (function, ",".join(points)))
        elif function in nofail:
            print("  %-16s %-36s %s" % (function, "(no point)", nofail[function]))
        else:
            problems.append("%s is called by impl/ and has neither a point in errnos.tsv "
                            "nor a reason in nofail.txt" % function)
    unswept = sorted(p for p in reached if p not in {q for ps in functions.values() for q in ps})
    print("reach: %d points reached by the scenarios; reached but not in errnos.tsv: %s"
          % (len(reached), ", ".join(unswept) or "none"))
    for problem in problems:
        print("REACH " + problem)
    return 1 if problems or unswept else 0


if __name__ == "__main__":
    sys.exit(main())
