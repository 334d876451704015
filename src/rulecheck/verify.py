"""`rulecheck verify`: property checks with hypothesis. For every leaf, search facts inside the
declared domains for a score outside [0, its points] or a scoring failure; for every declared
direction, search for two departments that differ only in that input and whose scores move the
wrong way. A violation is shrunk to the simplest facts that show it and reported as a facts snippet.

The static prover (prove/) says which of these it has already proved; verify tests them all anyway,
so a mistake in either is caught by the other. Runs are deterministic: the seed is fixed (0) unless
given.
"""

from __future__ import annotations

import builtins
import contextlib
import random
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import attrs
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from .check.lets import LetReads
from .compile import Compiled
from .diagnostics import Diagnostic
from .domains import Domain
from .i18n import _
from .prove import PROVED, UNREAD, Proof, Scored, labelled, scored_nodes
from .prove.intervals import Intervals
from .prove.messages import (
    above_points,
    below_zero,
    direction_broken,
    facts_lines,
    pair_example,
)
from .prove.search import candidates, rule_constants
from .runtime import attempt
from .syntax import ast
from .syntax.printer import format_name, format_number

# Inputs with no upper bound are drawn up to these; shrinking then finds the smallest value that fails.
LARGEST = {"count": Decimal(1_000_000), "percent": Decimal(10), "amount": Decimal(10) ** 9, "number": Decimal(10) ** 9,
           "score": Decimal(1000)}
PLACES = {"percent": 4, "amount": 2, "number": 2, "score": 2}


def values(domain: Domain, constants=()) -> st.SearchStrategy:
    """One validated fact inside the domain: Decimal (a percent as a fraction), bool or grade value.
    Values the rules themselves mention (thresholds, and just either side) are drawn often."""
    if domain.kind == "bool":
        return st.booleans()
    if domain.kind == "grade":
        return st.sampled_from(domain.values)
    low = domain.low if domain.low is not None else -LARGEST[domain.kind]
    high = domain.high if domain.high is not None else max(low, Decimal(0)) + LARGEST[domain.kind]
    if domain.integral:
        drawn = st.integers(int(low) + (1 if domain.low_exclusive else 0), int(high)).map(Decimal)
    else:
        places = PLACES[domain.kind]
        step = Decimal(1).scaleb(-places)
        low = low + step if domain.low_exclusive else low
        # decimals() favours small values; whole steps across the range reach its top end as often
        first = int(low.scaleb(places).to_integral_value(ROUND_CEILING))
        last = int(high.scaleb(places).to_integral_value(ROUND_FLOOR))
        steps = st.integers(first, last).map(lambda k: Decimal(k).scaleb(-places))
        drawn = st.one_of(st.decimals(low, high, places=places), steps)
    edges = candidates(domain, constants)
    return st.one_of(st.sampled_from(edges), drawn) if edges else drawn


def facts(domains: dict, constants=()) -> st.SearchStrategy:
    """Validated facts for the named inputs."""
    return st.fixed_dictionaries({name: values(domain, constants) for name, domain in domains.items()})


@attrs.frozen
class Outcome:
    """What one property came to: proved statically, passed the search, or failed with a diagnostic."""
    node: ast.Indicator | ast.Group
    property: str  # "bounds" (a key, never translated), or the direction as shown: "increasing in 满意度"
    proved: bool
    diagnostic: Diagnostic | None = None

    @builtins.property  # `property` is a field here
    def failed(self) -> bool:
        return self.diagnostic is not None


