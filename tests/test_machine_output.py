"""Machine-readable output (issue 14 point 3): `--format json|sarif` of check, verify, test and diff, and
`score --format json` on a failure. The SARIF logs are validated against the official SARIF 2.1.0 schema
(tests/data/schemas/sarif-schema-2.1.0.json, vendored: see the README there)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from rulecheck.cli import main
from rulecheck.report.machine import code_table, parse_code_table

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SARIF_SCHEMA = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
UNKNOWN_NAME = DATA / "bad" / "unknown-name.rules"
CONSTRAINED = DATA / "good" / "constraints-completed-within-plan.rules"
FRAMEWORK = ROOT / "rules" / "shenzhen" / "framework.rules"
CONSTRAINT_LINE = CONSTRAINED.read_text(encoding="utf-8").split("\n").index(
    "    按计划时间完成项目数 ≤ 计划完成项目数 \"按时完成的项目不多于计划项目\"") + 1
FINDING_KEYS = {"code", "severity", "message", "hint", "file", "line", "column", "end_line", "end_column", "where",
                "example", "related", "fix"}


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args], prog_name="rulecheck")


def sarif_of(*args) -> dict:
    result = run(*args, "--format", "sarif")
    log = json.loads(result.stdout)
    errors = [error.message for error in jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(log)]
    assert errors == []
    return log


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_json_reports_every_finding_with_its_place_hint_and_fix():
    result = run("check", UNKNOWN_NAME, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert {key: report[key] for key in ("version", "tool", "command", "exit_code")} == {
        "version": 1, "tool": "rulecheck", "command": "check", "exit_code": 1}
    assert report["summary"] == {"files": 1, "errors": 1, "warnings": 0, "strict": False}
    [found] = report["findings"]
    assert set(found) == FINDING_KEYS
    assert (found["code"], found["line"], found["column"], found["end_line"], found["end_column"]) == ("E201", 16, 15, 16, 18)
    assert found["hint"] == "did you mean '满意度'?"
    assert found["fix"] == {"description": "did you mean '满意度'?", "replacement": "满意度"}


@pytest.mark.parametrize("folder", ["bad", "broken", "good"])
def test_the_exit_code_is_the_same_in_every_format(folder):
    codes = {fmt: run("check", DATA / folder, "--format", fmt).exit_code for fmt in ("text", "json", "sarif")}
    assert len(set(codes.values())) == 1, codes


def test_check_sarif_of_every_broken_fixture_validates_and_names_its_rules():
    log = sarif_of("check", DATA / "bad", DATA / "broken")
    [sarif_run] = log["runs"]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    rules = sarif_run["tool"]["driver"]["rules"]
    codes = {result["ruleId"] for result in sarif_run["results"]}
    assert [rule["id"] for rule in rules] == sorted(codes)
    assert all(rule["fullDescription"]["text"] and rule["helpUri"] for rule in rules)
    for result in sarif_run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_a_sarif_region_counts_columns_in_code_points_and_the_fix_repairs_the_file(here):
    shutil.copy(UNKNOWN_NAME, here / "typo.rules")
    [result] = sarif_of("check", "typo.rules")["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "typo.rules", "uriBaseId": "%SRCROOT%"}
    region = location["region"]
    line = (here / "typo.rules").read_text(encoding="utf-8").split("\n")[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == "满意率"  # after "bands ": 3 characters
    [replacement] = result["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacement["deletedRegion"] == region
    lines = (here / "typo.rules").read_text(encoding="utf-8").split("\n")
    row = lines[region["startLine"] - 1]
    lines[region["startLine"] - 1] = (row[:region["startColumn"] - 1] + replacement["insertedContent"]["text"]
                                      + row[region["endColumn"] - 1:])
    (here / "typo.rules").write_text("\n".join(lines), encoding="utf-8")
    assert run("check", "typo.rules").exit_code == 0


def test_messages_follow_the_language_and_the_fix_is_found_in_chinese_too():
    report = json.loads(run("check", UNKNOWN_NAME, "--format", "json", "--lang", "zh").stdout)
    [found] = report["findings"]
    assert found["message"] == "未知名称 '满意率': 不是已声明的输入项、中间量或等级取值"
    assert found["hint"] == "是否想写 '满意度'?"
    assert found["fix"] == {"description": "是否想写 '满意度'?", "replacement": "满意度"}
    assert set(found) == FINDING_KEYS


def test_verify_json_lists_every_property_and_sarif_validates():
    result = run("verify", FRAMEWORK, "--format", "json", "--max-examples", "5")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["command"] == "verify" and report["findings"] == []
    assert report["summary"]["properties"] == len(report["properties"]) > 20
    assert {"name", "kind", "file", "line", "property", "proved", "failed", "code"} <= set(report["properties"][0])
    log = sarif_of("verify", DATA / "broken" / "wrong-direction-formula.rules", "--max-examples", "20")
    assert "E711" in {r["ruleId"] for r in log["runs"][0]["results"]}
    assert log["runs"][0]["invocations"][0]["exitCode"] == 1


CASES = """\
cases:
  - name: 满分
    facts: {按计划时间完成项目数: 3, 计划完成项目数: 3, 在用固定资产总额: 10, 固定资产总额: 10}
    expect: {项目完成及时性: 6}
  - name: 期望错了
    facts: {按计划时间完成项目数: 3, 计划完成项目数: 6, 在用固定资产总额: 10, 固定资产总额: 10}
    expect: {项目完成及时性: 6}
  - name: 违反约束
    facts: {按计划时间完成项目数: 7, 计划完成项目数: 6, 在用固定资产总额: 10, 固定资产总额: 10}
    expect: {项目完成及时性: 6}
