"""Unused declarations: an input (W201) or derived value (W202) that no rule reads.

A name is used when a scoring rule, a grade row, or a used derived value reads it; a direction
(`increasing in X`) only describes a rule, so it is no use. Only the checked file's own declarations
are reported: a department file that extends a framework leaf leaves that leaf's inputs unused on
purpose. `check` skips this pass while a name is unresolved (E201, E207): it may be a misspelled use.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, warning
from ..i18n import _
from ..syntax import ast
from .names import Symbols


def names_read(expr) -> set[str]:
    """The inputs and derived values an expression reads (a grade value reads its grade)."""
    found = set()
    for e in ast.walk(expr):
        if isinstance(e, ast.Ref):
            found.add(e.name)
        elif isinstance(e, ast.GradeValue):
            found.add(e.grade)
    return found


def rule_roots(program: ast.Program) -> set[str]:
    """The names the scoring rules and grade rows read directly.

    The indicators of an `extend` that could not be applied (E205, E206) count too: they are
    written in the file, and the error about the extend says what is wrong.
    """
    found = set()
    extends = tuple(child for ext in program.extends for child in ext.children)
    for item, __ in ast.iter_nodes(program.nodes + extends):
        if isinstance(item, ast.Indicator):
            for _name, _points, rule in ast.indicator_rules(item):
                for expr in ast.rule_expressions(rule):
                    found |= names_read(expr)
    for row in program.grades:
        if row.condition is not None:
            found |= names_read(row.condition)
    return found


def used_names(program: ast.Program, symbols: Symbols) -> set[str]:
    """Every name the rules read, directly or through the derived values they read."""
    used = set()
    pending = list(rule_roots(program))
    while pending:
        name = pending.pop()
        if name in used:
            continue
        used.add(name)
        let = symbols.lets.get(name)
        if let is not None:
            pending.extend(names_read(let.expr))
    return used


def check_usage(program: ast.Program, symbols: Symbols) -> list[Diagnostic]:
    used = used_names(program, symbols)
    # unused derived values that read a name: "only X reads it" says why a name in a let is unused
    unused_readers: dict[str, list[str]] = {}
    for let in symbols.lets.values():
        if let.name not in used:
            for name in sorted(names_read(let.expr)):
                unused_readers.setdefault(name, []).append(let.name)
    in_directions = {d.input.name for item, __ in ast.iter_nodes(program.nodes) for d in item.directions}

    def own(decl) -> bool:
        return decl.span is not None and decl.span.file == program.file

    def why(name: str) -> str:
        readers = unused_readers.get(name)
        if readers:
            listed = ", ".join(f"'{r}'" for r in readers)
            if len(readers) == 1:
                return _("only the unused derived value {listed} reads it", listed=listed)
            return _("only the unused derived values {listed} read it", listed=listed)
        if name in in_directions:
            return _("only a direction names it, and no rule reads it")
        return _("no rule reads it")

    diagnostics = []
    for decl in symbols.inputs.values():
        if decl.name not in used and own(decl):
            diagnostics.append(warning(
                "W201", _("the input '{name}' is not used: {reason}", name=decl.name, reason=why(decl.name)), decl.span,
                _("use it in a rule, or remove it: a fact for it is still checked against its type and "
                  "domain, but changes no score and may be left out")))
    for let in symbols.lets.values():
        if let.name not in used and own(let):
            diagnostics.append(warning(
                "W202", _("the derived value '{name}' is not used: {reason}", name=let.name, reason=why(let.name)),
                let.span,
                _("use it in a rule, or remove it: scoring never computes a derived value that no rule reads")))
    return diagnostics
