"""Many departments' facts: read from a CSV (a row each), an Excel sheet (a row each: sheets.py), a JSON
Lines file (a line each) or a folder of facts files (a file each), lazily, one department at a time.

    departments = read_departments("corpus.csv", ruleset.inputs)
    for department in departments:
        print(department.key, department.where, department.error or department.facts)

Every record of the input is one Department, read or not: a row that cannot be read (a stray quote,
a cell too many, a line that is not UTF-8) is a Department with `errors`, located at its line, and the
rows after it are read as usual (records.py). Only an input that cannot be read at all raises.

A CSV is read in UTF-8 (with or without a byte-order mark), GB18030 or GBK: given (`encoding=`, the
CLI's --encoding), else detected from the file's first 64 KiB (records.detect). A column (or field)
名称 or name holds the department's display name (`Department.name`), unless the rule file declares an
input of that name; the id column (id, 编号, 部门编号, 单位编号, 部门, 单位) stays the key.
"""

from __future__ import annotations

import difflib
import inspect
import itertools
import json
import os
from array import array
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import IO

import attrs

from ..diagnostics import Diagnostic, FactsError, InputFileError, error
from ..i18n import N_, _, ngettext
from ..source import Source, Span
from . import jsonfacts
from .facts import NAME_FIELDS, FactSet, display_name_of, load_facts
from .records import (
    NOT_UTF8_HINT,
    SAMPLE,
    Line,
    Problem,
    RawChunk,
    Record,
    Records,
    decoded_block,
    decoded_lines,
    detect,
    normal_encoding,
    physical_lines,
    raw_chunks,
    undecodable,
)
from .sheets import (
    ID_NAMES,
    XLSX_SUFFIXES,
    Sheet,
    blank,
    cell_value,
    first_row_is_batch,
    is_workbook,
    sheet_is_batch,
    text_of,
)

ID_COLUMN = "id"
FACTS_SUFFIXES = (".yaml", ".yml", ".json")
CASE_SUFFIX = ".case.yaml"
JSON_LINE_HINT = N_('write each department on one line, as {"id": "D001", "满意度": "96%", …}')
HEADER_HINT = N_("the first row names the columns: id, then one input a column")
SAVE_AS_CSV_HINT = N_("save it as 'CSV UTF-8 (Comma delimited)' (Excel's 'Unicode Text' is UTF-16 and separated "
                      "by tabs; Excel set to a European language separates cells by ';')")
SEPARATORS = {";": N_("the header has no comma: its columns are separated by semicolons, and rulecheck reads "
                      "comma-separated values"),
              "\t": N_("the header has no comma: its columns are separated by tabs, and rulecheck reads "
                       "comma-separated values")}
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")  # the byte-order marks of UTF-16
ENCODING_HINT = N_("give the file's encoding with --encoding utf-8, gb18030 or gbk, or save it as 'CSV UTF-8 "
                   "(Comma delimited)'")
_encoding: ContextVar[str | None] = ContextVar("rulecheck_csv_encoding", default=None)


@contextmanager
def csv_encoding(encoding: str | None):
    """Within the block, a CSV is read in `encoding` (utf-8, gb18030, gbk; None: detected) unless
    read_departments is given one (the CLI's --encoding, for the batch it opens)."""
    token = _encoding.set(normal_encoding(encoding))
    try:
        yield
    finally:
        _encoding.reset(token)


def is_batch(path: str | Path) -> bool:
    """Whether a path holds many departments (a folder, .csv, .jsonl, or an Excel workbook whose first
    sheet has a row per department) rather than one facts file."""
    path = Path(path)
    if is_workbook(path) and path.is_file():
        try:
            return sheet_is_batch(path)
        except InputFileError:
            return False  # reading it as one department's facts reports why it cannot be read
    return path.is_dir() or path.suffix.lower() in (".csv", ".jsonl")


_new = object.__new__


