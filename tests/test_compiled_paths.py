"""The quick paths of compiled rules compute what the language means, exactly.

Compiled closures inline the decimal path of numbers' operations, take a number written in the rule
(× 6, ÷ 25%, ≥ 95%) as its value, test a band's range (90% ≤ x < 95%) without a list, loop for `and` /
`or`, and format a rule's text once when compiled. Each is checked here against the plain meaning: the
operation of numbers.py on the same values (a Decimal, or a Ratio from a quotient that does not end),
and fractions.Fraction for the value.
"""

from __future__ import annotations

import pickle
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rulecheck
from rulecheck import compile as compiled_rules
from rulecheck import numbers
from rulecheck.runtime import Rounding
from rulecheck.syntax import ast

# each operator with a fact on the right and with a number written on the right
FORMULAS = {
    "a + b": lambda a, b: a + b, "a + 0.25": lambda a, b: a + Fraction(1, 4),
    "1000 + a - b": lambda a, b: 1000 + a - b, "1 + a - 10%": lambda a, b: 1 + a - Fraction(1, 10),
    "a * b": lambda a, b: a * b, "a * 6": lambda a, b: a * 6,
    "a / b": lambda a, b: a / b, "a / 25%": lambda a, b: a * 4,
    "a / b * b": lambda a, b: a, "a / 3 * 3": lambda a, b: a,
}
RULES = """framework "paths"
total {total}
rounding 6 decimals half-up
inputs:
    a: number from 0 to 1000
    b: number above 0 to 1000
{indicators}
"""


def _rules(formulas) -> str:
    indicators = [f"indicator 式{n} (1000000000):\n    formula: {f}" for n, f in enumerate(formulas)]
    return RULES.format(total=len(formulas) * 10**9, indicators="\n".join(indicators))


@pytest.fixture(scope="module")
def ruleset():
    return rulecheck.loads(_rules(FORMULAS))


def _fraction(value) -> Fraction:
    return Fraction(value.numerator, value.denominator) if type(value) is numbers.Ratio else Fraction(value)


def _terminates(value: Fraction) -> bool:
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


decimals = st.integers(0, 10**8).map(lambda n: Decimal(n).scaleb(-4))


@given(a=decimals.filter(lambda v: v <= 1000), b=decimals.filter(lambda v: Decimal("0.01") <= v <= 1000))
def test_each_operator_scores_its_exact_value_however_its_right_operand_is_written(ruleset, a, b):
    result = ruleset.evaluate({"a": a, "b": b}, explain=False)
    for number, (formula, exact) in enumerate(FORMULAS.items()):
        raw = result[f"式{number}"].unrounded
        assert _fraction(raw) == exact(Fraction(a), Fraction(b)), (formula, a, b, raw)
        # a Ratio exactly when the value's expansion does not end
        assert (type(raw) is numbers.Ratio) == (not _terminates(_fraction(raw))), (formula, raw)


def test_a_quotient_that_does_not_end_is_a_ratio_and_comes_back_to_a_decimal(ruleset):
    result = ruleset.evaluate({"a": 30, "b": 31}, explain=False)
    scores = {formula: result[f"式{n}"].unrounded for n, formula in enumerate(FORMULAS)}
    assert scores["a / b"] == numbers.divide(Decimal(30), Decimal(31)) and type(scores["a / b"]) is numbers.Ratio
    assert scores["a / b * b"] == Decimal(30) and type(scores["a / b * b"]) is Decimal
    assert scores["a / 3 * 3"] == Decimal(30) and type(scores["a / 3 * 3"]) is Decimal


THRESHOLDS = """framework "thresholds"
total 10
inputs:
    n: count from 0
    m: count from 1
let r = n / m
indicator 分档 (5):
    bands r:
        ≥ 60% → 5
        50% ≤ r < 60% → 3
        < 50% → 1
indicator 条件 (5):
    checklist:
        r > 0.5 and n / m ≥ 0.6 → 2
        r < 0.1 or r ≥ 0.9 → 3
"""


@pytest.mark.parametrize(("n", "m"), [(3, 5), (1, 2), (5, 9), (4, 9), (2, 3), (1, 3), (9, 10), (8, 9), (0, 7),
                                      (1, 11), (10, 11), (599999, 1000001)])
