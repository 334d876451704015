"""`rulecheck verify`'s walks: what static analysis cannot decide, each with departments that show it —
a forgotten direction (W713), an input that reverses in a few departments (E714), a band row against
its neighbours (E706), two parts that jump at one boundary (E707), and the grade at each threshold of `grades:` (E731, E732)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_broken_rules import baseline, departments, example_facts, header, lines_of

import rulecheck
from rulecheck.api import ruleset_from
from rulecheck.cli import main
from rulecheck.diagnostics import error
from rulecheck.domains import Domain
from rulecheck.i18n import speaking
from rulecheck.prove.intervals import Intervals
from rulecheck.verify import Shapes, Verifier, adjacent, against_the_rest, verify

BROKEN = Path(__file__).parent / "data" / "broken"
REVERSED = BROKEN / "verify-reversed-input.rules"
AGAINST = BROKEN / "verify-row-against-neighbours.rules"
FRAMEWORK = Path(__file__).resolve().parents[1] / "rules" / "shenzhen" / "framework.rules"
FEW = "20"  # the walks do not depend on --max-examples: few examples keep the property search short

# 编外人员控制率 declares a direction in 编外人员数 but forgets 在编人数, in which it only ever rises (the
# file declares the others: 3 of the 4 inputs its leaves read)
FORGOTTEN = """framework "人员管理"
total 2
rounding 2 decimals half-up
inputs:
    在编人数: count from 1 "本年度在编人数"
    核定编制数: count from 1 "核定编制数"
    编外人员数: count from 0 "本年度编外人员数"
let 财政供养人员比率: percent = 在编人数 / 核定编制数
let 编外人员比率: percent = 编外人员数 / (在编人数 + 编外人员数)
group 人员管理 (2):
    indicator 财政供养人员控制率 (1):
        decreasing in 在编人数
        increasing in 核定编制数
        bands 财政供养人员比率:
            ≤ 100% → 1
            > 100% → 0
    indicator 编外人员控制率 (1):
        decreasing in 编外人员数
        bands 编外人员比率:
            < 5% → 1
            5% ≤ 编外人员比率 ≤ 10% → 0.5
            > 10% → 0
"""

# the best execution is near 100%: the score rises, then falls, in every department (no reversal)
WINDOW = """framework "预算执行"
total 3
rounding 2 decimals half-up
inputs:
    预算执行率: percent from 0% to 200% "预算执行率"
    预算调整率: percent from 0% to 100% "预算调整率"
group 效率性 (3):
    indicator 预算执行 (3):
        decreasing in 预算调整率
        part 执行 (2):
            bands 预算执行率:
                < 90% → 0
                90% ≤ 预算执行率 ≤ 110% → 2
                > 110% → 1
        part 调整 (1):
            bands 预算调整率:
                ≤ 10% → 1
                otherwise → 0
"""

# grade rows listed from the lowest up, as Chinese documents often do: a total of 100 grades 中
ASCENDING = """framework "满意度"
total 6
rounding 2 decimals half-up
grades:
    < 3 → 差
    ≥ 3 → 中
    ≥ 4 → 良
    ≥ 5 → 优
inputs:
    满意度评分: score from 0 to 6 "满意度评分"
group 公平性 (6):
    indicator 公众或服务对象满意度 (6):
        increasing in 满意度评分
        assessed 满意度评分
"""

# '< 2 → 差' where 'otherwise → 差' was meant: a total from 2 to 3 gets no grade
UNGRADED = ASCENDING.replace("    < 3 → 差\n    ≥ 3 → 中\n    ≥ 4 → 良\n    ≥ 5 → 优\n",
                             "    ≥ 5 → 优\n    ≥ 4 → 良\n    ≥ 3 → 中\n    < 2 → 差\n")


def write(tmp_path: Path, text: str, name: str = "draft.rules") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def findings(path: Path, seed: int = 0) -> list:
    return [o.diagnostic for o in verify(rulecheck.analyze(path), max_examples=int(FEW), seed=seed)
            if o.diagnostic is not None]


def assert_pair_reproduced(path: Path, diagnostic) -> tuple[Decimal, Decimal]:
    """The two departments of a finding differ in one input and score what the example shows."""
    ruleset = ruleset_from(rulecheck.analyze(path))
    (name, before, facts_a), (_, after, facts_b) = departments(diagnostic.example)
    scores = [ruleset.evaluate(baseline(ruleset) | facts)[name].score for facts in (facts_a, facts_b)]
    assert scores == [before, after]
    assert len({k for k in facts_a.keys() | facts_b.keys() if facts_a.get(k) != facts_b.get(k)}) == 1
    return before, after


def grade_shapes(path: Path, said=()) -> list:
    """The grade findings of the walk alone, `said` standing for check's findings."""
    analysis = rulecheck.analyze(path)
    verifier = Verifier(analysis.compiled, analysis.proof, Intervals.of_program(analysis.checked).domains,
                        analysis.checked.reads, int(FEW), 0)
    return [o.diagnostic for o in Shapes(verifier, analysis.checked, tuple(said)).grade_thresholds()]


