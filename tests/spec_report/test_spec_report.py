#!/usr/bin/env python3
"""Tests of ci/spec_report.py, run end to end on the fixtures beside this file.

Each TestCase class is one scenario, fixtures/<scenario>/ holding its spec
directory and JUnit files in the shape ctest 3.25 writes. CTest runs each
class as tool.spec-report.<scenario> (see CMakeLists.txt); by hand:
    python3 tests/spec_report/test_spec_report.py            # every scenario
    python3 tests/spec_report/test_spec_report.py SkipTest   # one scenario

See also: ci/spec_report.py.
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


class FailureLineTest(ScenarioTest):
    """Each failing test's first failure line reaches the JSON, the Markdown
    and the text, beside its entry's expect: the harness's check in the test
    process or in a child, a plain cmocka assert, a timeout, an xfail."""

    scenario = "failure-line"

    def test_json_carries_expect_and_failure_lines(self):
        run = self.run_report("junit.xml")
        entries = {entry["id"]: entry for entry in run.report["entries"]}
        self.assertEqual(entries["PIPE-EOF-01"]["expect"], "with every write end "
                         "closed, read on the read end returns 0")
        self.assertEqual(entries["PIPE-EOF-01"]["failures"], [{
            "test": "test_pipe_eof_01_all_writers_closed_read_zero",
            "message": "tests/conformance/test_pipe_basic.c:41: "
                       "ASSERT_EQ(read(fds[0], buf, 1), 0): 1 vs 0"}])
        # The child's own check, not the parent's line that relays it.
        self.assertEqual(entries["PIPE-EOF-02"]["failures"][0]["message"],
                         "child 4243: tests/conformance/test_pipe_block.c:77: "
                         "ASSERT_SYS_OK(read(fd, buf, 1)) = -1, errno EINTR "
                         "(Interrupted system call); expected success")
        self.assertEqual(entries["PIPE-EOF-03"]["failures"][0]["message"],
                         "tests/conformance/test_pipe_basic.c:120: 0x1 != 0x10")
        self.assertEqual(entries["PIPE-EOF-04"]["failures"][0]["message"], "timeout")
        self.assertIn("expected -1 with errno EBADF",
                      entries["PIPE-EOF-05"]["failures"][0]["message"])
        # The fields that were there keep their values.
        self.assert_entry(run, "PIPE-EOF-01", "fail",
                          "test_pipe_eof_01_all_writers_closed_read_zero: failed")
        self.assert_entry(run, "PIPE-EOF-05", "xfail")

    def test_markdown_shows_failure_line_beside_expect(self):
        markdown = self.run_report("junit.xml").markdown
        self.assertIn(
            "**PIPE-EOF-01** read returns 0 once every write end is closed\n\n"
            "- expect: with every write end closed, read on the read end returns 0\n"
            "- `test_pipe_eof_01_all_writers_closed_read_zero`: "
            "`tests/conformance/test_pipe_basic.c:41: ASSERT_EQ(read(fds[0], buf, 1), 0): "
            "1 vs 0`\n", markdown)

    def test_text_shows_failure_line_under_the_row(self):
        lines = self.run_report("junit.xml").stdout.splitlines()
        row = next(i for i, line in enumerate(lines) if line.startswith("  PIPE-EOF-03 "))
        self.assertEqual(lines[row + 1].strip(), "expect: poll on the read end returns "
                         "POLLHUP once every write end is closed")
        self.assertEqual(lines[row + 2].strip(), "test_pipe_eof_03_all_writers_closed_"
                         "pollhup: tests/conformance/test_pipe_basic.c:120: 0x1 != 0x10")

    def test_passing_entries_carry_no_failure_fields(self):
        report = run_spec_report(FIXTURES / "clean" / "spec",
                                 [FIXTURES / "clean" / "junit.xml"]).report
        for entry in report["entries"]:
            self.assertNotIn("failures", entry)
            self.assertNotIn("expect", entry)


class VariantsTest(ScenarioTest):
    """A case's variant rows ("ID:case/row") cover the entry listing the case:
    it passes when every row passes, fails naming each failed row, and skips
    only when every row skipped."""

    scenario = "variants"

    def test_rows_judge_their_entry(self):
        run = self.run_report("junit.xml")
        self.assert_entry(run, "SOCK-PAIR-01", "pass")
        self.assert_entry(run, "SOCK-PAIR-02", "fail",
                          "test_sock_pair_02_closed_peer_epipe/stream: failed")
        self.assert_entry(run, "SOCK-PAIR-03", "skip",
                          "SO_PASSCRED not permitted in this namespace")
        self.assert_entry(run, "SOCK-PAIR-04", "fail",
                          "test_sock_pair_04_cloexec_each_type/seqpacket: failed")
        self.assert_gate(run, 1, [
            "SOCK-PAIR-02 fails: test_sock_pair_02_closed_peer_epipe/stream: failed",
            "SOCK-PAIR-04 fails: test_sock_pair_04_cloexec_each_type/seqpacket: failed"])

    def test_failed_row_carries_its_name_and_line(self):
        run = self.run_report("junit.xml")
        entry = next(e for e in run.report["entries"] if e["id"] == "SOCK-PAIR-04")
        self.assertEqual(entry["failures"], [{
            "test": "test_sock_pair_04_cloexec_each_type", "row": "seqpacket",
            "message": "tests/conformance/test_sock_pair.c:140: ASSERT_EQ(fcntl(sv[1], "
                       "F_GETFD) & FD_CLOEXEC, FD_CLOEXEC): 0 vs 1"}])
        self.assertIn("- `test_sock_pair_04_cloexec_each_type/seqpacket`: ", run.markdown)


class OptsTest(ScenarioTest):
    """The Open POSIX mapping (spec/opts): every assertion covered by one
    entry or n/a, or a known gap that is really missing. fixtures/opts/clean
    passes; each other case breaks one rule and fails the gate saying so."""

    scenario = "opts"

    def run_case(self, case):
        return self.run_report("junit.xml", spec_dir=FIXTURES / "opts" / case / "spec")

    def where(self, case, name):
        return FIXTURES / "opts" / case / "spec" / name

    def test_clean_mapping_passes_and_prints_gaps_as_missing(self):
        run = self.run_case("clean")
        self.assert_gate(run, 0, [])
        self.assertEqual(run.report["opts"], {
            "totals": {"assertions": 9, "covered": 5, "na": 2, "missing": 2,
                       "known_gaps": 2},
            "interfaces": [
                {"interface": "mq_close", "assertions": 3, "covered": 2, "na": 0,
                 "missing": [2], "known_gaps": [2]},
                {"interface": "mq_send", "assertions": 6, "covered": 3, "na": 2,
                 "missing": [5], "known_gaps": [5]}]})
        self.assertIn("  mq_send        6        3    2        1  MISSING 5 (known gap)",
                      run.stdout.splitlines())
        self.assertIn("| mq_close | 3 | 2 | 0 | 1 MISSING 2 (known gap) |", run.markdown)
        entry = next(e for e in run.report["entries"] if e["id"] == "MQ-SEND-01")
        self.assertEqual(entry["opts"], ["mq_send 1", "mq_send 8"])

    def test_missing_number_fails(self):
        run = self.run_case("missing")
        self.assert_gate(run, 1, [
            f"mq_send 4 is missing: no entry cites it, it is not n/a "
            f"({self.where('missing', 'opts/mq_send.tsv')}:5) and not a known gap"])
        self.assertIn("MISSING 5 (known gap); 4 (NOT a known gap)", run.stdout)

    def test_number_cited_twice_fails(self):
        self.assert_gate(self.run_case("cited-twice"), 1, [
            "mq_send 1 is cited 2 times (MQ-SEND-01, MQ-PRIO-01): cite it from one entry"])

    def test_number_cited_and_na_fails(self):
        self.assert_gate(self.run_case("covered-and-na"), 1, [
            f"mq_send 2 is cited by MQ-SEND-01 and marked n/a at "
            f"{self.where('covered-and-na', 'opts/mq_send.tsv')}:3: it is one or the other"])

    def test_mention_of_no_entry_fails(self):
        self.assert_gate(self.run_case("unknown-entry"), 1, [
            f"{self.where('unknown-entry', 'opts/mq_send.tsv')}:3: mentions MQ-SIZE-01, "
            "which is no spec entry"])

    def test_stale_gap_fails(self):
        self.assert_gate(self.run_case("stale-gap"), 1, [
            f"{self.where('stale-gap', 'opts/gaps.tsv')}:3: known gap mq_close 2 is "
            "covered by MQ-CLOSE-01: remove the line"])

    def test_cited_number_that_does_not_exist_fails(self):
        self.assert_gate(self.run_case("unknown-number"), 1, [
            f"{self.where('unknown-number', 'mq.md')}:22: MQ-CLOSE-01 opts: mq_close 9 "
            "is no assertion of mq_close (it has 1, 2, 3)"])

    def test_cited_interface_without_list_fails(self):
        self.assert_gate(self.run_case("unknown-interface"), 1, [
            f"{self.where('unknown-interface', 'mq.md')}:15: MQ-PRIO-01 opts: mq_recieve "
            f"has no list ({self.where('unknown-interface', 'opts/mq_recieve.tsv')})"])

    def test_malformed_list_line_stops_the_report(self):
        run = self.run_case("bad-tsv")
        self.assertEqual(run.code, 2, run.stdout)
        self.assertEqual(run.stderr.splitlines(), [
            f"spec_report.py: error: {self.where('bad-tsv', 'opts/mq_close.tsv')}:4: "
            "third column must be 'n/a: REASON'"])

    def test_malformed_field_stops_the_report(self):
        run = self.run_case("bad-field")
        self.assertEqual(run.code, 2, run.stdout)
        self.assertEqual(run.stderr.splitlines(), [
            f"spec_report.py: error: {self.where('bad-field', 'mq.md')}:15: opts: '3': "
            "a bare number needs an interface before it"])


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
