"""Case files (rulecheck.cases): reading them with positions, running them, tolerances, every problem a case
file can have, and coverage of band rows, checklist items and grades."""

from __future__ import annotations

import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

import rulecheck
from rulecheck.cases import (
    CaseFileError,
    Expectation,
    case_files,
    coverage,
    find_cases,
    load_cases,
    run_case,
)

SMALL = (Path(__file__).parent / "data" / "cases" / "small.rules").read_text(encoding="utf-8")


@pytest.fixture
def small(tmp_path):
    (tmp_path / "small.rules").write_text(SMALL, encoding="utf-8")
    return rulecheck.load(tmp_path / "small.rules")


def write(path, text: str):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def one(path):
    (case,) = load_cases(path)
    return case


def described(diagnostics) -> list[tuple[str, str, str, str]]:
    """(location, code, message, hint) of each problem."""
    return [(d.location(), d.code, d.message, d.hint) for d in diagnostics]


# ---- reading ----------------------------------------------------------------------------------------

def test_the_reported_case_reads_its_facts_file_and_every_expectation(root):
    path = root / "rules/shenzhen/cases/edu-info-center-2024.case.yaml"
    case = one(path)
    assert case.name == "深圳市教育信息技术中心 2024 自评"
    assert case.problems == ()
    assert case.facts.name == str(root / "rules/shenzhen/cases/edu-info-center-2024.yaml")
    assert case.facts.values["满意度"] == "96%"
    assert case.expect["total"] == Expectation("total", Decimal("97.83"))
    assert case.expect["grade"].value == "优"
    assert case.expect["预算执行率"].value == Decimal("4.52")
    assert case.expect["人员管理"].value == Decimal("1.5")
    assert (case.expect["total"].span.file, case.expect["total"].span.line) == (str(path), 8)
    assert len(case.expect) == 2 + 21 + 14  # total, grade, every leaf and every group


def test_listed_cases_start_from_base_and_override_it_keeping_each_facts_position(tmp_path, case_path):
    shutil.copy(case_path, tmp_path / "facts.yaml")
    path = write(tmp_path / "what-if.case.yaml", """\
        base: facts.yaml
        cases:
          - name: 满意度 92%
            facts:
              满意度: "92%"
            expect:
              公众或服务对象满意度: 4
          - name: as reported
            expect:
              total: 97.83
        """)
    first, second = load_cases(path)
    assert (first.name, second.name) == ("满意度 92%", "as reported")
    assert first.facts.values["满意度"] == "92%" and first.facts.values["年初预算"] == Decimal("10339.11")
    assert (first.facts.spans["满意度"].file, first.facts.spans["满意度"].line) == (str(path), 5)
    assert first.facts.spans["年初预算"].file == str(tmp_path / "facts.yaml")
    assert second.facts.values["满意度"] == "96%"
    assert first.span.line == 3 and second.span.line == 8


def test_numbers_are_exact_decimals_and_yaml_merge_keys_are_read(tmp_path, small):
    path = write(tmp_path / "merge.case.yaml", """\
        cases:
          - name: first
            facts: &shared
              满意度: 0.93
              有机制: true
              完成数: 1
              计划数: 3
            expect:
              及时: 1
          - name: second
            facts:
              <<: *shared
              有机制: false
            expect:
              机制: 0
              满意: 3
        """)
    first, second = load_cases(path)
    assert first.facts.values["满意度"] == Decimal("0.93")
    assert second.facts.values == {"满意度": Decimal("0.93"), "有机制": False, "完成数": 1, "计划数": 3}
    assert [run_case(small, case).passed for case in (first, second)] == [True, True]


def test_find_cases_takes_every_case_file_under_the_cases_folder_and_nothing_else(framework_path, root):
    assert find_cases(framework_path) == [root / "rules/shenzhen/cases/bands.case.yaml",
                                          root / "rules/shenzhen/cases/edu-info-center-2024.case.yaml",
                                          root / "rules/shenzhen/cases/exact-half.case.yaml",
                                          root / "rules/shenzhen/cases/items.case.yaml",
                                          root / "rules/shenzhen/cases/thresholds.case.yaml"]
    assert find_cases(root / "rules/shenzhen/departments/edu-info-center.rules") == [
        root / "rules/shenzhen/departments/cases/edu-info-center-2024.case.yaml"]
    assert case_files([root / "rules/shenzhen"]) == sorted((root / "rules/shenzhen").rglob("*.case.yaml"))


# ---- running ----------------------------------------------------------------------------------------

