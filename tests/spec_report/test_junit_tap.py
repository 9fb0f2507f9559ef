#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of ci/junit_tap.py on the spec report's JUnit fixtures: a pass, a
failure, a skip with its reason and a test ctest could not run each become
the TAP line a TAP reader expects, numbered, after a correct plan; a failure
carries its first failure line as YAML diagnostics, and --annotate-junit
puts it in the JUnit <failure> message.

See also: ci/junit_tap.py, test_spec_report.py.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
JUNIT_TAP = Path(__file__).resolve().parents[2] / "ci" / "junit_tap.py"


def run_tap(*junit_files, extra=()):
    with tempfile.TemporaryDirectory(prefix="junit-tap-test-") as out:
        tap = Path(out, "results.tap")
        args = [sys.executable, str(JUNIT_TAP), "--tap", str(tap), *extra]
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

    def test_failure_carries_yaml_diagnostics(self):
        code, tap, _ = run_tap(FIXTURES / "failure-line" / "junit.xml")
        self.assertEqual(code, 0)
        lines = tap.splitlines()
        start = lines.index("not ok 1 - PIPE-EOF-01:test_pipe_eof_01_all_writers_closed_read_zero")
        self.assertEqual(lines[start + 1:start + 5], [
            "  ---",
            '  message: "tests/conformance/test_pipe_basic.c:41: '
            'ASSERT_EQ(read(fds[0], buf, 1), 0): 1 vs 0"',
            '  cause: "failed"',
            "  ..."])
        start = lines.index("not ok 4 - PIPE-EOF-04:test_pipe_eof_04_empty_nonblock_eagain")
        self.assertEqual(lines[start + 2:start + 4], ['  message: "timeout"',
                                                      '  cause: "timeout"'])

    def test_annotate_junit_fills_failure_messages(self):
        with tempfile.TemporaryDirectory(prefix="junit-tap-test-") as scratch:
            junit = Path(scratch, "junit.xml")
            shutil.copy(FIXTURES / "failure-line" / "junit.xml", junit)
            code, _, stderr = run_tap(junit, extra=["--annotate-junit"])
            self.assertEqual(code, 0, stderr)
            messages = {case.get("name").partition(":")[0]: case.find("failure").get("message")
                        for case in ElementTree.parse(junit).getroot().iter("testcase")}
            # The spec report reads the annotated file as it read the original.
            report = Path(scratch, "report.json")
            subprocess.run([sys.executable, str(JUNIT_TAP.parent / "spec_report.py"),
                            "--spec-dir", str(FIXTURES / "failure-line" / "spec"),
                            "--junit", str(junit), "--json", str(report)],
                           capture_output=True, check=False)
            reasons = [e.get("reason") for e in json.loads(report.read_text())["entries"]]
        self.assertEqual(messages["PIPE-EOF-01"], "tests/conformance/test_pipe_basic.c:41: "
                         "ASSERT_EQ(read(fds[0], buf, 1), 0): 1 vs 0")
        self.assertEqual(messages["PIPE-EOF-03"],
                         "tests/conformance/test_pipe_basic.c:120: 0x1 != 0x10")
        self.assertEqual(messages["PIPE-EOF-04"], "Timeout")
        self.assertEqual(reasons[:4], [
            "test_pipe_eof_01_all_writers_closed_read_zero: failed",
            "test_pipe_eof_02_blocked_reader_wakes_zero: failed",
            "test_pipe_eof_03_all_writers_closed_pollhup: failed",
            "test_pipe_eof_04_empty_nonblock_eagain: timeout"])

    def test_missing_junit_is_an_error(self):
        code, tap, stderr = run_tap(FIXTURES / "no-such-file.xml")
        self.assertEqual(code, 2)
        self.assertIsNone(tap)
        self.assertIn("does not exist", stderr)


if __name__ == "__main__":
    unittest.main()
