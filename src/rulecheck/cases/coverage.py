"""Coverage: which band rows, matrix cells, checklist items, grade rows and boundaries a set of cases reaches.

Reaching a row is not enough to pin it: a checklist earned whole or not at all says nothing of what one
item is worth, and a case inside a row says nothing of where the row starts. So a checklist item counts
as covered when some case earns it and some case misses it *alone* (every other item of its checklist
earned: that case's score shows the item's points, and the input it reads), and each threshold of a
band table, of each axis of a matrix or of the grades is a boundary to reach at, just below and just above
(boundaries.py). A matrix's cell is reached when the case's row meets its column. A boundary on a derived
value that check proves the value never takes (−0.01% of a rate that cannot be negative) is not counted:
no case could reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import attrs

from ..api import Ruleset
from ..compile import Compiler
from ..i18n import _
from ..language import first_match
from ..prove.intervals import Intervals
from ..runtime import TOTAL_KEY, Env, EvalFailure
from ..source import Span
from ..syntax import ast
from ..syntax.printer import (
    format_band,
    format_condition,
    format_expr,
    format_grade_row,
    format_item,
)
from .boundaries import SIDES, Boundary, boundaries, numeric_names, subject_type, thresholds
from .run import CaseResult


@attrs.frozen
class Target:
    """A band row, matrix cell, checklist item or grade row, and the cases that reach it (and, for an item, miss
    it, and miss it alone: with every other item of its checklist earned)."""
    kind: str  # "band", "cell", "item" or "grade"
    owner: str  # the indicator, "indicator / part", or "grades"
    number: int  # the row's or item's place in its table, from 1 (a cell's: row by row)
    text: str  # as written: '≥ 95% → 6'
    span: Span | None
    reached_by: tuple = ()  # case names
    missed_by: tuple = ()  # for an item: the cases that do not earn it
    missed_alone_by: tuple = ()  # for an item: the cases that earn every other item of its checklist, not it
    cell: tuple = ()  # for a cell: (row, column), from 1

    @property
    def covered(self) -> bool:
        """Reached; for a checklist item, also missed alone by some case."""
        return bool(self.reached_by) and (self.kind != "item" or bool(self.missed_alone_by))

    def describe(self) -> str:
        if self.kind == "band":
            return _("{owner}, band {number}: {text}", owner=self.owner, number=self.number, text=self.text)
        if self.kind == "item":
            return _("{owner}, item {number}: {text}", owner=self.owner, number=self.number, text=self.text)
        if self.kind == "cell":
            return _("{owner}, cell (row {row}, column {column}): {text}", owner=self.owner, row=self.cell[0],
                     column=self.cell[1], text=self.text)
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


KINDS = ("band", "cell", "boundary", "item", "grade")


def counted(kind: str, reached: int, total: int) -> str:
    """'bands 26/27', 'cells 8/9', 'boundaries 40/48', 'checklist items 24/24', 'grades 4/4'."""
    if kind == "band":
        return _("bands {reached}/{total}", reached=reached, total=total)
    if kind == "cell":
        return _("cells {reached}/{total}", reached=reached, total=total)
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
        """'bands 26/27, boundaries 40/48, checklist items 24/24, grades 4/4' (kinds the framework has; cells
        only for a framework with a matrix); an item counts when it is earned and missed alone. A framework
        of formulas alone has nothing to count, and says so rather than print nothing."""
        counts = [(kind, self.of(kind)) for kind in KINDS if self.of(kind)]
        if not counts:
            return _("nothing to cover (no band table, matrix, checklist or grades)")
        return ", ".join(counted(kind, sum(t.covered for t in found), len(found)) for kind, found in counts)


def coverage(ruleset: Ruleset, results: Iterable[CaseResult]) -> Coverage:
    """Which rows, cells, items and boundaries the cases reach: a band row when it is the row that matched, a
    matrix cell when its row and its column matched, a checklist item when it is earned (and missed alone when
    every other item of its checklist is earned), a grade row when it gave the grade, a boundary when the
    subject has its value. Cases that did not score count for nothing."""
    tables = list(coverage_tables(ruleset))
    reached: list[list[list[str]]] = [[[] for _ in t.rows] for t in tables]  # case names a row
    missed: list[list[list[str]]] = [[[] for _ in t.rows] for t in tables]
    alone: list[list[list[str]]] = [[[] for _ in t.rows] for t in tables]
    edges = reachable_boundaries(ruleset)
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
               tuple(alone[number][index]) if t.kind == "item" else (), t.cell(index))
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


# ---- boundaries: those of band tables and grades, and of each axis of a matrix -----------------------

def reachable_boundaries(ruleset: Ruleset) -> list[Boundary]:
    """Every boundary of the band tables, matrices and grades, in the order the indicators are written (the
    grades last), but those of a derived value that check proves it cannot take."""
    found = boundaries(ruleset) + matrix_boundaries(ruleset)
    rank = {owner: place for place, owner in enumerate(table_owners(ruleset.program))}
    found.sort(key=lambda b: rank.get(b.owner, len(rank)))  # stable: each table's boundaries stay in order
    assert ruleset.checked is not None
    intervals = Intervals.of_program(ruleset.checked)
    return [b for b in found if can_take(ruleset, intervals, b)]


def matrix_boundaries(ruleset: Ruleset) -> list[Boundary]:
    """The boundaries of each matrix's row conditions (on its row subject) and column conditions (on its
    column subject): a case at each threshold, just below and just above it, as for a band table."""
    numeric = numeric_names(ruleset)
    found: list[Boundary] = []
    for owner, rule in matrices(ruleset.program):
        for lines in (rule.rows, rule.columns):
            for subject, threshold, span in thresholds([(line.condition, line.span) for line in lines], numeric):
                kind, step, domain = subject_type(ruleset, subject)
                found.extend(b for b in (Boundary(owner, subject, kind, threshold, side, step, span) for side in SIDES)
                             if domain is None or domain.contains(b.value))
    return found


def can_take(ruleset: Ruleset, intervals: Intervals, boundary: Boundary) -> bool:
    """Whether the boundary's subject may have its value: an input's domain is applied where the boundary
    is made; a derived value's range is the one check proves (a rate of amounts from 0 is never negative)."""
    if boundary.subject == TOTAL_KEY or boundary.subject in ruleset.inputs:
        return True
    value = intervals.of(ast.Ref(boundary.subject))
    return value.low <= boundary.value <= value.high


