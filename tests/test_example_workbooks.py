"""The shipped example workbooks (scripts/make_workbooks.py) hold what the YAML case and the CSV corpus
hold: each department scores the same from the workbook, leaf by leaf, and the workbooks are what the
script writes today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import openpyxl

import rulecheck
from rulecheck.batch import read_departments, score_departments

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "rules" / "shenzhen" / "cases"


def scores(ruleset, path) -> dict:
    departments = read_departments(path, ruleset.inputs, ruleset.required_inputs)
    return {item.key: [str(leaf.score) for leaf in item.result.leaves()] + [str(item.result.total)]
            for item in score_departments(ruleset, departments)}


def test_the_key_value_workbook_scores_as_the_yaml_case(framework):
    from_yaml = framework.evaluate(rulecheck.load_facts(CASES / "edu-info-center-2024.yaml"))
    facts = rulecheck.load_facts(CASES / "edu-info-center-2024.xlsx")
    from_workbook = framework.evaluate(facts)
    assert str(from_workbook.total) == "97.83" and from_workbook.grade == "优"
    assert [leaf.score for leaf in from_workbook.leaves()] == [leaf.score for leaf in from_yaml.leaves()]
    assert facts.display_name == "深圳市教育信息技术中心"


def test_the_batch_workbook_scores_as_the_csv_corpus(framework):
    from_csv, from_workbook = scores(framework, CASES / "corpus-2024.csv"), scores(framework, CASES / "corpus-2024.xlsx")
    assert len(from_csv) == 80 and from_workbook == from_csv


def test_the_workbooks_are_what_the_script_writes(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_workbooks", ROOT / "scripts" / "make_workbooks.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    ruleset = rulecheck.load(script.FRAMEWORK)
    script.key_value_workbook(ruleset, tmp_path / "case.xlsx")
    script.batch_workbook(tmp_path / "corpus.xlsx")
    for shipped, written in ((CASES / "edu-info-center-2024.xlsx", tmp_path / "case.xlsx"),
                             (CASES / "corpus-2024.xlsx", tmp_path / "corpus.xlsx")):
        assert cells(shipped) == cells(written), f"{shipped.name} is out of date: run python scripts/make_workbooks.py"


def cells(path: Path) -> list:
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    return [[(cell.value, cell.number_format) for cell in row] for row in sheet.iter_rows()]
