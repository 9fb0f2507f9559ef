#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of ci/spec_report.py, run end to end on the fixtures beside this file.

Each TestCase class is one scenario, fixtures/<scenario>/ holding its spec
directory and JUnit files in the shape ctest 3.25 writes. CTest runs each
class as tool.spec-report.<scenario> (see CMakeLists.txt); by hand:
    python3 tests/spec_report/test_spec_report.py            # these scenarios
    python3 tests/spec_report/test_spec_report.py SkipTest   # one scenario
The scenarios of failure lines and variant rows are in test_failures.py,
those of the Open POSIX mapping in test_opts.py; both use ScenarioTest.

See also: ci/spec_report.py, ci/spec_entries.py, ci/spec_junit.py.
"""

import json
import subprocess
import sys
import tempfile
import unittest
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SPEC_REPORT = Path(__file__).resolve().parents[2] / "ci" / "spec_report.py"
SUMMARY_KEYS = ["entries", "pass", "fail", "skip", "xfail", "pending", "untested"]
ENTRY_KEYS = ["id", "mechanism", "title", "level", "status", "tests"]


@dataclass
class Run:
    """What one run of the report left behind."""
    code: int
    stdout: str
    stderr: str
    report: dict  # the JSON report, None if none was written
    markdown: str  # the Markdown report, None if none was written


def run_spec_report(spec_dir, junit_files, extra=()):
    """Run the report on spec_dir and junit_files, asking for every output."""
    with tempfile.TemporaryDirectory(prefix="spec-report-test-") as out:
        json_path, markdown_path = Path(out, "report.json"), Path(out, "report.md")
        command = [sys.executable, str(SPEC_REPORT), "--spec-dir", str(spec_dir),
                   "--json", str(json_path), "--markdown", str(markdown_path)]
        for junit in junit_files:
            command += ["--junit", str(junit)]
        command += list(extra)
        done = subprocess.run(command, capture_output=True, text=True, timeout=30,
                              check=False)
        report = json.loads(json_path.read_text()) if json_path.exists() else None
        markdown = markdown_path.read_text() if markdown_path.exists() else None
    return Run(done.returncode, done.stdout, done.stderr, report, markdown)


class ScenarioTest(unittest.TestCase):
    """Runs the report on fixtures/<scenario>; subclasses name the scenario."""

    scenario = ""

    def run_report(self, *junit_names, spec_dir=None, extra=()):
        fixture = FIXTURES / self.scenario
        return run_spec_report(spec_dir or fixture / "spec",
                               [fixture / name for name in junit_names], extra)

    def assert_entry(self, run, spec_id, status, reason=None):
        """Assert that entry spec_id has status and, if given, reason."""
        entry = next((e for e in run.report["entries"] if e["id"] == spec_id), None)
        self.assertIsNotNone(entry, f"no entry {spec_id} in the report")
        self.assertEqual(entry["status"], status, f"status of {spec_id}")
        if reason is not None:
            self.assertEqual(entry.get("reason"), reason, f"reason of {spec_id}")

    def assert_gate(self, run, code, problems):
        """Assert the exit code and that the problems are exactly these."""
        self.assertEqual(run.code, code, f"exit code; stderr: {run.stderr}")
        self.assertEqual(run.report["problems"], problems)
        failed = [line for line in run.stdout.splitlines()
                  if line.startswith("spec check FAILED: ")]
        self.assertEqual(failed, [f"spec check FAILED: {p}" for p in problems])


class CleanTest(ScenarioTest):
    """(a), (j): every test passes; the JSON holds exactly the expected report."""

    scenario = "clean"

    def test_passes_gate_with_expected_json(self):
        run = self.run_report("junit.xml")
        self.assertEqual(run.code, 0, run.stderr)
        expected = json.loads((FIXTURES / "clean" / "expected.json").read_text())
        # Dumping keeps key order, so this compares the order of keys too.
        self.assertEqual(json.dumps(run.report, indent=1), json.dumps(expected, indent=1))

    def test_json_keys_in_documented_order(self):
        report = self.run_report("junit.xml").report
        self.assertEqual(list(report), ["summary", "entries", "problems"])
        self.assertEqual(list(report["summary"]), SUMMARY_KEYS)
        for entry in report["entries"]:
            self.assertEqual(list(entry), ENTRY_KEYS)

    def test_text_groups_by_mechanism_and_closes_with_summary(self):
        lines = self.run_report("junit.xml").stdout.splitlines()
        self.assertEqual([line for line in lines if not line.startswith(" ")][:3],
                         ["faults", "mq", "pipe"])
        self.assertEqual(lines[-1], "spec: 4 entries: 4 pass, 0 fail, 0 skip, "
                                    "0 xfail, 0 pending, 0 untested")

    def test_markdown_has_a_table_per_mechanism(self):
        markdown = self.run_report("junit.xml").markdown
        self.assertIn("**spec: 4 entries: 4 pass, 0 fail, 0 skip, 0 xfail, "
                      "0 pending, 0 untested**", markdown)
        self.assertEqual(markdown.count("| ID | Status | Level | Title | Reason |"), 3)
        self.assertIn("| MQ-PRIO-01 | pass | posix |", markdown)
        self.assertNotIn("FAILED", markdown)


class MergeTest(ScenarioTest):
    """Results of several --junit files are merged."""

    scenario = "merge"

    def test_two_files_together_cover_the_spec(self):
        run = self.run_report("junit-host.xml", "junit-rest.xml",
                              spec_dir=FIXTURES / "clean" / "spec")
        self.assert_gate(run, 0, [])
        self.assertEqual(run.report["summary"]["pass"], 4)

    def test_one_file_alone_leaves_entries_short(self):
        run = self.run_report("junit-host.xml", spec_dir=FIXTURES / "clean" / "spec")
        self.assertEqual(run.code, 1)
        self.assert_entry(run, "MQ-PRIO-01", "untested")
        self.assert_entry(run, "PIPE-EOF-01", "fail", "test test_pipe_eof_01_"
                          "child_writer_exit_read_zero listed but not run")


class UntestedTest(ScenarioTest):
    """(b): an entry none of whose tests ran, or whose test is DISABLED."""

    scenario = "untested"

    def test_entries_without_results_are_untested(self):
        run = self.run_report("junit.xml")
        self.assert_entry(run, "PIPE-EOF-01", "pass")
        self.assert_entry(run, "PIPE-EOF-02", "untested", "none of its tests ran "
                          "(test_pipe_eof_02_open_writer_read_blocks)")
        self.assert_entry(run, "PIPE-EOF-03", "untested")
        self.assert_gate(run, 1, [
            "PIPE-EOF-02 is untested: none of its tests ran "
            "(test_pipe_eof_02_open_writer_read_blocks)",
            "PIPE-EOF-03 is untested: none of its tests ran "
            "(test_pipe_eof_03_all_writers_closed_pollhup)"])


class NotBuiltTest(ScenarioTest):
    """A platform that does not build some tests (musl: no fault tests) says
    so: their entries skip with the reason; tests that ran keep their result."""

    scenario = "untested"

    def test_not_built_tests_skip_with_reason(self):
        run = self.run_report("junit.xml", extra=[
            "--not-built", "test_pipe_eof_0=not on this platform"])
        self.assert_entry(run, "PIPE-EOF-01", "pass")
        self.assert_entry(run, "PIPE-EOF-02", "skip", "not built: not on this platform")
        self.assert_entry(run, "PIPE-EOF-03", "skip", "not built: not on this platform")
        self.assertEqual(run.code, 0)

    def test_malformed_option_is_a_usage_error(self):
        run = self.run_report("junit.xml", extra=["--not-built", "fault_"])
        self.assertEqual(run.code, 2)
        self.assertIn("expected PREFIX=REASON", run.stderr)


class FailTest(ScenarioTest):
    """(c): failed, listed-but-not-run, unrunnable and timed-out tests."""

    scenario = "fail"

    def test_each_failure_names_its_test(self):
        run = self.run_report("junit.xml", "junit-newer-ctest.xml")
        self.assert_entry(run, "PIPE-EOF-01", "fail",
                          "test_pipe_eof_01_all_writers_closed_read_zero: failed")
        self.assert_entry(run, "PIPE-EOF-02", "fail", "test test_pipe_eof_02_"
                          "open_writer_nonblock_eagain listed but not run")
        self.assert_entry(run, "PIPE-EOF-03", "fail", "test_pipe_eof_03_all_writers"
                          "_closed_pollhup: not run: Unable to find executable")
        self.assert_entry(run, "PIPE-EOF-04", "fail",
                          "test_pipe_eof_04_empty_nonblock_eagain: timeout")
        self.assertEqual(run.code, 1)
        self.assertEqual(run.report["summary"]["fail"], 4)
        self.assertEqual(len(run.report["problems"]), 4)


class UnknownIdTest(ScenarioTest):
    """(d): a test naming an ID the spec lacks, and one naming none."""

    scenario = "unknown-id"

    def test_unknown_ids_fail_the_gate(self):
        run = self.run_report("junit.xml")
        self.assert_entry(run, "PIPE-EOF-01", "pass")
        self.assert_gate(run, 1, [
            "test test_pipe_eof_09_retired_behaviour names no known spec ID",
            "test test_pipe_without_number names no known spec ID"])


class UnlistedTest(ScenarioTest):
    """(e): a test carrying a known ID that its entry does not list."""

    scenario = "unlisted"

    def test_unlisted_test_fails_the_gate(self):
        run = self.run_report("junit.xml")
        spec_file = FIXTURES / "unlisted" / "spec" / "pipe.md"
        self.assert_entry(run, "PIPE-EOF-01", "pass")
        self.assert_gate(run, 1, [
            f"test test_pipe_eof_01_forgotten_in_spec checks PIPE-EOF-01 "
            f"but {spec_file} does not list it"])


class SkipTest(ScenarioTest):
    """(f): skips carry the test's IPCSPEC-SKIP reason and pass the gate."""

    scenario = "skip"

    def test_skips_report_their_reason(self):
        run = self.run_report("junit.xml")
        self.assert_entry(run, "MQ-LIMIT-01", "skip",
                          "process holds CAP_SYS_RESOURCE, so msg_max does not bind")
        self.assert_entry(run, "MQ-LIMIT-02", "skip", "no reason given")
        self.assert_entry(run, "MQ-PRIO-01", "pass")  # one passed, one skipped
        self.assert_gate(run, 0, [])
        self.assertIn("process holds CAP_SYS_RESOURCE", run.stdout)


