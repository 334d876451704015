"""Where each input and derived value (let) of a linked program is declared and where it is read, in
every file the program was linked from: what hover, go to definition, find references and rename use."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ..link import Linked
from ..source import Source, Span
from ..syntax import ast


@attrs.frozen
class Occurrence:
    """A name written in a file: its line (from 1) and its code points [start, end) (from 0)."""
    name: str
    file: str
    line: int
    start: int
    end: int

    def contains(self, file: str, line: int, index: int) -> bool:
        return file == self.file and line == self.line and self.start <= index <= self.end


@attrs.frozen
class Symbols:
    """The inputs and lets declared (by name), where each is declared, every place one is read, and
    the indicators (with where each is written)."""
    inputs: dict[str, ast.InputDecl] = attrs.field(factory=dict)
    lets: dict[str, ast.Let] = attrs.field(factory=dict)
    declarations: dict[str, Occurrence] = attrs.field(factory=dict)
    references: tuple[Occurrence, ...] = ()
    indicators: tuple[ast.Indicator, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.declarations and not self.indicators

    def at(self, file: str, line: int, index: int) -> Occurrence | None:
        """The declaration or reference of an input or let at this spot, if one is there."""
        return next((o for o in (*self.declarations.values(), *self.references) if o.contains(file, line, index)),
                    None)

    def occurrences(self, name: str) -> list[Occurrence]:
        """Every place `name` is written: its declaration first, then where it is read."""
        declared = [self.declarations[name]] if name in self.declarations else []
        return declared + [o for o in self.references if o.name == name]


def index(linked: Linked) -> Symbols:
    """The names of a linked program (an empty index if it did not parse)."""
    program = linked.program
    if program is None:
        return Symbols()
    declared: list[ast.InputDecl | ast.Let] = [*program.inputs, *program.lets]
    declarations = {}
    for decl in declared:
        found = _written(decl.name, decl.span, linked.sources)
        if found is not None:
            declarations[decl.name] = found
    known = {decl.name for decl in declared}
    references = tuple(found for ref in _refs(program) if ref.name in known
                       for found in [_written(ref.name, ref.span, linked.sources)] if found is not None)
    indicators = tuple(node for node, _parents in ast.iter_nodes(program.nodes) if isinstance(node, ast.Indicator))
    return Symbols({d.name: d for d in program.inputs}, {d.name: d for d in program.lets}, declarations,
                   references, indicators)


def _written(name: str, span: Span | None, sources: dict[str, Source]) -> Occurrence | None:
    """Where `name` is written on the first line of `span` (at or after its column): a let's span starts
    at `let`, a quoted name one character before the name."""
    if span is None or span.file not in sources:
        return None
    start = sources[span.file].line(span.line).find(name, span.column - 1)
    return Occurrence(name, span.file, span.line, start, start + len(name)) if start >= 0 else None


def _refs(program: ast.Program) -> Iterator[ast.Ref]:
    """Every name read anywhere: in lets, constraints, grades, rules and declared directions."""
    expressions = [let.expr for let in program.lets] + [c.condition for c in program.constraints]
    expressions += [row.condition for row in program.grades if row.condition is not None]
    for node, _parents in ast.iter_nodes(program.nodes):
        expressions += [direction.input for direction in node.directions]
        if isinstance(node, ast.Indicator):
            expressions += [e for _name, _points, rule in ast.indicator_rules(node) for e in ast.rule_expressions(rule)]
    for expression in expressions:
        yield from (e for e in ast.walk(expression) if isinstance(e, ast.Ref))
