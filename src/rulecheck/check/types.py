"""Types and units: numbers are added, compared and scored only where their units agree.

Units: `ratio` (percentages and ratios of like quantities), `count`, `amount` (money), `points`
(assessed scores), and rates such as `count/amount` (a quantity of one kind per another: not a
ratio); a plain literal (6, 0.1) takes the unit of what it meets. A count, an amount or a rate
multiplied or divided by a plain number is *scaled*: the number may be the points each unit is
worth (`4 × 未完成重点工作数`, `培训人次 / 20`), so a scaled quantity may be a score and a bare one
may not. Booleans are conditions, grades are compared with their own values by = and ≠ only.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from .. import numbers
from ..diagnostics import Diagnostic, error
from ..domains import domain_of
from ..i18n import N_, _, ngettext
from ..language import ARITHMETIC, BUILTINS, COMPARISONS, ROUNDING_FUNCTIONS
from ..records import MutableRecord, Record
from ..syntax import ast
from ..syntax.printer import format_expr, format_number
from .lets import ordered_lets
from .names import Symbols

QUANTITIES = ("count", "amount", "points")  # the kinds a rate divides one by another
UNIT_WORDS = {"ratio": N_("a percentage or ratio"), "count": N_("a count"), "amount": N_("an amount of money"),
              "points": N_("points"), None: N_("a number"),
              "date": N_("a date"), "days": N_("a number of days"),
              "count/amount": N_("a count per unit of money"),
              "amount/count": N_("an amount of money per unit counted"),
              "points/count": N_("points per unit counted"), "count/points": N_("a count per point"),
              "points/amount": N_("points per unit of money"), "amount/points": N_("an amount of money per point")}
# What an operation whose operands must agree says when they do not (E302), by the operation.
MIXES = {
    "adds": N_("this adds {first} and {second}"),
    "subtracts": N_("this subtracts {first} and {second}"),
    "compares": N_("this compares {first} and {second}"),
    "call": N_("{function}() mixes {first} and {second}"),
    "deduction": N_("this deduction mixes {first} and {second}"),
    "award": N_("this award line mixes {first} and {second}"),
}
SCORED_AS = {
    "count": N_("{what} is a count, not points"),
    "amount": N_("{what} is an amount of money, not points"),
    "days": N_("{what} is a number of days, not points"),
}


def unit_word(unit: str | None) -> str:
    """The kind of quantity `unit` is, in the current language ("a count")."""
    return _(UNIT_WORDS[unit])


def rate(numerator: str, denominator: str) -> str:
    """The unit of a quantity of one kind divided by one of another kind: 'count/amount'."""
    return f"{numerator}/{denominator}"


def rate_parts(unit: str | None) -> tuple[str, str] | None:
    """(numerator, denominator) of a rate's unit; None for any other unit."""
    if unit is None or "/" not in unit:
        return None
    numerator, denominator = unit.split("/")
    return numerator, denominator


def scalable(unit: str | None) -> bool:
    """Whether a plain number multiplying this unit may be the points per unit: counts, amounts, rates
    (not ratios and points, which are scores already)."""
    return unit in ("count", "amount", "days") or rate_parts(unit) is not None


INPUT_UNITS = {"number": None, "count": "count", "amount": "amount", "percent": "ratio", "score": "points",
               "date": "date"}
DATE_HINT = N_("subtract two dates to get the days between them ('实际完成日期 − 计划完成日期'), compare a "
               "date with a date ('实际完成日期 ≤ 计划完成日期', '≤ 2024-06-30'), and the days with a number "
               "of days ('实际完成日期 − 计划完成日期 ≤ 5')")


def unit_hint(units: set, what: str) -> str:
    """How to make two different kinds of quantity agree, for the operation `what` describes."""
    rates = [u for u in units if rate_parts(u) is not None]
    if rates and "ratio" in units:
        return _("{rate} is not a percentage: only like ÷ like gives a ratio (a count ÷ a count, an amount ÷ an "
                 "amount); compare it with a plain number, or divide like by like", rate=unit_word(rates[0]))
    if what in ("deduction", "award"):
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


