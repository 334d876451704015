"""`rulecheck score --format xlsx --output FILE`: the workbook of one department (the appendix table)
and of a batch (a row per department, a summary sheet), read back with openpyxl."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter
from test_report_html import BATCH, SMALL_RULES, distribution, write_batch

import rulecheck
from rulecheck.cli import main
from rulecheck.i18n import speaking
from rulecheck.report import render
from rulecheck.report.xlsx import cell_text, sum_formula
from rulecheck.results import NodeResult, Result
from rulecheck.source import display_width


def score(*args):
    return CliRunner().invoke(main, ["score", *map(str, args)])


def exact(value) -> Decimal:
    """A number cell's value as the decimal it was written as (openpyxl reads 4.52 as a float)."""
    return Decimal(str(value))


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory, framework_path, case_path):
    folder = tmp_path_factory.mktemp("xlsx")
    path = folder / "report.xlsx"
    result = score(framework_path, case_path, "--format", "xlsx", "--explain", "--output", path)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return path


@pytest.fixture(scope="module")
def sheet(workbook_path):
    return openpyxl.load_workbook(workbook_path).active


@pytest.fixture(scope="module")
def values(workbook_path):
    """The sheet as a reader that does not calculate sees it: each formula's stored value."""
    return openpyxl.load_workbook(workbook_path, data_only=True).active


CELL_SUM = re.compile(r"SUM\(([A-Z]+)(\d+):\1(\d+)\)|([A-Z]+)(\d+)")


def referenced(formula: str, column: str) -> list[int]:
    """The rows of `column` a formula of ours adds up ('=SUM(C6:C7)+C9' → [6, 7, 9]), checking that it
    is nothing but such terms joined by +."""
    assert formula.startswith("="), formula
    terms = formula[1:].split("+")
    rows = []
    for term in terms:
        match = CELL_SUM.fullmatch(term)
        assert match, (formula, term)
        letter, first, last = (match[1], match[2], match[3]) if match[1] else (match[4], match[5], match[5])
        assert letter == column, formula
        rows += range(int(first), int(last) + 1)
    return rows


def test_the_sheet_is_the_appendix_table(sheet, framework, case_facts):
    result = framework.evaluate(case_facts)
    assert sheet.title == "Score sheet"
    assert sheet["A1"].value == "部门整体支出绩效评价共性指标体系框架" and sheet["A1"].font.bold
    assert sheet["A2"].value == "Department: 深圳市教育信息技术中心 (edu-info-center-2024)"
    assert [cell.value for cell in sheet[3]] == ["Indicator", "Points", "Score", "Explanation"]
    assert all(cell.font.bold for cell in sheet[3])
    nodes = list(result.walk())
    for row, (depth, node) in enumerate(nodes, start=4):
        name, points, earned, explanation = (sheet.cell(row, column) for column in range(1, 5))
        assert name.value == node.name
        assert name.alignment.indent == depth
        if node.kind == "indicator":
            assert exact(points.value) == node.max and exact(earned.value) == node.score
            assert points.data_type == earned.data_type == "n"
        else:
            assert points.data_type == earned.data_type == "f"
        assert points.number_format == earned.number_format == "0.00"
        assert name.font.bold == (node.kind == "group")
        assert (explanation.value or "") == "\n".join(node.explanation)
    total_row = 4 + len(nodes)
    assert sheet.cell(total_row, 1).value == "Total" and sheet.cell(total_row, 3).data_type == "f"
    assert all(cell.font.bold for cell in sheet[total_row])
    assert sheet.cell(total_row, 3).number_format == "0.00"
    assert [cell.value for cell in sheet[total_row + 1]][:3] == ["Grade", None, "优"]
    assert sheet.max_row == total_row + 1
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == f"A3:D{total_row - 1}"  # the header and the tree; the total stays shown


def test_groups_and_the_total_are_sums_of_their_leaves(sheet, framework, case_facts):
    """Each group's and the total's points and score are formulas over exactly its leaves' cells: summed
    here from the leaf cells they name, they give the result's numbers, exactly."""
    result = framework.evaluate(case_facts)
    row_of = {id(node): row for row, (_depth, node) in enumerate(result.walk(), start=4)}
    total_row = 4 + len(row_of)
    sums = [(row_of[id(node)], node.max, node.score, [leaf for _d, leaf in node.walk() if leaf.kind == "indicator"])
            for _depth, node in result.walk() if node.kind == "group"]
    sums.append((total_row, result.max, result.total, result.leaves()))
    for row, points, score, leaves in sums:
        for column, expected in (("B", points), ("C", score)):
            rows = referenced(sheet[f"{column}{row}"].value, column)
            assert sorted(rows) == sorted(row_of[id(leaf)] for leaf in leaves), (row, sheet[f"{column}{row}"].value)
            assert sum((exact(sheet[f"{column}{leaf}"].value) for leaf in rows), Decimal(0)) == expected
    assert sheet["C4"].value == "=SUM(C6:C7)+SUM(C9:C10)"  # 部门决策: 预算编制's two leaves, 目标设置's two
    assert sheet["C5"].value == "=SUM(C6:C7)"
    assert sheet["C25"].value == "=C26"  # 制度管理: one leaf


def test_a_reader_that_does_not_calculate_sees_the_sums(values, framework, case_facts):
    result = framework.evaluate(case_facts)
    for row, (_depth, node) in enumerate(result.walk(), start=4):
        assert (exact(values.cell(row, 2).value), exact(values.cell(row, 3).value)) == (node.max, node.score)
    total_row = 4 + len(list(result.walk()))
    assert [values.cell(total_row, column).value for column in (1, 2, 3)] == ["Total", 100, 97.83]


