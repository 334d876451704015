"""The prove stage piece by piece: intervals and directions of expressions (intervals.py), of scoring
rules (scores.py, bands.py), the interval sets of band rows (ranges.py), the edge values the search
tries (search.py), and each finding of `rulecheck check` on a good and a bad variant of a small file.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import rulecheck
from rulecheck.domains import domain_of
from rulecheck.numbers import Ratio
from rulecheck.prove.intervals import INF, Intervals
from rulecheck.prove.ranges import Choices, Piece, Ranges
from rulecheck.prove.scores import rule_value
from rulecheck.prove.search import candidates
from rulecheck.syntax import ast

D = Decimal

INPUTS = """\
    满意度: percent from 0% to 100%
    支出进度: percent from 0% to 200%
    调整调剂率: percent from 0% to 100%
    变动率: percent from -10% to 10%
    在编人数: count from 1
    编外人员数: count from 0
    计划完成项目数: count from 1
    按计划时间完成项目数: count from 0
    未完成重点工作数: count from 0
    年初预算: amount above 0
    调整资金: amount from 0
    分子: number from 1 to 2
    负数: number from -3 to -1
    跨零: number from -1 to 1
    制度健全: bool
    制度执行: bool
    公开情况: grade(按规定公开, 公开但不完全符合, 未公开)
"""


def program_with(lets: str = "", indicator: str = ""):
    text = f"inputs:\n{INPUTS}{lets}"
    if indicator:
        text = f"total 100\nrounding 2 decimals half-up\n{text}indicator 指标 (100):\n{indicator}"
    analysis = rulecheck.analyze_text(text)
    # what the prove stage finds does not matter here: only that the file parses and checks
    errors = [d.render() for d in analysis.linked.diagnostics + analysis.checked.diagnostics if d.is_error]
    assert not errors, errors
    return analysis.checked


def intervals_of(checked) -> Intervals:
    return Intervals.of_program(checked)


def value(expression: str):
    """The abstract value of an expression over the inputs above."""
    checked = program_with(f"let 值 = {expression}\n")
    return intervals_of(checked).of(ast.Ref("值"))


def rule(body: str):
    """The abstract value of a 100-point indicator's rule, written as its indented lines."""
    checked = program_with(indicator=body)
    indicator = next(n for n in checked.program.nodes if isinstance(n, ast.Indicator))
    return rule_value(indicator.rule, indicator.points, intervals_of(checked))


# ---- intervals of expressions ------------------------------------------------------------------------

@pytest.mark.parametrize("expression, low, high, dirs", [
    # division: a positive numerator over a divisor bounded away from 0
    ("分子 / 2", "0.5", "1", {"分子": 1}),
    ("6 / 计划完成项目数", "0", "6", {"计划完成项目数": -1}),
    ("按计划时间完成项目数 / 计划完成项目数", "0", INF, {"按计划时间完成项目数": 1, "计划完成项目数": -1}),
    # a divisor that may be 0 from above: unbounded, still monotone
    ("分子 / 编外人员数", "0", INF, {"分子": 1, "编外人员数": -1}),
    # a divisor on both sides of 0: nothing known
    ("分子 / 跨零", -INF, INF, {"分子": None, "跨零": None}),
    # a negative divisor flips the sign and the direction of the numerator; x / y still falls in y
    ("分子 / 负数", "-2", Ratio(-1, 3), {"分子": -1, "负数": -1}),
    # the share a / (a + b), either way round: within [0, 1], up in a, down in b
    ("编外人员数 / (在编人数 + 编外人员数)", "0", "1", {"编外人员数": 1, "在编人数": -1}),
    ("编外人员数 / (编外人员数 + 在编人数)", "0", "1", {"编外人员数": 1, "在编人数": -1}),
    # not a share (the numerator is not a term of the sum): the generic quotient
    ("在编人数 / (按计划时间完成项目数 + 编外人员数)", "0", INF,
     {"在编人数": 1, "按计划时间完成项目数": -1, "编外人员数": -1}),
])
def test_division(expression, low, high, dirs):
    found = value(expression)
    assert (found.low, found.high) == (D(low), D(high) if isinstance(high, str) else high)
    assert found.dirs == dirs


