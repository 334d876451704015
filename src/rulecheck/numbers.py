"""The number model: every value is exact, from the facts to the one rounding the rule file declares.

A value is a `Decimal` while it has a finite decimal expansion (facts, literals, sums, products, and
quotients that terminate, such as 0.0773 ÷ 0.25), and a `Ratio` (an exact fraction) once a quotient
does not terminate (30 ÷ 31). Arithmetic never rounds: the operations here compute in a context that
traps `Inexact`, and redo the operation on fractions when it fires, returning to a `Decimal` as soon as
the result terminates again (7 ÷ 48 × 6 = 0.875). So algebraically equal formulas give equal values,
and comparisons with thresholds are exact. `round_to` is the only rounding.

The operations do not depend on the caller's decimal context: no `localcontext` is needed around
evaluation, and nothing the caller does with its own context changes a score.
"""

from __future__ import annotations

from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction
from typing import Union

# Quotients that terminate within 100 significant digits stay decimals; anything longer, and any
# non-terminating quotient, is carried as a fraction. Exactness does not depend on the figure.
EXACT = Context(prec=100, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN,
                traps=[Inexact, InvalidOperation, DivisionByZero, Overflow])
# quantize() only: rounding to a given exponent needs as many digits as the value has
_QUANTIZE = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Overflow])
# approximating a Ratio for display or for arithmetic with an infinite interval bound
_APPROXIMATE = Context(prec=60, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Overflow])

ZERO, ONE = Decimal(0), Decimal(1)
INF = Decimal("Infinity")

# The rounding modes a rule file can declare (`rounding 2 decimals half-up`), as decimal's constants.
ROUNDING_MODES = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "half-down": ROUND_HALF_DOWN,
                  "up": ROUND_UP, "down": ROUND_DOWN}


class Ratio(Fraction):
    """An exact fraction whose decimal expansion does not terminate (30/31). Arithmetic with decimals
    and other ratios stays exact, in either order (Decimal + Ratio works as Ratio + Decimal does)."""

    __slots__ = ()

    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __sub__(self, other):
        return subtract(self, other)

    def __rsub__(self, other):
        return subtract(other, self)

    def __mul__(self, other):
        return multiply(self, other)

    def __rmul__(self, other):
        return multiply(other, self)

    def __truediv__(self, other):
        return divide(self, other)

    def __rtruediv__(self, other):
        return divide(other, self)

    def __neg__(self):
        return Ratio(-self.numerator, self.denominator)

    def __pos__(self):
        return self

    def __abs__(self):
        return Ratio(abs(self.numerator), self.denominator)

    def __repr__(self):
        return f"Ratio({self.numerator}, {self.denominator})"

    def __reduce__(self):
        return (Ratio, (self.numerator, self.denominator))


Number = Union[Decimal, Ratio]


def exact(value: Fraction) -> Number:
    """A fraction as the value model holds it: a Decimal if its expansion terminates, else a Ratio."""
    numerator, denominator = value.numerator, value.denominator
    if denominator == 1:
        return Decimal(numerator)
    twos = (denominator & -denominator).bit_length() - 1
    rest = denominator >> twos
    fives = 0
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return Ratio(numerator, denominator)
    places = max(twos, fives)  # n / (2^a 5^b) = n · 2^(p−a) 5^(p−b) / 10^p
    return Decimal(numerator * 2 ** (places - twos) * 5 ** (places - fives)).scaleb(-places)


def _fraction(value) -> Fraction:
    """A plain Fraction (a Ratio's own operators would come back here)."""
    if isinstance(value, Fraction):
        return Fraction(value.numerator, value.denominator) if type(value) is not Fraction else value
    return Fraction(value)


def _infinite(*values) -> bool:
    return any(isinstance(v, Decimal) and not v.is_finite() for v in values)


def _finite_stand_in(value) -> Decimal:
    """A decimal of the same sign (zero for zero) standing for a Ratio beside an infinite bound."""
    if isinstance(value, Decimal):
        return value
    return _APPROXIMATE.divide(Decimal(value.numerator), Decimal(value.denominator))


def add(a: Number, b: Number) -> Number:
    """a + b, exactly."""
    try:
        return EXACT.add(a, b)
    except (Inexact, TypeError):
        if _infinite(a, b):
            return EXACT.add(_finite_stand_in(a), _finite_stand_in(b))
        return exact(_fraction(a) + _fraction(b))


