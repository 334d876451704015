"""Scores only, as one generated Python function per ruleset: the specialised evaluation.

`compile.py` turns each rule into closures, general enough to explain every step. A batch that wants
scores alone pays there for a call per operand and per operator, a loop per band table and a walk of the
tree per department. Here the checked tree is written out once as the straight-line source of one
function (as attrs writes `__init__` and Jinja writes templates): each band table an if/elif chain, each
arithmetic operation one call of the exact operation, each leaf rounded and range-tested inline, each
group a sum of its children, each result node built in place.

Rule text never reaches the generated source. Every name, number, string and function the rules use
is passed in the function's namespace as a constant (`_k12`); the source holds only Python syntax and
the identifiers written here. tests/test_generate.py feeds names with quotes, backslashes and newlines
through it.

The generated function handles the department that scores: any failure on the way (a zero divisor, a
row that matches nothing, a score out of range, a value too large) raises, and evaluate.py then scores
the department again through the closures, which report the failure exactly as they always did. So the
two paths agree on every department, and the failures keep their one implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from . import numbers
from .compile import Compiled, CompiledGroup, CompiledLeaf, literal
from .language import ARITHMETIC, BUILTINS, COMPARISONS
from .results import NodeResult, Result
from .runtime import TOTAL_KEY, Env, EvalFailure, block_score, capped_total
from .syntax import ast

# The exact operations of language.ARITHMETIC (decimals in one C call, fractions where a decimal would
# round): measured with callgrind on the Shenzhen case, calling decimal's context directly and sending
# a fraction to the leaf's closure cost more than it saved, as real departments' ratios (30 ÷ 31) are
# fractions. A comparison is Python's own operator, which the language's comparisons are.


class Unsupported(Exception):
    """A construct the generator does not write out: that leaf keeps its compiled closure."""


class Fallback(Exception):
    """Raised by the generated code where the closures would report a failure."""


# What the generated function raises for a department whose scoring fails: its own signal, or what a
# closure or an exact operation raises (compile.py's EvalFailure, decimal's ArithmeticError), or a chain
# of lets too long to compute by recursion (RecursionError).
FAILURES = (Fallback, EvalFailure, ArithmeticError, RecursionError)


def divide(a, b):
    """a ÷ b on two decimals (Inexact or TypeError as for the other operations); a zero divisor leaves
    the department to the closures, which say which divisor it was."""
    if b == 0:
        raise Fallback
    return numbers.divide(a, b)


def out_of_range() -> None:
    raise Fallback


def no_row() -> None:
    raise Fallback


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
    evaluate(compiled, facts, explain=False) gives it; raises on any department whose scoring fails."""
    writer = Writer(compiled)
    source = writer.function()
    namespace = dict(writer.constants)
    code = compile(source, f"<rulecheck scores of {len(writer.constants)} constants>", "exec")
    exec(code, namespace)  # the source is ours alone: see the module's docstring
    function = namespace["scores"]
    assert callable(function)
    function.source = source  # type: ignore[attr-defined]  # for a developer who reads it, and the tests
    return function


