"""The prove stage: what a checked, compiled framework can be shown to do for every fact inside the
declared domains — each leaf's score stays within [0, its points] (E501, E502, W503), no division a
department reaches has a 0 divisor (E504), each leaf's points can be earned (W505), each band table
covers its subject once (E701–E704, W705), the grade rows grade every total once
(E721–E725, grades.py), and each declared direction holds (E711, E712).

Interval analysis (intervals.py, scores.py) proves what it can; where it cannot, search.py tries the
domains' edges and the rules' thresholds for a counterexample, which every error carries.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import attrs

from .. import numbers
from ..check import Checked
from ..check.constraints import guarded
from ..compile import Compiled, CompiledGroup, Compiler, iter_leaves
from ..diagnostics import Diagnostic, error, warning
from ..i18n import _
from ..records import MutableRecord, Record
from ..syntax import ast
from ..syntax.printer import format_name, format_number
from . import reach
from .bands import BandChecker, direction_hint
from .grades import check_grades
from .intervals import INF, Intervals, Value, add
from .messages import (
    above_points,
    below_zero,
    direction_broken,
    facts_lines,
    pair_example,
)
from .scores import indicator_value, rule_value
from .search import Probe, Search, candidates, hit_values, rule_constants

PROVED, REFUTED, UNKNOWN, UNREAD = "proved", "refuted", "unknown", "unread"


@attrs.frozen(eq=False, repr=False)
class Scored(Record):
    """A leaf or a group, as something with a score to test: the (rounded) score of its leaves."""
    node: ast.Indicator | ast.Group
    leaves: tuple  # CompiledLeaf
    inputs: frozenset
    score: Callable  # env → Decimal; raises EvalFailure or ArithmeticError when scoring fails

    @classmethod
    def of(cls, item, compiled: Compiled) -> Scored:
        if isinstance(item, CompiledGroup):
            leaves = tuple(iter_leaves(item.children))
            node = item.group
        else:
            leaves, node = (item,), item.indicator

        def score(env):
            return numbers.total(compiled.rounding.leaf(leaf.score(env), leaf.indicator) for leaf in leaves)
        return cls(node, leaves, frozenset().union(*(leaf.inputs for leaf in leaves)), score)


def labelled(node) -> str:
    """'预算执行率', or group '人员管理': how a finding names the node it is about."""
    return _("group '{name}'", name=node.name) if isinstance(node, ast.Group) else f"'{node.name}'"


def scored_nodes(compiled: Compiled):
    """Every leaf and group of the tree, depth first."""
    def visit(items):
        for item in items:
            yield Scored.of(item, compiled)
            if isinstance(item, CompiledGroup):
                yield from visit(item.children)
    yield from visit(compiled.nodes)


@attrs.frozen(eq=False, repr=False)
class NodeProof(Record):
    node: ast.Indicator | ast.Group
    value: Value  # its score: interval and directions
    bounded: bool  # proved within [0, points]
    directions: tuple  # (ast.Direction, status)


@attrs.frozen(eq=False, repr=False)
class Proof(Record):
    diagnostics: list[Diagnostic]
    nodes: tuple  # NodeProof for every leaf and group


def prove(checked: Checked, compiled: Compiled) -> Proof:
    return Prover(checked, compiled).run()


@attrs.define(eq=False, repr=False)
class Prover(MutableRecord):
    checked: Checked
    compiled: Compiled
    intervals: Intervals = attrs.field(init=False)
    compiler: Compiler = attrs.field(init=False)
    findings: list = attrs.field(factory=list)
    divisions: set = attrs.field(factory=set)  # spans of the zero divisors reported (E504)
    unreached: list = attrs.field(factory=list)  # (indicator, reach.Rule, rounding): to test for full marks
    rule_values: dict = attrs.field(factory=dict)  # (id(rule), points) → (rule, its Value): rule_value

    def __attrs_post_init__(self):
        self.intervals = Intervals.of_program(self.checked)
        self.compiler = Compiler(self.checked)

    def run(self) -> Proof:
        bands = BandChecker(self.intervals, self.checked.display_kind, self.reaching)
        values, proofs = {}, []
        for leaf in iter_leaves(self.compiled.nodes):
            indicator = leaf.indicator
            bounded = True
            for name, points, rule in ast.indicator_rules(indicator):
                if isinstance(rule, ast.Bands):
                    self.findings += bands.check(name, rule, directed=bool(indicator.directions))
                elif isinstance(rule, ast.Matrix):
                    self.findings += bands.check_matrix(name, rule, directed=bool(indicator.directions))
                bounded &= self.bounds(leaf, name, points, rule)
                self.reach(leaf, name, points, rule)
            values[id(indicator)] = (indicator_value(indicator, self.intervals, self.rule_value), bounded)
        for scored in scored_nodes(self.compiled):
            parts = [values[id(leaf.indicator)] for leaf in scored.leaves]
            value = parts[0][0]
            for other, _bounded in parts[1:]:
                value = add(value, other)
            directions = tuple((d, self.direction(scored, d, value)) for d in scored.node.directions)
            proofs.append(NodeProof(scored.node, value, all(b for _, b in parts), directions))
        self.findings += check_grades(self.checked.program, self.intervals)
        self.full_marks()
        return Proof(self.findings, tuple(proofs))

    # ---- bounds ---------------------------------------------------------------------------------

    def rule_value(self, rule, points: Decimal, intervals: Intervals) -> Value:
        """rule_value(rule, points, intervals), worked out once per rule of the program's intervals: the
        bounds, the indicator's value and the test for full marks each ask for it (a fifth of the proof)."""
        if intervals is not self.intervals:
            return rule_value(rule, points, intervals)
        key = (id(rule), points)
        found = self.rule_values.get(key)
        if found is None or found[0] is not rule:  # kept beside its rule, so that an id is never taken for another's
            found = self.rule_values[key] = (rule, rule_value(rule, points, intervals))
        return found[1]

    def bounds(self, leaf, name: str, points: Decimal, rule) -> bool:
        value = self.rule_value(rule, points, self.intervals)
        if value.low >= 0 and value.high <= points:
            return True
        whole = not leaf.indicator.parts
        score = guarded(self.compiler.rule(name, points, rule)[0], self.compiled.constraints)
        probe = Probe(score, self.compiled.lets, self._rounding(leaf.indicator) if whole else (lambda raw: raw))
        reads = set().union(*(self.checked.inputs_read(e) for e in ast.rule_expressions(rule)))
        search = Search(probe, self._choices((leaf,), reads))
        what = f"'{name}'" if whole else _("part '{part}' of '{indicator}'", part=name, indicator=leaf.indicator.name)
        if value.high > points:
            facts = search.extreme(value.dirs, lambda s: s > points, goal=1)
            if facts is not None:
                span, hint = rule.span, None
                if isinstance(rule, ast.Awards) and rule.cap is not None:  # the cap is the fault: point at it
                    span, hint = rule.cap.span, _("lower the cap to the points: 'cap {points}'",
                                                  points=format_number(points))
                self.findings.append(above_points(what, probe(facts), points, span,
                                                  facts_lines(facts, self.compiled.kinds), hint))
                return False
        if value.low < 0:
            facts = search.extreme(value.dirs, lambda s: s < 0, goal=-1)
            if facts is not None:
                span, hint = rule.span, _("add a floor: max(…, 0) around the formula")
                if isinstance(rule, ast.Deduction) and rule.floor is not None:
                    span, hint = rule.floor.span, _("raise the floor to 0: 'floor 0'")
                elif isinstance(rule, ast.Deduction):
                    hint = _("add a line 'floor 0' under the deduct lines")
                self.findings.append(below_zero(what, probe(facts), span,
                                                facts_lines(facts, self.compiled.kinds), hint))
                return False
        shown = format_number(points)
        if value.high > points and value.low < 0:
            reach = _("above {points} or below 0", points=shown)
        elif value.high > points:
            reach = _("above {points}", points=shown)
        else:
            reach = _("below 0")
        self.findings.append(warning(
            "W503", _("cannot prove that {what} stays within 0 to {points} points: interval analysis only bounds "
                      "it by {interval} ({reach}), and no counterexample was found at the domains' edges",
                      what=what, points=shown, interval=self._interval(value), reach=reach),
            rule.span, _("cap the rule with min/max/clamp so the bound is evident, or run 'rulecheck verify' "
                         "to search with many more facts")))
        return False

    # ---- reach: zero divisors, full marks ---------------------------------------------------------

    def reach(self, leaf, name: str, points: Decimal, rule) -> None:
        """E504 for a division a department can reach with a 0 divisor, W505 for points out of reach."""
        whole = not leaf.indicator.parts
        finish = self._rounding(leaf.indicator) if whole else (lambda raw: raw)
        score = self.compiler.rule(name, points, rule)[0]
        reads = set().union(*(self.checked.inputs_read(e) for e in ast.rule_expressions(rule)))
        what = f"'{name}'" if whole else _("part '{part}' of '{indicator}'", part=name, indicator=leaf.indicator.name)
        target = reach.Rule(what, points, rule,
                            lambda: Probe(score, self.compiled.lets, finish),
                            lambda probe: Search(probe, self._choices((leaf,), reads)))
        self.findings += reach.zero_divisors(target, self.intervals, self.compiled.kinds, self.divisions)
        self.unreached.append((leaf.indicator, target, finish))

    def full_marks(self) -> None:
        """W505 for each rule whose points are out of reach, unless an error in its indicator (a row
        that never matches, a bound or a direction broken) already says why points are lost."""
        for indicator, target, finish in self.unreached:
            if any(d.is_error and indicator.span.covers(d.span) for d in self.findings):
                continue
            value = self.rule_value(target.rule, target.points, self.intervals)
            unreached = reach.full_marks(target, value, finish, self.compiled.kinds)
            if unreached is not None:
                self.findings.append(unreached)

    @staticmethod
    def _interval(value: Value) -> str:
        low = "−∞" if value.low == -INF else format_number(value.low)
        high = "+∞" if value.high == INF else format_number(value.high)
        return f"[{low}, {high}]"

    # ---- directions ----------------------------------------------------------------------------

    def direction(self, scored: Scored, declared: ast.Direction, value: Value) -> str:
        name = declared.input.name
        rising = 1 if declared.direction == "increasing" else -1
        indicator = scored.node
        if name not in scored.inputs:
            if declared.direction == "increasing":
                message = _("{label} is declared increasing in {input}, but its rules do not read it",
                            label=labelled(indicator), input=format_name(name))
            else:
                message = _("{label} is declared decreasing in {input}, but its rules do not read it",
                            label=labelled(indicator), input=format_name(name))
            self.findings.append(error("E712", message, declared.span,
                                         _("name an input the rules read, or remove the line")))
            return UNREAD
        if value.dirs.get(name) == rising:
            return PROVED
        probe = Probe(guarded(scored.score, self.compiled.constraints), self.compiled.lets)
        found = Search(probe, self._choices(scored.leaves, scored.inputs)).drop(name, rising)
        if found is None:
            return UNKNOWN
        facts, low, high = found
        before, after = probe(facts | {name: low}), probe(facts | {name: high})
        self.findings.append(direction_broken(
            labelled(indicator), declared, before, after, low, high, self.compiled.kinds.get(name),
            direction_hint([leaf.indicator for leaf in scored.leaves], name, self.checked.inputs_read,
                           [*self.intervals.domains, *self.intervals.lets]),
            pair_example(facts, name, low, high, before, after, indicator.name, self.compiled.kinds)))
        return REFUTED

    def reaching(self, expr, value, target):
        """(facts lines, value): simple inputs that give a derived value exactly `value`, else any value
        in `target`; None if none are found."""
        names = self.checked.inputs_read(expr)
        choices = {name: hit_values(domain) for name, domain in self.intervals.domains.items() if name in names}
        probe = Probe(self.compiler.expr(expr), self.compiled.lets)
        search = Search(probe, choices)
        found = search.hit(lambda reached: reached == value) or search.hit(target.contains)
        if found is None:
            return None
        return facts_lines(found, self.compiled.kinds), probe(found)

    # ---- shared ----------------------------------------------------------------------------------

    def _choices(self, leaves, inputs) -> dict:
        constants = set().union(*(rule_constants(leaf.indicator, self.checked.reads) for leaf in leaves))
        # in the order the inputs are declared, which is the order an analyst reads them
        return {name: candidates(domain, constants) for name, domain in self.intervals.domains.items()
                if name in inputs}

    def _rounding(self, indicator):
        rounding = self.compiled.rounding
        return lambda raw: rounding.leaf(raw, indicator)
