"""`rulecheck diff OLD NEW`: each kind of change in meaning word for word, the values of a band
table's subject whose points change, the departments whose scores change, git revisions, exit codes."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulecheck.cli import main
from rulecheck.diff import changed_numbers, pair_up
from rulecheck.source import Source
from rulecheck.syntax.parser import parse

BASE = """\
framework "小框架"
total 20
rounding 2 decimals half-up

grades:
    ≥ 18 → 优
    ≥ 12 → 良
    otherwise → 差

inputs:
    满意度: percent from 0% to 100% "满意度调查结果"
    未完成数: count from 0
    已完成: count from 0
    计划数: count from 1
    有制度: bool
    有台账: bool
    公开情况: grade(按规定公开, 部分公开, 未公开)
    调整资金: amount from 0
    年初预算: amount above 0
    评分: score from 0 to 2

let 调整率: percent = 调整资金 / 年初预算

# 管理
group 管理 (10):
    indicator 满意 (4):
        increasing in 满意度
        bands 满意度:
            ≥ 95% → 4
            90% ≤ 满意度 < 95% → 3
            < 90% → 1
    indicator 制度 (2):
        checklist:
            有制度 → 1
            有台账 → 1
    indicator 公开 (2):
        bands 公开情况:
            按规定公开 → 2
            部分公开 → 1
            未公开 → 0
    indicator 评定 (2):
        assessed 评分
group 绩效 (10):
    indicator 任务 (4):
        deduct 2 per 未完成数
        floor 0
    indicator 及时 (3):
        formula: min(已完成 / 计划数, 1) × 3
    indicator 调整 (3):
        part 调整规范 (2):
            deduct 0.1 per 1% of 调整率 above 10%
            floor 0
        part 台账规范 (1):
            checklist:
                有台账 → 1
"""

FACTS = {"满意度": "96%", "未完成数": 0, "已完成": 10, "计划数": 10, "有制度": True, "有台账": True,
         "公开情况": "按规定公开", "调整资金": 5, "年初预算": 100, "评分": 2}


def edit(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A temporary folder as the current folder, so that messages name files as old.rules, new.rules;
    git finds no repository but those the tests make (GIT_DIR and the like, set in a git hook, removed)."""
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith("GIT_")]:
        monkeypatch.delenv(name)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, ["diff", *map(str, args)])


def changes(here: Path, new: str, old: str = BASE) -> list[str]:
    """What `rulecheck diff old.rules new.rules` prints after its two header lines."""
    (here / "old.rules").write_text(old, encoding="utf-8")
    (here / "new.rules").write_text(new, encoding="utf-8")
    result = run("old.rules", "new.rules")
    assert result.exit_code in (0, 1), result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["--- old.rules", "+++ new.rules"]
    return lines[2:]


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def heading(title: str, text: str, file: str = "new.rules") -> str:
    """A section's first line: 'indicator 满意 (new.rules:27):', at the line the text declares it."""
    return f"{title} ({file}:{line_of(text, title + ' (')}):"


# ---- no change in meaning -----------------------------------------------------------------------------

def test_comments_layout_and_descriptions_are_no_change_in_meaning(here):
    new = edit(BASE, ("# 管理\n", "# 管理 (comment rewritten)\n"),
               ("    满意度: percent from 0% to 100% \"满意度调查结果\"", "    \"满意度\" ： percent from 0% to 100%"),
               ("formula: min(已完成 / 计划数, 1) × 3", "formula: (min(已完成/计划数,1))*3   # 及时率"),
               ("            ≥ 95% → 4", "            满意度 >= 95% -> 4"))
    assert changes(here, new) == ["no change in meaning"]


def test_no_change_exits_0(here):
    (here / "same.rules").write_text(BASE, encoding="utf-8")
    result = run("same.rules", "same.rules")
    assert result.exit_code == 0
    assert result.stdout == "--- same.rules\n+++ same.rules\nno change in meaning\n"


# ---- the header, grades, inputs, derived values -----------------------------------------------------

def test_total_rounding_name_and_grades(here):
    new = edit(BASE, ('framework "小框架"', 'framework "新框架"'), ("rounding 2 decimals half-up", "rounding 1 decimals half-even"),
               ("    ≥ 18 → 优\n", "    ≥ 19 → 特优\n    ≥ 17 → 优\n"), ("    ≥ 12 → 良\n", ""))
    assert changes(here, new) == [
        "framework:",
        '    name "小框架" → "新框架"',
        "    rounding 2 decimals half-up → 1 decimal half-even",
        "    grade added: ≥ 19 → 特优",
        "    grade 优: threshold 18 → 17",
        "    grade removed: ≥ 12 → 良",
        "    total score in [12, 17): 良 → 差",  # the totals whose grade changes, as the totals rise
        "    total score in [17, 18): 良 → 优",
        "    total score in [19, 20]: 优 → 特优",
    ]