SHIPPED = ["rules/shenzhen/cases/edu-info-center-2024.case.yaml", "rules/shenzhen/cases/bands.case.yaml",
           "rules/shenzhen/cases/items.case.yaml", "rules/shenzhen/cases/thresholds.case.yaml"]


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_case_passes(name, root, framework):
    for case in load_cases(root / name):
        outcome = run_case(framework, case)
        assert outcome.passed, (case.name, outcome.failures, outcome.diagnostics)
        assert outcome.comparisons and all(c.passed for c in outcome.comparisons)


def test_the_department_file_case_passes(department_path):
    ruleset = rulecheck.load(department_path)
    outcomes = [run_case(ruleset, case) for case in load_cases(find_cases(department_path)[0])]
    assert [o.passed for o in outcomes] == [True, True, True]
    assert outcomes[0].result.total == Decimal("97.83")


def test_a_wrong_expectation_fails_with_the_actual_score_the_difference_and_its_explanation(tmp_path, framework,
                                                                                          case_path):
    shutil.copy(case_path, tmp_path / "facts.yaml")  # a case reads facts files of its project only
    path = write(tmp_path / "wrong.case.yaml", """\
        name: 满意度 92%
        facts: facts.yaml
        expect:
          公众或服务对象满意度: 6
          公平性: 9
          total: 97.83
          grade: 良
          预算执行率: 4.52
        """)
    outcome = run_case(framework, one(path))
    assert not outcome.passed and outcome.diagnostics == ()
    assert [c.expectation.target for c in outcome.failures] == ["grade"]
    path = write(tmp_path / "wrong.case.yaml", """\
        name: 满意度 92%
        facts: facts.yaml
        expect:
          公众或服务对象满意度: 4
          公平性: 7
          total: 95.83
          grade: 优
        """)
    outcome = run_case(framework, one(path))
    failures = {c.expectation.target: c for c in outcome.failures}
    assert list(failures) == ["公众或服务对象满意度", "公平性", "total"]
    satisfaction = failures["公众或服务对象满意度"]
    assert (satisfaction.actual, satisfaction.difference) == (Decimal("6.00"), Decimal("2.00"))
    assert satisfaction.explanation == framework.evaluate(rulecheck.load_facts(case_path))[
        "公众或服务对象满意度"].explanation
    assert failures["公平性"].explanation == ("群众信访办理情况 3.00 + 公众或服务对象满意度 6.00 = 9.00",)
    assert failures["total"].explanation == ("部门决策 20.00 + 部门管理 19.50 + 部门绩效 58.33 = 97.83",)
    assert failures["total"].difference == Decimal("2.00")


def test_tolerance_of_the_file_and_of_one_expectation(tmp_path, small):
    facts = "facts: {满意度: 93%, 有机制: true, 完成数: 2, 计划数: 3}"
    path = write(tmp_path / "tolerance.case.yaml", f"""\
        name: two of three on time
        {facts}
        tolerance: 0.01
        expect:
          及时: 1.99                 # 2 / 3 × 3 = 2.00: within 0.01
          total: {{score: 8.05, tolerance: 0.05}}   # 3 + 3 + 2.00 = 8.00: just within
          满意: {{score: 3.5, tolerance: 0.4}}
        """)
    case = one(path)
    assert [(e.value, e.tolerance) for e in case.expect.values()] == [
        (Decimal("1.99"), Decimal("0.01")), (Decimal("8.05"), Decimal("0.05")), (Decimal("3.5"), Decimal("0.4"))]
    outcome = run_case(small, case)
    assert [(c.expectation.target, c.actual, c.passed) for c in outcome.comparisons] == [
        ("及时", Decimal("2.00"), True), ("total", Decimal("8.00"), True), ("满意", Decimal("3.00"), False)]
    assert outcome.failures[0].difference == Decimal("-0.50")
    exact = write(tmp_path / "exact.case.yaml", f"""\
        name: no tolerance
        {facts}
        expect:
          及时: 1.99
        """)
    assert not run_case(small, one(exact)).passed


def test_a_grade_expectation_compares_names(tmp_path, small):
    path = write(tmp_path / "grade.case.yaml", """\
        cases:
          - name: 好
            facts: {满意度: 95%, 有机制: true, 完成数: 3, 计划数: 3}
            expect: {grade: 好, total: 10}
          - name: 一般
            facts: {满意度: 91%, 有机制: false, 完成数: 3, 计划数: 3}
            expect: {grade: 好}
        """)
    good, fair = (run_case(small, case) for case in load_cases(path))
    assert good.passed
    (failure,) = fair.failures
    assert (failure.actual, failure.difference) == ("一般", None)
    assert failure.explanation == (fair.result.grade_step,)


