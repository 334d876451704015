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
from .results import Step
from .runtime import TOTAL_KEY, EvalFailure, Rounding, check_range
from .syntax import ast
from .syntax.printer import (
    OP_SYMBOLS,
    expr_template,
    format_condition,
    format_expr,
    format_literal,
    format_name,
    format_number,
    format_value,
)

ZERO, ONE = numbers.ZERO, numbers.ONE
Fn = Callable[[dict], object]
# explain(env, all_rows): the Steps of a score; with all_rows, a band table lists its rows after the
# one that matched too, as text only (scoring did not read them, so neither does the explanation)
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
        let_exprs={let.name: let.expr for let in program.lets})


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
    let_texts: dict = attrs.field(init=False, factory=dict)  # let name → (its name, its formula) as shown
    # the derived values a rule's expressions read, in the order `where` shows them, by the expressions' ids
    where_names: dict = attrs.field(init=False, factory=dict)
    templates: dict = attrs.field(init=False, factory=dict)  # id(expr) → its printer.expr_template

    def __attrs_post_init__(self):
        self.kinds = self.checked.display_kinds()

    def template(self, expr) -> Callable[[dict], str]:
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
            parts = [(p, *self.rule(p.name, p.points, p.rule, p.span)) for p in item.parts]
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
            return numbers.total(values)

        heads = [(format_name(part.name), format_number(part.points)) for part, _score, _explain in parts]

        def explain(env, all_rows=False):  # after scoring succeeded: each part's score computed once
            lines, values = [], []
            for (part, part_score, part_explain), (shown_name, shown_points) in zip(parts, heads):
                values.append(part_score(env))
                lines.append(Step(_("part {name} ({points}): {score}", name=shown_name, points=shown_points,
                                    score=format_number(values[-1])), part.span))
                lines.extend(line.indented() for line in part_explain(env, all_rows))
            lines.append(Step(_("sum of parts = {score}", score=format_number(numbers.total(values))),
                              indicator.span))
            return tuple(lines)

        return score, explain

    def rule(self, name, points, rule, span=None):
        """The score and explain closures of the rule of an indicator or part, declared at `span`."""
        return ast.visit(self, "rule", rule, name, points, span)

    # ---- rules ------------------------------------------------------------------------------------

    def where(self, exprs, env) -> list[Step]:
        """'where X = …' steps for the derived values the rule reads, innermost first, each at its let."""
        key = tuple(map(id, exprs))  # the rule's expressions live as long as the compiled framework
        names = self.where_names.get(key)
        if names is None:
            reads, seen = self.checked.reads, set[str]()
            names = self.where_names[key] = [name for expr in exprs for name in post_order(
                lets_read(expr, reads.lets), reads.reads.__getitem__, seen)]
        lets = self.checked.reads.lets
        return [self.where_step(lets[name], env) for name in names]

    def where_step(self, let: ast.Let, env) -> Step:
        name, text = self.let_texts.get(let.name) or self.let_texts.setdefault(
            let.name, (format_name(let.name), format_expr(let.expr)))  # the let's text, made once
        calculation = (f"{text} = {self.template(let.expr)(env)} = "
                       f"{format_value(env[let.name], self.kinds.get(let.name), spoken=True)}")
        return Step(_("where {name} = {calculation}", name=name, calculation=calculation), let.span)

    def rule_Formula(self, rule: ast.Formula, name, points, span):
        score = self.expr(rule.expr)
        text = format_expr(rule.expr)  # the rule's text, shown once per explanation: written once

        def explain(env, all_rows=False):
            return tuple(self.where([rule.expr], env)) + (
                Step(f"{text} = {self.template(rule.expr)(env)} = "
                     f"{format_number(score(env))}", rule.span),)

        return score, explain

    def rule_Assessed(self, rule: ast.Assessed, name, points, span):
        name = rule.input.name
        decl = self.checked.symbols.inputs[name]
        shown_name, low, high = format_name(name), format_literal(decl.low), format_literal(decl.high)

        def score(env):
            return env[name]

        def explain(env, all_rows=False):
            return (Step(_("assessed score {name} = {score} (range {low} to {high})", name=shown_name,
                           score=format_number(env[name]), low=low, high=high), rule.span),)

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

        def matched(index, env) -> str:
            """The row that gave the score, as a sentence with the values it compared."""
            row, band = rows[index], rule.bands[index]
            points = row.points if literal(band.points) is not None else (
                f"{row.points} = {format_number(row_points[index](env))}")
            if band.condition is None:
                return _("band {number}: otherwise → {points}   matched", number=index + 1, points=points)
            if subject is None:
                return _("band {number}: {condition} → {points}   [{filled}]   matched", number=index + 1,
                         condition=row.condition, points=points,
                         filled=self.template(band.condition)(env))
            return _("band {number}: {condition} → {points}   matched", number=index + 1,
                     condition=matched_condition[index](env), points=points)

        def passed(index, env) -> str:
            """A row tried before the one that matched, whose condition did not hold."""
            band = rule.bands[index]
            if subject is None:
                return _("band {number}: {row}   [{filled}]   no", number=index + 1, row=rows[index].text(),
                         filled=self.template(band.condition)(env))
            return _("band {number}: {row}   no", number=index + 1, row=rows[index].text())

        def explain(env, all_rows=False):
            chosen = matching(env)
            # only what scoring read: rows after the match may need values that cannot be computed
            lines = self.where(rule_conditions(rule, chosen + 1), env)
            if subject is not None:
                lines.append(Step(show_subject(env), rule.span))
            for index in range(chosen):
                lines.append(Step(passed(index, env), rule.bands[index].span))
            lines.append(Step(matched(chosen, env), rule.bands[chosen].span))
            if all_rows:
                lines.extend(Step(_("band {number}: {row}   not tried", number=index + 1, row=rows[index].text()),
                                  rule.bands[index].span) for index in range(chosen + 1, len(rule.bands)))
            return tuple(lines)

        return score, explain

    def rule_Matrix(self, rule: ast.Matrix, name, points, span):
        """The cell where the first matching row meets the first matching column."""
        row_of = self.matrix_axis(rule.rows, rule.row_subject, name, rule.span, MATRIX_ROWS)
        column_of = self.matrix_axis(rule.columns, rule.column_subject, name, rule.span, MATRIX_COLUMNS)
        cells = [[self.expr(cell) for cell in row.cells] for row in rule.rows]

        def score(env):
            return cells[row_of(env)][column_of(env)](env)

        def explain(env, all_rows=False):
            row, column = row_of(env), column_of(env)
            lines = self.where([rule.row_subject, rule.column_subject], env)
            lines.append(Step(_("{row_subject} {row_value} falls in row {row}, {column_subject} {column_value} in "
                                "column {column}: {points} points", row_subject=format_expr(rule.row_subject),
                                row_value=self.template(rule.row_subject)(env), row=row + 1,
                                column_subject=format_expr(rule.column_subject),
                                column_value=self.template(rule.column_subject)(env), column=column + 1,
                                points=format_number(score(env))), rule.rows[row].span))
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

        def explain(env, all_rows=False):
            lines = self.where([i.condition for i in rule.items], env)
            for (condition, points, item), (shown, plain) in zip(items, shown_items):
                filled = shown if plain else self.template(item.condition)(env)
                text = (checklist_item(shown, format_number(points(env)), filled) if condition(env)
                        else checklist_item(shown, None, filled))
                lines.append(Step(text, item.span))
            lines.append(Step(_("points earned: {points}", points=format_number(score(env))), rule.span))
            return tuple(lines)

        return score, explain

    def per_unit_steps(self, lines: tuple) -> tuple[list, dict, Callable[[dict], list]]:
        """The compiled lines of a deduction or an award rule (AMOUNT per [UNIT of] QUANTITY [above|below
        THRESHOLD]), their explanation texts by line, and the points each line gives for an env."""
        steps = [(self.expr(step.amount), self.expr(step.quantity),
                  self.expr(step.unit) if step.unit is not None else (lambda env: ONE),
                  self.expr(step.threshold) if step.threshold is not None else None, step) for step in lines]
        shown = {id(step): ((step.direction, unit_kind(step)), self.filled(step.quantity), deduct_texts(step))
                 for step in lines}

        def amounts(env):
            return [numbers.multiply(amount(env), counted_units(env, quantity, unit, threshold, step))
                    for amount, quantity, unit, threshold, step in steps]

        return steps, shown, amounts

    def rule_Deduction(self, rule: ast.Deduction, name, points, span):
        steps, shown, deducted = self.per_unit_steps(rule.steps)
        floor = self.expr(rule.floor) if rule.floor is not None else (lambda env: ZERO)
        floor_span = rule.floor.span if rule.floor is not None else rule.span

        def score(env):
            return max(numbers.subtract(points, numbers.total(deducted(env))), floor(env))

        def explain(env, all_rows=False):
            lines = self.where([e for s in rule.steps for e in (s.quantity, s.threshold) if e is not None], env)
            lines.append(Step(_("start at {points}", points=format_number(points)), span))
            minus, floor_value = deducted(env), floor(env)  # each computed once for the lines below
            for (_amount, quantity, unit, threshold, step), taken in zip(steps, minus):
                count = counted_units(env, quantity, unit, threshold, step)
                lines.append(Step(deduct_line(shown[id(step)], env, count, taken), step.span))
            total = numbers.total(minus)
            lines.append(Step(_("floor {floor}: score = max({points} − {deducted}, {floor}) = {score}",
                                floor=format_number(floor_value), points=format_number(points),
                                deducted=format_number(total),
                                score=format_number(max(numbers.subtract(points, total), floor_value))), floor_span))
            return tuple(lines)

        return score, explain

    def rule_Awards(self, rule: ast.Awards, name, points, span):
        """min(Σ amount × units, cap): "每…得 X 分, 最高 Y 分", the cap the points unless declared."""
        steps, shown, awarded = self.per_unit_steps(rule.steps)
        cap = self.expr(rule.cap) if rule.cap is not None else (lambda env: points)
        cap_span = rule.cap.span if rule.cap is not None else rule.span

        def score(env):
            return min(numbers.total(awarded(env)), cap(env))

        def explain(env, all_rows=False):
            lines = self.where([e for s in rule.steps for e in (s.quantity, s.threshold) if e is not None], env)
            plus, most = awarded(env), cap(env)  # each computed once for the lines below
            for (_amount, quantity, unit, threshold, step), earned in zip(steps, plus):
                count = counted_units(env, quantity, unit, threshold, step)
                lines.append(Step(award_line(shown[id(step)], env, count, earned), step.span))
            total = numbers.total(plus)
            lines.append(Step(_("at most {cap}: score = min({awarded}, {cap}) = {score}",
                                cap=format_number(most), awarded=format_number(total),
                                score=format_number(min(total, most))), cap_span))
            return tuple(lines)

        return score, explain

    def shown(self, expr) -> Callable[[dict], str]:
        """'expr = its values', and '= result' when the expression computes something (a ÷ b = 3 ÷ 4 = 75%)."""
        text, values = format_expr(expr), self.filled(expr)
        return lambda env: f"{text} = {values(env)}"

    def filled(self, expr) -> Callable[[dict], str]:
        """The expression with its values in, and '= result' when it computes something (3 ÷ 4 = 75%)."""
        value = self.expr(expr)
        computed = not isinstance(expr, (ast.Ref, ast.Number, ast.GradeValue))
        kind = self.display_kind(expr)

        def fill(env):
            line = self.template(expr)(env)
            return line + (f" = {format_value(value(env), kind, spoken=True)}" if computed else "")

        return fill

    def matched_condition(self, condition, subject) -> Callable[[dict], str]:
        """A band row's condition as it held, the subject's value beside its name: '满意度 96% ≥ 95%',
        '90% ≤ 满意度 93% < 95%' (a computed subject by its value alone, shown on the line above)."""
        if not isinstance(condition, ast.Compare) or subject not in condition.operands:
            text = format_condition(condition, subject)  # a row that does not compare the subject
            return lambda env: text
        if condition.ops == ("=",) and isinstance(condition.operands[1], ast.GradeValue):
            text = format_expr(condition)  # '部门预算公开情况 = 按规定公开' says the value already
            return lambda env: text
        value, kind = self.expr(subject), self.display_kind(subject)
        named = format_expr(subject) + " " if isinstance(subject, ast.Ref) else ""
        pieces = [None if operand == subject else format_expr(operand) for operand in condition.operands]
        symbols = [OP_SYMBOLS[op] for op in condition.ops]

        def show(env):
            shown = named + format_value(value(env), kind, spoken=True)
            texts = [shown if piece is None else piece for piece in pieces]
            return " ".join([texts[0], *(f"{symbol} {text}" for symbol, text in zip(symbols, texts[1:]))])

        return show

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


