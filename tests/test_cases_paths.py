"""What a case file may read and how case files are named: a `facts:` or `base:` path reads only a
regular text file of the project (as imports do, docs/cases.md), never a file elsewhere on the machine,
a device, a pipe, a huge or binary file, or a case file; a case file named twice runs once; a folder
that cannot be searched is reported. Every refusal is a positioned message, never a traceback."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulecheck.cases import gather_case_files, load_cases
from rulecheck.cli import main

SMALL = (Path(__file__).parent / "data" / "cases" / "small.rules").read_text(encoding="utf-8")
FACTS = "满意度: 96%\n有机制: true\n完成数: 3\n计划数: 3\n"
SECRET = "token: s3cr3t-do-not-print\n"  # a YAML file outside the project: its line must never be shown


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project (a folder with .git) holding small.rules and cases/, the current folder; a secret YAML
    file lies beside the project, outside it."""
    top = tmp_path / "project"
    (top / ".git").mkdir(parents=True)
    (top / "small.rules").write_text(SMALL, encoding="utf-8")
    (top / "cases").mkdir()
    (top / "cases" / "facts.yaml").write_text(FACTS, encoding="utf-8")
    (tmp_path / "secret.yaml").write_text(SECRET, encoding="utf-8")
    monkeypatch.chdir(top)
    return top


def run(*args):
    return CliRunner().invoke(main, ["test", *map(str, args)])


def case_file(project: Path, facts: str, name: str = "a") -> Path:
    path = project / "cases" / f"{name}.case.yaml"
    path.write_text(f"name: {name}\nfacts: {facts}\nexpect:\n  total: 10\n", encoding="utf-8")
    return path


def problem_lines(result) -> list[str]:
    """The message lines (file:line:col: error[…]) a run printed."""
    return [line.strip() for line in result.output.splitlines() if ": error[" in line]


def refused(project: Path, facts: str) -> tuple[list[str], str]:
    """Run a case whose facts path is `facts`: the problems and the whole output."""
    case_file(project, facts)
    result = run("small.rules", "cases/a.case.yaml")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert "s3cr3t" not in result.output
    return problem_lines(result), result.output


def test_a_facts_file_of_the_project_is_read(project):
    case_file(project, "facts.yaml")
    result = run("small.rules")
    assert (result.exit_code, result.stdout) == (0, "cases/a.case.yaml\n  ✓ a\n"), result.output


def test_a_path_leading_outside_the_project_is_refused_at_the_facts_value(project):
    problems, output = refused(project, "../../secret.yaml")
    assert problems == [f"cases/a.case.yaml:2:8: error[C810]: the facts file '../../secret.yaml' is not read: it lies "
                        f"outside the project ({project})"]
    assert "      |        ^^^^^^^^^^^^^^^^^" in output  # the caret is under the path as written
    assert f"= hint: a case reads only facts files inside its project, {project}" in output
    problems, _ = refused(project, "../../no-such.yaml")  # outside: said alike whether it exists or not
    assert problems == [f"cases/a.case.yaml:2:8: error[C810]: the facts file '../../no-such.yaml' is not read: it "
                        f"lies outside the project ({project})"]


def test_an_absolute_path_is_refused_even_to_a_file_that_exists(project, tmp_path):
    for path in (tmp_path / "secret.yaml", Path("/proc/self/environ"), Path("/etc/passwd")):
        problems, output = refused(project, str(path))
        assert problems == [f"cases/a.case.yaml:2:8: error[C810]: the facts file '{path}' is not read: its path is "
                            "absolute"]
        assert "= hint: write the path from the case file's folder (cases)" in output