# ---- problems, word for word ------------------------------------------------------------------------

def test_an_unknown_indicator_a_part_and_an_unknown_grade(tmp_path, framework, case_path):
    shutil.copy(case_path, tmp_path / "facts.yaml")  # a case reads facts files of its project only
    path = write(tmp_path / "names.case.yaml", """\
        name: names
        facts: facts.yaml
        expect:
          公众满意度: 6
          部门预算公开: 1.5
          grade: 特优
          total: 97.83
        """)
    outcome = run_case(framework, one(path))
    assert described(outcome.diagnostics) == [
        (f"{path}:4:3", "C806", ("expect names '公众满意度', but the rule file has no indicator or group of that "
         "name"), "did you mean '公众或服务对象满意度'?"),
        (f"{path}:5:3", "C806", ("expect names '部门预算公开', but the rule file has no indicator or group of that "
         "name"), "'部门预算公开' is a part of '预决算信息公开': expect the indicator's score"),
        (f"{path}:6:3", "C807", "'特优' is not a grade of the framework", "the grades are: 优, 良, 中, 差"),
    ]
    assert [c.expectation.target for c in outcome.comparisons] == ["total"]  # the others are not compared
    assert not outcome.passed


def test_bad_values_of_expectations(tmp_path, framework, case_path):
    shutil.copy(case_path, tmp_path / "facts.yaml")  # a case reads facts files of its project only
    path = write(tmp_path / "values.case.yaml", """\
        name: values
        facts: facts.yaml
        expect:
          预算执行率: abc
          total: {score: 97.83, tolerance: -1}
          部门决策: {scor: 20}
          grade: 3
          部门管理: 19.5
          部门管理: 19.4
        """)
    case = one(path)
    assert described(case.problems) == [
        (f"{path}:4:10", "C808", "the expected score of '预算执行率' is not a number: 'abc'",
         "write a number, e.g. 4.52, or {score: 4.52, tolerance: 0.01}"),
        (f"{path}:5:36", "C808", "'tolerance' is a number of points, 0 or more",
         "write e.g. 'tolerance: 0.01' to accept scores within 0.01 of the expected"),
        (f"{path}:6:9", "C804", "the expectation of '部门决策' has no 'score'",
         "write a number, e.g. 4.52, or {score: 4.52, tolerance: 0.01}"),
        (f"{path}:6:10", "C803", "unknown key 'scor' in the expectation of '部门决策'",
         "did you mean 'score'? the keys are score, tolerance"),
        (f"{path}:7:10", "C808", "the expected grade is not a grade name: '3'",
         "write the grade as the framework names it, e.g. 'grade: 优'"),
        (f"{path}:9:3", "C809", "'部门管理' is given twice in 'expect'", "the first is at line 8; keep one"),
    ]
    assert list(case.expect) == ["total", "部门管理"]
    assert not run_case(framework, case).passed


def test_unknown_and_missing_keys(tmp_path):
    path = write(tmp_path / "keys.case.yaml", """\
        name: typos
        fact: facts.yaml
        expects:
          total: 97.83
        """)
    case = one(path)
    assert described(case.problems) == [
        (f"{path}:1:1", "C804", "the case 'typos' has no 'facts'",
         "add 'facts:' with the facts, or the path of a facts file"),
        (f"{path}:1:1", "C804", "the case 'typos' has no 'expect'",
         "add 'expect:' with the scores the facts must give, e.g. 'total: 97.83'"),
        (f"{path}:2:1", "C803", "unknown key 'fact' in a case file",
         "did you mean 'facts'? the keys are name, facts, expect, tolerance"),
        (f"{path}:3:1", "C803", "unknown key 'expects' in a case file",
         "did you mean 'expect'? the keys are name, facts, expect, tolerance"),
    ]
    assert case.facts is None


def test_a_facts_file_that_does_not_exist(tmp_path, framework):
    path = write(tmp_path / "nofacts.case.yaml", """\
        name: nofacts
        facts: nofacts.yaml
        expect:
          total: 97.83
        """)
    outcome = run_case(framework, one(path))
    assert described(outcome.diagnostics) == [
        (f"{path}:2:8", "C805", "cannot read the facts file 'nofacts.yaml': No such file or directory",
         f"a path is relative to the case file's folder, {tmp_path}")]
    assert outcome.result is None and not outcome.passed


