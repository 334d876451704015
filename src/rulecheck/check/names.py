"""Name resolution: every name a rule uses is declared once, and grade values are bound to their grade.

Returns the program with grade values resolved (`按规定公开` in a row of `bands 预算公开情况:` becomes
the comparison `预算公开情况 = 按规定公开`) and the table of declared names the later passes use.
"""

from __future__ import annotations

import difflib

import attrs

from .. import ast
from ..diagnostics import Diagnostic, error

FUNCTIONS = {"min": (1, None), "max": (1, None), "sum": (1, None), "average": (1, None),
             "clamp": (3, 3), "abs": (1, 1)}
FUNCTION_ALIASES = {"avg": "average", "mean": "average"}


@attrs.define
class Symbols:
    """The names a framework declares."""
    inputs: dict = attrs.Factory(dict)
    lets: dict = attrs.Factory(dict)
    grade_values: dict = attrs.Factory(dict)  # value → names of the grade inputs that have it

    def known_names(self) -> list[str]:
        return [*self.inputs, *self.lets, *self.grade_values]


def where_first(first, span) -> str:
    """Where an earlier declaration is: its line in the same file, else file:line:column."""
    if first is None:
        return "an earlier line"
    return f"line {first.line}" if span is not None and first.file == span.file else str(first)


def declared_names(program: ast.Program, diagnostics: list[Diagnostic]) -> Symbols:
    symbols = Symbols()
    seen: dict[str, object] = {}
    for decl in (*program.inputs, *program.lets):
        if decl.name in seen:
            first = seen[decl.name]
            diagnostics.append(error("E202", f"'{decl.name}' is declared twice", decl.span,
                                     f"the first declaration is at {where_first(first.span, decl.span)}; rename or remove one"))
            continue
        seen[decl.name] = decl
        if isinstance(decl, ast.InputDecl):
            symbols.inputs[decl.name] = decl
            for value in decl.type.values:
                symbols.grade_values.setdefault(value, []).append(decl.name)
        else:
            symbols.lets[decl.name] = decl
    return symbols


def resolve(program: ast.Program) -> tuple[ast.Program, Symbols, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    symbols = declared_names(program, diagnostics)
    resolver = Resolver(symbols, diagnostics)
    lets = tuple(attrs.evolve(let, expr=resolver.expr(let.expr)) for let in program.lets)
    nodes = tuple(resolver.node(n) for n in program.nodes)
    check_tree_names(nodes, diagnostics)
    check_let_cycles(lets, diagnostics)
    return attrs.evolve(program, lets=lets, nodes=nodes), symbols, diagnostics


@attrs.define
class Resolver:
    symbols: Symbols
    diagnostics: list

    def node(self, item):
        if isinstance(item, ast.Group):
            return attrs.evolve(item, children=tuple(self.node(c) for c in item.children))
        for direction in item.directions:
            if direction.input.name not in self.symbols.inputs:
                self.unknown(direction.input, "an input")
        seen = {}
        for part in item.parts:
            if part.name in seen:
                self.diagnostics.append(error("E202", f"part '{part.name}' appears twice in '{item.name}'",
                                              part.span, "give each part its own name"))
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
                if grade and isinstance(condition, ast.Ref) and grade in self.symbols.grade_values.get(condition.name, ()):
                    condition = ast.Compare((subject, ast.GradeValue(grade, condition.name, condition.span)),
                                            ("=",), condition.span)
                elif isinstance(condition, ast.Ref):
                    # a bare name in a grade's table is one of its values: say so if it is not
                    condition = self.expr(condition, grade)
                elif condition is not None:
                    condition = self.expr(condition)
                bands.append(attrs.evolve(band, condition=condition, points=self.expr(band.points)))
            return attrs.evolve(rule, subject=subject, bands=tuple(bands))
        if isinstance(rule, ast.Checklist):
            return attrs.evolve(rule, items=tuple(
                attrs.evolve(i, condition=self.expr(i.condition), points=self.expr(i.points)) for i in rule.items))
        if isinstance(rule, ast.Deduction):
            steps = tuple(attrs.evolve(s, amount=self.expr(s.amount), quantity=self.expr(s.quantity),
                                       unit=self.optional(s.unit), threshold=self.optional(s.threshold))
                          for s in rule.steps)
            return attrs.evolve(rule, steps=steps, floor=self.optional(rule.floor))
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
            if name not in FUNCTIONS:
                close = difflib.get_close_matches(expr.function, list(FUNCTIONS), n=1)
                span = expr.span and attrs.evolve(expr.span, end_line=expr.span.line,
                                                  end_column=expr.span.column + len(expr.function))
                self.diagnostics.append(error(
                    "E203", f"unknown function '{expr.function}'", span,
                    f"did you mean '{close[0]}'?" if close else "functions are: " + ", ".join(FUNCTIONS)))
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
                "E207", f"'{ref.name}' is a value of several grades ({', '.join(grades)})", ref.span,
                f"compare it with the grade it belongs to, e.g. '{grades[0]} = {ref.name}'"))
        elif grade is not None:
            values = self.symbols.inputs[grade].type.values
            close = difflib.get_close_matches(ref.name, values, n=1, cutoff=0.4)
            self.diagnostics.append(error(
                "E207", f"'{ref.name}' is not a value of the grade '{grade}'", ref.span,
                f"did you mean '{close[0]}'?" if close else "its values are: " + ", ".join(values)))
        else:
            self.unknown(ref, "a declared input, derived value or grade value")
        return ref

    def unknown(self, ref: ast.Ref, what: str):
        candidates = self.symbols.known_names() if what != "an input" else list(self.symbols.inputs)
        close = difflib.get_close_matches(ref.name, candidates, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else "declare it under 'inputs:' or with 'let'"
        self.diagnostics.append(error("E201", f"unknown name '{ref.name}': not {what}", ref.span, hint))


def check_tree_names(nodes, diagnostics: list[Diagnostic]) -> None:
    """Indicators and groups are addressed by name (results, cases, `extend`), so names are unique."""
    seen = {}
    for item, _ in ast.iter_nodes(nodes):
        if item.name in seen:
            diagnostics.append(error("E202", f"the tree has two nodes named '{item.name}'", item.span,
                                     f"the first is at {where_first(seen[item.name].span, item.span)}; give each its own name"))
        else:
            seen[item.name] = item


def references(expr) -> set[str]:
    return {e.name for e in ast.walk(expr) if isinstance(e, ast.Ref)}


def check_let_cycles(lets, diagnostics: list[Diagnostic]) -> None:
    by_name = {let.name: let for let in lets}
    state: dict[str, str] = {}

    def visit(name, path):
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            cycle = path[path.index(name):] + [name]
            diagnostics.append(error("E204", "derived values depend on each other in a circle: "
                                     + " → ".join(cycle), by_name[name].span,
                                     "one of them must be computed from inputs only"))
            return
        state[name] = "active"
        for ref in sorted(references(by_name[name].expr)):
            if ref in by_name:
                visit(ref, path + [name])
        state[name] = "done"

    for let in lets:
        visit(let.name, [])
