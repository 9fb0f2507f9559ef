#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Report the status of every ipcspec spec entry from ctest's JUnit results.

Reads the spec (spec/*.md but README.md; format in spec/README.md; parsed by
spec_entries.py) and the files `ctest --output-junit` wrote (read by
spec_junit.py), gives each entry a status (pass, fail, skip, xfail, pending,
untested), prints a table grouped by mechanism and a closing summary line,
and writes the report as JSON and, if asked, Markdown. Exits 0 when the gate
passes, 1 when it fails, 2 when an input is unusable.

A failing test's first failure line is carried next to its entry's
`expect:` in every output. A variant row is the ctest test "ID:case/row";
the entry that lists the case is judged on all its rows. Entries citing
Open POSIX Test Suite assertions (`opts:`) are checked against spec/opts/
by spec_opts.py. A passing entry some of whose runs skipped says which and
why. With --config NAME=FILE (the results of another build or run: memcheck,
a sanitizer, musl, an emulator), each entry also says what it was there
when it did not pass there (spec_configs.py).

See also: junit_tap.py, tests/spec_report/ (the fixtures).
"""

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spec_configs  # noqa: E402
import spec_opts  # noqa: E402
# load_spec, case_result and read_testcases are also imported from here by
# other tools (the repository checks, older copies of junit_tap.py).
from spec_entries import ReportError, load_spec, spec_id_of  # noqa: E402,F401
from spec_junit import (Result, case_name, case_result, junit_cases,  # noqa: E402,F401
                        load_results, read_testcases, truncate)

STATUSES = ("pass", "fail", "skip", "xfail", "pending", "untested")
TITLE_WIDTH = 50


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""
    problem: str = ""  # why this verdict fails the gate, if it does
    failures: tuple = ()  # ({"test", "row"?, "message"}, ...) of failed runs
    skipped: tuple = ()  # ({"test", "row"?, "reason"}, ...) of a passing entry's skips

EXIT_STATUS = ('exit status: 0 the spec check passed; 1 it failed (the problems are '
               'printed last); 2 an input is unusable (argparse usage errors too).')


# --- verdicts ---------------------------------------------------------------

def failure(entry, reason, failures=()):
    return Verdict("fail", reason, f"{entry.spec_id} fails: {reason}", failures)


def failed_runs(entry, results):
    """Return (test, Result) for each failed run of entry's tests, rows apart."""
    return [(test, result) for test in entry.tests for result in results.get(test, [])
            if result.outcome == "fail"]


def failure_record(test, result):
    """Return the report's record of one failed run: what failed and where."""
    record = {"test": test}
    if result.row:
        record["row"] = result.row
    record["message"] = result.message or result.detail
    return record


def skip_records(entry, results):
    """Return a record of each skipped run of entry's tests, rows apart."""
    return tuple({"test": test, **({"row": result.row} if result.row else {}),
                  "reason": result.detail}
                 for test in entry.tests for result in results.get(test, [])
                 if result.outcome == "skip")


def judge(entry, results):
    """Return the Verdict on one entry given every case's Results; a case's
    variant rows are its runs: it passes when every row does."""
    ran = [result for test in entry.tests for result in results.get(test, [])]
    missing = [test for test in entry.tests if not results.get(test)]
    runs = failed_runs(entry, results)
    failed = [f"{test}{'/' + result.row if result.row else ''}: {result.detail}"
              for test, result in runs]
    records = tuple(failure_record(test, result) for test, result in runs)
    if not ran and entry.pending:
        return Verdict("pending", "marked pending",
                       f"{entry.spec_id} is pending: its tests are not written yet")
    if not ran:
        reason = f"none of its tests ran ({', '.join(entry.tests)})"
        return Verdict("untested", reason, f"{entry.spec_id} is untested: {reason}")
    if missing and not entry.pending:
        reason = ("test " if len(missing) == 1 else "tests ") + ", ".join(missing)
        records += tuple({"test": test, "message": "listed but not run"} for test in missing)
        return failure(entry, f"{reason} listed but not run", records)
    if failed and entry.xfail_reason:
        return Verdict("xfail", entry.xfail_reason, failures=records)
    if failed:
        return failure(entry, "; ".join(failed), records)
    if all(result.outcome == "skip" for result in ran):
        return Verdict("skip", "; ".join(dict.fromkeys(r.detail for r in ran)))
    if entry.xfail_reason:
        return failure(entry, "xfail entry passed: remove its xfail status")
    if entry.pending:
        return Verdict("pass", "", f"{entry.spec_id} is marked pending but its "
                                   "tests pass: remove the status")
    return Verdict("pass", skipped=skip_records(entry, results))


def naming_problems(entries, results):
    """Return a problem for each case that names no entry or is not listed."""
    by_id = {entry.spec_id: entry for entry in entries}
    problems = []
    for test in sorted(results):
        entry = by_id.get(spec_id_of(test))
        if entry is None:
            problems.append(f"test {test} names no known spec ID")
        elif test not in entry.tests:
            problems.append(f"test {test} checks {entry.spec_id} "
                            f"but {entry.path} does not list it")
    return problems


def other_failures(paths):
    """Return a problem for each failed test of the JUnit files that is no
    entry's case (a tool, meta or install test): with --gate-tests the
    report is the whole gate, and an xfail entry's failing case passes it
    where ctest's own exit status could not."""
    return [f"test {name} failed: {result.message or result.detail}"
            for path in paths for name, result in junit_cases(path)
            if result is not None and result.outcome == "fail" and case_name(name) is None]


def load_opts(spec_dir):
    """Return the Catalogue in spec_dir/opts, or None if there is none."""
    opts_dir = spec_dir / "opts"
    if not opts_dir.is_dir():
        return None
    errors = []
    catalogue = spec_opts.load_catalogue(opts_dir, errors)
    if errors:
        raise ReportError(*errors)
    return catalogue


def opts_problems(entries, catalogue):
    """Return the report's "opts" section (None without spec/opts) and the
    problems of the mapping."""
    if catalogue is not None:
        return spec_opts.check(entries, catalogue)
    return None, [f"{entry.path}:{entry.opts_line}: {entry.spec_id} cites Open POSIX "
                  "assertions, but the spec has no opts/ directory to check them"
                  for entry in entries if entry.opts]


def build_report(entries, results, catalogue=None, configs=()):
    """Return the report as the JSON-ready dict spec/README.md describes;
    configs are (name, results file) of other configurations."""
    rows, problems = [], []
    for entry in entries:
        verdict = judge(entry, results)
        row = {"id": entry.spec_id, "mechanism": entry.mechanism,
               "title": entry.title, "level": entry.level,
               "status": verdict.status, "tests": list(entry.tests)}
        if verdict.status != "pass":
            row["reason"] = verdict.reason
        if verdict.status == "fail" or verdict.failures:
            row["expect"] = entry.expect
            row["failures"] = list(verdict.failures)
        if verdict.skipped:
            row["skipped"] = list(verdict.skipped)
        if entry.opts:
            row["opts"] = [f"{interface} {number}" for interface, number in entry.opts]
        rows.append(row)
        if verdict.problem:
            problems.append(verdict.problem)
    problems += naming_problems(entries, results)
    opts, mapping_problems = opts_problems(entries, catalogue)
    problems += mapping_problems
    summary = {"entries": len(rows)}
    summary.update({s: sum(row["status"] == s for row in rows) for s in STATUSES})
    report = {"summary": summary, "entries": rows, "problems": problems}
    if opts is not None:
        report["opts"] = opts
    if configs:
        spec_configs.add_configurations(report, entries, configs, judge)
    return report


# --- rendering --------------------------------------------------------------

def summary_line(summary):
    counts = ", ".join(f"{summary[status]} {status}" for status in STATUSES)
    return f"spec: {summary['entries']} entries: {counts}"


def by_mechanism(rows):
    groups = {}
    for row in rows:
        groups.setdefault(row["mechanism"], []).append(row)
    return groups


def render_text(report):
    """Return the table, the summary line and one line per problem."""
    id_width = max((len(row["id"]) for row in report["entries"]), default=0)
    lines = []
    for mechanism, rows in by_mechanism(report["entries"]).items():
        lines.append(mechanism)
        for row in rows:
            title = truncate(row["title"], TITLE_WIDTH)
            line = f"  {row['id']:<{id_width}}  {row['status']:<8}  {row['level']:<5}  "
            if "reason" in row:
                lines.append(f"{line}{title:<{TITLE_WIDTH}}  {row['reason']}")
            else:
                lines.append(f"{line}{title}")
            lines += failure_lines(row, " " * (id_width + 4))
            lines += [" " * (id_width + 4) + text for text in notes(row)]
    if "opts" in report:
        lines += spec_opts.render_text(report["opts"])
    lines += spec_configs.render_text(report)
    lines.append(summary_line(report["summary"]))
    lines += [f"spec check FAILED: {problem}" for problem in report["problems"]]
    return "\n".join(lines) + "\n"


def run_name(failure):
    row = failure.get("row")
    return f"{failure['test']}/{row}" if row else failure["test"]


def notes(row):
    """Return the lines of a passing entry's skipped runs, then of what it
    was in the other configurations where it did not pass."""
    lines = [f"skipped: {spec_configs.skipped_text(row['skipped'])}"] if "skipped" in row else []
    return lines + spec_configs.entry_notes(row)


def failure_lines(row, indent):
    """Return the lines under a failed entry: its expect, then each failed
    run's first failure line."""
    if "failures" not in row:
        return []
    lines = [f"{indent}expect: {row['expect']}"]
    lines += [f"{indent}{run_name(f)}: {f['message']}" for f in row["failures"]]
    return lines


def code(text):
    """Return text as a Markdown code span that survives backticks and '|'."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_failures(rows):
    """Return, for each entry with failures, its expect beside each failed
    run's first failure line."""
    lines = []
    for row in (row for row in rows if "failures" in row):
        lines += ["", f"**{row['id']}** {row['title']}", "",
                  f"- expect: {row['expect']}"]
        lines += [f"- {code(run_name(f))}: {code(f['message'])}" for f in row["failures"]]
    return lines


def markdown_row(cells):
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def render_markdown(report):
    """Return the report as Markdown: one table per mechanism, then problems."""
    lines = ["## Spec report", "", f"**{summary_line(report['summary'])}**"]
    for mechanism, rows in by_mechanism(report["entries"]).items():
        lines += ["", f"### {mechanism}", "",
                  markdown_row(("ID", "Status", "Level", "Title", "Reason")),
                  markdown_row(("---",) * 5)]
        lines += [markdown_row((row["id"], row["status"], row["level"], row["title"],
                                row.get("reason", ""))) for row in rows]
        lines += markdown_failures(rows)
        skipped = [row for row in rows if "skipped" in row]
        if skipped:
            lines += ["", "Runs skipped in passing entries:", ""]
            lines += [f"- **{row['id']}** {spec_configs.skipped_text(row['skipped'])}"
                      for row in skipped]
    if "opts" in report:
        lines += spec_opts.render_markdown(report["opts"])
    lines += spec_configs.render_markdown(report)
    if report["problems"]:
        lines += ["", "### Spec check FAILED", ""]
        lines += [f"- {problem}" for problem in report["problems"]]
    return "\n".join(lines) + "\n"


# --- command line -----------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=EXIT_STATUS)
    parser.add_argument("--spec-dir", type=Path, required=True,
                        help="directory holding the spec files")
    parser.add_argument("--junit", type=Path, action="append", required=True,
                        help="file from ctest --output-junit; repeat to merge several")
    parser.add_argument("--json", type=Path, required=True, help="JSON report to write")
    parser.add_argument("--markdown", type=Path, help="Markdown report to write")
    parser.add_argument("--not-built", action="append", default=[], metavar="PREFIX=REASON",
                        help="tests named PREFIX... were not built on this platform: "
                             "report them skipped, with REASON")
    parser.add_argument("--gate-tests", action="store_true",
                        help="also fail on any failed test that is no entry's case, so "
                             "the report alone is the gate (xfail entries' cases may fail)")
    parser.add_argument("--config", action="append", default=[], metavar="NAME=FILE",
                        help="results of another configuration (JUnit, or a ctest "
                             "-T memcheck log *.log): note each entry not passed there")
    return parser.parse_args(argv)


def mark_not_built(entries, results, not_built):
    """Give each listed test that has no result and starts with a not-built
    prefix a skip saying why: absent by design on this platform, not lost."""
    for item in not_built:
        prefix, equals, reason = item.partition("=")
        if not (prefix and equals and reason):
            raise ReportError(f"--not-built {item!r}: expected PREFIX=REASON")
        for test in (t for entry in entries for t in entry.tests):
            if test.startswith(prefix) and not results.get(test):
                results[test] = [Result("skip", f"not built: {reason}")]


def write_report(path, text):
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ReportError(f"cannot write {path}: {err.strerror}") from err


def main(argv=None):
    args = parse_args(argv)
    try:
        entries = load_spec(args.spec_dir)
        catalogue = load_opts(args.spec_dir)
        results = load_results(args.junit)
        mark_not_built(entries, results, args.not_built)
        configs = spec_configs.parse_configs(args.config)
        report = build_report(entries, results, catalogue, configs)
        if args.gate_tests:
            report["problems"] += other_failures(args.junit)
        write_report(args.json, json.dumps(report, indent=2) + "\n")
        if args.markdown:
            write_report(args.markdown, render_markdown(report))
    except ReportError as err:
        for message in err.args:
            print(f"spec_report.py: error: {message}", file=sys.stderr)
        return 2
    sys.stdout.write(render_text(report))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
