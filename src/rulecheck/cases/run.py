"""Running a case: score its facts and compare each expected score (exactly, or within a tolerance)
or grade with what scoring gave, with how that was reached."""

from __future__ import annotations

import difflib
from decimal import Decimal

import attrs

from ..api import Ruleset
from ..diagnostics import Diagnostic, RulecheckError, error
from ..evaluate import evaluate
from ..i18n import _
from ..results import Result, added_up, total_added_up
from ..syntax import ast
from ..syntax.printer import format_number
from .files import GRADE, TOTAL, Case, Expectation


@attrs.frozen
class Comparison:
    """An expectation and what scoring gave, with how that was reached."""
    expectation: Expectation
    actual: Decimal | str | None  # None: the framework gave no grade
    explanation: tuple = ()

    @property
    def passed(self) -> bool:
        return self.expectation.holds(self.actual)

    @property
    def difference(self) -> Decimal | None:
        """actual − expected, for a score."""
        if isinstance(self.actual, Decimal) and isinstance(self.expectation.value, Decimal):
            return self.actual - self.expectation.value
        return None


@attrs.frozen
class CaseResult:
    """A case run: what scoring gave, each expectation compared, and every problem found on the way."""
    case: Case
    result: Result | None  # None when the facts or scoring failed
    comparisons: tuple = ()
    diagnostics: tuple = ()  # problems of the case as written, facts errors, scoring errors
    values: dict | None = attrs.field(default=None, repr=False)  # the validated facts
    sources: dict = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def passed(self) -> bool:
        return not self.diagnostics and self.result is not None and all(c.passed for c in self.comparisons)

    @property
    def failures(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.passed]


def run_case(ruleset: Ruleset, case: Case) -> CaseResult:
    """Score the case's facts and compare every expectation; never raises for a bad case."""
    diagnostics = list(case.problems)
    wrong = expectation_problems(ruleset, case)
    diagnostics += wrong.values()
    sources = {**ruleset.sources, **case.sources}
    values = result = None
    if case.facts is not None:
        try:
            values = ruleset.validate(case.facts)
            result = evaluate(ruleset.compiled, values, explain=True, sources=ruleset.sources)
        except RulecheckError as exc:  # FactsError, EvaluationError
            diagnostics += exc.diagnostics
            sources.update(exc.sources)
    comparisons: tuple[Comparison, ...] = ()
    if result is not None:
        comparisons = tuple(compare(result, expectation) for target, expectation in case.expect.items()
                            if target not in wrong)
    return CaseResult(case, result, comparisons, tuple(diagnostics), values, sources)


def expectation_problems(ruleset: Ruleset, case: Case) -> dict[str, Diagnostic]:
    """{target: problem} for each expectation naming no node of the framework, or no grade of it."""
    nodes = [node.name for node, _ in ast.iter_nodes(ruleset.program.nodes)]
    parts = {part.name: node.name for node, _ in ast.iter_nodes(ruleset.program.nodes)
             if isinstance(node, ast.Indicator) for part in node.parts}
    grades = list(dict.fromkeys(band.grade for band in ruleset.program.grades))
    found = {}
    for target, expectation in case.expect.items():
        if target == GRADE and expectation.value not in grades:
            found[target] = error(
                "C807", _("'{grade}' is not a grade of the framework", grade=expectation.value), expectation.span,
                _("the grades are: {grades}", grades=", ".join(grades)) if grades
                else _("the framework declares no grades"))
        elif target not in nodes and target != TOTAL and target != GRADE:
            found[target] = error("C806", _("expect names '{target}', but the rule file has no indicator or "
                                            "group of that name", target=target),
                                  expectation.span, unknown_target_hint(target, nodes, parts))
    return found


def unknown_target_hint(target: str, nodes: list, parts: dict) -> str:
    if target in parts:
        return _("'{part}' is a part of '{indicator}': expect the indicator's score", part=target,
                 indicator=parts[target])
    close = difflib.get_close_matches(target, nodes + [TOTAL, GRADE], n=1, cutoff=0.5)
    if close:
        return _("did you mean '{name}'?", name=close[0])
    return _("expect an indicator or group by its name in the rule file, 'total' or 'grade'")


def compare(result: Result, expectation: Expectation) -> Comparison:
    target = expectation.target
    if target == GRADE:
        step = result.grade_step or _("no row of 'grades:' matches the total {total}", total=result.total)
        return Comparison(expectation, result.grade, (step,))
    if target == TOTAL:
        return Comparison(expectation, result.total, (total_added_up(result),))
    node = result[target]
    explanation = node.explanation if node.kind != "group" else (added_up(node.children, node.score),)
    return Comparison(expectation, node.score, tuple(explanation))


def difference_line(comparison: Comparison) -> str:
    """'公众或服务对象满意度: expected 4, actual 2.00, difference −2' (with the tolerance if there is one),
    in the current language."""
    expectation = comparison.expectation
    expected = expectation.value
    if not isinstance(expected, str):
        expected = format_number(expected) if not expectation.tolerance else _(
            "{score} ± {tolerance}", score=format_number(expected), tolerance=format_number(expectation.tolerance))
    actual = _("no grade") if comparison.actual is None else comparison.actual
    difference = comparison.difference
    if difference is None:
        return _("{target}: expected {expected}, actual {actual}", target=expectation.target, expected=expected,
                 actual=actual)
    sign = "+" if difference > 0 else "−" if difference < 0 else ""
    return _("{target}: expected {expected}, actual {actual}, difference {difference}", target=expectation.target,
             expected=expected, actual=actual, difference=sign + format_number(abs(difference)))
