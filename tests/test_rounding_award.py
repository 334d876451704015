"""Issue 12, points 3 and 4: ceil/floor/round of intermediate values ("不足 1 个百分点按 1 个百分点计"),
exact and bounded by the prover, and `award … per …` with its cap ("每…得 X 分, 最高 Y 分"), the dual of
`deduct`: checked, scored, explained in both languages, laid out again by fmt, exported as 评分标准 and
compared by diff."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck import numbers
from rulecheck.cli import main
from rulecheck.i18n import speaking
from rulecheck.interval import Value
from rulecheck.language import BUILTINS
from rulecheck.numbers import Ratio
from rulecheck.publish import build_table
from rulecheck.syntax.layout import layout

RULES = """\
framework "调剂与培训"
total 3
rounding 2 decimals half-up

inputs:
    调整调剂率: percent from 0% to 100%
    培训次数: count from 0

# 超出 10% 的部分, 每超出 1 个百分点扣 0.1 分, 不足 1 个百分点按 1 个百分点计, 扣完为止
indicator 资金调整调剂规范性 (1):
    decreasing in 调整调剂率
    deduct 0.1 per 1% of ceil(调整调剂率, 1%) above 10%
    floor 0

# 每培训 1 次得 0.5 分, 最高 2 分
indicator 培训情况 (2):
    increasing in 培训次数
    award 0.5 per 培训次数
    cap 2
