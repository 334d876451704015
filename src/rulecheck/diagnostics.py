"""Diagnostics: one type for every finding of every stage, and the exceptions that carry them.

Each stage collects all its findings before reporting, so an analyst sees every problem of a file
in one run. A diagnostic renders as `file:line:col: error[CODE]: message`, the source line with a
caret under the spot, and a hint that says how to fix it.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Mapping

import attrs

from .source import Source, Span


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Diagnostic:
    """A finding: what is wrong (code, message), where (span, or a facts path), and how to fix it."""

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    # Where no line and column exist (a JSON fact, a whole file): the file and the path in it.
    where: str | None = None
    # Facts that show the problem (a counterexample), as lines an analyst can paste into a case.
    example: tuple = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if self.span is not None:
            return str(self.span)
        return self.where or "<input>"

    def render(self, sources: Mapping[str, Source] | None = None) -> str:
        head = f"{self.location()}: {self.severity.value}[{self.code}]: {self.message}"
        lines = [head]
        source = (sources or {}).get(self.span.file) if self.span is not None else None
        if source is not None and self.span is not None:
            excerpt = source.excerpt(self.span)
            if excerpt:
                lines.append(excerpt)
        if self.example:
            lines.append("  = counterexample:")
            lines.extend(f"        {line}" for line in self.example)
        if self.hint:
            lines.append(f"  = hint: {self.hint}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "location": self.location(),
        }
        if self.span is not None:
            data.update(file=self.span.file, line=self.span.line, column=self.span.column)
        if self.example:
            data["counterexample"] = list(self.example)
        if self.hint:
            data["hint"] = self.hint
        return data


def error(code: str, message: str, span: Span | None = None, hint: str | None = None, *,
          where: str | None = None, example: tuple = ()) -> Diagnostic:
    return Diagnostic(code, message, span, hint, Severity.ERROR, where, tuple(example))


def warning(code: str, message: str, span: Span | None = None, hint: str | None = None, *,
            where: str | None = None, example: tuple = ()) -> Diagnostic:
    return Diagnostic(code, message, span, hint, Severity.WARNING, where, tuple(example))


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    span = diagnostic.span
    if span is None:
        return (diagnostic.where or "", 0, 0, diagnostic.code)
    return (span.file, span.line, span.column, diagnostic.code)


def render_all(diagnostics: Iterable[Diagnostic], sources: Mapping[str, Source] | None = None) -> str:
    return "\n".join(d.render(sources) for d in sorted(diagnostics, key=sort_key))


class RulecheckError(Exception):
    """Base of every error rulecheck raises for bad input; carries the diagnostics that explain it."""

    def __init__(self, diagnostics: Iterable[Diagnostic], sources: Mapping[str, Source] | None = None):
        self.diagnostics = sorted(diagnostics, key=sort_key)
        self.sources = dict(sources or {})
        super().__init__(self.render())

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def render(self) -> str:
        return render_all(self.diagnostics, self.sources)


class InputFileError(RulecheckError):
    """A rule or facts file cannot be read at all (missing, unreadable, not UTF-8)."""

    @classmethod
    def single(cls, code: str, message: str, path: str | os.PathLike[str]) -> InputFileError:
        return cls([error(code, message, None, where=str(path))])


class RuleFileError(RulecheckError):
    """A rule file does not parse, names something unknown, or mixes types."""


class FactsError(RulecheckError):
    """Facts are missing, of the wrong type, outside their domain, or unknown to the rule file."""


class EvaluationError(RulecheckError):
    """Scoring failed on valid facts: a division by zero, or a score outside its indicator's points."""
