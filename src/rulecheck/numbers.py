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

from collections.abc import Callable
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
from functools import cache, partial, reduce
from math import gcd
from operator import eq, ge, gt, le, lt
from typing import final

# Quotients that terminate within 40 significant digits stay decimals; anything longer, and any
# non-terminating quotient, is carried as a fraction. Exactness does not depend on the figure.
# Exponents stay within decimal's default range (±999999): a value past it is out of all proportion
# to any score and raises Overflow, which evaluation reports as E604.
EXACT = Context(prec=40, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999,
                traps=[Inexact, InvalidOperation, DivisionByZero, Overflow])
# quantize() only: rounding to a given exponent needs as many digits as the value has
QUANTIZE = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Overflow])
# approximating a Ratio for display or for arithmetic with an infinite interval bound
_APPROXIMATE = Context(prec=60, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Overflow])

ZERO, ONE = Decimal(0), Decimal(1)
INF = Decimal("Infinity")

# The rounding modes a rule file can declare (`rounding 2 decimals half-up`), as decimal's constants.
ROUNDING_MODES = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "half-down": ROUND_HALF_DOWN,
                  "up": ROUND_UP, "down": ROUND_DOWN}


def _comparison(test: Callable[[int, int], bool]):
    """A Ratio's comparison operator: with a finite Decimal (a threshold, a fact), p/q by cross-multiplying
    whole numbers in place (both denominators are positive), the commonest case; else by _compare."""
    def compare(self, other):
        if type(other) is Decimal:
            try:
                p, q = other.as_integer_ratio()
            except (OverflowError, ValueError):
                pass
            else:
                return test(self.numerator * q, p * self.denominator)
        found = self._compare(other)
        return NotImplemented if found is None else test(found, 0)
    return compare


@final  # never subclassed: `type(x) is Ratio` is the test for one, here and in callers
class Ratio:
    """An exact fraction whose decimal expansion does not terminate (30/31): `numerator` and
    `denominator` coprime, denominator > 1 with a prime factor other than 2 and 5. Arithmetic and
    comparison with decimals and other ratios are exact, in either order (Decimal + Ratio and
    Decimal < Ratio come here, since a Ratio is not a `numbers.Rational` that Decimal would convert).
    It is never equal to a Decimal, and hashes as the equal Fraction does."""

    __slots__ = ("numerator", "denominator")

    def __init__(self, numerator: int, denominator: int):
        common = gcd(numerator, denominator)
        if denominator < 0:
            common = -common
        self.numerator, self.denominator = numerator // common, denominator // common

    def __add__(self, other):
        return add_exact(self, other)

    __radd__ = __add__

    def __sub__(self, other):
        return subtract_exact(self, other)

    def __rsub__(self, other):
        return subtract_exact(other, self)

    def __mul__(self, other):
        return multiply_exact(self, other)

    __rmul__ = __mul__

    def __truediv__(self, other):
        return divide_exact(self, other)

    def __rtruediv__(self, other):
        return divide_exact(other, self)

    def __neg__(self):
        return _ratio(-self.numerator, self.denominator)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ratio(abs(self.numerator), self.denominator)

    def __bool__(self):
        return True  # never 0

    def _compare(self, other) -> int | None:
        if type(other) is Decimal:
            try:
                p, q = other.as_integer_ratio()
            except (OverflowError, ValueError):  # ±∞ (a bound of the prover's intervals), or NaN
                return None if other.is_nan() else -1 if other > 0 else 1
        elif type(other) is Ratio or isinstance(other, (int, Fraction)):
            p, q = other.numerator, other.denominator
        else:
            return None
        difference = self.numerator * q - p * self.denominator
        return (difference > 0) - (difference < 0)

    __lt__ = _comparison(lt)
    __le__ = _comparison(le)
    __gt__ = _comparison(gt)
    __ge__ = _comparison(ge)
    __eq__ = _comparison(eq)

    def __hash__(self):
        return hash(Fraction(self.numerator, self.denominator))

    def __float__(self):
        return self.numerator / self.denominator

    def __repr__(self):
        return f"Ratio({self.numerator}, {self.denominator})"

    def __str__(self):
        return f"{self.numerator}/{self.denominator}"

    def __reduce__(self):
        return (Ratio, (self.numerator, self.denominator))


Number = Decimal | Ratio


def _ratio(numerator: int, denominator: int) -> Ratio:
    """A Ratio of two coprime whole numbers (denominator > 1), without the check."""
    ratio = object.__new__(Ratio)
    ratio.numerator, ratio.denominator = numerator, denominator
    return ratio


# The fraction path holds whole numbers of this many digits at most: a value past 10^±10000 is out of all
# proportion to a score (and would cost time and memory to expand), so it raises Overflow (E604).
LARGEST_EXPONENT = 10_000
_LARGEST = LARGEST_EXPONENT  # (short, for the tests written inline: two comparisons, quicker than `in range`)


