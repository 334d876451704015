"""Boundaries: the values of a band table's (or the grades') numeric subject where a row starts or ends.

A case that hits every row can still miss the defect that moves a threshold by one step (`≥ 95%` written
`> 95%`, `< 90%` for `≤ 90%`): only a case at the threshold and one on each side of it tells. So each
threshold of a table gives three boundary values: the threshold itself, just below and just above it,
"just" being the smallest step the subject's type allows (STEPS: a count ±1, a percent ±0.01 percentage
point, an amount, a score or a number ±0.01; the total one unit of the rule file's rounding). A value
outside the subject's declared domain is not needed, and is left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import attrs

from ..api import Ruleset
from ..domains import Domain, domain_of
from ..i18n import _
from ..language import DEFAULT_ROUNDING
from ..runtime import TOTAL_KEY
from ..source import Span
from ..syntax import ast
from ..syntax.printer import format_number, format_percent, format_value

AT, BELOW, ABOVE = "at", "below", "above"
SIDES = (BELOW, AT, ABOVE)
PERCENT_STEP = Decimal("0.0001")  # 0.01 percentage point
STEPS = {"count": Decimal(1), "percent": PERCENT_STEP, "date": Decimal(1)}  # a date: one day
DEFAULT_STEP = Decimal("0.01")  # an amount, a score, a number


@attrs.frozen
class Boundary:
    """One value of a subject to reach: a threshold, or one step below or above it."""
    owner: str  # the indicator ("indicator / part"), or "grades"
    subject: str  # an input's or derived value's name, or TOTAL_KEY for the grades
    kind: str  # how the subject's values are shown: "percent", "count", "amount", "points", …
    threshold: Decimal
    side: str  # AT, BELOW or ABOVE
    step: Decimal
    span: Span | None  # the first row that names the threshold

    @property
    def value(self) -> Decimal:
        """The value a case must give the subject: the threshold, or one step beside it."""
        return self.threshold + {AT: Decimal(0), BELOW: -self.step, ABOVE: self.step}[self.side]

    def reached(self, value) -> bool:
        """Whether a case whose subject is `value` reaches this boundary: exactly at the threshold, or
        within one step below (above) it, for a subject computed from inputs of other steps."""
        if value is None or isinstance(value, (bool, str)):  # not computed (a division by 0)
            return False
        if self.side == AT:
            return value == self.threshold
        if self.side == BELOW:
            return self.threshold - self.step <= value < self.threshold
        return self.threshold < value <= self.threshold + self.step

    def show(self, value) -> str:
        if self.kind == "date":
            return format_value(value, "date")
        return format_percent(value) if self.kind == "percent" else format_number(value)

    @property
    def subject_name(self) -> str:
        return _("the total") if self.subject == TOTAL_KEY else self.subject

    def text(self) -> str:
        """'满意度 just below 95% (94.99%)', in the current language."""
        threshold, value = self.show(self.threshold), self.show(self.value)
        if self.side == AT:
            return _("{subject} at {threshold}", subject=self.subject_name, threshold=threshold)
        if self.side == BELOW:
            return _("{subject} just below {threshold} ({value})", subject=self.subject_name, threshold=threshold,
                     value=value)
        return _("{subject} just above {threshold} ({value})", subject=self.subject_name, threshold=threshold,
                 value=value)

    def describe(self) -> str:
        """'公众或服务对象满意度: 满意度 just below 95% (94.99%)'."""
        owner = _("grades") if self.subject == TOTAL_KEY else self.owner
        return _("{owner}: {boundary}", owner=owner, boundary=self.text())


def boundaries(ruleset: Ruleset) -> list[Boundary]:
    """Every boundary of the rule file's band tables and grades, in the order they are written."""
    found: list[Boundary] = []
    for owner, conditions in boundary_tables(ruleset.program):
        for subject, threshold, span in thresholds(conditions, numeric_names(ruleset)):
            kind, step, domain = subject_type(ruleset, subject)
            found.extend(b for b in (Boundary(owner, subject, kind, threshold, side, step, span) for side in SIDES)
                         if domain is None or domain.contains(b.value))
    return found


def boundary_tables(program: ast.Program) -> Iterator[tuple[str, list[tuple]]]:
    """(owner, [(condition, span) of each row]) for every band table, and for the grades."""
    for node, _parents in ast.iter_nodes(program.nodes):
        if isinstance(node, ast.Indicator):
            for name, _points, rule in ast.indicator_rules(node):
                if isinstance(rule, ast.Bands):
                    owner = node.name if name == node.name else f"{node.name} / {name}"
                    yield owner, [(band.condition, band.span) for band in rule.bands]
    if program.grades:
        yield "grades", [(row.condition, row.span) for row in program.grades]


def thresholds(rows: list[tuple], numeric: set) -> list[tuple[str, Decimal, Span | None]]:
    """(subject, threshold, first row naming it) for each distinct comparison of a numeric name (or the
    total) with a number in the rows' conditions, in the order written."""
    found: dict[tuple[str, Decimal], Span | None] = {}
    for condition, span in rows:
        for compare in comparisons(condition):
            for left, right in zip(compare.operands, compare.operands[1:]):
                for subject, number in ((left, right), (right, left)):
                    name = subject_key(subject)
                    if name is not None and name in numeric and isinstance(number, ast.Number):
                        found.setdefault((name, number.value), span)
    return [(subject, threshold, span) for (subject, threshold), span in found.items()]


def comparisons(expr) -> Iterator[ast.Compare]:
    """The comparisons of a condition, through `and`, `or` and `not`."""
    if isinstance(expr, ast.Compare):
        yield expr
    elif isinstance(expr, ast.BoolOp):
        for operand in expr.operands:
            yield from comparisons(operand)
    elif isinstance(expr, ast.Not):
        yield from comparisons(expr.operand)


def subject_key(expr) -> str | None:
    if isinstance(expr, ast.TotalScore):
        return TOTAL_KEY
    return expr.name if isinstance(expr, ast.Ref) else None


def numeric_names(ruleset: Ruleset) -> set:
    """The inputs and derived values that hold numbers, and the total."""
    assert ruleset.checked is not None  # ruleset_from keeps the checked program of every ruleset it makes
    kinds = ruleset.checked.display_kinds()
    return {name for name, kind in kinds.items() if kind not in ("bool", "grade")} | {TOTAL_KEY}


def subject_type(ruleset: Ruleset, subject: str) -> tuple[str, Decimal, Domain | None]:
    """(how its values are shown, its step, its domain: None for a derived value, whose domain is not
    declared) of a subject."""
    if subject == TOTAL_KEY:
        rounding = ruleset.program.rounding or DEFAULT_ROUNDING
        total = ruleset.program.total.value if ruleset.program.total else None
        return "points", Decimal(1).scaleb(-rounding.decimals), Domain("score", Decimal(0), total)
    decl = ruleset.inputs.get(subject)
    if decl is not None:
        kind = decl.type.kind
        return kind, STEPS.get(kind, DEFAULT_STEP), domain_of(decl)
    assert ruleset.checked is not None
    kind = ruleset.checked.display_kinds()[subject]
    unit = getattr(ruleset.checked.let_types.get(subject), "unit", None)
    whole = unit in ("count", "days", "date")  # a number of days, or a date: a day at a time
    return kind, STEPS.get("count" if whole else kind, DEFAULT_STEP), None
