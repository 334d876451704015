"""评分标准 from the rules themselves: every rule kind and every expression kind of the language rendered
as a scoring criterion reads in the published table ("满意度 ≥ 95% 得 6 分; …").

Dispatch is by ast.visit, so a rule or expression kind added to the language without a method here
fails loudly (and tests/test_export.py lists every kind against this renderer)."""

from __future__ import annotations

from .. import numbers
from ..i18n import N_, _
from ..language import ROUNDING_FUNCTIONS
from ..syntax import ast
from ..syntax.printer import OP_SYMBOLS, format_expr, format_literal, format_number, split_grade_condition

SEPARATOR = "; "
# A value rounded to a step (1 个百分点, 0.01), as the scoring text says it.
ROUNDED_STEPS = {"ceil": N_("{value} (a part of {step} counts as a whole {step})"),
                 "floor": N_("{value} (a part of {step} does not count)"),
                 "round": N_("{value} (rounded half-up to {step})")}
# A deduct or an award line as the table says it, by the line's kind and where its threshold puts the
# quantity counted (None: no threshold, every unit counts).
PER_UNIT_CRITERIA = {
    ast.Deduct: {
        None: N_("{amount} points off for each {unit} of {quantity}"),
        "below": N_("{quantity} below {threshold}: {amount} points off for each {unit} below"),
        "above": N_("{quantity} above {threshold}: {amount} points off for each {unit} above"),
    },
    ast.Award: {
        None: N_("{amount} points for each {unit} of {quantity}"),
        "below": N_("{quantity} below {threshold}: {amount} points for each {unit} below"),
        "above": N_("{quantity} above {threshold}: {amount} points for each {unit} above"),
    },
}