@pytest.mark.parametrize("expression, low, high, dirs", [
    ("min(支出进度 / 25%, 1)", "0", "1", {"支出进度": 1}),
    ("min(支出进度 / 25%, 1) × 6", "0", "6", {"支出进度": 1}),
    ("max(满意度, 80%)", "0.8", "1", {"满意度": 1}),
    ("max(满意度, 1 − 调整调剂率)", "0", "1", {"满意度": 1, "调整调剂率": -1}),
    # min of two terms moving opposite ways in one input: no direction, and only the arguments' bounds
    # (the true range is [0, 50%])
    ("min(满意度, 1 − 满意度)", "0", "1", {"满意度": None}),
    ("clamp(调整资金 / 年初预算 × 4, 0, 4)", "0", "4", {"调整资金": 1, "年初预算": -1}),
    ("clamp(变动率 × 100, -2, 3)", "-2", "3", {"变动率": 1}),
    # abs: the identity on non-negative values, a negation on non-positive ones, no direction across 0
    ("abs(满意度)", "0", "1", {"满意度": 1}),
    ("abs(负数)", "1", "3", {"负数": -1}),
    ("abs(调整调剂率 − 10%)", "0", "0.9", {"调整调剂率": None}),
    ("average(满意度, 支出进度)", "0", "1.5", {"满意度": 1, "支出进度": 1}),
    ("average(满意度, 满意度, 满意度, 满意度) × 2", "0", "2", {"满意度": 1}),
    ("sum(满意度, 支出进度, 调整调剂率)", "0", "4", {"满意度": 1, "支出进度": 1, "调整调剂率": 1}),
])
def test_functions(expression, low, high, dirs):
    found = value(expression)
    assert (found.low, found.high) == (D(low), D(high))
    assert found.dirs == dirs


@pytest.mark.parametrize("expression, low, high, dirs", [
    # products of signed terms: the sign of one factor decides the direction of the other
    ("分子 × 负数", "-6", "-1", {"分子": -1, "负数": 1}),
    ("负数 × 负数", "1", "9", {"负数": -1}),  # y² falls as y rises from −3 to −1
    ("分子 × 分子", "1", "4", {"分子": 1}),
    ("跨零 × 分子", "-2", "2", {"跨零": 1, "分子": None}),
    ("8 − 4 × 未完成重点工作数", -INF, "8", {"未完成重点工作数": -1}),
    ("−满意度", "-1", "0", {"满意度": -1}),
    ("0 × 满意度", "0", "0", {}),
    # a reciprocal flips the direction, twice over is the identity's
    ("1 / (1 / 分子)", "1", "2", {"分子": 1}),
])
def test_products_and_signs(expression, low, high, dirs):
    found = value(expression)
    assert (found.low, found.high) == (D(low), D(high))
    assert found.dirs == dirs


@pytest.mark.parametrize("expression, low, high, dirs", [
    ("满意度 ≥ 95%", "0", "1", {"满意度": 1}),
    ("满意度 < 95%", "0", "1", {"满意度": -1}),
    ("90% ≤ 满意度 < 95%", "0", "1", {"满意度": None}),
    ("满意度 ≥ 0%", "1", "1", {"满意度": 1}),  # always holds
    ("满意度 > 100%", "0", "0", {"满意度": 1}),  # never holds
    ("not 满意度 ≥ 95%", "0", "1", {"满意度": -1}),
    ("制度健全 and 满意度 ≥ 95%", "0", "1", {"制度健全": 1, "满意度": 1}),
    ("制度健全 or not 制度执行", "0", "1", {"制度健全": 1, "制度执行": -1}),
    ("未完成重点工作数 = 0", "0", "1", {"未完成重点工作数": None}),
])
def test_conditions(expression, low, high, dirs):
    found = value(expression)
    assert (found.low, found.high) == (D(low), D(high))
    assert found.dirs == dirs


