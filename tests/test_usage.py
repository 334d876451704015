"""Unused inputs (W201) and derived values (W202): what counts as a use, and whose declarations are reported.

The messages themselves are checked word for word by tests/data/bad/unused-*.rules.
"""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.diagnostics import sort_key

HEADER = """\
framework "小框架"
total 10
rounding 2 decimals half-up
"""


def usage_findings(analysis) -> list[tuple[str, str]]:
    """(code, name in quotes) of each W201/W202, in file order."""
    return [(d.code, d.message.split("'")[1]) for d in sorted(analysis.diagnostics, key=sort_key)
            if d.code in ("W201", "W202")]


def analyze(body: str, name: str = "<string>"):
    return rulecheck.analyze_text(HEADER + textwrap.dedent(body), name)


def test_the_shipped_framework_and_department_file_use_every_input_they_declare(framework_path, department_path):
    # the department file extends the leaf that reads 效益评分: that input is the framework's, not its own
    for path in (framework_path, department_path):
        analysis = rulecheck.analyze(path)
        assert analysis.ok
        assert usage_findings(analysis) == [], path


def test_a_let_is_used_through_another_let_a_rule_reads():
    analysis = analyze("""\
        inputs:
            完成: count from 0
            计划: count above 0
        let 完成率 = 完成 / 计划
        let 得分率 = min(完成率, 1)
        group 全部 (10):
            indicator 及时 (10):
                formula: 得分率 × 10
        """)
    assert analysis.ok
    assert usage_findings(analysis) == []


def test_unused_lets_make_everything_only_they_read_unused():
    analysis = analyze("""\
        inputs:
            完成: count from 0
            计划: count above 0
            满意度: percent from 0% to 100%
        let 完成率 = 完成 / 计划
        let 得分率 = min(完成率, 1)
        group 全部 (10):
            indicator 满意 (10):
                bands 满意度:
                    ≥ 95% → 10
                    otherwise → 0
        """)
    assert analysis.ok  # warnings only
    assert usage_findings(analysis) == [("W201", "完成"), ("W201", "计划"), ("W202", "完成率"), ("W202", "得分率")]
    by_name = {d.message.split("'")[1]: d.message for d in analysis.diagnostics}
    assert by_name["完成率"].endswith("only the unused derived value '得分率' reads it")
    assert by_name["得分率"].endswith("no rule reads it")


def test_every_kind_of_rule_and_part_counts_as_a_use():
    analysis = analyze("""\
        inputs:
            甲: count from 0
            乙: count above 0
            丙: bool
            丁: count from 0
            戊: score from 0 to 2
            己: grade(好, 差)
            庚: percent from 0% to 100%
        group 全部 (10):
            indicator 公式 (2):
                formula: min(甲 / 乙, 1) × 2
            indicator 清单 (1):
                checklist:
                    丙 → 1
            indicator 扣分 (2):
                deduct 1 per 丁
            indicator 评定 (2):
                assessed 戊
            indicator 组合 (3):
                part 等级 (1):
                    bands 己:
                        好 → 1
                        差 → 0
                part 比率 (2):
                    bands:
                        庚 ≥ 95% → 2
                        otherwise → 0
        """)
    assert analysis.ok, analysis.diagnostics
    assert usage_findings(analysis) == []


def test_a_direction_is_not_a_use():
    analysis = analyze("""\
        inputs:
            满意度: percent from 0% to 100%
            回复率: percent from 0% to 100%
        group 全部 (10):
            indicator 满意 (10):
                increasing in 回复率
                bands 满意度:
                    ≥ 95% → 10
                    otherwise → 0
        """)
    assert usage_findings(analysis) == [("W201", "回复率")]
    (warning,) = [d for d in analysis.diagnostics if d.code == "W201"]
    assert warning.message == "the input '回复率' is not used: only a direction names it, and no rule reads it"


def test_no_usage_warnings_while_a_name_is_unknown():
    # 满意率 is probably a misspelled use of 满意度: calling 满意度 unused would be noise
    analysis = analyze("""\
        inputs:
            满意度: percent from 0% to 100%
        group 全部 (10):
            indicator 满意 (10):
                bands 满意率:
                    ≥ 95% → 10
                    otherwise → 0
        """)
    assert [d.code for d in analysis.diagnostics] == ["E201"]


def test_no_usage_warnings_while_a_grade_value_is_ambiguous():
    # 按规定公开 alone could be either grade's: 决算公开 may well be the one meant
    analysis = analyze("""\
        inputs:
            预算公开: grade(按规定公开, 未公开)
            决算公开: grade(按规定公开, 未公开)
        group 全部 (10):
            indicator 预算 (5):
                bands 预算公开:
                    按规定公开 → 5
                    未公开 → 0
            indicator 决算 (5):
                checklist:
                    按规定公开 → 5
        """)
    assert [d.code for d in analysis.diagnostics] == ["E207"]


def test_only_the_checked_files_own_declarations_are_reported(tmp_path):
    (tmp_path / "base.rules").write_text(HEADER + textwrap.dedent("""\
        inputs:
            效益评分: score from 0 to 10
        group 全部 (10):
            indicator 效益 (10):
                assessed 效益评分
        """), encoding="utf-8")
    department = tmp_path / "department.rules"
    department.write_text(textwrap.dedent("""\
        import "base.rules"
        inputs:
            完成: count from 0
            备注数: count from 0
        extend 效益:
            indicator 完成情况 (10):
                formula: min(完成, 1) × 10
        """), encoding="utf-8")
    analysis = rulecheck.analyze(department)
    assert usage_findings(analysis) == [("W201", "备注数")]
    (warning,) = [d for d in analysis.diagnostics if d.code == "W201"]
    assert (warning.span.file, warning.span.line) == (str(department), 4)


def test_warnings_do_not_stop_scoring_and_an_unused_fact_may_be_left_out():
    ruleset = rulecheck.loads(HEADER + textwrap.dedent("""\
        inputs:
            满意度: percent from 0% to 100%
            备注数: count from 0
        group 全部 (10):
            indicator 满意 (10):
                bands 满意度:
                    ≥ 95% → 10
                    otherwise → 0
        """))
    assert [d.code for d in ruleset.warnings] == ["W201"]
    assert ruleset.evaluate({"满意度": "96%"}).total == 10
    # a fact for it is still checked against its type and domain
    with pytest.raises(rulecheck.FactsError) as caught:
        ruleset.evaluate({"满意度": "96%", "备注数": -1})
    assert [d.code for d in caught.value.diagnostics] == ["F503"]


def test_check_exits_0_on_warnings_and_1_with_strict(tmp_path):
    path = tmp_path / "unused.rules"
    path.write_text(HEADER + textwrap.dedent("""\
        inputs:
            满意度: percent from 0% to 100%
            备注数: count from 0
        group 全部 (10):
            indicator 满意 (10):
                bands 满意度:
                    ≥ 95% → 10
                    otherwise → 0
        """), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{path}:6:5: warning[W201]: the input '备注数' is not used: no rule reads it\n")
    assert result.stderr == "1 file checked: 0 errors, 1 warning\n"
    assert CliRunner().invoke(main, ["check", "--strict", str(path)]).exit_code == 1
