"""docs/cases.md shows what rulecheck does: its case files pass, its outputs are those of `rulecheck
test` on the shipped rules (after the edit the page describes), its Python example prints what it says.

In a ```text block, a line '…' stands for lines left out; the lines between are the command's, in order
and without a gap. The summary (standard error) is the last line of a block that shows it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulecheck.cli import main

PAGE = Path(__file__).resolve().parents[1] / "docs" / "cases.md"
BLOCKS = re.findall(r"```(\w+)\n(.*?)\n```", PAGE.read_text(encoding="utf-8"), re.DOTALL)


def block(kind: str, first_line: str, number: int = 0) -> str:
    """The page's `number`-th block of this kind that starts with this line."""
    found = [text for k, text in BLOCKS if k == kind and text.splitlines()[0] == first_line]
    return found[number]


@pytest.fixture
def rules(tmp_path, root, monkeypatch):
    """A copy of rules/ in an empty folder, the current one."""
    shutil.copytree(root / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "rules" / "shenzhen"


def shows(shown: str, *args) -> None:
    """The command (`$ rulecheck …`, its first line) prints the shown lines; '…' leaves lines out."""
    command, *expected = shown.splitlines()
    assert command == "$ rulecheck " + " ".join(args)
    result = CliRunner().invoke(main, list(args))
    actual = result.stdout.splitlines() + result.stderr.splitlines()
    chunks = [c.strip("\n").splitlines() for c in "\n".join(expected).split("…")]
    at = 0
    for chunk in filter(None, chunks):
        starts = [i for i in range(at, len(actual) - len(chunk) + 1) if actual[i:i + len(chunk)] == chunk]
        assert starts, f"not in the output, in order:\n{chr(10).join(chunk)}\n---- output:\n{result.output}"
        at = starts[0] + len(chunk)
    if not shown.endswith("…"):
        assert at == len(actual), result.output


def test_the_passing_run(rules):
    shows(block("text", "$ rulecheck test rules/shenzhen/framework.rules"), "test", "rules/shenzhen/framework.rules")


def test_the_failures_after_lowering_the_satisfaction_thresholds(rules):
    path = rules / "framework.rules"
    text = path.read_text(encoding="utf-8")
    for old, new in [("≥ 95% → 6", "≥ 90% → 6"), ("90% ≤ 满意度 < 95% → 4", "85% ≤ 满意度 < 90% → 4"),
                     ("80% ≤ 满意度 < 90% → 2", "80% ≤ 满意度 < 85% → 2")]:
        assert text.count(old) == 1
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    shows(block("text", "$ rulecheck test rules/shenzhen/framework.rules", 1),
          "test", "rules/shenzhen/framework.rules")


def test_the_coverage_of_the_shipped_cases(rules):
    shows(block("text", "$ rulecheck test --coverage rules/shenzhen/framework.rules"),
          "test", "--coverage", "rules/shenzhen/framework.rules")


def test_the_coverage_with_a_row_no_case_reaches(rules):
    path = rules / "framework.rules"
    text = path.read_text(encoding="utf-8")
    old = "                < 80% → 1\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "                70% ≤ 满意度 < 80% → 1\n                < 70% → 0.5\n"),
                    encoding="utf-8")
    shows(block("text", "$ rulecheck test --coverage rules/shenzhen/framework.rules", 1) + "\n…",
          "test", "--coverage", "rules/shenzhen/framework.rules")


def test_the_suggested_cases_for_a_row_no_case_reaches(rules):
    path = rules / "framework.rules"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("                < 80% → 1\n", "                70% ≤ 满意度 < 80% → 1\n"
                                 "                < 70% → 0.5\n"), encoding="utf-8")
    shows(block("text", "$ rulecheck test --suggest rules/shenzhen/framework.rules -o rules/shenzhen/cases/todo.yaml"),
          "test", "--suggest", "rules/shenzhen/framework.rules", "-o", "rules/shenzhen/cases/todo.yaml")
    written = (rules / "cases" / "todo.yaml").read_text(encoding="utf-8")
    assert written == block("yaml", "# Cases suggested by 'rulecheck test --suggest rules/shenzhen/framework.rules'.") + "\n"


def test_the_file_with_a_mistake_on_most_lines(rules):
    (rules / "cases" / "typos.case.yaml").write_text(block("yaml", "base: edu-info-center-2024.yaml", 1) + "\n",
                                                     encoding="utf-8")
    shows(block("text", "$ rulecheck test rules/shenzhen/framework.rules rules/shenzhen/cases/typos.case.yaml"),
          "test", "rules/shenzhen/framework.rules", "rules/shenzhen/cases/typos.case.yaml")


def test_the_file_that_is_not_yaml(rules):
    (rules / "cases" / "broken.case.yaml").write_text('name: broken\nfacts: {满意度: "96%}\n', encoding="utf-8")
    shown = block("text", "rules/shenzhen/cases/broken.case.yaml")
    shows("$ rulecheck test rules/shenzhen/framework.rules rules/shenzhen/cases/broken.case.yaml\n" + shown + "\n…",
          "test", "rules/shenzhen/framework.rules", "rules/shenzhen/cases/broken.case.yaml")


def test_a_facts_path_outside_the_project(rules):
    (rules / "cases" / "leak.case.yaml").write_text(block("yaml", "name: leak") + "\n", encoding="utf-8")
    shows(block("text", "$ rulecheck test rules/shenzhen/framework.rules rules/shenzhen/cases/leak.case.yaml"),
          "test", "rules/shenzhen/framework.rules", "rules/shenzhen/cases/leak.case.yaml")


@pytest.mark.parametrize("first_line", ["name: 深圳市教育信息技术中心 2024 自评",
                                        "name: as reported, to the nearest tenth"])
def test_the_single_case_examples_pass(rules, first_line):
    (rules / "cases" / "example.case.yaml").write_text(block("yaml", first_line) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["test", "rules/shenzhen/framework.rules", "rules/shenzhen/cases/example.case.yaml"])
    assert result.exit_code == 0, result.output


def test_the_excerpt_of_the_what_if_cases_is_the_shipped_file(root):
    shown = block("yaml", "base: edu-info-center-2024.yaml")
    shipped = (root / "rules/shenzhen/cases/bands.case.yaml").read_text(encoding="utf-8")
    head, *cases = shown.split("\n  - name: ")
    assert head == "base: edu-info-center-2024.yaml\ncases:" and head.split("\n")[0] in shipped.splitlines()
    assert len(cases) == 2 and all(f"\n  - name: {case}\n" in shipped for case in cases)


def test_the_python_example_prints_the_coverage(root):
    code = block("python", "import rulecheck")
    ran = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    assert (ran.returncode, ran.stdout, ran.stderr) == (
        0, "bands 27/27, boundaries 48/48, checklist items 24/24, grades 4/4\n", "")
    assert "# bands 27/27, boundaries 48/48, checklist items 24/24, grades 4/4" in code
