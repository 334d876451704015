"""What `rulecheck check` learns about a rule file: parse and link, check, then (when the checks pass)
compile and prove. Apart from the API's other half (api.py: a Ruleset scores departments) so that
`rulecheck check` does not import what scoring needs (evaluate, generate: it never scores); the API
gives these names too (rulecheck.analyze, rulecheck.api.analyze)."""

from __future__ import annotations

from pathlib import Path

import attrs

from .check import Checked, check
from .check.todo import todo_findings
from .compile import Compiled, compile_program
from .diagnostics import Diagnostic, InputFileError
from .link import Files, Linked, link_file, link_source
from .prove import Proof, prove
from .records import Record
from .source import Source


@attrs.frozen(eq=False, repr=False)
class Analysis(Record):
    """Everything `check` learns about a rule file, errors included (nothing is raised).

    The stages run as far as the file allows: parse and link, check, then (when the checks pass)
    compile and prove bounds, band tables and directions."""
    linked: Linked
    checked: Checked | None
    compiled: Compiled | None = None
    proof: Proof | None = None

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return (self.linked.diagnostics + (self.checked.diagnostics if self.checked else [])
                + (self.proof.diagnostics if self.proof else []))

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def analyze(path: str | Path) -> Analysis:
    """Parse, link and check a rule file from disk; raises InputFileError if it cannot be read."""
    try:
        linked = link_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError.unreadable_rules(exc, path) from None
    return _analysis(linked)


def analyze_text(text: str, name: str = "<string>", files: Files | None = None) -> Analysis:
    """Analyse rule-file text; `files` says where its imports are read from (the disk by default)."""
    return _analysis(link_source(Source(name, text), files))


def _analysis(linked: Linked) -> Analysis:
    checked = check(linked.program) if linked.program is not None else None
    if checked is not None and linked.sources:  # what the checked file itself says is left to do
        checked.diagnostics += todo_findings(next(iter(linked.sources.values())))
    if checked is None or not checked.ok or any(d.is_error for d in linked.diagnostics):
        return Analysis(linked, checked)
    compiled = compile_program(checked)
    return Analysis(linked, checked, compiled, prove(checked, compiled))
