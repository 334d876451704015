"""The findings that check's prover and `rulecheck verify` share, built once so both say the same thing:
a score above its points (E501) or below 0 (E502), and a declared direction that does not hold (E711)."""

from __future__ import annotations

from ..diagnostics import Diagnostic, error
from ..i18n import _
from ..source import Span
from ..syntax.printer import format_name, format_number, format_value


def above_points(what: str, reached, points, span: Span | None, example: list[str],
                 hint: str | None = None) -> Diagnostic:
    """E501: `what` ('预算执行率', or part 'X' of 'Y') can score `reached`, above its points. The hint
    is translated already, its points filled in."""
    if hint is None:
        hint = _("cap the rule: min(…, {points}), or cap the ratio inside it: min(… / …, 1)",
                 points=format_number(points))
    return error("E501", _("{what} can score {reached}, above its {points} points", what=what,
                           reached=format_number(reached), points=format_number(points)),
                 span, hint, example=tuple(example))


def below_zero(what: str, reached, span: Span | None, example: list[str], hint: str | None = None) -> Diagnostic:
    """E502: `what` can score `reached`, below 0 (the hint translated already)."""
    if hint is None:
        hint = _("add a floor: max(…, 0) around the formula")
    return error("E502", _("{what} can score {reached}, below 0", what=what, reached=format_number(reached)),
                 span, hint, example=tuple(example))


def direction_broken(label: str, direction, before, after, low, high, kind: str | None, hint: str,
                     example: list[str]) -> Diagnostic:
    """E711: `label`'s score moves against its declared `direction` (an ast.Direction) between two
    departments that differ only in that input, from `low` to `high`."""
    values = dict(label=label, input=format_name(direction.input.name), before=format_number(before),
                  after=format_number(after), low=format_value(low, kind), high=format_value(high, kind))
    if direction.direction == "increasing":
        message = _("{label} is declared increasing in {input}, but its score falls from {before} to {after} "
                    "when {input} rises from {low} to {high}", **values)
    else:
        message = _("{label} is declared decreasing in {input}, but its score rises from {before} to {after} "
                    "when {input} rises from {low} to {high}", **values)
    return error("E711", message, direction.span, hint, example=tuple(example))


def facts_lines(facts: dict, kinds: dict) -> list[str]:
    """Facts as YAML lines an analyst can paste into a case file."""
    return [f"{format_name(name)}: {format_value(value, kinds.get(name))}" for name, value in facts.items()]


def pair_example(facts: dict, name: str, low, high, before, after, node_name: str, kinds: dict) -> list[str]:
    """The two departments of an E711, as facts lines under '# department A/B: NODE = score' headings."""
    lines = []
    for label, value, score in (("A", low, before), ("B", high, after)):
        lines.append(_("# department {label}: {node} = {score}", label=label, node=node_name,
                       score=format_number(score)))
        lines += facts_lines(facts | {name: value}, kinds)
    return lines
