"""`rulecheck schema results` and `rulecheck schema facts RULES` (issue 14 point 3): every JSON output of
`score` on the shipped facts validates against the results schema, and the shipped facts (the facts
files and every case's facts) against their ruleset's facts schema, which refuses a fact out of its
domain, a grade value the rules do not declare, and a missing fact the rules read."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from rulecheck.cases import load_cases
from rulecheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = sorted(ROOT.glob("rules/*/framework.rules")) + [ROOT / "rules/shenzhen/departments/edu-info-center.rules"]
SHENZHEN = ROOT / "rules" / "shenzhen"


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args], prog_name="rulecheck")


def schema_of(*args) -> jsonschema.Draft202012Validator:
    result = run("schema", *args)
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def results() -> jsonschema.Draft202012Validator:
    return schema_of("results")


def cases_folder(rules: Path) -> Path:
    return rules.parent / "cases"


def facts_files(rules: Path) -> list[Path]:
    return sorted(p for p in cases_folder(rules).glob("*.yaml") if not p.name.endswith(".case.yaml"))


def problems(validator, instance) -> list[str]:
    """Why the instance, as JSON holds it (a YAML date 2022-06-30 as the text "2022-06-30"), is invalid."""
    as_json = json.loads(json.dumps(instance, ensure_ascii=False, default=str))
    return [error.message for error in validator.iter_errors(as_json)]


def test_the_results_schema_is_versioned(results):
    assert results.schema["version"] == 1 and results.schema["$id"].endswith("/results/1")


@pytest.mark.parametrize("rules", FRAMEWORKS, ids=lambda p: p.parent.name + "/" + p.name)
def test_every_score_json_of_the_shipped_facts_validates(results, rules):
    files = facts_files(rules)
    assert files
    for facts in files:
        for extra in ((), ("--explain",)):
            result = run("score", rules, facts, "--format", "json", *extra)
            assert result.exit_code == 0, result.output
            assert problems(results, json.loads(result.stdout)) == []


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_batch_and_its_rows_validate(results, fmt):
    result = run("score", SHENZHEN / "framework.rules", SHENZHEN / "cases" / "corpus-2024.csv", "--format", fmt, "-q")
    documents = [json.loads(result.stdout)] if fmt == "json" else [json.loads(line) for line in result.stdout.splitlines()]
    assert len(documents) == (1 if fmt == "json" else 80)
    for document in documents:
        assert problems(results, document) == []


def test_a_failure_validates_and_a_result_with_a_float_score_does_not(results):
    failed = run("score", SHENZHEN / "framework.rules", SHENZHEN / "cases" / "bands.case.yaml", "--format", "json")
    assert failed.exit_code == 1
    report = json.loads(failed.stdout)
    assert report["failure"] == "facts"
    assert problems(results, report) == []
    scored = json.loads(run("score", SHENZHEN / "framework.rules", SHENZHEN / "cases" / "edu-info-center-2024.yaml",
                            "--format", "json").stdout)
    assert problems(results, scored | {"total": 97.83}) != []


def case_facts(rules: Path) -> list[dict]:
    """The facts of every case of the ruleset's cases folder (its base facts with the case's own)."""
    found = []
    for path in sorted(cases_folder(rules).glob("*.case.yaml")):
        found.extend(case.facts.values for case in load_cases(path) if case.facts is not None)
    return found


@pytest.mark.parametrize("rules", FRAMEWORKS, ids=lambda p: p.parent.name + "/" + p.name)
def test_the_shipped_facts_validate_against_their_facts_schema(rules):
    validator = schema_of("facts", rules)
    import yaml

    shipped = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in facts_files(rules)]
    cases = case_facts(rules)
    assert shipped and cases
    for facts in shipped + cases:
        assert problems(validator, facts) == []


def test_a_fact_out_of_its_domain_or_unknown_or_missing_does_not_validate():
    validator = schema_of("facts", SHENZHEN / "framework.rules")
    import yaml

    facts = yaml.safe_load((SHENZHEN / "cases" / "edu-info-center-2024.yaml").read_text(encoding="utf-8"))
    assert problems(validator, facts) == []
    assert problems(validator, facts | {"满意度": 1.2}) != []  # a fraction above 100%
    assert problems(validator, facts | {"在编人数": 0}) != []  # a count from 1
    assert problems(validator, facts | {"在编人数": 2.5}) != []  # not a whole number
    assert problems(validator, facts | {"专项资金绩效评价结果": "很好"}) != []  # not one of the grade's values
    assert problems(validator, facts | {"满意度是": "95%"}) != []  # no such input
    assert problems(validator, {k: v for k, v in facts.items() if k != "满意度"}) != []  # read by the rules


def test_the_facts_schema_describes_each_input_for_a_form():
    properties = schema_of("facts", SHENZHEN / "framework.rules").schema["properties"]
    satisfaction = properties["满意度"]
    assert satisfaction["x-rulecheck-type"] == "percent" and satisfaction["description"]
    text, number = satisfaction["anyOf"]
    assert jsonschema.Draft202012Validator(text).is_valid("97.29%")
    assert (number["minimum"], number["maximum"]) == (0, 1)
    assert properties["专项资金绩效评价结果"]["enum"] == ["优", "良", "中", "差", "未评价"]


def test_schema_facts_needs_a_rule_file_and_results_none():
    assert run("schema", "facts").exit_code == 2
    assert run("schema", "results", SHENZHEN / "framework.rules").exit_code == 2


def test_a_batch_whose_rule_file_fails_prints_one_json_line_that_validates(results):
    rules = ROOT / "tests" / "data" / "bad" / "unknown-name.rules"
    result = run("score", rules, SHENZHEN / "cases" / "corpus-2024.csv", "--format", "jsonl")
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    report = json.loads(line)
    assert report["failure"] == "rules" and problems(results, report) == []
