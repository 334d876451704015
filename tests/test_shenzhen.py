"""The shipped Shenzhen framework scores the 深圳市教育信息技术中心 2024 case as its report does.

Expected scores are the report's (附件一, read in /work/shared/framework.md): total 97.83, 优;
预算执行率 4.52, 项目完成及时性 5.81, 编外人员控制率 0.5, every other leaf full marks.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import rulecheck
from rulecheck.report import render_json

D = Decimal

# (一级, 二级, leaf, points, reported score), as in framework.md's table.
REPORTED = [
    ("部门决策", "预算编制", "预算编制合理性", 5, "5"),
    ("部门决策", "预算编制", "预算编制规范性", 5, "5"),
    ("部门决策", "目标设置", "绩效目标完整性", 3, "3"),
    ("部门决策", "目标设置", "绩效指标明确性", 7, "7"),
    ("部门管理", "资金管理", "政府采购执行情况", 2, "2"),
    ("部门管理", "资金管理", "财务合规性", 3, "3"),
    ("部门管理", "资金管理", "预决算信息公开", 3, "3"),
    ("部门管理", "项目管理", "项目实施程序", 2, "2"),
    ("部门管理", "项目管理", "项目监管", 2, "2"),
    ("部门管理", "资产管理", "资产管理安全性", 2, "2"),
    ("部门管理", "资产管理", "固定资产利用率", 1, "1"),
    ("部门管理", "人员管理", "财政供养人员控制率", 1, "1"),
    ("部门管理", "人员管理", "编外人员控制率", 1, "0.5"),
    ("部门管理", "制度管理", "管理制度健全性", 3, "3"),
    ("部门绩效", "经济性", "公用经费控制率", 6, "6"),
    ("部门绩效", "效率性", "预算执行率", 6, "4.52"),
    ("部门绩效", "效率性", "重点工作完成情况", 8, "8"),
    ("部门绩效", "效率性", "项目完成及时性", 6, "5.81"),
    ("部门绩效", "效果性", "社会效益、经济效益、生态效益等", 25, "25"),
    ("部门绩效", "公平性", "群众信访办理情况", 3, "3"),
    ("部门绩效", "公平性", "公众或服务对象满意度", 6, "6"),
]
GROUPS = {"部门决策": 20, "部门管理": 20, "部门绩效": 60, "预算编制": 10, "目标设置": 10, "资金管理": 8,
          "项目管理": 4, "资产管理": 3, "人员管理": 2, "制度管理": 3, "经济性": 6, "效率性": 20, "效果性": 25,
          "公平性": 9}
DEPARTMENT_INDICATORS = {"学校数据盘点完成率": 4, "教育数据运营规模": 4, "市级人工智能学习平台供给": 3,
                         "人工智能平台学校覆盖": 4, "人工智能平台授课应用": 4, "人工智能教育市级活动": 3,
                         "校外教育平台建设": 3}


@pytest.fixture(scope="module")
def result(framework, case_facts):
    return framework.evaluate(case_facts)


@pytest.fixture(scope="module")
def department_result(department_path, department_case_path):
    return rulecheck.load(department_path).evaluate(rulecheck.load_facts(department_case_path))


def test_the_case_scores_the_reported_total_and_grade(result):
    assert result.total == D("97.83") and str(result.total) == "97.83"
    assert isinstance(result.total, Decimal)
    assert result.grade == "优"
    assert result.max == 100
    assert result.framework == "部门整体支出绩效评价共性指标体系框架"


@pytest.mark.parametrize("level1, level2, leaf, points, reported", REPORTED, ids=[r[2] for r in REPORTED])
def test_every_leaf_scores_as_reported(result, level1, level2, leaf, points, reported):
    node = result[leaf]
    assert node.kind == "indicator"
    assert node.max == points
    assert node.score == D(reported)
    assert str(node.score) == str(D(reported).quantize(D("0.01")))  # two decimals, as declared


def test_the_tree_has_the_reported_shape(result):
    leaves = result.leaves()
    assert [leaf.name for leaf in leaves] == [r[2] for r in REPORTED]
    assert len(leaves) == 21
    paths = {}
    for depth, node in result.walk():
        paths[depth] = node.name
        if node.kind == "indicator":
            assert (paths[0], paths[1]) == next((r[0], r[1]) for r in REPORTED if r[2] == node.name)
    for name, points in GROUPS.items():
        assert result[name].kind == "group" and result[name].max == points


def test_group_scores_are_the_sums_of_their_children(result):
    for _, node in result.walk():
        if node.kind == "group":
            assert node.score == sum((c.score for c in node.children), D(0))
            assert node.max == sum((c.max for c in node.children), D(0))
    assert [n.score for n in result.nodes] == [D("20"), D("19.5"), D("58.33")]
    assert result.total == sum((leaf.score for leaf in result.leaves()), D(0))
    assert result.total == sum(D(r[4]) for r in REPORTED)


def test_the_explanations_show_the_reported_working(result):
    assert result["项目完成及时性"].explanation == (
        "min(按计划时间完成项目数 ÷ 计划完成项目数, 1) × 6 = min(30 ÷ 31, 1) × 6 = 5.806452…",
        "5.806452… rounded to 5.81",
    )
    assert result["预算执行率"].explanation[-1] == "4.52005 rounded to 4.52"
    assert "where 一季度执行率 = min(一季度支出进度 ÷ 25%, 1) = min(7.73% ÷ 25%, 1) = 30.92%" in \
        result["预算执行率"].explanation
    assert result["编外人员控制率"].explanation == (
        "where 编外人员比率 = 编外人员数 ÷ (在编人数 + 编外人员数) = 4 ÷ (56 + 4) = 6.666667…%",
        "编外人员比率 = 6.666667…%",
        "band 1: < 5% → 1   no",
        "band 2: 5% ≤ 编外人员比率 6.666667…% ≤ 10% → 0.5   matched",
    )
    assert "  where 调整调剂率 = 调整资金 ÷ 年初预算 = 502.42 ÷ 10339.11 = 4.859412…%" in result["财务合规性"].explanation
    assert result["公众或服务对象满意度"].explanation == ("满意度 = 96%", "band 1: 满意度 96% ≥ 95% → 6   matched")
    for leaf in result.leaves():
        assert leaf.explanation, leaf.name


def test_the_framework_declares_its_inputs_and_reads_them(framework):
    kinds = {name: decl.type.kind for name, decl in framework.inputs.items()}
    assert kinds["满意度"] == "percent" and kinds["计划完成项目数"] == "count" and kinds["年初预算"] == "amount"
    assert kinds["部门预算公开情况"] == "grade" and kinds["效益评分"] == "score" and kinds["含可量化指标"] == "bool"
    assert set(framework.required_inputs) == set(framework.inputs)
    assert framework.warnings == ()
    assert [name for name, _ in framework.required_inputs["计划完成项目数"]] == ["项目完成及时性"]


def test_the_department_file_scores_the_reported_total(department_result):
    assert department_result.total == D("97.83")
    assert department_result.grade == "优"
    for _, _, leaf, _, reported in REPORTED:
        if leaf != "社会效益、经济效益、生态效益等":
            assert department_result[leaf].score == D(reported), leaf


def test_the_department_group_holds_its_own_indicators(department_result):
    group = department_result["社会效益、经济效益、生态效益等"]
    assert group.kind == "group" and group.max == 25 and group.score == 25
    assert {c.name: c.max for c in group.children} == DEPARTMENT_INDICATORS
    assert sum(DEPARTMENT_INDICATORS.values()) == 25
    assert all(c.kind == "indicator" and c.score == c.max for c in group.children)
    assert department_result["效果性"].children == (group,)


def test_the_department_file_needs_no_assessed_benefit_score(department_path):
    ruleset = rulecheck.load(department_path)
    assert "效益评分" not in ruleset.required_inputs
    assert "数据盘点学校数目标值" in ruleset.required_inputs


def test_a_department_falling_short_of_a_target_loses_points(department_path, department_case_path):
    facts = rulecheck.load_facts(department_case_path).values | {"数据盘点学校数": 1450, "数据盘点学校数目标值": 2900}
    result = rulecheck.load(department_path).evaluate(facts)
    assert result["学校数据盘点完成率"].score == 2  # min(1450 / 2900, 1) × 4
    assert result.total == D("95.83")


def test_result_to_dict(result):
    data = result.to_dict()
    assert data["framework"] == "部门整体支出绩效评价共性指标体系框架"
    assert (data["total"], data["max"], data["grade"]) == ("97.83", "100", "优")
    assert [n["name"] for n in data["nodes"]] == ["部门决策", "部门管理", "部门绩效"]
    first = data["nodes"][0]
    assert set(first) == {"name", "kind", "max", "score", "children", "line"}
    assert (first["kind"], first["max"], first["score"]) == ("group", "20", "20.00")
    leaf = first["children"][0]["children"][0]
    assert leaf["name"] == "预算编制合理性" and leaf["kind"] == "indicator" and "children" not in leaf
    assert leaf["explanation"][-1] == "points earned: 5"
    assert isinstance(leaf["line"], int)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_result_to_dict_without_explanations(result):
    def nodes(items):
        for item in items:
            yield item
            yield from nodes(item.get("children", []))

    data = result.to_dict(explain=False)
    assert all("explanation" not in node for node in nodes(data["nodes"]))
    assert {n["name"]: n["score"] for n in nodes(data["nodes"]) if n["kind"] == "indicator"} == {
        leaf: str(D(score).quantize(D("0.01"))) for _, _, leaf, _, score in REPORTED}


def test_the_json_report(result):
    data = json.loads(render_json(result))
    assert data == result.to_dict(explain=False)
    assert json.loads(render_json(result, explain=True)) == result.to_dict()
