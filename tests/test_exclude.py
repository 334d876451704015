"""What `check` and `fmt` skip (issue 14 point 3): `--exclude GLOB` and `[tool.rulecheck] exclude` in the
nearest pyproject.toml, for files found in folders (a file named is always read); the repository's own
`rulecheck check .` is clean of its broken fixtures; and shell completion, as docs/cli.md documents it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulecheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "tests" / "data" / "good" / "constraints-completed-within-plan.rules").read_text(encoding="utf-8")
BAD = (ROOT / "tests" / "data" / "bad" / "unknown-name.rules").read_text(encoding="utf-8")
UNFORMATTED = GOOD.replace("total 7", "total   7")


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args], prog_name="rulecheck")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with a good rule file, broken ones under fixtures/ and drafts/, and no pyproject.toml yet."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "plan.rules").write_text(GOOD, encoding="utf-8")
    for folder in ("fixtures/bad", "drafts"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "typo.rules").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def checked(result) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_exclude_skips_what_its_globs_match_and_may_be_repeated(project):
    assert run("check", ".").exit_code == 1
    once = run("check", ".", "--exclude", "fixtures/**")
    assert once.exit_code == 1 and "fixtures" not in once.stdout and "drafts/typo.rules" in once.stdout
    twice = run("check", ".", "--exclude", "fixtures/**", "--exclude", "drafts/*.rules")
    assert twice.exit_code == 0 and checked(twice) == "1 file checked: 0 errors, 0 warnings"


def test_a_star_stays_within_a_folder_and_two_span_folders(project):
    assert "fixtures/bad/typo.rules" in run("check", ".", "--exclude", "fixtures/*.rules").stdout
    assert run("check", ".", "--exclude", "**/typo.rules").exit_code == 0


def test_pyproject_is_found_from_a_subfolder_and_its_globs_are_relative_to_it(project, monkeypatch):
    (project / "pyproject.toml").write_text('[tool.rulecheck]\nexclude = ["fixtures/**", "drafts/**"]\n',
                                            encoding="utf-8")
    assert run("check", ".").exit_code == 0
    monkeypatch.chdir(project / "fixtures")
    assert run("check", "..").exit_code == 0


def test_a_file_named_and_a_folder_asked_for_are_read_all_the_same(project):
    (project / "pyproject.toml").write_text('[tool.rulecheck]\nexclude = ["fixtures/**", "drafts/**"]\n',
                                            encoding="utf-8")
    assert run("check", "drafts/typo.rules").exit_code == 1
    asked = run("check", "fixtures/bad")
    assert asked.exit_code == 1 and "E201" in asked.stdout


def test_a_pyproject_that_cannot_be_read_is_a_usage_error(project):
    (project / "pyproject.toml").write_text('[tool.rulecheck]\nexclude = "fixtures/**"\n', encoding="utf-8")
    result = run("check", ".")
    assert result.exit_code == 2 and "E013" in result.stderr and "Traceback" not in result.output
    (project / "pyproject.toml").write_text('[tool.rulecheck\n', encoding="utf-8")
    result = run("check", ".")
    assert result.exit_code == 2 and "E013" in result.stderr


def test_fmt_honours_the_exclusions(project):
    (project / "drafts" / "typo.rules").write_text(UNFORMATTED, encoding="utf-8")
    assert run("fmt", "--check", ".").exit_code == 1
    assert run("fmt", "--check", ".", "--exclude", "drafts/**").exit_code == 0
    (project / "pyproject.toml").write_text('[tool.rulecheck]\nexclude = ["drafts/**"]\n', encoding="utf-8")
    assert run("fmt", "--check", ".").exit_code == 0


def test_the_repository_checks_clean_of_its_broken_fixtures(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("check", ".")
    assert result.exit_code == 0, result.stdout
    assert "tests/data" not in result.stdout


def completion(**env: str) -> str:
    script = [sys.executable, "-c", "from rulecheck.cli import run; run()"]
    return subprocess.run(script, env=os.environ | env, capture_output=True, text=True, check=True).stdout


def test_the_bash_completion_script_is_generated_and_completes_commands_and_choices():
    assert "_rulecheck_completion()" in completion(_RULECHECK_COMPLETE="bash_source")
    assert "plain,schema" in completion(_RULECHECK_COMPLETE="bash_complete", COMP_WORDS="rulecheck sch",
                                        COMP_CWORD="1").split()
    assert completion(_RULECHECK_COMPLETE="bash_complete", COMP_WORDS="rulecheck check --format ",
                      COMP_CWORD="3").split() == ["plain,text", "plain,json", "plain,sarif"]