def test_a_sum_is_a_range_for_each_run_of_rows():
    assert sum_formula("C", [5, 6, 7, 8]) == "=SUM(C5:C8)"
    assert sum_formula("C", [5, 7]) == "=C5+C7"
    assert sum_formula("B", [9, 6, 7]) == "=SUM(B6:B7)+B9"


def test_points_that_do_not_add_up_stay_a_number(tmp_path):
    """A group whose leaves' points do not make its own (a rule file `check` faults) keeps its number:
    a formula would show another."""
    leaves = (NodeResult("甲", "indicator", Decimal(3), Decimal("2.5")), NodeResult("乙", "indicator", Decimal(6), Decimal(6)))
    group = NodeResult("组", "group", Decimal(10), Decimal("8.5"), leaves)
    path = tmp_path / "uneven.xlsx"
    path.write_bytes(render(Result("框架", Decimal("8.5"), Decimal(10), None, (group,)), "xlsx"))
    sheet = openpyxl.load_workbook(path).active
    assert (sheet["B4"].value, sheet["C4"].value) == (10, "=SUM(C5:C6)")
    assert (sheet["B7"].value, sheet["C7"].value) == (10, "=SUM(C5:C6)")  # the total


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["评分表", "部门: ", "指标", "分值", "得分", "说明", "总分", "等级"]),
    ("en", ["Score sheet", "Department: ", "Indicator", "Points", "Score", "Explanation", "Total", "Grade"])])
def test_the_workbook_speaks_the_current_language(framework, case_facts, tmp_path, lang, words):
    title, department, *labels = words
    with speaking(lang):
        content = render(framework.evaluate(case_facts), "xlsx", True, department="edu-info-center-2024",
                         name="深圳市教育信息技术中心")
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == title
    assert sheet["A2"].value == f"{department}深圳市教育信息技术中心 (edu-info-center-2024)"
    assert [cell.value for cell in sheet[3]] == labels[:4]
    assert [sheet.cell(row, 1).value for row in (sheet.max_row - 1, sheet.max_row)] == labels[4:]


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
    assert [cell.value for cell in sheet[3]] == ["Indicator", "Points", "Score"]
    assert sheet.max_column == 3
    assert sheet["A2"].value is None


def test_the_number_format_follows_the_rounding(tmp_path):
    small = rulecheck.loads(SMALL_RULES).evaluate({"满意度": "93.33%"})
    path = tmp_path / "small.xlsx"
    path.write_bytes(render(small, "xlsx"))
    sheet = openpyxl.load_workbook(path, data_only=True).active
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


def test_where_a_report_cannot_go_is_said_in_chinese(framework_path, case_path, tmp_path):
    def chinese(*args):
        return CliRunner().invoke(main, ["--lang", "zh", "score", str(framework_path), str(case_path), *map(str, args)])
    terminal = chinese("--format", "xlsx")
    assert terminal.exit_code == 2
    assert "--format xlsx 输出的是二进制工作簿, 不能输出到终端: 请加上 --output FILE, 如 --output report.xlsx" in terminal.stderr
    target = tmp_path / "没有的文件夹" / "report.xlsx"
    missing = chinese("--format", "xlsx", "--output", target)
    assert missing.exit_code == 2
    assert f"无法写入 {target}: 文件夹 {target.parent} 不存在; 请先创建该文件夹, 或把报告写到别处" in missing.stderr
    overwriting = chinese("--output", case_path)
    assert overwriting.exit_code == 2 and "Traceback" not in overwriting.output
    assert f"--output {case_path} 是本命令要读取的" in overwriting.stderr and "报告会覆盖它" in overwriting.stderr
    assert "请把报告写到另一个文件, 如 --output scores.csv" in overwriting.stderr


# ---- a batch --------------------------------------------------------------------------------------

@pytest.fixture
def batch_book(tmp_path, framework_path, case_facts):
    """The batch's workbook in Chinese, the language it is made for."""
    write_batch(tmp_path / "batch.csv", case_facts.values, BATCH)
    result = CliRunner().invoke(main, ["--lang", "zh", "score", str(framework_path), str(tmp_path / "batch.csv"),
                                       "--format", "xlsx", "-o", str(tmp_path / "batch.xlsx")])
    assert result.exit_code == 1, result.output  # a department could not be scored
    return openpyxl.load_workbook(tmp_path / "batch.xlsx")


def test_the_batch_has_a_row_per_department(batch_book, framework, case_facts, tmp_path):
    assert batch_book.sheetnames == ["部门", "失分分析", "热力图", "汇总"]
    sheet = batch_book["部门"]
    leaves = [leaf.name for leaf in framework.evaluate(case_facts, explain=False).leaves()]
    assert [cell.value for cell in sheet[1]] == ["部门", "名称", *leaves, "总分", "等级", "错误"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == ["D01", "D02", "D03", "D04", "D05"]
    assert [row[1].value for row in rows] == [None] * 5  # no 名称 column: no display names
    for row, change in zip(rows, BATCH):
        if change == {"满意度": "abc"}:
            assert [cell.value for cell in row[2:-1]] == [None] * (len(leaves) + 2)
            assert row[-1].value.split(": ")[:2] == [f"{tmp_path / 'batch.csv'}:4", "错误[F502]"]
            continue
        expected = framework.evaluate({**case_facts.values, **change}, explain=False)
        assert [exact(cell.value) for cell in row[2:len(leaves) + 2]] == [leaf.score for leaf in expected.leaves()]
        assert exact(row[len(leaves) + 2].value) == expected.total
        assert row[len(leaves) + 2].number_format == "0.00"
        assert row[len(leaves) + 3].value == expected.grade and row[-1].value is None
    assert exact(rows[0][len(leaves) + 2].value) == Decimal("97.83")
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(leaves) + 5)}6"


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
