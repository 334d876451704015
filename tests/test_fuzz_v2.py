"""The generators reach the language of issue 12, and what they draw holds to it.

`strategies.drafts()` writes `award … per … / cap`, ceil/floor/round (decimals and percent steps),
`constraints:` (with facts that keep them), `date` inputs (ISO, 2024年3月31日 and date facts, day
differences, date literals), `matrix R × C:` tables, grade rows that read inputs (一票否决), and the
notation of Chinese documents (→ 6分, 且/或/非, ≧ ＜ ＝ …, ranges 80%–90%). Here: every one of them turns
up; facts that break a constraint are refused with F517, never scored; the layout writes the notation
back in the standard spelling; and the bugs the fuzzers found stay fixed. (Each leaf written with them
scores what an exact reference computes apart from rulecheck: tests/test_reference.py.)
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from strategies import declared_limits, drafts, facts_for, magnitude

import rulecheck
from rulecheck.i18n import speaking
from rulecheck.syntax.layout import layout
from rulecheck.verify import same_draws_everywhere, verify

FEATURES = {
    "an award": lambda t: re.search(r"^\s*award ", t, re.MULTILINE),
    "a cap": lambda t: re.search(r"^\s*cap ", t, re.MULTILINE),
    "an award above an allowance": lambda t: re.search(r"award .* above ", t),
    "ceil": lambda t: "ceil(" in t or "ceil（" in t,
    "floor()": lambda t: re.search(r"floor[(（]", t),
    "round": lambda t: re.search(r"round[(（]", t),
    "a percent step": lambda t: re.search(r"[,，] ?0?\.?1[%％][)）]", t),
    "a deduction of a rounded rate": lambda t: re.search(r"deduct .* of ceil", t),
    "constraints": lambda t: re.search(r"^constraints[:：]", t, re.MULTILINE),
    "a constraint on a number": lambda t: re.search(r"(≤|<=|≦) ?100[%％]", t),
    "a date input": lambda t: re.search(r"[:：] date from \d{4}-\d\d-\d\d", t),
    "a day difference": lambda t: re.search(r"max[(（]\S+ ?[−\-－] ?\S+[,，] ?0[)）]", t),
    "a date literal": lambda t: re.search(r"(≤|<=|≦) ?\d{4}-\d\d-\d\d", t),
    "a Chinese date literal": lambda t: re.search(r"\d{4}年\d{1,2}月\d{1,2}日", t),
    "a matrix": lambda t: re.search(r"^\s*matrix ", t, re.MULTILINE),
    "a veto grade row": lambda t: re.search(r"^grades[:：]\n\s+[^≥>\s＞≧][^\n]*(→|->|=>|－＞)", t, re.MULTILINE),
    "a grade row with a condition": lambda t: re.search(r"^\s+(≥|>=|≧) ?\d+(\.\d+)?分? (and|且) ", t, re.MULTILINE),
    "且": lambda t: " 且 " in t,
    "或": lambda t: " 或 " in t,
    "非": lambda t: "非 " in t,
    "分 after points": lambda t: re.search(r"→ ?\d+(\.\d+)?分$", t, re.MULTILINE) or "分):" in t,
    "a full-width operator": lambda t: any(sign in t for sign in "≧≦＞＜＝＊／"),
    "a range": lambda t: re.search(r"\d[%％]?( – |[–\-～~至])\d+(\.\d+)?[%％]? ?(→|->|=>|－＞|\|)", t),
}


def test_the_generator_draws_every_v2_construct():
    seen = set()

    @settings(max_examples=300, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck),
              derandomize=True)
    @given(drafts())
    def draw(drawn):
        seen.update(feature for feature, present in FEATURES.items() if present(drawn.text))

    with same_draws_everywhere():
        draw()
    assert sorted(set(FEATURES) - seen) == []


# ---- constraints: kept by the generated facts, refused with F517 when broken ----------------------

def constrained_files() -> st.SearchStrategy:
    return drafts().filter(lambda drawn: "constraints" in drawn.text)


@given(st.data())
@settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
def test_facts_that_break_a_constraint_are_refused_with_F517_not_scored(data):
    drawn = data.draw(constrained_files(), label="rule file")
    ruleset = rulecheck.loads(drawn.text, "generated.rules")
    facts = data.draw(facts_for(ruleset), label="facts")
    ruleset.evaluate(facts, explain=False)  # the generated facts keep every constraint
    between, below = declared_limits(ruleset)
    name = data.draw(st.sampled_from(sorted(between | below)), label="broken")
    decl = ruleset.inputs[name]
    limit = magnitude(facts[between[name]]) if name in between else below[name]
    step = Decimal(1) if decl.type.kind == "count" else Decimal("0.01") if decl.type.kind != "percent" else Decimal("0.0001")
    over = limit + step
    assume(decl.high is None or over <= decl.high.value)  # else it is outside the domain (F503)
    broken = facts | {name: f"{over * 100}%" if decl.type.kind == "percent" else over}
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.evaluate(broken, explain=False)
    assert [d.code for d in raised.value.diagnostics] == ["F517"]
    assert name in raised.value.diagnostics[0].message


# ---- verify: its generators draw dates and keep the constraints ------------------------------------

@given(drafts())
@settings(max_examples=max(5, settings().max_examples // 3),  # verify runs a search of its own per file
          suppress_health_check=[HealthCheck.nested_given, HealthCheck.too_slow])
def test_verify_finds_no_property_broken_in_a_generated_file(drawn):
    # the files are correct: every leaf within its points, every declared direction true; so verify's
    # departments (dates inside their domains, constraints kept) show none broken. Its walks may still
    # report shapes of the file (E714: an input read both ways by two parts), which are findings, not
    # broken properties.
    outcomes = verify(rulecheck.analyze_text(drawn.text, "generated.rules"), max_examples=5)
    broken = [o.diagnostic.render() for o in outcomes if o.failed and not o.finding]
    assert broken == [], "\n".join(broken) + "\n\n" + drawn.text


# ---- fmt: the notation comes back standard, and means the same ------------------------------------

@given(drafts())
def test_the_layout_writes_the_chinese_notation_in_the_standard_spelling(drawn):
    canonical = layout(drawn.text)
    assert not re.search(r"[≧≦＞＜＝＊／]| 且 | 或 |\d分\)|→ \d+(\.\d+)?分", canonical), canonical
    assert layout(canonical) == canonical


# ---- regressions: what the fuzzers found ----------------------------------------------------------

AWARD = """framework "培训"
total 2
rounding 2 decimals half-up
inputs:
    培训次数: count from 0
