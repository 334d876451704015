"""Problems with a department's facts, and scoring failures, reported word for word.

Each test alters a copy of the shipped case (rules/shenzhen/cases/edu-info-center-2024.yaml) and
checks the findings through the API (`ruleset.evaluate` raising FactsError / EvaluationError) or
through `rulecheck score` (exit 1, the findings on stderr, nothing on stdout).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.inputs.facts import FactsLoader

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = str(ROOT / "rules" / "shenzhen" / "framework.rules")
CASE = ROOT / "rules" / "shenzhen" / "cases" / "edu-info-center-2024.yaml"


@pytest.fixture(scope="module")
def ruleset():
    return rulecheck.load(FRAMEWORK)


def line_of(path, start: str) -> int:
    """The number of the first line of a file that starts with `start` (after indentation)."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().startswith(start):
            return number
    raise AssertionError(f"no line starts with {start!r} in {path}")


def case(tmp_path, *, replace: dict | None = None, drop: tuple = (), append: str = "",
         name: str = "case.yaml") -> Path:
    """A copy of the shipped case: lines starting with a key of `replace` swapped, keys dropped."""
    lines = []
    for line in CASE.read_text(encoding="utf-8").splitlines():
        key = line.split(":", 1)[0]
        if key in drop:
            continue
        for old, new in (replace or {}).items():
            if line.startswith(old):
                assert key == old.split(":", 1)[0]
                line = new
                break
        lines.append(line)
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n" + append, encoding="utf-8")
    return path


def findings(error: rulecheck.RulecheckError) -> list[str]:
    """'location: severity[code]: message' and '= hint: …' lines, without the source excerpts."""
    lines = []
    for diagnostic in error.diagnostics:
        lines.append(f"{diagnostic.location()}: {diagnostic.severity.value}[{diagnostic.code}]: "
                     f"{diagnostic.message}")
        if diagnostic.hint:
            lines.append(f"= hint: {diagnostic.hint}")
    return lines


def facts_findings(ruleset, path) -> list[str]:
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.evaluate(rulecheck.load_facts(path))
    return findings(raised.value)


def score(*args):
    return CliRunner().invoke(main, ["score", *map(str, args)])


# ---- the shipped case is clean ---------------------------------------------------------------------

def test_the_shipped_case_scores_97_83(ruleset):
    result = ruleset.evaluate(rulecheck.load_facts(CASE))
    assert result.total == Decimal("97.83")
    assert result.grade == "优"


# ---- facts: missing, wrong type, outside the domain, unknown -----------------------------------------

def test_missing_fact_names_the_fact_the_indicator_and_its_line(ruleset, tmp_path):
    path = case(tmp_path, drop=("计划完成项目数",))
    line = line_of(FRAMEWORK, "indicator 项目完成及时性")
    assert facts_findings(ruleset, path) == [
        f"{path}: error[F501]: missing fact '计划完成项目数', needed by '项目完成及时性' ({FRAMEWORK}:{line})",
        "= hint: add '计划完成项目数: 12' (a whole number from 1 to …)",
    ]


def test_missing_fact_read_by_several_indicators_counts_the_others(ruleset, tmp_path):
    path = case(tmp_path, drop=("在编人数",))
    line = line_of(FRAMEWORK, "indicator 财政供养人员控制率")
    assert facts_findings(ruleset, path) == [
        f"{path}: error[F501]: missing fact '在编人数', needed by '财政供养人员控制率' ({FRAMEWORK}:{line}) "
        "and 1 other indicator",
        "= hint: add '在编人数: 12' (a whole number from 1 to …)",
    ]


def test_bare_number_for_a_percent_suggests_the_percent_string(ruleset, tmp_path):
    path = case(tmp_path, replace={"四季度支出进度:": "四季度支出进度: 97.29"})
    line = line_of(path, "四季度支出进度:")
    assert facts_findings(ruleset, path) == [
        f"{path}:{line}:1: error[F505]: fact '四季度支出进度': the bare number 97.29 is ambiguous for a percentage",
        '= hint: write "97.29%" for 97.29 percent, or the fraction 0.9729; a bare number is read as a '
        "fraction of 1",
    ]


