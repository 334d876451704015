"""Compile a checked program once into Python closures.

Each expression becomes a function of the environment (facts and derived values); each indicator
a function that scores it and another that explains the score, step by step, each step with the span of
the rule text it shows. Evaluation then calls closures only: no walk over the syntax tree, and no
eval/exec of rule text.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, Inexact
from operator import itemgetter

import attrs

from . import numbers
from .check import Checked
from .check.constraints import compile_constraints
from .check.lets import lets_read, post_order
from .derived import let_closures
from .diagnostics import error
from .i18n import N_, _
from .language import (
    ARITHMETIC,
    BUILTINS,
    COMPARISONS,
    CONNECTIVES,
    DEFAULT_ROUNDING,
    ROUNDING_MODES,
    first_match,
)
from .results import Step, new_step
from .runtime import TOTAL_KEY, EvalFailure, Explaining, Rounding, check_range
from .syntax import ast
from .syntax.printer import (
    OP_SYMBOLS,
    SLOT,
    expr_template,
    format_condition,
    format_expr,
    format_literal,
    format_name,
    format_number,
    format_value,
    prefilled,
)

ZERO, ONE = numbers.ZERO, numbers.ONE
Fn = Callable[[dict], object]
# explain(env, all_rows, raw): the Steps of the score `raw` scoring gave (env a runtime.Explaining); with
# all_rows, a band table lists its rows after the one that matched too, as text only (scoring did not read
# them, so neither does the explanation)
Explain = Callable[..., tuple]


@attrs.frozen
class CompiledLeaf:
    indicator: ast.Indicator
    score: Fn  # the unrounded score
    explain: Explain
    inputs: frozenset  # the inputs it reads, through derived values too


@attrs.frozen
class CompiledGroup:
    group: ast.Group
    children: tuple


@attrs.frozen
class Compiled:
    """Everything evaluation needs: the compiled tree, derived values, rounding and grades."""
    name: str
    total: Decimal
    rounding: Rounding
    nodes: tuple
    lets: dict  # name → closure
    grades: tuple  # (condition closure or None, grade name, ast.GradeBand)
    kinds: dict  # name → input kind or declared let type, for showing values
    required: dict  # input name → [(indicator name, span)] that read it
    constraints: tuple = ()  # check.constraints.CompiledConstraint: what every department's facts must satisfy
    total_cap: Decimal | None = None  # 'total 100 cap 100': no total above it (bonus blocks stop there)
    # what generate.py writes for this framework, the first time it is needed ("scores": the function)
    specialised: dict = attrs.field(factory=dict, eq=False, repr=False)
    let_exprs: dict = attrs.field(factory=dict, eq=False, repr=False)  # name → the let's expression
    # the lines of the grades and the rounding in explanations, made once per language (evaluate.explained_line)
    explained: dict = attrs.field(init=False, factory=dict, eq=False, repr=False)
    # what compiled it: the explanations generate_explain.py writes read the rule text's layout from it
    compiler: Compiler | None = attrs.field(default=None, eq=False, repr=False)


def compile_program(checked: Checked) -> Compiled:
    program = checked.program
    compiler = Compiler(checked)
    kinds = compiler.kinds
    lets = let_closures(checked, compiler.expr)
    nodes = tuple(compiler.node(n) for n in program.nodes)
    required: dict = {}
    for leaf in iter_leaves(nodes):
        for name in sorted(leaf.inputs):
            required.setdefault(name, []).append((leaf.indicator.name, leaf.indicator.span))
    rounding = program.rounding or DEFAULT_ROUNDING
    grades = tuple((compiler.expr(b.condition) if b.condition is not None else None, b.grade, b)
                   for b in program.grades)
    total = program.total.value if program.total else numbers.total(
        n.points for n in program.nodes if not (isinstance(n, ast.Group) and n.is_block))
    assert isinstance(total, Decimal)  # declared, or a sum of declared points, which terminates
    return Compiled(
        name=program.name.value if program.name else "",
        total=total,
        rounding=Rounding(rounding.decimals, ROUNDING_MODES[rounding.mode],
                          program.rounding.span if program.rounding else None),
        nodes=nodes, lets=lets, grades=grades, kinds=kinds, required=required,
        constraints=compile_constraints(checked, compiler.expr, lets),
        total_cap=program.total.cap if program.total else None,
        let_exprs={let.name: let.expr for let in program.lets}, compiler=compiler)


def iter_leaves(nodes):
    for item in nodes:
        if isinstance(item, CompiledGroup):
            yield from iter_leaves(item.children)
        else:
            yield item


@attrs.define
class Compiler:
    checked: Checked
    kinds: dict = attrs.field(init=False)  # name → how its values are shown (input kind, percent, number)
    where_lines: dict = attrs.field(init=False, factory=dict)  # (let name, indent) → its `where` step
    templates: dict = attrs.field(init=False, factory=dict)  # id(expr) → its printer.expr_template
    # what the explanation lines of the rule being compiled start with: "  " for a part's (node, composite)
    indent: str = attrs.field(init=False, default="")

    def __attrs_post_init__(self):
        self.kinds = self.checked.display_kinds()

    def template(self, expr) -> Callable[..., str]:
        """format_expr(expr, env, kinds) laid out once: the text an explanation fills with the values."""
        found = self.templates.get(id(expr))
        if found is None:
            found = self.templates[id(expr)] = expr_template(expr, self.kinds)
        return found

    def display_kind(self, expr) -> str | None:
        """'percent' for a ratio, so 0.0486 shows as 4.86%; None to show the plain number."""
        return self.checked.display_kind(expr)

    # ---- the tree ---------------------------------------------------------------------------------

    def node(self, item):
        if isinstance(item, ast.Group):
            return CompiledGroup(item, tuple(self.node(c) for c in item.children))
        if item.parts:
            self.indent = "  "  # a part's lines are shown under its heading, indented
            try:
                parts = [(p, *self.rule(p.name, p.points, p.rule, p.span)) for p in item.parts]
            finally:
                self.indent = ""
            score, explain = self.composite(item, parts)
        else:
            score, explain = self.rule(item.name, item.points, item.rule, item.span)
        reads = set()
        for _owner, _points, rule in ast.indicator_rules(item):
            for expr in ast.rule_expressions(rule):
                reads |= self.inputs_read(expr)
        return CompiledLeaf(item, score, explain, frozenset(reads))

    def inputs_read(self, expr) -> set:
        """The inputs an expression reads, through derived values too (Checked.inputs_read)."""
        return self.checked.inputs_read(expr)

    def composite(self, indicator: ast.Indicator, parts):
        scorers = [(part, part.points, score) for part, score, _ in parts]

        def score(env):
            values = []
            for part, most, part_score in scorers:
                value = part_score(env)
                if value < 0 or value > most:  # the test of check_range, without a call per part
                    check_range(value, most, part.name, part.span)
                values.append(value)
            if type(env) is Explaining:  # its explanation shows each part's score: kept, not computed again
                env.parts = values
            return numbers.total(values)

        phrases = Phrases(lambda: composite_texts(indicator.parts))

        def explain(env, all_rows, raw):  # right after scoring succeeded, which kept the parts' scores
            heads, sum_line = phrases[env.language]
            lines = []
            for (part, _score, part_explain), head, value in zip(parts, heads, env.parts):
                lines.append(new_step(head.format(format_number(value)), part.span))
                lines.extend(part_explain(env, all_rows, value))  # indented already
            lines.append(new_step(sum_line.format(format_number(raw)), indicator.span))
            return tuple(lines)

        return score, explain

    def rule(self, name, points, rule, span=None):
        """The score and explain closures of the rule of an indicator or part, declared at `span`.
        explain(env, all_rows, raw) is given the rule's score, `raw`, as scoring computed it."""
        return ast.visit(self, "rule", rule, name, points, span)

    # ---- rules ------------------------------------------------------------------------------------

    def where(self, exprs) -> Callable[[Explaining], list[Step]]:
        """The 'where X = …' steps of the derived values `exprs` read, innermost first, each at its let:
        which values those are is found the first time the rule is explained."""
        lines: list | None = None
        indent = self.indent

        def where(env) -> list[Step]:
            nonlocal lines
            if lines is None:
                lines = [self.where_line(let, indent) for let in self.where_lets(exprs)]
            return [line(env) for line in lines] if lines else []

        return where

    def where_lets(self, exprs) -> list[ast.Let]:
        """The derived values `exprs` read, through the derived values they read, innermost first."""
        reads, seen = self.checked.reads, set[str]()
        return [reads.lets[name] for expr in exprs
                for name in post_order(lets_read(expr, reads.lets), reads.reads.__getitem__, seen)]

    def where_line(self, let: ast.Let, indent: str) -> Callable[[Explaining], Step]:
        """The step 'where X = formula = its values = value' of a derived value, made once per let (and
        indent)."""
        found = self.where_lines.get((let.name, indent))
        if found is not None:
            return found
        name, kind, span, text = let.name, self.kinds.get(let.name), let.span, format_expr(let.expr)
        fill = self.template(let.expr)
        phrases = Phrases(lambda: where_text(name, indent))

        def line(env) -> Step:
            value = shown_value(env, name, kind)
            return new_step(phrases[env.language].format(f"{text} = {fill(env, env.shown)} = {value}"), span)

        self.where_lines[let.name, indent] = line
        return line

    def rule_Formula(self, rule: ast.Formula, name, points, span):
        score = self.expr(rule.expr)
        text = self.indent + format_expr(rule.expr)  # the rule's text, shown once per explanation: written once
        where = self.where([rule.expr])

        def explain(env, all_rows, raw):
            lines = where(env)
            lines.append(new_step(f"{text} = {self.template(rule.expr)(env, env.shown)} = {format_number(raw)}",
                                  rule.span))
            return tuple(lines)

        return score, explain

    def rule_Assessed(self, rule: ast.Assessed, name, points, span):
        name = rule.input.name
        decl = self.checked.symbols.inputs[name]
        indent = self.indent
        phrases = Phrases(lambda: assessed_text(name, decl, indent))

        def score(env):
            return env[name]

        def explain(env, all_rows, raw):
            return (new_step(phrases[env.language].format(format_number(raw)), rule.span),)

        return score, explain

    def rule_Bands(self, rule: ast.Bands, name, points, span):
        conditions = [self.expr(b.condition) if b.condition is not None else None for b in rule.bands]
        row_points = [self.expr(b.points) for b in rule.bands]
        subject = rule.subject

        def matching(env):
            index = first_match(conditions, env)
            if index is not None:
                return index
            if subject is None:
                raise EvalFailure(error("E602", _("no band of '{name}' matches", name=name), rule.span,
                                        _("add an 'otherwise' row, or a row for this department's case")))
            raise EvalFailure(error("E602", _("no band of '{name}' matches: {subject} = {value}", name=name,
                                              subject=format_expr(subject),
                                              value=format_expr(subject, env, self.kinds)), rule.span,
                                    _("add an 'otherwise' row, or a row that covers this value")))

        row_values = [literal(b.points) for b in rule.bands]
        if all(value is not None for value in row_values):
            def score(env):
                return row_values[matching(env)]  # every row's points a number: no call for them
        else:
            def score(env):
                return row_points[matching(env)](env)

        show_subject = self.shown(subject) if subject is not None else None
        rows = [BandRow.of(band, subject) for band in rule.bands]
        matched_condition = [self.matched_condition(band.condition, subject) if subject is not None else None
                             for band in rule.bands]
        # only what scoring read: rows after the match may need values that cannot be computed
        wheres = [self.where(rule_conditions(rule, index + 1)) for index in range(len(rule.bands))]
        indent = self.indent

        phrases = Phrases(lambda: band_texts(rule, rows, indent))

        def matched(index, env, raw, text: str) -> Step:
            """The row that gave the score, as a sentence with the values it compared."""
            row, band = rows[index], rule.bands[index]
            points = row.points if row_values[index] is not None else f"{row.points} = {format_number(raw)}"
            if band.condition is None:
                return new_step(text.format(points), band.span)
            if subject is None:
                return new_step(text.format(points, self.template(band.condition)(env, env.shown)), band.span)
            return new_step(text.format(points, matched_condition[index](env)), band.span)

        def explain(env, all_rows, raw):
            passed, matched_texts, untried = phrases[env.language]
            chosen = matching(env)
            lines = wheres[chosen](env)
            if subject is not None:
                lines.append(new_step(indent + show_subject(env), rule.span))
                lines.extend(passed[:chosen])
            else:  # the values each row compared
                for index in range(chosen):
                    band = rule.bands[index]
                    lines.append(new_step(passed[index].format(self.template(band.condition)(env, env.shown)),
                                          band.span))
            lines.append(matched(chosen, env, raw, matched_texts[chosen]))
            if all_rows:
                lines.extend(untried[chosen + 1:])
            return tuple(lines)

        return score, explain

    def rule_Matrix(self, rule: ast.Matrix, name, points, span):
        """The cell where the first matching row meets the first matching column."""
        row_of = self.matrix_axis(rule.rows, rule.row_subject, name, rule.span, MATRIX_ROWS)
        column_of = self.matrix_axis(rule.columns, rule.column_subject, name, rule.span, MATRIX_COLUMNS)
        cells = [[self.expr(cell) for cell in row.cells] for row in rule.rows]
        where = self.where([rule.row_subject, rule.column_subject])
        indent = self.indent

        def score(env):
            return cells[row_of(env)][column_of(env)](env)

        def explain(env, all_rows, raw):
            row, column = row_of(env), column_of(env)
            lines = where(env)
            text = _("{row_subject} {row_value} falls in row {row}, {column_subject} {column_value} in column "
                     "{column}: {points} points", row_subject=format_expr(rule.row_subject),
                     row_value=self.template(rule.row_subject)(env, env.shown), row=row + 1,
                     column_subject=format_expr(rule.column_subject),
                     column_value=self.template(rule.column_subject)(env, env.shown), column=column + 1,
                     points=format_number(raw))
            lines.append(Step(indent + text, rule.rows[row].span))
            return tuple(lines)

        return score, explain

    def matrix_axis(self, lines, subject, name, span, texts: tuple) -> Callable[[dict], int]:
        """The index of the first line of a matrix axis whose condition holds; E602 when none does, naming
        the axis as the prover's findings on it do (E701 'no row of … covers …')."""
        conditions = [self.expr(line.condition) if line.condition is not None else None for line in lines]
        message, hint = texts

        def index(env) -> int:
            found = first_match(conditions, env)
            if found is None:
                raise EvalFailure(error("E602", _(message, name=name, subject=format_expr(subject),
                                                  value=format_expr(subject, env, self.kinds)), span, _(hint)))
            return found

        return index

    def rule_Checklist(self, rule: ast.Checklist, name, points, span):
        items = [(self.expr(i.condition), self.expr(i.points), i) for i in rule.items]

        numbered = [(condition, literal(item.points)) for condition, _, item in items]
        if all(value is not None for _, value in numbered):

            def score(env):  # every item's points a number: no call for them
                return numbers.total([value for condition, value in numbered if condition(env)])
        else:
            def score(env):
                return numbers.total([points(env) for condition, points, _ in items if condition(env)])

        shown_items = [(format_expr(item.condition), is_plain_bool(item.condition)) for item in rule.items]
        where = self.where([i.condition for i in rule.items])
        indent = self.indent

        phrases = Phrases(lambda: checklist_texts(rule, shown_items, indent))
        earned = Phrases(lambda: earned_text(indent))

        def explain(env, all_rows, raw):
            lines = where(env)
            for (condition, points, item), (shown, plain), (item_lines, steps) in zip(items, shown_items,
                                                                                   phrases[env.language]):
                met = condition(env)
                if steps[met] is not None:  # the same line for every department
                    lines.append(steps[met])
                    continue
                filled = shown if plain else self.template(item.condition)(env, env.shown)
                text = item_lines[met][filled != shown].format(format_number(points(env)) if met else "", filled)
                lines.append(new_step(text, item.span))
            lines.append(new_step(earned[env.language].format(format_number(raw)), rule.span))
            return tuple(lines)

        return score, explain

    def per_unit_steps(self, lines: tuple) -> tuple[list, list]:
        """The compiled lines of a deduction or an award rule (AMOUNT per [UNIT of] QUANTITY [above|below
        THRESHOLD]), and how each shows its value (the quantity, and what it computes)."""
        steps = [(self.expr(step.amount), self.expr(step.quantity),
                  self.expr(step.unit) if step.unit is not None else (lambda env: ONE),
                  self.expr(step.threshold) if step.threshold is not None else None, step) for step in lines]
        return steps, [self.filled(step.quantity) for step in lines]

    def rule_Deduction(self, rule: ast.Deduction, name, points, span):
        steps, values = self.per_unit_steps(rule.steps)
        floor = self.expr(rule.floor) if rule.floor is not None else (lambda env: ZERO)
        floor_span = rule.floor.span if rule.floor is not None else rule.span

        def deducted(env):
            return [numbers.multiply(amount(env), counted_units(env, quantity, unit, threshold, step))
                    for amount, quantity, unit, threshold, step in steps]

        def score(env):
            return max(numbers.subtract(points, numbers.total(deducted(env))), floor(env))

        where = self.where(counted_values(rule.steps))
        indent = self.indent

        phrases = Phrases(lambda: deduction_texts(rule, points, span, indent))

        def explain(env, all_rows, raw):
            start, line_texts, floor_line = phrases[env.language]
            lines = where(env)
            lines.append(start)
            floor_value = floor(env)
            minus = []
            for (amount, quantity, unit, threshold, step), (line, not_passed), value in zip(steps, line_texts, values):
                count = counted_units(env, quantity, unit, threshold, step)
                minus.append(numbers.multiply(amount(env), count))
                text = (not_passed.format(value(env)) if count == 0 and not_passed is not None
                        else line.format(value(env), format_number(count), format_number(minus[-1])))
                lines.append(new_step(text, step.span))
            lines.append(new_step(floor_line.format(format_number(floor_value), format_number(numbers.total(minus)),
                                                    format_number(raw)), floor_span))
            return tuple(lines)

        return score, explain

    def rule_Awards(self, rule: ast.Awards, name, points, span):
        """min(Σ amount × units, cap): "每…得 X 分, 最高 Y 分", the cap the points unless declared."""
        steps, values = self.per_unit_steps(rule.steps)
        cap = self.expr(rule.cap) if rule.cap is not None else (lambda env: points)
        cap_span = rule.cap.span if rule.cap is not None else rule.span

        def awarded(env):
            return [numbers.multiply(amount(env), counted_units(env, quantity, unit, threshold, step))
                    for amount, quantity, unit, threshold, step in steps]

        def score(env):
            return min(numbers.total(awarded(env)), cap(env))

        where = self.where(counted_values(rule.steps))
        indent = self.indent

        phrases = Phrases(lambda: award_texts(rule, indent))

        def explain(env, all_rows, raw):
            line_texts, cap_line = phrases[env.language]
            lines = where(env)
            most, plus = cap(env), []
            for (amount, quantity, unit, threshold, step), line, value in zip(steps, line_texts, values):
                count = counted_units(env, quantity, unit, threshold, step)
                plus.append(numbers.multiply(amount(env), count))
                text = line.format(value(env), format_number(count), format_number(plus[-1]))
                lines.append(new_step(text, step.span))
            lines.append(new_step(cap_line.format(format_number(most), format_number(numbers.total(plus)),
                                                  format_number(raw)), cap_span))
            return tuple(lines)

        return score, explain

    def shown(self, expr) -> Callable[[Explaining], str]:
        """'expr = its values', and '= result' when the expression computes something (a ÷ b = 3 ÷ 4 = 75%)."""
        text = format_expr(expr)
        if isinstance(expr, ast.Ref):  # '满意度 = 96%': the value as every line shows it
            name, kind, before = expr.name, self.kinds.get(expr.name), f"{text} = "
            return lambda env: before + shown_value(env, name, kind) if name in env else f"{text} = {text}"
        values = self.filled(expr)
        return lambda env: f"{text} = {values(env)}"

    def filled(self, expr) -> Callable[[Explaining], str]:
        """The expression with its values in, and '= result' when it computes something (3 ÷ 4 = 75%)."""
        value = self.expr(expr)
        computed = not isinstance(expr, (ast.Ref, ast.Number, ast.GradeValue))
        kind = self.display_kind(expr) if computed else None
        template = None  # laid out the first time it is shown

        def fill(env):
            nonlocal template
            if template is None:
                template = self.template(expr)
            if not computed:
                return template(env, env.shown)
            return f"{template(env, env.shown)} = {format_value(value(env), kind, spoken=True)}"

        return fill

    def matched_condition(self, condition, subject) -> Callable[[Explaining], str]:
        """A band row's condition as it held, the subject's value beside its name: '满意度 96% ≥ 95%',
        '90% ≤ 满意度 93% < 95%' (a computed subject by its value alone, shown on the line above)."""
        pieces, kind, name = self.condition_layout(condition, subject)
        if len(pieces) == 1:  # the same text for every department
            text = pieces[0]
            return lambda env: text
        value = self.expr(subject)

        def shown(env) -> str:
            return shown_value(env, name, kind) if name is not None else format_value(value(env), kind, spoken=True)

        if len(pieces) == 2:  # one comparison ('满意度 96% ≥ 95%')
            before, after = pieces
            return lambda env: before + shown(env) + after
        return lambda env: shown(env).join(pieces)

    def condition_layout(self, condition, subject) -> tuple[list[str], str | None, str | None]:
        """matched_condition's text laid out once: the texts between which the subject's value is shown
        (one text: none is), the kind it is shown with, and the subject's name when its value is shown as
        every line shows it (formatted once per department), else None (formatted here)."""
        if not isinstance(condition, ast.Compare) or subject not in condition.operands:
            return [format_condition(condition, subject)], None, None  # a row that does not compare the subject
        if condition.ops == ("=",) and isinstance(condition.operands[1], ast.GradeValue):
            return [format_expr(condition)], None, None  # '部门预算公开情况 = 按规定公开' says the value already
        kind = self.display_kind(subject)
        named = format_expr(subject) + " " if isinstance(subject, ast.Ref) else ""
        texts = [named + SLOT if operand == subject else format_expr(operand) for operand in condition.operands]
        symbols = [OP_SYMBOLS[op] for op in condition.ops]
        text = " ".join([texts[0], *(f"{symbol} {text}" for symbol, text in zip(symbols, texts[1:]))])
        # a name shown as its other lines show it: its text is formatted once per department
        alike = isinstance(subject, ast.Ref) and shown_alike(kind, self.kinds.get(subject.name))
        return text.split(SLOT), kind, subject.name if alike else None

    # ---- expressions ------------------------------------------------------------------------------

    def expr(self, expr) -> Fn:
        """The closure computing an expression's value from the environment."""
        return ast.visit(self, "expr", expr)

    def expr_Number(self, expr: ast.Number) -> Fn:
        value = expr.value
        return lambda env: value

    def expr_Ref(self, expr: ast.Ref) -> Fn:
        return itemgetter(expr.name)  # env[name] in one C call (Env's __missing__ computes a let)

    def expr_GradeValue(self, expr: ast.GradeValue) -> Fn:
        value = expr.value
        return lambda env: value

    def expr_TotalScore(self, expr: ast.TotalScore) -> Fn:
        return itemgetter(TOTAL_KEY)

    def expr_Negate(self, expr: ast.Negate) -> Fn:
        operand, negate = self.expr(expr.operand), numbers.negate

        def negated(env: dict) -> numbers.Number:
            value = operand(env)
            assert isinstance(value, (Decimal, numbers.Ratio))  # the type check admits numbers only
            return negate(value)

        return negated

    def expr_Not(self, expr: ast.Not) -> Fn:
        operand = self.expr(expr.operand)
        return lambda env: not operand(env)

    def expr_BoolOp(self, expr: ast.BoolOp) -> Fn:
        operands, connective = [self.expr(o) for o in expr.operands], CONNECTIVES[expr.op].apply
        if connective is all:  # the loop `all` and `any` mean (from the left, stopping at the first
            def conjunction(env):  # false or true operand), without a generator per call
                for operand in operands:
                    if not operand(env):
                        return False
                return True
            return conjunction
        assert connective is any

        def disjunction(env):
            for operand in operands:
                if operand(env):
                    return True
            return False

        return disjunction

    def expr_Binary(self, expr: ast.Binary) -> Fn:
        left, right = self.expr(expr.left), self.expr(expr.right)
        operation = ARITHMETIC[expr.op].apply
        # a number written in the rule (× 6, ÷ 25%): its value, without a call for it
        number = literal(expr.right) or None  # (not 0: a zero divisor is reported)
        if expr.op != "/" or number is not None:
            return exactly(operation, left, right, number=number)
        divisor_text = format_expr(expr.right)
        kinds = self.kinds
        plain = isinstance(expr.right, (ast.Ref, ast.Number))  # a name: its value is the 0

        def zero_divisor(env) -> EvalFailure:
            hint = _("check the facts it reads, or score the zero case with bands first")
            if plain:
                message = _("division by zero: '{divisor}' is 0", divisor=divisor_text)
            else:
                message = _("division by zero: '{divisor}' = {filled} = 0", divisor=divisor_text,
                            filled=format_expr(expr.right, env, kinds))
            return EvalFailure(error("E601", message, expr.span, hint))

        return exactly(operation, left, right, zero_divisor)

    def expr_Compare(self, expr: ast.Compare) -> Fn:
        operands = [self.expr(o) for o in expr.operands]
        tests = [COMPARISONS[op].apply for op in expr.ops]
        if len(tests) == 1:
            test, left, right = tests[0], operands[0], operands[1]
            threshold = literal(expr.operands[1])
            if threshold is not None:  # a number: its value, not a call for it
                return lambda env: test(left(env), threshold)
            return lambda env: test(left(env), right(env))
        if len(tests) == 2:  # a band's range (90% ≤ x < 95%): every operand computed, then tested
            (first, second), (low, middle, high) = tests, operands

            def between(env):
                a, b, c = low(env), middle(env), high(env)
                return first(a, b) and second(b, c)

            return between

        def chain(env):
            values = [o(env) for o in operands]
            return all(test(a, b) for test, a, b in zip(tests, values, values[1:]))

        return chain

    def expr_Call(self, expr: ast.Call) -> Fn:
        args = [self.expr(a) for a in expr.args]
        apply = BUILTINS[expr.function].apply
        if len(args) == 1:
            only = args[0]
            return lambda env: apply((only(env),))
        if len(args) == 2:
            first, second = args
            return lambda env: apply((first(env), second(env)))
        return lambda env: apply([a(env) for a in args])


