"""`rulecheck export`: the Shenzhen framework as the official table (md, xlsx, docx), its 评分标准
rendered from the rules, and every rule and expression kind of the language rendered."""

from __future__ import annotations

import typing
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.publish import build_table, render_table
from rulecheck.publish.criteria import Criteria
from rulecheck.syntax import ast

FRAMEWORK = Path(__file__).parent.parent / "rules" / "shenzhen" / "framework.rules"


@pytest.fixture(scope="module")
def table():
    with rulecheck.speaking("zh"):
        return build_table(rulecheck.load(FRAMEWORK).program)


def criteria_of(table, leaf: str) -> str:
    return next(row.criteria for row in table.rows if row.path[-1].name == leaf)


def test_every_rule_and_expression_kind_has_a_renderer():
    # a kind added to ast.Rule or ast.Expr without a method in Criteria fails here
    for prefix, union in (("rule", ast.Rule), ("expr", ast.Expr)):
        kinds = typing.get_args(union)
        assert kinds
        missing = [k.__name__ for k in kinds if not hasattr(Criteria, f"{prefix}_{k.__name__}")]
        assert missing == [], missing


def test_unknown_kind_fails_loudly():
    with pytest.raises(NotImplementedError):
        Criteria().rule(ast.Number(1))  # not a rule


def test_tree_and_points(table):
    assert len(table.rows) == 21
    assert table.total == 100
    assert [(level.name, level.points) for level in table.rows[0].path] == [
        ("部门决策", 20), ("预算编制", 10), ("预算编制合理性", 5)]
    assert sum(row.points for row in table.rows) == 100
    last = table.rows[-1]
    assert [level.name for level in last.path] == ["部门绩效", "公平性", "公众或服务对象满意度"]


# each hand-checked against the 参考评分标准 of shared/framework.md
def test_band_table_reads_as_the_published_criteria(table):
    assert criteria_of(table, "公众或服务对象满意度") == (
        "满意度 ≥ 95% 得 6 分; 满意度 90%(含)–95% 得 4 分; 满意度 80%(含)–90% 得 2 分; 满意度 < 80% 得 1 分")
    assert criteria_of(table, "编外人员控制率") == (
        "编外人员比率 < 5% 得 1 分; 编外人员比率 5%(含)–10%(含) 得 0.5 分; 编外人员比率 > 10% 得 0 分")


def test_grade_bands_deduction_formula_checklist_assessed(table):
    assert "部门预算公开情况为按规定公开得 1.5 分" in criteria_of(table, "预决算信息公开")
    assert ("资金调整调剂规范性(1 分): 调整调剂率超出 10% 的, 每超出 1 个百分点扣 0.1 分, 扣完为止"
            in criteria_of(table, "财务合规性"))
    assert criteria_of(table, "重点工作完成情况") == "未完成重点工作数每 1 扣 4 分, 扣完为止"
    assert criteria_of(table, "项目完成及时性") == "得分 = min(按计划时间完成项目数 ÷ 计划完成项目数, 1) × 6"
    assert criteria_of(table, "项目实施程序") == "每项 1 分: 1. 项目设立调整履行报批程序; 2. 招投标建设验收执行制度"
    assert criteria_of(table, "绩效指标明确性").startswith("1. 指标细化为具体任务得 2 分; 2. 含履职效益指标得 2 分")
    assert criteria_of(table, "项目监管").endswith("主管部门开展有效检查监控且有检查监督证明材料且专项资金绩效评价结果不为差")
    assert criteria_of(table, "预算编制规范性") == "由评价人员评分 (记入 预算编制规范性评分)"


def test_explanation_holds_descriptions_and_lets(table):
    row = next(row for row in table.rows if row.path[-1].name == "固定资产利用率")
    assert row.explanation.splitlines() == [
        "固定资产利用比率 = 在用固定资产总额 ÷ 固定资产总额 (在用固定资产总额 / 所有固定资产总额)",
        "在用固定资产总额: 实际在用固定资产总额(万元)",
        "固定资产总额: 所有固定资产总额(万元)"]
    assert table.grades == (("总分 ≥ 90", "优"), ("总分 ≥ 80", "良"), ("总分 ≥ 60", "中"), ("其他", "差"))


