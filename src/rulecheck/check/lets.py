"""Derived values as a graph: which lets a let reads, an order in which each comes after the lets it
reads, and what each let reads through the lets it reads (inputs, numbers), found once per let.

Every pass that follows a let reference goes through here instead of walking the referenced let's
expression again, and none recurses from a let into the lets it reads: a chain of lets that each read
the one before twice costs as much as a chain that reads it once, and a chain of 1,000 lets is no
deeper for Python than one let. (The passes still recurse over one expression's own nesting, a few
Python calls a level: about 200 levels fit Python's default limit, twice the parser's.)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

import attrs

from ..records import Record
from ..syntax import ast


def let_table(lets: Iterable[ast.Let]) -> dict[str, ast.Let]:
    """Name → let; of a name declared twice (E202) the first, as name resolution keeps it."""
    table: dict[str, ast.Let] = {}
    for let in lets:
        table.setdefault(let.name, let)
    return table


def lets_read(expr, lets: Collection[str]) -> tuple[str, ...]:
    """The derived values an expression names directly, in the order written, each once."""
    return tuple(dict.fromkeys(e.name for e in ast.walk(expr) if isinstance(e, ast.Ref) and e.name in lets))


def post_order(roots: Iterable[str], children: Callable[[str], Iterable[str]], seen: set | None = None,
               on_cycle: Callable[[list[str], str], None] | None = None) -> list[str]:
    """Every name reached from `roots`, each after the names it leads to, depth first in the order
    given: the order a recursive walk gives, without recursion. A name in `seen` is not visited again
    (`seen` gets every name visited); `on_cycle(path, name)` is told of each name reached again while it
    is still being visited, with the path of names that leads to it."""
    seen = set() if seen is None else seen
    order: list[str] = []
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        path, active, stack = [root], {root}, [iter(children(root))]
        while stack:
            for child in stack[-1]:
                if child not in seen:
                    seen.add(child)
                    path.append(child)
                    active.add(child)
                    stack.append(iter(children(child)))
                    break
                if on_cycle is not None and child in active:
                    on_cycle(path, child)
            else:
                stack.pop()
                active.discard(path[-1])
                order.append(path.pop())
    return order


def ordered_lets(lets) -> list:
    """Derived values in an order where each comes after those it uses (cycles already reported)."""
    table = let_table(lets)
    return [table[name] for name in post_order(table, lambda name: lets_read(table[name].expr, table))]


def _input_names(e) -> tuple:
    return (e.name,) if isinstance(e, ast.Ref) else ()


def _numbers(e) -> tuple:
    return (e.value,) if isinstance(e, ast.Number) else ()


@attrs.frozen(eq=False, repr=False)
class LetReads(Record):
    """What each derived value reads through the lets it reads, found once per let, innermost first."""
    lets: Mapping[str, ast.Let]
    reads: Mapping[str, tuple]  # let → the lets it names directly, in the order written
    inputs: Mapping[str, frozenset]  # let → the names of the inputs it reads, directly or through lets
    numbers: Mapping[str, frozenset]  # let → the number literals in it and in the lets it reads

    @classmethod
    def of(cls, lets: Iterable[ast.Let]) -> LetReads:
        table = let_table(lets)
        reads = {name: lets_read(let.expr, table) for name, let in table.items()}
        inputs: dict[str, frozenset] = {}
        numbers: dict[str, frozenset] = {}
        for name in post_order(table, reads.__getitem__):
            expr = table[name].expr
            inputs[name] = frozenset(_through(expr, table, inputs, _input_names))
            numbers[name] = frozenset(_through(expr, table, numbers, _numbers))
        return cls(table, reads, inputs, numbers)

    def inputs_of(self, expr) -> set:
        """The inputs an expression reads, through the derived values it reads too."""
        return _through(expr, self.lets, self.inputs, _input_names)

    def numbers_of(self, expr) -> set:
        """The numbers an expression mentions, in the derived values it reads too: its thresholds."""
        return _through(expr, self.lets, self.numbers, _numbers)


def _through(expr, lets: Mapping, found_in: Mapping[str, frozenset], own: Callable) -> set:
    """What `own` finds in each node of the expression, and for each let it names what was found in
    that let (a let in a cycle, reported as E204, that is not found yet adds nothing)."""
    found: set = set()
    for e in ast.walk(expr):
        if isinstance(e, ast.Ref) and e.name in lets:
            found |= found_in.get(e.name, frozenset())
        else:
            found.update(own(e))
    return found
