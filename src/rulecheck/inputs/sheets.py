"""Facts from Excel workbooks (.xlsx): a key/value sheet for one department, or a sheet with a row per
department for a batch, read streaming (openpyxl's read-only mode: one row in memory at a time).

Only the workbook's first sheet is read. Its first non-blank row decides what it holds:

- a batch (a row per department, like a CSV) when that row's first cell names an id column
  (`id`, `编号`, `部门编号`, `单位编号`, `部门`, `单位`), or it has more than two cells, all text;
- else one department's facts: column A the input's name, column B its value (columns after B are
  notes, not read); a first row `输入项 | 值` (or `input | value`) is a header and is skipped.

A cell is converted to what the same value typed in a CSV would give, so a department scores the same
from every format: a number is the decimal the analyst typed (Excel stores a binary double: its shortest
round-trip digits, at most the 15 significant digits Excel keeps: 0.9729 stays 0.9729); a number in a
cell formatted as a percentage (`0.00%`) is that percentage (0.9729 shown as 97.29% is "97.29%"); text is
the text, true/false a boolean, an empty cell a missing fact. A date or time, or an Excel error
(`#DIV/0!`), is refused at its cell, but for a `date` input, which takes a date cell. A formula is read by the value
Excel saved with it.
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path

import attrs

from ..diagnostics import Diagnostic, FactsError, InputFileError, error
from ..i18n import _
from ..source import MAX_BYTES, Span, too_large
from .values import Unread, cut

XLSX_SUFFIXES = (".xlsx", ".xlsm")
OLD_EXCEL_SUFFIXES = (".xls", ".et")
ID_NAMES = ("id", "编号", "部门编号", "单位编号", "部门", "单位")  # a first header cell that makes a batch sheet
KEY_HEADERS = frozenset({"输入项", "input", "inputs", "名称 / 值"})
VALUE_HEADERS = frozenset({"值", "数值", "取值", "value", "values"})
EXCEL_DIGITS = 15  # the significant digits Excel keeps of a number typed in a cell
MAX_FACT_ROWS = 10_000  # the most filled rows of a key/value sheet (a framework has at most a few hundred inputs)


@attrs.frozen
class CellSpan(Span):
    """A cell of a sheet, shown as Excel names it: 'facts.xlsx:Sheet1!C7' (`file` holds 'facts.xlsx:Sheet1')."""

    def __str__(self) -> str:
        return f"{self.file}!{_column_letter(self.column)}{self.line}"


def is_workbook(path: str | Path) -> bool:
    return Path(path).suffix.lower() in XLSX_SUFFIXES


def cell_place(path: str | Path, sheet: str, row: int, column: int = 1) -> str:
    """'facts.xlsx:Sheet1!C7'."""
    return f"{path}:{sheet}!{_column_letter(column)}{row}"


def is_id_name(name: str) -> bool:
    return name.strip().lower() in ID_NAMES


class Sheet:
    """The first sheet of a workbook, read row by row; `close()` (or reading to the end) frees the file."""

    def __init__(self, path: str | Path):
        import openpyxl  # a second or so of imports, only when a workbook is read
        self.path = Path(path)
        if self.path.exists() and not self.path.is_file():
            raise InputFileError.single("E002", _("cannot read {name}: it is not a regular file (a pipe or a "
                                                  "device)", name=self.path.name), str(path))
        try:
            self.book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except OSError as exc:
            raise InputFileError.single("E002", _("cannot read {name}: {reason}", name=self.path.name,
                                                  reason=exc.strerror or exc), str(path)) from None
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
            raise InputFileError([error("E002", _("cannot read {name}: it is not an Excel workbook (.xlsx) "
                                                  "({reason})", name=self.path.name, reason=cut(str(exc), 60)),
                                        None, _("save it from Excel or WPS as an Excel workbook (.xlsx), or "
                                                "as 'CSV UTF-8'"), where=str(path))]) from None
        sheets = self.book.worksheets
        if not sheets:
            self.close()
            raise InputFileError.single("E002", _("the workbook has no sheet"), str(path))
        self.sheet = sheets[0]
        self.title = self.sheet.title
        self.estimated_rows = self.sheet.max_row or 0  # from the sheet's recorded size: for a progress bar
        self.sheet.reset_dimensions()  # a recorded size may be wrong: read every cell the sheet holds
        self._rows = self._read()

    def _read(self) -> Iterator[tuple[int, list]]:
        try:
            for number, row in enumerate(self.sheet.iter_rows(), start=1):
                cells = list(row)
                number = next((c.row for c in cells if getattr(c, "row", None)), number)
                yield number, cells
        finally:
            self.close()

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, cells) for each row, from the first."""
        return self._rows

    def close(self) -> None:
        self.book.close()

    def place(self, row: int, column: int = 1) -> str:
        return cell_place(self.path, self.title, row, column)

    def span(self, row: int, column: int) -> CellSpan:
        return CellSpan(f"{self.path}:{self.title}", row, column, row, column + 1)


def blank(cell) -> bool:
    value = cell.value
    return value is None or (isinstance(value, str) and not value.strip())


def text_of(cell) -> str:
    """A cell as a name or id: its text, or the digits of its number."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        number = excel_number(value)
        return str(number) if number is not None else str(value)
    return str(value).strip()


def first_row_is_batch(cells: list) -> bool:
    """A batch's header: it starts with an id column, or names more than two columns (all text) and is
    not a key/value sheet's header (输入项 | 值)."""
    filled = [cell for cell in cells if not blank(cell)]
    if not filled or _is_header(cells):
        return False
    return is_id_name(text_of(cells[0])) or (len(filled) > 2 and all(isinstance(c.value, str) for c in filled))


