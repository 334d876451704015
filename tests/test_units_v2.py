"""Units, second round (issue 11): a bare number where a percentage is meant, the unit algebra of
division and scaling, and deductions written as formulas.

Each test writes a small framework around one indicator and asserts the exact findings of
`rulecheck.analyze`: code, position and message (and the hint where it is the point of the test).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rulecheck
from rulecheck.diagnostics import sort_key
from rulecheck.i18n import speaking

ROOT = Path(__file__).resolve().parents[1]
INPUTS = """\
    满意度: percent from 0% to 100%
    支出进度: percent from 0%
    调整调剂率: percent from 0% to 100%
    完成数: count from 0
    计划数: count from 1
    培训人次: count from 0
    未完成重点工作数: count from 0
    年初预算: amount above 0
    调整资金: amount from 0
"""
PERCENT_HINT = "did you mean {number}%? a bare number is not a percentage"


def text_with(indicator: str, lets: str = "", points: int = 8) -> str:
    return (f"total {points}\nrounding 2 decimals half-up\ninputs:\n{INPUTS}{lets}\n"
            f"group 部门绩效 ({points}):\n    indicator 指标 ({points}):\n{indicator}")


def findings(indicator: str, lets: str = "", points: int = 8) -> list[tuple]:
    """(line, column, code, message, hint) of every finding but W201 (inputs the indicator leaves unread);
    the line counted from the indicator's first rule line (1), or from the first let (-1, -2, … above it)."""
    text = text_with(indicator, lets, points)
    first = text.splitlines().index(f"    indicator 指标 ({points}):") + 2
    analysis = rulecheck.analyze_text(text)
    return [(d.span.line - first + 1 if d.span.line >= first else d.span.line - first, d.span.column, d.code,
             d.message, d.hint) for d in sorted(analysis.diagnostics, key=sort_key) if d.code != "W201"]


def codes(indicator: str, lets: str = "", points: int = 8) -> list[str]:
    return [f[2] for f in findings(indicator, lets, points)]


# ---- 1. a bare number where a percentage is meant ------------------------------------------------------

def test_a_deduction_threshold_on_a_percentage_needs_a_percent_sign():
    found = findings("        deduct 0.1 per 1% of 调整调剂率 above 10\n", points=1)
    assert found == [(1, 42, "E104", "调整调剂率 is a percentage or ratio, but 10 has no '%'",
                      PERCENT_HINT.format(number=10))]
    assert codes("        deduct 0.1 per 1% of 调整调剂率 above 10%\n", points=1) == []


def test_a_below_threshold_on_a_percentage_needs_a_percent_sign():
    assert findings("        deduct 0.5 per 1% of 满意度 below 90\n", points=6) == [
        (1, 40, "E104", "满意度 is a percentage or ratio, but 90 has no '%'", PERCENT_HINT.format(number=90))]


def test_per_1_of_a_percentage_counts_whole_hundreds_and_is_refused():
    found = findings("        deduct 0.1 per 1 of 调整调剂率 above 10%\n", points=1)
    assert found == [(1, 24, "E104", "'per 1 of' 调整调剂率 counts whole 100% steps: 调整调剂率 is a "
                                      "percentage or ratio, but 1 has no '%'", PERCENT_HINT.format(number=1))]


def test_a_fraction_of_one_is_a_valid_unit_and_threshold():
    assert codes("        deduct 0.1 per 0.01 of 调整调剂率 above 0.1\n", points=1) == []
    assert codes("        deduct 0.1 per 1 of 调整调剂率 × 100 above 10\n", points=1) == []  # in percentage points


def test_a_percent_let_compared_with_a_bare_number():
    lets = "let 完成率: percent = 完成数 / 计划数\n"
    rows = "        bands 完成率:\n            ≥ 90 → 8\n            otherwise → 0\n"
    assert findings(rows, lets) == [(2, 15, "E104", "完成率 is a percentage or ratio, but 90 has no '%'",
                                     PERCENT_HINT.format(number=90))]


def test_a_ratio_compared_with_a_bare_number_in_a_checklist():
    rows = "        checklist:\n            完成数 / 计划数 ≥ 90 → 8\n"
    assert findings(rows) == [(2, 25, "E104", "完成数 ÷ 计划数 is a percentage or ratio, but 90 has no '%'",
                               PERCENT_HINT.format(number=90))]


