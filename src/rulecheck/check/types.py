"""Types and units: numbers are added, compared and scored only where their units agree.

Units: `ratio` (percentages and ratios of like quantities), `count`, `amount` (money), `points`
(assessed scores); a plain literal (6, 0.1) takes the unit of what it meets. Booleans are
conditions, grades are compared with their own values by = and ≠ only.
"""

from __future__ import annotations

import attrs

from ..diagnostics import Diagnostic, error
from ..i18n import N_, _, ngettext
from ..language import ARITHMETIC, BUILTINS, COMPARISONS
from ..syntax import ast
from ..syntax.printer import format_number
from .lets import ordered_lets
from .names import Symbols

UNIT_WORDS = {"ratio": N_("a percentage or ratio"), "count": N_("a count"), "amount": N_("an amount of money"),
              "points": N_("points"), None: N_("a number")}
# What an operation whose operands must agree says when they do not (E302), by the operation.
MIXES = {
    "adds": N_("this adds {first} and {second}"),
    "subtracts": N_("this subtracts {first} and {second}"),
    "compares": N_("this compares {first} and {second}"),
    "call": N_("{function}() mixes {first} and {second}"),
    "deduction": N_("this deduction mixes {first} and {second}"),
}
SCORED_AS = {
    "count": N_("{what} is a count, not points"),
    "amount": N_("{what} is an amount of money, not points"),
}


def unit_word(unit: str | None) -> str:
    """The kind of quantity `unit` is, in the current language ("a count")."""
    return _(UNIT_WORDS[unit])
INPUT_UNITS = {"number": None, "count": "count", "amount": "amount", "percent": "ratio", "score": "points"}


def unit_hint(units: set, what: str) -> str:
    """How to make two different kinds of quantity agree, for the operation `what` describes."""
    if what == "deduction":
        return _("give the unit and the threshold in the quantity's own kind: 'per 1% of' a ratio and "
                 "'above 10%', 'per 10 of' an amount and 'above 100'")
    if "ratio" in units and what == "compares":
        return _("compare a ratio with a percentage ('≥ 95%'); to compare counts or amounts, make both sides "
                 "counts or amounts, or divide one by the other to get a ratio")
    if units == {"points", "ratio"}:
        return _("a ratio and points do not add up: score each in its own part ('part …') of the indicator")
    if "ratio" in units:
        return _("add like to like: a ratio to a ratio, a count to a count; divide a count by a count to get a "
                 "ratio")
    return _("make both sides the same kind of quantity, e.g. divide a count by a count to get a ratio")


@attrs.frozen
class Type:
    kind: str  # "number", "bool", "grade", or "error" (already reported)
    unit: str | None = None
    grade: str | None = None

    def describe(self) -> str:
        if self.kind == "number":
            return unit_word(self.unit)
        if self.kind == "grade":
            return _("a value of the grade '{grade}'", grade=self.grade)
        return _("a condition (true or false)") if self.kind == "bool" else _("an invalid value")


BOOL = Type("bool")
ERROR = Type("error")
FLEX = Type("number", None)


def input_type(decl: ast.InputDecl) -> Type:
    kind = decl.type.kind
    if kind == "bool":
        return BOOL
    if kind == "grade":
        return Type("grade", grade=decl.name)
    return Type("number", INPUT_UNITS[kind])


