"""The meaning of the language, written once: its operators, comparisons, built-in functions, rule kinds
and rounding, and what "the first row that matches" means.

Every other stage reads these tables instead of spelling the meaning again: the parser (how an operator
may be written), the type checker (arity and units of a function), the compiler (how a value is
computed, exactly: numbers.py), the prover (the interval rule of each operator and function), the
printer (how each is shown) and the band analysis (which values a comparison covers). Adding a built-in
function is one entry in `BUILTINS`; tests/test_language_tables.py fails if a pass leaves a kind of
node or a function unhandled.
"""

from __future__ import annotations

import operator
import typing
from collections.abc import Callable, Sequence

import attrs

from . import interval, numbers
from .interval import Value
from .numbers import Decimal, Number
from .records import Record
from .syntax import ast

# ---- arithmetic ------------------------------------------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class Arithmetic(Record):
    """A binary arithmetic operator: how it is written, shown, typed and computed."""
    op: str  # as the syntax tree holds it: + - * /
    spellings: tuple[str, ...]  # what the parser accepts
    shown: str  # in explanations and messages: − × ÷
    source: str  # in rule-file text (the layout): '/' as the source documents write a ratio
    precedence: int
    apply: Callable  # exact: numbers.add …
    interval: Callable[[Value, Value], Value]

    @property
    def word(self) -> str:
        """The operator as a type error names it: '+', '÷'."""
        return f"'{self.shown}'"


ARITHMETIC: dict[str, Arithmetic] = {a.op: a for a in (
    Arithmetic("+", ("+",), "+", "+", 5, numbers.add, interval.add),
    Arithmetic("-", ("-", "−"), "−", "−", 5, numbers.subtract,
               lambda a, b: interval.add(a, interval.negate(b))),
    Arithmetic("*", ("*", "×"), "×", "×", 6, numbers.multiply, interval.multiply),
    Arithmetic("/", ("/", "÷"), "÷", "/", 6, numbers.divide,
               lambda a, b: interval.multiply(a, interval.reciprocal(b))),
)}

# ---- comparisons -----------------------------------------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class Comparison(Record):
    """A comparison operator; `relations` are those of '<', '=', '>' between its operands it holds for,
    from which the band analysis, the prover and the mirror image all follow."""
    op: str  # >= <= > < = !=
    spellings: tuple[str, ...]
    shown: str
    relations: frozenset
    apply: Callable  # exact on the number model, and on grades and booleans for = and ≠

    @property
    def mirror(self) -> str:
        """The operator with its operands swapped: a ≥ b is b ≤ a."""
        flipped = frozenset({"<": ">", ">": "<", "=": "="}[r] for r in self.relations)
        return next(c.op for c in COMPARISONS.values() if c.relations == flipped)

    @property
    def ordered(self) -> bool:
        """Whether it needs an order (≥ …), which grades do not have; = and ≠ do not."""
        return self.relations not in (frozenset("="), frozenset("<>"))

    def interval(self, a: Value, b: Value) -> Value:
        return interval.compared(self.relations, a, b)


COMPARISONS: dict[str, Comparison] = {c.op: c for c in (
    Comparison(">=", ("≥", ">="), "≥", frozenset(">="), operator.ge),
    Comparison("<=", ("≤", "<="), "≤", frozenset("<="), operator.le),
    Comparison(">", (">",), ">", frozenset(">"), operator.gt),
    Comparison("<", ("<",), "<", frozenset("<"), operator.lt),
    Comparison("=", ("=", "=="), "=", frozenset("="), operator.eq),
    Comparison("!=", ("≠", "!="), "≠", frozenset("<>"), operator.ne),
)}

# Precedence of the other constructs, beside the arithmetic operators', for printing with parentheses.
PRECEDENCE = {"or": 1, "and": 2, "not": 3, "compare": 4, "neg": 7, "atom": 8} | {
    a.op: a.precedence for a in ARITHMETIC.values()}


@attrs.frozen(eq=False, repr=False)
class Connective(Record):
    """and / or: true when all / any operands are."""
    op: str
    apply: Callable  # over an iterable of truth values, lazily
    interval: Callable[[Sequence[Value]], Value]


# A condition's interval is within [0, 1]: 'and' is true as far as its least true operand, 'or' as its most.
CONNECTIVES: dict[str, Connective] = {c.op: c for c in (
    Connective("and", all, interval.minimum),
    Connective("or", any, interval.maximum),
)}

