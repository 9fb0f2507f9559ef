#!/usr/bin/env python3
"""Report the status of every ipcspec spec entry from ctest's JUnit results.

Reads the spec (spec/*.md but README.md; format in spec/README.md) and
the files `ctest --output-junit` wrote, gives each entry a status (pass, fail,
skip, xfail, pending, untested), prints a table grouped by mechanism and a
closing summary line, and writes the report as JSON and, if asked, Markdown.
Exits 0 when the gate passes, 1 when it fails, 2 when an input is unusable.

How ctest 3.25 writes JUnit (checked by experiment):
  passed        <testcase name=.. status="run">
  exit != 0     <testcase name=.. status="fail"><failure message=""/>
  timeout       exactly as exit != 0: 3.25 cannot tell them apart (later
                versions put "Timeout", "SEGFAULT", ... in the message)
  skipped       status="notrun", <skipped message="SKIP_RETURN_CODE=77"/>
  not runnable  status="notrun", <skipped message="Unable to find executable"/>
  DISABLED      status="disabled", no <failure> or <skipped>
Every case has <system-out>: stdout and stderr merged, cut to the first 1 KiB
for a passing test and 300 KiB for any other. A relative --output-junit path
is taken from the build (test) directory, not from the current directory.

A failing test's first failure line (see first_failure_line) is carried next
to its entry's `expect:` in every output. A variant row is the ctest test
"ID:case/row"; the entry that lists the case is judged on all its rows.
Entries citing Open POSIX Test Suite assertions (`opts:`) are checked against
spec/opts/ by spec_opts.py.
"""

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ElementTree
from xml.parsers import expat
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spec_opts  # noqa: E402

ENTRY_HEADING = re.compile(r"^## ([A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)*-[0-9]{2,3}) (.+)$")
# "## " then a word with a dash, a digit and no lower case: meant as an entry.
ATTEMPTED_ENTRY = re.compile(r"^## (?=\S*-)(?=\S*[0-9])[A-Z][^\sa-z]*(\s|$)")
FIELD = re.compile(r"^- ([a-z]+):(.*)$")
ID_NUMBER = re.compile(r"^[0-9]{2,3}$")
SKIP_MARKER = re.compile(r"^IPCSPEC-SKIP: (.*)$", re.MULTILINE)
# A line cmocka writes about the run ("[ RUN      ] ...", "[  FAILED  ] ...").
CMOCKA_BANNER = re.compile(r"^\s*\[[ A-Z=]+\]")
# "file.c:123: ..." (an optional directory before it): where a check failed.
LOCATION = re.compile(r"(^|\s)[\w./+-]+\.(c|h|cc|py|sh):[0-9]+:")
CMOCKA_ERROR = re.compile(r"\[  ERROR   \] --- (.*)$")
CMOCKA_LINE = re.compile(r"\[   LINE   \] --- ([\w./+-]+:[0-9]+): error: Failure!")
FAILURE_LINE_WIDTH = 300
CTEST_SKIPS = ("SKIP_RETURN_CODE", "SKIP_REGULAR_EXPRESSION")

REQUIRED_FIELDS = ("expect", "source", "level", "tests")
KNOWN_FIELDS = REQUIRED_FIELDS + ("fault", "status", "opts")
LEVELS = ("posix", "linux", "impl")
TEST_PREFIXES = ("test_", "fault_")
STATUSES = ("pass", "fail", "skip", "xfail", "pending", "untested")
TITLE_WIDTH = 50


class ReportError(Exception):
    """Input the report cannot be built from; each argument is one line."""


@dataclass(frozen=True)
class Entry:
    spec_id: str
    title: str
    level: str
    tests: tuple
    pending: bool
    xfail_reason: str  # empty unless the entry is marked xfail
    path: Path
    line: int
    expect: str = ""
    opts: tuple = ()  # ((interface, number), ...) from the opts field
    opts_line: int = 0

    @property
    def mechanism(self):
        return self.path.stem

    @property
    def location(self):
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Result:
    outcome: str  # "pass", "fail" or "skip"
    detail: str  # why it failed or skipped
    message: str = ""  # a failure's first failure line, if its output has one
    row: str = ""  # the variant row, for a case "test_x/row"


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""
    problem: str = ""  # why this verdict fails the gate, if it does
    failures: tuple = ()  # ({"test", "row"?, "message"}, ...) of failed runs


# --- spec -------------------------------------------------------------------

def spec_id_of(test):
    """Return the spec ID a test_/fault_ case name carries, or None."""
    prefix = next((p for p in TEST_PREFIXES if test.startswith(p)), None)
    if prefix is None:
        return None
    segments = test[len(prefix):].split("_")
    for count, segment in enumerate(segments, 1):
        if ID_NUMBER.match(segment):
            return "-".join(segments[:count]).upper()
    return None


def parse_nonempty(value):
    if not value:
        raise ValueError("must not be empty")
    return value