def test_a_grade_renamed_and_moved(here):
    new = edit(BASE, ("    ≥ 12 → 良\n", "    ≥ 15 → 中\n"))
    assert changes(here, new) == ["framework:", "    grade 中: renamed from 良; threshold 12 → 15",
                                  "    total score in [12, 15): 良 → 差", "    total score in [15, 18): 良 → 中"]


def test_a_missing_rounding_line_means_2_decimals_half_up(here):
    new = edit(BASE, ("rounding 2 decimals half-up\n", ""))
    assert changes(here, new) == ["no change in meaning"]


def test_inputs_added_removed_retyped_and_new_domains(here):
    new = edit(BASE, ("    满意度: percent from 0% to 100% \"满意度调查结果\"", "    满意度: percent from 50% to 100%"),
               ("    有制度: bool\n", ""), ("有制度 → 1", "新制度 ≥ 1 → 1"),
               ("    调整资金: amount from 0\n", "    调整资金: number from 0\n    新制度: count from 0\n"),
               ("公开情况: grade(按规定公开, 部分公开, 未公开)", "公开情况: grade(按规定公开, 部分公开, 未公开, 不适用)"),
               ("            未公开 → 0", "            未公开 → 0\n            不适用 → 2"))
    lines = changes(here, new)
    assert lines[:6] == [
        "inputs:",
        "    removed: 有制度: bool",
        "    满意度: percent from 0% to 100%  →  满意度: percent from 50% to 100%",
        "    公开情况: grade(按规定公开, 部分公开, 未公开)  →  公开情况: grade(按规定公开, 部分公开, 未公开, 不适用)",
        "    调整资金: amount from 0  →  调整资金: number from 0",
        "    added: 新制度: count from 0",
    ]
    assert "    item 1: condition 有制度 → 新制度 ≥ 1" in lines
    assert "    band 4 added: 不适用 → 2" in lines


def test_derived_values_changed_added_removed(here):
    new = edit(BASE, ("let 调整率: percent = 调整资金 / 年初预算", ("let 调整率: percent = 调整资金 / (年初预算 + 1)\n"
                      "let 比率 = 已完成 / 计划数")),
               ("formula: min(已完成 / 计划数, 1) × 3", "formula: min(比率, 1) × 3"))
    lines = changes(here, new)
    assert lines[:3] == [
        "derived values:",
        "    let 调整率: percent = 调整资金 / 年初预算  →  let 调整率: percent = 调整资金 / (年初预算 + 1)",
        "    added: let 比率 = 已完成 / 计划数",
    ]
    assert lines[3:] == [f"indicator 及时 (new.rules:{line_of(new, 'indicator 及时')}):",
                         "    formula: min(已完成 ÷ 计划数, 1) × 3 → min(比率, 1) × 3"]
    assert changes(here, BASE, old=new)[1] == "    removed: let 比率 = 已完成 / 计划数"


# ---- the tree -------------------------------------------------------------------------------------------

def test_an_indicator_added_and_one_removed_where_they_stand(here):
    new = edit(BASE, ("    indicator 评定 (2):\n        assessed 评分\n", ("    indicator 台账 (2):\n        checklist:\n"
                      "            有台账 → 2\n")))
    assert changes(here, new) == [
        heading("indicator 评定", BASE, "old.rules"),
        "    removed from group 管理:",
        "        indicator 评定 (2):",
        "            assessed 评分",
        heading("indicator 台账", new),
        "    added under group 管理:",
        "        indicator 台账 (2):",
        "            checklist:",
        "                有台账 → 2",
    ]


def test_a_group_added_shows_its_indicators_once(here):
    new = edit(BASE, ("total 20", "total 22"), ("group 绩效 (10):", ("group 新组 (2):\n    indicator 新 (2):\n"
                                                 "        assessed 评分\ngroup 绩效 (10):")),
               ("    indicator 评定 (2):\n        assessed 评分\n", ("    indicator 评定 (2):\n        checklist:\n"
                "            有台账 → 2\n")))
    lines = changes(here, new)
    assert "framework:" in lines and "    total 20 → 22" in lines
    start = lines.index(f"group 新组 (new.rules:{line_of(new, 'group 新组')}):")
    assert lines[start:start + 5] == [
        lines[start], "    added under the top level:", "        group 新组 (2):", "            indicator 新 (2):",
        "                assessed 评分"]
    assert not any(line.startswith("indicator 新 ") for line in lines)


def test_renamed_when_the_rule_is_identical(here):
    new = edit(BASE, ("indicator 制度 (2):", "indicator 制度建设 (2):"))
    assert changes(here, new) == [f"indicator 制度建设 (new.rules:{line_of(new, '制度建设')}):",
                                  "    renamed from 制度"]


def test_a_renamed_rule_that_also_changed_is_removed_and_added(here):
    new = edit(BASE, ("indicator 制度 (2):\n        checklist:\n            有制度 → 1",
                      "indicator 制度建设 (2):\n        checklist:\n            有制度 → 1.5"),
               ("            有台账 → 1\n    indicator 公开", "            有台账 → 0.5\n    indicator 公开"))
    lines = changes(here, new)
    assert [line for line in lines if not line.startswith("  ")] == [
        heading("indicator 制度", BASE, "old.rules"), f"indicator 制度建设 (new.rules:{line_of(new, '制度建设')}):"]
    assert lines[1] == "    removed from group 管理:" and lines[7] == "    added under group 管理:"


