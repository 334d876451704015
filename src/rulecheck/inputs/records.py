"""CSV records, read so that one malformed record costs one row and never the rows after it.

Python's csv module, given a stray `"` (a note `"十四五"规划` typed by hand, an unterminated quote),
reads on to the next quote, however many lines away, and returns the lines between as one cell. Here a
record is parsed from its physical line alone unless a quoted cell really continues on the next lines,
and such a cell is accepted only if it closes within MAX_RECORD_LINES lines, in a column that is not
read as an input (no fact holds a line break: a note column may), and the record then has as many
cells as the header. Anything else is a `Problem` at the record's first line (and column, when known),
and reading resumes at the NEXT physical line, so that every line of the file is a record of its own
or part of one that is well formed.

The cells of a record without any `"` are its line split at the commas, as the csv module reads them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterator
from typing import IO

import attrs

from ..diagnostics import InputFileError

MAX_RECORD_LINES = 20  # the most physical lines a record (a quoted cell with line breaks) may take
CELL_LIMIT = 131_072  # the most characters in a cell, as the csv module's field_size_limit()
QUOTE_HINT = ('write a " inside a cell as "" and put the whole cell in quotes ("the ""十四五"" plan"), '
              'or delete the stray "')
COUNT_HINT = "check for a missing or extra comma; put a value that holds a comma in double quotes"
BLANKS = " \t"
NOT_UTF8_HINT = "save the file as UTF-8 (in Excel: 'CSV UTF-8'; in WPS: encoding UTF-8), not GBK"


@attrs.frozen
class Line:
    """A physical line: its number, its text without the line end, or None if it is not UTF-8 (raw)."""
    number: int
    text: str | None
    raw: bytes = b""


def physical_lines(stream: IO[bytes], path) -> Generator[Line, None, None]:
    """The file's lines, ended by \\n, \\r\\n or a lone \\r (Excel for Mac's "CSV (Macintosh)"), as text
    without the line end (a byte-order mark before the first is dropped); closes the stream at the end.
    A read that fails half-way (a disk error) is an InputFileError, never taken for a write error."""
    with stream:
        number = 0
        for chunk in _chunks(stream, path):
            for raw in chunk.splitlines(keepends=True) if b"\r" in chunk else (chunk,):
                number += 1
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield Line(number, None, raw)
                else:
                    yield Line(number, text.rstrip("\r\n"))


def _chunks(stream: IO[bytes], path) -> Iterator[bytes]:
    while True:
        try:
            chunk = stream.readline()
        except OSError as exc:
            raise InputFileError.single("E002", f"cannot read {path}: {exc.strerror or exc}", path) from None
        if not chunk:
            return
        yield chunk


def not_utf8(raw: bytes) -> str:
    """Which text a line is not, and what it looks like (GBK is what Excel and WPS save by default)."""
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return "not UTF-8 text (it looks like GBK)"


@attrs.frozen
class Problem:
    """Why a record cannot be read: a message and hint for the analyst, where (line, column: from 1)."""
    code: str
    message: str
    hint: str
    line: int
    column: int | None = None
    text: str | None = None  # the line it is on, to show under the message


@attrs.frozen
class Record:
    """The cells of one record, or the problem that stops it (with the cells read before it)."""
    line: int  # the physical line it starts on
    cells: list[str]
    lines: int = 1  # the physical lines it takes
    problem: Problem | None = None


class Records(Iterator[Record]):
    """The records of a stream of physical lines. `columns` (the header's names, set once the header is
    read) fixes the number of cells; `may_span(index)` says which cells may hold line breaks."""

    def __init__(self, lines: Iterator[Line]):
        self._lines = lines
        self._ahead: deque[Line] = deque()
        self.columns: list[str] | None = None
        self.may_span: Callable[[int], bool] = lambda index: False

    def __next__(self) -> Record:
        first = self._line(0)
        if first is None:
            raise StopIteration
        record = self._parse(first)
        for _ in range(record.lines if record.problem is None else 1):
            self._ahead.popleft()
        return record

    def _line(self, offset: int) -> Line | None:
        """The line `offset` lines after the current record's first, read on as needed; None past the end."""
        while len(self._ahead) <= offset:
            line = next(self._lines, None)
            if line is None:
                return None
            self._ahead.append(line)
        return self._ahead[offset]

    def _parse(self, first: Line) -> Record:
        if first.text is None:
            return Record(first.number, [], problem=Problem("F508", f"this row is {not_utf8(first.raw)}",
                                                            NOT_UTF8_HINT, first.number))
        text = first.text
        if '"' not in text and "\0" not in text and len(text) <= CELL_LIMIT:
            return self._counted(Record(first.number, text.split(",")))
        return _Parser(self, first).record()

    def _counted(self, record: Record) -> Record:
        """The record, or its problem if it has more or fewer cells than the header."""
        if record.problem is not None or not any(cell.strip() for cell in record.cells):
            return record  # a blank row (as Excel leaves at the end of a sheet) is no department
        where = f" (lines {record.line}–{record.line + record.lines - 1})" if record.lines > 1 else ""
        if self.columns is not None and len(record.cells) != len(self.columns):
            return attrs.evolve(record, problem=Problem(
                "F508", f"this row has {_cells(len(record.cells))}, the header has {len(self.columns)}{where}",
                COUNT_HINT + ("; or a stray \" joined these lines into one row" if where else ""), record.line))
        return record

    def cell_name(self, index: int) -> str:
        """'cell 3 (满意度)': a cell by its position and, when the header has one, its column's name."""
        name = self.columns[index] if self.columns is not None and index < len(self.columns) else ""
        return f"cell {index + 1}" + (f" ({name})" if name else "")