def test_thresholds_written_as_numbers_compare_exactly_with_a_ratio(n, m):
    result = rulecheck.loads(THRESHOLDS).evaluate({"n": n, "m": m}, explain=False)
    r = Fraction(n, m)
    assert result["分档"].score == (5 if r >= Fraction(3, 5) else 3 if r >= Fraction(1, 2) else 1)
    earned = (2 if r > Fraction(1, 2) and r >= Fraction(3, 5) else 0) + (3 if r < Fraction(1, 10) or r >= Fraction(9, 10) else 0)
    assert result["条件"].score == earned


def test_a_band_range_computes_every_operand_before_testing():
    """`0 < x < 1 / y`: the language computes each operand of a chain, so y = 0 fails (E601) even
    when the first comparison is false; `and` stops at a false operand, so there it does not."""
    text = """framework "order"
total 10
inputs:
    x: number from -1 to 1
    y: number from 0 to 1
indicator 链 (5):
    bands:
        0 < x < 1 / y → 5
        otherwise → 0
indicator 且 (5):
    bands:
        y > 0 and x < 1 / y → 5
        otherwise → 0
"""
    ruleset = rulecheck.loads(text)
    with pytest.raises(rulecheck.EvaluationError) as failed:
        ruleset.evaluate({"x": -1, "y": 0}, explain=False)
    assert [d.code for d in failed.value.diagnostics] == ["E601"]
    assert "'链'" in failed.value.diagnostics[0].message
    assert ruleset.evaluate({"x": 0.5, "y": 1}, explain=False)["链"].score == 5


def test_a_zero_divisor_is_reported_before_the_dividend_is_computed():
    text = """framework "divisor"
total 5
inputs:
    x: number from 0 to 1
    y: number from 0 to 1
indicator 商 (5):
    formula: min((1 / x) / y, 5)
"""
    with pytest.raises(rulecheck.EvaluationError) as failed:
        rulecheck.loads(text).evaluate({"x": 0, "y": 0}, explain=False)
    assert "'y' is 0" in failed.value.diagnostics[0].message


def test_a_rule_s_text_is_formatted_when_compiled_not_for_each_department(monkeypatch, framework_path, case_path):
    """Explaining a department formats the facts into the rule's text, but the text itself (formulas,
    band rows, checklist items, deduct lines) was written once, when the rules were compiled or when the
    first department was explained (generate_explain.py writes the explaining function then)."""
    ruleset = rulecheck.load(framework_path)
    facts = rulecheck.load_facts(case_path)
    ruleset.evaluate(facts, explain=True)  # the first: the function explaining in this language is written
    written = []
    for name in ("format_condition", "format_expr"):
        original = getattr(compiled_rules, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            if _name != "format_expr" or len(args) == 1:  # format_expr(expr, env, kinds) fills in values
                written.append((_name, args[0]))
            return _original(*args, **kwargs)
        monkeypatch.setattr(compiled_rules, name, counting)
    ruleset.evaluate(facts, explain=True)
    rule_texts = [expr for _, _, rule in _rules_of(ruleset.program.nodes)
                  for expr in ([rule.expr] if isinstance(rule, ast.Formula) else
                               [item.condition for item in rule.items] if isinstance(rule, ast.Checklist) else [])]
    assert rule_texts and not [name for name, _ in written if name != "format_expr"]
    assert not [expr for _, expr in written if any(expr is text for text in rule_texts)]


def _rules_of(nodes):
    for node in nodes:
        if isinstance(node, ast.Group):
            yield from _rules_of(node.children)
        else:
            yield from ast.indicator_rules(node)


def test_the_rounding_pickles_and_rounds_as_round_to():
    rounding = Rounding(2, numbers.ROUNDING_MODES["half-up"])
    again = pickle.loads(pickle.dumps(rounding))
    assert again == rounding
    for value in (Decimal("0.875"), Decimal("-0.001"), numbers.Ratio(7, 8 * 3) * 3, numbers.Ratio(180, 31)):
        assert again.rounded(value) == rounding.rounded(value) == numbers.round_to(value, 2)
    assert str(rounding.rounded(Decimal("-0.001"))) == "0.00"


def test_a_sum_with_a_ratio_adds_from_the_left_exactly():
    third = numbers.divide(Decimal(1), Decimal(3))
    values = [Decimal("1.50"), third, numbers.subtract(Decimal(1), third)]
    assert numbers.total(values) == Decimal("2.5")
    assert numbers.total(values[1:] + values[:1]) == Decimal("2.50")
    assert numbers.total(iter(values)) == Decimal("2.5")
    assert numbers.total([]) == 0