def test_facts_that_are_neither_a_mapping_nor_a_path(tmp_path):
    path = write(tmp_path / "list.case.yaml", """\
        name: list
        facts: [满意度, 96%]
        expect: {total: 1}
        """)
    assert [(str(d.span), d.code, d.message) for d in one(path).problems] == [
        (f"{path}:2:8", "C805", "'facts' is the facts, or the path of a facts file")]


def test_facts_errors_in_a_case_are_reported_where_written_and_other_cases_still_run(tmp_path, framework, case_path):
    shutil.copy(case_path, tmp_path / "facts.yaml")  # a case reads facts files of its project only
    path = write(tmp_path / "facts.case.yaml", """\
        base: facts.yaml
        cases:
          - name: out of range
            facts:
              满意度: "105%"
              满意率: "90%"
            expect:
              total: 97.83
          - name: fine
            expect:
              total: 97.83
        """)
    bad, fine = (run_case(framework, case) for case in load_cases(path))
    assert described(bad.diagnostics) == [
        (f"{path}:5:7", "F503", "fact '满意度': 105% is outside its domain, from 0% to 100%",
         "correct the value, or widen the domain in the rule file if it is right"),
        (f"{path}:6:7", "F504", "unknown fact '满意率': the rule file declares no such input", "did you mean '满意度'?"),
    ]
    assert bad.result is None and not bad.passed
    assert fine.passed


