"""The language's meaning is written once (rulecheck/language.py), and every pass handles every kind.

Each pass over expressions or scoring rules dispatches on the node's kind (`ast.visit`, as Jinja's
NodeVisitor does); these tests list every pass against every kind of the syntax tree, and every built-in
function against every place that must know it, so a kind or a function added to the language cannot be
left unhandled somewhere. No other module defines an operator, comparison or function table.
"""

from __future__ import annotations

import re
import typing
from decimal import Decimal
from pathlib import Path

import pytest

import rulecheck
from rulecheck import language, numbers
from rulecheck.check.types import TypeChecker
from rulecheck.compile import Compiler
from rulecheck.prove.intervals import Intervals
from rulecheck.syntax import ast

SRC = Path(rulecheck.__file__).parent
EXPRESSIONS = typing.get_args(ast.Expr)
RULES = typing.get_args(ast.Rule)


@pytest.mark.parametrize("visitor, prefix", [(Compiler, "expr"), (Intervals, "value"), (TypeChecker, "type")])
@pytest.mark.parametrize("kind", EXPRESSIONS, ids=lambda kind: kind.__name__)
def test_every_expression_pass_handles_every_kind_of_expression(visitor, prefix, kind):
    assert callable(getattr(visitor, f"{prefix}_{kind.__name__}", None)), \
        f"{visitor.__name__} has no {prefix}_{kind.__name__}"


@pytest.mark.parametrize("kind", RULES, ids=lambda kind: kind.__name__)
def test_every_kind_of_rule_is_compiled_and_named(kind):
    assert callable(getattr(Compiler, f"rule_{kind.__name__}", None))
    assert kind in language.RULE_KINDS


def test_a_missing_handler_is_an_error_that_names_it():
    class Empty:
        pass
    with pytest.raises(NotImplementedError, match="Empty has no expr_Number"):
        ast.visit(Empty(), "expr", ast.Number(Decimal(1)))


def test_the_kinds_of_expression_are_the_tree_s_expression_classes():
    classes = {c for c in vars(ast).values() if isinstance(c, type) and c.__module__ == ast.__name__}
    expression_like = {c for c in classes if "operand" in attrs_fields(c) or "operands" in attrs_fields(c)
                       or c.__name__ in ("Number", "Ref", "GradeValue", "TotalScore", "Binary", "Call")}
    assert expression_like <= set(EXPRESSIONS)


def attrs_fields(cls) -> set[str]:
    return {f.name for f in getattr(cls, "__attrs_attrs__", ())}


@pytest.mark.parametrize("name", sorted(language.BUILTINS))
def test_every_builtin_is_checked_computed_and_bounded(name, tmp_path):
    """One entry in BUILTINS is all a function needs: names, types, the compiler and the prover use it."""
    builtin = language.BUILTINS[name]
    args = ", ".join(["x", "1", "2"][: max(builtin.low, 3 if builtin.high is None else builtin.high)])
    path = tmp_path / "f.rules"
    path.write_text(f"""framework "f"
total 5
rounding 2 decimals half-up
inputs:
    x: number from 0 to 5
indicator 指标 (5):
    formula: clamp({name}({args}), 0, 5)
""", encoding="utf-8")
    analysis = rulecheck.analyze(path)
    assert [d.code for d in analysis.diagnostics if d.is_error] == []
    ruleset = rulecheck.load(path)
    for x in ("0", "1.5", "5"):
        value = Decimal(x)
        expected = numbers.round_to(min(max(builtin.apply(_args(builtin, value)), Decimal(0)), Decimal(5)), 2)
        assert ruleset.evaluate({"x": value}).total == expected


def _args(builtin, x):
    count = max(builtin.low, 3 if builtin.high is None else builtin.high)
    return (x, Decimal(1), Decimal(2))[:count]


def test_an_alias_of_a_function_resolves_to_it():
    assert language.FUNCTION_ALIASES == {"avg": "average", "mean": "average"}


def test_each_comparison_s_mirror_and_covered_values_follow_from_its_relations():
    for op, comparison in language.COMPARISONS.items():
        mirrored = language.COMPARISONS[comparison.mirror]
        for a, b in ((Decimal(1), Decimal(2)), (Decimal(2), Decimal(2)), (Decimal(3), Decimal(2))):
            assert comparison.apply(a, b) == mirrored.apply(b, a), op


def test_no_module_outside_the_language_defines_an_operator_or_function_table():
    """grep: the spellings and symbols of operators, and the function names, appear as a table only in
    language.py (the printer and parser derive theirs from it)."""
    table = re.compile(r'\{\s*"(?:>=|≥|\+|\*|/)"\s*:|"(?:clamp|abs|average)"\s*:')
    found = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
             if path.name != "language.py" and table.search(path.read_text(encoding="utf-8"))]
    assert found == []


def test_no_module_sets_up_a_decimal_context_around_evaluation():
    found = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
             if "localcontext(" in path.read_text(encoding="utf-8")]
    assert found == []


def test_scores_do_not_depend_on_the_caller_s_decimal_context(framework, case_facts):
    import decimal
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        result = framework.evaluate(case_facts)
    assert result.total == Decimal("97.83") and result["项目完成及时性"].score == Decimal("5.81")
    assert result["项目完成及时性"].unrounded == numbers.Ratio(180, 31)


@pytest.mark.parametrize("table", ["prove.scores.RULE_VALUES", "syntax.layout.RULE_LINES",
                                   "diff.structure.RULE_CHANGES"])
def test_every_table_over_rule_kinds_has_every_kind(table):
    import importlib
    module, name = table.rsplit(".", 1)
    handled = getattr(importlib.import_module(f"rulecheck.{module}"), name)
    assert set(handled) == set(RULES)
