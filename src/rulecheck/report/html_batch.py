"""The HTML page of a batch: the summary (departments, grades, the distribution of totals) and a table of
every department, written department by department (the page's style and frame are html.py's)."""

from __future__ import annotations

import io
import shutil
import tempfile
from decimal import Decimal
from html import escape
from typing import IO

from ..syntax.printer import format_number
from .html import FIGURE_NAMES, _scaled, page

COLUMN_WIDTH = 56  # the histogram's column per bin, in pixels
PLOT_HEIGHT = 160
SPOOL_SIZE = 1 << 20  # characters of a batch's table rows kept in memory before they go to a temporary file


def render_html_batch(scored: list, summary) -> str:
    """A batch's summary page: how many departments, the count per grade, the distribution of
    totals as a histogram, and a table of every department (key, total, grade, errors)."""
    stream = io.StringIO()
    writer = HtmlBatchWriter(stream)
    for item in scored:
        writer.write(item)
    writer.close(summary)
    return stream.getvalue().removesuffix("\n")


class HtmlBatchWriter:
    """The batch page, written department by department: the page shows the summary first, so each
    department's table row waits in a temporary file (in memory up to SPOOL_SIZE, then on disk) until
    `close(summary)` writes the page, the rows copied in; memory does not grow with the batch."""

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self.rows = tempfile.SpooledTemporaryFile(max_size=SPOOL_SIZE, mode="w+", encoding="utf-8")
        self.framework = ""
        self.count = 0

    def write(self, item) -> None:
        if item.ok and not self.framework:
            self.framework = item.result.framework
        self.rows.write(department_row(item) + "\n")
        self.count += 1

    def close(self, summary) -> None:
        """The whole page, ending with a line break."""
        title = " — ".join(part for part in (self.framework, "批量评分") if part)
        head, tail = page(title, "\0").split("\0")
        self.stream.write(head + summary_sections(self.framework, summary) + f"<h2>各部门得分</h2>\n{TABLE_HEAD}")
        self.rows.seek(0)
        shutil.copyfileobj(self.rows, self.stream)
        self.rows.close()
        self.stream.write(("" if self.count else "\n") + TABLE_TAIL + tail + "\n")


def summary_sections(framework: str, summary) -> str:
    """The page's header and its summary: the count per grade, the figures and histogram of totals."""
    header = (f"<header><div><h1>{escape(framework or '批量评分')}</h1>"
              f'<p class="department">{summary.departments} 个部门: {summary.scored} 个已评分, '
              f"{summary.failed} 个无法评分</p></div></header>")
    counts = [*summary.grades, *([("无法评分", summary.failed)] if summary.failed else [])]
    grades = "".join(f'<tr class="count"><td>{escape(name)}</td><td class="number">{count}</td></tr>'
                     for name, count in counts)
    figures = "".join(f"<div><dt>{FIGURE_NAMES[name]}</dt><dd>{value}</dd></div>"
                      for name, value in summary.figures().items())
    return (f"{header}\n<h2>等级分布</h2>\n<table class=\"grades\"><thead><tr><th>等级</th>"
            f'<th class="number">部门数</th></tr></thead>\n<tbody>{grades}</tbody></table>\n'
            + (f'<h2>总分分布</h2>\n<dl class="figures">{figures}</dl>\n{histogram(summary.histogram())}\n'
               if summary.scored else ""))


TABLE_HEAD = ('<table class="departments">\n<thead><tr><th>部门</th><th class="number">总分</th><th>等级</th>'
              "<th>错误</th></tr></thead>\n<tbody>\n")
TABLE_TAIL = "</tbody>\n</table>"


def departments_table(scored: list) -> str:
    """Every department in input order: its key, and its total and grade or why it has none."""
    return TABLE_HEAD + "\n".join(map(department_row, scored)) + "\n" + TABLE_TAIL


def department_row(item) -> str:
    """One department's row of the table: its key, and its total and grade or its errors."""
    if item.ok:
        cells = (f'<td class="number score">{item.result.total}</td>'
                 f"<td>{escape(item.result.grade or '')}</td><td></td>")
    else:
        errors = "\n".join(diagnostic.render() for diagnostic in item.diagnostics)
        cells = f'<td></td><td></td><td class="errors">{escape(errors)}</td>'
    return (f'<tr class="{"scored" if item.ok else "failed"}"><td class="name">{escape(item.key)}</td>'
            f"{cells}</tr>")


def histogram(bins: list) -> str:
    """Columns, one per bin of totals (low, high, count), each with its count above it and its
    range below."""
    tallest = max(count for _, _, count in bins)
    width = len(bins) * COLUMN_WIDTH
    base = PLOT_HEIGHT + 20  # the axis: room for the tallest column's count above it
    parts = []
    for index, (low, high, count) in enumerate(bins):
        x = index * COLUMN_WIDTH
        height = Decimal(_scaled(Decimal(count), Decimal(tallest), PLOT_HEIGHT))
        label = f"{format_number(low)}–{format_number(high)}"
        middle = x + COLUMN_WIDTH // 2
        parts.append(
            f"<g><title>{label}: {count}</title>"
            f'<rect class="bar" x="{x + 4}" y="{base - height}" width="{COLUMN_WIDTH - 8}" height="{height}"/>'
            f'<text class="count" x="{middle}" y="{base - height - 5}">{count}</text>'
            f'<text class="count" x="{middle}" y="{base + 17}">{label}</text></g>')
    parts.append(f'<line class="axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>')
    svg_height = base + 24
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="总分分布" '
            f'width="{width}" height="{svg_height}" viewBox="0 0 {width} {svg_height}">' + "".join(parts) + "</svg>")
