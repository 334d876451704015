"""Constraints between inputs: facts that must hold together (按时完成项目数 ≤ 计划完成项目数).

Declared once under `constraints:`, a constraint is checked like any comparison (its names resolved,
E201; its units agreeing, E302), then tested on every department's facts: a department that breaks one
is refused with a facts error (F517) instead of being scored, so that no score is silently computed
(or capped by a min(…, 1)) from facts that cannot be true. The prover (prove/intervals.py) and
`verify`'s generators read the same constraints, so neither reports a department that cannot exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from ..diagnostics import Diagnostic, error
from ..i18n import N_, _
from ..language import COMPARISONS
from ..records import Record
from ..runtime import Env, EvalFailure
from ..syntax import ast
from ..syntax.printer import format_expr, format_value
from .names import Resolver, Symbols
from .types import TypeChecker

# What a department whose facts break `left OP right` is told, by the operator OP that does not hold.
BROKEN = {
    "<=": N_("{left} {left_value} is greater than {right} {right_value}: the facts break the constraint "
             "'{constraint}'"),
    "<": N_("{left} {left_value} is not less than {right} {right_value}: the facts break the constraint "
            "'{constraint}'"),
    ">=": N_("{left} {left_value} is less than {right} {right_value}: the facts break the constraint "
             "'{constraint}'"),
    ">": N_("{left} {left_value} is not greater than {right} {right_value}: the facts break the constraint "
            "'{constraint}'"),
    "=": N_("{left} {left_value} differs from {right} {right_value}: the facts break the constraint "
            "'{constraint}'"),
    "!=": N_("{left} {left_value} equals {right} {right_value}: the facts break the constraint '{constraint}'"),
}
# The same against a number written in the constraint (完成率 ≤ 100%): the number is said once, not as a
# name followed by its value ("greater than 100% 100%").
BROKEN_BOUND = {
    "<=": N_("{left} {left_value} is greater than {bound}: the facts break the constraint '{constraint}'"),
    "<": N_("{left} {left_value} is not less than {bound}: the facts break the constraint '{constraint}'"),
    ">=": N_("{left} {left_value} is less than {bound}: the facts break the constraint '{constraint}'"),
    ">": N_("{left} {left_value} is not greater than {bound}: the facts break the constraint '{constraint}'"),
    "=": N_("{left} {left_value} differs from {bound}: the facts break the constraint '{constraint}'"),
    "!=": N_("{left} {left_value} equals {bound}: the facts break the constraint '{constraint}'"),
}


# ---- check ---------------------------------------------------------------------------------------

def check_constraints(program: ast.Program, symbols: Symbols, let_types: dict
                      ) -> tuple[ast.Program, list[Diagnostic]]:
    """The program with each constraint's names resolved, and the findings: an unknown name (E201), a
    constraint that is not a comparison (E301), units that do not agree (E302), a bare 90 for 90% (E104)."""
    diagnostics: list[Diagnostic] = []
    resolver = Resolver(symbols, diagnostics)
    checker = TypeChecker(symbols, diagnostics, let_types)
    resolved = []
    for constraint in program.constraints:
        condition = resolver.expr(constraint.condition)
        if isinstance(condition, ast.Compare):
            checker.of(condition)
        else:
            checker.report("E301", _("a constraint compares two values, but this is not a comparison"),
                           condition.span, _("write it as a comparison of inputs or derived values, e.g. "
                                             "'已完成项目数 ≤ 计划项目数'; write one line per comparison"))
        resolved.append(attrs.evolve(constraint, condition=condition))
    return attrs.evolve(program, constraints=tuple(resolved)), diagnostics


def compared(constraint: ast.Constraint) -> ast.Compare:
    """The comparison a checked constraint makes (check_constraints reports any other condition, and a
    program with errors is never compiled)."""
    assert isinstance(constraint.condition, ast.Compare), constraint
    return constraint.condition


def constraint_text(constraint: ast.Constraint) -> str:
    """How a constraint is named to the analyst: its description, else its comparison."""
    return constraint.description if constraint.description is not None else format_expr(constraint.condition)


# ---- facts ---------------------------------------------------------------------------------------

@attrs.frozen(eq=False, repr=False)
class Broken(Record):
    """A constraint one department's facts break: the first two operands that do not compare as declared."""
    constraint: ast.Constraint
    index: int  # operands[index] OP operands[index + 1] fails
    left: object
    right: object
    inputs: tuple  # the inputs the constraint reads, in the order it names them
    kinds: Callable = attrs.field(eq=False, repr=False)  # operand → how its value is shown ('percent', None)

    def message(self) -> str:
        """'按时完成项目数 35 is greater than 计划完成项目数 31: the facts break the constraint …'."""
        condition = compared(self.constraint)
        left, right = condition.operands[self.index], condition.operands[self.index + 1]
        op, values = condition.ops[self.index], (self.left, self.right)
        if isinstance(left, ast.Number) and not isinstance(right, ast.Number):  # the bound first: turn it round
            left, right, op, values = right, left, COMPARISONS[op].mirror, values[::-1]  # x ≤ 100%
        shown = {"left": format_expr(left), "left_value": format_value(values[0], self.kinds(left), spoken=True),
                 "constraint": constraint_text(self.constraint)}
        if isinstance(right, ast.Number):
            return _(BROKEN_BOUND[op], bound=format_expr(right), **shown)
        return _(BROKEN[op], right=format_expr(right), right_value=format_value(values[1], self.kinds(right),
                                                                               spoken=True), **shown)

    def hint(self) -> str:
        span = self.constraint.span
        place = str(span) if span is not None else _("the rule file")
        return _("the constraint is declared at {place}: correct the facts (or the constraint, if the source "
                 "allows such a department)", place=place)