def exactly(operation, left: Fn, right: Fn, zero_divisor: Callable[[dict], EvalFailure] | None = None,
            number: Decimal | None = None) -> Fn:
    """The closure of `left operation right` (numbers.add, subtract, multiply or divide), the choice
    between numbers' two paths inlined (one Python call less per operation). A quotient
    (`zero_divisor` given) computes its divisor first and fails with zero_divisor(env) when it is 0;
    `number` is the value of `right` when the rule writes it as a number."""
    decimal_operation, exact_operation = numbers.PATHS[operation]

    def compute(env):
        if number is not None:
            a, b = left(env), number
        elif zero_divisor is None:
            a, b = left(env), right(env)
        else:
            b = right(env)
            if b == 0:
                raise zero_divisor(env)
            a = left(env)
        try:  # two decimals: one C call; a Ratio (TypeError) or an inexact result: on fractions
            return decimal_operation(a, b)
        except (Inexact, TypeError):
            return exact_operation(a, b)

    return compute


# E602 on a matrix axis: (message, hint), for its rows and for its columns.
MATRIX_ROWS = (N_("no row of '{name}' matches: {subject} = {value}"),
               N_("add an 'otherwise' row, or a row that covers this value"))
MATRIX_COLUMNS = (N_("no column of '{name}' matches: {subject} = {value}"),
                  N_("add an 'otherwise' column, or a column that covers this value"))


