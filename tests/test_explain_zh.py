"""Explanations in Chinese: every line a Chinese evaluator's sentence (得 6 分, 扣分 …, 清单合计得 7 分),
the language chosen when the explanation is made, with the same lines and spans as in English."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck import i18n
from rulecheck.cli import main
from rulecheck.diagnostics import EvaluationError
from rulecheck.evaluate import evaluate
from rulecheck.i18n import speaking
from rulecheck.language import BUILTINS, CONNECTIVES
from rulecheck.syntax import ast
from rulecheck.syntax.printer import format_value

ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def rule_words(ruleset) -> set[str]:
    """The ASCII words an explanation may show in any language: those of the names the rule file
    declares (inputs, their grade values, derived values, indicators, parts, grades) and of its syntax
    inside a filled-in formula or condition (and, or, not, min, sum, …)."""
    program = ruleset.program
    names = [decl.name for decl in program.inputs] + [v for decl in program.inputs for v in decl.type.values]
    names += [let.name for let in program.lets] + [band.grade for band in program.grades]
    for item, _parents in ast.iter_nodes(program.nodes):
        names.append(item.name)
        names += [part.name for part in getattr(item, "parts", ())]
    return {word for name in names for word in ENGLISH_WORD.findall(name)} | set(CONNECTIVES) | {"not"} | set(BUILTINS)


def english_words(lines, allowed: set[str]) -> list[tuple[str, str]]:
    return [(word, line) for line in lines for word in ENGLISH_WORD.findall(line) if word not in allowed]


def all_steps(result) -> list:
    return [step for leaf in result.leaves() for step in leaf.explanation] + [result.grade_step]


@pytest.fixture(scope="module")
def chinese(framework, case_facts):
    with speaking("zh"):
        return framework.evaluate(case_facts, all_rows=True)


def test_every_line_of_the_shenzhen_case_is_chinese(framework, chinese):
    assert english_words(all_steps(chinese), rule_words(framework)) == []


def test_the_english_explanation_has_english_words(framework, case_facts):
    """The check above can fail: the same lines in English are full of English words."""
    english = framework.evaluate(case_facts, all_rows=True)
    assert {word for word, _line in english_words(all_steps(english), rule_words(framework))} >= {
        "band", "matched", "tried", "points", "earned", "part", "parts", "deduct", "start", "where", "grade"}


def test_chinese_has_the_lines_and_spans_of_english(framework, case_facts, chinese):
    english = framework.evaluate(case_facts, all_rows=True)
    for ours, theirs in zip(chinese.leaves(), english.leaves(), strict=True):
        assert [step.span for step in ours.explanation] == [step.span for step in theirs.explanation], ours.name
    assert chinese.grade_step.span == english.grade_step.span
    assert chinese.scores() == english.scores()


def test_a_band_table_says_the_row_that_matched_with_its_value(chinese):
    assert chinese["公众或服务对象满意度"].explanation == (
        "满意度 = 96%",
        "第 1 档: 满意度 96% ≥ 95%, 得 6 分",
        "第 2 档: 90% ≤ 满意度 < 95% → 4   未判断",
        "第 3 档: 80% ≤ 满意度 < 90% → 2   未判断",
        "第 4 档: < 80% → 1   未判断",
    )
    assert chinese["编外人员控制率"].explanation[-3:] == (
        "第 1 档: < 5% → 1   不满足",
        "第 2 档: 5% ≤ 编外人员比率 6.666667…% ≤ 10%, 得 0.5 分",
        "第 3 档: > 10% → 0   未判断",
    )
    assert chinese["政府采购执行情况"].explanation == (
        "第 1 档: 实际政府采购金额 ≤ 政府采购预算金额 [6000 ≤ 6500], 得 2 分",
        "第 2 档: 其他情况 → 0   未判断",
    )


def test_checklists_parts_and_assessed_scores_in_chinese(chinese):
    assert chinese["绩效目标完整性"].explanation == ("✓ 绩效目标全覆盖, 得 3 分", "清单合计得 3 分")
    assert chinese["绩效指标明确性"].explanation[-1] == "清单合计得 7 分"
    assert "✓ 主管部门开展有效检查监控 and 有检查监督证明材料 and 专项资金绩效评价结果 ≠ 差 [是 and 是 and 未评价 ≠ 差], " \
           "得 1 分" in chinese["项目监管"].explanation
    compliance = chinese["财务合规性"].explanation
    assert compliance[0] == "分项 资金支出规范性 (1 分): 得 1 分"
    assert "  其中 调整调剂率 = 调整资金 ÷ 年初预算 = 502.42 ÷ 10339.11 = 4.859412…%" in compliance
    assert "  评价得分 会计核算规范性评分 = 1 (取值 0 至 1)" in compliance
    assert compliance[-1] == "各分项合计 = 3"
    assert chinese["预算执行率"].explanation[-1] == "4.52005 四舍五入为 4.52"
    assert chinese.grade_step == "等级: 总分 97.83 ≥ 90, 评为 优"


ADJUSTMENT = """\
framework "调剂"
total 2

inputs:
    调整调剂率: percent from 0% to 100%
    完成: bool
    未完成数: count

group G (2):
    indicator 资金调整调剂规范性 (1):
        deduct 0.1 per 1% of 调整调剂率 above 10%
        floor 0
    indicator 完成情况 (1):
        checklist:
            完成 → 0.5
            未完成数 = 0 → 0.5
