"""The syntax tree of a rule file: frozen attrs classes, one per construct of the language.

Every node carries the `span` it was written at; equality ignores spans, so two files that say the
same thing compare equal however they are laid out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Generic, TypeVar

import attrs
from attrs import field

from ..records import Record
from ..source import Span

V = TypeVar("V")  # the value of a header line


def _span() -> Any:
    """A fresh field for a node's span: None by default, left out of equality and repr."""
    return field(default=None, eq=False, repr=False)


class SyntaxNode(Record):
    """What every node shares: equality, hashing and repr as attrs would write them (rulecheck.records:
    written once instead of generated and compiled for each of the classes below, which took ~8 ms of
    every `rulecheck check`, issue 13). The classes say `@attrs.frozen(eq=False, repr=False)` so that
    attrs leaves these in place; attrs still writes each class's `__init__`."""

    __slots__ = ()


# ---- expressions ---------------------------------------------------------------------------------

@attrs.frozen(eq=False, repr=False)
class Number(SyntaxNode):
    """A literal; a percent literal (95%) holds its fraction (0.95) and keeps how it was written; a date
    literal (2024-03-31) holds its day number (rulecheck.dates)."""
    value: Decimal
    is_percent: bool = False
    span: Span | None = _span()
    is_date: bool = False


@attrs.frozen(eq=False, repr=False)
class Ref(SyntaxNode):
    """A name: an input, a derived value, or (after resolution) a grade value."""
    name: str
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class GradeValue(SyntaxNode):
    """One of a grade input's named values, e.g. 按规定公开 (made by name resolution)."""
    grade: str
    value: str
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Negate(SyntaxNode):
    operand: Expr
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Binary(SyntaxNode):
    """Arithmetic: op is one of + - * /."""
    op: str
    left: Expr
    right: Expr
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Compare(SyntaxNode):
    """A comparison, possibly chained (90% ≤ x < 95%); ops are >= <= > < = !=."""
    operands: tuple[Expr, ...]
    ops: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class BoolOp(SyntaxNode):
    """and / or over two or more operands."""
    op: str
    operands: tuple[Expr, ...]
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Not(SyntaxNode):
    operand: Expr
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Call(SyntaxNode):
    """A built-in function: min, max, sum, average, clamp, abs."""
    function: str
    args: tuple[Expr, ...]
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class TotalScore(SyntaxNode):
    """The framework's total score, compared by the rows of `grades:`."""
    span: Span | None = _span()


Expr = Number | Ref | GradeValue | TotalScore | Negate | Binary | Compare | BoolOp | Not | Call


# ---- declarations --------------------------------------------------------------------------------

@attrs.frozen(eq=False, repr=False)
class TypeSpec(SyntaxNode):
    """An input's type: number, count, amount, percent, date, bool, score, or grade with its values."""
    kind: str
    values: tuple[str, ...] = ()
    span: Span | None = _span()
    # where each grade value is written (a Span or None each), for messages
    value_spans: tuple[Span | None, ...] | None = _span()


@attrs.frozen(eq=False, repr=False)
class InputDecl(SyntaxNode):
    name: str
    type: TypeSpec
    low: Number | None = None
    high: Number | None = None
    description: str | None = None
    span: Span | None = _span()
    low_exclusive: bool = False  # 'above LOW': the value must be greater than LOW


@attrs.frozen(eq=False, repr=False)
class Let(SyntaxNode):
    """A derived value, computed once per evaluation and reused by several rules."""
    name: str
    expr: Expr
    type: TypeSpec | None = None
    description: str | None = None
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Constraint(SyntaxNode):
    """A fact that must hold between inputs or derived values (按时完成项目数 ≤ 计划完成项目数): written
    once under `constraints:`, it refuses a department whose facts break it (F517) instead of scoring
    it, and lets the prover and `verify` leave impossible departments out."""
    condition: Expr
    description: str | None = None
    span: Span | None = _span()


# ---- scoring rules -------------------------------------------------------------------------------

@attrs.frozen(eq=False, repr=False)
class Formula(SyntaxNode):
    expr: Expr
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Assessed(SyntaxNode):
    """The score an evaluator gave, read from a `score` input."""
    input: Ref
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Band(SyntaxNode):
    """One row of a band table; condition None means `otherwise`."""
    condition: Expr | None
    points: Expr
    span: Span | None = _span()
    # Written without the table's subject (≥ 95%); the condition holds the subject all the same.
    # Only the layout reads it, to write the row back short; equality ignores it.
    partial: bool = field(default=False, eq=False, repr=False)


