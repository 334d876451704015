"""Source text and positions: where a rule, a fact or a diagnostic comes from."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import attrs


@attrs.frozen
class Span:
    """A range in a named file; lines and columns count from 1, the end is exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, file: str, line: int, column: int, width: int = 1) -> Span:
        return cls(file, line, column, line, column + width)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def covers(self, other: Span | None) -> bool:
        """Whether `other` starts on one of this span's lines (a finding inside an indicator's block)."""
        return other is not None and other.file == self.file and self.line <= other.line <= self.end_line


@attrs.frozen
class Source:
    """The text of one rule or facts file, with the name used in messages."""

    name: str
    text: str

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        path = Path(path)
        text = path.read_text(encoding="utf-8-sig")
        return cls(str(path), text)

    def line(self, number: int) -> str:
        lines = self.text.splitlines()
        return lines[number - 1] if 1 <= number <= len(lines) else ""

    def excerpt(self, span: Span) -> str:
        """The span's first line and a caret line under it, aligned for wide (Chinese) characters."""
        text = self.line(span.line).rstrip("\n")
        if not text:
            return ""
        start = max(span.column - 1, 0)
        end = span.end_column - 1 if span.end_line == span.line else len(text)
        end = max(end, start + 1)
        gutter = f"{span.line:>5} | "
        pad = " " * display_width(text[:start].expandtabs(4))
        marks = "^" * max(display_width(text[start:end]), 1)
        return f"{gutter}{text.expandtabs(4)}\n{' ' * (len(gutter) - 2)}| {pad}{marks}"


def display_width(text: str) -> int:
    """Terminal columns taken by text: Chinese characters and full-width punctuation take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad_to(text: str, width: int, align: str = "<") -> str:
    """Pad text with spaces to a display width (str.ljust counts a Chinese character as one)."""
    fill = " " * max(width - display_width(text), 0)
    return text + fill if align == "<" else fill + text