"""


@pytest.fixture(scope="module")
def adjustment():
    return rulecheck.loads(ADJUSTMENT, "调剂.rules")


def test_a_deduction_counts_percentage_points(adjustment):
    with speaking("zh"):
        result = adjustment.evaluate({"调整调剂率": "14.2%", "完成": False, "未完成数": 2})
    assert result["资金调整调剂规范性"].explanation == (
        "从 1 分起扣",
        "扣分: 调整调剂率 14.2% 超出 10% 共 4.2 个百分点 × 0.1 = 0.42 分",
        "最低 0 分: 得分 = max(1 − 0.42, 0) = 0.58",
    )
    assert result["完成情况"].explanation == (
        "✗ 完成, 未得分", "✗ 未完成数 = 0 [2 = 0], 未得分", "清单合计得 0 分")


def test_a_value_that_does_not_pass_the_threshold_takes_nothing_off(adjustment):
    facts = {"调整调剂率": "10%", "完成": True, "未完成数": 0}
    with speaking("zh"):
        assert adjustment.evaluate(facts)["资金调整调剂规范性"].explanation[1] == \
            "扣分: 调整调剂率 10% 未超出 10%, 不扣分 (超出部分每 1 个百分点扣 0.1 分)"
    assert adjustment.evaluate(facts)["资金调整调剂规范性"].explanation[1] == \
        "deduct 0.1 per 1% of 调整调剂率 above 10%: 调整调剂率 = 10%, not above 10% → −0"


def test_the_english_deduction_multiplies_its_units_by_the_amount(adjustment):
    result = adjustment.evaluate({"调整调剂率": "14.2%", "完成": True, "未完成数": 0})
    assert result["资金调整调剂规范性"].explanation[1] == \
        "deduct 0.1 per 1% of 调整调剂率 above 10%: 调整调剂率 = 14.2%, 4.2 × 0.1 → −0.42"
    assert result["完成情况"].explanation[-1] == "points earned: 1"


def test_the_language_is_the_one_spoken_when_the_explanation_is_made(adjustment):
    facts = {"调整调剂率": "12%", "完成": True, "未完成数": 0}
    with speaking("zh"):
        chinese = adjustment.evaluate(facts)["完成情况"].explanation
    assert adjustment.evaluate(facts)["完成情况"].explanation == ("✓ 完成 → +0.5", "✓ 未完成数 = 0 → +0.5   [0 = 0]",
                                                                  "points earned: 1")
    assert chinese == ("✓ 完成, 得 0.5 分", "✓ 未完成数 = 0 [0 = 0], 得 0.5 分", "清单合计得 1 分")


def test_scores_alone_translate_nothing(adjustment, monkeypatch):
    facts = adjustment.validate({"调整调剂率": "14.2%", "完成": True, "未完成数": 0})

    def refuse(lang):
        raise AssertionError("a message was translated for scores alone")
    monkeypatch.setattr(i18n, "translations", refuse)
    with speaking("zh"):
        result = evaluate(adjustment.compiled, facts, explain=False)
    assert str(result["资金调整调剂规范性"].score) == "0.58" and result["完成情况"].explanation == ()


def test_a_boolean_is_spoken_in_explanations_and_written_as_facts_write_it():
    with speaking("zh"):
        assert (format_value(True, spoken=True), format_value(False, spoken=True)) == ("是", "否")
        assert (format_value(True), format_value(False)) == ("true", "false")  # facts lines, rule text
    assert format_value(True, spoken=True) == "true"


FAILING = """\
framework "失败"
total 2

inputs:
    a: number from 0 to 10
    b: number from 0 to 10

group G (2):
    indicator 比率 (1):
        formula: min(a / b, 1)
    indicator 分档 (1):
        bands a:
            ≥ 5 → 1
            ≥ 2 → 0.5
"""


def test_scoring_errors_are_chinese():
    rules = rulecheck.loads(FAILING, "失败.rules")
    with speaking("zh"), pytest.raises(EvaluationError) as raised:
        rules.evaluate({"a": 1, "b": 0})
    messages = sorted(d.message for d in raised.value.diagnostics)
    assert messages == ["'分档' 没有一档满足: a = 1", "除数为零: 'b' 为 0 (计算 '比率' 的得分时)"]
    assert english_words([m for d in raised.value.diagnostics for m in (d.message, d.hint or "")],
                         {"a", "b", "min", "otherwise"}) == []


def test_the_explain_command_speaks_chinese_only(framework, framework_path, case_path):
    result = CliRunner().invoke(main, ["explain", "--lang", "zh", str(framework_path), str(case_path)])
    assert result.exit_code == 0, result.output
    lines = [line.split(None, 1)[1] for line in result.stdout.splitlines() if line.strip()]  # no file:line
    assert english_words(lines, rule_words(framework)) == []
    assert "部门决策 / 预算编制 / 预算编制合理性 (5 分)" in lines
    assert "得分 4.52 / 满分 6" in lines
    assert "预算编制 = 预算编制合理性 5.00 + 预算编制规范性 5.00 = 10.00 / 满分 10" in lines
    assert lines[-2:] == ["总分 = 部门决策 20.00 + 部门管理 19.50 + 部门绩效 58.33 = 97.83 / 满分 100",
                          "等级: 总分 97.83 ≥ 90, 评为 优"]


def test_the_english_command_says_points(framework_path, case_path):
    result = CliRunner().invoke(main, ["explain", "--lang", "en", str(framework_path), str(case_path)])
    assert result.exit_code == 0, result.output
    assert "items earned" not in result.stdout
    assert "framework.rules:143    points earned: 7" in result.stdout.splitlines()
