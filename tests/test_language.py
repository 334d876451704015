"""Every construct of the rule-file language: parsed with `rulecheck.loads`, scored on Python facts.

Expected scores are worked out by hand in the comments; explanations are checked line by line where
the wording matters (the band that matched, a formula with its values filled in, deduction steps).
"""

from __future__ import annotations

import textwrap
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rulecheck
from rulecheck.syntax import ast

D = Decimal
HEADER = 'framework "测试"\nrounding 2 decimals half-up\n'


def rules(text: str, *, total=None, header: str = HEADER) -> rulecheck.Ruleset:
    """Load a small rule file; `total` defaults to the sum of the top-level points (given by the caller)."""
    body = textwrap.dedent(text).strip("\n") + "\n"
    head = header + (f"total {total}\n" if total is not None else "")
    return rulecheck.loads(head + body)


def leaf(rule: str, points="10", inputs: str = "", lets: str = "", name: str = "X") -> rulecheck.Ruleset:
    """A framework with a single indicator `name` worth `points`, scored by `rule`."""
    rule = textwrap.indent(textwrap.dedent(rule).strip("\n"), "    ")
    text = ""
    if inputs:
        text += "inputs:\n" + textwrap.indent(textwrap.dedent(inputs).strip("\n"), "    ") + "\n"
    if lets:
        text += textwrap.dedent(lets).strip("\n") + "\n"
    text += f"indicator {name} ({points}):\n{rule}\n"
    return rulecheck.loads(HEADER + f"total {points}\n" + text)


def score(ruleset: rulecheck.Ruleset, facts=None, name: str = "X") -> Decimal:
    value = ruleset.evaluate(facts or {})[name].score
    assert isinstance(value, Decimal)
    return value


def explain(ruleset: rulecheck.Ruleset, facts=None, name: str = "X") -> tuple:
    return ruleset.evaluate(facts or {})[name].explanation


# ---- the tree ------------------------------------------------------------------------------------

def test_groups_nested_three_deep_sum_their_children():
    rs = rules("""
        inputs:
            a: bool
            b: bool
        group 一级 (10):
            group 二级 (6):
                group 三级 (4):
                    indicator 甲 (3):
                        checklist:
                            a → 3
                    indicator 乙 (1):
                        checklist:
                            b → 1
                indicator 丙 (2):
                    formula: 2
            indicator 丁 (4):
                formula: 1.5
    """, total=10)
    result = rs.evaluate({"a": True, "b": False})
    assert result.scores() == {"一级": D("6.5"), "二级": D("5"), "三级": D("3"), "甲": D("3"), "乙": D("0"),
                               "丙": D("2"), "丁": D("1.5")}
    assert result.total == D("6.50")
    depths = {node.name: depth for depth, node in result.walk()}
    assert depths == {"一级": 0, "二级": 1, "三级": 2, "甲": 3, "乙": 3, "丙": 2, "丁": 1}
    assert [n.kind for _, n in result.walk()][:3] == ["group", "group", "group"]
    assert rs.program.nodes[0].children[0].children[0].children[0].name == "甲"


def test_quoted_names_may_hold_punctuation_and_spaces():
    rs = rules("""
        inputs:
            "完成率 (%)，含追加": percent
        group "社会效益、经济效益、生态效益等" (5):
            indicator "指标: a/b × 5" (5):
                formula: "完成率 (%)，含追加" × 5
    """, total=5)
    result = rs.evaluate({"完成率 (%)，含追加": "50%"})
    assert result["指标: a/b × 5"].score == D("2.50")
    assert result["社会效益、经济效益、生态效益等"].score == D("2.50")
    assert result["指标: a/b × 5"].explanation[0] == '"完成率 (%)，含追加" × 5 = 50% × 5 = 2.5'


def test_chinese_quotation_marks_are_part_of_a_bare_name():
    rs = leaf("formula: “三公”经费比率 × 3", points=3,
              inputs="“三公”经费实际支出: amount\n《预算》数: amount",
              lets="let “三公”经费比率 = “三公”经费实际支出 / 《预算》数")
    assert set(rs.inputs) == {"“三公”经费实际支出", "《预算》数"}
    assert score(rs, {"“三公”经费实际支出": 1, "《预算》数": 4}) == D("0.75")


# ---- inputs and their types ----------------------------------------------------------------------

INPUT_TYPES = """
    n: number from -5 to 5
    c: count from 0 to 10
    m: amount from 0
    p: percent from 0% to 200%
    b: bool
    g: grade(优, 良, 差)
    s: score from 0 to 4
"""


