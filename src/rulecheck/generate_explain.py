"""Explanations as one generated Python function per ruleset and language: `explain=True` specialised.

compile.py explains a leaf with closures that run after scoring: they find the matching band row again,
test each checklist item again, count each deduct line's units again and fill each text in from the
Env. Here, as generate.py does for scores, the checked tree is written out once as the straight-line
source of one function, and each explanation line is written where its value is computed: a band
table's row that matched writes its own lines in its branch of the if/elif chain (the rows before it a
constant tuple of Steps), a checklist item its line in its branch, a deduct line its line beside its
units. The texts come from the same functions the closures use (compile.band_texts, checklist_texts, …),
laid out and translated once, when the function is written for a language.

A line is kept as its entry: a small function written after the explaining one (its maker), the line's
span and the values its text shows; results.Shape.grow calls the maker, which formats the values and
makes the Step, the first time the tree is read. So explaining a department costs its scores, the
values its lines show and a tuple a line (what a batch that explains but reads a few trees pays), and
reading the tree the formatting and the Steps; a value's text is formatted once per department, by the
first line read that shows it. What a line computes beyond its values (a quantity's result) is computed
by the explaining function, so a failure stays where the closures have it: in the evaluation.

What the writer does not write out (a matrix, a rule without one of these kinds) is explained by the
leaf's own closures, on an Explaining env the function makes. A department whose scoring fails anywhere
is scored and explained again by the closures (evaluate.py), which report the failure as they always
have. tests/test_generate_explain.py holds every explanation of every rule file in the repository to
the closures' own, Step by Step and span by span.

Rule text never reaches the generated source (codegen.py): each text is a constant of its namespace.
"""

from __future__ import annotations

import operator
import re
import string
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from . import numbers
from .compile import (
    BandRow,
    Compiled,
    CompiledGroup,
    CompiledLeaf,
    Compiler,
    assessed_text,
    award_texts,
    band_texts,
    checklist_texts,
    composite_texts,
    counted_values,
    deduction_texts,
    earned_text,
    is_plain_bool,
    literal,
    rule_conditions,
    where_text,
)
from .evaluate import block_step, explained_line, grade_step
from .generate import EXACT_ADD, Unsupported, Writer, child_points, listed, unavailable
from .i18n import speaking
from .results import Result, Shape, Step
from .runtime import Explaining
from .syntax import ast
from .syntax.printer import format_expr, format_number, format_percent, format_value, template_pieces

NUMBER_KINDS = ("number", "amount", "count", "score")  # input kinds whose facts are numbers
# The locals a text's expression reads (every local is a writer's fresh name: letters and a number; the
# constants are `_k12`, the makers `_make12`), and those its walruses set.
LOCAL = re.compile(r"\b[a-z]+[0-9]+\b")
SET_BY_WALRUS = re.compile(r"\b([a-z]+[0-9]+) :=")


def explain_function(compiled: Compiled, language: str, all_rows: bool) -> Callable[[dict], Result]:
    """The framework's generated explaining function in `language` (with `all_rows`, a band table's rows
    after the one that matched too), written the first time it is asked for and kept."""
    key = ("explain", language, all_rows)
    found = compiled.specialised.get(key)
    if found is None:
        try:
            with speaking(language):
                writer = ExplainWriter(compiled, language, all_rows)
                writer.write()
                found = writer.function("explain", "explanations")
        except Exception:  # never in the tests (tests/test_generate_explain.py writes every rule file); should
            found = unavailable  # it happen, the closures explain every department, as before
        compiled.specialised[key] = found
    return found


class Child(NamedTuple):
    """What a bonus or penalty block's Step reads of each of its children (evaluate.block_step)."""
    name: str
    score: Decimal
    max: Decimal


def child_name(item) -> str:
    return item.group.name if type(item) is CompiledGroup else item.indicator.name