@attrs.frozen(eq=False, repr=False)
class Type(Record):
    kind: str  # "number", "bool", "grade", or "error" (already reported)
    unit: str | None = None
    grade: str | None = None
    # a count, amount or rate multiplied or divided by a plain number, which may be the points per unit:
    # it may be scored ('max(8 − 4 × 未完成重点工作数, 0)'), a bare count may not ('min(完成数, 6)');
    # a ratio so scaled may be compared with bare numbers ('满意度 × 100 ≥ 90')
    scaled: bool = False

    def describe(self) -> str:
        if self.kind == "number":
            return unit_word(self.unit)
        if self.kind == "grade":
            return _("a value of the grade '{grade}'", grade=self.grade)
        return _("a condition (true or false)") if self.kind == "bool" else _("an invalid value")


BOOL = Type("bool")
ERROR = Type("error")
FLEX = Type("number", None)


def scaled(found: Type) -> Type:
    """`found` multiplied or divided by a plain number (a ratio too: `满意度 × 100` is in percentage points,
    so a bare number compared with it is not a percentage without its '%')."""
    return attrs.evolve(found, scaled=True) if scalable(found.unit) or found.unit == "ratio" else found


def input_type(decl: ast.InputDecl) -> Type:
    kind = decl.type.kind
    if kind == "bool":
        return BOOL
    if kind == "grade":
        return Type("grade", grade=decl.name)
    return Type("number", INPUT_UNITS[kind])


def product(left: Type, right: Type) -> Type | None:
    """The type of left × right; None when the units cannot be multiplied (amount × amount)."""
    for factor, other in ((left, right), (right, left)):
        if factor.unit is None:  # a plain number: a scale, or the points per unit of the other
            return scaled(other)
    for factor, other in ((left, right), (right, left)):
        if factor.unit == "ratio":
            return other
    for factor, other in ((left, right), (right, left)):
        parts = rate_parts(factor.unit)
        if parts is not None and parts[1] == other.unit:  # an amount per person × persons: an amount
            return Type("number", parts[0])
    return None


def quotient(left: Type, right: Type) -> Type:
    """The type of left ÷ right: like ÷ like is a ratio, unlike quantities a rate (not a ratio)."""
    if left.unit == right.unit:
        return Type("number", "ratio" if left.unit is not None else None)
    if right.unit is None:
        return scaled(left)
    if right.unit == "ratio":
        return left
    if left.unit in QUANTITIES and right.unit in QUANTITIES:
        return Type("number", rate(left.unit, right.unit))
    parts = rate_parts(right.unit)
    if parts is not None and parts[0] == left.unit:  # an amount ÷ an amount per person: persons
        return Type("number", parts[1])
    return FLEX  # a plain number or a ratio over a quantity, and other mixes: a figure of its own


def bare_above_one(expr) -> bool:
    """A number without '%' above 1 (or below −1): `90` where a percentage is compared is almost surely 90%."""
    value = constant_of(expr)
    return value is not None and abs(value) > 1


