"""Issue 12, follow-ups on `matrix ROWS × COLUMNS:` tables: coverage counts each cell a case reaches and the
boundaries of both axes (`test --suggest` proposes the facts that reach the missing ones); check's and
verify's row checks walk one axis with the other held (W705 names the column, E706 the cell, E707 counts a
matrix's steps); findings on a matrix name its rows and columns, in English and Chinese. Boundaries a
derived value cannot take, by what the prover shows, are not counted."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import rulecheck
from rulecheck.cases import coverage, load_cases, run_case
from rulecheck.cases.coverage import reachable_boundaries
from rulecheck.cli import main
from rulecheck.i18n import speaking

ROOT = Path(__file__).parent.parent
RULES = (Path(__file__).parent / "data" / "good" / "matrix-completion-quality.rules").read_text(encoding="utf-8")
NAME = "产出完成与质量"
TOP_ROW = "            ≥ 100%              → 10 | 8 | 5\n"
# 8 → 5: a better 完成率 tier that gives fewer points in column 2 than the tier below it (6)
FLIPPED = RULES.replace(TOP_ROW, "            ≥ 100%              → 10 | 5 | 5\n")


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "cases").mkdir()
    return tmp_path


def write_cases(path, *cases: tuple[str, dict]) -> None:
    """A case file of (name, facts), each expecting a score between 0 and 10 (what coverage counts does not
    depend on it)."""
    listed = [{"name": name, "facts": facts, "expect": {NAME: {"score": 5, "tolerance": 5}}} for name, facts in cases]
    path.write_text(yaml.safe_dump({"base": {"完成率": "120%", "质量达标率": "96%"}, "cases": listed},
                                   allow_unicode=True), encoding="utf-8")


def found_for(here, *cases: tuple[str, dict]):
    write_cases(here / "cases" / "a.case.yaml", *cases)
    ruleset = rulecheck.load(here / "f.rules")
    return ruleset, coverage(ruleset, [run_case(ruleset, c) for c in load_cases(here / "cases" / "a.case.yaml")])


def findings(text: str) -> list:
    return rulecheck.analyze_text(text).diagnostics


# ---- coverage -----------------------------------------------------------------------------------------

def test_each_cell_a_case_reaches_counts_and_the_summary_says_cells(here):
    _ruleset, found = found_for(here, ("顶格", {}), ("中间", {"完成率": "95%", "质量达标率": "92%"}))
    assert found.summary() == "cells 2/9, boundaries 0/12"
    assert [t.cell for t in found.of("cell") if t.reached_by] == [(1, 1), (2, 2)]
    with speaking("zh"):
        assert found.summary() == "单元格 2/9, 边界 0/12"


def test_an_unreached_cell_is_named_by_its_row_and_column_in_english_and_chinese(here):
    _ruleset, found = found_for(here, ("顶格", {}))
    cell = next(t for t in found.unreached if t.cell == (3, 2))
    assert cell.describe() == f"{NAME}, cell (row 3, column 2): 完成率 < 90%, 90% ≤ 质量达标率 < 95% → 3"
    with speaking("zh"):
        assert cell.describe() == f"{NAME}, 第 3 行第 2 列: 完成率 < 90%, 90% ≤ 质量达标率 < 95% → 3"


def test_the_thresholds_of_both_axes_are_boundaries(here):
    ruleset = rulecheck.load(here / "f.rules")
    assert [b.text() for b in reachable_boundaries(ruleset)] == [
        f"{subject} {side}" for subject, threshold in (("完成率", 100), ("完成率", 90), ("质量达标率", 95),
                                                       ("质量达标率", 90))
        for side in (f"just below {threshold}% ({threshold - 1}.99%)", f"at {threshold}%",
                     f"just above {threshold}% ({threshold}.01%)")]


def test_a_file_without_a_matrix_keeps_its_summary_line():
    result = CliRunner().invoke(main, ["test", "--coverage", str(ROOT / "rules" / "shenzhen" / "framework.rules")])
    assert "bands 27/27, boundaries 48/48, checklist items 24/24, grades 4/4\n" in result.output
    assert "cells" not in result.output


def test_a_framework_of_formulas_alone_says_it_has_nothing_to_cover():
    result = CliRunner().invoke(main, ["test", "--coverage", str(ROOT / "rules" / "langfang-project" /
                                                                  "framework.rules")])
    assert result.exit_code == 0, result.output
    assert "framework.rules: nothing to cover (no band table, matrix, checklist or grades)\n" in result.output


def test_a_boundary_below_what_a_derived_value_can_take_is_not_counted():
    ruleset = rulecheck.loads(textwrap.dedent("""\
        framework "调整率"
        total 3
        rounding 2 decimals half-up
        inputs:
            预算调整数: amount from 0
            年初预算数: amount above 0
        let 预算调整率: percent = 预算调整数 / 年初预算数
        indicator 预算调整率指标 (3):
            bands 预算调整率:
                = 0% → 3
                ≤ 10% → 2
                otherwise → 0
        """))
    assert [b.text() for b in reachable_boundaries(ruleset) if b.threshold == 0] == [
        "预算调整率 at 0%", "预算调整率 just above 0% (0.01%)"]  # no −0.01%: a rate of amounts from 0


def test_the_yueyang_cases_cover_everything_once_the_unreachable_boundary_is_left_out():
    result = CliRunner().invoke(main, ["test", "--coverage", str(ROOT / "rules" / "hunan-yueyang" /
                                                                  "framework.rules")])
    assert "bands 13/13, boundaries 25/25, checklist items 3/3\n" in result.output, result.output
    assert "no case reaches" not in result.output


# ---- test --suggest --------------------------------------------------------------------------------------

def test_suggest_proposes_facts_for_the_cells_no_boundary_case_reaches(here):
    found_for(here, ("顶格", {}), ("中间", {"完成率": "95%", "质量达标率": "92%"}))
    result = CliRunner().invoke(main, ["test", "--suggest", "f.rules", "-o", "todo.yaml"])
    assert result.exit_code == 0, result.output
    cases = yaml.safe_load((here / "todo.yaml").read_text(encoding="utf-8"))["cases"]
    assert len(cases) == 12 + 3  # a case per boundary; then the cells none of them reaches
    assert [c["name"] for c in cases[12:]] == [
        f"{NAME}, cell (row 2, column 3): 90% ≤ 完成率 < 100%, 质量达标率 < 90% → 4",
        f"{NAME}, cell (row 3, column 2): 完成率 < 90%, 90% ≤ 质量达标率 < 95% → 3",
        f"{NAME}, cell (row 3, column 3): 完成率 < 90%, 质量达标率 < 90% → 0"]
    # the suggested facts, with the cases there were, reach every cell and boundary
    _ruleset, filled = found_for(here, ("顶格", {}), ("中间", {"完成率": "95%", "质量达标率": "92%"}),
                                 *((c["name"], c["facts"]) for c in cases))
    assert filled.summary() == "cells 9/9, boundaries 12/12"


def test_a_cell_on_a_derived_value_gets_the_inputs_that_give_it(here):
    text = RULES.replace("    完成率: percent from 0% to 200% \"实际完成数 / 计划数\"\n",
                         "    实际完成数: count from 0\n    计划数: count above 0\n") \
        .replace("group 产出指标", "let 完成率: percent = 实际完成数 / 计划数\n\ngroup 产出指标") \
        .replace("increasing in 完成率", "increasing in 实际完成数")
    (here / "f.rules").write_text(text, encoding="utf-8")
    (here / "cases" / "a.case.yaml").write_text(yaml.safe_dump({
        "base": {"实际完成数": 12, "计划数": 10, "质量达标率": "96%"},
        "cases": [{"name": "顶格", "facts": {}, "expect": {NAME: 10}}]}, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["test", "--suggest", "f.rules", "-o", "todo.yaml"])
    assert result.exit_code == 0, result.output
    cases = yaml.safe_load((here / "todo.yaml").read_text(encoding="utf-8"))["cases"]
    cell = next(c for c in cases if c["name"].startswith(f"{NAME}, cell (row 3, column 3)"))
    facts = {"实际完成数": 12, "计划数": 10, "质量达标率": "96%"} | cell["facts"]
    leaves = rulecheck.loads(text).evaluate(facts).leaves()
    assert next(n for n in leaves if n.name == NAME).score == 0  # the cell of 完成率 < 90%, 质量达标率 < 90%


# ---- check: the findings name rows and columns ----------------------------------------------------------

def test_a_gap_between_columns_names_the_column_and_asks_for_a_column():
    [finding] = findings(RULES.replace("| < 90%\n", "| < 80%\n"))
    assert (finding.code, finding.message, finding.hint) == (
        "E701", f"no column of '{NAME}' covers 质量达标率 = 80%", "add a column for [80%, 90%), or an 'otherwise' column")


def test_a_shadowed_column_and_overlapping_rows_are_named_as_such_in_english_and_chinese():
    shadowed = RULES.replace("columns: ≥ 95% | 90% ≤ 质量达标率 < 95% | < 90%", "columns: ≥ 90% | ≥ 95% | < 90%")
    [finding] = findings(shadowed)
    assert (finding.code, finding.message) == (
        "E703", f"column 2 of '{NAME}' can never match: every value it covers is taken by column 1 first")
    overlapping = RULES.replace("90% ≤ 完成率 < 100%", "90% ≤ 完成率 ≤ 100%").replace("≥ 100%    ", "> 99%     ")
    with speaking("zh"):
        [finding] = findings(overlapping)
    assert finding.code == "E702"
    assert finding.message.startswith(f"'{NAME}' 的第 1 行与第 2 行重叠: 完成率 = ")


def test_w705_names_the_column_whose_points_go_up_and_down():
    text = FLIPPED.replace("        increasing in 完成率\n        increasing in 质量达标率\n", "")
    [finding] = findings(text)
    assert (finding.code, finding.message) == (
        "W705", f"the points of '{NAME}' in column 2 go up and down as 完成率 rises: 3 for [0%, 90%), "
                "6 for [90%, 100%), 5 for [100%, 200%]")
    with speaking("zh"):
        [finding] = findings(text)
    assert finding.message.startswith(f"随 完成率 升高, '{NAME}' 第 2 列的分值时升时降")


# ---- verify: a cell against its neighbours, a jump -----------------------------------------------------------

def verified(tmp_path, text: str, lang: str = "en"):
    (tmp_path / "f.rules").write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["--lang", lang, "verify", str(tmp_path / "f.rules"), "--max-examples", "20"])


def test_a_better_tier_with_fewer_points_in_one_column_is_e706_with_two_departments(tmp_path):
    text = FLIPPED.replace("        increasing in 完成率\n", "")  # check then holds no order on 完成率
    assert findings(text) == []
    result = verified(tmp_path, text)
    assert result.exit_code == 1, result.output
    message = (f"error[E706]: cell (row 1, column 2) of '{NAME}' goes against its neighbours: the points rise "
               "with 完成率, but with 质量达标率 at 90% the score falls from 6 to 5 when 完成率 rises from 99.99% "
               "to 100%")
    assert message in result.output, result.output
    departments = re.findall(r"# department [AB]: \S+ = (\S+)\n\s+质量达标率: (\S+)\n\s+完成率: (\S+)", result.output)
    assert departments == [("6", "90%", "99.99%"), ("5", "90%", "100%")]
    for points, quality, completion in departments:
        leaves = rulecheck.loads(text).evaluate({"完成率": completion, "质量达标率": quality}).leaves()
        assert next(n for n in leaves if n.name == NAME).score == Decimal(points)
    assert "第 1 行第 2 列的分值与相邻单元格的走向相反" in verified(tmp_path, text, "zh").output


def test_two_columns_are_enough_though_most_changes_still_rise(tmp_path):
    """Two columns of three rows: 完成率 moves the score up in 3 of 4 steps, too few for a reversal (E714),
    but the one step against every other is the cell's."""
    text = textwrap.dedent("""\
        framework "两列"
        total 10
        rounding 2 decimals half-up
        inputs:
            完成率: percent from 0% to 200%
            质量达标率: percent from 0% to 100%
        indicator 产出 (10):
            increasing in 质量达标率
            matrix 完成率 × 质量达标率:
                columns: ≥ 90% | < 90%
                ≥ 100%              → 10 | 5
                90% ≤ 完成率 < 100% → 8  | 6
                < 90%               → 4  | 3
        """)
    result = verified(tmp_path, text)
    assert "error[E706]: cell (row 1, column 2) of '产出' goes against its neighbours" in result.output, result.output


def test_the_document_s_matrix_verifies_clean(tmp_path):
    result = verified(tmp_path, RULES.replace("        increasing in 完成率\n", ""))
    assert result.exit_code == 0, result.output
    assert "0 problems" in result.output


def test_a_matrix_part_and_a_band_part_that_jump_at_one_threshold_are_e707(tmp_path):
    text = textwrap.dedent("""\
        framework "跳变"
        total 20
        rounding 2 decimals half-up
        inputs:
            完成率: percent from 0% to 200%
            质量达标率: percent from 0% to 100%
        indicator 产出 (20):
            increasing in 质量达标率
            part 完成与质量 (10):
                matrix 完成率 × 质量达标率:
                    columns: ≥ 90% | < 90%
                    ≥ 100%              → 10 | 6
                    90% ≤ 完成率 < 100% → 8  | 5
                    < 90%               → 4  | 3
            part 完成 (10):
                bands 完成率:
                    ≥ 100% → 10
                    otherwise → 0
        """)
    result = verified(tmp_path, text)
    assert "error[E707]: moving 完成率 from 99.99% to 100% changes '产出'" in result.output, result.output
    assert "'完成与质量', '完成' all change at this boundary, more than any single row or item (10)" in result.output
