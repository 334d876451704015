"""Coverage: which band rows, checklist items and grade rows a set of cases reaches."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..api import Ruleset
from ..compile import Compiler
from ..i18n import _
from ..language import first_match
from ..runtime import TOTAL_KEY, Env
from ..source import Span
from ..syntax import ast
from ..syntax.printer import (
    format_band,
    format_grade_row,
    format_item,
)
from .run import CaseResult


@attrs.frozen
class Target:
    """A band row, checklist item or grade row, and the cases that reach it (and, for an item, miss it)."""
    kind: str  # "band", "item" or "grade"
    owner: str  # the indicator, "indicator / part", or "grades"
    number: int  # the row's or item's place in its table, from 1
    text: str  # as written: '≥ 95% → 6'
    span: Span | None
    reached_by: tuple = ()  # case names
    missed_by: tuple = ()  # for an item: the cases that do not earn it

    def describe(self) -> str:
        if self.kind == "band":
            return _("{owner}, band {number}: {text}", owner=self.owner, number=self.number, text=self.text)
        if self.kind == "item":
            return _("{owner}, item {number}: {text}", owner=self.owner, number=self.number, text=self.text)
        return _("grades, grade row {number}: {text}", number=self.number, text=self.text)


KINDS = ("band", "item", "grade")


def counted(kind: str, reached: int, total: int) -> str:
    """'bands 26/27', 'checklist items 24/24', 'grades 4/4'."""
    if kind == "band":
        return _("bands {reached}/{total}", reached=reached, total=total)
    if kind == "item":
        return _("checklist items {reached}/{total}", reached=reached, total=total)
    return _("grades {reached}/{total}", reached=reached, total=total)


@attrs.frozen
class Coverage:
    """What a set of cases reaches of a framework's band tables, checklists and grades."""
    targets: tuple

    def of(self, kind: str) -> list[Target]:
        return [t for t in self.targets if t.kind == kind]

    @property
    def unreached(self) -> list[Target]:
        return [t for t in self.targets if not t.reached_by]

    @property
    def never_missed(self) -> list[Target]:
        """Checklist items every case earns: no case shows what happens without them."""
        return [t for t in self.of("item") if not t.missed_by]

    def summary(self) -> str:
        """'bands 26/27, checklist items 24/24, grades 4/4' (kinds the framework has)."""
        counts = [(kind, self.of(kind)) for kind in KINDS if self.of(kind)]
        return ", ".join(counted(kind, sum(bool(t.reached_by) for t in found), len(found)) for kind, found in counts)


def coverage(ruleset: Ruleset, results: Iterable[CaseResult]) -> Coverage:
    """Which rows and items the cases reach: a band row when it is the row that matched, a checklist item
    when it is earned, a grade row when it gave the grade. Cases that did not score count for nothing."""
    tables = list(coverage_tables(ruleset))
    reached: list[list[list[str]]] = [[[] for _ in rows] for _, _, rows, _ in tables]  # case names a row
    missed: list[list[list[str]]] = [[[] for _ in rows] for _, _, rows, _ in tables]
    for case_result in results:
        if case_result.result is None:
            continue
        assert case_result.values is not None  # run_case scores only validated facts
        env = Env(case_result.values, ruleset.compiled.lets)
        env[TOTAL_KEY] = case_result.result.total
        for number, (_kind, _owner, rows, reach) in enumerate(tables):
            hits = reach(env)
            for index in range(len(rows)):
                (reached if index in hits else missed)[number][index].append(case_result.case.name)
    return Coverage(tuple(
        Target(kind, owner, index + 1, text, span, tuple(reached[number][index]),
               tuple(missed[number][index]) if kind == "item" else ())
        for number, (kind, owner, rows, _) in enumerate(tables) for index, (text, span) in enumerate(rows)))


def coverage_tables(ruleset: Ruleset):
    """(kind, owner, rows as (text, span), reach) for every band table, checklist and the grades;
    reach(env) is the set of the rows a department's facts reach (the first row that matches, for a band
    table; each item earned, for a checklist). The conditions are compiled again, one closure a row, from
    the checked program the ruleset keeps."""
    assert ruleset.checked is not None  # ruleset_from keeps the checked program of every ruleset it makes
    compiler = Compiler(ruleset.checked)
    for node, _parents in ast.iter_nodes(ruleset.program.nodes):
        if not isinstance(node, ast.Indicator):
            continue
        for name, _points, rule in ast.indicator_rules(node):
            owner = node.name if name == node.name else f"{node.name} / {name}"
            if isinstance(rule, ast.Bands):
                rows = [(format_band(b, rule.subject), b.span) for b in rule.bands]
                yield "band", owner, rows, first_matching([b.condition for b in rule.bands], compiler)
            elif isinstance(rule, ast.Checklist):
                rows = [(format_item(i), i.span) for i in rule.items]
                yield "item", owner, rows, every_match([i.condition for i in rule.items], compiler)
    grades = ruleset.program.grades
    if grades:
        rows = [(format_grade_row(b), b.span) for b in grades]
        yield "grade", "grades", rows, first_matching([b.condition for b in grades], compiler)


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
