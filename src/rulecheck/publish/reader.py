"""An official table (.xlsx) read back: the header row found by its headings (一级指标 … 分值), group
names carried down over merged or blank cells, and the rule-file skeleton written from it."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs

from ..diagnostics import InputFileError, error
from ..i18n import _
from ..syntax.printer import format_number, format_source_name, format_source_number
from .table import CRITERIA_HEADING, EXPLANATION_HEADING, LEVEL_HEADINGS, POINTS_HEADING, TOTAL_LABEL

HEADER_SEARCH_ROWS = 20
GROUP_CELL = re.compile(r"^(.*?)\s*[(（]\s*([0-9]+(?:\.[0-9]+)?)\s*(?:分|points?)\s*[)）]\s*$")


def _headings(message: str) -> set[str]:
    """A heading as the table may write it: the Chinese of the export, or the English."""
    from ..i18n import speaking
    with speaking("zh"):
        chinese = _(message)
    return {chinese, message}


@attrs.define
class Node:
    name: str
    points: Decimal
    where: str
    children: list[Node] = attrs.field(factory=list)
    explanation: str = ""
    criteria: str = ""
    leaf: bool = False


@attrs.frozen
class ReadTable:
    title: str
    nodes: tuple[Node, ...]
    total: Decimal | None


def _fail(code: str, message: str, where: str, hint: str) -> InputFileError:
    return InputFileError([error(code, message, None, hint, where=where)])


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_table(path: str | Path) -> ReadTable:
    """The indicator tree of an .xlsx table; raises InputFileError (E030 unreadable, E031 points) with
    the sheet and cell of the problem."""
    from openpyxl import load_workbook
    name = str(path)
    try:
        book = load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException … for a bad file
        raise _fail("E030", _("cannot read the table: {reason}", reason=exc), name,
                    _("save it from Excel or WPS as an .xlsx workbook (Excel 工作簿)")) from None
    sheet = book.worksheets[0]
    level_names = [_headings(h) for h in LEVEL_HEADINGS]
    header_row: int | None = None
    columns: dict[object, int] = {}
    for r in range(1, min(sheet.max_row, HEADER_SEARCH_ROWS) + 1):
        found: dict[object, int] = {}
        for c in range(1, sheet.max_column + 1):
            text = _text(sheet.cell(r, c).value)
            for level, names in enumerate(level_names):
                if text in names:
                    found[level] = c
            for key, heading in (("points", POINTS_HEADING), ("explanation", EXPLANATION_HEADING),
                                 ("criteria", CRITERIA_HEADING)):
                if text in _headings(heading):
                    found[key] = c
        if 0 in found and "points" in found:
            header_row, columns = r, found
            break
    if header_row is None:
        raise _fail("E030", _("no header row: the first {rows} rows of sheet {sheet} hold no 一级指标 and 分值 "
                              "headings", rows=HEADER_SEARCH_ROWS, sheet=sheet.title), f"{name}!{sheet.title}",
                    _("name the columns 一级指标, 二级指标, 三级指标, 分值, 指标解释, 评分标准 in one row"))
    levels = [columns[level] for level in range(len(LEVEL_HEADINGS)) if level in columns]
    title = _text(sheet.cell(1, 1).value) if header_row > 1 else Path(name).stem
    roots: list[Node] = []
    stack: list[Node] = []
    total = None
    for r in range(header_row + 1, sheet.max_row + 1):
        cells = [_text(sheet.cell(r, c).value) for c in levels]
        points_cell = sheet.cell(r, columns["points"])
        if not any(cells) and points_cell.value is None:
            continue
        where = f"{name}!{sheet.title}!{points_cell.coordinate}"
        if cells[0] in _headings(TOTAL_LABEL) and not any(cells[1:]):
            total = _number(points_cell.value, where)
            continue
        filled = [i for i, text in enumerate(cells) if text]
        if not filled:
            raise _fail("E030", _("row {row} has points but no indicator name", row=r), where,
                        _("write the indicator's name in its column, or delete the row"))
        leaf_level = filled[-1]
        for level in range(leaf_level):
            cell = sheet.cell(r, levels[level])
            if not cells[level]:
                if level >= len(stack):
                    raise _fail("E030", _("the indicator in row {row} has no group above it at this level",
                                          row=r), f"{name}!{sheet.title}!{cell.coordinate}",
                                _("write the group's name and points, e.g. 部门决策(20分)"))
                continue
            match = GROUP_CELL.match(cells[level])
            if match is None:
                raise _fail("E030", _("the group '{group}' does not say its points", group=cells[level]),
                            f"{name}!{sheet.title}!{cell.coordinate}",
                            _("write its points after the name, e.g. {example}", example=cells[level] + "(20分)"))
            node = Node(match.group(1), Decimal(match.group(2)), f"{name}!{sheet.title}!{cell.coordinate}")
            del stack[level:]
            (stack[level - 1].children if level else roots).append(node)
            stack.append(node)
        leaf = Node(cells[leaf_level], _number(points_cell.value, where), where, leaf=True,
                    explanation=_text(sheet.cell(r, columns["explanation"]).value) if "explanation" in columns else "",
                    criteria=_text(sheet.cell(r, columns["criteria"]).value) if "criteria" in columns else "")
        del stack[leaf_level:]
        (stack[leaf_level - 1].children if leaf_level else roots).append(leaf)
    if not roots:
        raise _fail("E030", _("the table has no indicators below its header row {row}", row=header_row),
                    f"{name}!{sheet.title}", _("write one row per leaf indicator below the headings"))
    for node in _groups(roots):
        summed = sum((child.points for child in node.children), Decimal(0))
        if summed != node.points:
            raise _fail("E031", _("the group '{group}' is worth {points} points, but its indicators add up to "
                                  "{sum}", group=node.name, points=format_number(node.points),
                                  sum=format_number(summed)), node.where,
                        _("correct the group's points or its indicators' points"))
    top = sum((node.points for node in roots), Decimal(0))
    if total is not None and top != total:
        raise _fail("E031", _("the total is {total} points, but the indicators add up to {sum}",
                              total=format_number(total), sum=format_number(top)), f"{name}!{sheet.title}",
                    _("correct the 合计 row or the indicators' points"))
    return ReadTable(title, tuple(roots), total)


def _groups(nodes):
    for node in nodes:
        if not node.leaf:
            yield node
            yield from _groups(node.children)


def _number(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().removesuffix("分"))
    except (InvalidOperation, AttributeError):
        number = None
    if value is None or number is None or not number.is_finite() or number < 0:
        raise _fail("E030", _("the points '{value}' are not a number", value=_text(value)), where,
                    _("write the indicator's points as a number, e.g. 5 or 1.5"))
    return number


def skeleton(table: ReadTable, source: str) -> str:
    """A rule file with the table's tree and points, each leaf's texts as comments above it and a
    placeholder `assessed` rule reading an input to fill in, marked TODO."""
    used: set[str] = set()
    inputs: list[str] = []
    body: list[str] = []

    def input_name(leaf: Node) -> str:
        base = _("{indicator} score", indicator=leaf.name)
        name, n = base, 2
        while name in used:
            name, n = f"{base}{n}", n + 1
        used.add(name)
        return name

    def comment(label: str, text: str, indent: str) -> None:
        lines = text.splitlines() or [""]
        body.append(f"{indent}# {label}: {lines[0]}")
        body.extend(f"{indent}#     {line}" for line in lines[1:])

    def write(node: Node, depth: int) -> None:
        indent = "    " * depth
        points = format_source_number(node.points)
        if not node.leaf:
            body.append(f"{indent}group {format_source_name(node.name)} ({points}):")
            for child in node.children:
                write(child, depth + 1)
            return
        name = input_name(node)
        if node.explanation:
            comment(_("explanation"), node.explanation, indent)
        if node.criteria:
            comment(_("scoring criteria"), node.criteria, indent)
        body.append(indent + "# " + _("TODO: replace 'assessed' by the rule the scoring criteria describe"))
        body.append(f"{indent}indicator {format_source_name(node.name)} ({points}):")
        body.append(f"{indent}    assessed {format_source_name(name)}")
        description = _("TODO: the evaluators' score of {indicator}", indicator=node.name).replace('"', "'")
        inputs.append(f'    {format_source_name(name)}: score from 0 to {points} "{description}"')

    for node in table.nodes:
        write(node, 0)
    total = table.total if table.total is not None else sum((n.points for n in table.nodes), Decimal(0))
    head = [
        "# " + _("Made by rulecheck import from {source}: the tree and points of the table.", source=source),
        "# " + _("Each leaf is scored by a placeholder input until its rule is written: search for TODO."),
        "",
        f"framework {_quoted(table.title)}",
        f"total {format_source_number(total)}",
        "rounding 2 decimals half-up  # " + _("TODO: the rounding the framework declares"),
        "",
        "inputs:",
    ]
    return "\n".join(head + inputs + [""] + body) + "\n"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
