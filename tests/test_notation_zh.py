"""Rules written the way Chinese documents write them (issue 12, point 8): points with the unit 分,
且 / 或 / 非, the full-width signs ＞ ＜ ≧ ≦ ＝ －, and ranges 80%–90%. Each means what the standard
spelling means: the same syntax tree, the same scores, the same findings; `fmt` writes the standard
spelling back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.source import Source
from rulecheck.syntax.layout import layout
from rulecheck.syntax.parser import parse

STANDARD = """\
framework "记法"
total 20
rounding 2 decimals half-up

grades:
    ≥ 18 → 优
    > 12 → 良
    otherwise → 差

inputs:
    满意度: percent from 0% to 100%
    有检查监控: bool
    有证明材料: bool
    未完成重点工作数: count from 0 to 10
    预算执行率: percent from 0% to 100%

indicator 满意度得分 (6):
    bands 满意度:
        ≥ 95% → 6
        90% ≤ 满意度 < 95% → 4
        80% ≤ 满意度 < 90% → 2
        < 80% → 0

indicator 监督检查 (4):
    checklist:
        有检查监控 and 有证明材料 → 1
        有检查监控 or not 有证明材料 → 3

indicator 重点工作 (6):
    deduct 2 per 未完成重点工作数
    floor 0

indicator 预算执行 (4):
    formula: min(预算执行率 × 4, 4 − 0)
"""

CHINESE = """\
framework "记法"
total 20分
rounding 2 decimals half-up

grades：
    ≧ 18分 → 优
    ＞ 12 → 良
    otherwise → 差

inputs：
    满意度： percent from 0％ to 100％
    有检查监控： bool
    有证明材料： bool
    未完成重点工作数： count from 0 to 10
    预算执行率： percent from 0％ to 100％

indicator 满意度得分 （6分）：
    bands 满意度：
        ≧ 95％ → 6分
        90％–95％ → 4 分
        80%～90% → 2分
        ＜ 80% → 0分

indicator 监督检查 (4分):
    checklist:
        有检查监控 且 有证明材料 → 1分
        有检查监控 或 非 有证明材料 → 3分

indicator 重点工作 (6分):
    deduct 2分 per 未完成重点工作数
    floor 0分

indicator 预算执行 (4分):
    formula： min（预算执行率 ＊ 4， 4 － 0）
