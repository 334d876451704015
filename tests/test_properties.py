"""Properties of scoring the shipped Shenzhen framework on any facts inside the declared domains."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import divisors, facts_for

import rulecheck
from rulecheck.report import render
from rulecheck.syntax import ast

ROOT = Path(__file__).resolve().parents[1] / "rules" / "shenzhen"
FRAMEWORK = rulecheck.load(ROOT / "framework.rules")
DEPARTMENT = rulecheck.load(ROOT / "departments" / "edu-info-center.rules")
# A project cannot be finished on time without being planned: more done than planned scores above 6.
CONSISTENT = {"按计划时间完成项目数": "计划完成项目数"}
TIMELY = "项目完成及时性"
INDICATORS = [item for item, _ in ast.iter_nodes(FRAMEWORK.program.nodes) if isinstance(item, ast.Indicator)]

any_facts = facts_for(FRAMEWORK)
sound_facts = facts_for(FRAMEWORK, nonzero=divisors(FRAMEWORK), at_most=CONSISTENT)
sound_department_facts = facts_for(DEPARTMENT, nonzero=divisors(DEPARTMENT), at_most=CONSISTENT)


def expected_grade(total: Decimal) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def check_result(result: rulecheck.Result) -> None:
    leaves = result.leaves()
    for _, node in result.walk():
        assert isinstance(node.score, Decimal)
        assert 0 <= node.score <= node.max, (node.name, node.score)
        if node.kind == "group":
            assert node.score == sum((c.score for c in node.children), Decimal(0))
    for leaf in leaves:
        assert leaf.score.as_tuple().exponent >= -2, (leaf.name, leaf.score)  # at most 2 decimals
        assert not leaf.score.is_signed()
    assert result.total == sum((leaf.score for leaf in leaves), Decimal(0))
    assert result.total == sum((node.score for node in result.nodes), Decimal(0))
    assert 0 <= result.total <= result.max == 100
    assert result.grade == expected_grade(result.total)


@given(any_facts)
def test_any_facts_in_the_declared_domains_score_within_bounds(facts):
    # the framework's domains rule out every zero divisor, and every rule is capped (`rulecheck check`
    # proves it); so no fact inside the domains fails to score
    check_result(FRAMEWORK.evaluate(facts))


@given(sound_facts)
def test_sound_facts_always_score_within_bounds(facts):
    result = FRAMEWORK.evaluate(facts)
    check_result(result)
    assert len(result.leaves()) == 21


@given(sound_department_facts)
def test_the_department_file_always_scores_within_bounds(facts):
    result = DEPARTMENT.evaluate(facts)
    check_result(result)
    assert sum(c.max for c in result["社会效益、经济效益、生态效益等"].children) == 25


@given(sound_facts)
def test_explanations_change_no_score(facts):
    full, bare = FRAMEWORK.evaluate(facts), FRAMEWORK.evaluate(facts, explain=False)
    assert full.scores() == bare.scores() and full.total == bare.total and full.grade == bare.grade
    assert all(leaf.explanation for leaf in full.leaves())
    assert all(leaf.explanation == () for leaf in bare.leaves())


@given(sound_facts, st.sampled_from(["table", "markdown", "json"]), st.booleans())
def test_the_renderers_never_crash(facts, fmt, explain):
    result = FRAMEWORK.evaluate(facts, explain=explain)
    text = render(result, fmt, explain)
    assert str(result.total) in text
    if fmt == "json":
        data = json.loads(text)
        assert data["total"] == str(result.total) and data["grade"] == result.grade
    else:
        assert all(node.name in text for _, node in result.walk())


@given(sound_facts)
def test_the_declared_directions_hold(facts):
    """Raising an input a leaf is 'increasing in' never lowers that leaf; 'decreasing in', never raises it."""
    before = FRAMEWORK.evaluate(facts, explain=False)
    for leaf in INDICATORS:
        for direction in leaf.directions:
            name = direction.input.name
            raised = _raise(facts, name)
            if raised is None:
                continue
            after = FRAMEWORK.evaluate(raised, explain=False)
            old, new = before[leaf.name].score, after[leaf.name].score
            if direction.direction == "increasing":
                assert new >= old, (leaf.name, name, facts[name], raised[name], old, new)
            else:
                assert new <= old, (leaf.name, name, facts[name], raised[name], old, new)


def _raise(facts: dict, name: str):
    """The facts with one input moved up within its domain (False → True, a better grade, +1, +5%), or None
    at the top."""
    decl = FRAMEWORK.inputs[name]
    value = facts[name]
    kind = decl.type.kind
    if kind == "bool":
        return None if value else facts | {name: True}
    if kind == "grade":  # listed best first: one step towards the first value
        rank = decl.type.values.index(value)
        return None if rank == 0 else facts | {name: decl.type.values[rank - 1]}
    if kind == "percent":
        raised = Decimal(value[:-1]) + 5
        high = decl.high.value * 100 if decl.high is not None else None
        raised = min(raised, high) if high is not None else raised
        return None if raised == Decimal(value[:-1]) else facts | {name: f"{raised}%"}
    step = 1 if kind == "count" else Decimal("100.5")
    raised = value + step
    if decl.high is not None:
        raised = min(raised, decl.high.value)
    return None if raised == value else facts | {name: raised}


@pytest.mark.parametrize("denominator", sorted(divisors(FRAMEWORK) - {"编外人员数"}))
def test_a_zero_denominator_is_outside_its_domain(denominator, case_facts):
    facts = case_facts.values | {denominator: 0}
    with pytest.raises(rulecheck.FactsError) as caught:
        FRAMEWORK.evaluate(facts)
    assert {d.code for d in caught.value.diagnostics} == {"F503"}


def test_more_projects_done_than_planned_counts_as_all_done(case_facts):
    facts = case_facts.values | {"按计划时间完成项目数": 32}
    assert FRAMEWORK.evaluate(facts)[TIMELY].score == 6
