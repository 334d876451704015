"""Coverage that means something (issue 11): boundaries (each threshold of a band table or of the grades
reached at, just below and just above), checklist items missed alone, `rulecheck test --suggest`, and
the shipped cases reaching all of it, so that defects that hit every row but move a threshold, or swap
the points of two items, fail a case."""

from __future__ import annotations

import shutil
import textwrap
from decimal import Decimal

import pytest
import yaml
from click.testing import CliRunner

import rulecheck
from rulecheck.cases import coverage, find_cases, load_cases, run_case
from rulecheck.cases.boundaries import boundaries
from rulecheck.cli import main
from rulecheck.runtime import Env

FRAMEWORK = """\
framework "边界"
total 10
rounding 2 decimals half-up
grades:
    ≥ 8 → 好
    otherwise → 一般
inputs:
    满意度: percent from 0% to 100%
    投诉数: count from 0
    支出: amount from 0
    预算: amount above 0
    甲: bool
    乙: bool
let 执行率: percent = 支出 / 预算
group 全部 (10):
    indicator 满意 (3):
        bands 满意度:
            = 100% → 3
            ≥ 90% → 2
            otherwise → 0
    indicator 投诉 (2):
        bands 投诉数:
            ≤ 2 → 2
            otherwise → 0
    indicator 执行 (2):
        bands 执行率:
            ≥ 90% → 2
            otherwise → 0
    indicator 清单 (3):
        checklist:
            甲 → 2
            乙 → 1
"""
FULL = {"满意度": "95%", "投诉数": 0, "支出": 95, "预算": 100, "甲": True, "乙": True}


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.rules").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "cases").mkdir()
    return tmp_path


def write_cases(path, *cases: dict, base: dict | None = None) -> None:
    """A case file of `cases` (each {name: facts}), expecting nothing in particular but a total ≥ 0."""
    listed = [{"name": name, "facts": facts, "expect": {"total": {"score": 5, "tolerance": 5}}}
              for case in cases for name, facts in case.items()]
    path.write_text(yaml.safe_dump({"base": base or FULL, "cases": listed}, allow_unicode=True), encoding="utf-8")


def found_for(here, *cases: dict):
    write_cases(here / "cases" / "a.case.yaml", *cases)
    ruleset = rulecheck.load(here / "f.rules")
    return ruleset, coverage(ruleset, [run_case(ruleset, c) for c in load_cases(here / "cases" / "a.case.yaml")])


# ---- boundaries -------------------------------------------------------------------------------------

def test_each_threshold_gives_three_boundaries_one_step_of_its_type_apart(here):
    ruleset = rulecheck.load(here / "f.rules")
    found = [(b.owner, b.text()) for b in boundaries(ruleset)]
    assert found == [
        ("满意", "满意度 just below 100% (99.99%)"), ("满意", "满意度 at 100%"),  # no 100.01%: outside the domain
        ("满意", "满意度 just below 90% (89.99%)"), ("满意", "满意度 at 90%"), ("满意", "满意度 just above 90% (90.01%)"),
        ("投诉", "投诉数 just below 2 (1)"), ("投诉", "投诉数 at 2"), ("投诉", "投诉数 just above 2 (3)"),
        ("执行", "执行率 just below 90% (89.99%)"), ("执行", "执行率 at 90%"), ("执行", "执行率 just above 90% (90.01%)"),
        ("grades", "the total just below 8 (7.99)"), ("grades", "the total at 8"),
        ("grades", "the total just above 8 (8.01)"),
    ]


def test_the_step_is_the_smallest_the_subject_type_allows_and_a_value_outside_its_domain_is_left_out():
    ruleset = rulecheck.loads(textwrap.dedent("""\
        framework "步长"
        total 4
        rounding 1 decimal half-up
        grades:
            ≥ 3 → 好
            otherwise → 差
        inputs:
            金额: amount from 0
            人数: count from 0
            评分: score from 0 to 2
        group 全部 (4):
            indicator 金额档 (2):
                bands 金额:
                    ≥ 100 → 2
                    otherwise → 0
            indicator 人数档 (1):
                bands 人数:
                    = 0 → 1
                    otherwise → 0
            indicator 评分 (1):
                formula: min(评分, 1)
        """))
    assert [(b.subject_name, b.side, b.value) for b in boundaries(ruleset)] == [
        ("金额", "below", Decimal("99.99")), ("金额", "at", Decimal(100)), ("金额", "above", Decimal("100.01")),
        ("人数", "at", Decimal(0)), ("人数", "above", Decimal(1)),  # no −1 people
        ("the total", "below", Decimal("2.9")), ("the total", "at", Decimal(3)),  # one unit of 1 decimal
        ("the total", "above", Decimal("3.1"))]