def test_every_input_type_and_domain_parses():
    rs = leaf("assessed s", points=4, inputs=INPUT_TYPES)
    decls = rs.inputs
    assert {name: d.type.kind for name, d in decls.items()} == {
        "n": "number", "c": "count", "m": "amount", "p": "percent", "b": "bool", "g": "grade", "s": "score"}
    assert decls["n"].low == ast.Number(D(-5)) and decls["n"].high == ast.Number(D(5))
    assert decls["c"].low.value == 0 and decls["c"].high.value == 10
    assert decls["m"].low.value == 0 and decls["m"].high is None
    assert decls["p"].low == ast.Number(D(0), True) and decls["p"].high == ast.Number(D(2), True)
    assert decls["b"].low is None and decls["b"].high is None
    assert decls["g"].type.values == ("优", "良", "差")
    assert decls["s"].low.value == 0 and decls["s"].high.value == 4


def test_every_input_type_is_used_in_a_score():
    rs = rules("""
        inputs:
            n: number from -5 to 5
            c: count from 0 to 10
            cmax: count from 1
            m: amount from 0
            total_m: amount from 1
            p: percent from 0% to 200%
            b: bool
            g: grade(优, 良, 差)
            s: score from 0 to 4
        indicator 数 (2):
            formula: clamp(n, 0, 2)
        indicator 个 (2):
            formula: c / cmax × 2
        indicator 钱 (2):
            formula: min(m / total_m, 1) × 2
        indicator 比 (2):
            formula: min(p, 100%) × 2
        indicator 是 (2):
            checklist:
                b → 2
        indicator 档 (2):
            bands g:
                优 → 2
                良 → 1
                差 → 0
        indicator 评 (4):
            assessed s
    """, total=16)
    facts = {"n": D("1.5"), "c": 7, "cmax": 10, "m": D("250.5"), "total_m": 1000, "p": "96.5%", "b": "是", "g": "良",
             "s": D("3.5")}
    result = rs.evaluate(facts)
    assert result.scores() == {"数": D("1.50"), "个": D("1.40"), "钱": D("0.50"), "比": D("1.93"), "是": D("2.00"),
                               "档": D("1.00"), "评": D("3.50")}
    assert result.total == D("11.83")


@pytest.mark.parametrize("raw, expected", [("96%", D("0.96")), ("96％", D("0.96")), (D("0.96"), D("0.96")),
                                           ("0.96", D("0.96")), (1, D(1)), (0, D(0))])
def test_percent_facts_accept_strings_fractions_and_full_width_percent(raw, expected):
    rs = leaf("formula: p × 100", points=100, inputs="p: percent from 0% to 100%")
    assert score(rs, {"p": raw}) == (expected * 100).quantize(D("0.01"))


@pytest.mark.parametrize("raw, expected", [(True, 1), (False, 0), ("true", 1), ("否", 0), ("是", 1)])
def test_bool_facts(raw, expected):
    rs = leaf("checklist:\n    ok → 1", points=1, inputs="ok: bool")
    assert score(rs, {"ok": raw}) == expected


def test_a_score_input_is_taken_as_given():
    rs = leaf("assessed s", points=5, inputs="s: score from 0 to 5")
    assert score(rs, {"s": D("4.25")}) == D("4.25")
    assert explain(rs, {"s": 3}) == ("assessed score s = 3 (range 0 to 5)",)


# ---- derived values ------------------------------------------------------------------------------

def test_let_with_and_without_a_type():
    rs = leaf("formula: 比率 × 4 + 差额 / b", points=6, inputs="a: amount\nb: amount",
              lets="let 比率: percent = a / b \"a 占 b\"\nlet 差额 = b - a")
    lets = {let.name: let for let in rs.program.lets}
    assert lets["比率"].type == ast.TypeSpec("percent") and lets["比率"].description == "a 占 b"
    assert lets["差额"].type is None and lets["差额"].description is None
    # 30/40 × 4 + (40 − 30)/40 = 3 + 0.25
    assert score(rs, {"a": 30, "b": 40}) == D("3.25")
    lines = explain(rs, {"a": 30, "b": 40})
    assert "where 比率 = a ÷ b = 30 ÷ 40 = 75%" in lines
    assert "where 差额 = b − a = 40 − 30 = 10" in lines


def test_a_let_may_use_another_let_declared_later():
    rs = leaf("formula: 外 × 2", points=4, inputs="a: number", lets="let 外 = 内 / 2\nlet 内 = a + 1")
    # 内 = 1 + 1 = 2, 外 = 2 / 2 = 1, score 1 × 2
    assert score(rs, {"a": 1}) == D("2.00")


# ---- literals and arithmetic ---------------------------------------------------------------------

@pytest.mark.parametrize("literal, value, is_percent", [
    ("95%", D("0.95"), True), ("0.95", D("0.95"), False), ("1.5", D("1.5"), False), ("100%", D(1), True),
    ("12.5%", D("0.125"), True), ("7", D(7), False)])
