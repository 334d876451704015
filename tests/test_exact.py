"""Exact arithmetic: algebraically equal formulas give equal scores, for any facts.

Each indicator pair below computes one quantity two ways; hypothesis draws the facts (decimals of up to
six places, divisors above 0), and the two rounded scores must be equal, and equal to the same
quantity computed with fractions.Fraction and rounded half-up by hand.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import rulecheck

PAIRS = {
    "a ÷ b × c": ("a / b * c", "a * c / b", lambda a, b, c: a / b * c),
    "(a + c) ÷ b": ("(a + c) / b", "a / b + c / b", lambda a, b, c: (a + c) / b),
    "a ÷ b ÷ c": ("a / b / c", "a / (b * c)", lambda a, b, c: a / b / c),
    "min(a ÷ b, 1) × c": ("min(a / b, 1) * c", "min(a * c / b, c)", lambda a, b, c: min(a / b, 1) * c),
    "average(a ÷ b, c ÷ b)": ("average(a / b, c / b)", "(a + c) / (2 * b)", lambda a, b, c: (a + c) / (2 * b)),
}
RULES = """framework "exact"
total {total}
rounding 2 decimals half-up
inputs:
    a: number from 0 to 1000
    b: number above 0 to 1000
    c: number above 0 to 10
{indicators}
"""


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    indicators = []
    for number, (first, second, _) in enumerate(PAIRS.values()):
        for side, formula in (("1", first), ("2", second)):
            indicators.append(f"indicator 式{number}_{side} (10000000000000000):\n    formula: {formula}")
    path = tmp_path_factory.mktemp("exact") / "exact.rules"
    path.write_text(RULES.format(total=2 * len(PAIRS) * 10**16, indicators="\n".join(indicators)), encoding="utf-8")
    return rulecheck.load(path)


def half_up(value: Fraction) -> Fraction:
    scaled = value * 100
    whole = scaled.numerator // scaled.denominator
    return Fraction(whole + (1 if scaled - whole >= Fraction(1, 2) else 0), 100)


decimals = st.integers(0, 10**9).map(lambda n: Decimal(n).scaleb(-6))


@given(a=decimals.filter(lambda v: v <= 1000), b=decimals.filter(lambda v: Decimal("0.001") <= v <= 1000),
       c=decimals.filter(lambda v: Decimal("0.001") <= v <= 10))
@example(a=Decimal(7), b=Decimal(48), c=Decimal(6))       # 0.875 exactly: 0.88, never 0.87
@example(a=Decimal(5), b=Decimal(24), c=Decimal(3))       # 0.625 exactly: 0.63
@example(a=Decimal(1), b=Decimal(3), c=Decimal("7.5"))    # 2.5 through a third
def test_equal_formulas_give_equal_scores(ruleset, a, b, c):
    result = ruleset.evaluate({"a": a, "b": b, "c": c}, explain=False)
    for number, (label, (_, _, exact)) in enumerate(PAIRS.items()):
        expected = half_up(exact(Fraction(a), Fraction(b), Fraction(c)))
        first, second = result[f"式{number}_1"].score, result[f"式{number}_2"].score
        assert Fraction(first) == Fraction(second) == expected, (label, a, b, c, first, second)


def test_the_issue_s_cases(ruleset):
    result = ruleset.evaluate({"a": 7, "b": 48, "c": 6}, explain=True)
    assert result["式0_1"].score == Decimal("0.88") == result["式0_2"].score
    assert result["式0_1"].explanation[-1] == "a ÷ b × c = 7 ÷ 48 × 6 = 0.875" or \
        "= 0.875" in result["式0_1"].explanation[0]
    assert ruleset.evaluate({"a": 5, "b": 24, "c": 3}, explain=False)["式0_1"].score == Decimal("0.63")