@attrs.define
class TypeChecker:
    symbols: Symbols
    diagnostics: list
    let_types: dict = attrs.Factory(dict)

    def report(self, code, message, span, hint=None):
        self.diagnostics.append(error(code, message, span, hint))

    def of(self, expr) -> Type:
        return ast.visit(self, "type", expr)

    def type_Number(self, expr: ast.Number) -> Type:
        return Type("number", "ratio" if expr.is_percent else None)

    def type_TotalScore(self, expr: ast.TotalScore) -> Type:
        return Type("number", "points")

    def type_GradeValue(self, expr: ast.GradeValue) -> Type:
        return Type("grade", grade=expr.grade)

    def type_Ref(self, expr: ast.Ref) -> Type:
        if expr.name in self.symbols.inputs:
            return input_type(self.symbols.inputs[expr.name])
        return self.let_types.get(expr.name, ERROR)

    def type_Negate(self, expr: ast.Negate) -> Type:
        return self.number(expr.operand, "'−'")

    def type_BoolOp(self, expr: ast.BoolOp) -> Type:
        for operand in expr.operands:
            self.condition(operand, f"'{expr.op}'")
        return BOOL

    def type_Not(self, expr: ast.Not) -> Type:
        self.condition(expr.operand, "'not'")
        return BOOL

    def number(self, expr, where: str) -> Type:
        found = self.of(expr)
        if found.kind not in ("number", "error"):
            self.report("E301", _("{where} needs a number, but this is {found}", where=where,
                                  found=found.describe()), expr.span, self.hint_for(found))
            return ERROR
        return found

    def condition(self, expr, where: str) -> None:
        found = self.of(expr)
        if found.kind not in ("bool", "error"):
            self.report("E301", _("{where} needs a condition, but this is {found}", where=where,
                                  found=found.describe()), expr.span,
                        _("compare it with something, e.g. '≥ 95%', or use a bool input"))

    @staticmethod
    def hint_for(found: Type) -> str | None:
        if found.kind == "bool":
            return _("a bool input counts in a checklist: 'NAME → 1'")
        if found.kind == "grade":
            return _("score a grade with a band table: 'bands NAME:' and one row per value")
        return None

    def unify(self, types, exprs, what: str, function: str = "") -> Type:
        """The common unit of operands that must agree (added, compared, min/max…); `what` is the operation,
        a key of MIXES (`function` the name of a function called)."""
        unit = None
        for found, expr in zip(types, exprs):
            if found.kind == "error":
                return ERROR
            if found.unit is None:
                continue
            if unit is None:
                unit = found.unit
            elif unit != found.unit:
                self.report("E302", _(MIXES[what], function=function, first=unit_word(unit),
                                      second=unit_word(found.unit)), expr.span, unit_hint({unit, found.unit}, what))
                return ERROR
        return Type("number", unit)

    def type_Binary(self, expr: ast.Binary) -> Type:
        symbol = ARITHMETIC[expr.op].word
        left, right = self.number(expr.left, symbol), self.number(expr.right, symbol)
        if ERROR in (left, right):
            return ERROR
        if expr.op in "+-":
            verb = "adds" if expr.op == "+" else "subtracts"
            return self.unify((left, right), (expr.left, expr.right), verb)
        if expr.op == "*":
            if left.unit in (None, "ratio"):
                return right if left.unit is None or right.unit is not None else left
            if right.unit in (None, "ratio"):
                return left
            self.report("E302", _("this multiplies {first} by {second}", first=unit_word(left.unit),
                                  second=unit_word(right.unit)),
                        expr.span, _("multiply a quantity by a plain number or a percentage"))
            return ERROR
        if left.unit == right.unit:
            return Type("number", "ratio" if left.unit is not None else None)
        if right.unit in (None, "ratio"):
            return left
        return FLEX  # a per-unit figure, e.g. an amount per person

    def type_Compare(self, expr: ast.Compare) -> Type:
        types = [self.of(o) for o in expr.operands]
        if any(t.kind == "error" for t in types):
            return BOOL
        kinds = {t.kind for t in types}
        if kinds == {"grade"}:
            if len({t.grade for t in types}) > 1:
                self.report("E301", _("this compares values of two different grades"), expr.span,
                            _("compare a grade with one of its own values, e.g. 'NAME = VALUE'"))
            bad = [op for op in expr.ops if COMPARISONS[op].ordered]
            if bad:
                self.report("E301", _("grades have no order: compare a grade with '=' or '≠'"), expr.span,
                            _("list the values in a band table instead"))
            return BOOL
        if kinds == {"bool"} and not any(COMPARISONS[op].ordered for op in expr.ops):
            return BOOL
        if kinds != {"number"}:
            odd = next(t for t in types if t.kind != "number")
            offender = expr.operands[types.index(odd)]
            self.report("E301", _("cannot compare {what} with a number", what=odd.describe()), offender.span,
                        self.hint_for(odd))
            return BOOL
        self.unify(types, expr.operands, "compares")
        return BOOL

    def type_Call(self, expr: ast.Call) -> Type:
        builtin = BUILTINS.get(expr.function)  # None: unknown, E203 from name resolution
        if builtin is not None and not builtin.low <= len(expr.args) <= (builtin.high or len(expr.args)):
            low, got = builtin.low, len(expr.args)
            if low == builtin.high:
                message = ngettext("{function}() takes {count} argument, got {got}",
                                   "{function}() takes {count} arguments, got {got}", low,
                                   function=expr.function, count=low, got=got)
            else:
                message = ngettext("{function}() takes at least {count} argument, got {got}",
                                   "{function}() takes at least {count} arguments, got {got}", low,
                                   function=expr.function, count=low, got=got)
            self.report("E303", message, expr.span, _("write it as {usage}", usage=builtin.usage))
            return ERROR
        types = [self.number(a, f"{expr.function}()") for a in expr.args]
        if builtin is not None and builtin.units == "first":
            return types[0]
        return self.unify(types, expr.args, "call", expr.function)


def check_types(program: ast.Program, symbols: Symbols) -> tuple[dict, list[Diagnostic]]:
    """Check every expression; returns the inferred type of each derived value and the findings."""
    diagnostics: list[Diagnostic] = []
    checker = TypeChecker(symbols, diagnostics)
    for decl in program.inputs:
        check_input(decl, diagnostics)
    for let in ordered_lets(program.lets):
        found = checker.of(let.expr)
        if let.type is not None and found.kind != "error":
            declared = input_type(ast.InputDecl(let.name, let.type))
            if declared.kind != found.kind or (found.unit is not None and declared.unit != found.unit):
                keyword = type_keyword(found)
                checker.report("E301", _("'{name}' is declared {declared} but its formula gives {found}",
                                         name=let.name, declared=declared.describe(), found=found.describe()),
                               let.span,
                               _("declare it 'let {name}: {keyword} = …', or correct the formula", name=let.name,
                                 keyword=keyword) if keyword
                               else _("correct the formula or the declared type"))
            else:
                found = declared
        checker.let_types[let.name] = found
    for band in program.grades:
        if band.condition is not None:
            checker.of(band.condition)
    for item, __ in ast.iter_nodes(program.nodes):
        if isinstance(item, ast.Indicator):
            check_indicator(item, checker)
    return checker.let_types, diagnostics


