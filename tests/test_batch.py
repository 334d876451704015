"""Scoring many departments: `rulecheck score RULES INPUT` with a CSV, a JSON Lines file or a folder.

The departments are variations of the shipped case (rules/shenzhen/cases/edu-info-center-2024.yaml),
written as a spreadsheet would hold them; each output row is checked against scoring the same facts
one department at a time. Bad rows must be reported with their line and still come out as rows.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from decimal import Decimal
from pathlib import Path

import pytest
from click._termui_impl import ProgressBar
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from rulecheck.batch import (
    Department,
    Summary,
    count_rows,
    leaf_names,
    read_departments,
    row,
    score_departments,
    summarize,
)
from rulecheck.cli import main
from rulecheck.cli import score as score_cli

# Departments as changes to the shipped case: the key, and the facts that differ.
VARIATIONS = {
    "as-reported": {},
    "low-satisfaction": {"满意度": "85%"},
    "late-projects": {"按计划时间完成项目数": 20, "未完成重点工作数": 1},
    "over-establishment": {"在编人数": 64, "编外人员数": 12, "部门预算公开情况": "未公开"},
    "slow-spending": {"一季度支出进度": "3.5%", "二季度支出进度": "21%", "三季度支出进度": "48.25%",
                      "四季度支出进度": "88%", "专项资金绩效评价结果": "差", "满意度": "0.935"},
}


def cell(value) -> str:
    """A fact as a spreadsheet cell: 是/否 for booleans, the number or text as written otherwise."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def facts_of(case_facts, changes: dict) -> dict:
    return {**case_facts.values, **changes}


def write_csv(path: Path, departments: dict, *, encoding: str = "utf-8") -> Path:
    """A CSV with an id column and one column per fact of the shipped case."""
    names = list(next(iter(departments.values())))
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", *names])
        for key, facts in departments.items():
            writer.writerow([key, *(cell(facts[name]) for name in names)])
    return path


def json_value(value):
    return value if isinstance(value, (bool, int)) else str(value)