# ---- E714: a reversal ------------------------------------------------------------------------------

def test_an_input_that_reverses_in_a_few_departments_is_an_error_with_the_two_that_show_it():
    found = findings(REVERSED)
    assert [(d.code, d.span.line) for d in found] == [("E714", 17), ("E714", 17)]
    first = found[0]
    assert first.message.startswith("'项目完成及时性' scores more as 按计划时间完成项目数 rises (")
    assert first.message.endswith("but here its score falls from 6 to 4 when 按计划时间完成项目数 rises from 1 to 2")
    before, after = assert_pair_reproduced(REVERSED, first)
    assert after < before  # doing more lowers the score: the '=' that should be '≥'


def test_the_reversed_input_file_holds_what_verify_finds():
    analysis = rulecheck.analyze(REVERSED)
    assert analysis.diagnostics == []  # check proves nothing wrong: no direction is declared
    failures = [o.diagnostic for o in verify(analysis, max_examples=int(FEW)) if o.failed]
    assert lines_of(failures, REVERSED) == header(REVERSED).expected


def test_the_corrected_rule_has_no_reversal(tmp_path):
    fixed = REVERSED.read_text(encoding="utf-8").replace("按计划时间完成项目数 = 计划完成项目数 → 2",
                                                         "按计划时间完成项目数 ≥ 计划完成项目数 → 2")
    assert [d.code for d in findings(write(tmp_path, fixed))] == []


def test_an_input_whose_score_rises_then_falls_everywhere_is_no_reversal(tmp_path):
    assert [d.code for d in findings(write(tmp_path, WINDOW))] == []


# ---- W713: a forgotten direction -------------------------------------------------------------------

def test_an_undeclared_input_in_which_the_score_only_rises_is_suggested(tmp_path):
    path = write(tmp_path, FORGOTTEN)
    [found] = findings(path)
    assert (found.code, found.severity.value, found.span.line) == ("W713", "warning", 17)
    assert found.message.startswith("the score of '编外人员控制率' never falls as 在编人数 rises (")
    assert found.message.endswith("none less): declare 'increasing in 在编人数'?")
    before, after = assert_pair_reproduced(path, found)
    assert after > before


def test_the_suggestion_is_a_warning_verify_passes(tmp_path):
    result = CliRunner().invoke(main, ["verify", "--max-examples", FEW, str(write(tmp_path, FORGOTTEN))])
    assert result.exit_code == 0, result.output
    assert "  ✓ 编外人员控制率: within [0, 1], 1 direction — all proved; warnings: W713" in result.stdout
    assert "warning[W713]" in result.stdout
    assert result.stderr.endswith("5 properties (5 proved statically, all tested with up to 20 examples, "
                                  "seed 0): 0 problems\n")


def test_declaring_the_direction_silences_the_suggestion(tmp_path):
    declared = FORGOTTEN.replace("        decreasing in 编外人员数\n",
                                 "        decreasing in 编外人员数\n        increasing in 在编人数\n")
    assert findings(write(tmp_path, declared)) == []


def test_a_leaf_that_declares_no_direction_gets_no_suggestion(tmp_path):
    undirected = FORGOTTEN.replace("        decreasing in 编外人员数\n", "")
    assert findings(write(tmp_path, undirected)) == []


def test_a_file_that_declares_only_the_main_directions_gets_no_suggestion(tmp_path):
    main_only = FORGOTTEN.replace("        increasing in 核定编制数\n", "")  # 2 of the 4 inputs declared
    assert findings(write(tmp_path, main_only)) == []


# ---- E706: a band row against its neighbours -------------------------------------------------------

def test_a_row_against_its_neighbours_is_found_by_walking_the_subject_across_the_threshold():
    analysis = rulecheck.analyze(AGAINST)
    assert analysis.diagnostics == []  # no W705: the indicator declares a direction (of its other part)
    [found] = findings(AGAINST)
    assert (found.code, found.span.line) == ("E706", 27)
    assert found.message == ("band 2 of '固定资产利用率' goes against its neighbours: the points rise with "
                             "固定资产利用比率, but the score falls from 1.6 to 1.4 when 固定资产利用比率 rises from "
                             "74% to 75%")
    assert assert_pair_reproduced(AGAINST, found) == (Decimal("1.6"), Decimal("1.4"))
    assert lines_of([found], AGAINST) == header(AGAINST).expected


