"""Reports: one department's result, or a batch's, for people and programs — a table like the report's
appendix, Markdown and JSON (text.py), an HTML page (html.py) or an Excel workbook (xlsx.py); and the
registry of formats the CLI offers, with where a report may be written."""

from __future__ import annotations

import os
from pathlib import Path

from ..results import Result
from .html import render_html, render_html_batch
from .text import render_json, render_markdown, render_table

FORMATS = ("table", "markdown", "json", "html", "xlsx")
BINARY_FORMATS = frozenset({"xlsx"})  # bytes: written to a file (--output FILE), never to a terminal


def render(result: Result, fmt: str = "table", explain: bool = False, *,
           department: str | None = None) -> str | bytes:
    """One department's result in `fmt`; `department` (the facts file's name) titles html and xlsx."""
    if fmt == "html":
        return render_html(result, explain, department)
    if fmt == "xlsx":
        # openpyxl takes a while to import: only when a workbook is asked for
        from .xlsx import render_xlsx
        return render_xlsx(result, explain, department)
    return {"table": render_table, "markdown": render_markdown, "json": render_json}[fmt](result, explain)


def render_batch(scored: list, fmt: str, summary) -> str | bytes:
    """Many departments in `fmt`: `scored` holds batch.Scored items, `summary` their batch.Summary."""
    if fmt == "html":
        return render_html_batch(scored, summary)
    if fmt == "xlsx":
        from .xlsx import render_xlsx_batch
        return render_xlsx_batch(scored, summary)
    raise ValueError(f"no batch renderer for the format {fmt!r}")


def output_error(fmt: str, output) -> str | None:
    """Why `fmt` cannot be written to `output` (None: standard output), or None if it can: checked
    before scoring, so that a long batch does not end in a report with nowhere to go."""
    if fmt in BINARY_FORMATS and output is None:
        return (f"--format {fmt} writes a binary workbook, which cannot go to the terminal: "
                f"add --output FILE, e.g. --output report.{fmt}")
    if output is None:
        return None
    folder = Path(output).absolute().parent
    if not folder.is_dir():
        return f"cannot write {output}: there is no folder {folder}; create it, or write the report elsewhere"
    if not os.access(folder, os.W_OK):
        return f"cannot write {output}: the folder {folder} is not writable; write the report elsewhere"
    return None


def write_output(content: str | bytes, output) -> None:
    """Write a rendered report to the file `output`: text as UTF-8, a workbook as its bytes."""
    if isinstance(content, bytes):
        Path(output).write_bytes(content)
    else:
        Path(output).write_text(content if content.endswith("\n") else content + "\n", encoding="utf-8")
