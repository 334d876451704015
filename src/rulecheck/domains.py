"""The values an input may take, from its declaration: one place that facts validation, the static
prover and the verifier's fact generator all read, so they agree on what "inside the domain" means.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from .records import Record
from .syntax import ast


@attrs.frozen(eq=False, repr=False)
class Domain(Record):
    kind: str
    low: Decimal | None = None  # None: unbounded
    high: Decimal | None = None
    low_exclusive: bool = False
    values: tuple = ()  # a grade's values, best first as declared

    @property
    def numeric(self) -> bool:
        return self.kind not in ("bool", "grade")

    @property
    def integral(self) -> bool:
        return self.kind in ("count", "date")  # a date is a whole day number

    def contains(self, value: Decimal) -> bool:
        if self.low is not None and (value <= self.low if self.low_exclusive else value < self.low):
            return False
        return self.high is None or value <= self.high

    def declares(self, value: Decimal) -> bool:
        """Whether the declaration itself reaches the value: inside the domain, with a declared end on the
        value's side of 0 (`percent from 0% to 200%` declares 1.5, an unbounded percent no value above 1)."""
        side = self.high if value > 0 else self.low
        return side is not None and self.contains(value)


def domain_of(decl: ast.InputDecl) -> Domain:
    kind = decl.type.kind
    if kind == "bool":
        return Domain(kind)
    if kind == "grade":
        return Domain(kind, values=tuple(decl.type.values))
    low = decl.low.value if decl.low is not None else (Decimal(0) if kind == "count" else None)
    high = decl.high.value if decl.high is not None else None
    return Domain(kind, low, high, decl.low_exclusive and decl.low is not None)
