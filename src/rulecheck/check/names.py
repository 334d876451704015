"""Name resolution: every name a rule uses is declared once, and grade values are bound to their grade.

Returns the program with grade values resolved (`按规定公开` in a row of `bands 预算公开情况:` becomes
the comparison `预算公开情况 = 按规定公开`) and the table of declared names the later passes use.
"""

from __future__ import annotations

import attrs

from ..diagnostics import Diagnostic, error
from ..i18n import N_, _
from ..language import BUILTINS, FUNCTION_ALIASES
from ..records import MutableRecord
from ..source import Span
from ..syntax import ast
from ..syntax.errors import joined_words_hint
from .lets import post_order


@attrs.define(eq=False, repr=False)
class Symbols(MutableRecord):
    """The names a framework declares."""
    inputs: dict = attrs.Factory(dict)
    lets: dict = attrs.Factory(dict)
    grade_values: dict = attrs.Factory(dict)  # value → names of the grade inputs that have it

    def known_names(self) -> list[str]:
        return [*self.inputs, *self.lets, *self.grade_values]


def where_first(first, span) -> str:
    """Where an earlier declaration is: its line in the same file, else file:line:column."""
    if first is None:
        return _("an earlier line")
    return _("line {line}", line=first.line) if span is not None and first.file == span.file else str(first)


KIND_WORDS = {ast.InputDecl: "input", ast.Let: "derived value", ast.Group: "group", ast.Indicator: "indicator"}

# The messages of a name declared twice (E202), by the kinds of the two declarations (earlier, later).
DECLARED_TWICE = {
    ("input", "input"): N_("the input '{name}' is declared twice"),
    ("derived value", "derived value"): N_("the derived value '{name}' is declared twice"),
    ("input", "derived value"): N_("'{name}' is declared both as an input and as a derived value"),
    ("derived value", "input"): N_("'{name}' is declared both as a derived value and as an input"),
    ("group", "group"): N_("two groups are named '{name}'"),
    ("indicator", "indicator"): N_("two indicators are named '{name}'"),
    ("group", "indicator"): N_("a group and an indicator are both named '{name}'"),
    ("indicator", "group"): N_("an indicator and a group are both named '{name}'"),
}
DECLARED_AT = {
    "input": N_("the input is declared at {place}; inputs and derived values share one set of names, so rename one"),
    "derived value": N_("the derived value is declared at {place}; inputs and derived values share one set of "
                        "names, so rename one"),
}


def written_order(program: ast.Program):
    """A sort key for declarations: imported files first, then the checked file, each in line order.
    Of two declarations of one name, the later is the one reported."""
    def key(decl):
        span = decl.span
        if span is None:
            return (0, "", 0, 0)
        return (span.file == program.file, span.file, span.line, span.column)
    return key


def declared_names(program: ast.Program, diagnostics: list[Diagnostic]) -> Symbols:
    symbols = Symbols()
    # The table keeps the first declaration in program order (inputs before lets), so that a name
    # declared as both still resolves as an input; the report names the two in the order written.
    declared: tuple[ast.InputDecl | ast.Let, ...] = (*program.inputs, *program.lets)
    for decl in declared:
        if decl.name in symbols.inputs or decl.name in symbols.lets:
            continue
        if isinstance(decl, ast.InputDecl):
            symbols.inputs[decl.name] = decl
            for value in dict.fromkeys(decl.type.values):  # a value listed twice is reported below
                symbols.grade_values.setdefault(value, []).append(decl.name)
        else:
            symbols.lets[decl.name] = decl
    first: dict[str, ast.InputDecl | ast.Let] = {}
    for decl in sorted(declared, key=written_order(program)):
        if decl.name not in first:
            first[decl.name] = decl
            continue
        earlier = first[decl.name]
        where = where_first(earlier.span, decl.span)
        kind, earlier_kind = KIND_WORDS[type(decl)], KIND_WORDS[type(earlier)]
        if kind == earlier_kind:
            hint = _("the first declaration is at {place}; rename or remove one", place=where)
        else:
            hint = _(DECLARED_AT[earlier_kind], place=where)
        diagnostics.append(error("E202", _(DECLARED_TWICE[earlier_kind, kind], name=decl.name), decl.span, hint))
    for decl in program.inputs:
        check_grade_values(decl, diagnostics)
    return symbols


def check_grade_values(decl: ast.InputDecl, diagnostics: list[Diagnostic]) -> None:
    """A grade's values are compared and listed by name, so each is listed once."""
    spans = decl.type.value_spans or ()
    seen: dict[str, Span | None] = {}
    for number, value in enumerate(decl.type.values):
        span = spans[number] if number < len(spans) else None
        if value not in seen:
            seen[value] = span
            continue
        earlier = seen[value]
        where = (_("{place}, column {column}", place=where_first(earlier, span), column=earlier.column)
                 if earlier is not None and span is not None else _("earlier in the list"))
        diagnostics.append(error("E202", _("the grade '{name}' lists the value '{value}' twice", name=decl.name,
                                           value=value), span or decl.type.span,
                                 _("the first '{value}' is at {place}; list each value once", value=value,
                                   place=where)))