def test_text_that_is_no_percentage(ruleset, tmp_path):
    path = case(tmp_path, replace={"四季度支出进度:": '四季度支出进度: "abc"'})
    line = line_of(path, "四季度支出进度:")
    assert facts_findings(ruleset, path) == [
        f"{path}:{line}:1: error[F502]: fact '四季度支出进度': expected a percentage, got 'abc'",
        '= hint: write it like "97.29%"',
    ]


def test_fraction_for_a_count(ruleset, tmp_path):
    path = case(tmp_path, replace={"计划完成项目数:": "计划完成项目数: 2.5"})
    line = line_of(path, "计划完成项目数:")
    assert facts_findings(ruleset, path) == [
        f"{path}:{line}:1: error[F502]: fact '计划完成项目数': 2.5 is not a whole number",
        "= hint: a count is 0, 1, 2, …",
    ]


def test_percentage_for_an_amount(ruleset, tmp_path):
    path = case(tmp_path, replace={"年初预算:": '年初预算: "10%"'})
    line = line_of(path, "年初预算:")
    assert facts_findings(ruleset, path) == [
        f"{path}:{line}:1: error[F505]: fact '年初预算': '10%' is a percentage, but this input is an amount",
        "= hint: write a plain number, e.g. 10339.11",
    ]


@pytest.mark.parametrize("key, value, message", [
    ("满意度", '"120%"', "120% is outside its domain, from 0% to 100%"),
    ("在编人数", "-3", "-3 is outside its domain, from 1 to …"),
    ("年初预算", "0", "0 is outside its domain, above 0"),
    ("效益评分", "26", "26 is outside its domain, from 0 to 25"),
])
def test_value_outside_the_declared_domain(ruleset, tmp_path, key, value, message):
    path = case(tmp_path, replace={f"{key}:": f"{key}: {value}"})
    line = line_of(path, f"{key}:")
    assert facts_findings(ruleset, path) == [
        f"{path}:{line}:1: error[F503]: fact '{key}': {message}",
        "= hint: correct the value, or widen the domain in the rule file if it is right",
    ]


def test_misspelled_key_is_unknown_with_did_you_mean_and_the_real_one_missing(ruleset, tmp_path):
    path = case(tmp_path, replace={"满意度:": '满意率: "96%"'})
    line = line_of(path, "满意率:")
    needed_at = line_of(FRAMEWORK, "indicator 公众或服务对象满意度")
    assert facts_findings(ruleset, path) == [
        f"{path}: error[F501]: missing fact '满意度', needed by '公众或服务对象满意度' ({FRAMEWORK}:{needed_at})",
        "= hint: add '满意度: 95%' (a percentage from 0% to 100%)",
        f"{path}:{line}:1: error[F504]: unknown fact '满意率': the rule file declares no such input",
        "= hint: did you mean '满意度'?",
    ]


def test_grade_value_not_in_the_grade(ruleset, tmp_path):
    path = case(tmp_path, replace={"部门预算公开情况:": "部门预算公开情况: 按时公开"})
    line = line_of(path, "部门预算公开情况:")
    assert facts_findings(ruleset, path) == [
        f"{path}:{line}:1: error[F502]: fact '部门预算公开情况': '按时公开' is not one of the grade's values",
        "= hint: did you mean '按规定公开'? the values are: 按规定公开, 公开但不完全符合, 未公开",
    ]


@pytest.mark.parametrize("value, shown", [("2", "2"), ('"maybe"', "'maybe'"), ("2.5", "2.5")])
def test_bool_given_as_something_else(ruleset, tmp_path, value, shown):
    path = case(tmp_path, replace={"制度有效执行:": f"制度有效执行: {value}"})
    line = line_of(path, "制度有效执行:")
    assert facts_findings(ruleset, path) == [
        f"{path}:{line}:1: error[F502]: fact '制度有效执行': {shown} is not true or false",
        "= hint: write true or false (是 / 否 also work)",
    ]


@pytest.mark.parametrize("value, shown", [("true", "true"), ("\n  调查: 96%", "a nested mapping"),
                                          ("[96%]", "a list")])
def test_percent_given_as_something_else(ruleset, tmp_path, value, shown):
    path = case(tmp_path, replace={"满意度:": f"满意度: {value}"})
    line = line_of(path, "满意度:")
    assert facts_findings(ruleset, path) == [
        f"{path}:{line}:1: error[F502]: fact '满意度': expected a percentage, got {shown}",
        '= hint: write it like "97.29%"',
    ]


