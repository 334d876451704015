"""Rule files that parse and type-check but score wrongly, each caught by `rulecheck check` or `verify`.

Each file in tests/data/broken/ is a small framework in the style of the Shenzhen one with exactly one
known defect, and opens with what must be found, in the format of tests/data/bad, plus two lines:

    # expect: LINE:COLUMN: error[CODE]: message
    # hint: the hint of the finding above, if it has one
    # caught-by: check | verify
    # defect: what is wrong, in words

`check` files must report exactly these findings, word for word. `verify` files hold a defect only the
hypothesis search finds: `check` must be silent on them, and verify must report exactly these codes at
these positions. Every counterexample a finding carries is replayed through the public API
(`Ruleset.evaluate`): the facts it shows must really score out of bounds, fail, or move the wrong way.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.api import ruleset_from
from rulecheck.cli import main
from rulecheck.diagnostics import EvaluationError, sort_key
from rulecheck.domains import domain_of
from rulecheck.inputs.facts import parse_facts
from rulecheck.runtime import Env
from rulecheck.source import Source
from rulecheck.syntax.printer import format_value
from rulecheck.verify import verify

BROKEN = Path(__file__).parent / "data" / "broken"
BROKEN_FILES = sorted(BROKEN.glob("*.rules"))
HEADER = re.compile(r"# (expect|hint|caught-by|defect): (.*)")
EXPECT = re.compile(r"(\d+):(\d+): (error|warning)\[(\w+)\]: (.*)")
MAX_EXAMPLES = 100  # enough for the two verify files, small enough to keep them well under a second


@attrs.frozen
class Header:
    expected: list  # 'expect: …' / 'hint: …' lines, in the form `reported` gives
    caught_by: str
    defect: str

    @property
    def codes(self) -> list[str]:
        return [EXPECT.fullmatch(line.removeprefix("expect: "))[4] for line in self.expected
                if line.startswith("expect: ")]


def header(path: Path) -> Header:
    expected, fields = [], {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = HEADER.fullmatch(line)
        if not match:
            break
        if match[1] in ("expect", "hint"):
            expected.append(f"{match[1]}: {match[2]}")
        else:
            assert match[1] not in fields, f"{path.name}: two '# {match[1]}:' lines"
            fields[match[1]] = match[2]
    return Header(expected, fields.get("caught-by", ""), fields.get("defect", ""))


def lines_of(diagnostics, path: Path) -> list[str]:
    """Findings in the form of the header: 'expect: LINE:COL: severity[CODE]: message', 'hint: …'."""
    lines = []
    for diagnostic in sorted(diagnostics, key=sort_key):
        assert diagnostic.span is not None and diagnostic.span.file == str(path), diagnostic
        location = f"{diagnostic.span.line}:{diagnostic.span.column}"
        lines.append(f"expect: {location}: {diagnostic.severity.value}[{diagnostic.code}]: {diagnostic.message}")
        if diagnostic.hint:
            lines.append(f"hint: {diagnostic.hint}")
    return lines


def files_caught_by(command: str) -> list[Path]:
    return [p for p in BROKEN_FILES if header(p).caught_by == command]


# ---- replaying counterexamples ---------------------------------------------------------------------

def baseline(ruleset) -> dict:
    """A valid fact for every input (1, or the nearest value inside its domain), so that a
    counterexample, which names only the inputs of one leaf, can be scored with the whole framework."""
    facts = {}
    for name, decl in ruleset.inputs.items():
        domain = domain_of(decl)
        if domain.kind == "bool":
            facts[name] = True
        elif domain.kind == "grade":
            facts[name] = domain.values[0]
        else:
            value = Decimal(1)
            if domain.low is not None and (value < domain.low or (value == domain.low and domain.low_exclusive)):
                value = domain.low + 1
            if domain.high is not None and value > domain.high:
                value = domain.high
            facts[name] = value
    return facts


def example_facts(lines) -> dict:
    """Counterexample lines as a facts file would read them (they are meant to be pasted into one)."""
    return parse_facts(Source("counterexample.yaml", "\n".join(lines) + "\n")).values


def evaluation_failures(ruleset, facts: dict) -> list:
    """The diagnostics scoring fails with (none if it succeeds)."""
    try:
        ruleset.evaluate(baseline(ruleset) | facts)
    except EvaluationError as raised:
        return raised.diagnostics
    return []


def departments(example) -> list[tuple[str, Decimal, dict]]:
    """An E711 counterexample: [(indicator, score shown, facts)] for departments A and B."""
    found = []
    for line in example:
        heading = re.fullmatch(r"# department [AB]: (.+) = (\S+)", line)
        if heading:
            found.append((heading[1], Decimal(heading[2]), []))
        else:
            found[-1][2].append(line)
    return [(name, score, example_facts(lines)) for name, score, lines in found]


def assert_reproduced(ruleset, diagnostic) -> None:
    """Scoring the counterexample of a finding shows the problem the finding names."""
    code, message = diagnostic.code, diagnostic.message
    if code == "E711":
        (name, before, facts_a), (_, after, facts_b) = departments(diagnostic.example)
        declared = re.search(r"is declared (increasing|decreasing) in (\S+),", message)
        scores = [ruleset.evaluate(baseline(ruleset) | facts)[name].score for facts in (facts_a, facts_b)]
        assert scores == [before, after]
        moved = declared[2]
        low, high = facts_a[moved], facts_b[moved]
        assert {k: v for k, v in facts_a.items() if k != moved} == {k: v for k, v in facts_b.items() if k != moved}
        assert low != high
        rising = 1 if declared[1] == "increasing" else -1
        assert (after - before) * rising < 0, (before, after)
        return
    if code in ("E706", "E707", "E714"):  # verify's walks: two departments that differ in one input
        (name, before, facts_a), (_, after, facts_b) = departments(diagnostic.example)
        scores = [ruleset.evaluate(baseline(ruleset) | facts)[name].score for facts in (facts_a, facts_b)]
        assert scores == [before, after] and before != after
        assert len({k for k in facts_a.keys() | facts_b.keys() if facts_a.get(k) != facts_b.get(k)}) == 1
        return
    failures = evaluation_failures(ruleset, example_facts(diagnostic.example))
    if code in ("E501", "E502"):
        # check: "'X' can score N, above its P points"; verify: "'X' scored N, above its P points"
        claimed = re.fullmatch(r"'(.+)' (?:can score|scored) (\S+), (above its \S+ points|below 0)", message)
        assert [(d.code, d.message) for d in failures] == \
            [("E603", f"'{claimed[1]}' scored {claimed[2]}, {claimed[3]}")]
    elif code == "E702":
        # the facts put the table's derived subject on the value the message names: both rows match it
        claimed = re.search(r"overlap: (.+) = (\S+) matches both", message)
        assert diagnostic.example[0] == f"# {claimed[1]} = {claimed[2]}"
        facts = ruleset.validate(baseline(ruleset) | example_facts(diagnostic.example[1:]))
        value = Env(facts, ruleset.compiled.lets)[claimed[1]]
        assert format_value(value, "percent") == claimed[2]
        assert failures == []
    elif code == "E504":
        # check's zero divisor: scoring the facts stops with E601 at that very division
        assert [(d.code, d.span) for d in failures] == [("E601", diagnostic.span)]
    elif code == "W505":
        # "'X' can score at most N of its P points": the facts shown earn N (or 0: "scores 0 whatever")
        claimed = re.match(r"'(.+)' (?:can score at most (\S+) of|scores 0 whatever)", message)
        scored = ruleset.evaluate(baseline(ruleset) | example_facts(diagnostic.example))[claimed[1]].score
        assert scored == Decimal(claimed[2] or 0) < Decimal(re.search(r"its (\S+) points", message)[1])
    elif code == "E701":
        # the same axis names the failure: a band table's band, a matrix's row or column
        claimed = re.fullmatch(r"no (band|row|column) of '(.+)' covers (.+)", message)
        assert [(d.code, d.message, d.span) for d in failures] == \
            [("E602", f"no {claimed[1]} of '{claimed[2]}' matches: {claimed[3]}", diagnostic.span)]
    else:  # an evaluation failure found by verify (E601, E602): scoring fails the same way
        assert [(d.code, d.message, d.span) for d in failures] == [(code, message, diagnostic.span)]


# ---- the corpus --------------------------------------------------------------------------------------

def test_the_corpus_covers_every_kind_of_defect():
    headers = {p.stem: header(p) for p in BROKEN_FILES}
    assert len(headers) >= 20
    for name, found in headers.items():
        assert found.caught_by in ("check", "verify"), f"{name}: no '# caught-by: check|verify' line"
        assert found.defect, f"{name}: no '# defect:' line"
        assert found.expected and found.expected[0].startswith("expect: "), f"{name} states no expectation"
    by_check = {code for h in headers.values() if h.caught_by == "check" for code in h.codes}
    by_verify = {code for h in headers.values() if h.caught_by == "verify" for code in h.codes}
    for code in ("E501", "E502", "E504", "W505", "E701", "E702", "E703", "E704", "W705", "E711", "E712", "E401",
                 "E402", "E302"):
        assert code in by_check, f"no broken file is caught by check with {code}"
    assert "E602" in by_verify  # a zero divisor (E601) inside the domains is check's E504
    # a gap is shown for a number, a count and a grade subject; a wrong direction for each kind of rule
    assert {"band-gap", "band-gap-count", "band-gap-grade"} <= {n for n, h in headers.items() if "E701" in h.codes}
    assert {"inverted-threshold", "wrong-direction-checklist", "wrong-direction-deduction",
            "wrong-direction-formula"} <= {n for n, h in headers.items() if "E711" in h.codes}


@pytest.mark.parametrize("path", files_caught_by("check"), ids=lambda p: p.stem)
def test_check_reports_exactly_what_the_file_expects(path: Path):
    expected = header(path).expected
    analysis = rulecheck.analyze(path)
    assert lines_of(analysis.diagnostics, path) == expected
    assert analysis.ok == (not any("error[" in line for line in expected))


@pytest.mark.parametrize("path", files_caught_by("check"), ids=lambda p: p.stem)
def test_check_counterexamples_reproduce_when_scored(path: Path):
    analysis = rulecheck.analyze(path)
    for diagnostic in analysis.diagnostics:
        # bounds and directions always carry facts; so do a gap and an overlap, here: the subject is an
        # input, or a ratio that simple whole numbers reach
        assert bool(diagnostic.example) == (diagnostic.code in ("E501", "E502", "E504", "W505", "E711", "E701",
                                                                 "E702")), diagnostic
        if diagnostic.example:
            assert_reproduced(ruleset_from(analysis), diagnostic)


@pytest.fixture(scope="module")
def verified() -> dict:
    """Each verify file's analysis and the failures verify finds in it (computed once)."""
    found = {}
    for path in files_caught_by("verify"):
        analysis = rulecheck.analyze(path)
        outcomes = verify(analysis, max_examples=MAX_EXAMPLES, seed=0)
        found[path] = analysis, [o.diagnostic for o in outcomes if o.failed]
    return found


