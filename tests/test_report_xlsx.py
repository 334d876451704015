"""`rulecheck score --format xlsx --output FILE`: the workbook of one department (the appendix table)
and of a batch (a row per department, a summary sheet), read back with openpyxl."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner
from test_report_html import BATCH, SMALL_RULES, distribution, write_batch

import rulecheck
from rulecheck.cli import main
from rulecheck.report import render
from rulecheck.report.xlsx import cell_text
from rulecheck.source import display_width


def score(*args):
    return CliRunner().invoke(main, ["score", *map(str, args)])


def exact(value) -> Decimal:
    """A number cell's value as the decimal it was written as (openpyxl reads 4.52 as a float)."""
    return Decimal(str(value))


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory, framework_path, case_path):
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    result = score(framework_path, case_path, "--format", "xlsx", "--explain", "--output", path)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return path


@pytest.fixture(scope="module")
def sheet(workbook_path):
    return openpyxl.load_workbook(workbook_path).active


def test_the_sheet_is_the_appendix_table(sheet, framework, case_facts):
    result = framework.evaluate(case_facts)
    assert sheet.title == "评分表"
    assert sheet["A1"].value == "部门整体支出绩效评价共性指标体系框架" and sheet["A1"].font.bold
    assert sheet["A2"].value == "部门: edu-info-center-2024"
    assert [cell.value for cell in sheet[3]] == ["指标", "分值", "得分", "说明"]
    assert all(cell.font.bold for cell in sheet[3])
    nodes = list(result.walk())
    for row, (depth, node) in enumerate(nodes, start=4):
        name, points, earned, explanation = (sheet.cell(row, column) for column in range(1, 5))
        assert name.value == node.name
        assert name.alignment.indent == depth
        assert exact(points.value) == node.max and exact(earned.value) == node.score
        assert points.data_type == earned.data_type == "n"
        assert points.number_format == earned.number_format == "0.00"
        assert name.font.bold == (node.kind == "group")
        assert (explanation.value or "") == "\n".join(node.explanation)
    total_row = 4 + len(nodes)
    assert [cell.value for cell in sheet[total_row]][:3] == ["总分", 100, 97.83]
    assert all(cell.font.bold for cell in sheet[total_row])
    assert sheet.cell(total_row, 3).number_format == "0.00"
    assert [cell.value for cell in sheet[total_row + 1]][:3] == ["等级", None, "优"]
    assert sheet.max_row == total_row + 1
    assert sheet.freeze_panes == "A4"


def test_scores_are_stored_exactly(workbook_path):
    """The cell holds the decimal's digits: 4.52, not a binary float's 4.5199999999999996."""
    with zipfile.ZipFile(workbook_path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    for value in ("4.52", "5.81", "97.83", "18.33"):
        assert f"<v>{value}</v>" in xml


def test_columns_fit_chinese_names_and_explanations_wrap(sheet, framework, case_facts):
    longest = max(display_width(node.name) + 2 * depth for depth, node in framework.evaluate(case_facts).walk())
    assert sheet.column_dimensions["A"].width >= longest == 34  # 社会效益、经济效益、生态效益等, two levels in
    assert sheet.column_dimensions["D"].width >= 60
    timely = next(row for row in sheet.iter_rows(min_row=4) if row[0].value == "项目完成及时性")
    assert timely[3].alignment.wrap_text
    assert timely[3].value.splitlines()[-1] == "5.806452… rounded to 5.81"
    assert sheet.row_dimensions[timely[0].row].height >= 2 * 15  # two lines of explanation


def test_without_explain_there_is_no_explanation_column(framework, case_facts, tmp_path):
    path = tmp_path / "plain.xlsx"
    path.write_bytes(render(framework.evaluate(case_facts, explain=False), "xlsx"))
    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet[3]] == ["指标", "分值", "得分"]
    assert sheet.max_column == 3
    assert sheet["A2"].value is None