def write_jsonl(path: Path, departments: dict) -> Path:
    lines = [json.dumps({"id": key, **{n: json_value(v) for n, v in facts.items()}}, ensure_ascii=False)
             for key, facts in departments.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def departments(case_facts) -> dict:
    return {key: facts_of(case_facts, changes) for key, changes in VARIATIONS.items()}


def score(*args):
    return CliRunner().invoke(main, ["score", *map(str, args)])


def output_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def expected_row(framework, key: str, facts: dict) -> dict:
    """The row for one department, scored on its own through the API (not through batch.py)."""
    result = framework.evaluate(facts)
    leaves = {node.name: str(node.score) for node in result.leaves()}
    named = {"name": facts["名称"]} if "名称" in facts else {}  # the input's 名称 column: the CSV's name column
    return {"key": key, **named, **leaves, "total": str(result.total), "grade": result.grade, "error": ""}


# ---- the shipped case, and rows against single-department scoring -----------------------------------

def test_the_shipped_case_as_a_one_row_csv_scores_97_83(framework_path, case_facts, tmp_path):
    path = write_csv(tmp_path / "one.csv", {"edu-info-center": case_facts.values})
    result = score(framework_path, path)
    assert result.exit_code == 0, result.stderr
    (only,) = output_rows(result.stdout)
    assert only["key"] == "edu-info-center"
    assert (only["total"], only["grade"], only["error"]) == ("97.83", "优", "")
    assert (only["预算执行率"], only["项目完成及时性"], only["编外人员控制率"]) == ("4.52", "5.81", "0.50")


def test_the_columns_are_key_every_leaf_in_tree_order_total_grade_error(framework, framework_path, departments,
                                                                        tmp_path):
    result = score(framework_path, write_csv(tmp_path / "d.csv", departments))
    header = result.stdout.splitlines()[0].split(",")
    leaves = [node.name for node in framework.evaluate(departments["as-reported"]).leaves()]
    assert header == ["key", "name", *leaves, "total", "grade", "error"]  # name: the input has a 名称 column
    assert len(leaves) == 21 and leaf_names(framework) == leaves


def test_each_row_is_what_scoring_the_department_alone_gives(framework, framework_path, departments, tmp_path):
    result = score(framework_path, write_csv(tmp_path / "d.csv", departments))
    assert result.exit_code == 0, result.stderr
    rows = output_rows(result.stdout)
    assert rows == [expected_row(framework, key, facts) for key, facts in departments.items()]
    assert len({row["total"] for row in rows}) == len(rows)  # the variations do change the scores


def test_json_lines_and_a_folder_give_the_same_rows_as_the_csv(framework, framework_path, departments, tmp_path):
    from_csv = output_rows(score(framework_path, write_csv(tmp_path / "d.csv", departments)).stdout)
    jsonl = score(framework_path, write_jsonl(tmp_path / "d.jsonl", departments), "--format", "jsonl")
    assert jsonl.exit_code == 0, jsonl.stderr
    from_jsonl = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [{k: v or "" for k, v in r.items() if k != "name"} for r in from_jsonl] == \
        [{k: v for k, v in r.items() if k != "name"} for r in from_csv]
    assert [r.get("name") for r in from_jsonl] == [facts.get("名称") for facts in departments.values()]  # its 名称

    folder = tmp_path / "facts"
    (folder / "more").mkdir(parents=True)
    for key, facts in departments.items():
        target = folder / "more" / f"{key}.json" if key == "slow-spending" else folder / f"{key}.yaml"
        values = {n: json_value(v) for n, v in facts.items()}
        target.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    (folder / "pinned.case.yaml").write_text("name: not a department\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not facts\n", encoding="utf-8")
    result = score(framework_path, folder)
    assert result.exit_code == 0, result.stderr
    from_folder = {r["key"]: r for r in output_rows(result.stdout)}
    assert sorted(from_folder) == sorted([*(k for k in departments if k != "slow-spending"), "more/slow-spending"])
    unnamed = [{k: v for k, v in r.items() if k != "name"} for r in from_csv]  # a folder's rows have no name column
    assert from_folder["more/slow-spending"] == {**unnamed[-1], "key": "more/slow-spending"}
    assert from_folder["low-satisfaction"] == unnamed[1]


def test_json_output_holds_the_rows_and_the_summary(framework, framework_path, departments, tmp_path):
    result = score(framework_path, write_csv(tmp_path / "d.csv", departments), "--format", "json")
    data = json.loads(result.stdout)
    totals = sorted(Decimal(framework.evaluate(facts).total) for facts in departments.values())
    assert [row["key"] for row in data["departments"]] == list(departments)
    assert data["departments"][0]["total"] == "97.83" and data["departments"][0]["error"] is None
    assert data["summary"]["departments"] == 5 and data["summary"]["failed"] == 0
    assert data["summary"]["totals"]["min"] == str(totals[0])
    assert data["summary"]["totals"]["max"] == str(totals[-1])
    assert sum(data["summary"]["grades"].values()) == 5


def test_output_writes_a_csv_excel_opens_as_utf8(framework_path, departments, tmp_path):
    out = tmp_path / "scores.csv"
    result = score(framework_path, write_csv(tmp_path / "d.csv", departments), "--output", out)
    assert result.exit_code == 0 and result.stdout == ""
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())  # the byte-order mark Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["key"] for r in rows] == list(departments) and rows[0]["total"] == "97.83"
    assert "5 departments: 5 scored, 0 failed" in result.stderr


def test_output_as_json_lines(framework_path, departments, tmp_path):
    out = tmp_path / "scores.jsonl"
    assert score(framework_path, write_csv(tmp_path / "d.csv", departments), "--format", "jsonl",
                 "-o", out).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["key"] for line in lines] == list(departments)


