#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the results ctest put in JUnit XML as TAP version 13.

For CI systems and people who read TAP (prove, tappy, ...): every test in
the JUnit files becomes one TAP line, skips carry their IPCSPEC-SKIP reason,
failures their first failure line as TAP 13 YAML diagnostics (`message`,
and `cause`: ctest's word for it). ci/suite writes build/results.tap; read
it with
    prove --exec cat build/results.tap

    junit_tap.py --junit FILE [--junit FILE ...] --tap OUT [--annotate-junit]

With --annotate-junit the JUnit files are rewritten in place, each
<failure> element's message set to the test's first failure line (ctest
leaves it empty, or a bare "Timeout"), so a JUnit reader shows what failed.
Exit status 0 when written, 2 when a JUnit file is unusable. Reading JUnit
is spec_junit.py's, shared with spec_report.py, so both agree on what
passed, failed and skipped, and on the failure line.

See also: spec_report.py, spec_junit.py, tests/spec_report/test_junit_tap.py.
"""

import argparse
import json
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spec_junit import (ReportError, case_result, first_failure_line,  # noqa: E402
                        read_testcases)

EXIT_STATUS = ('exit status: 0 the TAP file was written; 2 an input is unusable '
               '(argparse usage errors too).')


def tap_line(number, name, result):
    """Return the TAP line for one test; result None means disabled."""
    name = name.replace("#", "\\#")  # '#' starts a TAP directive
    if result is None:
        return f"ok {number} - {name} # SKIP disabled"
    if result.outcome == "pass":
        return f"ok {number} - {name}"
    if result.outcome == "skip":
        return f"ok {number} - {name} # SKIP {result.detail}"
    # A JSON string is a YAML double-quoted scalar: any message stays valid.
    message = json.dumps(result.message or result.detail)
    return (f"not ok {number} - {name}\n  ---\n  message: {message}\n"
            f"  cause: {json.dumps(result.detail)}\n  ...")


def render_tap(paths):
    cases = [(testcase.get("name", "?"), case_result(path, testcase))
             for path in paths for testcase in read_testcases(path)]
    lines = ["TAP version 13", f"1..{len(cases)}"]
    lines += [tap_line(number, name, result) for number, (name, result) in enumerate(cases, 1)]
    return "\n".join(lines) + "\n"


def annotate_junit(path):
    """Rewrite one JUnit file in place, each <failure> message set to its
    test's first failure line, after the cause ctest gave ("Timeout: line")."""
    read_testcases(path)  # the checks and error messages the report uses
    tree = ElementTree.parse(path)
    for testcase in tree.getroot().iter("testcase"):
        failure = testcase.find("failure")
        if failure is None:
            continue
        line = first_failure_line(testcase.findtext("system-out") or "")
        cause = failure.get("message", "")
        if line and not cause.endswith(line):
            failure.set("message", f"{cause}: {line}" if cause else line)
    tree.write(path, encoding="UTF-8", xml_declaration=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=EXIT_STATUS)
    parser.add_argument("--junit", type=Path, action="append", required=True,
                        help="file from ctest --output-junit; repeat to merge several")
    parser.add_argument("--tap", type=Path, required=True, help="TAP file to write")
    parser.add_argument("--annotate-junit", action="store_true",
                        help="also set each JUnit <failure> message to the test's "
                             "first failure line, rewriting the files in place")
    args = parser.parse_args(argv)
    try:
        text = render_tap(args.junit)
        if args.annotate_junit:
            for path in args.junit:
                annotate_junit(path)
    except ReportError as err:
        for message in err.args:
            print(f"junit_tap.py: error: {message}", file=sys.stderr)
        return 2
    args.tap.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
