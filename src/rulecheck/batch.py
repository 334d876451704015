"""Many departments at once: read them from a CSV, a JSON Lines file or a folder of facts files,
score each, tabulate one row per department, and summarise the totals.

    departments = read_departments("corpus.csv")          # lazily, one department at a time
    for scored in score_departments(ruleset, departments):
        print(scored.key, scored.result.total if scored.ok else scored.reasons())

A department that cannot be read or scored is never dropped: it comes out as a `Scored` without a
result, carrying the diagnostics that say why, located at its row ("corpus.csv:17").
"""

from __future__ import annotations

import csv
import difflib
import json
from collections.abc import Generator, Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO

import attrs

from . import numbers
from .compile import iter_leaves
from .diagnostics import Diagnostic, EvaluationError, FactsError, InputFileError, error
from .inputs.facts import FactSet, load_facts
from .results import Result
from .source import Source
from .syntax.printer import format_number

ID_COLUMN = "id"
FACTS_SUFFIXES = (".yaml", ".yml", ".json")
CASE_SUFFIX = ".case.yaml"
BATCH_FORMATS = ("csv", "json", "jsonl")
MOST_BINS = 20
HISTOGRAM_STEPS = tuple(Decimal(step).scaleb(power) for power in range(-2, 7) for step in (1, 2, 5))
JSON_LINE_HINT = 'write each department on one line, as {"id": "D001", "满意度": "96%", …}'
HEADER_HINT = "the first row names the columns: id, then one input a column"
NOT_UTF8_HINT = "save the file as UTF-8 (in Excel: 'CSV UTF-8'; in WPS: encoding UTF-8), not GBK"


def is_batch(path: str | Path) -> bool:
    """Whether a path holds many departments (a folder, .csv or .jsonl) rather than one facts file."""
    path = Path(path)
    return path.is_dir() or path.suffix.lower() in (".csv", ".jsonl")


# ---- reading ------------------------------------------------------------------------------------

@attrs.frozen
class Department:
    """One department's raw facts, with where they were read; `errors` if they could not be read."""
    key: str
    where: str  # "corpus.csv:17", or the facts file's path
    facts: dict = attrs.Factory(dict)
    errors: tuple = ()
    spans: dict = attrs.field(factory=dict, repr=False)  # fact name → Span, for facts files
    source: Source | None = attrs.field(default=None, repr=False)

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
        files = facts_files(path)
        if not files:
            raise InputFileError.single("E002", "no YAML or JSON facts files in this folder", path)
        return Departments(path, _read_folder(path, files))
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise InputFileError.single("E002", f"cannot read {path.name}: {exc.strerror or exc}", path) from None
    if path.suffix.lower() == ".jsonl":
        return Departments(path, _read_json_lines(path, stream))
    return _read_csv(path, stream, inputs, required)


def _raw_lines(stream: IO[bytes]) -> Generator[bytes, None, None]:
    """The file's lines, ended by \\n, \\r\\n or a lone \\r (Excel for Mac's "CSV (Macintosh)")."""
    with stream:
        for raw in stream:
            if b"\r" in raw.rstrip(b"\r\n"):
                yield from raw.splitlines(keepends=True)
            else:
                yield raw


def _decoded_lines(lines: Iterator[bytes], bad: dict, first: int = 1) -> Iterator[str]:
    """Lines as text; a line that is not UTF-8 comes out empty, and goes in `bad` (number → its bytes)."""
    for number, raw in enumerate(lines, first):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            bad[number] = raw
            yield "\n"


def _not_utf8(raw: bytes) -> str:
    """Which text a line is not, and what it looks like (GBK is what Excel and WPS save by default)."""
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return "not UTF-8 text (it looks like GBK)"


