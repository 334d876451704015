"""Render results for people and programs: a table like the report's appendix, Markdown, JSON, an HTML
page or an Excel workbook (report_html.py, report_xlsx.py); the registry of formats the CLI offers."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .format import format_number
from .report_html import render_html, render_html_batch
from .results import Result
from .source import display_width, pad_to

FORMATS = ("table", "markdown", "json", "html", "xlsx")
BINARY_FORMATS = frozenset({"xlsx"})  # bytes: written to a file (--output FILE), never to a terminal


def render(result: Result, fmt: str = "table", explain: bool = False, *,
           department: str | None = None) -> str | bytes:
    """One department's result in `fmt`; `department` (the facts file's name) titles html and xlsx."""
    if fmt == "html":
        return render_html(result, explain, department)
    if fmt == "xlsx":
        # openpyxl takes a while to import: only when a workbook is asked for
        from .report_xlsx import render_xlsx
        return render_xlsx(result, explain, department)
    return {"table": render_table, "markdown": render_markdown, "json": render_json}[fmt](result, explain)


def render_batch(scored: list, fmt: str, summary) -> str | bytes:
    """Many departments in `fmt`: `scored` holds batch.Scored items, `summary` their batch.Summary."""
    if fmt == "html":
        return render_html_batch(scored, summary)
    if fmt == "xlsx":
        from .report_xlsx import render_xlsx_batch
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


def _points(value) -> str:
    return format_number(value)


def render_table(result: Result, explain: bool = False) -> str:
    rows = [("  " * depth + node.name, _points(node.max), str(node.score), node) for depth, node in result.walk()]
    name_width = max([display_width("指标")] + [display_width(r[0]) for r in rows]) + 2
    lines = [result.framework] if result.framework else []
    header = pad_to("指标", name_width) + pad_to("分值", 8, ">") + pad_to("得分", 10, ">")
    rule = "─" * display_width(header)
    lines += [header, rule]
    for name, maximum, score, node in rows:
        lines.append(pad_to(name, name_width) + pad_to(maximum, 8, ">") + pad_to(score, 10, ">"))
        if explain:
            indent = " " * (display_width(name) - display_width(name.lstrip()) + 4)
            lines.extend(indent + line for line in node.explanation)
    lines.append(rule)
    lines.append(pad_to("总分", name_width) + pad_to(_points(result.max), 8, ">") + pad_to(str(result.total), 10, ">"))
    if result.grade:
        lines.append(f"等级: {result.grade}")
    return "\n".join(lines)


def render_markdown(result: Result, explain: bool = False) -> str:
    lines = [f"# {result.framework}", ""] if result.framework else []
    columns = "| 指标 | 分值 | 得分 |" + (" 说明 |" if explain else "")
    lines += [columns, "|---|---:|---:|" + ("---|" if explain else "")]
    for depth, node in result.walk():
        name = "&nbsp;&nbsp;" * (2 * depth) + (f"**{node.name}**" if node.kind == "group" else node.name)
        row = f"| {name} | {_points(node.max)} | {node.score} |"
        if explain:
            row += " " + "<br>".join(_escape(line) for line in node.explanation) + " |"
        lines.append(row)
    lines.append(f"| **总分** | {_points(result.max)} | **{result.total}** |" + (" |" if explain else ""))
    if result.grade:
        lines += ["", f"等级: **{result.grade}**"]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def render_json(result: Result, explain: bool = False) -> str:
    return json.dumps(result.to_dict(explain), ensure_ascii=False, indent=2)
