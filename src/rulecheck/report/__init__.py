"""Reports: one department's result, or a batch's, for people and programs — a table like the report's
appendix, Markdown and JSON (text.py), an HTML page (html.py) or an Excel workbook (xlsx.py), a batch's
rows as CSV or JSON (rows.py); the registry of formats the CLI offers; and where a report may be
written, whole or not at all (output.py)."""

from __future__ import annotations

from typing import IO

from ..results import Result
from .html import render_html
from .html_batch import HtmlBatchWriter, render_html_batch
from .output import BINARY_FORMATS, OutputError, open_output, output_error, refuse_reading_output, write_output
from .rows import RowWriter
from .text import render_json, render_markdown, render_table

FORMATS = ("table", "markdown", "json", "html", "xlsx")
ROW_FORMATS = ("csv", "json", "jsonl")  # a batch's rows as data (rows.py)

__all__ = ["BINARY_FORMATS", "FORMATS", "ROW_FORMATS", "OutputError", "batch_writer", "encoding_of", "open_output",
           "output_error", "refuse_reading_output", "render", "render_batch", "render_html", "render_html_batch",
           "render_json", "render_markdown", "render_table", "write_output"]


def render(result: Result, fmt: str = "table", explain: bool = False, *,
           department: str | None = None, name: str | None = None) -> str | bytes:
    """One department's result in `fmt`. Every format names the department: by `name`, its display
    name (the facts' 名称 or name field), and `department`, its id (the facts file's name)."""
    if fmt == "html":
        return render_html(result, explain, department, name=name)
    if fmt == "xlsx":
        # openpyxl takes a while to import: only when a workbook is asked for
        from .xlsx import render_xlsx
        return render_xlsx(result, explain, department, name=name)
    renderer = {"table": render_table, "markdown": render_markdown, "json": render_json}[fmt]
    return renderer(result, explain, department=department, name=name)


def render_batch(scored: list, fmt: str, summary) -> str | bytes:
    """Many departments in `fmt`: `scored` holds batch.Scored items, `summary` their batch.Summary."""
    if fmt == "html":
        return render_html_batch(scored, summary)
    if fmt == "xlsx":
        from .xlsx_batch import render_xlsx_batch
        return render_xlsx_batch(scored, summary)
    raise ValueError(f"no batch renderer for the format {fmt!r}")


def batch_writer(fmt: str, stream: IO, leaves: list[str], names: bool = False):
    """A writer of a batch in `fmt` to `stream`, department by department: `write(scored)` for each,
    then `close(summary)`. None of them holds the departments: rows are written (csv, json, jsonl,
    xlsx) or kept in a temporary file until the summary (html) as they come."""
    if fmt in ROW_FORMATS:
        return RowWriter(stream, fmt, leaves, names=names)
    if fmt == "html":
        return HtmlBatchWriter(stream)
    if fmt == "xlsx":
        from .xlsx_batch import XlsxBatchWriter
        return XlsxBatchWriter(stream, leaves)
    raise ValueError(f"no batch writer for the format {fmt!r}")


def encoding_of(fmt: str, output) -> str | None:
    """How a batch in `fmt` is written to the file `output`: None for bytes (a workbook); a CSV file with a
    byte-order mark, so that Excel opens it as UTF-8 (not as GBK); none on standard output."""
    if fmt in BINARY_FORMATS:
        return None
    return "utf-8-sig" if fmt == "csv" and output is not None else "utf-8"
