"""加分项 and 扣分项 (issue 12, point 2): top-level `bonus NAME (CAP):` and `penalty NAME (CAP):` blocks and
the total's cap (`total 100 cap 100`, 总分最高 100 分).

A bonus block adds the sum of its indicators' scores, at most its cap; a penalty block subtracts what its
indicators lose (points − score), at most its cap; the total is the sum of the top-level scores, at most
its cap. Each is parsed, weighed apart from the 100 (no E401), scored, explained in both languages,
printed back by fmt, written to the workbook as formulas, compared by diff, exported, and analysed (the
grade rows see totals from −(penalty cap) to 100 + bonus cap).
"""

from __future__ import annotations

import io
import tempfile
import textwrap
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.api import analyze_text
from rulecheck.batch import Department, Tally, score_departments
from rulecheck.cli import main
from rulecheck.i18n import speaking
from rulecheck.prove.intervals import Intervals
from rulecheck.report import render
from rulecheck.syntax.layout import layout as canonical_text
from rulecheck.verify import Totals, verify

GOOD = Path(__file__).parent / "data" / "good" / "bonus-penalty.rules"
TEXT = GOOD.read_text(encoding="utf-8")


def department(execution="95", satisfaction="96%", honour="无", innovation=False, violations=0, on_time=True):
    return {"预算执行数": Decimal(execution), "预算数": Decimal(100), "满意度": satisfaction, "表彰级别": honour,
            "创新做法被推广": innovation, "违规问题数": violations, "按时报送自评材料": on_time}


@pytest.fixture(scope="module")
def ruleset():
    return rulecheck.load(GOOD)


def scores(result) -> dict:
    return {name: str(score) for name, score in result.scores().items()}


# ---- scoring ---------------------------------------------------------------------------------------

def test_a_bonus_adds_its_indicators_scores(ruleset):
    result = ruleset.evaluate(department(execution="90", honour="省级"))  # 54 + 40 + 2
    assert scores(result)["加分项"] == "2.00"
    assert str(result.total) == "96.00"


def test_a_bonus_stops_at_its_cap(ruleset):
    result = ruleset.evaluate(department(execution="80", honour="国家级", innovation=True))  # 3 + 2 > cap 5? no: = 5
    assert scores(result)["加分项"] == "5.00"
    capped = rulecheck.loads(TEXT.replace("bonus 加分项 (5):", "bonus 加分项 (4):")).evaluate(
        department(execution="80", honour="国家级", innovation=True))
    assert scores(capped)["加分项"] == "4.00"  # 3 + 2 = 5, at most 4
    assert str(capped.total) == "92.00"  # 48 + 40 + 4


def test_the_total_stops_at_its_cap(ruleset):
    result = ruleset.evaluate(department(execution="100", honour="国家级"))  # 60 + 40 + 3 = 103
    assert str(result.total) == "100.00"
    assert result.uncapped == Decimal("103.00")
    assert result.grade == "优"
    uncapped = rulecheck.loads(TEXT.replace("total 100 cap 100", "total 100")).evaluate(
        department(execution="100", honour="国家级"))
    assert str(uncapped.total) == "103.00" and uncapped.uncapped is None
    assert result.to_dict()["uncapped_total"] == "103.00" and "uncapped_total" not in uncapped.to_dict()


def test_a_penalty_subtracts_what_its_indicators_lose(ruleset):
    result = ruleset.evaluate(department(violations=2, on_time=False))  # 57 + 40 − (4 + 1)
    assert scores(result)["违规问题"] == "6.00"  # the indicator is scored like any other
    assert scores(result)["扣分项"] == "-5.00"
    assert str(result.total) == "92.00"


def test_a_penalty_stops_at_its_cap(ruleset):
    result = ruleset.evaluate(department(violations=7, on_time=False))  # loses 10 + 1 = 11, at most 10
    assert scores(result)["扣分项"] == "-10.00"
    assert str(result.total) == "87.00"


def test_no_penalty_is_zero_not_minus_zero(ruleset):
    result = ruleset.evaluate(department())
    assert scores(result)["扣分项"] == "0.00"
    assert result.to_dict()["nodes"][3] == {**result.to_dict()["nodes"][3], "kind": "penalty", "score": "0.00"}


def test_the_blocks_are_nodes_of_their_own_kind(ruleset):
    result = ruleset.evaluate(department())
    assert [(n.name, n.kind, str(n.max)) for n in result.nodes] == [
        ("产出", "group", "60"), ("效益", "group", "40"), ("加分项", "bonus", "5"), ("扣分项", "penalty", "10")]
    assert [n.name for n in result.base()] == ["产出", "效益"]
    assert len(result.leaves()) == 6


# ---- check: weights, fmt ---------------------------------------------------------------------------

def test_blocks_are_weighed_apart_from_the_total():
    assert analyze_text(TEXT).diagnostics == []


