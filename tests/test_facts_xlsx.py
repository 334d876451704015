"""Facts from Excel workbooks: a key/value sheet for one department, a sheet with a row per department
for a batch; numbers as the analyst typed them, percent-formatted cells as percentages, dates and
Excel errors refused at their cell, every row of a batch accounted for."""

from __future__ import annotations

import datetime
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import rulecheck
from rulecheck.batch import read_departments, score_departments
from rulecheck.cli import main
from rulecheck.inputs.facts import NAME_FIELDS
from rulecheck.inputs.sheets import excel_number
from rulecheck.inputs.tables import count_rows, is_batch

NAME = "深圳市教育信息技术中心"


def excel(value):
    """A fact as Excel holds it: a number as a float, a percentage as a fraction in a percent-formatted
    cell (returned with its format), anything else as it is."""
    if isinstance(value, str) and value.endswith("%"):
        return float(Decimal(value[:-1]) / 100), "0.00%"
    if isinstance(value, Decimal):
        return float(value), "General"
    return value, "General"


def key_value_book(path, facts: dict, header=True, name=NAME):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据"
    if header:
        sheet.append(["输入项", "值", "说明"])
    if name:
        sheet.append(["名称", name])
    for key, raw in facts.items():
        if key in NAME_FIELDS:  # the name has its own row, above
            continue
        value, number_format = excel(raw)
        sheet.append([key, value, "a note, not read"])
        sheet.cell(sheet.max_row, 2).number_format = number_format
    book.save(path)
    return path


