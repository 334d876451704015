"""rulecheck's findings as LSP diagnostics: the code, the message with its counterexample and hint (the
hint also as related information at the same spot), the severity; and, in `data`, the quick fix a "did
you mean" hint suggests (actions.py), which the client sends back with a code-action request."""

from __future__ import annotations

from lsprotocol import types

from ..diagnostics import Diagnostic
from ..i18n import _
from .actions import fix_for
from .documents import Document
from .positions import offset_range, span_range

SOURCE = "rulecheck"


def published(document: Document, findings: list[Diagnostic]) -> list[types.Diagnostic]:
    """The findings shown in `document`: its own at their spots; those of a file it imports (or with no
    line) on its first line, the message saying where they are."""
    return [converted(document, finding) for finding in findings]


def converted(document: Document, finding: Diagnostic) -> types.Diagnostic:
    here = finding.span is not None and finding.span.file == document.name
    lines = document.lines(document.name)
    where = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    message = _message(finding)
    if here:
        assert finding.span is not None
        where = span_range(finding.span, lines)
    else:
        message = _("{location}: {message}", location=finding.location(), message=message)
    related = None
    if finding.hint and here:
        related = [types.DiagnosticRelatedInformation(types.Location(document.uri, where),
                                                      _("hint: {hint}", hint=finding.hint))]
    return types.Diagnostic(range=where, message=message, severity=_severity(finding), code=finding.code,
                            source=SOURCE, related_information=related, data=_fix_data(document, finding)
                            if here else None)


def _message(finding: Diagnostic) -> str:
    """The message, then the counterexample's lines and the hint, as `check` prints them."""
    lines = [finding.message]
    if finding.example:
        lines.append(_("counterexample:"))
        lines.extend(f"    {line}" for line in finding.example)
    if finding.hint:
        lines.append(_("hint: {hint}", hint=finding.hint))
    return "\n".join(lines)


def _severity(finding: Diagnostic) -> types.DiagnosticSeverity:
    return types.DiagnosticSeverity.Error if finding.is_error else types.DiagnosticSeverity.Warning


def _fix_data(document: Document, finding: Diagnostic) -> dict[str, object] | None:
    """The quick fix of a "did you mean" hint, as the code-action handler reads it back."""
    source = document.analysis.linked.sources.get(document.name)
    fix = fix_for(finding, source) if source is not None else None
    if fix is None:
        return None
    where = offset_range(document.lines(document.name), fix.line, fix.start, fix.end)
    return {"title": fix.title(), "newText": fix.text,
            "range": {"start": {"line": where.start.line, "character": where.start.character},
                      "end": {"line": where.end.line, "character": where.end.character}}}


def quick_fixes(uri: str, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    """A code action for each diagnostic of ours that carries a fix."""
    actions = []
    for diagnostic in diagnostics:
        data = diagnostic.data
        if diagnostic.source != SOURCE or not isinstance(data, dict) or "newText" not in data:
            continue
        start, end = data["range"]["start"], data["range"]["end"]
        where = types.Range(types.Position(start["line"], start["character"]),
                            types.Position(end["line"], end["character"]))
        edit = types.WorkspaceEdit(changes={uri: [types.TextEdit(where, data["newText"])]})
        actions.append(types.CodeAction(title=data["title"], kind=types.CodeActionKind.QuickFix,
                                        diagnostics=[diagnostic], edit=edit, is_preferred=True))
    return actions