# Frozen without slots, as results.NodeResult: a batch makes one a row, and `read` then fills the
# instance's __dict__ in one call instead of attrs' __init__ setting each field in turn (which took a
# tenth of a CSV batch's time with FactSet and batch.Scored); it also pickles by its __dict__, in C,
# when the rows go to a worker process (workers.py).
@attrs.frozen(slots=False)
class Department:
    """One department's raw facts, with where they were read; `errors` if they could not be read."""
    key: str
    where: str  # "corpus.csv:17", or the facts file's path
    facts: dict[str, object] = attrs.Factory(dict)
    errors: tuple[Diagnostic, ...] = ()
    spans: dict[str, Span] = attrs.field(factory=dict, repr=False)  # fact name → Span, for facts files
    source: Source | None = attrs.field(default=None, repr=False)
    name: str | None = None  # the display name (a 名称/name column or field); the key stays the id

    @classmethod
    def read(cls, key: str, where: str, facts: dict[str, object], name: str | None = None) -> Department:
        """`Department(key, where, facts, name=name)`, made as fast as a batch needs: a row read whole."""
        department = _new(cls)
        department.__dict__.update({"key": key, "where": where, "facts": facts, "errors": (), "spans": {},
                                    "source": None, "name": name})
        return department

    @property
    def error(self) -> Diagnostic | None:
        return self.errors[0] if self.errors else None

    def fact_set(self) -> FactSet:
        return FactSet.of(self.where, self.facts, self.spans, self.source, self.name)


class Departments(Iterator[Department]):
    """The departments of one input, read one at a time. `diagnostics` holds what concerns the whole
    input rather than one row: a column that names no input, a column given twice. `names` says whether
    the input's header has a display-name column (名称/name), known before the first row; a folder's or a
    JSON Lines file's departments may each have a name, which is not known in advance (False). A CSV's
    `layout` lets other processes read its rows instead (workers.py: `unread_layout`), None for another
    input."""

    def __init__(self, path: Path, rows: Iterator[Department], diagnostics: list[Diagnostic] | None = None,
                 missing: frozenset[str] = frozenset(), names: bool = False, layout: CsvLayout | None = None):
        self.path, self._rows = path, rows
        self.diagnostics: list[Diagnostic] = diagnostics or []
        self.missing = missing  # inputs the rules read that the CSV has no column for
        self.names = names
        self.layout = layout

    def __next__(self) -> Department:
        return next(self._rows)

    @property
    def unread_layout(self) -> CsvLayout | None:
        """The CSV's layout while none of its rows has been read (so that another process may read them
        all from the file), else None, as for another input."""
        started = inspect.isgenerator(self._rows) and inspect.getgeneratorstate(self._rows) != inspect.GEN_CREATED
        return None if started else self.layout


def read_departments(path: str | Path, inputs: Iterable[str] | None = None,
                     required: Iterable[str] | None = None, encoding: str | None = None) -> Departments:
    """The departments of a CSV (a row each), an Excel workbook's first sheet (a row each), a JSON Lines
    file (a line each) or a folder of YAML/JSON facts files (a file each, *.case.yaml excepted). Raises
    InputFileError only if the input cannot be read at all; a bad row becomes a Department with
    `errors`. With `inputs` (the rule file's input names), a column that names none of them is
    reported once, in `diagnostics`, and not read; with `required` (the inputs the rules read), so are
    the columns the input lacks (`missing`). `encoding` (utf-8, gb18030 or gbk) is the CSV's; by
    default it is detected (ValueError for another name)."""
    path = Path(path)
    encoding = normal_encoding(encoding) or _encoding.get()
    if path.is_dir():
        try:
            files = facts_files(path)
        except OSError as exc:
            raise InputFileError.single("E002", _("cannot list the folder {folder}: {reason}", folder=exc.filename,
                                                  reason=exc.strerror or exc), path) from None
        if not files:
            raise InputFileError.single("E002", _("no facts files (.yaml, .yml, .json or .xlsx) in this folder"), path)
        return Departments(path, _read_folder(path, files))
    if path.exists() and not path.is_file():  # a pipe would block the read, a device never end it
        raise InputFileError.single("E002", _("cannot read {name}: it is not a regular file (a pipe or a "
                                              "device)", name=path.name), path)
    if is_workbook(path):
        return _read_sheet(path, inputs, required)
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise InputFileError.single("E002", _("cannot read {name}: {reason}", name=path.name,
                                              reason=exc.strerror or exc), path) from None
    if path.suffix.lower() == ".jsonl":
        return Departments(path, _read_json_lines(path, stream))
    return _read_csv(path, stream, inputs, required, encoding)


def _bad_row(key: str, where: str, message: str, hint: str | None, code: str = "F508",
             name: str | None = None) -> Department:
    return Department(key, where, errors=(error(code, message, None, hint, where=where),), name=name)


def line_key(number: int) -> str:
    """The key of a record without an id: 'line 7', never the id of another department."""
    return f"line {number}"


# ---- CSV ----------------------------------------------------------------------------------------