def resolve(program: ast.Program) -> tuple[ast.Program, Symbols, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    symbols = declared_names(program, diagnostics)
    resolver = Resolver(symbols, diagnostics)
    lets = tuple(attrs.evolve(let, expr=resolver.expr(let.expr)) for let in program.lets)
    nodes = tuple(resolver.node(n) for n in program.nodes)
    grades = tuple(attrs.evolve(row, condition=resolver.optional(row.condition)) for row in program.grades)
    check_tree_names(program, nodes, diagnostics)
    check_let_cycles(lets, diagnostics)
    return attrs.evolve(program, lets=lets, nodes=nodes, grades=grades), symbols, diagnostics


@attrs.define(eq=False, repr=False)
class Resolver(MutableRecord):
    symbols: Symbols
    diagnostics: list

    def node(self, item):
        for direction in item.directions:
            if direction.input.name not in self.symbols.inputs:
                self.unknown(direction.input, "an input")
        if isinstance(item, ast.Group):
            return attrs.evolve(item, children=tuple(self.node(c) for c in item.children))
        seen = {}
        for part in item.parts:
            if part.name in seen:
                self.diagnostics.append(error(
                    "E202", _("the indicator '{name}' has two parts named '{part}'", name=item.name, part=part.name),
                    part.span, _("the first is at {place}; give each part its own name",
                                 place=where_first(seen[part.name].span, part.span))))
            else:
                seen[part.name] = part
        return attrs.evolve(item, rule=self.rule(item.rule) if item.rule is not None else None,
                            parts=tuple(attrs.evolve(p, rule=self.rule(p.rule)) for p in item.parts))

    def rule(self, rule):
        if isinstance(rule, ast.Formula):
            return attrs.evolve(rule, expr=self.expr(rule.expr))
        if isinstance(rule, ast.Assessed):
            if rule.input.name not in self.symbols.inputs:
                self.unknown(rule.input, "an input")
            return rule
        if isinstance(rule, ast.Bands):
            subject = self.expr(rule.subject) if rule.subject is not None else None
            grade = self.grade_of(subject)
            bands = []
            for band in rule.bands:
                condition = band.condition
                if (grade and isinstance(condition, ast.Ref)
                        and grade in self.symbols.grade_values.get(condition.name, ())):
                    condition = ast.Compare((subject, ast.GradeValue(grade, condition.name, condition.span)),
                                            ("=",), condition.span)
                elif isinstance(condition, ast.Ref):
                    # a bare name in a grade's table is one of its values: say so if it is not
                    condition = self.expr(condition, grade)
                elif condition is not None:
                    condition = self.expr(condition)
                bands.append(attrs.evolve(band, condition=condition, points=self.expr(band.points)))
            return attrs.evolve(rule, subject=subject, bands=tuple(bands))
        if isinstance(rule, ast.Matrix):
            lines = tuple(attrs.evolve(line, condition=self.optional(line.condition),
                                       cells=tuple(self.expr(e) for e in line.cells))
                          for line in rule.columns + rule.rows)
            return attrs.evolve(rule, row_subject=self.expr(rule.row_subject),
                                column_subject=self.expr(rule.column_subject),
                                columns=lines[:len(rule.columns)], rows=lines[len(rule.columns):])
        if isinstance(rule, ast.Checklist):
            return attrs.evolve(rule, items=tuple(
                attrs.evolve(i, condition=self.expr(i.condition), points=self.expr(i.points)) for i in rule.items))
        if isinstance(rule, ast.Deduction):
            steps = tuple(attrs.evolve(s, amount=self.expr(s.amount), quantity=self.expr(s.quantity),
                                       unit=self.optional(s.unit), threshold=self.optional(s.threshold))
                          for s in rule.steps)
            return attrs.evolve(rule, steps=steps, floor=self.optional(rule.floor))
        if isinstance(rule, ast.Awards):
            awards = tuple(attrs.evolve(s, amount=self.expr(s.amount), quantity=self.expr(s.quantity),
                                        unit=self.optional(s.unit), threshold=self.optional(s.threshold))
                           for s in rule.steps)
            return attrs.evolve(rule, steps=awards, cap=self.optional(rule.cap))
        raise AssertionError(rule)

    def optional(self, expr):
        return self.expr(expr) if expr is not None else None

    def grade_of(self, expr) -> str | None:
        if isinstance(expr, ast.Ref):
            decl = self.symbols.inputs.get(expr.name)
            if decl is not None and decl.type.kind == "grade":
                return decl.name
        return None

    def expr(self, expr, grade: str | None = None):
        if isinstance(expr, ast.Ref):
            return self.ref(expr, grade)
        if isinstance(expr, ast.Compare):
            context = next((g for g in map(self.grade_of, expr.operands) if g), None)
            return attrs.evolve(expr, operands=tuple(self.expr(o, context) for o in expr.operands))
        if isinstance(expr, ast.Call):
            name = FUNCTION_ALIASES.get(expr.function, expr.function)
            if name not in BUILTINS:
                import difflib  # a suggestion's: a clean check never imports difflib

                close = difflib.get_close_matches(expr.function, list(BUILTINS), n=1)
                span = expr.span and attrs.evolve(expr.span, end_line=expr.span.line,
                                                  end_column=expr.span.column + len(expr.function))
                self.diagnostics.append(error(
                    "E203", _("unknown function '{name}'", name=expr.function), span,
                    _("did you mean '{name}'?", name=close[0]) if close
                    else _("functions are: {functions}", functions=", ".join(BUILTINS))))
            return attrs.evolve(expr, function=name, args=tuple(self.expr(a) for a in expr.args))
        if isinstance(expr, ast.Negate):
            return attrs.evolve(expr, operand=self.expr(expr.operand))
        if isinstance(expr, ast.Not):
            return attrs.evolve(expr, operand=self.expr(expr.operand))
        if isinstance(expr, ast.Binary):
            return attrs.evolve(expr, left=self.expr(expr.left), right=self.expr(expr.right))
        if isinstance(expr, ast.BoolOp):
            return attrs.evolve(expr, operands=tuple(self.expr(o) for o in expr.operands))
        return expr

    def ref(self, ref: ast.Ref, grade: str | None):
        if ref.name in self.symbols.inputs or ref.name in self.symbols.lets:
            return ref
        grades = self.symbols.grade_values.get(ref.name, [])
        if grade is not None and grade in grades:
            return ast.GradeValue(grade, ref.name, ref.span)
        if grade is None and len(grades) == 1:
            return ast.GradeValue(grades[0], ref.name, ref.span)
        if grades:
            self.diagnostics.append(error(
                "E207", _("'{name}' is a value of several grades ({grades})", name=ref.name, grades=", ".join(grades)),
                ref.span, _("compare it with the grade it belongs to, e.g. '{grade} = {name}'", grade=grades[0],
                            name=ref.name)))
        elif grade is not None:
            values = self.symbols.inputs[grade].type.values
            import difflib  # a suggestion's: a clean check never imports difflib

            close = difflib.get_close_matches(ref.name, values, n=1, cutoff=0.4)
            self.diagnostics.append(error(
                "E207", _("'{name}' is not a value of the grade '{grade}'", name=ref.name, grade=grade), ref.span,
                _("did you mean '{name}'?", name=close[0]) if close
                else _("its values are: {values}", values=", ".join(values))))
        else:
            self.unknown(ref, "a declared input, derived value or grade value")
        return ref

    def unknown(self, ref: ast.Ref, what: str):
        candidates = self.symbols.known_names() if what != "an input" else list(self.symbols.inputs)
        import difflib  # a suggestion's: a clean check never imports difflib

        close = difflib.get_close_matches(ref.name, candidates, n=1, cutoff=0.5)
        hint = joined_words_hint(ref.name, candidates) or (
            _("did you mean '{name}'?", name=close[0]) if close else _("declare it under 'inputs:' or with 'let'"))
        message = (_("unknown name '{name}': not an input", name=ref.name) if what == "an input"
                   else _("unknown name '{name}': not a declared input, derived value or grade value", name=ref.name))
        self.diagnostics.append(error("E201", message, ref.span, hint))


def check_tree_names(program: ast.Program, nodes, diagnostics: list[Diagnostic]) -> None:
    """Indicators and groups are addressed by name (results, cases, `extend`), so names are unique."""
    first = {}
    for item in sorted((item for item, __ in ast.iter_nodes(nodes)), key=written_order(program)):
        if item.name not in first:
            first[item.name] = item
            continue
        earlier = first[item.name]
        kind, earlier_kind = KIND_WORDS[type(item)], KIND_WORDS[type(earlier)]
        diagnostics.append(error(
            "E202", _(DECLARED_TWICE[earlier_kind, kind], name=item.name), item.span,
            _("the first is at {place}; rename one: results and 'extend' find a group or indicator by its name",
              place=where_first(earlier.span, item.span))))


def references(expr) -> set[str]:
    return {e.name for e in ast.walk(expr) if isinstance(e, ast.Ref)}


def check_let_cycles(lets, diagnostics: list[Diagnostic]) -> None:
    by_name = {let.name: let for let in lets}

    def cycle(path: list[str], name: str) -> None:
        names = path[path.index(name):] + [name]
        diagnostics.append(error("E204", _("derived values depend on each other in a circle: {names}",
                                           names=" → ".join(names)), by_name[name].span,
                                 _("one of them must be computed from inputs only")))

    post_order(by_name, lambda name: sorted(references(by_name[name].expr) & by_name.keys()), on_cycle=cycle)
