"""`rulecheck verify`: property checks with hypothesis. For every leaf, search facts inside the
declared domains for a score outside [0, its points] or a scoring failure; for every declared
direction, search for two departments that differ only in that input and whose scores move the
wrong way. A violation is shrunk to the simplest facts that show it and reported as a facts snippet.
Then (Shapes) it walks each input across its values in sampled departments for what static analysis
cannot decide: forgotten directions (W713), reversals (E714), band rows against their neighbours (E706),
jumps at a boundary (E707), and the grade at each threshold of `grades:` (E731, E732).

The static prover (prove/) says which of these it has already proved; verify tests them all anyway,
so a mistake in either is caught by the other. Runs are deterministic: the seed is fixed (0) unless
given.
"""

from __future__ import annotations

import builtins
import contextlib
import random
from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import partial
from itertools import pairwise

import attrs
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from . import dates, numbers
from .check import Checked
from .check.constraints import satisfied
from .check.lets import LetReads
from .compile import Compiled, Compiler, iter_leaves
from .diagnostics import Diagnostic, error, warning
from .domains import Domain
from .evaluate import total_of
from .i18n import _
from .language import first_match
from .prove import PROVED, UNREAD, Proof, Scored, labelled, scored_nodes
from .prove.bands import Table, table_of
from .prove.intervals import Intervals
from .prove.messages import (
    above_points,
    below_zero,
    direction_broken,
    facts_lines,
    pair_example,
)
from .prove.ranges import Choices, Piece
from .prove.search import Probe, Search, candidates, rule_constants, simplicity
from .runtime import TOTAL_KEY, Env, attempt, total_range
from .syntax import ast
from .syntax.printer import format_expr, format_grade_row, format_name, format_number, format_value, reads_inputs

# Inputs with no upper bound are drawn up to these; shrinking then finds the smallest value that fails.
LARGEST = {"count": Decimal(1_000_000), "percent": Decimal(10), "amount": Decimal(10) ** 9, "number": Decimal(10) ** 9,
           "score": Decimal(1000)}
PLACES = {"percent": 4, "amount": 2, "number": 2, "score": 2}


def number_ends(domain: Domain) -> tuple[Decimal, Decimal]:
    """The lowest and highest value drawn for a numeric input: its bounds, or LARGEST where it has none."""
    low = domain.low if domain.low is not None else -LARGEST[domain.kind]
    high = domain.high if domain.high is not None else max(low, Decimal(0)) + LARGEST[domain.kind]
    return low, high


def date_ends(domain: Domain) -> tuple[Decimal, Decimal]:
    """The first and last day drawn for a date input: its bounds, or a century of real dates from
    dates.EARLIEST where it has none (a day number below 1 is no date)."""
    if domain.low is None:
        low = dates.EARLIEST if domain.high is None else max(domain.high - dates.CENTURY, Decimal(1))
    else:
        low = domain.low
    return low, domain.high if domain.high is not None else low + dates.CENTURY