def _read_csv(path: Path, stream: IO[bytes], inputs, required=None, encoding: str | None = None) -> Departments:
    given = encoding is not None
    if encoding is None:
        try:
            encoding = detect(stream.read(SAMPLE))
            stream.seek(0)
        except OSError as exc:
            stream.close()
            raise InputFileError.single("E002", _("cannot read {name}: {reason}", name=path.name,
                                                  reason=exc.strerror or exc), path) from None
    lines = decoded_lines(stream, path, encoding)
    first = next(lines, None)
    try:
        _check_encoding(path, Line(1, first) if isinstance(first, str) else first, given)
        records = Records(itertools.chain([first] if first is not None else [], lines))
        columns = _header(path, next(records, None), inputs)
    except InputFileError:
        lines.close()
        raise
    columns = the_rules_names(columns, inputs, required)
    header = _check_header(columns, inputs, lambda index: f"{path}:1")
    diagnostics, used = header.diagnostics, header.used
    missing = [name for name in (required or ()) if name not in columns]
    if missing:
        diagnostics.append(_missing_columns(missing, f"{path}:1"))
    _set_columns(records, columns, used)
    layout = CsvLayout(path, columns, attrs.evolve(header, diagnostics=[]), encoding)
    return Departments(path, _csv_rows(path, records, header), diagnostics, frozenset(missing),
                       names=header.name_index is not None, layout=layout)


def _set_columns(records: Records, columns: list[str], used: dict[int, str]) -> None:
    """The records' columns, after the header; only a column that is not read may hold line breaks."""
    records.columns = columns
    records.may_span = lambda index: index not in used


def the_rules_names(columns: list[str], inputs: Iterable[str] | None, required: Iterable[str] | None) -> list[str]:
    """The column names, each that names an input the very str object the ruleset names it by (the
    inputs the rules read, as the scoring function reads them; else the declared input): a fact is then
    found in a dict by that object itself, without comparing the texts (Chinese names are not interned)."""
    known = {name: name for name in inputs or ()}
    known.update((name, name) for name in required or ())
    return [known.get(name, name) for name in columns]


def _missing_columns(missing: list[str], where: str, sheet: bool = False) -> Diagnostic:
    shown = ", ".join(missing[:8])
    if len(missing) > 8:
        shown = _("{names} and {count} more", names=shown, count=len(missing) - 8)
    count = len(missing)
    if sheet:
        message = ngettext("the sheet has no column for {count} input the rules read: {names}",
                           "the sheet has no column for {count} inputs the rules read: {names}", count,
                           count=count, names=shown)
    else:
        message = ngettext("the CSV has no column for {count} input the rules read: {names}",
                           "the CSV has no column for {count} inputs the rules read: {names}", count,
                           count=count, names=shown)
    return error("F501", message, None, _("add a column for each (an empty cell is a missing fact); the rows "
                                          "that need them cannot be scored"), where=where)


def _bad_header(path: Path, message: str, hint: str) -> InputFileError:
    return InputFileError([error("E002", message, None, hint, where=f"{path}:1")])


def _check_encoding(path: Path, first: Line | None, given: bool = False) -> None:
    """That the file is text in its encoding, judged by its first line; else what it looks like (GBK, UTF-16)."""
    if first is None:
        raise _bad_header(path, _("the CSV file has no header row"), _(HEADER_HINT))
    if first.text is None and first.raw.startswith(UTF16_MARKS):
        raise _bad_header(path, _("the CSV file is UTF-16 text, not UTF-8"), _(SAVE_AS_CSV_HINT))
    if "\0" in (first.text or "") or b"\0" in first.raw:
        raise _bad_header(path, _("the CSV file holds NUL characters: it is UTF-16 text, or not text"),
                          _(SAVE_AS_CSV_HINT))
    if first.text is None:
        if given:
            raise _bad_header(path, undecodable("file", first.raw, first.encoding), _(ENCODING_HINT))
        raise _bad_header(path, _("the CSV file is neither UTF-8 nor GB18030 (GBK) text"), _(ENCODING_HINT))


def _header(path: Path, header: Record | None, inputs) -> list[str]:
    """The header's column names; an InputFileError if there are none, or they are not separated by commas."""
    if header is None:
        raise _bad_header(path, _("the CSV file has no header row"), _(HEADER_HINT))
    problem, cells = header.problem, header.cells
    text = problem.text or "" if problem is not None else ",".join(cells)
    separator = next((mark for mark in SEPARATORS if mark in text), None)
    if separator and (problem is not None or len(cells) == 1) and not (inputs and text in set(inputs)):
        raise _bad_header(path, _(SEPARATORS[separator]), _(SAVE_AS_CSV_HINT))
    if problem is not None:
        raise _bad_header(path, _("the header row cannot be read: {problem}", problem=problem.message), problem.hint)
    if not any(cell.strip() for cell in cells):
        raise _bad_header(path, _("the CSV file has no header row"), _(HEADER_HINT))
    return [name.strip() for name in cells]


