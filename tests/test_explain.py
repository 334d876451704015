"""`rulecheck explain RULES FACTS [INDICATOR]`, and the rule-file lines explanation steps carry."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.results import Step


@pytest.fixture
def explain(framework_path, case_path):
    """The explain command on the shipped framework and case; the rest of the arguments as given."""
    def invoke(*args, rules=framework_path, facts=case_path):
        return CliRunner().invoke(main, ["explain", str(rules), str(facts), *map(str, args)])
    return invoke


@pytest.fixture
def case_with(case_facts, tmp_path):
    """A facts file: the shipped case with some facts changed."""
    def write(**changes):
        path = tmp_path / "changed.json"
        facts = {name: str(value) for name, value in case_facts.values.items()} | changes
        path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
        return path
    return write


def output(result) -> list[str]:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout.splitlines()


# ---- one indicator, exactly ------------------------------------------------------------------------

def test_a_formula_shows_its_derived_values_the_formula_filled_in_and_the_rounding(explain):
    assert output(explain("预算执行率")) == [
        "framework.rules:291  部门绩效 / 效率性 / 预算执行率 (6 points)",
        "framework.rules:100    where 一季度执行率 = min(一季度支出进度 ÷ 25%, 1) = min(7.73% ÷ 25%, 1) = 30.92%",
        "framework.rules:101    where 二季度执行率 = min(二季度支出进度 ÷ 50%, 1) = min(38.09% ÷ 50%, 1) = 76.18%",
        "framework.rules:102    where 三季度执行率 = min(三季度支出进度 ÷ 75%, 1) = min(72.71% ÷ 75%, 1) = 96.946667…%",
        "framework.rules:103    where 四季度执行率 = min(四季度支出进度 ÷ 100%, 1) = min(97.29% ÷ 100%, 1) = 97.29%",
        ("framework.rules:296    sum(一季度执行率, 二季度执行率, 三季度执行率, 四季度执行率) × 1"
         " + average(一季度执行率, 二季度执行率, 三季度执行率, 四季度执行率) × 2"
         " = sum(30.92%, 76.18%, 96.946667…%, 97.29%) × 1 + average(30.92%, 76.18%, 96.946667…%, 97.29%) × 2"
         " = 4.52005"),
        "framework.rules:13     4.52005 rounded to 4.52",
        "framework.rules:291    score 4.52 out of 6",
    ]


def test_a_band_table_shows_every_row_and_the_one_that_matched(explain):
    assert output(explain("公众或服务对象满意度")) == [
        "framework.rules:327  部门绩效 / 公平性 / 公众或服务对象满意度 (6 points)",
        "framework.rules:329    满意度 = 96%",
        "framework.rules:330    band 1: 满意度 96% ≥ 95% → 6   matched",
        "framework.rules:331    band 2: 90% ≤ 满意度 < 95% → 4   not tried",
        "framework.rules:332    band 3: 80% ≤ 满意度 < 90% → 2   not tried",
        "framework.rules:333    band 4: < 80% → 1   not tried",
        "framework.rules:327    score 6.00 out of 6",
    ]


def test_a_lower_band_shows_the_rows_tried_before_it(explain, case_with):
    lines = output(explain("公众或服务对象满意度", facts=case_with(满意度="91.5%")))
    assert lines[1:6] == [
        "framework.rules:329    满意度 = 91.5%",
        "framework.rules:330    band 1: ≥ 95% → 6   no",
        "framework.rules:331    band 2: 90% ≤ 满意度 91.5% < 95% → 4   matched",
        "framework.rules:332    band 3: 80% ≤ 满意度 < 90% → 2   not tried",
        "framework.rules:333    band 4: < 80% → 1   not tried",
    ]
    assert lines[-1] == "framework.rules:327    score 4.00 out of 6"


def test_a_composite_shows_each_part_with_its_own_rule(explain):
    assert output(explain("财务合规性")) == [
        "framework.rules:165  部门管理 / 资金管理 / 财务合规性 (3 points)",
        "framework.rules:172    part 资金支出规范性 (1): 1",
        "framework.rules:174      ✓ 资金支出符合制度规定 → +1",
        "framework.rules:173      points earned: 1",
        "framework.rules:176    part 资金调整调剂规范性 (1): 1",
        "framework.rules:91       where 调整调剂率 = 调整资金 ÷ 年初预算 = 502.42 ÷ 10339.11 = 4.859412…%",
        "framework.rules:176      start at 1",
        "framework.rules:177      deduct 0.1 per 1% of 调整调剂率 above 10%: 调整调剂率 = 4.859412…%, not above 10% → −0",
        "framework.rules:178      floor 0: score = max(1 − 0, 0) = 1",
        "framework.rules:179    part 会计核算规范性 (1): 1",
        "framework.rules:180      assessed score 会计核算规范性评分 = 1 (range 0 to 1)",
        "framework.rules:165    sum of parts = 3",
        "framework.rules:165    score 3.00 out of 3",
    ]


def test_a_deduction_shows_its_units_and_floor(explain, case_with):
    assert output(explain("重点工作完成情况")) == [
        "framework.rules:298  部门绩效 / 效率性 / 重点工作完成情况 (8 points)",
        "framework.rules:298    start at 8",
        "framework.rules:300    deduct 4 per 未完成重点工作数: 未完成重点工作数 = 0, 0 × 4 → −0",
        "framework.rules:301    floor 0: score = max(8 − 0, 0) = 8",
        "framework.rules:298    score 8.00 out of 8",
    ]
    assert output(explain("重点工作完成情况", facts=case_with(未完成重点工作数=3)))[2:] == [
        "framework.rules:300    deduct 4 per 未完成重点工作数: 未完成重点工作数 = 3, 3 × 4 → −12",
        "framework.rules:301    floor 0: score = max(8 − 12, 0) = 0",
        "framework.rules:298    score 0.00 out of 8",
    ]


def test_a_checklist_marks_each_item_with_its_points(explain, case_with):
    assert output(explain("项目监管")) == [
        "framework.rules:208  部门管理 / 项目管理 / 项目监管 (2 points)",
        "framework.rules:213    ✓ 建立执行资金管理和监控机制 → +1",
        ("framework.rules:214    ✓ 主管部门开展有效检查监控 and 有检查监督证明材料 and 专项资金绩效评价结果 ≠ 差 → +1"
         "   [true and true and 未评价 ≠ 差]"),
        "framework.rules:212    points earned: 2",
        "framework.rules:208    score 2.00 out of 2",
    ]
    assert output(explain("项目监管", facts=case_with(专项资金绩效评价结果="差")))[2:] == [
        ("framework.rules:214    ✗ 主管部门开展有效检查监控 and 有检查监督证明材料 and 专项资金绩效评价结果 ≠ 差 → +0"
         "   [true and true and 差 ≠ 差]"),
        "framework.rules:212    points earned: 1",
        "framework.rules:208    score 1.00 out of 2",
    ]


def test_a_group_explains_each_of_its_leaves_then_adds_them(explain):
    assert output(explain("人员管理")) == [
        "framework.rules:237  部门管理 / 人员管理 / 财政供养人员控制率 (1 point)",
        "framework.rules:93     where 财政供养人员比率 = 在编人数 ÷ 核定编制数 = 56 ÷ 60 = 93.333333…%",
        "framework.rules:240    财政供养人员比率 = 93.333333…%",
        "framework.rules:241    band 1: 财政供养人员比率 93.333333…% ≤ 100% → 1   matched",
        "framework.rules:242    band 2: > 100% → 0   not tried",
        "framework.rules:237    score 1.00 out of 1",
        "",
        "framework.rules:244  部门管理 / 人员管理 / 编外人员控制率 (1 point)",
        "framework.rules:94     where 编外人员比率 = 编外人员数 ÷ (在编人数 + 编外人员数) = 4 ÷ (56 + 4) = 6.666667…%",
        "framework.rules:247    编外人员比率 = 6.666667…%",
        "framework.rules:248    band 1: < 5% → 1   no",
        "framework.rules:249    band 2: 5% ≤ 编外人员比率 6.666667…% ≤ 10% → 0.5   matched",
        "framework.rules:250    band 3: > 10% → 0   not tried",
        "framework.rules:244    score 0.50 out of 1",
        "framework.rules:235  人员管理 = 财政供养人员控制率 1.00 + 编外人员控制率 0.50 = 1.50 out of 2",
    ]


def test_a_nested_group_adds_its_subgroups_after_their_leaves(explain):
    lines = output(explain("效率性"))
    assert [line for line in lines if " (" in line and "points)" in line] == [
        "framework.rules:291  部门绩效 / 效率性 / 预算执行率 (6 points)",
        "framework.rules:298  部门绩效 / 效率性 / 重点工作完成情况 (8 points)",
        "framework.rules:303  部门绩效 / 效率性 / 项目完成及时性 (6 points)",
    ]
    assert lines[-1] == ("framework.rules:287  效率性 = 预算执行率 4.52 + 重点工作完成情况 8.00 + 项目完成及时性 5.81"
                         " = 18.33 out of 20")


def test_a_part_name_explains_the_indicator_that_holds_it(explain):
    assert output(explain("资金调整调剂规范性")) == output(explain("财务合规性"))


def test_without_an_indicator_every_leaf_then_the_total_and_the_grade(explain, framework, case_facts):
    lines = output(explain())
    result = framework.evaluate(case_facts)
    for leaf in result.leaves():
        assert sum(line.endswith(f" / {leaf.name} ({leaf.max} point{'s' if leaf.max != 1 else ''})")
                   for line in lines) == 1, leaf.name
        assert sum(line.endswith(f"    score {leaf.score} out of {leaf.max}") for line in lines) >= 1
    assert lines[0] == "framework.rules:111  部门决策 / 预算编制 / 预算编制合理性 (5 points)"
    assert lines.count("") == len(result.leaves()) - 1
    assert lines[-3:] == [
        "framework.rules:266  部门绩效 = 经济性 6.00 + 效率性 18.33 + 效果性 25.00 + 公平性 9.00 = 58.33 out of 60",
        "framework.rules:12   total = 部门决策 20.00 + 部门管理 19.50 + 部门绩效 58.33 = 97.83 out of 100",
        "framework.rules:18   grade: 97.83 matches ≥ 90 → 优",
    ]


def test_locations_are_relative_to_the_rule_files_folder(explain, department_path, department_case_path):
    lines = output(explain("效果性", rules=department_path, facts=department_case_path))
    assert lines[:3] == [
        "edu-info-center.rules:35  部门绩效 / 效果性 / 社会效益、经济效益、生态效益等 / 学校数据盘点完成率 (4 points)",
        "edu-info-center.rules:38    min(数据盘点学校数 ÷ 数据盘点学校数目标值, 1) × 4 = min(2940 ÷ 2900, 1) × 4 = 4",
        "edu-info-center.rules:35    score 4.00 out of 4",
    ]
    assert lines[-1] == "../framework.rules:308    效果性 = 社会效益、经济效益、生态效益等 25.00 = 25.00 out of 25"


# ---- errors ----------------------------------------------------------------------------------------

def test_an_unknown_indicator_is_a_usage_error_with_the_closest_names(explain, framework_path):
    result = explain("公众满意度")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"{framework_path}: no indicator, part or group named '公众满意度'\n"
                             "  = hint: did you mean '公众或服务对象满意度'?\n")


def test_a_name_inside_several_names_suggests_them_all(explain):
    result = explain("公开")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == "  = hint: did you mean '预决算信息公开' or '部门预算公开' or '部门决算公开'?"


def test_a_name_like_nothing_says_where_to_find_the_names(explain):
    result = explain("xyz")
    assert result.exit_code == 2
    assert "'rulecheck score RULES FACTS' lists them" in result.stderr


@pytest.mark.parametrize("value, code", [("105%", "F503"), ("很高", "F502")])
def test_facts_errors_are_reported_as_score_reports_them(explain, framework_path, case_path, tmp_path, value, code):
    facts = tmp_path / "bad.yaml"
    facts.write_text(case_path.read_text(encoding="utf-8").replace('满意度: "96%"', f'满意度: "{value}"'),
                     encoding="utf-8")
    result = explain("预算执行率", facts=facts)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"error[{code}]: fact '满意度'" in result.stderr
    score = CliRunner().invoke(main, ["score", str(framework_path), str(facts)])
    assert result.stderr == score.stderr


def test_a_rule_file_error_is_reported_and_nothing_explained(explain, case_path, tmp_path):
    rules = tmp_path / "broken.rules"
    rules.write_text("total 10\ngroup G (10):\n    indicator X (10):\n        formula: 未知 × 2\n", encoding="utf-8")
    result = explain(rules=rules)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error[E201]" in result.stderr


# ---- the steps' spans ------------------------------------------------------------------------------

SMALL = """\
framework "小"
total 10
rounding 1 decimals half-up

