"""What running compiled rules needs, written once: the environment a department's facts and derived
values live in, the failures a rule can raise while scoring, the range check of a score, the rounding of
a leaf, and `attempt`, the one way evaluate, verify, the prover's search and coverage run a compiled
closure on facts and turn a failure into a finding.

Arithmetic is exact and independent of the decimal context (numbers.py), so there is no context to
set up around a run.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar, overload

import attrs

from . import numbers
from .diagnostics import Diagnostic, error
from .i18n import _
from .source import Span
from .syntax import ast
from .syntax.printer import format_number

T = TypeVar("T")

TOTAL_KEY = "\0total"  # the framework's total, read by the conditions of `grades:`


class EvalFailure(Exception):
    """Raised inside a closure (a zero divisor, no band matching); becomes a Diagnostic with context."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic

    def __reduce__(self):
        return (EvalFailure, (self.diagnostic,))


class Env(dict):
    """Facts, and derived values computed the first time a rule reads them."""

    __slots__ = ("lets",)

    def __init__(self, facts: dict, lets: dict):
        super().__init__(facts)
        self.lets = lets

    def __missing__(self, name):
        value = self[name] = self.lets[name](self)
        return value


class Explaining(Env):
    """The Env of a department being explained: also the language the explanation speaks (its texts are
    prepared once per language) and each name's value as shown, formatted once per department (a ratio
    shows in its `where` line, in its band table's subject line and in the row that matched), and the
    scores of the parts of the composite indicator scored last (its explanation shows them)."""

    __slots__ = ("language", "shown", "parts")

    def __init__(self, facts: dict, lets: dict, language: str):
        super().__init__(facts, lets)
        self.language = language
        self.shown: dict[str, str] = {}
        self.parts: list = []


@overload
def attempt(score: Callable[[Env], T], facts: dict, lets: dict, node: None = None) -> T | None: ...
@overload
def attempt(score: Callable[[Env], T], facts: dict, lets: dict, node: ast.Indicator | ast.Group) -> T | Diagnostic: ...
def attempt(score: Callable[[Env], T], facts: dict, lets: dict,
            node: ast.Indicator | ast.Group | None = None) -> T | Diagnostic | None:
    """score(Env(facts, lets)); when scoring fails, the Diagnostic that scoring `node` (an indicator or
    group) fails with, or None when no node is given (a search that only needs to know)."""
    try:
        return score(Env(facts, lets))
    except (EvalFailure, ArithmeticError) as exc:
        return scoring_failure(exc, node) if node is not None else None


def scoring_failure(exc: Exception, node) -> Diagnostic:
    """What a failure while scoring an indicator (or a group's leaves) says: an EvalFailure's finding,
    naming the node when its message does not, or E604 for a decimal Overflow / InvalidOperation (a
    value too large to hold, or not a number)."""
    if isinstance(exc, EvalFailure):
        diagnostic = exc.diagnostic
        if diagnostic.span != node.span and f"'{node.name}'" not in diagnostic.message:
            diagnostic = attrs.evolve(diagnostic, message=_("{message} (scoring '{name}')",
                                                             message=diagnostic.message, name=node.name))
        return diagnostic
    return error("E604", _("'{name}' cannot be scored: a value it computes is too large for exact "
                           "arithmetic, or is not a number", name=node.name), node.span,
                 _("check the facts it reads for a value out of all proportion"))


def check_range(value, points: Decimal, name: str, span: Span | None) -> None:
    """A score must lie in [0, points]; E603 otherwise."""
    if value < 0 or value > points:
        if value < 0:
            message = _("'{name}' scored {score}, below 0", name=name, score=format_number(value))
        else:
            message = _("'{name}' scored {score}, above its {points} points", name=name,
                        score=format_number(value), points=format_number(points))
        raise EvalFailure(error("E603", message, span, _("cap the rule, e.g. min(…, points) or clamp(…, 0, points)")))


def block_score(kind: str, cap: Decimal, children) -> numbers.Number:
    """What a bonus or penalty block adds to the total, from its children's (score, points): a bonus block
    the sum of its children's scores, at most `cap`; a penalty block minus what they lose (points − score),
    at most `cap` — so the total is always the sum of the top-level scores, before the total's own cap."""
    if kind == "bonus":
        return min(numbers.total([score for score, _points in children]), cap)
    lost = numbers.total([numbers.subtract(points, score) for score, points in children])
    return numbers.subtract(numbers.ZERO, min(lost, cap))  # 0 − x, so that no penalty is 0, not −0


def total_range(program: ast.Program) -> tuple[Decimal, Decimal | None]:
    """The totals a department can reach: from 0 less the most the penalty blocks take, to the total plus
    the most the bonus blocks give, at most the total's cap; (0, None) without a declared total."""
    if program.total is None:
        return Decimal(0), None
    low, high = Decimal(0), program.total.value
    for block in program.nodes:
        if isinstance(block, ast.Group) and block.is_block:
            most = min(block.points, sum((c.points for c in block.children), Decimal(0)))
            low, high = (low - most, high) if block.kind == "penalty" else (low, high + most)
    cap = program.total.cap
    return low, high if cap is None else min(high, max(cap, program.total.value))


def capped_total(total: numbers.Number, cap: Decimal | None) -> numbers.Number:
    """The total under `total N cap C` (总分最高 C 分)."""
    return total if cap is None or total <= cap else cap


@attrs.frozen
class Rounding:
    """The one rounding of the rule file: each leaf's score, to `decimals` places by `mode`."""
    decimals: int
    mode: str  # one of decimal's ROUND_* constants
    span: Span | None = None  # the `rounding` line, cited when a score is rounded
    # numbers.round_to(·, decimals, mode), found once
    rounded: Callable[[numbers.Number], Decimal] = attrs.field(
        init=False, eq=False, repr=False,
        default=attrs.Factory(lambda self: numbers.rounder(self.decimals, self.mode), takes_self=True))

    def keyword(self) -> str:
        """The mode as rule files name it: half-up, half-even, …"""
        return next(name for name, mode in numbers.ROUNDING_MODES.items() if mode == self.mode)

    def leaf(self, raw, indicator) -> Decimal:
        """The leaf's score rounded as declared, after checking the raw score can be rounded at all
        (a value with more digits than any score is far outside the indicator's points)."""
        try:
            return self.rounded(raw)
        except ArithmeticError:
            check_range(raw, indicator.points, indicator.name, indicator.span)
            raise

    def __reduce__(self):
        return (Rounding, (self.decimals, self.mode, self.span))  # its function is found again