def _read_csv(path: Path, stream: IO[bytes], inputs, required=None) -> Departments:
    lines = _raw_lines(stream)
    first = next(lines, b"")
    try:
        header = next(csv.reader([first.decode("utf-8-sig")]), None)
    except UnicodeDecodeError:
        lines.close()
        raise InputFileError([error("E002", f"the CSV file is {_not_utf8(first)}", None,
                                    NOT_UTF8_HINT, where=f"{path}:1")]) from None
    except csv.Error as exc:
        lines.close()
        raise InputFileError([error("E002", f"the header row cannot be read: {exc}", None, HEADER_HINT,
                                    where=f"{path}:1")]) from None
    if not header:
        lines.close()
        raise InputFileError([error("E002", "the CSV file has no header row", None, HEADER_HINT,
                                    where=f"{path}:1")])
    columns = [name.strip() for name in header]
    diagnostics, used = _check_header(path, columns, inputs)
    missing = [name for name in (required or ()) if name not in columns]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        diagnostics.append(error("F501", f"the CSV has no column for {len(missing)} input"
                                 f"{'s' if len(missing) != 1 else ''} the rules read: {shown}", None,
                                 "add a column for each (an empty cell is a missing fact); the rows that "
                                 "need them cannot be scored", where=f"{path}:1"))
    bad: dict[int, bytes] = {}
    reader = csv.reader(_decoded_lines(lines, bad, first=2))
    return Departments(path, _csv_rows(path, reader, columns, used, bad), diagnostics, frozenset(missing))


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


def _csv_rows(path: Path, reader, columns: list[str], used: dict, bad: dict) -> Iterator[Department]:
    """One Department per row; blank rows are skipped, a row whose id was seen before is an error."""
    id_index = next((index for index, name in used.items() if name == ID_COLUMN), None)
    facts_columns = [(index, name) for index, name in used.items() if index != id_index]
    ids: dict[str, int] = {}
    end = 1  # the line the previous row ended on
    while True:
        start = end + 1
        where = f"{path}:{start}"
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = reader.line_num + 1
            yield _bad_row(str(start), where, f"this row cannot be read: {exc}",
                           "put a value that holds a comma, a quote or a line break in double quotes")
            continue
        end = reader.line_num + 1
        unreadable = [bad[number] for number in range(start, end + 1) if number in bad]
        if unreadable:
            yield _bad_row(str(start), where, f"this row is {_not_utf8(unreadable[0])}", NOT_UTF8_HINT)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        key = (cells[id_index].strip() if id_index is not None and id_index < len(cells) else "") or str(start)
        if len(cells) != len(columns):
            yield _bad_row(key, where, f"this row has {len(cells)} cells, the header has {len(columns)}",
                           "check for a missing or extra comma; put a value that holds a comma in double quotes")
        elif key in ids:
            yield _bad_row(key, where, f"the id '{key}' is also the id of line {ids[key]}",
                           "give each department its own id", code="F509")
        else:
            ids[key] = start
            yield Department(key, where, {name: cells[index].strip() for index, name in facts_columns
                                          if cells[index].strip()})


def _bad_row(key: str, where: str, message: str, hint: str, code: str = "F508") -> Department:
    return Department(key, where, errors=(error(code, message, None, hint, where=where),))