def test_the_department_file_scores_a_folder(department_path, department_case_path, tmp_path):
    result = score(department_path, department_case_path.parent)
    assert result.exit_code == 0, result.stderr
    (only,) = output_rows(result.stdout)
    assert only["key"] == "edu-info-center-2024" and only["total"] == "97.83"
    assert "学校数据盘点完成率" in only and "社会效益、经济效益、生态效益等" not in only  # extended: not a leaf


# ---- bad rows -------------------------------------------------------------------------------------

def test_bad_rows_are_reported_with_their_line_and_the_others_are_scored(framework_path, case_facts, tmp_path):
    good = case_facts.values
    path = write_csv(tmp_path / "corpus.csv", {
        "A": good,
        "B": {**good, "满意度": "很高"},          # a value that cannot be read
        "C": {**good, "满意度": ""},              # an empty cell: a missing fact
        "D": {**good, "满意度": "120%"},          # outside its domain
        "E": good,
    })
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "X,是,否")  # a ragged row, as line 4
    lines.insert(5, lines[1].replace("A,", "G,", 1).replace("按规定公开", "按规定公开😀"))
    gbk = lines[5].replace("按规定公开😀", "按规定公开").replace("G,", "GBK,", 1)
    text = "\n".join(lines[:5]).encode() + b"\n" + gbk.encode("gbk") + b"\n" + \
        "\n".join(lines[6:]).encode() + b"\n"
    path.write_bytes(text)
    result = score(framework_path, path)
    assert result.exit_code == 1
    rows = output_rows(result.stdout)
    assert [r["key"] for r in rows] == ["A", "B", "X", "C", "line 6", "D", "E"]  # no id: 'line 6', never a real id
    assert [r["total"] for r in rows] == ["97.83", "", "", "", "", "", "97.83"]
    errors = {r["key"]: r["error"] for r in rows}
    assert errors["A"] == errors["E"] == ""
    assert errors["B"] == "F502: fact '满意度': expected a percentage, got '很高'"
    assert errors["X"] == f"F508: this row has 3 cells, the header has {len(good) + 1}"
    assert errors["line 6"] == "F508: this row is not UTF-8 text (it looks like GBK)"
    assert errors["C"].startswith("F501: missing fact '满意度', needed by '公众或服务对象满意度'")
    assert errors["D"] == "F503: fact '满意度': 120% is outside its domain, from 0% to 100%"
    stderr = result.stderr
    assert f"{path}:3: error[F502]: fact '满意度': expected a percentage, got '很高'" in stderr
    assert f"{path}:4: error[F508]: this row has 3 cells, the header has {len(good) + 1}" in stderr
    assert f"{path}:6: error[F508]: this row is not UTF-8 text (it looks like GBK)" in stderr
    assert f"{path}:5: error[F501]: missing fact '满意度'" in stderr
    assert f"{path}:7: error[F503]: fact '满意度': 120% is outside its domain, from 0% to 100%" in stderr
    assert "7 departments: 2 scored, 5 failed" in stderr
    assert "Traceback" not in result.output


def test_a_value_that_does_not_score_names_the_row_and_the_rule(tmp_path):
    rules = tmp_path / "ratio.rules"
    rules.write_text('framework "比率"\ntotal 6\nrounding 2 decimals\ninputs:\n    完成: count\n    计划: count\n'
                     'indicator 及时 (6):\n    formula: min(完成 / 计划, 1) × 6\n', encoding="utf-8")
    path = tmp_path / "projects.csv"
    path.write_text("id,完成,计划\na,3,4\nb,0,0\n", encoding="utf-8")
    result = score(rules, path)
    assert result.exit_code == 1
    assert output_rows(result.stdout)[0] == {"key": "a", "及时": "4.50", "total": "4.50", "grade": "", "error": ""}
    assert (f"{path}:3: error[E601]: division by zero: '计划' is 0 (scoring '及时') (rule at {rules}:8:18)"
            in result.stderr)