@attrs.define(eq=False, repr=False)
class TypeChecker(MutableRecord):
    symbols: Symbols
    diagnostics: list
    let_types: dict = attrs.Factory(dict)
    # the bare numbers of the band table being checked that its band check reports (E704) instead
    left_to_bands: frozenset = frozenset()

    def report(self, code, message, span, hint=None):
        self.diagnostics.append(error(code, message, span, hint))

    def of(self, expr) -> Type:
        return ast.visit(self, "type", expr)

    def type_Number(self, expr: ast.Number) -> Type:
        if expr.is_date:
            return Type("number", "date")
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
        unit, all_scaled = None, True
        for found, expr in zip(types, exprs):
            if found.kind == "error":
                return ERROR
            if found.unit is None:
                continue
            if unit is None:
                unit = found.unit
            elif {unit, found.unit} == {"days", "count"}:  # a count input of days (宽限天数: count)
                unit = "days"
            elif unit != found.unit:
                self.report("E302", _(MIXES[what], function=function, first=unit_word(unit),
                                      second=unit_word(found.unit)), expr.span, unit_hint({unit, found.unit}, what))
                return ERROR
            all_scaled = all_scaled and found.scaled
        # scaled only if every operand with a unit is: '8 − 4 × 未完成重点工作数' may be points,
        # '完成数 − 4 × 未完成重点工作数' is a count
        return Type("number", unit, scaled=unit is not None and all_scaled)

    def type_Binary(self, expr: ast.Binary) -> Type:
        symbol = ARITHMETIC[expr.op].word
        left, right = self.number(expr.left, symbol), self.number(expr.right, symbol)
        if ERROR in (left, right):
            return ERROR
        if "date" in (left.unit, right.unit):
            return self.date_arithmetic(expr, left, right)
        if expr.op in "+-":
            verb = "adds" if expr.op == "+" else "subtracts"
            return self.unify((left, right), (expr.left, expr.right), verb)
        if expr.op == "*":
            found = product(left, right)
            if found is None:
                self.report("E302", _("this multiplies {first} by {second}", first=unit_word(left.unit),
                                      second=unit_word(right.unit)),
                            expr.span, _("multiply a quantity by a plain number or a percentage"))
                return ERROR
            return found
        return quotient(left, right)

    def date_arithmetic(self, expr: ast.Binary, left: Type, right: Type) -> Type:
        """The one arithmetic of dates: a date minus a date is the number of days between them (E308 for
        any other: a date plus a number of days would hide which calendar the rule means)."""
        if expr.op == "-" and left.unit == right.unit == "date":
            return Type("number", "days")
        self.report("E308", _("'{operator}' of {first} and {second}: a date is only subtracted from a date",
                              operator=ARITHMETIC[expr.op].shown, first=unit_word(left.unit),
                              second=unit_word(right.unit)), expr.span, _(DATE_HINT))
        return ERROR

    def plain_with_date(self, types, exprs) -> bool:
        """E308 where a date meets a plain number (compared, or in min/max): 45000 is no date; True if so."""
        if not any(t.unit == "date" for t in types):
            return False
        for found, expr in zip(types, exprs):
            if found.unit is None and found.kind == "number":
                self.report("E308", _("{value} is a plain number, not a date", value=format_expr(expr)),
                            expr.span, _(DATE_HINT))
                return True
        return False

    def type_Compare(self, expr: ast.Compare) -> Type:
        found = self.comparison(expr)
        if found is not None:
            self.bare_numbers(expr, found)
        return BOOL

    def bare_numbers(self, expr: ast.Compare, types: list) -> None:
        """E104 at each bare number above 1 compared with a percentage or ratio (`≥ 90` for `≥ 90%`)."""
        pairs = zip(expr.operands, expr.operands[1:], types, types[1:])
        for left, right, left_type, right_type in pairs:
            for number, subject, subject_type in ((left, right, right_type), (right, left, left_type)):
                if (subject_type.unit == "ratio" and not subject_type.scaled and bare_above_one(number)
                        and id(number) not in self.left_to_bands):
                    self.report_bare(number, subject)

    def report_bare(self, number, subject, per: bool = False) -> None:
        """E104: a number without '%' that stands for a percentage of `subject` (the unit of a 'per' when `per`)."""
        value = constant_of(number)
        assert value is not None, number  # the callers report only numbers
        shown, quantity = format_number(value), format_expr(subject)
        message = (_("'per {number} of' {subject} counts whole 100% steps: {subject} is a percentage or ratio, but "
                     "{number} has no '%'", number=shown, subject=quantity) if per
                   else _("{subject} is a percentage or ratio, but {number} has no '%'", number=shown,
                          subject=quantity))
        self.report("E104", message, number.span,
                    _("did you mean {number}%? a bare number is not a percentage", number=shown))

    def comparison(self, expr: ast.Compare) -> list | None:
        """The types of a comparison's operands, once they are known to be comparable; None otherwise."""
        types = [self.of(o) for o in expr.operands]
        if any(t.kind == "error" for t in types):
            return None
        kinds = {t.kind for t in types}
        if kinds == {"grade"}:
            if len({t.grade for t in types}) > 1:
                self.report("E301", _("this compares values of two different grades"), expr.span,
                            _("compare a grade with one of its own values, e.g. 'NAME = VALUE'"))
            bad = [op for op in expr.ops if COMPARISONS[op].ordered]
            if bad:
                self.report("E301", _("grades have no order: compare a grade with '=' or '≠'"), expr.span,
                            _("list the values in a band table instead"))
            return None
        if kinds == {"bool"} and not any(COMPARISONS[op].ordered for op in expr.ops):
            return None
        if kinds != {"number"}:
            odd = next(t for t in types if t.kind != "number")
            offender = expr.operands[types.index(odd)]
            self.report("E301", _("cannot compare {what} with a number", what=odd.describe()), offender.span,
                        self.hint_for(odd))
            return None
        if self.plain_with_date(types, expr.operands):
            return None
        return types if self.unify(types, expr.operands, "compares") != ERROR else None

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
        if builtin is not None and builtin.name in ROUNDING_FUNCTIONS and ERROR not in types:
            self.rounding_places(expr, types[0])
        if builtin is not None and builtin.units == "first":
            return types[0]
        if self.plain_with_date(types, expr.args):
            return ERROR
        return self.unify(types, expr.args, "call", expr.function)


    def rounding_places(self, call: ast.Call, rounded: Type) -> None:
        """E307 at a second argument of ceil/floor/round that declares no number of decimals: it must be
        written in the rule, a whole number from 0 to 10 or a percentage step (1%, 0.1%); and at a
        percentage rounded to whole numbers or tenths (`ceil(调整调剂率, 0)`: to 0% or 100%), which is
        surely meant in percentage points."""
        value, place = call.args
        example = _("write e.g. {function}({value}, 2), or {function}({value}, 1%) for whole percentage points",
                    function=call.function, value=format_expr(value))
        if not isinstance(place, ast.Number) or (
                place.is_percent and not is_percent_step(place.value)) or (
                not place.is_percent and not (numbers.is_integral(place.value) and place.value <= 10)):
            self.report("E307", _("{function}() needs the decimals to round to, written as a whole number from "
                                  "0 to 10 or a percentage step such as 1%; {place} is neither",
                                  function=call.function, place=format_expr(place)), place.span, example)
        elif rounded.unit == "ratio" and not rounded.scaled and not place.is_percent and place.value < 2:
            self.report("E307", ngettext("{function}() rounds the percentage {value} to {count} decimal, "
                                         "that is to steps of 10%",
                                         "{function}() rounds the percentage {value} to {count} decimals, "
                                         "that is to whole 100%", int(place.value),
                                         function=call.function, value=format_expr(value),
                                         count=int(place.value)),
                        place.span, _("round to percentage points with a '%': {function}({value}, 1%)",
                                      function=call.function, value=format_expr(value)))


