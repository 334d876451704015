"""`rulecheck test RULES [CASES...]`: one line per case, each failure's difference and explanation,
problems with their positions, --coverage, the summary and the exit codes."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main

SMALL = (Path(__file__).parent / "data" / "cases" / "small.rules").read_text(encoding="utf-8")
FULL = "满意度: 96%, 有机制: true, 完成数: 3, 计划数: 3"  # every point


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(main, ["test", *map(str, args)])
    return invoke


@pytest.fixture
def small(tmp_path, monkeypatch):
    """A small framework in an empty folder (the current one), with a cases/ folder beside it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "small.rules").write_text(SMALL, encoding="utf-8")
    (tmp_path / "cases").mkdir()
    return tmp_path


def write(path, text: str):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_shipped_cases_pass_and_reach_everything(run, root, monkeypatch):
    monkeypatch.chdir(root)
    result = run("--coverage", "rules/shenzhen/framework.rules")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "rules/shenzhen/cases/bands.case.yaml"
    assert lines[1] == "  ✓ 满意度 92%, 第二档"
    files = [line for line in lines[:-2] if not line.startswith("  ") and line]
    assert files == [f"rules/shenzhen/cases/{name}.case.yaml"
                     for name in ("bands", "edu-info-center-2024", "exact-half", "items", "thresholds")]
    assert lines[lines.index("rules/shenzhen/cases/items.case.yaml") - 1] == (
        "  ✓ 三季度 71.95%、四季度 97.30%, 预算执行率恰为 4.505")
    assert lines[-3:] == ["  ✓ 总分 60.01, 评为中", "",
                          ("coverage of rules/shenzhen/framework.rules: bands 27/27, boundaries 48/48, "
                           "checklist items 24/24, grades 4/4")]
    assert sum(line.startswith("  ✓ ") for line in lines) == 104
    assert result.stderr == "5 case files, 104 cases: 104 passed\n"


def test_the_department_file_runs_the_cases_beside_it(run, department_path):
    result = run(department_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  ✓ 深圳市教育信息技术中心 2024, 与报告一致", "  ✓ 数据目标 2 亿条, 完成 95%",
        "  ✓ 3000 所学校需盘点, 完成 2940 所"]


def test_a_failure_shows_expected_actual_difference_the_explanation_and_where(run, small):
    write(small / "cases" / "satisfaction.case.yaml", f"""\
        cases:
          - name: 满意度 96%
            facts: {{{FULL}}}
            expect: {{满意: 4, total: 10, grade: 好}}
          - name: 满意度 92%
            facts: {{满意度: 92%, 有机制: true, 完成数: 2, 计划数: 3}}
            expect:
              满意: 4
              全部: {{score: 8.5, tolerance: 0.5}}    # 3 + 3 + 2 = 8: just within
              total: {{score: 9, tolerance: 0.5}}
              grade: 好
        """)
    result = run("small.rules")
    assert result.exit_code == 1
    scored = rulecheck.load("small.rules").evaluate({"满意度": "92%", "有机制": True, "完成数": 2, "计划数": 3})
    explanation = [f"        {line}" for line in scored["满意"].explanation]
    assert result.stdout.splitlines() == [
        "cases/satisfaction.case.yaml",
        "  ✓ 满意度 96%",
        "  ✗ 满意度 92% (line 5)",
        "    cases/satisfaction.case.yaml:8:7: 满意: expected 4, actual 3.00, difference −1",
        *explanation,
        "    cases/satisfaction.case.yaml:10:7: total: expected 9 ± 0.5, actual 8.00, difference −1",
        "        全部 8.00 = 8.00",
        "    cases/satisfaction.case.yaml:11:7: grade: expected 好, actual 一般",
        f"        {scored.grade_step}",
    ]
    assert explanation and "92%" in explanation[0]
    assert result.stderr == "1 case file, 2 cases: 1 passed, 1 failed\n"


def test_facts_errors_are_shown_with_their_position_and_the_other_cases_still_run(run, small):
    write(small / "cases" / "facts.case.yaml", """\
        cases:
          - name: typo
            facts:
              满意率: 96%
              有机制: true
              完成数: 3
              计划数: 3
            expect: {total: 10}
          - name: fine
            facts: {满意度: 96%, 有机制: true, 完成数: 3, 计划数: 3}
            expect: {total: 10}
        """)
    result = run("small.rules")
    assert result.exit_code == 1
    assert result.stdout == textwrap.dedent("""\
        cases/facts.case.yaml
          ✗ typo (line 2)
            cases/facts.case.yaml: error[F501]: missing fact '满意度', needed by '满意' (small.rules:15)
              = hint: add '满意度: 95%' (a percentage from 0% to 100%)
            cases/facts.case.yaml:4:7: error[F504]: unknown fact '满意率': the rule file declares no such input
                4 |       满意率: 96%
                  |       ^^^^^^
              = hint: did you mean '满意度'?
          ✓ fine
        """)
    assert result.stderr == "1 case file, 2 cases: 1 passed, 1 failed\n"


def test_an_unknown_indicator_is_a_failure_with_a_suggestion(run, small):
    write(small / "typo.case.yaml", """\
        name: typo
        facts: {满意度: 96%, 有机制: true, 完成数: 3, 计划数: 3}
        expect:
          满意程度: 6
        """)
    result = run("small.rules", "typo.case.yaml")
    assert result.exit_code == 1
    assert result.stdout == textwrap.dedent("""\
        typo.case.yaml
          ✗ typo (line 1)
            typo.case.yaml:4:3: error[C806]: expect names '满意程度', but the rule file has no indicator or group of that name
                4 |   满意程度: 6
                  |   ^^^^^^^^
              = hint: did you mean '满意'?
        """)


