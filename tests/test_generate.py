"""The generated scores-only function (rulecheck/generate.py) gives, department by department, exactly
what the compiled closures give: every node's score, unrounded score, kind and maximum, the total and
the grade; and where scoring fails, evaluate reports the failure the closures report.

The departments: every case of every shipped framework and of the correct test frameworks, the
Shenzhen sample corpus, random frameworks with random facts (tests/strategies.py), and names made of
quotes, backslashes and newlines, which never reach the generated source.
"""

from __future__ import annotations

import pickle
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import facts_for, rule_files

import rulecheck
from rulecheck.cases.files import load_cases
from rulecheck.diagnostics import EvaluationError, FactsError
from rulecheck.evaluate import _evaluate, evaluate
from rulecheck.generate import FAILURES, Fallback, specialise
from rulecheck.inputs.facts import NAME_FIELDS
from rulecheck.inputs.fast import fast_reader
from rulecheck.inputs.tables import read_departments
from rulecheck.results import Result

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = sorted(ROOT.glob("rules/*/framework.rules")) + sorted((ROOT / "tests/data/good").glob("*.rules"))


def closures(ruleset, facts):
    return _evaluate(ruleset.compiled, facts, None, ruleset.sources)


def same(generated, reference) -> None:
    """Equal results, and equal in what equality leaves out: unrounded scores, the uncapped total."""
    assert generated == reference
    assert generated.uncapped == reference.uncapped and generated.total_cap == reference.total_cap
    assert [(n.name, n.kind, n.max, str(n.score), n.unrounded, n.span) for _, n in generated.walk()] == [
        (n.name, n.kind, n.max, str(n.score), n.unrounded, n.span) for _, n in reference.walk()]
    assert generated.leaf_scores() == reference.leaf_scores() == tuple(n.score for n in reference.leaves())
    assert str(generated.total) == str(reference.total)  # the same digits, not only an equal number


def agree(ruleset, scores, facts) -> bool:
    """The generated function gives the closures' result, or fails where they fail; whether the
    department scored."""
    try:
        reference = closures(ruleset, facts)
    except EvaluationError:
        with pytest.raises(FAILURES):
            scores(facts)
        return False
    same(scores(facts), reference)
    return True


def case_facts(framework: Path):
    for path in sorted((framework.parent / "cases").glob("*.case.yaml")) if (framework.parent / "cases").is_dir() else ():
        for case in load_cases(path):
            if case.facts is not None:
                yield case.name, case.facts


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_case_scores_the_same_both_ways(framework: Path):
    ruleset = rulecheck.load(framework)
    scores = specialise(ruleset.compiled)
    compared = 0
    for _name, facts in case_facts(framework):
        try:
            validated = ruleset.validate(facts)
        except FactsError:
            continue
        compared += agree(ruleset, scores, validated)
    assert compared or not list(case_facts(framework))


def test_the_sample_corpus_scores_the_same_both_ways():
    ruleset = rulecheck.load(ROOT / "rules/shenzhen/framework.rules")
    scores = specialise(ruleset.compiled)
    rows = 0
    for department in read_departments(ROOT / "rules/shenzhen/cases/corpus-2024.csv", ruleset.inputs):
        if department.errors:
            continue
        facts = ruleset.validate(department.facts)
        same(scores(facts), closures(ruleset, facts))
        rows += 1
    assert rows >= 50


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_frameworks_score_the_same_both_ways(data):
    ruleset = rulecheck.loads(data.draw(rule_files()))
    facts = ruleset.validate(data.draw(facts_for(ruleset)))
    agree(ruleset, specialise(ruleset.compiled), facts)