"""


def tree(text: str):
    program, diagnostics = parse(Source("记法.rules", text))
    assert program is not None, [d.message for d in diagnostics]
    return program


def findings(text: str) -> list[tuple[str, str, str | None, tuple]]:
    analysis = rulecheck.analyze_text(text, "记法.rules")
    return [(d.code, d.message, d.hint, d.example) for d in analysis.diagnostics]


def test_a_file_written_the_chinese_way_has_the_tree_of_the_standard_spelling():
    assert tree(CHINESE) == tree(STANDARD)


def test_fmt_writes_the_standard_spelling_back():
    assert layout(CHINESE) == layout(STANDARD) == STANDARD


def test_both_spellings_score_the_same():
    facts = {"满意度": "90%", "有检查监控": True, "有证明材料": False, "未完成重点工作数": 1, "预算执行率": "80%"}
    chinese, standard = rulecheck.loads(CHINESE).evaluate(facts), rulecheck.loads(STANDARD).evaluate(facts)
    assert chinese.total == standard.total == Decimal("4") + 3 + 4 + Decimal("3.2")
    assert chinese.grade == standard.grade == "良"


@pytest.mark.parametrize(("written", "standard"), [
    ("≧ 95% → 6", "≥ 95% → 6"), ("⩾ 95% → 6", "≥ 95% → 6"), ("＞＝ 95% → 6", ">= 95% → 6"),
    ("＞ 95% → 6", "> 95% → 6"), ("≦ 95% → 6", "≤ 95% → 6"), ("⩽ 95% → 6", "≤ 95% → 6"),
    ("＜＝ 95% → 6", "<= 95% → 6"), ("＜ 95% → 6", "< 95% → 6"), ("＝ 95% → 6", "= 95% → 6"),
    ("＝＝ 95% → 6", "= 95% → 6"), ("！＝ 95% → 6", "≠ 95% → 6"),
    ("满意度 ＞ 90％ 且 满意度 ＜ 95％ → 6", "满意度 > 90% and 满意度 < 95% → 6"),
    ("满意度 ＜ 10% 或 非 满意度 ＞ 20% → 6", "满意度 < 10% or not 满意度 > 20% → 6"),
    ("满意度 × 2 ＋ 1% ／ 2 － 1% ≥ 1% → 6", "满意度 * 2 + 1% / 2 - 1% >= 1% → 6"),
    ("≥ 95% ＝＞ 6", "≥ 95% → 6"), ("≥ 95% －＞ 6", "≥ 95% -> 6"),
])
def test_each_full_width_sign_means_its_standard_sign(written, standard):
    def text(row):
        return ("total 6\ninputs:\n    满意度: percent from 0% to 100%\nindicator 甲 (6):\n    bands 满意度:\n"
                f"        {row}\n        otherwise → 0\n")
    assert tree(text(written)) == tree(text(standard))


@pytest.mark.parametrize("written", ["80%–90%", "80%-90%", "80%～90%", "80%~90%", "80%至90%", "80% — 90%",
                                     "80–90%", "80 - 90%"])
def test_a_range_is_its_lower_end_included_to_its_upper_end_excluded(written):
    def text(row):
        return ("total 6\ninputs:\n    满意度: percent from 0% to 100%\nindicator 甲 (6):\n    bands 满意度:\n"
                f"        {row} → 2\n        otherwise → 0\n")
    assert tree(text(written)) == tree(text("80% ≤ 满意度 < 90%"))
    rules = rulecheck.loads(text(written))
    scores = {at: rules.evaluate({"满意度": at})["甲"].score for at in ("79.99%", "80%", "89.99%", "90%")}
    assert scores == {"79.99%": 0, "80%": 2, "89.99%": 2, "90%": 0}


def test_a_range_of_scores_in_points():
    def text(row):
        return ("total 6\ninputs:\n    评分: score from 0 to 10\nindicator 甲 (6):\n    bands 评分:\n"
                f"        {row} → 2\n        otherwise → 0\n")
    assert tree(text("8分-9分")) == tree(text("8 ≤ 评分 < 9")) == tree(text("8-9分"))


def test_ranges_that_leave_a_gap_get_the_finding_of_the_comparisons_they_stand_for():
    def text(rows):
        return ("framework \"记法\"\ntotal 6\nrounding 2 decimals half-up\ninputs:\n"
                "    满意度: percent from 0% to 100%\nindicator 甲 (6):\n    bands 满意度:\n"
                + "".join(f"        {row}\n" for row in rows))
    ranges = findings(text(["90%–100% → 6", "80%–90% → 4", "0%–80% → 0"]))
    standard = findings(text(["90% ≤ 满意度 < 100% → 6", "80% ≤ 满意度 < 90% → 4", "0% ≤ 满意度 < 80% → 0"]))
    assert ranges == standard
    assert [code for code, *__ in ranges] == ["E701"]  # the top row excludes 100%: no row covers it
    assert "100%" in ranges[0][1]


def test_an_overlap_between_ranges_is_found_as_between_comparisons():
    def text(rows):
        return ("framework \"记法\"\ntotal 6\nrounding 2 decimals half-up\ninputs:\n"
                "    满意度: percent from 0% to 100%\nindicator 甲 (6):\n    bands 满意度:\n"
                + "".join(f"        {row}\n" for row in rows) + "        otherwise → 0\n")
    ranges = findings(text(["80%–95% → 4", "90%–95% → 2"]))
    assert ranges == findings(text(["80% ≤ 满意度 < 95% → 4", "90% ≤ 满意度 < 95% → 2"]))
    assert "E703" in [code for code, *__ in ranges]


def test_a_points_unit_is_only_a_unit_not_a_name():
    text = ("total 6\ninputs:\n    分: number from 0 to 6\n    分数: number from 0 to 6\n"
            "indicator 甲 (6):\n    formula: min(分, 分数, 6)\n")
    formula = tree(text).nodes[0].rule
    assert [arg.name for arg in formula.expr.args[:2]] == ["分", "分数"]


def test_a_name_that_contains_qie_or_starts_with_fei_is_still_a_name():
    text = ("total 6\ninputs:\n    完整且及时: bool\n    非税收入达标: bool\nindicator 甲 (6):\n    checklist:\n"
            "        完整且及时 且 非税收入达标 → 6\n")
    item = tree(text).nodes[0].rule.items[0]
    assert [ref.name for ref in item.condition.operands] == ["完整且及时", "非税收入达标"]


def test_diff_finds_no_change_in_meaning_between_the_two_spellings(tmp_path):
    (tmp_path / "standard.rules").write_text(STANDARD, encoding="utf-8")
    (tmp_path / "chinese.rules").write_text(CHINESE, encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "standard.rules"), str(tmp_path / "chinese.rules")])
    assert result.exit_code == 0 and "no change in meaning" in result.output