@attrs.frozen(eq=False, repr=False)
class Bands(SyntaxNode):
    """First matching band wins; `subject` is the value the rows compare (None if each row says)."""
    subject: Expr | None
    bands: tuple[Band, ...]
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class MatrixLine(SyntaxNode):
    """A column of a matrix (its condition on the column subject, no cells), or a row (its condition on
    the row subject and one cell of points per column); condition None means `otherwise`."""
    condition: Expr | None
    cells: tuple[Expr, ...] = ()
    span: Span | None = _span()
    partial: bool = field(default=False, eq=False, repr=False)  # as Band.partial


@attrs.frozen(eq=False, repr=False)
class Matrix(SyntaxNode):
    """Points by two inputs' tiers: the first row whose condition holds, the first column whose condition
    holds, the cell where they cross. Each axis is a band table, so the slices below let the band
    analysis (gaps, overlaps, directions) run on it unchanged."""
    row_subject: Ref
    column_subject: Ref
    columns: tuple[MatrixLine, ...]
    rows: tuple[MatrixLine, ...]
    span: Span | None = _span()

    def down_column(self, column: int) -> Bands:
        """Column `column` read as a band table of the row subject."""
        return Bands(self.row_subject, tuple(Band(r.condition, r.cells[column], r.span, r.partial)
                                             for r in self.rows), self.span)

    def along_row(self, row: int) -> Bands:
        """Row `row` read as a band table of the column subject."""
        return Bands(self.column_subject, tuple(Band(c.condition, cell, c.span, c.partial)
                                                for c, cell in zip(self.columns, self.rows[row].cells)), self.span)


@attrs.frozen(eq=False, repr=False)
class ChecklistItem(SyntaxNode):
    condition: Expr
    points: Expr
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Checklist(SyntaxNode):
    """Every item whose condition holds earns its points."""
    items: tuple[ChecklistItem, ...]
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class PerUnit(SyntaxNode):
    """AMOUNT per [UNIT of] QUANTITY [above|below THRESHOLD]: points for each unit of a quantity, the
    shape a deduct line and an award line share (each is its own class, so neither is taken for the other)."""
    amount: Expr
    quantity: Expr
    unit: Expr | None = None
    threshold: Expr | None = None
    direction: str | None = None  # "above" or "below" the threshold
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Deduct(PerUnit):
    """deduct AMOUNT per [UNIT of] QUANTITY [above|below THRESHOLD]: points taken off per unit."""


@attrs.frozen(eq=False, repr=False)
class Deduction(SyntaxNode):
    """Start at the maximum, subtract each deduction, never below the floor (0 unless declared)."""
    steps: tuple[Deduct, ...]
    floor: Expr | None = None
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Award(PerUnit):
    """award AMOUNT per [UNIT of] QUANTITY [above|below THRESHOLD]: a deduct line's dual, points earned
    per unit ("每培训 1 次得 0.5 分")."""


@attrs.frozen(eq=False, repr=False)
class Awards(SyntaxNode):
    """Start at 0, add each award, never above the cap (the points unless declared: "最高 2 分")."""
    steps: tuple[Award, ...]
    cap: Expr | None = None
    span: Span | None = _span()


Rule = Formula | Assessed | Bands | Checklist | Deduction | Awards | Matrix


@attrs.frozen(eq=False, repr=False)
class Direction(SyntaxNode):
    """A declared direction: the score of a leaf or group is increasing (or decreasing) in an input."""
    direction: str
    input: Ref
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Part(SyntaxNode):
    """A named part of a composite indicator, with its own points and rule."""
    name: str
    points: Decimal
    rule: Rule
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Indicator(SyntaxNode):
    """A leaf of the tree: its maximum points and either one rule or several parts."""
    name: str
    points: Decimal
    rule: Rule | None = None
    parts: tuple[Part, ...] = ()
    directions: tuple[Direction, ...] = ()
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Group(SyntaxNode):
    name: str
    points: Decimal
    children: tuple[Node, ...]
    directions: tuple[Direction, ...] = ()  # the group's score (the sum of its leaves) moves this way
    span: Span | None = _span()
    # "group"; or, at the top level only, "bonus" (加分项: adds its leaves' sum, at most `points`) or
    # "penalty" (扣分项: subtracts what its leaves lose, at most `points`), counted apart from the total
    kind: str = "group"

    @property
    def is_block(self) -> bool:
        """A bonus or penalty block: its points are a cap, not a share of the total."""
        return self.kind != "group"


Node = Indicator | Group