def subtract(a: Number, b: Number) -> Number:
    """a − b, exactly."""
    try:
        return EXACT.subtract(a, b)
    except (Inexact, TypeError):
        if _infinite(a, b):
            return EXACT.subtract(_finite_stand_in(a), _finite_stand_in(b))
        return exact(_fraction(a) - _fraction(b))


def multiply(a: Number, b: Number) -> Number:
    """a × b, exactly."""
    try:
        return EXACT.multiply(a, b)
    except (Inexact, TypeError):
        if _infinite(a, b):
            return EXACT.multiply(_finite_stand_in(a), _finite_stand_in(b))
        return exact(_fraction(a) * _fraction(b))


def divide(a: Number, b: Number) -> Number:
    """a ÷ b, exactly (b ≠ 0: a zero divisor is the caller's to report, with its context)."""
    try:
        return EXACT.divide(a, b)
    except (Inexact, TypeError):
        if _infinite(a, b):
            return EXACT.divide(_finite_stand_in(a), _finite_stand_in(b))
        return exact(_fraction(a) / _fraction(b))


def negate(a: Number) -> Number:
    """−a, exactly (the unary minus of a Decimal would round to the caller's context)."""
    if isinstance(a, Ratio):
        return -a
    try:
        return EXACT.minus(a)
    except Inexact:
        return exact(-Fraction(a))


def absolute(a: Number) -> Number:
    """|a|, exactly."""
    return negate(a) if a < 0 else a


def total(values) -> Number:
    """The exact sum of the values (0 for none)."""
    result: Number = ZERO
    for value in values:
        result = add(result, value)
    return result


def is_integral(value: Number) -> bool:
    if isinstance(value, Ratio):
        return False  # a Ratio never terminates, so it is never whole
    return value.is_finite() and value == value.to_integral_value()


def round_to(value: Number, decimals: int, mode: str = ROUND_HALF_UP) -> Decimal:
    """The value rounded to `decimals` places by one of decimal's rounding modes: the single rounding
    of a score. Never −0 (a raw −0.001 rounds to 0.00)."""
    if isinstance(value, Ratio):
        rounded = _round_fraction(value, decimals, mode)
    else:
        rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=mode, context=_QUANTIZE)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def to_integral(value: Number, mode: str) -> Decimal:
    """The whole number next to the value, by a rounding mode (ROUND_CEILING, ROUND_FLOOR, …)."""
    if isinstance(value, Ratio):
        return _round_fraction(value, 0, mode)
    return value.to_integral_value(rounding=mode, context=_QUANTIZE)


def _round_fraction(value: Fraction, decimals: int, mode: str) -> Decimal:
    """Round an exact fraction to `decimals` places; decimal's modes, by integer arithmetic."""
    numerator = value.numerator * 10 ** max(decimals, 0)
    denominator = value.denominator * 10 ** max(-decimals, 0)
    negative = numerator < 0
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder:
        twice = 2 * remainder
        if mode == ROUND_CEILING:
            mode = ROUND_DOWN if negative else ROUND_UP
        elif mode == ROUND_FLOOR:
            mode = ROUND_UP if negative else ROUND_DOWN
        if mode == ROUND_UP:
            quotient += 1
        elif mode == ROUND_HALF_UP:
            quotient += twice >= denominator
        elif mode == ROUND_HALF_DOWN:
            quotient += twice > denominator
        elif mode == ROUND_HALF_EVEN:
            quotient += twice > denominator or (twice == denominator and quotient % 2 == 1)
        elif mode != ROUND_DOWN:
            raise ValueError(f"unknown rounding mode {mode!r}")
    return Decimal(-quotient if negative else quotient).scaleb(-decimals)


def as_fraction(value: Number) -> Fraction:
    """The exact value as a plain Fraction (for `--format json`'s exact figures)."""
    return _fraction(value)


def approximate(value: Number, digits: int = 40) -> Decimal:
    """A Decimal close to the value (exact for a Decimal): for showing a Ratio, never for scoring."""
    if isinstance(value, Ratio):
        return Context(prec=digits).divide(Decimal(value.numerator), Decimal(value.denominator))
    return value