def test_a_percent_input_without_a_top_compared_with_a_bare_number():
    # no declared top: the band check cannot see 90 is out of reach, this check does
    rows = "        bands 支出进度:\n            ≥ 90 → 8\n            otherwise → 0\n"
    assert codes(rows) == ["E104"]


def test_a_percent_input_with_a_top_is_left_to_the_band_check():
    # E704 of the band check reports it, with the same hint, and the gap it leaves: not twice
    rows = "        bands 满意度:\n            ≥ 90 → 8\n            otherwise → 0\n"
    found = findings(rows)
    assert [f[2] for f in found] == ["E704"]
    assert found[0][4] == PERCENT_HINT.format(number=90)


def test_a_chain_reports_only_the_number_without_the_sign():
    rows = "        bands 满意度:\n            ≥ 95% → 8\n            90% ≤ 满意度 < 95 → 4\n            otherwise → 0\n"
    assert [(f[0], f[1], f[2]) for f in findings(rows)] == [(3, 25, "E704")]  # outside the input's domain
    lets = "let 完成率: percent = 完成数 / 计划数\n"
    rows = "        bands 完成率:\n            ≥ 95% → 8\n            90% ≤ 完成率 < 95 → 4\n            otherwise → 0\n"
    assert [(f[0], f[1], f[2]) for f in findings(rows, lets)] == [(3, 25, "E104")]


def test_a_negative_bare_number_compared_with_a_ratio():
    lets = "let 变动率: percent = (调整资金 − 年初预算) / 年初预算\n"
    rows = "        bands 变动率:\n            ≥ −5 → 8\n            otherwise → 0\n"
    assert findings(rows, lets) == [(2, 15, "E104", "变动率 is a percentage or ratio, but -5 has no '%'",
                                     PERCENT_HINT.format(number=-5))]


def test_a_ratio_scaled_by_a_number_may_be_compared_with_bare_numbers():
    # 满意度 × 100 is in percentage points: 90 is 90 of them
    rows = "        bands 满意度 × 100:\n            ≥ 90 → 8\n            otherwise → 0\n"
    assert codes(rows) == []


def test_bare_numbers_up_to_1_and_counts_are_not_flagged():
    lets = "let 完成率: percent = 完成数 / 计划数\n"
    rows = "        bands 完成率:\n            ≥ 0.9 → 8\n            otherwise → 0\n"
    assert codes(rows, lets) == []
    rows = "        bands 完成数:\n            ≥ 90 → 8\n            otherwise → 0\n"
    assert codes(rows) == []


def test_the_bare_number_finding_in_chinese():
    text = text_with("        deduct 0.1 per 1% of 调整调剂率 above 10\n", points=1)
    with speaking("zh"):
        found = [(d.message, d.hint) for d in rulecheck.analyze_text(text).diagnostics if d.code == "E104"]
    assert found == [("调整调剂率 是百分比或比率, 但 10 没有写 '%'", "是否想写 10%? 不带 % 的数不是百分比")]


# ---- 2. the unit algebra ---------------------------------------------------------------------------

def test_a_count_per_amount_is_not_a_percent_let():
    lets = "let 率: percent = 完成数 / 年初预算\n"
    found = [f for f in findings("        formula: 8\n", lets) if f[2] != "W202"]
    assert found == [(-4, 1, "E301", "'率' is declared a percentage or ratio but its formula gives a count "
                                           "per unit of money", "declare it 'let 率: number = …', or correct the "
                                                                "formula")]


def test_a_count_per_amount_is_not_compared_with_a_percentage():
    rows = "        bands 完成数 / 年初预算:\n            ≥ 90% → 8\n            otherwise → 0\n"
    found = findings(rows)
    assert [(f[2], f[3]) for f in found] == [("E302", "this compares a count per unit of money and a percentage "
                                                      "or ratio")]
    assert found[0][4].startswith("a count per unit of money is not a percentage: only like ÷ like gives a ratio")


def test_a_count_per_amount_compared_with_a_plain_number_is_fine():
    rows = "        bands 完成数 / 年初预算:\n            ≥ 0.5 → 8\n            otherwise → 0\n"
    assert codes(rows) == []