def values(domain: Domain, constants=()) -> st.SearchStrategy:
    """One validated fact inside the domain: Decimal (a percent as a fraction), bool or grade value.
    Values the rules themselves mention (thresholds, and just either side) are drawn often."""
    if domain.kind == "bool":
        return st.booleans()
    if domain.kind == "grade":
        return st.sampled_from(domain.values)
    low, high = date_ends(domain) if domain.kind == "date" else number_ends(domain)
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
    """What one property came to: proved statically, passed the search, or failed with a diagnostic; or
    (`finding`) what a walk found that is no property of its own (W713, E714, E706; E731 and E732 of the
    grades, with no node)."""
    node: ast.Indicator | ast.Group | None
    property: str  # "bounds" (a key, never translated), the direction as shown ("increasing in 满意度"), a code
    proved: bool
    diagnostic: Diagnostic | None = None
    finding: bool = False

    @builtins.property  # `property` is a field here
    def failed(self) -> bool:
        """An error was found (a warning, such as W713, is shown but fails nothing)."""
        return self.diagnostic is not None and self.diagnostic.is_error


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

    def possible(self, facts: dict) -> bool:
        """Whether a department with these facts may exist: it satisfies the file's `constraints:` (those
        the facts can test). Only such departments are drawn and walked, as only such are ever scored."""
        return satisfied(self.compiled.constraints, facts)

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
            if not (self.possible(pair[0] | {name: low}) and self.possible(pair[0] | {name: high})):
                return False
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
        return facts(domains, self.constants(leaf)).filter(self.possible)

    def search(self, strategy, bad):
        config = settings(max_examples=self.max_examples, database=None, deadline=None, derandomize=False,
                          phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
        try:
            with same_draws_everywhere():
                return find(strategy, bad, settings=config, random=random.Random(self.seed))
        except (NoSuchExample, Unsatisfiable):  # Unsatisfiable: hardly any draw satisfies the constraints
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


# ---- shapes: what static analysis cannot decide ----------------------------------------------------
# check proves what holds for every department at once; what depends on how the inputs meet (an input
# that raises the score in most departments and lowers it in a few, a row a derived subject walks into,
# the grade a reachable total gets) is searched here by walking one input at a time across its values,
# in many sampled departments.

SAMPLED = 24  # departments sampled for each walk
WALKED = 40  # values of the walked input, at most: its domain's edges and the rule's thresholds first
FEW = 4  # a reversal: the departments that move one way outnumber the exceptions at least this many times


@attrs.frozen
class Walk:
    """One department (its other inputs) and its score at each value of the walked input, rising."""
    base: dict
    steps: tuple  # (value, score) in increasing order of the value; failed scorings left out

    def changes(self, way: int) -> int:
        """How many steps of the walk move the score `way` (+1 up, -1 down)."""
        return sum((b - a) * way > 0 for (_, a), (_, b) in pairwise(self.steps))

    def moves(self, way: int) -> bool:
        return self.changes(way) > 0


@attrs.frozen
class Pair:
    """Two departments that differ only in `name`: A has `low`, B has `high`; their scores."""
    base: dict
    name: str
    low: object
    high: object
    before: Decimal
    after: Decimal

    def example(self, node_name: str, kinds: dict) -> list[str]:
        return pair_example(self.base, self.name, self.low, self.high, self.before, self.after, node_name, kinds)


def spread(values: list, most: int) -> list:
    """At most `most` of the values, evenly spread, both ends kept (the walk needs its edges)."""
    if len(values) <= most:
        return values
    last = len(values) - 1
    return [values[round(i * last / (most - 1))] for i in range(most)]


def drawn_value(domain: Domain, rng: random.Random):
    """A value anywhere inside the domain (not only at the edges and thresholds), for sampled departments."""
    if domain.kind == "bool":
        return rng.random() < 0.5
    if domain.kind == "grade":
        return rng.choice(domain.values)
    if domain.kind == "date":
        low, high = date_ends(domain)
    else:
        low = domain.low if domain.low is not None else -LARGEST[domain.kind]
        high = domain.high if domain.high is not None else max(low, Decimal(0)) + LARGEST[domain.kind] / 1000
    places = 0 if domain.integral else PLACES[domain.kind]
    first = int(low.scaleb(places).to_integral_value(ROUND_CEILING)) + (1 if domain.low_exclusive else 0)
    last = int(high.scaleb(places).to_integral_value(ROUND_FLOOR))
    return Decimal(rng.randint(first, max(first, last))).scaleb(-places)


def adjacent(domain: Domain, values: list) -> list[tuple]:
    """Pairs of the values (lower first) one smallest step apart: a whole number for a count, a hundredth
    of a percentage point, a cent; any two neighbours of a bool or a grade."""
    if not domain.numeric:
        return list(pairwise(values))
    step = Decimal(1) if domain.integral else Decimal(1).scaleb(-PLACES[domain.kind])
    return [(a, b) for a, b in pairwise(values) if b - a == step]


def sign(value) -> int:
    return (value > 0) - (value < 0)


def against_the_rest(points: list) -> tuple[int, int] | None:
    """(i, trend): the step from points[i] to points[i + 1] goes against every other step, which all go
    `trend` (+1 up, -1 down); at least two other steps move. None if no step does."""
    found = against_the_rest_of([points])
    return None if found is None else found[1:]


def against_the_rest_of(slices: list[list]) -> tuple[int, int, int] | None:
    """(s, i, trend): the step from slices[s][i] to slices[s][i + 1] goes against every other step of every
    slice, which all go `trend`; at least two other steps move. The slices of a matrix along one axis (each
    column down the rows) share a trend: a 3-row column has too few steps to show one of its own."""
    moving = [(s, i, sign(b - a)) for s, points in enumerate(slices) for i, (a, b) in enumerate(pairwise(points))
              if b != a]
    for s, i, way in moving:
        others = {other for t, j, other in moving if (t, j) != (s, i)}
        if len(moving) >= 3 and others == {-way}:
            return s, i, -way
    return None


@attrs.define
class Shapes:
    """The searches of verify that walk inputs, for one analysed file: undeclared directions (W713) and
    reversals (E714), band rows against their neighbours (E706), jumps at a boundary (E707), and the
    grade at each threshold of `grades:` (E731, E732). Leaves where check (or the property search) found
    something are left out: their problem is said already."""
    verifier: Verifier
    checked: Checked
    said: tuple  # check's findings
    rng: random.Random = attrs.field(init=False)
    intervals: Intervals = attrs.field(init=False)
    compiler: Compiler = attrs.field(init=False)

    def __attrs_post_init__(self):
        self.rng = random.Random(self.verifier.seed)
        self.intervals = Intervals.of_program(self.checked)
        self.compiler = Compiler(self.checked)

    def run(self, outcomes: list[Outcome]) -> list[Outcome]:
        failed = {id(o.node) for o in outcomes if o.failed}
        suggesting = self.declares_directions()
        found = []
        for scored in scored_nodes(self.verifier.compiled):
            if not isinstance(scored.node, ast.Indicator) or id(scored.node) in failed or self.told(scored.node.span):
                continue
            rows, walked = self.rows_against_neighbours(scored)
            # a direction is suggested (W713) where the leaf declares some, as the one it forgot
            found += rows + self.undeclared(scored, walked, suggest=suggesting and bool(scored.node.directions))
            found += self.jumps(scored)
        return found + self.grade_thresholds()

    def declares_directions(self) -> bool:
        """Whether the file declares the direction of at least 3 in 4 of the inputs its leaves read (the
        shipped framework: 52 of 53): then one left out was forgotten, and W713 says so. A file that
        declares only the main direction of each leaf is not told about the others."""
        pairs = declared = 0
        for scored in scored_nodes(self.verifier.compiled):
            if isinstance(scored.node, ast.Indicator):
                pairs += len(scored.inputs)
                declared += len(scored.inputs & {d.input.name for d in scored.node.directions})
        return pairs > 0 and 4 * declared >= 3 * pairs

    def told(self, span) -> bool:
        """Whether check reported anything inside the span (a leaf, or a grade row)."""
        return span is not None and any(d.span is not None and span.covers(d.span) for d in self.said)

    # ---- departments ----------------------------------------------------------------------------

    def choices(self, scored: Scored, names) -> dict:
        """Each input's values worth walking: the domain's edges and the rule's thresholds, either side."""
        constants = self.verifier.constants(scored)
        return {name: spread(candidates(self.verifier.domains[name], constants), WALKED)
                for name in self.verifier.domains if name in names}

    def departments(self, choices: dict) -> list[dict]:
        """The simplest department, then sampled ones: each input at a value worth trying or anywhere."""
        simplest = {name: min(values, key=simplicity) for name, values in choices.items() if values}
        found = [simplest]
        for _sample in range(SAMPLED - 1):
            found.append({name: (self.rng.choice(values) if self.rng.random() < 0.7
                                 else drawn_value(self.verifier.domains[name], self.rng))
                          for name, values in choices.items() if values})
        return found

    def walk(self, score: Callable, base: dict, name: str, values: list) -> Walk:
        tried = ((value, attempt(score, base | {name: value}, self.verifier.compiled.lets)) for value in values
                 if self.verifier.possible(base | {name: value}))
        return Walk(base, tuple((value, found) for value, found in tried if found is not None))

    def simplest_pair(self, probe: Probe, base: dict, name: str, values: list, way: int) -> Pair | None:
        """The simplest two values of `name` (lower first) between which the score moves `way`."""
        walk = self.walk(probe.score, base, name, values)
        pairs = [(a, b) for i, a in enumerate(walk.steps) for b in walk.steps[i + 1:] if (b[1] - a[1]) * way > 0]
        if not pairs:
            return None
        (low, before), (high, after) = min(pairs, key=lambda p: (simplicity(p[0][0]), simplicity(p[1][0])))
        return Pair(base, name, low, high, before, after)

    def shrunk_pair(self, scored: Scored, choices: dict, base: dict, name: str, way: int) -> Pair | None:
        """A pair moving `way` in `name`, with the other inputs as simple as still shows it."""
        probe = Probe(scored.score, self.verifier.compiled.lets)
        values = choices[name]
        others = {n: v for n, v in choices.items() if n != name}
        simpler = Search(probe, others).shrink(
            base, lambda facts: self.simplest_pair(probe, facts, name, values, way) is not None)
        return self.simplest_pair(probe, simpler, name, values, way)

    # ---- directions nobody declared: W713, E714 --------------------------------------------------

    def undeclared(self, scored: Scored, walked: set, suggest: bool) -> list[Outcome]:
        """W713 and E714 for each input the leaf reads with no declared direction (but those of a band
        table E706 reported: that row is the reason)."""
        declared = {d.input.name for d in scored.node.directions} | walked
        found = []
        choices = self.choices(scored, scored.inputs)
        for name in [n for n in choices if n not in declared]:
            others = {n: v for n, v in choices.items() if n != name}
            walks = [self.walk(scored.score, base, name, choices[name]) for base in self.departments(others)]
            rises, falls = (sum(w.changes(way) for w in walks) for way in (1, -1))
            if suggest and bool(rises) != bool(falls):
                way = 1 if rises else -1
                moving = [w for w in walks if w.moves(way)]
                found += self.monotone(scored, choices, name, moving, way, len(walks))
            elif rises and falls and max(rises, falls) >= FEW * min(rises, falls):
                way = 1 if rises > falls else -1
                exception = next(w for w in walks if w.moves(-way))
                found += self.reversal(scored, choices, name, way, exception, max(rises, falls), rises + falls)
        return found

    def monotone(self, scored: Scored, choices: dict, name: str, moving: list, way: int, tried: int) -> list:
        """W713: the score only ever moves one way with an input that declares no direction."""
        pair = self.shrunk_pair(scored, choices, moving[0].base, name, way)
        if pair is None:
            return []
        values = dict(label=labelled(scored.node), input=format_name(name), moved=len(moving), tried=tried)
        if way == 1:
            message = _("the score of {label} never falls as {input} rises ({moved} of {tried} departments tried "
                        "score more, none less): declare 'increasing in {input}'?", **values)
            hint = _("add the line 'increasing in {input}' under the indicator: check then proves it for every "
                     "department, and reports an edit that breaks it", input=format_name(name))
        else:
            message = _("the score of {label} never rises as {input} rises ({moved} of {tried} departments tried "
                        "score less, none more): declare 'decreasing in {input}'?", **values)
            hint = _("add the line 'decreasing in {input}' under the indicator: check then proves it for every "
                     "department, and reports an edit that breaks it", input=format_name(name))
        diagnostic = warning("W713", message, scored.node.span, hint,
                             example=tuple(pair.example(scored.node.name, self.verifier.compiled.kinds)))
        return [Outcome(scored.node, "W713", False, diagnostic, finding=True)]

    def reversal(self, scored: Scored, choices: dict, name: str, way: int, exception: Walk, most: int,
                 tried: int) -> list:
        """E714: an input moves the score one way in most departments and the other way in a few."""
        pair = self.shrunk_pair(scored, choices, exception.base, name, -way)
        if pair is None:
            return []
        values = dict(label=labelled(scored.node), input=format_name(name), most=most, tried=tried,
                      before=format_number(pair.before), after=format_number(pair.after),
                      low=format_value(pair.low, self.verifier.compiled.kinds.get(name)),
                      high=format_value(pair.high, self.verifier.compiled.kinds.get(name)))
        if way == 1:
            message = _("{label} scores more as {input} rises ({most} of the {tried} changes seen), but here its "
                        "score falls from {before} to {after} when {input} rises from {low} to {high}", **values)
        else:
            message = _("{label} scores less as {input} rises ({most} of the {tried} changes seen), but here its "
                        "score rises from {before} to {after} when {input} rises from {low} to {high}", **values)
        hint = _("a department should not gain by doing worse: find where the rules read {input} for this "
                 "department (a wrong input, a reversed comparison), correct it, then declare the direction",
                 input=format_name(name))
        diagnostic = error("E714", message, scored.node.span, hint,
                           example=tuple(pair.example(scored.node.name, self.verifier.compiled.kinds)))
        return [Outcome(scored.node, "E714", False, diagnostic, finding=True)]

    # ---- band rows against their neighbours: E706 ------------------------------------------------

    def rows_against_neighbours(self, scored: Scored) -> tuple[list[Outcome], set]:
        """E706 for each band table of the leaf with a row against its neighbours; and the inputs those
        tables read (a matrix: each of its cells against its neighbours in its row and in its column)."""
        assert isinstance(scored.node, ast.Indicator)
        found: list[Outcome] = []
        walked: set[str] = set()
        for name, _points, rule in ast.indicator_rules(scored.node):
            if isinstance(rule, ast.Matrix):
                cells, read = self.cells_against_neighbours(scored, name, rule)
                found += cells
                walked |= read
                continue
            table = table_of(rule, self.intervals) if isinstance(rule, ast.Bands) else None
            steps = self.steps(rule, table) if table is not None else []
            turn = against_the_rest([points for _, points, _ in steps])
            if table is None or turn is None:
                continue
            index, trend = turn
            pair = self.across(scored, table.subject, steps[index][0], steps[index + 1][0], -trend)
            if pair is not None:
                found.append(self.row_against(scored, name, rule, table.subject, steps[index + 1][2], trend, pair))
                walked |= self.verifier.reads.inputs_of(table.subject)
        return found, walked

    def steps(self, rule: ast.Bands, table: Table) -> list:
        """(piece of the subject, points, row index) in increasing order of the subject; none for a table
        that is no step function of a number (a grade's table, computed points)."""
        points = [self.intervals.of(band.points).constant for band in rule.bands]
        if isinstance(table.domain, Choices) or any(p is None for p in points):
            return []
        found = [(piece, points[i], i) for i, covered in enumerate(table.reachable()) for piece in covered.pieces]
        return sorted(found, key=lambda step: (step[0].low, not step[0].low_closed))

    # ---- matrix cells against their neighbours: E706 along one axis, the other fixed -----------

    def cells_against_neighbours(self, scored: Scored, name: str, rule: ast.Matrix) -> tuple[list[Outcome], set]:
        """E706 for a cell of the matrix whose step down its column (or along its row) goes against every
        other step along that axis, as a better 完成率 tier that gives fewer points in one column; and the
        inputs of the axes reported on."""
        found: list[Outcome] = []
        walked: set[str] = set()
        columns = [rule.down_column(c) for c in range(len(rule.columns))]
        rows = [rule.along_row(r) for r in range(len(rule.rows))]
        for slices, across_axis in ((columns, rows[0]), (rows, columns[0])):
            outcome = self.slice_against(scored, name, rule, slices, across_axis)
            if outcome is not None:
                found.append(outcome)
                walked |= self.verifier.reads.inputs_of(slices[0].subject)
        return found, walked

    def slice_against(self, scored: Scored, name: str, rule: ast.Matrix, slices: list, other_axis: ast.Bands):
        """The E706 of the one step, among the slices (each column, or each row), against all the others;
        found by walking the slice's subject with the other subject inside that slice's line."""
        tables = [table_of(s, self.intervals) for s in slices]
        other = table_of(other_axis, self.intervals)
        if other is None:
            return None
        steps = [self.steps(s, t) if t is not None else [] for s, t in zip(slices, tables)]
        turn = against_the_rest_of([[points for _, points, _ in found] for found in steps])
        if turn is None:
            return None
        index, step, trend = turn
        share = other.reachable()[index]
        below, above = steps[index][step][0], steps[index][step + 1][0]
        pair = self.across(scored, slices[index].subject, below, above, -trend, held=(other.subject, share))
        if pair is None:
            return None
        entered = steps[index][step + 1][2]
        cell = (entered, index) if slices[0].subject == rule.row_subject else (index, entered)
        return self.cell_against(scored, name, rule, cell, slices[index].subject, trend, pair)

    def cell_against(self, scored: Scored, name: str, rule: ast.Matrix, cell: tuple[int, int], subject: ast.Ref,
                     trend: int, pair: Pair) -> Outcome:
        other = rule.column_subject if subject == rule.row_subject else rule.row_subject
        values = dict(self.moved_values(subject, pair), row=cell[0] + 1, column=cell[1] + 1, name=name,
                      other=format_expr(other), held=self.shown(other, pair.base | {pair.name: pair.low}))
        if trend == -1:
            message = _("cell (row {row}, column {column}) of '{name}' goes against its neighbours: the points fall "
                        "as {subject} rises, but with {other} at {held} the score rises from {before} to {after} "
                        "when {subject} rises from {low} to {high}", **values)
        else:
            message = _("cell (row {row}, column {column}) of '{name}' goes against its neighbours: the points rise "
                        "with {subject}, but with {other} at {held} the score falls from {before} to {after} when "
                        "{subject} rises from {low} to {high}", **values)
        diagnostic = error("E706", message, rule.rows[cell[0]].span,
                           _("check the cell's points against the source: a cell's points usually lie between "
                             "those of its neighbours in the same row and in the same column"),
                           example=tuple(pair.example(scored.node.name, self.verifier.compiled.kinds)))
        return Outcome(scored.node, "E706", False, diagnostic, finding=True)

    def moved_values(self, subject: ast.Expr, pair: Pair) -> dict:
        """The subject's values at the two departments of the pair, and their scores, as a message shows them."""
        return dict(subject=format_expr(subject), low=self.shown(subject, pair.base | {pair.name: pair.low}),
                    high=self.shown(subject, pair.base | {pair.name: pair.high}),
                    before=format_number(pair.before), after=format_number(pair.after))

    def shown(self, subject: ast.Expr, facts: dict) -> str:
        """A subject's value for these facts, as the analyst reads it (a percentage as one)."""
        kind = self.verifier.compiled.kinds.get(subject.name) if isinstance(subject, ast.Ref) else None
        return format_value(self.compiler.expr(subject)(Env(facts, self.verifier.compiled.lets)), kind)

    def across(self, scored: Scored, subject: ast.Expr, below: Piece, above: Piece, way: int,
               held: tuple | None = None) -> Pair | None:
        """Two departments, differing in one input, whose subject walks from `below` into `above` and
        whose score moves `way`, the other inputs as simple as still shows it; `held` (a value, and the
        Ranges it stays inside in both departments: a matrix's other subject, in one column) fixes the other
        axis."""
        value = self.compiler.expr(subject)
        reads = self.verifier.reads.inputs_of(subject)
        choices = self.held_choices(self.choices(scored, scored.inputs), held)
        probe = Probe(scored.score, self.verifier.compiled.lets)
        inside = self.inside(held)

        def crossing(facts: dict, name: str) -> Pair | None:
            walk = self.walk(value, facts, name, choices[name])
            ends = [(v, s) for v, s in walk.steps if below.contains(s) or above.contains(s)]
            for (a, sa), (b, sb) in pairwise(ends):
                low, high = (a, b) if below.contains(sa) and above.contains(sb) else \
                    (b, a) if above.contains(sa) and below.contains(sb) else (None, None)
                if low is None or not (inside(facts | {name: low}) and inside(facts | {name: high})):
                    continue
                before, after = probe(facts | {name: low}), probe(facts | {name: high})
                if before is not None and after is not None and (after - before) * way > 0:
                    return Pair(facts, name, low, high, before, after)
            return None

        def crosses(facts: dict, name: str) -> bool:
            return crossing(facts, name) is not None

        for name in [n for n in choices if n in reads]:
            others = {n: v for n, v in choices.items() if n != name}
            for base in self.departments(others):
                if crossing(base, name) is not None:
                    simpler = Search(probe, others).shrink(base, partial(crosses, name=name))
                    return crossing(simpler, name)
        return None

    def held_choices(self, choices: dict, held: tuple | None) -> dict:
        """The values worth walking, a held input's kept to those inside its range (when some are)."""
        if held is None or not isinstance(held[0], ast.Ref) or held[0].name not in choices:
            return choices
        name, share = held[0].name, held[1]
        kept = [v for v in choices[name] if share.contains(v)]
        return choices | {name: kept} if kept else choices

    def inside(self, held: tuple | None) -> Callable[[dict], bool]:
        """facts → whether the held value (see across) lies inside its range; always true with none held."""
        if held is None:
            return lambda facts: True
        value, share = self.compiler.expr(held[0]), held[1]

        def holds(facts: dict) -> bool:
            found = attempt(value, facts, self.verifier.compiled.lets)
            return found is not None and share.contains(found)

        return holds

    def row_against(self, scored: Scored, name: str, rule: ast.Bands, subject: ast.Expr, row: int, trend: int,
                    pair: Pair) -> Outcome:
        values = dict(self.moved_values(subject, pair), number=row + 1, name=name)
        if trend == -1:
            message = _("band {number} of '{name}' goes against its neighbours: the points fall as {subject} "
                        "rises, but the score rises from {before} to {after} when {subject} rises from {low} to "
                        "{high}", **values)
        else:
            message = _("band {number} of '{name}' goes against its neighbours: the points rise with {subject}, "
                        "but the score falls from {before} to {after} when {subject} rises from {low} to {high}",
                        **values)
        diagnostic = error("E706", message, rule.bands[row].span,
                           _("check the row's points against the source: a row's points usually lie between "
                             "those of the rows either side"),
                           example=tuple(pair.example(scored.node.name, self.verifier.compiled.kinds)))
        return Outcome(scored.node, "E706", False, diagnostic, finding=True)

    # ---- a jump at a boundary: E707 -------------------------------------------------------------

    def jumps(self, scored: Scored) -> list[Outcome]:
        """E707: one input moved by its smallest step changes two or more parts of the leaf at once, by more
        than any single row or item of them could (two parts reading one input: often a wrong input)."""
        assert isinstance(scored.node, ast.Indicator)
        rules = ast.indicator_rules(scored.node)
        largest = self.largest_step(rules) if len(rules) > 1 else None
        if largest is None:
            return []
        parts = [(name, self.compiler.rule(name, points, rule)[0]) for name, points, rule in rules]
        choices = self.choices(scored, scored.inputs)
        probe = Probe(scored.score, self.verifier.compiled.lets)

        def jump(facts: dict, name: str) -> tuple[Pair, list] | None:
            for low, high in adjacent(self.verifier.domains[name], choices[name]):
                if not (self.verifier.possible(facts | {name: low}) and self.verifier.possible(facts | {name: high})):
                    continue
                before = [attempt(score, facts | {name: low}, self.verifier.compiled.lets) for _, score in parts]
                after = [attempt(score, facts | {name: high}, self.verifier.compiled.lets) for _, score in parts]
                if None in before or None in after:
                    continue
                moved = [part for (part, _), a, b in zip(parts, before, after) if a != b]
                change = numbers.total(after) - numbers.total(before)
                if len(moved) > 1 and abs(change) > largest:
                    a, b = probe(facts | {name: low}), probe(facts | {name: high})
                    if a is not None and b is not None:
                        return Pair(facts, name, low, high, a, b), moved
            return None

        def jumping(facts: dict, name: str) -> bool:
            return jump(facts, name) is not None

        for name in choices:
            others = {n: v for n, v in choices.items() if n != name}
            base = next((b for b in self.departments(others) if jumping(b, name)), None)
            if base is not None:
                found = jump(Search(probe, others).shrink(base, partial(jumping, name=name)), name)
                assert found is not None  # the shrunk facts still jump
                return [self.jumped(scored, largest, *found)]
        return []

    def largest_step(self, rules):
        """The most a single row or item of the rules can change their points by; None if some rule's
        points are computed (a formula, a deduction, an assessed score)."""
        steps = [self.rule_step(rule) for _name, _points, rule in rules]
        return None if any(step is None for step in steps) else max(step for step in steps if step is not None)

    def rule_step(self, rule):
        """The largest change of one rule's points as a single row or item changes: between neighbouring
        rows of a table (any two rows, when check does not read it as a step function), or an item."""
        if isinstance(rule, ast.Checklist):
            points = [self.intervals.of(item.points).constant for item in rule.items]
            return None if None in points else max(points)
        if isinstance(rule, ast.Matrix):  # one input moved: a step down a column, or along a row
            slices = [rule.down_column(c) for c in range(len(rule.columns))]
            slices += [rule.along_row(r) for r in range(len(rule.rows))]
            steps = [self.rule_step(s) for s in slices]
            return None if None in steps else max(step for step in steps if step is not None)
        if not isinstance(rule, ast.Bands):
            return None
        table = table_of(rule, self.intervals)
        steps = self.steps(rule, table) if table is not None else []
        if steps:
            return max((abs(b - a) for (_, a, _), (_, b, _) in pairwise(steps)), default=Decimal(0))
        points = [self.intervals.of(band.points).constant for band in rule.bands]
        return None if None in points else max(points) - min(points)

    def jumped(self, scored: Scored, largest: Decimal, pair: Pair, moved: list) -> Outcome:
        kind = self.verifier.compiled.kinds.get(pair.name)
        message = _("moving {input} from {low} to {high} changes {label} from {before} to {after} at once: "
                    "{parts} all change at this boundary, more than any single row or item ({largest})",
                    input=format_name(pair.name), low=format_value(pair.low, kind),
                    high=format_value(pair.high, kind), label=labelled(scored.node),
                    before=format_number(pair.before), after=format_number(pair.after),
                    parts=", ".join(f"'{part}'" for part in moved), largest=format_number(largest))
        diagnostic = error("E707", message, scored.node.span,
                           _("check that each part reads the input its source names: two parts rarely change "
                             "at the same threshold of the same input"),
                           example=tuple(pair.example(scored.node.name, self.verifier.compiled.kinds)))
        return Outcome(scored.node, "E707", False, diagnostic, finding=True)

    # ---- the grade at each threshold: E731, E732 -------------------------------------------------

    def grade_thresholds(self) -> list[Outcome]:
        compiled = self.verifier.compiled
        if not compiled.grades or any(self.told(band.span) for _, _, band in compiled.grades):
            return []
        step = Decimal(1).scaleb(-compiled.rounding.decimals)
        low, high = total_range(self.checked.program)
        found: list[Outcome] = []
        for threshold, band in self.thresholds():
            if not low < threshold <= (high if high is not None else compiled.total):
                continue
            below, at, above = (self.grade(threshold + k * step) for k in (-1, 0, 1))
            if None in (below, at, above):
                if not any(o.property == "E732" for o in found):  # one ungraded total says it
                    total = next(t for t, g in zip((threshold - step, threshold, threshold + step),
                                                   (below, at, above)) if g is None)
                    found.append(self.ungraded(total, band))
            elif below == at == above:
                found.append(self.grade_unchanged(threshold - step, threshold, at, band))
        return found

    def thresholds(self) -> list:
        """(number, its grade row) for each number the rows of `grades:` compare the total with."""
        found: dict = {}
        for _condition, _grade, band in self.total_rows():
            for expr in ast.walk(band.condition) if band.condition is not None else ():
                if isinstance(expr, ast.Number):
                    found.setdefault(expr.value, band)
        return sorted(found.items(), key=lambda item: item[0])

    def grade(self, total: Decimal):
        compiled = self.verifier.compiled
        env = Env({TOTAL_KEY: total}, compiled.lets)
        rows = self.total_rows()
        index = first_match([row[0] for row in rows], env)
        return None if index is None else rows[index][1]

    def total_rows(self) -> list:
        """The grade rows that read the total alone: a row that reads inputs too (一票否决) may or may not
        match a total, so the grade at a threshold is the grade of the other rows."""
        return [row for row in self.verifier.compiled.grades if not reads_inputs(row[2])]

    def grade_unchanged(self, below: Decimal, at: Decimal, grade: str, band: ast.GradeBand) -> Outcome:
        message = _("the grade does not change at {threshold}: a total of {below} and one of {at} both grade "
                    "{grade}, though the row '{row}' names this threshold", threshold=format_number(at),
                    below=format_number(below), at=format_number(at), grade=grade, row=self.row(band))
        diagnostic = error("E731", message, band.span,
                           _("the first row that matches wins: list the rows from the highest threshold down "
                             "(≥ 90 first), or correct the threshold"),
                           example=tuple(self.graded_departments((below, at))))
        return Outcome(None, "E731", False, diagnostic, finding=True)

    def ungraded(self, total: Decimal, band: ast.GradeBand) -> Outcome:
        message = _("a total of {total} gets no grade: no row of 'grades:' matches it", total=format_number(total))
        diagnostic = error("E732", message, band.span,
                           _("end the rows with 'otherwise → …', or add a row for these totals"),
                           example=tuple(self.graded_departments((total,))))
        return Outcome(None, "E732", False, diagnostic, finding=True)

    def row(self, band: ast.GradeBand) -> str:
        return format_grade_row(band)

    def graded_departments(self, totals) -> list[str]:
        """A department scoring each total, under a '# department A: total = 79.99 → 中' heading."""
        lines = []
        for label, total in zip("AB", totals):
            grade = self.grade(total)
            lines.append(_("# department {label}: total = {total} → {grade}", label=label,
                           total=format_number(total), grade=grade if grade is not None else _("no grade")))
            facts = Totals(self.verifier.compiled, self.verifier.domains).department(total)
            lines += facts_lines(facts, self.verifier.compiled.kinds) if facts is not None else []
        return lines


@attrs.define
class Totals:
    """Departments whose total is a given number: climbing from the simplest department, one input
    changed at a time, towards the total (only the leaves that read the input are scored again)."""
    compiled: Compiled
    domains: Mapping[str, Domain]
    rounds: int = 200

    def department(self, target: Decimal) -> dict | None:
        leaves = list(iter_leaves(self.compiled.nodes))
        choices = {name: candidates(domain, set().union(*(self.constants(leaf) for leaf in leaves)))
                   for name, domain in self.domains.items()}
        facts = {name: min(values, key=simplicity) for name, values in choices.items() if values}
        scores = {id(leaf): self.leaf_score(leaf, facts) for leaf in leaves}
        for _round in range(self.rounds):
            if any(score is None for score in scores.values()):
                return None
            gap = target - total_of(self.compiled, scores)
            if gap == 0:
                return facts
            best = None
            for name, values in choices.items():
                readers = [leaf for leaf in leaves if name in leaf.inputs]
                for value in self.tries(name, values, facts, gap):
                    trial = facts | {name: value}
                    changed = {id(leaf): self.leaf_score(leaf, trial) for leaf in readers}
                    if any(score is None for score in changed.values()):
                        continue
                    left = abs(target - total_of(self.compiled, scores | changed))
                    if left < abs(gap) and (best is None or left < best[0]):
                        best = (left, trial, changed)
            if best is None:
                return None
            _left, facts, changed = best
            scores |= changed
        return None

    def tries(self, name: str, values: list, facts: dict, gap: Decimal) -> list:
        """The candidate values, and the current value moved by the gap itself (an assessed score, or a
        count of points, closes it in one step)."""
        domain = self.domains[name]
        if not domain.numeric:
            return values
        moved = [facts[name] + gap, facts[name] - gap]
        return values + [v for v in moved if domain.contains(v) and (not domain.integral or v == v.to_integral_value())]

    def leaf_score(self, leaf, facts: dict):
        return attempt(lambda env: self.compiled.rounding.leaf(leaf.score(env), leaf.indicator), facts,
                       self.compiled.lets)

    @staticmethod
    def constants(leaf) -> set:
        return {expr.value for _, _, rule in ast.indicator_rules(leaf.indicator)
                for e in ast.rule_expressions(rule) for expr in ast.walk(e) if isinstance(expr, ast.Number)}


def verify(analysis, *, max_examples: int = 200, seed: int = 0) -> list[Outcome]:
    """Test every leaf's bounds and every declared direction of an analysed (compiled) rule file, then
    search what static analysis cannot decide (the shapes of the scores, the grade at each threshold)."""
    domains = Intervals.of_program(analysis.checked).domains
    verifier = Verifier(analysis.compiled, analysis.proof, domains, analysis.checked.reads, max_examples, seed)
    outcomes = verifier.run()
    return outcomes + Shapes(verifier, analysis.checked, tuple(analysis.diagnostics)).run(outcomes)