def test_derived_values_are_read_through():
    checked = program_with("let 比率 = 编外人员数 / (在编人数 + 编外人员数)\nlet 得分 = 1 − 比率\n")
    found = intervals_of(checked).of(ast.Ref("得分"))
    assert (found.low, found.high) == (0, 1)
    assert found.dirs == {"编外人员数": -1, "在编人数": 1}


# ---- directions of scoring rules -------------------------------------------------------------------

LADDER = """\
    bands 满意度:
        ≥ 95% → 100
        90% ≤ 满意度 < 95% → 60
        80% ≤ 满意度 < 90% → 20
        < 80% → 10
"""
UPSIDE_DOWN = """\
    bands 满意度:
        ≥ 95% → 10
        90% ≤ 满意度 < 95% → 20
        80% ≤ 满意度 < 90% → 60
        < 80% → 100
"""


@pytest.mark.parametrize("body, low, high, dirs", [
    (LADDER, "10", "100", {"满意度": 1}),
    # the same thresholds with the points upside down: decreasing
    (UPSIDE_DOWN, "10", "100", {"满意度": -1}),
    # a first-match ladder of half lines, upward
    ("    bands 满意度:\n        ≥ 95% → 100\n        ≥ 90% → 60\n        otherwise → 0\n", "0", "100", {"满意度": 1}),
    # points that go up and down: no direction
    ("    bands 满意度:\n        ≥ 95% → 100\n        ≥ 90% → 20\n        otherwise → 60\n", "20", "100",
     {"满意度": None}),
    # a count table, falling: only whole numbers are steps ('otherwise' gets no share of (0, 1))
    ("    bands 未完成重点工作数:\n        = 0 → 100\n        = 1 → 50\n        otherwise → 0\n", "0", "100",
     {"未完成重点工作数": -1}),
    # a row over two inputs, then otherwise: up in the condition
    ("    bands:\n        调整资金 ≤ 年初预算 → 100\n        otherwise → 0\n", "0", "100",
     {"调整资金": -1, "年初预算": 1}),
])
def test_band_tables(body, low, high, dirs):
    found = rule(body)
    assert (found.low, found.high) == (D(low), D(high))
    assert found.dirs == dirs


@pytest.mark.parametrize("body, low, high, dirs", [
    ("    checklist:\n        制度健全 → 60\n        制度执行 → 40\n", "0", "100", {"制度健全": 1, "制度执行": 1}),
    ("    checklist:\n        制度健全 → 100\n        not 制度执行 → 0\n", "0", "100", {"制度健全": 1, "制度执行": -1}),
    ("    checklist:\n        满意度 ≥ 95% → 60\n        未完成重点工作数 ≤ 1 → 40\n", "0", "100",
     {"满意度": 1, "未完成重点工作数": -1}),
    # an item that always holds earns its points; one that never holds earns nothing: a constant
    ("    checklist:\n        满意度 ≥ 0% → 60\n        满意度 > 100% → 40\n", "60", "60", {}),
])
def test_checklists(body, low, high, dirs):
    found = rule(body)
    assert (found.low, found.high) == (D(low), D(high))
    assert found.dirs == dirs