def test_an_empty_value_is_a_missing_fact_located_at_its_key(ruleset, tmp_path):
    # as an empty CSV cell is: missing (F501) when a rule reads it, never a value of the wrong type
    path = case(tmp_path, replace={"满意度:": "满意度:"})
    line = line_of(path, "满意度:")
    needed_at = line_of(FRAMEWORK, "indicator 公众或服务对象满意度")
    assert facts_findings(ruleset, path) == [
        f"{path}:{line}:1: error[F501]: missing fact '满意度', needed by '公众或服务对象满意度' "
        f"({FRAMEWORK}:{needed_at})",
        "= hint: write its value, e.g. '满意度: 95%' (a percentage from 0% to 100%)",
    ]


def test_every_bad_fact_is_reported_in_one_run(ruleset, tmp_path):
    path = case(tmp_path, replace={"计划完成项目数:": "计划完成项目数: 2.5", "满意度:": '满意度: "abc"',
                                   "制度有效执行:": "制度有效执行: 2"}, drop=("在编人数",))
    codes = [line.split("[")[1][:4] for line in facts_findings(ruleset, path) if "error[" in line]
    assert codes == ["F501", "F502", "F502", "F502"]


def test_duplicate_key_in_yaml(ruleset, tmp_path):
    path = case(tmp_path, append='满意度: "97%"\n')
    first = line_of(path, "满意度:")
    second = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(rulecheck.FactsError) as raised:
        rulecheck.load_facts(path)
    assert findings(raised.value) == [
        f"{path}:{second}:1: error[F507]: the fact '满意度' is given twice",
        f"= hint: the first is at line {first}; keep one",
    ]


def test_invalid_yaml_names_the_line_where_the_mistake_is(tmp_path):
    path = case(tmp_path, replace={"满意度:": '满意度: "96%'})
    line = line_of(path, "满意度:")
    with pytest.raises(rulecheck.FactsError) as raised:
        rulecheck.load_facts(path)
    assert findings(raised.value) == [
        f"{path}:{line}:6: error[F506]: not valid YAML: while scanning a quoted scalar, "
        "found unexpected end of stream",
        "= hint: check the indentation and quote values that contain ':' or '#'",
    ]


def test_invalid_yaml_missing_colon(tmp_path):
    path = case(tmp_path, replace={"满意度:": '满意度 "96%"'})
    line = line_of(path, "满意度 ")
    with pytest.raises(rulecheck.FactsError) as raised:
        rulecheck.load_facts(path)
    assert findings(raised.value) == [
        f"{path}:{line}:1: error[F506]: not valid YAML: while scanning a simple key, could not find expected ':'",
        "= hint: check the indentation and quote values that contain ':' or '#'",
    ]


def test_facts_file_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("- 满意度\n- 96%\n", encoding="utf-8")
    with pytest.raises(rulecheck.FactsError) as raised:
        rulecheck.load_facts(path)
    assert findings(raised.value) == [
        f"{path}: error[F506]: a facts file is a mapping of input names to values",
        "= hint: write one 'name: value' per line",
    ]


# ---- JSON facts --------------------------------------------------------------------------------------

