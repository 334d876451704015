"""Scores only, as one generated Python function per ruleset: the specialised evaluation.

`compile.py` turns each rule into closures, general enough to explain every step. A batch that wants
scores alone pays there for a call per operand and per operator, a loop per band table and a walk of the
tree per department. Here the checked tree is written out once as the straight-line source of one
function (as attrs writes `__init__` and Jinja writes templates): each band table an if/elif chain, each
arithmetic operation one call of the exact operation, each input read into a local once and each
derived value computed once, each leaf rounded and range-tested inline (a band table of numbers rounded
when written), each group a sum of its children, and the scores returned flat in a Result
(results.Shape grows the tree when it is read).

Rule text never reaches the generated source (codegen.py): every name, number, string and function the
rules use is passed in the function's namespace as a constant (`_k12`). tests/test_generate.py feeds
names with quotes, backslashes and newlines through it.

The generated function handles the department that scores: any failure on the way (a zero divisor, a
row that matches nothing, a score out of range, a value too large) raises, and evaluate.py then scores
the department again through the closures, which report the failure exactly as they always did. So the
two paths agree on every department, and the failures keep their one implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import reduce
from types import FunctionType

from . import numbers
from .codegen import Code
from .compile import Compiled, CompiledGroup, CompiledLeaf, literal
from .language import ARITHMETIC, BUILTINS, COMPARISONS
from .results import Filling, Result, Shape
from .runtime import TOTAL_KEY, Env, EvalFailure, block_score, capped_total
from .syntax import ast

# The exact operations of language.ARITHMETIC (decimals in one C call, fractions where a decimal would
# round): measured with callgrind on the Shenzhen case, calling decimal's context directly and sending
# a fraction to the leaf's closure cost more than it saved, as real departments' ratios (30 ÷ 31) are
# fractions. A comparison is Python's own operator, which the language's comparisons are.


NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


class Unsupported(Exception):
    """A construct the generator does not write out: that leaf keeps its compiled closure."""


class Fallback(Exception):
    """Raised by the generated code where the closures would report a failure."""


# What the generated function raises for a department whose scoring fails: its own signal, or what a
# closure or an exact operation raises (compile.py's EvalFailure, decimal's ArithmeticError), or a chain
# of lets too long to compute by recursion (RecursionError).
FAILURES = (Fallback, EvalFailure, ArithmeticError, RecursionError)


def divide(a, b):
    """a ÷ b by a divisor read from the facts, whose quotient mostly does not terminate (numbers.quotient);
    a zero divisor leaves the department to the closures, which say which divisor it was."""
    if b == 0:
        raise Fallback
    return numbers.quotient(a, b)


def dividing_by(divisor: Decimal) -> Callable:
    """The exact division by a constant divisor (not 0, so never the closures' to report): decimal's own
    first where every quotient by it terminates (÷ 100, ÷ 0.25: its numerator has no prime but 2 and 5),
    whole numbers first where most do not (÷ 3)."""
    numerator = abs(divisor.as_integer_ratio()[0])
    numerator >>= (numerator & -numerator).bit_length() - 1
    while numerator % 5 == 0:
        numerator //= 5
    return numbers.divide if numerator == 1 else numbers.quotient


def fallback() -> None:
    """Where the closures report a failure (a score out of range, a row that matches nothing, a divisor
    read as 0): the department is theirs to score."""
    raise Fallback


NESTED_SUM = 8  # the most terms a sum is written with as nested additions (one reduce() call beyond)
EXACT_ADD = numbers.EXACT.add  # a + b of two decimals in one C call, raising Inexact where it would round


def listed(values) -> str:
    """A tuple display of the locals (or expressions) `values`."""
    return f"({''.join(f'{value}, ' for value in values)})"


def child_points(item) -> Decimal:
    """A compiled node's points."""
    return item.group.points if type(item) is CompiledGroup else item.indicator.points


def scores_function(compiled: Compiled) -> Callable[[dict], Result]:
    """The framework's generated scores-only function, written the first time it is asked for (a
    `rulecheck check` never pays for it) and kept with the compiled framework."""
    found = compiled.specialised.get("scores")
    if found is None:
        try:
            found = specialise(compiled)
        except Exception:  # never in the tests (tests/test_generate.py writes every construct); should it
            found = unavailable  # happen, the closures score every department, as before generation
        compiled.specialised["scores"] = found
    return found


def unavailable(facts: dict) -> Result:
    raise Fallback


def specialise(compiled: Compiled) -> Callable[[dict], Result]:
    """The scores-only evaluation of a compiled framework: facts (validated) → Result, as
    evaluate(compiled, facts, explain=False) gives it; raises on any department whose scoring fails
    (its handler re-raises: see `handing_over` for one that hands the department over instead)."""
    writer = Writer(compiled)
    writer.write()
    writer.guard()
    return handing_over(writer.function("scores", "scores"), reraise)


def reraise(facts: dict) -> Result:
    """The scores function's handler as evaluate() calls it: the failure raised again, evaluate's to
    handle (a bare `raise` in a function called by a handler raises what the handler caught)."""
    raise  # called only inside the generated function's `except`


def handing_over(function: Callable[[dict], Result], fallback: Callable[[dict], Result]) -> Callable[[dict], Result]:
    """The generated scores function (written by Writer.write, then Writer.guard) with a department
    whose scoring fails handed to `fallback(facts)` from inside it: the same code, its constants with
    `fallback` for its handler's. (What `ruleset.scorer()` gives: no call around the generated one.)"""
    if function is unavailable:
        return fallback
    constants = {**function.__globals__, FALLBACK: fallback}
    handed = FunctionType(function.__code__, constants, function.__name__)
    handed.source = function.source  # type: ignore[attr-defined]
    return handed


FALLBACK = "_fallback"  # the generated function's handler: a global, so that handing_over can bind it


class Writer(Code):
    """Writes the source of `scores(facts)` for one compiled framework."""

    def __init__(self, compiled: Compiled):
        super().__init__()
        self.compiled = compiled
        self.inputs: dict[str, str] = {}  # input name → the local it is read into, at the top
        self.lets: dict[str, str] = {}  # derived value name → its local, computed at the top
        self.reading: list[set[str]] = []  # the derived values each let being written reads
        self.needs_env = False  # a closure is called: the function makes the Env it reads
        self.total: str | None = None  # the local holding the total, while the grades are written
        self.known: set[tuple[str, str, str]] = set()  # comparisons known to hold, within a table's rows
        self.single: tuple[str, str, str] | None = None  # the one comparison the last one written tests
        self.units: list[tuple[str, str, str]] = []  # the last per_unit's lines: (value, units, points) locals

    def closure(self, function) -> str:
        """A compiled closure called on the department's Env (which the function then makes)."""
        self.needs_env = True
        return f"{self.const(function)}(env)"

    # ---- the function ------------------------------------------------------------------------------

    FUNCTION = "scores"  # the name of the function written

    def write(self) -> None:
        """`scores(facts)`: the inputs read into locals, the derived values computed, each leaf and group
        scored into locals in tree order, the total and the grade, and a flat Result (results.Shape)."""
        compiled = self.compiled
        self.emit(0, f"def {self.FUNCTION}(facts):")
        top = len(self.lines)
        leaves: list[tuple[str, ...]] = []  # (score, unrounded, …) locals of the leaves, in tree order
        groups: list[str] = []
        scored = [self.node(item, leaves, groups) for item in compiled.nodes]
        total = self.capped(self.sum([score for score, _entry in scored], 1))
        self.grades(total)
        shape = Shape(compiled.name, compiled.total, compiled.total_cap, tuple(entry for _score, entry in scored))
        flat = f"({', '.join(self.flat(shape, leaves, groups))})"
        self.emit(1, f"result = {self.const(Filling)}()")  # a Result's slots, filled by plain stores
        for field, value in self.fields(total, flat):
            self.emit(1, f"result.{field} = {value}")
        if compiled.total_cap is not None:
            self.emit(1, "if uncapped is not None:")
            self.emit(2, "result.uncapped = uncapped")
        self.emit(1, f"result.__class__ = {self.const(Result)}")  # frozen from here on
        self.emit(1, "return result")
        self.lines[top:top] = self.prologue()

    def guard(self) -> None:
        """The function's body inside a `try` whose handler gives the department to FALLBACK (in 3.11 and
        later a `try` costs nothing until something is raised)."""
        head, *body = self.lines
        self.lines = [head, "    try:", *("    " + line for line in body), "    except Exception:",
                      f"        return {FALLBACK}(facts)"]

    def flat(self, shape: Shape, leaves: list[tuple[str, ...]], groups: list[str]) -> list[str]:
        """The parts of the Result's `_flat`: the Shape, the leaves' scores, their unrounded ones, the groups'
        scores."""
        return [self.const(shape), listed(leaf[0] for leaf in leaves), listed(leaf[1] for leaf in leaves),
                listed(groups)]

    def fields(self, total: str, flat: str) -> list[tuple[str, str]]:
        """The Result's fields the function sets (the others are its Shape's; without `grades:` the grade
        too, None), and the locals they are set from; `uncapped` apart, where a cap lowered the total."""
        return [("total", total), *([("grade", "grade")] if self.compiled.grades else []), ("_flat", flat)]

    def capped(self, total: str) -> str:
        """Under 'total N cap C', the local of the total the cap leaves (`uncapped` the sum it lowered, else
        None); without a cap, `total` itself."""
        compiled = self.compiled
        if compiled.total_cap is None:
            return total
        capped, final = self.fresh("t"), self.fresh("t")
        self.emit(1, f"{capped} = {self.const(capped_total)}({total}, {self.const(compiled.total_cap)})")
        self.emit(1, f"if {capped} != {total}:")
        self.emit(2, f"uncapped, {final} = {total}, {self.const(compiled.rounding.rounded)}({capped})")
        self.emit(1, "else:")
        self.emit(2, f"uncapped, {final} = None, {total}")
        return final

    def grades(self, total: str) -> None:
        """`grade` by the first `grades:` row whose condition holds, the conditions written out where
        they can be (the total is the local `total`), else their closures on the Env; none without
        `grades:` (the Result's grade is then its Shape's, None)."""
        if not self.compiled.grades:
            return
        self.total = total
        tests = []
        for condition, _grade, band in self.compiled.grades:
            if condition is None:
                tests.append("True")
                continue
            try:
                tests.append(self.expr(band.condition))
            except Unsupported:
                tests.append(self.closure(condition))
        self.total = None
        if self.needs_env:
            self.emit(1, f"env[{self.const(TOTAL_KEY)}] = {total}")
        for statement in self.graded(None, total):
            self.emit(1, statement)
        for index, test in enumerate(tests):
            self.emit(1, f"{'if' if index == 0 else 'elif'} {test}:")
            for statement in self.graded(index, total):
                self.emit(2, statement)

    def graded(self, row: int | None, total: str) -> list[str]:
        """The statements of the `grades:` row `row` holding (None: before any is tried), the total in the
        local `total`."""
        return [f"grade = {'None' if row is None else self.const(self.compiled.grades[row][1])}"]

    def prologue(self) -> list[str]:
        """The function's first lines: the Env when a closure needs it, each input the rules read in a
        local, and each derived value they read computed into a local, the values it reads first (a
        derived value a department cannot compute makes the function fail, and the closures, which
        compute one only when a rule reads it, score that department)."""
        body, self.lines = self.lines, []
        computed: list[str] = []  # the lets' lines, each after those of the lets it reads
        done: set[str] = set()

        def compute(name: str, reading: frozenset) -> None:
            if name in done:
                return
            if name in reading:
                raise Unsupported  # a cycle, which the checker refuses: never written out
            expr = self.compiled.let_exprs.get(name)
            self.reading.append(set())
            try:
                text = self.expr(expr) if expr is not None else self.unsupported()
            except Unsupported:
                text = f"env[{self.const(name)}]"  # the Env computes it with its closures
                self.needs_env = True
            for read in sorted(self.reading.pop()):
                compute(read, reading | {name})
            done.add(name)
            computed.append(f"    {self.lets[name]} = {text}")

        for name in list(self.lets):  # (the lets they read are computed first, by compute)
            compute(name, frozenset())
        self.lines = body
        env = [f"    env = {self.environment()}"] if self.needs_env else []
        inputs = [f"    {local} = facts[{self.const(name)}]" for name, local in self.inputs.items()]
        return env + inputs + computed

    def environment(self) -> str:
        """The expression making the Env the closures this function calls read."""
        return f"{self.const(Env)}(facts, {self.const(self.compiled.lets)})"

    def sum(self, values: list[str], depth: int) -> str:
        """A local holding the exact sum of rounded scores (decimals: one C addition each, which raises
        where a sum would round, leaving the department to the closures)."""
        # 0 + a + b + …, as numbers.total adds; the 0 changes nothing a score of 0 or more decimals shows
        start = not values or self.compiled.rounding.decimals < 0
        terms = [self.const(numbers.ZERO)] * start + values
        if len(terms) == 1:  # one score: its own local (never assigned again)
            return terms[0]
        total = self.fresh("t")
        if len(terms) > NESTED_SUM:  # a long sum in one call (Python refuses calls nested 200 deep)
            listed = "".join(f"{term}, " for term in terms)
            self.emit(depth, f"{total} = {self.const(reduce)}({self.const(EXACT_ADD)}, ({listed}))")
            return total
        text = terms[0]
        for value in terms[1:]:
            text = f"{self.const(EXACT_ADD)}({text}, {value})"
        self.emit(depth, f"{total} = {text}")
        return total

    @staticmethod
    def unsupported() -> str:
        raise Unsupported

    def node(self, item, leaves: list, groups: list) -> tuple[str, tuple]:
        """Lines that score the node into a local; (the local, its results.Shape entry)."""
        if type(item) is CompiledGroup:
            return self.group(item, leaves, groups)
        return self.leaf(item, leaves)

    def group(self, item: CompiledGroup, leaves: list, groups: list) -> tuple[str, tuple]:
        group = item.group
        position = len(groups)
        groups.append("")  # its place, in tree order (a group comes before its children)
        children = [self.node(child, leaves, groups) for child in item.children]
        if group.is_block:
            score = self.fresh("g")
            pairs = "".join(f"({c}, {self.const(child_points(child))}), "
                            for (c, _entry), child in zip(children, item.children))
            self.emit(1, f"{score} = {self.const(self.compiled.rounding.rounded)}({self.const(block_score)}("
                         f"{self.const(group.kind)}, {self.const(group.points)}, ({pairs})))")
            self.block(item, [c for c, _entry in children], score, position)
        else:
            score = self.sum([c for c, _entry in children], 1)
        groups[position] = score
        return score, (position, group.name, group.kind if group.is_block else "group", group.points, group.span,
                       tuple(entry for _c, entry in children))

    def block(self, item: CompiledGroup, children: list[str], score: str, position: int) -> None:
        """After a bonus or penalty block's score (`score`, its children's in `children`), the group at
        `position` among the groups: nothing more for scores."""

    def leaf(self, leaf: CompiledLeaf, leaves: list) -> tuple[str, tuple]:
        indicator = leaf.indicator
        raw, score = self.fresh("r"), self.fresh("s")
        written = len(self.lines)
        rounded = False  # whether the rule's lines set the score too (a band table of numbers)
        try:
            if indicator.rule is None and not indicator.parts:
                raise Unsupported
            if indicator.parts:
                self.parts(indicator, raw, 1)
            else:
                rounded = self.rule(indicator.rule, raw, 1, indicator.points, score)
        except Unsupported:  # the leaf's own closure computes its raw score
            del self.lines[written:]
            self.emit(1, f"{raw} = {self.closure(leaf.score)}")
        if not rounded:
            self.round(raw, score, 1)
            self.within(score, indicator.points, 1)
        position = len(leaves)
        leaves.append((score, raw))
        return score, (position, indicator.name, indicator.points, indicator.span)

    # ---- rules -------------------------------------------------------------------------------------

    def rule(self, rule, target: str, depth: int, points: Decimal, score: str | None = None) -> bool:
        """Lines that set `target` to the raw score of the rule of an indicator or part of `points`; and
        `score` to the leaf's rounded score, range-tested, where that is known when writing (a band table
        of numbers): then True."""
        if isinstance(rule, ast.Formula):
            self.emit(depth, f"{target} = {self.expr(rule.expr)}")
        elif isinstance(rule, ast.Assessed):
            self.emit(depth, f"{target} = {self.expr(rule.input)}")
        elif isinstance(rule, ast.Bands):
            values = [literal(band.points) for band in rule.bands]
            if score is not None and all(value is not None for value in values):
                self.first_match(((band.condition, *self.scored(target, value, score, points))
                                  for band, value in zip(rule.bands, values) if value is not None), depth)
                return True
            self.rows([(band.condition, band.points) for band in rule.bands], target, depth)
        elif isinstance(rule, ast.Checklist):
            self.emit(depth, f"{target} = {self.const(numbers.ZERO)}")
            for item in rule.items:
                self.emit(depth, f"if {self.expr(item.condition)}:")
                add = EXACT_ADD if literal(item.points) is not None else numbers.add  # decimals: in C
                self.emit(depth + 1, f"{target} = {self.const(add)}({target}, {self.expr(item.points)})")
        elif isinstance(rule, ast.Deduction):
            taken = self.per_unit(rule.steps, depth)
            floor = self.expr(rule.floor) if rule.floor is not None else self.const(numbers.ZERO)
            self.emit(depth, f"{target} = max({self.const(numbers.subtract)}({self.const(points)}, "
                             f"{taken}), {floor})")
        elif isinstance(rule, ast.Awards):
            earned = self.per_unit(rule.steps, depth)
            cap = self.expr(rule.cap) if rule.cap is not None else self.const(points)
            self.emit(depth, f"{target} = min({earned}, {cap})")
        elif isinstance(rule, ast.Matrix) and all(literal(cell) is not None for row in rule.rows for cell in row.cells):
            row, column = self.fresh("i"), self.fresh("j")
            self.axis(rule.rows, row, depth)
            self.axis(rule.columns, column, depth)
            cells = tuple(tuple(literal(cell) for cell in line.cells) for line in rule.rows)
            self.emit(depth, f"{target} = {self.const(cells)}[{row}][{column}]")
        else:
            raise Unsupported  # a matrix with computed cells: its closure
        return False

    def round(self, raw: str, score: str, depth: int) -> None:
        """`score` = the raw score rounded as the rule file declares (Rounding.rounded): a decimal by its
        quantize() written inline (a call less per leaf), a Ratio by the rounding function; never −0."""
        rounding = self.compiled.rounding
        quantize = (f"{raw}.quantize({self.const(numbers.ONE.scaleb(-rounding.decimals))}, "
                    f"{self.const(rounding.mode)}, {self.const(numbers.QUANTIZE)})")
        self.emit(depth, f"{score} = {quantize} if type({raw}) is {self.const(Decimal)} "
                         f"else {self.const(rounding.rounded)}({raw})")
        self.emit(depth, f"if not {score}:")
        self.emit(depth + 1, f"{score} = {score}.copy_abs()")

    def scored(self, raw: str, value: Decimal, score: str, points: Decimal) -> tuple[str, ...]:
        """The statements of a band row of `value` points: the raw score and the rounded one, both
        constants, or the fallback where the rounded score is out of range."""
        rounded = self.compiled.rounding.rounded(value)
        if rounded < 0 or rounded > points:
            return (f"{self.const(fallback)}()",)
        return (f"{raw} = {self.const(value)}", f"{score} = {self.const(rounded)}")

    def within(self, value: str, points: Decimal, depth: int) -> None:
        """The range test of a score (runtime.check_range's): outside [0, points], the closures report it."""
        self.emit(depth, f"if {value} < {self.const(numbers.ZERO)} or {value} > {self.const(points)}:")
        self.emit(depth + 1, f"{self.const(fallback)}()")

    def parts(self, indicator: ast.Indicator, target: str, depth: int) -> None:
        """A composite indicator: each part's score, range-tested, then their sum (rounded once, after)."""
        values = []
        for part in indicator.parts:
            value = self.fresh("p")
            self.rule(part.rule, value, depth, part.points)
            self.within(value, part.points, depth)
            values.append(value)
        self.emit(depth, f"{target} = {self.const(numbers.total)}(({''.join(f'{v}, ' for v in values)}))")

    def per_unit(self, steps: tuple, depth: int) -> str:
        """The points a deduct or award rule's lines count: Σ amount × units, each line's units its
        quantity (or the part above or below its threshold, never below 0) ÷ its unit."""
        total = self.fresh("u")
        self.emit(depth, f"{total} = {self.const(numbers.ZERO)}")
        self.units = []
        for step in steps:
            value, size = self.fresh("v"), self.fresh("w")
            amount = self.fresh("a")
            self.emit(depth, f"{amount} = {self.expr(step.amount)}")
            self.emit(depth, f"{value} = {self.expr(step.quantity)}")
            if step.threshold is not None:
                threshold = self.expr(step.threshold)
                if step.direction == "above":
                    self.emit(depth, f"{value} = {self.const(numbers.subtract)}({value}, {threshold})")
                else:
                    self.emit(depth, f"{value} = {self.const(numbers.subtract)}({threshold}, {value})")
                self.emit(depth, f"{value} = max({value}, {self.const(numbers.ZERO)})")
            self.emit(depth, f"{size} = {self.expr(step.unit) if step.unit is not None else self.const(numbers.ONE)}")
            count, points = self.fresh("n"), self.fresh("m")
            self.emit(depth, f"{count} = {self.const(divide)}({value}, {size})")
            self.emit(depth, f"{points} = {self.const(numbers.multiply)}({amount}, {count})")
            self.emit(depth, f"{total} = {self.const(numbers.add)}({total}, {points})")
            self.units.append((value, count, points))
        return total

    def axis(self, lines: tuple, index: str, depth: int) -> None:
        """The index of the first line of a matrix axis whose condition holds."""
        self.first_match(((line.condition, f"{index} = {number}") for number, line in enumerate(lines)), depth)

    def rows(self, rows: list, target: str, depth: int) -> None:
        """A band table's points: the row that matches first."""
        self.first_match(((condition, f"{target} = {self.expr(points)}") for condition, points in rows), depth)

    def first_match(self, branches: Iterator[tuple], depth: int) -> None:
        """First match (language.first_match) as an if/elif chain of (condition, statements…) branches,
        `otherwise` (None) its else; no match leaves the department to the closures. A lazy iterator, so
        that nothing after `otherwise` is written."""
        self.known = set()
        for number, (condition, *statements) in enumerate(branches):
            test = "True" if condition is None else self.expr(condition)
            if test == "True":
                self.emit(depth, "else:" if number else "if True:")
                for statement in statements:
                    self.emit(depth + 1, statement)
                break
            self.emit(depth, f"{'if' if number == 0 else 'elif'} {test}:")
            for statement in statements:
                self.emit(depth + 1, statement)
            self.learn(condition)
        else:
            self.emit(depth, "else:")
            self.emit(depth + 1, f"{self.const(fallback)}()")
        self.known = set()

    def learn(self, condition) -> None:
        """What the next rows may take as true: a row that is one comparison of simple operands failed,
        so its negation holds (x ≥ 95% failed: x < 95%, in both directions). The rows' comparisons then
        leave out what is known (the row '90% ≤ x < 95%' after '≥ 95%' tests 90% ≤ x alone)."""
        if type(condition) is ast.Compare and self.single is not None:
            left, symbol, right = self.single
            negated = NEGATED[symbol]
            self.known |= {(left, negated, right), (right, MIRRORED[negated], left)}

    # ---- expressions -------------------------------------------------------------------------------

    def expr(self, expr) -> str:
        """A Python expression computing `expr` exactly, as compile.py's closure of it does."""
        kind = type(expr)
        if kind is ast.Number:
            return self.const(expr.value)
        if kind is ast.Ref:
            return self.local(expr.name)
        if kind is ast.GradeValue:
            return self.const(expr.value)
        if kind is ast.TotalScore:
            if self.total is None:
                raise Unsupported  # the total is read by the grades alone
            return self.total
        if kind is ast.Negate:
            return f"{self.const(numbers.negate)}({self.expr(expr.operand)})"
        if kind is ast.Not:
            return f"(not {self.expr(expr.operand)})"
        if kind is ast.BoolOp and expr.op in ("and", "or"):  # from the left, stopping as the closures stop
            return "(" + f" {expr.op} ".join(self.expr(o) for o in expr.operands) + ")"
        if kind is ast.Binary and expr.op == "/" and type(expr.right) is ast.Ref:  # ÷ an input or let: a local
            dividend, divisor = self.expr(expr.left), self.local(expr.right.name)
            return (f"({self.const(numbers.quotient)}({dividend}, {divisor}) if {divisor} "
                    f"else {self.const(fallback)}())")  # divide(), a call less
        if kind is ast.Binary and expr.op in ARITHMETIC:
            operation = self.division(expr.right) if expr.op == "/" else ARITHMETIC[expr.op].apply
            return f"{self.const(operation)}({self.expr(expr.left)}, {self.expr(expr.right)})"
        if kind is ast.Compare and all(op in COMPARISONS for op in expr.ops):
            return self.comparison(expr)
        if kind is ast.Call and expr.function in BUILTINS:
            arguments = "".join(f"{self.expr(a)}, " for a in expr.args)
            return f"{self.const(BUILTINS[expr.function].apply)}(({arguments}))"
        raise Unsupported

    def division(self, divisor) -> Callable:
        """The division written for a divisor: by a constant other than 0, its own (dividing_by); else
        one that leaves a zero divisor to the closures."""
        value = literal(divisor)
        return dividing_by(value) if type(value) is Decimal and value.is_finite() and value != 0 else divide

    def comparison(self, expr: ast.Compare) -> str:
        """A (chained) comparison. The closures compute every operand before they compare; Python's
        chain stops at the first comparison that fails, so where a later operand could fail (a let, a
        division), the operands are computed first, into a tuple, and then compared."""
        self.single = None
        operands = [self.expr(o) for o in expr.operands]
        symbols = ["==" if op == "=" else op for op in expr.ops]  # the language's own, but for =
        if len(operands) == 2 or all(self.cannot_fail(o) for o in expr.operands[2:]):
            simple = [self.cannot_fail(o) for o in expr.operands]
            pairs = [(left, symbol, right) for left, symbol, right in zip(operands, symbols, operands[1:])]
            kept = [pair for pair, a, b in zip(pairs, simple, simple[1:]) if not (a and b and pair in self.known)]
            self.single = kept[0] if len(kept) == 1 else None
            if len(kept) == len(pairs):
                return "(" + operands[0] + "".join(f" {s} {o}" for s, o in zip(symbols, operands[1:])) + ")"
            return "(" + " and ".join(" ".join(pair) for pair in kept) + ")" if kept else "True"
        values = self.fresh("c")
        compared = "".join(f" {s} {values}[{i + 1}]" for i, s in enumerate(symbols))
        return f"(({values} := ({''.join(f'{o}, ' for o in operands)})) and {values}[0]{compared})"

    def cannot_fail(self, expr) -> bool:
        """A number, a grade value, the total, an input or a derived value (locals computed at the top):
        reading it cannot fail."""
        return isinstance(expr, (ast.Ref, ast.Number, ast.GradeValue, ast.TotalScore))

    def local(self, name: str) -> str:
        """The local an input or derived value is read by (prologue() writes how it gets its value)."""
        if name in self.compiled.lets:
            if self.reading:
                self.reading[-1].add(name)
            if name not in self.lets:
                self.lets[name] = self.fresh("l")
            return self.lets[name]
        if name not in self.inputs:
            self.inputs[name] = self.fresh("x")
        return self.inputs[name]


