"""`rulecheck import`: an official table read back into a rule-file skeleton that `check` accepts;
export → import round-trips the Shenzhen framework's tree and points; positioned errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.api import analyze_text
from rulecheck.cli import main
from rulecheck.diagnostics import InputFileError
from rulecheck.publish import read_table, skeleton
from rulecheck.syntax import ast

FRAMEWORK = Path(__file__).parent.parent / "rules" / "shenzhen" / "framework.rules"


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def tree(nodes) -> list:
    return [(n.name, Decimal(n.points), tree(n.children) if isinstance(n, ast.Group) else None) for n in nodes]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_round_trip_tree_and_points(tmp_path, lang):
    table, rules = tmp_path / "t.xlsx", tmp_path / "t.rules"
    assert run("export", FRAMEWORK, "--format", "xlsx", "-o", table).exit_code == 0
    result = run("import", table, "-o", rules, env={"RULECHECK_LANG": lang})
    assert result.exit_code == 0, result.output
    analysis = analyze_text(rules.read_text(encoding="utf-8"), str(rules))
    assert analysis.ok, [d.message for d in analysis.diagnostics]
    assert {d.code for d in analysis.diagnostics} == {"W901"}  # only what is left to do (tests/test_todo.py)
    original = rulecheck.load(FRAMEWORK).program
    assert analysis.checked is not None
    imported = analysis.checked.program
    assert tree(imported.nodes) == tree(original.nodes)
    assert imported.total == original.total
    assert imported.name.value == "部门整体支出绩效评价共性指标体系框架"


def test_skeleton_carries_the_texts_and_todo(tmp_path):
    table = tmp_path / "t.xlsx"
    run("export", FRAMEWORK, "--format", "xlsx", "-o", table)
    with rulecheck.speaking("zh"):
        text = skeleton(read_table(table), "t.xlsx")
    lines = text.splitlines()
    at = lines.index("        indicator 公众或服务对象满意度 (6):")
    assert lines[at - 1] == "        # TODO: 请按评分标准把 assessed 改写为相应的评分规则"
    assert lines[at - 2].startswith("        # 评分标准: 满意度 ≥ 95% 得 6 分; 满意度 90%(含)–95% 得 4 分")
    assert lines[at - 3] == "        # 指标解释: 满意度: 社会公众或服务对象满意度(调查结果或参考数据)"
    assert lines[at + 1] == "            assessed 公众或服务对象满意度评分"
    assert '    公众或服务对象满意度评分: score from 0 to 6 "TODO: 评价人员对“公众或服务对象满意度”的评分"' in lines
    # a name the grammar cannot read bare is quoted
    assert '        indicator "社会效益、经济效益、生态效益等" (25):' in lines


def sheet_of(rows, header_at=1):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "指标"
    for _ in range(header_at - 1):
        sheet.append(["某区部门整体支出绩效评价指标"])
    sheet.append(["一级指标", "二级指标", "三级指标", "分值", "评分标准"])
    for row in rows:
        sheet.append(row)
    return book


def test_carried_down_names_without_merged_cells(tmp_path):
    path = tmp_path / "hand.xlsx"
    sheet_of([
        ["决策(10分)", "编制(10分)", "合理性", 4, "每项 1 分"],
        [None, None, "规范性", "6分", ""],
        ["绩效（20分）", "满意度", None, 20, "满意度 ≥ 95% 得 20 分"],
        ["合计", None, None, 30, None],
    ], header_at=3).save(path)
    read = read_table(path)
    assert read.title == "某区部门整体支出绩效评价指标"
    assert [(n.name, n.points) for n in read.nodes] == [("决策", 10), ("绩效", 20)]
    assert [(c.name, c.points) for c in read.nodes[0].children[0].children] == [("合理性", 4), ("规范性", 6)]
    assert read.nodes[1].children[0].leaf and read.nodes[1].children[0].criteria == "满意度 ≥ 95% 得 20 分"
    assert analyze_text(skeleton(read, "hand.xlsx")).ok


def test_a_leaf_below_a_missing_group(tmp_path):
    path = tmp_path / "gap.xlsx"
    sheet_of([["决策(10分)", "编制(10分)", "合理性", 10], ["绩效(20分)", None, "满意度", 20]]).save(path)
    with pytest.raises(InputFileError) as caught:
        read_table(path)
    d = caught.value.diagnostics[0]
    assert d.code == "E030" and d.where.endswith("!指标!B3") and "row 3 has no group above it" in d.message


def test_points_that_do_not_add_up(tmp_path):
    path = tmp_path / "bad.xlsx"
    sheet_of([["决策(10分)", "合理性", None, 4], [None, "规范性", None, 5]]).save(path)
    with pytest.raises(InputFileError) as caught:
        read_table(path)
    (d,) = caught.value.diagnostics
    assert d.code == "E031" and d.where == f"{path}!指标!A2"
    assert "'决策' is worth 10 points, but its indicators add up to 9" in d.message
    result = run("import", path, env={"RULECHECK_LANG": "zh"})
    assert result.exit_code == 2
    assert "指标“决策”的分值为 10 分, 但其下级指标合计 9 分" in result.output
    assert "bad.xlsx!指标!A2" in result.output


def test_total_row_that_does_not_add_up(tmp_path):
    path = tmp_path / "total.xlsx"
    sheet_of([["决策(10分)", "合理性", None, 10], ["合计", None, None, 100]]).save(path)
    with pytest.raises(InputFileError) as caught:
        read_table(path)
    assert caught.value.diagnostics[0].code == "E031"
    assert "the total is 100 points, but the indicators add up to 10" in caught.value.diagnostics[0].message


def test_group_without_points_and_bad_points(tmp_path):
    path = tmp_path / "nopoints.xlsx"
    sheet_of([["决策", "合理性", None, 4]]).save(path)
    with pytest.raises(InputFileError) as caught:
        read_table(path)
    d = caught.value.diagnostics[0]
    assert d.code == "E030" and d.where.endswith("!指标!A2") and "决策(20分)" in (d.hint or "")
    path = tmp_path / "text.xlsx"
    sheet_of([["决策(4分)", "合理性", None, "四分"]]).save(path)
    with pytest.raises(InputFileError) as caught:
        read_table(path)
    d = caught.value.diagnostics[0]
    assert d.code == "E030" and d.where.endswith("!指标!D2") and "'四分' are not a number" in d.message


def test_no_header_and_not_a_workbook(tmp_path):
    path = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["名称", "分数"])
    book.save(path)
    result = run("import", path, env={"RULECHECK_LANG": "zh"})
    assert result.exit_code == 2 and "找不到表头" in result.output and "E030" in result.output
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook", encoding="utf-8")
    result = run("import", junk)
    assert result.exit_code == 2 and "cannot read the table" in result.output
    assert "Traceback" not in result.output


def test_output_onto_the_table_is_refused(tmp_path):
    table = tmp_path / "t.xlsx"
    run("export", FRAMEWORK, "--format", "xlsx", "-o", table)
    before = table.read_bytes()
    result = run("import", table, "-o", table)
    assert result.exit_code == 2 and "E011" in result.output
    assert table.read_bytes() == before
