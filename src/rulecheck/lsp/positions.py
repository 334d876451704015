"""rulecheck's spans count code points from 1; LSP positions count UTF-16 code units from 0. The two
differ on characters outside the Basic Multilingual Plane (an emoji, a CJK Extension B character such as
𠀀): one code point, two UTF-16 units. Every position crossing the protocol goes through here."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types

from ..source import Span


def utf16_length(text: str) -> int:
    """The UTF-16 code units of `text`: a character beyond U+FFFF takes two."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def to_utf16(line: str, index: int) -> int:
    """The UTF-16 offset of the code point at `index` (from 0) of `line`."""
    return utf16_length(line[:index])


def from_utf16(line: str, character: int) -> int:
    """The code-point index (from 0) of `line` at the UTF-16 offset `character` (clamped to the line)."""
    units = 0
    for index, ch in enumerate(line):
        if units >= character:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def position(lines: list[str], line: int, column: int) -> types.Position:
    """The LSP position of a (line, column) counted from 1 in code points."""
    text = lines[line - 1] if 1 <= line <= len(lines) else ""
    return types.Position(line=max(line - 1, 0), character=to_utf16(text, max(column - 1, 0)))


def span_range(span: Span, lines: list[str]) -> types.Range:
    """The LSP range of a span of the file whose lines are `lines`."""
    return types.Range(start=position(lines, span.line, span.column),
                       end=position(lines, span.end_line, span.end_column))


def offset_range(lines: list[str], line: int, start: int, end: int) -> types.Range:
    """The LSP range of code points [start, end) (from 0) of line `line` (from 1)."""
    return types.Range(start=position(lines, line, start + 1), end=position(lines, line, end + 1))


def uri_to_path(uri: str) -> str:
    """The file a file:// URI names."""
    return unquote(urlparse(uri).path)


def path_to_uri(path: str) -> str:
    """The file:// URI of a path, by its real location, so a file imported as ../framework.rules and the
    same file opened in the editor have one URI."""
    return Path(os.path.realpath(path)).as_uri()
