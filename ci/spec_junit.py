# SPDX-License-Identifier: MIT
"""ctest's JUnit results, read: each test_/fault_ case's Results, a failed
test's first failure line, a skip's IPCSPEC-SKIP reason, a variant row's
name. spec_report.py judges the entries on them; junit_tap.py writes them
as TAP.

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

A run under `ctest -T memcheck` writes no JUnit; its log
(Testing/Temporary/LastDynamicAnalysis_*.log) is read instead by
load_ctest_log: each test's block runs from "N/M Testing: NAME" to its
"Test Passed." or "Test Failed" line, its output between "Output:" and
"<end of output>". There a skip (exit 77 under valgrind) reads as passed, so
the IPCSPEC-SKIP line decides it.

See also: spec_report.py, junit_tap.py, tests/spec_report/ (the fixtures).
"""

import re
import xml.etree.ElementTree as ElementTree
from xml.parsers import expat
from dataclasses import dataclass, replace

from spec_entries import TEST_PREFIXES, ReportError

SKIP_MARKER = re.compile(r"^IPCSPEC-SKIP: (.*)$", re.MULTILINE)
# A line cmocka writes about the run ("[ RUN      ] ...", "[  FAILED  ] ...").
CMOCKA_BANNER = re.compile(r"^\s*\[[ A-Z=]+\]")
# "file.c:123: ..." (an optional directory before it): where a check failed.
LOCATION = re.compile(r"(^|\s)[\w./+-]+\.(c|h|cc|py|sh):[0-9]+:")
# A sanitizer's headline: AddressSanitizer and LeakSanitizer "==PID==ERROR:",
# ThreadSanitizer "WARNING: ThreadSanitizer:" (UBSan's "file.c:1:2: runtime
# error:" names its location itself).
SANITIZER = re.compile(r"^==[0-9]+==ERROR: |^WARNING: ThreadSanitizer: ")
CMOCKA_ERROR = re.compile(r"\[  ERROR   \] --- (.*)$")
CMOCKA_LINE = re.compile(r"\[   LINE   \] --- ([\w./+-]+:[0-9]+): error: Failure!")
FAILURE_LINE_WIDTH = 300
CTEST_SKIPS = ("SKIP_RETURN_CODE", "SKIP_REGULAR_EXPRESSION")
# One test's block in a ctest log: its name, its output, ctest's verdict line.
LOG_BLOCK = re.compile(r"^[0-9]+/[0-9]+ Testing: (?P<name>\S+)\n.*?^Output:\n-+\n"
                       r"(?P<output>.*?)^<end of output>\n.*?^(?P<verdict>Test [A-Z][^\n]*)$",
                       re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Result:
    outcome: str  # "pass", "fail" or "skip"
    detail: str  # why it failed or skipped
    message: str = ""  # a failure's first failure line, if its output has one
    row: str = ""  # the variant row, for a case "test_x/row"


def truncate(text, width):
    return text if len(text) <= width else text[:width - 3].rstrip() + "..."


def case_name(ctest_name):
    """Return the test_/fault_ case a ctest name ends with, or None; a
    variant row's "ID:case/row" keeps its "/row"."""
    _, colon, case = ctest_name.partition(":")
    return case if colon and case.startswith(TEST_PREFIXES) else None


def first_failure_line(output):
    """Return the line of a failed test's output that says what failed, or "".

    The rule, in order: the first line that is not cmocka's own ("[ RUN ]",
    "[  FAILED  ]", ...) and names a location "file.c:NNN:" (what the
    harness prints for a failed check, in the test process or a child) or
    is a sanitizer's headline (whose stack frames name locations too); else
    cmocka's own "[  ERROR   ] --- text" with the location of its
    "[   LINE   ]" line; else the first line that is not cmocka's."""
    lines = [line.strip() for line in output.splitlines()]
    plain = [line for line in lines if line and not CMOCKA_BANNER.match(line)]
    found = next((line for line in plain
                  if LOCATION.search(line) or SANITIZER.match(line)), "")
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


def log_result(output, verdict):
    """Return the Result of one test's block in a ctest log."""
    if SKIP_MARKER.search(output):
        return Result("skip", skip_reason(output))
    if verdict.startswith("Test Passed"):
        return Result("pass", "")
    return Result("fail", verdict.removeprefix("Test ").rstrip(".").lower(),
                  first_failure_line(output))


def ctest_log_cases(path):
    """Yield (ctest name, Result) for every test of a ctest log."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise ReportError(f"cannot read ctest log {path}: {err.strerror}") from err
    blocks = list(LOG_BLOCK.finditer(text))
    if not blocks and "Testing: " in text:
        raise ReportError(f"{path}: no test block in the form ctest 3.25 writes")
    for block in blocks:
        yield block.group("name"), log_result(block.group("output"), block.group("verdict"))


def junit_cases(path):
    """Yield (ctest name, Result or None if disabled) for every <testcase>."""
    for testcase in read_testcases(path):
        yield testcase.get("name", ""), case_result(path, testcase)


def load_results(paths):
    """Map every test_/fault_ case in the files to its Results: JUnit files,
    or ctest logs (a name ending in .log)."""
    results = {}
    for path in paths:
        cases = ctest_log_cases(path) if path.suffix == ".log" else junit_cases(path)
        for name, result in cases:
            case = case_name(name)
            if case is None:
                continue
            case, _, row = case.partition("/")
            # A disabled case is kept, without a result, for the naming checks.
            runs = results.setdefault(case, [])
            if result is not None:
                runs.append(replace(result, row=row))
    return results
