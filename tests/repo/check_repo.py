#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that README.md and the ci/ scripts say what the tree is.

README.md's numbers, recipes and layout are the first thing a user tries;
each class below holds one of them to the tree, so that a change which makes
the README wrong fails here rather than in a user's hands:

  Counts        every "spec: N entries: ... K pending" line counts the spec's
                entries (N - K, the pending one being the walkthrough's own)
  Walkthrough   the failing-spec-first walkthrough's ID is still free (or
                holds the walkthrough's own entry, once someone followed it),
                and the files and messages it names are the tree's
  Coverage      the README's coverage commands are the ones ci/run runs
  Layout        the Layout block names every top-level file and directory,
                and every tests/ directory, and names nothing that is gone
  Help          every ci/ shell script answers --help with its usage and
                exit status, at once and without running anything (the
                Python tools' --help is argparse's)

Run one class: check_repo.py Counts (CTest does, one test per class:
tests/repo/CMakeLists.txt).
"""

import importlib.util
import os
import re
import subprocess
import sys
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def load_spec_entries():
    spec = importlib.util.spec_from_file_location("spec_report", ROOT / "ci" / "spec_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load_spec(ROOT / "spec")


def section(title):
    """The text of README's '## title' section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    if not match:
        raise AssertionError(f"README.md has no section '## {title}'")
    return match.group(1)


def code_blocks(text):
    return re.findall(r"^ *```[a-z]*\n(.*?)^ *```", text, re.M | re.S)


def walkthrough():
    """(ID, heading line) of the entry the walkthrough adds."""
    text = section("The spec, and working failing-spec-first")
    heading = re.search(r"^ *(## ([A-Z-]+-\d+) .*)$", text, re.M)
    return heading.group(2), heading.group(1)


def walked(entries):
    """True when spec/ holds the walkthrough's own entry: someone followed it."""
    spec_id, heading = walkthrough()
    return any(e.spec_id == spec_id and f"## {e.spec_id} {e.title}" == heading for e in entries)


class Counts(unittest.TestCase):
    def test_summary_lines_count_the_spec(self):
        entries = load_spec_entries()
        # Following the walkthrough adds its entry; the README counts without it.
        count = len(entries) - walked(entries)
        lines = re.findall(r"spec: (\d+) entries: .*?(\d+) pending", README)
        self.assertTrue(lines, "README.md shows no 'spec: N entries' line")
        for total, pending in lines:
            self.assertEqual(int(total) - int(pending), count,
                             f"README.md says 'spec: {total} entries' with {pending} pending; "
                             f"spec/ holds {count} entries: update the README's sample output")


class Walkthrough(unittest.TestCase):
    text = section("The spec, and working failing-spec-first")

    def test_walkthrough_id_is_free(self):
        entries = load_spec_entries()
        spec_id, _ = walkthrough()
        taken = {entry.spec_id for entry in entries}
        self.assertFalse(spec_id in taken and not walked(entries),
                         f"the walkthrough adds {spec_id}, which spec/ already has for "
                         "another behaviour: give the walkthrough the next free ID")

    def test_named_places_exist(self):
        for path in ("spec/pipe.md", "tests/conformance/test_pipe_api.c",
                     "impl/include/ipcspec/pipe.h", "impl/src/pipe.c",
                     "tests/fault/sweep/nofail.txt", "tests/fault/sweep/errnos.tsv"):
            self.assertIn(path, self.text)
            self.assertTrue((ROOT / path).is_file(), f"the walkthrough names {path}, which is gone")
        self.assertIn("## PIPE-API-08 ", (ROOT / "spec/pipe.md").read_text(encoding="utf-8"))

    def test_reach_message_is_the_sweeps(self):
        # The walkthrough quotes the reach check's message; it must be the one printed.
        quoted = re.search(r"`REACH ioctl (is called by impl/[^`]*)`", self.text.replace("\n   ", " "))
        self.assertIsNotNone(quoted, "the walkthrough no longer quotes the reach message")
        sweep = "".join(p.read_text() for p in (ROOT / "tests/fault/sweep").glob("*.py"))
        self.assertIn(quoted.group(1).split(" nor ")[0].replace("impl/", ""),
                      sweep.replace("impl/", ""),
                      "the reach check's message changed: update the walkthrough's quote")


class Coverage(unittest.TestCase):
    def test_recipe_is_what_ci_run_runs(self):
        block = next(b for b in code_blocks(section("Memcheck, coverage, sanitizers, musl, "
                                                     "static analysis")) if "gcovr" in b)
        lines = block.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("# coverage of impl/"))
        commands = []
        for line in lines[start:]:
            if not line.strip():
                break
            if not line.startswith("#"):
                commands.append(line.strip())
        self.assertGreaterEqual(len(commands), 2)
        # ci/run may stop its step on a failing command ("|| return 1").
        ci_run = {line.strip().removesuffix(" || return 1")
                  for line in (ROOT / "ci/run").read_text().splitlines()}
        for command in commands:
            self.assertTrue(command in ci_run, f"README's coverage command '{command}' is not "
                            "one ci/run runs: keep the two the same")


class Layout(unittest.TestCase):
    block = code_blocks(section("Layout"))[0]

    def tracked(self):
        """Top-level names and tests/ directories of the tree, from git when it has one."""
        try:
            files = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True,
                                   text=True, check=True).stdout.split()
        except (OSError, subprocess.CalledProcessError):
            files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                     if p.is_file() and not str(p.relative_to(ROOT)).startswith(("build", ".git"))]
        top = {f.split("/")[0] + ("/" if "/" in f else "") for f in files}
        tests = {"/".join(f.split("/")[:2]) + "/" for f in files
                 if f.startswith("tests/") and f.count("/") >= 2}
        return top, tests

    def test_every_entry_named(self):
        top, tests = self.tracked()
        words = set(re.findall(r"[\w.+-]+/?", self.block.replace(",", " ")))
        paths = set(re.findall(r"[\w./+-]+", self.block))
        for name in sorted(top):
            self.assertTrue(name in words or name.rstrip("/") in words
                            or any(p.startswith(name) for p in paths),
                            f"README's Layout does not name {name}")
        for name in sorted(tests):
            self.assertTrue(any(p.startswith(name) for p in paths),
                            f"README's Layout does not name {name}")

    def test_named_paths_exist(self):
        for path in re.findall(r"^([\w.][\w./-]*)", self.block, re.M):
            self.assertTrue((ROOT / path).exists(), f"README's Layout names {path}, which is gone")


class Help(unittest.TestCase):
    def test_every_ci_script_answers_help(self):
        scripts = sorted(p for p in (ROOT / "ci").iterdir()
                         if p.is_file() and os.access(p, os.X_OK) and not p.suffix)
        self.assertTrue(scripts)
        for script in scripts:
            with self.subTest(script=script.name):
                done = subprocess.run([str(script), "--help"], capture_output=True, text=True,
                                      timeout=20, check=False, cwd="/")
                self.assertEqual(done.returncode, 0, f"{script.name} --help: {done.stderr}")
                self.assertRegex(done.stdout, r"(?i)usage:")
                self.assertRegex(done.stdout, r"(?i)exit (status|code)|exits")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1] + sys.argv[1:])
