# SPDX-License-Identifier: MIT
"""sweep_report.py - what the fault sweep (sweep.py) tells: progress while a
scenario runs, its JSON report, and the table of every scenario's last report.

Spec: FIU-SWEEP-10..11, FIU-SWEEP-13 (spec/faults.md).
See also: sweep.py (which calls these), sweep_run.py.
"""
import json
import os
import sys
import time

PROGRESS_EVERY_S = 5.0     # without a terminal: one progress line this often


class Progress:
    """Cases done of planned, and the time since the scenario began: on a
    terminal one line rewritten in place, otherwise a line every `every`
    seconds (so a log or CTest's output shows a long scenario moving)."""

    def __init__(self, name, planned, start, every=PROGRESS_EVERY_S, stream=None):
        self.name = name
        self.planned = planned
        self.start = start
        self.every = every
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.last = start
        self.shown = False

    def line(self, done, counts):
        return "sweep %s: %d of %d cases done, %d dirty, %.0fs" % (
            self.name, done, self.planned, counts["dirty"], time.monotonic() - self.start)

    def step(self, done, counts):
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r\033[K" + self.line(done, counts))
            self.shown = True
        elif now - self.last >= self.every and done < self.planned:
            self.stream.write(self.line(done, counts) + "\n")
            self.last = now
        self.stream.flush()

    def done(self):
        """Clear the terminal's progress line before the verdict is printed."""
        if self.tty and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def write_report(args, scenario, cases, counts, points, wall, **found):
    """The sweep's JSON report: its counts, what it found (dirty runs, faults
    that never fired, declared ones, a failure of the whole scenario), and
    the cases in the order run (which --replay runs again, exactly)."""
    if not args.json:
        return
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    report = {"scenario": scenario.name, "seed": args.seed, "faults": len(cases),
              "counts": counts, "points": points, "wall_s": round(wall, 1),
              "fixture": getattr(scenario, "fixture", False),
              "cases": [list(c) for c in cases]}
    report.update(found)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)


def summary(args):
    """The table of scenarios x injected faults, from the reports in BUILD;
    a scenario that failed as a whole, or left a fault unfired without a
    reason, is marked FAILED with why."""
    where = os.path.join(args.build, "sweep-report")
    names = sorted(n for n in os.listdir(where) if n.endswith(".json")) \
        if os.path.isdir(where) else []
    if not names:
        print("sweep: no sweep has run in %s" % args.build)
        return 0
    print("%-16s %7s %14s %12s %6s %8s %9s %8s" % ("scenario", "faults", "clean-success",
                                                   "clean-error", "dirty", "unfired",
                                                   "left-out", "wall"))
    for name in names:
        with open(os.path.join(where, name), encoding="utf-8") as f:
            r = json.load(f)
        c = r["counts"]
        notes = []
        if r.get("failed"):
            notes.append("FAILED: " + r["failed"])
        if c.get("never-fired"):
            notes.append("FAILED: %d faults never fired, no reason declared" % c["never-fired"])
        if r.get("fixture") or r["scenario"] == "fixture":
            notes.append("self-test: dirty on purpose")
        print("%-16s %7d %14d %12d %6d %8d %9d %7.1fs%s"
              % (r["scenario"], r["faults"], c["clean-success"], c["clean-error"], c["dirty"],
                 c["unfired"] + c.get("never-fired", 0), c.get("left-out", 0), r["wall_s"],
                 "".join("  (%s)" % n for n in notes)))
    return 0
