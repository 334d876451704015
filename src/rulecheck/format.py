"""Print expressions and values the way an analyst writes them: ≥, ×, 95%, Chinese names.

Used by explanations (a formula with its values filled in) and, later, by the formatter.
"""

from __future__ import annotations

import re
from decimal import Decimal

from . import ast

OP_SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", ">=": "≥", "<=": "≤", ">": ">", "<": "<",
              "=": "=", "!=": "≠"}
PRECEDENCE = {"or": 1, "and": 2, "not": 3, "compare": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7, "atom": 8}
BARE_NAME = re.compile(r"(?:[^\W\d]|[“‘《])[\w“”‘’《》]*\Z")
SHOWN_DECIMALS = 6
LARGEST_SHOWN_DIGITS = 21  # larger values show as 1.5E+30: 21 digits + 6 decimals fit a 28-digit context


def format_number(value: Decimal) -> str:
    """A decimal without trailing zeros; long expansions shown to 6 places with '…'."""
    if not value.is_finite() or value.adjusted() >= LARGEST_SHOWN_DIGITS:
        return str(value.normalize()) if value.is_finite() else str(value)  # 1E+40, NaN
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    text = format(value.normalize(), "f")
    decimals = text.split(".")[1]
    if len(decimals) > SHOWN_DECIMALS:
        shown = value.quantize(Decimal(1).scaleb(-SHOWN_DECIMALS))
        if shown.is_zero():  # 1E-30, not 0…
            return str(value.normalize())
        return format(shown.normalize(), "f") + "…"
    return text


def format_percent(value: Decimal) -> str:
    return format_number(value * 100) + "%"


def format_value(value, kind: str | None = None) -> str:
    """A fact or computed value; kind 'percent' shows 0.9729 as 97.29%."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if kind == "percent":
        return format_percent(value)
    return format_number(value)


def format_name(name: str) -> str:
    return name if BARE_NAME.match(name) else f'"{name}"'


def format_literal(number: ast.Number) -> str:
    return format_percent(number.value) if number.is_percent else format_number(number.value)


def format_expr(expr, values: dict | None = None, kinds: dict | None = None) -> str:
    """The expression's text; with `values`, each name is replaced by its value."""
    return _fmt(expr, values, kinds or {})[0]


def _fmt(expr, values, kinds) -> tuple[str, int]:
    if isinstance(expr, ast.Number):
        return format_literal(expr), PRECEDENCE["atom"]
    if isinstance(expr, ast.Ref):
        if values is not None and expr.name in values:
            return format_value(values[expr.name], kinds.get(expr.name)), PRECEDENCE["atom"]
        return format_name(expr.name), PRECEDENCE["atom"]
    if isinstance(expr, ast.GradeValue):
        return format_name(expr.value), PRECEDENCE["atom"]
    if isinstance(expr, ast.TotalScore):
        return "total", PRECEDENCE["atom"]
    if isinstance(expr, ast.Call):
        return f"{expr.function}({', '.join(_fmt(a, values, kinds)[0] for a in expr.args)})", PRECEDENCE["atom"]
    if isinstance(expr, ast.Negate):
        return "−" + _wrap(expr.operand, PRECEDENCE["neg"], values, kinds), PRECEDENCE["neg"]
    if isinstance(expr, ast.Not):
        return "not " + _wrap(expr.operand, PRECEDENCE["not"], values, kinds), PRECEDENCE["not"]
    if isinstance(expr, ast.Binary):
        level = PRECEDENCE[expr.op]
        left = _wrap(expr.left, level, values, kinds)
        # a − (b − c) and a ÷ (b × c) need their parentheses: the right side binds tighter.
        right = _wrap(expr.right, level + (1 if expr.op in "-/" else 0), values, kinds)
        return f"{left} {OP_SYMBOLS[expr.op]} {right}", level
    if isinstance(expr, ast.Compare):
        level = PRECEDENCE["compare"]
        parts = [_wrap(expr.operands[0], level + 1, values, kinds)]
        for op, operand in zip(expr.ops, expr.operands[1:]):
            parts += [OP_SYMBOLS[op], _wrap(operand, level + 1, values, kinds)]
        return " ".join(parts), level
    if isinstance(expr, ast.BoolOp):
        level = PRECEDENCE[expr.op]
        return f" {expr.op} ".join(_wrap(o, level + 1, values, kinds) for o in expr.operands), level
    raise AssertionError(expr)


def _wrap(expr, level, values, kinds) -> str:
    text, own = _fmt(expr, values, kinds)
    return f"({text})" if own < level else text


def format_condition(condition, subject=None) -> str:
    """A band row's condition, leaving out the table's subject where the row did (≥ 95%)."""
    if condition is None:
        return "otherwise"
    if (subject is not None and isinstance(condition, ast.Compare) and len(condition.ops) == 1
            and condition.operands[0] == subject):
        right = condition.operands[1]
        if isinstance(right, ast.GradeValue) and condition.ops[0] == "=":
            return format_name(right.value)
        return f"{OP_SYMBOLS[condition.ops[0]]} {format_expr(right)}"
    return format_expr(condition)