def test_a_file_with_no_case_that_can_run_counts_and_the_others_run(run, small):
    write(small / "cases" / "a.case.yaml", "name: x\nfacts: {满意度: \"96%}\n")
    write(small / "cases" / "b.case.yaml", f"name: ok\nfacts: {{{FULL}}}\nexpect: {{total: 10}}\n")
    result = run("small.rules")
    assert result.exit_code == 1
    assert result.stdout == textwrap.dedent("""\
        cases/a.case.yaml
          ✗ no case can run
            cases/a.case.yaml:2:14: error[C801]: not valid YAML: while scanning a quoted scalar, found unexpected end of stream
                2 | facts: {满意度: "96%}
                  |                 ^
              = hint: check the indentation and quote values that contain ':' or '#'
        cases/b.case.yaml
          ✓ ok
        """)
    assert result.stderr == "2 case files, 1 case: 1 passed; 1 file with no case that can run\n"


def test_a_case_file_that_cannot_be_read_is_an_io_error_after_the_others_run(run, small):
    (small / "cases" / "a.case.yaml").write_bytes(b"\xff\xfe")
    write(small / "cases" / "b.case.yaml", f"name: ok\nfacts: {{{FULL}}}\nexpect: {{total: 10}}\n")
    result = run("small.rules")
    assert result.exit_code == 2
    assert result.stdout == textwrap.dedent("""\
        cases/a.case.yaml
          ✗ cannot be read
            cases/a.case.yaml: error[E003]: the case file is not UTF-8 text
        cases/b.case.yaml
          ✓ ok
        """)


def test_no_case_files_is_a_usage_error(run, small):
    result = run("small.rules")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", "no *.case.yaml files found in cases\n")
    result = run("small.rules", "cases")
    assert (result.exit_code, result.stderr) == (2, "no *.case.yaml files found in cases\n")
    result = run("small.rules", "nothing.case.yaml")
    assert result.exit_code == 2
    assert "Error: Invalid value for '[CASES]...': Path 'nothing.case.yaml' does not exist." in result.stderr


def test_a_rule_file_with_errors_stops_before_any_case(run, small):
    write(small / "broken.rules", SMALL.replace("有机制 → 3", "有机制 → 2"))
    write(small / "cases" / "b.case.yaml", f"name: ok\nfacts: {{{FULL}}}\nexpect: {{total: 10}}\n")
    result = run("broken.rules")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error[E402]" in result.stderr and "✓" not in result.stderr


def test_coverage_lists_what_no_case_reaches_and_items_every_case_earns(run, small):
    write(small / "cases" / "one.case.yaml", """\
        name: one
        facts: {满意度: 92%, 有机制: true, 完成数: 3, 计划数: 3}
        expect: {total: 9, grade: 好}
        """)
    result = run("--coverage", "small.rules")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == [
        "",
        "coverage of small.rules: bands 1/3, boundaries 1/9, checklist items 0/1, grades 1/2",
        "no case reaches:",
        "  small.rules:17:13: 满意, band 1: ≥ 95% → 4",
        "  small.rules:19:13: 满意, band 3: < 90% → 0",
        "  small.rules:8:5: grades, grade row 2: otherwise → 一般",
        "no case reaches the boundary (a case at the threshold, just below and just above it):",
        "  small.rules:17:13: 满意: 满意度 just below 95% (94.99%)",
        "  small.rules:17:13: 满意: 满意度 at 95%",
        "  small.rules:17:13: 满意: 满意度 just above 95% (95.01%)",
        "  small.rules:18:13: 满意: 满意度 just below 90% (89.99%)",
        "  small.rules:18:13: 满意: 满意度 at 90%",
        "  small.rules:18:13: 满意: 满意度 just above 90% (90.01%)",
        "  small.rules:7:5: grades: the total just below 9 (8.99)",
        "  small.rules:7:5: grades: the total just above 9 (9.01)",
        "no case misses it alone (every other item of its checklist earned):",
        "  small.rules:22:13: 机制, item 1: 有机制 → 3",
        "rulecheck test --suggest small.rules writes these cases for you to fill in",
    ]


def test_coverage_of_a_framework_with_a_band_no_shipped_case_reaches(run, root, tmp_path, monkeypatch):
    shutil.copytree(root / "rules" / "shenzhen", tmp_path / "shenzhen")
    rules = tmp_path / "shenzhen" / "framework.rules"
    text = rules.read_text(encoding="utf-8")
    old = "                < 80% → 1\n"
    rules.write_text(text.replace(old, "                70% ≤ 满意度 < 80% → 1\n                < 70% → 0.5\n"),
                     encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("--coverage", "shenzhen/framework.rules")
    assert result.exit_code == 0, result.output
    line = text[:text.index(old)].count("\n") + 2
    lines = result.stdout.splitlines()
    at = lines.index("coverage of shenzhen/framework.rules: bands 27/28, boundaries 49/51, checklist items 24/24, "
                     "grades 4/4")
    assert lines[at + 1:] == [
        "no case reaches:",
        f"  shenzhen/framework.rules:{line}:17: 公众或服务对象满意度, band 5: < 70% → 0.5",
        "no case reaches the boundary (a case at the threshold, just below and just above it):",
        f"  shenzhen/framework.rules:{line - 1}:17: 公众或服务对象满意度: 满意度 just below 70% (69.99%)",
        f"  shenzhen/framework.rules:{line - 1}:17: 公众或服务对象满意度: 满意度 just above 70% (70.01%)",
        "rulecheck test --suggest shenzhen/framework.rules writes these cases for you to fill in",
    ]
