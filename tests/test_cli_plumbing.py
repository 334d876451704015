"""CLI plumbing (issue 14 point 3): `-` as a facts file reads standard input, `-o -` writes standard
output, --quiet prints only findings and errors with the same exit codes, and `python -m rulecheck`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulecheck.cli import SUBCOMMANDS, main

DATA = Path(__file__).parent / "data"
SMALL = (DATA / "cases" / "small.rules").read_text(encoding="utf-8")
FACTS_YAML = "满意度: 96%\n有机制: true\n完成数: 3\n计划数: 4\n"  # 4 + 3 + 2.25
FACTS_JSON = '{"满意度": "96%", "有机制": true, "完成数": 3, "计划数": 4}'


def run(*args, input=None):
    return CliRunner().invoke(main, [str(arg) for arg in args], input=input, prog_name="rulecheck")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty current folder with the small framework and a facts file of the same facts as FACTS_YAML."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "small.rules").write_text(SMALL, encoding="utf-8")
    (tmp_path / "dept.yaml").write_text(FACTS_YAML, encoding="utf-8")
    return tmp_path


PASSING_CASE = "cases:\n  - name: 满分\n    facts: {满意度: 96%, 有机制: true, 完成数: 3, 计划数: 3}\n    expect: {total: 10}\n"


def write_cases(folder: Path, **files: str) -> None:
    """Case files in cases/ beside the framework: name → text."""
    (folder / "cases").mkdir()
    for name, text in files.items():
        (folder / "cases" / f"{name}.case.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


def scores(output: str) -> dict:
    """The scores of a `--format json` report, without the department (a file has an id, stdin none)."""
    report = json.loads(output)
    report.pop("department", None)
    return report


# -- `-`: facts from standard input --------------------------------------------------------------------

@pytest.mark.parametrize("text", [FACTS_YAML, FACTS_JSON, "\n  " + FACTS_JSON], ids=["yaml", "json", "json-indented"])
def test_score_reads_facts_from_standard_input(folder, text):
    from_file = run("score", "small.rules", "dept.yaml", "--format", "json")
    piped = run("score", "small.rules", "-", "--format", "json", input=text)
    assert (piped.exit_code, piped.stderr) == (0, "")
    assert scores(piped.stdout) == scores(from_file.stdout)
    assert json.loads(piped.stdout)["total"] == "9.25"


def test_a_table_of_facts_from_standard_input_names_no_department_file(folder):
    piped = run("score", "small.rules", "-", input=FACTS_YAML)
    assert piped.exit_code == 0
    assert "满意" in piped.stdout and "Department" not in piped.stdout


def test_standard_input_that_is_not_json_is_reported_as_json(folder):
    result = run("score", "small.rules", "-", input='{"满意度": 96%,\n')
    assert result.exit_code == 1
    assert result.stderr.startswith("<stdin>.json:1:") and "not valid JSON" in result.stderr


def test_standard_input_that_is_not_yaml_is_reported_as_yaml(folder):
    result = run("score", "small.rules", "-", input="满意度: [96%\n")
    assert result.exit_code == 1
    assert result.stderr.startswith("<stdin>:") and "not valid YAML" in result.stderr


def test_standard_input_that_is_not_utf8_cannot_be_read(folder):
    result = run("score", "small.rules", "-", input="满意度: 96%\n".encode("gb18030"))
    assert result.exit_code == 2
    assert "E002" in result.stderr and "not UTF-8" in result.stderr


def test_explain_reads_facts_from_standard_input(folder):
    from_file = run("explain", "small.rules", "dept.yaml")
    piped = run("explain", "small.rules", "-", input=FACTS_YAML)
    assert piped.exit_code == 0
    assert piped.stdout == from_file.stdout and "total = " in piped.stdout


# -- `-o -`: standard output ---------------------------------------------------------------------------

def test_output_dash_writes_standard_output_not_a_file_named_dash(folder):
    to_stdout = run("score", "small.rules", "dept.yaml", "--format", "json")
    dashed = run("score", "small.rules", "dept.yaml", "--format", "json", "-o", "-")
    assert dashed.exit_code == 0
    assert dashed.stdout == to_stdout.stdout
    assert not (folder / "-").exists()


def test_output_dash_on_export_and_test_suggest(folder):
    exported = run("export", "small.rules", "--output", "-")
    assert exported.exit_code == 0 and "满意" in exported.stdout
    write_cases(folder, one=PASSING_CASE)
    suggested = run("test", "--suggest", "small.rules", "-o", "-")
    assert suggested.exit_code == 0 and "cases:" in suggested.stdout
    assert not (folder / "-").exists()


def test_output_dash_is_still_no_terminal_for_a_workbook(folder):
    result = run("score", "small.rules", "dept.yaml", "--format", "xlsx", "-o", "-")
    assert result.exit_code == 2 and "binary workbook" in result.stderr
    assert not (folder / "-").exists()


# -- --quiet -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["check"], ["verify", "--max-examples", "5"], ["fmt", "--check"]])
def test_quiet_prints_nothing_when_all_is_well(folder, command):
    run("fmt", "small.rules")  # in the canonical layout, so that fmt --check is clean
    loud = run(*command, "small.rules")
    quiet = run(*command, "--quiet", "small.rules")
    assert loud.exit_code == quiet.exit_code == 0
    assert loud.output != "" and quiet.output == ""


def test_quiet_check_prints_the_findings_without_the_summary():
    broken = DATA / "broken" / "band-gap.rules"
    loud, quiet = run("check", broken), run("check", "-q", broken)
    assert loud.exit_code == quiet.exit_code == 1
    assert quiet.stdout == loud.stdout and "error[" in quiet.stdout
    assert "checked" in loud.stderr and quiet.stderr == ""


def test_quiet_verify_prints_the_findings_only():
    broken = DATA / "broken" / "band-gap.rules"
    loud, quiet = run("verify", "--max-examples", "5", broken), run("verify", "--max-examples", "5", "-q", broken)
    assert loud.exit_code == quiet.exit_code == 1
    assert "error[" in quiet.stdout and "✗" not in quiet.stdout and "✗" in loud.stdout
    assert quiet.stderr == ""


def test_quiet_fmt_check_says_nothing_but_the_exit_code(folder):
    (folder / "small.rules").write_text(SMALL.replace("    indicator 满意 (4):", "    indicator   满意 (4):"),
                                        encoding="utf-8")
    loud, quiet = run("fmt", "--check", "small.rules"), run("fmt", "--check", "-q", "small.rules")
    assert loud.exit_code == quiet.exit_code == 1
    assert "would reformat" in loud.stderr and quiet.output == ""


def test_quiet_fmt_still_reports_a_file_it_cannot_parse(folder):
    (folder / "small.rules").write_text("framework\n", encoding="utf-8")
    result = run("fmt", "-q", "small.rules")
    assert result.exit_code == 2 and "error[" in result.stderr


def test_quiet_test_shows_the_failing_cases_under_their_file_only(folder):
    write_cases(folder, **{"pass": PASSING_CASE, "fail": """\
        cases:
          - name: 算错的总分
            facts: {满意度: 96%, 有机制: true, 完成数: 3, 计划数: 3}
            expect: {total: 9}
          - name: 也满分
            facts: {满意度: 97%, 有机制: true, 完成数: 3, 计划数: 3}
            expect: {total: 10}
    """})
    loud, quiet = run("test", "small.rules"), run("test", "-q", "small.rules")
    assert loud.exit_code == quiet.exit_code == 1
    assert "✓ 满分" in loud.stdout and "pass.case.yaml" in loud.stdout
    lines = quiet.stdout.splitlines()
    assert lines[0].endswith("fail.case.yaml") and lines[1].startswith("  ✗ 算错的总分")
    assert "✓" not in quiet.stdout and "pass.case.yaml" not in quiet.stdout
    assert quiet.stderr == ""


def test_quiet_test_prints_nothing_when_every_case_passes(folder):
    write_cases(folder, **{"pass": PASSING_CASE})
    result = run("test", "--quiet", "small.rules")
    assert (result.exit_code, result.output) == (0, "")


def test_quiet_score_prints_the_report_but_not_the_summary(folder):
    (folder / "depts.csv").write_text("id,满意度,有机制,完成数,计划数\na,96%,true,3,4\nb,80%,false,0,4\n",
                                      encoding="utf-8")
    loud, quiet = run("score", "small.rules", "depts.csv"), run("score", "-q", "small.rules", "depts.csv")
    assert loud.exit_code == quiet.exit_code == 0
    assert quiet.stdout == loud.stdout and "9.25" in quiet.stdout
    assert "2 departments" in loud.stderr and quiet.stderr == ""


def test_quiet_is_on_the_commands_that_report_findings():
    for name in SUBCOMMANDS:
        options = {opt for param in main.commands[name].params for opt in param.opts}
        assert ("--quiet" in options) == (name in {"check", "verify", "test", "fmt", "score"}), name


# -- python -m rulecheck -------------------------------------------------------------------------------

def test_python_m_rulecheck_is_the_command():
    completed = subprocess.run([sys.executable, "-m", "rulecheck", "--help"], capture_output=True, text=True,
                               env={**os.environ, "RULECHECK_LANG": "en"}, check=True)
    assert completed.stdout.startswith("Usage: rulecheck [OPTIONS] COMMAND [ARGS]...")
    assert "__main__" not in completed.stdout
    assert all(f"  {name} " in completed.stdout for name in SUBCOMMANDS)


@pytest.mark.parametrize(("rules", "code"), [("rules/shenzhen/framework.rules", 0), ("tests/data/broken/band-gap.rules", 1),
                                             ("no-such.rules", 2)])
def test_python_m_rulecheck_keeps_the_output_and_the_exit_code(rules, code):
    root = Path(__file__).resolve().parent.parent
    completed = subprocess.run([sys.executable, "-m", "rulecheck", "check", rules], capture_output=True, text=True,
                               cwd=root, env={**os.environ, "RULECHECK_LANG": "en"})
    assert completed.returncode == code
    assert ("1 file checked" in completed.stderr) == (code != 2)
    assert ("error[" in completed.stdout) == (code == 1)


class Left(Exception):
    """os._exit, called: the test's stand-in, so that the test process goes on."""


def test_leave_exits_at_once_when_nothing_is_running(monkeypatch):
    from rulecheck import cli

    def quick_exit(code):
        raise Left(code)

    monkeypatch.setattr(os, "_exit", quick_exit)
    with pytest.raises(Left) as left:
        cli.leave(1)
    assert left.value.args == (1,)


def test_leave_exits_normally_while_another_thread_runs(monkeypatch):
    import threading

    from rulecheck import cli

    monkeypatch.setattr(os, "_exit", lambda code: pytest.fail("left without the clean-up a thread may need"))
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    with pytest.raises(SystemExit) as exited:
        cli.leave(1)
    assert exited.value.code == 1