def type_keyword(found: Type) -> str | None:
    """The rule-file type a derived value of this type is declared with."""
    if found.kind == "number":
        return {None: "number", "ratio": "percent", "count": "count", "amount": "amount",
                "points": "score"}[found.unit]
    return "bool" if found.kind == "bool" else None


def check_input(decl: ast.InputDecl, diagnostics: list[Diagnostic]) -> None:
    kind = decl.type.kind
    if kind == "score" and (decl.low is None or decl.high is None):
        diagnostics.append(error("E304", _("the assessed score '{name}' has no range", name=decl.name), decl.span,
                                 _("write its range: '{name}: score from 0 to 5'", name=decl.name)))
    if kind in ("bool", "grade") and decl.low is not None:
        diagnostics.append(error("E304", _("a {kind} input has no numeric range", kind=kind), decl.low.span,
                                 _("remove the 'from … to …' (or 'above …')")))
    for bound in (decl.low, decl.high):
        if bound is None:
            continue
        if bound.is_percent and kind != "percent":
            diagnostics.append(error("E302", _("the {kind} input '{name}' has a percentage bound", kind=kind,
                                               name=decl.name), bound.span,
                                     _("write the bound as a plain number, or declare the input as percent")))
        elif kind == "percent" and not bound.is_percent:
            value = format_number(bound.value)
            hint = (_("write it as a percentage: {percent}% if {value} is a fraction of 1, {value}% if it is "
                      "already in percent", percent=format_number(bound.value * 100), value=value)
                    if 0 < bound.value <= 1 else _("write it as a percentage, e.g. {value}%", value=value))
            diagnostics.append(error("E104", _("the percent input '{name}' has a bound without '%'", name=decl.name),
                                     bound.span, hint))
    if decl.low is not None and decl.high is not None and (
            decl.low.value >= decl.high.value if decl.low_exclusive else decl.low.value > decl.high.value):
        diagnostics.append(error("E304", _("the range of '{name}' is empty: from is above to", name=decl.name),
                                 decl.span, _("swap the two bounds")))


def check_indicator(indicator: ast.Indicator, checker: TypeChecker) -> None:
    if indicator.rule is None and not indicator.parts:
        checker.report("E305", _("indicator '{name}' has no rule", name=indicator.name), indicator.span,
                       _("give it a formula, bands, checklist, deduct lines, assessed score or parts"))
    for name, points, rule in ast.indicator_rules(indicator):
        check_rule(name, points, rule, checker)


def check_rule(name: str, points, rule, checker: TypeChecker) -> None:
    def score(expr, what):
        found = checker.number(expr, what)
        if found.kind == "number" and found.unit in ("count", "amount"):
            checker.report("E302", _(SCORED_AS[found.unit], what=what), expr.span,
                           _("divide by a quantity of the same kind to get a ratio, then multiply by the points"))

    if isinstance(rule, ast.Formula):
        score(rule.expr, _("the formula of '{name}'", name=name))
    elif isinstance(rule, ast.Assessed):
        decl = checker.symbols.inputs.get(rule.input.name)
        if decl is not None and decl.type.kind != "score":
            checker.report("E305", _("'assessed' reads a score input, but '{name}' is a {kind}", name=decl.name,
                                     kind=decl.type.kind),
                           rule.input.span, _("declare it as '{name}: score from 0 to {points}'", name=decl.name,
                                              points=points))
        elif decl is not None and decl.high is not None and decl.high.value > points:
            checker.report("E305", _("the assessed score '{input}' goes up to {high}, above the {points} points "
                                     "of '{name}'", input=decl.name, high=decl.high.value, points=points, name=name),
                           rule.input.span, _("declare its range as 'from 0 to {points}'", points=points))
    elif isinstance(rule, ast.Bands):
        if rule.subject is not None:
            checker.of(rule.subject)
        for band in rule.bands:
            if band.condition is not None:
                checker.condition(band.condition, _("a band"))
            score(band.points, _("a band's points"))
        for band in rule.bands[:-1]:
            if band.condition is None:
                checker.report("E306", _("'otherwise' must be the last band"), band.span,
                               _("move it to the end: rows after it could never match"))
    elif isinstance(rule, ast.Checklist):
        for item in rule.items:
            checker.condition(item.condition, _("a checklist item"))
            score(item.points, _("a checklist item's points"))
    elif isinstance(rule, ast.Deduction):
        for step in rule.steps:
            score(step.amount, _("the deducted amount"))
            quantity = checker.number(step.quantity, "'per'")
            related = [e for e in (step.unit, step.threshold) if e is not None]
            if quantity.kind == "number" and related:
                checker.unify([quantity] + [checker.of(e) for e in related], [step.quantity] + related,
                              "deduction")
        if rule.floor is not None:
            score(rule.floor, _("the floor"))
