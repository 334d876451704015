"""The Excel workbook of a batch (openpyxl, write-only): one row per department, a summary sheet, where
the departments lose points (the indicators, where they lose most first) and a heat map of every
department's 得分率 per leaf (the per-department workbook and the shared cell helpers are xlsx.py's).
Labels and sheet names are in the current language."""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal
from io import BytesIO
from typing import IO
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .. import numbers
from ..i18n import N_, _
from ..source import display_width
from .cells import safe_cell, safe_text
from .html_batch import FIGURE_NAMES
from .xlsx import BOLD, HEADER_FILL, cell_text, decimals_format, set_widths

WIDTH_SAMPLE = 1000  # a batch's rows that set the width of its key and name columns
PERCENT = "0.0%"  # a 得分率 or a share, shown as a percent with one decimal
SHEETS = {"departments": N_("Departments"), "summary": N_("Summary"), "losses": N_("Losses"),
          "heat": N_("Heat map")}
# the heat map's colours: red for no points, yellow at 80%, green for full points
HEAT_SCALE = ColorScaleRule(start_type="num", start_value=0, start_color="F8696B", mid_type="num", mid_value=0.8,
                            mid_color="FFEB84", end_type="num", end_value=1, end_color="63BE7B")


def render_xlsx_batch(scored: list, summary) -> bytes:
    """One row per department (部门, 名称, every leaf's score, 总分, 等级, 错误), a summary sheet (the count
    per grade, the figures and the distribution of totals, with a chart), the loss analysis and the
    heat map (XlsxBatchWriter)."""
    first = next((item.result for item in scored if item.ok), None)
    buffer = BytesIO()
    writer = XlsxBatchWriter(buffer, [leaf.name for leaf in first.leaves()] if first else [])
    for item in scored:
        writer.write(item)
    writer.close(summary)
    return buffer.getvalue()


class XlsxBatchWriter:
    """The batch workbook, written department by department in openpyxl's write-only mode, which keeps
    the rows in a temporary file per sheet, not in memory: each department's row of the departments
    sheet and of the heat map are appended as it comes (the sheets' files are written side by side).
    A sheet's column widths come before its rows in the file, so the first WIDTH_SAMPLE departments
    wait until the key and name columns' widths are known from them; a longer key further down shows
    in full when its cell is selected."""

    def __init__(self, stream: IO[bytes], leaves: list[str]):
        self.stream, self.leaves = stream, leaves
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(_(SHEETS["departments"]))
        self.heat = self.book.create_sheet(_(SHEETS["heat"]))
        self.number_format: str | None = None  # the framework's decimals, from the first total
        self.waiting: list[tuple[list, list]] | None = []  # rows before the widths are set
        self.count = 0

    def write(self, item) -> None:
        if item.ok and self.number_format is None:
            self.number_format = decimals_format(item.result.total)
        head = [safe_text(item.key), safe_cell(item.name)]
        if item.ok:
            values = [*(node.score for node in item.result.leaves()), item.result.total,
                      safe_cell(item.result.grade), None]
        else:
            values = [None] * (len(self.leaves) + 2) + [safe_text(cell_text(d.render() for d in item.diagnostics))]
        rows = ([*head, *values], [*head, *heat_rates(item)])
        self.count += 1
        if self.waiting is None:
            self._append(*rows)
            return
        self.waiting.append(rows)
        if len(self.waiting) >= WIDTH_SAMPLE:
            self._start()

    def _start(self) -> None:
        """The column widths, the header rows, and the rows that waited for them."""
        waiting, self.waiting = self.waiting or [], None
        keys = max((display_width(row[0]) + 2 for row, _heat in waiting), default=10)
        names = min(max((display_width(row[1] or "") + 2 for row, _heat in waiting), default=8), 40)
        leaves = [min(max(display_width(name), 6) + 2, 24) for name in self.leaves]
        set_widths(self.sheet, [keys, names, *leaves, 8, 6, 60])
        set_widths(self.heat, [keys, names, *leaves])
        for sheet in (self.sheet, self.heat):
            sheet.freeze_panes = "C2"
        header = [_("Department"), _("Name"), *map(safe_text, self.leaves)]
        self.sheet.append(_header(self.sheet, [*header, _("Total"), _("Grade"), _("Errors")]))
        self.heat.append(_header(self.heat, header))
        for rows in waiting:
            self._append(*rows)

    def _append(self, row: list, heat: list) -> None:
        scores = len(self.leaves) + 1  # the leaves' scores and the total
        cells = [_cell(self.sheet, value, number_format=self.number_format) for value in row[2:scores + 2]]
        self.sheet.append([*row[:2], *cells, *row[scores + 2:]])
        self.heat.append([*heat[:2], *(_cell(self.heat, value, number_format=PERCENT) for value in heat[2:])])

    def close(self, summary) -> None:
        if self.waiting is not None:
            self._start()
        self._filter_and_colour()
        losses = self.book.create_sheet(_(SHEETS["losses"]))
        losses_sheet(losses, summary.indicators)
        self.book.move_sheet(losses.title, offset=-1)  # before the heat map: where departments lose, then who
        summary_sheet(self.book.create_sheet(_(SHEETS["summary"])), summary)
        # what Workbook.save does, with the archive in hand to close if the save fails
        self.book.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
        archive = ZipFile(self.stream, "w", ZIP_DEFLATED, allowZip64=True)
        try:
            ExcelWriter(self.book, archive).save()
        except BaseException:
            self._discard(archive)
            raise

    def _filter_and_colour(self) -> None:
        """The departments sheet's autofilter, the heat map's colour scale: known once every row is in."""
        last_row = self.count + 1
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(self.leaves) + 5)}{last_row}"
        self.heat.auto_filter.ref = f"A1:{get_column_letter(len(self.leaves) + 2)}{last_row}"
        if self.leaves and self.count:
            cells = f"C2:{get_column_letter(len(self.leaves) + 2)}{last_row}"
            self.heat.conditional_formatting.add(cells, HEAT_SCALE)

    def _discard(self, archive: ZipFile) -> None:
        """After a failed save (a full disk), close what openpyxl left open, quietly: else each would try
        to finish its file when collected, and print an 'Exception ignored' message."""
        for sheet in self.book.worksheets:
            with contextlib.suppress(Exception):
                rows = getattr(sheet, "_rows", None)
                if rows is not None:
                    rows.close()
        with contextlib.suppress(Exception):
            archive.close()


