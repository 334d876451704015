"""Static checks on a linked program: names, then types and units, then weights.

Each pass is a module with one job, from the program to a list of diagnostics; `check` runs them
in order and returns everything the compiler needs.
"""

from __future__ import annotations

import attrs

from ..syntax import ast
from .names import Symbols, resolve
from .types import check_types, ordered_lets
from .usage import check_usage
from .weights import check_weights


@attrs.define
class Checked:
    """A program whose names are resolved, with its symbols, derived-value types and findings."""
    program: ast.Program
    symbols: Symbols
    let_types: dict
    diagnostics: list

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def check(program: ast.Program) -> Checked:
    resolved, symbols, diagnostics = resolve(program)
    let_types, type_findings = check_types(resolved, symbols)
    diagnostics += type_findings
    diagnostics += check_weights(resolved)
    if not any(d.code in ("E201", "E207") for d in diagnostics):  # an unresolved name may be a misspelled use
        diagnostics += check_usage(resolved, symbols)
    # A band table's subject is copied into each of its rows' comparisons: report a problem with
    # it once, not once per row.
    diagnostics = list(dict.fromkeys(diagnostics))
    return Checked(resolved, symbols, let_types, diagnostics)


__all__ = ["Checked", "check", "ordered_lets"]
