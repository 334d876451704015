"""The Python API: load, loads, load_facts, the frozen AST and result classes, typed exceptions."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import attrs
import pytest

import rulecheck
from rulecheck.results import NodeResult, Result
from rulecheck.syntax import ast

D = Decimal

SMALL = """\
framework "小框架"
total 10
rounding 2 decimals half-up
grades:
    ≥ 9 → 优
    otherwise → 差
inputs:
    完成: count
    计划: count
    满意度: percent from 0% to 100%
let 完成率 = 完成 / 计划
group 全部 (10):
    indicator 及时 (6):
        formula: min(完成率, 1) × 6
    indicator 满意 (4):
        bands 满意度:
            ≥ 95% → 4
            otherwise → 2
"""

# The same program: other whitespace, comments, symbols and full-width punctuation.
SMALL_RESTYLED = """\
# a comment
framework   "小框架"
total 10


rounding 2 decimals half-up   # declared
grades：
  >= 9 -> 优
  otherwise -> 差
inputs:
  完成 : count   # done
  计划: count
  满意度: percent from 0% to 100%
let 完成率 = (完成 / 计划)
group 全部 (10 分):
        indicator 及时 (6):
                formula: min(完成率 , 1) * 6
        indicator 满意 (4):
                bands 满意度:
                        >= 95% => 4
                        otherwise → 2
