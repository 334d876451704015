"""Many departments' facts: read from a CSV (a row each), a JSON Lines file (a line each) or a folder
of facts files (a file each), lazily, one department at a time.

    departments = read_departments("corpus.csv", ruleset.inputs)
    for department in departments:
        print(department.key, department.where, department.error or department.facts)

Every record of the input is one Department, read or not: a row that cannot be read (a stray quote,
a cell too many, a line that is not UTF-8) is a Department with `errors`, located at its line, and the
rows after it are read as usual (records.py). Only an input that cannot be read at all raises.
"""

from __future__ import annotations

import difflib
import itertools
import json
import os
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO

import attrs

from ..diagnostics import Diagnostic, FactsError, InputFileError, error
from ..source import Source, Span
from . import jsonfacts
from .facts import FactSet, load_facts
from .records import NOT_UTF8_HINT, Line, Problem, Record, Records, not_utf8, physical_lines

ID_COLUMN = "id"
FACTS_SUFFIXES = (".yaml", ".yml", ".json")
CASE_SUFFIX = ".case.yaml"
JSON_LINE_HINT = 'write each department on one line, as {"id": "D001", "满意度": "96%", …}'
HEADER_HINT = "the first row names the columns: id, then one input a column"
SAVE_AS_CSV_HINT = ("save it as 'CSV UTF-8 (Comma delimited)' (Excel's 'Unicode Text' is UTF-16 and separated "
                    "by tabs; Excel set to a European language separates cells by ';')")
SEPARATORS = {";": "semicolons", "\t": "tabs"}
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")  # the byte-order marks of UTF-16


def is_batch(path: str | Path) -> bool:
    """Whether a path holds many departments (a folder, .csv or .jsonl) rather than one facts file."""
    path = Path(path)
    return path.is_dir() or path.suffix.lower() in (".csv", ".jsonl")


@attrs.frozen
class Department:
    """One department's raw facts, with where they were read; `errors` if they could not be read."""
    key: str
    where: str  # "corpus.csv:17", or the facts file's path
    facts: dict = attrs.Factory(dict)
    errors: tuple = ()
    spans: dict = attrs.field(factory=dict, repr=False)  # fact name → Span, for facts files
    source: Source | None = attrs.field(default=None, repr=False)
    name: str | None = None  # the display name (a 名称/name column or field); the key stays the id

    @property
    def error(self) -> Diagnostic | None:
        return self.errors[0] if self.errors else None

    def fact_set(self) -> FactSet:
        return FactSet(self.where, self.facts, self.spans, self.source)


class Departments(Iterator[Department]):
    """The departments of one input, read one at a time. `diagnostics` holds what concerns the whole
    input rather than one row: a column that names no input, a column given twice."""

    def __init__(self, path: Path, rows: Iterator[Department], diagnostics: list | None = None,
                 missing: frozenset = frozenset()):
        self.path, self._rows = path, rows
        self.diagnostics = diagnostics or []
        self.missing = missing  # inputs the rules read that the CSV has no column for

    def __next__(self) -> Department:
        return next(self._rows)


def read_departments(path: str | Path, inputs: Iterable[str] | None = None,
                     required: Iterable[str] | None = None) -> Departments:
    """The departments of a CSV (a row each), a JSON Lines file (a line each) or a folder of YAML/JSON
    facts files (a file each, *.case.yaml excepted). Raises InputFileError only if the input cannot be
    read at all; a bad row becomes a Department with `errors`. With `inputs` (the rule file's input
    names), a CSV column that names none of them is reported once, in `diagnostics`, and not read; with
    `required` (the inputs the rules read), so are the columns the CSV lacks (`missing`)."""
    path = Path(path)
    if path.is_dir():
        try:
            files = facts_files(path)
        except OSError as exc:
            raise InputFileError.single("E002", f"cannot list the folder {exc.filename}: {exc.strerror or exc}",
                                        path) from None
        if not files:
            raise InputFileError.single("E002", "no YAML or JSON facts files in this folder", path)
        return Departments(path, _read_folder(path, files))
    if path.exists() and not path.is_file():  # a pipe would block the read, a device never end it
        raise InputFileError.single("E002", f"cannot read {path.name}: it is not a regular file (a pipe or a "
                                    "device)", path)
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise InputFileError.single("E002", f"cannot read {path.name}: {exc.strerror or exc}", path) from None
    if path.suffix.lower() == ".jsonl":
        return Departments(path, _read_json_lines(path, stream))
    return _read_csv(path, stream, inputs, required)


def _bad_row(key: str, where: str, message: str, hint: str, code: str = "F508") -> Department:
    return Department(key, where, errors=(error(code, message, None, hint, where=where),))


def line_key(number: int) -> str:
    """The key of a record without an id: 'line 7', never the id of another department."""
    return f"line {number}"