def test_moved_to_another_group_and_points(here):
    new = edit(BASE, ("group 管理 (10):", "group 管理 (8):"), ("group 绩效 (10):", "group 绩效 (12):"),
               ("    indicator 评定 (2):\n        assessed 评分\n", ""),
               ("    indicator 任务 (4):", "    indicator 评定 (2):\n        assessed 评分\n    indicator 任务 (4):"))
    assert changes(here, new) == [
        heading("group 管理", new), "    points 10 → 8",
        heading("group 绩效", new), "    points 10 → 12",
        heading("indicator 评定", new), "    moved from group 管理",
    ]


def test_order_of_indicators(here):
    new = edit(BASE, ("    indicator 评定 (2):\n        assessed 评分\n", ""),
               ("    indicator 满意 (4):", "    indicator 评定 (2):\n        assessed 评分\n    indicator 满意 (4):"))
    assert changes(here, new) == [heading("group 管理", new), "    order: 满意, 制度, 公开, 评定 → 评定, 满意, 制度, 公开"]


def test_points_and_directions(here):
    new = edit(BASE, ("indicator 满意 (4):\n        increasing in 满意度", "indicator 满意 (4):"),
               ("    indicator 任务 (4):", "    indicator 任务 (4):\n        decreasing in 未完成数"))
    assert changes(here, new) == [
        heading("indicator 满意", new), "    direction removed: increasing in 满意度",
        heading("indicator 任务", new), "    direction added: decreasing in 未完成数",
    ]


# ---- scoring rules --------------------------------------------------------------------------------------

def test_band_thresholds_and_the_values_whose_points_change(here):
    new = edit(BASE, ("≥ 95% → 4", "≥ 90% → 4"), ("90% ≤ 满意度 < 95% → 3", "85% ≤ 满意度 < 90% → 3"),
               ("< 90% → 1", "< 85% → 1"))
    assert changes(here, new) == [
        heading("indicator 满意", new),
        "    band 1: threshold 95% → 90%",
        "    band 2: thresholds 90% → 85%, 95% → 90%",
        "    band 3: threshold 90% → 85%",
        "    满意度 in [85%, 90%): 1 → 3",
        "    满意度 in [90%, 95%): 3 → 4",
    ]


def test_band_points_rows_added_and_removed(here):
    new = edit(BASE, ("≥ 95% → 4", "≥ 95% → 4\n            92% ≤ 满意度 < 95% → 3.5"),
               ("90% ≤ 满意度 < 95% → 3", "90% ≤ 满意度 < 92% → 3"), ("< 90% → 1", "< 90% → 0"))
    assert changes(here, new) == [
        heading("indicator 满意", new),
        "    band 2 added: 92% ≤ 满意度 < 95% → 3.5",
        "    band 3 (was 2): threshold 95% → 92%",
        "    band 4 (was 3): points 1 → 0",
        "    满意度 in [0%, 90%): 1 → 0",
        "    满意度 in [92%, 95%): 3 → 3.5",
    ]
    back = changes(here, BASE, old=new)
    assert back[1:3] == ["    band 2 removed: 92% ≤ 满意度 < 95% → 3.5", "    band 2 (was 3): threshold 92% → 95%"]


def test_a_row_whose_condition_changes_shape(here):
    new = edit(BASE, ("90% ≤ 满意度 < 95% → 3", "90% < 满意度 < 95% → 3"), ("< 90% → 1", "≤ 90% → 1"))
    assert changes(here, new) == [
        heading("indicator 满意", new),
        "    band 2: condition 90% ≤ 满意度 < 95% → 90% < 满意度 < 95%",
        "    band 3: condition < 90% → ≤ 90%",
        "    满意度 = 90%: 3 → 1",
    ]


def test_grade_band_tables_name_the_values_whose_points_change(here):
    new = edit(BASE, ("            部分公开 → 1\n            未公开 → 0", "            部分公开 → 0.5\n            未公开 → 0"))
    assert changes(here, new)[1:] == ["    band 2: points 1 → 0.5", "    公开情况 = 部分公开: 1 → 0.5"]


def test_a_count_subject_shows_whole_numbers(here):
    old = edit(BASE, ("        deduct 2 per 未完成数\n        floor 0", ("        bands 未完成数:\n            = 0 → 4\n"
                      "            1 ≤ 未完成数 ≤ 2 → 2\n            otherwise → 0")))
    new = edit(old, ("≤ 2 → 2", "≤ 3 → 2"))
    assert changes(here, new, old=old)[1:] == ["    band 2: threshold 2 → 3", "    未完成数 = 3: 0 → 2"]
    wider = edit(old, ("≤ 2 → 2", "≤ 5 → 2"))
    assert changes(here, wider, old=old)[-1] == "    未完成数 in [3, 5]: 0 → 2"