@attrs.frozen
class Header:
    """What a header's columns are: the ones read as inputs (index → name, the id column among them),
    the id's and the display name's (None if there is none), and what is wrong with the others."""
    diagnostics: list
    used: dict
    id_index: int | None
    name_index: int | None


def id_column(columns: list[str], known: set | None) -> int | None:
    """The id column: the first named id (any case), else 编号, 部门编号, 单位编号, 部门, 单位 (not an input)."""
    for wanted in ID_NAMES:
        for index, name in enumerate(columns):
            if name.lower() == wanted and (known is None or name not in known):
                return index
    return None


def _check_header(columns: list[str], inputs, where_of: Callable[[int], str]) -> Header:
    """The columns to read and what is wrong with the others, each reported once (at `where_of(index)`)."""
    diagnostics: list[Diagnostic] = []
    used: dict[int, str] = {}
    seen: dict[str, int] = {}  # column name → the index it is first at
    known = set(inputs) if inputs is not None else None
    id_index = id_column(columns, known)
    name_index = next((index for field in NAME_FIELDS for index, name in enumerate(columns)
                       if name == field and (known is None or name not in known)), None)
    for index, name in enumerate(columns):
        where = where_of(index)
        if not name:
            diagnostics.append(error("F504", _("column {number} has no name; its cells are not read", number=index + 1),
                                     None, _("name it after an input of the rule file, or delete the column"),
                                     where=where))
        elif name in seen:
            diagnostics.append(error("F507", _("the column '{name}' is given twice (columns {first} and {second}); "
                                               "only the first is read", name=name, first=seen[name] + 1,
                                               second=index + 1), None, _("delete one of them"), where=where))
        elif index == name_index:
            pass  # the display name
        elif known is not None and index != id_index and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
            diagnostics.append(error("F504", _("unknown column '{name}' (column {number}): the rule file declares no "
                                               "such input; its cells are not read", name=name, number=index + 1),
                                     None, _("did you mean '{name}'?", name=close[0]) if close else
                                     _("rename it after an input, or delete the column"), where=where))
        else:
            used[index] = name
        seen.setdefault(name, index)
    return Header(diagnostics, used, id_index, name_index)


EMPTY = -1  # a free slot of SeenIds' table


class SeenIds:
    """The ids of the departments read so far, each with the line (or sheet row) it was first at, so
    that a repeated id is found, exactly, in a batch of any size: the one thing a batch keeps per
    department. A dict of the ids would take some 125 bytes an id (the str, an int for its line, the
    dict's slot); here an id takes about 50 (docs/scale.md): its UTF-8 text in one bytearray; in one
    array of 8-byte numbers, three for each id (where its text ends, its line, its hash); and two to four
    slots of an open-addressing table that finds an id's three numbers by its hash. Two ids that share a
    hash are told apart by their text, so a repeat is never mistaken. One id is kept in a few calls of
    C code (one array extended by three numbers at once), as a batch asks for every row."""

    def __init__(self) -> None:
        self._text = bytearray()  # every id's UTF-8 text, one after the other
        self._rows = array("q")  # for each id in the order they came: where its text ends, its line, its hash
        self._slots = array("q", [EMPTY]) * 8  # where an id's numbers start in _rows, at the slot of its hash
        self._most = 3 * len(self._slots) // 2  # the numbers _rows may hold before the slots grow (half full)

    def first_line(self, key: str, line: int) -> int | None:
        """The line `key` was first at, if it was seen; else None, and `key` is kept as first at `line`."""
        text = key.encode("utf-8", "surrogatepass")  # any str, even one with a lone surrogate
        digest = hash(text)
        slots, rows = self._slots, self._rows
        mask = len(slots) - 1
        slot = digest & mask
        while (start := slots[slot]) != EMPTY:
            if rows[start + 2] == digest and self._text_of(start) == text:
                return rows[start + 1]
            slot = (slot + 1) & mask
        slots[slot] = len(rows)
        self._text += text
        rows.extend((len(self._text), line, digest))
        if len(rows) > self._most:
            self._grow()
        return None

    def _text_of(self, start: int) -> bytearray:
        """The text of the id whose numbers start at `start` in _rows."""
        return self._text[self._rows[start - 3] if start else 0:self._rows[start]]

    def _grow(self) -> None:
        """Twice the slots, every id put back at the slot of its hash (or the first free one after it)."""
        slots = array("q", [EMPTY]) * (2 * len(self._slots))
        mask = len(slots) - 1
        for start in range(0, len(self._rows), 3):
            slot = self._rows[start + 2] & mask
            while slots[slot] != EMPTY:
                slot = (slot + 1) & mask
            slots[slot] = start
        self._slots = slots
        self._most = 3 * len(slots) // 2


