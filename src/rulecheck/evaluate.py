"""Evaluate a compiled framework on one department's validated facts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from . import numbers
from .compile import Compiled, CompiledGroup
from .diagnostics import EvaluationError
from .generate import child_points, handing_over, scores_function
from .i18n import _, language, speaking
from .language import COMPARISONS, first_match
from .results import NodeResult, Result, Step
from .runtime import (
    TOTAL_KEY,
    Env,
    EvalFailure,
    Explaining,
    Rounding,
    block_score,
    capped_total,
    check_range,
    scoring_failure,
)
from .syntax import ast
from .syntax.printer import format_expr, format_grade_condition, format_number, prefilled, split_grade_condition

ZERO = numbers.ZERO


def evaluate(compiled: Compiled, facts: dict, explain: bool = True, all_rows: bool = False,
             sources=None) -> Result:
    """Score every leaf; with `explain`, say how (with `all_rows`, a band table's rows after the one
    that matched too). (No keyword-only parameters: their defaults cost a dictionary lookup each per
    call, ~230 instructions of a band table's ~6,700.)"""
    if not explain:
        try:  # the generated function scores the department, unless scoring fails somewhere
            return compiled.specialised["scores"](facts)
        except Exception:  # then the closures score it again and report the failure as they always have
            if "scores" in compiled.specialised:
                return _evaluate(compiled, facts, None, sources)
        # the first department's KeyError (a subscript, as .get() costs a call per department): written now
        scores_function(compiled)
        return evaluate(compiled, facts, explain=False, sources=sources)
    spoken, all_rows = language(), bool(all_rows)
    with speaking(spoken):  # the language found once: each line's _() then reads it directly
        try:  # the generated function explains the department, unless scoring fails somewhere
            return (compiled.specialised.get(("explain", spoken, all_rows))
                    or explanations_function(compiled, spoken, all_rows))(facts)
        except Exception:  # then the closures explain it again and report the failure as they always have
            return _evaluate(compiled, facts, all_rows, sources)


def scorer(compiled: Compiled, sources=None) -> Callable[[dict], Result]:
    """`evaluate(compiled, facts, explain=False, sources=sources)` as one function of the facts (validated):
    the generated scores function itself, a department whose scoring fails handed from inside it to the
    closures, which report the failure as evaluate() does. For a caller that scores many departments:
    it saves evaluate()'s own call (about 850 instructions of a band table's 6,400)."""
    return handing_over(scores_function(compiled), lambda facts: _evaluate(compiled, facts, None, sources))


def explanations_function(compiled: Compiled, spoken: str, all_rows: bool):
    """generate_explain.explain_function, imported the first time a department is explained."""
    from .generate_explain import explain_function
    return explain_function(compiled, spoken, all_rows)


def _evaluate(compiled: Compiled, facts: dict, all_rows: bool | None, sources) -> Result:
    """The result; `all_rows` None for scores only, else explained (rows after the match too if True)."""
    env = Env(facts, compiled.lets) if all_rows is None else Explaining(facts, compiled.lets, language())
    failures: list = []
    explainer = (lambda leaf, raw: leaf.explain(env, all_rows, raw)) if all_rows is not None else None
    nodes = tuple([_node(item, env, compiled, explainer, failures) for item in compiled.nodes])
    if failures:
        raise EvaluationError(failures, sources)
    added = numbers.total([n.score for n in nodes])
    assert isinstance(added, Decimal)  # a sum of rounded scores terminates
    total, uncapped = added, None
    capped = capped_total(added, compiled.total_cap)
    if capped != added:  # 'total 100 cap 100' lowers it
        total, uncapped = compiled.rounding.rounded(capped), added
    env[TOTAL_KEY] = total
    index = first_match([row[0] for row in compiled.grades], env)
    grade = step = None
    if index is not None:
        _condition, grade, band = compiled.grades[index]
        step = grade_step(total, band, [row for _, _, row in compiled.grades[:index]],
                          explained_line(compiled, index, language())) if explainer else None
    return Result(compiled.name, total, compiled.total, grade, nodes, step, uncapped=uncapped,
                  total_cap=compiled.total_cap)


def total_of(compiled: Compiled, scores: Mapping[int, numbers.Number]) -> numbers.Number:
    """The total from each leaf's rounded score (`scores[id(leaf)]`), added up as `evaluate` adds it: groups
    sum, bonus and penalty blocks apply their caps, the total its cap. For searches that score only the
    leaves an input changes (verify's departments of a given total)."""
    def score(item) -> numbers.Number:
        if type(item) is not CompiledGroup:
            return scores[id(item)]
        if item.group.is_block:
            children = [(score(child), child_points(child)) for child in item.children]
            return block_score(item.group.kind, item.group.points, children)
        return numbers.total([score(child) for child in item.children])
    return capped_total(numbers.total([score(item) for item in compiled.nodes]), compiled.total_cap)


def grade_step(total: Decimal, band: ast.GradeBand, above=(), line: str | None = None) -> Step:
    """The `grades:` row that gave the grade, and the row above it a condition on the inputs refused
    though the total met its threshold: 'grade: 95 matches ≥ 80 → 良; not 优: not 发生安全责任事故 does not
    hold' (why a department with 95 points is not 优). `line`: the row's grade_line, if made already."""
    step = Step((line or grade_line(band)).format(total), band.span)
    refused = next((row for row in above if refused_by_inputs(total, row)), None)
    if refused is None:
        return step
    _total_part, inputs = split_grade_condition(refused.condition)
    return Step(_("{step}; not {grade}: {condition} does not hold", step=str(step), grade=refused.grade,
                  condition=format_expr(inputs)), band.span)


def refused_by_inputs(total: Decimal, row: ast.GradeBand) -> bool:
    """Whether a row that compares the total and reads inputs ('≥ 90 and not 发生安全责任事故 → 优') failed
    on its inputs alone: the total meets its threshold (a number; other thresholds are not told)."""
    if row.condition is None:
        return False
    total_part, inputs = split_grade_condition(row.condition)
    if total_part is None or inputs is None or not isinstance(total_part.operands[1], ast.Number):
        return False
    return bool(COMPARISONS[total_part.ops[0]].apply(total, total_part.operands[1].value))


def grade_line(band: ast.GradeBand) -> str:
    """The line of the `grades:` row that gave the grade ('grade: 97.83 matches ≥ 90 → 优') in the current
    language, with the total to fill in ({0}: printer.prefilled)."""
    if band.condition is None:
        return prefilled(_("grade: {total} matches otherwise → {grade}"), ("total",), grade=band.grade)
    total_part, _inputs = split_grade_condition(band.condition)
    if total_part is None:
        return prefilled(_("grade: {condition} is true → {grade} (veto)"), condition=format_expr(band.condition),
                         grade=band.grade)
    return prefilled(_("grade: {total} matches {condition} → {grade}"), ("total",), grade=band.grade,
                     condition=format_grade_condition(band.condition))


def explained_line(compiled: Compiled, row: int | None, language: str) -> str:
    """In `language`, made once per language: the grade_line of the `grades:` row `row`, or (None) the
    rounding_line of the framework's rounding."""
    key = (language, row)
    line = compiled.explained.get(key)
    if line is None:
        line = compiled.explained[key] = (rounding_line(compiled.rounding) if row is None
                                          else grade_line(compiled.grades[row][2]))
    return line


def _node(item, env, compiled: Compiled, explainer, failures: list) -> NodeResult:
    """The node's result; `explainer` (None for scores only) gives a leaf's explanation."""
    if type(item) is CompiledGroup:
        group = item.group
        children = tuple([_node(c, env, compiled, explainer, failures) for c in item.children])
        if group.is_block:
            block = compiled.rounding.rounded(block_score(group.kind, group.points,
                                                          [(c.score, c.max) for c in children]))
            steps = (block_step(group, children, block),) if explainer else ()
            return NodeResult(group.name, group.kind, group.points, block, children, steps, group.span)
        score = numbers.total([c.score for c in children])
        assert type(score) is Decimal  # a sum of rounded scores terminates
        return NodeResult(group.name, "group", group.points, score, children, (), group.span)
    indicator = item.indicator
    try:
        raw = item.score(env)
        score = compiled.rounding.leaf(raw, indicator)
        if score < ZERO or score > indicator.points:  # the test of check_range, without a call per leaf
            check_range(score, indicator.points, indicator.name, indicator.span)
        lines = explainer(item, raw) if explainer else ()
    except (EvalFailure, ArithmeticError) as exc:
        failures.append(scoring_failure(exc, indicator))
        return NodeResult(indicator.name, "indicator", indicator.points, numbers.ZERO, (), (), indicator.span)
    if explainer and raw != score:
        lines += (rounding_step(raw, score, compiled.rounding, explained_line(compiled, None, env.language)),)
    return NodeResult(indicator.name, "indicator", indicator.points, score, (), lines, indicator.span, raw)


def block_step(block: ast.Group, children: tuple, score: Decimal) -> Step:
    """How a bonus or penalty block reached its score: 'bonus: 获得表彰 3.00 + 创新做法 2.00 = 5.00, at most 2:
    +2.00', 'penalty: points lost 违规问题 2.00 = 2.00 (at most 5): −2.00'."""
    cap = format_number(block.points)
    if block.kind == "bonus":
        added = numbers.total([c.score for c in children])
        terms = " + ".join(f"{c.name} {c.score}" for c in children)
        if added > block.points:
            return Step(_("bonus: {terms} = {sum}, at most {cap}: +{score}", terms=terms, sum=added, cap=cap,
                          score=score), block.span)
        return Step(_("bonus: {terms} = {sum}: +{score}", terms=terms, sum=added, score=score), block.span)
    losses = [(c.name, numbers.subtract(c.max, c.score)) for c in children]
    lost = numbers.total([points for _name, points in losses])
    if not lost:
        return Step(_("penalty: no points lost: {score}", score=score), block.span)
    terms = " + ".join(f"{name} {points}" for name, points in losses if points)
    taken = numbers.subtract(numbers.ZERO, score)
    if lost > block.points:
        return Step(_("penalty: points lost {terms} = {sum}, at most {cap}: −{score}", terms=terms, sum=lost,
                      cap=cap, score=taken), block.span)
    return Step(_("penalty: points lost {terms} = {sum}: −{score}", terms=terms, sum=lost, score=taken),
                block.span)


def rounding_step(raw, score: Decimal, rounding: Rounding, line: str | None = None) -> Step:
    """'4.52005 rounded to 4.52', naming the mode when it is not the usual half-up. `line`: the
    rounding_line, if made already."""
    return Step((line or rounding_line(rounding)).format(format_number(raw), score), rounding.span)


def rounding_line(rounding: Rounding) -> str:
    """rounding_step's line in the current language, the raw score and the score to fill in ({0}, {1})."""
    if rounding.mode == ROUND_HALF_UP:
        return prefilled(_("{raw} rounded to {score}"), ("raw", "score"))
    return prefilled(_("{raw} rounded {mode} to {score}"), ("raw", "score"), mode=rounding.keyword())
