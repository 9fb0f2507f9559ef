#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare a target's spec report with the native one and with its known divergences.

A target (ci/target) runs the conformance suite on another implementation of
the Linux ABI: an emulator, another libc, another architecture. This tool
reads the spec reports ci/spec_report.py writes (spec-report.json) and

  --expected FILE   checks the entries that failed on the target (status fail
                    or untested) against FILE, the target's known divergences:
                    one entry a line, "ID  reason" (the reason is required;
                    '#' starts a comment). An entry failing but not listed is
                    a new divergence, one listed but not failing a fixed one;
                    each is named. Exit 1 when there is either.
  --native REPORT   compares the target's report with the native one: every
                    entry whose status differs (but those whose tests the
                    target does not build), with both statuses and the
                    failure message (the row's "failure" or "message" field
                    when the report has one, else its "reason"), written as
                    Markdown (--markdown) and JSON (--json).

Exits 0 when the target's failures are exactly the expected ones (or when no
list is given), 1 when they differ, 2 when an input is unusable.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ENTRY_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)*-[0-9]{2,3}$")
FAILING = ("fail", "untested")
MESSAGE_FIELDS = ("failure", "message", "reason")


class InputError(Exception):
    """An input the tool cannot use; each argument is one line."""


def load_report(path):
    """Return {id: row} of a spec report, in the report's order."""
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"{path}: {err.strerror}") from err
    except json.JSONDecodeError as err:
        raise InputError(f"{path}:{err.lineno}: not JSON: {err.msg}") from err
    rows = report.get("entries") if isinstance(report, dict) else None
    if not isinstance(rows, list) or not all(
            isinstance(row, dict) and "id" in row and "status" in row for row in rows):
        raise InputError(f"{path}: not a spec report (entries with id and status)")
    return {row["id"]: row for row in rows}


def message_of(row):
    """The failure message a report row carries, or ""."""
    for field in MESSAGE_FIELDS:
        value = row.get(field)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def load_expected(path):
    """Return {id: reason} from a known-divergences file."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(f"{path}: {err.strerror}") from err
    expected, errors = {}, []
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        spec_id, _, reason = text.partition(" ")
        if not ENTRY_ID.match(spec_id):
            errors.append(f"{path}:{number}: '{spec_id}' is not a spec ID")
        elif not reason.strip():
            errors.append(f"{path}:{number}: {spec_id} has no reason")
        elif spec_id in expected:
            errors.append(f"{path}:{number}: {spec_id} listed twice")
        else:
            expected[spec_id] = reason.strip()
    if errors:
        raise InputError(*errors)
    return expected


def check(target, expected):
    """Return the failing entries' difference from the expected ones:
    {"new": [...], "fixed": [...], "unknown": [...], "failing": n, "seen": n}."""
    failing = {spec_id: row for spec_id, row in target.items() if row["status"] in FAILING}
    return {
        "failing": len(failing),
        "seen": len([spec_id for spec_id in expected if spec_id in failing]),
        "new": [{"id": spec_id, "status": row["status"], "message": message_of(row)}
                for spec_id, row in failing.items() if spec_id not in expected],
        "fixed": [{"id": spec_id, "status": target[spec_id]["status"], "reason": reason}
                  for spec_id, reason in expected.items()
                  if spec_id in target and spec_id not in failing],
        "unknown": [spec_id for spec_id in expected if spec_id not in target],
    }


def problems_of(result, expected_path):
    """One line for each way the target's failures differ from the list."""
    problems = [f"{spec_id} is listed in {expected_path} but is no entry of the spec"
                for spec_id in result["unknown"]]
    problems += [f"new divergence: {row['id']} {row['status']}: {row['message'] or 'no message'}"
                 for row in result["new"]]
    problems += [f"fixed divergence: {row['id']} is {row['status']} (listed: {row['reason']}); "
                 f"remove it from {expected_path}" for row in result["fixed"]]
    return problems


def not_built(row):
    """True for an entry the target skipped because its tests are not built
    there (spec_report.py --not-built): a choice of the build, not a divergence."""
    return row["status"] == "skip" and str(row.get("reason", "")).startswith("not built")


def compare(native, target, expected):
    """Return the rows of every entry whose status differs between the
    reports, leaving out the entries the target did not build."""
    rows = []
    for spec_id in list(native) + [i for i in target if i not in native]:
        mine, theirs = native.get(spec_id), target.get(spec_id)
        if theirs and not_built(theirs):
            continue
        native_status = mine["status"] if mine else "absent"
        target_status = theirs["status"] if theirs else "absent"
        if native_status == target_status:
            continue
        row = theirs or mine
        rows.append({
            "id": spec_id, "mechanism": row.get("mechanism", ""), "title": row.get("title", ""),
            "native": {"status": native_status, "message": message_of(mine or {})},
            "target": {"status": target_status, "message": message_of(theirs or {})},
            "known": expected.get(spec_id, ""),
        })
    return rows


def cell(text):
    return text.replace("|", "\\|")


def render_markdown(rows, native_path, target_path):
    lines = ["## Divergences", "",
             f"Native `{native_path}` against target `{target_path}`: "
             f"{len(rows)} entries differ.", ""]
    if not rows:
        return "\n".join(lines) + "\n"
    lines += ["| ID | native | target | target's message | known divergence |",
              "|---|---|---|---|---|"]
    for row in rows:
        native = row["native"]["status"]
        if row["native"]["message"]:
            native += f": {row['native']['message']}"
        lines.append("| " + " | ".join(cell(text) for text in (
            row["id"], native, row["target"]["status"], row["target"]["message"],
            row["known"])) + " |")
    return "\n".join(lines) + "\n"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", type=Path, required=True, help="the target's spec-report.json")
    parser.add_argument("--expected", type=Path, help="the target's known divergences")
    parser.add_argument("--native", type=Path, help="the native spec-report.json to compare with")
    parser.add_argument("--markdown", type=Path, help="write the comparison as Markdown")
    parser.add_argument("--json", type=Path, help="write the comparison as JSON")
    args = parser.parse_args(argv)
    if (args.markdown or args.json) and not args.native:
        parser.error("--markdown and --json need --native")
    return args


def write(path, text):
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot write {path}: {err.strerror}") from err


def run(args):
    target = load_report(args.target)
    expected = load_expected(args.expected) if args.expected else {}
    result, problems = None, []
    if args.expected:
        result = check(target, expected)
        problems = problems_of(result, args.expected)
        print(f"divergences: {result['failing']} entries fail on the target; "
              f"{result['seen']} of the {len(expected)} known ones")
    if args.native:
        rows = compare(load_report(args.native), target, expected)
        print(f"divergences: {len(rows)} entries differ from the native report {args.native}")
        if args.markdown:
            write(args.markdown, render_markdown(rows, args.native, args.target))
        if args.json:
            document = {"native": str(args.native), "target": str(args.target),
                        "differ": len(rows), "entries": rows, "check": result}
            write(args.json, json.dumps(document, indent=2) + "\n")
    for problem in problems:
        print(f"divergence check FAILED: {problem}")
    return 1 if problems else 0


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except InputError as err:
        for line in err.args:
            print(f"divergence.py: error: {line}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