def test_the_number_format_follows_the_rounding(tmp_path):
    small = rulecheck.loads(SMALL_RULES).evaluate({"满意度": "93.33%"})
    path = tmp_path / "small.xlsx"
    path.write_bytes(render(small, "xlsx"))
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "<b>A & B</b>"  # text is text: nothing to escape in a cell
    assert [sheet.cell(row, 3).value for row in (4, 5, 6)] == [9.3, 9.3, 9.3]
    assert {sheet.cell(row, 3).number_format for row in (4, 5, 6)} == {"0.0"}
    assert sheet.max_row == 6  # no grades declared: no grade row


def test_a_workbook_needs_an_output_file(framework_path, case_path):
    result = score(framework_path, case_path, "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--format xlsx writes a binary workbook" in result.stderr and "--output FILE" in result.stderr
    assert "Traceback" not in result.output


# ---- a batch --------------------------------------------------------------------------------------

@pytest.fixture
def batch_book(tmp_path, framework_path, case_facts):
    write_batch(tmp_path / "batch.csv", case_facts.values, BATCH)
    result = score(framework_path, tmp_path / "batch.csv", "--format", "xlsx", "-o", tmp_path / "batch.xlsx")
    assert result.exit_code == 1, result.output  # a department could not be scored
    return openpyxl.load_workbook(tmp_path / "batch.xlsx")


def test_the_batch_has_a_row_per_department(batch_book, framework, case_facts, tmp_path):
    assert batch_book.sheetnames == ["部门", "汇总"]
    sheet = batch_book["部门"]
    leaves = [leaf.name for leaf in framework.evaluate(case_facts, explain=False).leaves()]
    assert [cell.value for cell in sheet[1]] == ["部门", *leaves, "总分", "等级", "错误"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == ["D01", "D02", "D03", "D04", "D05"]
    for row, change in zip(rows, BATCH):
        if change == {"满意度": "abc"}:
            assert [cell.value for cell in row[1:-1]] == [None] * (len(leaves) + 2)
            assert row[-1].value.split(": ")[:2] == [f"{tmp_path / 'batch.csv'}:4", "error[F502]"]
            continue
        expected = framework.evaluate({**case_facts.values, **change}, explain=False)
        assert [exact(cell.value) for cell in row[1:len(leaves) + 1]] == [leaf.score for leaf in expected.leaves()]
        assert exact(row[len(leaves) + 1].value) == expected.total
        assert row[len(leaves) + 1].number_format == "0.00"
        assert row[len(leaves) + 2].value == expected.grade and row[-1].value is None
    assert exact(rows[0][len(leaves) + 1].value) == Decimal("97.83")
    assert sheet.freeze_panes == "B2"


def test_the_summary_sheet_counts_and_charts_the_totals(batch_book, framework, case_facts):
    sheet = batch_book["汇总"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    pairs = {row[0]: row[1] for row in values if row and row[0] is not None}
    assert (pairs["部门数"], pairs["已评分"], pairs["无法评分"]) == (5, 4, 1)
    assert (pairs["优"], pairs["良"], pairs["中"], pairs["差"]) == (4, 0, 0, 0)
    totals = sorted(framework.evaluate({**case_facts.values, **change}, explain=False).total
                    for change in BATCH if change != {"满意度": "abc"})
    assert exact(pairs["最低分"]) == totals[0] and exact(pairs["最高分"]) == totals[-1]
    start = values.index(["总分从", "到", "部门数"]) + 1
    bins = [tuple(row) for row in values[start:]]
    assert [(exact(low), exact(high), count) for low, high, count in bins] == distribution(totals, Decimal(100))
    (chart,) = sheet._charts
    assert chart.title is not None


def test_an_output_file_in_a_missing_folder_is_a_usage_error(framework_path, case_path, tmp_path):
    target = tmp_path / "no such folder" / "report.xlsx"
    result = score(framework_path, case_path, "--format", "xlsx", "--output", target)
    assert result.exit_code == 2
    assert f"cannot write {target}: there is no folder {target.parent}" in result.stderr
    assert "Traceback" not in result.output and not target.parent.exists()


def test_a_cell_keeps_what_excel_can_hold():
    assert cell_text(["a", "b"]) == "a\nb"
    long = cell_text(["错" * 20000, "误" * 20000])
    assert len(long) == 32767 and long.startswith("错") and long.endswith("误…")
