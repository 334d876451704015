"""A developer's script written against rulecheck's documented API (docs/embedding.md, docs/batch.md):
load the Shenzhen framework, score one department and a what-if, walk the result tree, read an
explanation with the rule lines it cites, report facts that cannot be scored as JSON, score a batch.

tests/test_typing.py type-checks it with `mypy --strict --disallow-any-expr`, as a developer's own CI
would: every value taken from rulecheck must have a precise type (no Any). So nothing here is
annotated that mypy can infer: an annotated variable would hide an Any coming from the library.

    python tests/data/typed_user/user_script.py [REPOSITORY ROOT]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import rulecheck
from rulecheck.batch import Summary, read_departments, score_departments, summarize

FRAMEWORK = "rules/shenzhen/framework.rules"
CASE = "rules/shenzhen/cases/edu-info-center-2024.yaml"
CORPUS = "rules/shenzhen/cases/corpus-2024.csv"


def load_framework(root: Path) -> rulecheck.Ruleset:
    """The framework, ready to score; a rule file with errors stops the script with its diagnostics."""
    try:
        ruleset = rulecheck.load(root / FRAMEWORK)
    except rulecheck.RuleFileError as exc:
        sys.exit(exc.render())
    for warning in ruleset.warnings + ruleset.findings:
        print(f"note: {warning.code} {warning.location()}: {warning.message}")
    return ruleset


def score(ruleset: rulecheck.Ruleset, facts: rulecheck.FactSet | Mapping[str, object]) -> rulecheck.Result | None:
    """One department's result, or None after printing, as a JSON API would return them, the
    diagnostics that say why it cannot be scored."""
    try:
        return ruleset.evaluate(facts)
    except rulecheck.RulecheckError as exc:
        payload = {"error": [d.code for d in exc.errors], "diagnostics": [d.to_dict() for d in exc.diagnostics]}
        print(json.dumps(payload, ensure_ascii=False, sort_keys=True))
        return None


def lost_points(result: rulecheck.Result) -> dict[str, Decimal]:
    """Each indicator that scored below its points, with the points it lost, from a walk of the tree."""
    lost = {}
    for _depth, node in result.walk():
        if not node.children and node.score < node.max:
            lost[node.name] = node.max - node.score
    return lost


def group_totals(result: rulecheck.Result) -> list[str]:
    """The top-level groups and their children's scores, walked by hand rather than by walk()."""
    lines = []
    for group in result.nodes:
        parts = [f"{child.name} {child.score}" for child in group.children]
        lines.append(f"{group.name} {group.score}/{group.max}: " + ", ".join(parts))
    return lines


def explain(node: rulecheck.NodeResult) -> list[str]:
    """An indicator's explanation, each line with the file and line of the rule text it shows."""
    lines = []
    for step in node.explanation:
        span = step.span
        cited = f"{span.file}:{span.line}" if span is not None else "-"
        assert step.location() in (None, cited)
        lines.append(f"{step}    [{cited}]")
    return lines


def exact(node: rulecheck.NodeResult) -> str:
    """A leaf's score before the rounding, as rulecheck computed it (a Decimal or an exact Ratio)."""
    unrounded = node.unrounded
    if unrounded is None:
        return str(node.score)
    return f"{unrounded} (rounded to {node.score})"


def score_batch(ruleset: rulecheck.Ruleset, corpus: Path) -> Summary:
    """Every department of a CSV scored, one at a time; those that could not be say why."""
    departments = read_departments(corpus, ruleset.inputs)
    for problem in departments.diagnostics:
        print(problem.render())
    scored = list(score_departments(ruleset, departments))
    for item in scored:
        if item.result is None:
            print(item.key, item.where, item.reasons())
    return summarize(ruleset, scored)


def main(root: Path) -> None:
    ruleset = load_framework(root)
    facts = rulecheck.load_facts(root / CASE)
    result = score(ruleset, facts)
    if result is None:
        return
    print(f"{result.framework}: {result.total} / {result.max} {result.grade}")
    if result.grade_step is not None:
        print(f"  {result.grade_step}")
    print("\n".join(group_totals(result)))
    for name, points in lost_points(result).items():
        print(f"  {name} lost {points}: {exact(result[name])}")
    print("\n".join(explain(result["预算执行率"])))
    print(sum(result.scores().values(), Decimal(0)) >= result.total, len(result.leaves()))

    what_if = score(ruleset, {**facts.values, "满意度": "85%"})
    if what_if is not None:
        print(f"what if 满意度 were 85%: {what_if.total} {what_if.grade}")
        print("\n".join(explain(what_if["公众或服务对象满意度"])))
    score(ruleset, {**facts.values, "满意率": "96%"})  # a typo: F504 with a "did you mean"

    summary = score_batch(ruleset, root / CORPUS)
    figures = summary.figures()
    print(f"{summary.scored} of {summary.departments} scored; median {figures['median']}; "
          f"grades {dict(summary.grades)}")
    for losses in summary.indicators[:3]:
        print(f"  most lost: {losses.name}, average 得分率 {losses.rate}, {losses.losing} departments")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
