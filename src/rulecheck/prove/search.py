"""Concrete counterexamples: when the interval analysis cannot prove a bound or a direction, try
values at the edges of the domains and around the rule's own thresholds, and keep the simplest facts
that show the problem. Deterministic, and bounded in the number of evaluations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs

from ..check.lets import LetReads
from ..diagnostics import Diagnostic
from ..domains import Domain
from ..records import MutableRecord
from ..runtime import Env, EvalFailure, attempt
from ..syntax import ast

LADDER = [Decimal(1), Decimal(10), Decimal(100), Decimal(10_000), Decimal(1_000_000)]
BUDGET = 4000  # evaluations per search


@attrs.define(eq=False, repr=False)
class Probe(MutableRecord):
    """Scores one rule (or one leaf) on chosen facts; None when scoring fails (0 divisor, no band)."""
    score: Callable
    lets: dict
    finish: Callable = lambda raw: raw  # e.g. the leaf's rounding
    calls: int = 0

    def __call__(self, facts: dict) -> Decimal | None:
        self.calls += 1
        return attempt(lambda env: self.finish(self.score(env)), facts, self.lets)

    def failure(self, facts: dict) -> Diagnostic | None:
        """The finding scoring fails with on these facts (E601, E602), None when it scores."""
        self.calls += 1
        try:
            self.score(Env(facts, self.lets))
        except EvalFailure as exc:
            return exc.diagnostic
        except ArithmeticError:
            return None
        return None


def candidates(domain: Domain, constants) -> list:
    """Values worth trying for one input, in increasing order."""
    if domain.kind == "bool":
        return [False, True]
    if domain.kind == "grade":
        return list(reversed(domain.values))  # listed best first: rising means towards the first
    step = Decimal(1) if domain.integral else Decimal("0.0001") if domain.kind == "percent" else Decimal("0.01")
    low = domain.low if domain.low is not None else -LADDER[-1]
    found = {low + step if domain.low_exclusive else low, Decimal(0), Decimal(1), Decimal(2)}
    if domain.high is not None:
        found.add(domain.high)
    else:
        found |= {low + size for size in LADDER}
    for c in constants:
        found |= {c, c - step, c + step, c * 2}
    if domain.low is None:
        found |= {-size for size in LADDER}
    values = sorted(v for v in found if domain.contains(v) and (not domain.integral or v == v.to_integral_value()))
    return values


def hit_values(domain: Domain) -> list:
    """Values to try when aiming a derived value at a range: the domain's edges and small round numbers
    (whole numbers up to 100, whole percentages up to 200%)."""
    if domain.kind in ("bool", "grade"):
        return candidates(domain, ())
    step = Decimal("0.01") if domain.kind == "percent" else Decimal(1)
    grid = {step * k for k in range(201)} | set(candidates(domain, ()))
    return sorted((v for v in grid if domain.contains(v)), key=simplicity)


def rule_constants(indicator, reads: LetReads) -> set:
    """The numbers an indicator's rules mention, through the derived values they read: its thresholds."""
    return set().union(*(reads.numbers_of(expr) for _, _, rule in ast.indicator_rules(indicator)
                         for expr in ast.rule_expressions(rule)))


def simplicity(value) -> tuple:
    """Round numbers first: fewer decimals, then smaller."""
    if isinstance(value, (bool, str)):
        return (0, 0)
    exponent = value.normalize().as_tuple().exponent
    return (max(0, -exponent) if isinstance(exponent, int) else 0, abs(value))


