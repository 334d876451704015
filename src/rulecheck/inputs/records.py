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

Lines are decoded in one encoding: UTF-8 (a byte-order mark is dropped), GB18030 (a superset of GBK,
what Excel's "CSV (逗号分隔)" and WPS save on Chinese Windows) or GBK, given or detected (`detect`): a
line that is not text in it is a Problem of that line alone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterator
from typing import IO, NamedTuple

import attrs

from ..diagnostics import InputFileError
from ..i18n import N_, _, ngettext

MAX_RECORD_LINES = 20  # the most physical lines a record (a quoted cell with line breaks) may take
CELL_LIMIT = 131_072  # the most characters in a cell, as the csv module's field_size_limit()
QUOTE_HINT = N_('write a " inside a cell as "" and put the whole cell in quotes ("the ""十四五"" plan"), '
                'or delete the stray "')
COUNT_HINT = N_("check for a missing or extra comma; put a value that holds a comma in double quotes")
BLANKS = " \t"
NOT_UTF8_HINT = N_("save the file as UTF-8 (in Excel: 'CSV UTF-8'; in WPS: encoding UTF-8), not GBK")
MIXED_HINT = N_("the file is read in the encoding of its other lines: save the whole file in one encoding "
                "(in Excel: 'CSV UTF-8'), or give it with --encoding")
ENCODINGS = {"utf-8": "UTF-8", "gb18030": "GB18030", "gbk": "GBK"}  # what --encoding takes → its name
SAMPLE = 1 << 16  # the bytes at the start of a file its encoding is judged by
UTF8_BOM = b"\xef\xbb\xbf"


@attrs.frozen
class Line:
    """A physical line: its number, its text without the line end, or None if it is not text in the
    file's encoding (raw: its bytes; encoding: the one it was read in)."""
    number: int
    text: str | None
    raw: bytes = b""
    encoding: str = "utf-8"


def normal_encoding(name: str | None) -> str | None:
    """'utf-8', 'gb18030' or 'gbk' for a name of one ('UTF8', 'GB18030'…), None for None (detect it);
    ValueError for another."""
    if name is None:
        return None
    key = name.strip().lower().replace("_", "-")
    key = {"utf8": "utf-8", "utf-8-sig": "utf-8", "cp936": "gbk", "gb2312": "gbk"}.get(key, key)
    if key not in ENCODINGS:
        raise ValueError(_("the encoding is utf-8, gb18030 or gbk, not '{name}'", name=name))
    return key


def detect(sample: bytes) -> str | None:
    """The encoding the start of a file is in: UTF-8 (with a byte-order mark, or when its lines that are not
    ASCII are UTF-8), else GB18030 when more of them are GB18030 than UTF-8; None when they are all ASCII
    (the first line that is not decides)."""
    if sample.startswith(UTF8_BOM):
        return "utf-8"
    if b"\n" in sample[:-1] and len(sample) >= SAMPLE:
        sample = sample[:sample.rindex(b"\n")]  # whole lines only: a character may be cut at the end
    utf8 = gb = 0
    for raw in sample.splitlines():
        if raw.isascii():
            continue
        if _decodes(raw, "utf-8"):
            utf8 += 1
        elif _decodes(raw, "gb18030"):
            gb += 1
    if not utf8 and not gb:
        return None
    return "gb18030" if gb > utf8 else "utf-8"


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def physical_lines(stream: IO[bytes], path, encoding: str | None = "utf-8") -> Generator[Line, None, None]:
    """The file's lines, ended by \\n, \\r\\n or a lone \\r (Excel for Mac's "CSV (Macintosh)"), as text
    without the line end (a byte-order mark before the first is dropped); closes the stream at the end.
    With `encoding` None, the first line that is not ASCII decides it (UTF-8 if it is UTF-8, else
    GB18030 if it is that). A read that fails half-way (a disk error) is an InputFileError, never taken
    for a write error."""
    number = 0
    for line in decoded_lines(stream, path, encoding):
        number += 1
        yield Line(number, line) if isinstance(line, str) else line


def decoded_lines(stream: IO[bytes], path, encoding: str | None = "utf-8") -> Generator[str | Line, None, None]:
    """physical_lines' lines, each the str of its text, or a Line if it is not text in the encoding: the
    lines a CSV is read from, their numbers counted by the reader (a Line for each costs more than
    splitting the line). A block of lines ended by \\n or \\r\\n is decoded and split at once; one that
    holds a lone \\r, that is not text in the encoding or decides it, line by line as before."""
    with stream:
        number = 0
        for block in _blocks(stream, path):
            if number == 0:  # the first line, which may start with a byte-order mark, on its own
                end = _first_line_end(block)
                first, encoding = _decoded_one_by_one(block[:end], number, encoding)
                number += len(first)
                yield from first
                block = block[end:]
            lines, encoding = decoded_block(block, number, encoding)
            number += len(lines)
            yield from lines


def decoded_block(block: bytes, number: int, encoding: str | None) -> tuple[list[str] | list[str | Line], str | None]:
    """The lines of a block of whole lines after line `number` (the first line of the file excepted), as
    decoded_lines gives them, and the encoding after it (decided by its first line that is not ASCII when
    `encoding` is None): here, or in a worker process given a chunk of the file (raw_chunks). A block
    split anywhere between two lines gives the same lines in its two parts, in turn."""
    lines: list[str] | list[str | Line] | None = None
    if encoding is not None or block.isascii():
        lines = _decoded_at_once(block, encoding or "ascii")
    if lines is None:
        lines, encoding = _decoded_one_by_one(block, number, encoding)
    return lines, encoding


def encoding_after(block: bytes, encoding: str | None) -> str | None:
    """The encoding lines are read in after a block of them, as decoded_block decides it, without
    decoding the block: `encoding` if it is known or the block is ASCII, else what its first line that
    is not ASCII decides."""
    if encoding is not None or block.isascii():
        return encoding
    return next(_decided(raw) for raw in block.splitlines() if not raw.isascii())


def _decided(raw: bytes) -> str:
    """The encoding the first line that is not ASCII decides: UTF-8 if it is UTF-8 (or not GB18030 either)."""
    return "utf-8" if _decodes(raw, "utf-8") or not _decodes(raw, "gb18030") else "gb18030"


def line_count(block: bytes) -> int:
    """The physical lines of a block of whole lines, as decoded_block splits it (ended by \\n, \\r\\n or a
    lone \\r; the last may have no line end), counted in C."""
    ends = block.count(b"\n")
    if b"\r" in block:
        ends += block.count(b"\r") - block.count(b"\r\n")
    return ends + (not block.endswith((b"\n", b"\r")) and bool(block))


def _first_line_end(block: bytes | bytearray) -> int:
    """Where the block's first line ends, after its line end (\\n, \\r\\n or a lone \\r)."""
    ends = [index for index in (block.find(b"\n"), block.find(b"\r")) if index >= 0]
    if not ends:
        return len(block)
    end = min(ends)
    return end + 2 if block.startswith(b"\r\n", end) else end + 1


def _decoded_at_once(block: bytes, encoding: str) -> list[str] | None:
    """A block's lines, if its line ends are \\n or \\r\\n and it is all text in `encoding`; else None.
    Splitting the decoded text at \\n splits it as its bytes: no character of UTF-8, GB18030 or GBK holds
    the byte of \\n or \\r."""
    if b"\r" in block:
        block = block.replace(b"\r\n", b"\n")
        if b"\r" in block:
            return None
    try:
        text = block.decode(encoding)
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # after the last line end
    return lines


def _decoded_one_by_one(block: bytes, number: int, encoding: str | None) -> tuple[list[str | Line], str | None]:
    """A block's lines decoded one at a time (the line before the block is `number`), each a str or, if it
    is not text in the encoding, a Line; and the encoding, decided by the first line that is not ASCII
    when `encoding` is None."""
    lines: list[str | Line] = []
    for raw in block.splitlines(keepends=True):
        number += 1
        if encoding is None and not raw.isascii():
            encoding = _decided(raw)
        used = encoding or "utf-8"
        try:
            text = raw.decode("utf-8-sig" if number == 1 and used == "utf-8" else used)
        except UnicodeDecodeError:
            lines.append(Line(number, None, raw, used))
        else:
            if number == 1:
                text = text.removeprefix("\ufeff")
            lines.append(text.rstrip("\r\n"))
    return lines, encoding


BLOCK = 1 << 18  # the bytes read at a time


def _blocks(stream: IO[bytes], path) -> Iterator[bytes]:
    """The stream's bytes in blocks of whole lines: each ends with a \\n, but the last."""
    parts: list[bytes] = []
    while True:
        try:
            chunk = stream.read(BLOCK)
        except OSError as exc:
            raise InputFileError.single("E002", _("cannot read {path}: {reason}", path=path,
                                                  reason=exc.strerror or exc), path) from None
        if not chunk:
            if parts:
                yield b"".join(parts)
            return
        end = chunk.rfind(b"\n") + 1
        if not end:
            parts.append(chunk)  # a line longer than a block
            continue
        yield b"".join([*parts, chunk[:end]]) if parts else chunk[:end]
        parts = [chunk[end:]] if end < len(chunk) else []


@attrs.frozen
class RawChunk:
    """Whole lines of a file, not yet decoded, for another process to read into records (workers.py):
    their bytes, the bytes of the lines after them that a record starting in them may take (a quoted
    cell with line breaks: MAX_RECORD_LINES - 1 lines, fewer at the end of the file, where a record's
    reading then ends as it would in the whole file), the number of the first line, how many lines they
    are, and the encoding lines are read in where they start (None: still to be decided)."""
    data: bytes
    ahead: bytes
    first: int
    lines: int
    encoding: str | None

    @property
    def last(self) -> int:
        """The number of the chunk's last line."""
        return self.first + self.lines - 1


def raw_chunks(stream: IO[bytes], path, rows: int, encoding: str | None) -> Generator[RawChunk, None, None]:
    """A file's lines after its first (a CSV's header), in chunks of `rows` lines ended by \\n (more lines
    when some end with a lone \\r), read `encoding` (None: detected as decoded_lines detects it); closes
    the stream at the end. This process only looks for line ends and counts them, in C."""
    with stream:
        blocks = _blocks(stream, path)
        buffer = bytearray(next(blocks, b""))
        header = _first_line_end(buffer)
        encoding = encoding_after(bytes(buffer[:header]), encoding)
        del buffer[:header]  # in place: a bytearray drops its start without moving the rest
        number = 2
        while end := _after_lines(buffer, 0, rows, blocks):
            ahead = _after_lines(buffer, end, MAX_RECORD_LINES - 1, blocks)
            data = bytes(buffer[:end])
            chunk = RawChunk(data, bytes(buffer[end:ahead]), number, line_count(data), encoding)
            del buffer[:end]
            number += chunk.lines
            encoding = encoding_after(data, encoding)
            yield chunk


def _after_lines(buffer: bytearray, start: int, count: int, blocks: Iterator[bytes]) -> int:
    """Where the `count`-th line ended by \\n from `start` ends in `buffer`, the file's next blocks read
    into it as needed; the buffer's end if the file ends first."""
    position = start
    for _line in range(count):
        found = buffer.find(b"\n", position)
        while found < 0:
            block = next(blocks, None)
            if block is None:
                return len(buffer)
            buffer += block
            found = buffer.find(b"\n", position)
        position = found + 1
    return position


def not_utf8(raw: bytes) -> str:
    """Which text a line is not, and what it looks like (GBK is what Excel and WPS save by default)."""
    return undecodable("line", raw, "utf-8")


# what a row, a line or a file that is not text in its encoding is, by what it looks like instead
_UNDECODABLE = {
    ("row", "plain"): N_("this row is not {encoding} text"),
    ("row", "gbk"): N_("this row is not UTF-8 text (it looks like GBK)"),
    ("row", "utf-8"): N_("this row is not {encoding} text (it looks like UTF-8)"),
    ("line", "plain"): N_("this line is not {encoding} text"),
    ("line", "gbk"): N_("this line is not UTF-8 text (it looks like GBK)"),
    ("line", "utf-8"): N_("this line is not {encoding} text (it looks like UTF-8)"),
    ("file", "plain"): N_("the CSV file is not {encoding} text"),
    ("file", "gbk"): N_("the CSV file is not UTF-8 text (it looks like GBK)"),
    ("file", "utf-8"): N_("the CSV file is not {encoding} text (it looks like UTF-8)"),
}


def undecodable(what: str, raw: bytes, encoding: str) -> str:
    """'this row is not UTF-8 text (it looks like GBK)': a row, line or file ('row', 'line', 'file') that
    is not text in `encoding`, and what it looks like instead."""
    if encoding == "utf-8":
        looks = "gbk" if _decodes(raw, "gb18030") else "plain"
    else:
        looks = "utf-8" if _decodes(raw, "utf-8") else "plain"
    return _(_UNDECODABLE[what, looks], encoding=ENCODINGS.get(encoding, encoding))


def undecodable_hint(line: Line) -> str:
    """How to fix a row that is not text in the encoding the file is read in."""
    return _(MIXED_HINT)


@attrs.frozen
class Problem:
    """Why a record cannot be read: a message and hint for the analyst, where (line, column: from 1)."""
    code: str
    message: str
    hint: str
    line: int
    column: int | None = None
    text: str | None = None  # the line it is on, to show under the message


def _splits(text: str) -> bool:
    """Whether a line's cells are its text split at the commas, as the csv module reads them: it holds no
    quote, no NUL, and no cell longer than a cell may be."""
    return '"' not in text and "\0" not in text and len(text) <= CELL_LIMIT


class Record(NamedTuple):
    """The cells of one record, or the problem that stops it (with the cells read before it). A tuple,
    as one is made for every row of a batch."""
    line: int  # the physical line it starts on
    cells: list[str]
    lines: int = 1  # the physical lines it takes
    problem: Problem | None = None
    plain: bool = False  # every cell filled in and none holding a blank (its line has none): as it is once stripped


_tuple_new = tuple.__new__


class Records(Iterator[Record]):
    """The records of a stream of physical lines (each a str, or a Line if it is not text: decoded_lines),
    numbered from 1 (or from `before` + 1: a chunk of a file, raw_chunks). `columns` (the header's
    names, set once the header is read) fixes the number of cells; `may_span(index)` says which cells
    may hold line breaks."""

    def __init__(self, lines: Iterator[str | Line], before: int = 0):
        self._lines = lines
        self._number = before  # the lines taken from `lines`, after the `before` lines of the file before them
        self._ahead: deque[Line] = deque()  # lines taken but not yet part of a record
        self._width = -1  # the header's cells, once it is read
        self._columns: list[str] | None = None
        self.may_span: Callable[[int], bool] = lambda index: False

    @property
    def columns(self) -> list[str] | None:
        return self._columns

    @columns.setter
    def columns(self, columns: list[str] | None) -> None:
        self._columns = columns
        self._width = -1 if columns is None else len(columns)

    def __next__(self) -> Record:
        """The next record. A line without a quote, a NUL or an over-long cell, as most are, is split at its
        commas here; any other is parsed cell by cell (_parse)."""
        if self._ahead:
            return self._parsed(self._ahead[0])
        line = next(self._lines)
        self._number += 1
        if line.__class__ is not str:
            self._ahead.append(line)  # type: ignore[arg-type]
            return self._parsed(line)  # type: ignore[arg-type]
        # _splits and _split, inline: the path of almost every row of a batch
        if '"' in line or "\0" in line or len(line) > CELL_LIMIT:
            self._ahead.append(first := Line(self._number, line))
            return self._parsed(first)
        cells = line.split(",")
        plain = line.split(None, 1) == [line] and ",," not in line and line[0] != "," and line[-1] != ","
        record = _tuple_new(Record, (self._number, cells, 1, None, plain))  # Record(…) without its call
        return record if len(cells) == self._width else self._counted(record)

    def _split(self, number: int, text: str) -> Record:
        """The record of a line that _splits: its cells, or its problem if they are too many or too few."""
        cells = text.split(",")
        plain = text.split(None, 1) == [text] and ",," not in text and text[0] != "," and text[-1] != ","
        record = Record(number, cells, 1, None, plain)
        return record if len(cells) == self._width else self._counted(record)

    def _parsed(self, first: Line) -> Record:
        """The record that starts at `first`, the first line read ahead, its lines then dropped (only the
        first if it has a problem: the lines after it are records of their own)."""
        record = self._parse(first)
        for _line in range(record.lines if record.problem is None else 1):
            self._ahead.popleft()
        return record

    def _line(self, offset: int) -> Line | None:
        """The line `offset` lines after the current record's first, read on as needed; None past the end."""
        while len(self._ahead) <= offset:
            line = next(self._lines, None)
            if line is None:
                return None
            self._number += 1
            self._ahead.append(Line(self._number, line) if line.__class__ is str else line)  # type: ignore[arg-type]
        return self._ahead[offset]

    def _parse(self, first: Line) -> Record:
        if first.text is None:
            return Record(first.number, [], problem=Problem(
                "F508", undecodable("row", first.raw, first.encoding), undecodable_hint(first),
                first.number))
        if _splits(first.text):
            return self._split(first.number, first.text)
        return _Parser(self, first).record()

    def _counted(self, record: Record) -> Record:
        """The record, or its problem if it has more or fewer cells than the header."""
        if record.problem is not None or not any(cell.strip() for cell in record.cells):
            return record  # a blank row (as Excel leaves at the end of a sheet) is no department
        if self.columns is not None and len(record.cells) != len(self.columns):
            count, header = len(record.cells), len(self.columns)
            if record.lines > 1:
                message = ngettext("this row has {count} cell, the header has {header} (lines {first}–{last})",
                                   "this row has {count} cells, the header has {header} (lines {first}–{last})",
                                   count, count=count, header=header, first=record.line,
                                   last=record.line + record.lines - 1)
                hint = _("check for a missing or extra comma; put a value that holds a comma in double quotes; "
                         "or a stray \" joined these lines into one row")
            else:
                message = ngettext("this row has {count} cell, the header has {header}",
                                   "this row has {count} cells, the header has {header}", count,
                                   count=count, header=header)
                hint = _(COUNT_HINT)
            return record._replace(problem=Problem("F508", message, hint, record.line))
        return record

    def cell_name(self, index: int) -> str:
        """'cell 3 (满意度)': a cell by its position and, when the header has one, its column's name."""
        name = self.columns[index] if self.columns is not None and index < len(self.columns) else ""
        return _("cell {number} ({name})", number=index + 1, name=name) if name else \
            _("cell {number}", number=index + 1)


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
            return cell, end, self._problem(_("{cell} has a \" in its text but does not start with one",
                                              cell=self._name()), start + quote)
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
                        "F521", _("{cell} opens a quote that is not closed on its line (no value holds a "
                                  "line break)", cell=self._name()), _(QUOTE_HINT), line.number, opening + 1,
                        line.text)
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
            return "", position, self._problem(_("{cell} has text after its closing quote", cell=self._name()),
                                               position)
        return "".join(parts), position, None

    def _unclosed(self, line: Line, opening: int, following: Line | None) -> Problem:
        if following is not None:
            message = _("{cell} opens a quote that is never closed (line {line} is not {encoding} text); the "
                        "lines after it are read as rows of their own", cell=self._name(), line=following.number,
                        encoding=ENCODINGS.get(following.encoding, following.encoding))
        elif self.taken >= MAX_RECORD_LINES:
            message = _("{cell} opens a quote that is never closed (not within {most} lines); the lines after "
                        "it are read as rows of their own", cell=self._name(), most=MAX_RECORD_LINES)
        else:
            message = _("{cell} opens a quote that is never closed (the file ends first); the lines after it "
                        "are read as rows of their own", cell=self._name())
        return Problem("F521", message, _(QUOTE_HINT), line.number, opening + 1, line.text)

    def _check(self, cell: str, start: int) -> Problem | None:
        nul = cell.find("\0")
        if nul >= 0:
            found = self.text.find("\0", 0 if "\n" in cell else start)
            return Problem("F508", _("{cell} holds a NUL character, which is not text", cell=self._name()),
                           _("the file may be UTF-16 or partly binary: save it as CSV UTF-8"), self.line.number,
                           found + 1 if found >= 0 else None, self.text)
        if len(cell) > CELL_LIMIT:
            return Problem("F508", _("{cell} is longer than {most} characters", cell=self._name(),
                                     most=format(CELL_LIMIT, ",")),
                           _("a cell holds one value: check for a missing quote or a file that is not a CSV"),
                           self.line.number)
        return None

    def _name(self) -> str:
        return self.records.cell_name(len(self.cells))

    def _problem(self, message: str, offset: int) -> Problem:
        return Problem("F521", message, _(QUOTE_HINT), self.line.number, offset + 1, self.text)