def test_the_row_is_not_reported_again_as_a_reversal_of_the_inputs_it_reads():
    assert [d.code for d in findings(AGAINST)] == ["E706"]  # no E714 for 在用固定资产总额 or 固定资产总额


@pytest.mark.parametrize(("points", "expected"), [
    ([0, 1.6, 1.4, 2], (1, 1)),  # one step down among steps up
    ([3, 2, 2.5, 0], (1, -1)),
    ([0, 2, 1], None),  # a peak: two steps, neither against "the rest"
    ([0, 1, 3, 1, 0], None),
    ([1, 1, 0, 0], None),
])
def test_a_step_against_the_rest(points, expected):
    assert against_the_rest([Decimal(str(p)) for p in points]) == expected


# ---- E731, E732: the grade at each threshold -------------------------------------------------------

def graded(path: Path, example) -> list[tuple[Decimal, str | None]]:
    """Each department of a grade finding, scored: its total and grade, as the heading claims."""
    ruleset = ruleset_from(rulecheck.analyze(path))
    found, lines = [], []
    for line in [*example, "# department end"]:
        if line.startswith("# department"):
            if lines:
                result = ruleset.evaluate(example_facts(lines))
                found.append((result.total, result.grade))
            lines = []
            claimed = re.fullmatch(r"# department [AB]: total = (\S+) → (.+)", line)
            if claimed:
                found.append((Decimal(claimed[1]), None if claimed[2] == "no grade" else claimed[2]))
        else:
            lines.append(line)
    return found


def test_a_grade_that_does_not_change_at_its_threshold_is_shown_with_two_departments(tmp_path):
    path = write(tmp_path, ASCENDING)
    found = grade_shapes(path)
    assert [(d.code, d.span.line) for d in found] == [("E731", 7), ("E731", 8)]
    assert found[0].message == ("the grade does not change at 4: a total of 3.99 and one of 4 both grade 中, "
                                "though the row '≥ 4 → 良' names this threshold")
    # heading A, department A scored, heading B, department B scored: what the headings say is true
    assert graded(path, found[0].example) == [(Decimal("3.99"), "中")] * 2 + [(Decimal(4), "中")] * 2


def test_a_total_with_no_grade_is_shown_once(tmp_path):
    path = write(tmp_path, UNGRADED)
    [found] = grade_shapes(path)
    assert (found.code, found.message) == ("E732", "a total of 2 gets no grade: no row of 'grades:' matches it")
    assert graded(path, found.example) == [(Decimal(2), None)] * 2


def test_what_check_said_of_a_grade_row_is_not_repeated(tmp_path):
    path = write(tmp_path, ASCENDING)
    rows = rulecheck.analyze(path).compiled.grades
    assert grade_shapes(path, said=[error("E999", "said", band.span) for _, _, band in rows]) == []


def test_grades_that_change_at_every_threshold_pass():
    assert grade_shapes(FRAMEWORK) == []


# ---- the shipped framework, determinism, Chinese ---------------------------------------------------

def test_the_shipped_framework_gains_no_finding():
    outcomes = verify(rulecheck.analyze(FRAMEWORK), max_examples=int(FEW))
    assert [o.diagnostic for o in outcomes if o.finding or o.diagnostic is not None] == []


def test_the_same_seed_finds_the_same_and_another_seed_finds_the_reversal_too():
    assert [d.message for d in findings(REVERSED)] == [d.message for d in findings(REVERSED)]
    assert [d.code for d in findings(REVERSED, seed=7)] == ["E714", "E714"]


def test_the_findings_speak_chinese():
    with speaking("zh"):
        [found] = findings(AGAINST)
        assert found.message.startswith("'固定资产利用率' 的第 2 档与相邻各档的走向相反")
        assert found.example[0] == "# 部门 A: 资产管理安全性 = 1.6"


def test_an_error_of_the_walks_fails_verify():
    result = CliRunner().invoke(main, ["verify", "--max-examples", FEW, str(REVERSED)])
    assert result.exit_code == 1
    assert "  ✗ 项目完成及时性: within [0, 6] — failed: E714, E714" in result.stdout
    assert result.stderr.endswith("seed 0): 2 problems\n")


# ---- E707: a jump at a boundary --------------------------------------------------------------------

TWO_PARTS = BROKEN / "verify-two-parts-one-input.rules"