class XfailTest(ScenarioTest):
    """(g): an xfail entry is xfail while it fails and a failure once it passes."""

    scenario = "xfail"

    def test_failing_xfail_entry_is_xfail(self):
        run = self.run_report("junit-failing.xml")
        self.assert_entry(run, "PIPE-ATOM-01", "xfail", "the reference "
                          "implementation splits writes into 512-byte chunks")
        self.assert_gate(run, 0, [])

    def test_gate_tests_passes_an_xfail_case_fails_any_other(self):
        # ctest fails on both failed tests; the report alone decides: the
        # xfail entry's case is expected, the tool test's failure is not.
        run = self.run_report("junit-failing.xml", extra=["--gate-tests"])
        self.assert_entry(run, "PIPE-ATOM-01", "xfail")
        self.assert_gate(run, 0, [])
        run = self.run_report("junit-tool-failing.xml", extra=["--gate-tests"])
        self.assert_gate(run, 1, ["test tool.spec-report.clean failed: "
                                  "tests/spec_report/test_spec_report.py:101: "
                                  "AssertionError: 1 != 0"])
        # Without --gate-tests the report judges the entries alone.
        self.assert_gate(self.run_report("junit-tool-failing.xml"), 0, [])

    def test_passing_xfail_entry_fails(self):
        run = self.run_report("junit-passing.xml")
        reason = "xfail entry passed: remove its xfail status"
        self.assert_entry(run, "PIPE-ATOM-01", "fail", reason)
        self.assert_gate(run, 1, [f"PIPE-ATOM-01 fails: {reason}"])