def _parts(value) -> tuple[int, int]:
    """numerator, denominator (> 0) of a finite value; OverflowError or ValueError for ±∞ or NaN."""
    if type(value) is Decimal:
        if value and not -LARGEST_EXPONENT <= value.adjusted() <= LARGEST_EXPONENT:
            raise Overflow("a value past 10^±10000")
        return value.as_integer_ratio()
    return value.numerator, value.denominator  # a Ratio, Fraction or int


def _number(numerator: int, denominator: int) -> Number:
    """numerator / denominator (denominator > 0) as the value model holds it: a Decimal if its
    expansion terminates, else a Ratio."""
    common = gcd(numerator, denominator)
    if common != 1:
        numerator //= common
        denominator //= common
    if denominator == 1:
        return Decimal(numerator)
    # it terminates iff the denominator divides a power of ten, 10^bits being one large enough (a
    # power from the table is quicker than pow's modular one for the denominators of scores)
    bits = denominator.bit_length()
    if (_POWERS_OF_TEN[bits] % denominator if bits <= _SMALL_BITS else pow(10, bits, denominator)):
        ratio = _new(Ratio)  # _ratio(numerator, denominator), without the call
        ratio.numerator, ratio.denominator = numerator, denominator
        return ratio
    twos = (denominator & -denominator).bit_length() - 1
    rest, fives = denominator >> twos, 0
    while rest > 1:
        rest //= 5
        fives += 1
    places = max(twos, fives)  # n / (2^a 5^b) = n · 2^(p−a) 5^(p−b) / 10^p
    return Decimal(numerator * 2 ** (places - twos) * 5 ** (places - fives)).scaleb(-places, QUANTIZE)


_new = object.__new__
_SMALL_BITS = 256
_POWERS_OF_TEN = tuple(10 ** bits for bits in range(_SMALL_BITS + 1))  # 10^bits, built once


def _beside_infinity(operation, a, b) -> Number:
    """The operation where a bound is ±∞ (interval analysis): a Ratio beside it stands in as a decimal
    of the same sign, which is all that infinite arithmetic reads."""
    def stand_in(value):
        if type(value) is Ratio:
            return _APPROXIMATE.divide(Decimal(value.numerator), Decimal(value.denominator))
        return value if type(value) is Decimal else Decimal(value)
    return operation(stand_in(a), stand_in(b))


# Each operation has two paths: on two decimals, the decimal operation in EXACT (one C call), which
# raises Inexact where the result would need rounding; otherwise, or then, `*_exact` on whole numbers.
_add, _subtract, _multiply, _divide = EXACT.add, EXACT.subtract, EXACT.multiply, EXACT.divide


Operation = Callable[[Number, Number], Number]


def _on_fractions(decimal_operation, a: Number, b: Number) -> Number:
    """a ∘ b on whole numbers, a/b ∘ c/d, in one call, ∘ being the one decimal_operation (_add …)
    computes: the exact path of the four operations, for a Ratio and where the decimal one would round."""
    try:  # (a decimal within _parts' bounds read in place: a call less)
        n1, d1 = (a.numerator, a.denominator) if type(a) is Ratio else (
            a.as_integer_ratio() if type(a) is Decimal and -_LARGEST <= a.adjusted() <= _LARGEST else _parts(a))
        n2, d2 = (b.numerator, b.denominator) if type(b) is Ratio else (
            b.as_integer_ratio() if type(b) is Decimal and -_LARGEST <= b.adjusted() <= _LARGEST else _parts(b))
    except (OverflowError, ValueError):
        return _beside_infinity(decimal_operation, a, b)
    if decimal_operation is _add:
        return _number(n1 * d2 + n2 * d1, d1 * d2)
    if decimal_operation is _subtract:
        return _number(n1 * d2 - n2 * d1, d1 * d2)
    if decimal_operation is _multiply:
        return _number(n1 * n2, d1 * d2)
    return _number(n1 * d2, d1 * n2) if n2 > 0 else _number(-n1 * d2, -d1 * n2)  # never 0: the caller reports that


add_exact: Operation = partial(_on_fractions, _add)
subtract_exact: Operation = partial(_on_fractions, _subtract)
multiply_exact: Operation = partial(_on_fractions, _multiply)
divide_exact: Operation = partial(_on_fractions, _divide)


def _exactly(decimal_operation, exact_operation: Operation, doc: str) -> Operation:
    """The exact operation: one C call on two decimals, which raises Inexact where the result would need
    rounding; then, or for a Ratio, the operation on whole numbers."""
    def operation(a: Number, b: Number) -> Number:
        if type(a) is Decimal is type(b):
            try:
                return decimal_operation(a, b)
            except Inexact:
                pass
        return exact_operation(a, b)
    operation.__doc__ = doc
    return operation