def sheet_is_batch(path: str | Path) -> bool:
    """Whether the workbook's first sheet holds a row per department (see the module's docstring)."""
    sheet = Sheet(path)
    try:
        for _number, cells in sheet.rows():
            if any(not blank(cell) for cell in cells):
                return first_row_is_batch(cells)
        return False
    finally:
        sheet.close()


def excel_number(value: int | float) -> Decimal | None:
    """The decimal an analyst typed for the number Excel stores (None if it is not finite)."""
    if isinstance(value, int):
        return Decimal(value)
    try:
        number = Decimal(repr(value))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if len(number.as_tuple().digits) > EXCEL_DIGITS:
        exponent = number.adjusted() - EXCEL_DIGITS + 1
        number = number.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN)
    return _plain(number)


def _plain(number: Decimal) -> Decimal:
    """Without trailing zeros after the point, and never in exponent form (1E+1 is 10)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def cell_value(cell, place: str):
    """A cell's value as a fact: None (empty), a bool, a Decimal, a text ("97.29%" for a percentage),
    or an Unread value saying why it is refused (a date, an Excel error)."""
    value = cell.value
    if value is None or isinstance(value, bool):
        return value
    if getattr(cell, "data_type", None) == "e" or (isinstance(value, str) and value.startswith("#")
                                                    and value.rstrip("!?0/").upper() in _EXCEL_ERRORS):
        return Unread(f"'{value}'", "F502", _("the cell {place} holds the Excel error {value}, not a value",
                                              place=place, value=cut(str(value), 20)),
                      _("correct the formula, or type the value"))
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)):
        if isinstance(value, datetime.datetime) and value.time() == datetime.time():
            value = value.date()  # a date typed in a cell: Excel holds it as a datetime at midnight
        shown = value.isoformat() if not isinstance(value, datetime.timedelta) else str(value)
        day = value if isinstance(value, datetime.date) else None  # a date input takes its day (values.convert)
        return Unread(f"the date {shown}", "F502",
                      _("the cell {place} holds a date or time ({value}), and this input is not a date",
                        place=place, value=shown),
                      _("if it is a number that Excel shows as a date, set the cell's format to General "
                        "(常规) and type the number again"), day=day)
    if isinstance(value, (int, float)):
        number = excel_number(value)
        if number is None:
            return Unread(cut(str(value)), "F502", _("the cell {place} holds {value}, which is not a finite "
                                                     "number", place=place, value=value),
                          _("type the measured value"))
        if "%" in (getattr(cell, "number_format", None) or ""):
            return f"{_plain(number.scaleb(2))}%"
        return number
    return str(value)


_EXCEL_ERRORS = frozenset({"#DIV", "#N/A", "#NAME", "#NULL", "#NUM", "#REF", "#VALUE", "#GETTING_DATA", "#SPILL",
                           "#CALC"})


# ---- one department: a key/value sheet ----------------------------------------------------------

def read_key_values(path: str | Path) -> tuple[dict, dict, str]:
    """The facts of a key/value sheet and the cell of each value (CellSpan); the sheet's place for
    messages. Raises FactsError for a sheet that is not one (a batch sheet, a value without a name,
    a name given twice, more than MAX_FACT_ROWS rows), InputFileError if the workbook cannot be read,
    source.ReadError for a workbook above 1 MB, as for any facts file of one department."""
    if Path(path).is_file() and Path(path).stat().st_size > MAX_BYTES:
        raise too_large(str(path), MAX_BYTES)
    sheet = Sheet(path)
    name = f"{sheet.path}:{sheet.title}"
    values: dict = {}
    spans: dict = {}
    problems: list[Diagnostic] = []
    first = True
    for number, cells in sheet.rows():
        if not any(not blank(cell) for cell in cells):
            continue
        if len(spans) + len(problems) >= MAX_FACT_ROWS:
            sheet.close()
            raise FactsError([error("F506", _("this sheet has more than {most} filled rows: a key/value sheet "
                                              "holds one department's facts", most=format(MAX_FACT_ROWS, ",")),
                                    sheet.span(number, 1),
                                    _("score a sheet with a row per department as a batch (its first row "
                                      "naming the columns), or keep one department's facts on the first sheet"))])
        if first:
            first = False
            if first_row_is_batch(cells):
                sheet.close()
                raise FactsError([error("F506", _("this sheet holds a row per department (its first row starts "
                                                  "with '{cell}' or has more than two cells): it is a batch",
                                                  cell=cut(text_of(cells[0]), 40)), sheet.span(number, 1),
                                        _("score it as a batch with rulecheck score RULES {name}, or write one "
                                          "department's facts as two columns: input name, value",
                                          name=sheet.path.name))])
            if _is_header(cells):
                continue
        key = text_of(cells[0]) if cells else ""
        value_cell = cells[1] if len(cells) > 1 else None
        if not key:
            problems.append(error("F506", _("the value at {place} has no input name beside it",
                                            place=sheet.place(number, 2)), sheet.span(number, 1),
                                  _("write the input's name in column A, its value in column B")))
            continue
        if key in spans:
            problems.append(error("F507", _("the fact '{name}' is given twice", name=cut(key)), sheet.span(number, 1),
                                  _("the first is at {place}; keep one", place=str(spans[key]))))
            continue
        spans[key] = sheet.span(number, 2)
        values[key] = None if value_cell is None else cell_value(value_cell, sheet.place(number, 2))
    if problems:
        raise FactsError(problems)
    return values, spans, name


def _is_header(cells: list) -> bool:
    key = text_of(cells[0]).lower() if cells else ""
    value = text_of(cells[1]).lower() if len(cells) > 1 else ""
    return key in KEY_HEADERS or value in VALUE_HEADERS


def _column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter  # openpyxl (and numpy, which it imports) only for a workbook
    return get_column_letter(column)