@attrs.define
class Verifier:
    compiled: Compiled
    proof: Proof
    domains: Mapping[str, Domain]
    reads: LetReads  # what each derived value reads: the thresholds drawn often
    max_examples: int = 200
    seed: int = 0

    def run(self) -> list[Outcome]:
        """Every leaf's bounds, then every declared direction of a leaf or a group, in tree order."""
        outcomes = []
        proofs = {id(p.node): p for p in self.proof.nodes}
        for scored in scored_nodes(self.compiled):
            proof = proofs[id(scored.node)]
            if isinstance(scored.node, ast.Indicator):
                outcomes.append(self.bounds(scored, proof.bounded))
            for direction, status in proof.directions:
                if status != UNREAD:
                    outcomes.append(self.direction(scored, direction, status == PROVED))
        return outcomes

    # ---- one leaf or group -----------------------------------------------------------------------------

    def score(self, scored: Scored, facts: dict):
        """The rounded score, or the Diagnostic scoring fails with."""
        return attempt(scored.score, facts, self.compiled.lets, scored.node)

    def bounds(self, leaf: Scored, proved: bool) -> Outcome:
        indicator = leaf.node
        points = indicator.points

        def bad(facts):
            score = self.score(leaf, facts)
            return isinstance(score, Diagnostic) or not 0 <= score <= points

        found = self.search(self.strategy(leaf, leaf.inputs), bad)
        if found is None:
            return Outcome(indicator, "bounds", proved)
        score = self.score(leaf, found)
        example = facts_lines(found, self.compiled.kinds)
        if isinstance(score, Diagnostic):
            diagnostic = attrs.evolve(score, example=tuple(example))
        elif score < 0:
            diagnostic = below_zero(f"'{indicator.name}'", score, indicator.span, example,
                                    _("add a floor: max(…, 0) around the formula, or 'floor 0' under deduct lines"))
        else:
            diagnostic = above_points(f"'{indicator.name}'", score, points, indicator.span, example,
                                      _("cap the rule: min(…, {points}) or clamp(…, 0, {points})",
                                        points=format_number(points)))
        return Outcome(indicator, "bounds", proved, diagnostic)

    def direction(self, leaf: Scored, direction: ast.Direction, proved: bool) -> Outcome:
        indicator = leaf.node
        name = direction.input.name
        rising = 1 if direction.direction == "increasing" else -1
        label = (_("increasing in {input}", input=format_name(name)) if direction.direction == "increasing"
                 else _("decreasing in {input}", input=format_name(name)))
        drawn = st.tuples(self.strategy(leaf, leaf.inputs), values(self.domains[name], self.constants(leaf)))

        def scores(pair):
            base, other = pair
            low, high = sorted((base[name], other), key=_order(self.domains[name]))
            a, b = self.score(leaf, base | {name: low}), self.score(leaf, base | {name: high})
            return low, high, a, b

        def bad(pair):
            low, high, a, b = scores(pair)
            if low == high or isinstance(a, Diagnostic) or isinstance(b, Diagnostic):
                return False  # failures are the bounds check's to report
            return (b - a) * rising < 0

        found = self.search(drawn, bad)
        if found is None:
            return Outcome(indicator, label, proved)
        low, high, before, after = scores(found)
        diagnostic = direction_broken(
            labelled(indicator), direction, before, after, low, high, self.compiled.kinds.get(name),
            _("correct the rule, or the declared direction"),
            pair_example(found[0], name, low, high, before, after, indicator.name, self.compiled.kinds))
        return Outcome(indicator, label, proved, diagnostic)

    # ---- hypothesis ------------------------------------------------------------------------------------

    def constants(self, scored: Scored) -> set:
        return set().union(*(rule_constants(leaf.indicator, self.reads) for leaf in scored.leaves))

    def strategy(self, leaf, names) -> st.SearchStrategy:
        domains = {name: domain for name, domain in self.domains.items() if name in names}
        return facts(domains, self.constants(leaf))

    def search(self, strategy, bad):
        config = settings(max_examples=self.max_examples, database=None, deadline=None, derandomize=False,
                          phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
        try:
            with same_draws_everywhere():
                return find(strategy, bad, settings=config, random=random.Random(self.seed))
        except NoSuchExample:
            return None


@contextlib.contextmanager
def same_draws_everywhere():
    """Keep hypothesis from mixing in number literals it finds in the source of the modules loaded
    "locally" (not from site-packages): those depend on how rulecheck was installed (editable or not)
    and on the program that embeds it, so the same seed would find different counterexamples. There
    is no public switch; if a hypothesis release moves the hook, verify still works, only less
    reproducibly across installations."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a future layout of hypothesis
        providers = None
    hook = getattr(providers, "_get_local_constants", None)
    cache = getattr(getattr(providers, "CONSTANTS_CACHE", None), "cache", None)
    if hook is None or not hasattr(providers, "Constants") or not hasattr(cache, "clear"):
        yield
        return
    providers._get_local_constants = providers.Constants
    cache.clear()  # it may hold literals gathered before (by other tests in the same process)
    try:
        yield
    finally:
        providers._get_local_constants = hook
        cache.clear()


def _order(domain: Domain):
    if domain.kind == "grade":
        rank = {value: -i for i, value in enumerate(domain.values)}  # listed best first
        return lambda value: rank[value]
    return lambda value: value


def verify(analysis, *, max_examples: int = 200, seed: int = 0) -> list[Outcome]:
    """Test every leaf's bounds and every declared direction of an analysed (compiled) rule file."""
    domains = Intervals.of_program(analysis.checked).domains
    return Verifier(analysis.compiled, analysis.proof, domains, analysis.checked.reads, max_examples, seed).run()