def is_percent_step(value: Decimal) -> bool:
    """10%, 1%, 0.1%…: a power of ten below 100% (as a ratio: 0.1, 0.01, 0.001…), up to 10 decimals."""
    return 0 < value < 1 and value.normalize().as_tuple().digits == (1,) and value >= Decimal("1e-10")


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
            if declared.kind != found.kind or not declared_unit_fits(declared.unit, found.unit):
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
            checker.condition(band.condition, _("a grade row"))
    for item, __ in ast.iter_nodes(program.nodes):
        if isinstance(item, ast.Indicator):
            check_indicator(item, checker)
    return checker.let_types, diagnostics


def declared_unit_fits(declared: str | None, found: str | None) -> bool:
    """Whether a let declared with the unit `declared` may hold a formula of unit `found`: a plain number
    fits any declaration, a rate (a count per amount) only 'number', and any other only its own."""
    return (found is None or declared == found or (declared is None and rate_parts(found) is not None)
            or (found == "days" and declared in (None, "count")))  # days are counted


def type_keyword(found: Type) -> str | None:
    """The rule-file type a derived value of this type is declared with (a rate: number)."""
    if found.kind == "number":
        return {None: "number", "ratio": "percent", "count": "count", "amount": "amount",
                "points": "score", "date": "date", "days": "count"}.get(found.unit, "number")
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
        if bound.is_date != (kind == "date"):
            diagnostics.append(error("E308", _("a bound of the date input '{name}' is not a date", name=decl.name)
                                     if kind == "date" else
                                     _("the {kind} input '{name}' has a date bound", kind=kind, name=decl.name),
                                     bound.span, _("write a date input's bounds as dates: 'date from 2024-01-01 to "
                                                   "2024-12-31'; other inputs' as numbers")))
        elif bound.is_percent and kind != "percent":
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
        if found.unit == "date":
            checker.report("E308", _("{what} is a date, not points", what=what), expr.span, _(DATE_HINT))
        elif found.kind == "number" and scalable(found.unit) and not found.scaled:
            message = SCORED_AS.get(found.unit, N_("{what} is {unit}, not points"))
            checker.report("E302", _(message, what=what, unit=unit_word(found.unit)), expr.span,
                           _("divide by a quantity of the same kind to get a ratio, then multiply by the points"))

    if isinstance(rule, ast.Formula):
        score(rule.expr, _("the formula of '{name}'", name=name))
        check_formula_floor(name, rule.expr, checker)
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
        checker.left_to_bands = thresholds_outside(rule, checker.symbols)
        for band in rule.bands:
            if band.condition is not None:
                checker.condition(band.condition, _("a band"))
            score(band.points, _("a band's points"))
        checker.left_to_bands = frozenset()
        for band in rule.bands[:-1]:
            if band.condition is None:
                checker.report("E306", _("'otherwise' must be the last band"), band.span,
                               _("move it to the end: rows after it could never match"))
    elif isinstance(rule, ast.Matrix):
        for axis in (rule.row_subject, rule.column_subject):
            checker.of(axis)
        for line in rule.columns + rule.rows:
            if line.condition is not None:
                checker.condition(line.condition, _("a matrix row or column"))
            for cell in line.cells:
                score(cell, _("a matrix cell's points"))
        for lines in (rule.columns, rule.rows):
            for line in lines[:-1]:
                if line.condition is None:
                    checker.report("E306", _("'otherwise' must be the last row or column of a matrix"), line.span,
                                   _("move it to the end: rows after it could never match"))
    elif isinstance(rule, ast.Checklist):
        for item in rule.items:
            checker.condition(item.condition, _("a checklist item"))
            score(item.points, _("a checklist item's points"))
    elif isinstance(rule, (ast.Deduction, ast.Awards)):
        mixes, amount, limit_of, limit = PER_UNIT_RULES[type(rule)]
        for step in rule.steps:
            score(step.amount, _(amount))
            check_per_unit(step, checker, mixes)
        if limit_of(rule) is not None:
            score(limit_of(rule), _(limit))


