"""The abstract value of each scoring rule: the interval a rule's score lies in and the direction it
moves in each input, built from the expression analysis in intervals.py.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import attrs

from ..records import Record
from ..source import Span
from ..syntax import ast
from .bands import band_value, matrix_value, table_of
from .intervals import (
    ZERO,
    Intervals,
    Value,
    add,
    combine,
    const,
    maximum,
    minimum,
    multiply,
    negate,
    reciprocal,
    scaled,
)
from .ranges import Choices


def rule_value(rule: ast.Rule, points: Decimal, intervals: Intervals) -> Value:
    """The interval and directions of a rule's score (RULE_VALUES has one entry per kind of rule)."""
    return RULE_VALUES[type(rule)](rule, points, intervals)


def indicator_value(indicator: ast.Indicator, intervals: Intervals,
                    value: Callable[[ast.Rule, Decimal, Intervals], Value] = rule_value) -> Value:
    """The sum of the values of the indicator's rules, each as `value` gives it (the prover's remembers them)."""
    total = const(ZERO)
    for _, points, rule in ast.indicator_rules(indicator):
        total = add(total, value(rule, points, intervals))
    return total


def row_scopes(rule: ast.Bands, intervals: Intervals) -> list[Intervals | None]:
    """For each row of a band table, the intervals its points are computed in: within a row, the
    subject takes only the values the row gets (the rows above it took theirs), so `otherwise → x /
    计划完成项目数` under `= 0 → 6` never divides by 0, and `< 95% → 满意度 / 95% × 6` stays below 6.
    None for a row that gets no value. A table the analysis does not read, or whose subject is not a
    name, leaves every row the whole domains. (bands.row_points narrows a row's points the same way.)"""
    table = table_of(rule, intervals)
    if table is None or isinstance(table.domain, Choices) or not isinstance(table.subject, ast.Ref):
        return [intervals] * len(rule.bands)
    subject = intervals.of(table.subject)
    scopes: list[Intervals | None] = []
    for covered in table.reachable():
        if covered.empty:
            scopes.append(None)
            continue
        low, high = max(subject.low, covered.pieces[0].low), min(subject.high, covered.pieces[-1].high)
        scopes.append(intervals.narrowed(table.subject.name, Value(low, high, subject.dirs)))
    return scopes


@attrs.frozen(eq=False, repr=False)
class Division(Record):
    """Where a rule divides (a `/`, or a deduction's `per … of` unit) and by what: scoring stops there
    with E601, at `span`, when the divisor is 0."""
    span: Span | None
    divisor: ast.Expr


def rule_divisions(rule: ast.Rule, intervals: Intervals) -> list[Division]:
    """The divisions a rule computes whose divisor may be 0; a band row's points seen within the row."""
    if isinstance(rule, ast.Bands):
        scoped = [(expr, intervals) for expr in ast.rule_expressions(rule)
                  if not any(expr is band.points for band in rule.bands)]
        scoped += [(band.points, scope) for band, scope in zip(rule.bands, row_scopes(rule, intervals))
                   if scope is not None]
    else:
        scoped = [(expr, intervals) for expr in ast.rule_expressions(rule)]
    found: dict[int, Division] = {}
    for expr, scope in scoped:
        for division in scope.divisions(expr):
            found.setdefault(id(division), Division(division.span, division.right))
    steps = rule.steps if isinstance(rule, (ast.Deduction, ast.Awards)) else ()
    units = [Division(step.span, step.unit) for step in steps
             if step.unit is not None and intervals.can_be_zero(step.unit)]
    return list(found.values()) + units


def _checklist(rule: ast.Checklist, intervals: Intervals) -> Value:
    total = const(ZERO)
    for item in rule.items:
        condition, points = intervals.of(item.condition), intervals.of(item.points)
        if condition.low == 1:
            earned = points
        elif condition.high == 0:
            earned = const(ZERO)
        else:
            sign = points.sign() if points.constant is not None else None
            earned = Value(min(ZERO, points.low), max(ZERO, points.high),
                           combine(scaled(condition.dirs, sign), scaled(points.dirs, None)))
        total = add(total, earned)
    return total


def _per_unit(steps, intervals: Intervals) -> Value:
    """Σ amount × units of deduct or award lines, units counted above or below a threshold."""
    found = const(ZERO)
    for step in steps:
        units = intervals.of(step.quantity)
        if step.threshold is not None:
            threshold = intervals.of(step.threshold)
            units = add(units, negate(threshold)) if step.direction == "above" else add(threshold, negate(units))
            units = maximum([units, const(ZERO)])
        if step.unit is not None:
            units = multiply(units, reciprocal(intervals.of(step.unit)))
        found = add(found, multiply(intervals.of(step.amount), units))
    return found


def _deduction(rule: ast.Deduction, points: Decimal, intervals: Intervals) -> Value:
    """max(points − Σ amount × units, floor)."""
    floor = intervals.of(rule.floor) if rule.floor is not None else const(ZERO)
    return maximum([add(const(points), negate(_per_unit(rule.steps, intervals))), floor])


def _awards(rule: ast.Awards, points: Decimal, intervals: Intervals) -> Value:
    """min(Σ amount × units, cap), the cap the points unless declared."""
    cap = intervals.of(rule.cap) if rule.cap is not None else const(points)
    return minimum([_per_unit(rule.steps, intervals), cap])


RULE_VALUES: dict[type, Callable[..., Value]] = {
    ast.Formula: lambda rule, points, intervals: intervals.of(rule.expr),
    ast.Assessed: lambda rule, points, intervals: intervals.of(rule.input),
    ast.Bands: lambda rule, points, intervals: band_value(rule, intervals),
    ast.Checklist: lambda rule, points, intervals: _checklist(rule, intervals),
    ast.Deduction: lambda rule, points, intervals: _deduction(rule, points, intervals),
    ast.Awards: lambda rule, points, intervals: _awards(rule, points, intervals),
    ast.Matrix: lambda rule, points, intervals: matrix_value(rule, intervals),
}
