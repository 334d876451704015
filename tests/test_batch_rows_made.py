"""What a batch makes for each row, made the fast way (issue 13): a Department, its FactSet and its
Scored filled in one call are the objects their classes make, and the facts of a CSV row are keyed by
the very str objects the ruleset's scoring function reads them by, from the CSV's columns to the facts
the fast reader gives."""

from __future__ import annotations

import pickle
from pathlib import Path

import attrs
import pytest

import rulecheck
from rulecheck.batch import Department, Scored, read_departments, score_departments
from rulecheck.inputs.facts import NAME_FIELDS, FactSet
from rulecheck.inputs.fast import fast_reader
from rulecheck.inputs.tables import the_rules_names

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "rules" / "shenzhen" / "framework.rules"
CORPUS = ROOT / "rules" / "shenzhen" / "cases" / "corpus-2024.csv"

ONE_INPUT = """\
framework "一"
total 2
rounding 2 decimals half-up

inputs:
    合规: bool
    备注数: count from 0

indicator 合规性 (2):
    checklist:
        合规 → 2
"""


@pytest.fixture(scope="module")
def shenzhen():
    return rulecheck.load(FRAMEWORK)


def test_a_department_read_whole_is_the_department_its_class_makes():
    made = Department.read("D1", "c.csv:2", {"合规": "是"}, "教育局")
    assert made == Department("D1", "c.csv:2", {"合规": "是"}, name="教育局")
    assert made.errors == () and made.spans == {} and made.source is None and made.error is None
    assert pickle.loads(pickle.dumps(made)) == made  # as a worker process receives it
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.key = "D2"  # type: ignore[misc]
    assert Department.read("D1", "w", {}).spans is not Department.read("D2", "w", {}).spans  # each its own


def test_a_fact_set_and_a_scored_made_in_one_call_are_their_classes_own(shenzhen):
    department = next(read_departments(CORPUS, shenzhen.inputs, shenzhen.required_inputs))
    assert department.fact_set() == FactSet(department.where, department.facts, {}, None, department.name)
    scored = next(score_departments(shenzhen, [department]))
    assert scored == Scored(department.key, department.where, scored.result, name=department.name)
    assert Scored.scored(department, scored.result).sources == {} and scored.ok


def test_a_csv_row_is_keyed_by_the_names_the_scoring_function_reads(shenzhen):
    department = next(read_departments(CORPUS, shenzhen.inputs, shenzhen.required_inputs))
    read_by = {id(name) for name in shenzhen.required_inputs}
    assert department.facts and all(id(name) in read_by for name in department.facts)
    facts = shenzhen.validate(department.fact_set())
    assert len(facts) == len(shenzhen.required_inputs) and all(id(name) in read_by for name in facts)


def test_a_column_is_named_by_the_rules_object_when_it_names_an_input():
    required = {"满意度": []}
    inputs = ["满意度", "人数"]
    columns = the_rules_names(["id", "".join(["满", "意度"]), "人数", "备注"], inputs, required)
    assert columns == ["id", "满意度", "人数", "备注"]
    assert columns[1] is next(iter(required)) and columns[2] is inputs[1]


def test_the_fast_reader_takes_one_required_input_and_leaves_an_optional_one_out():
    ruleset = rulecheck.loads(ONE_INPUT)
    read = fast_reader(ruleset.inputs, ruleset.required_inputs, NAME_FIELDS)
    assert read({"合规": "是"}) == {"合规": True}  # 备注数 is read by no rule: not given, still read here
    assert read({"合规": "否", "备注数": "3"}) == {"合规": False, "备注数": 3}
    assert read({"备注数": "3"}) is None and read({"合规": None}) is None  # missing: validate says so
    with pytest.raises(TypeError):  # a value no CSV cell holds: validate catches it and reads the general way
        read({"合规": ["是"]})
    with pytest.raises(rulecheck.FactsError):
        ruleset.validate({"合规": ["是"]})
