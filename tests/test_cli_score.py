"""`rulecheck score RULES FACTS`: the table, Markdown and JSON reports, explanations, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args])
    return invoke


def test_score_prints_the_table(run, framework_path, case_path, tmp_path):
    result = run("score", framework_path, case_path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    lines = out.splitlines()
    assert lines[0] == "部门整体支出绩效评价共性指标体系框架"
    assert lines[1] == "Department: 深圳市教育信息技术中心 (edu-info-center-2024)"  # the facts' 名称, the file's name
    assert lines[2].split() == ["Indicator", "Points", "Score"]
    assert lines[-1] == "Grade: 优"
    assert lines[-2].split() == ["Total", "100", "97.83"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[4:-3]}
    assert rows["预算执行率"] == ["6", "4.52"]
    assert rows["项目完成及时性"] == ["6", "5.81"]
    assert rows["编外人员控制率"] == ["1", "0.50"]
    assert rows["部门绩效"] == ["60", "58.33"]
    assert rows["社会效益、经济效益、生态效益等"] == ["25", "25.00"]
    assert len(rows) == 21 + 14  # leaves and groups
    # nesting shows as indentation: level 1 flush, level 2 by two spaces, leaves by four
    assert "部门决策" in lines[4] and lines[4].startswith("部门决策")
    assert any(line.startswith("  预算编制 ") for line in lines)
    assert any(line.startswith("    预算编制合理性 ") for line in lines)
    assert "30 ÷ 31" not in out  # no explanations unless asked
    assert result.stderr == ""


def test_the_table_columns_line_up_with_chinese_names(run, framework_path, case_path):
    from rulecheck.source import display_width
    for lang in ("en", "zh"):
        lines = run("--lang", lang, "score", framework_path, case_path).stdout.splitlines()
        widths = {display_width(line) for line in lines[2:-1]}
        assert len(widths) == 1, widths


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["部门: ", "指标", "分值", "得分", "说明", "总分", "等级: "]),
    ("en", ["Department: ", "Indicator", "Points", "Score", "Explanation", "Total", "Grade: "])])
def test_the_table_and_markdown_speak_the_current_language(run, framework_path, case_path, tmp_path, lang, words):
    department, indicator, points, score, explanation, total, grade = words
    table = run("--lang", lang, "score", framework_path, case_path).stdout.splitlines()
    assert table[1] == f"{department}深圳市教育信息技术中心 (edu-info-center-2024)"
    assert table[2].split() == [indicator, points, score]
    assert table[-2].split() == [total, "100", "97.83"] and table[-1] == f"{grade}优"
    markdown = run("--lang", lang, "score", framework_path, case_path, "--format", "markdown", "--explain").stdout
    lines = markdown.splitlines()
    assert lines[:5] == ["# 部门整体支出绩效评价共性指标体系框架", "", f"{department}深圳市教育信息技术中心 (edu-info-center-2024)",
                         "", f"| {indicator} | {points} | {score} | {explanation} |"]
    assert f"| **{total}** | 100 | **97.83** | |" in lines and lines[-1] == f"{grade}**优**"


def test_a_department_without_a_display_name_is_named_by_its_file(run, framework_path, case_facts, tmp_path):
    facts = {name: str(value) if not isinstance(value, (bool, int)) else value
             for name, value in case_facts.values.items() if name != "名称"}
    path = tmp_path / "unnamed.json"
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    assert run("score", framework_path, path).stdout.splitlines()[1] == "Department: unnamed"
    data = json.loads(run("score", framework_path, path, "--format", "json").stdout)
    assert data["department"] == {"id": "unnamed", "name": None}


def test_score_json(run, framework_path, case_path, framework, case_facts, tmp_path):
    result = run("score", framework_path, case_path, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["total"] == "97.83" and data["grade"] == "优" and data["max"] == "100"
    # the result's keys as they were, and the department added: its id (the file's name) and display name
    assert data.pop("department") == {"id": "edu-info-center-2024", "name": "深圳市教育信息技术中心"}
    assert data == framework.evaluate(case_facts).to_dict(explain=False)
    assert data["nodes"][2]["children"][1]["children"][0] == {
        "name": "预算执行率", "kind": "indicator", "max": "6", "score": "4.52", "unrounded": "4.52005",
        "line": data["nodes"][2]["children"][1]["children"][0]["line"]}
    # a score whose expansion never ends: shown to 6 places, and exactly, as a fraction
    timely = data["nodes"][2]["children"][1]["children"][2]
    assert (timely["score"], timely["unrounded"], timely["unrounded_exact"]) == ("5.81", "5.806452…", "180/31")


def test_score_json_with_explanations(run, framework_path, case_path):
    data = json.loads(run("score", framework_path, case_path, "--format", "json", "--explain").stdout)
    timely = data["nodes"][2]["children"][1]["children"][2]
    assert timely["name"] == "项目完成及时性"
    assert timely["explanation"] == ["min(按计划时间完成项目数 ÷ 计划完成项目数, 1) × 6 = min(30 ÷ 31, 1) × 6 = 5.806452…",
                                     "5.806452… rounded to 5.81"]


def test_score_markdown(run, framework_path, case_path, tmp_path):
    result = run("score", framework_path, case_path, "--format", "markdown")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# 部门整体支出绩效评价共性指标体系框架"
    assert lines[2] == "Department: 深圳市教育信息技术中心 (edu-info-center-2024)"
    assert "| Indicator | Points | Score |" in lines
    assert "|---|---:|---:|" in lines
    assert "| **部门决策** | 20 | 20.00 |" in lines
    assert "| &nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;预算执行率 | 6 | 4.52 |" in lines
    assert "| **Total** | 100 | **97.83** |" in lines
    assert lines[-1] == "Grade: **优**"


def test_score_markdown_with_explanations(run, framework_path, case_path):
    lines = run("score", framework_path, case_path, "--format", "markdown", "--explain").stdout.splitlines()
    assert "| Indicator | Points | Score | Explanation |" in lines
    row = next(line for line in lines if "项目完成及时性" in line)
    assert "min(30 ÷ 31, 1) × 6 = 5.806452…<br>5.806452… rounded to 5.81" in row
    assert all(line.count("|") == 5 for line in lines if line.startswith("|") and "\\|" not in line)


def test_score_explain(run, framework_path, case_path):
    result = run("score", framework_path, case_path, "--explain")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "        min(按计划时间完成项目数 ÷ 计划完成项目数, 1) × 6 = min(30 ÷ 31, 1) × 6 = 5.806452…" in lines
    assert "        band 2: 5% ≤ 编外人员比率 6.666667…% ≤ 10% → 0.5   matched" in lines
    assert "        ✓ 绩效目标全覆盖 → +3" in lines
    assert "        deduct 4 per 未完成重点工作数: 未完成重点工作数 = 0, 0 × 4 → −0" in lines
    assert lines[-2].split() == ["Total", "100", "97.83"]


def test_score_the_department_file(run, department_path, department_case_path):
    result = run("score", department_path, department_case_path)
    assert result.exit_code == 0
    assert "97.83" in result.stdout and "Grade: 优" in result.stdout
    assert any(line.startswith("      学校数据盘点完成率 ") for line in result.stdout.splitlines())


def test_score_json_facts(run, framework, case_facts, framework_path, tmp_path):
    facts = {name: str(value) if not isinstance(value, (bool, int)) else value
             for name, value in case_facts.values.items()}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    data = json.loads(run("score", framework_path, path, "--format", "json").stdout)
    assert data["total"] == "97.83"


def test_score_help(run):
    result = run("score", "--help")
    assert result.exit_code == 0
    assert "Score one department" in result.stdout
    for option in ("--format", "[table|markdown|json|", "csv", "jsonl", "--explain", "--output", "RULES", "INPUT"):
        assert option in result.stdout
    assert run("--help").exit_code == 0 and "score" in run("-h").stdout


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert rulecheck.__version__ in result.stdout


def test_bad_facts_exit_1_with_diagnostics_on_stderr(run, framework_path, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("满意度: 96%%\n", encoding="utf-8")
    result = run("score", framework_path, path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error[F" in result.stderr


def test_an_evaluation_error_exits_1(run, tmp_path):
    rules = tmp_path / "ratio.rules"
    rules.write_text('framework "比率"\ntotal 6\nrounding 2 decimals\ninputs:\n    完成: count\n    计划: count\n'
                     'indicator 及时 (6):\n    formula: min(完成 / 计划, 1) × 6\n', encoding="utf-8")
    facts = tmp_path / "zero.yaml"
    facts.write_text("完成: 0\n计划: 0\n", encoding="utf-8")
    result = run("score", rules, facts)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{rules}:8:18: error[E601]: division by zero: '计划' is 0 (scoring '及时')" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_usage_error(run, framework_path, tmp_path):
    result = run("score", framework_path, tmp_path / "nope.yaml")
    assert result.exit_code == 2


def test_an_unknown_format_is_a_usage_error(run, framework_path, case_path):
    result = run("score", framework_path, case_path, "--format", "csv")
    assert result.exit_code == 2
    assert "csv" in result.stderr


def test_scoring_with_a_rule_file_check_faults_warns_once_and_still_scores(run, framework_path, case_path, tmp_path):
    uncapped = framework_path.read_text(encoding="utf-8").replace(
        "min(按计划时间完成项目数 / 计划完成项目数, 1) × 6", "按计划时间完成项目数 / 计划完成项目数 × 6")
    rules = tmp_path / "uncapped.rules"
    rules.write_text(uncapped, encoding="utf-8")
    result = run("score", rules, case_path)
    assert result.exit_code == 0 and "97.83" in result.stdout
    assert result.stderr == (f"warning: 'rulecheck check {rules}' reports 1 problem in this rule file; "
                             "scores outside their points are still refused\n")
    assert run("score", framework_path, case_path).stderr == ""


def test_the_output_file_s_extension_chooses_the_format(run, framework_path, case_path, tmp_path):
    corpus = case_path.parent / "corpus-2024.csv"
    for name, starts in (("得分.xlsx", b"PK"), ("得分.html", b"<!DOCTYPE html>"), ("得分.json", b"{"),
                         ("得分.jsonl", b'{"key"')):
        result = run("score", framework_path, corpus, "-o", tmp_path / name)
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_bytes().startswith(starts), name
    assert run("score", framework_path, case_path, "-o", tmp_path / "one.md").exit_code == 0
    assert (tmp_path / "one.md").read_text(encoding="utf-8").startswith("# 部门整体支出绩效评价共性指标体系框架")
    assert run("score", framework_path, case_path, "-o", tmp_path / "one.xlsx").exit_code == 0
    assert (tmp_path / "one.xlsx").read_bytes().startswith(b"PK")
    result = run("score", framework_path, corpus, "--format", "csv", "-o", tmp_path / "rows.xlsx")  # asked for
    assert result.exit_code == 0 and (tmp_path / "rows.xlsx").read_bytes().startswith("\ufeffkey".encode())
    result = run("score", framework_path, case_path, "-o", tmp_path / "one.csv")  # rows are for many departments
    assert result.exit_code == 2 and "--format csv writes one row per department" in result.output
