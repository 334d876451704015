"""Excel workbooks (openpyxl): one department's appendix table, or a batch with one row per
department and a summary sheet. Scores are written as numbers (exact decimals), shown with the
framework's decimals; in the one department's table, a group's and the total's as sums of the leaves."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..i18n import _
from ..results import Result
from ..source import display_width
from ..syntax.printer import format_number
from .cells import safe_text
from .text import department_line, label

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
FORMULA_LIMIT = 8192  # the most characters of a formula Excel reads
HEADER_ROW = 3  # the one-department sheet: the framework, the department, then the table's header
FIRST_SHEET = "xl/worksheets/sheet1.xml"
# a formula cell as openpyxl writes it: <c r="C4" s="5"><f>SUM(C6:C7)</f><v></v></c>
FORMULA_CELL = re.compile(r'(?P<formula><c r="(?P<cell>[A-Z]+[0-9]+)"[^>]*><f>[^<]*</f>)<v\s*(?:/>|></v>)')


def render_xlsx(result: Result, explain: bool = False, department: str | None = None, *,
                name: str | None = None) -> bytes:
    """The appendix table (指标, 分值, 得分, and 说明 when `explain`) as a workbook: names indented by
    level, groups and the total in bold, a filter on the table. A leaf's points and score are numbers;
    a group's and the total's are formulas over its leaves (`=SUM(C6:C7)+C9`), so a score edited in
    the sheet updates every sum above it; each formula's value is stored too, for readers that do not
    calculate."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Score sheet")
    book.properties.title = result.framework
    sheet.append([safe_text(result.framework)])
    sheet["A1"].font = TITLE
    shown = department_line(department, name)
    sheet.append([safe_text(shown)] if shown else [])
    sheet.append([label("indicator"), label("points"), label("score")] + ([label("explanation")] if explain else []))
    style_header(sheet, HEADER_ROW)
    number_format = decimals_format(result.total)
    name_width = display_width(label("indicator"))
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
    last_node_row = sheet.max_row
    sheet.append([label("total"), result.max, result.total] + ([None] if explain else []))
    total_row = sheet.max_row
    cached = add_sums(sheet, result, HEADER_ROW + 1, total_row)
    for cell in sheet[total_row]:
        cell.font, cell.border = BOLD, TOTAL_BORDER
    for column in (2, 3):
        sheet.cell(total_row, column).number_format = number_format
    if result.grade:
        sheet.append([label("grade"), None, safe_text(result.grade)])
        sheet.cell(sheet.max_row, 1).font = sheet.cell(sheet.max_row, 3).font = BOLD
        sheet.cell(sheet.max_row, 3).alignment = Alignment(horizontal="right")
    widths = [name_width + 2, max(8, display_width(label("points")) + 2), max(10, display_width(label("score")) + 2)]
    set_widths(sheet, widths + ([EXPLANATION_WIDTH] if explain else []))
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(sheet.max_column)}{last_node_row}"
    book.calculation.fullCalcOnLoad = True  # Excel and WPS work the sums out afresh on opening
    return with_cached_values(workbook_bytes(book), cached)


def add_sums(sheet, result: Result, first_row: int, total_row: int) -> dict[str, Decimal]:
    """Make the points and score of each group (the tree written from `first_row` on, in walk order)
    and of the total (on `total_row`) the sums of their leaves' cells; returns the value of each
    formula cell by coordinate, to be stored with it."""
    position = {id(node): row for row, (_depth, node) in enumerate(result.walk(), start=first_row)}
    sums = [(position[id(node)], node.max, node.score, leaves_of(node))
            for _depth, node in result.walk() if node.kind == "group"]
    base = [leaf for node in result.base() for leaf in leaves_of(node)]
    blocks = [node for node in result.nodes if node.kind in ("bonus", "penalty")]
    sums.append((total_row, result.max, result.total if not blocks else sum_of(base), base))
    cached: dict[str, Decimal] = {}
    for row, points, score, leaves in sums:
        rows = [position[id(leaf)] for leaf in leaves]
        for column, value, parts in ((2, points, [leaf.max for leaf in leaves]),
                                     (3, score, [leaf.score for leaf in leaves])):
            letter = get_column_letter(column)
            formula = sum_formula(letter, rows)
            # a sum that would not give the value stays a number: a rule file whose children's points
            # do not add up to their group's (which `check` reports), a formula too long for Excel
            if rows and sum(parts, Decimal(0)) == value and len(formula) <= FORMULA_LIMIT:
                sheet.cell(row, column).value = formula
                cached[f"{letter}{row}"] = value
    if blocks:
        add_block_formulas(sheet, result, blocks, position, total_row, cached)
    return cached


