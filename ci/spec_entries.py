# SPDX-License-Identifier: MIT
"""The spec's entries, parsed: spec/*.md but README.md, in the format
spec/README.md describes. Every problem is reported with its file:line, and
any problem stops the report (exit 2), so a malformed entry never reads as
a missing one.

See also: spec_report.py (the report and gate), spec_opts.py (the opts
field), tests/spec_report/ (the fixtures of every parse error).
"""

import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spec_opts  # noqa: E402

ENTRY_HEADING = re.compile(r"^## ([A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)*-[0-9]{2,3}) (.+)$")
# "## " then a word with a dash, a digit and no lower case: meant as an entry.
ATTEMPTED_ENTRY = re.compile(r"^## (?=\S*-)(?=\S*[0-9])[A-Z][^\sa-z]*(\s|$)")
FIELD = re.compile(r"^- ([a-z]+):(.*)$")
ID_NUMBER = re.compile(r"^[0-9]{2,3}$")

REQUIRED_FIELDS = ("expect", "source", "level", "tests")
KNOWN_FIELDS = REQUIRED_FIELDS + ("fault", "status", "opts")
LEVELS = ("posix", "linux", "impl")
TEST_PREFIXES = ("test_", "fault_")


class ReportError(Exception):
    """Input the report cannot be built from; each argument is one line."""


@dataclass(frozen=True)
class Entry:
    spec_id: str
    title: str
    level: str
    tests: tuple
    pending: bool
    xfail_reason: str  # empty unless the entry is marked xfail
    path: Path
    line: int
    expect: str = ""
    opts: tuple = ()  # ((interface, number), ...) from the opts field
    opts_line: int = 0

    @property
    def mechanism(self):
        return self.path.stem

    @property
    def location(self):
        return f"{self.path}:{self.line}"


def spec_id_of(test):
    """Return the spec ID a test_/fault_ case name carries, or None."""
    prefix = next((p for p in TEST_PREFIXES if test.startswith(p)), None)
    if prefix is None:
        return None
    segments = test[len(prefix):].split("_")
    for count, segment in enumerate(segments, 1):
        if ID_NUMBER.match(segment):
            return "-".join(segments[:count]).upper()
    return None


def parse_nonempty(value):
    if not value:
        raise ValueError("must not be empty")
    return value


def parse_level(value):
    if value not in LEVELS:
        raise ValueError(f"must be one of {', '.join(LEVELS)}, not '{value}'")
    return value


def parse_status(value):
    """Split a status field into (pending, xfail_reason)."""
    if value == "pending":
        return True, ""
    kind, _, reason = value.partition(" ")
    if kind == "xfail" and reason.strip():
        return False, reason.strip()
    raise ValueError(f"must be 'xfail REASON' or 'pending', not '{value}'")


def parse_tests(value, spec_id):
    """Split a tests field into case names, each carrying spec_id."""
    if not value:
        return ()
    tests = tuple(name.strip() for name in value.split(","))
    for test in tests:
        if not test:
            raise ValueError("empty name between commas")
        if "/" in test:
            raise ValueError(f"{test} names a variant row: list the case "
                             f"{test.partition('/')[0]}, which covers every row")
        if spec_id_of(test) != spec_id:
            raise ValueError(f"{test} does not carry its entry's ID {spec_id}")
    repeated = sorted({test for test in tests if tests.count(test) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} listed more than once")
    return tests


def sections(path):
    """Yield (number, heading, body) for each heading of path, body being
    the (number, line) pairs up to the next heading."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ReportError(f"{path}: not UTF-8 (byte {err.start})") from err
    section = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            if section:
                yield section
            section = (number, line, [])
        elif section:
            section[2].append((number, line))
    if section:
        yield section


def read_fields(path, body, errors):
    """Return {key: (number, value)} from the '- key: value' lines of body."""
    fields = {}
    for number, line in body:
        if not line.startswith("- "):
            continue
        field = FIELD.match(line)
        if not field:
            errors.append(f"{path}:{number}: expected '- key: value'")
            continue
        key, value = field.group(1), field.group(2).strip()
        if key not in KNOWN_FIELDS:
            errors.append(f"{path}:{number}: unknown field '{key}' "
                          f"(known: {', '.join(KNOWN_FIELDS)})")
        elif key in fields:
            errors.append(f"{path}:{number}: field '{key}' repeated "
                          f"(first at line {fields[key][0]})")
        else:
            fields[key] = (number, value)
    return fields


def build_entry(path, line, heading, fields, errors):
    """Return the Entry a matched heading and its fields describe, or None
    after appending to errors why they describe none."""
    spec_id, title = heading.group(1), heading.group(3).strip()
    problems = [f"{path}:{line}: {spec_id} lacks required field '{key}'"
                for key in REQUIRED_FIELDS if key not in fields]

    def parsed(key, parse, default):
        if key not in fields:
            return default
        number, value = fields[key]
        try:
            return parse(value)
        except ValueError as err:
            problems.append(f"{path}:{number}: {key}: {err}")
            return default

    expect = parsed("expect", parse_nonempty, "")
    parsed("source", parse_nonempty, "")
    level = parsed("level", parse_level, "")
    tests = parsed("tests", lambda value: parse_tests(value, spec_id), ())
    pending, xfail_reason = parsed("status", parse_status, (False, ""))
    opts = parsed("opts", spec_opts.parse_opts_field, ())
    if "tests" in fields and not fields["tests"][1] and not pending:
        problems.append(f"{path}:{fields['tests'][0]}: tests: must not be empty "
                        "unless the entry has status: pending")
    errors += problems
    if problems:
        return None
    return Entry(spec_id, title, level, tests, pending, xfail_reason, path, line,
                 expect, opts, fields["opts"][0] if "opts" in fields else 0)


def parse_spec_file(path, errors):
    """Return the entries of one spec file, appending problems to errors."""
    entries = []
    for line, text, body in sections(path):
        heading = ENTRY_HEADING.match(text)
        if heading:
            entry = build_entry(path, line, heading, read_fields(path, body, errors), errors)
            if entry:
                entries.append(entry)
        elif ATTEMPTED_ENTRY.match(text):
            errors.append(f"{path}:{line}: malformed entry heading; expected "
                          "'## AREA-NAME-NN title' (2 or 3 digits, then a title)")
    return entries


def load_spec(spec_dir):
    """Return every entry under spec_dir in file, then line, order."""
    if not spec_dir.is_dir():
        raise ReportError(f"spec dir {spec_dir} does not exist")
    paths = sorted(p for p in spec_dir.glob("*.md") if p.name != "README.md")
    if not paths:
        raise ReportError(f"spec dir {spec_dir} holds no spec file (*.md but README.md)")
    entries, errors, first = [], [], {}
    for path in paths:
        entries += parse_spec_file(path, errors)
    for entry in entries:
        if entry.spec_id in first:
            errors.append(f"{entry.location}: duplicate ID {entry.spec_id} "
                          f"(first at {first[entry.spec_id]})")
        first.setdefault(entry.spec_id, entry.location)
    if errors:
        raise ReportError(*errors)
    return entries
