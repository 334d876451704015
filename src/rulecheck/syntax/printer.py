"""Print expressions and values the way an analyst writes them: ≥, ×, 95%, Chinese names.

Used by explanations and messages (`format_expr`: a formula, with its values filled in) and by the
layout of rule files (`format_source`: text that parses back to the same tree).
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TypeGuard

from .. import numbers
from ..dates import format_date
from ..i18n import _
from ..language import ARITHMETIC, COMPARISONS, PRECEDENCE
from . import ast

OP_SYMBOLS = {a.op: a.shown for a in ARITHMETIC.values()} | {c.op: c.shown for c in COMPARISONS.values()}
# Rule files divide with '/', as the source documents write a ratio (已完成项目数/计划完成项目总数×6分).
SOURCE_SYMBOLS = OP_SYMBOLS | {a.op: a.source for a in ARITHMETIC.values()}
BARE_NAME = re.compile(r"(?:[^\W\d]|[“‘《])[\w“”‘’《》]*\Z")
SHOWN_DECIMALS = 6
LARGEST_SHOWN_DIGITS = 21  # larger values show as 1.5E+30: 21 digits + 6 decimals fit a 28-digit context


def format_number(value: numbers.Number) -> str:
    """A decimal without trailing zeros; long expansions shown to 6 places with '…', and so is an exact
    fraction whose expansion never ends (30 ÷ 31 = 0.967742…).

    What is shown depends on the value alone (1.00 and 1 both show as 1). A decimal of the usual kind (a
    score, a fact, a threshold: at most 6 places and no exponent in its text) is its own text without
    trailing zeros: found so, it costs less than looking it up would (hashing a new Decimal costs more than
    formatting it)."""
    if type(value) is Decimal and value.is_finite() and value.adjusted() < LARGEST_SHOWN_DIGITS:
        text = str(value)
        if "E" not in text:
            point = text.find(".")
            if point < 0:
                return text
            text = text.rstrip("0")
            if len(text) - point <= SHOWN_DECIMALS + 1:  # (else shown to 6 places, with '…')
                return text[:-1] if len(text) == point + 1 else text
    return _format_number(value)


def _format_number(value: numbers.Number) -> str:
    if isinstance(value, numbers.Ratio):
        return _format_ratio(value)
    # every step in a context of its own, so that neither the caller's precision nor a value of many
    # digits changes what is shown
    context = numbers.QUANTIZE
    if not value.is_finite() or value.adjusted() >= LARGEST_SHOWN_DIGITS:
        return str(value.normalize(context)) if value.is_finite() else str(value)  # 1E+40, NaN
    if value == value.to_integral_value(context=context):
        return str(value.quantize(Decimal(1), context=context))
    if value.adjusted() < -SHOWN_DECIMALS:  # 1E-30 (and 1E-999999999 without writing its billion zeros)
        return str(value.normalize(context))
    text = format(value.normalize(context), "f")
    decimals = text.split(".")[1]
    if len(decimals) > SHOWN_DECIMALS:
        shown = value.quantize(Decimal(1).scaleb(-SHOWN_DECIMALS), rounding=ROUND_HALF_EVEN, context=context)
        if shown.is_zero():  # 1E-30, not 0…
            return str(value.normalize(context))
        return format(shown.normalize(context), "f") + "…"
    return text


SHOWN_SCALE = 10 ** SHOWN_DECIMALS
LARGEST_SHOWN = 10 ** (LARGEST_SHOWN_DIGITS + SHOWN_DECIMALS)  # a value shown to 6 places from 10²¹ up: 1.5E+30…


def _format_ratio(value: numbers.Ratio, scale: int = 1) -> str:
    """`value` × `scale` (100 for a percentage) rounded half-even to 6 places, with '…': by integer
    arithmetic, as the digits are (an explanation shows a ratio or two per line of derived values)."""
    shown, twice = divmod(value.numerator * scale * SHOWN_SCALE, value.denominator)
    twice *= 2  # twice the remainder, against the denominator: above half, or half and odd, rounds up
    if twice > value.denominator or (twice == value.denominator and shown & 1):
        shown += 1
    if not shown or abs(shown) >= LARGEST_SHOWN:  # 3.333333E-10…, 3.333333E+25…
        scaled = numbers.multiply(value, Decimal(scale)) if scale != 1 else value
        return str(numbers.approximate(scaled, SHOWN_DECIMALS + 1)) + "…"
    whole, decimals = divmod(abs(shown), SHOWN_SCALE)
    sign = "-" if shown < 0 else ""
    return f"{sign}{whole}.{decimals:06d}".rstrip("0").rstrip(".") + "…"


def format_percent(value: numbers.Number) -> str:
    if type(value) is numbers.Ratio:  # never terminates, in percent either
        return _format_ratio(value, 100) + "%"
    if type(value) is Decimal and value.is_finite() and value.adjusted() < LARGEST_SHOWN_DIGITS:
        # × 100 exactly, by the exponent (what is shown depends on the value alone, not on its zeros)
        return format_number(value.scaleb(2, numbers.QUANTIZE)) + "%"
    return format_number(numbers.multiply(value, Decimal(100))) + "%"


def format_value(value, kind: str | None = None, spoken: bool = False) -> str:
    """A fact or computed value; kind 'percent' shows 0.9729 as 97.29%. A boolean is `true`/`false` as
    facts files and rule text write it, or with `spoken` (an explanation) the word of the current
    language (是/否 in Chinese)."""
    if type(value) is Decimal and kind != "date":  # most values an explanation shows: a number
        return format_percent(value) if kind == "percent" else format_number(value)
    if isinstance(value, bool):
        if spoken:
            # TRANSLATORS: a yes/no fact or value in an explanation: 是 / 否
            return _("true") if value else _("false")
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if kind == "percent":
        return format_percent(value)
    if kind == "date":
        return format_date(value)
    return format_number(value)


def format_name(name: str) -> str:
    return name if BARE_NAME.match(name) else f'"{name}"'


def format_literal(number: ast.Number) -> str:
    if number.is_date:
        return format_date(number.value)
    return format_percent(number.value) if number.is_percent else format_number(number.value)


@functools.cache
def keywords() -> frozenset:
    """The words of the grammar (and, per, floor, otherwise, …): a name spelled like one is quoted in
    rule-file text, since where the keyword may stand the lexer reads the keyword."""
    from .grammar import grammar_text
    text = re.sub(r"//[^\n]*", "", grammar_text())
    return frozenset(word for word in re.findall(r'"([^"\\]+)"', text) if BARE_NAME.match(word))


def format_source_name(name: str) -> str:
    """A name as rule-file text: bare where the grammar reads it back as that name, else quoted."""
    return f'"{name}"' if name in keywords() else format_name(name)


def format_source_number(value: Decimal, is_percent: bool = False) -> str:
    """A number as rule-file text, exactly: the digits a Decimal holds (1.50 stays 1.50, never
    rounded or shown as 1.5E+3), 95% for a percent's 0.95, − for a negative domain bound."""
    text = format(value.scaleb(2) if is_percent else value, "f")
    return text.replace("-", "−") + ("%" if is_percent else "")