# ---- CSV ----------------------------------------------------------------------------------------

def _read_csv(path: Path, stream: IO[bytes], inputs, required=None) -> Departments:
    lines = physical_lines(stream, path)
    first = next(lines, None)
    try:
        _check_encoding(path, first)
        records = Records(itertools.chain([first] if first else [], lines))
        columns = _header(path, next(records, None), inputs)
    except InputFileError:
        lines.close()
        raise
    diagnostics, used = _check_header(path, columns, inputs)
    missing = [name for name in (required or ()) if name not in columns]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        diagnostics.append(error("F501", f"the CSV has no column for {len(missing)} input"
                                 f"{'s' if len(missing) != 1 else ''} the rules read: {shown}", None,
                                 "add a column for each (an empty cell is a missing fact); the rows that "
                                 "need them cannot be scored", where=f"{path}:1"))
    records.columns = columns
    records.may_span = lambda index: index not in used  # only a column that is not read may hold line breaks
    return Departments(path, _csv_rows(path, records, used), diagnostics, frozenset(missing))


def _bad_header(path: Path, message: str, hint: str) -> InputFileError:
    return InputFileError([error("E002", message, None, hint, where=f"{path}:1")])


def _check_encoding(path: Path, first: Line | None) -> None:
    """That the file is UTF-8 text, judged by its first line; else what it looks like (GBK, UTF-16)."""
    if first is None:
        raise _bad_header(path, "the CSV file has no header row", HEADER_HINT)
    if first.text is None and first.raw.startswith(UTF16_MARKS):
        raise _bad_header(path, "the CSV file is UTF-16 text, not UTF-8", SAVE_AS_CSV_HINT)
    if "\0" in (first.text or "") or b"\0" in first.raw:
        raise _bad_header(path, "the CSV file holds NUL characters: it is UTF-16 text, or not text",
                          SAVE_AS_CSV_HINT)
    if first.text is None:
        raise _bad_header(path, f"the CSV file is {not_utf8(first.raw)}", NOT_UTF8_HINT)


def _header(path: Path, header: Record | None, inputs) -> list[str]:
    """The header's column names; an InputFileError if there are none, or they are not separated by commas."""
    if header is None:
        raise _bad_header(path, "the CSV file has no header row", HEADER_HINT)
    problem, cells = header.problem, header.cells
    text = problem.text or "" if problem is not None else ",".join(cells)
    separator = next((mark for mark in SEPARATORS if mark in text), None)
    if separator and (problem is not None or len(cells) == 1) and not (inputs and text in set(inputs)):
        raise _bad_header(path, f"the header has no comma: its columns are separated by {SEPARATORS[separator]}, "
                          "and rulecheck reads comma-separated values", SAVE_AS_CSV_HINT)
    if problem is not None:
        raise _bad_header(path, f"the header row cannot be read: {problem.message}", problem.hint)
    if not any(cell.strip() for cell in cells):
        raise _bad_header(path, "the CSV file has no header row", HEADER_HINT)
    return [name.strip() for name in cells]


def _check_header(path: Path, columns: list[str], inputs) -> tuple[list[Diagnostic], dict[int, str]]:
    """The columns to read (index → name) and what is wrong with the others, each reported once."""
    diagnostics: list[Diagnostic] = []
    used: dict[int, str] = {}
    seen: dict[str, int] = {}  # column name → the index it is first at
    known = set(inputs) if inputs is not None else None
    where = f"{path}:1"
    for index, name in enumerate(columns):
        if not name:
            diagnostics.append(error("F504", f"column {index + 1} has no name; its cells are not read", None,
                                     "name it after an input of the rule file, or delete the column",
                                     where=where))
        elif name in seen:
            diagnostics.append(error("F507", f"the column '{name}' is given twice (columns {seen[name] + 1} and "
                                     f"{index + 1}); only the first is read", None, "delete one of them",
                                     where=where))
        elif known is not None and name != ID_COLUMN and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
            diagnostics.append(error("F504", f"unknown column '{name}' (column {index + 1}): the rule file "
                                     "declares no such input; its cells are not read", None,
                                     f"did you mean '{close[0]}'?" if close else
                                     "rename it after an input, or delete the column", where=where))
        else:
            used[index] = name
        seen.setdefault(name, index)
    return diagnostics, used