"""


def codes(text: str) -> list[str]:
    return [d.code for d in rulecheck.analyze_text(text).diagnostics]


def scored(text: str, facts: dict, lang: str = "en"):
    with speaking(lang):
        return rulecheck.loads(text).evaluate(facts)


def leaf(result, name: str):
    return next(node for node in result.leaves() if node.name == name)


# ---- ceil, floor, round ---------------------------------------------------------------------------

@pytest.mark.parametrize("function, value, place, expected", [
    ("ceil", "0.042", "0.01", "0.05"),       # ceil(4.2%, 1%): 4.2 percentage points count as 5
    ("ceil", "0.04", "0.01", "0.04"),        # a whole point stays
    ("floor", "0.042", "0.01", "0.04"),
    ("round", "0.0425", "0.01", "0.04"),     # round(4.25%, 1%): half-up to whole points
    ("round", "0.555", "2", "0.56"),         # half-up, as the file's rounding
    ("round", "-0.555", "2", "-0.56"),
    ("ceil", "2.1", "0", "3"),
    ("floor", "2.9", "0", "2"),
    ("ceil", "0.142", "0.001", "0.142"),     # 0.1%: tenths of a percentage point
])
def test_rounding_functions_are_exact(function, value, place, expected):
    assert BUILTINS[function].apply((Decimal(value), Decimal(place))) == Decimal(expected)


def test_rounding_a_fraction_is_exact():
    """30 ÷ 31 never terminates: it is rounded by integer arithmetic, not through a float."""
    assert BUILTINS["ceil"].apply((Ratio(30, 31), Decimal(2))) == Decimal("0.97")
    assert BUILTINS["floor"].apply((Ratio(30, 31), Decimal(2))) == Decimal("0.96")
    assert BUILTINS["round"].apply((Ratio(1, 3), Decimal("0.01"))) == Decimal("0.33")


def test_the_document_s_deduction_counts_a_part_of_a_point_as_a_whole_one():
    """14.2% is 4.2 points above 10%: counted as 5, so 0.5 off; 10.3% → 1 point, 0.1 off."""
    assert leaf(scored(RULES, {"调整调剂率": "14.2%", "培训次数": 0}), "资金调整调剂规范性").score == Decimal("0.50")
    assert leaf(scored(RULES, {"调整调剂率": "10.3%", "培训次数": 0}), "资金调整调剂规范性").score == Decimal("0.90")
    assert leaf(scored(RULES, {"调整调剂率": "10%", "培训次数": 0}), "资金调整调剂规范性").score == Decimal("1.00")


def test_rounding_functions_check_clean_and_are_proved():
    """Bounds and the declared direction are proved: no W503, no E711."""
    assert codes(RULES) == []


@pytest.mark.parametrize("call", ["ceil(调整调剂率, 0)", "ceil(调整调剂率, 1)", "round(调整调剂率, 培训次数)",
                                  "floor(调整调剂率, 5%)", "round(调整调剂率, 1.5)", "round(调整调剂率, 11)",
                                  "ceil(调整调剂率, 100%)"])
def test_a_place_that_is_no_number_of_decimals_is_e307(call):
    text = RULES.replace("ceil(调整调剂率, 1%)", call)
    assert codes(text) == ["E307"]


def test_e307_says_to_round_to_percentage_points_in_both_languages():
    text = RULES.replace("ceil(调整调剂率, 1%)", "ceil(调整调剂率, 0)")
    [english] = rulecheck.analyze_text(text).diagnostics
    assert english.message == "ceil() rounds the percentage 调整调剂率 to 0 decimals, that is to whole 100%"
    assert english.hint == "round to percentage points with a '%': ceil(调整调剂率, 1%)"
    with speaking("zh"):
        [chinese] = rulecheck.analyze_text(text).diagnostics
    assert chinese.hint == "按百分点取整请写 '%': ceil(调整调剂率, 1%)"


def test_the_explanation_shows_the_rounded_value():
    [__, line, __] = leaf(scored(RULES, {"调整调剂率": "14.2%", "培训次数": 0}), "资金调整调剂规范性").explanation
    assert line == ("deduct 0.1 per 1% of ceil(调整调剂率, 1%) above 10%: "
                    "ceil(调整调剂率, 1%) = ceil(14.2%, 1%) = 15%, 5 × 0.1 → −0.5")


# ---- award … per …, cap ---------------------------------------------------------------------------

@pytest.mark.parametrize("count, expected", [(0, "0.00"), (3, "1.50"), (4, "2.00"), (9, "2.00")])
def test_award_earns_per_unit_up_to_the_cap(count, expected):
    assert leaf(scored(RULES, {"调整调剂率": "0%", "培训次数": count}), "培训情况").score == Decimal(expected)


def test_without_a_cap_line_the_cap_is_the_points():
    text = RULES.replace("    cap 2\n", "")
    assert codes(text) == []
    assert leaf(scored(text, {"调整调剂率": "0%", "培训次数": 7}), "培训情况").score == Decimal("2.00")


def test_a_cap_below_the_points_is_the_cap():
    text = RULES.replace("    cap 2\n", "    cap 1.5\n")
    assert leaf(scored(text, {"调整调剂率": "0%", "培训次数": 7}), "培训情况").score == Decimal("1.50")


def test_an_award_that_can_exceed_the_points_is_e501_with_a_counterexample():
    text = RULES.replace("    cap 2\n", "    cap 3\n")
    [finding] = rulecheck.analyze_text(text).diagnostics
    assert finding.code == "E501"


def test_an_award_per_unit_above_a_threshold():
    text = RULES.replace("award 0.5 per 培训次数", "award 0.5 per 培训次数 above 2")
    assert codes(text) == []
    assert leaf(scored(text, {"调整调剂率": "0%", "培训次数": 5}), "培训情况").score == Decimal("1.50")


def test_a_declared_direction_against_an_award_is_e711():
    text = RULES.replace("increasing in 培训次数", "decreasing in 培训次数")
    assert "E711" in codes(text)


def test_an_award_of_a_bare_amount_per_percentage_unit_is_e104():
    text = RULES.replace("award 0.5 per 培训次数", "award 0.5 per 1 of 调整调剂率 above 10%")
    assert "E104" in codes(text)


def test_award_explained_in_english_and_chinese():
    facts = {"调整调剂率": "0%", "培训次数": 3}
    assert list(leaf(scored(RULES, facts), "培训情况").explanation) == [
        "award 0.5 per 培训次数: 培训次数 = 3, 3 × 0.5 → +1.5",
        "at most 2: score = min(1.5, 2) = 1.5"]
    assert list(leaf(scored(RULES, facts, "zh"), "培训情况").explanation) == [
        "得分: 培训次数 3, 每个得 0.5 分, 共 3 × 0.5 = 1.5 分",
        "最高 2 分: 得分 = min(1.5, 2) = 1.5"]


def test_fmt_lays_award_and_rounding_out_again_unchanged():
    assert layout(RULES) == RULES
    written = RULES.replace("award 0.5 per 培训次数", "award 0.5 分 per 培训次数").replace("ceil(调整调剂率, 1%)",
                                                                                    "ceil（调整调剂率，1%）")
    assert layout(written) == RULES


def test_export_says_both_rules_as_the_document_does():
    with speaking("zh"):
        rows = build_table(rulecheck.loads(RULES).program).rows
    assert [row.criteria for row in rows] == [
        "调整调剂率(不足 1 个百分点按 1 个百分点计)超出 10% 的, 每超出 1 个百分点扣 0.1 分, 扣完为止",
        "培训次数每 1 得 0.5 分, 最高 2 分"]


def test_diff_names_a_changed_rate_and_cap(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "new.rules").write_text(RULES.replace("award 0.5 per", "award 0.4 per").replace("cap 2", "cap 1.6"),
                                        encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "old.rules", "new.rules"])
    assert "award per 培训次数: points per unit 0.5 → 0.4" in result.output, result.output
    assert "cap 2 → 1.6" in result.output


def test_rounding_bounds_keep_infinite_ends():
    bounded = BUILTINS["ceil"].interval([Value(Decimal("0.042"), numbers.INF, {"x": 1}), Value(Decimal(2), Decimal(2))])
    assert (bounded.low, bounded.high, dict(bounded.dirs)) == (Decimal("0.05"), numbers.INF, {"x": 1})


def test_an_award_after_another_rule_is_a_second_rule():
    text = RULES.replace("    award 0.5 per 培训次数\n    cap 2\n", "    formula: 1\n    award 0.5 per 培训次数\n")
    [finding] = rulecheck.analyze_text(text).diagnostics
    assert (finding.code, finding.message) == ("E101", "a second scoring rule 'award': an indicator has one rule")


def test_award_and_cap_stay_usable_as_names():
    text = RULES.replace("培训次数", "cap").replace("调整调剂率", "award")
    assert codes(text) == []


def test_verify_finds_nothing_wrong_with_both(tmp_path):
    (tmp_path / "f.rules").write_text(RULES, encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", str(tmp_path / "f.rules"), "--max-examples", "50"])
    assert result.exit_code == 0, result.output
    assert "0 problems" in result.output