@attrs.frozen
class BandRow:
    """A band row's text as the rule writes it, made once at compile time: its condition (None for
    'otherwise', which is said in the reader's language) and its points."""
    condition: str | None
    points: str

    @classmethod
    def of(cls, band: ast.Band, subject) -> BandRow:
        condition = format_condition(band.condition, subject) if band.condition is not None else None
        return cls(condition, format_expr(band.points))

    def text(self) -> str:
        """'≥ 95% → 6'; 'otherwise → 0'."""
        if self.condition is None:
            return _("otherwise → {points}", points=self.points)
        return f"{self.condition} → {self.points}"


def band_texts(rule: ast.Bands, rows: list[BandRow], indent: str) -> tuple:
    """A band table's lines in the current language: each row's passed (its condition did not hold; the
    Step itself when the table has a subject, a template of the values it compared otherwise, None for an
    otherwise row), matched (the row that gave the score: its points, and the values it compared, to fill
    in) and not tried (a Step)."""
    subject = rule.subject
    passed: list = []  # a template, a Step, or None for an otherwise row
    matched, untried = [], []
    for index, (row, band) in enumerate(zip(rows, rule.bands)):
        number = index + 1
        if band.condition is None:  # an otherwise row is never passed
            passed.append(None)
            matched.append(prefilled(_("band {number}: otherwise → {points}   matched"), ("points",),
                                     number=number))
        elif subject is None:
            passed.append(indent + prefilled(_("band {number}: {row}   [{filled}]   no"), ("filled",),
                                             number=number, row=row.text()))
            matched.append(prefilled(_("band {number}: {condition} → {points}   [{filled}]   matched"),
                                     ("points", "filled"), number=number, condition=row.condition))
        else:
            passed.append(Step(indent + _("band {number}: {row}   no", number=number, row=row.text()),
                               band.span))
            matched.append(prefilled(_("band {number}: {condition} → {points}   matched"),
                                     ("points", "condition"), number=number))
        untried.append(Step(indent + _("band {number}: {row}   not tried", number=number, row=row.text()),
                            band.span))
    return passed, [indent + text for text in matched], untried


