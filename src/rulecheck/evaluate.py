"""Evaluate a compiled framework on one department's validated facts."""

from __future__ import annotations

from decimal import Decimal

from . import numbers
from .compile import Compiled, CompiledGroup
from .diagnostics import EvaluationError
from .language import first_match
from .results import NodeResult, Result, Step
from .runtime import TOTAL_KEY, Env, EvalFailure, check_range, scoring_failure
from .syntax import ast
from .syntax.printer import format_condition, format_number

ZERO = numbers.ZERO


def evaluate(compiled: Compiled, facts: dict, *, explain: bool = True, all_rows: bool = False,
             sources=None) -> Result:
    """Score every leaf; with `explain`, say how (with `all_rows`, a band table's rows after the one
    that matched too)."""
    env = Env(facts, compiled.lets)
    failures: list = []
    explainer = (lambda leaf: leaf.explain(env, all_rows)) if explain else None
    nodes = tuple([_node(item, env, compiled, explainer, failures) for item in compiled.nodes])
    if failures:
        raise EvaluationError(failures, sources)
    total = numbers.total([n.score for n in nodes])
    assert isinstance(total, Decimal)  # a sum of rounded scores terminates
    env[TOTAL_KEY] = total
    index = first_match([row[0] for row in compiled.grades], env)
    if index is None:
        return Result(compiled.name, total, compiled.total, None, nodes)
    _, grade, band = compiled.grades[index]
    step = Step(f"grade: {total} matches {format_condition(band.condition, ast.TotalScore())} → {grade}",
                band.span) if explain else None
    return Result(compiled.name, total, compiled.total, grade, nodes, step)


def _node(item, env, compiled: Compiled, explainer, failures: list) -> NodeResult:
    """The node's result; `explainer` (None for scores only) gives a leaf's explanation."""
    if type(item) is CompiledGroup:
        group = item.group
        children = tuple([_node(c, env, compiled, explainer, failures) for c in item.children])
        score = numbers.total([c.score for c in children])
        assert type(score) is Decimal  # a sum of rounded scores terminates
        return NodeResult(group.name, "group", group.points, score, children, (), group.span)
    indicator = item.indicator
    try:
        raw = item.score(env)
        score = compiled.rounding.leaf(raw, indicator)
        if score < ZERO or score > indicator.points:  # the test of check_range, without a call per leaf
            check_range(score, indicator.points, indicator.name, indicator.span)
        lines = explainer(item) if explainer else ()
    except (EvalFailure, ArithmeticError) as exc:
        failures.append(scoring_failure(exc, indicator))
        return NodeResult(indicator.name, "indicator", indicator.points, numbers.ZERO, (), (), indicator.span)
    if explainer and raw != score:
        lines += (Step(f"{format_number(raw)} rounded to {score}", compiled.rounding.span),)
    return NodeResult(indicator.name, "indicator", indicator.points, score, (), lines, indicator.span, raw)