# A deduction and an award are checked alike, each with its own words: (its MIXES key, how its amount is
# named, its floor or cap, how that is named).
PER_UNIT_RULES = {
    ast.Deduction: ("deduction", N_("the deducted amount"), lambda rule: rule.floor, N_("the floor")),
    ast.Awards: ("award", N_("the points per unit"), lambda rule: rule.cap, N_("the cap")),
}


def check_per_unit(step: ast.Deduct | ast.Award, checker: TypeChecker, what: str) -> None:
    """A deduct or award line counts units of one quantity: its UNIT and THRESHOLD are of the quantity's
    unit (E302), and written with '%' where it is a percentage (E104)."""
    quantity = checker.number(step.quantity, "'per'")
    related = [e for e in (step.unit, step.threshold) if e is not None]
    if quantity.kind == "number" and related:
        agreed = checker.unify([quantity] + [checker.of(e) for e in related], [step.quantity] + related, what)
        if agreed.unit == "ratio" and not agreed.scaled:
            check_percent_step(step, checker)


def check_percent_step(step: ast.Deduct | ast.Award, checker: TypeChecker) -> None:
    """E104 at a bare unit of 1 or more ('per 1 of' a percentage: per 100%) and a bare threshold above 1
    ('above 10' for 'above 10%') of a deduction whose quantity is a percentage or ratio."""
    unit = step.unit
    if isinstance(unit, ast.Number) and not unit.is_percent and unit.value >= 1:
        checker.report_bare(unit, step.quantity, per=True)
    if bare_above_one(step.threshold):
        checker.report_bare(step.threshold, step.quantity)


