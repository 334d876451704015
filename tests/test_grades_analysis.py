"""`check` analyses the rows of `grades:` like a band table over the total (E721–E725), and the band
findings that misled: a ladder starting '= 100%' is not an overlap, computed points are bounded by the
row's own share of the subject, and a table on the wrong subject is asked about its subject."""

from __future__ import annotations

from pathlib import Path

import rulecheck
from rulecheck.i18n import speaking

ROOT = Path(__file__).resolve().parents[1]

TREE = """\
inputs:
    满意度: percent from 0% to 100%
group 效益 (100):
    indicator 公众或服务对象满意度 (100):
        bands 满意度:
            ≥ 95% → 100
            otherwise → 50
"""


def findings(text: str) -> list[tuple[str, str, str]]:
    """(code, message, hint) of every finding `check` reports on a rule file's text."""
    analysis = rulecheck.analyze_text(text)
    return [(d.code, d.message, d.hint) for d in analysis.diagnostics]


def graded(*rows: str, total: int = 100) -> list[tuple[str, str, str]]:
    """The findings of a framework of `total` points with these grade rows."""
    tree = TREE.replace("(100)", f"({total})").replace("→ 100", f"→ {total}").replace("→ 50", "→ 0")
    return findings(f"total {total}\nrounding 2 decimals half-up\ngrades:\n"
                    + "".join(f"    {row}\n" for row in rows) + tree)


# ---- grades -----------------------------------------------------------------------------------------

def test_grades_from_the_highest_threshold_down_are_clean():
    assert graded("≥ 90 → 优", "≥ 80 → 良", "≥ 60 → 中", "otherwise → 差") == []
    assert graded("< 60 → 差", "< 80 → 中", "< 90 → 良", "otherwise → 优") == []  # '<' rows from the lowest up
    assert graded("≥ 90 → 优", "≥ 80 → 良", "≥ 60 → 中", "< 60 → 差") == []


def test_the_shipped_framework_grades_are_clean():
    analysis = rulecheck.analyze(ROOT / "rules" / "shenzhen" / "framework.rules")
    assert [d for d in analysis.diagnostics if d.code.startswith("E72")] == []


def test_ascending_grade_rows_are_shadowed_with_a_total_that_shows_it():
    found = graded("< 60 → 差", "≥ 60 → 中", "≥ 80 → 良", "≥ 90 → 优")
    hint = "the first row that matches gives the grade: list the grade rows from the highest threshold down"
    assert found == [
        ("E722", "grade row 3 (≥ 80 → 良) can never match: a total of 80 is graded 中 by row 2 (≥ 60 → 中) above "
                 "it, not 良", hint),
        ("E722", "grade row 4 (≥ 90 → 优) can never match: a total of 90 is graded 中 by row 2 (≥ 60 → 中) above "
                 "it, not 优", hint)]


def test_a_threshold_typed_short_asks_for_that_threshold():
    assert graded("≥ 90 → 优", "≥ 8 → 良", "≥ 60 → 中", "otherwise → 差") == [
        ("E722", "grade row 3 (≥ 60 → 中) can never match: a total of 60 is graded 良 by row 2 (≥ 8 → 良) above "
                 "it, not 中", "correct the threshold of row 2 (≥ 8 → 良): did you mean ≥ 80? As written it takes the totals of the rows below it")]


def test_two_rows_swapped_ask_for_the_order():
    assert [f[2] for f in graded("≥ 90 → 优", "≥ 60 → 中", "≥ 80 → 良", "otherwise → 差")] == [
        "the first row that matches gives the grade: list the grade rows from the highest threshold down"]


def test_ascending_less_than_rows_listed_the_wrong_way_round():
    assert [f[:1] + f[2:] for f in graded("< 90 → 良", "< 60 → 差", "otherwise → 优")] == [
        ("E722", "the first row that matches gives the grade: list the '<' rows from the lowest threshold up")]


def test_a_last_row_that_stops_short_leaves_a_gap():
    assert graded("≥ 90 → 优", "≥ 80 → 良", "≥ 60 → 中", "< 50 → 差") == [
        ("E721", "no grade row covers a total of 50: a department with it gets no grade",
         "add a row for the totals [50, 60), or end the grades with an 'otherwise' row")]


def test_a_gap_at_a_threshold_written_twice_open():
    assert [f[:2] for f in graded("> 80 → 良", "< 80 → 中")] == [
        ("E721", "no grade row covers a total of 80: a department with it gets no grade")]


def test_thresholds_past_the_total_reach_no_total():
    found = graded("≥ 90 → 优", "≥ 80 → 良", "≥ 6 → 中", "otherwise → 差", total=10)
    assert [f[:2] for f in found] == [
        ("E725", "grade row 1 (≥ 90 → 优) matches no total: totals run from 0 to 10, so no department is graded 优"),
        ("E725", "grade row 2 (≥ 80 → 良) matches no total: totals run from 0 to 10, so no department is graded 良")]
    assert found[0][2] == "correct the threshold: the framework's total is 10 points"
    assert [f[:2] for f in graded("≥ 90 → 优", "< 0 → 差", "otherwise → 中")] == [
        ("E725", "grade row 2 (< 0 → 差) matches no total: totals run from 0 to 100, so no department is graded 差")]


