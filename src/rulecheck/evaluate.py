"""Evaluate a compiled framework on one department's validated facts."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation, localcontext

import attrs

from . import ast
from .compile import TOTAL_KEY, Compiled, CompiledGroup, EvalFailure, check_range
from .diagnostics import Diagnostic, EvaluationError, error
from .format import format_condition, format_number
from .results import NodeResult, Result, Step

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


def evaluate(compiled: Compiled, facts: dict, *, explain: bool = True, all_rows: bool = False,
             sources=None) -> Result:
    """Score every leaf; with `explain`, say how (with `all_rows`, a band table's rows after the one
    that matched too)."""
    env = Env(facts, compiled.lets)
    failures = []
    explainer = (lambda leaf: leaf.explain(env, all_rows)) if explain else None
    with localcontext(ARITHMETIC):
        nodes = tuple(_node(item, env, compiled, explainer, failures) for item in compiled.nodes)
        if failures:
            raise EvaluationError(failures, sources)
        total = sum((n.score for n in nodes), Decimal(0))
        env[TOTAL_KEY] = total
        row = next((row for row in compiled.grades if row[0] is None or row[0](env)), None)
    if row is None:
        return Result(compiled.name, total, compiled.total, None, nodes)
    _, grade, band = row
    step = Step(f"grade: {total} matches {format_condition(band.condition, ast.TotalScore())} → {grade}",
                band.span) if explain else None
    return Result(compiled.name, total, compiled.total, grade, nodes, step)


def _node(item, env, compiled: Compiled, explainer, failures: list) -> NodeResult:
    """The node's result; `explainer` (None for scores only) gives a leaf's explanation."""
    if isinstance(item, CompiledGroup):
        children = tuple(_node(c, env, compiled, explainer, failures) for c in item.children)
        score = sum((c.score for c in children), Decimal(0))
        return NodeResult(item.group.name, "group", item.group.points, score, children, (), item.group.span)
    indicator = item.indicator
    try:
        raw = item.score(env)
        score = round_score(raw, compiled, indicator)
        check_range(score, indicator.points, indicator.name, indicator.span)
        lines = explainer(item) if explainer else ()
    except (EvalFailure, ArithmeticError) as exc:
        failures.append(scoring_failure(exc, indicator))
        return NodeResult(indicator.name, "indicator", indicator.points, Decimal(0), (), (), indicator.span)
    if explainer and raw != score:
        lines += (Step(f"{format_number(raw)} rounded to {score}", compiled.rounding_span),)
    return NodeResult(indicator.name, "indicator", indicator.points, score, (), lines, indicator.span)


def scoring_failure(exc: Exception, node) -> Diagnostic:
    """What a failure while scoring an indicator (or a group's leaves) says: an EvalFailure's finding,
    naming the node when its message does not, or E604 for decimal Overflow / InvalidOperation (a value
    past 34 digits, or NaN)."""
    if isinstance(exc, EvalFailure):
        diagnostic = exc.diagnostic
        if diagnostic.span != node.span and f"'{node.name}'" not in diagnostic.message:
            diagnostic = attrs.evolve(diagnostic, message=f"{diagnostic.message} (scoring '{node.name}')")
        return diagnostic
    return error("E604", f"'{node.name}' cannot be scored: a value it computes is too large for exact "
                 "arithmetic, or is not a number", node.span,
                 "check the facts it reads for a value out of all proportion")


def round_score(raw: Decimal, compiled: Compiled, indicator) -> Decimal:
    """The leaf's score rounded as declared; never -0.00 (a raw -0.001 rounds to 0.00)."""
    try:
        score = raw.quantize(compiled.quantum, rounding=compiled.rounding)
    except InvalidOperation:  # more digits than the context holds: far outside the indicator's points
        check_range(raw, indicator.points, indicator.name, indicator.span)
        raise
    return score.copy_abs() if score.is_zero() else score