"""


def test_test_json_gives_each_case_its_expectations_and_findings(here):
    shutil.copy(CONSTRAINED, here / "plan.rules")
    (here / "plan.case.yaml").write_text(CASES, encoding="utf-8")
    result = run("test", "plan.rules", "plan.case.yaml", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["summary"]["cases"] == 3 and report["summary"]["failed"] == 2
    full, wrong, broken = report["cases"]
    assert full["passed"] and full["expectations"][0]["actual"] == "6.00"
    assert not wrong["passed"]
    assert wrong["expectations"][0] | {"line": None} == {
        "target": "项目完成及时性", "expected": "6", "tolerance": "0", "actual": "3.00", "passed": False,
        "difference": "-3.00", "line": None}
    [constraint] = broken["findings"]
    assert constraint["code"] == "F517"
    assert constraint["related"][0]["file"] == "plan.rules"
    assert constraint["related"][0]["line"] == CONSTRAINT_LINE  # the constraint's line, which the hint cites


def test_sarif_relates_the_broken_constraint_to_its_line(here):
    shutil.copy(CONSTRAINED, here / "plan.rules")
    (here / "plan.case.yaml").write_text(CASES, encoding="utf-8")
    [result] = sarif_of("test", "plan.rules", "plan.case.yaml")["runs"][0]["results"]
    assert result["ruleId"] == "F517"
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "plan.rules"
    assert related["physicalLocation"]["region"]["startLine"] == CONSTRAINT_LINE


def test_diff_json_keeps_its_keys_and_adds_the_report_envelope(here):
    shutil.copy(CONSTRAINED, here / "old.rules")
    new = CONSTRAINED.read_text(encoding="utf-8").replace("× 6", "× 5", 1).replace("(6):", "(5):", 1).replace(
        "total 7", "total 6")
    (here / "new.rules").write_text(new, encoding="utf-8")
    text = run("diff", "old.rules", "new.rules")
    result = run("diff", "old.rules", "new.rules", "--format", "json")
    assert result.exit_code == text.exit_code == 1
    report = json.loads(result.stdout)
    assert list(report)[:5] == ["old", "new", "changes", "departments", "errors"]
    assert report["version"] == 1 and report["command"] == "diff" and report["files"] == ["old.rules", "new.rules"]
    assert report["summary"]["needs_review"] is True and report["summary"]["changes"] == len(report["changes"])
    assert sarif_of("diff", "old.rules", "new.rules")["runs"][0]["properties"]["changes"] == report["changes"]


def test_score_json_reports_a_facts_failure_as_json_on_standard_output(here):
    shutil.copy(CONSTRAINED, here / "plan.rules")
    (here / "dept.yaml").write_text("按计划时间完成项目数: 3\n计划完成项目数: 0\n", encoding="utf-8")
    result = run("score", "plan.rules", "dept.yaml", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["failure"] == "facts" and report["exit_code"] == 1
    assert {f["code"] for f in report["findings"]} >= {"F501", "F503"}
    assert "F503" in result.stderr  # the text, as before


def test_score_json_reports_a_rule_file_error_as_json(here):
    shutil.copy(UNKNOWN_NAME, here / "typo.rules")
    (here / "dept.yaml").write_text("满意度: 90%\n", encoding="utf-8")
    result = run("score", "typo.rules", "dept.yaml", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["failure"] == "rules" and [f["code"] for f in report["findings"]] == ["E201"]


def test_the_code_table_shipped_is_the_one_of_the_docs():
    documented = parse_code_table((ROOT / "docs" / "language.md").read_text(encoding="utf-8"))
    assert code_table() == documented, ("docs/language.md's code table changed: run .venv/bin/python -c 'from "
                                        "rulecheck.report.machine import write_code_table; write_code_table()'")
    assert {"C801", "C809", "E201", "F517"} <= set(documented)


def test_the_json_example_of_docs_cli_md_is_what_check_prints(monkeypatch):
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    command = "$ rulecheck check tests/data/bad/unknown-name.rules --format json\n"
    shown = page.split(command, 1)[1].split("\n```", 1)[0]
    monkeypatch.chdir(ROOT)
    result = run(*command[2:].split()[1:])
    assert json.loads(result.stdout) == json.loads(shown)
