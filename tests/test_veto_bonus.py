"""一票否决 and conditions on the grade (issue 12, point 1): grade rows that read inputs.

"存在重大违规问题的, 评价等级为差" is a row on the inputs alone, listed first (the first row that matches
wins); "发生安全责任事故的, 不得评为优" is the total's comparison and a condition on the inputs. Each is
parsed, type-checked, scored, explained in both languages, printed back by fmt, exported, compared by
diff, and analysed by check without false alarms.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

import rulecheck
from rulecheck.api import analyze_text
from rulecheck.cli import main
from rulecheck.i18n import speaking
from rulecheck.publish.criteria import render_grade
from rulecheck.syntax.layout import layout as canonical_text

GOOD = Path(__file__).parent / "data" / "good" / "grades-veto.rules"


def framework(grades: str, inputs: str = "") -> str:
    """A framework of 10 points whose grade rows are `grades`, with two bool inputs for the rows to read."""
    return textwrap.dedent("""\
        framework "部门整体支出绩效评价"
        total 10
        rounding 2 decimals half-up

        grades:
        {grades}
        inputs:
            制度健全: bool
            存在重大违规问题: bool
            发生安全责任事故: bool
        {inputs}
        indicator 制度管理 (10):
            checklist:
                制度健全 → 10
        """).format(grades=textwrap.indent(textwrap.dedent(grades).strip("\n"), "    "),
                    inputs=textwrap.indent(textwrap.dedent(inputs).strip("\n"), "    "))


VETO = framework("""
    存在重大违规问题 → 差
    ≥ 9 and not 发生安全责任事故 → 优
    ≥ 8 → 良
    otherwise → 中