@attrs.frozen(eq=False, repr=False)
class Extend(SyntaxNode):
    """Attach indicators under a group (or turn a leaf into a group) of an imported framework."""
    target: str
    children: tuple[Node, ...]
    span: Span | None = _span()


# ---- the file ------------------------------------------------------------------------------------

@attrs.frozen(eq=False, repr=False)
class GradeBand(SyntaxNode):
    condition: Expr | None
    grade: str
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Rounding(SyntaxNode):
    decimals: int
    mode: str = "half-up"
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Import(SyntaxNode):
    path: str
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Setting(SyntaxNode, Generic[V]):
    """A header line: its value and where it was written, so duplicates can be reported."""
    value: V
    span: Span | None = _span()


@attrs.frozen(eq=False, repr=False)
class Total(Setting[Decimal]):
    """'total 100', and the cap of 'total 100 cap 100' (总分最高 100 分: bonus points stop there)."""
    cap: Decimal | None = None


@attrs.frozen(eq=False, repr=False)
class Program(SyntaxNode):
    """One rule file as written, or (after linking) a framework with its imports merged in."""
    file: str
    name: Setting[str] | None = None
    total: Total | None = None
    rounding: Rounding | None = None
    grades: tuple[GradeBand, ...] = ()
    inputs: tuple[InputDecl, ...] = ()
    lets: tuple[Let, ...] = ()
    nodes: tuple[Node, ...] = ()
    imports: tuple[Import, ...] = ()
    extends: tuple[Extend, ...] = ()  # after linking: only those that could not be applied (E206, E205)
    constraints: tuple[Constraint, ...] = ()


# ---- walking -------------------------------------------------------------------------------------

def sub_expressions(expr) -> tuple:
    """The expressions directly inside an expression."""
    if isinstance(expr, (Negate, Not)):
        return (expr.operand,)
    if isinstance(expr, Binary):
        return (expr.left, expr.right)
    if isinstance(expr, (Compare, BoolOp)):
        return expr.operands
    if isinstance(expr, Call):
        return expr.args
    return ()


def walk(expr):
    """The expression and every expression inside it, depth first."""
    yield expr
    for child in sub_expressions(expr):
        yield from walk(child)


def rule_expressions(rule) -> tuple:
    """The expressions a rule reads, in source order."""
    if isinstance(rule, Formula):
        return (rule.expr,)
    if isinstance(rule, Assessed):
        return (rule.input,)
    if isinstance(rule, Bands):
        found = [rule.subject] if rule.subject is not None else []
        for band in rule.bands:
            if band.condition is not None:
                found.append(band.condition)
            found.append(band.points)
        return tuple(found)
    if isinstance(rule, Matrix):
        found = [rule.row_subject, rule.column_subject]
        found += [line.condition for line in rule.columns if line.condition is not None]
        for row in rule.rows:
            found += ([row.condition] if row.condition is not None else []) + list(row.cells)
        return tuple(found)
    if isinstance(rule, Checklist):
        return tuple(e for item in rule.items for e in (item.condition, item.points))
    if isinstance(rule, Deduction):
        found = [e for step in rule.steps for e in (step.amount, step.quantity, step.unit, step.threshold)
                 if e is not None]
        return tuple(found + ([rule.floor] if rule.floor is not None else []))
    if isinstance(rule, Awards):
        found = [e for step in rule.steps for e in (step.amount, step.quantity, step.unit, step.threshold)
                 if e is not None]
        return tuple(found + ([rule.cap] if rule.cap is not None else []))
    return ()


def indicator_rules(indicator: Indicator) -> tuple:
    """(name, points, rule) for the indicator's rule, or for each of its parts."""
    if indicator.parts:
        return tuple((part.name, part.points, part.rule) for part in indicator.parts)
    return ((indicator.name, indicator.points, indicator.rule),) if indicator.rule is not None else ()


def iter_nodes(nodes, parents=()):
    """Every group and indicator of a tree with the names of its ancestors, depth first."""
    for item in nodes:
        yield item, parents
        if isinstance(item, Group):
            yield from iter_nodes(item.children, parents + (item.name,))


def visit(visitor, prefix: str, node, *args):
    """Dispatch on the node's kind, as Jinja's NodeVisitor does: `visitor.{prefix}_{Kind}(node, *args)`.
    A pass that lacks a method for some kind fails here, and tests/test_language_tables.py lists every
    pass against every kind, so a kind added to the language cannot be left unhandled."""
    method = getattr(visitor, f"{prefix}_{type(node).__name__}", None)
    if method is None:
        raise NotImplementedError(f"{type(visitor).__name__} has no {prefix}_{type(node).__name__}")
    return method(node, *args)
