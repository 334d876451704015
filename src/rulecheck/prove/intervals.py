"""Abstract interpretation of rule expressions: for each expression, the interval its value lies in
for every fact inside the declared domains, and the direction it moves in each input it reads.

A `Value` over-approximates: the true range lies inside [low, high], and a direction of +1 for an
input means the value never falls as that input rises (the others held still). `None` means "not
known": the prover then searches for a counterexample instead of claiming a proof.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from .. import ast
from ..domains import Domain, domain_of

INF = Decimal("Infinity")
ZERO, ONE = Decimal(0), Decimal(1)


@attrs.frozen
class Value:
    low: Decimal
    high: Decimal
    # input name → +1 (never falls as it rises), -1 (never rises), None (unknown); absent: not read
    dirs: Mapping[str, int | None] = attrs.field(factory=dict)

    @property
    def constant(self) -> Decimal | None:
        return self.low if self.low == self.high else None

    def sign(self) -> int | None:
        if self.low >= 0:
            return 1
        if self.high <= 0:
            return -1
        return None


def const(value: Decimal) -> Value:
    return Value(value, value)


def combine(*maps: Mapping) -> dict:
    """Directions of a function that is monotone in each of its arguments the same way."""
    found: dict = {}
    for dirs in maps:
        for name, d in dirs.items():
            found[name] = d if name not in found or found[name] == d else None
    return found


def scaled(dirs: Mapping, sign: int | None) -> dict:
    """Directions after multiplying by a factor of the given sign (0: constant, None: unknown)."""
    if sign == 0:
        return {}
    return {name: (d * sign if d is not None and sign is not None else None) for name, d in dirs.items()}


def unknown(dirs: Mapping) -> dict:
    return {name: None for name in dirs}


def _mul(a: Decimal, b: Decimal) -> Decimal:
    return ZERO if a == 0 or b == 0 else a * b


def add(a: Value, b: Value) -> Value:
    return Value(a.low + b.low, a.high + b.high, combine(a.dirs, b.dirs))


def negate(a: Value) -> Value:
    return Value(-a.high, -a.low, scaled(a.dirs, -1))


def multiply(a: Value, b: Value) -> Value:
    corners = [_mul(x, y) for x in (a.low, a.high) for y in (b.low, b.high)]
    sign_a, sign_b = (0 if a.constant == 0 else a.sign()), (0 if b.constant == 0 else b.sign())
    return Value(min(corners), max(corners), combine(scaled(a.dirs, sign_b), scaled(b.dirs, sign_a)))


def reciprocal(b: Value) -> Value:
    """1 / b, where b = 0 is a division by zero (reported at evaluation), not a value."""
    flipped = scaled(b.dirs, -1)
    if b.low > 0 or b.high < 0:
        return Value(ONE / b.high if b.high != INF else ZERO, ONE / b.low if b.low != -INF else ZERO, flipped)
    if b.low >= 0:
        return Value(ONE / b.high if b.high not in (INF, ZERO) else ZERO, INF, flipped)
    if b.high <= 0:
        return Value(-INF, ONE / b.low if b.low not in (-INF, ZERO) else ZERO, flipped)
    return Value(-INF, INF, unknown(b.dirs))


def minimum(values) -> Value:
    return Value(min(v.low for v in values), min(v.high for v in values), combine(*(v.dirs for v in values)))


def maximum(values) -> Value:
    return Value(max(v.low for v in values), max(v.high for v in values), combine(*(v.dirs for v in values)))


def hull(values) -> Value:
    """Somewhere between the values, with no direction claimed: a choice between them."""
    values = list(values)
    dirs = unknown(combine(*(v.dirs for v in values)))
    return Value(min(v.low for v in values), max(v.high for v in values), dirs)


@attrs.define
class Intervals:
    """Values of expressions given the inputs' domains and the derived values' definitions."""
    domains: Mapping[str, Domain]
    lets: Mapping[str, ast.Let]
    memo: dict = attrs.field(factory=dict)

    @classmethod
    def of_program(cls, checked) -> Intervals:
        """For a checked program: its inputs' declared domains and its (resolved) derived values."""
        return cls({name: domain_of(decl) for name, decl in checked.symbols.inputs.items()},
                   {let.name: let for let in checked.program.lets})

    def of(self, expr) -> Value:
        if isinstance(expr, ast.Ref):
            if expr.name not in self.memo:
                self.memo[expr.name] = self._name(expr.name)
            return self.memo[expr.name]
        return self._expr(expr)

    def _name(self, name: str) -> Value:
        if name in self.lets:
            return self.of(self.lets[name].expr)
        domain = self.domains[name]
        if domain.kind == "bool":
            return Value(ZERO, ONE, {name: 1})
        if not domain.numeric:
            return Value(-INF, INF, {name: None})
        low = domain.low if domain.low is not None else -INF
        high = domain.high if domain.high is not None else INF
        return Value(low, high, {name: 1})

    def _expr(self, expr) -> Value:
        if isinstance(expr, ast.Number):
            return const(expr.value)
        if isinstance(expr, ast.GradeValue):
            return Value(-INF, INF)
        if isinstance(expr, ast.TotalScore):
            return Value(ZERO, INF)
        if isinstance(expr, ast.Negate):
            return negate(self.of(expr.operand))
        if isinstance(expr, ast.Not):
            v = self.of(expr.operand)
            return Value(ONE - v.high, ONE - v.low, scaled(v.dirs, -1))
        if isinstance(expr, ast.Binary):
            return self.binary(expr)
        if isinstance(expr, ast.Compare):
            return self.compare(expr)
        if isinstance(expr, ast.BoolOp):
            values = [self.of(o) for o in expr.operands]
            dirs = combine(*(v.dirs for v in values))
            if expr.op == "and":
                return Value(min(v.low for v in values), min(v.high for v in values), dirs)
            return Value(max(v.low for v in values), max(v.high for v in values), dirs)
        if isinstance(expr, ast.Call):
            return self.call(expr)
        raise AssertionError(expr)

    def binary(self, expr: ast.Binary) -> Value:
        left, right = self.of(expr.left), self.of(expr.right)
        if expr.op == "+":
            return add(left, right)
        if expr.op == "-":
            return add(left, negate(right))
        if expr.op == "*":
            return multiply(left, right)
        share = self._share(expr, left)
        return share if share is not None else multiply(left, reciprocal(right))

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

    def compare(self, expr: ast.Compare) -> Value:
        values = [self.of(o) for o in expr.operands]
        results = [self._compare(op, a, b) for op, a, b in zip(expr.ops, values, values[1:])]
        if len(results) == 1:
            return results[0]
        return Value(min(r.low for r in results), min(r.high for r in results),
                     combine(*(r.dirs for r in results)))

    @staticmethod
    def _compare(op: str, a: Value, b: Value) -> Value:
        if op in (">=", ">"):
            dirs = combine(a.dirs, scaled(b.dirs, -1))
            always = a.low >= b.high if op == ">=" else a.low > b.high
            never = a.high < b.low if op == ">=" else a.high <= b.low
        elif op in ("<=", "<"):
            dirs = combine(scaled(a.dirs, -1), b.dirs)
            always = a.high <= b.low if op == "<=" else a.high < b.low
            never = a.low > b.high if op == "<=" else a.low >= b.high
        else:
            dirs = unknown(combine(a.dirs, b.dirs))
            always = never = False
        return Value(ONE if always else ZERO, ZERO if never else ONE, dirs)

    def call(self, expr: ast.Call) -> Value:
        args = [self.of(a) for a in expr.args]
        name = expr.function
        if name == "min":
            return minimum(args)
        if name == "max":
            return maximum(args)
        if name in ("sum", "average"):
            total = args[0]
            for a in args[1:]:
                total = add(total, a)
            return total if name == "sum" else multiply(total, const(ONE / Decimal(len(args))))
        if name == "abs":
            v = args[0]
            if v.low >= 0:
                return v
            if v.high <= 0:
                return negate(v)
            return Value(ZERO, max(-v.low, v.high), unknown(v.dirs))
        if name == "clamp":
            value, low, high = args
            return minimum([maximum([value, low]), high])
        raise AssertionError(name)
