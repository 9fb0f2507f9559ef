#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ipcspec-run: run the installed ipcspec suite on this machine and print the spec report.

Installed by `cmake --install` next to the test programs, with suite.json
(which programs, which need the fault preloads, where the spec lives) and
spec_report.py (the same report ci/suite prints). Needs neither the source
tree nor CTest: each program lists its cases (`PROG --list`), and each case
runs in its own process, as CTest runs it in a build tree: exit 0 passes,
77 skips (the reason is the case's `IPCSPEC-SKIP:` line), anything else,
or running past the timeout, fails.

Writes junit.xml, spec-report.json and spec-report.md into the output
directory. Exit status: 0 when the spec check passed, every case having
passed or skipped but those of xfail entries, which must fail; 1 when a case
failed otherwise or the spec check did; 2 when the
install is unusable (a file missing, a program that cannot list its cases).
With -R only the matching cases run, and the spec report is left out (the
entries of the cases not run would read untested).

See also: packaging/CMakeLists.txt (what is installed where),
packaging/check_install.sh (the test that installs and runs this).
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
SKIP_CODE = 77
ID_WORD = re.compile(r"^[0-9]{2,3}$")
KEEP_PASSING_OUTPUT = 1024  # bytes of a passing case's output kept in junit.xml


class InstallError(Exception):
    """The install cannot be run: a file is missing or a program is broken."""


def spec_id(case):
    """Return the spec ID a case name carries (test_pipe_eof_01_x -> PIPE-EOF-01)."""
    words = re.sub(r"^(test|fault)_", "", case).split("_")
    for count, word in enumerate(words, 1):
        if ID_WORD.match(word):
            return "-".join(words[:count]).upper()
    return "NOID"


def load_suite():
    path = HERE / "suite.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InstallError(f"{path}: {err.strerror}") from err


def program_env(suite, program):
    """The environment a program's cases run in: fault tests get the preloads."""
    env = dict(os.environ)
    if program["preload"]:
        preloads = [str(HERE / suite["preload"]), suite["fiu_preload"]]
        missing = [p for p in preloads if not Path(p).is_file()]
        if missing:
            raise InstallError(f"fault preload missing: {', '.join(missing)}")
        env["LD_PRELOAD"] = ":".join(preloads)
    return env


def list_cases(suite, program):
    path = HERE / program["name"]
    try:
        done = subprocess.run([str(path), "--list"], capture_output=True, text=True,
                              env=program_env(suite, program), timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise InstallError(f"{path} --list: {err}") from err
    if done.returncode != 0:
        raise InstallError(f"{path} --list exited {done.returncode}: {done.stderr.strip()}")
    return [line for line in done.stdout.splitlines() if line]


def run_case(job, timeout, workdir):
    """Run one case in its own process group; return its result dict."""
    program, case, env = job
    start = time.monotonic()
    proc = subprocess.Popen([str(HERE / program["name"]), case], cwd=workdir, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        code, outcome = proc.returncode, None
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        code, outcome = None, "fail"
    if outcome is None:
        outcome = "pass" if code == 0 else "skip" if code == SKIP_CODE else "fail"
    if code is None:
        why = f"Timeout after {timeout:g} s"
    elif code < 0:
        why = f"killed by {signal.Signals(-code).name}"
    else:
        why = f"exit code {code}"
    return {"name": f"{spec_id(case)}:{case}", "program": program["name"],
            "outcome": outcome, "why": why, "time": time.monotonic() - start,
            "output": out.decode("utf-8", "replace")}


def junit_case(result):
    """One <testcase>, written as `ctest --output-junit` writes it."""
    output = result["output"]
    if result["outcome"] == "pass":
        output = output[:KEEP_PASSING_OUTPUT]
    status = {"pass": "run", "fail": "fail", "skip": "notrun"}[result["outcome"]]
    inner = ""
    if result["outcome"] == "fail":
        inner = f'<failure message={quoteattr(result["why"])}/>'
    elif result["outcome"] == "skip":
        inner = f'<skipped message="SKIP_RETURN_CODE={SKIP_CODE}"/>'
    return (f'  <testcase name={quoteattr(result["name"])} '
            f'classname={quoteattr(result["program"])} time="{result["time"]:.3f}" '
            f'status="{status}">{inner}<system-out>{escape(output)}</system-out></testcase>\n')


def write_junit(path, results, elapsed):
    counts = {k: sum(r["outcome"] == k for r in results) for k in ("fail", "skip")}
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<testsuite name="ipcspec-run" tests="{len(results)}" '
                  f'failures="{counts["fail"]}" skipped="{counts["skip"]}" '
                  f'time="{elapsed:.3f}">\n')
        out.writelines(junit_case(r) for r in results)
        out.write("</testsuite>\n")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0].split(": ", 1)[1],
        epilog="Exit status: 0 all passed and the spec check passed; 1 a case or the "
               "spec check failed; 2 the install is unusable.")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="cases run at once (default: the number of CPUs)")
    parser.add_argument("-R", "--regex", help="run only cases whose SPEC-ID:case name "
                        "matches (no spec report then)")
    parser.add_argument("-o", "--output", type=Path, default=Path("ipcspec-results"),
                        help="directory for junit.xml and the spec report "
                             "(default: ./ipcspec-results)")
    parser.add_argument("--timeout", type=float, help="seconds a case may run "
                        "(default: the build's IPC_TEST_TIMEOUT times IPCSPEC_TIMEOUT_SCALE)")
    parser.add_argument("--list", action="store_true", help="list the cases, run nothing")
    return parser.parse_args(argv)