"""

FACTS = {"完成": 30, "计划": 31, "满意度": "96%"}


@pytest.fixture(scope="module")
def small():
    return rulecheck.loads(SMALL, name="small.rules")


def test_loads_gives_a_ruleset(small):
    assert isinstance(small, rulecheck.Ruleset)
    assert small.name == "小框架"
    assert list(small.inputs) == ["完成", "计划", "满意度"]
    assert isinstance(small.inputs["满意度"], ast.InputDecl)
    assert {name: [leaf for leaf, _ in users] for name, users in small.required_inputs.items()} == {
        "完成": ["及时"], "计划": ["及时"], "满意度": ["满意"]}
    result = small.evaluate(FACTS)
    assert isinstance(result, Result)
    assert result.total == D("9.81") and result.grade == "优"


def test_load_reads_a_file_and_names_spans_by_path(tmp_path):
    path = tmp_path / "small.rules"
    path.write_text(SMALL, encoding="utf-8")
    ruleset = rulecheck.load(path)
    assert ruleset.program == rulecheck.loads(SMALL, name=str(path)).program
    assert ruleset.program.nodes[0].span.file == str(path)
    assert ruleset.program.nodes[0].span.line == 12
    assert rulecheck.load(str(path)).evaluate(FACTS).total == D("9.81")


def test_load_facts_yaml_and_json(tmp_path):
    yaml_path = tmp_path / "f.yaml"
    yaml_path.write_text("完成: 30   # 注释\n计划: 31\n满意度: \"96%\"\n比例: 0.1\n", encoding="utf-8")
    facts = rulecheck.load_facts(yaml_path)
    assert isinstance(facts, rulecheck.FactSet)
    assert facts.values == {"完成": 30, "计划": 31, "满意度": "96%", "比例": D("0.1")}
    assert type(facts.values["比例"]) is Decimal  # YAML floats are read as exact decimals
    assert facts.spans["计划"].line == 2 and facts.spans["计划"].column == 1
    assert facts.name == str(yaml_path)

    json_path = tmp_path / "f.json"
    json_path.write_text('{"完成": 30, "计划": 31, "满意度": 0.96}', encoding="utf-8")
    from_json = rulecheck.load_facts(json_path)
    assert from_json.values == {"完成": 30, "计划": 31, "满意度": D("0.96")}
    assert type(from_json.values["满意度"]) is Decimal


def test_a_fact_set_and_a_mapping_score_the_same(small, tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("完成: 30\n计划: 31\n满意度: 96%\n", encoding="utf-8")
    assert small.evaluate(rulecheck.load_facts(path)) == small.evaluate(FACTS)


def test_validate_converts_facts_to_exact_values(small):
    assert small.validate(FACTS) == {"完成": D(30), "计划": D(31), "满意度": D("0.96")}


def test_the_shipped_case_loads(case_facts):
    assert case_facts.values["四季度支出进度"] == "97.29%"
    assert case_facts.values["年初预算"] == D("10339.11")
    assert case_facts.values["部门预算公开情况"] == "按规定公开"


# ---- frozen classes ------------------------------------------------------------------------------

def test_ast_nodes_are_frozen(small):
    program = small.program
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        program.name = "other"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        program.nodes[0].points = D(1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        program.inputs[0].type.kind = "number"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        program.lets[0].expr.op = "*"
    for cls in (ast.Program, ast.Group, ast.Indicator, ast.Part, ast.Formula, ast.Bands, ast.Band, ast.Checklist,
                ast.ChecklistItem, ast.Deduction, ast.Deduct, ast.Assessed, ast.InputDecl, ast.Let, ast.TypeSpec,
                ast.Number, ast.Ref, ast.Binary, ast.Compare, ast.BoolOp, ast.Not, ast.Negate, ast.Call,
                ast.GradeBand, ast.Rounding, ast.Import, ast.Extend, ast.Direction):
        assert attrs.has(cls) and cls.__setattr__ is not object.__setattr__, cls


def test_results_are_frozen(small):
    result = small.evaluate(FACTS)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.total = D(100)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result["及时"].score = D(6)
    assert isinstance(result["及时"], NodeResult)
    assert isinstance(result.nodes, tuple) and isinstance(result["全部"].children, tuple)
    assert isinstance(result["及时"].explanation, tuple)


def test_ast_equality_ignores_spans_whitespace_and_comments():
    plain, restyled = rulecheck.loads(SMALL).program, rulecheck.loads(SMALL_RESTYLED).program
    assert plain == restyled
    assert plain.nodes[0].span != restyled.nodes[0].span  # they were written in different places
    assert plain.nodes[0].span.line == 12 and restyled.nodes[0].span.line == 15
    assert hash(plain.nodes[0]) == hash(restyled.nodes[0])
    assert ast.Number(D(1), span=rulecheck.Span("a", 1, 1, 1, 2)) == ast.Number(D(1))


def test_ast_equality_sees_a_real_difference():
    changed = rulecheck.loads(SMALL.replace("≥ 95% → 4", "≥ 90% → 4")).program
    assert changed != rulecheck.loads(SMALL).program
    percent, fraction = rulecheck.loads(SMALL.replace("≥ 95%", "≥ 0.95")).program, rulecheck.loads(SMALL).program
    assert percent != fraction  # 0.95 and 95% are the same value written differently


def test_node_result_equality_ignores_spans(small):
    result = small.evaluate(FACTS)
    restyled = rulecheck.loads(SMALL_RESTYLED).evaluate(FACTS)
    assert result == restyled
    assert result["及时"].span.line != restyled["及时"].span.line


# ---- exceptions ----------------------------------------------------------------------------------

def test_exceptions_are_typed():
    for cls in (rulecheck.RuleFileError, rulecheck.FactsError, rulecheck.EvaluationError,
                rulecheck.InputFileError):
        assert issubclass(cls, rulecheck.RulecheckError)
    assert issubclass(rulecheck.RulecheckError, Exception)


def test_a_rule_file_error_carries_diagnostics_with_spans():
    text = SMALL.replace("formula: min(完成率, 1) × 6", "formula: min(完成律, 1) × 6")
    with pytest.raises(rulecheck.RuleFileError) as caught:
        rulecheck.loads(text, name="bad.rules")
    (diagnostic,) = caught.value.errors
    assert isinstance(diagnostic, rulecheck.Diagnostic)
    assert diagnostic.code == "E201" and diagnostic.severity is rulecheck.Severity.ERROR
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == ("bad.rules", 14, 22)
    assert "bad.rules" in caught.value.sources
    assert str(caught.value).startswith("bad.rules:14:22: error[E201]")
    assert diagnostic.to_dict()["line"] == 14


def test_a_syntax_error_is_a_rule_file_error():
    with pytest.raises(rulecheck.RuleFileError) as caught:
        rulecheck.loads("total 1\nindicator X (1)\n    formula: 1\n", name="s.rules")
    assert caught.value.errors and caught.value.errors[0].span.line == 2


def test_a_facts_error_carries_diagnostics_with_spans(small, tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("完成: 30\n计划: 31\n满意度: \"120%\"\n", encoding="utf-8")
    with pytest.raises(rulecheck.FactsError) as caught:
        small.evaluate(rulecheck.load_facts(path))
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "F503"
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == (str(path), 3, 1)


def test_missing_facts_are_a_facts_error(small):
    with pytest.raises(rulecheck.FactsError) as caught:
        small.evaluate({"完成": 1})
    assert sorted(d.code for d in caught.value.diagnostics) == ["F501", "F501"]


def test_an_evaluation_error_carries_diagnostics_with_spans(small):
    with pytest.raises(rulecheck.EvaluationError) as caught:
        small.evaluate({"完成": 1, "计划": 0, "满意度": "96%"})
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E601"
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == ("small.rules", 11, 11)
    assert "'及时'" in diagnostic.message
    assert "   11 | let 完成率 = 完成 / 计划" in str(caught.value)


def test_an_unreadable_file_is_an_input_file_error(tmp_path):
    with pytest.raises(rulecheck.InputFileError) as caught:
        rulecheck.load(tmp_path / "missing.rules")
    assert caught.value.diagnostics[0].code == "E001"


# ---- explain=False ---------------------------------------------------------------------------------

def test_evaluate_without_explanations_gives_the_same_scores(framework, case_facts, small):
    for ruleset, facts in ((framework, case_facts), (small, FACTS)):
        full, bare = ruleset.evaluate(facts), ruleset.evaluate(facts, explain=False)
        assert bare.scores() == full.scores()
        assert (bare.total, bare.grade, bare.max) == (full.total, full.grade, full.max)
        assert all(node.explanation == () for _, node in bare.walk())
        assert any(node.explanation for _, node in full.walk())


def test_analyze_reports_without_raising():
    analysis = rulecheck.analyze_text(SMALL.replace("total 10", "total 11"), "w.rules")
    assert not analysis.ok
    assert [d.code for d in analysis.diagnostics if d.is_error] == ["E401"]
    # 计划 may be 0 (test_an_evaluation_error_carries_diagnostics_with_spans scores it): check says so
    assert [d.code for d in rulecheck.analyze_text(SMALL).diagnostics] == ["E504"]


def test_result_lookup_walk_and_scores(small):
    result = small.evaluate(FACTS)
    assert [(depth, node.name) for depth, node in result.walk()] == [(0, "全部"), (1, "及时"), (1, "满意")]
    assert [leaf.name for leaf in result.leaves()] == ["及时", "满意"]
    assert result.scores() == {"全部": D("9.81"), "及时": D("5.81"), "满意": D("4.00")}
    with pytest.raises(KeyError):
        result["没有"]


def test_the_docstring_example(framework_path, case_path):
    ruleset = rulecheck.load(framework_path)
    result = ruleset.evaluate(rulecheck.load_facts(case_path))
    assert (str(result.total), result.grade) == ("97.83", "优")


def test_relative_imports_resolve_against_the_name_given_to_loads(tmp_path):
    (tmp_path / "base.rules").write_text(SMALL, encoding="utf-8")
    text = textwrap.dedent("""\
        import "base.rules"
    """)
    ruleset = rulecheck.loads(text, name=str(tmp_path / "dept.rules"))
    assert ruleset.evaluate(FACTS).total == D("9.81")


# ---- the prove stage's findings ------------------------------------------------------------------------

UNCAPPED = """\
framework "及时性"
total 6
rounding 2 decimals half-up
inputs:
    完成: count
    计划: count from 1