def test_a_failing_department_is_reported_as_the_closures_report_it():
    ruleset = rulecheck.loads(
        'framework "f"\ntotal 6\nrounding 2 decimals\ninputs:\n    a: count from 0\n    b: count from 0\n'
        "indicator x (6):\n    formula: min(a / b, 1) × 6\n")
    with pytest.raises(Fallback):
        specialise(ruleset.compiled)(ruleset.validate({"a": 1, "b": 0}))
    with pytest.raises(EvaluationError) as fast:
        evaluate(ruleset.compiled, ruleset.validate({"a": 1, "b": 0}), explain=False)
    with pytest.raises(EvaluationError) as slow:
        closures(ruleset, ruleset.validate({"a": 1, "b": 0}))
    assert [d.code for d in fast.value.diagnostics] == [d.code for d in slow.value.diagnostics] == ["E601"]


def scorer_agrees(ruleset, facts) -> None:
    """ruleset.scorer() gives what evaluate(…, explain=False) gives (ruleset.evaluate without the
    validation), or raises the error it raises, the same diagnostics rendered with the same rule text."""
    try:
        expected = evaluate(ruleset.compiled, facts, explain=False, sources=ruleset.sources)
    except EvaluationError as exc:
        with pytest.raises(EvaluationError) as raised:
            ruleset.scorer()(facts)
        assert str(raised.value) == str(exc) and raised.value.diagnostics == exc.diagnostics
        return
    same(ruleset.scorer()(facts), expected)


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_scorer_scores_every_case_as_evaluate_does(framework: Path):
    ruleset = rulecheck.load(framework)
    for _name, facts in case_facts(framework):
        try:
            validated = ruleset.validate(facts)
        except FactsError:
            continue
        scorer_agrees(ruleset, validated)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_scorer_scores_random_frameworks_as_evaluate_does(data):
    ruleset = rulecheck.loads(data.draw(rule_files()))
    scorer_agrees(ruleset, ruleset.validate(data.draw(facts_for(ruleset))))


def test_the_scorer_reports_a_failing_department_with_its_rule_text():
    ruleset = rulecheck.loads(
        'framework "f"\ntotal 6\nrounding 2 decimals\ninputs:\n    a: count from 0\n    b: count from 0\n'
        "indicator x (6):\n    formula: min(a / b, 1) × 6\n")
    scores = ruleset.scorer()
    assert scores(ruleset.validate({"a": 1, "b": 2})).total == Decimal(3)
    with pytest.raises(EvaluationError) as raised:
        scores(ruleset.validate({"a": 1, "b": 0}))
    assert [d.code for d in raised.value.diagnostics] == ["E601"]
    assert "min(a / b, 1) × 6" in str(raised.value)  # the rule's line, shown from the ruleset's sources
    assert scores(ruleset.validate({"a": 2, "b": 2})).total == Decimal(6)  # and the next one scores


def test_the_embedding_pages_scorer_example_prints_what_the_page_says(capsys, monkeypatch):
    page = (ROOT / "docs/embedding.md").read_text(encoding="utf-8")
    section = page[page.index("## Speed"):page.index("## Threads")]
    example = section[section.index("```python\n") + 10:section.index("```\n\nprints")]
    monkeypatch.chdir(ROOT)
    exec(compile(example, "docs/embedding.md", "exec"), {})
    said = section[section.index("```\n\nprints"):].split(", one a line")[0]
    assert capsys.readouterr().out.splitlines() == [line.strip("`") for line in said.split("prints ")[1].split(", ")]


# a band table over a and the quotient q = b / c, whose rows the tests below write
QUOTIENT_BANDS = ('framework "f"\ntotal 6\nrounding 2 decimals\ninputs:\n    a: number from -5 to 5\n'
                  "    b: count from 0\n    c: count from 0\nlet q = b / c\nindicator x (6):\n    bands:\n")


