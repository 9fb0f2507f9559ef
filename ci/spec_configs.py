# SPDX-License-Identifier: MIT
"""The entries across configurations: the same spec judged on the results of
other builds and runs of the suite (valgrind memcheck, the sanitizers, musl,
an emulator), so the report names every entry that one of them skipped or
failed, and why.

A configuration is NAME=FILE, FILE a JUnit file from `ctest --output-junit`
or a ctest log (`ctest -T memcheck` writes no JUnit; see spec_junit.py). In
a configuration an entry is judged on those of its tests that ran there; an
entry none of whose tests ran there (the fault tests under a build that runs
the conformance label only) is counted as not run, not listed. Whether a
configuration passed is its own step's verdict: these notes do not fail the
gate a second time.

See also: spec_report.py (which adds them to its report), ci/run (which
passes its configurations), tests/spec_report/fixtures/configs/.
"""

import re
from dataclasses import replace
from pathlib import Path

from spec_entries import ReportError
from spec_junit import load_results

CONFIG_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
COUNTS = ("pass", "fail", "skip", "xfail", "not run")


def parse_configs(items):
    """Return [(name, Path)] from the --config NAME=FILE arguments."""
    configs = []
    for item in items:
        name, equals, path = item.partition("=")
        if not (equals and path and CONFIG_NAME.match(name)):
            raise ReportError(f"--config {item!r}: expected NAME=FILE, NAME in "
                              "lower case letters, digits, '.', '_' and '-'")
        if name in (seen for seen, _ in configs):
            raise ReportError(f"--config {name} given twice")
        configs.append((name, Path(path)))
    return configs


def judge_in(entry, results, judge):
    """Return the Verdict on entry from the tests of its that ran in one
    configuration, or None when none of them ran there."""
    ran = tuple(test for test in entry.tests if results.get(test))
    if not ran:
        return None
    return judge(replace(entry, tests=ran, pending=False), results)


def note(verdict):
    """Return an entry's note for one configuration, or None if it passed
    there with every run."""
    if verdict.status == "pass" and not verdict.skipped:
        return None
    if verdict.status == "pass":
        return {"status": "pass", "skipped": list(verdict.skipped)}
    record = {"status": verdict.status, "reason": verdict.reason}
    if verdict.failures:
        record["failures"] = list(verdict.failures)
    return record


def add_configurations(report, entries, configs, judge):
    """Judge every entry in each configuration; put each entry's notes in its
    row ("configurations") and each configuration's counts in the report."""
    rows = {row["id"]: row for row in report["entries"]}
    summaries = []
    for name, path in configs:
        results = load_results([path])
        counts = dict.fromkeys(COUNTS, 0)
        for entry in entries:
            verdict = judge_in(entry, results, judge)
            status = verdict.status if verdict else "not run"
            counts[status if status in counts else "not run"] += 1
            entry_note = note(verdict) if verdict else None
            if entry_note:
                rows[entry.spec_id].setdefault("configurations", {})[name] = entry_note
        summaries.append({"name": name, "results": str(path), **counts})
    report["configurations"] = summaries


def skipped_text(skips):
    """Return skipped runs as "run, run: reason; run: reason", runs of one
    reason together."""
    by_reason = {}
    for skip in skips:
        run = f"{skip['test']}/{skip['row']}" if skip.get("row") else skip["test"]
        by_reason.setdefault(skip["reason"], []).append(run)
    return "; ".join(f"{', '.join(runs)}: {reason}" for reason, runs in by_reason.items())


def note_text(name, record):
    """Return one line: what an entry was in one configuration."""
    if record["status"] == "pass":
        return f"under {name}: pass, some runs skipped: {skipped_text(record['skipped'])}"
    messages = [f.get("message") for f in record.get("failures", []) if f.get("message")]
    return f"under {name}: {record['status']}: {'; '.join(messages) or record['reason']}"


def entry_notes(row):
    """Return the lines of an entry's notes, one per configuration."""
    return [note_text(name, record)
            for name, record in row.get("configurations", {}).items()]


def counts_text(summary):
    return ", ".join(f"{summary[key]} {key}" for key in COUNTS)


def render_text(report):
    """Return the configurations section: one line of counts each."""
    if "configurations" not in report:
        return []
    width = max((len(s["name"]) for s in report["configurations"]), default=0)
    lines = ["configurations (each entry judged on its tests that ran there):"]
    lines += [f"  {s['name']:<{width}}  {counts_text(s)}" for s in report["configurations"]]
    return lines


def render_markdown(report):
    """Return the configurations as Markdown: the counts, then each entry
    with a note."""
    if "configurations" not in report:
        return []
    lines = ["", "### Configurations", "",
             "Each entry judged on those of its tests that ran in that build or run.", "",
             "| configuration | " + " | ".join(COUNTS) + " |",
             "|---" * (len(COUNTS) + 1) + "|"]
    lines += ["| " + " | ".join([s["name"]] + [str(s[key]) for key in COUNTS]) + " |"
              for s in report["configurations"]]
    noted = [row for row in report["entries"] if row.get("configurations")]
    if noted:
        lines += ["", "Entries not passed in every configuration:", ""]
        for row in noted:
            lines += [f"- **{row['id']}** {text}".replace("|", "\\|")
                      for text in entry_notes(row)]
    return lines
