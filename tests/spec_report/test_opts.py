#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of the Open POSIX mapping check (ci/spec_opts.py), end to end on
fixtures/opts: a clean mapping, and one case per rule the gate enforces.

Run by CTest as tool.spec-report.opts (see CMakeLists.txt); by hand:
    python3 tests/spec_report/test_opts.py

See also: ci/spec_report.py, ci/spec_opts.py, test_spec_report.py (the scenarios' runner).
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_spec_report import FIXTURES, ScenarioTest  # noqa: E402


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

    def test_gap_marked_na_fails(self):
        self.assert_gate(self.run_case("gap-na"), 1, [
            f"{self.where('gap-na', 'opts/gaps.tsv')}:4: known gap mq_send 4 is marked n/a "
            f"at {self.where('gap-na', 'opts/mq_send.tsv')}:5: remove one of them"])

    def test_gap_that_is_no_assertion_fails(self):
        self.assert_gate(self.run_case("gap-unknown"), 1, [
            f"{self.where('gap-unknown', 'opts/gaps.tsv')}:4: known gap mq_send 99 is "
            "no assertion"])

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


if __name__ == "__main__":
    unittest.main()
