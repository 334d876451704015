"""The quick paths of the exact arithmetic (issue 13) give what the general ones give, to the digit.

numbers.quotient divides on whole numbers first and Ratio compares with a decimal by cross-multiplying
in place; the generated scores function divides by a constant with the division that suits it and
rounds a decimal leaf inline. Each is checked against the general path it stands in for: the same value,
the same type, the same digits and exponent (repr), the same exception.
"""

from __future__ import annotations

import operator
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import rulecheck
from rulecheck import numbers
from rulecheck.generate import dividing_by, specialise

decimals = st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-10**6, max_value=10**6)
ratios = st.builds(lambda n, d: numbers.divide(Decimal(n), Decimal(d)),
                   st.integers(-10**6, 10**6), st.integers(3, 10**4)).filter(lambda r: type(r) is numbers.Ratio)
values = st.one_of(decimals, ratios)


def outcome(function, *arguments):
    """What a call gives: its value's type and repr, or the type of what it raises."""
    try:
        found = function(*arguments)
    except ArithmeticError as exc:
        return type(exc)
    return type(found), repr(found)


@given(values, values)
@example(Decimal("0.30"), Decimal(3))  # terminates: decimal's own digits, 0.10
@example(Decimal(30), Decimal(31))
@example(Decimal(1), Decimal(-3))  # a negative divisor: the sign goes to the numerator
@example(Decimal("-0.00"), Decimal(7))
@example(Decimal(1), Decimal(0))
@example(Decimal(0), Decimal(0))
@example(Decimal("1E+20000"), Decimal(3))  # past the fraction path's bound: Overflow, as divide raises
@example(Decimal(1), Decimal("1E-50"))  # terminates beyond 40 digits? no: 1E+50, one digit
@example(Decimal(1), Decimal("3E-50"))
@example(Decimal("1234567890123456789012345678901234567890123"), Decimal(8))  # > 40 digits: fractions
def test_quotient_is_divide(a, b):
    assert outcome(numbers.quotient, a, b) == outcome(numbers.divide, a, b)


@pytest.mark.parametrize("special", ["Infinity", "-Infinity", "NaN"])
def test_quotient_beside_infinity_and_nan_is_divide(special):
    for a, b in ((Decimal(special), Decimal(3)), (Decimal(3), Decimal(special))):
        assert outcome(numbers.quotient, a, b) == outcome(numbers.divide, a, b)


COMPARISONS = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


@given(ratios, values)
@example(numbers.divide(Decimal(1), Decimal(3)), Decimal("0.3333"))
@example(numbers.divide(Decimal(-1), Decimal(3)), Decimal("-0.3333"))
def test_a_ratio_compares_with_a_number_as_fractions_do(ratio, other):
    exact = Fraction(ratio.numerator, ratio.denominator)
    other_exact = Fraction(other) if type(other) is Decimal else Fraction(other.numerator, other.denominator)
    for compare in COMPARISONS:
        assert compare(ratio, other) is compare(exact, other_exact)
        assert compare(other, ratio) is compare(other_exact, exact)  # Decimal ∘ Ratio: reflected


def test_a_ratio_compares_with_infinities_and_nan():
    third = numbers.divide(Decimal(1), Decimal(3))
    assert third < Decimal("Infinity") and third > Decimal("-Infinity") and Decimal("-Infinity") < third
    assert third != Decimal("NaN") and not third == Decimal("NaN")
    with pytest.raises(TypeError):  # an ordering with NaN has no answer, as between decimals
        third < Decimal("NaN")  # noqa: B015
    with pytest.raises(InvalidOperation):
        Decimal("NaN") < Decimal(1)  # noqa: B015  (the decimals' own behaviour, for comparison)


@pytest.mark.parametrize(("divisor", "division"), [
    ("100", numbers.divide), ("0.25", numbers.divide), ("-8", numbers.divide), ("1E+3", numbers.divide),
    ("3", numbers.quotient), ("0.3", numbers.quotient), ("31", numbers.quotient), ("-6", numbers.quotient)])
def test_a_constant_divisor_gets_the_division_that_suits_it(divisor, division):
    """Decimal's division first where every quotient by it terminates, whole numbers first where most
    do not: either gives the same value (test_quotient_is_divide)."""
    assert dividing_by(Decimal(divisor)) is division


RULES = """framework "f"
total 10
rounding 2 decimals
inputs:
    a: number from -5 to 5
    b: number above 0 to 100
indicator by_three (5):
    formula: max(a / 3, 0) + a × 0
indicator by_fact (5):
    formula: min(max(a / b, 0), 5)
"""


@pytest.mark.parametrize(("a", "b"), [("0.30", "3"), ("-0.001", "1"), ("-0.0001", "7"), ("5", "31"), ("0", "2")])
def test_the_generated_divisions_and_rounding_score_as_the_closures(a, b):
    """÷ a constant and ÷ a fact, a raw score that is a Ratio, one that rounds to −0.00 (a score of
    0.00, never −0.00) and one that terminates: the same scores, to the digit, as the closures give."""
    ruleset = rulecheck.loads(RULES)
    facts = ruleset.validate({"a": Decimal(a), "b": Decimal(b)})
    fast = specialise(ruleset.compiled)(facts)
    slow = rulecheck.evaluate.evaluate(ruleset.compiled, facts, explain=True)
    assert [repr((leaf.score, leaf.unrounded)) for leaf in fast.leaves()] == \
        [repr((leaf.score, leaf.unrounded)) for leaf in slow.leaves()]
    assert repr(fast.total) == repr(slow.total)
    assert all(not leaf.score.is_signed() for leaf in fast.leaves())
