"""What a leaf's rules can reach, beyond staying within [0, its points]: a division whose divisor a
department inside the declared domains can make 0 (E504: scoring would stop with E601), and points
that no department can earn (W505: full marks out of reach).

Both start from the interval analysis, which says where to look, and end with a search: a finding is
reported only with facts that really show it, which scoring them (Ruleset.evaluate) confirms.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import attrs

from ..diagnostics import Diagnostic, error, warning
from ..i18n import _
from ..numbers import Number
from ..records import Record
from ..syntax import ast
from ..syntax.printer import format_expr, format_name, format_number
from .intervals import INF, Intervals, Value
from .messages import facts_lines
from .scores import Division, rule_divisions
from .search import Probe, Search


@attrs.frozen(eq=False, repr=False)
class Rule(Record):
    """One rule of a leaf as the search scores it: the leaf's whole rule, or one of its parts."""
    what: str  # how findings name it: '预算执行率', or part 'X' of 'Y'
    points: Decimal
    rule: ast.Rule
    probe: Callable[[], Probe]  # a fresh probe of the rule's score (rounded when it is the whole leaf)
    search: Callable[[Probe], Search]  # a search over the inputs the rule reads


def zero_divisors(rule: Rule, intervals: Intervals, kinds: dict, reported: set) -> list[Diagnostic]:
    """E504 for each division of the rule that some department inside the domains reaches with a
    divisor of 0; `reported` holds the divisions already reported (a let read by several leaves)."""
    found = []
    for division in rule_divisions(rule.rule, intervals):
        if division.span in reported:
            continue
        facts = _zero_facts(rule, division)
        if facts is not None:
            reported.add(division.span)
            found.append(_zero_divisor(rule, division, intervals, facts_lines(facts, kinds)))
    return found


def _zero_facts(rule: Rule, division: Division) -> dict | None:
    """The simplest facts found for which scoring the rule stops at this division, its divisor 0:
    only the inputs that matter."""
    probe = rule.probe()
    search = rule.search(probe)

    def fails_here(facts) -> bool:
        failure = probe.failure(facts)
        return failure is not None and failure.code == "E601" and failure.span == division.span
    found = search.hit(lambda failure: failure.code == "E601" and failure.span == division.span,
                       measure=probe.failure)
    if found is None:
        return None
    return search.needed(search.shrink(found, fails_here), fails_here)


def _zero_divisor(rule: Rule, division: Division, intervals: Intervals, example: list[str]) -> Diagnostic:
    divisor = division.divisor
    shown = format_expr(divisor)
    if isinstance(divisor, ast.Ref) and divisor.name in intervals.domains:
        domain = intervals.domains[divisor.name]
        declared = "from 1" if domain.integral else "above 0"
        hint = _("declare {input} '{domain}', or score the zero case with bands first",
                 input=format_name(divisor.name), domain=declared)
    else:
        hint = _("score the zero case with bands first: a row '{divisor} = 0 → …' above this one",
                 divisor=shown)
    return error("E504", _("{what} can divide by zero: '{divisor}' can be 0", what=rule.what, divisor=shown),
                 division.span, hint, example=tuple(example))


def full_marks(rule: Rule, value: Value, rounded: Callable[[Number], Decimal], kinds: dict) -> Diagnostic | None:
    """W505 when the rule's score, bounded above by the interval analysis (`value`, before rounding),
    cannot reach its points: with the best score the search finds and the facts that give it."""
    if value.high == INF or rounded(value.high) >= rule.points:
        return None
    bound = rounded(value.high)
    probe = rule.probe()
    best = rule.search(probe).best(value.dirs)
    if best is None:
        return None
    facts, score = best
    points = format_number(rule.points)
    if bound <= 0:
        message = _("{what} scores 0 whatever the facts: its {points} points are out of reach",
                    what=rule.what, points=points)
    elif score >= bound:
        message = _("{what} can score at most {best} of its {points} points: full marks are out of reach",
                    what=rule.what, best=format_number(score), points=points)
    else:
        message = _("{what} scores at most {bound} of its {points} points (the best found is {best}): full "
                    "marks are out of reach", what=rule.what, bound=format_number(bound),
                    best=format_number(score), points=points)
    if isinstance(rule.rule, (ast.Bands, ast.Matrix)):
        hint = _("check the table against the source: the best row should give {points}", points=points)
    else:
        hint = _("check the rule against the source: the best department should earn {points} (a cap "
                 "such as min(…, 1) belongs on a ratio, not on the score)", points=points)
    return warning("W505", message, rule.rule.span, hint, example=tuple(facts_lines(facts, kinds)))
