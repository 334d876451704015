"""The table model: one row per leaf indicator, with the names of its groups, its points, its 指标解释
(the descriptions of the inputs and derived values its rules read) and its 评分标准 (criteria.py)."""

from __future__ import annotations

from decimal import Decimal

import attrs

from ..i18n import N_, _
from ..syntax import ast
from ..syntax.printer import format_expr, format_number
from .criteria import SEPARATOR, render_condition, render_grade, render_rule

# The column headings of the published table: Chinese in the table whatever the language (export
# renders the table in Chinese), marked here so the catalog carries them.
LEVEL_HEADINGS = (N_("level-1 indicator"), N_("level-2 indicator"), N_("level-3 indicator"),
                  N_("level-4 indicator"), N_("level-5 indicator"))
POINTS_HEADING = N_("points")
EXPLANATION_HEADING = N_("explanation")
CRITERIA_HEADING = N_("scoring criteria")
TOTAL_LABEL = N_("total")
GRADE_HEADING = N_("grade")
GRADE_CONDITION_HEADING = N_("total score")
CONSTRAINTS_HEADING = N_("constraints")
CONSTRAINT_CONDITION_HEADING = N_("condition")
CONSTRAINT_DESCRIPTION_HEADING = N_("description")


@attrs.frozen
class Level:
    """A group (or the leaf) a row belongs to at one level; `points` None for the leaf itself."""
    name: str
    points: Decimal
    kind: str = "group"  # or a top-level "bonus" / "penalty" block, whose points are its cap


@attrs.frozen
class Row:
    path: tuple[Level, ...]  # the groups from the top, then the leaf
    explanation: str
    criteria: str

    @property
    def points(self) -> Decimal:
        return self.path[-1].points


@attrs.frozen
class Table:
    title: str
    total: Decimal
    depth: int
    rows: tuple[Row, ...]
    grades: tuple[tuple[str, str], ...] = ()  # (condition, grade)
    constraints: tuple[tuple[str, str], ...] = ()  # (condition, description): facts a department must satisfy

    def headings(self) -> list[str]:
        return [_(h) for h in LEVEL_HEADINGS[:self.depth]] + [_(POINTS_HEADING), _(EXPLANATION_HEADING),
                                                              _(CRITERIA_HEADING)]


def group_cell(level: Level) -> str:
    """A group's cell: its name and points, 部门决策(20分); a bonus or penalty block's says its cap,
    加分项(最高加 5 分)."""
    if level.kind == "bonus":
        return _("{name} (at most {points} points added)", name=level.name, points=format_number(level.points))
    if level.kind == "penalty":
        return _("{name} (at most {points} points deducted)", name=level.name, points=format_number(level.points))
    return _("{name} ({points} points)", name=level.name, points=format_number(level.points))


def build_table(program: ast.Program) -> Table:
    """The published table of a checked (linked) program."""
    inputs = {decl.name: decl for decl in program.inputs}
    lets = {let.name: let for let in program.lets}
    rows = []
    for node, _parents in ast.iter_nodes(program.nodes):
        if isinstance(node, ast.Indicator):
            rows.append(Row(_path(program.nodes, node), explanation(node, inputs, lets), criteria(node)))
    depth = max((len(row.path) for row in rows), default=1)
    if depth > len(LEVEL_HEADINGS):
        raise ValueError(depth)
    total = program.total.value if program.total is not None else sum(
        (n.points for n in program.nodes if not (isinstance(n, ast.Group) and n.is_block)), Decimal(0))
    grades = tuple((render_grade(row), row.grade) for row in program.grades)
    name = program.name.value if program.name is not None else program.file
    return Table(name, total, depth, tuple(rows), grades, constraints(program))


def constraints(program: ast.Program) -> tuple[tuple[str, str], ...]:
    """Each constraint as the table lists it: its comparison, and its description (blank if none). A
    department whose facts break one is not scored, so the published framework says them."""
    return tuple((render_condition(c.condition), c.description or "") for c in program.constraints)


def _path(nodes, leaf) -> tuple[Level, ...]:
    for node in nodes:
        if node is leaf:
            return (Level(node.name, node.points),)
        if isinstance(node, ast.Group):
            found = _path(node.children, leaf)
            if found:
                return (Level(node.name, node.points, node.kind),) + found
    return ()


def criteria(indicator: ast.Indicator) -> str:
    """The leaf's 评分标准: its rule, or each part with its points."""
    if indicator.parts:
        return SEPARATOR.join(
            _("{part} ({points} points): {criteria}", part=part.name, points=format_number(part.points),
              criteria=render_rule(part.rule))
            for part in indicator.parts)
    return render_rule(indicator.rule) if indicator.rule is not None else ""


def explanation(indicator: ast.Indicator, inputs: dict, lets: dict) -> str:
    """The leaf's 指标解释: each derived value it reads (its formula and description), then each input."""
    names: list[str] = []

    def read(expr) -> None:
        for sub in ast.walk(expr):
            if isinstance(sub, ast.Ref) and sub.name not in names:
                names.append(sub.name)
                if sub.name in lets:
                    read(lets[sub.name].expr)

    for _name, _points, rule in ast.indicator_rules(indicator):
        for expr in ast.rule_expressions(rule):
            read(expr)
    lines = []
    for name in names:
        if name in lets:
            let = lets[name]
            formula = f"{name} = {format_expr(let.expr)}"
            lines.append(_("{formula} ({description})", formula=formula, description=let.description)
                         if let.description else formula)
        elif name in inputs and inputs[name].description:
            lines.append(f"{name}: {inputs[name].description}")
    return "\n".join(lines)