def test_literals(literal, value, is_percent):
    rs = leaf(f"formula: {literal} × 1", points=10)
    number = rs.program.nodes[0].rule.expr.left
    assert number == ast.Number(value, is_percent)
    assert isinstance(number.value, Decimal)
    assert score(rs) == value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("expr, expected", [
    ("30 ÷ 31 × 6", "5.81"),
    ("30 / 31 * 6", "5.81"),
    ("10 − 2 − 3", "5.00"),            # left-associative
    ("10 - (2 - 3)", "11.00"),
    ("12 ÷ 2 ÷ 3", "2.00"),            # left-associative
    ("12 / (2 * 3)", "2.00"),
    ("1 + 2 × 3", "7.00"),             # × binds tighter than +
    ("(1 + 2) × 3", "9.00"),
    ("2 × 3 − 4 ÷ 2", "4.00"),
    ("−2 × −3", "6.00"),
    ("-(1 - 4) * 2", "6.00"),
    ("1 + 2 * 3 - 4 / 8", "6.50"),
    ("（1 + 2）× 3", "9.00"),          # full-width parentheses
    ("0.1 + 0.2", "0.30"),            # exact decimals: no 0.30000000000000004
])
def test_arithmetic_both_symbol_sets_precedence_and_parentheses(expr, expected):
    rs = leaf(f"formula: {expr}", points=20)
    assert score(rs) == D(expected)


def test_scores_are_exact_decimals():
    rs = leaf("formula: a ÷ b × 6", points=6, inputs="a: count\nb: count")
    result = rs.evaluate({"a": 30, "b": 31})
    value = result["X"].score
    assert type(value) is Decimal and value == D("5.81") and str(value) == "5.81"
    assert type(result.total) is Decimal and str(result.total) == "5.81"
    for _, node in result.walk():
        assert type(node.score) is Decimal and type(node.max) is Decimal
    assert result["X"].explanation == ("a ÷ b × 6 = 30 ÷ 31 × 6 = 5.806452…", "5.806452… rounded to 5.81")


def test_the_formula_explanation_keeps_needed_parentheses():
    rs = leaf("formula: (a + b) / (a - b + c) * 2", points=10, inputs="a: number\nb: number\nc: number")
    assert explain(rs, {"a": 3, "b": 1, "c": 2}) == ("(a + b) ÷ (a − b + c) × 2 = (3 + 1) ÷ (3 − 1 + 2) × 2 = 2",)


@pytest.mark.parametrize("expr, expected", [
    ("min(3, 1.5, 2)", "1.50"), ("max(3, 1.5, 2)", "3.00"), ("sum(1, 2, 3.25)", "6.25"),
    ("average(1, 2, 4)", "2.33"), ("average(2, 3)", "2.50"), ("avg(1, 3)", "2.00"), ("mean(1, 2)", "1.50"),
    ("clamp(12, 0, 10)", "10.00"), ("clamp(-1, 0, 10)", "0.00"), ("clamp(4.5, 0, 10)", "4.50"),
    ("abs(-2.5)", "2.50"), ("abs(1 - 4)", "3.00"), ("min(1)", "1.00"), ("max(2 × 3, 5)", "6.00"),
])
def test_functions(expr, expected):
    assert score(leaf(f"formula: {expr}", points=10)) == D(expected)


def test_functions_on_inputs():
    rs = leaf("formula: min(a / 25%, 1) × 2 + average(a, b) × 2", points=4,
              inputs="a: percent\nb: percent")
    # min(0.2/0.25, 1) × 2 + (0.2 + 0.6)/2 × 2 = 1.6 + 0.8
    assert score(rs, {"a": "20%", "b": "60%"}) == D("2.40")
    assert explain(rs, {"a": "20%", "b": "60%"})[0] == (
        "min(a ÷ 25%, 1) × 2 + average(a, b) × 2 = min(20% ÷ 25%, 1) × 2 + average(20%, 60%) × 2 = 2.4")


# ---- comparisons and logic -----------------------------------------------------------------------

@pytest.mark.parametrize("condition, x, holds", [
    ("x ≥ 95%", "95%", True), ("x >= 95%", "94.99%", False),
    ("x ≤ 90%", "90%", True), ("x <= 90%", "90.01%", False),
    ("x > 90%", "90%", False), ("x < 90%", "89%", True),
    ("x = 50%", "50%", True), ("x == 50%", "50.5%", False),
    ("x ≠ 50%", "50%", False), ("x != 50%", "51%", True),
    ("90% ≤ x < 95%", "90%", True), ("90% ≤ x < 95%", "95%", False), ("90% <= x < 95%", "92%", True),
    ("90% ≤ x < 95%", "89.99%", False), ("0% < x ≤ 10% ≤ 10%", "10%", True),
    ("x = 0.5", "50%", True),
])
def test_comparisons_both_symbol_sets_and_chains(condition, x, holds):
    rs = leaf(f"checklist:\n    {condition} → 1", points=1, inputs="x: percent")
    assert score(rs, {"x": x}) == (1 if holds else 0)


def test_a_chained_comparison_is_one_node():
    rs = leaf("checklist:\n    90% ≤ x < 95% → 1", points=1, inputs="x: percent")
    condition = rs.program.nodes[0].rule.items[0].condition
    assert condition == ast.Compare((ast.Number(D("0.9"), True), ast.Ref("x"), ast.Number(D("0.95"), True)),
                                    ("<=", "<"))


