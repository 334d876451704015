"""Sets of values a band row covers: unions of intervals (open or closed ends) over a number, or
sets of a grade's values. Both answer the same questions: union, intersection, difference, empty,
and a simple value inside to show the analyst.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import attrs

from .. import numbers
from ..language import COMPARISONS
from ..numbers import INF, Number
from ..records import Record


@attrs.frozen(eq=False, repr=False)
class Piece(Record):
    low: Number
    high: Number
    low_closed: bool = True
    high_closed: bool = True

    @property
    def empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and not (self.low_closed and self.high_closed))

    def contains(self, value: Number) -> bool:
        above = value > self.low or (value == self.low and self.low_closed)
        below = value < self.high or (value == self.high and self.high_closed)
        return above and below


@attrs.frozen(eq=False, repr=False)
class Ranges(Record):
    """A union of disjoint pieces in increasing order."""
    pieces: tuple[Piece, ...] = ()

    @classmethod
    def of(cls, *pieces: Piece) -> Ranges:
        return cls(_normalized([p for p in pieces if not p.empty]))

    @classmethod
    def everything(cls) -> Ranges:
        return cls.of(Piece(-INF, INF, False, False))

    @classmethod
    def compared(cls, op: str, value: Number) -> Ranges:
        """The values x with `x op value`: below it, at it and above it, as the comparison holds there."""
        relations = COMPARISONS[op].relations
        pieces = [Piece(-INF, value, False, False)] if "<" in relations else []
        pieces += [Piece(value, value)] if "=" in relations else []
        pieces += [Piece(value, INF, False, False)] if ">" in relations else []
        return cls.of(*pieces)

    @property
    def empty(self) -> bool:
        return not self.pieces

    def nothing(self) -> Ranges:
        """The empty set (what `self.minus(self)` gives)."""
        return Ranges()

    def union(self, other: Ranges) -> Ranges:
        return Ranges.of(*self.pieces, *other.pieces)

    def complement(self) -> Ranges:
        gaps: list[Piece] = []
        low: Number = -INF
        low_closed = False
        for p in self.pieces:
            gaps.append(Piece(low, p.low, low_closed, not p.low_closed))
            low, low_closed = p.high, not p.high_closed
        gaps.append(Piece(low, INF, low_closed, False))
        return Ranges.of(*gaps)

    def intersect(self, other: Ranges) -> Ranges:
        found = []
        for a in self.pieces:
            for b in other.pieces:
                low, low_closed = max((a.low, not a.low_closed), (b.low, not b.low_closed))
                high, high_closed = min((a.high, a.high_closed), (b.high, b.high_closed))
                found.append(Piece(low, high, not low_closed, high_closed))
        return Ranges.of(*found)

    def minus(self, other: Ranges) -> Ranges:
        return self.intersect(other.complement())

    def half_line(self) -> int:
        """+1 for [t, ∞) or (t, ∞), -1 for (−∞, t], 0 otherwise: the rows of a ladder table."""
        if len(self.pieces) != 1:
            return 0
        p = self.pieces[0]
        if p.high == INF and p.low != -INF:
            return 1
        if p.low == -INF and p.high != INF:
            return -1
        return 0

    def contains(self, value) -> bool:
        return any(p.contains(value) for p in self.pieces)

    def witness(self, integral: bool = False) -> Number | None:
        """A simple value inside: the fewest decimals, then the closest to the lower end."""
        for p in self.pieces:
            value = simple_value(p, integral)
            if value is not None:
                return value
        return None


def _normalized(pieces: list[Piece]) -> tuple[Piece, ...]:
    pieces.sort(key=lambda p: (p.low, not p.low_closed))
    merged: list[Piece] = []
    for p in pieces:
        if merged:
            last = merged[-1]
            touches = p.low < last.high or (p.low == last.high and (p.low_closed or last.high_closed))
            if touches:
                high, high_closed = max((last.high, last.high_closed), (p.high, p.high_closed))
                merged[-1] = Piece(last.low, high, last.low_closed, high_closed)
                continue
        merged.append(p)
    return tuple(merged)


STEPS = [Decimal(10) ** e for e in range(3, -7, -1)]


def simple_value(piece: Piece, integral: bool) -> Number | None:
    if piece.low_closed and piece.low != -INF and (not integral or numbers.is_integral(piece.low)):
        return piece.low
    low = piece.low if piece.low != -INF else min(piece.high, Decimal(0)) - 1000
    # Above an open lower end with no upper end, look just above it: every multiple of 1000 past the
    # end lies inside, but 1000 (100000% for a ratio) is no example of '> 100%'.
    near = piece if piece.high != INF or piece.low == -INF else Piece(piece.low, low + 1, False, True)
    for step in STEPS:
        if integral and step < 1:
            break
        value = _multiple(low, step, ROUND_CEILING)
        if value == low and not piece.low_closed:
            value += step
        if near.contains(value):
            return value
        below = _multiple(piece.high, step, ROUND_FLOOR) if piece.high != INF else None
        if below is not None and piece.contains(below):
            return below
    if integral:
        return None
    if piece.high != INF:
        return numbers.divide(numbers.add(low, piece.high), Decimal(2))
    return numbers.add(low, Decimal(1))


def _multiple(value: Number, step: Decimal, rounding: str) -> Decimal:
    """The multiple of step next to value; a zero has no sign (−0.005 rounds up to 0, not −0)."""
    found = numbers.multiply(numbers.to_integral(numbers.divide(value, step), rounding), step)
    assert isinstance(found, Decimal)  # a whole number times a power of ten terminates
    return found.copy_abs() if found.is_zero() else found


@attrs.frozen(eq=False, repr=False)
class Choices(Record):
    """A set of a grade's values, inside the grade's declared values."""
    values: frozenset
    universe: tuple

    @classmethod
    def everything(cls, universe: tuple) -> Choices:
        return cls(frozenset(universe), universe)

    @classmethod
    def compared(cls, op: str, value: str, universe: tuple) -> Choices | None:
        if COMPARISONS[op].ordered:
            return None  # a grade has no order to compare by
        if "=" in COMPARISONS[op].relations:
            return cls(frozenset([value]), universe)
        return cls(frozenset(universe) - {value}, universe)

    @property
    def empty(self) -> bool:
        return not self.values

    def nothing(self) -> Choices:
        """No value of the grade (what `self.minus(self)` gives)."""
        return Choices(frozenset(), self.universe)

    def union(self, other: Choices) -> Choices:
        return Choices(self.values | other.values, self.universe)

    def complement(self) -> Choices:
        return Choices(frozenset(self.universe) - self.values, self.universe)

    def intersect(self, other: Choices) -> Choices:
        return Choices(self.values & other.values, self.universe)

    def minus(self, other: Choices) -> Choices:
        return Choices(self.values - other.values, self.universe)

    def half_line(self) -> int:
        return 0

    def witness(self, integral: bool = False) -> str | None:
        return next((v for v in self.universe if v in self.values), None)