@pytest.mark.parametrize("path", files_caught_by("verify"), ids=lambda p: p.stem)
def test_check_alone_does_not_see_what_only_verify_finds(path: Path, verified):
    analysis, _ = verified[path]
    assert analysis.diagnostics == []
    assert analysis.compiled is not None


@pytest.mark.parametrize("path", files_caught_by("verify"), ids=lambda p: p.stem)
def test_verify_reports_exactly_what_the_file_expects(path: Path, verified):
    analysis, failures = verified[path]
    assert lines_of(failures, path) == header(path).expected
    ruleset = ruleset_from(analysis)
    for diagnostic in failures:
        assert diagnostic.example, diagnostic
        assert_reproduced(ruleset, diagnostic)


# ---- through the command -----------------------------------------------------------------------------

def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("path", files_caught_by("check"), ids=lambda p: p.stem)
def test_check_command_prints_each_expected_finding(path: Path):
    expected = header(path).expected
    result = invoke("check", path)
    assert "Traceback" not in result.output
    assert result.exit_code == (1 if any("error[" in line for line in expected) else 0)
    heads = [f"{path}:{line.removeprefix('expect: ')}" for line in expected if line.startswith("expect: ")]
    assert [line for line in result.stdout.splitlines() if line.startswith(f"{path}:")] == heads


@pytest.mark.parametrize("path", files_caught_by("verify"), ids=lambda p: p.stem)
def test_check_command_passes_and_verify_command_fails(path: Path):
    checked = invoke("check", path)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == ""
    result = invoke("verify", path, "--max-examples", MAX_EXAMPLES)
    assert result.exit_code == 1, result.output
    heads = [f"{path}:{line.removeprefix('expect: ')}" for line in header(path).expected
             if line.startswith("expect: ")]
    assert [line for line in result.stdout.splitlines() if line.startswith(f"{path}:")] == heads
    assert "  = counterexample:" in result.stdout.splitlines()
    assert result.stderr.endswith(f": {len(heads)} problem{'s' if len(heads) != 1 else ''}\n")