def format_rounding(rounding: ast.Rounding) -> str:
    """The `rounding` line as rule-file text: '1 decimal' for one, 'N decimals' otherwise (the file may
    write either word; the keywords stay English in any language, like every keyword)."""
    word = "decimal" if rounding.decimals == 1 else "decimals"
    return f"rounding {rounding.decimals} {word} {rounding.mode}"


def format_expr(expr, values: Mapping | None = None, kinds: dict | None = None) -> str:
    """The expression's text; with `values`, each name is replaced by its value (a boolean in the words
    of the current language: the text is shown to a reader, never parsed)."""
    return _fmt(expr, _shown_values(values, kinds or {}) if values is not None else None, False)[0]


def _shown_values(values, kinds: dict) -> Callable[[str], str | None]:
    """How a name is filled in: its value as the reader sees it, or None (its name) if it has none."""
    def shown(name: str) -> str | None:
        return format_value(values[name], kinds.get(name), spoken=True) if name in values else None
    return shown


SLOT = "\ufdd0"  # a noncharacter, never in rule text: marks where a value goes in an expression's template


def template_pieces(expr, kinds: dict) -> tuple[str, list[tuple[str, str, str | None, str]]] | None:
    """format_expr(expr, ·, kinds) laid out: its text before the first name, and each name's (name, text
    shown without a value, kind, text after it); None when the text holds the marker itself."""
    names: list[str] = []

    def slot(name: str) -> str:
        names.append(name)
        return SLOT
    pieces = _fmt(expr, slot, False)[0].split(SLOT)
    if len(pieces) != len(names) + 1:
        return None
    return pieces[0], list(zip(names, [format_name(name) for name in names], [kinds.get(name) for name in names],
                               pieces[1:]))