def checklist_item(item: str, points: str | None, filled: str) -> str:
    """'✓ item → +points' for an item met (points None: not met, '✗ item → +0'), with the values its
    condition compared in […] when they differ from its text."""
    if points is None and filled == item:
        return _("✗ {item} → +0", item=item)
    if points is None:
        return _("✗ {item} → +0   [{filled}]", item=item, filled=filled)
    if filled == item:
        return _("✓ {item} → +{points}", item=item, points=points)
    return _("✓ {item} → +{points}   [{filled}]", item=item, points=points, filled=filled)


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


def award_line(shown: tuple, env, count, plus) -> str:
    """An award line's step: the value it counts, the units and the points they earn."""
    key, value, texts = shown
    return _(AWARD_LINES[key], value=value(env), units=format_number(count), awarded=format_number(plus), **texts)


def deduct_line(shown: tuple, env, count, minus) -> str:
    """A deduct line's step: the value it counts, the units and the points taken off; or, when the
    value does not pass the line's threshold (no units), that it does not."""
    key, value, texts = shown
    if count == 0 and key in DEDUCT_NOT_PASSED:
        return _(DEDUCT_NOT_PASSED[key], value=value(env), **texts)
    return _(DEDUCT_LINES[key], value=value(env), units=format_number(count), deducted=format_number(minus),
             **texts)


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