def test_a_column_the_rules_do_not_declare_is_reported_once(framework_path, departments, tmp_path):
    path = write_csv(tmp_path / "d.csv", departments)
    columns = len(departments["as-reported"]) + 1
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",满意率,备注"] + [line + ",96%,ok" for line in lines[1:]]) + "\n",
                    encoding="utf-8")
    result = score(framework_path, path)
    assert result.exit_code == 1
    assert result.stderr.count("满意率") == 1  # once, not once a row
    assert (f"{path}:1: error[F504]: unknown column '满意率' (column {columns + 1}): the rule file declares no "
            "such input; its cells are not read\n  = hint: did you mean '满意度'?") in result.stderr
    assert f"{path}:1: error[F504]: unknown column '备注' (column {columns + 2})" in result.stderr
    assert [r["error"] for r in output_rows(result.stdout)] == [""] * 5  # the departments are still scored


def score_edited(framework_path, tmp_path, facts: dict, edit) -> tuple[Path, object]:
    """Score a one-department CSV (id A) after `edit(header, row)` has rewritten its text."""
    path = write_csv(tmp_path / "d.csv", {"A": facts})
    header, values = path.read_text(encoding="utf-8").splitlines()
    path.write_text(edit(header, values), encoding="utf-8")
    return path, score(framework_path, path)


def test_a_column_given_twice_is_reported_once_and_the_first_read(framework_path, case_facts, tmp_path):
    path, result = score_edited(framework_path, tmp_path, case_facts.values,
                                lambda header, values: f"{header},满意度\n{values},50%\n")
    assert result.exit_code == 1
    first, again = list(case_facts.values).index("满意度") + 2, len(case_facts.values) + 2  # after the id column
    assert (f"{path}:1: error[F507]: the column '满意度' is given twice (columns {first} and {again})"
            in result.stderr)
    assert output_rows(result.stdout)[0]["公众或服务对象满意度"] == "6.00"  # 96%, not 50%


def test_the_same_id_twice(framework_path, case_facts, tmp_path):
    path, result = score_edited(framework_path, tmp_path, case_facts.values,
                                lambda header, values: f"{header}\n{values}\n{values}\n")
    assert result.exit_code == 1
    assert f"{path}:3: error[F509]: the id 'A' is also the id of line 2" in result.stderr
    assert [r["total"] for r in output_rows(result.stdout)] == ["97.83", ""]


def test_without_an_id_column_the_key_is_the_line(framework_path, case_facts, tmp_path):
    path = write_csv(tmp_path / "d.csv", {"A": case_facts.values, "B": {**case_facts.values, "满意度": "80%"}})
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.split(",", 1)[1] for line in lines) + "\n\n", encoding="utf-8")
    rows = output_rows(score(framework_path, path).stdout)
    assert [(r["key"], r["total"]) for r in rows] == [("2", "97.83"), ("3", "93.83")]


def test_cells_are_read_like_a_facts_file(framework_path, case_facts, tmp_path):
    facts = {**case_facts.values, "年初预算": "10,339.11", "四季度支出进度": "0.9729", "满意度": " 96 % ",
             "制度有效执行": "TRUE", "编制分配符合职责和方针政策": "yes"}
    path = write_csv(tmp_path / "d.csv", {"A": facts})
    assert output_rows(score(framework_path, path).stdout)[0]["total"] == "97.83"


def test_a_gbk_csv_is_read_and_one_read_as_utf8_is_an_input_error(framework_path, departments, tmp_path):
    path = write_csv(tmp_path / "d.csv", departments, encoding="gbk")
    same = write_csv(tmp_path / "u.csv", departments)
    totals = [r["total"] for r in output_rows(score(framework_path, path).stdout)]  # detected, read as GBK
    assert totals == [r["total"] for r in output_rows(score(framework_path, same).stdout)] and "" not in totals
    result = CliRunner().invoke(main, ["score", str(framework_path), str(path), "--encoding", "utf-8"])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{path}:1: error[E002]: the CSV file is not UTF-8 text (it looks like GBK)" in result.stderr
    assert "--encoding" in result.stderr and "CSV UTF-8" in result.stderr