""")


def facts(violation=False, accident=False, sound=True) -> dict:
    return {"制度健全": sound, "存在重大违规问题": violation, "发生安全责任事故": accident}


def errors(text: str) -> list:
    """The errors check finds (the inputs a small example leaves unread are only warnings)."""
    return [d for d in analyze_text(text).diagnostics if d.is_error]


def codes(text: str) -> list[str]:
    return [d.code for d in errors(text)]


def test_a_veto_row_grades_a_full_total_poor():
    result = rulecheck.loads(VETO).evaluate(facts(violation=True))
    assert (str(result.total), result.grade) == ("10.00", "差")


def test_a_condition_on_the_inputs_keeps_a_full_total_from_the_top_grade():
    ruleset = rulecheck.loads(VETO)
    assert ruleset.evaluate(facts()).grade == "优"
    assert ruleset.evaluate(facts(accident=True)).grade == "良"  # 10 ≥ 9, but 不得评为优
    assert ruleset.evaluate(facts(sound=False)).grade == "中"


def test_the_chinese_words_read_the_same_rows():
    chinese = VETO.replace("≥ 9 and not 发生安全责任事故", "≥9分 且 非 发生安全责任事故")
    assert rulecheck.loads(chinese).evaluate(facts(accident=True)).grade == "良"


def test_explain_says_the_veto_in_chinese():
    ruleset = rulecheck.loads(VETO)
    with speaking("zh"):
        step = ruleset.evaluate(facts(violation=True)).grade_step
    assert step == "等级: 存在重大违规问题 为 是, 评为 差 (一票否决)"
    with speaking("en"):
        assert ruleset.evaluate(facts(violation=True)).grade_step == "grade: 存在重大违规问题 is true → 差 (veto)"


def test_explain_says_why_a_full_total_is_not_the_top_grade():
    ruleset = rulecheck.loads(VETO)
    with speaking("en"):
        assert ruleset.evaluate(facts(accident=True)).grade_step == \
            "grade: 10.00 matches ≥ 8 → 良; not 优: not 发生安全责任事故 does not hold"
        assert ruleset.evaluate(facts()).grade_step == "grade: 10.00 matches ≥ 9 and not 发生安全责任事故 → 优"
    with speaking("zh"):
        assert ruleset.evaluate(facts(accident=True)).grade_step == \
            "等级: 总分 10.00 ≥ 8, 评为 良; 不评为 优: 不满足 not 发生安全责任事故"


def test_a_grade_row_must_be_a_condition():
    text = framework("制度得分 → 差\notherwise → 中", "制度得分: number from 0 to 10")
    found = errors(text)
    assert [(d.code, d.message) for d in found] == [
        ("E301", "a grade row needs a condition, but this is a number")]


def test_a_grade_row_reads_only_declared_names():
    assert "E201" in codes(framework("存在重大违规 → 差\notherwise → 中"))


def test_naming_the_total_is_still_e108():
    assert codes(framework("总分 ≥ 9 → 优\notherwise → 中")) == ["E108"]


def test_rows_that_read_inputs_are_no_gap_no_overlap_and_no_shadow():
    # both ≥ 9 rows cover 9 to 10; the first may not match, so the second is not shadowed
    assert codes(framework("""
        ≥ 9 and not 发生安全责任事故 → 优
        ≥ 9 → 良
        otherwise → 中
    """)) == []
    assert codes(VETO) == []


def test_a_real_gap_is_still_found_below_the_rows_that_read_inputs():
    found = errors(framework("存在重大违规问题 → 差\n≥ 6 → 中"))
    assert [(d.code, d.message) for d in found] == [
        ("E721", "a total of 0 is graded only by row 1 (存在重大违规问题 → 差): a department whose inputs do not "
                 "meet it gets no grade")]


def test_a_row_on_the_inputs_below_rows_that_grade_every_total_is_never_used():
    found = errors(framework("≥ 9 → 优\n≥ 0 → 中\n存在重大违规问题 → 差"))
    assert [(d.code, d.message) for d in found] == [
        ("E722", "grade row 3 (存在重大违规问题 → 差) is never used: the rows above it already grade every "
                 "total it covers, whatever the inputs")]


def test_a_threshold_row_that_reads_inputs_can_be_shadowed_by_a_total_row():
    found = errors(framework("≥ 8 → 良\n≥ 9 and not 发生安全责任事故 → 优\notherwise → 中"))
    assert [d.code for d in found] == ["E722"]


def test_fmt_prints_the_rows_back_canonically():
    written = VETO.replace("≥ 9 and not 发生安全责任事故", "≥9  且 非 发生安全责任事故 且 (制度健全 或 存在重大违规问题)")
    text = canonical_text(written)
    assert "    ≥ 9 and not 发生安全责任事故 and (制度健全 or 存在重大违规问题) → 优\n" in text
    assert "    存在重大违规问题 → 差\n" in text
    assert canonical_text(text) == text


def test_export_writes_the_rows_conditions():
    rows = rulecheck.loads(VETO).program.grades
    with speaking("zh"):
        texts = [render_grade(row) for row in rows[:2]]
    assert texts == ["存在重大违规问题", "总分 ≥ 9且非发生安全责任事故"]
    with speaking("en"):
        assert render_grade(rows[1]) == "the total score ≥ 9 and not 发生安全责任事故"


def test_diff_says_the_changed_row_in_words(tmp_path):
    old, new = tmp_path / "old.rules", tmp_path / "new.rules"
    old.write_text(VETO.replace("≥ 9 and not 发生安全责任事故", "≥ 9"), encoding="utf-8")
    new.write_text(VETO, encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "diff", str(old), str(new)])
    assert "grade 优: condition ≥ 9 → ≥ 9 and not 发生安全责任事故" in result.output
    old.write_text(VETO.replace("    存在重大违规问题 → 差\n", ""), encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "diff", str(old), str(new)])
    assert "grade added: 存在重大违规问题 → 差" in result.output


def test_check_and_verify_are_quiet_on_the_good_file():
    for command in (["check", "--strict"], ["verify", "--max-examples", "50"]):
        result = CliRunner().invoke(main, ["--lang", "en", *command, str(GOOD)])
        assert result.exit_code == 0, result.output
