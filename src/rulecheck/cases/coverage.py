"""Coverage: which band rows, checklist items, grade rows and boundaries a set of cases reaches.

Reaching a row is not enough to pin it: a checklist earned whole or not at all says nothing of what one
item is worth, and a case inside a row says nothing of where the row starts. So a checklist item counts
as covered when some case earns it and some case misses it *alone* (every other item of its checklist
earned: that case's score shows the item's points, and the input it reads), and each threshold of a
band table or of the grades is a boundary to reach at, just below and just above (boundaries.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import attrs

from ..api import Ruleset
from ..compile import Compiler
from ..i18n import _
from ..language import first_match
from ..runtime import TOTAL_KEY, Env, EvalFailure
from ..source import Span
from ..syntax import ast
from ..syntax.printer import (
    format_band,
    format_grade_row,
    format_item,
)
from .boundaries import Boundary, boundaries
from .run import CaseResult


@attrs.frozen
class Target:
    """A band row, checklist item or grade row, and the cases that reach it (and, for an item, miss it, and
    miss it alone: with every other item of its checklist earned)."""
    kind: str  # "band", "item" or "grade"
    owner: str  # the indicator, "indicator / part", or "grades"
    number: int  # the row's or item's place in its table, from 1
    text: str  # as written: '≥ 95% → 6'
    span: Span | None
    reached_by: tuple = ()  # case names
    missed_by: tuple = ()  # for an item: the cases that do not earn it
    missed_alone_by: tuple = ()  # for an item: the cases that earn every other item of its checklist, not it

    @property
    def covered(self) -> bool:
        """Reached; for a checklist item, also missed alone by some case."""
        return bool(self.reached_by) and (self.kind != "item" or bool(self.missed_alone_by))

    def describe(self) -> str:
        if self.kind == "band":
            return _("{owner}, band {number}: {text}", owner=self.owner, number=self.number, text=self.text)
        if self.kind == "item":
            return _("{owner}, item {number}: {text}", owner=self.owner, number=self.number, text=self.text)
        return _("grades, grade row {number}: {text}", number=self.number, text=self.text)


@attrs.frozen
class BoundaryTarget:
    """A boundary (a threshold, or one step beside it) and the cases that reach it."""
    boundary: Boundary
    reached_by: tuple = ()
    kind: str = "boundary"

    @property
    def covered(self) -> bool:
        return bool(self.reached_by)

    @property
    def span(self) -> Span | None:
        return self.boundary.span

    def describe(self) -> str:
        return self.boundary.describe()


KINDS = ("band", "boundary", "item", "grade")


def counted(kind: str, reached: int, total: int) -> str:
    """'bands 26/27', 'boundaries 40/48', 'checklist items 24/24', 'grades 4/4'."""
    if kind == "band":
        return _("bands {reached}/{total}", reached=reached, total=total)
    if kind == "boundary":
        return _("boundaries {reached}/{total}", reached=reached, total=total)
    if kind == "item":
        return _("checklist items {reached}/{total}", reached=reached, total=total)
    return _("grades {reached}/{total}", reached=reached, total=total)


@attrs.frozen
class Coverage:
    """What a set of cases reaches of a framework's band tables, checklists, grades and boundaries."""
    targets: tuple
    boundaries: tuple = ()  # BoundaryTargets

    def of(self, kind: str) -> list:
        return [t for t in self.targets + self.boundaries if t.kind == kind]

    @property
    def unreached(self) -> list[Target]:
        return [t for t in self.targets if not t.reached_by]

    @property
    def never_missed(self) -> list[Target]:
        """Checklist items every case earns: no case shows what happens without them."""
        return [t for t in self.of("item") if not t.missed_by]

    @property
    def never_missed_alone(self) -> list[Target]:
        """Checklist items earned by some case but missed alone by none: no case shows what the item alone
        is worth (a checklist earned whole or not at all)."""
        return [t for t in self.of("item") if t.reached_by and not t.missed_alone_by]

    @property
    def unreached_boundaries(self) -> list[BoundaryTarget]:
        return [t for t in self.boundaries if not t.reached_by]

    @property
    def complete(self) -> bool:
        """Every row, item, grade and boundary covered."""
        return all(t.covered for t in self.targets + self.boundaries)

    def summary(self) -> str:
        """'bands 26/27, boundaries 40/48, checklist items 24/24, grades 4/4' (kinds the framework has); an
        item counts when it is earned and missed alone."""
        counts = [(kind, self.of(kind)) for kind in KINDS if self.of(kind)]
        return ", ".join(counted(kind, sum(t.covered for t in found), len(found)) for kind, found in counts)