def test_a_case_inside_every_row_reaches_no_boundary(here):
    _ruleset, found = found_for(here, {"all inside": {}}, {"low": {"满意度": "50%", "投诉数": 5, "支出": 50}})
    assert found.summary() == "bands 6/7, boundaries 0/14, checklist items 0/2, grades 2/2"


def test_a_boundary_is_reached_exactly_or_within_one_step_on_its_side(here):
    _ruleset, found = found_for(here, {"at 90%": {"满意度": "90%"}}, {"89.99%": {"满意度": "89.99%"}},
                                {"a ratio just above": {"支出": "90.005", "预算": 100}})
    reached = {t.boundary.text(): t.reached_by for t in found.boundaries if t.reached_by}
    assert reached == {"满意度 at 90%": ("at 90%",), "满意度 just below 90% (89.99%)": ("89.99%",),
                       "执行率 just above 90% (90.01%)": ("a ratio just above",)}


def test_the_missing_boundaries_are_listed_by_name_and_value_in_english_and_chinese(here):
    write_cases(here / "cases" / "a.case.yaml", {"one": {}})
    english = CliRunner().invoke(main, ["test", "--coverage", "f.rules"])
    assert english.exit_code == 0, english.output
    lines = english.stdout.splitlines()
    assert "coverage of f.rules: bands 3/7, boundaries 0/14, checklist items 0/2, grades 1/2" in lines
    assert "no case reaches the boundary (a case at the threshold, just below and just above it):" in lines
    assert "  f.rules:19:13: 满意: 满意度 just below 90% (89.99%)" in lines
    assert "  f.rules:5:5: grades: the total just above 8 (8.01)" in lines
    chinese = CliRunner().invoke(main, ["--lang", "zh", "test", "--coverage", "f.rules"])
    lines = chinese.stdout.splitlines()
    assert "f.rules 的覆盖情况: 档 3/7, 边界 0/14, 清单项 0/2, 等级 1/2" in lines
    assert "  f.rules:19:13: 满意: 满意度 略低于 90% (89.99%)" in lines
    assert "  f.rules:5:5: 等级: 总分 略高于 8 (8.01)" in lines
    assert "  f.rules:19:13: 满意: 满意度 恰为 90%" in lines


# ---- checklist items ----------------------------------------------------------------------------------

def test_a_checklist_earned_whole_or_not_at_all_covers_no_item(here):
    _ruleset, found = found_for(here, {"all": {}}, {"none": {"甲": False, "乙": False}})
    items = found.of("item")
    assert [(bool(t.reached_by), bool(t.missed_by), t.covered) for t in items] == [(True, True, False)] * 2
    assert [t.describe() for t in found.never_missed_alone] == ["清单, item 1: 甲 → 2", "清单, item 2: 乙 → 1"]


def test_an_item_is_covered_once_a_case_misses_it_alone(here):
    _ruleset, found = found_for(here, {"all": {}}, {"no 甲": {"甲": False}})
    assert [(t.text, t.missed_alone_by, t.covered) for t in found.of("item")] == [
        ("甲 → 2", ("no 甲",), True), ("乙 → 1", (), False)]
    assert "checklist items 1/2" in found.summary()


# ---- rulecheck test --suggest -----------------------------------------------------------------------------

def suggested(here, *args):
    result = CliRunner().invoke(main, ["test", "--suggest", "f.rules", *args])
    assert result.exit_code == 0, result.output
    return result