indicator 培训情况 (2):
    award 0.5分 per 培训次数
    cap {cap}
"""


def test_a_cap_may_be_written_with_its_unit_as_documents_write_it():
    # "最高 2 分": `cap 2分` was E101 "unexpected '分'", though `floor 0分` and `deduct 4分 per …` were fine
    written = rulecheck.loads(AWARD.format(cap="1.5分"), "award.rules")
    assert written.evaluate({"培训次数": 5}).scores() == {"培训情况": Decimal("1.50")}
    assert layout(AWARD.format(cap="1.5分")) == layout(AWARD.format(cap="1.5"))


CAPPED = """framework "完成"
total 6
rounding 2 decimals half-up
inputs:
    完成率: percent from 0% to 200%
    已完成: count from 0
    计划: count above 0
constraints:
    {constraint}
indicator 完成情况 (6):
    formula: min(完成率, 100%) × 3 + min(已完成 / 计划, 1) × 3
"""


@pytest.mark.parametrize(("constraint", "facts", "message"), [
    ("完成率 ≤ 100%", {"完成率": "100.5%"},
     "完成率 100.5% is greater than 100%: the facts break the constraint '完成率 ≤ 100%'"),
    ("100% ≥ 完成率", {"完成率": "100.5%"},
     "完成率 100.5% is greater than 100%: the facts break the constraint '100% ≥ 完成率'"),
    ("已完成 ≤ 计划", {"已完成": 4},
     "已完成 4 is greater than 计划 3: the facts break the constraint '已完成 ≤ 计划'"),
])
def test_a_broken_constraint_names_its_number_once(constraint, facts, message):
    # "完成率 100.5% is greater than 100% 100%": a number of the constraint was shown as a name and its value
    ruleset = rulecheck.loads(CAPPED.format(constraint=constraint), "capped.rules")
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.evaluate({"完成率": "90%", "已完成": 2, "计划": 3} | facts)
    [found] = raised.value.diagnostics
    assert (found.code, found.message) == ("F517", message)


def test_a_broken_bound_is_said_in_chinese():
    ruleset = rulecheck.loads(CAPPED.format(constraint="完成率 ≤ 100%"), "capped.rules")
    with speaking("zh"), pytest.raises(rulecheck.FactsError) as raised:
        ruleset.evaluate({"完成率": "100.5%", "已完成": 2, "计划": 3})
    assert raised.value.diagnostics[0].message == "完成率 100.5% 大于 100%: 违反约束 '完成率 ≤ 100%'"


# ---- 且 / 或 / 非 written without spaces ------------------------------------------------------------

JOINED = """framework "项目管理"
total 5
rounding 2 decimals half-up
inputs:
    甲: bool
    乙: bool
    满意度: percent from 0% to 100%
indicator 项目监管 (5):
    checklist:
        {row} → 5
"""


def check_row(row: str) -> list:
    return [d for d in rulecheck.analyze_text(JOINED.format(row=row), "joined.rules").diagnostics if d.is_error]


@pytest.mark.parametrize(("row", "spaced"), [
    ("甲且乙", "甲 且 乙"), ("甲或乙", "甲 或 乙"), ("非甲", "非 甲"), ("甲且非乙", "甲 且 非 乙"),
    ("乙且满意度 ≥ 90%", "乙 且 满意度"),
])
def test_names_run_together_with_且_或_非_are_told_to_take_spaces(row, spaced):
    # the hint was "did you mean '甲'?": true of neither name, and silent about the missing spaces
    [found] = check_row(row)
    assert found.code == "E201"
    assert found.hint == (f"'{row.split()[0]}' reads as one name: 且, 或 and 非 (and, or, not) need a space on each "
                          f"side, as in '{spaced}'")


def test_a_name_that_merely_contains_且_keeps_the_usual_hint():
    [found] = check_row("完整且及时")
    assert (found.code, found.hint) == ("E201", "declare it under 'inputs:' or with 'let'")


def test_a_name_ending_in_且_before_the_next_name_is_told_to_take_a_space():
    # "甲且 乙": the hint was "write each row as 'condition → points'"
    [found] = check_row("甲且 乙")
    assert (found.code, found.span.line, found.span.column) == ("E101", 10, 12)
    assert found.message == "unexpected '乙': '甲且' reads as one name"
    assert found.hint == "且, 或 and 非 (and, or, not) need a space on each side: write '甲 且 乙'"


def test_the_space_hints_speak_chinese():
    with speaking("zh"):
        [joined] = check_row("甲且乙")
        [before] = check_row("甲且 乙")
    assert joined.hint == "'甲且乙' 被读作一个名称: 且、或、非 前后须各留一个空格, 如 '甲 且 乙'"
    assert before.hint == "且、或、非 前后须各留一个空格: 请写作 '甲 且 乙'"
