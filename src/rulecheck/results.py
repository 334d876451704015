"""The result of scoring one department: a tree of nodes with score, maximum and explanation.

An explanation is a tuple of `Step`s: each a line of text (reports print it as it is) that also knows
where in the rule files the rule text it shows is written, so `rulecheck explain` can cite the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

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
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)

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


@attrs.frozen
class Result:
    """A department's scores: the total, its grade, and the indicator tree."""
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

    def walk(self) -> Iterator[tuple[int, NodeResult]]:
        for node in self.nodes:
            yield from node.walk()

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