def sum_of(leaves) -> Decimal:
    return sum((leaf.score for leaf in leaves), Decimal(0))


def add_block_formulas(sheet, result: Result, blocks: list, position: dict, total_row: int,
                       cached: dict[str, Decimal]) -> None:
    """The score of each bonus block (=MIN(its leaves' sum, cap)) and penalty block (=-MIN(the points its
    leaves lose, cap)), and the total as the base leaves' sum plus the blocks (=MIN(…, cap) under
    'total N cap C'), each with its cached value; a formula that would not give the value stays a number."""
    for block in blocks:
        row, leaves = position[id(block)], leaves_of(block)
        rows = [position[id(leaf)] for leaf in leaves]
        scores = sum_formula("C", rows)[1:]
        cap = format_number(block.max)
        if block.kind == "bonus":
            formula = f"=MIN({scores},{cap})"
        else:
            formula = f"=-MIN({sum_formula('B', rows)[1:]}-({scores}),{cap})"
        if rows and len(formula) <= FORMULA_LIMIT:
            sheet.cell(row, 3).value = formula
            cached[f"C{row}"] = block.score
    base = sheet.cell(total_row, 3).value
    if not (isinstance(base, str) and base.startswith("=")):
        return  # the base leaves' sum stayed a number: so does the total
    total = base[1:] + "".join(f"+C{row}" for row in (position[id(b)] for b in blocks))
    formula = f"=MIN({total},{format_number(result.total_cap)})" if result.total_cap is not None else "=" + total
    sheet.cell(total_row, 3).value = formula
    cached[f"C{total_row}"] = result.total


def leaves_of(node) -> list:
    """The leaf indicators under a group, at any depth, in tree order."""
    return [leaf for _depth, leaf in node.walk() if leaf.kind == "indicator"]


def sum_formula(column: str, rows: list[int]) -> str:
    """The sum of those cells of `column`: each run of consecutive rows as a SUM of its range, joined
    by +: '=SUM(C6:C7)+C9', '=C5+C7', '=SUM(C5:C8)'."""
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    terms = [f"{column}{run[0]}" if len(run) == 1 else f"SUM({column}{run[0]}:{column}{run[-1]})" for run in runs]
    return "=" + "+".join(terms)


def with_cached_values(workbook: bytes, values: dict[str, Decimal]) -> bytes:
    """The workbook with the value of each formula cell of its first sheet (by coordinate) stored
    beside the formula. openpyxl writes a formula with an empty value, which a reader that does not
    calculate (pandas, openpyxl's data_only, a previewer, LibreOffice by default) shows as nothing."""
    source = zipfile.ZipFile(BytesIO(workbook))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == FIRST_SHEET:
                content = _fill_values(content.decode("utf-8"), values).encode("utf-8")
            target.writestr(item, content)
    return buffer.getvalue()


def _fill_values(xml: str, values: dict[str, Decimal]) -> str:
    def filled(match: re.Match) -> str:
        value = values.get(match["cell"])
        return match[0] if value is None else f"{match['formula']}<v>{value:f}</v>"
    return FORMULA_CELL.sub(filled, xml)


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