class ExplainWriter(Writer):
    """Writes the source of `explain(facts)`: generate.Writer's scoring, each leaf's Steps beside it."""

    FUNCTION = "explain"

    def __init__(self, compiled: Compiled, language: str, all_rows: bool):
        super().__init__(compiled)
        if not isinstance(compiled.compiler, Compiler):
            raise Unsupported
        self.compiler: Compiler = compiled.compiler
        self.language, self.all_rows = language, all_rows
        self.explaining = False  # a leaf is explained by its closures: the Env is an Explaining
        self.texts: dict[str, int] = {}  # a name → the place of its value's text in the list `self.text_list`
        self.text_list = self.fresh("shown")  # the local of that list, passed to the makers that show a value
        self.where_steps: dict[tuple[str, str], str] = {}  # (let, indent) → the local of its where line
        self.group_steps: dict[int, str] = {}  # a block's position among the groups → its Steps
        self.hoisted: dict[str, str] = {}  # a value a line computes (`computed`) → the expression computing it
        self.makers: list[str] = []  # the lines defining the makers (see `maker`), after the function
        self.made: dict[str, str] = {}  # a maker's text → its name

    def environment(self) -> str:
        if not self.explaining:
            return super().environment()
        return f"{self.const(Explaining)}(facts, {self.const(self.compiled.lets)}, {self.const(self.language)})"

    def prologue(self) -> list[str]:
        lines = super().prologue()
        shown = [f"    {self.text_list} = [''] * {len(self.texts)}"] if self.texts else []
        return lines + shown + [f"    {local} = ''" for local in self.where_steps.values()]

    def write(self) -> None:
        """generate.Writer's function, and after it the makers its lines name."""
        super().write()
        self.lines += self.makers

    # ---- the function ------------------------------------------------------------------------------

    def flat(self, shape: Shape, leaves: list[tuple[str, ...]], groups: list[str]) -> list[str]:
        """generate.Writer's, and each leaf's Steps and each group's (a bonus or penalty block's one), so
        that results.Shape grows the tree with them when it is read."""
        return [*super().flat(shape, leaves, groups), listed(leaf[2] for leaf in leaves),
                listed(self.group_steps.get(position, "()") for position in range(len(groups)))]

    def fields(self, total: str, flat: str) -> list[tuple[str, str]]:
        return [*super().fields(total, flat), *([("grade_step", "step")] if self.compiled.grades else [])]

    def graded(self, row: int | None, total: str) -> list[str]:
        """generate.Writer's, and `step`: the Step of the row that gave the grade (None before any)."""
        statements = super().graded(row, total)
        if row is None:
            return [*statements, "step = None"]
        grades = self.compiled.grades
        band, above = grades[row][2], tuple(line for _, _, line in grades[:row])
        line = explained_line(self.compiled, row, self.language)
        return [*statements, f"step = {self.const(grade_step)}({total}, {self.const(band)}, {self.const(above)}, "
                             f"{self.const(line)})"]

    def block(self, item: CompiledGroup, children: list[str], score: str, position: int) -> None:
        """A bonus or penalty block's Step (evaluate.block_step), from its children's names, scores, points."""
        shown = "".join(f"{self.const(Child)}({self.const(child_name(child))}, {c}, "
                        f"{self.const(child_points(child))}), " for c, child in zip(children, item.children))
        self.group_steps[position] = f"({self.const(block_step)}({self.const(item.group)}, ({shown}), {score}),)"

    def leaf(self, leaf: CompiledLeaf, leaves: list) -> tuple[str, tuple]:
        """Lines that score and explain the leaf; (the local of its score, its results.Shape entry)."""
        indicator = leaf.indicator
        raw, score, lines = self.fresh("r"), self.fresh("s"), self.fresh("e")
        written = len(self.lines)
        try:
            if indicator.rule is None and not indicator.parts:
                raise Unsupported
            self.emit(1, f"{lines} = []")
            if indicator.parts:
                self.explained_parts(indicator, raw, lines)
            else:
                self.explained(indicator.rule, raw, 1, indicator.points, indicator.span, lines, "")
        except Unsupported:  # the leaf's own closures score and explain it (a score out of range: below)
            del self.lines[written:]
            self.needs_env = self.explaining = True
            self.emit(1, f"{raw} = {self.const(leaf.score)}(env)")
            self.emit(1, f"{lines} = list({self.const(leaf.explain)}(env, {self.const(self.all_rows)}, {raw}))")
        self.round(raw, score, 1)
        self.within(score, indicator.points, 1)
        rounding = self.compiled.rounding
        self.emit(1, f"if {raw} != {score}:")
        line = explained_line(self.compiled, None, self.language)
        self.step(lines, 2, self.formatted(line, self.number(raw), f"{self.const(str)}({score})"), rounding.span)
        position = len(leaves)
        leaves.append((score, raw, lines))
        return score, (position, indicator.name, indicator.points, indicator.span)

    # ---- rules -------------------------------------------------------------------------------------

    def explained(self, rule, raw: str, depth: int, points: Decimal, span, lines: str, indent: str) -> None:
        """Lines that set `raw` to the raw score of the rule of an indicator or part of `points` declared at
        `span`, and append its Steps to the list `lines`."""
        kind = type(rule)
        if kind is ast.Formula:
            self.where(lines, [rule.expr], depth, indent)
            self.emit(depth, f"{raw} = {self.expr(rule.expr)}")
            text = self.const(indent + format_expr(rule.expr))
            equals = self.const(" = ")
            self.step(lines, depth, self.joined([text, equals, *self.template(rule.expr), equals, self.number(raw)]),
                      rule.span)
        elif kind is ast.Assessed:
            name = rule.input.name
            self.emit(depth, f"{raw} = {self.expr(rule.input)}")
            text = assessed_text(name, self.compiler.checked.symbols.inputs[name], indent)
            self.step(lines, depth, self.formatted(text, self.number(raw)), rule.span)
        elif kind is ast.Bands:
            self.bands(rule, raw, depth, lines, indent)
        elif kind is ast.Checklist:
            self.checklist(rule, raw, depth, lines, indent)
        elif kind is ast.Deduction:
            self.deduction(rule, raw, depth, points, span, lines, indent)
        elif kind is ast.Awards:
            self.awards(rule, raw, depth, points, lines, indent)
        else:
            raise Unsupported  # a matrix: its closures

    def explained_parts(self, indicator: ast.Indicator, raw: str, lines: str) -> None:
        """A composite indicator: each part scored and explained, range-tested, under its heading."""
        heads, sum_line = composite_texts(indicator.parts)
        values = []
        for part, head in zip(indicator.parts, heads):
            value, part_lines = self.fresh("p"), self.fresh("e")
            self.emit(1, f"{part_lines} = []")
            self.explained(part.rule, value, 1, part.points, part.span, part_lines, "  ")
            self.within(value, part.points, 1)
            self.step(lines, 1, self.formatted(head, self.number(value)), part.span)
            self.emit(1, f"{lines} += {part_lines}")
            values.append(value)
        self.emit(1, f"{raw} = {self.const(numbers.total)}(({''.join(f'{v}, ' for v in values)}))")
        self.step(lines, 1, self.formatted(sum_line, self.number(raw)), indicator.span)

    def bands(self, rule: ast.Bands, raw: str, depth: int, lines: str, indent: str) -> None:
        """The if/elif chain of the rows, each branch writing the lines of that row matching."""
        subject = rule.subject
        rows = [BandRow.of(band, subject) for band in rule.bands]
        passed, matched, untried = band_texts(rule, rows, indent)

        def branch(index: int) -> tuple:
            band = rule.bands[index]
            statements = [*self.where_statements(lines, rule_conditions(rule, index + 1), indent),
                          f"{raw} = {self.expr(band.points)}"]
            if subject is not None:
                shown = self.joined([self.const(indent), *self.shown(subject)])
                statements += self.step_statements(lines, shown, rule.span)
                if index:
                    statements.append(f"{lines} += {self.const(list(passed[:index]))}")
            else:
                for before, row in zip(passed[:index], rule.bands):
                    filled = self.joined(self.template(row.condition))
                    statements += self.step_statements(lines, self.formatted(before, filled), row.span)
            shown_points = (self.const(rows[index].points) if literal(band.points) is not None
                            else self.joined([self.const(f"{rows[index].points} = "), self.number(raw)]))
            fields = [shown_points]
            if band.condition is not None:
                fields.append(self.joined(self.template(band.condition)) if subject is None
                              else self.matched_condition(band.condition, subject))
            statements += self.step_statements(lines, self.formatted(matched[index], *fields), band.span)
            if self.all_rows and index + 1 < len(rule.bands):
                statements.append(f"{lines} += {self.const(list(untried[index + 1:]))}")
            return (band.condition, *statements)

        self.first_match((branch(index) for index in range(len(rule.bands))), depth)

    def checklist(self, rule: ast.Checklist, raw: str, depth: int, lines: str, indent: str) -> None:
        """Each item tested once: its points added and its line written, met or missed."""
        shown_items = [(format_expr(item.condition), is_plain_bool(item.condition)) for item in rule.items]
        texts = checklist_texts(rule, shown_items, indent)
        self.where(lines, [item.condition for item in rule.items], depth, indent)
        self.emit(depth, f"{raw} = {self.const(numbers.ZERO)}")
        for item, (shown, plain), (item_lines, (missed, met)) in zip(rule.items, shown_items, texts):
            points = self.fresh("q")
            add = EXACT_ADD if literal(item.points) is not None else numbers.add  # decimals: in C
            self.emit(depth, f"if {self.expr(item.condition)}:")
            self.emit(depth + 1, f"{points} = {self.expr(item.points)}")
            self.emit(depth + 1, f"{raw} = {self.const(add)}({raw}, {points})")
            self.item_line(lines, depth + 1, met, item_lines[True], self.number(points), shown, plain, item)
            self.emit(depth, "else:")
            self.item_line(lines, depth + 1, missed, item_lines[False], self.const(""), shown, plain, item)
        self.step(lines, depth, self.formatted(earned_text(indent), self.number(raw)), rule.span)

    def item_line(self, lines: str, depth: int, constant, texts: tuple, points: str, shown: str, plain: bool,
                  item: ast.ChecklistItem) -> None:
        """A checklist item's line: the same Step for every department, else its text with the points and
        the values its condition compared (in […] when they differ from its text)."""
        if constant is not None:
            self.emit(depth, f"{lines}.append({self.const(constant)})")
            return
        if plain:
            self.step(lines, depth, self.formatted(texts[False], points, self.const(shown)), item.span)
            return
        filled = self.fresh("c")  # (the maker's own local, set where it is first read)
        self.step(lines, depth, f"({self.formatted(texts[True], points, filled)} if ({filled} := "
                                f"{self.joined(self.template(item.condition))}) != {self.const(shown)} "
                                f"else {self.formatted(texts[False], points, filled)})", item.span)

    def deduction(self, rule: ast.Deduction, raw: str, depth: int, points: Decimal, span, lines: str,
                  indent: str) -> None:
        """The units of each deduct line counted once: its line beside them, then the floor's."""
        start, line_texts, floor_line = deduction_texts(rule, points, span, indent)
        self.where(lines, counted_values(rule.steps), depth, indent)
        self.emit(depth, f"{lines}.append({self.const(start)})")
        floor = self.fresh("f")
        self.emit(depth, f"{floor} = {self.expr(rule.floor) if rule.floor is not None else self.const(numbers.ZERO)}")
        taken = self.per_unit(rule.steps, depth)
        for step, (line, not_passed), (_value, count, minus) in zip(rule.steps, line_texts, self.units):
            value = self.joined(self.filled(step.quantity))
            text = self.formatted(line, value, self.number(count), self.number(minus))
            if not_passed is not None:
                text = f"({self.formatted(not_passed, value)} if {count} == 0 else {text})"
            self.step(lines, depth, text, step.span)
        self.emit(depth, f"{raw} = max({self.const(numbers.subtract)}({self.const(points)}, {taken}), {floor})")
        shown = self.bound_text(rule.floor, numbers.ZERO, floor)
        self.step(lines, depth, self.formatted(floor_line, shown, self.number(taken), self.number(raw)),
                  rule.floor.span if rule.floor is not None else rule.span)

    def awards(self, rule: ast.Awards, raw: str, depth: int, points: Decimal, lines: str, indent: str) -> None:
        """The units of each award line counted once: its line beside them, then the cap's."""
        line_texts, cap_line = award_texts(rule, indent)
        self.where(lines, counted_values(rule.steps), depth, indent)
        cap = self.fresh("f")
        self.emit(depth, f"{cap} = {self.expr(rule.cap) if rule.cap is not None else self.const(points)}")
        earned = self.per_unit(rule.steps, depth)
        for step, line, (_value, count, plus) in zip(rule.steps, line_texts, self.units):
            value = self.joined(self.filled(step.quantity))
            self.step(lines, depth, self.formatted(line, value, self.number(count), self.number(plus)), step.span)
        self.emit(depth, f"{raw} = min({earned}, {cap})")
        shown = self.bound_text(rule.cap, points, cap)
        self.step(lines, depth, self.formatted(cap_line, shown, self.number(earned), self.number(raw)),
                  rule.cap.span if rule.cap is not None else rule.span)

    def bound_text(self, bound, otherwise: Decimal, local: str) -> str:
        """The text of a floor's or cap's value (`local`, by `bound`, else `otherwise`): a constant where the
        rule writes a number or none, formatted once when the function is written."""
        value = literal(bound) if bound is not None else otherwise
        return self.const(format_number(value)) if value is not None else self.number(local)

    # ---- texts -------------------------------------------------------------------------------------

    def step(self, lines: str, depth: int, text: str, span) -> None:
        for statement in self.step_statements(lines, text, span):
            self.emit(depth, statement)

    def step_statements(self, lines: str, text: str, span) -> list[str]:
        """The statement appending the line Step(text, span) to `lines`, as its maker's entry (`entry`)."""
        return [f"{lines}.append({self.entry(text, span)})"]

    def entry(self, text: str, span) -> str:
        """An expression giving the entry of the line Step(text, span) in a leaf's lines: (its maker, the
        span, the values its text shows, …), of which results.Shape.grow makes the Step, `maker(entry)`,
        when the tree is read."""
        maker, values = self.maker(text)
        return f"({', '.join([maker, self.const(span), *(self.hoisted.get(value, value) for value in values)])})"

    def maker(self, text: str) -> tuple[str, list[str]]:
        """A function written after the explaining function, making the Step of `text` from an entry (the
        span and the values of the locals `text` reads, which the function puts in; those its walruses
        set are its own); its name, and those locals in order. Lines of one text at several places (a
        rounding line, an 'earned') share one: its parameters are named by their order."""
        set_here = list(dict.fromkeys(SET_BY_WALRUS.findall(text))) if ":=" in text else []
        values = [local for local in dict.fromkeys(LOCAL.findall(text)) if local not in set_here]
        renamed = {local: f"a{number}" for number, local in enumerate(values)}
        renamed |= {local: f"b{number}" for number, local in enumerate(set_here)}
        body = LOCAL.sub(lambda match: renamed[match[0]], text)
        name = self.made.get(body)
        if name is None:
            name = self.made[body] = self.fresh("_make")
            taken = ", ".join(["_", "span", *(renamed[value] for value in values)])
            self.makers += [f"def {name}(entry):", f"    {taken} = entry",
                            f"    step = {self.const(str.__new__)}({self.const(Step)}, {body})",
                            "    step.span = span", "    return step"]
        return name, values

    def computed(self, expr) -> str:
        """A local of a maker holding the value of `expr`, which the explaining function computes (as the
        rule's lines compute it) into the maker's entry: a failure stays the function's, never the reading's."""
        local = self.fresh("h")
        self.hoisted[local] = self.expr(expr)
        return local

    def formatted(self, template: str, *values: str) -> str:
        """template.format(*values) (a printer.prefilled text, its values' slots {0}, {1}, … wherever the
        translation puts them) as an f-string of its pieces."""
        parts = []
        for literal_text, field, spec, conversion in string.Formatter().parse(template):
            if literal_text:
                parts.append(self.const(literal_text))
            if field is not None:
                if spec or conversion or not field.isdigit():
                    return f"{self.const(template)}.format({', '.join(values)})"
                parts.append(values[int(field)])
        return self.joined(parts) if parts else self.const("")

    def number(self, local: str) -> str:
        return f"{self.const(format_number)}({local})"

    @staticmethod
    def joined(parts: list[str]) -> str:
        """One string of the parts (Python expressions, each giving a str): an f-string of them, a part that
        is an f-string itself spliced in (Python before 3.12 refuses an f-string inside another)."""
        return 'f"' + "".join(part[2:-1] if part.startswith('f"') else f"{{{part}}}" for part in parts) + '"'

    def text_of(self, name: str) -> str:
        """An expression giving the text of the value of input or derived value `name`, as every line shows
        it (printer.format_value with its display kind), formatted the first time a line read shows it and
        kept for the department's other lines in the list `self.text_list` (one per department, '' until then)."""
        index = self.texts.setdefault(name, len(self.texts))
        shown, text = f"{self.text_list}[{index}]", self.value_text(self.local(name), name)
        return f"({shown} or {self.const(operator.setitem)}({self.text_list}, {index}, {text}) or {shown})"

    def value_text(self, value: str, name: str) -> str:
        """printer.format_value(value, kind, spoken=True) of the value of `name`, written for its kind: a yes/no
        fact by the words of the function's language, a ratio as a percentage, a number of an input's
        numeric kind as a number (a derived value of no declared type may be a yes/no)."""
        kind = self.compiled.kinds.get(name)
        if kind == "bool":
            true, false = format_value(True, spoken=True), format_value(False, spoken=True)
            return (f"({self.const(true)} if {value} is True else {self.const(false)} if {value} is False "
                    f"else {self.const(format_value)}({value}, {self.const(kind)}, True))")
        if kind == "percent":
            return f"{self.const(format_percent)}({value})"
        if kind in NUMBER_KINDS and name not in self.compiled.lets:
            return self.number(value)
        return f"{self.const(format_value)}({value}, {self.const(kind)}, True)"

    def template(self, expr) -> list[str]:
        """The parts of format_expr(expr, values, kinds): its text with each name's value in."""
        laid_out = template_pieces(expr, self.compiled.kinds)
        if laid_out is None:
            raise Unsupported
        first, rest = laid_out
        parts = [self.const(first)]
        for name, _shown_name, _kind, after in rest:
            parts += [self.text_of(name), self.const(after)]
        return parts

    def filled(self, expr) -> list[str]:
        """Compiler.filled: the values in, and '= result' when the expression computes something."""
        parts = self.template(expr)
        if isinstance(expr, (ast.Ref, ast.Number, ast.GradeValue)):
            return parts
        kind = self.compiler.display_kind(expr)
        value = self.computed(expr)
        return [*parts, self.const(" = "), f"{self.const(format_value)}({value}, {self.const(kind)}, True)"]

    def shown(self, expr) -> list[str]:
        """Compiler.shown: 'expr = its values' (and '= result')."""
        text = self.const(format_expr(expr) + " = ")
        if isinstance(expr, ast.Ref):
            return [text, self.text_of(expr.name)]
        return [text, *self.filled(expr)]

    def matched_condition(self, condition, subject) -> str:
        """Compiler.matched_condition's text, as an expression."""
        pieces, kind, name = self.compiler.condition_layout(condition, subject)
        if len(pieces) == 1:
            return self.const(pieces[0])
        value = (self.text_of(name) if name is not None
                 else f"{self.const(format_value)}({self.computed(subject)}, {self.const(kind)}, True)")
        parts = [self.const(pieces[0])]
        for piece in pieces[1:]:
            parts += [value, self.const(piece)]
        return self.joined(parts)

    def where(self, lines: str, exprs: list, depth: int, indent: str) -> None:
        for statement in self.where_statements(lines, exprs, indent):
            self.emit(depth, statement)

    def where_statements(self, lines: str, exprs: list, indent: str) -> list[str]:
        """The statements appending the 'where X = …' lines of the derived values `exprs` read (Compiler.where),
        each line's entry made once per department."""
        statements = []
        for let in self.compiler.where_lets(exprs):
            key = (let.name, indent)
            local = self.where_steps.get(key)
            if local is None:
                local = self.where_steps[key] = self.fresh("w")
            equals = self.const(" = ")
            calculation = self.joined([self.const(format_expr(let.expr)), equals, *self.template(let.expr), equals,
                                       self.text_of(let.name)])
            text = self.formatted(where_text(let.name, indent), calculation)
            statements.append(f"{lines}.append({local} or ({local} := {self.entry(text, let.span)}))")
        return statements
