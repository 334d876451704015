"""Types and units: numbers are added, compared and scored only where their units agree.

Units: `ratio` (percentages and ratios of like quantities), `count`, `amount` (money), `points`
(assessed scores); a plain literal (6, 0.1) takes the unit of what it meets. Booleans are
conditions, grades are compared with their own values by = and ≠ only.
"""

from __future__ import annotations

import attrs

from ..diagnostics import Diagnostic, error
from ..language import ARITHMETIC, BUILTINS, COMPARISONS
from ..syntax import ast
from ..syntax.printer import format_number
from .lets import ordered_lets
from .names import Symbols

UNIT_WORDS = {"ratio": "a percentage or ratio", "count": "a count", "amount": "an amount of money",
              "points": "points", None: "a number"}
INPUT_UNITS = {"number": None, "count": "count", "amount": "amount", "percent": "ratio", "score": "points"}


def unit_hint(units: set, what: str) -> str:
    """How to make two different kinds of quantity agree, for the operation `what` describes."""
    if "deduction" in what:
        return "give the unit and the threshold in the quantity's own kind: 'per 1% of' a ratio and " \
               "'above 10%', 'per 10 of' an amount and 'above 100'"
    if "ratio" in units and what == "this compares":
        return "compare a ratio with a percentage ('≥ 95%'); to compare counts or amounts, make both sides " \
               "counts or amounts, or divide one by the other to get a ratio"
    if units == {"points", "ratio"}:
        return "a ratio and points do not add up: score each in its own part ('part …') of the indicator"
    if "ratio" in units:
        return "add like to like: a ratio to a ratio, a count to a count; divide a count by a count to get a ratio"
    return "make both sides the same kind of quantity, e.g. divide a count by a count to get a ratio"


@attrs.frozen
class Type:
    kind: str  # "number", "bool", "grade", or "error" (already reported)
    unit: str | None = None
    grade: str | None = None

    def describe(self) -> str:
        if self.kind == "number":
            return UNIT_WORDS[self.unit]
        if self.kind == "grade":
            return f"a value of the grade '{self.grade}'"
        return "a condition (true or false)" if self.kind == "bool" else "an invalid value"


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
            self.report("E301", f"{where} needs a number, but this is {found.describe()}", expr.span,
                        self.hint_for(found))
            return ERROR
        return found

    def condition(self, expr, where: str) -> None:
        found = self.of(expr)
        if found.kind not in ("bool", "error"):
            self.report("E301", f"{where} needs a condition, but this is {found.describe()}", expr.span,
                        "compare it with something, e.g. '≥ 95%', or use a bool input")

    @staticmethod
    def hint_for(found: Type) -> str | None:
        if found.kind == "bool":
            return "a bool input counts in a checklist: 'NAME → 1'"
        if found.kind == "grade":
            return "score a grade with a band table: 'bands NAME:' and one row per value"
        return None

    def unify(self, types, exprs, what: str) -> Type:
        """The common unit of operands that must agree (added, compared, min/max…)."""
        unit = None
        for found, expr in zip(types, exprs):
            if found.kind == "error":
                return ERROR
            if found.unit is None:
                continue
            if unit is None:
                unit = found.unit
            elif unit != found.unit:
                self.report("E302", f"{what} {UNIT_WORDS[unit]} and {UNIT_WORDS[found.unit]}", expr.span,
                            unit_hint({unit, found.unit}, what))
                return ERROR
        return Type("number", unit)

    def type_Binary(self, expr: ast.Binary) -> Type:
        symbol = ARITHMETIC[expr.op].word
        left, right = self.number(expr.left, symbol), self.number(expr.right, symbol)
        if ERROR in (left, right):
            return ERROR
        if expr.op in "+-":
            verb = "adds" if expr.op == "+" else "subtracts"
            return self.unify((left, right), (expr.left, expr.right), f"this {verb}")
        if expr.op == "*":
            if left.unit in (None, "ratio"):
                return right if left.unit is None or right.unit is not None else left
            if right.unit in (None, "ratio"):
                return left
            self.report("E302", f"this multiplies {UNIT_WORDS[left.unit]} by {UNIT_WORDS[right.unit]}",
                        expr.span, "multiply a quantity by a plain number or a percentage")
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
                self.report("E301", "this compares values of two different grades", expr.span,
                            "compare a grade with one of its own values, e.g. 'NAME = VALUE'")
            bad = [op for op in expr.ops if COMPARISONS[op].ordered]
            if bad:
                self.report("E301", "grades have no order: compare a grade with '=' or '≠'", expr.span,
                            "list the values in a band table instead")
            return BOOL
        if kinds == {"bool"} and not any(COMPARISONS[op].ordered for op in expr.ops):
            return BOOL
        if kinds != {"number"}:
            odd = next(t for t in types if t.kind != "number")
            offender = expr.operands[types.index(odd)]
            self.report("E301", f"cannot compare {odd.describe()} with a number", offender.span,
                        self.hint_for(odd))
            return BOOL
        self.unify(types, expr.operands, "this compares")
        return BOOL

    def type_Call(self, expr: ast.Call) -> Type:
        builtin = BUILTINS.get(expr.function)  # None: unknown, E203 from name resolution
        if builtin is not None and not builtin.low <= len(expr.args) <= (builtin.high or len(expr.args)):
            low = builtin.low
            self.report("E303", f"{expr.function}() takes {builtin.arity()} argument{'s' if low != 1 else ''}, "
                        f"got {len(expr.args)}", expr.span, f"write it as {builtin.usage}")
            return ERROR
        types = [self.number(a, f"{expr.function}()") for a in expr.args]
        if builtin is not None and builtin.units == "first":
            return types[0]
        return self.unify(types, expr.args, f"{expr.function}() mixes")


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
                checker.report("E301", f"'{let.name}' is declared {declared.describe()} but its formula gives "
                               f"{found.describe()}", let.span,
                               f"declare it 'let {let.name}: {keyword} = …', or correct the formula" if keyword
                               else "correct the formula or the declared type")
            else:
                found = declared
        checker.let_types[let.name] = found
    for band in program.grades:
        if band.condition is not None:
            checker.of(band.condition)
    for item, _ in ast.iter_nodes(program.nodes):
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
        diagnostics.append(error("E304", f"the assessed score '{decl.name}' has no range", decl.span,
                                 f"write its range: '{decl.name}: score from 0 to 5'"))
    if kind in ("bool", "grade") and decl.low is not None:
        diagnostics.append(error("E304", f"a {kind} input has no numeric range", decl.low.span,
                                 "remove the 'from … to …' (or 'above …')"))
    for bound in (decl.low, decl.high):
        if bound is None:
            continue
        if bound.is_percent and kind != "percent":
            diagnostics.append(error("E302", f"the {kind} input '{decl.name}' has a percentage bound", bound.span,
                                     "write the bound as a plain number, or declare the input as percent"))
        elif kind == "percent" and not bound.is_percent:
            value = format_number(bound.value)
            hint = (f"write it as a percentage: {format_number(bound.value * 100)}% if {value} is a "
                    f"fraction of 1, {value}% if it is already in percent" if 0 < bound.value <= 1 else
                    f"write it as a percentage, e.g. {value}%")
            diagnostics.append(error("E104", f"the percent input '{decl.name}' has a bound without '%'",
                                     bound.span, hint))
    if decl.low is not None and decl.high is not None and (
            decl.low.value >= decl.high.value if decl.low_exclusive else decl.low.value > decl.high.value):
        diagnostics.append(error("E304", f"the range of '{decl.name}' is empty: from is above to", decl.span,
                                 "swap the two bounds"))