def collect_jobs(suite, regex):
    jobs = []
    for program in suite["programs"]:
        env = program_env(suite, program)
        for case in list_cases(suite, program):
            if regex is None or re.search(regex, f"{spec_id(case)}:{case}"):
                jobs.append((program, case, env))
    return jobs


def run_all(jobs, args, timeout):
    """Run every job, printing one line per case as it ends; return the results."""
    workdir = tempfile.mkdtemp(prefix="ipcspec-run-")
    results, width = [], len(str(len(jobs)))
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_case, job, timeout, workdir) for job in jobs]
        for number, future in enumerate(futures, 1):
            result = future.result()
            results.append(result)
            label = {"pass": "Passed", "skip": "Skipped", "fail": "***Failed"}[result["outcome"]]
            print(f"{number:>{width}}/{len(jobs)} {result['name']:<70} {label} "
                  f"{result['time']:.2f} s", flush=True)
            if result["outcome"] == "fail":
                print(f"    ({result['why']})\n{result['output']}", flush=True)
    try:
        os.rmdir(workdir)
    except OSError:
        print(f"ipcspec-run: cases left files in {workdir}", file=sys.stderr)
    return results


def spec_report(suite, output):
    command = [sys.executable, str(HERE / "spec_report.py"),
               "--spec-dir", str((HERE / suite["spec_dir"]).resolve()),
               "--junit", str(output / "junit.xml"),
               "--json", str(output / "spec-report.json"),
               "--markdown", str(output / "spec-report.md"),
               "--gate-tests"]  # the report decides: an xfail entry's case may fail
    for item in suite["not_built"]:
        command += ["--not-built", item]
    return subprocess.run(command, check=False).returncode


def main(argv=None):
    args = parse_args(argv)
    try:
        suite = load_suite()
        jobs = collect_jobs(suite, args.regex)
    except InstallError as err:
        print(f"ipcspec-run: {err}", file=sys.stderr)
        return 2
    if args.list:
        print("\n".join(f"{spec_id(case)}:{case}" for _, case, _ in jobs))
        return 0
    scale = float(os.environ.get("IPCSPEC_TIMEOUT_SCALE", "1") or 1)
    timeout = args.timeout or suite["timeout"] * scale
    args.output.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    results = run_all(jobs, args, timeout)
    write_junit(args.output / "junit.xml", results, time.monotonic() - start)
    counts = {k: sum(r["outcome"] == k for r in results) for k in ("pass", "fail", "skip")}
    print(f"\nipcspec-run: {len(results)} cases: {counts['pass']} passed, "
          f"{counts['fail']} failed, {counts['skip']} skipped "
          f"({time.monotonic() - start:.0f} s)\n")
    report_rc = 0 if args.regex else spec_report(suite, args.output)
    if report_rc == 2:
        return 2
    if report_rc or (args.regex and counts["fail"]):
        print(f"ipcspec-run: FAILED (see {args.output}/junit.xml)", file=sys.stderr)
        return 1
    print(f"ipcspec-run: passed; reports in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
