"""A batch's facts read by one function written for the ruleset's inputs: validate's fast path.

facts.validate converts each fact by values.convert, the one definition of values, and reports every
problem. A batch's departments are mostly right and written alike (CSV cells of plain digits, 是 / 否, a
grade's value), so the inputs are written out once as straight-line Python (codegen.py): each input
looked up, those usual forms converted inline as convert converts them (the same value to the digit: a
plain number's Decimal, a percentage's hundredth, a bool word's value, a grade's text) and tested against
the domain, a date by convert itself, into the facts that scoring reads. The inputs the rules read
are taken from the facts in one call (an itemgetter) and the facts made as one dict, keyed by the very
str objects the scoring function reads them by (Compiled.required's keys), so that each is found by
identity, without comparing texts. Whatever that path does not take (a missing required input, an
unknown fact, a value outside its domain, any other form of a value, a constraint broken) gives None (or
raises), and validate reads that department the general way, which says what is wrong exactly as it
always has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from operator import itemgetter

from .. import numbers
from ..codegen import Code
from ..domains import domain_of
from ..syntax import ast
from . import values

HUNDRED = Decimal(100)
NOT_TEXT = object()  # a fact's value that is not a text (the API's Decimal, a YAML number): the general way
# The most texts remembered per input, with their values. An input whose texts repeat (a count, an
# evaluator's score, a grade-like percentage) is read from its table; one whose table fills up (amounts,
# which rarely repeat) has it emptied and stops remembering: a table of texts that do not come back costs
# a lookup that misses and, for 50 such inputs, more memory than the processor's cache holds next to the
# scoring code (an L2 miss per lookup: cachegrind with a 1 MB last-level cache, as this project's machine has).
KNOWN_TEXTS = 1024
BOOL_WORDS = {**dict.fromkeys(values.TRUE_WORDS, True), **dict.fromkeys(values.FALSE_WORDS, False)}


def fast_reader(inputs: Mapping[str, ast.InputDecl], required: Iterable[str],
                name_fields: Iterable[str]) -> Callable[[Mapping], dict | None]:
    """`read(facts)`: the converted facts of a department's raw ones (name → value), or None for the
    general path. `required`: the inputs the rules read (absent: None); `name_fields`: keys that are not
    facts (a department's display name), which the rule file declares no input of."""
    writer = Writer()
    writer.write(inputs, {name: name for name in required}, [name for name in name_fields if name not in inputs])
    return writer.function("read", "facts reader")


class Writer(Code):
    def write(self, inputs: Mapping[str, ast.InputDecl], required: dict[str, str], name_fields: list[str]) -> None:
        """`required`: each input the rules read, by the str object the scoring function reads it by (its
        key in Compiled.required), which the facts read here are stored by, so that scoring finds each by
        that object itself (as a CSV's columns are named: tables.the_rules_names)."""
        self.emit(0, "def read(facts):")
        known = frozenset(required.get(name, name) for name in inputs) | frozenset(name_fields)
        self.emit(1, f"if not facts.keys() <= {self.const(known)}:")
        self.emit(2, "return None  # an unknown fact: said by validate")
        picked = [name for name in inputs if name in required]
        if picked:  # the inputs the rules read, taken at once, in one call
            raws = [self.fresh("x") for _name in picked]
            self.emit(1, "try:")
            self.emit(2, f"{', '.join(raws)}{',' if len(raws) == 1 else ''} = "
                         f"{self.const(itemgetter(*[required[name] for name in picked]))}(facts)"
                         f"{',' if len(raws) == 1 else ''}")
            self.emit(1, "except KeyError:")
            self.emit(2, "return None  # one is not given: said by validate")
            values = [self.fresh("v") for _name in picked]
            for name, raw, value in zip(picked, raws, values):
                self.convert(inputs[name], raw, value, depth=1)
            # one dict, made at its size, in the inputs' order
            self.emit(1, "env = {" + ", ".join(f"{self.const(required[name])}: {value}"
                                               for name, value in zip(picked, values)) + "}")
        else:
            self.emit(1, "env = {}")
        self.emit(1, "get = facts.get")
        for name, decl in inputs.items():
            if name in required:
                continue
            raw = self.fresh("x")
            self.emit(1, f"{raw} = get({self.const(name)})")
            self.emit(1, f"if {raw} is not None:")  # not given, or None: missing either way
            self.convert(decl, raw, f"env[{self.const(name)}]")
        self.emit(1, "return env")

    def convert(self, decl: ast.InputDecl, raw: str, target: str, depth: int = 2) -> None:
        """Lines (at `depth`) that set `target` to the fact's value, or return None."""
        kind = decl.type.kind
        if kind == "bool":
            value = self.local(target, "b")
            self.emit(depth, f"{value} = {self.const(BOOL_WORDS)}.get({raw})")  # a value not str: None, or unhashable
            self.emit(depth, f"if {value} is None:")
            self.emit(depth + 1, "return None")
            self.assign(depth, target, value)
            return
        if kind == "grade":
            allowed = frozenset(value for value in decl.type.values if value == value.strip() and value)
            self.emit(depth, f"if type({raw}) is not str or {raw} not in {self.const(allowed)}:")
            self.emit(depth + 1, "return None")
            self.emit(depth, f"{target} = {raw}")
            return
        if kind == "date":  # few, and in many forms (2024-03-31, 2024年3月31日): convert's own reading
            self.emit(depth, f"{target} = {self.const(values.convert)}({raw}, {self.const(decl)})")
            return
        self.number(decl, raw, target, depth)

    def number(self, decl: ast.InputDecl, raw: str, target: str, depth: int) -> None:
        """A number's value, from the texts already read for this input (up to KNOWN_TEXTS of them: a
        count, a score or a percentage takes few distinct values; an input that has more remembers none)
        or converted as values.convert converts a plain number: Decimal(text), a percentage's hundredth
        (exact: at most 40 digits, within EXACT's precision), then the domain's test."""
        simple, number = self.const(values.SIMPLE_NUMBER.fullmatch), self.const(Decimal)
        known: dict[str, Decimal] = {}
        room = [KNOWN_TEXTS]  # the texts it may still take: 0 once it has filled up (then emptied)
        value = self.local(target, "v")
        self.emit(depth, f"{value} = {self.const(known)}.get({raw}) if type({raw}) is str else {self.const(NOT_TEXT)}")
        self.emit(depth, f"if {value} is None:")
        if decl.type.kind == "percent":
            text = self.fresh("t")
            self.emit(depth + 1, f"if {raw}[-1:] == '%':")
            self.emit(depth + 2, f"{text} = {raw}[:-1]")
            self.emit(depth + 2, f"if not {simple}({text}):")
            self.emit(depth + 3, "return None")
            divide, hundred = self.const(numbers.EXACT.divide), self.const(HUNDRED)
            self.emit(depth + 2, f"{value} = {divide}({number}({text}), {hundred})")
            self.emit(depth + 1, f"elif {simple}({raw}):")
            self.emit(depth + 2, f"{value} = {number}({raw})")
            self.emit(depth + 2, f"if abs({value}) > 1:")
            self.emit(depth + 3, "return None  # ambiguous unless the domain declares it")
            self.emit(depth + 1, "else:")
            self.emit(depth + 2, "return None")
        else:
            self.emit(depth + 1, f"if not {simple}({raw}):")
            self.emit(depth + 2, "return None")
            self.emit(depth + 1, f"{value} = {number}({raw})")
        tests = []
        domain = domain_of(decl)
        if domain.low is not None:
            tests.append(f"{value} {'<=' if domain.low_exclusive else '<'} {self.const(domain.low)}")
        if domain.high is not None:
            tests.append(f"{value} > {self.const(domain.high)}")
        if decl.type.kind == "count":
            tests.append(f"{value} != {value}.to_integral_value()")
        if tests:
            self.emit(depth + 1, f"if {' or '.join(tests)}:")
            self.emit(depth + 2, "return None")
        self.emit(depth + 1, f"if {self.const(room)}[0] > 0:")  # (> 0: threads may take the last place at once)
        self.emit(depth + 2, f"{self.const(known)}[{raw}] = {value}")
        self.emit(depth + 2, f"{self.const(room)}[0] -= 1")
        self.emit(depth + 2, f"if {self.const(room)}[0] <= 0:")
        self.emit(depth + 3, f"{self.const(known)}.clear()  # texts that do not repeat: remembered no more")
        self.emit(depth, f"elif {value} is {self.const(NOT_TEXT)}:")
        self.emit(depth + 1, "return None  # a value of another type: read the general way")
        self.assign(depth, target, value)

    def local(self, target: str, prefix: str) -> str:
        """The local a value is worked out in: the target itself when it is one, else a new one."""
        return target if target.isidentifier() else self.fresh(prefix)

    def assign(self, depth: int, target: str, value: str) -> None:
        if value != target:
            self.emit(depth, f"{target} = {value}")