def test_a_bad_fact_in_the_base_file_is_reported_in_that_file(tmp_path, framework, case_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text(case_path.read_text(encoding="utf-8").replace('满意度: "96%"', "满意度: 96"), encoding="utf-8")
    path = write(tmp_path / "base.case.yaml", """\
        base: facts.yaml
        cases:
          - name: as reported
            expect: {total: 97.83}
        """)
    outcome = run_case(framework, one(path))
    (diagnostic,) = outcome.diagnostics
    line = next(n for n, text in enumerate(facts.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("满意度:"))
    assert (diagnostic.location(), diagnostic.code) == (f"{facts}:{line}:1", "F505")
    assert str(facts) in outcome.sources  # so the line can be shown


def test_duplicate_cases_keys_and_a_case_that_is_not_a_mapping(tmp_path, small):
    path = write(tmp_path / "dup.case.yaml", """\
        cases:
          - name: 满意
            facts: {满意度: 96%, 满意度: 95%, 有机制: true, 完成数: 1, 计划数: 1}
            expect: {满意: 4}
          - name: 满意
            facts: {满意度: 96%, 有机制: true, 完成数: 1, 计划数: 1}
            expect: {满意: 4}
          - just text
        """)
    first, second, third = load_cases(path)
    assert described(first.problems) == [
        (f"{path}:3:23", "C809", "'满意度' is given twice in 'facts'", "the first is at line 3; keep one")]
    assert described(second.problems) == [
        (f"{path}:5:11", "C809", "two cases are named '满意'", "the first is at line 2; rename one")]
    assert [(third.name, d.code, d.message) for d in third.problems] == [
        ("case 3", "C802", "case 3 is not a mapping of 'name', 'facts' and 'expect'")]
    assert not any(run_case(small, case).passed for case in (first, second, third))


@pytest.mark.parametrize("text, location, code, message, hint", [
    ('name: x\nfacts: {满意度: "96%}\n', "2:14", "C801",
     "not valid YAML: while scanning a quoted scalar, found unexpected end of stream",
     "check the indentation and quote values that contain ':' or '#'"),
    ("- a\n- b\n", "1:1", "C802",
     "a case file is a mapping: 'name', 'facts' and 'expect' for one case, or 'cases' for several",
     "see docs/cases.md for the format"),
    ("cases: 3\n", "1:1", "C802", "'cases' is a list of cases, each with 'name', 'facts' and 'expect'",
     "write each case as '- name: …' under 'cases:'"),
    ("facts: {a: 1}\ncases:\n  - name: x\n", "1:1", "C803", "unknown key 'facts' in a file of cases",
     "in a file of cases, facts every case shares go under 'base:', the rest under each case"),
    ("base: nofile.yaml\ncases:\n  - name: x\n", "1:7", "C805",
     "cannot read the facts file 'nofile.yaml': No such file or directory",
     "a path is relative to the case file's folder, {folder}"),
    ("tolerance: some\ncases:\n  - name: x\n", "1:12", "C808", "'tolerance' is a number of points, 0 or more",
     "write e.g. 'tolerance: 0.01' to accept scores within 0.01 of the expected"),
])
def test_a_file_with_no_case_that_can_run(tmp_path, text, location, code, message, hint):
    path = tmp_path / "bad.case.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError) as caught:
        load_cases(path)
    assert described(caught.value.diagnostics) == [
        (f"{path}:{location}", code, message, hint.format(folder=tmp_path))]


def test_a_case_file_that_is_not_text_or_not_there(tmp_path):
    path = tmp_path / "binary.case.yaml"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(rulecheck.InputFileError) as caught:
        load_cases(path)
    assert caught.value.render() == f"{path}: error[E003]: the case file is not UTF-8 text"
    with pytest.raises(rulecheck.InputFileError) as caught:
        load_cases(tmp_path / "missing.case.yaml")
    assert caught.value.render() == (f"{tmp_path / 'missing.case.yaml'}: error[E003]: cannot read case file: "
                                     "No such file or directory")


def test_a_scoring_error_is_reported_and_the_case_fails(tmp_path):
    ruleset = rulecheck.loads(SMALL.replace("计划数: count from 1", "计划数: count from 0"), "zero.rules")
    path = write(tmp_path / "zero.case.yaml", """\
        name: no planned task
        facts: {满意度: 96%, 有机制: true, 完成数: 0, 计划数: 0}
        expect: {total: 7}
        """)
    outcome = run_case(ruleset, one(path))
    assert described(outcome.diagnostics) == [
        ("zero.rules:24:22", "E601", "division by zero: '计划数' is 0 (scoring '及时')",
         "check the facts it reads, or score the zero case with bands first")]
    assert outcome.result is None and outcome.comparisons == () and not outcome.passed


# ---- coverage ---------------------------------------------------------------------------------------

def shipped_outcomes(framework, root):
    return [run_case(framework, case) for name in SHIPPED for case in load_cases(root / name)]


def test_the_shipped_cases_reach_every_band_item_and_grade_of_the_framework(framework, root):
    found = coverage(framework, shipped_outcomes(framework, root))
    assert found.summary() == "bands 27/27, boundaries 48/48, checklist items 24/24, grades 4/4"
    assert found.unreached == [] and found.never_missed == [] and found.never_missed_alone == []
    satisfaction = [t for t in found.of("band") if t.owner == "公众或服务对象满意度"]
    assert [(t.text, len(t.reached_by)) for t in satisfaction] == [
        ("≥ 95% → 6", 85), ("90% ≤ 满意度 < 95% → 4", 4), ("80% ≤ 满意度 < 90% → 2", 4), ("< 80% → 1", 8)]


def test_a_band_no_case_reaches_is_reported_with_its_line(tmp_path, framework_path, root):
    text = framework_path.read_text(encoding="utf-8")
    old = "                < 80% → 1\n"
    assert text.count(old) == 1
    copy = tmp_path / "framework.rules"
    copy.write_text(text.replace(old, "                70% ≤ 满意度 < 80% → 1\n                < 70% → 0.5\n"),
                    encoding="utf-8")
    ruleset = rulecheck.load(copy)
    found = coverage(ruleset, shipped_outcomes(ruleset, root))
    assert found.summary() == "bands 27/28, boundaries 49/51, checklist items 24/24, grades 4/4"
    (missing,) = found.unreached
    line = text[:text.index(old)].count("\n") + 2
    assert (str(missing.span), missing.describe()) == (
        f"{copy}:{line}:17", "公众或服务对象满意度, band 5: < 70% → 0.5")


def test_only_the_reported_case_leaves_rows_unreached_and_items_never_missed(framework, root):
    found = coverage(framework, [run_case(framework, case) for case in load_cases(root / SHIPPED[0])])
    assert found.summary() == "bands 9/27, boundaries 0/48, checklist items 0/24, grades 1/4"
    assert len(found.never_missed) == 24 and len(found.never_missed_alone) == 24
    assert [t.describe() for t in found.unreached if t.kind == "grade"] == [
        "grades, grade row 2: ≥ 80 → 良", "grades, grade row 3: ≥ 60 → 中", "grades, grade row 4: otherwise → 差"]
    assert {t.reached_by for t in found.targets if t.reached_by} == {("深圳市教育信息技术中心 2024 自评",)}


def test_cases_that_do_not_score_reach_nothing(tmp_path, small):
    path = write(tmp_path / "bad.case.yaml", """\
        name: missing facts
        facts: {满意度: 96%}
        expect: {total: 10}
        """)
    outcome = run_case(small, one(path))
    assert [d.code for d in outcome.diagnostics] == ["F501", "F501", "F501"]
    assert coverage(small, [outcome]).summary() == "bands 0/3, boundaries 0/9, checklist items 0/1, grades 0/2"
