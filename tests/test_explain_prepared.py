"""Issue 13, `explain=True`: an explanation's texts are prepared once per language (the rule text laid out
and translated the first time a rule is explained in a language), and only the values are filled in for
each department: what is said stays what the rule text and the values say, in the language spoken."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

import rulecheck
from rulecheck import i18n, numbers
from rulecheck.evaluate import evaluate
from rulecheck.i18n import speaking
from rulecheck.numbers import Ratio
from rulecheck.syntax.printer import format_number, format_percent, prefilled

RULES = """\
framework "准备"
total 10
rounding 2 decimals half-even

inputs:
    已完成: count from 0
    计划数: count from 1
    调整资金: number from 0
    年初预算: number from 1
    公开: bool

let 完成率 = 已完成 / 计划数
let 调整率 = 调整资金 / 年初预算

indicator 完成情况 (4):
    bands 完成率:
        ≥ 95% → 4
        80% ≤ 完成率 < 95% → 3
        otherwise → 1

indicator 调整 (3):
    deduct 0.1 per 1% of 调整率 above 10%
    floor 0

indicator 综合 (3):
    part 公开情况 (1):
        checklist:
            公开 → 1
    part 完成 (2):
        formula: min(完成率, 1) × 2
"""


@pytest.fixture(scope="module")
def ruleset():
    return rulecheck.loads(RULES)


def facts(ruleset, **values):
    base = {"已完成": 30, "计划数": 31, "调整资金": 10, "年初预算": 70, "公开": True}
    return ruleset.validate(base | values)


def lines(result) -> list[str]:
    """Every line of the explanation, a part's without its indent."""
    return [line.strip() for _depth, node in result.walk() for line in node.explanation]


def test_a_second_department_in_a_language_translates_nothing(ruleset, monkeypatch):
    """The texts made for the first department serve the next (which reaches other rows and values)."""
    with speaking("zh"):
        evaluate(ruleset.compiled, facts(ruleset), explain=True, all_rows=True)
        expected = lines(evaluate(ruleset.compiled, facts(ruleset, 已完成=20, 调整资金=5), explain=True, all_rows=True))

    def refuse(lang):
        raise AssertionError("a message was translated again")
    monkeypatch.setattr(i18n, "translations", refuse)
    with speaking("zh"):
        again = lines(evaluate(ruleset.compiled, facts(ruleset, 已完成=20, 调整资金=5), explain=True, all_rows=True))
    assert again == expected and len(again) > 10


def test_the_texts_follow_the_language_spoken_each_time(ruleset):
    """Made in one language, then in another, then the first again: each explanation in its own."""
    department = facts(ruleset)
    english = lines(evaluate(ruleset.compiled, department, explain=True))
    with speaking("zh"):
        chinese = lines(evaluate(ruleset.compiled, department, explain=True))
    assert lines(evaluate(ruleset.compiled, department, explain=True)) == english
    assert english != chinese and len(english) == len(chinese)
    assert "where 完成率 = 已完成 ÷ 计划数 = 30 ÷ 31 = 96.774194…%" in english
    assert "part 公开情况 (1): 1" in english and "✓ 公开 → +1" in english
    assert not any("matched" in line or "where" in line or "rounded" in line for line in chinese)
    assert "2.935484… 按 half-even 舍入为 2.94" in chinese and "2.935484… rounded half-even to 2.94" in english


def test_the_lines_of_each_department_show_its_own_values(ruleset):
    first = lines(evaluate(ruleset.compiled, facts(ruleset), explain=True))
    second = lines(evaluate(ruleset.compiled, facts(ruleset, 已完成=25, 公开=False), explain=True))
    assert "band 1: 完成率 96.774194…% ≥ 95% → 4   matched" in first
    assert "band 2: 80% ≤ 完成率 80.645161…% < 95% → 3   matched" in second
    assert "✗ 公开 → +0" in second and "✓ 公开 → +1" not in second


def test_prefilled_fills_the_rule_text_once_and_leaves_the_values_to_fill():
    template = "band {number}: {condition} → {points!r:>4}   [{filled}]"
    made = prefilled(template, ("filled", "points"), number=2, condition="a {b} c")
    assert made.format("3 ≥ 2", "6") == template.format(number=2, condition="a {b} c", points="6", filled="3 ≥ 2")
    # a translation may put the values in another order
    assert prefilled("{score} 分: {name}", ("score",), name="x{0}").format("5") == "5 分: x{0}"


@pytest.mark.parametrize("numerator, denominator", [
    (1850, 1950), (30, 31), (-1, 3), (2, 3), (1, 3 * 10**12), (-1, 7 * 10**9), (10**40, 3), (5, 6), (1, 7),
    (999999999, 1000000001), (502_42, 10339_11)])
def test_a_fraction_shows_as_its_exact_value_rounded_half_even(numerator, denominator):
    """Integer arithmetic gives the text the exact rounding gives: 6 places, half-even, with '…'."""
    ratio = numbers.divide(Decimal(numerator), Decimal(denominator))
    assert isinstance(ratio, Ratio)
    for shown, scale in ((format_number(ratio), 1), (format_percent(ratio)[:-1], 100)):
        exact = numbers.round_to(numbers.multiply(ratio, Decimal(scale)), 6, ROUND_HALF_EVEN)
        if exact.is_zero() or exact.adjusted() >= 21:
            assert "E" in shown and shown.endswith("…")
        else:
            assert shown == format(exact.normalize(numbers.QUANTIZE), "f") + "…"
