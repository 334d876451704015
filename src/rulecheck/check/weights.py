"""Weights: every group's children, every composite's parts and every checklist add up to its points."""

from __future__ import annotations

from decimal import Decimal

from ..diagnostics import Diagnostic, error, warning
from ..syntax import ast


def check_weights(program: ast.Program) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    # Findings about the header point at the 'framework' line when there is one.
    header = program.name.span if program.name is not None else None
    if program.nodes and program.total is None:
        diagnostics.append(error("E403", "the framework declares no total", header,
                                 "add a line 'total 100' (the framework's maximum score) near the top of "
                                 "the file", where=program.file))
    elif program.total is not None and not program.nodes:
        diagnostics.append(error("E401", f"the framework's total is {program.total.value} but it has no "
                                 "groups or indicators", program.total.span,
                                 "add the indicator tree, e.g. 'group 部门决策 (20):' with its indicators"))
    elif program.total is not None:
        _sum_matches("the top-level groups", program.nodes, program.total.value, program.total.span,
                     f"the total {program.total.value}", diagnostics)
    if program.nodes and program.rounding is None:
        diagnostics.append(warning("W401", "the framework declares no rounding; scores are rounded to 2 "
                                   "decimals half-up", header,
                                   "add a line 'rounding 2 decimals half-up'", where=program.file))
    for item, _ in ast.iter_nodes(program.nodes):
        if item.points <= 0:
            diagnostics.append(error("E404", f"'{item.name}' is worth {item.points} points", item.span,
                                     "give it a positive number of points"))
        if isinstance(item, ast.Group):
            _sum_matches(f"the children of '{item.name}'", item.children, item.points, item.span,
                         f"the group's {item.points} points", diagnostics)
        elif item.parts:
            _sum_matches(f"the parts of '{item.name}'", item.parts, item.points, item.span,
                         f"the indicator's {item.points} points", diagnostics)
        for name, points, rule in ast.indicator_rules(item) if isinstance(item, ast.Indicator) else ():
            if isinstance(rule, ast.Checklist):
                values = [i.points.value for i in rule.items if isinstance(i.points, ast.Number)]
                if len(values) == len(rule.items) and sum(values, Decimal(0)) != points:
                    diagnostics.append(error(
                        "E402", f"the checklist items of '{name}' add up to {sum(values, Decimal(0))}, "
                        f"not its {points} points", rule.span,
                        "make the items' points add up to the maximum"))
    return diagnostics


def _sum_matches(what, children, points, span, target, diagnostics) -> None:
    total = sum((c.points for c in children), Decimal(0))
    if total != points:
        if len(children) > 1:
            listed = " + ".join(f"{c.name} {c.points}" for c in children) + f" = {total}"
        else:
            listed = f"the only one, {children[0].name}, is worth {children[0].points}"
        diagnostics.append(error("E401", f"{what} add up to {total}, not {target}", span,
                                 f"{listed}; change a weight or the maximum"))