def test_suggest_writes_a_case_per_missing_boundary_and_item_with_facts_that_reach_it(here):
    write_cases(here / "cases" / "a.case.yaml", {"all": {}})
    result = suggested(here, "-o", "todo.yaml")
    assert result.stdout == ""
    text = (here / "todo.yaml").read_text(encoding="utf-8")
    written = yaml.safe_load(text)
    assert written["base"] == FULL  # the first case file's base, written in place as it is there
    cases = {case["name"]: case for case in written["cases"]}
    missing = sum(case["facts"] is None for case in cases.values())
    assert missing == 3  # the total moves by whole points here: no facts give it 7.99, 8 or 8.01 by one input
    assert result.stderr == f"{len(cases)} cases suggested ({missing} with facts to fill in), written to todo.yaml\n"
    assert cases["满意: 满意度 just below 90% (89.99%)"]["facts"] == {"满意度": "89.99%"}
    assert cases["投诉: 投诉数 just above 2 (3)"]["facts"] == {"投诉数": 3}
    assert cases["清单: only item 1 missed (甲 → 2)"]["facts"] == {"甲": False}
    assert all(case["expect"] is None for case in cases.values())  # expected scores are the analyst's
    assert "      # TODO 满意: the expected score, worked out by hand\n" in text
    assert "      # TODO grade: the expected grade\n" in text


def test_a_derived_subject_gets_input_values_that_give_it(here):
    write_cases(here / "cases" / "a.case.yaml", {"all": {}})
    ruleset = rulecheck.load(here / "f.rules")
    suggested(here, "-o", "todo.yaml")
    cases = {c["name"]: c["facts"] for c in yaml.safe_load((here / "todo.yaml").read_text(encoding="utf-8"))["cases"]}
    for side, wanted in [("just below 90% (89.99%)", Decimal("0.8999")), ("at 90%", Decimal("0.9")),
                         ("just above 90% (90.01%)", Decimal("0.9001"))]:
        facts = cases[f"执行: 执行率 {side}"]
        assert set(facts) <= {"支出", "预算"}
        values = ruleset.validate({**FULL, **facts})
        assert Env(values, ruleset.compiled.lets)["执行率"] == wanted


def test_a_total_is_reached_through_an_input_and_what_cannot_be_found_is_a_todo(here):
    write_cases(here / "cases" / "a.case.yaml", {"all": {}})
    suggested(here, "-o", "todo.yaml")
    text = (here / "todo.yaml").read_text(encoding="utf-8")
    ruleset = rulecheck.load(here / "f.rules")
    cases = {c["name"]: c["facts"] for c in yaml.safe_load(text)["cases"]}
    facts = cases["grades: the total just below 8 (7.99)"]
    if facts is None:  # no single input moves this framework's total by 0.01
        assert "      # TODO fill in: facts that give the total just below 8 (7.99)\n" in text
    else:
        assert ruleset.evaluate({**FULL, **facts}).total == Decimal("7.99")


def test_the_base_facts_file_is_written_from_the_output_folder(here):
    (here / "cases" / "facts.yaml").write_text(yaml.safe_dump(FULL, allow_unicode=True), encoding="utf-8")
    (here / "cases" / "a.case.yaml").write_text(textwrap.dedent("""\
        base: facts.yaml
        cases:
          - name: all
            expect: {total: 7.6}
        """), encoding="utf-8")
    (here / "todo").mkdir()
    suggested(here, "-o", "todo/x.yaml")
    assert yaml.safe_load((here / "todo" / "x.yaml").read_text(encoding="utf-8"))["base"] == "../cases/facts.yaml"
    result = suggested(here)  # to the terminal: as the first case file writes it
    assert yaml.safe_load(result.stdout)["base"] == "facts.yaml"


def test_the_filled_in_suggestion_is_a_case_file(here):
    write_cases(here / "cases" / "a.case.yaml", {"all": {}})
    suggested(here, "-o", "todo.yaml")
    text = (here / "todo.yaml").read_text(encoding="utf-8")
    unfilled = CliRunner().invoke(main, ["test", "f.rules", "todo.yaml"])
    assert unfilled.exit_code == 1 and "error[C802]" in unfilled.stdout  # an 'expect' left empty fails
    filled = text.replace("    expect:\n", "    expect:\n      total: {score: 5, tolerance: 5}\n")
    (here / "todo.case.yaml").write_text(filled.replace("facts:\n      # TODO", "facts: {}\n      # TODO"),
                                         encoding="utf-8")
    result = CliRunner().invoke(main, ["test", "--coverage", "f.rules", "cases", "todo.case.yaml"])
    assert "bands 7/7, boundaries 12/14" in result.stdout, result.output  # the total's 7.99 and 8.01 stay TODOs
    assert "checklist items 2/2" in result.stdout