@attrs.frozen(eq=False, repr=False)
class CompiledConstraint(Record):
    """A constraint ready to test on validated facts (Decimal, bool or grade values by input name)."""
    constraint: ast.Constraint
    inputs: tuple  # the inputs it reads (through derived values too), in the order it names them
    operands: tuple  # a closure of the environment for each operand
    lets: dict  # the derived values' closures, computed when an operand reads one
    kinds: Callable = attrs.field(eq=False, repr=False)  # operand → how its value is shown ('percent', None)

    def broken(self, facts: Mapping) -> Broken | None:
        """What the facts break, or None if the constraint holds or cannot be tested: an input it reads is
        not given (it is reported as missing, if a rule needs it) or an operand cannot be computed (a zero
        divisor, which scoring reports)."""
        if not all(name in facts for name in self.inputs):
            return None
        env = Env(dict(facts), self.lets)
        condition = compared(self.constraint)
        try:
            values = [operand(env) for operand in self.operands]
        except (EvalFailure, ArithmeticError):
            return None
        for index, op in enumerate(condition.ops):
            if not COMPARISONS[op].apply(values[index], values[index + 1]):
                return Broken(self.constraint, index, values[index], values[index + 1], self.inputs, self.kinds)
        return None

    def holds(self, facts: Mapping) -> bool:
        """Whether a department with these facts may exist (True when the constraint cannot be tested)."""
        return self.broken(facts) is None


def compile_constraints(checked, compile_expr: Callable, lets: dict) -> tuple[CompiledConstraint, ...]:
    """Each constraint of a checked program with its operands compiled by `compile_expr`."""
    found = []
    for constraint in checked.program.constraints:
        condition = compared(constraint)
        found.append(CompiledConstraint(constraint, inputs_named(checked, condition),
                                        tuple(compile_expr(o) for o in condition.operands), lets,
                                        checked.display_kind))
    return tuple(found)


def inputs_named(checked, condition) -> tuple:
    """The inputs a condition reads, in the order it names them (a derived value's inputs at its name)."""
    found: dict = {}
    for expr in ast.walk(condition):
        if isinstance(expr, ast.Ref):
            names = [expr.name] if expr.name in checked.symbols.inputs else sorted(checked.inputs_read(expr))
            found.update(dict.fromkeys(names))
    return tuple(found)


def first_broken(constraints, facts: Mapping) -> Broken | None:
    """The first constraint the facts break, None if they satisfy every one that can be tested."""
    return next((b for b in (c.broken(facts) for c in constraints) if b is not None), None)


def satisfied(constraints, facts: Mapping) -> bool:
    """Whether a department with these facts satisfies the constraints: `verify` draws only such departments."""
    return first_broken(constraints, facts) is None


def guarded(score: Callable, constraints) -> Callable:
    """`score` that refuses, as scoring refuses it (F517), a department whose facts break a constraint: the
    prover's searches then never offer a department that cannot exist as a counterexample."""
    if not constraints:
        return score

    def score_possible(env):
        broken = first_broken(constraints, env)
        if broken is not None:
            raise EvalFailure(error("F517", broken.message(), None, broken.hint()))
        return score(env)

    return score_possible
