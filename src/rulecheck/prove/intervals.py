"""Abstract interpretation of rule expressions: for each expression, the interval its value lies in
for every fact inside the declared domains, and the direction it moves in each input it reads.

The interval values and their arithmetic are in `rulecheck.interval`; the rule of each operator and
built-in function is in `rulecheck.language`, beside its exact meaning. This module walks expressions.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from ..check.lets import let_table, lets_read, post_order
from ..domains import Domain, domain_of
from ..interval import (  # noqa: F401 - re-exported: the prover's modules read them from here
    INF,
    ONE,
    ZERO,
    Value,
    add,
    combine,
    const,
    hull,
    maximum,
    minimum,
    multiply,
    negate,
    reciprocal,
    scaled,
    unknown,
)
from ..language import ARITHMETIC, BUILTINS, COMPARISONS, CONNECTIVES
from ..records import MutableRecord
from ..syntax import ast

ZERO_DEPTH = 40  # derived values and operators can_be_zero looks through


@attrs.define(eq=False, repr=False)
class Intervals(MutableRecord):
    """Values of expressions given the inputs' domains and the derived values' definitions."""
    domains: Mapping[str, Domain]
    lets: Mapping[str, ast.Let]
    memo: dict = attrs.field(factory=dict)
    # (a, b) for each `a ≤ b` (or a < b, b ≥ a) the file's `constraints:` declare: a / b is at most 1
    at_most: frozenset = frozenset()

    @classmethod
    def of_program(cls, checked) -> Intervals:
        """For a checked program: its inputs' declared domains and its (resolved) derived values."""
        return cls({name: domain_of(decl) for name, decl in checked.symbols.inputs.items()},
                   let_table(checked.program.lets), at_most=declared_at_most(checked.program.constraints))

    def narrowed(self, name: str, value: Value) -> Intervals:
        """These domains, with the input or derived value `name` known to lie in `value`: inside a band
        row that tests it (`= 0 → 6; otherwise → x / 计划完成项目数`), what the row's points can be."""
        return Intervals(self.domains, self.lets, {name: value}, self.at_most)

    def can_be_zero(self, expr, depth: int = 0) -> bool:
        """Whether `expr` may be 0 for facts inside the domains. False is a proof; True only says that
        intervals cannot exclude it. An input declared 'above 0' cannot be 0 although its interval
        [0, …] holds 0 (an interval keeps no open end), and neither can a sum of such inputs. Past
        ZERO_DEPTH derived values or operators deep it answers True: the search decides."""
        value = self.of(expr)
        if value.low > 0 or value.high < 0:
            return False
        if depth > ZERO_DEPTH:
            return True
        inner = depth + 1
        if isinstance(expr, ast.Ref):
            if expr.name in self.lets:
                return self.can_be_zero(self.lets[expr.name].expr, inner)
            domain = self.domains[expr.name]
            return not domain.numeric or domain.contains(Decimal(0))
        if isinstance(expr, ast.Negate):
            return self.can_be_zero(expr.operand, inner)
        if isinstance(expr, ast.Call) and expr.function == "abs" and expr.args:
            return self.can_be_zero(expr.args[0], inner)
        if isinstance(expr, ast.Binary) and expr.op in ("*", "/"):
            factors = (expr.left, expr.right) if expr.op == "*" else (expr.left,)
            return any(self.can_be_zero(f, inner) for f in factors)
        if isinstance(expr, ast.Binary) and expr.op == "+":
            left, right = self.of(expr.left), self.of(expr.right)
            one_sign = (left.low >= 0 and right.low >= 0) or (left.high <= 0 and right.high <= 0)
            return not one_sign or (self.can_be_zero(expr.left, inner) and self.can_be_zero(expr.right, inner))
        return True

    def divisions(self, expr) -> list[ast.Binary]:
        """Every division `expr` computes, the ones inside the derived values it reads included (each
        let once, however long the chain), whose divisor may be 0 (see can_be_zero)."""
        found, pending, seen = [], [expr], set()
        while pending:
            for inner in ast.walk(pending.pop()):
                if isinstance(inner, ast.Ref) and inner.name in self.lets and inner.name not in seen:
                    seen.add(inner.name)
                    pending.append(self.lets[inner.name].expr)
                elif isinstance(inner, ast.Binary) and inner.op == "/" and self.can_be_zero(inner.right):
                    found.append(inner)
        return found

    def of(self, expr) -> Value:
        if isinstance(expr, ast.Ref):
            if expr.name not in self.memo:
                self.memo[expr.name] = self._name(expr.name)
            return self.memo[expr.name]
        return ast.visit(self, "value", expr)

    def _name(self, name: str) -> Value:
        if name in self.lets:
            # the lets under it first, innermost first: each then finds the lets it reads in the memo,
            # so a chain of lets costs one step per let and no recursion
            for inner in post_order(self._pending(name), self._pending):
                self.memo[inner] = self._within_constants(inner, self.of(self.lets[inner].expr))
            return self._within_constants(name, self.of(self.lets[name].expr))
        return self._within_constants(name, self._input(name))

    def _within_constants(self, name: str, value: Value) -> Value:
        """The value of an input or derived value, inside the numbers `constraints:` compare it with
        (完成率 ≤ 100%): no department the prover considers breaks them."""
        low, high = value.low, value.high
        for smaller, larger in self.at_most:
            if smaller == ast.Ref(name) and isinstance(larger, ast.Number):
                high = min(high, larger.value)
            if larger == ast.Ref(name) and isinstance(smaller, ast.Number):
                low = max(low, smaller.value)
        if (low, high) == (value.low, value.high) or low > high:
            return value
        return Value(low, high, value.dirs)

    def _input(self, name: str) -> Value:
        domain = self.domains[name]
        if domain.kind == "bool":
            return Value(ZERO, ONE, {name: 1})
        if not domain.numeric:
            return Value(-INF, INF, {name: None})
        low = domain.low if domain.low is not None else -INF
        high = domain.high if domain.high is not None else INF
        return Value(low, high, {name: 1})

    def _pending(self, name: str) -> list[str]:
        """The lets the let `name` reads directly whose values are not known yet."""
        return [read for read in lets_read(self.lets[name].expr, self.lets) if read not in self.memo]

    def value_Ref(self, expr: ast.Ref) -> Value:
        return self.of(expr)

    def value_Number(self, expr: ast.Number) -> Value:
        return const(expr.value)

    def value_GradeValue(self, expr: ast.GradeValue) -> Value:
        return Value(-INF, INF)

    def value_TotalScore(self, expr: ast.TotalScore) -> Value:
        return Value(ZERO, INF)

    def value_Negate(self, expr: ast.Negate) -> Value:
        return negate(self.of(expr.operand))

    def value_Not(self, expr: ast.Not) -> Value:
        v = self.of(expr.operand)
        return Value(ONE - v.high, ONE - v.low, scaled(v.dirs, -1))

    def value_BoolOp(self, expr: ast.BoolOp) -> Value:
        return CONNECTIVES[expr.op].interval([self.of(o) for o in expr.operands])

    def value_Binary(self, expr: ast.Binary) -> Value:
        left = self.of(expr.left)
        if expr.op == "/":
            share = self._share(expr, left)
            if share is not None:
                return share
        quotient = ARITHMETIC[expr.op].interval(left, self.of(expr.right))
        if expr.op == "/" and (expr.left, expr.right) in self.at_most:
            return self._below_one(quotient, left, self.of(expr.right))
        return quotient

    @staticmethod
    def _below_one(quotient: Value, part: Value, whole: Value) -> Value:
        """a / b with `a ≤ b` declared (a constraint) and a, b ≥ 0 lies in [0, 1] (a zero divisor is E504's
        to report): 按时完成项目数 / 计划完成项目数 × 6 stays within 6 points without a min(…, 1)."""
        if part.low < 0 or whole.low < 0:
            return quotient
        return Value(min(max(quotient.low, ZERO), ONE), min(quotient.high, ONE), quotient.dirs)

    def _share(self, expr: ast.Binary, part: Value) -> Value | None:
        """a / (a + b) with a, b ≥ 0 lies in [0, 1], rising in a and falling in b (编外 / (在编 + 编外))."""
        right = expr.right
        if not (isinstance(right, ast.Binary) and right.op == "+" and part.low >= 0):
            return None
        if right.left == expr.left:
            other = right.right
        elif right.right == expr.left:
            other = right.left
        else:
            return None
        rest = self.of(other)
        if rest.low < 0:
            return None
        return Value(ZERO, ONE, combine(part.dirs, scaled(rest.dirs, -1)))

    def value_Compare(self, expr: ast.Compare) -> Value:
        values = [self.of(o) for o in expr.operands]
        results = [COMPARISONS[op].interval(a, b) for op, a, b in zip(expr.ops, values, values[1:])]
        if len(results) == 1:
            return results[0]
        return CONNECTIVES["and"].interval(results)

    def value_Call(self, expr: ast.Call) -> Value:
        return BUILTINS[expr.function].interval([self.of(a) for a in expr.args])


def declared_at_most(constraints) -> frozenset:
    """(a, b) for each pair of neighbouring operands of the constraints with a ≤ b declared (≤ or <, or ≥
    and > read the other way, = both ways); chained comparisons give each neighbouring pair."""
    found = set()
    for constraint in constraints:
        condition = constraint.condition
        if not isinstance(condition, ast.Compare):
            continue
        for op, left, right in zip(condition.ops, condition.operands, condition.operands[1:]):
            if op in ("<=", "<", "="):
                found.add((left, right))
            if op in (">=", ">", "="):
                found.add((right, left))
    return frozenset(found)