def test_a_derived_subject_is_shown_as_its_kind(here):
    old = edit(BASE, ("            deduct 0.1 per 1% of 调整率 above 10%\n            floor 0",
                      "            bands 调整率:\n                ≤ 10% → 2\n                otherwise → 0"))
    new = edit(old, ("≤ 10% → 2", "≤ 12.5% → 2"))
    assert changes(here, new, old=old)[1:] == ["    part 调整规范: band 1: threshold 10% → 12.5%",
                                               "    调整率 in (10%, 12.5%]: 0 → 2"]


def test_formula_assessed_and_rule_kind(here):
    new = edit(BASE, ("formula: min(已完成 / 计划数, 1) × 3", "formula: min(已完成 / 计划数 × 3, 3)"),
               ("    评分: score from 0 to 2\n", "    评分: score from 0 to 2\n    复评: score from 0 to 2\n"),
               ("        assessed 评分", "        assessed 复评"),
               ("        checklist:\n            有制度 → 1\n            有台账 → 1",
                "        formula: min(已完成 / 计划数, 1) × 2"))
    assert changes(here, new) == [
        "inputs:", "    added: 复评: score from 0 to 2",
        heading("indicator 制度", new), "    now scored by a formula (was a checklist):",
        "        formula: min(已完成 / 计划数, 1) × 2",
        heading("indicator 评定", new), "    assessed score: 评分 → 复评",
        heading("indicator 及时", new), "    formula: min(已完成 ÷ 计划数, 1) × 3 → min(已完成 ÷ 计划数 × 3, 3)",
    ]


def test_checklist_items_added_removed_and_points(here):
    new = edit(BASE, ("            有制度 → 1\n            有台账 → 1\n", ("            有制度 → 0.5\n            有台账 → 1\n"
                      "            未完成数 = 0 → 0.5\n")), ("                有台账 → 1\n", "                有制度 → 1\n"))
    assert changes(here, new) == [
        heading("indicator 制度", new),
        "    item 有制度: points 1 → 0.5",
        "    item added: 未完成数 = 0 → 0.5",
        f"indicator 调整 (new.rules:{line_of(new, 'indicator 调整')}):",
        "    part 台账规范: item 1: condition 有台账 → 有制度",
    ]
    removed = edit(BASE, ("            有制度 → 1\n            有台账 → 1\n", "            有台账 → 2\n"))
    assert changes(here, removed)[1:] == ["    item removed: 有制度 → 1", "    item 有台账: points 1 → 2"]


def test_deductions_amount_unit_threshold_and_floor(here):
    new = edit(BASE, ("deduct 2 per 未完成数\n        floor 0", "deduct 3 per 未完成数\n        floor 1"),
               ("deduct 0.1 per 1% of 调整率 above 10%", "deduct 0.2 per 2% of 调整率 above 8%"))
    assert changes(here, new) == [
        heading("indicator 任务", new),
        "    deduct per 未完成数: amount 2 → 3",
        "    floor 0 → 1",
        heading("indicator 调整", new),
        "    part 调整规范: deduct per 调整率: amount 0.1 → 0.2; unit 1% → 2%; threshold above 10% → above 8%",
    ]


def test_deductions_added_and_removed_and_a_default_floor(here):
    new = edit(BASE, ("deduct 2 per 未完成数\n        floor 0", "deduct 2 per 未完成数\n        deduct 1 per 已完成"))
    assert changes(here, new)[1:] == ["    added: deduct 1 per 已完成"]
    assert changes(here, BASE, old=new)[1:] == ["    removed: deduct 1 per 已完成"]


def test_parts_added_removed_and_points(here):
    new = edit(BASE, ("        part 调整规范 (2):", "        part 调整规范 (1.5):"),
               ("        part 台账规范 (1):\n            checklist:\n                有台账 → 1\n",
                ("        part 台账规范 (1):\n            checklist:\n                有台账 → 1\n"
                "        part 评定规范 (0.5):\n            formula: 0.5\n")))
    assert changes(here, new)[1:] == ["    part 调整规范: points 2 → 1.5", "    part 评定规范 added (0.5):",
                                      "        formula: 0.5"]


def test_a_part_renamed_and_its_rule_changed(here):
    new = edit(BASE, ("        part 台账规范 (1):", "        part 台账管理 (1):"),
               ("                有台账 → 1\n", "                有制度 → 1\n"))
    assert changes(here, new)[1:] == ["    part 台账管理: renamed from 台账规范",
                                      "    part 台账管理: item 1: condition 有台账 → 有制度"]


def test_an_indicator_scored_by_parts_instead(here):
    new = edit(BASE, ("        formula: min(已完成 / 计划数, 1) × 3", ("        part 完成 (3):\n"
                      "            formula: min(已完成 / 计划数, 1) × 3")))
    assert changes(here, new)[1:] == ["    now scored by parts:", "        part 完成 (3):",
                                      "            formula: min(已完成 / 计划数, 1) × 3"]