def parse_level(value):
    if value not in LEVELS:
        raise ValueError(f"must be one of {', '.join(LEVELS)}, not '{value}'")
    return value


def parse_status(value):
    """Split a status field into (pending, xfail_reason)."""
    if value == "pending":
        return True, ""
    kind, _, reason = value.partition(" ")
    if kind == "xfail" and reason.strip():
        return False, reason.strip()
    raise ValueError(f"must be 'xfail REASON' or 'pending', not '{value}'")


def parse_tests(value, spec_id):
    """Split a tests field into case names, each carrying spec_id."""
    if not value:
        return ()
    tests = tuple(name.strip() for name in value.split(","))
    for test in tests:
        if not test:
            raise ValueError("empty name between commas")
        if "/" in test:
            raise ValueError(f"{test} names a variant row: list the case "
                             f"{test.partition('/')[0]}, which covers every row")
        if spec_id_of(test) != spec_id:
            raise ValueError(f"{test} does not carry its entry's ID {spec_id}")
    repeated = sorted({test for test in tests if tests.count(test) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} listed more than once")
    return tests


def sections(path):
    """Yield (number, heading, body) for each heading of path, body being
    the (number, line) pairs up to the next heading."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ReportError(f"{path}: not UTF-8 (byte {err.start})") from err
    section = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            if section:
                yield section
            section = (number, line, [])
        elif section:
            section[2].append((number, line))
    if section:
        yield section


def read_fields(path, body, errors):
    """Return {key: (number, value)} from the '- key: value' lines of body."""
    fields = {}
    for number, line in body:
        if not line.startswith("- "):
            continue
        field = FIELD.match(line)
        if not field:
            errors.append(f"{path}:{number}: expected '- key: value'")
            continue
        key, value = field.group(1), field.group(2).strip()
        if key not in KNOWN_FIELDS:
            errors.append(f"{path}:{number}: unknown field '{key}' "
                          f"(known: {', '.join(KNOWN_FIELDS)})")
        elif key in fields:
            errors.append(f"{path}:{number}: field '{key}' repeated "
                          f"(first at line {fields[key][0]})")
        else:
            fields[key] = (number, value)
    return fields


def build_entry(path, line, heading, fields, errors):
    """Return the Entry a matched heading and its fields describe, or None
    after appending to errors why they describe none."""
    spec_id, title = heading.group(1), heading.group(3).strip()
    problems = [f"{path}:{line}: {spec_id} lacks required field '{key}'"
                for key in REQUIRED_FIELDS if key not in fields]

    def parsed(key, parse, default):
        if key not in fields:
            return default
        number, value = fields[key]
        try:
            return parse(value)
        except ValueError as err:
            problems.append(f"{path}:{number}: {key}: {err}")
            return default

    expect = parsed("expect", parse_nonempty, "")
    parsed("source", parse_nonempty, "")
    level = parsed("level", parse_level, "")
    tests = parsed("tests", lambda value: parse_tests(value, spec_id), ())
    pending, xfail_reason = parsed("status", parse_status, (False, ""))
    opts = parsed("opts", spec_opts.parse_opts_field, ())
    if "tests" in fields and not fields["tests"][1] and not pending:
        problems.append(f"{path}:{fields['tests'][0]}: tests: must not be empty "
                        "unless the entry has status: pending")
    errors += problems
    if problems:
        return None
    return Entry(spec_id, title, level, tests, pending, xfail_reason, path, line,
                 expect, opts, fields["opts"][0] if "opts" in fields else 0)


def parse_spec_file(path, errors):
    """Return the entries of one spec file, appending problems to errors."""
    entries = []
    for line, text, body in sections(path):
        heading = ENTRY_HEADING.match(text)
        if heading:
            entry = build_entry(path, line, heading, read_fields(path, body, errors), errors)
            if entry:
                entries.append(entry)
        elif ATTEMPTED_ENTRY.match(text):
            errors.append(f"{path}:{line}: malformed entry heading; expected "
                          "'## AREA-NAME-NN title' (2 or 3 digits, then a title)")
    return entries


def load_spec(spec_dir):
    """Return every entry under spec_dir in file, then line, order."""
    if not spec_dir.is_dir():
        raise ReportError(f"spec dir {spec_dir} does not exist")
    paths = sorted(p for p in spec_dir.glob("*.md") if p.name != "README.md")
    if not paths:
        raise ReportError(f"spec dir {spec_dir} holds no spec file (*.md but README.md)")
    entries, errors, first = [], [], {}
    for path in paths:
        entries += parse_spec_file(path, errors)
    for entry in entries:
        if entry.spec_id in first:
            errors.append(f"{entry.location}: duplicate ID {entry.spec_id} "
                          f"(first at {first[entry.spec_id]})")
        first.setdefault(entry.spec_id, entry.location)
    if errors:
        raise ReportError(*errors)
    return entries


# --- results ----------------------------------------------------------------

def case_name(ctest_name):
    """Return the test_/fault_ case a ctest name ends with, or None; a
    variant row's "ID:case/row" keeps its "/row"."""
    _, colon, case = ctest_name.partition(":")
    return case if colon and case.startswith(TEST_PREFIXES) else None


def first_failure_line(output):
    """Return the line of a failed test's output that says what failed, or "".

    The rule, in order: the first line that is not cmocka's own ("[ RUN ]",
    "[  FAILED  ]", ...) and names a location "file.c:NNN:" (what the
    harness prints for a failed check, in the test process or a child); else
    cmocka's own "[  ERROR   ] --- text" with the location of its
    "[   LINE   ]" line; else the first line that is not cmocka's."""
    lines = [line.strip() for line in output.splitlines()]
    plain = [line for line in lines if line and not CMOCKA_BANNER.match(line)]
    found = next((line for line in plain if LOCATION.search(line)), "")
    if not found:
        errors = [m.group(1).strip() for m in map(CMOCKA_ERROR.search, lines) if m]
        located = CMOCKA_LINE.search(output)
        text = next((e for e in errors if e and not CMOCKA_BANNER.match(e)), "")
        if located:
            found = f"{located.group(1)}: {text or 'failed'}"
        else:
            found = text or next(iter(plain), "")
    return truncate(found, FAILURE_LINE_WIDTH)


def child_message(testcase, tag):
    child = testcase.find(tag)
    return "" if child is None else child.get("message", "")


def skip_reason(output):
    """Return the reason the test's IPCSPEC-SKIP line gives, or a stand-in."""
    marker = SKIP_MARKER.search(output)
    return (marker.group(1).strip() if marker else "") or "no reason given"


def case_result(path, testcase):
    """Return the Result of one <testcase>, or None if it was disabled."""
    status = testcase.get("status")
    if status == "run":
        return Result("pass", "")
    if status == "fail":
        line = first_failure_line(testcase.findtext("system-out") or "")
        cause = child_message(testcase, "failure")
        if line and cause.endswith(line):  # junit_tap.py --annotate-junit's
            cause = cause[:-len(line)].rstrip(": ")
        return Result("fail", cause.lower() or "failed", line)
    if status == "notrun":
        cause = child_message(testcase, "skipped")
        if not cause.startswith(CTEST_SKIPS):
            return Result("fail", f"not run: {cause}")
        return Result("skip", skip_reason(testcase.findtext("system-out") or ""))
    if status == "disabled":
        return None
    raise ReportError(f"{path}: testcase {testcase.get('name')} has unknown "
                      f"status '{status}'")


def read_testcases(path):
    """Return every <testcase> of one JUnit file, in file order."""
    if not path.is_file():
        raise ReportError(f"junit file {path} does not exist")
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as err:
        raise ReportError(f"{path}:{err.position[0]}: not well-formed XML: "
                          f"{expat.ErrorString(err.code)}") from err
    if root.tag not in ("testsuite", "testsuites"):
        raise ReportError(f"{path}: root element is <{root.tag}>, not <testsuite>")
    return list(root.iter("testcase"))


def load_results(paths):
    """Map every test_/fault_ case in the JUnit files to its Results."""
    results = {}
    for path in paths:
        for testcase in read_testcases(path):
            case = case_name(testcase.get("name", ""))
            if case is None:
                continue
            case, _, row = case.partition("/")
            # A disabled case is kept, without a result, for the naming checks.
            runs = results.setdefault(case, [])
            result = case_result(path, testcase)
            if result is not None:
                runs.append(replace(result, row=row))
    return results


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
    return Verdict("pass")


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


def build_report(entries, results, catalogue=None):
    """Return the report as the JSON-ready dict spec/README.md describes."""
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


def truncate(text, width):
    return text if len(text) <= width else text[:width - 3].rstrip() + "..."


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
    if "opts" in report:
        lines += spec_opts.render_text(report["opts"])
    lines.append(summary_line(report["summary"]))
    lines += [f"spec check FAILED: {problem}" for problem in report["problems"]]
    return "\n".join(lines) + "\n"


def run_name(failure):
    row = failure.get("row")
    return f"{failure['test']}/{row}" if row else failure["test"]


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
    if "opts" in report:
        lines += spec_opts.render_markdown(report["opts"])
    if report["problems"]:
        lines += ["", "### Spec check FAILED", ""]
        lines += [f"- {problem}" for problem in report["problems"]]
    return "\n".join(lines) + "\n"


# --- command line -----------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec-dir", type=Path, required=True,
                        help="directory holding the spec files")
    parser.add_argument("--junit", type=Path, action="append", required=True,
                        help="file from ctest --output-junit; repeat to merge several")
    parser.add_argument("--json", type=Path, required=True, help="JSON report to write")
    parser.add_argument("--markdown", type=Path, help="Markdown report to write")
    parser.add_argument("--not-built", action="append", default=[], metavar="PREFIX=REASON",
                        help="tests named PREFIX... were not built on this platform: "
                             "report them skipped, with REASON")
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
        report = build_report(entries, results, catalogue)
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