def test_without_blocks_the_same_points_are_e401():
    """A `group` in place of `bonus` is counted in the total again: the top level adds up to 115."""
    text = TEXT.replace("bonus 加分项 (5):", "group 加分项 (5):").replace("total 100 cap 100", "total 100")
    found = {d.code for d in analyze_text(text).diagnostics}
    assert "E401" in found


def test_fmt_prints_the_blocks_and_the_cap_back():
    assert canonical_text(TEXT) == TEXT
    scrambled = TEXT.replace("total 100 cap 100", "total 100分 cap 100分").replace("bonus 加分项 (5):",
                                                                                  "bonus 加分项 (5分):")
    assert canonical_text(scrambled) == TEXT


def test_a_block_inside_a_group_is_a_syntax_error_that_says_so():
    text = TEXT.replace("group 效益 (40):", "group 效益 (40):\n    bonus 内部加分 (1):\n        indicator 甲 (1):\n"
                                           "            assessed 满意度\n", 1)
    [finding] = analyze_text(text).diagnostics
    assert (finding.code, finding.span.line, finding.span.column) == ("E101", 33, 5)
    assert finding.message == "a 'bonus' block inside a group: 加分项 and 扣分项 stand at the top level"


# ---- the grade rows see the totals the blocks make ---------------------------------------------------

def grade_text(rows: str, cap: bool) -> str:
    text = TEXT.replace("    ≥ 90 → 优\n", rows, 1)
    return text if cap else text.replace("total 100 cap 100", "total 100")


def test_a_grade_above_100_is_reachable_with_a_bonus():
    rows = "    ≥ 102 → 卓越\n    ≥ 90 → 优\n"
    assert not [d for d in analyze_text(grade_text(rows, cap=False)).diagnostics if d.is_error]
    capped = [d for d in analyze_text(grade_text(rows, cap=True)).diagnostics if d.is_error]
    assert [d.code for d in capped] == ["E725"]
    assert "totals run from -10 to 100" in capped[0].message


def test_grade_rows_are_still_checked_against_each_other_with_blocks():
    text = grade_text("    ≥ 90 → 优\n    ≥ 95 → 特优\n", cap=True)  # 特优 below 优: never used
    assert [d.code for d in analyze_text(text).diagnostics] == ["E722"]


@pytest.mark.parametrize("target", ["103", "105", "95"])
def test_verify_builds_departments_of_a_total_the_blocks_enter(target):
    """verify's example departments for a grade threshold are built towards a total; a total above 100
    needs the bonus, and the penalty enters the climb down; the facts found must really score that total."""
    text = TEXT.replace("total 100 cap 100", "total 100")
    analysis = analyze_text(text)
    domains = Intervals.of_program(analysis.checked).domains
    facts = Totals(analysis.compiled, domains).department(Decimal(target))
    assert facts is not None
    assert rulecheck.loads(text).evaluate(facts).total == Decimal(target)


def test_verify_is_clean_on_the_example():
    outcomes = verify(rulecheck.analyze(GOOD), max_examples=20)
    assert outcomes and [o.diagnostic for o in outcomes if o.diagnostic is not None] == []


# ---- explanations ----------------------------------------------------------------------------------

def explain(*facts_lines: str, lang: str = "en", rules: str = TEXT) -> str:
    status, output = run("--lang", lang, "explain", "f.rules", "d.yaml",
                         files={"f.rules": rules, "d.yaml": "\n".join(facts_lines) + "\n"})
    assert status == 0, output
    return output


FACTS = ("预算执行数: 100", "预算数: 100", "满意度: 96%", "表彰级别: 国家级", "创新做法被推广: 是", "违规问题数: 1",
         "按时报送自评材料: 否")


def test_explain_says_how_each_block_and_the_total_came_out():
    shown = explain(*FACTS)
    assert "加分项 bonus: 获得表彰 3.00 + 创新做法 2.00 = 5.00: +5.00" in shown
    assert "扣分项 penalty: points lost 违规问题 2.00 + 自评材料报送 1.00 = 3.00: −3.00" in shown
    assert "total = 产出 60.00 + 效益 40.00 + 加分项 5.00 − 扣分项 3.00 = 102.00, capped at 100: 100.00 out of 100" in shown


def test_explain_in_chinese():
    shown = explain(*FACTS, lang="zh")
    assert "加分项 加分: 获得表彰 3.00 + 创新做法 2.00 = 5.00: 加 5.00 分" in shown
    assert "扣分项 扣分: 失分 违规问题 2.00 + 自评材料报送 1.00 = 3.00: 扣 3.00 分" in shown
    assert "超过上限 100 分, 按 100.00 分计" in shown