def test_suggest_refuses_to_overwrite_a_case_file_and_output_needs_suggest(here):
    write_cases(here / "cases" / "a.case.yaml", {"all": {}})
    before = (here / "cases" / "a.case.yaml").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["test", "--suggest", "f.rules", "-o", "cases/a.case.yaml"])
    assert result.exit_code == 2 and "error[E011]" in result.stderr
    assert (here / "cases" / "a.case.yaml").read_text(encoding="utf-8") == before
    result = CliRunner().invoke(main, ["test", "f.rules", "-o", "x.yaml"])
    assert result.exit_code == 2
    assert result.stderr == "--output is for --suggest: the cases' results go to the terminal\n"


def test_suggest_in_chinese(here):
    write_cases(here / "cases" / "a.case.yaml", {"all": {}})
    result = CliRunner().invoke(main, ["--lang", "zh", "test", "--suggest", "f.rules"])
    assert result.exit_code == 0, result.output
    assert '  - name: "满意: 满意度 略低于 90% (89.99%)"' in result.stdout
    assert "  - name: \"清单: 仅第 1 项未得分 (甲 → 2)\"" in result.stdout
    assert "      # 待填 满意: 手工算出的应得分数" in result.stdout
    assert result.stderr.startswith("建议了 ")


# ---- the shipped cases --------------------------------------------------------------------------------

def test_the_shipped_cases_reach_every_boundary_and_miss_every_item_alone(framework, framework_path):
    outcomes = [run_case(framework, case) for path in find_cases(framework_path) for case in load_cases(path)]
    assert all(outcome.passed for outcome in outcomes)
    found = coverage(framework, outcomes)
    assert found.summary() == "bands 27/27, boundaries 48/48, checklist items 24/24, grades 4/4"
    assert found.complete


def test_nothing_to_suggest_for_the_shipped_framework(root, monkeypatch):
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["test", "--suggest", "rules/shenzhen/framework.rules"])
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "every band row, boundary, checklist item and grade row is covered: no case to suggest\n"


# Realistic defects that hit every row the old cases hit, and that `check` accepts: each passes the
# cases shipped before boundaries and items (bands, the reported case, exact halves), and fails a new one.
DEFECTS = {
    "固定资产利用率 ≥ 90% read as > 90%": [("    ≥ 90% → 1\n", "    > 90% → 1\n"),
                                         ("75% ≤ 固定资产利用比率 < 90% → 0.7", "75% ≤ 固定资产利用比率 ≤ 90% → 0.7")],
    "编外人员比率 < 5% read as ≤ 5%": [("< 5% → 1", "≤ 5% → 1"), ("5% ≤ 编外人员比率 ≤ 10% → 0.5", "5% < 编外人员比率 ≤ 10% → 0.5")],
    "中 from above 60 points": [("≥ 60 → 中", "> 60 → 中")],
    "绩效指标明确性 points swapped": [("指标细化为具体任务 → 2", "指标细化为具体任务 → 1"),
                                  ("指标值清晰可衡量 → 1", "指标值清晰可衡量 → 2")],
    "日常公用经费 over 100% from 100%": [("90% ≤ 日常公用经费比率 ≤ 100% → 2", "90% ≤ 日常公用经费比率 < 100% → 2"),
                                      ("> 100% → 0\n            part 日常", "≥ 100% → 0\n            part 日常")],
}
OLD_CASES = ("bands.case.yaml", "edu-info-center-2024.case.yaml", "exact-half.case.yaml")


@pytest.mark.parametrize("defect", DEFECTS)
def test_a_defect_the_old_cases_miss_fails_a_new_case(defect, root, tmp_path):
    shutil.copytree(root / "rules" / "shenzhen", tmp_path / "shenzhen")
    path = tmp_path / "shenzhen" / "framework.rules"
    text = path.read_text(encoding="utf-8")
    for old, new in DEFECTS[defect]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    ruleset = rulecheck.load(path)  # check accepts it
    cases = tmp_path / "shenzhen" / "cases"
    old = [run_case(ruleset, case) for name in OLD_CASES for case in load_cases(cases / name)]
    assert all(outcome.passed for outcome in old)
    new = [run_case(ruleset, case) for name in ("items.case.yaml", "thresholds.case.yaml")
           for case in load_cases(cases / name)]
    assert any(not outcome.passed for outcome in new)
