# SPDX-License-Identifier: MIT
"""The Open POSIX Test Suite mapping of the spec, checked: spec/opts/.

spec/opts/<interface>.tsv lists every numbered assertion of one interface's
Open POSIX Test Suite list (one line each: number, a summary, and for one no
entry covers, "n/a: REASON"); an entry covers assertions by naming them in
its field `- opts: mq_send 3, mq_timedsend 3`; spec/opts/gaps.tsv lists the
assertions nobody covers yet. spec_report.py calls this module to parse the
field and the files and to check, as its gate does:
  - every assertion is covered by exactly one entry or n/a, never both;
  - every cited interface and number exists;
  - every entry ID the files mention exists;
  - every assertion neither covered nor n/a is a known gap, and every known
    gap is in fact missing (so the list only shrinks).
The format is in spec/README.md and spec/opts/README.md.

See also: spec_report.py (the report and gate), tests/spec_report/ (fixtures).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

INTERFACE = re.compile(r"^[a-z][a-z0-9_]*$")
OPTS_ITEM = re.compile(r"^(?:([a-z][a-z0-9_]*) +)?([0-9]+)$")
ENTRY_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*-[0-9]{2,3}\b")
GAPS_FILE = "gaps.tsv"
NA_PREFIX = "n/a: "


@dataclass
class Assertion:
    summary: str
    na_reason: str  # empty unless the assertion is marked n/a
    location: str  # file:line of its line in spec/opts


@dataclass
class Catalogue:
    """Everything spec/opts holds."""
    directory: Path
    assertions: dict = field(default_factory=dict)  # interface -> {number: Assertion}
    gaps: dict = field(default_factory=dict)  # (interface, number) -> file:line
    mentions: list = field(default_factory=list)  # (file:line, entry ID) in the texts


def parse_opts_field(value):
    """Split an opts field into ((interface, number), ...). A bare number
    belongs to the interface named before it: "mq_open 3, 29, mq_close 1"."""
    items, interface = [], None
    for item in (part.strip() for part in value.split(",")):
        match = OPTS_ITEM.match(item)
        if not match:
            raise ValueError(f"'{item}' is not 'interface NUMBER' (or a NUMBER "
                             "after one)")
        interface = match.group(1) or interface
        if interface is None:
            raise ValueError(f"'{item}': a bare number needs an interface before it")
        items.append((interface, int(match.group(2))))
    return tuple(items)


def data_lines(path, errors):
    """Yield (file:line, columns) for each line of a .tsv that is not blank
    or a '#' comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        errors.append(f"{path}: not UTF-8 (byte {err.start})")
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield f"{path}:{number}", line.split("\t")


def read_interface(path, errors):
    """Return {number: Assertion} from one <interface>.tsv."""
    assertions = {}
    for where, columns in data_lines(path, errors):
        if len(columns) not in (2, 3) or not columns[0].isdigit() or not columns[1].strip():
            errors.append(f"{where}: expected 'NUMBER<tab>summary' with an optional "
                          "'<tab>n/a: REASON'")
            continue
        number, reason = int(columns[0]), ""
        if len(columns) == 3:
            reason = columns[2].strip()
            if not reason.startswith(NA_PREFIX) or not reason[len(NA_PREFIX):].strip():
                errors.append(f"{where}: third column must be 'n/a: REASON'")
                continue
            reason = reason[len(NA_PREFIX):].strip()
        if number in assertions:
            errors.append(f"{where}: assertion {number} repeated "
                          f"(first at {assertions[number].location})")
            continue
        assertions[number] = Assertion(columns[1].strip(), reason, where)
    return assertions


def read_gaps(path, errors, catalogue):
    """Fill catalogue.gaps from gaps.tsv: 'interface NUMBER<tab>why'."""
    for where, columns in data_lines(path, errors):
        match = OPTS_ITEM.match(columns[0].strip())
        if len(columns) != 2 or not match or not match.group(1) or not columns[1].strip():
            errors.append(f"{where}: expected 'interface NUMBER<tab>why it is not "
                          "covered yet'")
            continue
        key = (match.group(1), int(match.group(2)))
        if key in catalogue.gaps:
            errors.append(f"{where}: {key[0]} {key[1]} listed twice "
                          f"(first at {catalogue.gaps[key]})")
            continue
        catalogue.gaps[key] = where
        catalogue.mentions += [(where, spec_id) for spec_id in ENTRY_ID.findall(columns[1])]


def load_catalogue(opts_dir, errors):
    """Return the Catalogue in opts_dir, appending malformed lines to errors."""
    catalogue = Catalogue(opts_dir)
    for path in sorted(opts_dir.glob("*.tsv")):
        if path.name == GAPS_FILE:
            continue
        if not INTERFACE.match(path.stem):
            errors.append(f"{path}: not an interface name (lower case, digits, '_')")
            continue
        assertions = read_interface(path, errors)
        catalogue.assertions[path.stem] = assertions
        for assertion in assertions.values():
            text = f"{assertion.summary} {assertion.na_reason}"
            catalogue.mentions += [(assertion.location, spec_id)
                                   for spec_id in ENTRY_ID.findall(text)]
    if (opts_dir / GAPS_FILE).is_file():
        read_gaps(opts_dir / GAPS_FILE, errors, catalogue)
    return catalogue


# --- the check ---------------------------------------------------------------

