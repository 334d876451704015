"""The Chinese guides in docs/zh/ stay true: every rule file they show checks clean, and the finding the
tutorial shows for its uncapped formula is the one `rulecheck check` prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main

ZH = Path(__file__).resolve().parents[1] / "docs" / "zh"
TUTORIAL = (ZH / "tutorial.md").read_text(encoding="utf-8")
RULES = re.findall(r"^```rules\n(.*?)^```$", TUTORIAL, re.DOTALL | re.MULTILINE)


def test_the_tutorial_shows_a_file_for_each_kind_of_rule():
    kinds = ("checklist:", "bands ", "formula:", "deduct ", "part ", "assessed ", "let ", "grades:")
    assert len(RULES) >= 6
    assert all(any(kind in text for text in RULES) for kind in kinds)


@pytest.mark.parametrize("index", range(len(RULES)))
def test_every_rule_file_of_the_tutorial_checks_clean(index):
    analysis = rulecheck.analyze_text(RULES[index], f"tutorial-{index}.rules")
    assert analysis.diagnostics == [], [d.render() for d in analysis.diagnostics]


def test_the_uncapped_formula_prints_what_the_tutorial_shows(tmp_path, monkeypatch):
    (capped,) = [text for text in RULES if "项目完成及时性" in text]
    uncapped = capped.replace("min(按计划时间完成项目数 / 计划完成项目数, 1) × 6", "按计划时间完成项目数 / 计划完成项目数 × 6")
    assert uncapped != capped
    monkeypatch.chdir(tmp_path)
    Path("公式.rules").write_text(uncapped, encoding="utf-8")
    shown = re.search(r"^```text\n(公式\.rules:.*?)^```$", TUTORIAL, re.DOTALL | re.MULTILINE)[1]
    result = CliRunner().invoke(main, ["check", "公式.rules"])
    assert result.exit_code == 1
    assert result.stdout == shown


def test_the_facts_file_and_the_case_of_the_tutorial_give_what_it_says(tmp_path, monkeypatch):
    (capped,) = [text for text in RULES if "项目完成及时性" in text]
    files = dict(re.findall(r"^```yaml\n# (\S+)\n(.*?)^```$", TUTORIAL, re.DOTALL | re.MULTILINE))
    assert set(files) == {"项目.yaml", "项目.case.yaml"}
    monkeypatch.chdir(tmp_path)
    Path("公式.rules").write_text(capped, encoding="utf-8")
    for name, text in files.items():
        Path(name).write_text(text, encoding="utf-8")
    scored = CliRunner().invoke(main, ["score", "公式.rules", "项目.yaml"])
    assert scored.exit_code == 0 and "0.88" in scored.stdout and "**0.88**" in TUTORIAL
    tested = CliRunner().invoke(main, ["test", "公式.rules", "项目.case.yaml"])
    assert tested.exit_code == 0, tested.output
    broken = files["项目.case.yaml"].replace("项目完成及时性: 0.88", "项目完成及时性: 0.87")
    Path("项目.case.yaml").write_text(broken, encoding="utf-8")
    assert CliRunner().invoke(main, ["test", "公式.rules", "项目.case.yaml"]).exit_code == 1


def test_the_tutorial_does_not_claim_a_missing_floor_is_an_error():
    assert "floor 0` 就是\"扣完为止\",也是默认值" in TUTORIAL and "E502(得分可能为负)" not in TUTORIAL