@pytest.mark.parametrize("a, b, c, expected", [
    (True, True, True, 1), (True, False, True, 1), (True, False, False, 1), (False, True, False, 1),
    (False, False, True, 2), (False, False, False, 2)])
def test_and_or_not(a, b, c, expected):
    rs = leaf("""
        checklist:
            a and b or c → 1
            not a → 1
            a and not (b or c) or not a and not b and not c → 1
    """, points=3, inputs="a: bool\nb: bool\nc: bool")
    assert score(rs, {"a": a, "b": b, "c": c}) == expected


def test_and_binds_tighter_than_or_and_chains_flatten():
    rs = leaf("checklist:\n    a or b and c and a → 1", points=1, inputs="a: bool\nb: bool\nc: bool")
    condition = rs.program.nodes[0].rule.items[0].condition
    assert condition == ast.BoolOp("or", (ast.Ref("a"), ast.BoolOp("and", (ast.Ref("b"), ast.Ref("c"), ast.Ref("a")))))


# ---- band tables ---------------------------------------------------------------------------------

SATISFACTION = """
    bands 满意度:
        ≥ 95% → 6
        90% ≤ 满意度 < 95% → 4
        80% ≤ 满意度 < 90% → 2
        < 80% → 1
"""


@pytest.mark.parametrize("value, expected", [
    ("100%", 6), ("95%", 6), ("94.99%", 4), ("90%", 4), ("89.99%", 2), ("80%", 2), ("79.99%", 1), ("0%", 1)])
def test_bands_partial_and_full_rows_boundaries(value, expected):
    rs = leaf(SATISFACTION, points=6, inputs="满意度: percent from 0% to 100%")
    assert score(rs, {"满意度": value}) == expected


def test_bands_explanation_names_the_matching_row():
    rs = leaf(SATISFACTION, points=6, inputs="满意度: percent from 0% to 100%")
    assert explain(rs, {"满意度": "90%"}) == (
        "满意度 = 90%",
        "band 1: ≥ 95% → 6   no",
        "band 2: 90% ≤ 满意度 90% < 95% → 4   matched",
    )
    assert explain(rs, {"满意度": "95%"}) == ("满意度 = 95%", "band 1: 满意度 95% ≥ 95% → 6   matched")


def test_a_partial_row_compares_the_subject():
    rs = leaf(SATISFACTION, points=6, inputs="满意度: percent from 0% to 100%")
    first = rs.program.nodes[0].rule.bands[0]
    assert first.condition == ast.Compare((ast.Ref("满意度"), ast.Number(D("0.95"), True)), (">=",))
    assert rs.program.nodes[0].rule.subject == ast.Ref("满意度")


def test_bands_without_a_subject_and_otherwise():
    rs = leaf("""
        bands:
            实际 ≤ 预算 → 2
            实际 ≤ 预算 × 1.1 → 1
            otherwise → 0
    """, points=2, inputs="实际: amount\n预算: amount")
    assert score(rs, {"实际": 100, "预算": 100}) == 2
    assert score(rs, {"实际": 110, "预算": 100}) == 1
    assert score(rs, {"实际": D("110.01"), "预算": 100}) == 0
    assert explain(rs, {"实际": 105, "预算": 100}) == (
        "band 1: 实际 ≤ 预算 → 2   [105 ≤ 100]   no",
        "band 2: 实际 ≤ 预算 × 1.1 → 1   [105 ≤ 100 × 1.1]   matched",
    )
    assert explain(rs, {"实际": 200, "预算": 100})[-1] == "band 3: otherwise → 0   matched"
    assert rs.program.nodes[0].rule.bands[-1].condition is None


def test_bands_over_a_grade_with_bare_values():
    rs = leaf("""
        bands 公开情况:
            按规定公开 → 1.5
            公开但不完全符合 → 1
            未公开 → 0
    """, points=1.5, inputs="公开情况: grade(按规定公开, 公开但不完全符合, 未公开)")
    assert score(rs, {"公开情况": "按规定公开"}) == D("1.5")
    assert score(rs, {"公开情况": "公开但不完全符合"}) == 1
    assert score(rs, {"公开情况": "未公开"}) == 0
    assert explain(rs, {"公开情况": "公开但不完全符合"}) == (
        "公开情况 = 公开但不完全符合",
        "band 1: 按规定公开 → 1.5   no",
        "band 2: 公开情况 = 公开但不完全符合 → 1   matched",
    )


def test_a_band_table_with_no_matching_row_is_an_evaluation_error():
    rs = leaf("bands x:\n    ≥ 90% → 1\n    < 50% → 0", points=1, inputs="x: percent")
    with pytest.raises(rulecheck.EvaluationError) as caught:
        rs.evaluate({"x": "60%"})
    assert [d.code for d in caught.value.diagnostics] == ["E602"]


# ---- formulas, checklists, deductions, parts -----------------------------------------------------