class Writer:
    """Writes the source of `scores(facts)` for one compiled framework."""

    def __init__(self, compiled: Compiled):
        self.compiled = compiled
        self.constants: dict[str, object] = {}
        self._named: dict[object, str] = {}
        self.lines: list[str] = []
        self.counter = 0

    # ---- names -------------------------------------------------------------------------------------

    def const(self, value) -> str:
        """The name the generated code reads `value` by. Equal numbers written differently (1 and 1.0)
        stay apart, since they print differently."""
        key = (type(value), str(value)) if isinstance(value, (str, Decimal, int, bool)) else (type(value), id(value))
        if key not in self._named:
            name = f"_k{len(self.constants)}"
            self._named[key] = name
            self.constants[name] = value
        return self._named[key]

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    # ---- the function ------------------------------------------------------------------------------

    def function(self) -> str:
        compiled = self.compiled
        lets = self.lets()
        self.emit(0, "def scores(facts):")
        self.emit(1, f"env = {self.const(Env)}(facts, {lets})")
        tops = [self.node(item, 1) for item in compiled.nodes]
        total = self.fresh("t")
        self.emit(1, f"{total} = {self.const(numbers.total)}(({''.join(f'{n}.score, ' for n in tops)}))")
        if compiled.total_cap is not None:
            capped = self.fresh("t")
            self.emit(1, f"{capped} = {self.const(capped_total)}({total}, {self.const(compiled.total_cap)})")
            self.emit(1, f"if {capped} != {total}:")
            self.emit(2, f"uncapped, {total} = {total}, {self.const(compiled.rounding.rounded)}({capped})")
            self.emit(1, "else:")
            self.emit(2, "uncapped = None")
        else:
            self.emit(1, "uncapped = None")
        self.emit(1, f"env[{self.const(TOTAL_KEY)}] = {total}")
        self.emit(1, "grade = None")
        for index, (condition, grade, _band) in enumerate(compiled.grades):
            keyword = "if" if index == 0 else "elif"
            test = "True" if condition is None else f"{self.const(condition)}(env)"
            self.emit(1, f"{keyword} {test}:")
            self.emit(2, f"grade = {self.const(grade)}")
        self.emit(1, f"return {self.const(Result)}({self.const(compiled.name)}, {total}, "
                     f"{self.const(compiled.total)}, grade, ({''.join(f'{n}, ' for n in tops)}), None, "
                     f"uncapped=uncapped, total_cap={self.const(compiled.total_cap)})")
        return "\n".join(self.lines) + "\n"

    def lets(self) -> str:
        """A function per derived value, computed when a rule first reads it, as runtime.Env computes
        the closures (a long chain of lets that would go too deep fails, and the closures, which compute
        a chain without recursion, score the department). Returns the name of the dict of them."""
        functions = {}
        for name, closure in self.compiled.lets.items():
            expr = self.compiled.let_exprs.get(name)
            function = self.fresh("_let")
            self.emit(0, f"def {function}(env):")
            self.emit(1, "facts = env  # the Env holds the facts too")
            written = len(self.lines)
            try:
                self.emit(1, f"return {self.expr(expr) if expr is not None else self.unsupported()}")
            except Unsupported:
                del self.lines[written:]
                self.emit(1, f"return {self.const(closure)}(env)")
            functions[name] = function
        table = self.fresh("_lets")
        self.emit(0, f"{table} = {{{''.join(f'{self.const(name)}: {f}, ' for name, f in functions.items())}}}")
        return table

    @staticmethod
    def unsupported() -> str:
        raise Unsupported

    def node(self, item, depth: int) -> str:
        """Lines that build the node's result; the name of the variable holding it."""
        if type(item) is CompiledGroup:
            return self.group(item, depth)
        return self.leaf(item, depth)

    def group(self, item: CompiledGroup, depth: int) -> str:
        group = item.group
        children = [self.node(child, depth) for child in item.children]
        listed = "".join(f"{c}, " for c in children)
        score = self.fresh("g")
        if group.is_block:
            pairs = "".join(f"({c}.score, {c}.max), " for c in children)
            self.emit(depth, f"{score} = {self.const(self.compiled.rounding.rounded)}({self.const(block_score)}("
                             f"{self.const(group.kind)}, {self.const(group.points)}, ({pairs})))")
            kind = group.kind
        else:
            self.emit(depth, f"{score} = {self.const(numbers.total)}(({''.join(f'{c}.score, ' for c in children)}))")
            kind = "group"
        return self.result(depth, group.name, kind, group.points, score, f"({listed})", group.span, None)

    def leaf(self, leaf: CompiledLeaf, depth: int) -> str:
        indicator = leaf.indicator
        raw = self.fresh("r")
        written = len(self.lines)
        try:
            if indicator.rule is None and not indicator.parts:
                raise Unsupported
            if indicator.parts:
                self.parts(indicator, raw, depth)
            else:
                self.rule(indicator.rule, raw, depth, indicator.points)
        except Unsupported:  # the leaf's own closure computes its raw score
            del self.lines[written:]
            self.emit(depth, f"{raw} = {self.const(leaf.score)}(env)")
        score = self.fresh("s")
        self.emit(depth, f"{score} = {self.const(self.compiled.rounding.rounded)}({raw})")
        self.within(score, indicator.points, depth)
        return self.result(depth, indicator.name, "indicator", indicator.points, score, "()", indicator.span, raw)

    def result(self, depth: int, name: str, kind: str, points, score: str, children: str, span, raw) -> str:
        """A NodeResult built in place (its fields in order, as attrs' __init__ would set them)."""
        node = self.fresh("n")
        fields = (f"'name': {self.const(name)}, 'kind': {self.const(kind)}, 'max': {self.const(points)}, "
                  f"'score': {score}, 'children': {children}, 'explanation': (), 'span': {self.const(span)}, "
                  f"'unrounded': {raw if raw is not None else 'None'}")
        self.emit(depth, f"{node} = {self.const(object.__new__)}({self.const(NodeResult)})")
        self.emit(depth, f"{node}.__dict__.update({{{fields}}})")
        return node

    # ---- rules -------------------------------------------------------------------------------------

    def rule(self, rule, target: str, depth: int, points: Decimal) -> None:
        """Lines that set `target` to the raw score of the rule of an indicator or part of `points`."""
        if isinstance(rule, ast.Formula):
            self.emit(depth, f"{target} = {self.expr(rule.expr)}")
        elif isinstance(rule, ast.Assessed):
            self.emit(depth, f"{target} = env[{self.const(rule.input.name)}]")
        elif isinstance(rule, ast.Bands):
            self.rows([(band.condition, band.points) for band in rule.bands], target, depth)
        elif isinstance(rule, ast.Checklist):
            self.emit(depth, f"{target} = {self.const(numbers.ZERO)}")
            for item in rule.items:
                self.emit(depth, f"if {self.expr(item.condition)}:")
                self.emit(depth + 1, f"{target} = {self.const(numbers.add)}({target}, {self.expr(item.points)})")
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

    def within(self, value: str, points: Decimal, depth: int) -> None:
        """The range test of a score (runtime.check_range's): outside [0, points], the closures report it."""
        self.emit(depth, f"if {value} < {self.const(numbers.ZERO)} or {value} > {self.const(points)}:")
        self.emit(depth + 1, f"{self.const(out_of_range)}()")

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
            self.emit(depth, f"{total} = {self.const(numbers.add)}({total}, {self.const(numbers.multiply)}("
                             f"{amount}, {self.const(divide)}({value}, {size})))")
        return total

    def axis(self, lines: tuple, index: str, depth: int) -> None:
        """The index of the first line of a matrix axis whose condition holds."""
        self.first_match(((line.condition, f"{index} = {number}") for number, line in enumerate(lines)), depth)

    def rows(self, rows: list, target: str, depth: int) -> None:
        """A band table's points: the row that matches first."""
        self.first_match(((condition, f"{target} = {self.expr(points)}") for condition, points in rows), depth)

    def first_match(self, branches: Iterator[tuple], depth: int) -> None:
        """First match (language.first_match) as an if/elif chain of (condition, statement) branches,
        `otherwise` (None) its else; no match leaves the department to the closures. A lazy iterator, so
        that nothing after `otherwise` is written."""
        for number, (condition, statement) in enumerate(branches):
            if condition is None:
                self.emit(depth, "else:" if number else "if True:")
                self.emit(depth + 1, statement)
                return
            self.emit(depth, f"{'if' if number == 0 else 'elif'} {self.expr(condition)}:")
            self.emit(depth + 1, statement)
        self.emit(depth, "else:")
        self.emit(depth + 1, f"{self.const(no_row)}()")

    # ---- expressions -------------------------------------------------------------------------------

    def expr(self, expr) -> str:
        """A Python expression computing `expr` exactly, as compile.py's closure of it does."""
        kind = type(expr)
        if kind is ast.Number:
            return self.const(expr.value)
        if kind is ast.Ref:
            # an input straight from the facts (a plain dict reads quicker than the Env around it)
            place = "env" if expr.name in self.compiled.lets else "facts"
            return f"{place}[{self.const(expr.name)}]"
        if kind is ast.GradeValue:
            return self.const(expr.value)
        if kind is ast.TotalScore:
            return f"env[{self.const(TOTAL_KEY)}]"
        if kind is ast.Negate:
            return f"{self.const(numbers.negate)}({self.expr(expr.operand)})"
        if kind is ast.Not:
            return f"(not {self.expr(expr.operand)})"
        if kind is ast.BoolOp and expr.op in ("and", "or"):  # from the left, stopping as the closures stop
            return "(" + f" {expr.op} ".join(self.expr(o) for o in expr.operands) + ")"
        if kind is ast.Binary and expr.op in ARITHMETIC:
            operation = divide if expr.op == "/" else ARITHMETIC[expr.op].apply
            return f"{self.const(operation)}({self.expr(expr.left)}, {self.expr(expr.right)})"
        if kind is ast.Compare and all(op in COMPARISONS for op in expr.ops):
            return self.comparison(expr)
        if kind is ast.Call and expr.function in BUILTINS:
            arguments = "".join(f"{self.expr(a)}, " for a in expr.args)
            return f"{self.const(BUILTINS[expr.function].apply)}(({arguments}))"
        raise Unsupported

    def comparison(self, expr: ast.Compare) -> str:
        """A (chained) comparison. The closures compute every operand before they compare; Python's
        chain stops at the first comparison that fails, so where a later operand could fail (a let, a
        division), the operands are computed first, into a tuple, and then compared."""
        operands = [self.expr(o) for o in expr.operands]
        symbols = ["==" if op == "=" else op for op in expr.ops]  # the language's own, but for =
        if len(operands) == 2 or all(self.cannot_fail(o) for o in expr.operands[2:]):
            text = operands[0] + "".join(f" {s} {o}" for s, o in zip(symbols, operands[1:]))
            return f"({text})"
        values = self.fresh("c")
        compared = "".join(f" {s} {values}[{i + 1}]" for i, s in enumerate(symbols))
        return f"(({values} := ({''.join(f'{o}, ' for o in operands)})) and {values}[0]{compared})"

    def cannot_fail(self, expr) -> bool:
        """A number, a grade value, the total, or an input: reading it cannot fail."""
        if isinstance(expr, ast.Ref):
            return expr.name not in self.compiled.lets
        return isinstance(expr, (ast.Number, ast.GradeValue, ast.TotalScore))