def expr_template(expr, kinds: dict) -> Callable[..., str]:
    """format_expr(expr, ·, kinds) as a function of the values alone: the expression's text is laid out
    once, and only the values are filled in at each call (an explanation shows the same formula for
    every department). Gives exactly what format_expr gives. `shown`, when given, keeps each name's
    value as shown (name → text, for values shown with `kinds`), so that the lines of one department's
    explanation format each value once."""
    laid_out = template_pieces(expr, kinds)
    if laid_out is None:  # the marker in the text itself: lay it out each time instead
        return lambda values: format_expr(expr, values, kinds)
    first, rest = laid_out

    def fill(values: Mapping, shown: dict | None = None) -> str:
        text = first
        for name, shown_name, kind, after in rest:
            if name not in values:  # a derived value not computed: its name
                text += shown_name + after
            elif shown is None:
                text += format_value(values[name], kind, spoken=True) + after
            else:
                value = shown.get(name)
                if value is None:
                    value = shown[name] = format_value(values[name], kind, spoken=True)
                text += value + after
        return text
    return fill


# {value!r}, {value!s}, {value!a}: the conversions str.format applies
CONVERSIONS: dict[str, Callable[[object], str]] = {"r": repr, "s": str, "a": ascii}


def prefilled(template: str, slots: tuple[str, ...] = (), **fields: object) -> str:
    """A translated message with its `fields` filled in once and its `slots` left as positional
    placeholders ({0}, {1}, … in the order of `slots`, wherever the translation puts them): what
    `template.format(**fields, **slot_values)` gives is then `prefilled(…).format(*slot_values)`, for an
    explanation line whose rule text is the same for every department and whose values are not."""
    def escaped(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")
    text = ""
    for literal, field, spec, conversion in string.Formatter().parse(template):
        text += escaped(literal)
        if field is None:
            continue
        if field in fields:
            value = CONVERSIONS[conversion](fields[field]) if conversion else fields[field]
            text += escaped(format(value, spec or ""))
        else:
            text += ("{" + str(slots.index(field)) + ("!" + conversion if conversion else "")
                     + (":" + spec if spec else "") + "}")
    return text


def format_source(expr, level: int = 0) -> str:
    """The expression as rule-file text that parses back to the same tree: numbers exact, keywords
    quoted, '/' for '÷', and parentheses around a right operand of its own level too (a + (b + c),
    which the parser keeps apart from a + b + c). `level` is the precedence the context needs
    (PRECEDENCE["+"] after the comparison of a band row written without its subject)."""
    text, own = _fmt(expr, None, True)
    return f"({text})" if own < level else text


def _fmt(expr, values, source) -> tuple[str, int]:
    """The text of `expr` and its precedence; `source` picks rule-file text over display text, and
    `values(name)`, when given, the text shown for a name (None: the name itself)."""
    if isinstance(expr, ast.Number):
        if source and not expr.is_date:
            return format_source_number(expr.value, expr.is_percent), PRECEDENCE["atom"]
        return format_literal(expr), PRECEDENCE["atom"]
    name = format_source_name if source else format_name
    if isinstance(expr, ast.Ref):
        shown = values(expr.name) if values is not None else None
        return (name(expr.name) if shown is None else shown), PRECEDENCE["atom"]
    if isinstance(expr, ast.GradeValue):
        return name(expr.value), PRECEDENCE["atom"]
    if isinstance(expr, ast.TotalScore):
        return "total", PRECEDENCE["atom"]
    if isinstance(expr, ast.Call):
        args = ", ".join(_fmt(a, values, source)[0] for a in expr.args)
        return f"{expr.function}({args})", PRECEDENCE["atom"]
    if isinstance(expr, ast.Negate):
        return "−" + _wrap(expr.operand, PRECEDENCE["neg"], values, source), PRECEDENCE["neg"]
    if isinstance(expr, ast.Not):
        return "not " + _wrap(expr.operand, PRECEDENCE["not"], values, source), PRECEDENCE["not"]
    if isinstance(expr, ast.Binary):
        level = PRECEDENCE[expr.op]
        left = _wrap(expr.left, level, values, source)
        # a − (b − c) and a ÷ (b × c) need their parentheses: the right side binds tighter. In
        # rule-file text a + (b + c) keeps them too, to parse back to the same tree.
        tighter = source or expr.op in "-/"
        right = _wrap(expr.right, level + (1 if tighter else 0), values, source)
        return f"{left} {(SOURCE_SYMBOLS if source else OP_SYMBOLS)[expr.op]} {right}", level
    if isinstance(expr, ast.Compare):
        level = PRECEDENCE["compare"]
        parts = [_wrap(expr.operands[0], level + 1, values, source)]
        for op, operand in zip(expr.ops, expr.operands[1:]):
            parts += [OP_SYMBOLS[op], _wrap(operand, level + 1, values, source)]
        return " ".join(parts), level
    if isinstance(expr, ast.BoolOp):
        level = PRECEDENCE[expr.op]
        return f" {expr.op} ".join(_wrap(o, level + 1, values, source) for o in expr.operands), level
    raise AssertionError(expr)


def _wrap(expr, level, values, source) -> str:
    text, own = _fmt(expr, values, source)
    return f"({text})" if own < level else text


def format_band(band: ast.Band, subject=None) -> str:
    """A band row as the analyst reads it: '≥ 95% → 6' (the table's subject left out)."""
    return f"{format_condition(band.condition, subject)} → {format_expr(band.points)}"


def format_item(item: ast.ChecklistItem) -> str:
    """A checklist item: '含可量化指标 → 1'."""
    return f"{format_expr(item.condition)} → {format_expr(item.points)}"


def format_grade_row(row: ast.GradeBand) -> str:
    """A row of 'grades:': '≥ 90 → 优'."""
    return f"{format_grade_condition(row.condition)} → {format_name(row.grade)}"


def format_grade_condition(condition, show_threshold=None, show=None) -> str:
    """A grade row's condition with the total left out: '≥ 90', '≥ 90 and not 发生安全事故', or a
    condition on the inputs alone ('存在重大违规问题'); `show_threshold` and `show` print the threshold and the
    rest (format_expr for explanations, format_source for the file's own layout)."""
    show_threshold, show = show_threshold or format_expr, show or format_expr
    if condition is None:
        return "otherwise"
    total, rest = split_grade_condition(condition)
    parts = [f"{OP_SYMBOLS[total.ops[0]]} {show_threshold(total.operands[1])}"] if total is not None else []
    if rest is not None:
        text = show(rest)
        parts.append(f"({text})" if parts and isinstance(rest, ast.BoolOp) and rest.op == "or" else text)
    return " and ".join(parts)


def split_grade_condition(condition) -> tuple[ast.Compare | None, ast.Expr | None]:
    """A grade row's comparison of the total ('≥ 90', None if the row compares no total) and its
    conditions on the inputs (None if it reads the total only): '≥ 90 and not 发生安全事故' gives both."""
    if is_total_compare(condition):
        return condition, None
    if isinstance(condition, ast.BoolOp) and condition.op == "and" and is_total_compare(condition.operands[0]):
        rest = condition.operands[1:]
        return condition.operands[0], rest[0] if len(rest) == 1 else ast.BoolOp("and", rest, condition.span)
    return None, condition


def reads_inputs(row: ast.GradeBand) -> bool:
    """Whether a grade row's condition reads inputs besides the total ('存在重大违规问题 → 差', '≥ 90 and not
    发生安全事故 → 优'): such a row may or may not match a given total."""
    return row.condition is not None and split_grade_condition(row.condition)[1] is not None


def is_total_compare(condition) -> TypeGuard[ast.Compare]:
    """Whether a condition is one comparison of the total: 'total ≥ 90', written '≥ 90'."""
    return (isinstance(condition, ast.Compare) and len(condition.ops) == 1
            and isinstance(condition.operands[0], ast.TotalScore))


def format_deduct(step: ast.Deduct | ast.Award, show=None) -> str:
    """'deduct AMOUNT per [UNIT of] QUANTITY [above|below THRESHOLD]' (or 'award …' for an award line),
    each part printed by `show` (format_expr for explanations, format_source for the file's own layout)."""
    show = show or format_expr
    keyword = "award" if isinstance(step, ast.Award) else "deduct"
    text = f"{keyword} {show(step.amount)} per "
    if step.unit is not None:
        text += f"{show(step.unit)} of "
    text += show(step.quantity)
    if step.threshold is not None:
        text += f" {step.direction} {show(step.threshold)}"
    return text


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
