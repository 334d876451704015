"""The grades of two versions compared by meaning: the totals (and, for rows that read inputs, the inputs'
values) whose grade changes, worked out from the rows as the prove stage's grade analysis reads them.

`grades:` is a table of the total, the first matching row winning; a row that also reads yes/no inputs
(一票否决: '存在重大违规问题 → 差', '≥ 90 and not 发生安全责任事故 → 优') matches only when they hold. Each
combination of those inputs' values is tried (there are few: a framework vetoes on a handful of facts),
so rows reordered, split or rewritten that grade every department as before are no change."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

import attrs

from ..numbers import INF
from ..prove.grades import GradeRow, grade_rows
from ..prove.intervals import Intervals
from ..prove.ranges import Piece, Ranges
from ..runtime import total_range
from ..syntax import ast
from ..syntax.printer import split_grade_condition

MOST_INPUTS = 8  # the yes/no inputs the rows may read together: 2^8 combinations are tried at most


@attrs.frozen
class GradeChange:
    """Totals whose grade changes from `old` to `new` (None: no row grades them), when the yes/no inputs
    `when` names have those values (() for any values)."""
    totals: Ranges
    when: tuple[tuple[str, bool], ...]
    old: str | None
    new: str | None


def grade_changes(old: ast.Program, new: ast.Program, old_intervals: Intervals,
                  new_intervals: Intervals) -> list[GradeChange] | None:
    """Every change of grade from old to new, as the totals rise; [] when every department is graded as
    it was, None when that cannot be worked out (a row compares the total with something other than a
    number or reads inputs other than yes/no ones, a version without grades, the totals run otherwise, or
    too many inputs)."""
    old_rows, new_rows = grade_rows(old.grades, old_intervals), grade_rows(new.grades, new_intervals)
    if not old_rows or not new_rows or total_range(old) != total_range(new):
        return None  # grades added or removed whole: the rows say it all
    names = _guard_inputs(old_rows + new_rows, old_intervals, new_intervals)
    if names is None or len(names) > MOST_INPUTS:
        return None
    low, total = total_range(new)
    domain = Ranges.of(Piece(low, total if total is not None else INF, True, total is not None))
    found: dict = {}  # (old grade, new grade, totals) → the combinations of the inputs' values
    for values in product((True, False), repeat=len(names)):
        facts = dict(zip(names, values))
        for old_totals, a in _graded(old_rows, facts, domain):
            for new_totals, b in _graded(new_rows, facts, domain):
                shared = old_totals.intersect(new_totals)
                if a != b and not shared.empty:
                    found.setdefault((a, b, shared), []).append(values)
    changes = [GradeChange(totals, when, a, b) for (a, b, totals), combinations in found.items()
               for when in _described(names, combinations)]
    return sorted(changes, key=lambda c: (c.totals.pieces[0].low, not c.totals.pieces[0].low_closed, c.when))


def _guard_inputs(rows: list[GradeRow], *intervals: Intervals) -> list[str] | None:
    """The yes/no inputs the rows' input conditions read, in the order first read; None if a condition is
    anything but yes/no inputs joined by and, or, not."""
    names: list[str] = []
    for row in rows:
        guard = _guard(row)
        if guard is None:
            continue
        for expr in ast.walk(guard):
            if isinstance(expr, ast.Ref):
                if not all(_is_bool(expr.name, i) for i in intervals):
                    return None
                names += [] if expr.name in names else [expr.name]
            elif not isinstance(expr, (ast.BoolOp, ast.Not)):
                return None
    return names


def _is_bool(name: str, intervals: Intervals) -> bool:
    domain = intervals.domains.get(name)
    return domain is not None and domain.kind == "bool"


def _guard(row: GradeRow):
    return split_grade_condition(row.band.condition)[1] if row.band.condition is not None else None


def _holds(expr, facts: dict) -> bool:
    """A row's condition on yes/no inputs, given their values."""
    if isinstance(expr, ast.Ref):
        return facts[expr.name]
    if isinstance(expr, ast.Not):
        return not _holds(expr.operand, facts)
    assert isinstance(expr, ast.BoolOp)  # _guard_inputs let nothing else through
    results = (_holds(operand, facts) for operand in expr.operands)
    return all(results) if expr.op == "and" else any(results)


def _graded(rows: list[GradeRow], facts: dict, domain: Ranges) -> Iterator[tuple]:
    """(totals, grade) of each row that matches with these inputs' values, the first matching row
    winning, then (the totals no row grades, None)."""
    taken = domain.nothing()
    for row in rows:
        guard = _guard(row)
        if guard is not None and not _holds(guard, facts):
            continue
        mine = row.covered.intersect(domain).minus(taken)
        taken = taken.union(row.covered)
        if not mine.empty:
            yield mine, row.band.grade
    left = domain.minus(taken)
    if not left.empty:
        yield left, None


def _described(names: list[str], combinations: list[tuple]) -> list[tuple]:
    """The inputs' values under which a change happens: () when under any, the inputs whose value is the
    same in every combination when those fix it, else each combination whole."""
    if len(combinations) == 2 ** len(names):
        return [()]
    fixed = [(i, combinations[0][i]) for i in range(len(names)) if len({c[i] for c in combinations}) == 1]
    if len(combinations) == 2 ** (len(names) - len(fixed)):
        return [tuple((names[i], value) for i, value in fixed)]
    return [tuple(zip(names, combination)) for combination in combinations]