def test_formula_uses_values_and_is_explained_with_them():
    rs = leaf("formula: 按时完成 / 计划 × 6", points=6, inputs="按时完成: count\n计划: count")
    assert score(rs, {"按时完成": 31, "计划": 31}) == 6
    assert explain(rs, {"按时完成": 30, "计划": 31}) == (
        "按时完成 ÷ 计划 × 6 = 30 ÷ 31 × 6 = 5.806452…", "5.806452… rounded to 5.81")


def test_checklist_sums_the_items_that_hold():
    rs = leaf("""
        checklist:
            有制度 → 2
            率 ≥ 95% → 1
            有制度 and 次数 = 0 → 1
    """, points=4, inputs="有制度: bool\n率: percent\n次数: count")
    assert score(rs, {"有制度": True, "率": "95%", "次数": 0}) == 4
    assert score(rs, {"有制度": True, "率": "94%", "次数": 1}) == 2
    assert score(rs, {"有制度": False, "率": "99%", "次数": 0}) == 1
    assert explain(rs, {"有制度": True, "率": "94%", "次数": 0}) == (
        "✓ 有制度 → +2",
        "✗ 率 ≥ 95% → +0   [94% ≥ 95%]",
        "✓ 有制度 and 次数 = 0 → +1   [true and 0 = 0]",
        "points earned: 3",
    )


def test_deduct_per_count_with_floor():
    rs = leaf("deduct 4 per 未完成数\nfloor 0", points=8, inputs="未完成数: count")
    assert [score(rs, {"未完成数": n}) for n in range(4)] == [8, 4, 0, 0]
    assert explain(rs, {"未完成数": 1}) == (
        "start at 8",
        "deduct 4 per 未完成数: 未完成数 = 1, 1 × 4 → −4",
        "floor 0: score = max(8 − 4, 0) = 4",
    )


def test_deduct_without_a_floor_stops_at_zero():
    rs = leaf("deduct 3 per n", points=5, inputs="n: count")
    assert score(rs, {"n": 1}) == 2
    assert score(rs, {"n": 2}) == 0
    assert rs.program.nodes[0].rule.floor is None


def test_deduct_per_percentage_point_above_a_threshold():
    rs = leaf("deduct 0.1 per 1% of 调整率 above 10%\nfloor 0", points=1, inputs="调整率: percent")
    # within 10% → nothing; 13% → 3 points over → −0.3; 10.5% → −0.05; 25% → −1.5, floored at 0.
    assert score(rs, {"调整率": "4.86%"}) == 1
    assert score(rs, {"调整率": "10%"}) == 1
    assert score(rs, {"调整率": "13%"}) == D("0.7")
    assert score(rs, {"调整率": "10.5%"}) == D("0.95")
    assert score(rs, {"调整率": "25%"}) == 0
    step = rs.program.nodes[0].rule.steps[0]
    assert step == ast.Deduct(ast.Number(D("0.1")), ast.Ref("调整率"), ast.Number(D("0.01"), True),
                              ast.Number(D("0.1"), True), "above")
    assert explain(rs, {"调整率": "13%"}) == (
        "start at 1",
        "deduct 0.1 per 1% of 调整率 above 10%: 调整率 = 13%, 3 × 0.1 → −0.3",
        "floor 0: score = max(1 − 0.3, 0) = 0.7",
    )


def test_deduct_below_a_threshold():
    rs = leaf("deduct 1 per 1% of 执行率 below 90%", points=5, inputs="执行率: percent")
    assert score(rs, {"执行率": "95%"}) == 5
    assert score(rs, {"执行率": "90%"}) == 5
    assert score(rs, {"执行率": "88%"}) == 3
    assert score(rs, {"执行率": "87.5%"}) == D("2.5")
    assert score(rs, {"执行率": "50%"}) == 0


def test_several_deduct_lines_and_a_declared_floor():
    rs = leaf("""
        deduct 1 per n
        deduct 0.5 per 1% of rate above 10%
        deduct 2 per 1% of x below 90%
        floor 2
    """, points=10, inputs="n: count\nrate: percent\nx: percent")
    # 10 − 1×1 − 0.5×3 − 2×0.5 = 6.5
    assert score(rs, {"n": 1, "rate": "13%", "x": "89.5%"}) == D("6.5")
    # 10 − 5 − 5 − 0 = 0, floored at 2
    assert score(rs, {"n": 5, "rate": "20%", "x": "95%"}) == 2
    assert explain(rs, {"n": 1, "rate": "13%", "x": "89.5%"}) == (
        "start at 10",
        "deduct 1 per n: n = 1, 1 × 1 → −1",
        "deduct 0.5 per 1% of rate above 10%: rate = 13%, 3 × 0.5 → −1.5",
        "deduct 2 per 1% of x below 90%: x = 89.5%, 0.5 × 2 → −1",
        "floor 2: score = max(10 − 3.5, 2) = 6.5",
    )
    assert len(rs.program.nodes[0].rule.steps) == 3


