"""Diagnostics: one type for every finding of every stage, and the exceptions that carry them.

Each stage collects all its findings before reporting, so an analyst sees every problem of a file
in one run. A diagnostic renders as `file:line:col: error[CODE]: message`, the source line with a
caret under the spot, and a hint that says how to fix it.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterable, Mapping

import attrs

from .i18n import _
from .records import Record
from .source import Source, Span


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


# A name, a value or a source line shown in a message may hold control characters (a facts key
# "\x1b]0;…\x07" from a hostile file): printed as they are, they would drive the terminal (move the cursor,
# rewrite the title, hide text). Each is shown as its Unicode control picture (␛, ␀; � for the C1 controls),
# one column wide like what it replaces, so a caret under an excerpt stays aligned. Tabs and line breaks stay.
CONTROL_PICTURES = ({code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n"}
                    | {0x7F: 0x2421} | dict.fromkeys(range(0x80, 0xA0), 0xFFFD))


def printable(text: str) -> str:
    """`text` with its control characters shown as pictures, safe to print on a terminal."""
    return text.translate(CONTROL_PICTURES)


@attrs.frozen(eq=False, repr=False)
class Diagnostic(Record):
    """A finding: what is wrong (code, message), where (span, or a facts path), and how to fix it."""

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    # Where no line and column exist (a JSON fact, a whole file): the file and the path in it.
    where: str | None = None
    # Facts that show the problem (a counterexample), as lines an analyst can paste into a case.
    example: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if self.span is not None:
            return str(self.span)
        return self.where or "<input>"

    def render(self, sources: Mapping[str, Source] | None = None) -> str:
        label = _("error") if self.is_error else _("warning")
        head = f"{self.location()}: {label}[{self.code}]: {self.message}"
        lines = [head]
        source = (sources or {}).get(self.span.file) if self.span is not None else None
        if source is not None and self.span is not None:
            excerpt = source.excerpt(self.span)
            if excerpt:
                lines.append(excerpt)
        if self.example:
            lines.append("  = " + _("counterexample:"))
            lines.extend(f"        {line}" for line in self.example)
        if self.hint:
            lines.append("  = " + _("hint: {hint}", hint=self.hint))
        return printable("\n".join(lines))

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
          where: str | None = None, example: Iterable[str] = ()) -> Diagnostic:
    return Diagnostic(code, message, span, hint, Severity.ERROR, where, tuple(example))


def warning(code: str, message: str, span: Span | None = None, hint: str | None = None, *,
            where: str | None = None, example: Iterable[str] = ()) -> Diagnostic:
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

    def __reduce__(self) -> tuple[Callable[..., RulecheckError], tuple[object, ...], dict[str, object]]:
        # pickle's default calls cls(*self.args), and args holds the rendered text, not the diagnostics:
        # rebuild without __init__, then restore the attributes (diagnostics, sources, a subclass's own).
        # An error raised in a process pool's worker then reaches the parent (instead of hanging Pool.map).
        return (_unpickled_error, (type(self), self.args), self.__dict__)


def _unpickled_error(cls: type[RulecheckError], args: tuple[object, ...]) -> RulecheckError:
    return cls.__new__(cls, *args)  # BaseException.__new__ sets args; pickle then restores __dict__


class InputFileError(RulecheckError):
    """A rule or facts file cannot be read at all (missing, unreadable, not UTF-8)."""

    @classmethod
    def single(cls, code: str, message: str, path: str | os.PathLike[str]) -> InputFileError:
        return cls([error(code, message, None, where=str(path))])

    @classmethod
    def unreadable_rules(cls, exc: OSError | UnicodeDecodeError, path: str | os.PathLike[str],
                         imported: bool = False) -> InputFileError:
        """E001: the rule file (or, `imported`, a file it imports) cannot be read, or is not UTF-8 text."""
        if isinstance(exc, UnicodeDecodeError):
            message = _("a file it imports is not UTF-8 text") if imported else _("the rule file is not UTF-8 text")
            return cls([error("E001", message, None, _("save it as UTF-8 (in Notepad or WPS: 另存为, encoding UTF-8)"),
                              where=str(path))])
        return cls([error("E001", _("cannot read the rule file: {reason}", reason=exc.strerror or exc), None,
                          getattr(exc, "hint", None), where=str(path))])


class RuleFileError(RulecheckError):
    """A rule file does not parse, names something unknown, or mixes types."""


class FactsError(RulecheckError):
    """Facts are missing, of the wrong type, outside their domain, or unknown to the rule file."""


class EvaluationError(RulecheckError):
    """Scoring failed on valid facts: a division by zero, or a score outside its indicator's points."""
