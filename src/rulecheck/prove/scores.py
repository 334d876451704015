"""The abstract value of each scoring rule: the interval a rule's score lies in and the direction it
moves in each input, built from the expression analysis in intervals.py.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..syntax import ast
from .bands import band_value
from .intervals import (
    ZERO,
    Intervals,
    Value,
    add,
    combine,
    const,
    maximum,
    multiply,
    negate,
    reciprocal,
    scaled,
)


def rule_value(rule: ast.Rule, points: Decimal, intervals: Intervals) -> Value:
    """The interval and directions of a rule's score (RULE_VALUES has one entry per kind of rule)."""
    return RULE_VALUES[type(rule)](rule, points, intervals)


def indicator_value(indicator: ast.Indicator, intervals: Intervals) -> Value:
    total = const(ZERO)
    for _, points, rule in ast.indicator_rules(indicator):
        total = add(total, rule_value(rule, points, intervals))
    return total


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


def _deduction(rule: ast.Deduction, points: Decimal, intervals: Intervals) -> Value:
    """max(points − Σ amount × units, floor), units counted above or below a threshold."""
    taken = const(ZERO)
    for step in rule.steps:
        units = intervals.of(step.quantity)
        if step.threshold is not None:
            threshold = intervals.of(step.threshold)
            units = add(units, negate(threshold)) if step.direction == "above" else add(threshold, negate(units))
            units = maximum([units, const(ZERO)])
        if step.unit is not None:
            units = multiply(units, reciprocal(intervals.of(step.unit)))
        taken = add(taken, multiply(intervals.of(step.amount), units))
    floor = intervals.of(rule.floor) if rule.floor is not None else const(ZERO)
    return maximum([add(const(points), negate(taken)), floor])


RULE_VALUES: dict[type, Callable[..., Value]] = {
    ast.Formula: lambda rule, points, intervals: intervals.of(rule.expr),
    ast.Assessed: lambda rule, points, intervals: intervals.of(rule.input),
    ast.Bands: lambda rule, points, intervals: band_value(rule, intervals),
    ast.Checklist: lambda rule, points, intervals: _checklist(rule, intervals),
    ast.Deduction: lambda rule, points, intervals: _deduction(rule, points, intervals),
}