def _csv_rows(path: Path, records: Records, used: dict) -> Iterator[Department]:
    """One Department per record; blank rows are skipped, a row whose id was seen before is an error.
    Without an id column a row's key is its line number; with one, a row without an id is 'line 7'."""
    id_index = next((index for index, name in used.items() if name == ID_COLUMN), None)
    facts_columns = [(index, name) for index, name in used.items() if index != id_index]
    ids: dict[str, int] = {}
    for record in records:
        where, cells = f"{path}:{record.line}", record.cells
        if record.problem is None and not any(cell.strip() for cell in cells):
            continue
        key = _csv_key(cells, id_index, record.line)
        if record.problem is not None:
            yield _unreadable(path, key, where, record.problem, records)
        elif key in ids:
            yield _bad_row(key, where, f"the id '{key}' is also the id of line {ids[key]}",
                           "give each department its own id", code="F509")
        else:
            ids[key] = record.line
            yield Department(key, where, {name: cells[index].strip() for index, name in facts_columns
                                          if cells[index].strip()})


def _csv_key(cells: list[str], id_index: int | None, line: int) -> str:
    if id_index is None:
        return str(line)
    return (cells[id_index].strip() if id_index < len(cells) else "") or line_key(line)


def _unreadable(path: Path, key: str, where: str, problem: Problem, records: Records) -> Department:
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


# ---- JSON Lines ---------------------------------------------------------------------------------

def _read_json_lines(path: Path, stream: IO[bytes]) -> Iterator[Department]:
    """One Department per non-blank line, each a JSON object of facts with an optional "id"."""
    ids: dict[str, int] = {}
    for line in physical_lines(stream, path):
        department = _json_line(path, line)
        if department is None:
            continue
        if not department.errors:
            if department.key in ids:
                department = _bad_row(department.key, department.where, f"the id '{department.key}' is also "
                                      f"the id of line {ids[department.key]}", "give each department its own id",
                                      code="F509")
            else:
                ids[department.key] = line.number
        yield department


def _json_line(path: Path, line: Line) -> Department | None:
    """The department of one line of a JSON Lines file; None for a blank line."""
    number, where = line.number, f"{path}:{line.number}"
    if line.text is None:
        return _bad_row(line_key(number), where, f"this line is {not_utf8(line.raw)}", NOT_UTF8_HINT)
    if not line.text.strip():
        return None
    try:
        facts = jsonfacts.loads(line.text, object_pairs_hook=_no_duplicates)  # exact, bounded depth and digits
    except json.JSONDecodeError as exc:
        return _bad_row(line_key(number), where, f"not valid JSON: {exc.msg} (column {exc.colno})",
                        JSON_LINE_HINT, code="F506")
    except _DuplicateKey as exc:
        return _bad_row(line_key(number), where, f"the fact '{exc.key}' is given twice", "keep one", code="F507")
    if not isinstance(facts, dict):
        return _bad_row(line_key(number), where, "a line is an object of input names to values", JSON_LINE_HINT,
                        code="F506")
    if ID_COLUMN not in facts:
        return Department(line_key(number), where, facts)
    key = _whole(facts.pop(ID_COLUMN))
    if isinstance(key, bool) or not isinstance(key, (str, int)) or not str(key).strip():
        return _bad_row(line_key(number), where, f'the "id" of a department is a text or a whole number, '
                        f"not {_shown(key)}", f'write it as "id": "D001" (or 17), or leave it out: the key is '
                        f"then '{line_key(number)}'", code="F520")
    return Department(str(key), where, facts)


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
    """The YAML and JSON facts files under a folder, sorted; case files (*.case.yaml) are not facts.
    Raises OSError if a folder under it cannot be listed (a department there would be lost unseen)."""
    def refuse(exc: OSError) -> None:
        raise exc
    found = []
    for place, folders, names in os.walk(folder, onerror=refuse):
        folders.sort()
        found += [Path(place, name) for name in names
                  if Path(name).suffix.lower() in FACTS_SUFFIXES and not name.lower().endswith(CASE_SUFFIX)]
    return sorted(found)


def _read_folder(folder: Path, files: list[Path]) -> Iterator[Department]:
    """One Department per facts file, its key the path under the folder without the suffix; a file
    that links outside the folder is refused, so no other file's lines appear in a message."""
    for path in files:
        key, where = path.relative_to(folder).with_suffix("").as_posix(), str(path)
        try:
            fact_set = load_facts(path, root=folder)
        except FactsError as exc:
            yield Department(key, where, errors=tuple(exc.diagnostics), source=exc.sources.get(where))
        except OSError as exc:
            yield _bad_row(key, where, f"cannot read facts file: {exc.strerror or exc}",
                           getattr(exc, "hint", "check that the file can be read"), code="E002")
        except UnicodeDecodeError:
            yield _bad_row(key, where, "the facts file is not UTF-8 text", NOT_UTF8_HINT, code="E002")
        else:
            yield Department(key, where, fact_set.values, spans=fact_set.spans, source=fact_set.source)


def count_rows(path: str | Path) -> int:
    """About how many departments an input holds (lines after the header, or files), for a progress bar."""
    path = Path(path)
    if path.is_dir():
        return len(facts_files(path))
    with path.open("rb") as stream:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return lines - (path.suffix.lower() != ".jsonl")
