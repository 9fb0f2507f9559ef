#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_guards.py - the fault sweep goes red when it proves nothing
(spec/faults.md FIU-SWEEP-10..11, FIU-SWEEP-13).

  check_guards.py CHECK SWEEP_ARGS...    (sweep.py's --build and --fiu-preload)

CHECK is one of:
  silent    sweep.py on the scenario fixture-silent (a program whose trace sees
            no call) must exit 1, print "NO CALLS fixture-silent: the trace saw
            no call of program", and its report must say it failed.
  unfired   sweep.py on fixture-unfired (a program that makes its calls only
            while traced) must exit 1 with one "UNFIRED" line, and a rerun
            command, for each of its planned faults, and count them as never
            fired; on fixture-unfired-declared (the same program, whose
            scenario declares why) it must exit 0, count every run as unfired
            as declared, and print the reason of each point.
  progress  sweep.py on fixture-unfired-declared, with a progress line asked
            for at every case (--progress-every 0), must print one line
            "sweep NAME: K of N cases done, ..." for each of the first N - 1
            cases, in order.
Exit 0 when the sweep behaved so, 1 with the reasons otherwise.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def sweep(sweep_args, scenario, report, *extra):
    cmd = [sys.executable, os.path.join(HERE, "sweep.py")] + sweep_args + [
        "--scenario", scenario, "--json", report] + list(extra)
    done = subprocess.run(cmd, capture_output=True, text=True)
    try:
        with open(report, encoding="utf-8") as f:
            return done.returncode, done.stdout, json.load(f)
    except FileNotFoundError:
        # No report: what the sweep said stands in for it in the problems.
        return done.returncode, done.stdout + done.stderr, {"faults": -1, "counts": {}}


def silent(sweep_args, tmp):
    code, out, report = sweep(sweep_args, "fixture-silent", os.path.join(tmp, "silent.json"))
    problems = []
    if code != 1:
        problems.append("a scenario that traces no call: sweep.py exited %d, not 1" % code)
    if "NO CALLS fixture-silent: the trace saw no call of program" not in out:
        problems.append("no \"NO CALLS\" line naming the silent role in: %r" % out)
    if not report.get("failed"):
        problems.append("the report does not say the scenario failed: %r" % report)
    return problems, "a scenario that traces no call fails the sweep, saying so"


def unfired(sweep_args, tmp):
    problems = []
    code, out, report = sweep(sweep_args, "fixture-unfired", os.path.join(tmp, "unfired.json"))
    planned = report["faults"]
    lines = [l for l in out.splitlines() if l.startswith("UNFIRED fixture-unfired: ")]
    reruns = out.count("rerun: ")
    if planned < 2:
        problems.append("fixture-unfired planned %d faults: too few to tell" % planned)
    if code != 1:
        problems.append("faults that never fired, undeclared: sweep.py exited %d, not 1" % code)
    if len(lines) != planned or reruns != planned or \
            report["counts"].get("never-fired") != planned:
        problems.append("%d faults planned, but %d UNFIRED lines, %d rerun commands and %r "
                        "never fired counted" % (planned, len(lines), reruns,
                                                 report["counts"].get("never-fired")))
    code, out, report = sweep(sweep_args, "fixture-unfired-declared",
                              os.path.join(tmp, "declared.json"))
    if code != 0:
        problems.append("faults that may not fire, declared: sweep.py exited %d, not 0: %r"
                        % (code, out))
    if report["counts"].get("unfired") != report["faults"] or report["faults"] != planned:
        problems.append("declared: %r of %d runs counted unfired, expected %d"
                        % (report["counts"].get("unfired"), report["faults"], planned))
    for point in ("posix/io/oc/open", "posix/io/oc/close"):
        if not re.search(r"runs of %s in program may not fire: \S" % re.escape(point), out):
            problems.append("declared: no reason printed for %s in: %r" % (point, out))
    return problems, "%d faults that never fired fail the sweep; declared, they are " \
        "counted with their reason" % planned


def progress(sweep_args, tmp):
    code, out, report = sweep(sweep_args, "fixture-unfired-declared",
                              os.path.join(tmp, "progress.json"), "--progress-every", "0",
                              "--jobs", "1")
    planned = report["faults"]
    got = [int(m.group(1)) for m in re.finditer(
        r"^sweep fixture-unfired-declared: (\d+) of %d cases done, \d+ dirty, \d+s$" % planned,
        out, re.M)]
    problems = []
    if code != 0 or got != list(range(1, planned)):
        problems.append("exit %d; progress lines for cases %r, expected 1 to %d: %r"
                        % (code, got, planned - 1, out))
    return problems, "one progress line per case: %d of %d" % (len(got), planned)


def main():
    checks = {"silent": silent, "unfired": unfired, "progress": progress}
    if len(sys.argv) < 2 or sys.argv[1] not in checks:
        print("usage: check_guards.py silent|unfired|progress SWEEP_ARGS...", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ipcspec-guards-") as tmp:
        problems, said = checks[sys.argv[1]](sys.argv[2:], tmp)
    for problem in problems:
        print("check_guards: " + problem, file=sys.stderr)
    if not problems:
        print("check_guards: " + said)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