def test_a_utf8_byte_order_mark_is_read(framework_path, departments, tmp_path):
    path = write_csv(tmp_path / "d.csv", departments, encoding="utf-8-sig")
    result = score(framework_path, path)
    assert result.exit_code == 0 and output_rows(result.stdout)[0]["key"] == "as-reported"


def test_an_empty_csv_is_an_input_error(framework_path, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    result = score(framework_path, path)
    assert result.exit_code == 2
    assert f"{path}:1: error[E002]: the CSV file has no header row" in result.stderr


def test_a_folder_without_facts_files_is_an_input_error(framework_path, tmp_path):
    (tmp_path / "x.case.yaml").write_text("name: a case\n", encoding="utf-8")
    result = score(framework_path, tmp_path)
    assert result.exit_code == 2
    assert "no facts files (.yaml, .yml, .json or .xlsx) in this folder" in result.stderr


def test_bad_json_lines(framework_path, case_facts, tmp_path):
    good = json.dumps({n: json_value(v) for n, v in case_facts.values.items()}, ensure_ascii=False)
    path = tmp_path / "d.jsonl"
    lines = [good, "", '{"满意度": "96%",}', "[1, 2]", '{"满意度": "96%", "满意度": "90%"}', good]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    result = score(framework_path, path)
    assert result.exit_code == 1
    rows = output_rows(result.stdout)
    assert [(r["key"], r["total"]) for r in rows] == [("line 1", "97.83"), ("line 3", ""), ("line 4", ""),
                                                      ("line 5", ""), ("line 6", "97.83")]
    assert f"{path}:3: error[F506]: not valid JSON: Expecting property name enclosed in double quotes" in result.stderr
    assert f"{path}:4: error[F506]: a line is an object of input names to values" in result.stderr
    assert f"{path}:5: error[F507]: the fact '满意度' is given twice" in result.stderr


def test_a_bad_facts_file_in_a_folder_is_reported_at_its_line(framework_path, case_path, tmp_path):
    (tmp_path / "good.yaml").write_text(case_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(case_path.read_text(encoding="utf-8").replace('满意度: "96%"', "满意度: 96"),
                                       encoding="utf-8")
    (tmp_path / "broken.yaml").write_text('满意度: "96%\n', encoding="utf-8")
    result = score(framework_path, tmp_path)
    assert result.exit_code == 1
    assert [(r["key"], r["total"]) for r in output_rows(result.stdout)] == [
        ("bad", ""), ("broken", ""), ("good", "97.83")]
    assert f"{tmp_path / 'bad.yaml'}:" in result.stderr and "error[F505]: fact '满意度'" in result.stderr
    assert "| 满意度: 96 " in result.stderr  # the source line, with a caret under the key
    assert f"{tmp_path / 'broken.yaml'}:1:" in result.stderr and "error[F506]" in result.stderr


def test_lines_ended_by_a_lone_carriage_return_are_read(framework_path, departments, tmp_path):
    """Excel for Mac's "CSV (Macintosh)" ends lines with \\r alone."""
    path = write_csv(tmp_path / "d.csv", departments)
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))
    result = score(framework_path, path)
    assert result.exit_code == 0, result.stderr
    assert [r["key"] for r in output_rows(result.stdout)] == list(departments)


# ---- usage ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (("--format", "table"), "--format table shows one department"),
    (("--format", "markdown"), "--format markdown shows one department"),
    (("--explain",), "--explain shows how one department was scored"),
])
def test_single_department_options_with_many_departments_are_usage_errors(framework_path, departments, tmp_path,
                                                                          args, message):
    result = score(framework_path, write_csv(tmp_path / "d.csv", departments), *args)
    assert result.exit_code == 2 and message in result.stderr


