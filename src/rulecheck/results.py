"""The result of scoring one department: a tree of nodes with score, maximum and explanation."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

import attrs

from .source import Span


@attrs.frozen
class NodeResult:
    """A group or indicator: its score out of its maximum; a leaf explains how it was reached."""
    name: str
    kind: str  # "group" or "indicator"
    max: Decimal
    score: Decimal
    children: tuple = ()
    explanation: tuple = ()
    span: Span | None = attrs.field(default=None, eq=False, repr=False)

    def walk(self, depth: int = 0) -> Iterator[tuple[int, NodeResult]]:
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)

    def to_dict(self, explain: bool = True) -> dict:
        data = {"name": self.name, "kind": self.kind, "max": str(self.max), "score": str(self.score)}
        if self.children:
            data["children"] = [c.to_dict(explain) for c in self.children]
        if explain and self.explanation:
            data["explanation"] = list(self.explanation)
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
    nodes: tuple  # the top-level NodeResults

    def walk(self) -> Iterator[tuple[int, NodeResult]]:
        for node in self.nodes:
            yield from node.walk()

    def leaves(self) -> list[NodeResult]:
        return [node for _, node in self.walk() if node.kind == "indicator"]

    def __getitem__(self, name: str) -> NodeResult:
        for _, node in self.walk():
            if node.name == name:
                return node
        raise KeyError(name)

    def scores(self) -> dict[str, Decimal]:
        """Every node's score by name."""
        return {node.name: node.score for _, node in self.walk()}

    def to_dict(self, explain: bool = True) -> dict:
        return {"framework": self.framework, "total": str(self.total), "max": str(self.max),
                "grade": self.grade, "nodes": [n.to_dict(explain) for n in self.nodes]}