def _read_json_lines(path: Path, stream: IO[bytes]) -> Iterator[Department]:
    """One Department per non-blank line, each a JSON object of facts with an optional "id"."""
    bad: dict[int, bytes] = {}
    ids: dict[str, int] = {}
    for number, line in enumerate(_decoded_lines(_raw_lines(stream), bad), 1):
        where = f"{path}:{number}"
        if number in bad:
            yield _bad_row(str(number), where, f"this line is {_not_utf8(bad[number])}", NOT_UTF8_HINT)
            continue
        if not line.strip():
            continue
        try:
            facts = json.loads(line, parse_float=Decimal, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            yield _bad_row(str(number), where, f"not valid JSON: {exc.msg} (column {exc.colno})", JSON_LINE_HINT,
                           code="F506")
            continue
        except _DuplicateKey as exc:
            yield _bad_row(str(number), where, f"the fact '{exc.key}' is given twice", "keep one", code="F507")
            continue
        if not isinstance(facts, dict):
            yield _bad_row(str(number), where, "a line is an object of input names to values", JSON_LINE_HINT,
                           code="F506")
            continue
        key = str(facts.pop(ID_COLUMN, "") or number)
        if key in ids:
            yield _bad_row(key, where, f"the id '{key}' is also the id of line {ids[key]}",
                           "give each department its own id", code="F509")
            continue
        ids[key] = number
        yield Department(key, where, facts)


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


def facts_files(folder: Path) -> list[Path]:
    """The YAML and JSON facts files under a folder, sorted; case files (*.case.yaml) are not facts."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in FACTS_SUFFIXES
                  and not p.name.lower().endswith(CASE_SUFFIX))


def _read_folder(folder: Path, files: list[Path]) -> Iterator[Department]:
    """One Department per facts file, its key the path under the folder without the suffix."""
    for path in files:
        key, where = path.relative_to(folder).with_suffix("").as_posix(), str(path)
        try:
            fact_set = load_facts(path)
        except FactsError as exc:
            yield Department(key, where, errors=tuple(exc.diagnostics), source=exc.sources.get(where))
        except OSError as exc:
            yield _bad_row(key, where, f"cannot read facts file: {exc.strerror or exc}",
                           "check that the file can be read", code="E002")
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


# ---- scoring ------------------------------------------------------------------------------------

@attrs.frozen
class Scored:
    """A department's result, or the diagnostics that say why it has none."""
    key: str
    where: str
    result: Result | None
    diagnostics: tuple = ()
    sources: dict = attrs.field(factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.result is not None

    def reasons(self) -> str:
        """Why the department has no result, on one line (the `error` column)."""
        return "; ".join(f"{d.code}: {d.message}" for d in self.diagnostics)


def score_departments(ruleset, departments: Iterable[Department], explain: bool = False) -> Iterator[Scored]:
    """Score each department in turn; one that cannot be read or scored yields its diagnostics."""
    for department in departments:
        if department.errors:
            yield Scored(department.key, department.where, None, department.errors, _sources(department))
            continue
        try:
            result = ruleset.evaluate(department.fact_set(), explain=explain)
        except FactsError as exc:
            yield Scored(department.key, department.where, None,
                         tuple(_at_row(d, department.where) for d in exc.diagnostics), _sources(department))
        except EvaluationError as exc:
            yield Scored(department.key, department.where, None,
                         tuple(_rule_at_row(d, department.where) for d in exc.diagnostics))
        else:
            yield Scored(department.key, department.where, result)


def _sources(department: Department) -> dict:
    return {department.source.name: department.source} if department.source else {}


def _at_row(diagnostic: Diagnostic, where: str) -> Diagnostic:
    """A fact's problem located at its row ("corpus.csv:17"), unless it has a line in a facts file."""
    return diagnostic if diagnostic.span is not None else attrs.evolve(diagnostic, where=where)


def _rule_at_row(diagnostic: Diagnostic, where: str) -> Diagnostic:
    """A scoring error located at the department's row, naming the rule's line in its message."""
    if diagnostic.span is None:
        return attrs.evolve(diagnostic, where=where)
    return attrs.evolve(diagnostic, span=None, where=where,
                        message=f"{diagnostic.message} (rule at {diagnostic.span})")


# ---- rows ---------------------------------------------------------------------------------------

def leaf_names(ruleset) -> list[str]:
    """Every indicator that is scored (the leaves), in tree order: the score columns."""
    return [leaf.indicator.name for leaf in iter_leaves(ruleset.compiled.nodes)]


def columns(leaves: list[str]) -> list[str]:
    """The output's columns: the key, each leaf's score, the total, the grade and the error."""
    return ["key", *leaves, "total", "grade", "error"]


def row(scored: Scored, leaves: list[str]) -> dict:
    """The department's row: key, each leaf's score, total, grade and error, None where there is none.
    Scores are text, so that 4.52 stays exactly 4.52."""
    if scored.result is None:
        return {"key": scored.key, **dict.fromkeys(leaves), "total": None, "grade": None,
                "error": scored.reasons()}
    scores = {node.name: str(node.score) for node in scored.result.leaves()}
    return {"key": scored.key, **{name: scores[name] for name in leaves}, "total": str(scored.result.total),
            "grade": scored.result.grade, "error": None}


class RowWriter:
    """Writes rows as CSV (an empty cell for None), JSON Lines, or one JSON object
    {"departments": [row, …], "summary": {…}}."""

    def __init__(self, stream: IO[str], fmt: str, leaves: list[str]):
        self.stream, self.fmt, self.leaves = stream, fmt, leaves
        self.rows = 0
        if fmt == "csv":
            self.csv = csv.writer(stream, lineterminator="\n")
            self.csv.writerow(columns(leaves))
        elif fmt == "json":
            stream.write('{"departments": [')

    def write(self, scored: Scored) -> None:
        values = row(scored, self.leaves)
        if self.fmt == "csv":
            self.csv.writerow(values.values())
        else:
            text = json.dumps(values, ensure_ascii=False)
            self.stream.write(text + "\n" if self.fmt == "jsonl" else ("\n  " if not self.rows else ",\n  ") + text)
        self.rows += 1

    def close(self, summary: Summary) -> None:
        if self.fmt == "json":
            self.stream.write("\n], \"summary\": " + json.dumps(summary.to_dict(), ensure_ascii=False) + "}\n")


# ---- summary ------------------------------------------------------------------------------------

@attrs.frozen
class Summary:
    """What a batch came to: how many departments, each grade's count, the distribution of totals."""
    departments: int
    failed: int
    grades: tuple  # (grade name, count), in the order the framework lists them
    totals: tuple  # the scored departments' totals, sorted
    max: Decimal

    @property
    def scored(self) -> int:
        return len(self.totals)

    def quantile(self, fraction: Decimal) -> Decimal:
        """Linear interpolation between the closest ranks (Excel's QUARTILE.INC), exact."""
        position = (self.scored - 1) * fraction
        below = int(position)
        above = min(below + 1, self.scored - 1)
        low, high = self.totals[below], self.totals[above]
        return self._tidy(low + (high - low) * (position - below))

    @property
    def mean(self) -> Decimal:
        """The mean total, rounded half-up to the totals' decimals."""
        mean = numbers.divide(numbers.total(self.totals), Decimal(self.scored))
        exponent = self._quantum.as_tuple().exponent
        assert isinstance(exponent, int)  # a power of ten is finite
        return numbers.round_to(mean, -exponent, ROUND_HALF_UP)

    @property
    def _quantum(self) -> Decimal:
        return Decimal(1).scaleb(min(total.as_tuple().exponent for total in self.totals))

    def _tidy(self, value: Decimal) -> Decimal:
        """A value with the totals' decimals when that is exact (97.8300 → 97.83), else as it is."""
        shown = value.quantize(self._quantum)
        return shown if shown == value else value.normalize()

    def figures(self) -> dict[str, Decimal]:
        """min, lower quartile, median, upper quartile, max and mean of the totals (empty if none)."""
        if not self.totals:
            return {}
        return {"min": self.totals[0], "lower quartile": self.quantile(Decimal("0.25")),
                "median": self.quantile(Decimal("0.5")), "upper quartile": self.quantile(Decimal("0.75")),
                "max": self.totals[-1], "mean": self.mean}

    def histogram(self) -> list[tuple[Decimal, Decimal, int]]:
        """(low, high, count): the totals in bins of a round width (1, 2, 5, 10… points), from below the
        lowest total to the maximum, at most 20 bins; each holds low ≤ total < high, the last one its
        high end too. Finer than fixed 10-point bins, where a typical year's totals all fall in 90–100.
        The summary on the terminal, the HTML page and the workbook all show these bins."""
        if not self.totals:
            return []
        maximum = self.max
        for step in HISTOGRAM_STEPS:
            low = (self.totals[0] // step) * step
            if (maximum - low) / step <= MOST_BINS:
                break
        edges: list[tuple[Decimal, Decimal]] = []  # each bin's low and high
        while low < maximum or not edges:
            edges.append((low, min(low + step, maximum)))
            low += step
        counts = [0] * len(edges)
        for total in self.totals:
            counts[min(max(int((total - edges[0][0]) // step), 0), len(edges) - 1)] += 1
        return [(bottom, top, count) for (bottom, top), count in zip(edges, counts)]

    def to_dict(self) -> dict:
        return {"departments": self.departments, "scored": self.scored, "failed": self.failed,
                "grades": dict(self.grades),
                "totals": {name: str(value) for name, value in self.figures().items()},
                "histogram": [{"from": format_number(low), "to": format_number(high), "count": count}
                              for low, high, count in self.histogram()]}


class Tally:
    """Counts departments as they are scored, keeping only their totals and grades."""

    def __init__(self, ruleset) -> None:
        self.max = ruleset.compiled.total
        self.departments = self.failed = 0
        self.totals: list[Decimal] = []
        self.grades: dict[str, int] = dict.fromkeys((band.grade for band in ruleset.program.grades), 0)

    def add(self, scored: Scored) -> Scored:
        self.departments += 1
        if scored.result is not None:
            self.totals.append(scored.result.total)
            grade = scored.result.grade
            if grade is not None:
                self.grades[grade] = self.grades.get(grade, 0) + 1
        else:
            self.failed += 1
        return scored

    def summary(self) -> Summary:
        return Summary(self.departments, self.failed, tuple(self.grades.items()), tuple(sorted(self.totals)),
                       self.max)


def summarize(ruleset, scored: Iterable[Scored]) -> Summary:
    tally = Tally(ruleset)
    for item in scored:
        tally.add(item)
    return tally.summary()