@pytest.mark.parametrize("body, low, high, dirs", [
    ("    deduct 4 per 未完成重点工作数\n    floor 0\n", "0", "100", {"未完成重点工作数": -1}),
    # no floor line: the floor is 0
    ("    deduct 4 per 未完成重点工作数\n", "0", "100", {"未完成重点工作数": -1}),
    ("    deduct 4 per 未完成重点工作数\n    floor -20\n", "-20", "100", {"未完成重点工作数": -1}),
    ("    deduct 10 per 1% of 调整调剂率 above 10%\n", "0", "100", {"调整调剂率": -1}),
    ("    deduct 0.5 per 1% of 满意度 below 90%\n", "55", "100", {"满意度": 1}),
    ("    deduct 1 per 1 of 调整资金 above 年初预算\n", "0", "100", {"调整资金": -1, "年初预算": 1}),
    ("    deduct 4 per 未完成重点工作数\n    deduct 1 per 编外人员数\n    floor 2\n", "2", "100",
     {"未完成重点工作数": -1, "编外人员数": -1}),
])
def test_deductions(body, low, high, dirs):
    found = rule(body)
    assert (found.low, found.high) == (D(low), D(high))
    assert found.dirs == dirs


# ---- interval sets -----------------------------------------------------------------------------------

def closed(low, high) -> Piece:
    return Piece(D(low), D(high))


def test_ranges_compared_are_half_lines_with_the_right_end():
    assert Ranges.compared(">=", D(5)).pieces == (Piece(D(5), INF, True, False),)
    assert Ranges.compared(">", D(5)).pieces == (Piece(D(5), INF, False, False),)
    assert Ranges.compared("<=", D(5)).pieces == (Piece(-INF, D(5), False, True),)
    assert Ranges.compared("<", D(5)).pieces == (Piece(-INF, D(5), False, False),)
    assert Ranges.compared("=", D(5)).pieces == (closed(5, 5),)
    assert Ranges.compared("!=", D(5)).pieces == (Piece(-INF, D(5), False, False), Piece(D(5), INF, False, False))


def test_union_merges_pieces_that_touch_at_a_closed_end_only():
    below, above = Ranges.compared("<", D(5)), Ranges.compared(">", D(5))
    assert below.union(above).pieces == (Piece(-INF, D(5), False, False), Piece(D(5), INF, False, False))
    assert below.union(Ranges.compared(">=", D(5))) == Ranges.everything()
    assert Ranges.of(closed(0, 1), closed("0.5", 2)).pieces == (closed(0, 2),)
    assert Ranges.of(closed(3, 4), closed(0, 1)).pieces == (closed(0, 1), closed(3, 4))
    # an empty piece vanishes: (1, 1) and [2, 1]
    assert Ranges.of(Piece(D(1), D(1), False, False), closed(2, 1)).empty


def test_complement_swaps_open_and_closed_ends():
    middle = Ranges.of(Piece(D("0.9"), D("0.95"), True, False))  # 90% ≤ x < 95%
    assert middle.complement().pieces == (Piece(-INF, D("0.9"), False, False), Piece(D("0.95"), INF, True, False))
    assert middle.complement().complement() == middle
    assert Ranges.everything().complement().empty
    assert Ranges().complement() == Ranges.everything()


def test_intersect_keeps_the_tighter_end():
    at_least, below = Ranges.compared(">=", D("0.9")), Ranges.compared("<", D("0.95"))
    assert at_least.intersect(below).pieces == (Piece(D("0.9"), D("0.95"), True, False),)
    # '≤ 5%' and '≥ 5%' share exactly 5%; '< 5%' and '≥ 5%' share nothing
    assert Ranges.compared("<=", D("0.05")).intersect(Ranges.compared(">=", D("0.05"))).pieces == \
        (closed("0.05", "0.05"),)
    assert Ranges.compared("<", D("0.05")).intersect(Ranges.compared(">=", D("0.05"))).empty
    assert Ranges.compared("!=", D(1)).intersect(Ranges.of(closed(0, 2))).pieces == \
        (Piece(D(0), D(1), True, False), Piece(D(1), D(2), False, True))


def test_minus_and_half_lines():
    domain = Ranges.of(closed(0, 1))
    rows = Ranges.compared(">=", D("0.95")).union(Ranges.compared("<", D("0.8")))
    assert domain.minus(rows).pieces == (Piece(D("0.8"), D("0.95"), True, False),)
    assert Ranges.compared(">=", D(1)).half_line() == 1
    assert Ranges.compared("<", D(1)).half_line() == -1
    assert Ranges.of(closed(0, 1)).half_line() == 0
    assert Ranges.compared("!=", D(1)).half_line() == 0


