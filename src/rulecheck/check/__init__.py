"""Static checks on a linked program: names, then types and units, then weights.

Each pass is a module with one job, from the program to a list of diagnostics; `check` runs them
in order and returns everything the compiler needs.
"""

from __future__ import annotations

import attrs

from ..records import MutableRecord
from ..syntax import ast
from .constraints import check_constraints
from .lets import LetReads, ordered_lets
from .names import Symbols, resolve
from .types import TypeChecker, check_types
from .usage import check_usage
from .weights import check_weights


@attrs.define(eq=False, repr=False)
class Checked(MutableRecord):
    """A program whose names are resolved, with its symbols, derived-value types and findings, and
    what each derived value reads (found once, for every pass that follows a let reference)."""
    program: ast.Program
    symbols: Symbols
    let_types: dict
    diagnostics: list
    reads: LetReads = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self):
        self.reads = LetReads.of(self.program.lets)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    def inputs_read(self, expr) -> set:
        """The inputs an expression reads, through the derived values it reads too."""
        return self.reads.inputs_of(expr)

    def display_kind(self, expr) -> str | None:
        """'percent' for a ratio, so 0.0486 shows as 4.86%; None to show the plain number."""
        return "percent" if TypeChecker(self.symbols, [], self.let_types).of(expr).unit == "ratio" else None

    def display_kinds(self) -> dict:
        """Name → how its values are shown: an input's kind, a let's declared type, else 'percent' for a
        let that gives a ratio and 'number' for any other."""
        kinds = {name: decl.type.kind for name, decl in self.symbols.inputs.items()}
        for let in self.program.lets:
            unit = getattr(self.let_types.get(let.name), "unit", None)
            shown = {"ratio": "percent", "date": "date"}.get(unit or "", "number")
            kinds[let.name] = let.type.kind if let.type else shown
        return kinds


def check(program: ast.Program) -> Checked:
    resolved, symbols, diagnostics = resolve(program)
    let_types, type_findings = check_types(resolved, symbols)
    diagnostics += type_findings
    resolved, constraint_findings = check_constraints(resolved, symbols, let_types)
    diagnostics += constraint_findings
    diagnostics += check_weights(resolved)
    if not any(d.code in ("E201", "E207") for d in diagnostics):  # an unresolved name may be a misspelled use
        diagnostics += check_usage(resolved, symbols)
    # A band table's subject is copied into each of its rows' comparisons: report a problem with
    # it once, not once per row.
    diagnostics = list(dict.fromkeys(diagnostics))
    return Checked(resolved, symbols, let_types, diagnostics)


__all__ = ["Checked", "check", "ordered_lets"]