# ---- the pieces ---------------------------------------------------------------------------------------

def expr(text: str):
    program, _ = parse(Source("x.rules", f"let x = {text}\n"))
    return program.lets[0].expr


def test_changed_numbers_pairs_the_numbers_of_two_expressions_of_one_shape():
    moved = changed_numbers(expr("90% ≤ a < 95%"), expr("85% ≤ a < 90%"))
    assert [(a.value, b.value) for a, b in moved] == [(Decimal("0.90"), Decimal("0.85")),
                                                       (Decimal("0.95"), Decimal("0.90"))]
    assert changed_numbers(expr("a ≥ 1"), expr("a > 1")) is None
    assert changed_numbers(expr("a ≥ 1"), expr("b ≥ 1")) is None
    assert changed_numbers(expr("min(a, 1)"), expr("min(a, 1, 2)")) is None
    assert changed_numbers(expr("a × 6"), expr("a × 6")) == []


def test_pair_up_matches_equal_rows_then_keys_then_positions():
    assert pair_up("abcd", "abxd", key=str) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert pair_up([("≥95", 6), ("≥90", 4), ("<90", 1)], [("≥90", 6), ("<90", 1)], key=lambda r: r[1]) == \
        [(0, 0), (1, None), (2, 1)]
    assert pair_up(["a"], ["b", "c"], key=str) == [(0, None), (None, 0), (None, 1)]


# ---- errors -----------------------------------------------------------------------------------------------

def test_a_version_with_errors_is_reported_and_exits_2(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(edit(BASE, ("bands 满意度:", "bands 满意率:")), encoding="utf-8")
    result = run("old.rules", "new.rules")
    assert result.exit_code == 2
    assert result.stdout == ""
    line = line_of(BASE, "bands 满意度:")
    assert result.stderr.startswith(f"new.rules:{line}:15: error[E201]: unknown name '满意率'")
    assert result.stderr.endswith("cannot compare: fix what 'rulecheck check' reports first\n")


def test_a_missing_file_exits_2(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    result = run("old.rules", "nowhere.rules")
    assert result.exit_code == 2
    assert "nowhere.rules: error[E001]: cannot read the rule file: No such file or directory" in result.stderr


# ---- the impact --------------------------------------------------------------------------------------------

def write_departments(folder: Path, rows: dict) -> Path:
    """A CSV of departments: BASE's facts with each row's changes."""
    path = folder / "departments.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", *FACTS])
        for key, changed in rows.items():
            facts = {**FACTS, **changed}
            writer.writerow([key, *(("是" if v else "否") if isinstance(v, bool) else v for v in facts.values())])
    return path


MOVED = edit(BASE, ("≥ 95% → 4", "≥ 90% → 4"), ("90% ≤ 满意度 < 95% → 3", "85% ≤ 满意度 < 90% → 3"),
             ("< 90% → 1", "< 85% → 1"))