def checklist_texts(rule: ast.Checklist, shown_items: list, indent: str) -> list:
    """Each item's lines (checklist_lines), and its Steps (missed, met) when they show no value, the same
    for every department (a yes/no condition; met: points written as a number), else None.
    `shown_items`: each item's (text, is a yes/no fact)."""
    made = []
    for (shown, plain), item in zip(shown_items, rule.items):
        value = literal(item.points)
        lines = tuple(tuple(indent + text for text in pair) for pair in checklist_lines(shown))
        missed = Step(lines[False][False].format("", shown), item.span) if plain else None
        met = (Step(lines[True][False].format(format_number(value), shown), item.span)
               if plain and value is not None else None)
        made.append((lines, (missed, met)))
    return made


def earned_text(indent: str) -> str:
    """A checklist's last line, the points to fill in."""
    return indent + prefilled(_("points earned: {points}"), ("points",))


def where_text(name: str, indent: str) -> str:
    """The line of a derived value, its calculation to fill in."""
    return indent + prefilled(_("where {name} = {calculation}"), ("calculation",), name=format_name(name))


def assessed_text(name: str, decl, indent: str) -> str:
    """The line of an assessed score (`decl`: its input's declaration), the score to fill in."""
    return indent + prefilled(_("assessed score {name} = {score} (range {low} to {high})"), ("score",),
                              name=format_name(name), low=format_literal(decl.low), high=format_literal(decl.high))


