"""The result of scoring one department: a tree of nodes with score, maximum and explanation.

An explanation is a tuple of `Step`s: each a line of text (reports print it as it is) that also knows
where in the rule files the rule text it shows is written, so `rulecheck explain` can cite the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from .i18n import _
from .numbers import Number, Ratio
from .source import Span
from .syntax.printer import format_number


class Step(str):
    """One line of an explanation, and the span of the rule text it shows (the formula, the band row,
    the checklist item, the deduct line, the derived value's `let`), or None.

    A Step is its text: it compares, joins and prints as that string, so code that reads explanations
    as strings reads Steps unchanged. Equality ignores the span, as it does for the syntax tree."""

    span: Span | None

    def __new__(cls, text: str, span: Span | None = None) -> Step:
        step = super().__new__(cls, text)
        step.span = span
        return step

    def indented(self, prefix: str = "  ") -> Step:
        """The step inside a larger one (a part of a composite indicator), at the same place."""
        return Step(prefix + self, self.span)

    def location(self) -> str | None:
        """'file:line' of the rule text, or None."""
        return f"{self.span.file}:{self.span.line}" if self.span is not None else None


_new_str = str.__new__


def new_step(text: str, span: Span | None) -> Step:
    """Step(text, span), without the call of Step.__new__: an explanation makes dozens per department."""
    step = _new_str(Step, text)
    step.span = span
    return step


# Frozen without slots: attrs then fills the instance's __dict__ directly, which builds a node in about
# two thirds of the time (a department makes one per group and leaf; benchmarks/bench.py measures it).
@attrs.frozen(slots=False)
class NodeResult:
    """A group or indicator: its score out of its maximum; a leaf explains how it was reached."""
    name: str
    kind: str  # "group", "indicator", or a top-level "bonus" / "penalty" block (its score added / negative)
    max: Decimal
    score: Decimal
    children: tuple[NodeResult, ...] = ()
    explanation: tuple[Step, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    # a leaf's exact score before the rounding (a Decimal, or a Ratio when it does not terminate)
    unrounded: Number | None = attrs.field(default=None, eq=False, repr=False)

    def walk(self, depth: int = 0) -> Iterator[tuple[int, NodeResult]]:
        """(depth, node) of this node and every node below it, parents first, in order."""
        return walked([(depth, self)])

    def to_dict(self, explain: bool = True) -> dict[str, object]:
        data: dict[str, object] = {"name": self.name, "kind": self.kind, "max": str(self.max), "score": str(self.score)}
        if self.unrounded is not None and self.unrounded != self.score:
            data["unrounded"] = format_number(self.unrounded)
            if isinstance(self.unrounded, Ratio):
                data["unrounded_exact"] = f"{self.unrounded.numerator}/{self.unrounded.denominator}"
        if self.children:
            data["children"] = [c.to_dict(explain) for c in self.children]
        if explain and self.explanation:
            data["explanation"] = list(self.explanation)
            data["explanation_sources"] = [line.location() if isinstance(line, Step) else None
                                           for line in self.explanation]
        if self.span is not None:
            data["line"] = self.span.line
        return data


def walked(pending: list[tuple[int, NodeResult]]) -> Iterator[tuple[int, NodeResult]]:
    """The nodes of the stack `pending` (its last first) and those below them, parents first: one
    generator for the tree, not one per node (a report walks every department's tree twice)."""
    while pending:
        depth, node = pending.pop()
        yield depth, node
        if node.children:
            pending += [(depth + 1, child) for child in reversed(node.children)]


@attrs.frozen
class Shape:
    """A framework's result tree without the scores: what a Result of the generated scores-only function
    (generate.py) grows its nodes from, the first time they are read, and the Result's fields that are
    the framework's. Each entry is a leaf's (position among the leaves, name, points, span) or a group's
    (position among the groups, name, kind, points, span, its children's entries), the top-level ones in
    order."""
    framework: str
    max: Decimal
    total_cap: Decimal | None
    entries: tuple

    def grow(self, leaves: tuple, raws: tuple, groups: tuple, steps: tuple | None = None,
             group_steps: tuple | None = None) -> tuple[NodeResult, ...]:
        """The top-level NodeResults of these scores (leaves' and groups' in tree order, the leaves'
        unrounded ones), and of these explanations when explained: each group's Steps (a bonus or penalty
        block's one, a group's none), each leaf's lines as the generated explaining function kept them
        (generate_explain.py), each a Step or a line's entry (its maker, its span, the values its text
        shows), made a Step by `maker(entry)` here, the first time the tree is read: an explanation no
        one reads is never formatted."""
        parts = (leaves, raws, groups, steps, group_steps)
        return tuple([_grown(entry, parts) for entry in self.entries])


def _grown(entry: tuple, parts: tuple) -> NodeResult:
    """The NodeResult of a Shape's entry and its children's, from Shape.grow's parts. (A function of the
    module, not one nested in grow: a nested function calling itself is a reference cycle, which kept
    each department's scores and lines alive until the cyclic collector ran.)"""
    leaves, raws, groups, steps, group_steps = parts
    grown = _new(NodeResult)
    if len(entry) == 4:
        position, name, points, span = entry
        grown.__dict__.update({"name": name, "kind": "indicator", "max": points, "score": leaves[position],
                               "children": (),
                               "explanation": tuple([line if type(line) is not tuple else line[0](line)
                                                     for line in steps[position]]) if steps else (),
                               "span": span, "unrounded": raws[position]})
    else:
        position, name, kind, points, span, children = entry
        grown.__dict__.update({"name": name, "kind": kind, "max": points, "score": groups[position],
                               "children": tuple([_grown(child, parts) for child in children]),
                               "explanation": group_steps[position] if group_steps else (),
                               "span": span, "unrounded": None})
    return grown


_new = object.__new__
_set = object.__setattr__


@attrs.frozen
class Result:
    """A department's scores: the total, its grade, and the indicator tree.

    A Result of scores only (evaluate(…, explain=False)) is made by the generated function (generate.py)
    with its total, its grade and its scores flat (`_flat`: the Shape, the leaves' scores, their unrounded
    values, the groups' scores; an explained one, by generate_explain.py, the leaves' lines, made Steps
    with the tree, and the groups' Steps too); its other fields are read from the Shape, and `nodes`
    grown from the scores, the first time each is read. So a batch that writes a row of scores reads
    `leaf_scores()` and never builds the tree, and a worker process sends back the flat scores alone."""
    framework: str
    total: Decimal
    max: Decimal
    grade: str | None
    nodes: tuple[NodeResult, ...]  # the top-level ones
    # with explain: the `grades:` row that gave the grade (grade: 97.83 matches ≥ 90 → 优)
    grade_step: Step | None = attrs.field(default=None, eq=False, repr=False)
    # under 'total N cap C', the sum of the top-level scores when the cap lowered it (else None)
    uncapped: Decimal | None = attrs.field(default=None, eq=False, repr=False)
    total_cap: Decimal | None = attrs.field(default=None, eq=False, repr=False)  # C of 'total N cap C'
    _flat: tuple | None = attrs.field(default=None, init=False, eq=False, repr=False)

    if not TYPE_CHECKING:  # (a type checker sees the fields alone: a misspelt one stays an error)
        def __getattr__(self, name: str):
            """A field of a flat Result not set yet, from its Shape and scores, kept once found (only a field
            that is not set comes here)."""
            if name not in FROM_SHAPE:
                raise AttributeError(name)
            assert self._flat is not None  # a Result made whole has every field set
            shape, leaves, raws, groups, *explained = self._flat
            if name == "nodes":
                value = shape.grow(leaves, raws, groups, *explained)
            else:
                value = getattr(shape, name) if name in ("framework", "max", "total_cap") else None
            _set(self, name, value)
            return value

    def __reduce__(self):
        """Pickled by the fields that are set: a flat Result of scores flat (a batch's workers send
        thousands; the Shape goes once per pickle); an explained one as its tree, grown (its lines' makers
        are its generated function's own, which do not pickle)."""
        flat = self._flat
        if flat is not None and len(flat) > 4:  # explained: every field read, the tree grown
            fields = {name: getattr(self, name) for name in SLOTS if name != "_flat"}
            return (_unpickled, (type(self), fields | {"_flat": None}))
        fields = {name: getattr(self, name) for name in SLOTS if _is_set(self, name)}
        if flat is not None:
            fields.pop("nodes", None)
        return (_unpickled, (type(self), fields))

    def leaf_scores(self) -> tuple[Decimal, ...]:
        """The leaves' scores in tree order (the order of `leaves()`), without growing the tree."""
        if self._flat is not None:
            return self._flat[1]
        return tuple([node.score for node in self.leaves()])

    def walk(self) -> Iterator[tuple[int, NodeResult]]:
        return walked([(0, node) for node in reversed(self.nodes)])

    def leaves(self) -> list[NodeResult]:
        """The leaf indicators in tree order (without a generator per node: a batch asks for them twice
        per department)."""
        found: list[NodeResult] = []
        pending = list(reversed(self.nodes))
        while pending:
            node = pending.pop()
            if node.children:
                pending.extend(reversed(node.children))
            elif node.kind == "indicator":
                found.append(node)
        return found

    def base(self) -> list[NodeResult]:
        """The top-level nodes that share the total, without the bonus and penalty blocks."""
        return [node for node in self.nodes if node.kind in ("group", "indicator")]

    def __getitem__(self, name: str) -> NodeResult:
        for _depth, node in self.walk():
            if node.name == name:
                return node
        raise KeyError(name)

    def scores(self) -> dict[str, Decimal]:
        """Every node's score by name."""
        return {node.name: node.score for _depth, node in self.walk()}

    def to_dict(self, explain: bool = True) -> dict[str, object]:
        data: dict[str, object] = {"framework": self.framework, "total": str(self.total), "max": str(self.max),
                                   "grade": self.grade, "nodes": [n.to_dict(explain) for n in self.nodes]}
        if self.uncapped is not None:  # 'total 100 cap 100' lowered the total from this
            data["uncapped_total"] = str(self.uncapped)
        return data


class Filling(Result):
    """A Result while a generated function (generate.py, generate_explain.py) fills it in: Result's slots,
    set by plain assignment, then made a Result by `filling.__class__ = Result`, frozen from then on.
    Result's own setter is its frozen `__setattr__`, which refuses, and calling a slot's `__set__` builds
    an argument tuple per field: made, filled and freed this way, a Result costs about 40% less
    (callgrind: about 1,000 instructions of 2,500 with two fields set). No Filling is ever seen outside
    the function that fills it."""
    __slots__ = ()
    # object's own, both of them (CPython makes one slot of the pair): then `filling.total = x` is a
    # plain store into the slot, and `Filling()` calls no __init__
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__
    __init__ = object.__init__


FROM_SHAPE = frozenset({"framework", "max", "grade", "nodes", "grade_step", "uncapped", "total_cap"})
SLOTS = tuple(field.name for field in attrs.fields(Result))


def _is_set(result: Result, name: str) -> bool:
    try:
        object.__getattribute__(result, name)
    except AttributeError:
        return False
    return True


def _unpickled(cls: type[Result], fields: dict) -> Result:
    result: Result = _new(cls)
    for name, value in fields.items():
        _set(result, name, value)
    return result


def added_up(nodes: Iterable[NodeResult], total: Decimal) -> str:
    """How a group's (or the framework's) score adds up: '预算编制 10.00 + 目标设置 10.00 = 20.00'; a
    penalty block is subtracted ('… − 扣分项 2.00 = 96.00')."""
    text = ""
    for node in nodes:
        sign = " − " if node.score < 0 else " + "
        text += (sign if text else ("−" if node.score < 0 else "")) + f"{node.name} {abs(node.score)}"
    return text + f" = {total}"


def total_added_up(result: Result) -> str:
    """How the total adds up, and the cap of 'total 100 cap 100' when it lowered it: '部门决策 18.33 + … +
    加分项 3.00 = 101.50, capped at 100: 100.00'."""
    if result.uncapped is None:
        return added_up(result.nodes, result.total)
    return _("{sum}, capped at {cap}: {total}", sum=added_up(result.nodes, result.uncapped),
             cap=format_number(result.total), total=result.total)
