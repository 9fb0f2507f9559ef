#!/usr/bin/env python3
"""Write the results ctest put in JUnit XML as TAP version 13.

For CI systems and people who read TAP (prove, tappy, ...): every test in
the JUnit files becomes one TAP line, skips carry their IPCSPEC-SKIP reason,
failures their cause. ci/suite writes build/results.tap; read it with
    prove --exec cat build/results.tap

    junit_tap.py --junit FILE [--junit FILE ...] --tap OUT

Exit status 0 when written, 2 when a JUnit file is unusable. Reading JUnit
is spec_report.py's, so both agree on what passed, failed and skipped.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spec_report import ReportError, case_result, read_testcases  # noqa: E402


def tap_line(number, name, result):
    """Return the TAP line for one test; result None means disabled."""
    name = name.replace("#", "\\#")  # '#' starts a TAP directive
    if result is None:
        return f"ok {number} - {name} # SKIP disabled"
    if result.outcome == "pass":
        return f"ok {number} - {name}"
    if result.outcome == "skip":
        return f"ok {number} - {name} # SKIP {result.detail}"
    return f"not ok {number} - {name}\n  ---\n  message: {result.detail!r}\n  ..."


def render_tap(paths):
    cases = [(testcase.get("name", "?"), case_result(path, testcase))
             for path in paths for testcase in read_testcases(path)]
    lines = ["TAP version 13", f"1..{len(cases)}"]
    lines += [tap_line(number, name, result) for number, (name, result) in enumerate(cases, 1)]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--junit", type=Path, action="append", required=True,
                        help="file from ctest --output-junit; repeat to merge several")
    parser.add_argument("--tap", type=Path, required=True, help="TAP file to write")
    args = parser.parse_args(argv)
    try:
        text = render_tap(args.junit)
    except ReportError as err:
        for message in err.args:
            print(f"junit_tap.py: error: {message}", file=sys.stderr)
        return 2
    args.tap.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