@pytest.mark.parametrize("piece, integral, witness", [
    (closed("0.7", "0.8"), False, "0.7"),                        # a closed lower end is itself
    (Piece(D("0.9"), D("0.95"), False, False), False, "0.91"),   # (90%, 95%): 91%
    (Piece(D("0.9"), D("0.95"), False, True), False, "0.91"),    # (90%, 95%]: near the lower end
    (Piece(D(1), D(3), False, False), True, "2"),                # a count strictly between 1 and 3
    (Piece(D(0), D(1), False, False), True, None),               # no count between 0 and 1
    (Piece(D("5.5"), INF, True, False), True, "6"),
    (Piece(D(1), INF, False, False), False, "2"),                # '> 100%': 200%, not 100000%
    (Piece(D(5), INF, False, False), True, "6"),
    (Piece(-INF, D(5), False, False), False, "0"),
    (Piece(D(-5), INF, False, False), False, "-4"),
    (Piece(D(-5), D(3), False, False), False, "0"),              # zero, and never −0
    (Piece(-INF, INF, False, False), False, "0"),
])
def test_witness_is_a_simple_value_inside(piece, integral, witness):
    found = Ranges.of(piece).witness(integral)
    assert found == (None if witness is None else D(witness))
    if found is not None:
        assert piece.contains(found)
        assert not (found.is_zero() and found.is_signed())


def test_witness_of_the_empty_set_is_none():
    assert Ranges().witness() is None
    assert Choices(frozenset(), ("a", "b")).witness() is None


def test_choices_of_a_grade():
    universe = ("按规定公开", "公开但不完全符合", "未公开")
    everything = Choices.everything(universe)
    published = Choices.compared("=", "按规定公开", universe)
    assert Choices.compared(">=", "按规定公开", universe) is None  # a grade has no order
    assert Choices.compared("!=", "按规定公开", universe) == published.complement()
    assert everything.minus(published).witness() == "公开但不完全符合"
    assert published.union(published.complement()) == everything
    assert published.intersect(published.complement()).empty
    assert everything.half_line() == 0


# ---- what the search tries -----------------------------------------------------------------------------

def test_candidates_are_the_domain_edges_and_each_side_of_the_thresholds():
    percent = domain_of(program_with().symbols.inputs["满意度"])
    found = candidates(percent, {D("0.95")})
    assert found == sorted(found)
    assert {D(0), D(1), D("0.95"), D("0.9499"), D("0.9501")} <= set(found)
    assert all(D(0) <= v <= D(1) for v in found)
    count = domain_of(program_with().symbols.inputs["计划完成项目数"])  # count from 1, no upper end
    found = candidates(count, {D("2.5")})
    assert D(0) not in found and D(1) in found and D(1_000_001) in found
    assert all(v == v.to_integral_value() and v >= 1 for v in found)
    above = domain_of(program_with().symbols.inputs["年初预算"])  # amount above 0
    assert D(0) not in candidates(above, set()) and D("0.01") in candidates(above, set())
    assert candidates(domain_of(program_with().symbols.inputs["制度健全"]), set()) == [False, True]
    # a grade is tried from its last value to its first: rising means towards the first
    assert candidates(domain_of(program_with().symbols.inputs["公开情况"]), set()) == \
        ["未公开", "公开但不完全符合", "按规定公开"]


# ---- each finding of check, on a good and a bad variant ---------------------------------------------------

HEAD = """\
total 6
rounding 2 decimals half-up
inputs:
    满意度: percent from 0% to 100%
    按计划时间完成项目数: count from 0
    计划完成项目数: count from 1
    未完成重点工作数: count from 0
group 部门绩效 (6):
    indicator 指标 (6):
"""


