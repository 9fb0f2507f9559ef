#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_seed.py - the sweep's order is reproducible (spec/faults.md FIU-SWEEP-09).

  check_seed.py SWEEP_ARGS...    (sweep.py's --build and --fiu-preload)

Plans the pipe-api scenario (its trace does not depend on timing) without
running it: with seed 0 (the trace's order), twice with seed 7, once with
seed 8, and once replaying the first seed-7 report. The two seed-7 plans and
the replay must be the same sequence; seeds 0, 7 and 8 must order the same
cases three different ways. Exit 0 when so, 1 with the reason otherwise.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def plan(sweep_args, report, *extra):
    cmd = [sys.executable, os.path.join(HERE, "sweep.py")] + sweep_args + [
        "--scenario", "pipe-api", "--plan-only", "--json", report] + list(extra)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(report, encoding="utf-8") as f:
        return [tuple(c) for c in json.load(f)["cases"]]


def main():
    sweep_args = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="ipcspec-seed-") as tmp:
        path = lambda name: os.path.join(tmp, name + ".json")
        trace = plan(sweep_args, path("trace"))
        seven = plan(sweep_args, path("seven"), "--seed", "7")
        again = plan(sweep_args, path("again"), "--seed", "7")
        eight = plan(sweep_args, path("eight"), "--seed", "8")
        replay = plan(sweep_args, path("replay"), "--replay", path("seven"))
    problems = []
    if len(trace) < 10:
        problems.append("the plan has %d cases: too few to tell orders apart" % len(trace))
    if again != seven:
        problems.append("seed 7 gave two different sequences")
    if replay != seven:
        problems.append("the replay of the seed-7 report ran another sequence")
    if not sorted(trace) == sorted(seven) == sorted(eight):
        problems.append("the seeds changed which cases run, not only their order")
    if len({tuple(trace), tuple(seven), tuple(eight)}) != 3:
        problems.append("seeds 0, 7 and 8 did not give three different orders")
    for problem in problems:
        print("check_seed: " + problem, file=sys.stderr)
    if not problems:
        print("check_seed: %d cases; seed 7 twice and its replay: one sequence; "
              "seeds 0, 7, 8: three orders of the same cases" % len(trace))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