def check_indicator(indicator: ast.Indicator, checker: TypeChecker) -> None:
    if indicator.rule is None and not indicator.parts:
        checker.report("E305", f"indicator '{indicator.name}' has no rule", indicator.span,
                       "give it a formula, bands, checklist, deduct lines, assessed score or parts")
    for name, points, rule in ast.indicator_rules(indicator):
        check_rule(name, points, rule, checker)


def check_rule(name: str, points, rule, checker: TypeChecker) -> None:
    def score(expr, what):
        found = checker.number(expr, what)
        if found.kind == "number" and found.unit in ("count", "amount"):
            checker.report("E302", f"{what} is {UNIT_WORDS[found.unit]}, not points", expr.span,
                           "divide by a quantity of the same kind to get a ratio, then multiply by the points")

    if isinstance(rule, ast.Formula):
        score(rule.expr, f"the formula of '{name}'")
    elif isinstance(rule, ast.Assessed):
        decl = checker.symbols.inputs.get(rule.input.name)
        if decl is not None and decl.type.kind != "score":
            checker.report("E305", f"'assessed' reads a score input, but '{decl.name}' is a {decl.type.kind}",
                           rule.input.span, f"declare it as '{decl.name}: score from 0 to {points}'")
        elif decl is not None and decl.high is not None and decl.high.value > points:
            checker.report("E305", f"the assessed score '{decl.name}' goes up to {decl.high.value}, above the "
                           f"{points} points of '{name}'", rule.input.span,
                           f"declare its range as 'from 0 to {points}'")
    elif isinstance(rule, ast.Bands):
        if rule.subject is not None:
            checker.of(rule.subject)
        for band in rule.bands:
            if band.condition is not None:
                checker.condition(band.condition, "a band")
            score(band.points, "a band's points")
        for band in rule.bands[:-1]:
            if band.condition is None:
                checker.report("E306", "'otherwise' must be the last band", band.span,
                               "move it to the end: rows after it could never match")
    elif isinstance(rule, ast.Checklist):
        for item in rule.items:
            checker.condition(item.condition, "a checklist item")
            score(item.points, "a checklist item's points")
    elif isinstance(rule, ast.Deduction):
        for step in rule.steps:
            score(step.amount, "the deducted amount")
            quantity = checker.number(step.quantity, "'per'")
            related = [e for e in (step.unit, step.threshold) if e is not None]
            if quantity.kind == "number" and related:
                checker.unify([quantity] + [checker.of(e) for e in related], [step.quantity] + related,
                              "this deduction mixes")
        if rule.floor is not None:
            score(rule.floor, "the floor")