def test_a_chain_computes_every_operand_as_the_closures_do():
    """`0 ≤ a < b / c` with c = 0 fails in the closures even when 0 ≤ a is false, since they compute
    every operand first; the generated chain must not score that department."""
    ruleset = rulecheck.loads(QUOTIENT_BANDS + "        1 ≤ a < q → 6\n        otherwise → 0\n")
    facts = ruleset.validate({"a": 0, "b": 1, "c": 0})
    with pytest.raises(EvaluationError):
        closures(ruleset, facts)
    with pytest.raises(FAILURES):
        specialise(ruleset.compiled)(facts)


def test_a_derived_value_no_rule_reads_on_this_department_may_fail():
    """The generated function computes every derived value first; a department whose unread value cannot
    be computed (q = b / c, c = 0, read only by the second row) is scored by the closures, which compute
    a value when a rule reads it."""
    ruleset = rulecheck.loads(QUOTIENT_BANDS + "        a ≥ 1 → 6\n        q ≥ 1 → 3\n        otherwise → 0\n")
    facts = ruleset.validate({"a": 2, "b": 1, "c": 0})
    with pytest.raises(FAILURES):
        specialise(ruleset.compiled)(facts)
    same(evaluate(ruleset.compiled, facts, explain=False), closures(ruleset, facts))
    assert evaluate(ruleset.compiled, facts, explain=False).total == 6


def test_a_band_row_leaves_out_what_the_rows_above_it_tell():
    """'90% ≤ x < 95%' after '≥ 95%' tests 90% ≤ x alone, and the last row of a table that covers every
    value is its else; the scores on and beside every boundary are the closures'."""
    ruleset = rulecheck.loads(
        'framework "f"\ntotal 6\nrounding 2 decimals\ninputs:\n    x: percent from 0% to 100%\n'
        "indicator i (6):\n    bands x:\n        ≥ 95% → 6\n        90% ≤ x < 95% → 4\n        80% ≤ x < 90% → 2\n"
        "        < 80% → 1\n")
    scores = specialise(ruleset.compiled)
    assert scores.source.count("<") == 2 and scores.source.count(">=") == 1 and "else:" in scores.source
    for text in ("1", "0.95", "0.9499999", "0.9", "0.8999", "0.8", "0.7999", "0"):
        facts = ruleset.validate({"x": Decimal(text)})
        same(scores(facts), closures(ruleset, facts))


def test_a_framework_of_hundreds_of_top_level_indicators_is_written_out():
    """A sum of 300 scores is one call, not 300 nested ones (which Python refuses to compile)."""
    leaves = "".join(f"indicator i{n} (1):\n    bands x:\n        ≥ 50% → 1\n        otherwise → 0.5\n" for n in range(300))
    ruleset = rulecheck.loads('framework "f"\ntotal 300\nrounding 2 decimals\ninputs:\n    x: percent from 0% to 100%\n'
                              + leaves)
    facts = ruleset.validate({"x": "40%"})
    same(specialise(ruleset.compiled)(facts), closures(ruleset, facts))
    assert specialise(ruleset.compiled)(facts).total == 150


def grown(result: Result) -> bool:
    try:
        object.__getattribute__(result, "nodes")
    except AttributeError:
        return False
    return True


def test_a_flat_result_grows_its_tree_when_read_and_pickles_flat():
    ruleset = rulecheck.load(ROOT / "rules/shenzhen/framework.rules")
    facts = ruleset.validate(next(case_facts(ROOT / "rules/shenzhen/framework.rules"))[1])
    result = evaluate(ruleset.compiled, facts, explain=False)
    assert not grown(result)  # scores only: the tree is not built …
    sent = pickle.dumps(result)
    assert result.leaf_scores() == tuple(n.score for n in closures(ruleset, facts).leaves())
    assert not grown(result)
    same(result, closures(ruleset, facts))  # … until it is read
    assert grown(result)
    received = pickle.loads(sent)
    assert not grown(received) and len(sent) < len(pickle.dumps(closures(ruleset, facts)))
    same(received, closures(ruleset, facts))


NASTY = ['a"b', "a'b", "a\\b", 'x"""y', "{k}", "a\nb", "\\n", "'''"]


