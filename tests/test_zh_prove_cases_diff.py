"""check's prover, verify, `rulecheck test` and `rulecheck diff` in Chinese: the findings, counterexamples,
case results, coverage and the changes in meaning an evaluator reads, made through the catalogs. The
names and values of the rule file stay as written; English stays as the other tests pin it."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cases import Comparison, Expectation, coverage, difference_line, load_cases, run_case
from rulecheck.cli import main
from rulecheck.verify import verify

ROOT = Path(__file__).resolve().parents[1]
SHENZHEN = ROOT / "rules" / "shenzhen" / "framework.rules"
ZH = {"RULECHECK_LANG": "zh"}

HEAD = """\
total 6
rounding 2 decimals half-up
inputs:
    满意度: percent from 0% to 100%
    未完成重点工作数: count from 0
group 部门绩效 (6):
    indicator 指标 (6):
"""

SMALL = """\
framework "小框架"
total 10
rounding 2 decimals half-up

grades:
    ≥ 9 → 优
    otherwise → 差

inputs:
    满意度: percent from 0% to 100%

group 管理 (10):
    indicator 满意 (10):
        increasing in 满意度
        bands 满意度:
            ≥ 95% → 10
            90% ≤ 满意度 < 95% → 6
            < 90% → 2
"""


def messages(body: str, lang: str = "zh") -> list[tuple[str, str]]:
    with rulecheck.speaking(lang):
        analysis = rulecheck.analyze_text(HEAD + body)
        return [(d.code, d.message) for d in analysis.diagnostics]


def zh(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], env=ZH, **kwargs)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith("GIT_")]:
        monkeypatch.delenv(name)
    return tmp_path


# ---- check's prover -------------------------------------------------------------------------------------

def test_a_gap_in_a_band_table_with_its_counterexample_in_chinese(here):
    (here / "gap.rules").write_text(HEAD + "        bands 满意度:\n            ≥ 95% → 6\n            < 80% → 2\n",
                                    encoding="utf-8")
    result = zh("check", "gap.rules")
    assert result.exit_code == 1
    assert "错误[E701]: '指标' 的分档表在 满意度 = 80% 处落空: 没有哪一档包含它" in result.output
    assert "= 反例:\n        满意度: 80%\n" in result.output
    assert "= 提示: 请为 [80%, 95%) 加一行, 或加 'otherwise' 行" in result.output


@pytest.mark.parametrize(("body", "expected"), [
    ("        formula: 满意度 × 12\n", ("E501", "'指标' 可能得 12 分, 超过其分值 6 分")),
    ("        deduct 2 per 未完成重点工作数\n        floor −1\n", ("E502", "'指标' 可能得 -1 分, 低于 0")),
    ("        bands 满意度:\n            ≤ 90% → 2\n            90% ≤ 满意度 ≤ 100% → 6\n",
     ("E702", "'指标' 的第 1 档与第 2 档重叠: 满意度 = 90% 同时符合两档 (按前一档计分)")),
    ("        bands 满意度:\n            ≥ 90% → 4\n            ≥ 95% → 6\n            otherwise → 0\n",
     ("E703", "'指标' 的第 2 档永远不会匹配: 它包含的值都先被第 1 档取走")),
    ("        bands 满意度:\n            ≥ 95 → 6\n            otherwise → 0\n",
     ("E704", "阈值 95 超出 满意度 可取的值 ([0%, 100%])")),
    ("        bands 满意度:\n            ≥ 95% → 6\n            ≥ 90% → 1\n            otherwise → 4\n",
     ("W705", "随 满意度 升高, '指标' 的分值时升时降: [0%, 90%) 得 4 分, [90%, 95%) 得 1 分, [95%, 100%] 得 6 分")),
    ("        increasing in 满意度\n        bands 满意度:\n            ≥ 95% → 1\n            otherwise → 6\n",
     ("E711", "'指标' 声明为随 满意度 递增, 但 满意度 从 0% 升到 100% 时, 得分从 6 降到 1")),
    ("        decreasing in 满意度\n        deduct 3 per 未完成重点工作数\n",
     ("E712", "'指标' 声明为随 满意度 递减, 但其规则没有读取它")),
])
def test_each_finding_of_the_prover_in_chinese(body, expected):
    found = messages(body)
    assert expected in found, found
    english = messages(body, "en")
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in m.replace("指标", "").replace("满意度", "")
                                                       .replace("未完成重点工作数", "")) for _code, m in english)


def test_the_hints_and_the_e711_pair_in_chinese():
    with rulecheck.speaking("zh"):
        analysis = rulecheck.analyze_text(
            HEAD + "        increasing in 满意度\n        bands 满意度:\n            ≥ 95% → 1\n            otherwise → 6\n")
    (found,) = [d for d in analysis.diagnostics if d.code == "E711"]
    assert found.hint == "请修正规则 (分档是否写反了?), 或修正声明的方向"
    assert found.example[0] == "# 部门 A: 指标 = 6"
    assert "# 部门 B: 指标 = 1" in found.example


# ---- verify ----------------------------------------------------------------------------------------------

def test_verify_says_a_broken_direction_in_chinese():
    text = HEAD + ("        increasing in 满意度\n        formula: min(max((1 − 满意度) × 6, 0), 6)\n")
    with rulecheck.speaking("zh"):
        outcomes = verify(rulecheck.analyze_text(text), max_examples=50)
    labels = [o.property for o in outcomes]
    assert "随 满意度 递增" in labels
    (failed,) = [o for o in outcomes if o.failed]
    assert failed.diagnostic.code == "E711"
    assert failed.diagnostic.message.startswith("'指标' 声明为随 满意度 递增, 但 满意度 从 ")
    assert failed.diagnostic.hint == "请修正规则, 或修正声明的方向"


# ---- rulecheck test --------------------------------------------------------------------------------------

def test_the_coverage_line_of_the_shenzhen_cases_in_chinese():
    result = zh("test", "--coverage", SHENZHEN)
    assert result.exit_code == 0, result.output
    assert ": 档 27/27, 边界 48/48, 清单项 24/24, 等级 4/4" in result.stdout
    english = CliRunner().invoke(main, ["test", "--coverage", str(SHENZHEN)], env={"RULECHECK_LANG": "en"})
    assert "bands 27/27, boundaries 48/48, checklist items 24/24, grades 4/4" in english.stdout


def test_a_failing_case_says_expected_actual_difference_in_chinese(here):
    (here / "small.rules").write_text(SMALL, encoding="utf-8")
    (here / "wrong.case.yaml").write_text(
        "name: 满意度 92%\nfacts:\n  满意度: 92%\nexpect:\n  满意: 10\n  grade: 优\n", encoding="utf-8")
    ruleset = rulecheck.load("small.rules")
    with rulecheck.speaking("zh"):
        (case,) = load_cases("wrong.case.yaml")
        outcome = run_case(ruleset, case)
        lines = [difference_line(c) for c in outcome.failures]
        found = coverage(ruleset, [outcome]).summary()
        unreached = [t.describe() for t in coverage(ruleset, [outcome]).unreached]
    assert lines == ["满意: 期望 10, 实际 6.00, 相差 −4", "grade: 期望 优, 实际 差"]
    assert found == "档 1/3, 边界 0/9, 等级 1/2"
    assert "满意, 第 1 档: ≥ 95% → 10" in unreached
    assert "等级, 第 1 行: ≥ 9 → 优" in unreached
    with rulecheck.speaking("en"):
        assert [difference_line(c) for c in outcome.failures][0] == "满意: expected 10, actual 6.00, difference −4"


def test_a_case_file_problem_in_chinese(here):
    (here / "small.rules").write_text(SMALL, encoding="utf-8")
    (here / "bad.case.yaml").write_text("name: 一\nfacts:\n  满意度: 92%\nexpect:\n  满足: 6\n", encoding="utf-8")
    with rulecheck.speaking("zh"):
        (case,) = load_cases("bad.case.yaml")
        outcome = run_case(rulecheck.load("small.rules"), case)
    (problem,) = outcome.diagnostics
    assert problem.code == "C806"
    assert problem.message == "expect 写了 '满足', 但规则文件中没有这个名称的指标或指标组"
    assert problem.hint == "是否想写 '满意'?"


# ---- rulecheck diff --------------------------------------------------------------------------------------

def test_a_diff_of_a_changed_band_in_chinese(here):
    (here / "old.rules").write_text(SMALL, encoding="utf-8")
    (here / "new.rules").write_text(SMALL.replace("≥ 95% → 10", "≥ 90% → 10")
                                    .replace("90% ≤ 满意度 < 95% → 6", "85% ≤ 满意度 < 90% → 6")
                                    .replace("< 90% → 2", "< 85% → 2"), encoding="utf-8")
    (here / "a.yaml").write_text("满意度: 92%\n", encoding="utf-8")
    result = zh("diff", "old.rules", "new.rules", "--facts", "a.yaml")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[2] == "指标 满意 (new.rules:13):"
    assert lines[3:8] == [
        "    第 1 档: 阈值 95% → 90%",
        "    第 2 档: 阈值 90% → 85%, 95% → 90%",
        "    第 3 档: 阈值 90% → 85%",
        "    满意度 在 [85%, 90%) 内: 2 → 6",
        "    满意度 在 [90%, 95%) 内: 6 → 10",
    ]
    assert "a (a.yaml): 6.00 → 10.00 (+4.00), 等级 差 → 优" in lines
    assert lines[-1] == "1 个部门中有 1 个变化 (a.yaml)"


def test_no_change_in_meaning_and_structure_changes_in_chinese(here):
    (here / "old.rules").write_text(SMALL, encoding="utf-8")
    (here / "same.rules").write_text(SMALL.replace("    indicator", "    # 一条注释\n    indicator"), encoding="utf-8")
    assert zh("diff", "old.rules", "same.rules").stdout.splitlines()[2] == "含义没有变化"
    (here / "new.rules").write_text(SMALL.replace("total 10", "total 12").replace("indicator 满意 (10)", "indicator 满意 (12)")
                                    .replace("group 管理 (10)", "group 管理 (12)")
                                    .replace("        increasing in 满意度\n", "")
                                    .replace("bands 满意度:\n            ≥ 95% → 10\n            90% ≤ 满意度 < 95% → 6\n"
                                             "            < 90% → 2", "formula: 满意度 × 12"), encoding="utf-8")
    lines = zh("diff", "old.rules", "new.rules").stdout.splitlines()
    assert "    总分 10 → 12" in lines
    assert "    分值 10 → 12" in lines
    assert "    删除方向: 随 满意度 递增" in lines
    assert "    现按公式计分 (原为分档表):" in lines


def test_the_shipped_framework_diffed_with_itself_in_chinese(here):
    shutil.copy(SHENZHEN, here / "a.rules")
    shutil.copy(SHENZHEN, here / "b.rules")
    result = zh("diff", "a.rules", "b.rules")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2] == "含义没有变化"


def test_an_unknown_revision_in_chinese(here):
    result = zh("diff", "nosuch:framework.rules", "nosuch:framework.rules")
    assert result.exit_code == 2
    assert "错误[E004]: 'nosuch:framework.rules' 不是文件, 且当前文件夹不在 git 仓库中, 无法读取版本" in result.output


def test_exact_values_stay_exact_in_chinese():
    expectation = Expectation("满意", Decimal("6"), Decimal("0.01"))
    with rulecheck.speaking("zh"):
        line = difference_line(Comparison(expectation, Decimal("4.00")))
    assert line == "满意: 期望 6 ± 0.01, 实际 4.00, 相差 −2"
