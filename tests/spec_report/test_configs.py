#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of the report across configurations (ci/spec_configs.py) and of a
passing entry's skipped runs, end to end on fixtures/configs: a native JUnit
file, a ThreadSanitizer build's JUnit file and a `ctest -T memcheck` log.

Run by CTest as tool.spec-report.configs (see CMakeLists.txt); by hand:
    python3 tests/spec_report/test_configs.py

See also: ci/spec_report.py, ci/spec_junit.py (the ctest log reader).
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_spec_report import ScenarioTest  # noqa: E402

TSAN = "tsan={}"
MEMCHECK = "memcheck={}"
TSAN_SKIP = "ThreadSanitizer intercepts the calls this test interrupts"
TSAN_FAILURE = ("tests/conformance/test_mq_limit.c:88: ASSERT_SYS_ERR(mq_open(name, "
                "O_CREAT | O_RDWR, 0600, &attr), EINVAL) = 3; expected -1 with errno EINVAL")
MEMCHECK_FAILURE = "tests/conformance/test_mq_limit.c:88: ASSERT_EQ(attr.mq_msgsize, 8192): 0 vs 8192"


class ConfigsTest(ScenarioTest):
    """Each configuration's skips and failures are named on their entries,
    with the reason or the failure line; entries none of whose tests ran
    there are counted, not listed; the notes never fail the gate."""

    scenario = "configs"

    def run_configs(self, *configs):
        fixture = Path(__file__).resolve().parent / "fixtures" / self.scenario
        extra = []
        for config, name in configs:
            extra += ["--config", config.format(fixture / name)]
        return self.run_report("junit.xml", extra=extra)

    def entries(self, run):
        return {entry["id"]: entry for entry in run.report["entries"]}

    def test_notes_name_each_configuration(self):
        run = self.run_configs((TSAN, "junit-tsan.xml"), (MEMCHECK, "memcheck.log"))
        entries = self.entries(run)
        self.assertEqual(entries["MQ-LIMIT-01"]["configurations"], {
            "tsan": {"status": "skip", "reason": TSAN_SKIP},
            # Under valgrind ctest calls a skip passed: its IPCSPEC-SKIP line decides.
            "memcheck": {"status": "skip",
                         "reason": "valgrind keeps RLIMIT_NOFILE to itself"}})
        tsan = entries["MQ-LIMIT-02"]["configurations"]["tsan"]
        self.assertEqual((tsan["status"], tsan["failures"][0]["message"]),
                         ("fail", TSAN_FAILURE))
        memcheck = entries["MQ-LIMIT-02"]["configurations"]["memcheck"]
        self.assertEqual((memcheck["status"], memcheck["failures"][0]["message"]),
                         ("fail", MEMCHECK_FAILURE))
        # Passed wherever its tests ran (the fault test runs natively only).
        self.assertNotIn("configurations", entries["MQ-UNLINK-01"])
        self.assert_entry(run, "MQ-LIMIT-02", "pass")
        self.assert_gate(run, 0, [])

    def test_counts_per_configuration(self):
        run = self.run_configs((TSAN, "junit-tsan.xml"), (MEMCHECK, "memcheck.log"))
        counts = [{key: value for key, value in summary.items() if key != "results"}
                  for summary in run.report["configurations"]]
        self.assertEqual(counts, [
            {"name": "tsan", "pass": 2, "fail": 1, "skip": 1, "xfail": 0, "not run": 0},
            {"name": "memcheck", "pass": 1, "fail": 1, "skip": 1, "xfail": 0, "not run": 1}])
        self.assertIn("  tsan      2 pass, 1 fail, 1 skip, 0 xfail, 0 not run\n", run.stdout)
        self.assertIn("| memcheck | 1 | 1 | 1 | 0 | 1 |", run.markdown)

    def test_text_and_markdown_carry_the_notes(self):
        run = self.run_configs((TSAN, "junit-tsan.xml"), (MEMCHECK, "memcheck.log"))
        self.assertIn(f"under tsan: skip: {TSAN_SKIP}\n", run.stdout)
        self.assertIn(f"under memcheck: fail: {MEMCHECK_FAILURE}\n", run.stdout)
        self.assertIn(f"- **MQ-LIMIT-01** under tsan: skip: {TSAN_SKIP}\n", run.markdown)
        self.assertTrue(run.stdout.rstrip().splitlines()[-1].startswith("spec: 4 entries"))

    def test_passing_entry_names_its_skipped_runs(self):
        run = self.run_report("junit.xml")
        reason = "the process may not raise its real-time priority (EPERM)"
        self.assertEqual(self.entries(run)["MQ-PRIO-01"]["skipped"], [
            {"test": "test_mq_prio_01_sigqueue_delivery_order", "reason": reason}])
        self.assertIn(f"skipped: test_mq_prio_01_sigqueue_delivery_order: {reason}\n",
                      run.stdout)
        self.assertIn(f"- **MQ-PRIO-01** test_mq_prio_01_sigqueue_delivery_order: {reason}",
                      run.markdown)
        self.assertNotIn("configurations", run.report)

    def test_bad_config_argument_is_an_input_error(self):
        for config in ("tsan", "TSan=x.xml", "=x.xml"):
            run = self.run_report("junit.xml", extra=["--config", config])
            self.assertEqual(run.code, 2, config)
            self.assertIn("expected NAME=FILE", run.stderr)
        run = self.run_configs((TSAN, "junit-tsan.xml"), (TSAN, "junit-tsan.xml"))
        self.assertEqual((run.code, run.stderr.strip()),
                         (2, "spec_report.py: error: --config tsan given twice"))
        run = self.run_configs((TSAN, "missing.xml"))
        self.assertEqual(run.code, 2)
        self.assertIn("missing.xml does not exist", run.stderr)


if __name__ == "__main__":
    unittest.main()