def test_two_parts_that_jump_at_one_boundary_of_one_input_are_shown_with_the_step():
    assert rulecheck.analyze(TWO_PARTS).diagnostics == []
    [found] = findings(TWO_PARTS)
    assert (found.code, found.span.line) == ("E707", 17)
    assert found.message == ("moving “三公”经费实际支出 from 1 to 1.01 changes '公用经费控制率' from 4 to 0 at once: "
                             "'“三公”经费控制率', '日常公用经费控制率' all change at this boundary, more than any "
                             "single row or item (2)")
    assert assert_pair_reproduced(TWO_PARTS, found) == (4, 0)
    assert lines_of([found], TWO_PARTS) == header(TWO_PARTS).expected


def test_parts_that_read_different_inputs_do_not_jump_together(tmp_path):
    # the shipped 公用经费控制率: each part reads its own ratio; a step moves one part, by one row at most
    source = TWO_PARTS.read_text(encoding="utf-8")
    fixed = source.replace(
        "let “三公”经费比率: percent", "let 日常公用经费比率: percent = 日常公用经费实际支出 / 日常公用经费调整预算数\n"
        "let “三公”经费比率: percent").replace(
        "    “三公”经费预算安排数: amount above 0 \"“三公”经费预算安排数(万元)\"\n",
        "    “三公”经费预算安排数: amount above 0 \"“三公”经费预算安排数(万元)\"\n"
        "    日常公用经费实际支出: amount from 0\n    日常公用经费调整预算数: amount above 0\n")
    second = fixed.rindex("bands “三公”经费比率:")
    fixed = fixed[:second] + fixed[second:].replace("“三公”经费比率", "日常公用经费比率")
    path = write(tmp_path, fixed)
    assert rulecheck.analyze(path).diagnostics == []
    assert findings(path) == []


@pytest.mark.parametrize(("values", "expected"), [
    ([Decimal(0), Decimal(1), Decimal(2), Decimal(5)], [(0, 1), (1, 2)]),
])
def test_adjacent_values_are_one_smallest_step_apart(values, expected):
    assert adjacent(Domain("count", Decimal(0)), values) == expected
    cents = [Decimal("0.99"), Decimal(1), Decimal("1.01"), Decimal("1.1")]
    assert adjacent(Domain("amount", Decimal(0)), cents) == [(cents[0], cents[1]), (cents[1], cents[2])]


# ---- W713 and E714 on the constructs of issue 12: award, matrix, ceil/floor/round --------------------

# Each file declares 3 of the 4 inputs its leaves read: the one left undeclared is suggested (W713).
PROJECTS = """    indicator 项目完成及时性 (3):
        increasing in 按时完成项目数
        decreasing in 计划完成项目数
        formula: min(按时完成项目数 / 计划完成项目数, 1) × 3
"""
AWARD_FORGOTTEN = """framework "培训"
total 6
rounding 2 decimals half-up
inputs:
    培训次数: count from 0 to 20 "年内组织业务培训次数"
    培训覆盖率: percent from 0% to 100% "参训人员占在编人数的比例"
    按时完成项目数: count from 0
    计划完成项目数: count from 1
group 培训与完成 (6):
    indicator 培训情况 (3):
        increasing in 培训次数
        award 0.5 per 培训次数
        award 0.1 per 1% of 培训覆盖率 above 80%
        cap 3
""" + PROJECTS
MATRIX_FORGOTTEN = """framework "产出"
total 13
rounding 2 decimals half-up
inputs:
    完成率: percent from 0% to 200% "实际完成率"
    质量达标率: percent from 0% to 100% "质量达标率"
    按时完成项目数: count from 0
    计划完成项目数: count from 1
group 产出 (13):
    indicator 产出完成与质量 (10):
        increasing in 完成率
        matrix 完成率 × 质量达标率:
            columns: ≥ 95% | 90% ≤ 质量达标率 < 95% | < 90%
            ≥ 100%              → 10 | 8 | 5
            90% ≤ 完成率 < 100% → 8  | 6 | 4
            < 90%               → 4  | 3 | 0
""" + PROJECTS
ROUNDED_FORGOTTEN = """framework "完成"
total 6
rounding 2 decimals half-up
inputs:
    按时完成项目数: count from 0
    计划完成项目数: count from 1
    调整资金: amount from 0
    年初预算: amount above 0
let 调整调剂率: percent = 调整资金 / 年初预算
group 效率 (6):
    indicator 项目完成及时性 (3):
        increasing in 按时完成项目数
        formula: round(min(按时完成项目数 / 计划完成项目数, 1), 2) × 3
    indicator 资金调整 (3):
        increasing in 年初预算
        decreasing in 调整资金
        deduct 0.1 per 1% of ceil(调整调剂率, 1%) above 10%
        floor 0
"""


