#!/usr/bin/env python3
"""Tests of ci/junit_tap.py on the spec report's JUnit fixtures: a pass, a
failure, a skip with its reason and a test ctest could not run each become
the TAP line a TAP reader expects, numbered, after a correct plan.

See also: ci/junit_tap.py, test_spec_report.py.
"""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
JUNIT_TAP = Path(__file__).resolve().parents[2] / "ci" / "junit_tap.py"


def run_tap(*junit_files):
    with tempfile.TemporaryDirectory(prefix="junit-tap-test-") as out:
        tap = Path(out, "results.tap")
        args = [sys.executable, str(JUNIT_TAP), "--tap", str(tap)]
        for junit in junit_files:
            args += ["--junit", str(junit)]
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        return done.returncode, tap.read_text() if tap.exists() else None, done.stderr


class TapTest(unittest.TestCase):
    def test_plan_and_lines(self):
        code, tap, _ = run_tap(FIXTURES / "skip" / "junit.xml", FIXTURES / "fail" / "junit.xml")
        self.assertEqual(code, 0)
        lines = tap.splitlines()
        self.assertEqual(lines[0], "TAP version 13")
        results = [line for line in lines if line.startswith(("ok ", "not ok "))]
        self.assertEqual(lines[1], f"1..{len(results)}")
        numbers = [int(line.split()[1 if line.startswith("ok") else 2]) for line in results]
        self.assertEqual(numbers, list(range(1, len(results) + 1)))
        self.assertIn("ok 3 - MQ-PRIO-01:test_mq_prio_01_highest_priority_first", lines)
        self.assertIn("ok 4 - MQ-PRIO-01:test_mq_prio_01_sigqueue_delivery_order"
                      " # SKIP valgrind delivers a signal sent to self late", lines)
        self.assertIn("not ok 5 - PIPE-EOF-01:test_pipe_eof_01_all_writers_closed_read_zero",
                      lines)

    def test_missing_junit_is_an_error(self):
        code, tap, stderr = run_tap(FIXTURES / "no-such-file.xml")
        self.assertEqual(code, 2)
        self.assertIsNone(tap)
        self.assertIn("does not exist", stderr)


if __name__ == "__main__":
    unittest.main()