@attrs.define(eq=False, repr=False)
class Search(MutableRecord):
    probe: Probe
    choices: dict  # input → candidate values, increasing

    def extreme(self, dirs: Mapping[str, int | None], bad: Callable[[Decimal], bool], goal: int) -> dict | None:
        """Facts whose score is bad, climbing towards higher (goal +1) or lower (-1) scores."""
        facts, best = self.climb(dirs, goal)
        if best is None or not bad(best):
            return None
        return self.shrink(facts, lambda f: (s := self.probe(f)) is not None and bad(s))

    def best(self, dirs: Mapping[str, int | None]) -> tuple[dict, Decimal] | None:
        """The simplest facts found with the highest score found, and that score; None if none scores."""
        facts, best = self.climb(dirs, 1)
        if best is None:
            return None
        return self.shrink(facts, lambda f: self.probe(f) == best), best

    def climb(self, dirs: Mapping[str, int | None], goal: int) -> tuple[dict, Decimal | None]:
        """Facts with a score as high (goal +1) or low (-1) as one input changed at a time reaches, from
        the end of each domain the directions point to; and that score (None if none scores)."""
        facts = {name: (values[-1] if dirs.get(name, 0) == goal else values[0]) if values else None
                 for name, values in self.choices.items()}
        best = self.probe(facts)
        for _ in range(3):
            improved = False
            for name, values in self.choices.items():
                for value in values:
                    trial = facts | {name: value}
                    score = self.probe(trial)
                    if score is not None and (best is None or (score - best) * goal > 0):
                        facts, best, improved = trial, score, True
                    if self.probe.calls > BUDGET:
                        break
            if not improved:
                break
        return facts, best

    def needed(self, facts: dict, still_bad: Callable[[dict], bool]) -> dict:
        """The facts without the inputs that do not matter: those for which every value tried is still bad."""
        return {name: value for name, value in facts.items()
                if not all(still_bad(facts | {name: other}) for other in self.choices.get(name, ()))}

    def shrink(self, facts: dict, still_bad: Callable[[dict], bool]) -> dict:
        for name, values in self.choices.items():
            if name not in facts:
                continue
            for value in sorted(values, key=simplicity):
                if value == facts[name] or still_bad(facts | {name: value}):
                    facts = facts | {name: value}
                    break
        return facts

    def hit(self, wanted: Callable, measure: Callable | None = None) -> dict | None:
        """The simplest facts found whose value is wanted: one input varied at a time, then two. The
        value is the probe's score, or what `measure` (e.g. Probe.failure) says of the facts."""
        measure = self.probe if measure is None else measure
        names = list(self.choices)
        base = {name: values[0] for name, values in self.choices.items()}
        for name in names:
            for value in self.choices[name]:
                trial = base | {name: value}
                if (score := measure(trial)) is not None and wanted(score):
                    return trial
        for i, first in enumerate(names):
            for second in names[i + 1:]:
                for a in self.choices[first]:
                    for b in self.choices[second]:
                        trial = base | {first: a, second: b}
                        if (score := measure(trial)) is not None and wanted(score):
                            return trial
                        if self.probe.calls > 10 * BUDGET:
                            return None
        return None

    def drop(self, name: str, rising: int):
        """Facts, and two values of `name` (lower first), where the score moves against `rising`."""
        others = [n for n in self.choices if n != name]
        bases = [{n: self.choices[n][0] for n in others}, {n: self.choices[n][-1] for n in others}]
        for base in list(bases):
            for other in others:
                bases.extend(base | {other: v} for v in self.choices[other])
        for base in bases:
            pair = self._simplest_pair(base, name, rising)
            if pair is not None:
                low, high = pair

                def still_bad(facts, low=low, high=high):
                    a, b = self.probe(facts | {name: low}), self.probe(facts | {name: high})
                    return a is not None and b is not None and (b - a) * rising < 0
                facts = self.shrink(base, still_bad)
                # with the other inputs simpler, a simpler pair may show it too
                return facts, *self._simplest_pair(facts, name, rising)
            if self.probe.calls > BUDGET:
                break
        return None

    def _simplest_pair(self, base: dict, name: str, rising: int):
        """The simplest two values of `name`, lower first, between which the score moves against `rising`."""
        tried = [(v, self.probe(base | {name: v})) for v in self.choices[name]]
        scores = [(v, s) for v, s in tried if s is not None]
        pairs = [(a, b) for i, a in enumerate(scores) for b in scores[i + 1:] if (b[1] - a[1]) * rising < 0]
        if not pairs:
            return None
        (low, _), (high, _) = min(pairs, key=lambda p: (simplicity(p[0][0]), simplicity(p[1][0])))
        return low, high