class PendingTest(ScenarioTest):
    """(h): pending entries fail the gate, and so does a stale pending mark."""

    scenario = "pending"

    def test_pending_entries_fail_the_gate(self):
        run = self.run_report("junit.xml")
        self.assert_entry(run, "SIG-MASK-01", "pending", "marked pending")
        self.assert_entry(run, "SIG-MASK-02", "pending", "marked pending")
        self.assert_entry(run, "SIG-MASK-03", "pass")
        self.assert_gate(run, 1, [
            "SIG-MASK-01 is pending: its tests are not written yet",
            "SIG-MASK-02 is pending: its tests are not written yet",
            "SIG-MASK-03 is marked pending but its tests pass: remove the status"])


class ParseErrorsTest(ScenarioTest):
    """(i): a malformed spec stops the report with exit 2 and file:line."""

    scenario = "parse"

    def assert_parse_error(self, case, location, message):
        run = self.run_report("junit.xml", spec_dir=FIXTURES / "parse" / case / "spec")
        self.assertEqual(run.code, 2, run.stdout)
        self.assertIsNone(run.report)
        self.assertEqual(run.stderr.splitlines(), [
            f"spec_report.py: error: {FIXTURES / 'parse' / case / 'spec' / location}: "
            f"{message}"])

    def test_missing_field(self):
        self.assert_parse_error("missing-field", "pipe.md:3",
                                "PIPE-EOF-01 lacks required field 'source'")

    def test_bad_level(self):
        self.assert_parse_error("bad-level", "pipe.md:6",
                                "level: must be one of posix, linux, impl, not 'bsd'")

    def test_duplicate_id(self):
        first = FIXTURES / "parse" / "duplicate-id" / "spec" / "fifo.md"
        self.assert_parse_error("duplicate-id", "pipe.md:3",
                                f"duplicate ID PIPE-EOF-01 (first at {first}:5)")

    def test_malformed_heading(self):
        self.assert_parse_error("malformed-heading", "pipe.md:7",
                                "malformed entry heading; expected '## AREA-NAME-NN "
                                "title' (2 or 3 digits, then a title)")

    def test_unknown_field(self):
        self.assert_parse_error("unknown-field", "pipe.md:8", "unknown field 'owner' "
                                "(known: expect, source, level, tests, fault, status, opts)")

    def test_listed_test_of_another_entry(self):
        self.assert_parse_error("foreign-test", "pipe.md:7", "tests: test_pipe_eof_02_"
                                "open_writer_read_blocks does not carry its entry's "
                                "ID PIPE-EOF-01")

    def test_xfail_without_reason(self):
        self.assert_parse_error("bad-status", "pipe.md:8", "status: must be "
                                "'xfail REASON' or 'pending', not 'xfail'")

    def test_empty_tests_without_pending(self):
        self.assert_parse_error("empty-tests", "pipe.md:7", "tests: must not be "
                                "empty unless the entry has status: pending")

    def test_variant_row_listed(self):
        self.assert_parse_error("variant-row", "pipe.md:7", "tests: test_pipe_eof_01_"
                                "all_writers_closed_read_zero/blocking names a variant "
                                "row: list the case test_pipe_eof_01_all_writers_closed_"
                                "read_zero, which covers every row")


class JunitErrorsTest(ScenarioTest):
    """A missing or truncated JUnit file stops the report with exit 2."""

    scenario = "junit-errors"

    def assert_junit_error(self, name, message):
        run = self.run_report(name, spec_dir=FIXTURES / "clean" / "spec")
        self.assertEqual(run.code, 2, run.stdout)
        self.assertIsNone(run.report)
        self.assertEqual(run.stderr.splitlines(), [f"spec_report.py: error: {message}"])

    def test_missing_file(self):
        missing = FIXTURES / "junit-errors" / "absent.xml"
        self.assert_junit_error("absent.xml", f"junit file {missing} does not exist")

    def test_truncated_file(self):
        truncated = FIXTURES / "junit-errors" / "truncated.xml"
        self.assert_junit_error("truncated.xml",
                                f"{truncated}:13: not well-formed XML: no element found")


if __name__ == "__main__":
    unittest.main()
