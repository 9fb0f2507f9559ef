#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of ci/divergence.py: the known-divergence check and the comparison
of a target's spec report with the native one. Each TestCase class is one
CTest test (tests/spec_report/CMakeLists.txt); the reports and lists are
written into a temporary directory by each test.

See also: ci/divergence.py, ci/target, test_spec_report.py.
"""

import contextlib
import io
import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "ci"))
import divergence  # noqa: E402


def row(spec_id, status, **fields):
    return dict({"id": spec_id, "mechanism": spec_id.split("-")[0].lower(),
                 "title": f"{spec_id}'s title", "level": "linux", "status": status}, **fields)


NATIVE = [row("MQ-OPEN-10", "pass"), row("MQ-TIMED-03", "pass"), row("SIG-CHLD-03", "pass"),
          row("PIPE-API-05", "pass"), row("SHM-MMAP-08", "pass"), row("FIU-EXT-01", "pass")]


class ToolCase(unittest.TestCase):
    """Runs divergence.main on files in a fresh directory; keeps its output."""

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="divergence-test-"))
        self.addCleanup(self.remove_dir)

    def remove_dir(self):
        for path in self.dir.iterdir():
            path.unlink()
        self.dir.rmdir()

    def report(self, name, rows):
        path = self.dir / name
        path.write_text(json.dumps({"summary": {}, "entries": rows}), encoding="utf-8")
        return path

    def text(self, name, content):
        path = self.dir / name
        path.write_text(content, encoding="utf-8")
        return path

    def run_tool(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = divergence.main([str(arg) for arg in args])
        self.out, self.err = out.getvalue(), err.getvalue()
        return code


TARGET = [row("MQ-OPEN-10", "fail", reason="test_mq_open_10_x: failed",
              failure="mq_open(name, O_WRONLY | O_RDWR) = 5; expected -1 with errno EINVAL"),
          row("MQ-TIMED-03", "fail", reason="test_mq_timed_03_x: failed"),
          row("SIG-CHLD-03", "pass"), row("PIPE-API-05", "skip", reason="no seccomp"),
          row("SHM-MMAP-08", "untested", reason="none of its tests ran"),
          row("FIU-EXT-01", "skip", reason="not built: fault injection runs natively only")]
LIST = """# known divergences of a made-up target
MQ-OPEN-10   access mode 3 becomes read-only
MQ-TIMED-03  the deadline is written back
SHM-MMAP-08  MAP_SHARED_VALIDATE refused
"""


class MatchTest(ToolCase):
    """Failures equal to the list: exit 0, and the count is printed."""

    def test_match(self):
        code = self.run_tool("--target", self.report("t.json", TARGET),
                             "--expected", self.text("t.divergences", LIST))
        self.assertEqual(code, 0, self.out + self.err)
        self.assertIn("3 entries fail on the target; 3 of the 3 known ones", self.out)
        self.assertNotIn("FAILED", self.out)


class NewAndFixedTest(ToolCase):
    """A failure not listed is new, a listed entry that passes is fixed: both named."""

    def test_new_and_fixed(self):
        rows = [dict(r) for r in TARGET]
        rows[1]["status"] = "pass"  # MQ-TIMED-03 fixed
        rows[2] = row("SIG-CHLD-03", "fail", message="wait() reaped a child under SA_NOCLDWAIT")
        code = self.run_tool("--target", self.report("t.json", rows),
                             "--expected", self.text("t.divergences", LIST))
        self.assertEqual(code, 1)
        self.assertIn("divergence check FAILED: new divergence: SIG-CHLD-03 fail: "
                      "wait() reaped a child under SA_NOCLDWAIT", self.out)
        self.assertIn("divergence check FAILED: fixed divergence: MQ-TIMED-03 is pass "
                      "(listed: the deadline is written back)", self.out)
        self.assertEqual(self.out.count("FAILED"), 2)


class ListErrorsTest(ToolCase):
    """A malformed list is unusable (exit 2), each problem on its line; an
    ID the spec lacks fails the check."""

    def test_malformed(self):
        code = self.run_tool("--target", self.report("t.json", TARGET), "--expected",
                             self.text("bad", "MQ-OPEN-10\nmq-open-11 lower case\n"
                                              "MQ-TIMED-03 a\nMQ-TIMED-03 b\n"))
        self.assertEqual(code, 2)
        self.assertIn("bad:1: MQ-OPEN-10 has no reason", self.err)
        self.assertIn("bad:2: 'mq-open-11' is not a spec ID", self.err)
        self.assertIn("bad:4: MQ-TIMED-03 listed twice", self.err)

    def test_unknown_id(self):
        code = self.run_tool("--target", self.report("t.json", TARGET), "--expected",
                             self.text("l", LIST + "SOCK-GONE-01 retired long ago\n"))
        self.assertEqual(code, 1)
        self.assertIn("SOCK-GONE-01 is listed in", self.out)


class CompareTest(ToolCase):
    """Every entry whose status differs, with both statuses and the message
    (failure field first, else reason), as Markdown and JSON; an entry the
    target did not build is no divergence."""

    def test_compare(self):
        md, js = self.dir / "d.md", self.dir / "d.json"
        code = self.run_tool("--target", self.report("t.json", TARGET),
                             "--native", self.report("n.json", NATIVE),
                             "--expected", self.text("l", LIST), "--markdown", md, "--json", js)
        self.assertEqual(code, 0, self.out + self.err)
        document = json.loads(js.read_text(encoding="utf-8"))
        by_id = {entry["id"]: entry for entry in document["entries"]}
        self.assertEqual(sorted(by_id), ["MQ-OPEN-10", "MQ-TIMED-03", "PIPE-API-05", "SHM-MMAP-08"])
        self.assertEqual(by_id["MQ-OPEN-10"]["native"], {"status": "pass", "message": ""})
        self.assertEqual(by_id["MQ-OPEN-10"]["target"]["message"],
                         "mq_open(name, O_WRONLY | O_RDWR) = 5; expected -1 with errno EINVAL")
        self.assertEqual(by_id["MQ-TIMED-03"]["target"]["message"], "test_mq_timed_03_x: failed")
        self.assertEqual(by_id["PIPE-API-05"]["target"]["status"], "skip")
        self.assertEqual(by_id["MQ-OPEN-10"]["known"], "access mode 3 becomes read-only")
        self.assertEqual(document["check"]["new"], [])
        markdown = md.read_text(encoding="utf-8")
        self.assertIn("4 entries differ", markdown)
        self.assertIn("| MQ-OPEN-10 | pass | fail | mq_open(name, O_WRONLY \\| O_RDWR) = 5; "
                      "expected -1 with errno EINVAL | access mode 3 becomes read-only |", markdown)

    def test_absent_entry(self):
        js = self.dir / "d.json"
        code = self.run_tool("--target", self.report("t.json", TARGET[:1]),
                             "--native", self.report("n.json", NATIVE[:2]), "--json", js)
        self.assertEqual(code, 0)
        entries = json.loads(js.read_text(encoding="utf-8"))["entries"]
        self.assertEqual([(e["id"], e["target"]["status"]) for e in entries],
                         [("MQ-OPEN-10", "fail"), ("MQ-TIMED-03", "absent")])

    def test_not_a_report(self):
        code = self.run_tool("--target", self.text("t.json", '{"entries": [{"id": 1}]}'))
        self.assertEqual(code, 2)
        self.assertIn("not a spec report", self.err)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1] + sys.argv[1:])