def test_a_link_out_of_the_project_and_a_hidden_folder_are_refused(project, tmp_path):
    (project / "cases" / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    problems, _ = refused(project, "link.yaml")
    assert problems == [f"cases/a.case.yaml:2:8: error[C810]: the facts file 'link.yaml' is not read: it lies "
                        f"outside the project ({project})"]
    (project / ".private").mkdir()
    (project / ".private" / "facts.yaml").write_text(FACTS, encoding="utf-8")
    problems, _ = refused(project, "../.private/facts.yaml")
    assert problems == ["cases/a.case.yaml:2:8: error[C810]: the facts file '../.private/facts.yaml' is not read: it "
                        "lies in the hidden '.private' (a name starting with '.')"]


def test_base_facts_are_confined_too(project):
    (project / "cases" / "a.case.yaml").write_text(
        "base: ../../secret.yaml\ncases:\n  - name: one\n    expect: {total: 10}\n", encoding="utf-8")
    result = run("small.rules")
    assert result.exit_code == 1 and "s3cr3t" not in result.output
    assert problem_lines(result) == [f"cases/a.case.yaml:1:7: error[C810]: the facts file '../../secret.yaml' is not "
                                     f"read: it lies outside the project ({project})"]
    assert "  ✗ no case can run" in result.stdout


def test_outside_a_repository_the_root_is_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "work" / "cases").mkdir(parents=True)
    (tmp_path / "work" / "small.rules").write_text(SMALL, encoding="utf-8")
    (tmp_path / "secret.yaml").write_text(SECRET, encoding="utf-8")
    (tmp_path / "work" / "facts.yaml").write_text(FACTS, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work")
    case_file(tmp_path / "work", "../facts.yaml", "inside")  # cases/../facts.yaml: in the current folder
    case_file(tmp_path / "work", "../../secret.yaml", "outside")
    result = run("small.rules")
    assert result.exit_code == 1 and "s3cr3t" not in result.output
    assert "  ✓ inside" in result.stdout
    assert problem_lines(result) == [f"cases/outside.case.yaml:2:8: error[C810]: the facts file '../../secret.yaml' is "
                                     f"not read: it lies outside the project ({tmp_path / 'work'})"]


def test_a_case_file_whose_facts_are_itself_or_another_case_file(project):
    problems, _ = refused(project, "a.case.yaml")
    assert problems == ["cases/a.case.yaml:2:8: error[C811]: the facts file 'a.case.yaml' is this case file itself"]
    problems, _ = refused(project, "./../cases/a.case.yaml")  # another spelling of itself
    assert problems == ["cases/a.case.yaml:2:8: error[C811]: the facts file './../cases/a.case.yaml' is this case "
                        "file itself"]
    (project / "other.case.yaml").write_text("name: other\nfacts: {满意度: 96%}\nexpect: {total: 10}\n",
                                             encoding="utf-8")
    problems, _ = refused(project, "../other.case.yaml")
    assert problems == ["cases/a.case.yaml:2:8: error[C811]: the facts file '../other.case.yaml' is a case file, not "
                        "a facts file"]


def test_a_folder_a_pipe_a_device_a_huge_and_a_binary_file_are_not_facts(project):
    os.mkfifo(project / "cases" / "pipe.yaml")
    (project / "cases" / "huge.yaml").write_text("满意度: 96%\n" + "# padding\n" * 120_000, encoding="utf-8")
    (project / "cases" / "binary.yaml").write_bytes(b"\x00\x01\x02" * 100)
    (project / "cases" / "device.yaml").symlink_to("/dev/zero")  # a device: refused as not a regular file
    expected = {
        ".": "it is a folder, not a regular file",
        "pipe.yaml": "it is a pipe, not a regular file",
        "huge.yaml": "it is larger than 1 MB (1,048,576 bytes)",
        "binary.yaml": "it holds NUL bytes: it is a binary file, not text",
    }
    for facts, reason in expected.items():
        started = time.monotonic()
        problems, output = refused(project, facts)
        assert time.monotonic() - started < 10  # a pipe is refused, never waited on
        assert problems == [f"cases/a.case.yaml:2:8: error[C811]: the facts file '{facts}' is not read: {reason}"]
        assert "= hint: name a facts file: a .yaml or .json text file of at most 1 MB" in output
    problems, _ = refused(project, "device.yaml")  # /dev/zero lies outside the project before it is a device
    assert [problem.split(": error[")[1][:4] for problem in problems] == ["C810"]


def test_a_case_file_given_twice_runs_once_and_is_a_usage_error(project):
    case_file(project, "facts.yaml")
    result = run("small.rules", "cases/a.case.yaml", "./cases/../cases/a.case.yaml", "cases")
    assert result.exit_code == 2, result.output
    assert result.stdout == "cases/a.case.yaml\n  ✓ a\n"
    assert result.stderr.splitlines() == [
        f"{Path('cases/../cases/a.case.yaml')}: error[C812]: the case file is named twice (first as "
        f"{Path('cases/a.case.yaml')}): it runs once",
        "  = hint: name each case file once; a folder runs every *.case.yaml under it",
        f"{Path('cases/a.case.yaml')}: error[C812]: the case file is named twice (first as {Path('cases/a.case.yaml')}): "
        "it runs once",
        "  = hint: name each case file once; a folder runs every *.case.yaml under it",
        "1 case file, 1 case: 1 passed"]


def test_a_folder_that_cannot_be_searched_is_a_case_file_that_cannot_be_read(project, monkeypatch):
    case_file(project, "facts.yaml")
    (project / "cases" / "locked").mkdir()
    (project / "cases" / "locked" / "b.case.yaml").write_text("name: b\nfacts: ../facts.yaml\nexpect: {total: 10}\n",
                                                             encoding="utf-8")
    scandir = os.scandir

    def locked(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", locked)
    result = run("small.rules")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"{Path('cases/locked')}: error[E003]: cannot search this folder for case files: Permission denied",
        "  = hint: make the folder readable (the case files in it are not run)",
        "1 case file, 1 case: 1 passed; 1 file cannot be read"]


def test_the_summary_counts_the_cases_whose_facts_cannot_be_read(project):
    case_file(project, "facts.yaml", "fine")
    case_file(project, "missing.yaml", "lost")
    result = run("small.rules")
    assert result.exit_code == 1
    assert result.stderr == "2 case files, 2 cases: 1 passed, 1 failed (1 whose facts cannot be read)\n"


def test_the_api_names_each_file_once_and_reads_only_the_project(project):
    path = case_file(project, "../../secret.yaml")
    found = gather_case_files([path, project / "cases"])
    assert found.paths == (path,) and [p.code for p in found.problems] == ["C812"]
    (case,) = load_cases(path)
    assert case.facts is None and [p.code for p in case.problems] == ["C810"]
    assert all("secret" not in name for name in case.sources)


def test_a_case_file_itself_is_bounded(project):
    (project / "cases" / "huge.case.yaml").write_text(textwrap.dedent("""\
        name: huge
        facts: facts.yaml
        expect: {total: 10}
        """) + "# padding\n" * 120_000, encoding="utf-8")
    result = run("small.rules")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "cases/huge.case.yaml: error[E003]: cannot read case file: it is larger than 1 MB" in result.stdout
    assert result.stderr == "1 case file, 0 cases: 0 passed; 1 file cannot be read\n"


def test_a_case_file_nested_thousands_deep_is_one_positioned_error_not_a_recursion_error(project):
    path = project / "cases" / "deep.case.yaml"
    path.write_text("name: deep\nfacts:\n  满意度: " + "[" * 3000 + "]" * 3000 + "\nexpect:\n  total: 10\n",
                    encoding="utf-8")
    result = run("small.rules", "cases/deep.case.yaml")
    assert "Traceback" not in result.output and not isinstance(result.exception, RecursionError)
    assert problem_lines(result)[0].startswith(
        "cases/deep.case.yaml:3:")
    assert "error[C813]: the case file nests more than 30 levels deep" in problem_lines(result)[0]
