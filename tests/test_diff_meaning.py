"""`rulecheck diff` compares meanings: a change no department of the corpus shows still needs review
(exit 1, and the output says which values it concerns); rows reordered or rewritten without changing
what they score are no change; a new version with check errors that still scores (an overlap, a gap)
is compared, its errors printed first, exit 1. Also the two findings of issue 11 in syntax and
linking: `rounding 1 decimal` parses, and an `extend`'s weights are reported at the extend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_diff import BASE, MOVED, edit, heading, line_of, run, write_departments

import rulecheck
from rulecheck.cli import main
from rulecheck.i18n import speaking
from rulecheck.syntax.layout import layout

SATISFACTION = ("            ≥ 95% → 4\n            90% ≤ 满意度 < 95% → 3\n            < 90% → 1\n")


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def diff(here: Path, new: str, *args, old: str = BASE):
    (here / "old.rules").write_text(old, encoding="utf-8")
    (here / "new.rules").write_text(new, encoding="utf-8")
    return run("old.rules", "new.rules", *args)


def body(result) -> list[str]:
    """What the diff prints after its two header lines."""
    return result.stdout.splitlines()[2:]


# ---- a change no department shows -----------------------------------------------------------------

def test_a_boundary_moved_where_no_department_is_exits_1_and_names_the_values(here):
    moved = edit(BASE, ("90% ≤ 满意度 < 95% → 3", "91% ≤ 满意度 < 95% → 3"), ("< 90% → 1", "< 91% → 1"))
    write_departments(here, {"A": {"满意度": "96%"}, "B": {"满意度": "92%"}, "C": {"满意度": "80%"}})
    result = diff(here, moved, "--facts", "departments.csv")
    assert result.exit_code == 1, result.output
    assert body(result)[-2:] == [
        "0 of 3 departments change (departments.csv)",
        "the scores of 满意度 in [90%, 91%) change (3 → 1), though no department of the corpus has such a value"]
    assert diff(here, moved, "--facts", "departments.csv", "--allow-changes").exit_code == 0


def test_a_change_that_is_not_a_band_table_is_said_as_a_whole(here):
    new = edit(BASE, ("formula: min(已完成 / 计划数, 1) × 3", "formula: min(已完成 / 计划数 × 1.2, 1) × 3"))
    write_departments(here, {"A": {}})  # 10 of 10 done: full marks with either formula
    result = diff(here, new, "--facts", "departments.csv")
    assert result.exit_code == 1
    assert body(result)[-2:] == ["0 of 1 department change (departments.csv)",
                                 "the meaning changes (above), though no department of the corpus moves"]


def test_no_change_in_meaning_with_departments_exits_0_and_says_nothing_more(here):
    write_departments(here, {"A": {}})
    result = diff(here, edit(BASE, ("# 管理\n", "")), "--facts", "departments.csv")
    assert result.exit_code == 0
    assert body(result) == ["no change in meaning", "", "0 of 1 department change (departments.csv)"]


def test_the_values_line_in_chinese(here):
    moved = edit(BASE, ("90% ≤ 满意度 < 95% → 3", "91% ≤ 满意度 < 95% → 3"), ("< 90% → 1", "< 91% → 1"))
    write_departments(here, {"A": {"满意度": "96%"}})
    (here / "old.rules").write_text(BASE, encoding="utf-8")
    (here / "new.rules").write_text(moved, encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "zh", "diff", "old.rules", "new.rules", "--facts", "departments.csv"])
    assert result.exit_code == 1
    last = result.stdout.splitlines()[-1]
    assert "满意度" in last and "[90%, 91%)" in last and "3 → 1" in last
    assert not any(word in last for word in ("scores", "though", "department"))


# ---- equal meaning, other rows ----------------------------------------------------------------------

def test_band_rows_reordered_are_no_change(here):
    reordered = edit(BASE, (SATISFACTION, "            < 90% → 1\n            90% ≤ 满意度 < 95% → 3\n"
                                          "            ≥ 95% → 4\n"))
    result = diff(here, reordered)
    assert (result.exit_code, body(result)) == (0, ["no change in meaning"])


def test_band_rows_split_merged_or_shadowed_that_score_alike_are_no_change(here):
    split = edit(BASE, ("            ≥ 95% → 4\n", "            ≥ 98% → 4\n            ≥ 95% → 4\n"))
    assert body(diff(here, split)) == ["no change in meaning"]
    whole = edit(BASE, ("        bands 满意度:\n" + SATISFACTION,
                        "        bands:\n            满意度 ≥ 95% → 4\n            90% ≤ 满意度 < 95% → 3\n"
                        "            otherwise → 1\n"))
    assert body(diff(here, whole)) == ["no change in meaning"]


def test_reordered_rows_that_do_change_the_scores_are_reported(here):
    # '≥ 90%' first now takes 95% and above too: a ladder turned upside down
    ladder = edit(BASE, (SATISFACTION, "            ≥ 90% → 3\n            ≥ 95% → 4\n            < 90% → 1\n"))
    result = diff(here, ladder)
    assert result.exit_code == 1
    assert body(result)[-1] == "    满意度 in [95%, 100%]: 4 → 3"


def test_checklist_items_and_deductions_reordered_are_no_change(here):
    new = edit(BASE, ("            有制度 → 1\n            有台账 → 1\n", "            有台账 → 1\n            有制度 → 1\n"),
               ("        deduct 2 per 未完成数\n        floor 0", "        deduct 2 per 未完成数\n        deduct 1 per 已完成"))
    old = edit(BASE, ("        deduct 2 per 未完成数\n        floor 0", "        deduct 1 per 已完成\n        deduct 2 per 未完成数"))
    result = diff(here, new, old=old)
    assert (result.exit_code, body(result)) == (0, ["no change in meaning"])


def test_a_new_grade_value_with_its_row_is_still_reported(here):
    new = edit(BASE, ("公开情况: grade(按规定公开, 部分公开, 未公开)", "公开情况: grade(按规定公开, 部分公开, 未公开, 不适用)"),
               ("            未公开 → 0", "            未公开 → 0\n            不适用 → 2"))
    assert "    band 4 added: 不适用 → 2" in body(diff(here, new))


# ---- a new version with check errors ------------------------------------------------------------------

GAP = edit(BASE, ("            ≥ 95% → 4\n", "            ≥ 96% → 4\n"))


def test_an_overlap_is_reported_first_then_compared_and_exits_1(here):
    overlap = edit(BASE, (SATISFACTION, "            ≥ 90% → 4\n            85% ≤ 满意度 < 95% → 3\n"
                                        "            < 85% → 1\n"))
    write_departments(here, {"A": {"满意度": "92%"}, "B": {"满意度": "87%"}, "C": {"满意度": "80%"}})
    result = diff(here, overlap, "--facts", "departments.csv")
    assert result.exit_code == 1, result.output
    line = line_of(overlap, "85% ≤ 满意度 < 95%")
    assert result.output.startswith(f"new.rules:{line}:13: error[E702]: bands 1 and 2 of '满意' overlap: "
                                    "满意度 = 90% matches both (the first one wins)\n")
    errors = result.stderr.splitlines()
    assert errors[-1] == ("1 error (above): compared all the same, as the file scores now (the first matching band "
                          "wins; a value no band covers cannot be scored)")
    assert body(result) == [
        heading("indicator 满意", overlap),
        "    band 1: threshold 95% → 90%",
        "    band 2: threshold 90% → 85%",
        "    band 3: threshold 90% → 85%",
        "    满意度 in [85%, 90%): 1 → 3",
        "    满意度 in [90%, 95%): 3 → 4",
        "",
        "A (departments.csv:2): 19.00 → 20.00 (+1.00)",
        "    满意: 3.00 → 4.00",
        "B (departments.csv:3): 17.00 → 19.00 (+2.00), grade 良 → 优",
        "    满意: 1.00 → 3.00",
        "2 of 3 departments change (departments.csv)",
    ]
    # errors are not a change a reviewer can accept
    assert diff(here, overlap, "--facts", "departments.csv", "--allow-changes").exit_code == 1


def test_a_gap_scores_nothing_where_no_band_covers(here):
    write_departments(here, {"A": {"满意度": "95.5%"}, "B": {"满意度": "97%"}})
    result = diff(here, GAP, "--facts", "departments.csv")
    assert result.exit_code == 1
    assert "error[E701]: no band of '满意' covers 满意度 = 95%" in result.stderr
    lines = body(result)
    assert lines[:3] == [heading("indicator 满意", GAP), "    band 1: threshold 95% → 96%",
                         "    满意度 in [95%, 96%): 4 → (no band)"]
    assert lines[4] == "A (departments.csv:2): 20.00 with the old version; the new version cannot score it:"
    assert lines[-1] == "1 of 2 departments change (departments.csv)"


def test_the_json_output_lists_the_errors(here):
    result = diff(here, GAP, "--format", "json")
    data = json.loads(result.stdout)
    assert [e["code"] for e in data["errors"]] == ["E701"]
    assert data["changes"][0]["intervals"] == [{"subject": "满意度", "values": "in [95%, 96%)", "old": "4",
                                                "new": None}]
    assert json.loads(diff(here, MOVED, "--format", "json").stdout)["errors"] == []


def test_a_version_that_does_not_compile_is_still_refused(here):
    result = diff(here, edit(GAP, ("bands 满意度:", "bands 满意率:")))
    assert (result.exit_code, result.stdout) == (2, "")
    assert "error[E201]: unknown name '满意率'" in result.stderr
    assert result.stderr.endswith("cannot compare: fix what 'rulecheck check' reports first\n")


def test_an_old_version_with_errors_is_compared_too(here):
    result = diff(here, BASE, old=GAP)
    assert result.exit_code == 1
    assert body(result)[-1] == "    满意度 in [95%, 96%): (no band) → 4"


# ---- rounding 1 decimal ---------------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["rounding 1 decimal half-even", "rounding 1 decimals half-even",
                                  "rounding 0 decimals", "rounding 0 decimal"])
def test_rounding_accepts_decimal_and_decimals(line):
    ruleset = rulecheck.loads(edit(BASE, ("rounding 2 decimals half-up", line)))
    assert ruleset.program.rounding.decimals == int(line.split()[1])


def test_fmt_writes_the_word_that_agrees_with_the_number():
    assert layout(edit(BASE, ("rounding 2 decimals half-up", "rounding 1 decimals"))).splitlines()[2] == \
        "rounding 1 decimal half-up"
    assert layout(edit(BASE, ("rounding 2 decimals half-up", "rounding 0 decimal down"))).splitlines()[2] == \
        "rounding 0 decimals down"
    assert layout(BASE).splitlines()[2] == "rounding 2 decimals half-up"


def test_the_diff_says_1_decimal_as_the_file_may_write_it(here):
    one = edit(BASE, ("rounding 2 decimals half-up", "rounding 1 decimal"))
    assert body(diff(here, one)) == ["framework:", "    rounding 2 decimals half-up → 1 decimal half-up"]
    assert body(diff(here, one, old=edit(BASE, ("rounding 2 decimals half-up", "rounding 1 decimals")))) == \
        ["no change in meaning"]


def test_a_rounding_line_without_its_word_names_both(tmp_path):
    (tmp_path / "r.rules").write_text(edit(BASE, ("rounding 2 decimals half-up", "rounding 2")), encoding="utf-8")
    with speaking("en"):
        result = CliRunner().invoke(main, ["check", str(tmp_path / "r.rules")])
    assert result.exit_code == 1
    assert "'decimal'" in result.output and "'decimals'" in result.output


# ---- an extend's error, at the extend ------------------------------------------------------------------

def test_an_extend_whose_indicators_do_not_add_up_is_reported_at_the_extend(here):
    (here / "base.rules").write_text(BASE, encoding="utf-8")
    department = ('import "base.rules"\n\nextend 评定:\n    indicator 评定一 (1):\n        checklist:\n'
                  '            有制度 → 1\n    indicator 评定二 (2):\n        checklist:\n            有台账 → 2\n')
    (here / "dept.rules").write_text(department, encoding="utf-8")
    analysis = rulecheck.analyze(here / "dept.rules")
    (found,) = [d for d in analysis.diagnostics if d.is_error]
    assert (found.code, found.span.file, found.span.line, found.span.column) == ("E401", str(here / "dept.rules"), 3, 1)
    assert found.message == "the children of '评定' add up to 3, not the group's 2 points"
    # the group a leaf became is where the department file made it, for every report that locates it
    group = next(node for node in analysis.checked.program.nodes[0].children if node.name == "评定")
    assert group.span.file == str(here / "dept.rules")


# ---- matrices and grades by meaning (issue 12) ------------------------------------------------------

DATA = Path(__file__).parent / "data" / "good"
MATRIX = (DATA / "matrix-completion-quality.rules").read_text(encoding="utf-8")
MATRIX_ROWS = ("            ≥ 100%              → 10 | 8 | 5\n"
               "            90% ≤ 完成率 < 100% → 8  | 6 | 4\n"
               "            < 90%               → 4  | 3 | 0\n")
VETO = (DATA / "grades-veto.rules").read_text(encoding="utf-8")


def test_a_matrix_cell_changed_names_its_cell_and_the_values_it_scores(here):
    new = edit(MATRIX, ("→ 8  | 6 | 4", "→ 8  | 7 | 4"))
    (here / "departments.csv").write_text("id,完成率,质量达标率\nA,120%,99%\n", encoding="utf-8")
    result = diff(here, new, "--facts", "departments.csv", old=MATRIX)
    assert result.exit_code == 1
    assert body(result)[1:3] == ["    cell (row 2, column 2): 6 → 7 points",
                                 "    完成率 in [90%, 100%) and 质量达标率 in [90%, 95%): 6 → 7"]
    assert body(result)[-1] == ("the scores where 完成率 in [90%, 100%) and 质量达标率 in [90%, 95%) change (6 → 7), though "
                                "no department of the corpus has such values")


def test_matrix_rows_reordered_or_split_that_score_alike_are_no_change(here):
    first, second, third = MATRIX_ROWS.splitlines(keepends=True)
    reordered = edit(MATRIX, (MATRIX_ROWS, third + second + first))
    split = edit(MATRIX, (second, "            95% ≤ 完成率 < 100% → 8 | 6 | 4\n"
                                  "            90% ≤ 完成率 < 95% → 8 | 6 | 4\n"))
    columns = edit(MATRIX, ("columns: ≥ 95% | 90% ≤ 质量达标率 < 95% | < 90%",
                            "columns: 质量达标率 ≥ 95% | 质量达标率 ≥ 90% | otherwise"))
    for new in (reordered, split, columns):
        result = diff(here, new, old=MATRIX)
        assert body(result) == ["no change in meaning"], new
        assert result.exit_code == 0


def test_a_matrix_threshold_moved_names_each_pair_of_values_and_in_chinese(here):
    new = edit(MATRIX, ("90% ≤ 完成率 < 100% → 8  | 6 | 4", "85% ≤ 完成率 < 100% → 8  | 6 | 4"),
               ("< 90%               → 4  | 3 | 0", "< 85%               → 4  | 3 | 0"))
    result = diff(here, new, old=MATRIX)
    assert body(result)[1:] == [
        "    row 2: threshold 90% → 85%", "    row 3: threshold 90% → 85%",
        "    完成率 in [85%, 90%) and 质量达标率 in [0%, 90%): 0 → 4",
        "    完成率 in [85%, 90%) and 质量达标率 in [90%, 95%): 3 → 6",
        "    完成率 in [85%, 90%) and 质量达标率 in [95%, 100%]: 4 → 8"]
    with speaking("zh"):
        chinese = CliRunner().invoke(main, ["--lang", "zh", "diff", "old.rules", "new.rules"])
    assert "    完成率 在 [85%, 90%) 内且质量达标率 在 [0%, 90%) 内: 0 → 4" in chinese.stdout.splitlines()


def test_a_matrix_cell_in_the_json_output_names_both_subjects(here):
    result = diff(here, edit(MATRIX, ("→ 8  | 6 | 4", "→ 8  | 7 | 4")), "--format", "json", old=MATRIX)
    [section] = json.loads(result.stdout)["changes"]
    assert section["intervals"] == [{"subject": "完成率", "values": "in [90%, 100%)", "column_subject": "质量达标率",
                                     "column_values": "in [90%, 95%)", "old": "6", "new": "7"}]


def test_a_veto_dropped_from_a_grade_row_says_when_the_grade_changes(here):
    new = edit(VETO, ("    ≥ 90 and not 发生安全责任事故 → 优", "    ≥ 90 → 优"))
    result = diff(here, new, old=VETO)
    assert result.exit_code == 1
    assert body(result) == [
        "framework:", "    grade 优: condition ≥ 90 and not 发生安全责任事故 → ≥ 90",
        "    total score in [90, 100] when 存在重大违规问题 is false and 发生安全责任事故 is true: 良 → 优"]


def test_a_veto_widened_and_a_threshold_moved_under_a_veto(here):
    widened = diff(here, edit(VETO, ("    存在重大违规问题 → 差", "    存在重大违规问题 or 发生安全责任事故 → 差")), old=VETO)
    assert body(widened)[2:] == [
        "    total score in [60, 80) when 存在重大违规问题 is false and 发生安全责任事故 is true: 中 → 差",
        "    total score in [80, 100] when 存在重大违规问题 is false and 发生安全责任事故 is true: 良 → 差"]
    moved = diff(here, edit(VETO, ("≥ 90 and not 发生安全责任事故 → 优", "≥ 85 and not 发生安全责任事故 → 优")), old=VETO)
    assert body(moved) == [
        "framework:", "    grade 优: threshold 90 → 85",
        "    total score in [85, 90) when 存在重大违规问题 is false and 发生安全责任事故 is false: 良 → 优"]
    chinese = CliRunner().invoke(main, ["--lang", "zh", "diff", "old.rules", "new.rules"])
    assert chinese.stdout.splitlines()[-1] == "    存在重大违规问题为否且发生安全责任事故为否时, 总分 在 [85, 90) 内: 良 → 优"


def test_grade_rows_split_or_rewritten_that_grade_alike_are_no_change(here):
    new = edit(VETO, ("    ≥ 80 → 良\n", "    ≥ 85 → 良\n    ≥ 80 → 良\n"), ("    otherwise → 差", "    < 60 → 差"))
    result = diff(here, new, old=VETO)
    assert body(result) == ["no change in meaning"]
    assert result.exit_code == 0


def test_a_grade_change_no_department_shows_is_said_as_a_grade(here):
    new = edit(VETO, ("≥ 90 and not 发生安全责任事故 → 优", "≥ 85 and not 发生安全责任事故 → 优"))
    (here / "departments.csv").write_text("id,预算执行数,预算数,满意度,存在重大违规问题,发生安全责任事故\n"
                                          "A,50,100,50%,否,否\n", encoding="utf-8")
    result = diff(here, new, "--facts", "departments.csv", old=VETO)
    assert result.exit_code == 1
    assert body(result)[-1] == (
        "the grade where total score in [85, 90) when 存在重大违规问题 is false and 发生安全责任事故 is false changes "
        "(良 → 优), though no department of the corpus is graded there")
