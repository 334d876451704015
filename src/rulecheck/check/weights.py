"""Weights: every group's children, every composite's parts and every checklist add up to its points."""

from __future__ import annotations

from decimal import Decimal

from ..diagnostics import Diagnostic, error, warning
from ..i18n import _
from ..syntax import ast


def check_weights(program: ast.Program) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    # Findings about the header point at the 'framework' line when there is one.
    header = program.name.span if program.name is not None else None
    if program.nodes and program.total is None:
        diagnostics.append(error("E403", _("the framework declares no total"), header,
                                 _("add a line 'total 100' (the framework's maximum score) near the top of "
                                   "the file"), where=program.file))
    elif program.total is not None and not program.nodes:
        diagnostics.append(error("E401", _("the framework's total is {total} but it has no groups or indicators",
                                                 total=program.total.value), program.total.span,
                                 _("add the indicator tree, e.g. 'group 部门决策 (20):' with its indicators")))
    elif program.total is not None:
        target = program.total.value
        _sum_matches(lambda total: _("the top-level groups add up to {total}, not the total {target}",
                                     total=total, target=target),
                     [n for n in program.nodes if not (isinstance(n, ast.Group) and n.is_block)], target,
                     program.total.span, diagnostics)
        diagnostics += _total_cap(program)
    if program.nodes and program.rounding is None:
        diagnostics.append(warning("W401", _("the framework declares no rounding; scores are rounded to 2 "
                                     "decimals half-up"), header,
                                   _("add a line 'rounding 2 decimals half-up'"), where=program.file))
    for item, __ in ast.iter_nodes(program.nodes):
        if item.points <= 0:
            diagnostics.append(error("E404", _("'{name}' is worth {points} points", name=item.name,
                                                     points=item.points), item.span,
                                     _("give it a positive number of points")))
        if isinstance(item, ast.Group) and item.is_block:
            diagnostics += _block_cap(item)
        elif isinstance(item, ast.Group):
            _sum_matches(lambda total, item=item: _("the children of '{name}' add up to {total}, not the group's "
                                                    "{points} points", name=item.name, total=total,
                                                    points=item.points),
                         item.children, item.points, item.span, diagnostics)
        elif item.parts:
            _sum_matches(lambda total, item=item: _("the parts of '{name}' add up to {total}, not the indicator's "
                                                    "{points} points", name=item.name, total=total,
                                                    points=item.points),
                         item.parts, item.points, item.span, diagnostics)
        for name, points, rule in ast.indicator_rules(item) if isinstance(item, ast.Indicator) else ():
            if isinstance(rule, ast.Checklist):
                values = [i.points.value for i in rule.items if isinstance(i.points, ast.Number)]
                if len(values) == len(rule.items) and sum(values, Decimal(0)) != points:
                    diagnostics.append(error(
                        "E402", _("the checklist items of '{name}' add up to {total}, not its {points} points",
                                  name=name, total=sum(values, Decimal(0)), points=points), rule.span,
                        _("make the items' points add up to the maximum")))
    return diagnostics


def _sum_matches(message, children, points, span, diagnostics) -> None:
    """E401 when `children`'s points do not add up to `points`; `message(total)` says so."""
    total = sum((c.points for c in children), Decimal(0))
    if total != points:
        if len(children) > 1:
            listed = " + ".join(f"{c.name} {c.points}" for c in children) + f" = {total}"
        else:
            listed = _("the only one, {name}, is worth {points}", name=children[0].name, points=children[0].points)
        diagnostics.append(error("E401", message(total), span,
                                 _("{listed}; change a weight or the maximum", listed=listed)))


def _block_cap(block: ast.Group) -> list[Diagnostic]:
    """W402 when a bonus or penalty block's cap is more than its indicators can give or take away: the
    cap never binds, which is usually a typo in the cap or a forgotten indicator. (Indicators adding up
    to more than the cap are the point of a cap: 每项加 2 分, 加分最高 5 分.)"""
    total = sum((c.points for c in block.children), Decimal(0))
    if total >= block.points:
        return []
    if block.kind == "bonus":
        message = _("the bonus block '{name}' is capped at {cap} points, but its indicators add up to only {total}: "
                    "the cap never applies", name=block.name, cap=block.points, total=total)
    else:
        message = _("the penalty block '{name}' takes at most {cap} points, but its indicators can lose only {total}: "
                    "the cap never applies", name=block.name, cap=block.points, total=total)
    return [warning("W402", message, block.span,
                    _("correct the cap, or add the indicators the source lists under it"))]


def _total_cap(program: ast.Program) -> list[Diagnostic]:
    """E405 for a total cap below the total (a department with full marks would lose points); W403 for a
    cap with no bonus block (nothing can lift the total above the total, so the cap does nothing)."""
    assert program.total is not None
    cap, total = program.total.cap, program.total.value
    if cap is None:
        return []
    if cap < total:
        return [error("E405", _("the total is capped at {cap}, below the total {total}: a department with full "
                                "marks would lose points", cap=cap, total=total), program.total.span,
                      _("write a cap of at least {total}: 'total {total} cap {total}' (总分最高 {total} 分)",
                        total=total))]
    if not any(isinstance(n, ast.Group) and n.kind == "bonus" for n in program.nodes):
        return [warning("W403", _("the total is capped at {cap}, but the framework has no bonus block to lift it "
                                  "above {total}", cap=cap, total=total), program.total.span,
                        _("add the 'bonus' block the cap is for, or remove 'cap {cap}'", cap=cap))]
    return []