def test_composite_parts_add_up():
    rs = leaf("""
        part 合规 (1):
            checklist:
                合规 → 1
        part 调剂 (1):
            deduct 0.1 per 1% of 调整率 above 10%
            floor 0
        part 公开 (1.5):
            bands 公开:
                按规定公开 → 1.5
                未公开 → 0
    """, points=3.5, inputs="合规: bool\n调整率: percent\n公开: grade(按规定公开, 未公开)")
    facts = {"合规": True, "调整率": "15%", "公开": "按规定公开"}
    assert score(rs, facts) == D("3.00")
    indicator = rs.program.nodes[0]
    assert indicator.rule is None and [p.name for p in indicator.parts] == ["合规", "调剂", "公开"]
    assert [p.points for p in indicator.parts] == [D(1), D(1), D("1.5")]
    assert explain(rs, facts) == (
        "part 合规 (1): 1",
        "  ✓ 合规 → +1",
        "  points earned: 1",
        "part 调剂 (1): 0.5",
        "  start at 1",
        "  deduct 0.1 per 1% of 调整率 above 10%: 调整率 = 15%, 5 × 0.1 → −0.5",
        "  floor 0: score = max(1 − 0.5, 0) = 0.5",
        "part 公开 (1.5): 1.5",
        "  公开 = 按规定公开",
        "  band 1: 公开 = 按规定公开 → 1.5   matched",
        "sum of parts = 3",
    )


# ---- rounding and grades -------------------------------------------------------------------------

@pytest.mark.parametrize("mode, expected", [
    ("", "4.53"), (" half-up", "4.53"), (" half-even", "4.52"), (" half-down", "4.52"), (" down", "4.52"),
    (" up", "4.53")])
def test_rounding_modes(mode, expected):
    header = f'framework "r"\nrounding 2 decimals{mode}\n'
    rs = rules("indicator X (10):\n    formula: 4.525", total=10, header=header)
    assert rs.program.rounding.mode == (mode.strip() or "half-up")
    assert str(score(rs)) == expected


def test_rounding_to_zero_decimals():
    header = 'framework "r"\nrounding 0 decimals half-up\n'
    rs = rules("""
        indicator A (10):
            formula: 4.5
        indicator B (10):
            formula: 30 / 31 × 6
    """, total=20, header=header)
    result = rs.evaluate({})
    assert str(result["A"].score) == "5" and str(result["B"].score) == "6"
    assert result.total == 11


def test_the_total_is_the_sum_of_rounded_leaves():
    # three leaves of 1/3 × 3 = 0.333… each round to 0.33; the total is 0.99, not 1.00.
    rs = rules("""
        indicator A (1):
            formula: 1 / 3
        indicator B (1):
            formula: 1 / 3
        indicator C (1):
            formula: 1 / 3
    """, total=3)
    result = rs.evaluate({})
    assert result.total == D("0.99") and str(result.total) == "0.99"


def test_a_file_without_rounding_rounds_to_two_decimals_half_up_and_warns():
    rs = rulecheck.loads("total 1\nindicator X (1):\n    formula: 0.125\n")
    assert str(rs.evaluate({})["X"].score) == "0.13"
    assert [d.code for d in rs.warnings] == ["W401"]


GRADED = """
    grades:
        ≥ 90 → 优
        ≥ 80 → 良
        ≥ 60 → 中
        otherwise → 差
    inputs:
        s: score from 0 to 100
    indicator X (100):
        assessed s
"""


@pytest.mark.parametrize("total, grade", [
    ("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"), ("60", "中"), ("59.99", "差"),
    ("0", "差")])
def test_grades_at_the_boundaries(total, grade):
    result = rules(GRADED, total=100).evaluate({"s": D(total)})
    assert result.total == D(total)
    assert result.grade == grade


def test_grades_parse_into_comparisons_of_the_total():
    rs = rules(GRADED, total=100)
    assert [g.grade for g in rs.program.grades] == ["优", "良", "中", "差"]
    assert rs.program.grades[0].condition == ast.Compare((ast.TotalScore(), ast.Number(D(90))), (">=",))
    assert rs.program.grades[-1].condition is None


def test_a_framework_without_grades_has_no_grade():
    assert rules("indicator X (1):\n    formula: 1", total=1).evaluate({}).grade is None


# ---- layout: comments, full-width punctuation, arrows --------------------------------------------

def test_comments_everywhere():
    rs = rulecheck.loads(textwrap.dedent("""\
        # a comment before everything
        framework "c"   # after the name
        total 3         # after the total
        rounding 2 decimals half-up  # after rounding
        # between statements

        grades:   # after a block opener
            # inside a block
            ≥ 2 → 好  # after a row
            otherwise → 坏
        inputs:
            a: bool     # after an input
        # between inputs and lets
            # indented comment at odd depth
        let r = 1 # after a let
        group G (3):  # after a group
            # before an indicator
            indicator X (3):  # after an indicator
                # before the rule
                checklist:   # after checklist
                    a → 2   # after an item
                    # between items
                    not a → 1
                # after the rule
        # at the end"""))
    assert score(rs, {"a": True}) == 2
    assert rs.evaluate({"a": True}).grade == "好"


