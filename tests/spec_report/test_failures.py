#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of what ci/spec_report.py shows of a failure (the expect: beside
each failed test's first failure line) and of variant rows, end to end on
fixtures/failure-line and fixtures/variants.

Run by CTest as tool.spec-report.failure-line and tool.spec-report.variants (see CMakeLists.txt); by hand:
    python3 tests/spec_report/test_failures.py

See also: ci/spec_report.py, ci/spec_junit.py, test_spec_report.py (the scenarios' runner).
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_spec_report import FIXTURES, ScenarioTest, run_spec_report  # noqa: E402,F401


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
        # A sanitizer's headline, not the first stack frame under it.
        self.assertEqual(entries["PIPE-EOF-06"]["failures"][0]["message"],
                         "==5151==ERROR: AddressSanitizer: stack-buffer-overflow on address "
                         "0x7ffd3a1c2f80 at pc 0x55d1 bp 0x7ffd sp 0x7ffd")
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


if __name__ == "__main__":
    unittest.main()