def test_row_formats_with_one_facts_file_are_usage_errors(framework_path, case_path):
    result = score(framework_path, case_path, "--format", "jsonl")
    assert result.exit_code == 2
    assert "--format jsonl writes one row per department" in result.stderr


def test_one_facts_file_with_output(framework_path, case_path, tmp_path):
    out = tmp_path / "score.json"
    result = score(framework_path, case_path, "--format", "json", "--output", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["total"] == "97.83"


# ---- the API --------------------------------------------------------------------------------------

def test_read_departments_never_raises_for_a_bad_row(framework, tmp_path):
    path = tmp_path / "d.csv"
    huge = "9" * (csv.field_size_limit() + 1)
    path.write_text(f'id,满意度\na,96%\nb,{huge}\nc,"95%\n', encoding="utf-8")
    departments = list(read_departments(path))
    assert [d.key for d in departments] == ["a", "b", "c"]
    assert departments[0] == Department("a", f"{path}:2", {"满意度": "96%"})
    assert departments[1].error.code == "F508" and departments[1].where == f"{path}:3"
    assert departments[1].error.message == "cell 2 (满意度) is longer than 131,072 characters"
    assert departments[2].error.code == "F521" and departments[2].where == f"{path}:4"  # never closed
    assert departments[2].error.message.startswith("cell 2 (满意度) opens a quote that is not closed on its line")
    scored = list(score_departments(framework, departments))
    assert all(not s.ok for s in scored)
    assert scored[0].diagnostics[0].code == "F501" and scored[0].where == f"{path}:2"


def test_score_departments_yields_diagnostics_located_at_the_row(framework, case_facts):
    departments = [Department("x", "corpus.csv:17", {**case_facts.values, "满意度": "120%"}),
                   Department("y", "corpus.csv:18", dict(case_facts.values))]
    bad, good = score_departments(framework, departments)
    assert bad.result is None and good.result.total == Decimal("97.83")
    assert bad.diagnostics[0].render().splitlines()[0] == \
        "corpus.csv:17: error[F503]: fact '满意度': 120% is outside its domain, from 0% to 100%"
    assert row(bad, leaf_names(framework))["error"] == bad.reasons()


def test_count_rows(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("id,a\n" + "x,1\n" * 1500, encoding="utf-8")
    assert count_rows(path) == 1500
    (tmp_path / "d.jsonl").write_text("{}\n" * 7, encoding="utf-8")
    assert count_rows(tmp_path / "d.jsonl") == 7


def test_a_progress_bar_only_at_a_terminal_and_on_long_runs(tmp_path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    long, short = tmp_path / "long.csv", tmp_path / "short.csv"
    long.write_text("id,a\n" + "x,1\n" * 1500, encoding="utf-8")
    short.write_text("id,a\n" + "x,1\n" * 10, encoding="utf-8")
    assert not isinstance(score_cli.progress(str(long)), ProgressBar)  # not a terminal
    monkeypatch.setattr("sys.stderr", Terminal())
    bar = score_cli.progress(str(long))
    assert isinstance(bar, ProgressBar) and bar.length == 1500
    assert not isinstance(score_cli.progress(str(short)), ProgressBar)


# ---- the summary ----------------------------------------------------------------------------------

def summary_of(totals: list[str], failed: int = 0, maximum: str = "100") -> Summary:
    return Summary.of_totals(len(totals) + failed, failed, (), [Decimal(t) for t in totals], Decimal(maximum))


def test_summary_figures_on_a_small_known_set():
    summary = summary_of(["55.00", "97.83", "88.10", "90.00", "72.50"], failed=1)
    assert summary.departments == 6 and summary.scored == 5
    assert summary.figures() == {"min": Decimal("55.00"), "lower quartile": Decimal("72.50"),
                                 "median": Decimal("88.10"), "upper quartile": Decimal("90.00"),
                                 "max": Decimal("97.83"), "mean": Decimal("80.69")}  # 403.43 / 5 = 80.686
    counts = [count for _, _, count in summary.histogram()]
    assert counts == [1, 0, 0, 1, 0, 0, 1, 1, 1]  # 5-point bins from 55: 55, 72.50, 88.10, 90.00, 97.83
    assert summary.histogram()[-1][:2] == (Decimal(95), Decimal(100))


def test_quartiles_interpolate_between_ranks():
    summary = summary_of(["60.00", "70.00", "80.00", "95.00"])
    assert summary.quantile(Decimal("0.25")) == Decimal("67.50")
    assert summary.figures()["median"] == Decimal("75.00")
    assert summary.figures()["upper quartile"] == Decimal("83.75")


def test_a_total_at_the_maximum_falls_in_the_last_bin():
    summary = summary_of(["100.00", "0.00", "10.00"], maximum="100")
    assert [count for _, _, count in summary.histogram()] == [1, 0, 1] + [0] * 16 + [1]  # 20 bins of 5


@given(st.lists(st.integers(min_value=0, max_value=10000), min_size=1, max_size=40))
def test_the_figures_agree_with_the_statistics_module(hundredths):
    totals = [Decimal(h).scaleb(-2) for h in hundredths]
    summary = summary_of([str(t) for t in totals])
    figures = summary.figures()
    if len(totals) > 1:
        quartiles = statistics.quantiles(totals, n=4, method="inclusive")
        assert [figures["lower quartile"], figures["median"], figures["upper quartile"]] == quartiles
    assert figures["median"] == statistics.median(totals)
    assert abs(figures["mean"] - statistics.mean(totals)) <= Decimal("0.005")
    assert sum(count for _, _, count in summary.histogram()) == len(totals)


def test_the_summary_is_printed_on_stderr(framework, framework_path, departments, tmp_path):
    result = score(framework_path, write_csv(tmp_path / "d.csv", departments))
    summary = summarize(framework, score_departments(framework, read_departments(tmp_path / "d.csv")))
    lines = result.stderr.splitlines()
    assert lines[0] == "5 departments: 5 scored, 0 failed"
    assert lines[1] == "grades: " + ", ".join(f"{name} {count}" for name, count in summary.grades)
    assert lines[2] == "totals: " + ", ".join(f"{name} {value}" for name, value in summary.figures().items())
    bins = summary.histogram()
    histogram, losses = lines[3:3 + len(bins)], lines[3 + len(bins):]
    assert histogram == [line for line in histogram if line.startswith("  ")]
    assert [int(line.split()[1]) for line in histogram] == [count for _, _, count in bins]
    assert histogram[-1].split()[0].endswith("–100")
    assert losses[0] == "where departments lose most:" and len(losses) == 4  # the three that lose most
    most = [item for item in summary.indicators if item.losing][:3]
    assert [line.split(": ")[0].strip() for line in losses[1:]] == [item.name for item in most]


# ---- the shipped corpus ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(root):
    return root / "rules" / "shenzhen" / "cases" / "corpus-2024.csv"


@pytest.fixture(scope="module")
def corpus_rows(framework, corpus):
    return list(score_departments(framework, read_departments(corpus, framework.inputs)))


def test_the_corpus_is_what_its_generator_writes(root, corpus, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(root / "benchmarks"))
    from make_corpus import write_corpus
    stream = io.StringIO(newline="")
    write_corpus(stream, sum(1 for _ in corpus.open(encoding="utf-8")) - 1)
    assert stream.getvalue() == corpus.read_text(encoding="utf-8")


def test_the_corpus_scores_every_department(corpus_rows):
    assert len(corpus_rows) >= 60
    assert all(s.ok for s in corpus_rows), [s.reasons() for s in corpus_rows if not s.ok]
    assert corpus_rows[0].key == "edu-info-center-2024" and corpus_rows[0].result.total == Decimal("97.83")


def test_the_corpus_reaches_every_band_and_grade(framework, corpus_rows):
    scores: dict[str, set] = {}
    for scored in corpus_rows:
        for node in scored.result.leaves():
            scores.setdefault(node.name, set()).add(node.score)
    assert {str(s) for s in scores["公众或服务对象满意度"]} == {"6.00", "4.00", "2.00", "1.00"}
    assert {str(s) for s in scores["固定资产利用率"]} == {"1.00", "0.70", "0.40", "0.00"}
    assert {str(s) for s in scores["编外人员控制率"]} == {"1.00", "0.50", "0.00"}
    assert {str(s) for s in scores["财政供养人员控制率"]} == {"1.00", "0.00"}
    assert {str(s) for s in scores["政府采购执行情况"]} == {"2.00", "0.00"}
    grades = {scored.result.grade for scored in corpus_rows}
    assert grades == {band.grade for band in framework.program.grades}


def test_the_corpus_spreads_its_facts_over_every_band(framework, corpus):
    facts = [framework.validate(d.facts) for d in read_departments(corpus, framework.inputs)]

    def share(part, whole):
        return [f[part] / f[whole] for f in facts]

    satisfaction = [f["满意度"] for f in facts]
    assert sum(Decimal("0.90") <= s < Decimal("0.95") for s in satisfaction) >= 5
    for ratios in (share("“三公”经费实际支出", "“三公”经费预算安排数"), share("日常公用经费实际支出", "日常公用经费调整预算数")):
        assert any(r < Decimal("0.9") for r in ratios) and any(r > 1 for r in ratios)
        assert any(Decimal("0.9") <= r <= 1 for r in ratios)
    assert any(r > Decimal("0.1") for r in share("调整资金", "年初预算"))
    for column in ("部门预算公开情况", "部门决算公开情况"):
        assert {f[column] for f in facts} == {"按规定公开", "公开但不完全符合", "未公开"}
    for f in facts:  # spending progress is cumulative, quarter by quarter
        assert f["一季度支出进度"] <= f["二季度支出进度"] <= f["三季度支出进度"] <= f["四季度支出进度"]



def test_columns_the_rules_need_but_the_csv_lacks_are_reported_once_at_the_header(framework_path, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("id,满意度\nA,96%\nB,91%\n", encoding="utf-8")
    result = score(framework_path, path)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "error[" in line]
    assert len(errors) == 1 and errors[0].startswith(f"{path}:1: error[F501]: the CSV has no column for 51 inputs "
                                                     "the rules read: ")
    assert "and 43 more" in errors[0]
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["key"] for row in rows] == ["A", "B"]  # still a row each, with the reasons
    assert all("missing fact '年初预算'" in row["error"] for row in rows)


def test_the_summary_s_figures_do_not_depend_on_the_caller_s_decimal_context():
    from decimal import localcontext
    from fractions import Fraction

    import rulecheck
    from rulecheck import batch
    root = Path(__file__).resolve().parents[1]
    ruleset = rulecheck.load(root / "rules/shenzhen/framework.rules")

    def figures():
        departments = batch.read_departments(root / "rules/shenzhen/cases/corpus-2024.csv", ruleset.inputs)
        return batch.summarize(ruleset, batch.score_departments(ruleset, departments)).figures()

    plain = figures()
    with localcontext() as context:
        context.prec = 3
        assert figures() == plain
    departments = batch.read_departments(root / "rules/shenzhen/cases/corpus-2024.csv", ruleset.inputs)
    totals = [Fraction(s.result.total) for s in batch.score_departments(ruleset, departments) if s.ok]
    quartiles = statistics.quantiles(totals, n=4, method="inclusive")  # Excel's QUARTILE.INC, in fractions
    assert [Fraction(plain[name]) for name in ("lower quartile", "median", "upper quartile")] == quartiles
