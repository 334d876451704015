"""The Excel workbook of a batch (openpyxl, write-only): one row per department, then a summary sheet
(the per-department workbook and the shared cell helpers are xlsx.py's)."""

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
from openpyxl.styles import Font, PatternFill
from openpyxl.writer.excel import ExcelWriter

from ..source import display_width
from .cells import safe_cell, safe_text
from .html import FIGURE_NAMES
from .xlsx import BOLD, HEADER_FILL, cell_text, decimals_format, set_widths

WIDTH_SAMPLE = 1000  # a batch's rows that set the width of its key column


def render_xlsx_batch(scored: list, summary) -> bytes:
    """One row per department (部门, every leaf's score, 总分, 等级, 错误), then a summary sheet: the
    count per grade, the figures and the distribution of totals, with a chart (XlsxBatchWriter)."""
    first = next((item.result for item in scored if item.ok), None)
    buffer = BytesIO()
    writer = XlsxBatchWriter(buffer, [leaf.name for leaf in first.leaves()] if first else [])
    for item in scored:
        writer.write(item)
    writer.close(summary)
    return buffer.getvalue()


class XlsxBatchWriter:
    """The batch workbook, written department by department in openpyxl's write-only mode, which keeps
    the rows in a temporary file, not in memory. The sheet's column widths come before its rows in the
    file, so the first WIDTH_SAMPLE rows wait until the key column's width is known from them; a longer
    key further down shows in full when its cell is selected."""

    def __init__(self, stream: IO[bytes], leaves: list[str]):
        self.stream, self.leaves = stream, leaves
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("部门")
        self.number_format: str | None = None  # the framework's decimals, from the first total
        self.waiting: list[list] | None = []  # rows before the widths are set

    def write(self, item) -> None:
        if item.ok and self.number_format is None:
            self.number_format = decimals_format(item.result.total)
        if item.ok:
            values = [*(node.score for node in item.result.leaves()), item.result.total,
                      safe_cell(item.result.grade), None]
        else:
            values = [None] * (len(self.leaves) + 2) + [safe_text(cell_text(d.render() for d in item.diagnostics))]
        if self.waiting is None:
            self._append([safe_text(item.key), *values])
            return
        self.waiting.append([safe_text(item.key), *values])
        if len(self.waiting) >= WIDTH_SAMPLE:
            self._start()

    def _start(self) -> None:
        """The column widths, the header row, and the rows that waited for them."""
        waiting, self.waiting = self.waiting or [], None
        keys = max((display_width(values[0]) + 2 for values in waiting), default=10)
        set_widths(self.sheet, [keys] + [min(max(display_width(name), 6) + 2, 24) for name in self.leaves]
                   + [8, 6, 60])
        self.sheet.freeze_panes = "B2"
        header = ["部门", *map(safe_text, self.leaves), "总分", "等级", "错误"]
        self.sheet.append([_cell(self.sheet, name, font=BOLD, fill=HEADER_FILL) for name in header])
        for values in waiting:
            self._append(values)

    def _append(self, values: list) -> None:
        numbers = len(self.leaves) + 1  # the leaves' scores and the total
        cells = [_cell(self.sheet, value, number_format=self.number_format) for value in values[1:numbers + 1]]
        self.sheet.append([values[0], *cells, *values[numbers + 1:]])

    def close(self, summary) -> None:
        if self.waiting is not None:
            self._start()
        summary_sheet(self.book.create_sheet("汇总"), summary)
        # what Workbook.save does, with the archive in hand to close if the save fails
        self.book.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
        archive = ZipFile(self.stream, "w", ZIP_DEFLATED, allowZip64=True)
        try:
            ExcelWriter(self.book, archive).save()
        except BaseException:
            self._discard(archive)
            raise

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


def summary_sheet(sheet, summary) -> None:
    """The count per grade, the figures of the totals, and their distribution with a bar chart."""
    set_widths(sheet, [14, 10, 10])

    def bold(*values):
        return [_cell(sheet, value, font=BOLD) for value in values]

    rows = [["部门数", summary.departments], ["已评分", summary.scored], ["无法评分", summary.failed], [],
            bold("等级", "部门数"), *([safe_text(name), count] for name, count in summary.grades), []]
    figures = summary.figures()
    if figures:
        # unformatted: a quartile can take a decimal more than the scores (93.605)
        rows += [bold("总分"), *([FIGURE_NAMES[name], value] for name, value in figures.items()), []]
    rows.append(bold("总分从", "到", "部门数"))
    first_bin = len(rows) + 1
    bins = summary.histogram()
    rows += [[low, high, count] for low, high, count in bins]
    for row in rows:
        sheet.append(row)
    if not bins:  # no department was scored
        return
    chart = BarChart()
    chart.title, chart.legend = "总分分布", None
    last_bin = first_bin + len(bins) - 1
    chart.add_data(Reference(sheet, min_col=3, min_row=first_bin - 1, max_row=last_bin), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first_bin, max_row=last_bin))
    sheet.add_chart(chart, "E2")


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