class ChunkIds:
    """The ids of a chunk's rows as a worker process reads them (ChunkDepartments' `first_line`): each
    row's key and line in turn, for this process to check against the rows before the chunk, and the
    repeats among them (line → the line its id was first at), which this process finds too when no id
    of the chunk was seen before it."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.lines: list[int] = []
        self.repeats: dict[int, int] = {}
        self._seen = SeenIds()

    def first_line(self, key: str, line: int) -> int | None:
        self.keys.append(key)
        self.lines.append(line)
        first = self._seen.first_line(key, line)
        if first is not None:
            self.repeats[line] = first
        return first


def _csv_rows(path: Path, records: Iterable[Record], header: Header,
              first_line: Callable[[str, int], int | None] | None = None) -> Iterator[Department]:
    """One Department per record; blank rows are skipped, a row whose id was seen before is an error
    (`first_line(key, line)`: the line it was first at; by default the rows' own SeenIds). Without an id
    column a row's key is its line number; with one, a row without an id is 'line 7'."""
    id_index, name_index = header.id_index, header.name_index
    facts_of = _FactsOf(header)
    first_line = first_line or SeenIds().first_line
    file = f"{path}:"  # the Path made text once, not at every row
    for record in records:
        number, cells, problem = record.line, record.cells, record.problem
        if problem is None and not record.plain and not any(cell.strip() for cell in cells):
            continue
        where = f"{file}{number}"
        key = _csv_key(cells, id_index, number)
        name = _name_cell(cells, name_index)
        if problem is not None:
            yield attrs.evolve(_unreadable(path, key, where, problem), name=name)
        elif (first := first_line(key, number)) is not None:
            yield _bad_row(key, where, _("the id '{key}' is also the id of line {line}", key=key, line=first),
                           _("give each department its own id"), code="F509", name=name)
        else:
            yield Department.read(key, where, facts_of(cells, record.plain), name)


@attrs.frozen
class CsvLayout:
    """What reading a CSV's rows needs once its header is read: its path (which each row's place names),
    its columns, what they are (Header, without its diagnostics: said once, by this process) and the
    encoding it is read in (None: still to be detected). Small, for a worker process to be given once."""
    path: Path
    columns: list[str]
    header: Header
    encoding: str | None

    def named_by(self, inputs: Iterable[str] | None, required: Iterable[str] | None) -> CsvLayout:
        """The layout with its column names the very str objects a ruleset names its inputs by
        (the_rules_names), as in the process that read the header: for a worker, which unpickled them apart."""
        columns = the_rules_names(self.columns, inputs, required)
        header = attrs.evolve(self.header, used={index: columns[index] for index in self.header.used})
        return attrs.evolve(self, columns=columns, header=header)


def csv_chunks(layout: CsvLayout, rows: int) -> Generator[RawChunk, None, None]:
    """The CSV's lines after its header, opened again, in chunks of `rows` lines not yet decoded
    (records.raw_chunks): what a worker process reads (chunk_departments) instead of this one."""
    try:
        stream = layout.path.open("rb")
    except OSError as exc:
        raise InputFileError.single("E002", _("cannot read {name}: {reason}", name=layout.path.name,
                                              reason=exc.strerror or exc), layout.path) from None
    return raw_chunks(stream, layout.path, rows, layout.encoding)


class ChunkDepartments(Iterator[Department]):
    """The departments of a chunk's records that start at line `start` (the chunk's first, or a line after
    it when a record of the chunk before took its first lines) and before the chunk's end, read exactly as
    the whole file's (_csv_rows), a repeated id told by `first_line`. Once they are all read, `end` is the
    line the next record starts at: where the next chunk's records start."""

    def __init__(self, layout: CsvLayout, chunk: RawChunk, start: int,
                 first_line: Callable[[str, int], int | None]) -> None:
        lines, encoding = decoded_block(chunk.data, chunk.first - 1, chunk.encoding)
        ahead, _encoding = decoded_block(chunk.ahead, chunk.last, encoding)
        records = Records(itertools.chain(itertools.islice(lines, start - chunk.first, None), ahead), start - 1)
        _set_columns(records, layout.columns, layout.header.used)
        self.end, self._last, self._records = start, chunk.last, records
        self._rows = _csv_rows(layout.path, self._until_end(), layout.header, first_line)

    def _until_end(self) -> Iterator[Record]:
        """The records that start in the chunk, `end` kept after each (a record with a problem takes its
        first line alone: reading resumes at the next)."""
        while self.end <= self._last:
            record = next(self._records, None)
            if record is None:
                return
            self.end = record.line + (record.lines if record.problem is None else 1)
            yield record

    def __next__(self) -> Department:
        return next(self._rows)


def _name_cell(cells: list[str], name_index: int | None) -> str | None:
    """The row's display name (its 名称/name cell), None if it has none."""
    return cells[name_index].strip() or None if name_index is not None and name_index < len(cells) else None


class _FactsOf:
    """A row's facts, from its cells: each read column's cell, stripped, as a fact; a blank cell is a
    missing fact. Most rows have every cell filled in and none with a blank to strip (Record.plain): their
    facts are a copy of one dict of the columns, its values then set in one call, twice as fast as
    building a dict fact by fact."""

    def __init__(self, header: Header):
        self.columns = [(index, name) for index, name in header.used.items() if index != header.id_index]
        self.names = [name for _index, name in self.columns]
        indices = [index for index, _name in self.columns]
        self.cells_read: Callable[[list[str]], Sequence[str]] = \
            itemgetter(*indices) if len(indices) > 1 else lambda cells: [cells[index] for index in indices]
        self.template = dict.fromkeys(self.names)

    def __call__(self, cells: list[str], plain: bool = False) -> dict[str, object]:
        if plain:
            facts: dict[str, object] = self.template.copy()
            facts.update(zip(self.names, self.cells_read(cells)))
            return facts
        return {column: cell for index, column in self.columns if (cell := cells[index].strip())}


def read_rows(columns: Sequence[str], rows: Iterable[Sequence[str | None]], inputs: Iterable[str] | None = None,
              required: Iterable[str] | None = None, origin: str = "rows") -> Departments:
    """The departments of a table that lives elsewhere (a Spark or Dask DataFrame's part: rulecheck.spark,
    rulecheck.dask), its rows already split into text cells (None for an empty one) under `columns`: read
    exactly as a CSV's rows after its header (the same columns read, a blank cell a missing fact, a row of
    blank cells no department), so that they score as `rulecheck score` scores that CSV. Such a table is
    read in parts and has no line numbers: a row's id is not checked against the other parts' rows, and a
    row without one has an empty key. `origin` is where the rows are said to be in diagnostics."""
    columns = the_rules_names(columns=[str(name).strip() for name in columns], inputs=inputs, required=required)
    header = _check_header(columns, inputs, lambda index: origin)
    missing = [name for name in (required or ()) if name not in columns]
    if missing:
        header.diagnostics.append(_missing_columns(missing, origin))
    return Departments(Path(origin), _table_rows(origin, rows, header), header.diagnostics, frozenset(missing),
                       names=header.name_index is not None)


def _table_rows(origin: str, rows: Iterable[Sequence[str | None]], header: Header) -> Iterator[Department]:
    """One Department per row with a cell filled in, as _csv_rows reads a CSV's records, less what needs
    the whole file: the line numbers, and the ids of the rows in other parts."""
    id_index, name_index = header.id_index, header.name_index
    facts_of = _FactsOf(header)
    for row in rows:
        cells = ["" if cell is None else cell for cell in row]
        if not any(cell.strip() for cell in cells):
            continue
        key = cells[id_index].strip() if id_index is not None and id_index < len(cells) else ""
        yield Department.read(key, origin, facts_of(cells), _name_cell(cells, name_index))


def _csv_key(cells: list[str], id_index: int | None, line: int) -> str:
    if id_index is None:
        return str(line)
    return (cells[id_index].strip() if id_index < len(cells) else "") or line_key(line)


def _unreadable(path: Path, key: str, where: str, problem: Problem) -> Department:
    """A record that cannot be read, its problem at its line and column, with the line shown."""
    if problem.column is None:
        return _bad_row(key, where, problem.message, problem.hint, problem.code)
    span = Span.point(str(path), problem.line, problem.column)
    shown = problem.text
    source = _LineSource(str(path), shown.replace("\0", "␀"), number=problem.line) if shown is not None else None
    return Department(key, where, errors=(error(problem.code, problem.message, span, problem.hint),), source=source)


@attrs.frozen
class _LineSource(Source):
    """One line of a large file, as a Source that shows it under a message (not the whole file)."""
    number: int = 1

    def line(self, number: int) -> str:
        return self.text if number == self.number else ""


# ---- an Excel sheet -----------------------------------------------------------------------------

def _read_sheet(path: Path, inputs, required=None) -> Departments:
    """The departments of a workbook's first sheet: its first non-blank row names the columns (as a
    CSV's header), each row after it is a department, located at its first cell ('d.xlsx:Sheet1!A7')
    and each value at its cell ('d.xlsx:Sheet1!C7')."""
    sheet = Sheet(path)
    rows = sheet.rows()
    try:
        for number, cells in rows:  # noqa: B007 (the header's row number and cells, after the loop)
            if any(not blank(cell) for cell in cells):
                break
        else:
            raise InputFileError.single("E002", _("the sheet '{sheet}' is empty: it has no header row",
                                                  sheet=sheet.title), str(path))
        if not first_row_is_batch(cells):
            raise InputFileError([error("E002", _("the sheet '{sheet}' holds one department's facts (two columns: "
                                                  "input name, value), not a row per department",
                                                  sheet=sheet.title), None,
                                        _("score it alone (rulecheck score RULES {name}), or start its first row "
                                          "with an id column: id, then one input a column", name=path.name),
                                        where=sheet.place(number))])
    except BaseException:
        sheet.close()
        raise
    columns = [text_of(cell) for cell in cells]
    while columns and not columns[-1]:
        columns.pop()
    header_row = number
    header = _check_header(columns, inputs, lambda index: sheet.place(header_row, index + 1))
    missing = [name for name in (required or ()) if name not in columns]
    if missing:
        header.diagnostics.append(_missing_columns(missing, sheet.place(header_row), sheet=True))
    return Departments(path, _sheet_rows(sheet, rows, header, len(columns)), header.diagnostics, frozenset(missing),
                       names=header.name_index is not None)


def _sheet_rows(sheet: Sheet, rows, header: Header, width: int) -> Iterator[Department]:
    """One Department per row after the header; blank rows are skipped, an id seen before is an error.
    Without an id column a row's key is 'row 7'."""
    id_index, name_index = header.id_index, header.name_index
    facts_columns = [(index, name) for index, name in header.used.items() if index != id_index]
    ids = SeenIds()
    try:
        for number, cells in rows:
            if all(blank(cell) for cell in cells):
                continue
            where = sheet.place(number)
            key = (text_of(cells[id_index]) if id_index is not None and id_index < len(cells) else "") \
                or f"row {number}"
            name = (text_of(cells[name_index]) or None) if name_index is not None and name_index < len(cells) else None
            extra = next((index for index in range(width, len(cells)) if not blank(cells[index])), None)
            if extra is not None:
                yield _bad_row(key, where, _("the cell {place} is outside the header's columns: its column has no "
                                             "name", place=sheet.place(number, extra + 1)),
                               _("name the column in the header row, or delete the cell"), name=name)
            elif (first := ids.first_line(key, number)) is not None:
                yield _bad_row(key, where, _("the id '{key}' is also the id of row {row}", key=key, row=first),
                               _("give each department its own id"), code="F509", name=name)
            else:
                facts: dict[str, object] = {}
                spans: dict[str, Span] = {}
                for index, column in facts_columns:
                    if index < len(cells) and not blank(cells[index]):
                        facts[column] = cell_value(cells[index], sheet.place(number, index + 1))
                        spans[column] = sheet.span(number, index + 1)
                yield Department(key, where, facts, spans=spans, name=name)
    finally:
        sheet.close()


# ---- JSON Lines ---------------------------------------------------------------------------------

def _read_json_lines(path: Path, stream: IO[bytes]) -> Iterator[Department]:
    """One Department per non-blank line, each a JSON object of facts with an optional "id"."""
    ids = SeenIds()
    for line in physical_lines(stream, path):
        department = _json_line(path, line)
        if department is None:
            continue
        if not department.errors and (first := ids.first_line(department.key, line.number)) is not None:
            department = _bad_row(department.key, department.where,
                                  _("the id '{key}' is also the id of line {line}", key=department.key, line=first),
                                  _("give each department its own id"), code="F509", name=department.name)
        yield department


def _json_line(path: Path, line: Line) -> Department | None:
    """The department of one line of a JSON Lines file; None for a blank line."""
    number, where = line.number, f"{path}:{line.number}"
    if line.text is None:
        return _bad_row(line_key(number), where, undecodable("line", line.raw, "utf-8"), _(NOT_UTF8_HINT))
    if not line.text.strip():
        return None
    try:
        facts = jsonfacts.loads(line.text, object_pairs_hook=_no_duplicates)  # exact, bounded depth and digits
    except json.JSONDecodeError as exc:
        return _bad_row(line_key(number), where, _("not valid JSON: {reason} (column {column})", reason=exc.msg,
                                                   column=exc.colno), _(JSON_LINE_HINT), code="F506")
    except _DuplicateKey as exc:
        return _bad_row(line_key(number), where, _("the fact '{name}' is given twice", name=exc.key), _("keep one"),
                        code="F507")
    if not isinstance(facts, dict):
        return _bad_row(line_key(number), where, _("a line is an object of input names to values"),
                        _(JSON_LINE_HINT), code="F506")
    name = display_name_of(facts)
    if ID_COLUMN not in facts:
        return Department(line_key(number), where, facts, name=name)
    key = _whole(facts.pop(ID_COLUMN))
    if isinstance(key, bool) or not isinstance(key, (str, int)) or not str(key).strip():
        return _bad_row(line_key(number), where, _('the "id" of a department is a text or a whole number, not '
                                                   '{value}', value=_shown(key)),
                        _('write it as "id": "D001" (or 17), or leave it out: the key is then \'{key}\'',
                          key=line_key(number)), code="F520", name=name)
    return Department(str(key), where, facts, name=name)


def _whole(value):
    """A JSON id as read (numbers are exact Decimals): a whole number as an int, anything else as it is."""
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _plain(value):
    """A JSON value read with exact numbers, back in json's own types, to be shown as written."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        return int(value) if value == value.to_integral_value() else float(value)  # shown only, never scored
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _shown(value) -> str:
    """A JSON value as the file writes it, shortened."""
    text = json.dumps(_plain(value), ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs) -> dict:
    values = {}
    for key, value in pairs:
        if key in values:
            raise _DuplicateKey(key)
        values[key] = value
    return values


# ---- a folder -----------------------------------------------------------------------------------

def facts_files(folder: Path) -> list[Path]:
    """The facts files under a folder (YAML, JSON, and Excel workbooks of one department's key/value
    sheet), sorted; case files (*.case.yaml) are not facts, nor the lock files Excel and WPS leave
    beside an open workbook (~$name.xlsx). Raises OSError if a folder under it cannot be listed (a
    department there would be lost unseen)."""
    def refuse(exc: OSError) -> None:
        raise exc
    found = []
    for place, folders, names in os.walk(folder, onerror=refuse):
        folders.sort()
        found += [Path(place, name) for name in names
                  if _is_facts_file(name)]
    return sorted(found)


def _is_facts_file(name: str) -> bool:
    suffix = Path(name).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return not name.startswith("~$")
    return suffix in FACTS_SUFFIXES and not name.lower().endswith(CASE_SUFFIX)


def _read_folder(folder: Path, files: list[Path]) -> Iterator[Department]:
    """One Department per facts file, its key the path under the folder without the suffix; a file
    that links outside the folder is refused, so no other file's lines appear in a message."""
    for path in files:
        key, where = path.relative_to(folder).with_suffix("").as_posix(), str(path)
        try:
            fact_set = load_facts(path, root=folder)
        except FactsError as exc:
            yield Department(key, where, errors=tuple(exc.diagnostics), source=exc.sources.get(where))
        except InputFileError as exc:  # a workbook that cannot be read
            yield Department(key, where, errors=tuple(exc.diagnostics))
        except OSError as exc:
            yield _bad_row(key, where, _("cannot read facts file: {reason}", reason=exc.strerror or exc),
                           getattr(exc, "hint", None) or _("check that the file can be read"), code="E002")
        except UnicodeDecodeError:
            yield _bad_row(key, where, _("the facts file is not UTF-8 text"), _(NOT_UTF8_HINT), code="E002")
        else:
            yield Department(key, where, fact_set.values, spans=fact_set.spans, source=fact_set.source,
                             name=fact_set.display_name)


def count_rows(path: str | Path) -> int:
    """About how many departments an input holds (lines after the header, or files), for a progress bar."""
    path = Path(path)
    if path.is_dir():
        return len(facts_files(path))
    if is_workbook(path):
        sheet = Sheet(path)
        sheet.close()
        return max(sheet.estimated_rows - 1, 0)
    with path.open("rb") as stream:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return lines - (path.suffix.lower() != ".jsonl")