def thresholds_outside(rule: ast.Bands, symbols: Symbols) -> frozenset:
    """The ids of the bare numbers of a band table that its band check reports as outside the domain
    (E704, with the same 'did you mean 90%?' hint, and the gap they leave): the numbers a table whose rows
    only compare one percent input with numbers compares outside the input's declared domain."""
    subject = rule.subject if rule.subject is not None else _first_compared(rule)
    decl = symbols.inputs.get(subject.name) if isinstance(subject, ast.Ref) else None
    if decl is None or decl.type.kind != "percent":
        return frozenset()
    domain = domain_of(decl)
    found: set[int] = set()
    for band in rule.bands:
        numbers = _compared_numbers(band.condition, subject) if band.condition is not None else []
        if numbers is None:
            return frozenset()  # a row the band check does not analyse: it reports none of them
        found.update(id(n) for n in numbers if (domain.low is not None and n.value < domain.low)
                     or (domain.high is not None and n.value > domain.high))
    return frozenset(found)


def _first_compared(rule: ast.Bands):
    """The subject of a table without one: what its first row compares with numbers, as the band check guesses."""
    first = rule.bands[0].condition if rule.bands else None
    if isinstance(first, ast.Compare):
        return next((o for o in first.operands if not isinstance(o, ast.Number)), None)
    return None


def _compared_numbers(condition, subject) -> list | None:
    """The numbers a row's condition compares `subject` with; None if it compares anything else."""
    if isinstance(condition, ast.BoolOp):
        found: list = []
        for operand in condition.operands:
            numbers = _compared_numbers(operand, subject)
            if numbers is None:
                return None
            found += numbers
        return found
    if isinstance(condition, ast.Not):
        return _compared_numbers(condition.operand, subject)
    if not isinstance(condition, ast.Compare):
        return None
    found = []
    for left, right in zip(condition.operands, condition.operands[1:]):
        other = right if left == subject else left if right == subject else None
        if not isinstance(other, ast.Number):
            return None
        found.append(other)
    return found


def check_formula_floor(name: str, expr, checker: TypeChecker) -> None:
    """E502 at a negative floor of a formula, `max(…, −2)` or `clamp(…, −2, …)`: a score is never below 0,
    and a deduction written as a formula floors at 0 (扣完为止). Reported here, before the bounds are
    proved, so that it is reported with the file's other errors too."""
    if not isinstance(expr, ast.Call) or expr.function not in ("max", "clamp"):
        return
    floors = expr.args if expr.function == "max" else expr.args[1:2]
    for floor in floors:
        value = constant_of(floor)
        if value is not None and value < 0:
            usage = "max(…, 0)" if expr.function == "max" else "clamp(…, 0, …)"
            checker.report("E502", _("the floor of '{name}' is {floor}, below 0: its score can fall below 0",
                                     name=name, floor=format_number(value)), floor.span,
                           _("raise the floor to 0: {usage}", usage=usage))


def constant_of(expr) -> Decimal | None:
    """The value of a literal, or of a minus sign before one (`−2`); None for anything else."""
    if isinstance(expr, ast.Number) and not expr.is_percent:
        return expr.value
    if isinstance(expr, ast.Negate):
        inner = constant_of(expr.operand)
        return -inner if inner is not None else None
    return None