def test_full_width_punctuation_and_ascii_arrows_are_accepted():
    full_width = leaf("""
        bands：
            a ≥ 90% -> 3
            a ≥ 80% => 2
            otherwise → max（1，0）
    """, points=3, inputs="a： percent")
    ascii_arrows = leaf("""
        bands:
            a >= 90% → 3
            a >= 80% → 2
            otherwise → max(1, 0)
    """, points=3, inputs="a: percent")
    assert full_width.program == ascii_arrows.program
    assert [score(full_width, {"a": v}) for v in ("95%", "85%", "10%")] == [3, 2, 1]


def test_points_may_carry_a_unit():
    rs = rules("""
        group G (3分):
            indicator X (2 points):
                formula: 2
            indicator Y (1 point):
                formula: 1
    """, total=3)
    assert rs.program.nodes[0].points == 3
    assert rs.evaluate({}).total == 3


def test_crlf_line_endings():
    rs = rulecheck.loads('framework "w"\r\ntotal 1\r\nrounding 2 decimals\r\nindicator X (1):\r\n    formula: 1\r\n')
    assert rs.evaluate({}).total == 1


def test_same_program_whatever_the_symbols():
    unicode = leaf("formula: min(a ÷ b × 6, 6) − 0\n", points=6, inputs="a: count\nb: count")
    ascii = leaf("formula: min(a / b * 6, 6) - 0\n", points=6, inputs="a: count\nb: count")
    assert unicode.program == ascii.program


# ---- directions ----------------------------------------------------------------------------------

def test_directions_parse_into_the_ast():
    rs = leaf("""
        increasing in 完成数
        decreasing in 计划数
        formula: min(完成数 / 计划数, 1) × 6
    """, points=6, inputs="完成数: count\n计划数: count from 1")
    indicator = rs.program.nodes[0]
    assert indicator.directions == (ast.Direction("increasing", ast.Ref("完成数")),
                                    ast.Direction("decreasing", ast.Ref("计划数")))
    assert isinstance(indicator.rule, ast.Formula)
    assert score(rs, {"完成数": 3, "计划数": 4}) == D("4.5")


# ---- import and extend ---------------------------------------------------------------------------

BASE = """\
framework "基础框架"
total 10
rounding 2 decimals half-up
grades:
    ≥ 9 → 优
    otherwise → 差
inputs:
    a: bool
    s: score from 0 to 4
group 一 (6):
    indicator 甲 (6):
        checklist:
            a → 6
group 二 (4):
    indicator 效益 (4):
        assessed s
"""


def test_import_inherits_the_header_inputs_and_tree(tmp_path):
    (tmp_path / "base.rules").write_text(BASE, encoding="utf-8")
    (tmp_path / "dept.rules").write_text('import "base.rules"\n', encoding="utf-8")
    rs = rulecheck.load(tmp_path / "dept.rules")
    assert rs.name == "基础框架"
    assert set(rs.inputs) == {"a", "s"}
    result = rs.evaluate({"a": True, "s": 3})
    assert result.total == 9 and result.grade == "优"