def shipped_as_json(tmp_path, **changes) -> Path:
    facts = yaml.load(CASE.read_text(encoding="utf-8"), Loader=FactsLoader)
    facts = {key: str(value) if isinstance(value, Decimal) else value for key, value in facts.items()}
    facts.update(changes)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(facts, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_json_facts_score_97_83(ruleset, tmp_path):
    result = ruleset.evaluate(rulecheck.load_facts(shipped_as_json(tmp_path)))
    assert result.total == Decimal("97.83")
    assert result.grade == "优"


def test_json_facts_with_a_bad_value_name_its_line(ruleset, tmp_path):
    path = shipped_as_json(tmp_path, 满意度="九十六")
    line = line_of(path, '"满意度":')
    assert facts_findings(ruleset, path) == [
        f"{path}:{line}:3: error[F502]: fact '满意度': expected a percentage, got '九十六'",
        '= hint: write it like "97.29%"',
    ]


def test_invalid_json(tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{\n  "满意度": "96%",\n}\n', encoding="utf-8")
    with pytest.raises(rulecheck.FactsError) as raised:
        rulecheck.load_facts(path)
    assert findings(raised.value) == [
        f"{path}:3:1: error[F506]: not valid JSON: Expecting property name enclosed in double quotes",
        "= hint: check for a missing or extra ',' and double quotes around names and text",
    ]


def test_duplicate_key_in_json(tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{\n  "满意度": "96%",\n  "满意度": "97%"\n}\n', encoding="utf-8")
    with pytest.raises(rulecheck.FactsError) as raised:
        rulecheck.load_facts(path)
    assert findings(raised.value) == [
        f"{path}:3:3: error[F507]: the fact '满意度' is given twice",
        "= hint: the first is at line 2; keep one",
    ]


# ---- evaluation errors --------------------------------------------------------------------------------

def evaluation_findings(ruleset, path) -> list[str]:
    with pytest.raises(rulecheck.EvaluationError) as raised:
        ruleset.evaluate(rulecheck.load_facts(path))
    return findings(raised.value)


# Divisors may be 0 here (the shipped framework declares its divisors 'above 0' or 'from 1').
RATIOS = """\
framework "比率"
total 12
rounding 2 decimals half-up

inputs:
    完成数: count from 0
    计划数: count from 0
    按时数: count from 0
    编外: count from 0
    在编: count from 0

let 完成比 = 完成数 / 计划数
let 编外比率 = 编外 / (在编 + 编外)

indicator 完成率 (4):
    formula: 完成比 × 4
indicator 及时率 (4):
    formula: 按时数 / 计划数 × 4
indicator 编外控制 (4):
    bands 编外比率:
        ≤ 10% → 4
        otherwise → 0
"""
RATIO_FACTS = {"完成数": 3, "计划数": 4, "按时数": 2, "编外": 1, "在编": 19}


@pytest.fixture()
def ratios(tmp_path):
    path = tmp_path / "ratios.rules"
    path.write_text(RATIOS, encoding="utf-8")
    return path


def at(path, text: str) -> str:
    """'path:line:column' of the first occurrence of `text` in a file."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return f"{path}:{number}:{line.index(text) + 1}"
    raise AssertionError(f"{text!r} not in {path}")


def ratio_findings(path, **facts) -> list[str]:
    with pytest.raises(rulecheck.EvaluationError) as raised:
        rulecheck.load(path).evaluate(RATIO_FACTS | facts)
    return findings(raised.value)


def test_division_by_zero_names_the_divisor_and_the_rule_line(ratios):
    assert ratio_findings(ratios, 计划数=0, 完成数=0, 按时数=0) == [
        f"{at(ratios, '完成数 / 计划数')}: error[E601]: division by zero: '计划数' is 0 (scoring '完成率')",
        "= hint: check the facts it reads, or score the zero case with bands first",
        f"{at(ratios, '按时数 / 计划数')}: error[E601]: division by zero: '计划数' is 0 (scoring '及时率')",
        "= hint: check the facts it reads, or score the zero case with bands first",
    ]


def test_division_by_a_sum_that_is_zero_shows_its_values(ratios):
    assert ratio_findings(ratios, 在编=0, 编外=0) == [
        f"{at(ratios, '编外 / (在编 + 编外)')}: error[E601]: division by zero: '在编 + 编外' = 0 + 0 = 0 "
        "(scoring '编外控制')",
        "= hint: check the facts it reads, or score the zero case with bands first",
    ]


def test_a_framework_can_rule_out_a_zero_divisor_in_its_domains(ruleset, tmp_path):
    path = case(tmp_path, replace={"核定编制数:": "核定编制数: 0", "年初预算:": "年初预算: 0"})
    assert facts_findings(ruleset, path) == [
        f"{path}:{line_of(path, '年初预算:')}:1: error[F503]: fact '年初预算': 0 is outside its domain, above 0",
        "= hint: correct the value, or widen the domain in the rule file if it is right",
        f"{path}:{line_of(path, '核定编制数:')}:1: error[F503]: fact '核定编制数': 0 is outside its domain, "
        "from 1 to …",
        "= hint: correct the value, or widen the domain in the rule file if it is right",
    ]


SATISFACTION_ONLY = """\
framework "满意度测评"
total 6
rounding 2 decimals half-up

inputs:
    满意度: percent from 0% to 100%

group 公平性 (6):
    indicator 公众或服务对象满意度 (6):
        bands 满意度:
            ≥ 95% → 6
            90% ≤ 满意度 < 95% → 4
            80% ≤ 满意度 < 90% → 2
"""


def test_no_band_matches(tmp_path):
    rules = tmp_path / "satisfaction.rules"
    rules.write_text(SATISFACTION_ONLY, encoding="utf-8")
    facts = tmp_path / "case.yaml"
    facts.write_text('满意度: "75%"\n', encoding="utf-8")
    with pytest.raises(rulecheck.EvaluationError) as raised:
        rulecheck.load(rules).evaluate(rulecheck.load_facts(facts))
    assert findings(raised.value) == [
        f"{rules}:10:9: error[E602]: no band of '公众或服务对象满意度' matches: 满意度 = 75%",
        "= hint: add an 'otherwise' row, or a row that covers this value",
    ]


def test_score_above_the_indicators_points(ratios):
    # `rulecheck check` reports the uncapped formula (E501); scoring still refuses the score
    assert ratio_findings(ratios, 完成数=5) == [
        f"{at(ratios, 'indicator 完成率')}: error[E603]: '完成率' scored 5, above its 4 points",
        "= hint: cap the rule, e.g. min(…, points) or clamp(…, 0, points)",
    ]


# ---- the same through `rulecheck score` ------------------------------------------------------------------

def test_score_command_prints_the_total(tmp_path):
    result = score(FRAMEWORK, CASE)
    assert result.exit_code == 0, result.output
    assert "97.83" in result.stdout
    assert result.stderr == ""


def test_score_command_on_a_bad_percent_shows_the_fact_line(tmp_path):
    path = case(tmp_path, replace={"四季度支出进度:": "四季度支出进度: 97.29"})
    line = line_of(path, "四季度支出进度:")
    result = score(FRAMEWORK, path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:{line}:1: error[F505]: fact '四季度支出进度': the bare number 97.29 is ambiguous for a percentage\n"
        f"{line:>5} | 四季度支出进度: 97.29\n"
        "      | ^^^^^^^^^^^^^^\n"
        '  = hint: write "97.29%" for 97.29 percent, or the fraction 0.9729; a bare number is read as a '
        "fraction of 1\n")


def test_score_command_on_a_missing_fact(tmp_path):
    path = case(tmp_path, drop=("计划完成项目数",))
    result = score(FRAMEWORK, path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].startswith(
        f"{path}: error[F501]: missing fact '计划完成项目数', needed by '项目完成及时性'")


def test_score_command_on_invalid_yaml(tmp_path):
    path = case(tmp_path, replace={"满意度:": '满意度: "96%'})
    line = line_of(path, "满意度:")
    result = score(FRAMEWORK, path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[:3] == [
        f"{path}:{line}:6: error[F506]: not valid YAML: while scanning a quoted scalar, found unexpected end of stream",
        f"{line:>5} | 满意度: \"96%",
        "      |         ^",
    ]


def test_score_command_on_a_division_by_zero(ratios, tmp_path):
    facts = tmp_path / "case.yaml"
    facts.write_text(yaml.safe_dump(RATIO_FACTS | {"计划数": 0}, allow_unicode=True), encoding="utf-8")
    result = score(ratios, facts)
    assert result.exit_code == 1
    assert result.stdout == ""
    warning, first = result.stderr.splitlines()[:2]  # check's E501s (uncapped formulas) and E504s (计划数 from 0)
    assert warning == (f"warning: 'rulecheck check {ratios}' reports 5 problems in this rule file; scores outside "
                       "their points are still refused")
    assert first == f"{at(ratios, '完成数 / 计划数')}: error[E601]: division by zero: '计划数' is 0 (scoring '完成率')"
    assert "Traceback" not in result.output


def test_score_command_on_a_rule_file_with_errors(tmp_path):
    bad = Path(__file__).parent / "data" / "bad" / "unknown-name.rules"
    result = score(bad, CASE)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"{bad}:16:15: error[E201]: unknown name '满意率': not a declared input, derived value or grade value")


def test_score_command_on_a_missing_facts_file_is_a_usage_error(tmp_path):
    result = score(FRAMEWORK, tmp_path / "missing.yaml")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