grades:
    ≥ 8 → 好
    otherwise → 差

inputs:
    a: number from 0 to 10
    b: number from 1 to 10
    ok: bool
    n: count

let ratio = a / b

group G (10):
    indicator F (3):
        formula: min(ratio, 1) × 3
    indicator B (3):
        bands a:
            ≥ 5 → 3
            ≥ 2 → 1
            otherwise → 0
    indicator C (2):
        checklist:
            ok → 2
    indicator D (2):
        deduct 1 per n
        floor 0
"""


@pytest.fixture(scope="module")
def small():
    return rulecheck.loads(SMALL, "small.rules")


def spans(node) -> list[tuple[int, str]]:
    return [(step.span.line, str(step)) for step in node.explanation]


def test_every_step_names_the_line_of_the_rule_text_it_shows(small):
    result = small.evaluate({"a": 3, "b": 4, "ok": True, "n": 1})
    assert spans(result["F"]) == [(15, "where ratio = a ÷ b = 3 ÷ 4 = 0.75"),
                                  (19, "min(ratio, 1) × 3 = min(0.75, 1) × 3 = 2.25"),
                                  (3, "2.25 rounded to 2.3")]
    assert spans(result["B"]) == [(21, "a = 3"), (22, "band 1: ≥ 5 → 3   no"), (23, "band 2: a 3 ≥ 2 → 1   matched")]
    assert spans(result["C"]) == [(27, "✓ ok → +2"), (26, "points earned: 2")]
    assert spans(result["D"]) == [(28, "start at 2"), (29, "deduct 1 per n: n = 1, 1 × 1 → −1"),
                                  (30, "floor 0: score = max(2 − 1, 0) = 1")]
    assert result.grade_step == "grade: 6.3 matches otherwise → 差" and result.grade_step.span.line == 7


def test_all_rows_adds_the_rows_after_the_match_and_changes_nothing_else(small):
    facts = {"a": 7, "b": 3, "ok": True, "n": 0}
    short, whole = small.evaluate(facts), small.evaluate(facts, all_rows=True)
    assert whole.scores() == short.scores()
    assert spans(short["B"]) == [(21, "a = 7"), (22, "band 1: a 7 ≥ 5 → 3   matched")]
    assert spans(whole["B"]) == spans(short["B"]) + [(23, "band 2: ≥ 2 → 1   not tried"),
                                                       (24, "band 3: otherwise → 0   not tried")]
    assert all(whole[name].explanation == short[name].explanation for name in ("F", "C", "D"))


def test_score_explain_shows_the_rows_tried_only(framework, case_facts):
    assert framework.evaluate(case_facts)["公众或服务对象满意度"].explanation == (
        "满意度 = 96%", "band 1: 满意度 96% ≥ 95% → 6   matched")


def test_every_step_of_the_shipped_case_has_a_line_in_the_framework(framework, framework_path, case_facts):
    source = framework_path.read_text(encoding="utf-8").splitlines()
    for leaf in framework.evaluate(case_facts, all_rows=True).leaves():
        for step in leaf.explanation:
            assert isinstance(step, Step) and step.span is not None, (leaf.name, step)
            assert step.span.file == str(framework_path)
            text = source[step.span.line - 1].strip()
            if step.lstrip().startswith("where "):
                name = step.lstrip()[len("where "):].split(" = ")[0]
                assert text.startswith(f"let {name}"), (step, text)
            elif step.lstrip().startswith("band "):
                assert "→" in text, (step, text)
            elif "rounded to" in step:
                assert text.startswith("rounding "), (step, text)


def test_json_lists_the_source_of_each_explanation_line(framework, framework_path, case_facts):
    node = framework.evaluate(case_facts)["项目完成及时性"].to_dict()
    assert node["explanation"] == ["min(按计划时间完成项目数 ÷ 计划完成项目数, 1) × 6 = min(30 ÷ 31, 1) × 6 = 5.806452…",
                                   "5.806452… rounded to 5.81"]
    assert node["explanation_sources"] == [f"{framework_path}:307", f"{framework_path}:13"]
    json.dumps(node, ensure_ascii=False)  # Steps are strings to json


def test_a_step_is_its_text_and_keeps_its_span_through_pickling(small):
    steps = small.evaluate({"a": 2, "b": 3, "ok": True, "n": 1})["B"].explanation
    step = steps[-1]
    assert step == "band 2: a 2 ≥ 2 → 1   matched" and str(step) == step and type(str(step)) is str
    assert "<br>".join(steps) == "a = 2<br>band 1: ≥ 5 → 3   no<br>band 2: a 2 ≥ 2 → 1   matched"
    copy = pickle.loads(pickle.dumps(step))
    assert copy == step and copy.span == step.span
    assert step.indented().span == step.span and step.indented() == "  " + step


# ---- docs/cli.md ------------------------------------------------------------------------------------

CLI_PAGE = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
DOC_EXAMPLE = re.compile(r"```text\n\$ rulecheck explain (?P<args>[^\n]*)\n(?P<output>.*?)\n```", re.DOTALL)


def doc_examples() -> list:
    section = CLI_PAGE.read_text(encoding="utf-8").split("\n## rulecheck explain\n", 1)[1].split("\n## ", 1)[0]
    return list(DOC_EXAMPLE.finditer(section))


def test_the_page_has_the_examples():
    assert len(doc_examples()) >= 5


@pytest.mark.parametrize("example", doc_examples(), ids=lambda m: m["args"].split()[-1])
def test_an_example_of_the_page_prints_what_it_shows(example, root, monkeypatch):
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["explain", *example["args"].split()])
    printed = (result.stdout or result.stderr).rstrip("\n").splitlines()
    shown = example["output"].splitlines()
    if "…" in shown:  # an excerpt: the lines before and after it
        cut = shown.index("…")
        head, tail = shown[:cut], shown[cut + 1:]
        assert printed[:len(head)] == head and printed[len(printed) - len(tail):] == tail
    else:
        assert printed == shown