class Criteria:
    """Renders rules (`rule_*`) and the expressions they hold (`expr_*`)."""

    def rule(self, rule) -> str:
        return ast.visit(self, "rule", rule)

    def expr(self, expr) -> str:
        return ast.visit(self, "expr", expr)

    def points(self, expr) -> str:
        return self.expr(expr)

    # ---- rules ---------------------------------------------------------------------------------
    def rule_Formula(self, rule: ast.Formula) -> str:
        return _("score = {formula}", formula=self.expr(rule.expr))

    def rule_Assessed(self, rule: ast.Assessed) -> str:
        return _("scored by the evaluators (recorded as {input})", input=rule.input.name)

    def rule_Bands(self, rule: ast.Bands) -> str:
        return SEPARATOR.join(self.band(band, rule.subject) for band in rule.bands)

    def band(self, band: ast.Band, subject) -> str:
        points = self.points(band.points)
        condition = band.condition
        if condition is None:
            return _("otherwise {points} points", points=points)
        if isinstance(condition, ast.Compare) and subject is not None:
            if len(condition.ops) == 1 and condition.operands[0] == subject:
                right = condition.operands[1]
                if isinstance(right, ast.GradeValue) and condition.ops[0] == "=":
                    return _("{subject} is {value}: {points} points", subject=self.expr(subject),
                             value=right.value, points=points)
                return _("{subject} {op} {value}: {points} points", subject=self.expr(subject),
                         op=OP_SYMBOLS[condition.ops[0]], value=self.expr(right), points=points)
            if (len(condition.ops) == 2 and condition.operands[1] == subject
                    and all(op in ("<", "<=") for op in condition.ops)):
                low, high = self.expr(condition.operands[0]), self.expr(condition.operands[2])
                if condition.ops[0] == "<=":
                    low = _("{value} (inclusive)", value=low)
                if condition.ops[1] == "<=":
                    high = _("{value} (inclusive)", value=high)
                return _("{subject} {low}–{high}: {points} points", subject=self.expr(subject), low=low,
                         high=high, points=points)
        return _("{condition}: {points} points", condition=self.expr(condition), points=points)

    def rule_Matrix(self, rule: ast.Matrix) -> str:
        """Each cell as the pair of tiers that earns it: "完成率 ≥ 100% 且质量达标率 ≥ 95%: 10 分; …"."""
        return SEPARATOR.join(
            _("{row} and {column}: {points} points", row=self.tier(row.condition, rule.row_subject),
              column=self.tier(column.condition, rule.column_subject), points=self.points(cell))
            for row in rule.rows for column, cell in zip(rule.columns, row.cells))

    def tier(self, condition, subject) -> str:
        if condition is None:
            return _("{subject} in any other case", subject=self.expr(subject))
        return self.expr(condition)

    def rule_Checklist(self, rule: ast.Checklist) -> str:
        points = {item.points for item in rule.items}
        if len(points) == 1 and len(rule.items) > 1:
            items = SEPARATOR.join(f"{n}. {self.expr(item.condition)}" for n, item in enumerate(rule.items, 1))
            return _("{points} points for each item met: {items}", points=self.points(rule.items[0].points),
                     items=items)
        return SEPARATOR.join(
            f"{n}. " + _("{condition}: {points} points", condition=self.expr(item.condition),
                         points=self.points(item.points))
            for n, item in enumerate(rule.items, 1))

    def rule_Deduction(self, rule: ast.Deduction) -> str:
        steps = SEPARATOR.join(self.per_unit(step) for step in rule.steps)
        floor = rule.floor
        if floor is None or (isinstance(floor, ast.Number) and floor.value == 0):
            return steps + ", " + _("until no points are left")
        return steps + ", " + _("no less than {floor} points", floor=self.points(floor))

    def rule_Awards(self, rule: ast.Awards) -> str:
        """"每培训 1 次得 0.5 分, 最高 2 分": the cap is said even when it is the points, as documents do."""
        steps = SEPARATOR.join(self.per_unit(step) for step in rule.steps)
        if rule.cap is None:
            return steps + ", " + _("at most the indicator's points")
        return steps + ", " + _("at most {cap} points", cap=self.points(rule.cap))

    def per_unit(self, step: ast.Deduct | ast.Award) -> str:
        """A deduct or award line: "调整调剂率超出 10% 的, 每超出 1 个百分点扣 0.1 分" (PER_UNIT_CRITERIA)."""
        texts = PER_UNIT_CRITERIA[type(step)]
        values = dict(amount=self.points(step.amount), quantity=self.expr(step.quantity), unit=self.unit(step.unit))
        if step.threshold is None:
            return _(texts[None], **values)
        return _(texts[step.direction], threshold=self.expr(step.threshold), **values)

    def unit(self, unit) -> str:
        if unit is None:
            return "1"
        if isinstance(unit, ast.Number) and unit.is_percent:
            return _("{count} percentage points", count=format_expr(ast.Number(unit.value * 100)))
        return self.expr(unit)

    # ---- expressions ---------------------------------------------------------------------------
    def expr_Number(self, expr: ast.Number) -> str:
        return format_literal(expr)

    def expr_Ref(self, expr: ast.Ref) -> str:
        return expr.name

    def expr_GradeValue(self, expr: ast.GradeValue) -> str:
        return expr.value

    def expr_TotalScore(self, expr: ast.TotalScore) -> str:
        return _("the total score")

    def expr_Negate(self, expr: ast.Negate) -> str:
        return format_expr(expr)

    def expr_Binary(self, expr: ast.Binary) -> str:
        return format_expr(expr)

    def expr_Call(self, expr: ast.Call) -> str:
        if expr.function in ROUNDING_FUNCTIONS and len(expr.args) == 2 and isinstance(expr.args[1], ast.Number):
            return self.rounded(expr.function, expr.args[0], expr.args[1])
        return format_expr(expr)

    def rounded(self, function: str, value, place: ast.Number) -> str:
        """ceil(调整调剂率, 1%) as documents say it: "调整调剂率(不足 1 个百分点按 1 个百分点计)"."""
        shown = self.expr(value)
        if function == "round" and not place.is_percent:
            return _("{value} (rounded half-up to {decimals} decimals)", value=shown, decimals=int(place.value))
        step = self.unit(place) if place.is_percent else format_number(numbers.Decimal(1).scaleb(-int(place.value)))
        return _(ROUNDED_STEPS[function], value=shown, step=step)

    def expr_Compare(self, expr: ast.Compare) -> str:
        if (len(expr.ops) == 1 and isinstance(expr.operands[1], ast.GradeValue)
                and isinstance(expr.operands[0], ast.Ref)):
            message = _("{subject} is {value}") if expr.ops[0] == "=" else _("{subject} is not {value}")
            return message.format(subject=expr.operands[0].name, value=expr.operands[1].value)
        return format_expr(expr)

    def expr_BoolOp(self, expr: ast.BoolOp) -> str:
        text = self.expr(expr.operands[0])
        for operand in expr.operands[1:]:
            if expr.op == "and":
                text = _("{left} and {right}", left=text, right=self.expr(operand))
            else:
                text = _("{left} or {right}", left=text, right=self.expr(operand))
        return text

    def expr_Not(self, expr: ast.Not) -> str:
        return _("not {condition}", condition=self.expr(expr.operand))


def render_rule(rule) -> str:
    """The 评分标准 of one rule."""
    return Criteria().rule(rule)


def render_condition(condition) -> str:
    """A condition as the table says it: a constraint's comparison (按计划时间完成项目数 ≤ 计划完成项目数)."""
    return Criteria().expr(condition)


def render_grade(row: ast.GradeBand) -> str:
    """The condition of one row of `grades:` (总分 ≥ 90)."""
    criteria = Criteria()
    condition = row.condition
    if condition is None:
        return _("otherwise")
    total, rest = split_grade_condition(condition)
    if total is None:
        return criteria.expr(condition)
    text = _("{subject} {op} {value}", subject=criteria.expr(total.operands[0]),
             op=OP_SYMBOLS[total.ops[0]], value=criteria.expr(total.operands[1]))
    return text if rest is None else _("{left} and {right}", left=text, right=criteria.expr(rest))
