"""Interval values, the prover's abstract domain: the interval an expression's value lies in for every
fact inside the declared domains, and the direction it moves in each input it reads.

A `Value` over-approximates: the true range lies inside [low, high], and a direction of +1 for an
input means the value never falls as that input rises (the others held still). `None` means "not
known": the prover then searches for a counterexample instead of claiming a proof. Bounds are exact
values of the number model (numbers.py), or ±∞.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from . import numbers
from .numbers import INF, ONE, ZERO, Number
from .records import Record


@attrs.frozen(eq=False, repr=False)
class Value(Record):
    low: Number
    high: Number
    # input name → +1 (never falls as it rises), -1 (never rises), None (unknown); absent: not read
    dirs: Mapping[str, int | None] = attrs.field(factory=dict)

    @property
    def constant(self) -> Number | None:
        return self.low if self.low == self.high else None

    def sign(self) -> int | None:
        if self.low >= 0:
            return 1
        if self.high <= 0:
            return -1
        return None


def const(value: Number) -> Value:
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


def _mul(a: Number, b: Number) -> Number:
    return ZERO if a == 0 or b == 0 else numbers.multiply(a, b)


def _inverse(a: Number) -> Number:
    """1 / a for a bound; ±∞ (and 0, whose side the caller handles) give 0."""
    return ZERO if a == 0 or a in (INF, -INF) else numbers.divide(ONE, a)


def add(a: Value, b: Value) -> Value:
    return Value(numbers.add(a.low, b.low), numbers.add(a.high, b.high), combine(a.dirs, b.dirs))


def negate(a: Value) -> Value:
    return Value(numbers.negate(a.high), numbers.negate(a.low), scaled(a.dirs, -1))


def multiply(a: Value, b: Value) -> Value:
    corners = [_mul(x, y) for x in (a.low, a.high) for y in (b.low, b.high)]
    sign_a, sign_b = (0 if a.constant == 0 else a.sign()), (0 if b.constant == 0 else b.sign())
    return Value(min(corners), max(corners), combine(scaled(a.dirs, sign_b), scaled(b.dirs, sign_a)))


def reciprocal(b: Value) -> Value:
    """1 / b, where b = 0 is a division by zero (reported at evaluation), not a value."""
    flipped = scaled(b.dirs, -1)
    if b.low > 0 or b.high < 0:
        return Value(_inverse(b.high), _inverse(b.low), flipped)
    if b.low >= 0:
        return Value(_inverse(b.high), INF, flipped)
    if b.high <= 0:
        return Value(-INF, _inverse(b.low), flipped)
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


def absolute(v: Value) -> Value:
    if v.low >= 0:
        return v
    if v.high <= 0:
        return negate(v)
    return Value(ZERO, max(numbers.negate(v.low), v.high), unknown(v.dirs))


def total(values) -> Value:
    values = list(values)
    found = values[0]
    for value in values[1:]:
        found = add(found, value)
    return found


def compared(relations: frozenset, a: Value, b: Value) -> Value:
    """The truth (0 or 1) of `a R b`, where R holds for the relations named ('<', '=', '>'): always
    true, never true, or either; rising in a and falling in b when R holds for '>' and not for '<'."""
    if "<" not in relations and ">" in relations:
        dirs = combine(a.dirs, scaled(b.dirs, -1))
    elif ">" not in relations and "<" in relations:
        dirs = combine(scaled(a.dirs, -1), b.dirs)
    else:
        dirs = unknown(combine(a.dirs, b.dirs))
    possible = {relation for relation, can in (("<", a.low < b.high), (">", a.high > b.low),
                                               ("=", a.low <= b.high and b.low <= a.high)) if can}
    always, never = possible <= relations, not possible & relations
    return Value(ONE if always else ZERO, ZERO if never else ONE, dirs)
