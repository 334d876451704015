"""What `check` finds a leaf can reach (prove/reach.py): a divisor a department makes 0 (E504), found
before any department is scored, and points no department can earn (W505). Every finding's facts are
replayed through the public API: scoring them fails with E601 at that division, or earns the score the
warning names.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import rulecheck
from rulecheck.api import ruleset_from
from rulecheck.diagnostics import EvaluationError
from rulecheck.i18n import speaking
from rulecheck.inputs.facts import parse_facts
from rulecheck.prove.intervals import Intervals
from rulecheck.prove.scores import rule_divisions
from rulecheck.source import Source
from rulecheck.syntax import ast

ROOT = Path(__file__).resolve().parents[1]

HEAD = """\
total 6
rounding 2 decimals half-up
inputs:
    按计划时间完成项目数: count from 0
    计划完成项目数: count from 0
    完成数: count from 0
    支出数: amount from 0
    预算数: amount above 0
    调整数: amount from 0
    满意度: percent from 0% to 100%
"""


def analysis_of(rules: str, indicator: str = "项目完成及时性"):
    return rulecheck.analyze_text(f"{HEAD}indicator {indicator} (6):\n{rules}")


def found(rules: str) -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in analysis_of(rules).diagnostics if d.code != "W201"]


def facts_of(diagnostic) -> dict:
    return parse_facts(Source("example.yaml", "\n".join(diagnostic.example) + "\n")).values


def scoring_failures(analysis, facts: dict) -> list:
    """What scoring a department with these facts (every other input 1) fails with."""
    ruleset = ruleset_from(analysis)
    base = {name: Decimal(1) for name in ruleset.inputs}  # every input here is a number
    try:
        ruleset.evaluate(base | facts)
    except EvaluationError as raised:
        return raised.diagnostics
    return []


# ---- E504: a divisor that can be 0 ---------------------------------------------------------------------

PLAIN = "        formula: min(按计划时间完成项目数 / 计划完成项目数, 1) × 6\n"


def test_a_divisor_declared_from_0_is_found_with_the_facts_that_make_it_0():
    analysis = analysis_of(PLAIN)
    [diagnostic] = [d for d in analysis.diagnostics if d.code == "E504"]
    assert diagnostic.is_error
    assert diagnostic.message == "'项目完成及时性' can divide by zero: '计划完成项目数' can be 0"
    assert diagnostic.hint == "declare 计划完成项目数 'from 1', or score the zero case with bands first"
    assert diagnostic.example == ("计划完成项目数: 0",)  # only the input that matters
    # the department it names really stops scoring there
    assert [(d.code, d.span) for d in scoring_failures(analysis, facts_of(diagnostic))] == \
        [("E601", diagnostic.span)]


def test_a_computed_divisor_gets_a_band_row_as_its_hint_and_every_input_it_reads():
    analysis = analysis_of("        formula: min(完成数 / (按计划时间完成项目数 + 计划完成项目数), 1) × 6\n")
    [diagnostic] = [d for d in analysis.diagnostics if d.code == "E504"]
    assert diagnostic.hint == ("score the zero case with bands first: a row "
                               "'按计划时间完成项目数 + 计划完成项目数 = 0 → …' above this one")
    assert diagnostic.example == ("按计划时间完成项目数: 0", "计划完成项目数: 0")
    assert [d.code for d in scoring_failures(analysis, facts_of(diagnostic))] == ["E601"]


def test_a_deduction_per_a_unit_that_can_be_0_is_found_at_its_line():
    analysis = analysis_of("        deduct 1 per 调整数 of 支出数\n        floor 0\n")
    [diagnostic] = [d for d in analysis.diagnostics if d.code == "E504"]
    assert (diagnostic.message, diagnostic.span.line) == ("'项目完成及时性' can divide by zero: '调整数' can be 0", 12)
    assert diagnostic.example == ("调整数: 0",)
    assert [(d.code, d.span) for d in scoring_failures(analysis, facts_of(diagnostic))] == \
        [("E601", diagnostic.span)]
    assert found("        deduct 1 per 预算数 of 支出数\n        floor 0\n") == []


def test_an_amount_declared_above_0_is_no_zero_divisor_even_in_a_sum():
    assert found("        formula: min(支出数 / 预算数, 1) × 6\n") == []
    assert found("        formula: min(支出数 / (预算数 + 调整数), 1) × 6\n") == []
    # its interval [0, +∞] holds 0; the declared open end is what rules 0 out
    checked = analysis_of("        formula: min(支出数 / 预算数, 1) × 6\n").checked
    intervals = Intervals.of_program(checked)
    assert not intervals.can_be_zero(ast.Ref("预算数"))
    assert intervals.can_be_zero(ast.Binary("-", ast.Ref("预算数"), ast.Ref("调整数")))


def test_a_divisor_a_band_row_above_guards_is_not_reported():
    guarded = ("        bands 计划完成项目数:\n"
               "            = 0 → 6\n"
               "            otherwise → min(按计划时间完成项目数 / 计划完成项目数, 1) × 6\n")
    assert found(guarded) == []
    # within the otherwise row the count is at least 1: the prover sees the guard, no search needed
    analysis = analysis_of(guarded)
    indicator = analysis.checked.program.nodes[0]
    assert rule_divisions(indicator.rule, Intervals.of_program(analysis.checked)) == []


def test_a_guard_the_intervals_cannot_read_is_confirmed_by_scoring():
    # a row comparing two inputs: no table the prover reads, but no department divides by 0
    guarded = ("        bands:\n"
               "            计划完成项目数 = 0 and 按计划时间完成项目数 = 0 → 6\n"
               "            计划完成项目数 = 0 → 0\n"
               "            otherwise → min(按计划时间完成项目数 / 计划完成项目数, 1) × 6\n")
    analysis = analysis_of(guarded)
    indicator = analysis.checked.program.nodes[0]
    assert len(rule_divisions(indicator.rule, Intervals.of_program(analysis.checked))) == 1
    assert [d for d in analysis.diagnostics if d.code == "E504"] == []


def test_a_division_in_a_let_two_leaves_read_is_reported_once_at_the_let():
    text = HEAD + (
        "let 完成率: percent = 按计划时间完成项目数 / 计划完成项目数\n"
        "indicator 及时性 (3):\n"
        "    bands 完成率:\n"
        "        ≥ 100% → 3\n"
        "        otherwise → 0\n"
        "indicator 完成度 (3):\n"
        "    formula: min(完成率, 1) × 3\n")
    analysis = rulecheck.analyze_text(text)
    zero = [d for d in analysis.diagnostics if d.code == "E504"]
    assert [(d.message, d.span.line) for d in zero] == \
        [("'及时性' can divide by zero: '计划完成项目数' can be 0", 11)]


def test_the_zero_divisor_speaks_chinese():
    with speaking("zh"):
        [diagnostic] = [d for d in analysis_of(PLAIN).diagnostics if d.code == "E504"]
    assert diagnostic.message == "'项目完成及时性' 可能出现除以零: '计划完成项目数' 可能为 0"
    assert diagnostic.hint == "请把 计划完成项目数 的取值范围声明为 'from 1', 或先用分档处理为零的情况"


# ---- W505: full marks out of reach ---------------------------------------------------------------------

def warned(rules: str):
    analysis = analysis_of(rules, "指标")
    return analysis, [d for d in analysis.diagnostics if d.code == "W505"]


def earned(analysis, diagnostic) -> Decimal:
    ruleset = ruleset_from(analysis)
    base = {name: Decimal(1) for name in ruleset.inputs}
    return ruleset.evaluate(base | facts_of(diagnostic))["指标"].score


@pytest.mark.parametrize("rules, best", [
    ("        formula: min(支出数 / 预算数 × 6, 1)\n", "1"),
    ("        bands 满意度:\n            ≥ 95% → 4\n            otherwise → 1\n", "4"),
    ("        formula: min(满意度, 90%) / 100% × 6\n", "5.4"),
], ids=["capped-score", "top-band", "capped-rate"])
def test_points_no_department_reaches_are_warned_with_the_best_and_its_facts(rules, best):
    analysis, [diagnostic] = warned(rules)
    assert not diagnostic.is_error
    assert diagnostic.message == f"'指标' can score at most {best} of its 6 points: full marks are out of reach"
    assert earned(analysis, diagnostic) == Decimal(best)


def test_a_leaf_that_always_scores_0_says_so():
    analysis, [diagnostic] = warned("        formula: max(满意度 − 100%, 0) × 6\n")
    assert diagnostic.message == "'指标' scores 0 whatever the facts: its 6 points are out of reach"
    assert earned(analysis, diagnostic) == 0


def test_a_bound_the_search_does_not_reach_is_said_as_a_bound():
    # the curve peaks at 50% (0.5 points), which no edge or threshold the search tries is near
    analysis, [diagnostic] = warned("        formula: 满意度 × (1 − 满意度) × 2\n")
    assert diagnostic.message.startswith("'指标' scores at most 2 of its 6 points (the best found is ")
    assert diagnostic.message.endswith("): full marks are out of reach")


@pytest.mark.parametrize("rules", [
    "        formula: min(支出数 / 预算数, 1) × 6\n",
    "        bands 满意度:\n            ≥ 95% → 6\n            otherwise → 满意度 × 4\n",
    "        formula: 满意度 × 5.999\n",  # 5.999 rounds to 6.00: full marks
], ids=["capped-ratio", "computed-row", "rounded-up"])
def test_a_leaf_that_reaches_its_points_is_not_warned(rules):
    assert warned(rules)[1] == []


def test_a_leaf_with_an_error_gets_no_warning_on_top():
    # the top row never matches (E703 or E704): the error says why 6 points are out of reach
    analysis, warnings = warned("        bands 满意度:\n            ≥ 95 → 6\n            otherwise → 1\n")
    assert warnings == [] and not analysis.ok


def test_the_shipped_framework_reaches_full_marks_and_divides_safely():
    analysis = rulecheck.analyze(ROOT / "rules" / "shenzhen" / "framework.rules")
    assert [d for d in analysis.diagnostics if d.code in ("E504", "W505")] == []


def test_full_marks_out_of_reach_speak_chinese():
    with speaking("zh"):
        _, [diagnostic] = warned("        formula: min(支出数 / 预算数 × 6, 1)\n")
    assert diagnostic.message == "'指标' 最多得 1 分 (分值 6 分): 任何部门都得不到满分"