@pytest.mark.parametrize(("text", "line", "start", "end"), [
    (AWARD_FORGOTTEN, 10, "the score of '培训情况' never falls as 培训覆盖率 rises (",
     "declare 'increasing in 培训覆盖率'?"),
    (MATRIX_FORGOTTEN, 10, "the score of '产出完成与质量' never falls as 质量达标率 rises (",
     "declare 'increasing in 质量达标率'?"),
    (ROUNDED_FORGOTTEN, 11, "the score of '项目完成及时性' never rises as 计划完成项目数 rises (",
     "declare 'decreasing in 计划完成项目数'?"),
], ids=["award", "matrix", "rounded"])
def test_a_forgotten_direction_is_suggested_on_the_v2_rules(tmp_path, text, line, start, end):
    path = write(tmp_path, text)
    assert rulecheck.analyze(path).diagnostics == []
    [found] = findings(path)
    assert (found.code, found.span.line) == ("W713", line)
    assert found.message.startswith(start) and found.message.endswith(end), found.message
    before, after = assert_pair_reproduced(path, found)
    assert (after - before) * (1 if "increasing" in end else -1) > 0


@pytest.mark.parametrize("text", [AWARD_FORGOTTEN, MATRIX_FORGOTTEN, ROUNDED_FORGOTTEN],
                         ids=["award", "matrix", "rounded"])
def test_declaring_the_suggested_direction_silences_it_on_the_v2_rules(tmp_path, text):
    [found] = findings(write(tmp_path, text, "first.rules"))
    direction = re.search(r"declare '(.+)'\?", found.message)[1]
    leaf = re.search(r"^(\s+)indicator " + re.escape(found.message.split("'")[1]) + r" .*\n", text, re.MULTILINE)
    declared = text[:leaf.end()] + leaf[1] + "    " + direction + "\n" + text[leaf.end():]
    assert findings(write(tmp_path, declared, "declared.rules")) == []


# the '=' that should be '≥' of verify-reversed-input.rules, beside an award and a rounded rate
AWARD_REVERSED = """framework "培训"
total 6
rounding 2 decimals half-up
inputs:
    培训次数: count from 0 to 20 "年内组织业务培训次数"
    计划培训次数: count from 1 to 20 "年度计划培训次数"
group 培训 (6):
    indicator 培训情况 (6):
        part 按次得分 (4):
            award 0.5 per 培训次数
            cap 4
        part 完成计划 (2):
            bands:
                培训次数 = 计划培训次数 → 2
                otherwise → 0
"""
ROUNDED_REVERSED = """framework "完成"
total 6
rounding 2 decimals half-up
inputs:
    按时完成项目数: count from 0 "按计划时间完成的项目数"
    计划完成项目数: count from 1 "计划完成的项目总数"
group 效率 (6):
    indicator 项目完成及时性 (6):
        part 按时完成率 (4):
            formula: ceil(min(按时完成项目数 / 计划完成项目数, 1), 1%) × 4
        part 全部按时完成 (2):
            bands:
                按时完成项目数 = 计划完成项目数 → 2
                otherwise → 0
"""


@pytest.mark.parametrize(("text", "name", "start"), [
    (AWARD_REVERSED, "培训次数", "'培训情况' scores more as 培训次数 rises ("),
    (ROUNDED_REVERSED, "按时完成项目数", "'项目完成及时性' scores more as 按时完成项目数 rises ("),
], ids=["award", "rounded"])
def test_a_reversal_is_found_beside_an_award_and_a_rounded_rate(tmp_path, text, name, start):
    path = write(tmp_path, text)
    assert rulecheck.analyze(path).diagnostics == []
    found = [d for d in findings(path) if d.code == "E714"]
    assert found and found[0].span.line == 8 and found[0].message.startswith(start), [d.message for d in found]
    assert f"when {name} rises from" in found[0].message
    before, after = assert_pair_reproduced(path, found[0])
    assert after < before  # doing more lowers the score
    fixed = text.replace(" = 计划", " ≥ 计划")
    assert [d.code for d in findings(write(tmp_path, fixed, "fixed.rules"))] == []


def test_a_matrix_whose_points_rise_on_both_axes_has_no_reversal(tmp_path):
    # no direction declared: neither W713 (not suggested in a file that declares none) nor E714 (none reverses)
    undeclared = MATRIX_FORGOTTEN.replace("        increasing in 完成率\n", "").replace(
        "        increasing in 按时完成项目数\n        decreasing in 计划完成项目数\n", "")
    assert findings(write(tmp_path, undeclared)) == []
