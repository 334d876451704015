"""Hover: what the name under the cursor is. An input: its type, its domain and its description; a let:
its formula; an indicator (its `indicator` line): its points, its rule as the published 评分标准 says it,
and the range of scores the prover establishes."""

from __future__ import annotations

from ..i18n import _
from ..publish.criteria import render_rule
from ..syntax import ast
from ..syntax.layout import input_text, let_text, type_text
from ..syntax.printer import format_number, format_source
from .documents import Document


def hover_text(document: Document, file: str, line: int, index: int) -> str | None:
    """The hover's Markdown at code point `index` of `line` of `file`, or None where there is nothing."""
    symbols = document.symbols
    found = symbols.at(file, line, index)
    if found is not None:
        if found.name in symbols.inputs:
            return input_hover(symbols.inputs[found.name])
        if found.name in symbols.lets:
            return let_hover(symbols.lets[found.name])
    indicator = next((node for node in symbols.indicators if node.span is not None and node.span.file == file
                      and node.span.line == line), None)
    return indicator_hover(document, indicator) if indicator is not None else None


def input_hover(decl: ast.InputDecl) -> str:
    kind = f"`{type_text(decl.type)}`"
    lines = [f"**{decl.name}**", "", _("input of type {type}", type=kind),
             "", _("values: {domain}", domain=domain_text(decl))]
    if decl.description:
        lines += ["", decl.description]
    return "\n".join(lines + ["", "```rules", input_text(decl), "```"])


def domain_text(decl: ast.InputDecl) -> str:
    """The values an input may take, as its declaration says them."""
    if decl.type.kind == "grade":
        return ", ".join(decl.type.values)
    if decl.type.kind == "bool":
        return _("yes or no")
    if decl.low is None:
        return _("any value of its type")
    low = format_source(decl.low)
    if decl.high is None:
        return (_("above {low}", low=low) if decl.low_exclusive else _("from {low}", low=low))
    high = format_source(decl.high)
    return (_("above {low}, up to {high}", low=low, high=high) if decl.low_exclusive
            else _("from {low} to {high}", low=low, high=high))


def let_hover(let: ast.Let) -> str:
    formula = f"`{format_source(let.expr)}`"
    lines = [f"**{let.name}**", "", _("derived value: {formula}", formula=formula)]
    if let.description:
        lines += ["", let.description]
    return "\n".join(lines + ["", "```rules", let_text(let), "```"])


def indicator_hover(document: Document, indicator: ast.Indicator) -> str:
    lines = [f"**{indicator.name}**", "", _("indicator worth {points} points", points=format_number(indicator.points))]
    for name, points, rule in ast.indicator_rules(indicator):
        criterion = render_rule(rule)
        lines += ["", criterion if name == indicator.name else
                  _("{part} ({points} points): {criterion}", part=name, points=format_number(points),
                    criterion=criterion)]
    bounds = proven_bounds(document, indicator)
    if bounds is not None:
        lines += ["", bounds]
    return "\n".join(lines)


def proven_bounds(document: Document, indicator: ast.Indicator) -> str | None:
    """The scores the prover shows the indicator can reach (None until the file checks)."""
    proof = document.analysis.proof
    found = next((p for p in proof.nodes if p.node.span == indicator.span), None) if proof else None
    if found is None:
        return None
    low, high = format_number(found.value.low), format_number(found.value.high)
    if found.bounded:
        return _("proven: its score lies between {low} and {high}", low=low, high=high)
    return _("its score may lie between {low} and {high}: not proven within its points", low=low, high=high)