# ---- built-in functions ----------------------------------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class Builtin(Record):
    """A built-in function: its arity, how to write it, its unit rule, its exact value and its interval."""
    name: str
    low: int  # fewest arguments
    high: int | None  # most (None: any number)
    usage: str  # for E303: "clamp(value, lowest, highest)"
    apply: Callable  # exact, over the tuple of the argument values
    interval: Callable[[list[Value]], Value]
    # "same": the arguments are alike quantities and the result is one of them (units unify);
    # "first": the result is of the first argument's kind
    units: str = "same"
    aliases: tuple[str, ...] = ()

    def arity(self) -> str:
        return f"{self.low}" if self.low == self.high else f"at least {self.low}"


def _average(values):
    return numbers.divide(numbers.total(values), numbers.Decimal(len(values)))


def _average_interval(values: list[Value]) -> Value:
    return interval.multiply(interval.total(values), interval.const(
        numbers.divide(numbers.ONE, numbers.Decimal(len(values)))))


def _clamp(values):
    value, low, high = values
    return min(max(value, low), high)


# The modes of the rounding functions: round is half-up, as the file's own rounding is by default.
ROUNDING_FUNCTIONS = {"ceil": numbers.ROUND_CEILING, "floor": numbers.ROUND_FLOOR, "round": numbers.ROUND_HALF_UP}


def rounding_places(place: Number) -> int:
    """The decimals that the second argument of ceil/floor/round declares: a whole number N is N
    decimals; a percentage step below 100% (10%, 1%, 0.1%: its value 0.1, 0.01, 0.001) is as many
    decimals of the ratio as it has (1% is 2: whole percentage points), which is how a percentage is
    rounded "to 1 个百分点". The checker admits nothing else (E307)."""
    step = typing.cast(Decimal, place)  # a number written in the rule: never a Ratio
    if numbers.is_integral(step):
        return int(step)
    return -typing.cast(int, step.normalize().as_tuple().exponent)  # a step 10^-n: n decimals


def _rounding(mode: str) -> Callable:
    """ceil/floor/round(value, places): exact on decimals and fractions (numbers.round_to)."""
    def apply(values):
        value, place = values
        return numbers.round_to(value, rounding_places(place), mode)
    return apply


def _rounding_interval(mode: str) -> Callable[[list[Value]], Value]:
    """The bounds rounded alike: rounding never lowers a value's rank, so it keeps the directions."""
    def bounds(values: list[Value]) -> Value:
        value, place = values
        places = rounding_places(place.low)
        def rounded(bound):
            return bound if bound in (numbers.INF, -numbers.INF) else numbers.round_to(bound, places, mode)
        return Value(rounded(value.low), rounded(value.high), value.dirs)
    return bounds


BUILTINS: dict[str, Builtin] = {b.name: b for b in (
    Builtin("min", 1, None, "min(a, b, …)", min, interval.minimum),
    Builtin("max", 1, None, "max(a, b, …)", max, interval.maximum),
    Builtin("sum", 1, None, "sum(a, b, …)", numbers.total, interval.total),
    Builtin("average", 1, None, "average(a, b, …)", _average, _average_interval, aliases=("avg", "mean")),
    Builtin("clamp", 3, 3, "clamp(value, lowest, highest)", _clamp,
            lambda values: interval.minimum([interval.maximum([values[0], values[1]]), values[2]])),
    Builtin("abs", 1, 1, "abs(value)", lambda values: numbers.absolute(values[0]),
            lambda values: interval.absolute(values[0]),
            units="first"),
    *(Builtin(name, 2, 2, f"{name}(value, decimals), e.g. {name}(x, 2) or {name}(调整调剂率, 1%)", _rounding(mode),
              _rounding_interval(mode), units="first") for name, mode in ROUNDING_FUNCTIONS.items()),
)}
FUNCTION_ALIASES = {alias: b.name for b in BUILTINS.values() for alias in b.aliases}

# ---- rules, rounding and first match ---------------------------------------------------------------

# What each kind of scoring rule is called in messages and in `rulecheck diff`.
RULE_KINDS: dict[type, str] = {ast.Formula: "a formula", ast.Assessed: "an assessed score",
                               ast.Bands: "a band table", ast.Checklist: "a checklist",
                               ast.Deduction: "deductions", ast.Awards: "points per unit",
                               ast.Matrix: "a matrix"}
EXPRESSION_KINDS: tuple[type, ...] = typing.get_args(ast.Expr)

ROUNDING_MODES = numbers.ROUNDING_MODES
DEFAULT_ROUNDING = ast.Rounding(2)


def first_match(conditions: Sequence[Callable | None], env) -> int | None:
    """The index of the first row whose condition holds (None: `otherwise`, which always holds), or
    None when no row matches. Band tables and grades mean this, and so does coverage."""
    for index, condition in enumerate(conditions):
        if condition is None or condition(env):
            return index
    return None