def test_a_grade_another_row_still_gives_is_not_said_to_be_lost():
    assert [f[:2] for f in graded("≥ 900 → 优", "≥ 90 → 优", "otherwise → 差")] == [
        ("E725", "grade row 1 (≥ 900 → 优) matches no total: totals run from 0 to 100")]


def test_otherwise_before_the_last_row():
    assert graded("≥ 90 → 优", "otherwise → 差", "≥ 60 → 中") == [
        ("E724", "'otherwise' must be the last grade row: the rows after it are never used",
         "move 'otherwise → 差' to the end of 'grades:'")]


def test_two_rows_sharing_a_total():
    assert graded("≤ 60 → 差", "≥ 90 → 优", "≥ 60 → 中") == [
        ("E723", "grade rows 1 (≤ 60 → 差) and 3 (≥ 60 → 中) both cover a total of 60: it is graded 差 (the first "
                 "one wins)", "make the rows meet without overlapping: end one row where the next begins, with '<' "
                              "on one side and '≥' on the other")]
    # a ladder goes on where the row above stops: no overlap
    assert graded("= 100 → 优", "≥ 90 → 良", "otherwise → 中") == []


def test_a_grade_finding_in_chinese():
    with speaking("zh"):
        (code, message, hint), = graded("< 60 → 差", "≥ 60 → 中", "≥ 90 → 优")
    assert code == "E722"
    assert message == "等级第 3 行 (≥ 90 → 优) 永远不会命中: 总分 90 分时已被上方第 2 行 (≥ 60 → 中) 评为中, 而不是优"
    assert hint == "等级按从上到下第一个满足的行评定: 请按阈值从高到低排列各行"


# ---- band tables ------------------------------------------------------------------------------------

SATISFACTION = """\
total 6
rounding 2 decimals half-up
inputs:
    满意度: percent from 0% to 100%
    完成率: percent from 0% to 100%
group 公平性 (6):
    indicator 公众或服务对象满意度 (6):
{rows}
"""


def banded(*rows: str) -> list[tuple[str, str, str]]:
    """The findings of a 6-point 满意度 leaf with these lines, but W201 (完成率 is read by few of them)."""
    found = findings(SATISFACTION.format(rows="\n".join(f"        {row}" for row in rows)))
    return [f for f in found if f[0] != "W201"]


def test_a_ladder_starting_at_full_marks_is_not_an_overlap():
    assert banded("bands 满意度:", "    = 100% → 6", "    ≥ 95% → 4", "    ≥ 90% → 2", "    otherwise → 0") == []


def test_a_genuine_overlap_is_still_reported_once():
    found = banded("bands 满意度:", "    = 100% → 6", "    90% ≤ 满意度 ≤ 100% → 4", "    otherwise → 0")
    assert [f[:2] for f in found] == [
        ("E702", "bands 1 and 2 of '公众或服务对象满意度' overlap: 满意度 = 100% matches both (the first one wins)")]


def test_computed_points_are_bounded_by_their_row():
    # below 50% the second row gives at most 满意度 × 12 < 6: no "cannot prove" warning
    assert banded("bands 满意度:", "    ≥ 50% → 6", "    otherwise → 满意度 × 12") == []
    # and a row that really goes past the points is still an error
    assert [f[0] for f in banded("bands 满意度:", "    ≥ 50% → 满意度 × 7", "    otherwise → 0")] == ["E501"]


def test_bands_upside_down_keep_their_hint():
    found = banded("increasing in 满意度", "bands 满意度:", "    ≥ 95% → 1", "    otherwise → 6")
    assert [(f[0], f[2]) for f in found] == [
        ("E711", "correct the rule (are the bands upside down?), or the declared direction")]


def test_a_direction_in_an_input_the_subject_does_not_read_questions_the_subject():
    found = banded("decreasing in 完成率", "bands 满意度:", "    ≥ 90% → 完成率 × 6", "    otherwise → 0")
    assert [(f[0], f[2]) for f in found] == [
        ("E711", "the bands read 满意度, the direction names 完成率: is the subject right? Correct the bands' "
                 "subject, or the declared direction")]


def test_bands_copied_from_a_neighbour_question_the_subject():
    text = """\
total 1
rounding 2 decimals half-up
inputs:
    编外人员数: count from 0
    在编人数: count from 1
    核定编制数: count from 1
let 财政供养人员比率: percent = 在编人数 / 核定编制数
let 编外人员比率: percent = 编外人员数 / (在编人数 + 编外人员数)
group 人员管理 (1):
    indicator 财政供养人员控制率 (1):
        decreasing in 在编人数
        bands 编外人员比率:
            < 5% → 1
            5% ≤ 编外人员比率 ≤ 10% → 0.5
            > 10% → 0
"""
    found = [f for f in findings(text) if f[0] == "E711"]
    assert [f[2] for f in found] == [
        "the bands read 编外人员比率, but the name '财政供养人员控制率' suggests 财政供养人员比率: is the subject "
        "right? Correct the bands' subject, or the declared direction"]


def test_each_grade_finding_has_a_defect_file():
    codes = set()
    for path in (ROOT / "tests" / "data" / "broken").glob("grades-*.rules"):
        codes |= {d.code for d in rulecheck.analyze(path).diagnostics}
    assert codes == {"E721", "E722", "E723", "E724", "E725"}
