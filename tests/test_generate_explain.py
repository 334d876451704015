"""The generated explaining function (rulecheck/generate_explain.py) explains, department by department,
exactly as the compiled closures explain: every Step's text and the span it cites, in English and in
Chinese, with and without the rows after a band table's match; and the scores, as test_generate.py holds
the scores-only function to. The departments: every case of every shipped framework and of the correct
test frameworks, random facts for each of them, random frameworks with random facts (tests/strategies.py),
and names made of quotes, backslashes and newlines, which never reach the generated source.
"""

from __future__ import annotations

import pickle
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import facts_for, rule_files
from test_generate import FRAMEWORKS, case_facts, same

import rulecheck
from rulecheck.diagnostics import EvaluationError, FactsError
from rulecheck.evaluate import _evaluate, evaluate
from rulecheck.generate import FAILURES, unavailable
from rulecheck.generate_explain import explain_function
from rulecheck.i18n import speaking
from rulecheck.results import Step

WAYS = [(language, all_rows) for language in ("en", "zh") for all_rows in (False, True)]


@cache
def loaded(framework: Path):
    return rulecheck.load(framework)


def explained_alike(ruleset, facts, language: str, all_rows: bool) -> bool:
    """The generated function explains as the closures do, or fails where they fail; whether the
    department scored."""
    with speaking(language):
        explain = explain_function(ruleset.compiled, language, all_rows)
        assert explain is not unavailable  # every construct is written out, or left to its closures
        try:
            reference = _evaluate(ruleset.compiled, facts, all_rows, ruleset.sources)
        except EvaluationError:
            with pytest.raises(FAILURES):
                explain(facts)
            return False
        generated = explain(facts)
    explained_the_same(generated, reference)
    return True


