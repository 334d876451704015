"""An expression nested 100 deep (the parser's limit) goes through every pass under Python's default
recursion limit: names, types, usage, compile, the prover's intervals and search, verify, scoring and
the explanation. The tree is built directly, so the test does not depend on what the parser accepts."""

from __future__ import annotations

import sys
from decimal import Decimal

import attrs
import pytest

from rulecheck.analysis import _analysis
from rulecheck.api import ruleset_from
from rulecheck.link import link_source
from rulecheck.source import Source
from rulecheck.syntax import ast
from rulecheck.verify import verify

DEPTH = 100

TEXT = """\
framework "x"
total 15
rounding 2 decimals half-up
inputs:
    x: number from 0 to 1
let d = x
indicator 公式 (5):
    formula: x
indicator 分档 (5):
    bands d:
        ≥ 50% → 5
        otherwise → 0
indicator 清单 (5):
    checklist:
        x ≥ 0 → 5
"""


def deep(depth: int, inner: ast.Expr) -> ast.Expr:
    """`inner` wrapped `depth` times, in turn in min(…, 1), … + 0 and … × 1 (each the same value)."""
    expr = inner
    for level in range(depth):
        one = ast.Number(Decimal(1))
        expr = [ast.Call("min", (expr, one)), ast.Binary("+", expr, ast.Number(Decimal(0))),
                ast.Binary("*", expr, one)][level % 3]
    return expr


def depth_of(expr) -> int:
    children = list(ast.sub_expressions(expr))
    return 1 + max(map(depth_of, children)) if children else 0


@pytest.fixture(scope="module")
def analysis():
    linked = link_source(Source("deep.rules", TEXT))
    program = linked.program
    formula, bands, checklist = program.nodes
    x = ast.Ref("x")
    formula = attrs.evolve(formula, rule=ast.Formula(ast.Binary("*", deep(DEPTH - 1, x), ast.Number(Decimal(5)))))
    item = checklist.rule.items[0]
    condition = ast.Compare((deep(DEPTH - 1, x), ast.Number(Decimal(0))), (">=",))
    checklist = attrs.evolve(checklist, rule=attrs.evolve(checklist.rule, items=(attrs.evolve(item, condition=condition),)))
    let = attrs.evolve(program.lets[0], expr=deep(DEPTH, x))
    linked.program = attrs.evolve(program, lets=(let,), nodes=(formula, bands, checklist))
    return _analysis(linked)


def test_the_expressions_are_100_deep_and_the_recursion_limit_is_python_s_default(analysis):
    assert depth_of(analysis.checked.program.lets[0].expr) == DEPTH
    assert depth_of(analysis.checked.program.nodes[0].rule.expr) == DEPTH
    assert sys.getrecursionlimit() == 1000


def test_check_and_the_prover_handle_them(analysis):
    assert analysis.ok and analysis.diagnostics == []
    assert all(node.bounded for node in analysis.proof.nodes)


def test_verify_handles_them(analysis):
    outcomes = verify(analysis, max_examples=20)
    assert [o.failed for o in outcomes] == [False, False, False]


def test_scoring_and_explaining_handle_them(analysis):
    result = ruleset_from(analysis).evaluate({"x": "0.6"}, explain=True)
    assert [result[name].score for name in ("公式", "分档", "清单")] == [Decimal("3.00"), 5, 5]
    (where, subject, *_rows) = result["分档"].explanation
    assert where.startswith("where d = ") and where.endswith("= 0.6")