indicator 及时 (6):
    formula: 完成 / 计划 × 6
"""


def test_a_proved_problem_is_reported_by_analyze_but_does_not_stop_scoring():
    analysis = rulecheck.analyze_text(UNCAPPED, "t.rules")
    assert not analysis.ok
    (finding,) = analysis.diagnostics
    assert (finding.code, finding.location()) == ("E501", "t.rules:8:5")
    assert finding.message == "'及时' can score 12, above its 6 points"
    assert finding.example == ("完成: 2", "计划: 1")
    assert finding.to_dict()["counterexample"] == ["完成: 2", "计划: 1"]
    ruleset = rulecheck.loads(UNCAPPED, "t.rules")
    assert [d.code for d in ruleset.findings] == ["E501"] and ruleset.warnings == ()
    assert ruleset.evaluate({"完成": 3, "计划": 4})["及时"].score == Decimal("4.50")
    with pytest.raises(rulecheck.EvaluationError) as caught:
        ruleset.evaluate(dict(zip(("完成", "计划"), (2, 1))))
    assert [d.code for d in caught.value.diagnostics] == ["E603"]


def test_a_clean_file_has_no_findings_and_a_proof_for_every_node():
    analysis = rulecheck.analyze_text(UNCAPPED.replace("完成 / 计划 × 6", "min(完成 / 计划, 1) × 6"))
    assert analysis.ok and analysis.diagnostics == []
    (proof,) = analysis.proof.nodes
    assert proof.node.name == "及时" and proof.bounded
    assert (proof.value.low, proof.value.high) == (0, 6)
    assert proof.value.dirs == {"完成": 1, "计划": -1}