def explained_the_same(generated, reference) -> None:
    """The same scores, and the same Steps (text, type and span) in every node and the grade's."""
    same(generated, reference)
    assert (generated.grade_step, getattr(generated.grade_step, "span", None)) == (
        reference.grade_step, getattr(reference.grade_step, "span", None))
    for (_, mine), (_, theirs) in zip(generated.walk(), reference.walk(), strict=True):
        assert mine.explanation == theirs.explanation, mine.name
        assert [type(step) for step in mine.explanation] == [Step] * len(mine.explanation)
        assert [step.span for step in mine.explanation] == [step.span for step in theirs.explanation], mine.name


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_case_is_explained_the_same_both_ways(framework: Path):
    ruleset = loaded(framework)
    explained = 0
    for _name, facts in case_facts(framework):
        try:
            validated = ruleset.validate(facts)
        except FactsError:
            continue
        for language, all_rows in WAYS:
            explained += explained_alike(ruleset, validated, language, all_rows)
    assert explained or not list(case_facts(framework))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_departments_of_every_framework_are_explained_the_same_both_ways(data):
    ruleset = loaded(data.draw(st.sampled_from(FRAMEWORKS)))
    facts = ruleset.validate(data.draw(facts_for(ruleset)))
    language, all_rows = data.draw(st.sampled_from(WAYS))
    explained_alike(ruleset, facts, language, all_rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_frameworks_are_explained_the_same_both_ways(data):
    ruleset = rulecheck.loads(data.draw(rule_files()))
    facts = ruleset.validate(data.draw(facts_for(ruleset)))
    language, all_rows = data.draw(st.sampled_from(WAYS))
    explained_alike(ruleset, facts, language, all_rows)


MATRIX = """\
framework "矩阵"
total 10

inputs:
    完成率: percent from 0% to 100%
    质量达标率: percent from 0% to 100%
    年初预算: amount above 0
    调整资金: amount from 0

let 调整率 = 调整资金 / 年初预算

indicator 综合 (4):
    matrix 完成率 × 质量达标率:
        columns: ≥ 90% | otherwise
        ≥ 90% → 4 | 2
        otherwise → 1 | 0

indicator 调整 (6):
    part 扣分 (3):
        deduct 0.1 per 1% of 调整率 above 10%
        floor 0
    part 奖励 (3):
        award 1 per 10% of 完成率 above 50%
"""


def test_a_matrix_is_explained_by_its_closures_beside_the_generated_lines():
    """A matrix is not written out: its leaf is scored and explained by its own closures, on the Explaining
    env the function makes, and the other leaves by the generated lines, alike."""
    ruleset = rulecheck.loads(MATRIX)
    for facts in ({"完成率": "95%", "质量达标率": "92%", "年初预算": 100, "调整资金": 30},
                  {"完成率": "40%", "质量达标率": "50%", "年初预算": 100, "调整资金": 5}):
        for language, all_rows in WAYS:
            assert explained_alike(ruleset, ruleset.validate(facts), language, all_rows)
    assert "Explaining" in repr(explain_function(ruleset.compiled, "en", False).__globals__.values())


def test_a_failing_department_is_reported_as_the_closures_report_it():
    ruleset = rulecheck.loads(MATRIX.replace("年初预算: amount above 0", "年初预算: amount from 0"))
    with pytest.raises(EvaluationError) as caught:
        evaluate(ruleset.compiled, ruleset.validate({"完成率": "95%", "质量达标率": "92%", "年初预算": 0, "调整资金": 3}))
    assert [d.code for d in caught.value.diagnostics] == ["E601"]


def test_names_and_texts_never_reach_the_source():
    """Names with quotes, backslashes and braces are constants of the generated explanation too, and
    explain as the closures explain them."""
    text = ('framework "q\\"\ntotal 2\nrounding 2 decimals\ninputs:\n    "a\'b\\c": bool\n'
            '    "x{y}": grade(甲, "乙\'丙")\n'
            'indicator "i\'\\n" (1):\n    checklist:\n        "a\'b\\c" → 1\n'
            'indicator "j{k}" (1):\n    bands "x{y}":\n        = "乙\'丙" → 1\n        otherwise → 0\n')
    ruleset = rulecheck.loads(text)
    for facts in ({"a'b\\c": True, "x{y}": "乙'丙"}, {"a'b\\c": False, "x{y}": "甲"}):
        for language, all_rows in WAYS:
            assert explained_alike(ruleset, ruleset.validate(facts), language, all_rows)
    source = explain_function(ruleset.compiled, "zh", True).source
    assert not any(name in source for name in ["a'b\\c", "x{y}", "乙'丙", "i'\\n", "j{k}", "甲"])


SHENZHEN = Path(__file__).parent.parent / "rules/shenzhen/framework.rules"


def shenzhen_departments(ruleset) -> list[dict]:
    return [ruleset.validate(facts) for _name, facts in case_facts(SHENZHEN)]


def test_each_department_keeps_its_own_values_until_its_tree_is_read():
    """A line's text is made when the tree is read, from the values the department's own evaluation kept:
    departments explained one after the other and read in the other order, in both languages, explain
    each as the closures explain it."""
    ruleset = loaded(SHENZHEN)
    departments = shenzhen_departments(ruleset)
    assert len(departments) > 3
    for language in ("en", "zh"):
        with speaking(language):
            explained = [evaluate(ruleset.compiled, facts, explain=True) for facts in departments]
            references = [_evaluate(ruleset.compiled, facts, False, ruleset.sources) for facts in departments]
        for generated, reference in reversed(list(zip(explained, references))):
            explained_the_same(generated, reference)


def test_an_explained_result_pickles_with_its_explanations():
    """An explained Result whose tree was never read pickles (as its tree: the functions that make its
    lines are the generated function's own) and unpickles to the same explanations."""
    ruleset = loaded(SHENZHEN)
    for facts in shenzhen_departments(ruleset):
        sent = pickle.loads(pickle.dumps(evaluate(ruleset.compiled, facts, explain=True)))
        explained_the_same(sent, _evaluate(ruleset.compiled, facts, False, ruleset.sources))
        assert sent.to_dict() == evaluate(ruleset.compiled, facts, explain=True).to_dict()
