"""`rulecheck explain`: how a department's scores were reached, each step beside the rule-file line it
comes from."""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

import click

from ..api import Ruleset, load
from ..diagnostics import RulecheckError
from ..i18n import _, ngettext
from ..inputs.tables import is_batch
from ..results import NodeResult, Result, added_up, total_added_up
from ..source import Span, display_width, pad_to
from ..syntax import ast
from ..syntax.printer import format_number
from . import SUBCOMMANDS, Exit, fail, main
from .facts import is_standard_input, read_facts


@main.command("explain", help=SUBCOMMANDS["explain"].help)
@click.argument("rules", type=click.Path(exists=True, dir_okay=False))
@click.argument("facts", type=click.Path(exists=True, allow_dash=True))
@click.argument("indicator", required=False)
def explain_command(rules: str, facts: str, indicator: str | None) -> None:
    if not is_standard_input(facts) and is_batch(facts):
        refuse_batch(rules, facts)
    try:
        ruleset = load(rules)
    except RulecheckError as exc:
        fail(exc)
    target = find_target(ruleset, indicator, rules) if indicator is not None else None
    try:
        result = ruleset.evaluate(read_facts(facts), all_rows=True)
    except RulecheckError as exc:
        fail(exc)
    lines = explanation(result, ruleset, target)
    click.echo(render(lines, Path(rules).parent))


def refuse_batch(rules: str, facts: str) -> None:
    """A CSV, JSON Lines file or folder holds many departments: say so, and which command takes it."""
    click.echo(_("{facts}: rulecheck explain takes one department's facts (a YAML or JSON facts file), and this "
                 "holds many departments", facts=facts) + "\n  = " +
               _("hint: {hint}", hint=_("score them all with 'rulecheck score {rules} {facts}'; to explain one of "
                                        "them, copy its facts into a file of its own, one 'name: value' per line",
                                        rules=rules, facts=facts)), err=True)
    sys.exit(Exit.USAGE)


def find_target(ruleset: Ruleset, name: str, rules: str) -> str:
    """The node to explain: the indicator or group of that name, or the indicator holding that part;
    exit 2 with the closest names if there is none."""
    owners = {}  # name → the node explained for it
    for item, _depth in ast.iter_nodes(ruleset.program.nodes):
        owners[item.name] = item.name
        if isinstance(item, ast.Indicator):
            for part in item.parts:
                owners.setdefault(part.name, item.name)
    if name in owners:
        return owners[name]
    close = [known for known in owners if name in known] or difflib.get_close_matches(name, owners, n=3, cutoff=0.5)
    hint = (_("did you mean {names}?", names=_(" or ").join(f"'{known}'" for known in close[:3])) if close
            else _("name an indicator, a part or a group; 'rulecheck score RULES FACTS' lists them"))
    click.echo(_("{rules}: no indicator, part or group named '{name}'", rules=rules, name=name) + "\n  = "
               + _("hint: {hint}", hint=hint), err=True)
    sys.exit(Exit.USAGE)


def explanation(result: Result, ruleset: Ruleset, target: str | None) -> list[tuple[Span | None, str]]:
    """(span, text) lines: each leaf's steps under its name, each group's sum after its leaves, and
    (for the whole framework) the total and the grade. An empty text is a blank line."""
    if target is None:
        roots, parents = result.nodes, ()
    else:
        parents = next(names for names, node in with_parents(result.nodes) if node.name == target)
        roots = (result[target],)
    lines: list = []
    for node in roots:
        lines += node_lines(node, parents)
    if target is None:
        total = ruleset.program.total
        lines.append((total.span if total else None, _("total = {sum}", sum=_(
            "{sum} out of {points}", sum=total_added_up(result), points=format_number(result.max)))))
        if result.grade_step is not None:
            lines.append((result.grade_step.span, result.grade_step))
    return lines[1:] if lines and lines[0][1] == "" else lines


def with_parents(nodes, parents=()):
    """(names of the ancestors, node) for every node, depth first."""
    for node in nodes:
        yield parents, node
        yield from with_parents(node.children, parents + (node.name,))


def node_lines(node: NodeResult, parents: tuple) -> list:
    if node.kind == "indicator":
        path = " / ".join(parents + (node.name,))
        return [(None, ""), (node.span, f"{path} ({points(node.max)})"),
                *((step.span, "  " + step) for step in node.explanation),
                (node.span, "  " + _("score {score} out of {points}", score=node.score,
                                         points=format_number(node.max)))]
    lines = []
    for child in node.children:
        lines += node_lines(child, parents + (node.name,))
    if node.kind != "group":  # a bonus or penalty block says how its cap applied
        return lines + [(step.span, f"{node.name} {step}") for step in node.explanation]
    return lines + [(node.span, f"{node.name} = {sum_text(node.children, node.score, node.max)}")]


def points(maximum) -> str:
    return ngettext("{points} point", "{points} points", 1 if maximum == 1 else 2, points=format_number(maximum))


def sum_text(children, score, maximum) -> str:
    """'预算执行率 4.52 + 重点工作完成情况 8.00 + … = 18.33 out of 20'."""
    return _("{sum} out of {points}", sum=added_up(children, score), points=format_number(maximum))


def render(lines: list, base: Path) -> str:
    """Each line behind its location (file:line, the file relative to the rule file's folder)."""
    located = [(location(span, base), text) for span, text in lines]
    width = max(display_width(where) for where, _ in located) + 2
    return "\n".join((pad_to(where, width) + text).rstrip() if text else "" for where, text in located)


def location(span: Span | None, base: Path) -> str:
    if span is None:
        return ""
    return f"{Path(os.path.relpath(span.file, base)).as_posix()}:{span.line}"