def findings(body: str) -> list[tuple[str, str]]:
    """(code, message) of everything check reports for the 6-point indicator written as `body`."""
    analysis = rulecheck.analyze_text(HEAD + body)
    return [(d.code, d.message) for d in analysis.diagnostics]


GOOD_AND_BAD = {
    "E501": ("        formula: min(按计划时间完成项目数 / 计划完成项目数, 1) × 6\n",
             "        formula: 按计划时间完成项目数 / 计划完成项目数 × 6\n",
             [("E501", "'指标' can score 12, above its 6 points")]),
    "E502": ("        deduct 2 per 未完成重点工作数\n        floor 0\n",
             "        deduct 2 per 未完成重点工作数\n        floor −1\n",
             [("E502", "'指标' can score -1, below 0")]),
    "E701": ("        bands 满意度:\n            ≥ 90% → 6\n            < 90% → 2\n",
             "        bands 满意度:\n            ≥ 90% → 6\n            < 80% → 2\n",
             [("E701", "no band of '指标' covers 满意度 = 80%")]),
    "E702": ("        bands 满意度:\n            < 90% → 2\n            90% ≤ 满意度 ≤ 100% → 6\n",
             "        bands 满意度:\n            ≤ 90% → 2\n            90% ≤ 满意度 ≤ 100% → 6\n",
             [("E702", "bands 1 and 2 of '指标' overlap: 满意度 = 90% matches both (the first one wins)")]),
    "E703": ("        bands 满意度:\n            ≥ 95% → 6\n            ≥ 90% → 4\n            otherwise → 0\n",
             "        bands 满意度:\n            ≥ 90% → 4\n            ≥ 95% → 6\n            otherwise → 0\n",
             [("E703", "band 2 of '指标' can never match: every value it covers is taken by band 1 first")]),
    "E704": ("        bands 满意度:\n            ≥ 95% → 6\n            otherwise → 0\n",
             "        bands 满意度:\n            ≥ 95 → 6\n            otherwise → 0\n",
             [("E704", "the threshold 95 is outside the values 满意度 can take ([0%, 100%])")]),
    "W705": ("        bands 满意度:\n            ≥ 95% → 6\n            ≥ 90% → 4\n            otherwise → 1\n",
             "        bands 满意度:\n            ≥ 95% → 6\n            ≥ 90% → 1\n            otherwise → 4\n",
             [("W705", ("the points of '指标' go up and down as 满意度 rises: 4 for [0%, 90%), 1 for "
                        "[90%, 95%), 6 for [95%, 100%]"))]),
    "E711": ("        increasing in 满意度\n        bands 满意度:\n            ≥ 95% → 6\n            otherwise → 1\n",
             "        increasing in 满意度\n        bands 满意度:\n            ≥ 95% → 1\n            otherwise → 6\n",
             [("E711", ("'指标' is declared increasing in 满意度, but its score falls from 6 to 1 when 满意度 "
                        "rises from 0% to 100%"))]),
    "E712": ("        decreasing in 未完成重点工作数\n        deduct 3 per 未完成重点工作数\n",
             "        decreasing in 满意度\n        deduct 3 per 未完成重点工作数\n",
             [("E712", "'指标' is declared decreasing in 满意度, but its rules do not read it")]),
}


@pytest.mark.parametrize("code", GOOD_AND_BAD)
def test_good_variant_is_clean_and_bad_variant_is_reported(code):
    good, bad, expected = GOOD_AND_BAD[code]
    unused = {"W201"}  # the inputs the indicator leaves unread
    assert [f for f in findings(good) if f[0] not in unused] == []
    assert [f for f in findings(bad) if f[0] not in unused] == expected


def test_w503_when_the_interval_is_too_wide_and_no_counterexample_exists():
    # (满意度 − 50%)² × 24 lies in [0, 6], but interval arithmetic sees [−6, 6]
    squared = "        formula: (满意度 − 50%) × (满意度 − 50%) × 24\n"
    found = [f for f in findings(squared) if f[0] != "W201"]
    assert [code for code, _ in found] == ["W503"]
    assert "'指标'" in found[0][1] and "below 0" in found[0][1]
    assert [f for f in findings("        formula: abs(满意度 − 50%) × 12\n") if f[0] != "W201"] == []