def batch_book(path, rows: list[list], names: list[str], first="编号"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([first, "名称", *names])
    for row in rows:
        if not row:
            sheet.append([])
            continue
        sheet.append([excel(v)[0] for v in row])
        for index, value in enumerate(row, start=1):
            sheet.cell(sheet.max_row, index).number_format = excel(value)[1]
    book.save(path)
    return path


def test_the_seed_case_scores_9783_from_a_key_value_sheet(framework, case_facts, tmp_path):
    path = key_value_book(tmp_path / "case.xlsx", case_facts.values)
    assert not is_batch(path)
    facts = rulecheck.load_facts(path)
    assert facts.display_name == NAME and "名称" in facts.values
    assert facts.values["满意度"] == "97.29%" or facts.values["满意度"].endswith("%")  # a percent-formatted cell
    result = framework.evaluate(facts)
    assert str(result.total) == "97.83" and result.grade == "优"


def test_the_seed_case_from_a_sheet_without_a_header(framework, case_facts, tmp_path):
    path = key_value_book(tmp_path / "case.xlsx", case_facts.values, header=False, name=None)
    facts = rulecheck.load_facts(path)
    assert facts.display_name is None
    assert str(framework.evaluate(facts).total) == "97.83"


def test_the_command_scores_a_key_value_sheet(framework_path, case_facts, tmp_path):
    path = key_value_book(tmp_path / "case.xlsx", case_facts.values)
    result = CliRunner().invoke(main, ["score", str(framework_path), str(path)])
    assert result.exit_code == 0, result.output
    assert "97.83" in result.stdout


def test_a_percent_formatted_cell_is_a_percentage(framework, case_facts, tmp_path):
    facts = dict(case_facts.values)
    path = key_value_book(tmp_path / "case.xlsx", {**facts, "满意度": "101.39%"})
    with pytest.raises(rulecheck.FactsError) as raised:
        framework.evaluate(rulecheck.load_facts(path))
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "F503"
    assert diagnostic.message == "fact '满意度': 101.39% is outside its domain, from 0% to 100%"
    assert diagnostic.location().startswith(f"{path}:数据!B")


def test_excel_numbers_are_the_decimals_typed():
    assert excel_number(0.9729) == Decimal("0.9729") and str(excel_number(0.9729)) == "0.9729"
    assert str(excel_number(0.1 + 0.2)) == "0.3"  # 0.30000000000000004: past the 15 digits Excel keeps
    assert str(excel_number(97.29 / 100)) == "0.9729"
    assert str(excel_number(56.0)) == "56" and str(excel_number(1e20)) == "100000000000000000000"
    assert str(excel_number(10339.11)) == "10339.11"
    assert excel_number(float("nan")) is None


def test_dates_and_excel_errors_are_refused_at_their_cell(framework, case_facts, tmp_path):
    path = key_value_book(tmp_path / "case.xlsx", case_facts.values)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    rows = {sheet.cell(row, 1).value: row for row in range(1, sheet.max_row + 1)}
    sheet.cell(rows["年初预算"], 2).value = datetime.date(2024, 3, 1)
    sheet.cell(rows["满意度"], 2).value = "#DIV/0!"
    book.save(path)
    with pytest.raises(rulecheck.FactsError) as raised:
        framework.evaluate(rulecheck.load_facts(path))
    found = {d.location(): d.message for d in raised.value.diagnostics}
    date_cell = f"{path}:数据!B{rows['年初预算']}"
    assert found[date_cell] == (f"fact '年初预算': the cell {date_cell} holds a date or time (2024-03-01), "
                                "and this input is not a date")
    error_cell = f"{path}:数据!B{rows['满意度']}"
    assert found[error_cell] == f"fact '满意度': the cell {error_cell} holds the Excel error #DIV/0!, not a value"
    with rulecheck.speaking("zh"), pytest.raises(rulecheck.FactsError) as raised:
        framework.evaluate(rulecheck.load_facts(path))
    assert "是日期或时间" in raised.value.render() and "而该输入项不是日期" in raised.value.render()


def test_a_key_value_sheet_with_a_name_twice_or_a_value_without_name(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["满意度", 0.96])
    sheet.append(["满意度", 0.97])
    sheet.append([None, 5])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(rulecheck.FactsError) as raised:
        rulecheck.load_facts(path)
    messages = [(d.code, d.location(), d.message) for d in raised.value.diagnostics]
    assert messages == [("F507", f"{path}:Sheet!A2", "the fact '满意度' is given twice"),
                        ("F506", f"{path}:Sheet!A3", f"the value at {path}:Sheet!B3 has no input name beside it")]


def test_a_file_that_is_not_a_workbook(framework_path, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("id,满意度\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(framework_path), str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "error[E002]: cannot read fake.xlsx: it is not an Excel workbook (.xlsx)" in result.stderr


# ---- a batch -------------------------------------------------------------------------------------

def test_a_batch_sheet_keeps_every_row_accounted_for(framework, framework_path, case_facts, tmp_path):
    names = [name for name in case_facts.values if name not in NAME_FIELDS]  # 名称 is the second column
    good = [case_facts.values[n] for n in names]
    column = names.index("满意度") + 3  # after 编号 and 名称
    letter = openpyxl.utils.get_column_letter(column)
    rows = [["A", "甲", *good],
            ["B", "乙", *[v if n != "满意度" else "很高" for n, v in zip(names, good)]],
            [],
            ["A", "丙", *good],
            ["D", "丁", *good[:-1]],  # the last fact empty: missing
            [None, "戊", *good]]
    path = batch_book(tmp_path / "many.xlsx", rows, names)
    assert is_batch(path) and count_rows(path) == 6
    departments = read_departments(path, framework.inputs, framework.required_inputs)
    assert departments.diagnostics == []
    scored = list(score_departments(framework, departments))
    assert [(s.key, s.name, s.where) for s in scored] == [
        ("A", "甲", f"{path}:Sheet!A2"), ("B", "乙", f"{path}:Sheet!A3"), ("A", "丙", f"{path}:Sheet!A5"),
        ("D", "丁", f"{path}:Sheet!A6"), ("row 7", "戊", f"{path}:Sheet!A7")]
    assert [str(s.result.total) if s.ok else None for s in scored] == ["97.83", None, None, None, "97.83"]
    bad = scored[1].diagnostics[0]
    assert (bad.location(), bad.message) == (f"{path}:Sheet!{letter}3",
                                             "fact '满意度': expected a percentage, got '很高'")
    assert scored[2].reasons() == "F509: the id 'A' is also the id of row 2"
    assert scored[3].reasons().startswith(f"F501: missing fact '{names[-1]}'")
    result = CliRunner().invoke(main, ["score", str(framework_path), str(path)])
    assert result.exit_code == 1
    assert "5 departments: 2 scored, 3 failed" in result.stderr
    assert f"{path}:Sheet!{letter}3: error[F502]: fact '满意度': expected a percentage, got '很高'" in result.stderr
    assert result.stdout.count("\n") == 6  # the header and a row for every department


def test_a_batch_sheet_in_chinese(framework_path, case_facts, tmp_path):
    names = list(case_facts.values)
    rows = [["A", "甲", *[v if n != "满意度" else "很高" for n, v in case_facts.values.items()]]]
    path = batch_book(tmp_path / "many.xlsx", rows, [*names, "备注"])
    result = CliRunner().invoke(main, ["score", str(framework_path), str(path)], env={"RULECHECK_LANG": "zh"})
    assert "未知的列 '备注'" in result.stderr
    assert "应为百分比, 实际为 '很高'" in result.stderr


def test_a_sheet_of_one_department_is_refused_as_a_batch(framework, case_facts, tmp_path):
    path = key_value_book(tmp_path / "case.xlsx", case_facts.values)
    with pytest.raises(rulecheck.InputFileError) as raised:
        read_departments(path, framework.inputs)
    assert "holds one department's facts (two columns: input name, value)" in raised.value.render()


# ---- one value, one meaning ----------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(budget=AMOUNTS, adjusted=st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2),
       satisfaction=st.decimals(min_value=0, max_value=100, places=2))
def test_the_same_department_scores_the_same_from_yaml_and_xlsx(framework, case_facts, tmp_path_factory,
                                                                 budget, adjusted, satisfaction):
    facts = {**case_facts.values, "年初预算": budget, "调整资金": adjusted, "满意度": f"{satisfaction}%"}
    path = key_value_book(tmp_path_factory.mktemp("x") / "case.xlsx", facts)
    from_yaml = framework.evaluate(facts)
    from_xlsx = framework.evaluate(rulecheck.load_facts(path))
    assert (from_xlsx.total, from_xlsx.grade) == (from_yaml.total, from_yaml.grade)


def test_a_key_value_workbook_is_held_to_the_limits_of_a_facts_file(tmp_path, framework_path, monkeypatch):
    from rulecheck.inputs import sheets
    runner = CliRunner()
    many = key_value_book(tmp_path / "many.xlsx", {f"第{n}项": Decimal(n) for n in range(30)})
    monkeypatch.setattr(sheets, "MAX_FACT_ROWS", 20)
    result = runner.invoke(main, ["score", str(framework_path), str(many)])
    assert result.exit_code == 1, result.output
    assert "error[F506]: this sheet has more than 20 filled rows" in result.output
    assert "Traceback" not in result.output
    monkeypatch.setattr(sheets, "MAX_BYTES", 1000)  # a workbook is a few kilobytes: above 1,000 bytes is refused
    result = runner.invoke(main, ["score", str(framework_path), str(many)])
    assert result.exit_code == 2, result.output
    assert "error[E002]: cannot read facts file: it is larger than" in result.output and "Traceback" not in result.output


def test_a_folder_of_workbooks_is_a_batch(tmp_path, framework, case_facts):
    folder = tmp_path / "departments"
    folder.mkdir()
    key_value_book(folder / "edu.xlsx", case_facts.values)
    (folder / "~$edu.xlsx").write_bytes(b"a lock file Excel leaves beside an open workbook")
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    scored = list(score_departments(framework, read_departments(folder, framework.inputs, framework.required_inputs)))
    assert [item.key for item in scored] == ["broken", "edu"]
    assert not scored[0].ok and scored[0].diagnostics[0].code == "E002"
    assert str(scored[1].result.total) == "97.83" and scored[1].name == NAME