def test_deduction_with_a_floor_and_below():
    program = rulecheck.loads("""framework "t"
total 10
rounding 2 decimals half-up
inputs:
    x: percent from 0% to 100%
indicator a (10):
    deduct 2 per 5% of x below 90%
    floor 4
""").program
    with rulecheck.speaking("zh"):
        text = build_table(program).rows[0].criteria
    assert text == "x低于 90% 的, 每低 5 个百分点扣 2 分, 最低 4 分"


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def test_md_export(tmp_path):
    result = run("export", FRAMEWORK)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "# 部门整体支出绩效评价共性指标体系框架"
    assert lines[2] == "| 一级指标 | 二级指标 | 三级指标 | 分值 | 指标解释 | 评分标准 |"
    assert lines[4].startswith("| 部门决策(20分) | 预算编制(10分) | 预算编制合理性 | 5 | ")
    assert lines[5].startswith("|  |  | 预算编制规范性 | 5 | ")
    assert "| 合计 |  |  | 100 |  |  |" in lines
    assert "| 优 | 总分 ≥ 90 |" in lines
    out = tmp_path / "t.md"
    assert run("export", FRAMEWORK, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == result.output


def test_xlsx_export_has_merged_groups(tmp_path):
    out = tmp_path / "t.xlsx"
    result = run("export", FRAMEWORK, "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert [c.value for c in sheet[2]] == ["一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准"]
    assert sheet["A3"].value == "部门决策(20分)" and sheet["B3"].value == "预算编制(10分)"
    assert sheet["C3"].value == "预算编制合理性" and sheet["D3"].value == 5
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # 部门决策: 4 leaves, 部门管理: 10, 部门绩效: 7; 预算编制: 2
    assert {"A3:A6", "A7:A16", "A17:A23", "B3:B4", "B5:B6"} <= merged
    leaves = [sheet.cell(r, 3).value for r in range(3, 24)]
    assert len([v for v in leaves if v]) == 21
    row = next(r for r in range(3, 24) if sheet.cell(r, 3).value == "公众或服务对象满意度")
    assert sheet.cell(row, 6).value.startswith("满意度 ≥ 95% 得 6 分; 满意度 90%(含)–95% 得 4 分")
    assert sheet.cell(24, 1).value == "合计" and sheet.cell(24, 4).value == 100
    assert [list(r) for r in openpyxl.load_workbook(out)["等级"].values][1] == ["优", "总分 ≥ 90"]


def test_docx_export(tmp_path):
    out = tmp_path / "t.docx"
    result = run("export", FRAMEWORK, "--format", "docx", "-o", out)
    assert result.exit_code == 0, result.output
    grid = docx.Document(str(out)).tables[0]
    assert [c.text for c in grid.rows[0].cells] == ["一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准"]
    # merged: the group's cell is the same cell on each of its rows
    assert grid.cell(1, 0).text == "部门决策(20分)" and grid.cell(4, 0).text == "部门决策(20分)"
    assert grid.cell(1, 0)._tc is grid.cell(4, 0)._tc
    assert grid.cell(5, 0).text == "部门管理(20分)"
    leaves = [(grid.cell(r, 2).text, grid.cell(r, 3).text) for r in range(1, 22)]
    assert leaves[0] == ("预算编制合理性", "5") and leaves[-1] == ("公众或服务对象满意度", "6")
    assert grid.cell(21, 5).text.startswith("满意度 ≥ 95% 得 6 分")
    assert grid.cell(22, 0).text == "合计" and grid.cell(22, 3).text == "100"


def test_binary_format_needs_output():
    result = run("export", FRAMEWORK, "--format", "docx")
    assert result.exit_code == 2
    assert "--output" in result.output
    zh = run("export", FRAMEWORK, "--format", "xlsx", env={"RULECHECK_LANG": "zh"})
    assert zh.exit_code == 2 and "不能输出到终端" in zh.output


def test_render_table_formats(table):
    assert render_table(table, "md").startswith("# ")
    assert render_table(table, "xlsx")[:2] == b"PK"
    assert render_table(table, "docx")[:2] == b"PK"


def test_docs_example_is_the_real_output():
    doc = (Path(__file__).parent.parent / "docs" / "export.md").read_text(encoding="utf-8")
    block = doc.split("command prints):\n\n```\n", 1)[1].split("```", 1)[0]
    assert block.splitlines() == run("export", FRAMEWORK).output.splitlines()[:8]


def test_a_rule_file_with_errors_is_not_exported(tmp_path):
    bad = tmp_path / "bad.rules"
    bad.write_text('framework "t"\ntotal 10\nindicator a (10):\n    formula: 未知 × 10\n', encoding="utf-8")
    out = tmp_path / "t.md"
    result = run("export", bad, "-o", out)
    assert result.exit_code == 1 and "bad.rules:4:" in result.output
    assert not out.exists()


# ---- constraints: the facts a department must satisfy to be scored (issue 12) -----------------------

CONSTRAINED = Path(__file__).parent / "data" / "good" / "constraints-completed-within-plan.rules"
CONSTRAINTS = [("按计划时间完成项目数 ≤ 计划完成项目数", "按时完成的项目不多于计划项目"), ("在用固定资产总额 ≤ 固定资产总额", "")]


def test_constraints_are_listed_with_their_descriptions_in_markdown():
    result = run("export", CONSTRAINED)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-6:] == [
        "## 约束", "", "| 条件 | 说明 |", "|---|---|",
        "| 按计划时间完成项目数 ≤ 计划完成项目数 | 按时完成的项目不多于计划项目 |", "| 在用固定资产总额 ≤ 固定资产总额 |  |"]
    doc = (Path(__file__).parent.parent / "docs" / "export.md").read_text(encoding="utf-8")
    assert doc.split("a sheet 约束 in the workbook:\n\n```\n", 1)[1].split("```", 1)[0].splitlines() == \
        result.output.splitlines()[-6:]


def test_constraints_have_a_sheet_in_the_workbook_and_a_table_in_the_document(tmp_path):
    assert run("export", CONSTRAINED, "--format", "xlsx", "-o", tmp_path / "t.xlsx").exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["约束"]
    assert [tuple(row) for row in sheet.values] == [("条件", "说明"), CONSTRAINTS[0], (CONSTRAINTS[1][0], None)]
    assert run("export", CONSTRAINED, "--format", "docx", "-o", tmp_path / "t.docx").exit_code == 0
    document = docx.Document(str(tmp_path / "t.docx"))
    assert [p.text for p in document.paragraphs if p.style.name.startswith("Heading")][-1] == "约束"
    grid = document.tables[-1]
    assert [tuple(c.text for c in row.cells) for row in grid.rows] == [("条件", "说明"), *CONSTRAINTS]


def test_a_framework_without_constraints_has_no_constraints_section(table):
    assert table.constraints == ()
    assert "约束" not in run("export", FRAMEWORK).output


PER_UNIT = """framework "t"
total 30
rounding 2 decimals half-up
inputs:
    x: percent from 0% to 100%
    n: count from 0
indicator a (5):
    deduct 2 per 5% of x below 90%
indicator b (5):
    deduct 1 per n above 3
indicator c (5):
    award 0.5 per n
    cap 2
indicator e (5):
    deduct 1 per n
indicator f (5):
    award 1 per n below 3
indicator d (5):
    award 1 per 1% of x above 90%
"""


@pytest.mark.parametrize("lang, expected", [
    ("zh", ["x低于 90% 的, 每低 5 个百分点扣 2 分, 扣完为止", "n超出 3 的, 每超出 1扣 1 分, 扣完为止", "n每 1 得 0.5 分, 最高 2 分",
            "n每 1 扣 1 分, 扣完为止", "n低于 3 的, 每低 1得 1 分, 最高不超过该指标分值",
            "x超出 90% 的, 每超出 1 个百分点得 1 分, 最高不超过该指标分值"]),
    ("en", ["x below 90%: 2 points off for each 5 percentage points below, until no points are left",
            "n above 3: 1 points off for each 1 above, until no points are left", "0.5 points for each 1 of n, at most 2 points",
            "1 points off for each 1 of n, until no points are left",
            "n below 3: 1 points for each 1 below, at most the indicator's points",
            "x above 90%: 1 points for each 1 percentage points above, at most the indicator's points"]),
])
def test_deduct_and_award_lines_each_say_their_threshold(lang, expected):
    # deduct and award lines share one renderer (Criteria.per_unit): each kind keeps its own words
    program = rulecheck.loads(PER_UNIT).program
    with rulecheck.speaking(lang):
        assert [row.criteria for row in build_table(program).rows] == expected