def test_a_capped_block_says_its_cap():
    rules = TEXT.replace("bonus 加分项 (5):", "bonus 加分项 (4):").replace("penalty 扣分项 (10):", "penalty 扣分项 (2):")
    shown = explain(*FACTS, rules=rules)
    assert "加分项 bonus: 获得表彰 3.00 + 创新做法 2.00 = 5.00, at most 4: +4.00" in shown
    assert "扣分项 penalty: points lost 违规问题 2.00 + 自评材料报送 1.00 = 3.00, at most 2: −2.00" in shown
    with speaking("zh"):
        result = rulecheck.loads(rules).evaluate(department(violations=1, on_time=False))
    assert result["扣分项"].explanation == ("扣分: 失分 违规问题 2.00 + 自评材料报送 1.00 = 3.00, 最高扣 2 分: 扣 2.00 分",)


# ---- the workbook ----------------------------------------------------------------------------------

def test_the_workbook_writes_the_caps_as_formulas(ruleset):
    result = ruleset.evaluate(department(execution="100", honour="国家级", violations=1))
    book = openpyxl.load_workbook(io.BytesIO(render(result, "xlsx")))
    rows = {row[0].value: row for row in book.active.iter_rows(min_row=4)}
    assert rows["加分项"][2].value == "=MIN(SUM(C9:C10),5)"
    assert rows["扣分项"][2].value == "=-MIN(SUM(B12:B13)-(SUM(C12:C13)),10)"
    assert rows["Total"][2].value == "=MIN(C5+C7+C8+C11,100)"
    cached = openpyxl.load_workbook(io.BytesIO(render(result, "xlsx")), data_only=True).active
    values = {row[0].value: row[2].value for row in cached.iter_rows(min_row=4)}
    assert (values["加分项"], values["扣分项"], values["Total"]) == (3, -2, 100)  # 60 + 40 + 3 − 2 = 101


# ---- cases, diff, export ---------------------------------------------------------------------------

def run(*args: str, files: dict) -> tuple[int, str]:
    """The exit status and output of `rulecheck ARGS` in a fresh folder holding `files` (name → text)."""
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            (Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / name).write_text(text, encoding="utf-8")
        paths = [str(Path(folder) / a) if a in files else a for a in args]
        result = CliRunner().invoke(main, paths)
    return result.exit_code, result.output.replace(folder + "/", "")


def test_a_case_expects_a_block_and_the_capped_total():
    case = textwrap.dedent("""\
        cases:
          - name: 加分后超过 100 分, 按 100 分计
            facts: {预算执行数: 100, 预算数: 100, 满意度: 96%, 表彰级别: 国家级, 创新做法被推广: 否,
                    违规问题数: 0, 按时报送自评材料: 是}
            expect: {加分项: 3, 扣分项: 0, total: 100}
          - name: 扣分
            facts: {预算执行数: 100, 预算数: 100, 满意度: 96%, 表彰级别: 无, 创新做法被推广: 否,
                    违规问题数: 3, 按时报送自评材料: 是}
            expect: {扣分项: -5, total: 96}
        """)
    status, output = run("test", "f.rules", files={"f.rules": TEXT, "cases/a.case.yaml": case})
    assert status == 1, output
    assert "扣分项: expected -5, actual -6.00" in output
    assert "penalty: points lost 违规问题 6.00 = 6.00: −6.00" in output
    fixed = case.replace("扣分项: -5, total: 96", "扣分项: -6, total: 94")
    status, output = run("test", "f.rules", files={"f.rules": TEXT, "cases/a.case.yaml": fixed})
    assert status == 0, output


def test_diff_says_a_block_changed_kind_and_the_cap_changed():
    changed = TEXT.replace("bonus 加分项 (5):", "penalty 加分项 (5):").replace("total 100 cap 100", "total 100")
    status, output = run("diff", "old.rules", "new.rules", files={"old.rules": TEXT, "new.rules": changed})
    assert status == 1
    assert "total cap 100 → (none)" in output
    assert "penalty block 加分项" in output and "was a bonus block (加分项), now a penalty block (扣分项)" in output


def test_export_names_the_caps():
    status, output = run("--lang", "zh", "export", "f.rules", files={"f.rules": TEXT})
    assert status == 0, output
    assert "| 加分项(最高加 5 分) | 获得表彰 | 3 |" in output
    assert "| 扣分项(最高扣 10 分) | 违规问题 | 10 |" in output
    assert "| 合计 |  | 100 |" in output


# ---- a batch -----------------------------------------------------------------------------------------

def test_a_batch_counts_penalties_as_points_lost_but_not_a_bonus_left_unearned(ruleset):
    """失分分析 lists where departments lose points: a penalty indicator's lost points are, an unearned
    bonus is not (no department is expected to earn every bonus)."""
    tally = Tally(ruleset)
    for key, facts in (("A", department(violations=1)), ("B", department(honour="省级"))):
        tally.add(next(score_departments(ruleset, [Department(key, key, facts)])))
    names = [losses.name for losses in tally.summary().indicators]
    assert "违规问题" in names and "获得表彰" not in names and "创新做法" not in names
    assert tally.summary().to_dict()["totals"]["max"] == "99.00"  # B: 57 + 40 + 2; A: 57 + 40 − 2 = 95
