"""The table written out: Markdown, an Excel workbook (.xlsx, openpyxl) or a Word document (.docx,
python-docx). In the workbook and the document a group's cell is merged over the rows of its leaves."""

from __future__ import annotations

import io
from collections.abc import Callable

from ..i18n import _
from ..syntax.printer import format_number
from .table import (
    CONSTRAINT_CONDITION_HEADING,
    CONSTRAINT_DESCRIPTION_HEADING,
    CONSTRAINTS_HEADING,
    GRADE_CONDITION_HEADING,
    GRADE_HEADING,
    TOTAL_LABEL,
    Table,
    group_cell,
)

SHEET_TITLE_LIMIT = 31  # Excel refuses longer sheet names


def _cells(table: Table) -> list[list[str]]:
    """The body as text, a group's cell written on the first row of its group only (blank below)."""
    rows = []
    previous: tuple = ()
    for row in table.rows:
        cells = []
        for level in range(table.depth):
            if level < len(row.path) - 1:
                key = row.path[:level + 1]
                cells.append(group_cell(row.path[level]) if previous[:level + 1] != key else "")
            elif level == len(row.path) - 1:
                cells.append(row.path[level].name)
            else:
                cells.append("")
        previous = row.path[:-1]
        rows.append(cells + [format_number(row.points), row.explanation, row.criteria])
    return rows


def _spans(table: Table) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of each group cell, rows counted from 0 in the body."""
    spans = []
    for level in range(table.depth):
        start = None
        for index, row in enumerate(table.rows):
            key = row.path[:level + 1] if level < len(row.path) - 1 else None
            prev = table.rows[index - 1].path[:level + 1] if index and start is not None else None
            if start is not None and key != prev:
                spans.append((level, start, index - 1))
                start = None
            if key is not None and start is None:
                start = index
        if start is not None:
            spans.append((level, start, len(table.rows) - 1))
    return [s for s in spans if s[2] > s[1]]


def _constraint_headings() -> list[str]:
    """The columns of the 约束 table: each constraint's condition and its description."""
    return [_(CONSTRAINT_CONDITION_HEADING), _(CONSTRAINT_DESCRIPTION_HEADING)]


def render_md(table: Table) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", "<br>")

    lines = [f"# {table.title}", "", "| " + " | ".join(table.headings()) + " |",
             "|" + "---|" * (table.depth + 3)]
    lines += ["| " + " | ".join(cell(c) for c in cells) + " |" for cells in _cells(table)]
    lines.append("| " + " | ".join([_(TOTAL_LABEL)] + [""] * (table.depth - 1)
                                   + [format_number(table.total), "", ""]) + " |")
    if table.grades:
        lines += ["", f"| {_(GRADE_HEADING)} | {_(GRADE_CONDITION_HEADING)} |", "|---|---|"]
        lines += [f"| {grade} | {condition} |" for condition, grade in table.grades]
    if table.constraints:
        lines += ["", f"## {_(CONSTRAINTS_HEADING)}", "", "| " + " | ".join(_constraint_headings()) + " |", "|---|---|"]
        lines += [f"| {cell(condition)} | {cell(description)} |" for condition, description in table.constraints]
    return "\n".join(lines) + "\n"


def render_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:SHEET_TITLE_LIMIT]
    width = table.depth + 3
    sheet.cell(1, 1, table.title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for column, heading in enumerate(table.headings(), 1):
        sheet.cell(2, column, heading).font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    for r, cells in enumerate(_cells(table), 3):
        for c, text in enumerate(cells, 1):
            value: object = text
            if c == table.depth + 1:
                value = table.rows[r - 3].points  # a number, so the sheet can sum it
            cell = sheet.cell(r, c, value if value != "" else None)
            cell.alignment = wrap
    for column, first, last in _spans(table):
        sheet.merge_cells(start_row=first + 3, start_column=column + 1, end_row=last + 3, end_column=column + 1)
    total_row = len(table.rows) + 3
    sheet.cell(total_row, 1, _(TOTAL_LABEL)).font = Font(bold=True)
    sheet.cell(total_row, table.depth + 1, table.total).font = Font(bold=True)
    for letter, size in zip("ABCDEFGH", [16] * table.depth + [8, 50, 60]):
        sheet.column_dimensions[letter].width = size
    if table.grades:
        grades = book.create_sheet(_(GRADE_HEADING))
        grades.append([_(GRADE_HEADING), _(GRADE_CONDITION_HEADING)])
        for condition, grade in table.grades:
            grades.append([grade, condition])
    if table.constraints:
        constraints = book.create_sheet(_(CONSTRAINTS_HEADING))
        constraints.append(_constraint_headings())
        for condition, description in table.constraints:
            constraints.append([condition, description or None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_docx(table: Table) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(table.title, level=1)
    body = _cells(table)
    grid = document.add_table(rows=len(body) + 2, cols=table.depth + 3)
    grid.style = "Table Grid"
    for column, heading in enumerate(table.headings()):
        grid.cell(0, column).text = heading
    for r, cells in enumerate(body, 1):
        for c, text in enumerate(cells):
            if text:
                grid.cell(r, c).text = text
    for column, first, last in _spans(table):
        text = grid.cell(first + 1, column).text
        merged = grid.cell(first + 1, column).merge(grid.cell(last + 1, column))
        merged.text = text
    grid.cell(len(body) + 1, 0).text = _(TOTAL_LABEL)
    grid.cell(len(body) + 1, table.depth).text = format_number(table.total)
    if table.grades:
        grades = document.add_table(rows=len(table.grades) + 1, cols=2)
        grades.style = "Table Grid"
        grades.cell(0, 0).text, grades.cell(0, 1).text = _(GRADE_HEADING), _(GRADE_CONDITION_HEADING)
        for r, (condition, grade) in enumerate(table.grades, 1):
            grades.cell(r, 0).text, grades.cell(r, 1).text = grade, condition
    if table.constraints:
        document.add_heading(_(CONSTRAINTS_HEADING), level=2)
        constraints = document.add_table(rows=len(table.constraints) + 1, cols=2)
        constraints.style = "Table Grid"
        constraints.cell(0, 0).text, constraints.cell(0, 1).text = _constraint_headings()
        for r, (condition, description) in enumerate(table.constraints, 1):
            constraints.cell(r, 0).text, constraints.cell(r, 1).text = condition, description
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


WRITERS: dict[str, Callable[[Table], str | bytes]] = {"md": render_md, "xlsx": render_xlsx, "docx": render_docx}


def render_table(table: Table, fmt: str) -> str | bytes:
    return WRITERS[fmt](table)