def heat_rates(item) -> list:
    """A department's 得分率 on each leaf (its score over its points), nothing if it could not be scored.
    Excel holds a double: a rate that never terminates (1/3) is written to 17 digits."""
    if not item.ok:
        return []
    return [_number(numbers.divide(node.score, node.max)) if node.max > 0 else None for node in item.result.leaves()]


def _number(value: numbers.Number) -> Decimal:
    """An exact value as a workbook's number: a Decimal as it is, a Ratio to 17 significant digits."""
    return numbers.approximate(value, 17)


def summary_sheet(sheet, summary) -> None:
    """The count per grade, the figures of the totals, and their distribution with a bar chart."""
    set_widths(sheet, [14, 10, 10])

    def bold(*values):
        return [_cell(sheet, value, font=BOLD) for value in values]

    rows = [[_("Number of departments"), summary.departments], [_("Scored"), summary.scored],
            [_("Could not be scored"), summary.failed], [],
            bold(_("Grade"), _("Number of departments")),
            *([safe_text(name), count] for name, count in summary.grades), []]
    figures = summary.figures()
    if figures:
        # unformatted: a quartile can take a decimal more than the scores (93.605)
        rows += [bold(_("Total")), *([_(FIGURE_NAMES[name]), value] for name, value in figures.items()), []]
    rows.append(bold(_("Total from"), _("to"), _("Number of departments")))
    first_bin = len(rows) + 1
    bins = summary.histogram()
    rows += [[low, high, count] for low, high, count in bins]
    for row in rows:
        sheet.append(row)
    if not bins:  # no department was scored
        return
    chart = BarChart()
    chart.title, chart.legend = _("Distribution of totals"), None
    last_bin = first_bin + len(bins) - 1
    chart.add_data(Reference(sheet, min_col=3, min_row=first_bin - 1, max_row=last_bin), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first_bin, max_row=last_bin))
    sheet.add_chart(chart, "E2")


def losses_sheet(sheet, indicators) -> None:
    """The indicators where departments lose most first (batch.Losses), as on the page: points, the
    average 得分率 and the share of departments losing points as percents, the mean points lost."""
    widths = [max((display_width(losses.name) + 2 for losses in indicators), default=10), 8, 12, 14, 12]
    set_widths(sheet, widths)
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, [_("Indicator"), _("Points"), _("Average score rate"), _("Departments losing points"),
                                 _("Mean points lost")]))
    for losses in indicators:
        sheet.append([safe_text(losses.name), losses.max, _cell(sheet, _number(losses.rate), PERCENT),
                      _cell(sheet, _number(losses.share_losing), PERCENT),
                      _cell(sheet, _number(losses.mean_lost), "0.00")])
    sheet.auto_filter.ref = f"A1:E{len(indicators) + 1}"


def _header(sheet, names: list) -> list[WriteOnlyCell]:
    return [_cell(sheet, name, font=BOLD, fill=HEADER_FILL) for name in names]


def _cell(sheet, value, number_format: str | None = None, font: Font | None = None,
          fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    if number_format and isinstance(value, Decimal):
        cell.number_format = number_format
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    return cell
