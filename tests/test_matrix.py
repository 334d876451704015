"""Issue 12, point 7: `matrix`, points by two inputs' tiers (完成率 tier × 质量达标率 tier → points), as
provincial frameworks score some leaves: parsed, checked (types, bounds, each axis's gaps and overlaps,
directions), scored and explained in both languages, laid out by fmt, exported as 评分标准, compared by
diff and verified."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.diagnostics import EvaluationError
from rulecheck.i18n import speaking
from rulecheck.publish import build_table
from rulecheck.syntax.layout import layout

RULES = (Path(__file__).parent / "data" / "good" / "matrix-completion-quality.rules").read_text(encoding="utf-8")
NAME = "产出完成与质量"
MIDDLE_ROW = "            90% ≤ 完成率 < 100% → 8  | 6 | 4\n"


def findings(text: str) -> list:
    return rulecheck.analyze_text(text).diagnostics


def scored(text: str, facts: dict, lang: str = "en"):
    with speaking(lang):
        result = rulecheck.loads(text).evaluate(facts)
    return next(node for node in result.leaves() if node.name == NAME)


@pytest.mark.parametrize("completion, quality, expected", [
    ("120%", "95%", 10), ("100%", "94.9%", 8), ("100%", "50%", 5), ("96%", "92%", 6), ("90%", "90%", 6),
    ("99%", "89%", 4), ("89.9%", "100%", 4), ("0%", "0%", 0)])
def test_the_first_matching_row_meets_the_first_matching_column(completion, quality, expected):
    assert scored(RULES, {"完成率": completion, "质量达标率": quality}).score == Decimal(expected)


def test_the_document_s_matrix_checks_clean():
    assert findings(RULES) == []


def test_explained_as_row_and_column_in_english_and_chinese():
    facts = {"完成率": "96%", "质量达标率": "92%"}
    assert list(scored(RULES, facts).explanation) == [
        "完成率 96% falls in row 2, 质量达标率 92% in column 2: 6 points"]
    assert list(scored(RULES, facts, "zh").explanation) == ["完成率 96% 属第 2 行, 质量达标率 92% 属第 2 列, 得 6 分"]


def test_a_row_without_a_cell_for_each_column_is_e116():
    [finding] = findings(RULES.replace("→ 8  | 6 | 4", "→ 8 | 6"))
    assert (finding.code, finding.message) == ("E116", "this row has 2 cells but the matrix has 3 columns")


def test_a_cell_above_the_points_is_e501_with_a_counterexample():
    [finding, *_directions] = findings(RULES.replace("→ 8  | 6 | 4", "→ 8  | 6 | 11"))
    assert (finding.code, finding.message) == ("E501", f"'{NAME}' can score 11, above its 10 points")
    facts = dict(line.split(": ") for line in finding.example)
    with pytest.raises(EvaluationError, match="scored 11, above its 10 points"):
        scored(RULES.replace("→ 8  | 6 | 4", "→ 8  | 6 | 11"), facts)


def test_a_gap_between_rows_is_e701_with_the_value_no_row_covers():
    [finding] = findings(RULES.replace("< 90%               → 4", "< 80%               → 4"))
    assert (finding.code, finding.message) == ("E701", f"no row of '{NAME}' covers 完成率 = 80%")
    assert finding.example == ("完成率: 80%",)


def test_overlapping_columns_are_e702():
    [finding] = findings(RULES.replace("90% ≤ 质量达标率 < 95%", "90% ≤ 质量达标率 ≤ 95%"))
    assert finding.code == "E702"
    assert "质量达标率 = 95% matches both" in finding.message


def test_a_column_that_falls_down_the_rows_breaks_increasing_in_the_row_subject():
    [finding] = findings(RULES.replace("< 90%               → 4  | 3 | 0", "< 90%               → 9  | 3 | 0"))
    assert finding.code == "E711"
    assert "declared increasing in 完成率" in finding.message


def test_otherwise_before_the_last_column_is_e306():
    text = RULES.replace("columns: ≥ 95% | 90% ≤ 质量达标率 < 95% | < 90%", "columns: otherwise | ≥ 90% | < 90%")
    assert "E306" in [d.code for d in findings(text)]


def test_a_cell_in_yuan_is_not_points():
    text = RULES.replace("    质量达标率:", "    奖励金额: amount from 0\n    质量达标率:").replace("→ 8  | 6 | 4",
                                                                                     "→ 8  | 奖励金额 | 4")
    assert "E302" in [d.code for d in findings(text)]


def test_fmt_aligns_the_arrows_and_the_columns():
    assert layout(RULES) == RULES
    written = RULES.replace(MIDDLE_ROW, "            90%≤完成率<100% -> 8|6|4\n")
    assert layout(written) == RULES


def test_export_says_each_cell_as_its_two_tiers():
    with speaking("zh"):
        [row] = build_table(rulecheck.loads(RULES).program).rows
    cells = row.criteria.split("; ")
    assert len(cells) == 9
    assert cells[0] == "完成率 ≥ 100%且质量达标率 ≥ 95%的, 得 10 分"
    assert cells[4] == "90% ≤ 完成率 < 100%且90% ≤ 质量达标率 < 95%的, 得 6 分"


def test_diff_names_the_cells_and_thresholds_that_changed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.rules").write_text(RULES, encoding="utf-8")
    new = RULES.replace("→ 8  | 6 | 4", "→ 8  | 7 | 4").replace("90% ≤ 质量达标率 < 95%", "85% ≤ 质量达标率 < 95%")
    (tmp_path / "new.rules").write_text(new.replace("| < 90%", "| < 85%"), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "old.rules", "new.rules"])
    assert "cell (row 2, column 2): 6 → 7 points" in result.output, result.output
    assert "column 2: threshold 90% → 85%" in result.output


def test_diff_of_a_matrix_of_another_shape_says_the_table_changed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.rules").write_text(RULES, encoding="utf-8")
    new = RULES.replace(MIDDLE_ROW, "").replace("< 90%               → 4", "< 100%              → 4")
    (tmp_path / "new.rules").write_text(new, encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "old.rules", "new.rules"])
    assert "table changed: 3 rows × 3 columns → 2 rows × 3 columns" in result.output, result.output


def test_matrix_and_columns_stay_usable_as_names():
    text = RULES.replace("完成率", "matrix").replace("质量达标率", "columns")
    assert findings(text) == []


def test_verify_finds_nothing_wrong(tmp_path):
    (tmp_path / "f.rules").write_text(RULES, encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", str(tmp_path / "f.rules"), "--max-examples", "50"])
    assert result.exit_code == 0, result.output
    assert "0 problems" in result.output


def test_a_department_no_column_covers_is_e602_naming_the_column_axis():
    """A matrix whose columns leave a gap (90% ≤ 质量达标率 < 95% written 92% ≤ …): a department in the gap
    fails with E602 naming the column axis, in the words the prover's E701 on it uses."""
    text = RULES.replace("90% ≤ 质量达标率 < 95%", "92% ≤ 质量达标率 < 95%")
    ruleset = rulecheck.loads(text)
    for lang, said in (("en", "no column of '产出完成与质量' matches: 质量达标率 = 91%"),
                       ("zh", "'产出完成与质量' 没有一列满足: 质量达标率 = 91%")):
        with speaking(lang), pytest.raises(EvaluationError) as failure:
            ruleset.evaluate({"完成率": "95%", "质量达标率": "91%"}, explain=False)
        assert [(d.code, d.message) for d in failure.value.diagnostics] == [("E602", said)]
