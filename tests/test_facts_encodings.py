"""CSV files in UTF-8 (with or without a byte-order mark), GB18030 and GBK: detected, or given with
--encoding; read line by line, a line that is not text in the file's encoding costing its row only.
And the display name: a 名称/name column or field names the department, the id stays its key."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.batch import read_departments, score_departments
from rulecheck.cli import main
from rulecheck.inputs.facts import NAME_FIELDS
from rulecheck.inputs.records import detect

NAME = "深圳市教育信息技术中心"


def cell(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def csv_text(rows: dict, facts_names: list[str], name_column: str | None = "名称") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # as Excel writes it
    facts_names = [name for name in facts_names if name not in NAME_FIELDS]  # the name has its own column
    writer.writerow(["id", *([name_column] if name_column else []), *facts_names])
    for key, (name, facts) in rows.items():
        writer.writerow([key, *([name] if name_column else []), *(cell(facts.get(n, "")) for n in facts_names)])
    return out.getvalue()


def score(*args, env=None):
    return CliRunner().invoke(main, ["score", *map(str, args)], env=env)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8", "utf-8-sig"])
def test_the_seed_case_scores_9783_from_a_csv_in_each_encoding(framework, framework_path, case_facts, tmp_path,
                                                               encoding):
    names = list(case_facts.values)
    path = tmp_path / "one.csv"
    path.write_bytes(csv_text({"E1": (NAME, case_facts.values)}, names).encode(encoding))
    (department,) = read_departments(path, framework.inputs, framework.required_inputs)
    assert department.name == NAME and department.key == "E1"
    (scored,) = score_departments(framework, [department])
    assert str(scored.result.total) == "97.83" and scored.name == NAME
    result = score(framework_path, path)
    assert result.exit_code == 0, result.stderr
    assert next(csv.DictReader(io.StringIO(result.stdout)))["total"] == "97.83"


def test_a_gbk_batch_with_bad_rows_keeps_every_row_accounted_for(framework, framework_path, case_facts, tmp_path):
    names = list(case_facts.values)
    good = case_facts.values
    text = csv_text({"A": ("甲", good), "B": ("乙", {**good, "满意度": "很高"}), "C": ("丙", good)}, names)
    lines = text.encode("gbk").split(b"\r\n")
    lines.insert(3, b"X,\x80\xff,1")  # a row that is neither GBK nor UTF-8
    lines.insert(4, '"D,丁,"十四五"规划'.encode("gbk"))  # a stray quote
    path = tmp_path / "many.csv"
    path.write_bytes(b"\r\n".join(lines))
    departments = read_departments(path, framework.inputs, framework.required_inputs)
    scored = list(score_departments(framework, departments))
    assert [(s.key, s.ok) for s in scored] == [("A", True), ("B", False), ("line 4", False), ("line 5", False),
                                               ("C", True)]
    assert scored[1].reasons() == "F502: fact '满意度': expected a percentage, got '很高'"
    assert scored[2].reasons() == "F508: this row is not GB18030 text"
    result = score(framework_path, path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "5 departments: 2 scored, 3 failed" in result.stderr
    assert f"{path}:4: error[F508]: this row is not GB18030 text" in result.stderr
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 5
    zh = score(framework_path, path, env={"RULECHECK_LANG": "zh"})
    assert f"{path}:4: 错误[F508]: 此行不是 GB18030 文本" in zh.stderr


def test_the_encoding_can_be_given(framework, framework_path, case_facts, tmp_path):
    names = list(case_facts.values)
    path = tmp_path / "one.csv"
    path.write_bytes(csv_text({"E1": (NAME, case_facts.values)}, names).encode("gb18030"))
    (department,) = read_departments(path, framework.inputs, encoding="GB18030")
    assert department.name == NAME
    result = score(framework_path, path, "--encoding", "utf-8")
    assert result.exit_code == 2
    assert f"{path}:1: error[E002]: the CSV file is not UTF-8 text (it looks like GBK)" in result.stderr
    assert "--encoding utf-8, gb18030 or gbk" in result.stderr
    assert score(framework_path, path, "--encoding", "gbk").exit_code == 0
    with pytest.raises(ValueError, match="the encoding is utf-8, gb18030 or gbk, not 'latin-1'"):
        read_departments(path, framework.inputs, encoding="latin-1")
    utf8 = tmp_path / "u.csv"
    utf8.write_text(csv_text({"E1": (NAME, case_facts.values)}, names), encoding="utf-8")
    result = score(framework_path, utf8, "--encoding", "gb18030")
    assert result.exit_code == 2
    assert f"{utf8}:1: error[E002]: the CSV file is not GB18030 text (it looks like UTF-8)" in result.stderr


def test_a_file_in_neither_encoding_is_an_input_error(framework_path, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"id,\x80\xff\xfe\n1,2\n")
    result = score(framework_path, path)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{path}:1: error[E002]: the CSV file is neither UTF-8 nor GB18030 (GBK) text" in result.stderr
    zh = score(framework_path, path, env={"RULECHECK_LANG": "zh"})
    assert "CSV 文件既不是 UTF-8 也不是 GB18030 (GBK) 文本" in zh.stderr
    assert "--encoding" in zh.stderr


def test_detection():
    assert detect("id,满意度\nA,96%\n".encode()) == "utf-8"
    assert detect("id,满意度\nA,96%\n".encode("gbk")) == "gb18030"
    assert detect(b"\xef\xbb\xbfid\n") == "utf-8"
    assert detect(b"id,x\n1,2\n") is None
    mostly = ("id,满意度\n" + "A,是\n" * 5).encode() + "B,否\n".encode("gbk")
    assert detect(mostly) == "utf-8"  # one GBK line in a UTF-8 file: that line is the problem, not the file


def test_an_ascii_header_then_gbk_rows(framework, case_facts, tmp_path):
    """The first line that is not ASCII decides, when the start of the file is all ASCII."""
    path = tmp_path / "a.csv"
    path.write_bytes(b"id,x\n" + b"1,2\n" * 30_000 + "3,是\n".encode("gbk"))
    rows = list(read_departments(path))
    assert rows[-1].facts == {"x": "是"}


# ---- the display name ----------------------------------------------------------------------------

def test_a_name_field_of_a_facts_file_is_the_display_name(framework, case_path, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(case_path.read_text(encoding="utf-8"), encoding="utf-8")  # its 名称 field names it
    facts = rulecheck.load_facts(path)
    assert facts.display_name == NAME
    assert str(framework.evaluate(facts).total) == "97.83"  # not an unknown fact
    json_path = tmp_path / "case.json"
    json_path.write_text('{"name": "Education IT Centre"}', encoding="utf-8")
    assert rulecheck.load_facts(json_path).display_name == "Education IT Centre"


def test_a_rule_file_input_named_name_wins(tmp_path):
    ruleset = rulecheck.loads('framework "t"\ntotal 10\ninputs:\n    名称: grade(甲, 乙)\n'
                              'indicator 名 (10):\n    bands 名称:\n        = 甲 → 10\n        = 乙 → 5\n')
    path = tmp_path / "d.csv"
    path.write_text("id,名称\nA,乙\nB,丙\n", encoding="utf-8")
    scored = list(score_departments(ruleset, read_departments(path, ruleset.inputs)))
    assert str(scored[0].result.total) == "5.00" and scored[0].name is None
    assert scored[1].reasons().startswith("F502: fact '名称': '丙' is not one of the grade's values")
