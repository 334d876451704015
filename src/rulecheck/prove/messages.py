"""The findings that check's prover and `rulecheck verify` share, built once so both say the same thing:
a score above its points (E501) or below 0 (E502), and a declared direction that does not hold (E711)."""

from __future__ import annotations

from ..diagnostics import Diagnostic, error
from ..source import Span
from ..syntax.printer import format_name, format_number, format_value


def above_points(what: str, reached, points, span: Span | None, example: list[str],
                 hint: str = "cap the rule: min(…, points), or cap the ratio inside it: min(… / …, 1)") -> Diagnostic:
    """E501: `what` ('预算执行率', or part 'X' of 'Y') can score `reached`, above its points."""
    return error("E501", f"{what} can score {format_number(reached)}, above its {format_number(points)} points",
                 span, hint.replace("points", format_number(points)), example=tuple(example))


def below_zero(what: str, reached, span: Span | None, example: list[str],
               hint: str = "add a floor: max(…, 0) around the formula") -> Diagnostic:
    """E502: `what` can score `reached`, below 0."""
    return error("E502", f"{what} can score {format_number(reached)}, below 0", span, hint, example=tuple(example))


def direction_broken(label: str, direction, before, after, low, high, kind: str | None, hint: str,
                     example: list[str]) -> Diagnostic:
    """E711: `label`'s score moves against its declared `direction` (an ast.Direction) between two
    departments that differ only in that input, from `low` to `high`."""
    name = direction.input.name
    moved = "falls" if direction.direction == "increasing" else "rises"
    return error(
        "E711", f"{label} is declared {direction.direction} in {format_name(name)}, but its score {moved} from "
        f"{format_number(before)} to {format_number(after)} when {format_name(name)} rises from "
        f"{format_value(low, kind)} to {format_value(high, kind)}", direction.span, hint, example=tuple(example))


def facts_lines(facts: dict, kinds: dict) -> list[str]:
    """Facts as YAML lines an analyst can paste into a case file."""
    return [f"{format_name(name)}: {format_value(value, kinds.get(name))}" for name, value in facts.items()]


def pair_example(facts: dict, name: str, low, high, before, after, node_name: str, kinds: dict) -> list[str]:
    """The two departments of an E711, as facts lines under '# department A/B: NODE = score' headings."""
    lines = []
    for label, value, score in (("A", low, before), ("B", high, after)):
        lines.append(f"# department {label}: {node_name} = {format_number(score)}")
        lines += facts_lines(facts | {name: value}, kinds)
    return lines
