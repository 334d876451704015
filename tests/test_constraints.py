"""Constraints between inputs (`constraints:`): declared once in the rule file, checked like any
comparison, tested on every department's facts (a department that breaks one is refused with F517, never
scored), and assumed by the prover and by `verify`, so that neither reports a department that cannot exist."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.diagnostics import FactsError
from rulecheck.i18n import speaking
from rulecheck.inputs.facts import parse_facts
from rulecheck.source import Source
from rulecheck.syntax.layout import layout

ROOT = Path(__file__).parent.parent
GOOD = ROOT / "tests" / "data" / "good" / "constraints-completed-within-plan.rules"

HEADER = '''framework "项目"
total 6
rounding 2 decimals half-up
inputs:
    按时完成项目数: count from 0
    计划完成项目数: count from 1
'''
DECLARED = '''constraints:
    按时完成项目数 ≤ 计划完成项目数 "按时完成的项目不多于计划项目"
'''
LEAF = '''indicator 项目完成及时性 (6):
    formula: 按时完成项目数 / 计划完成项目数 × 6
'''


def findings(text: str) -> list[tuple[str, int, int, str]]:
    analysis = rulecheck.analyze_text(text, "t.rules")
    return [(d.code, d.span.line, d.span.column, d.message) for d in analysis.diagnostics]


def facts(text: str, name: str = "dept.yaml"):
    return parse_facts(Source(name, text))


def run(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", *map(str, args)])


# ---- the language --------------------------------------------------------------------------------

def test_the_block_is_parsed_with_its_descriptions():
    program = rulecheck.loads(HEADER + DECLARED + "    按时完成项目数 ≥ 0\n" + LEAF).program
    first, second = program.constraints
    assert first.description == "按时完成的项目不多于计划项目"
    assert first.condition.ops == ("<=",)
    assert second.description is None and second.condition.ops == (">=",)


def test_fmt_prints_the_block_back_with_its_comments():
    written = (HEADER + "# facts that hold together\nconstraints:\n    按时完成项目数<=计划完成项目数   \"按时\"  # why\n"
               "    # a comment inside\n    计划完成项目数>=按时完成项目数\n" + LEAF)
    canonical = layout(written)
    assert ("# facts that hold together\nconstraints:\n    按时完成项目数 ≤ 计划完成项目数 \"按时\"  # why\n"
            "    # a comment inside\n    计划完成项目数 ≥ 按时完成项目数\n") in canonical
    assert layout(canonical) == canonical


def test_an_unknown_name_in_a_constraint_is_e201_with_a_suggestion():
    found = findings(HEADER + "constraints:\n    按时完成项目 ≤ 计划完成项目数\n" + LEAF)
    assert found == [("E201", 8, 5, "unknown name '按时完成项目': not a declared input, derived value or grade value")]


def test_units_that_do_not_agree_are_e302():
    text = HEADER.replace("inputs:\n", "inputs:\n    预算: amount from 0\n") + "constraints:\n    按时完成项目数 ≤ 预算\n" + LEAF
    assert ("E302", 9, 15, "this compares a count and an amount of money") in findings(text)


def test_a_constraint_that_is_not_a_comparison_is_e301():
    found = findings(HEADER + "constraints:\n    按时完成项目数 + 计划完成项目数\n" + LEAF)
    assert found == [("E301", 8, 5, "a constraint compares two values, but this is not a comparison")]


def test_the_constraints_of_an_imported_framework_apply_to_the_department_file(tmp_path):
    (tmp_path / "framework.rules").write_text(HEADER + DECLARED + LEAF, encoding="utf-8")
    (tmp_path / "dept.rules").write_text('import "framework.rules"\n', encoding="utf-8")
    ruleset = rulecheck.load(tmp_path / "dept.rules")
    assert [c.description for c in ruleset.program.constraints] == ["按时完成的项目不多于计划项目"]
    with pytest.raises(FactsError):
        ruleset.validate({"按时完成项目数": 35, "计划完成项目数": 31})


# ---- facts ---------------------------------------------------------------------------------------

def test_a_department_that_breaks_a_constraint_is_refused_at_its_first_input():
    ruleset = rulecheck.loads(HEADER + DECLARED + LEAF, "t.rules")
    with pytest.raises(FactsError) as caught:
        ruleset.evaluate(facts("计划完成项目数: 31\n按时完成项目数: 35\n"))
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.code == "F517"
    assert (diagnostic.span.file, diagnostic.span.line) == ("dept.yaml", 2)  # 按时完成项目数, named first
    assert diagnostic.message == ("按时完成项目数 35 is greater than 计划完成项目数 31: the facts break the "
                                  "constraint '按时完成的项目不多于计划项目'")
    assert diagnostic.hint.startswith("the constraint is declared at t.rules:8:5")


def test_the_message_in_chinese():
    ruleset = rulecheck.loads(HEADER + DECLARED + LEAF)
    with speaking("zh"), pytest.raises(FactsError) as caught:
        ruleset.validate(facts("按时完成项目数: 35\n计划完成项目数: 31\n"))
    assert caught.value.diagnostics[0].message == \
        "按时完成项目数 35 大于 计划完成项目数 31: 违反约束 '按时完成的项目不多于计划项目'"


def test_without_a_description_the_comparison_names_the_constraint():
    ruleset = rulecheck.loads(HEADER + "constraints:\n    计划完成项目数 > 按时完成项目数\n" + LEAF)
    with pytest.raises(FactsError) as caught:
        ruleset.validate({"按时完成项目数": 31, "计划完成项目数": 31})
    assert caught.value.diagnostics[0].message == ("计划完成项目数 31 is not greater than 按时完成项目数 31: the "
                                                   "facts break the constraint '计划完成项目数 > 按时完成项目数'")


def test_facts_that_satisfy_the_constraints_are_scored():
    ruleset = rulecheck.loads(HEADER + DECLARED + LEAF)
    assert ruleset.evaluate({"按时完成项目数": 31, "计划完成项目数": 31}).total == 6


def test_a_constraint_on_a_derived_value_bounds_it_for_the_prover_too():
    text = (HEADER + "let 完成率 = 按时完成项目数 / 计划完成项目数\nconstraints:\n    完成率 ≤ 100% \"完成率不超过100%\"\n"
            "indicator 项目完成及时性 (6):\n    formula: 完成率 × 6\n")
    assert findings(text) == []  # 完成率 × 6 is within 6 points: the constraint bounds 完成率
    ruleset = rulecheck.loads(text)
    with pytest.raises(FactsError) as caught:
        ruleset.validate({"按时完成项目数": 35, "计划完成项目数": 28})
    assert caught.value.diagnostics[0].message.startswith("完成率 125% is greater than 100%: ")


def test_a_constraint_whose_input_is_missing_is_left_to_the_missing_fact():
    ruleset = rulecheck.loads(HEADER + DECLARED + LEAF)
    with pytest.raises(FactsError) as caught:
        ruleset.validate({"按时完成项目数": 35})
    assert [d.code for d in caught.value.diagnostics] == ["F501"]


def test_every_row_of_a_batch_is_checked_and_the_others_are_scored(tmp_path):
    rules = tmp_path / "projects.rules"
    rules.write_text(HEADER + DECLARED + LEAF, encoding="utf-8")
    corpus = tmp_path / "corpus.csv"
    corpus.write_text("id,按时完成项目数,计划完成项目数\na,3,4\nb,35,31\nc,4,4\n", encoding="utf-8")
    result = run("score", rules, corpus)
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["key"], r["total"]) for r in rows] == [("a", "4.50"), ("b", ""), ("c", "6.00")]
    assert rows[1]["error"] == ("F517: 按时完成项目数 35 is greater than 计划完成项目数 31: the facts break the "
                                "constraint '按时完成的项目不多于计划项目'")
    assert f"{corpus}:3: error[F517]: 按时完成项目数 35 is greater than 计划完成项目数 31" in result.stderr
    assert "3 departments: 2 scored, 1 failed" in result.stderr


# ---- the prover and verify -----------------------------------------------------------------------

def test_a_ratio_of_a_declared_part_to_its_whole_is_proved_within_its_points_without_a_min():
    assert findings(HEADER + DECLARED + LEAF) == []
    [(code, line, __, message)] = findings(HEADER + LEAF)  # the same leaf, without the constraint
    assert (code, line, message) == ("E501", 8, "'项目完成及时性' can score 12, above its 6 points")


BOUNDED_BY_THE_CONSTRAINT = '''indicator 项目完成及时性 (6):
    formula: max(6 + 2 × 按时完成项目数 − 2 × 计划完成项目数, 0)
'''


def test_the_prover_offers_no_impossible_department_as_a_counterexample():
    [(code, *__)] = findings(HEADER + DECLARED + BOUNDED_BY_THE_CONSTRAINT)
    assert code == "W503"  # not proved, but no counterexample: every department above 6 breaks the constraint
    [(code, *__, message)] = findings(HEADER + BOUNDED_BY_THE_CONSTRAINT)
    assert code == "E501" and message == "'项目完成及时性' can score 8, above its 6 points"


def test_verify_draws_only_departments_that_satisfy_the_constraints(tmp_path):
    constrained, free = tmp_path / "constrained.rules", tmp_path / "free.rules"
    constrained.write_text(HEADER + DECLARED + BOUNDED_BY_THE_CONSTRAINT, encoding="utf-8")
    free.write_text(HEADER + BOUNDED_BY_THE_CONSTRAINT, encoding="utf-8")
    assert run("verify", "--max-examples", "100", constrained).exit_code == 0
    result = run("verify", "--max-examples", "100", free)
    assert result.exit_code == 1 and "error[E501]" in result.output


def test_the_good_file_with_constraints_checks_and_verifies_clean():
    assert run("check", "--strict", GOOD).exit_code == 0
    assert run("verify", "--max-examples", "100", GOOD).exit_code == 0


def test_a_ratio_in_a_band_row_that_guards_its_divisor_is_proved_too():
    text = (HEADER.replace("计划完成项目数: count from 1", "计划完成项目数: count from 0") + DECLARED
            + "indicator 项目完成及时性 (6):\n    bands 计划完成项目数:\n        = 0 → 6\n"
            "        otherwise → 按时完成项目数 / 计划完成项目数 × 6\n")
    assert findings(text) == []


def test_verify_survives_constraints_that_hardly_any_drawn_department_satisfies(tmp_path):
    rules = tmp_path / "strict.rules"
    rules.write_text(HEADER + "constraints:\n    按时完成项目数 > 计划完成项目数 + 1000\n    计划完成项目数 > 按时完成项目数\n"
                     + BOUNDED_BY_THE_CONSTRAINT, encoding="utf-8")
    result = run("verify", "--max-examples", "50", rules)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
