"""Properties of `rulecheck diff` on generated rule files: a file and its canonical layout mean the same,
any two files compare and render, and the values a band table's change is said to move are exactly
those whose score changes when scored."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from strategies import rule_files

import rulecheck
from rulecheck.diff import Diff, Version, compare, render_json, render_text
from rulecheck.syntax.layout import layout


def version(text: str, name: str) -> Version:
    return Version(name, rulecheck.analyze_text(text, name), Path(name))


@given(rule_files())
def test_a_file_and_its_canonical_layout_mean_the_same(text):
    assert compare(version(text, "a.rules"), version(layout(text, "b.rules"), "b.rules")) == []


@given(rule_files(), rule_files())
def test_any_two_files_compare_and_render(a, b):
    old, new = version(a, "a.rules"), version(b, "b.rules")
    sections = compare(old, new)
    assert all(section.lines for section in sections)
    text = render_text(Diff("a.rules", "b.rules", tuple(sections)))
    assert text.startswith("--- a.rules\n+++ b.rules\n")
    assert json.loads(render_json(Diff("a.rules", "b.rules", tuple(sections))))["changes"] == [
        json.loads(render_json(Diff("a", "b", (section,))))["changes"][0] for section in sections]
    back = compare(new, old)
    assert bool(back) == bool(sections)


TABLE = """\
framework "满意度"
total 6
rounding 2 decimals half-up
inputs:
    满意度: percent from 0% to 100%
group 公平性 (6):
    indicator 公众或服务对象满意度 (6):
        bands 满意度:
{rows}
"""
POINTS = st.sampled_from([Decimal(p) / 2 for p in range(13)])


@st.composite
def tables(draw) -> str:
    """A ladder table over 满意度: thresholds going down (≥ or >), each with its points, then otherwise."""
    thresholds = sorted(draw(st.lists(st.integers(1, 99), min_size=1, max_size=4, unique=True)), reverse=True)
    rows = [f"            {draw(st.sampled_from(['≥', '>']))} {t}% → {draw(POINTS)}" for t in thresholds]
    return TABLE.format(rows="\n".join(rows + [f"            otherwise → {draw(POINTS)}"]))


PIECE = re.compile(r"满意度 (?:in ([\[(])([\d.]+)%, ([\d.]+)%([\])])|([≥≤<>]) ([\d.]+)%|= ([\d.]+)%): "
                   r"([\d.]+) → ([\d.]+)$")


def contains(line: str, value: Decimal) -> tuple[Decimal, Decimal] | None:
    """(old, new) if the interval line covers the value (a percentage), else None."""
    m = PIECE.match(line.strip())
    assert m, line
    if m[1]:
        low, high = Decimal(m[2]), Decimal(m[3])
        inside = (low <= value if m[1] == "[" else low < value) and (value <= high if m[4] == "]" else value < high)
    elif m[5]:
        bound = Decimal(m[6])
        inside = {"≥": value >= bound, "≤": value <= bound, ">": value > bound, "<": value < bound}[m[5]]
    else:
        inside = value == Decimal(m[7])
    return (Decimal(m[8]), Decimal(m[9])) if inside else None


@given(tables(), tables(), st.lists(st.decimals(0, 100, places=2), min_size=1, max_size=20))
def test_the_values_said_to_change_are_those_whose_score_changes(old_text, new_text, values):
    old, new = version(old_text, "old.rules"), version(new_text, "new.rules")
    lines = [str(change) for section in compare(old, new) for change in section.intervals]
    old_rules, new_rules = rulecheck.loads(old_text, "old.rules"), rulecheck.loads(new_text, "new.rules")
    thresholds = [Decimal(t) for t in re.findall(r"(\d+)%", old_text + new_text)]
    for value in values + thresholds + [t - Decimal("0.01") for t in thresholds]:
        if not 0 <= value <= 100:
            continue
        facts = {"满意度": f"{value}%"}
        before = old_rules.evaluate(facts, explain=False).total
        after = new_rules.evaluate(facts, explain=False).total
        said = [found for found in (contains(line, value) for line in lines) if found]
        assert len(said) <= 1, (value, lines)
        if before == after:
            assert not said, (value, lines)
        else:
            assert said == [(before.normalize(), after.normalize())], (value, lines, before, after)
