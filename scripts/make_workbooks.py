"""Write the shipped example workbooks, as an analyst keeps her data in Excel or WPS:

- rules/shenzhen/cases/edu-info-center-2024.xlsx: the shipped case (edu-info-center-2024.yaml) as a
  key/value sheet, 输入项 | 值 | 说明, the 说明 being each input's description from the rule file;
- rules/shenzhen/cases/corpus-2024.xlsx: the sample corpus (corpus-2024.csv) with a row per department,
  编号 | 名称 | one column per input.

Percentages are numbers in percent-formatted cells (97.29% is 0.9729 shown as 97.29%), as Excel keeps
what is typed with a % sign; yes/no facts are the text 是/否. Run: python scripts/make_workbooks.py
(deterministic: the same inputs give the same cells). tests/test_example_workbooks.py checks that the
workbooks score what the YAML case and the CSV corpus score, department by department.
"""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill

import rulecheck

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "rules" / "shenzhen" / "cases"
FRAMEWORK = ROOT / "rules" / "shenzhen" / "framework.rules"
FIXED = datetime.datetime(2026, 12, 1)  # the workbook's dates, so that a rebuild changes only its cells
HEADER = (Font(bold=True), PatternFill("solid", fgColor="F3F4F6"))


def cell(value) -> tuple[object, str]:
    """A fact as Excel holds what an analyst types: (value, number format)."""
    if isinstance(value, bool):
        return ("是" if value else "否"), "General"
    if isinstance(value, str) and value.endswith("%"):
        return float(Decimal(value[:-1]) / 100), "0.00%" if "." in value else "0%"
    if isinstance(value, Decimal):
        return (int(value) if value == value.to_integral_value() else float(value)), "General"
    return value, "General"


def new_book(title: str) -> tuple[openpyxl.Workbook, object]:
    book = openpyxl.Workbook()
    book.properties.created = book.properties.modified = FIXED
    sheet = book.active
    sheet.title = title
    return book, sheet


def header(sheet, names: list[str], widths: list[int]) -> None:
    sheet.append(names)
    for column, width in enumerate(widths, start=1):
        sheet.cell(1, column).font, sheet.cell(1, column).fill = HEADER
        sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"


def append(sheet, labels: list, facts: list, notes: tuple = ()) -> None:
    """A row: its labels (text as it is), its facts as Excel holds them, then notes (text)."""
    sheet.append([*labels, *(cell(value)[0] for value in facts), *notes])
    for column, value in enumerate(facts, start=len(labels) + 1):
        sheet.cell(sheet.max_row, column).number_format = cell(value)[1]


def key_value_workbook(ruleset, path: Path) -> None:
    facts = rulecheck.load_facts(CASES / "edu-info-center-2024.yaml")
    book, sheet = new_book("数据")
    header(sheet, ["输入项", "值", "说明"], [34, 14, 80])
    append(sheet, ["名称"], ["深圳市教育信息技术中心"], ("部门名称 (报告中显示)",))
    for name, value in facts.values.items():
        if name in ("名称", "name"):
            continue
        declared = ruleset.inputs.get(name)
        append(sheet, [name], [value], (getattr(declared, "description", None) or "",))
    book.save(path)


def batch_workbook(path: Path) -> None:
    with (CASES / "corpus-2024.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    names = rows[0][1:]
    book, sheet = new_book("部门")
    header(sheet, ["编号", "名称", *names], [22, 26] + [12] * len(names))
    for number, row in enumerate(rows[1:]):
        key, values = row[0], row[1:]
        title = "深圳市教育信息技术中心" if number == 0 else f"示例单位 {key}"
        append(sheet, [key, title], [fact(text) for text in values])
    book.save(path)


def fact(text: str):
    """A CSV cell as the value an analyst would type in Excel."""
    if text in ("是", "否"):
        return text == "是"
    try:
        return Decimal(text)
    except ArithmeticError:
        return text


def main() -> None:
    ruleset = rulecheck.load(FRAMEWORK)
    key_value_workbook(ruleset, CASES / "edu-info-center-2024.xlsx")
    batch_workbook(CASES / "corpus-2024.xlsx")


if __name__ == "__main__":
    main()