def test_a_count_per_amount_is_not_points():
    assert [(f[2], f[3]) for f in findings("        formula: min(完成数 / 年初预算, 8)\n")] == [
        ("E302", "the formula of '指标' is a count per unit of money, not points")]


def test_like_over_like_is_still_a_ratio():
    lets = "let 调整率: percent = 调整资金 / 年初预算\nlet 完成率: percent = 完成数 / 计划数\n"
    assert codes("        formula: min(完成率, 1) × 4 + min(调整率, 1) × 4\n", lets) == []


def test_a_count_divided_by_a_number_and_capped_is_a_score():
    assert codes("        formula: min(培训人次 / 20, 1) × 2\n", points=2) == []


def test_a_count_per_number_of_points_is_a_score():
    # 每项得 0.5 分, 最多 2 分
    assert codes("        formula: min(完成数 × 0.5, 2)\n", points=2) == []


def test_a_bare_count_is_still_not_points():
    assert [(f[2], f[3]) for f in findings("        formula: min(完成数, 6)\n", points=6)] == [
        ("E302", "the formula of '指标' is a count, not points")]


def test_a_count_scaled_then_added_to_a_bare_count_is_a_count():
    assert codes("        formula: max(完成数 − 2 × 未完成重点工作数, 0)\n", points=6) == ["E302"]


def test_a_count_divided_by_a_number_stays_a_count_in_a_comparison():
    rows = "        bands 培训人次 / 20:\n            ≥ 90% → 8\n            otherwise → 0\n"
    assert codes(rows) == ["E302"]


def test_an_amount_per_count_times_a_count_is_an_amount():
    rows = "        checklist:\n            调整资金 / 计划数 × 计划数 ≤ 年初预算 → 8\n"
    assert codes(rows) == []


def test_an_amount_per_count_may_be_declared_a_number_not_a_percent():
    assert codes("        formula: 8\n", "let 人均: number = 调整资金 / 计划数\n") == ["W202"]
    assert codes("        formula: 8\n", "let 人均: percent = 调整资金 / 计划数\n") == ["E301", "W202"]


# ---- 3. deductions written as formulas ---------------------------------------------------------------

def test_a_deduction_as_a_formula_is_points():
    # 全部按期保质保量完成得8分; 一项重点工作没有完成扣4分, 扣完为止。
    assert codes("        formula: max(8 − 4 × 未完成重点工作数, 0)\n") == []


def test_a_formula_floor_below_zero_is_its_own_error():
    found = findings("        formula: max(8 − 4 × 未完成重点工作数, −2)\n")
    assert found == [(1, 40, "E502", "the floor of '指标' is -2, below 0: its score can fall below 0",
                      "raise the floor to 0: max(…, 0)")]


def test_a_floor_first_or_in_a_clamp_is_a_floor_too():
    found = findings("        formula: max(−1, 8 − 4 × 未完成重点工作数)\n")
    assert [(f[2], f[3], f[4]) for f in found] == [
        ("E502", "the floor of '指标' is -1, below 0: its score can fall below 0", "raise the floor to 0: max(…, 0)")]
    found = findings("        formula: clamp(8 − 4 × 未完成重点工作数, −1, 8)\n")
    assert [(f[2], f[4]) for f in found] == [("E502", "raise the floor to 0: clamp(…, 0, …)")]


def test_a_floor_of_zero_or_more_is_fine():
    assert codes("        deduct 4 per 未完成重点工作数\n        floor 2\n") == []
    assert codes("        formula: max(8 − 4 × 未完成重点工作数, 0)\n") == []


# ---- the shipped files stay clean --------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted((ROOT / "rules").rglob("*.rules")), ids=lambda p: p.stem)
def test_the_shipped_rules_have_no_unit_finding(path: Path):
    analysis = rulecheck.analyze(path)
    assert [d.render() for d in analysis.diagnostics if d.code in ("E104", "E301", "E302", "E502")] == []


@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "data" / "good").glob("units-*.rules")), ids=lambda p: p.stem)
def test_the_correct_unit_algebra_files_are_clean(path: Path):
    # min(培训人次 / 20, 1) × 2, max(8 − 4 × 未完成重点工作数, 0), an amount per person against a plain number
    assert rulecheck.analyze(path).diagnostics == []