add = _exactly(_add, add_exact, "a + b, exactly.")
subtract = _exactly(_subtract, subtract_exact, "a − b, exactly.")
multiply = _exactly(_multiply, multiply_exact, "a × b, exactly.")
divide = _exactly(_divide, divide_exact, "a ÷ b, exactly (b ≠ 0: a zero divisor is the caller's to report).")

def quotient(a: Number, b: Number) -> Number:
    """a ÷ b, exactly, the same value as `divide` gives, for a divisor read from the facts (30 ÷ 31), where
    the quotient mostly does not terminate: two decimals are divided as whole numbers first, so that a
    quotient that does not terminate costs no Inexact raised and caught; one that does is then divided
    by decimal's own division, whose digits (and exponent) `divide` gives."""
    if type(a) is Decimal is type(b) and b:
        try:
            if -_LARGEST <= a.adjusted() <= _LARGEST and -_LARGEST <= b.adjusted() <= _LARGEST:
                n1, d1 = a.as_integer_ratio()
                n2, d2 = b.as_integer_ratio()
                numerator, denominator = (n1 * d2, d1 * n2) if n2 > 0 else (-n1 * d2, -d1 * n2)
                common = gcd(numerator, denominator)
                denominator //= common
                bits = denominator.bit_length()  # the test of _number: does 10^bits divide by it?
                if (_POWERS_OF_TEN[bits] % denominator if bits <= _SMALL_BITS else pow(10, bits, denominator)):
                    ratio = _new(Ratio)
                    ratio.numerator, ratio.denominator = numerator // common, denominator
                    return ratio
        except (OverflowError, ValueError):  # ±∞ or NaN: divide says what that gives
            pass
    return divide(a, b)


# Each operation's two paths, for compiled closures that inline the choice between them (one Python
# call less per operation): operation → (decimal operation in EXACT, operation on fractions).
PATHS: dict[Operation, tuple[Callable, Operation]] = {
    add: (_add, add_exact), subtract: (_subtract, subtract_exact),
    multiply: (_multiply, multiply_exact), divide: (_divide, divide_exact)}

def negate(a: Number) -> Number:
    """−a, exactly (the unary minus of a Decimal would round to the caller's context)."""
    return -a if type(a) is Ratio else a.copy_negate() if a else ZERO


def absolute(a: Number) -> Number:
    """|a|, exactly."""
    return abs(a) if type(a) is Ratio else a.copy_abs()


def total(values) -> Number:
    """The exact sum of the values (0 for none), added from the left."""
    values = values if type(values) in (list, tuple) else tuple(values)
    try:  # decimals: one C call each, unless a sum needs rounding (then, or for a Ratio, exactly)
        return reduce(_add, values, ZERO)
    except (Inexact, TypeError):
        start: Number = ZERO
        return reduce(add, values, start)


def is_integral(value: Number) -> bool:
    if isinstance(value, Ratio):
        return False  # a Ratio never terminates, so it is never whole
    return value.is_finite() and value == value.to_integral_value()


def round_to(value: Number, decimals: int, mode: str = ROUND_HALF_UP) -> Decimal:
    """The value rounded to `decimals` places by one of decimal's rounding modes: the single rounding
    of a score. Never −0 (a raw −0.001 rounds to 0.00)."""
    return rounder(decimals, mode)(value)


@cache
def rounder(decimals: int, mode: str = ROUND_HALF_UP) -> Callable[[Number], Decimal]:
    """round_to(·, decimals, mode) as one function, its quantum found once (the rounding of leaves)."""
    quantum = Decimal(1).scaleb(-decimals)

    def rounded(value: Number) -> Decimal:
        if type(value) is Ratio:
            result = _round_fraction(value, decimals, mode)
        else:
            result = value.quantize(quantum, mode, QUANTIZE)  # positional arguments: quicker
        return result if result else result.copy_abs()

    return rounded


def to_integral(value: Number, mode: str) -> Decimal:
    """The whole number next to the value, by a rounding mode (ROUND_CEILING, ROUND_FLOOR, …)."""
    if isinstance(value, Ratio):
        return _round_fraction(value, 0, mode)
    return value.to_integral_value(rounding=mode, context=QUANTIZE)


def _round_fraction(value: Ratio | Fraction, decimals: int, mode: str) -> Decimal:
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


def approximate(value: Number, digits: int = 40) -> Decimal:
    """A Decimal close to the value (exact for a Decimal): for showing a Ratio, never for scoring."""
    if isinstance(value, Ratio):
        return Context(prec=digits).divide(Decimal(value.numerator), Decimal(value.denominator))
    return value