def deduction_texts(rule: ast.Deduction, points: Decimal, span, indent: str) -> tuple:
    """A deduction's first line (a Step), each deduct line's texts (per_unit_texts), the line of the floor."""
    shown = format_number(points)
    return (Step(indent + _("start at {points}", points=shown), span),
            [per_unit_texts(step, DEDUCT_LINES, "deducted", DEDUCT_NOT_PASSED, indent) for step in rule.steps],
            indent + prefilled(_("floor {floor}: score = max({points} − {deducted}, {floor}) = {score}"),
                               ("floor", "deducted", "score"), points=shown))


def award_texts(rule: ast.Awards, indent: str) -> tuple:
    """Each award line's texts (per_unit_texts), the line of the cap."""
    return ([per_unit_texts(step, AWARD_LINES, "awarded", None, indent)[0] for step in rule.steps],
            indent + prefilled(_("at most {cap}: score = min({awarded}, {cap}) = {score}"),
                               ("cap", "awarded", "score")))


def composite_texts(parts) -> tuple:
    """Each part's heading, its score to fill in, and the line of the parts' sum."""
    heads = [prefilled(_("part {name} ({points}): {score}"), ("score",), name=format_name(part.name),
                       points=format_number(part.points)) for part in parts]
    return heads, prefilled(_("sum of parts = {score}"), ("score",))


