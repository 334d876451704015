"""Date inputs (issue 12, 完成及时性): facts written as 2024-03-31 or 2024年3月31日 in every facts format,
the days between two dates, "每延期 1 天扣 0.5 分, 扣完为止" scored exactly, dates shown as dates in
explanations of both languages, the checker's errors for dates mixed with numbers, fmt, check and verify."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.batch import read_departments, score_departments
from rulecheck.cli import main
from rulecheck.dates import day_number, format_date, parse_date
from rulecheck.syntax.layout import layout

RULES = """\
framework 按期完成
total 10
rounding 2 decimals

inputs:
    计划完成日期: date from 2024-01-01 to 2024-12-31 "项目计划完成日期"
    实际完成日期: date from 2024-01-01 to 2025-06-30

let 延期天数 = max(实际完成日期 − 计划完成日期, 0)

indicator 完成及时性 (6):
    deduct 0.5 per 延期天数

indicator 按期完成 (4):
    bands:
        实际完成日期 ≤ 计划完成日期 → 4
        实际完成日期 ≤ 2024-06-30 → 2
        otherwise → 0
"""


@pytest.fixture
def ruleset():
    return rulecheck.loads(RULES, "dates.rules")


def scores(ruleset, path) -> dict:
    result = ruleset.evaluate(rulecheck.load_facts(path))
    return {node.name: node.score for node in result.nodes} | {"total": result.total}


FIVE_DAYS_LATE = {"完成及时性": Decimal("3.50"), "按期完成": Decimal(2), "total": Decimal("5.50")}


@pytest.mark.parametrize("planned, actual", [("2024-03-31", "2024-04-05"), ("2024年3月31日", "2024年4月5日"),
                                             ("2024-3-31", "2024/4/5")])
def test_a_yaml_date_plain_or_chinese_is_a_date(ruleset, tmp_path, planned, actual):
    path = tmp_path / "f.yaml"
    path.write_text(f"计划完成日期: {planned}\n实际完成日期: {actual}\n", encoding="utf-8")
    assert scores(ruleset, path) == FIVE_DAYS_LATE


def test_json_and_csv_dates(ruleset, tmp_path):
    data = tmp_path / "f.json"
    data.write_text(json.dumps({"计划完成日期": "2024-03-31", "实际完成日期": "2024年4月5日"}), encoding="utf-8")
    assert scores(ruleset, data) == FIVE_DAYS_LATE
    table = tmp_path / "f.csv"
    table.write_text("名称,计划完成日期,实际完成日期\n甲,2024-03-31,2024年4月5日\n", encoding="utf-8")
    (department,) = read_departments(table, ruleset.inputs, ruleset.required_inputs)
    (scored,) = score_departments(ruleset, [department])
    assert scored.result.total == Decimal("5.50")


def test_an_excel_date_cell_is_taken_by_a_date_input(ruleset, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["输入项", "值"])
    sheet.append(["计划完成日期", datetime.datetime(2024, 3, 31)])
    sheet.append(["实际完成日期", "2024年4月5日"])
    sheet.cell(2, 2).number_format = "yyyy-mm-dd"
    path = tmp_path / "f.xlsx"
    book.save(path)
    assert scores(ruleset, path) == FIVE_DAYS_LATE


def test_the_deduction_stops_at_zero_and_early_is_full_marks(ruleset):
    late = ruleset.evaluate({"计划完成日期": "2024-03-31", "实际完成日期": "2024-05-10"})  # 40 days: 扣完为止
    assert [n.score for n in late.nodes] == [Decimal(0), Decimal(2)]
    early = ruleset.evaluate({"计划完成日期": "2024-03-31", "实际完成日期": "2024-03-01"})
    assert early.total == Decimal(10)


def test_a_malformed_date_is_f502_at_its_line(ruleset, tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("计划完成日期: 2024-02-30\n实际完成日期: 45382\n", encoding="utf-8")
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.evaluate(rulecheck.load_facts(path))
    found = {(d.code, d.span.line): d.message for d in raised.value.diagnostics}
    assert found == {("F502", 1): "fact '计划完成日期': '2024-02-30' is not a date: there is no such day",
                     ("F502", 2): "fact '实际完成日期': expected a date, got 45382"}


def test_a_date_outside_its_domain_is_shown_as_a_date(ruleset):
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.evaluate({"计划完成日期": "2024-03-31", "实际完成日期": "2025-07-01"})
    assert "2025-07-01 is outside its domain, from 2024-01-01 to 2025-06-30" in raised.value.render()


def test_explain_shows_dates_as_dates_in_both_languages(ruleset):
    facts = {"计划完成日期": "2024-03-31", "实际完成日期": "2024年4月5日"}
    english = ruleset.evaluate(facts).nodes[0].explanation
    assert "max(2024-04-05 − 2024-03-31, 0) = 5" in "\n".join(english)
    with rulecheck.speaking("zh"):
        chinese = "\n".join(ruleset.evaluate(facts).nodes[0].explanation)
    assert "其中 延期天数 = max(实际完成日期 − 计划完成日期, 0) = max(2024-04-05 − 2024-03-31, 0) = 5" in chinese
    assert "扣分: 延期天数 5, 每个扣 0.5 分, 共 5 × 0.5 = 2.5 分" in chinese


def test_the_file_checks_and_verifies_clean_with_and_without_domains(tmp_path):
    for text in (RULES, RULES.replace(" from 2024-01-01 to 2024-12-31", "").replace(" from 2024-01-01 to 2025-06-30", "")):
        path = tmp_path / "dates.rules"
        path.write_text(text, encoding="utf-8")
        assert [d.code for d in rulecheck.analyze(path).diagnostics] == []
        result = CliRunner().invoke(main, ["verify", str(path)])
        assert result.exit_code == 0 and "0 problems" in result.stderr, result.output


def test_fmt_writes_date_literals_as_iso_and_keeps_them():
    text = RULES.replace("≤ 2024-06-30", "≤ 2024年6月30日")
    formatted = layout(text)
    assert "实际完成日期 ≤ 2024-06-30 → 2" in formatted and "date from 2024-01-01 to 2024-12-31" in formatted
    assert layout(formatted) == formatted
    assert rulecheck.loads(formatted).program == rulecheck.loads(RULES).program


def codes(text: str) -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in rulecheck.analyze_text(text).diagnostics if d.severity == "error"]


HEADER = "total 6\ninputs:\n    计划完成日期: date\n    实际完成日期: date\n    天数: count\n"


@pytest.mark.parametrize("rule, code, message", [
    ("formula: min(计划完成日期 + 5, 6)", "E308",
     "'+' of a date and a number: a date is only subtracted from a date"),
    ("formula: 实际完成日期 + 计划完成日期", "E308",
     "'+' of a date and a date: a date is only subtracted from a date"),
    ("bands:\n        实际完成日期 ≤ 45000 → 6\n        otherwise → 0", "E308", "45000 is a plain number, not a date"),
    ("formula: 实际完成日期", "E308", "the formula of '完成' is a date, not points"),
    ("formula: 实际完成日期 − 计划完成日期", "E302", "the formula of '完成' is a number of days, not points"),
    ("bands:\n        实际完成日期 ≤ 2024-02-30 → 6\n        otherwise → 0", "E115",
     "2024-02-30 is not a date: there is no such day"),
])
def test_dates_mixed_with_numbers_are_errors(rule, code, message):
    assert (code, message) in codes(HEADER + f"indicator 完成 (6):\n    {rule}\n")


def test_the_days_compare_with_plain_numbers_and_may_be_declared_a_count():
    text = HEADER + ("let 延期: count = 实际完成日期 − 计划完成日期\nindicator 完成 (6):\n    bands:\n"
                     "        延期 ≤ 5 → 6\n        实际完成日期 − 计划完成日期 ≤ 天数 → 3\n        otherwise → 0\n")
    assert codes(text) == []


def test_a_date_bound_on_a_number_and_a_number_bound_on_a_date_are_errors():
    text = "total 6\ninputs:\n    日期: date from 0 to 5\n    数: count from 2024-01-01\nindicator 完成 (6):\n    formula: 6\n"
    assert codes(text) == [("E308", "a bound of the date input '日期' is not a date"),
                           ("E308", "a bound of the date input '日期' is not a date"),
                           ("E308", "the count input '数' has a date bound")]


def test_day_numbers_round_trip():
    day = parse_date("2024年3月31日")
    assert day == datetime.date(2024, 3, 31) and format_date(day_number(day)) == "2024-03-31"
    assert parse_date("2024-13-01") is None and parse_date("31/3/2024") is None


def test_the_date_errors_speak_chinese(tmp_path):
    path = tmp_path / "d.rules"
    path.write_text(HEADER + "indicator 完成 (6):\n    formula: min(计划完成日期 + 5, 6)\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "zh", "check", str(path)])
    assert "错误[E308]: 对日期和数字做 '+' 运算: 日期只能与日期相减" in result.output
    assert "两个日期相减得到相差的天数" in result.output
    facts = tmp_path / "f.yaml"
    facts.write_text("计划完成日期: 2024-02-30\n实际完成日期: 2024-03-01\n", encoding="utf-8")
    with rulecheck.speaking("zh"), pytest.raises(rulecheck.FactsError) as raised:
        rulecheck.loads(RULES).evaluate(rulecheck.load_facts(facts))
    assert "'2024-02-30' 不是有效日期: 没有这一天" in raised.value.render()


def test_an_excel_date_and_time_gives_its_day_to_a_date_input(ruleset, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["计划完成日期", datetime.datetime(2024, 3, 31, 17, 30)])
    sheet.append(["实际完成日期", datetime.datetime(2024, 4, 5, 9, 0)])
    path = tmp_path / "f.xlsx"
    book.save(path)
    assert scores(ruleset, path) == FIVE_DAYS_LATE


def test_the_prover_bounds_the_days_from_the_domains_and_shows_dates(tmp_path):
    path = tmp_path / "p.rules"
    path.write_text(RULES.split("let ")[0] + "indicator 完成及时性 (10):\n"
                    "    formula: max(10 − 0.5 × (实际完成日期 − 计划完成日期), 0)\n", encoding="utf-8")
    (finding,) = [d for d in rulecheck.analyze(path).diagnostics if d.code == "E501"]
    # finishing on 2024-01-01 for a plan of 2024-12-31 is 365 days early: 10 + 0.5 × 365
    assert finding.message == "'完成及时性' can score 192.5, above its 10 points"
    assert "计划完成日期: 2024-12-31" in finding.render() and "实际完成日期: 2024-01-01" in finding.render()