def test_departments_whose_scores_change(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(MOVED, encoding="utf-8")
    write_departments(here, {"A": {"满意度": "96%"}, "B": {"满意度": "92%"}, "C": {"满意度": "87%", "未完成数": 1},
                             "D": {"满意度": "80%"}, "E": {"满意度": "93%", "有制度": False}})
    result = run("old.rules", "new.rules", "--facts", "departments.csv")
    assert result.exit_code == 1, result.output
    assert result.stdout.split("\n\n")[1].splitlines() == [
        "B (departments.csv:3): 19.00 → 20.00 (+1.00)",
        "    满意: 3.00 → 4.00",
        "C (departments.csv:4): 15.00 → 17.00 (+2.00)",
        "    满意: 1.00 → 3.00",
        "E (departments.csv:6): 18.00 → 19.00 (+1.00)",
        "    满意: 3.00 → 4.00",
        "3 of 5 departments change (departments.csv)",
    ]


def test_a_grade_that_changes_is_named(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(MOVED, encoding="utf-8")
    write_departments(here, {"E": {"满意度": "93%", "有制度": False, "评分": "1"}})
    result = run("old.rules", "new.rules", "--facts", "departments.csv")
    assert result.stdout.splitlines()[-3:] == ["E (departments.csv:2): 17.00 → 18.00 (+1.00), grade 良 → 优",
                                               "    满意: 3.00 → 4.00", "1 of 1 department change (departments.csv)"]


def test_a_change_no_department_shows_still_exits_1_and_says_so(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(MOVED, encoding="utf-8")
    write_departments(here, {"A": {"满意度": "96%"}, "D": {"满意度": "70%"}})
    result = run("old.rules", "new.rules", "--facts", "departments.csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-3:] == [
        "0 of 2 departments change (departments.csv)",
        "the scores of 满意度 in [85%, 90%) change (1 → 3), though no department of the corpus has such a value",
        "the scores of 满意度 in [90%, 95%) change (3 → 4), though no department of the corpus has such a value"]
    assert run("old.rules", "new.rules", "--facts", "departments.csv", "--allow-changes").exit_code == 0
    assert run("old.rules", "new.rules").exit_code == 1  # no departments: the change itself needs review


def test_allow_changes_exits_0(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(MOVED, encoding="utf-8")
    write_departments(here, {"B": {"满意度": "92%"}})
    result = run("old.rules", "new.rules", "--facts", "departments.csv", "--allow-changes")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "1 of 1 department change (departments.csv)"


def test_departments_one_version_cannot_score_are_listed_with_the_reason(here):
    new = edit(BASE, ("    评分: score from 0 to 2\n", "    评分: score from 0 to 2\n    复评: score from 0 to 2\n"),
               ("        assessed 评分", "        assessed 复评"))
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(new, encoding="utf-8")
    write_departments(here, {"A": {}, "X": {"满意度": "abc"}})
    result = run("old.rules", "new.rules", "--facts", "departments.csv")
    assert result.exit_code == 1
    impact = result.stdout.split("\n\n")[1].splitlines()
    assert impact[0] == "A (departments.csv:2): 20.00 with the old version; the new version cannot score it:"
    assert impact[1].startswith("    departments.csv:2: error[F501]: missing fact '复评', needed by '评定'")
    assert impact[2].startswith("      = hint: add '复评: 2'")
    x = impact.index("X (departments.csv:3): cannot be scored by either version:")
    assert "error[F502]: fact '满意度': expected a percentage, got 'abc'" in impact[x + 1]
    assert impact[-1] == "1 of 2 departments change; 1 cannot be scored by either version (departments.csv)"


def test_a_fact_only_the_old_version_declares_is_no_error_for_the_new_one(here):
    new = edit(BASE, ("    有制度: bool\n", ""),
               ("            有制度 → 1\n            有台账 → 1\n", "            有台账 → 1\n            未完成数 = 0 → 1\n"))
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(new, encoding="utf-8")
    write_departments(here, {"A": {}, "B": {"有制度": False}})
    result = run("old.rules", "new.rules", "--facts", "departments.csv")
    assert result.stdout.splitlines()[-3:] == ["B (departments.csv:3): 19.00 → 20.00 (+1.00)", "    制度: 1.00 → 2.00",
                                               "1 of 2 departments change (departments.csv)"]


def test_facts_from_a_folder_and_a_single_file(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(MOVED, encoding="utf-8")
    (here / "facts").mkdir()
    for key, value in {"a": "92%", "b": "99%"}.items():
        (here / "facts" / f"{key}.yaml").write_text(
            "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in {**FACTS, "满意度": value}.items()),
            encoding="utf-8")
    result = run("old.rules", "new.rules", "--facts", "facts", "--facts", "facts/a.yaml")
    assert result.stdout.splitlines()[-5:] == [
        f"a ({Path('facts/a.yaml')}): 19.00 → 20.00 (+1.00)", "    满意: 3.00 → 4.00",
        f"a ({Path('facts/a.yaml')}): 19.00 → 20.00 (+1.00)", "    满意: 3.00 → 4.00",
        "2 of 3 departments change (facts, facts/a.yaml)"]



def test_a_facts_file_named_twice_is_compared_once(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(MOVED, encoding="utf-8")
    (here / "a.yaml").write_text(
        "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in {**FACTS, "满意度": "92%"}.items()),
        encoding="utf-8")
    result = run("old.rules", "new.rules", "--facts", "a.yaml", "--facts", "./a.yaml")
    assert result.stdout.splitlines()[-3:] == [
        "a (a.yaml): 19.00 → 20.00 (+1.00)", "    满意: 3.00 → 4.00", "1 of 1 department change (a.yaml)"]

def test_the_cases_beside_the_new_version(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(MOVED, encoding="utf-8")
    (here / "cases").mkdir()
    (here / "cases" / "satisfaction.case.yaml").write_text(
        f"base: {json.dumps(FACTS, ensure_ascii=False)}\n"
        "cases:\n"
        "  - name: 满意度 92%\n    facts: {满意度: \"92%\"}\n    expect: {满意: 3}\n"
        "  - name: 满意度 99%\n    facts: {满意度: \"99%\"}\n    expect: {满意: 4}\n", encoding="utf-8")
    result = run("old.rules", "new.rules", "--cases")
    assert result.exit_code == 1
    impact = result.stdout.split("\n\n")[1].splitlines()
    assert impact == [f"满意度 92% ({Path('cases/satisfaction.case.yaml')}:3): 19.00 → 20.00 (+1.00)",
                      "    满意: 3.00 → 4.00", f"1 of 2 departments change ({Path('cases')})"]
    # a case file that cannot be read would leave its cases out of the comparison: nothing is compared
    (here / "cases" / "broken.case.yaml").write_text("cases: [\n", encoding="utf-8")
    result = run("old.rules", "new.rules", "--cases")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[0].startswith(f"{Path('cases/broken.case.yaml')}:2:1: error[C801]: not valid YAML")
    assert result.stderr.splitlines()[-2:] == [
        f"{Path('cases')}: error[E020]: 1 of 3 departments cannot be read (listed above): no department is compared",
        "  = hint: fix each one at the line shown and run the diff again: a department left out of the comparison "
        "would hide how the edit moves its scores"]


def test_no_cases_beside_the_new_version_exits_2(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(MOVED, encoding="utf-8")
    result = run("old.rules", "new.rules", "--cases")
    assert result.exit_code == 2
    assert result.stderr == f"no case files (*.case.yaml) in {Path('cases')}, the folder beside new.rules where " \
        "--cases looks\n"


def test_a_department_file_that_extends_a_leaf(here):
    (here / "base.rules").write_text(BASE, encoding="utf-8")
    department = ('import "base.rules"\n\nextend 评定:\n    indicator 评定一 (1):\n        checklist:\n'
                  '            有制度 → 1\n    indicator 评定二 (1):\n        checklist:\n            有台账 → 1\n')
    (here / "dept.rules").write_text(department, encoding="utf-8")
    result = run("base.rules", "dept.rules")
    assert result.stdout.splitlines()[2:] == [
        f"group 评定 (dept.rules:{line_of(department, 'extend 评定')}):", "    was an indicator, now a group of 2",
        heading("indicator 评定一", department, "dept.rules"), "    added under group 评定:",
        "        indicator 评定一 (1):", "            checklist:", "                有制度 → 1",
        heading("indicator 评定二", department, "dept.rules"), "    added under group 评定:",
        "        indicator 评定二 (1):", "            checklist:", "                有台账 → 1",
    ]


def test_json_format(here):
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(MOVED, encoding="utf-8")
    write_departments(here, {"B": {"满意度": "92%"}, "D": {"满意度": "70%"}})
    result = run("old.rules", "new.rules", "--facts", "departments.csv", "--format", "json")
    data = json.loads(result.stdout)
    assert data["old"] == "old.rules" and data["new"] == "new.rules"
    (section,) = data["changes"]
    assert section["title"] == "indicator 满意" and section["file"] == "new.rules"
    assert section["line"] == line_of(MOVED, "indicator 满意")
    assert section["changes"][0] == "band 1: threshold 95% → 90%"
    assert section["intervals"] == [{"subject": "满意度", "values": "in [85%, 90%)", "old": "1", "new": "3"},
                                    {"subject": "满意度", "values": "in [90%, 95%)", "old": "3", "new": "4"}]
    assert data["departments"]["count"] == 2
    assert data["departments"]["changed"] == [{
        "key": "B", "where": "departments.csv:2", "old": {"total": "19.00", "grade": "优"},
        "new": {"total": "20.00", "grade": "优"}, "delta": "1.00",
        "indicators": [{"name": "满意", "old": "3.00", "new": "4.00"}]}]
    assert result.exit_code == 1


# ---- git revisions ------------------------------------------------------------------------------------------

def git(folder: Path, *args) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                           *args], cwd=folder,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repository(here):
    """A git repository with two commits: rules/base.rules as BASE, then with the 满意度 bands moved;
    rules/dept.rules imports it, and does not change."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to test revisions")
    git(here, "init", "-q")
    (here / "rules").mkdir()
    (here / "rules" / "base.rules").write_text(BASE, encoding="utf-8")
    (here / "rules" / "dept").mkdir()
    (here / "rules" / "dept" / "dept.rules").write_text('import "../base.rules"\n', encoding="utf-8")
    git(here, "add", ".")
    git(here, "commit", "-q", "-m", "first")
    (here / "rules" / "base.rules").write_text(MOVED, encoding="utf-8")
    git(here, "commit", "-q", "-a", "-m", "second")
    return here


def test_a_file_at_a_git_revision(repository):
    result = run("HEAD~1:rules/base.rules", "rules/base.rules")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[:4] == ["--- HEAD~1:rules/base.rules", "+++ rules/base.rules",
                                              heading("indicator 满意", MOVED, "rules/base.rules"),
                                              "    band 1: threshold 95% → 90%"]


def test_imports_are_read_at_the_same_revision(repository):
    result = run("HEAD~1:rules/dept/dept.rules", "HEAD:rules/dept/dept.rules")
    assert result.stdout.splitlines()[:4] == ["--- HEAD~1:rules/dept/dept.rules", "+++ HEAD:rules/dept/dept.rules",
                                              heading("indicator 满意", MOVED, "HEAD:rules/base.rules"),
                                              "    band 1: threshold 95% → 90%"]
    assert run("HEAD~1:rules/dept/dept.rules", "HEAD~1:rules/dept/dept.rules").stdout.endswith(
        "no change in meaning\n")


def test_an_import_outside_the_repository_is_refused(here, monkeypatch):
    (here / "framework.rules").write_text(BASE, encoding="utf-8")
    (here / "repo").mkdir()
    git(here / "repo", "init", "-q")
    (here / "repo" / "dept.rules").write_text('import "../framework.rules"\n', encoding="utf-8")
    git(here / "repo", "add", ".")
    git(here / "repo", "commit", "-q", "-m", "first")
    monkeypatch.chdir(here / "repo")
    (here / "framework.rules").write_text(MOVED, encoding="utf-8")  # both versions import this one
    result = run("HEAD:dept.rules", "dept.rules")
    # imports stay inside the project root (docs/language.md#import-and-extend), at a revision too
    assert result.exit_code == 2, result.output
    assert [line.split(": error[")[0] for line in result.stderr.splitlines() if "error[E005]" in line] == [
        "HEAD:dept.rules:1:1", "dept.rules:1:1"]


def test_a_path_relative_to_the_current_folder(repository, monkeypatch):
    monkeypatch.chdir(repository / "rules")
    result = run("HEAD~1:./base.rules", "base.rules")
    assert result.stdout.splitlines()[0] == "--- HEAD~1:./base.rules"
    assert result.stdout.splitlines()[3] == "    band 1: threshold 95% → 90%"


def test_an_unknown_revision_is_a_clear_error(repository):
    result = run("HEAD~5:rules/base.rules", "rules/base.rules")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[:2] == [
        "HEAD~5:rules/base.rules: error[E004]: unknown revision 'HEAD~5': git knows no such commit, branch or tag",
        ("  = hint: name a commit git knows: HEAD, HEAD~1, a branch, a tag or a commit hash ('git log --oneline' "
        "lists them)")]


def test_a_path_missing_from_the_revision_is_a_clear_error(repository):
    result = run("HEAD~1:rules/nothere.rules", "rules/base.rules")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "HEAD~1:rules/nothere.rules: error[E004]: there is no file 'rules/nothere.rules' in revision HEAD~1\n"
        f"  = hint: the path after ':' is relative to the repository's top folder ({repository.resolve()})")


def test_a_path_the_current_folder_holds_is_suggested(repository, monkeypatch):
    monkeypatch.chdir(repository / "rules")
    result = run("HEAD~1:base.rules", "base.rules")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == (
        f"  = hint: did you mean HEAD~1:./base.rules? the path after ':' is relative to the repository's top "
        f"folder ({repository.resolve()})")


def test_a_revision_outside_a_repository(here):
    (here / "new.rules").write_text(BASE, encoding="utf-8")
    result = run("HEAD:new.rules", "new.rules")
    assert result.exit_code == 2
    assert "error[E004]: 'HEAD:new.rules' is not a file, and the current folder is not in a git repository" \
        in result.stderr


# ---- the shipped framework: the acceptance case -----------------------------------------------------

def test_the_shipped_framework_with_the_satisfaction_bands_moved(root, tmp_path):
    framework = (root / "rules" / "shenzhen" / "framework.rules").read_text(encoding="utf-8")
    moved = edit(framework, (("                ≥ 95% → 6\n                90% ≤ 满意度 < 95% → 4\n"
                             "                80% ≤ 满意度 < 90% → 2\n"),
                             ("                ≥ 90% → 6\n                85% ≤ 满意度 < 90% → 4\n"
                             "                80% ≤ 满意度 < 85% → 2\n")))
    (tmp_path / "moved.rules").write_text(moved, encoding="utf-8")
    corpus = root / "rules" / "shenzhen" / "cases" / "corpus-2024.csv"
    assert CliRunner().invoke(main, ["check", str(tmp_path / "moved.rules")]).exit_code == 0
    result = CliRunner().invoke(main, ["diff", str(root / "rules" / "shenzhen" / "framework.rules"),
                                       str(tmp_path / "moved.rules"), "--facts", str(corpus)])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[3:8] == ["    band 1: threshold 95% → 90%", "    band 2: thresholds 90% → 85%, 95% → 90%",
                          "    band 3: threshold 90% → 85%", "    满意度 in [85%, 90%): 2 → 4",
                          "    满意度 in [90%, 95%): 4 → 6"]
    with corpus.open(encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    inside = {row["id"] for row in rows if Decimal(85) <= Decimal(row["满意度"].rstrip("%")) < Decimal(95)}
    listed = {line.split(" (")[0] for line in lines if f" ({corpus}:" in line}
    assert len(rows) >= 50 and inside
    assert listed == inside
    assert lines[-1] == f"{len(inside)} of {len(rows)} departments change ({corpus})"


def test_a_file_too_large_at_a_revision_is_refused_before_it_is_read(repository, monkeypatch):
    from rulecheck.diff import versions
    monkeypatch.setattr(versions, "MAX_BYTES", 100)  # BASE is larger; dept.rules (an import) is not
    result = run("HEAD~1:rules/base.rules", "rules/base.rules")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.startswith(
        "HEAD~1:rules/base.rules: error[E001]: cannot read the rule file: it is larger than")
    imported = run("HEAD~1:rules/dept/dept.rules", "rules/dept/dept.rules")
    assert imported.exit_code == 2 and "Traceback" not in imported.output
    assert "HEAD~1:rules/dept/dept.rules:1:1: error[E007]: cannot import '../base.rules': it is larger" in imported.stderr