def _cells(count: int) -> str:
    return f"{count} cell{'s' if count != 1 else ''}"


class _Parser:
    """One record with a quote (or a NUL, or a long cell) in its first line, read cell by cell."""

    def __init__(self, records: Records, first: Line):
        self.records, self.first = records, first
        self.line: Line = first
        self.text: str = first.text or ""
        self.taken = 1  # physical lines read
        self.cells: list[str] = []

    def record(self) -> Record:
        position = 0
        while True:
            start = position
            while position < len(self.text) and self.text[position] in BLANKS:
                position += 1
            if position < len(self.text) and self.text[position] == '"':
                cell, position, problem = self._quoted(position)
            else:
                cell, position, problem = self._plain(start)
            problem = problem or self._check(cell, start)
            if problem is not None:
                return Record(self.first.number, self.cells, self.taken, problem)
            self.cells.append(cell)
            if position >= len(self.text):
                return self.records._counted(Record(self.first.number, self.cells, self.taken))
            position += 1  # the comma

    def _plain(self, start: int) -> tuple[str, int, Problem | None]:
        comma = self.text.find(",", start)
        end = len(self.text) if comma < 0 else comma
        cell = self.text[start:end]
        quote = cell.find('"')
        if quote >= 0:
            return cell, end, self._problem(f"{self._name()} has a \" in its text but does not start with one",
                                            start + quote)
        return cell, end, None

    def _quoted(self, opening: int) -> tuple[str, int, Problem | None]:
        """The cell that opens with the quote at `opening`, over as many lines as it takes (a note only:
        no value holds a line break, so in a column that is read the quote must close on its line)."""
        line, parts, position = self.line, [], opening + 1
        while True:
            quote = self.text.find('"', position)
            if quote < 0:
                if not self.records.may_span(len(self.cells)):
                    return "", position, Problem(
                        "F521", f"{self._name()} opens a quote that is not closed on its line (no value holds a "
                        "line break)", QUOTE_HINT, line.number, opening + 1, line.text)
                parts.append(self.text[position:])
                following = self.records._line(self.taken) if self.taken < MAX_RECORD_LINES else None
                if following is None or following.text is None:
                    return "", position, self._unclosed(line, opening, following)
                parts.append("\n")
                self.line, self.text, position = following, following.text, 0
                self.taken += 1
            elif self.text.startswith('"', quote + 1):  # "" stands for one quote
                parts.append(self.text[position:quote + 1])
                position = quote + 2
            else:
                parts.append(self.text[position:quote])
                break
        position = quote + 1
        while position < len(self.text) and self.text[position] in BLANKS:
            position += 1
        if position < len(self.text) and self.text[position] != ",":
            return "", position, self._problem(f"{self._name()} has text after its closing quote", position)
        return "".join(parts), position, None

    def _unclosed(self, line: Line, opening: int, following: Line | None) -> Problem:
        if following is not None:
            why = f"line {following.number} is not UTF-8 text"
        elif self.taken >= MAX_RECORD_LINES:
            why = f"not within {MAX_RECORD_LINES} lines"
        else:
            why = "the file ends first"
        return Problem("F521", f"{self._name()} opens a quote that is never closed ({why}); the lines after "
                       "it are read as rows of their own", QUOTE_HINT, line.number, opening + 1, line.text)

    def _check(self, cell: str, start: int) -> Problem | None:
        nul = cell.find("\0")
        if nul >= 0:
            found = self.text.find("\0", 0 if "\n" in cell else start)
            return Problem("F508", f"{self._name()} holds a NUL character, which is not text",
                           "the file may be UTF-16 or partly binary: save it as CSV UTF-8", self.line.number,
                           found + 1 if found >= 0 else None, self.text)
        if len(cell) > CELL_LIMIT:
            return Problem("F508", f"{self._name()} is longer than {CELL_LIMIT:,} characters",
                           "a cell holds one value: check for a missing quote or a file that is not a CSV",
                           self.line.number)
        return None

    def _name(self) -> str:
        return self.records.cell_name(len(self.cells))

    def _problem(self, message: str, offset: int) -> Problem:
        return Problem("F521", message, QUOTE_HINT, self.line.number, offset + 1, self.text)
