"""Evaluate a compiled framework on one department's validated facts."""

from __future__ import annotations

from decimal import Context, Decimal, localcontext, ROUND_HALF_EVEN

import attrs

from .compile import TOTAL_KEY, Compiled, CompiledGroup, EvalFailure, check_range
from .diagnostics import EvaluationError
from .format import format_number
from .results import NodeResult, Result

# Intermediate arithmetic is exact to 34 significant digits (IEEE decimal128); only each leaf's
# score is rounded, the way the rule file declares.
ARITHMETIC = Context(prec=34, rounding=ROUND_HALF_EVEN)


class Env(dict):
    """Facts, and derived values computed the first time a rule reads them."""

    __slots__ = ("lets",)

    def __init__(self, facts: dict, lets: dict):
        super().__init__(facts)
        self.lets = lets

    def __missing__(self, name):
        value = self[name] = self.lets[name](self)
        return value


def evaluate(compiled: Compiled, facts: dict, *, explain: bool = True, sources=None) -> Result:
    env = Env(facts, compiled.lets)
    failures = []
    with localcontext(ARITHMETIC):
        nodes = tuple(_node(item, env, compiled, explain, failures) for item in compiled.nodes)
        if failures:
            raise EvaluationError(failures, sources)
        total = sum((n.score for n in nodes), Decimal(0))
        env[TOTAL_KEY] = total
        grade = next((name for condition, name in compiled.grades if condition is None or condition(env)), None)
    return Result(compiled.name, total, compiled.total, grade, nodes)


def _node(item, env, compiled: Compiled, explain: bool, failures: list) -> NodeResult:
    if isinstance(item, CompiledGroup):
        children = tuple(_node(c, env, compiled, explain, failures) for c in item.children)
        score = sum((c.score for c in children), Decimal(0))
        return NodeResult(item.group.name, "group", item.group.points, score, children, (), item.group.span)
    indicator = item.indicator
    try:
        raw = item.score(env)
        score = raw.quantize(compiled.quantum, rounding=compiled.rounding)
        check_range(score, indicator.points, indicator.name, indicator.span)
        lines = item.explain(env) if explain else ()
    except EvalFailure as failure:
        diagnostic = failure.diagnostic
        if failure.diagnostic.span != indicator.span:
            diagnostic = attrs.evolve(diagnostic, message=f"{diagnostic.message} (scoring '{indicator.name}')")
        failures.append(diagnostic)
        return NodeResult(indicator.name, "indicator", indicator.points, Decimal(0), (), (), indicator.span)
    if explain and raw != score:
        lines += (f"{format_number(raw)} rounded to {score}",)
    return NodeResult(indicator.name, "indicator", indicator.points, score, (), lines, indicator.span)