def test_extending_a_group_appends_indicators(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the project root, outside a repository: ../base.rules is inside it
    (tmp_path / "base.rules").write_text(BASE.replace("total 10", "total 12").replace("group 一 (6)", "group 一 (8)"),
                                         encoding="utf-8")
    (tmp_path / "dept").mkdir()
    (tmp_path / "dept" / "d.rules").write_text(textwrap.dedent("""\
        import "../base.rules"
        inputs:
            b: bool
        extend 一:
            indicator 乙 (2):
                checklist:
                    b → 2
    """), encoding="utf-8")
    rs = rulecheck.load(tmp_path / "dept" / "d.rules")
    group = rs.program.nodes[0]
    assert [c.name for c in group.children] == ["甲", "乙"]
    result = rs.evaluate({"a": True, "b": True, "s": 1})
    assert result["一"].score == 8 and result["乙"].score == 2 and result.total == 9


def test_extending_a_leaf_turns_it_into_a_group(tmp_path):
    (tmp_path / "base.rules").write_text(BASE, encoding="utf-8")
    (tmp_path / "dept.rules").write_text(textwrap.dedent("""\
        import "base.rules"
        inputs:
            x: count
            y: count from 1
        extend 效益:
            indicator 完成率 (3):
                formula: min(x / y, 1) × 3
            indicator 附加 (1):
                formula: 1
    """), encoding="utf-8")
    rs = rulecheck.load(tmp_path / "dept.rules")
    node = rs.program.nodes[1].children[0]
    assert isinstance(node, ast.Group) and node.name == "效益" and node.points == 4
    assert [c.name for c in node.children] == ["完成率", "附加"]
    # the leaf's own rule (assessed s) is gone, so s is no longer needed
    assert "s" not in rs.required_inputs
    result = rs.evaluate({"a": False, "x": 1, "y": 2})
    assert result["效益"].kind == "group" and result["效益"].score == D("2.5") and result.total == D("2.5")


# ---- evaluation edge cases -----------------------------------------------------------------------

def test_a_computed_band_subject_is_shown_with_its_value():
    rs = leaf("""
        bands 在用 / 总额:
            ≥ 90% → 1
            otherwise → 0
    """, points=1, inputs="在用: amount\n总额: amount from 1")
    assert explain(rs, {"在用": 3, "总额": 4}) == (
        "在用 ÷ 总额 = 3 ÷ 4 = 75%", "band 1: ≥ 90% → 1   no", "band 2: otherwise → 0   matched")


def test_a_computed_deduction_quantity_is_shown_with_its_value():
    rs = leaf("deduct 1 per 计划 - 完成", points=5, inputs="计划: count\n完成: count")
    assert explain(rs, {"计划": 5, "完成": 3})[1] == "deduct 1 per 计划 − 完成: 计划 − 完成 = 5 − 3 = 2, 2 × 1 → −2"
    assert score(rs, {"计划": 5, "完成": 3}) == 3


def test_a_score_that_rounds_to_zero_is_never_negative_zero():
    rs = leaf("formula: a - b", points=5, inputs="a: number\nb: number")
    value = score(rs, {"a": 1, "b": D("1.001")})
    assert str(value) == "0.00" and not value.is_signed()
    assert str(rs.evaluate({"a": 1, "b": D("1.001")}).total) == "0.00"


def test_a_score_a_little_above_the_maximum_that_rounds_to_it_is_accepted():
    rs = leaf("formula: a", points=6, inputs="a: number")
    assert score(rs, {"a": D("6.001")}) == 6


@pytest.mark.parametrize("facts, code", [
    ({"a": 7, "b": 1}, "E603"),                     # above the points
    ({"a": -1, "b": 1}, "E603"),                    # below 0
    ({"a": D("1E+40"), "b": 1}, "E603"),            # too many digits to round: still out of range
    ({"a": 1, "b": 0}, "E601"),                     # division by zero
])  # a fact such as 1E+999999, which would overflow exact arithmetic, is refused (F511): test_fact_limits.py
def test_evaluation_failures_are_evaluation_errors_never_python_errors(facts, code):
    rs = leaf("formula: a / b * 6", points=6, inputs="a: number\nb: number")
    with pytest.raises(rulecheck.EvaluationError) as caught:
        rs.evaluate(facts)
    assert [d.code for d in caught.value.diagnostics] == [code]
    assert caught.value.diagnostics[0].span is not None


def test_a_part_out_of_its_points_is_reported_with_the_part_name():
    rs = leaf("part P (2):\n    formula: a\npart Q (3):\n    formula: 1", points=5, inputs="a: number")
    with pytest.raises(rulecheck.EvaluationError) as caught:
        rs.evaluate({"a": D("2.5")})
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E603" and "'P' scored 2.5, above its 2 points" in diagnostic.message


def test_every_failing_indicator_is_reported_at_once():
    rs = rules("""
        inputs:
            a: count
            b: count
        indicator 甲 (6):
            formula: (b + 2) / b × 6
        indicator 乙 (6):
            formula: b / a × 6
    """, total=12)
    with pytest.raises(rulecheck.EvaluationError) as caught:
        rs.evaluate({"a": 0, "b": 5})
    assert [d.code for d in caught.value.diagnostics] == ["E603", "E601"]
    assert "乙" in caught.value.diagnostics[1].message


def test_huge_values_in_explanations_are_shown_in_scientific_notation():
    rs = leaf("formula: min(a / b, 5)", points=5, inputs="a: number\nb: number")
    assert explain(rs, {"a": D("1E+30"), "b": D("1E-30")}) == ("min(a ÷ b, 5) = min(1E+30 ÷ 1E-30, 5) = 5",)


@pytest.mark.parametrize("text, shown", [("1E-30", "1E-30"), ("1E-999999999", "1E-999999999"),
                                         ("-2.5E-7", "-2.5E-7"), ("0.0000015", "0.000002…"),
                                         ("0.000001", "0.000001")])
def test_a_tiny_number_is_shown_in_exponent_form_without_writing_its_zeros(text, shown):
    from rulecheck.syntax.printer import format_number
    assert format_number(D(text)) == shown


@settings(max_examples=2000)
@given(st.decimals(allow_nan=True, allow_infinity=True) | st.builds(
    lambda digits, exponent, sign: D((sign, tuple(int(d) for d in digits), exponent)),
    st.text("0123456789", min_size=1, max_size=30), st.integers(-12, 25), st.integers(0, 1)))
def test_a_decimal_shown_by_its_own_text_is_shown_as_the_general_path_shows_it(value):
    """format_number's shortcut (a decimal's text without trailing zeros) against the general path it skips,
    on decimals of every size, exponent, sign and zero count."""
    from rulecheck.syntax.printer import _format_number, format_number
    assert format_number(value) == _format_number(value)