def test_the_counterexample_of_a_bound_is_the_simplest_found():
    analysis = rulecheck.analyze_text(HEAD + GOOD_AND_BAD["E501"][1])
    (finding,) = [d for d in analysis.diagnostics if d.code == "E501"]
    assert finding.example == ("按计划时间完成项目数: 2", "计划完成项目数: 1")


def test_a_count_table_that_falls_step_by_step_is_proved_and_not_out_of_order():
    table = ("        bands 未完成重点工作数:\n            = 0 → 6\n            = 1 → 3\n            otherwise → 0\n")
    assert [f for f in findings(table) if f[0] != "W201"] == []
    analysis = rulecheck.analyze_text(HEAD + "        decreasing in 未完成重点工作数\n" + table)
    (leaf,) = [proof for proof in analysis.proof.nodes if isinstance(proof.node, ast.Indicator)]
    assert [status for _, status in leaf.directions] == ["proved"]


def test_a_grade_direction_means_towards_the_first_listed_value():
    text = """\
total 3
rounding 2 decimals half-up
inputs:
    公开情况: grade(按规定公开, 公开但不完全符合, 未公开)
indicator 预算公开 (3):
    increasing in 公开情况
    bands 公开情况:
        按规定公开 → POINTS
        公开但不完全符合 → 2
        未公开 → 0
"""
    good = rulecheck.analyze_text(text.replace("POINTS", "3"))
    assert good.diagnostics == []
    bad = rulecheck.analyze_text(text.replace("POINTS", "1"))
    assert [(d.code, d.message) for d in bad.diagnostics] == [
        ("E711", ("'预算公开' is declared increasing in 公开情况, but its score falls from 2 to 1 when 公开情况 "
                  "rises from 公开但不完全符合 to 按规定公开"))]


# ---- a grade's band table: its values are listed best first -------------------------------------------

GRADED = """\
framework "公开"
total 1.5
rounding 2 decimals half-up
inputs:
    公开情况: grade(按规定公开, 公开但不完全符合, 未公开)
indicator 部门预算公开 (1.5):
    {direction} in 公开情况
    bands 公开情况:
        按规定公开 → {best}
        公开但不完全符合 → 1
        未公开 → {worst}
"""


def test_a_grade_table_whose_points_fall_towards_the_last_value_is_proved_increasing():
    analysis = rulecheck.analyze_text(GRADED.format(direction="increasing", best="1.5", worst="0"))
    assert analysis.diagnostics == []
    (proof,) = analysis.proof.nodes
    assert proof.value.dirs == {"公开情况": 1} and [s for _, s in proof.directions] == ["proved"]


def test_a_grade_table_upside_down_is_refuted_with_two_departments():
    analysis = rulecheck.analyze_text(GRADED.format(direction="increasing", best="0", worst="1.5"), "g.rules")
    (finding,) = analysis.diagnostics
    assert (finding.code, finding.location()) == ("E711", "g.rules:7:5")
    assert finding.message == ("'部门预算公开' is declared increasing in 公开情况, but its score falls from 1.5 to 1 "
                               "when 公开情况 rises from 未公开 to 公开但不完全符合")
    assert finding.example == ("# department A: 部门预算公开 = 1.5", "公开情况: 未公开",
                               "# department B: 部门预算公开 = 1", "公开情况: 公开但不完全符合")


def test_a_grade_table_that_goes_up_and_down_is_neither_way():
    analysis = rulecheck.analyze_text(GRADED.format(direction="decreasing", best="1.5", worst="1.5"))
    (proof,) = analysis.proof.nodes
    assert proof.value.dirs == {"公开情况": None}
    assert [d.code for d in analysis.diagnostics] == ["E711"]