def test_names_and_texts_never_reach_the_source():
    """Every name the source could be written with is a constant; names with quotes, backslashes,
    braces and newlines (the last ones only possible through the API) score as any other."""
    text = ('framework "q\\"\ntotal 2\nrounding 2 decimals\ninputs:\n    "a\'b\\c": bool\n'
            '    "x{y}": grade(甲, "乙\'丙")\n'
            'indicator "i\'\\n" (1):\n    checklist:\n        "a\'b\\c" → 1\n'
            'indicator "j{k}" (1):\n    bands "x{y}":\n        = "乙\'丙" → 1\n        otherwise → 0\n')
    ruleset = rulecheck.loads(text)
    compiled = ruleset.compiled
    leaves = [attrs.evolve(leaf, indicator=attrs.evolve(leaf.indicator, name=name))
              for leaf, name in zip(compiled.nodes, ('a\n"""b', "x'''\\y"))]
    renamed = attrs.evolve(compiled, nodes=tuple(leaves), name='f"\n\\')
    scores = specialise(renamed)
    for name in [*NASTY, 'a\n"""b', "x'''\\y", "a'b\\c", "x{y}", "乙'丙", "i'\\n", "j{k}"]:
        assert name not in scores.source
    facts = ruleset.validate({"a'b\\c": True, "x{y}": "乙'丙"})
    result = scores(facts)
    assert [n.name for n in result.nodes] == ['a\n"""b', "x'''\\y"]
    assert result.total == Decimal(2) and result.framework == 'f"\n\\'
    assert closures(ruleset, facts).total == Decimal(2)
    reader = fast_reader(ruleset.inputs, ruleset.required_inputs, NAME_FIELDS)  # the facts' written reader too
    assert not any(name in reader.source for name in ["a'b\\c", "x{y}", "乙'丙", "甲"])
    assert reader({"a'b\\c": "是", "x{y}": "乙'丙"}) == facts


def test_the_source_reads_each_constant_by_a_mangled_name():
    ruleset = rulecheck.load(ROOT / "rules/shenzhen/framework.rules")
    source = specialise(ruleset.compiled).source
    assert "满意度" not in source and "部门决策" not in source and "95%" not in source
    assert source.startswith("def scores(facts):\n")


def test_evaluate_uses_the_generated_function_once_made():
    ruleset = rulecheck.load(ROOT / "rules/shenzhen/framework.rules")
    facts = ruleset.validate(next(case_facts(ROOT / "rules/shenzhen/framework.rules"))[1])
    assert "scores" not in ruleset.compiled.specialised  # checking a file never writes it
    result = ruleset.evaluate(facts, explain=False)
    assert "scores" in ruleset.compiled.specialised
    same(result, closures(ruleset, ruleset.validate(facts)))


def test_a_flat_result_is_a_frozen_result_with_the_fields_it_was_filled_with():
    """The generated function fills a Result through results.Filling, whose fields are plain stores, and
    then makes it a Result: what it returns is a Result, frozen, its total capped and grade set."""
    path = ROOT / "tests/data/good/bonus-penalty.rules"
    ruleset = rulecheck.load(path)
    facts = ruleset.validate({"预算执行数": Decimal(100), "预算数": Decimal(100), "满意度": "96%", "表彰级别": "国家级",
                              "创新做法被推广": False, "违规问题数": 0, "按时报送自评材料": True})
    result = evaluate(ruleset.compiled, facts, explain=False)
    assert type(result) is Result and result._flat is not None  # made by the generated function
    assert (result.total, result.uncapped, result.grade) == (Decimal("100.00"), Decimal("103.00"), "优")
    for field in ("total", "grade", "uncapped", "_flat", "nodes"):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(result, field, None)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            delattr(result, field)
    assert result.total == Decimal("100.00")
    same(result, closures(ruleset, facts))