def coverage(ruleset: Ruleset, results: Iterable[CaseResult]) -> Coverage:
    """Which rows, items and boundaries the cases reach: a band row when it is the row that matched, a
    checklist item when it is earned (and missed alone when every other item of its checklist is earned),
    a grade row when it gave the grade, a boundary when the subject has its value. Cases that did not
    score count for nothing."""
    tables = list(coverage_tables(ruleset))
    reached: list[list[list[str]]] = [[[] for _ in t.rows] for t in tables]  # case names a row
    missed: list[list[list[str]]] = [[[] for _ in t.rows] for t in tables]
    alone: list[list[list[str]]] = [[[] for _ in t.rows] for t in tables]
    edges = boundaries(ruleset)
    at_edge: list[list[str]] = [[] for _ in edges]
    for case_result in results:
        if case_result.result is None:
            continue
        assert case_result.values is not None  # run_case scores only validated facts
        env = Env(case_result.values, ruleset.compiled.lets)
        env[TOTAL_KEY] = case_result.result.total
        name = case_result.case.name
        for number, table in enumerate(tables):
            hits = table.reach(env)
            for index in range(len(table.rows)):
                (reached if index in hits else missed)[number][index].append(name)
                if table.kind == "item" and missed_alone(hits, index, len(table.rows)):
                    alone[number][index].append(name)
        for index, edge in enumerate(edges):
            if edge.reached(subject_value(env, edge.subject)):
                at_edge[index].append(name)
    return Coverage(tuple(
        Target(t.kind, t.owner, index + 1, text, span, tuple(reached[number][index]),
               tuple(missed[number][index]) if t.kind == "item" else (),
               tuple(alone[number][index]) if t.kind == "item" else ())
        for number, t in enumerate(tables) for index, (text, span) in enumerate(t.rows)),
        tuple(BoundaryTarget(edge, tuple(names)) for edge, names in zip(edges, at_edge)))


def missed_alone(hits: set, index: int, items: int) -> bool:
    """Whether a checklist's earned items `hits` are every item but the one at `index`."""
    return index not in hits and len(hits) == items - 1


def subject_value(env: Env, subject: str):
    """The value of a boundary's subject for a case's facts; None when it cannot be computed (a derived
    value that divides by 0), which reaches no boundary."""
    try:
        return env[subject]
    except (EvalFailure, ArithmeticError):
        return None


@attrs.frozen
class Table:
    """A band table, checklist or the grades, as coverage reads it: its rows as (text, span), their
    conditions, and reach(env), the set of the rows a department's facts reach (the first row that
    matches, for a band table; each item earned, for a checklist)."""
    kind: str  # "band", "item" or "grade"
    owner: str
    rows: list
    conditions: list
    reach: Callable


def coverage_tables(ruleset: Ruleset) -> Iterator[Table]:
    """Every band table, checklist and the grades, in the order written. The conditions are compiled
    again, one closure a row, from the checked program the ruleset keeps."""
    assert ruleset.checked is not None  # ruleset_from keeps the checked program of every ruleset it makes
    compiler = Compiler(ruleset.checked)
    for node, _parents in ast.iter_nodes(ruleset.program.nodes):
        if not isinstance(node, ast.Indicator):
            continue
        for name, _points, rule in ast.indicator_rules(node):
            owner = node.name if name == node.name else f"{node.name} / {name}"
            if isinstance(rule, ast.Bands):
                conditions = [b.condition for b in rule.bands]
                yield Table("band", owner, [(format_band(b, rule.subject), b.span) for b in rule.bands], conditions,
                            first_matching(conditions, compiler))
            elif isinstance(rule, ast.Checklist):
                conditions = [i.condition for i in rule.items]
                yield Table("item", owner, [(format_item(i), i.span) for i in rule.items], conditions,
                            every_match(conditions, compiler))
    grades = ruleset.program.grades
    if grades:
        conditions = [b.condition for b in grades]
        yield Table("grade", "grades", [(format_grade_row(b), b.span) for b in grades], conditions,
                    first_matching(conditions, compiler))


def first_matching(conditions: list, compiler: Compiler):
    tests = [compiler.expr(c) if c is not None else None for c in conditions]

    def reach(env) -> set:
        index = first_match(tests, env)
        return {index} if index is not None else set()

    return reach


def every_match(conditions: list, compiler: Compiler):
    tests = [compiler.expr(c) for c in conditions]

    def reach(env) -> set:
        return {i for i, test in enumerate(tests) if test(env)}

    return reach