def matrices(program: ast.Program) -> Iterator[tuple[str, ast.Matrix]]:
    """(owner, matrix) for every matrix table, in the order written."""
    for node, _parents in ast.iter_nodes(program.nodes):
        if isinstance(node, ast.Indicator):
            for name, _points, rule in ast.indicator_rules(node):
                if isinstance(rule, ast.Matrix):
                    yield owner_of(node, name), rule


def table_owners(program: ast.Program) -> Iterator[str]:
    """The owner of every rule, in the order written: the order boundaries are listed in."""
    for node, _parents in ast.iter_nodes(program.nodes):
        if isinstance(node, ast.Indicator):
            for name, _points, _rule in ast.indicator_rules(node):
                yield owner_of(node, name)


def owner_of(indicator: ast.Indicator, name: str) -> str:
    """'indicator', or 'indicator / part' for a part's rule."""
    return indicator.name if name == indicator.name else f"{indicator.name} / {name}"


# ---- the tables of rows --------------------------------------------------------------------------------

@attrs.frozen
class Table:
    """A band table, matrix, checklist or the grades, as coverage reads it: its rows (a matrix's cells, row
    by row) as (text, span), their conditions, and reach(env), the set of the rows a department's facts
    reach (the first row that matches, for a band table; the cell of the first matching row and column, for
    a matrix; each item earned, for a checklist)."""
    kind: str  # "band", "cell", "item" or "grade"
    owner: str
    rows: list
    conditions: list  # a matrix's: its rows', then its columns'
    reach: Callable
    width: int = 0  # a matrix's columns
    matrix: ast.Matrix | None = None  # a matrix's own rule, for the values each of its tiers covers

    def cell(self, index: int) -> tuple:
        """(row, column) from 1 of a matrix's cell at `index` (row by row); () for any other table."""
        return (index // self.width + 1, index % self.width + 1) if self.width else ()


def coverage_tables(ruleset: Ruleset) -> Iterator[Table]:
    """Every band table, checklist and the grades, in the order written. The conditions are compiled
    again, one closure a row, from the checked program the ruleset keeps."""
    assert ruleset.checked is not None  # ruleset_from keeps the checked program of every ruleset it makes
    compiler = Compiler(ruleset.checked)
    for node, _parents in ast.iter_nodes(ruleset.program.nodes):
        if not isinstance(node, ast.Indicator):
            continue
        for name, _points, rule in ast.indicator_rules(node):
            owner = owner_of(node, name)
            if isinstance(rule, ast.Matrix):
                yield matrix_table(owner, rule, compiler)
            elif isinstance(rule, ast.Bands):
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


def matrix_table(owner: str, rule: ast.Matrix, compiler: Compiler) -> Table:
    """A matrix's cells, row by row, each written as its two tiers and its points."""
    cells = [(cell_text(rule, row, column, points), row.span)
             for row in rule.rows for column, points in zip(rule.columns, row.cells)]
    rows = [r.condition for r in rule.rows]
    columns = [c.condition for c in rule.columns]
    return Table("cell", owner, cells, rows + columns, matrix_reach(rows, columns, compiler), len(columns), rule)


def cell_text(rule: ast.Matrix, row: ast.MatrixLine, column: ast.MatrixLine, points) -> str:
    """'完成率 ≥ 100%, 质量达标率 ≥ 95% → 10': the cell's row and column conditions, as written."""
    return f"{tier_text(row.condition, rule.row_subject)}, {tier_text(column.condition, rule.column_subject)} → " \
           f"{format_expr(points)}"


def tier_text(condition, subject: ast.Ref) -> str:
    """A matrix row's or column's condition with its subject ('完成率 otherwise' for the last tier)."""
    if condition is None:
        return f"{format_expr(subject)} otherwise"
    return format_condition(condition)


def matrix_reach(rows: list, columns: list, compiler: Compiler):
    """env → {the index of the cell where the first matching row meets the first matching column}."""
    row_of, column_of = first_matching(rows, compiler), first_matching(columns, compiler)

    def reach(env) -> set:
        return {r * len(columns) + c for r in row_of(env) for c in column_of(env)}

    return reach


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