def citations(entries, catalogue, problems):
    """Return {(interface, number): [entry ID, ...]} of the valid citations,
    appending a problem for each that names no assertion."""
    cited = {}
    for entry in entries:
        for interface, number in entry.opts:
            where = f"{entry.path}:{entry.opts_line}: {entry.spec_id} opts"
            known = catalogue.assertions.get(interface)
            if known is None:
                problems.append(f"{where}: {interface} has no list "
                                f"({catalogue.directory / (interface + '.tsv')})")
            elif number not in known:
                problems.append(f"{where}: {interface} {number} is no assertion of "
                                f"{interface} (it has {describe_numbers(sorted(known))})")
            else:
                cited.setdefault((interface, number), []).append(entry.spec_id)
    return cited


def describe_numbers(numbers):
    return ", ".join(map(str, numbers)) if len(numbers) <= 6 else \
        f"{len(numbers)}: {numbers[0]}..{numbers[-1]}"


def interface_summary(interface, assertions, cited, catalogue, problems):
    """Return one interface's counts, appending a problem for each assertion
    cited twice, both cited and n/a, or missing and not a known gap."""
    covered, na, missing, gaps = [], [], [], []
    for number, assertion in sorted(assertions.items()):
        by = cited.get((interface, number), [])
        name = f"{interface} {number}"
        if len(by) > 1:
            problems.append(f"{name} is cited {len(by)} times ({', '.join(by)}): "
                            "cite it from one entry")
        if by and assertion.na_reason:
            problems.append(f"{name} is cited by {by[0]} and marked n/a at "
                            f"{assertion.location}: it is one or the other")
        if by:
            covered.append(number)
        elif assertion.na_reason:
            na.append(number)
        else:
            missing.append(number)
            if (interface, number) in catalogue.gaps:
                gaps.append(number)
            else:
                problems.append(f"{name} is missing: no entry cites it, it is not "
                                f"n/a ({assertion.location}) and not a known gap")
    return {"interface": interface, "assertions": len(assertions),
            "covered": len(covered), "na": len(na), "missing": missing, "known_gaps": gaps}


def stale_gaps(catalogue, cited, problems):
    for (interface, number), where in sorted(catalogue.gaps.items(), key=lambda g: g[1]):
        assertion = catalogue.assertions.get(interface, {}).get(number)
        name = f"{interface} {number}"
        if assertion is None:
            problems.append(f"{where}: known gap {name} is no assertion")
        elif (interface, number) in cited:
            problems.append(f"{where}: known gap {name} is covered by "
                            f"{', '.join(cited[(interface, number)])}: remove the line")
        elif assertion.na_reason:
            problems.append(f"{where}: known gap {name} is marked n/a at "
                            f"{assertion.location}: remove one of them")


def check(entries, catalogue):
    """Return (the report's "opts" section, the problems that fail the gate)."""
    problems = []
    cited = citations(entries, catalogue, problems)
    known_ids = {entry.spec_id for entry in entries}
    problems += [f"{where}: mentions {spec_id}, which is no spec entry"
                 for where, spec_id in catalogue.mentions if spec_id not in known_ids]
    interfaces = [interface_summary(name, assertions, cited, catalogue, problems)
                  for name, assertions in sorted(catalogue.assertions.items())]
    stale_gaps(catalogue, cited, problems)
    totals = {key: sum(i[key] for i in interfaces) for key in ("assertions", "covered", "na")}
    totals["missing"] = sum(len(i["missing"]) for i in interfaces)
    totals["known_gaps"] = sum(len(i["known_gaps"]) for i in interfaces)
    return {"totals": totals, "interfaces": interfaces}, problems


# --- rendering ---------------------------------------------------------------

def totals_line(opts):
    t = opts["totals"]
    return (f"opts: {t['assertions']} Open POSIX assertions: {t['covered']} covered, "
            f"{t['na']} n/a, {t['missing']} missing ({t['known_gaps']} of them known gaps)")


def missing_text(row):
    """Return "MISSING 5, 6 (known gaps); 7 (NOT a known gap)" or ""."""
    gaps = row["known_gaps"]
    others = [n for n in row["missing"] if n not in gaps]
    parts = []
    if gaps:
        parts.append(f"{', '.join(map(str, gaps))} (known gap{'s' * (len(gaps) > 1)})")
    if others:
        parts.append(f"{', '.join(map(str, others))} (NOT a known gap)")
    return "MISSING " + "; ".join(parts) if parts else ""


def render_text(opts):
    """Return the per-interface lines of the text report."""
    width = max([len("interface")] + [len(row["interface"]) for row in opts["interfaces"]])
    lines = [totals_line(opts),
             f"  {'interface':<{width}}  total  covered  n/a  missing"]
    for row in opts["interfaces"]:
        lines.append(f"  {row['interface']:<{width}}  {row['assertions']:>5}  "
                     f"{row['covered']:>7}  {row['na']:>3}  {len(row['missing']):>7}  "
                     f"{missing_text(row)}".rstrip())
    return lines


def render_markdown(opts):
    """Return the Markdown section: totals, then one row per interface."""
    lines = ["", "### Open POSIX Test Suite assertions (spec/opts)", "",
             f"**{totals_line(opts)}**", "",
             "| interface | total | covered | n/a | missing |", "|---|---|---|---|---|"]
    for row in opts["interfaces"]:
        missing = f"{len(row['missing'])} {missing_text(row)}".rstrip()
        lines.append(f"| {row['interface']} | {row['assertions']} | {row['covered']} | "
                     f"{row['na']} | {missing} |")
    return lines