def checklist_lines(item: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """A checklist item's lines in the current language, by [met][shown with values], its points and the
    values its condition compared to fill in ({0}, {1}: printer.prefilled): '✗ item → +0' for an item
    missed, '✓ item → +points' for an item met, with the values in […] when they differ from its text."""
    slots = ("points", "filled")
    return ((prefilled(_("✗ {item} → +0"), slots, item=item),
             prefilled(_("✗ {item} → +0   [{filled}]"), slots, item=item)),
            (prefilled(_("✓ {item} → +{points}"), slots, item=item),
             prefilled(_("✓ {item} → +{points}   [{filled}]"), slots, item=item)))


# The line of a deduction, by (direction, unit kind): each says the rule's deduct line, the quantity's
# value, the units it counts and the points they take off. A unit of 1% of a percentage is counted in
# percentage points; 'per QUANTITY' without a unit counts the quantity itself.
DEDUCT_LINES = {
    (None, "none"): N_("deduct {amount} per {subject}: {subject} = {value}, {units} × {amount} → −{deducted}"),
    (None, "other"): N_("deduct {amount} per {unit} of {subject}: {subject} = {value}, "
                        "{units} × {amount} → −{deducted}"),
    ("above", "none"): N_("deduct {amount} per {subject} above {threshold}: {subject} = {value}, "
                          "{units} × {amount} → −{deducted}"),
    ("below", "none"): N_("deduct {amount} per {subject} below {threshold}: {subject} = {value}, "
                          "{units} × {amount} → −{deducted}"),
    ("above", "point"): N_("deduct {amount} per 1% of {subject} above {threshold}: {subject} = {value}, "
                           "{units} × {amount} → −{deducted}"),
    ("below", "point"): N_("deduct {amount} per 1% of {subject} below {threshold}: {subject} = {value}, "
                           "{units} × {amount} → −{deducted}"),
    ("above", "other"): N_("deduct {amount} per {unit} of {subject} above {threshold}: {subject} = {value}, "
                           "{units} × {amount} → −{deducted}"),
    ("below", "other"): N_("deduct {amount} per {unit} of {subject} below {threshold}: {subject} = {value}, "
                           "{units} × {amount} → −{deducted}"),
}
# The line of a deduct line with a threshold that the value does not pass: nothing taken off.
DEDUCT_NOT_PASSED = {
    ("above", "none"): N_("deduct {amount} per {subject} above {threshold}: {subject} = {value}, "
                          "not above {threshold} → −0"),
    ("below", "none"): N_("deduct {amount} per {subject} below {threshold}: {subject} = {value}, "
                          "not below {threshold} → −0"),
    ("above", "point"): N_("deduct {amount} per 1% of {subject} above {threshold}: {subject} = {value}, "
                           "not above {threshold} → −0"),
    ("below", "point"): N_("deduct {amount} per 1% of {subject} below {threshold}: {subject} = {value}, "
                           "not below {threshold} → −0"),
    ("above", "other"): N_("deduct {amount} per {unit} of {subject} above {threshold}: {subject} = {value}, "
                           "not above {threshold} → −0"),
    ("below", "other"): N_("deduct {amount} per {unit} of {subject} below {threshold}: {subject} = {value}, "
                           "not below {threshold} → −0"),
}
ONE_POINT = Decimal("0.01")  # 1%: a unit of one percentage point


# The line of an award line, by (direction, unit kind), as DEDUCT_LINES: the points it adds.
AWARD_LINES = {
    (None, "none"): N_("award {amount} per {subject}: {subject} = {value}, {units} × {amount} → +{awarded}"),
    (None, "other"): N_("award {amount} per {unit} of {subject}: {subject} = {value}, "
                        "{units} × {amount} → +{awarded}"),
    ("above", "none"): N_("award {amount} per {subject} above {threshold}: {subject} = {value}, "
                          "{units} × {amount} → +{awarded}"),
    ("below", "none"): N_("award {amount} per {subject} below {threshold}: {subject} = {value}, "
                          "{units} × {amount} → +{awarded}"),
    ("above", "point"): N_("award {amount} per 1% of {subject} above {threshold}: {subject} = {value}, "
                           "{units} × {amount} → +{awarded}"),
    ("below", "point"): N_("award {amount} per 1% of {subject} below {threshold}: {subject} = {value}, "
                           "{units} × {amount} → +{awarded}"),
    ("above", "other"): N_("award {amount} per {unit} of {subject} above {threshold}: {subject} = {value}, "
                           "{units} × {amount} → +{awarded}"),
    ("below", "other"): N_("award {amount} per {unit} of {subject} below {threshold}: {subject} = {value}, "
                           "{units} × {amount} → +{awarded}"),
}
# Why a line counts no units, by its kind: E601 when its unit is 0.
ZERO_UNIT = {ast.Deduct: (N_("division by zero: the deduction's unit is 0"),
                          N_("deduct per a positive unit, e.g. 'per 1% of …'")),
             ast.Award: (N_("division by zero: the award line's unit is 0"),
                         N_("award per a positive unit, e.g. 'per 1% of …'"))}


def counted_units(env, quantity, unit, threshold, step: ast.Deduct | ast.Award):
    """The units a deduct or award line counts: the quantity (or its excess above, or shortfall below,
    the threshold, never negative) divided by the unit, exactly."""
    value = quantity(env)
    if threshold is not None:
        value = (numbers.subtract(value, threshold(env)) if step.direction == "above"
                 else numbers.subtract(threshold(env), value))
        value = max(value, ZERO)
    size = unit(env)
    if size == 0:
        message, hint = ZERO_UNIT[type(step)]
        raise EvalFailure(error("E601", _(message), step.span, _(hint)))
    return numbers.divide(value, size)


def counted_values(steps: tuple) -> list:
    """What the lines of a deduction or an award rule count by: each line's quantity and threshold (the
    derived values they read are shown in `where` lines)."""
    return [expr for step in steps for expr in (step.quantity, step.threshold) if expr is not None]


def per_unit_texts(step: ast.Deduct | ast.Award, lines: dict, counted: str, not_passed: dict | None = None,
                   indent: str = "") -> tuple[str, str | None]:
    """A deduct or award line's texts in the current language, its rule text filled in (printer.prefilled):
    the line with the value, the units and the points (`counted`: deducted, awarded) to fill in, and, for a
    deduct line with a threshold (`not_passed`), the line of a value that does not pass it, else None."""
    key, texts = (step.direction, unit_kind(step)), deduct_texts(step)
    line = indent + prefilled(_(lines[key]), ("value", "units", counted), **texts)
    if not_passed is None or key not in not_passed:
        return line, None
    return line, indent + prefilled(_(not_passed[key]), ("value",), **texts)


def unit_kind(step: ast.Deduct | ast.Award) -> str:
    """'none' (per the quantity itself), 'point' (per 1% of a percentage above or below a threshold:
    counted in percentage points) or 'other'."""
    if step.unit is None:
        return "none"
    if (step.threshold is not None and isinstance(step.unit, ast.Number) and step.unit.is_percent
            and step.unit.value == ONE_POINT):
        return "point"
    return "other"


def deduct_texts(step: ast.Deduct | ast.Award) -> dict:
    """The texts of a deduct line the rule wrote, for its message's placeholders, made once."""
    texts = {"amount": format_expr(step.amount), "subject": format_expr(step.quantity)}
    if step.unit is not None and unit_kind(step) != "point":
        texts["unit"] = format_expr(step.unit)
    if step.threshold is not None:
        texts["threshold"] = format_expr(step.threshold)
    return texts


def literal(expr) -> Decimal | None:
    """The value of a number written in the rule text (95%, 6), else None."""
    return expr.value if isinstance(expr, ast.Number) else None


def rule_conditions(rule: ast.Bands, rows: int) -> list:
    """The subject, the conditions of the first `rows` rows and the last one's points."""
    read = rule.bands[:rows]
    return ([rule.subject] if rule.subject is not None else []) + [
        b.condition for b in read if b.condition is not None] + [read[-1].points]


def is_plain_bool(expr) -> bool:
    return isinstance(expr, ast.Ref) or (isinstance(expr, ast.Not) and isinstance(expr.operand, ast.Ref))


class Phrases(dict):
    """The texts of one rule's explanation by language (`phrases[language]`), made by `make` (in the
    current language, with _()) the first time the rule is explained in it: a batch explains every
    department with the same rule text, so only the values are filled in per department."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], object]):
        super().__init__()
        self.make = make

    def __missing__(self, language: str):
        made = self[language] = self.make()
        return made


def shown_value(env: Explaining, name: str, kind: str | None) -> str:
    """env[name] as an explanation shows it (kind: its display kind), formatted once per department."""
    text = env.shown.get(name)
    if text is None:
        text = env.shown[name] = format_value(env[name], kind, spoken=True)
    return text


SHOWN_KINDS = ("percent", "date")  # the kinds format_value shows otherwise than as a plain number


def shown_alike(kind: str | None, other: str | None) -> bool:
    """Whether format_value shows every value alike with either kind (None, 'number', 'count': a number)."""
    return (kind if kind in SHOWN_KINDS else None) == (other if other in SHOWN_KINDS else None)
