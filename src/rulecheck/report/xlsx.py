"""Excel workbooks (openpyxl): one department's appendix table, or a batch with one row per
department and a summary sheet. Scores are written as numbers (exact decimals), shown with the
framework's decimals."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..results import Result
from ..source import display_width
from .cells import safe_text

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
    sheet.append([safe_text(result.framework)])
    sheet["A1"].font = TITLE
    sheet.append([f"部门: {department}"] if department else [])
    sheet.append(["指标", "分值", "得分"] + (["说明"] if explain else []))
    style_header(sheet, 3)
    number_format = decimals_format(result.total)
    name_width = display_width("指标")
    for depth, node in result.walk():
        sheet.append([safe_text(node.name), node.max, node.score]
                     + ([safe_text(cell_text(node.explanation))] if explain else []))
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
        sheet.append(["等级", None, safe_text(result.grade)])
        sheet.cell(sheet.max_row, 1).font = sheet.cell(sheet.max_row, 3).font = BOLD
        sheet.cell(sheet.max_row, 3).alignment = Alignment(horizontal="right")
    widths = [name_width + 2, 8, 10] + ([EXPLANATION_WIDTH] if explain else [])
    set_widths(sheet, widths)
    sheet.freeze_panes = "A4"
    return workbook_bytes(book)


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
