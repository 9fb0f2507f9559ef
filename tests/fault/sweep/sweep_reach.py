# SPDX-License-Identifier: MIT
"""sweep_reach.py - the reach check of the fault sweep (sweep.py --reach): the
scenarios together fail every call impl/ makes.

Every function impl/'s objects (the library and the demos) call from outside
impl/ must be the function of a point in errnos.tsv that some scenario's
trace reaches, or be listed in nofail.txt with the reason it cannot fail.
In an ASan build the sanitizer's allocator answers malloc, calloc and
realloc before either preload, so their points are never called there: they
are listed as swept by the plain build's check, which runs the same
scenarios with them reachable; every other call is judged as in the plain
build.

Spec: FIU-SWEEP-04, FIU-SWEEP-12 (spec/faults.md).
See also: sweep.py, errnos.tsv, nofail.txt.
"""
import os
import subprocess

from sweep_run import HERE, SetupError, load_errnos
from sweep_scenarios import SCENARIOS

# Points an ASan runtime first in LD_PRELOAD takes from both preloads.
SANITIZER_OWNED = ("libc/mm/malloc", "libc/mm/calloc", "libc/mm/realloc")


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


def load_nofail():
    nofail = {}
    with open(os.path.join(HERE, "nofail.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, _, why = line.partition(" ")
                nofail[name] = why.strip()
    return nofail


def reach(args, trace_calls):
    """FIU-SWEEP-04: the scenarios reach every call impl/ makes; trace_calls(args,
    scenario) is sweep.py's trace. Exit status 0 or 1."""
    functions = {}
    load_errnos(args.errnos, functions)
    nofail = load_nofail()
    reached = {}
    for scenario in SCENARIOS.values():
        if getattr(scenario, "fixture", False) or \
                (args.scenarios and scenario.name not in args.scenarios):
            continue
        for calls in trace_calls(args, scenario).values():
            for point, _ in calls:
                reached.setdefault(point, set()).add(scenario.name)
    problems = []
    print("reach: calls impl/ makes, and the scenarios that fail them%s"
          % (" (ASan+UBSan build)" if args.asan else ""))
    for function in impl_calls(args):
        points = functions.get(function)
        if points:
            by = sorted({s for p in points for s in reached.get(p, ())})
            owned = args.asan and all(p in SANITIZER_OWNED for p in points)
            print("  %-16s %-36s %s" % (function, ",".join(points), ",".join(by) or (
                "(ASan's allocator answers first: reached by the plain build's check)"
                if owned else "NEVER REACHED")))
            if not by and not owned:
                problems.append("%s (point %s) is called by impl/ but no scenario reaches it"
                                % (function, ",".join(points)))
        elif function in nofail:
            print("  %-16s %-36s %s" % (function, "(no point)", nofail[function]))
        else:
            problems.append("%s is called by impl/ and has neither a point in errnos.tsv "
                            "nor a reason in nofail.txt (give it a row in errnos.tsv and a "
                            "scenario that calls it, or a line in nofail.txt saying why it "
                            "cannot fail)" % function)
    unswept = sorted(p for p in reached if p not in {q for ps in functions.values() for q in ps})
    print("reach: %d points reached by the scenarios; reached but not in errnos.tsv: %s"
          % (len(reached), ", ".join(unswept) or "none"))
    for problem in problems:
        print("REACH " + problem)
    return 1 if problems or unswept else 0
