"""Excel workbooks (openpyxl): one department's appendix table, or a batch with one row per
department and a summary sheet. Scores are written as numbers (exact decimals), shown with the
framework's decimals."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..results import Result
from ..source import display_width
from .html import FIGURE_NAMES

HEADER_FILL = PatternFill("solid", fgColor="F3F4F6")
GROUP_FILL = PatternFill("solid", fgColor="F8F9FA")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
TOTAL_BORDER = Border(top=Side(style="medium"))
WRAP = Alignment(wrap_text=True, vertical="top")
INDENT_WIDTH = 2  # column width an indent level takes, in Excel's units (one Latin character)
EXPLANATION_WIDTH = 70
LINE_HEIGHT = 15  # points per line of 11-point text
CELL_LIMIT = 32767  # the most characters Excel keeps in a cell


def render_xlsx(result: Result, explain: bool = False, department: str | None = None) -> bytes:
    """The appendix table (指标, 分值, 得分, and 说明 when `explain`) as a workbook: names indented by
    level, groups and the total in bold, scores as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = "评分表"
    book.properties.title = result.framework
    sheet.append([result.framework])
    sheet["A1"].font = TITLE
    sheet.append([f"部门: {department}"] if department else [])
    sheet.append(["指标", "分值", "得分"] + (["说明"] if explain else []))
    style_header(sheet, 3)
    number_format = decimals_format(result.total)
    name_width = display_width("指标")
    for depth, node in result.walk():
        sheet.append([node.name, node.max, node.score] + ([cell_text(node.explanation)] if explain else []))
        row = sheet.max_row
        sheet.cell(row, 1).alignment = Alignment(indent=depth, vertical="top")
        for column in (2, 3):
            sheet.cell(row, column).number_format = number_format
            sheet.cell(row, column).alignment = Alignment(vertical="top")
        if node.kind == "group":
            for cell in sheet[row]:
                cell.font, cell.fill = BOLD, GROUP_FILL
        if explain and node.explanation:
            sheet.cell(row, 4).alignment = WRAP
            sheet.row_dimensions[row].height = LINE_HEIGHT * wrapped_lines(node.explanation, EXPLANATION_WIDTH)
        name_width = max(name_width, display_width(node.name) + INDENT_WIDTH * depth)
    sheet.append(["总分", result.max, result.total] + ([None] if explain else []))
    total_row = sheet.max_row
    for cell in sheet[total_row]:
        cell.font, cell.border = BOLD, TOTAL_BORDER
    for column in (2, 3):
        sheet.cell(total_row, column).number_format = number_format
    if result.grade:
        sheet.append(["等级", None, result.grade])
        sheet.cell(sheet.max_row, 1).font = sheet.cell(sheet.max_row, 3).font = BOLD
        sheet.cell(sheet.max_row, 3).alignment = Alignment(horizontal="right")
    widths = [name_width + 2, 8, 10] + ([EXPLANATION_WIDTH] if explain else [])
    set_widths(sheet, widths)
    sheet.freeze_panes = "A4"
    return workbook_bytes(book)


def render_xlsx_batch(scored: list, summary) -> bytes:
    """One row per department (部门, every leaf's score, 总分, 等级, 错误), then a summary sheet: the
    count per grade, the figures and the distribution of totals, with a chart. Written row by row
    (openpyxl's write-only mode): a large batch is streamed to the file, not held cell by cell."""
    book = Workbook(write_only=True)
    first = next((item.result for item in scored if item.ok), None)
    leaves = [leaf.name for leaf in first.leaves()] if first else []
    number_format = decimals_format(first.total) if first else "0.00"
    sheet = book.create_sheet("部门")
    header = ["部门", *leaves, "总分", "等级", "错误"]
    set_widths(sheet, [max(display_width(item.key) for item in scored) + 2 if scored else 10]
               + [min(max(display_width(name), 6) + 2, 24) for name in leaves] + [8, 6, 60])
    sheet.freeze_panes = "B2"
    sheet.append([_cell(sheet, name, font=BOLD, fill=HEADER_FILL) for name in header])
    for item in scored:
        if item.ok:
            scores = [node.score for node in item.result.leaves()]
            values = [*scores, item.result.total, item.result.grade, None]
        else:
            values = [None] * (len(leaves) + 2) + [cell_text(d.render() for d in item.diagnostics)]
        numbers = [_cell(sheet, value, number_format=number_format) for value in values[:len(leaves) + 1]]
        sheet.append([item.key, *numbers, *values[len(leaves) + 1:]])
    summary_sheet(book.create_sheet("汇总"), summary)
    return workbook_bytes(book)


def summary_sheet(sheet, summary) -> None:
    """The count per grade, the figures of the totals, and their distribution with a bar chart."""
    set_widths(sheet, [14, 10, 10])

    def bold(*values):
        return [_cell(sheet, value, font=BOLD) for value in values]

    rows = [["部门数", summary.departments], ["已评分", summary.scored], ["无法评分", summary.failed], [],
            bold("等级", "部门数"), *([name, count] for name, count in summary.grades), []]
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


def cell_text(lines) -> str:
    """Lines as one cell's text, cut to what Excel keeps (a department missing hundreds of facts)."""
    text = "\n".join(lines)
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT - 1] + "…"


def decimals_format(score: Decimal) -> str:
    """Excel's number format showing as many decimals as the framework's rounding gives `score`."""
    exponent = score.as_tuple().exponent
    assert isinstance(exponent, int)  # a score is finite
    decimals = max(-exponent, 0)
    return "0." + "0" * decimals if decimals else "0"


def wrapped_lines(lines, width: int) -> int:
    """How many lines `lines` take in a column `width` wide (Chinese characters count twice)."""
    return sum(max(1, -(-display_width(line) // width)) for line in lines)


def style_header(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(horizontal="center")


def set_widths(sheet, widths) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def workbook_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
