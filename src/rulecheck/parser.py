"""Parse rule-file text into the syntax tree of `ast.py`.

The grammar is grammar/rulecheck.lark (shipped inside the package); lark's LALR parser and an
Indenter turn text into a lark tree, and `ToAst` turns that tree into our frozen attrs nodes.
Lark's exceptions never leave this module: they become diagnostics with a position and a hint.
"""

from __future__ import annotations

import difflib
import functools
import threading
from decimal import Decimal
from importlib import resources
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)
from lark.indenter import DedentError, Indenter

from . import ast
from .diagnostics import Diagnostic, error
from .language import ARITHMETIC, COMPARISONS, ROUNDING_MODES
from .source import Source, Span

KEYWORDS = ("import", "framework", "total", "rounding", "grades", "inputs", "let", "group",
            "indicator", "extend", "part", "formula", "assessed", "bands", "checklist", "deduct",
            "floor", "increasing", "decreasing")
CMP_OPS = {spelling: c.op for c in COMPARISONS.values() for spelling in c.spellings}
ARITH_OPS = {spelling: a.op for a in ARITHMETIC.values() for spelling in a.spellings}


class RuleIndenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types = ["_LPAR"]
    CLOSE_PAREN_types = ["_RPAR"]
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 4


def grammar_text() -> str:
    """The grammar shipped in the wheel, or grammar/ at the top of a source checkout."""
    packaged = resources.files("rulecheck").joinpath("grammar/rulecheck.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[2] / "grammar" / "rulecheck.lark"
    return checkout.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def lark_parser() -> Lark:
    return Lark(grammar_text(), parser="lalr", postlex=RuleIndenter(), propagate_positions=True,
                maybe_placeholders=True, start="start")


# The Indenter keeps the indentation stack on the shared parser: one parse at a time.
PARSE_LOCK = threading.Lock()


def parse(source: Source) -> tuple[ast.Program | None, list[Diagnostic]]:
    """Parse one file; returns the program (None when the syntax is wrong) and the findings."""
    program, _, diagnostics = parse_in_order(source)
    return program, diagnostics


def parse_in_order(source: Source) -> tuple[ast.Program | None, list, list[Diagnostic]]:
    """Parse one file; also returns its top-level statements in the order written, as (kind, node)
    pairs, kind one of Program's fields ('name' and 'total' hold a Setting, 'grades' and 'inputs' a
    tuple: one block). The Program files statements by kind and merges `inputs:` blocks; the layout
    (layout.py) prints the statements back as they came."""
    text = normalized_text(source)
    try:
        with PARSE_LOCK:
            tree = lark_parser().parse(text)
    except UnexpectedInput as exc:
        return None, [], [syntax_error(exc, source)]
    except DedentError:
        return None, [], [indentation_error(source)]
    builder = ToAst(source.name, text)
    try:
        program = builder.transform(tree)
    except VisitError as exc:  # our own errors raised while building nodes
        if isinstance(exc.orig_exc, AstError):
            return None, [], [exc.orig_exc.diagnostic]
        raise
    return program, builder.statements, builder.diagnostics


def normalized_text(source: Source) -> str:
    """The text the grammar reads: no byte-order mark, '\n' line ends, a final newline. Line numbers
    are those of the source."""
    text = source.text.lstrip("\ufeff").replace("\r\n", "\n")
    return text if text.endswith("\n") else text + "\n"


class AstError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic


def token_span(file: str, token: Token) -> Span:
    return Span(file, token.line, token.column, token.end_line or token.line,
                token.end_column or token.column + len(token))


@v_args(inline=True, meta=True)
class ToAst(Transformer):
    """Lark tree → ast nodes. Method names are the grammar's rule names and aliases."""

    def __init__(self, file: str, text: str = ""):
        super().__init__()
        self.file = file
        self.lines = text.split("\n")
        self.diagnostics: list[Diagnostic] = []
        self.statements: list = []  # the top-level statements as written, filled by `start`

    def _span(self, meta) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _name_span(self, meta, name: str, after: int) -> Span | None:
        """Where `name` is written on the statement's line after `after` characters, for messages
        about the name rather than the whole statement; the statement's span if not found."""
        span = self._span(meta)
        if span is None or not 0 < span.line <= len(self.lines):
            return span
        text = self.lines[span.line - 1]
        for written in (name, f'"{name}"'):
            index = text.find(written, span.column - 1 + after)
            if index >= 0 and (written != name or text[index - 1:index] != '"'):
                return Span(self.file, span.line, index + 1, span.line, index + 1 + len(written))
        return span

    # ---- the file --------------------------------------------------------------------------------

    def start(self, meta, *items):
        self.statements = [self._classify(item) for item in items]
        single = dict(name=None, total=None, rounding=None)
        lists = dict(grades=[], inputs=[], lets=[], nodes=[], imports=[], extends=[])
        for kind, value in self.statements:
            if kind in single or kind == "grades":
                earlier = single.get(kind) or (lists["grades"][0] if kind == "grades" and lists["grades"] else None)
                if earlier is not None:
                    self.diagnostics.append(error(
                        "E109", f"'{KEYWORD_OF[kind]}' is declared twice", value.span if kind != "grades" else value[0].span,
                        f"keep one '{KEYWORD_OF[kind]}'; the first is at line {earlier.span.line}"))
                    continue
            if kind in single:
                single[kind] = value
            elif kind in ("grades", "inputs"):
                lists[kind].extend(value)
            else:
                lists[kind].append(value)
        return ast.Program(self.file, **single, **{k: tuple(v) for k, v in lists.items()})

    @staticmethod
    def _classify(item):
        if isinstance(item, tuple) and isinstance(item[0], str):
            return item  # ("name" | "total", Setting)
        if isinstance(item, tuple):
            return ("grades" if isinstance(item[0], ast.GradeBand) else "inputs"), item
        kinds = {ast.Rounding: "rounding", ast.Let: "lets", ast.Group: "nodes", ast.Indicator: "nodes",
                 ast.Import: "imports", ast.Extend: "extends"}
        return kinds[type(item)], item

    def import_stmt(self, meta, path):
        return ast.Import(path[1:-1], self._span(meta))

    def framework_stmt(self, meta, name):
        return "name", ast.Setting(name, self._span(meta))

    def total_stmt(self, meta, number):
        return "total", ast.Setting(Decimal(number), self._span(meta))

    def rounding_stmt(self, meta, decimals, mode):
        return ast.Rounding(int(Decimal(decimals)), str(mode or "half-up"), self._span(meta))

    def grades_block(self, meta, *bands):
        return bands

    def grade_band(self, meta, condition, grade):
        if isinstance(condition, PartialCondition):
            condition = ast.Compare((ast.TotalScore(condition.span), condition.right), (condition.op,),
                                    condition.span)
        elif condition is not None:
            raise AstError(error("E108", "a grade row names what it compares, but grade rows always "
                                 "compare the total score", self._span(meta),
                                 "leave the subject out: write each row as '≥ 90 → 优', or 'otherwise → 差'"))
        return ast.GradeBand(condition, grade, self._span(meta))

    # ---- inputs and derived values -----------------------------------------------------------------

    def inputs_block(self, meta, *decls):
        return decls

    def input_decl(self, meta, name, type_spec, domain, description):
        low, high, exclusive = domain if domain else (None, None, False)
        return ast.InputDecl(name, type_spec, low, high, description and description[1:-1], self._span(meta),
                             low_exclusive=exclusive)

    def domain(self, meta, low, high):
        return low, high, False

    def domain_above(self, meta, low, high):
        return low, high, True

    def let_stmt(self, meta, name, type_spec, _eq, expr, description):
        return ast.Let(name, expr, type_spec, description and description[1:-1], self._span(meta))

    def _type(kind):
        def build(self, meta, *values):
            return ast.TypeSpec(kind, tuple(values), self._span(meta))
        return build

    number_type = _type("number")
    count_type = _type("count")
    amount_type = _type("amount")
    percent_type = _type("percent")
    bool_type = _type("bool")
    score_type = _type("score")
    del _type

    def grade_type(self, meta, *values):
        return ast.TypeSpec("grade", tuple(values), self._span(meta), self._value_spans(meta, values))

    def _value_spans(self, meta, names) -> tuple:
        """Where each of a grade's values is written, searched in order from the `grade(` of `meta`
        (which may continue on the next lines); None for a value not found."""
        span = self._span(meta)
        if span is None:
            return ()
        found = []
        line, index = span.line, span.column - 1 + len("grade")
        for name in names:
            spot = None
            while spot is None and line <= min(span.end_line, len(self.lines)):
                text = self.lines[line - 1]
                hits = [(text.find(written, index), written) for written in (f'"{name}"', name)]
                hits = [(at, written) for at, written in hits if at >= 0]
                if hits:
                    at, written = min(hits)
                    spot = Span(self.file, line, at + 1, line, at + 1 + len(written))
                    index = at + len(written)
                else:
                    line, index = line + 1, 0
            found.append(spot)
        return tuple(found)

    # ---- the tree ----------------------------------------------------------------------------------

    def group(self, meta, name, points, *body):
        directions = tuple(b for b in body if isinstance(b, ast.Direction))
        children = tuple(b for b in body if not isinstance(b, ast.Direction))
        return ast.Group(name, points, children, directions, self._span(meta))

    def indicator(self, meta, name, points, *body):
        directions = tuple(b for b in body if isinstance(b, ast.Direction))
        parts = tuple(b for b in body if isinstance(b, ast.Part))
        rules = [b for b in body if not isinstance(b, (ast.Direction, ast.Part))]
        return ast.Indicator(name, points, rules[0] if rules else None, parts, directions,
                                      self._span(meta))

    def extend_block(self, meta, target, *children):
        return ast.Extend(target, children, self._span(meta))

    def __default__(self, data, children, meta):
        raise AssertionError(f"grammar rule without a builder: {data}")

    def points(self, meta, number, _unit):
        return Decimal(number)

    def part(self, meta, name, points, rule):
        return ast.Part(name, points, rule, self._span(meta))

    def direction(self, meta, direction, name):
        return ast.Direction(str(direction), ast.Ref(name, self._name_span(meta, name, len(direction))),
                             self._span(meta))

    # ---- rules -------------------------------------------------------------------------------------

    def formula(self, meta, expr):
        return ast.Formula(expr, self._span(meta))

    def assessed(self, meta, name):
        return ast.Assessed(ast.Ref(name, self._name_span(meta, name, len("assessed"))), self._span(meta))

    def bands(self, meta, subject, *bands):
        resolved = []
        for band in bands:
            condition = band.condition
            if isinstance(condition, PartialCondition):
                if subject is None:
                    raise AstError(error(
                        "E108", "a band starts with a comparison but the table names no subject",
                        condition.span, "name the value the bands compare after 'bands', e.g. 'bands 满意度:'"))
                condition = ast.Compare((subject, condition.right), (condition.op,), condition.span)
            resolved.append(ast.Band(condition, band.points, band.span,
                                     partial=isinstance(band.condition, PartialCondition)))
        return ast.Bands(subject, tuple(resolved), self._span(meta))

    def band(self, meta, condition, points):
        return ast.Band(condition, points, self._span(meta))

    def partial_condition(self, meta, op, right):
        return PartialCondition(op, right, self._span(meta))

    def otherwise(self, meta):
        return None

    def checklist(self, meta, *items):
        return ast.Checklist(items, self._span(meta))

    def check_item(self, meta, condition, points):
        return ast.ChecklistItem(condition, points, self._span(meta))

    def deduction(self, meta, *lines):
        steps = [line for line in lines if isinstance(line, ast.Deduct)]
        floor = lines[-1] if lines and lines[-1] is not None and not isinstance(lines[-1], ast.Deduct) else None
        return ast.Deduction(tuple(steps), floor, self._span(meta))

    def deduct_line(self, meta, amount, first, of_quantity, threshold):
        unit, quantity = (first, of_quantity) if of_quantity is not None else (None, first)
        direction, limit = threshold if threshold else (None, None)
        return ast.Deduct(amount, quantity, unit, limit, direction, self._span(meta))

    def above(self, meta, expr):
        return "above", expr

    def below(self, meta, expr):
        return "below", expr

    def floor_line(self, meta, expr):
        return expr

    # ---- expressions -------------------------------------------------------------------------------

    def number(self, meta, token):
        return ast.Number(Decimal(str(token)), False, self._span(meta) or token_span(self.file, token))

    def percent(self, meta, token):
        digits = str(token)[:-1]
        return ast.Number(Decimal(digits) / 100, True, self._span(meta) or token_span(self.file, token))

    def negative_number(self, meta, _minus, token):
        return ast.Number(-Decimal(str(token)), False, self._span(meta))

    def negative_percent(self, meta, _minus, token):
        return ast.Number(-Decimal(str(token)[:-1]) / 100, True, self._span(meta))

    def ref(self, meta, name):
        return ast.Ref(name, self._span(meta))

    def call(self, meta, function, *args):
        args = tuple(a for a in args if a is not None)
        return ast.Call(str(function), args, self._span(meta))

    def negate(self, meta, _minus, operand):
        return ast.Negate(operand, self._span(meta))

    def binary(self, meta, left, op, right):
        return ast.Binary(ARITH_OPS[str(op)], left, right, self._span(meta))

    def compare(self, meta, first, *rest):
        ops = tuple(rest[0::2])
        operands = (first,) + tuple(rest[1::2])
        return ast.Compare(operands, ops, self._span(meta))

    def cmp_op(self, meta, token):
        return CMP_OPS[str(token)]

    def and_(self, meta, left, right):
        return self._bool("and", left, right, meta)

    def or_(self, meta, left, right):
        return self._bool("or", left, right, meta)

    def _bool(self, op, left, right, meta):
        operands = (left.operands if isinstance(left, ast.BoolOp) and left.op == op else (left,)) + (right,)
        return ast.BoolOp(op, operands, self._span(meta))

    def not_(self, meta, operand):
        return ast.Not(operand, self._span(meta))

    def name(self, meta, token):
        text = str(token)
        return text[1:-1] if token.type == "STRING" else text


KEYWORD_OF = {"name": "framework", "total": "total", "rounding": "rounding", "grades": "grades:"}


@ast.node
class PartialCondition:
    """A band row that leaves out its subject (≥ 95%): completed by `ToAst.bands`."""
    op: str
    right: ast.Expr
    span: Span | None = None


# ---- syntax errors -------------------------------------------------------------------------------

TOKEN_WORDS = {
    "_COLON": "':'", "_ARROW": "'→'", "_LPAR": "'('", "_RPAR": "')'", "_COMMA": "','",
    "NAME": "a name", "STRING": "a quoted name", "NUMBER": "a number", "PERCENT": "a percentage",
    "_NL": "the end of the line", "_INDENT": "an indented block", "_DEDENT": "the end of the block",
    "$END": "the end of the file", "GE": "'≥'", "LE": "'≤'", "GT": "'>'", "LT": "'<'", "EQ": "'='",
    "NE": "'≠'", "PLUS": "'+'", "MINUS": "'−'", "TIMES": "'×'", "DIVIDE": "'÷'",
    "ROUNDING_MODE": f"a rounding mode ({', '.join(ROUNDING_MODES)})",
    "DIRECTION": "'increasing' or 'decreasing'", "POINTS_UNIT": "'分'",
}


def describe_token(name: str) -> str:
    if name in TOKEN_WORDS:
        return TOKEN_WORDS[name]
    try:
        pattern = lark_parser().get_terminal(name).pattern
    except KeyError:
        return name
    return f"'{pattern.value}'" if pattern.type == "str" else name


FOUND_WORDS = {"_NL": "end of the line", "_INDENT": "indentation", "_DEDENT": "end of the block",
               "$END": "end of the file"}
RULE_KEYWORDS = ("formula", "bands", "checklist", "deduct", "assessed", "part")


def describe_found(token: Token) -> str:
    if token.type in FOUND_WORDS:
        return FOUND_WORDS[token.type]
    return f"'{token}'"


def _unclosed_paren(source: Source, line: int, column: int) -> Span | None:
    """The last '(' before line:column that no ')' closes (strings and comments skipped)."""
    opened = []
    for number, text in enumerate(source.text.splitlines()[:line], 1):
        quoted = False
        for index, char in enumerate(text):
            if number == line and index >= column - 1:
                break
            if char == '"':
                quoted = not quoted
            elif quoted:
                continue
            elif char == "#":
                break
            elif char in "(（":
                opened.append(Span.point(source.name, number, index + 1))
            elif char in ")）" and opened:
                opened.pop()
    return opened[-1] if opened else None


def _line_col(exc: UnexpectedInput, source: Source) -> tuple[int, int]:
    line, column = getattr(exc, "line", -1), getattr(exc, "column", -1)
    if line is None or line < 1:
        lines = source.text.rstrip("\n").splitlines() or [""]
        return len(lines), len(lines[-1]) + 1
    return line, column


def syntax_error(exc: UnexpectedInput, source: Source) -> Diagnostic:
    line, column = _line_col(exc, source)
    text = source.line(line)
    if isinstance(exc, UnexpectedCharacters):
        char = text[column - 1] if 0 < column <= len(text) else ""
        span = Span.point(source.name, line, column)
        if char in "%％":
            start = column - 1
            while start > 0 and (text[start - 1].isdigit() or text[start - 1] in ".%％ "):
                start -= 1
            end = column
            while end < len(text) and (text[end].isdigit() or text[end] in ".%％"):
                end += 1
            literal = text[start:end].strip()
            digits = "".join(c for c in literal if c.isdigit() or c == ".") or "95"
            return error("E104", f"bad percent literal '{literal}'",
                         Span(source.name, line, start + 1 + (len(text[start:end]) - len(text[start:end].lstrip())), line, end + 1),
                         f"write a percentage as a number followed by one '%', with no space: {digits}%")
        if char == '"':
            return error("E107", "this quoted name or description is not closed", span,
                         "add the closing '\"' on the same line")
        if char == "." and column > 1 and text[column - 2].isdigit():
            start, end = column - 1, column
            while start > 0 and (text[start - 1].isdigit() or text[start - 1] == "."):
                start -= 1
            while end < len(text) and (text[end].isdigit() or text[end] == "."):
                end += 1
            return error("E105", f"bad number '{text[start:end]}': more than one decimal point",
                         Span(source.name, line, start + 1, line, end + 1),
                         "write a number with at most one decimal point, e.g. 0.95 or 1.5")
        return error("E102", f"unexpected character '{char}'", span,
                     "names use letters, digits and '_'; put a name with other characters in double quotes")
    if isinstance(exc, UnexpectedToken):
        return unexpected_token(exc, source, line, column)
    if isinstance(exc, UnexpectedEOF):
        return error("E101", "the file ends in the middle of a statement", Span.point(source.name, line, column),
                     "finish the last statement")
    return error("E101", str(exc), Span.point(source.name, line, column))


def unexpected_token(exc: UnexpectedToken, source: Source, line: int, column: int) -> Diagnostic:
    token = exc.token
    # lark's `expected` can list terminals the parser state would not in fact accept (after "/" it
    # lists the end of the line); `accepts` replays the parser to find those it does.
    try:
        expected = set(exc.accepts) if exc.interactive_parser is not None else set(exc.expected)
    except Exception:  # pragma: no cover - accepts replays the parser; never fail the report on it
        expected = set()
    expected = expected or set(exc.expected)
    width = len(str(token)) if token.type not in ("_NL", "_INDENT", "_DEDENT", "$END") else 1
    span = Span.point(source.name, line, column, max(width, 1))
    if token.type == "_INDENT" and token.end_line:
        # An indent token borrows the position of the line break before it: point at the line
        # that is indented, from its first column to its first character.
        line, column = token.end_line, 1
        span = Span.point(source.name, line, 1, max(token.end_column - 1, 1))
    found = describe_found(token)
    state_words = {describe_token(name) for name in expected}
    keywords_expected = [w[1:-1] for w in sorted(state_words)
                         if w.startswith("'") and w[1:-1].replace("-", "").isalpha() and w[1:-1].isascii()]

    if "_RPAR" in expected:
        # inside parentheses line breaks are ignored, so an unclosed '(' shows up lines later
        opened = _unclosed_paren(source, line, column)
        if opened is not None and (opened.line < line or token.type in ("_DEDENT", "$END")):
            return error("E101", "this '(' is not closed", opened, "add the missing ')'")
    if token.type == "_DEDENT" and "'formula'" in state_words:
        return error("E101", "the indicator has no scoring rule", span,
                     "add one: formula:, bands:, checklist:, deduct … per …, assessed NAME, or part blocks")
    if str(token) in RULE_KEYWORDS and expected == {"_DEDENT"}:
        return error("E101", f"a second scoring rule '{token}': an indicator has one rule", span,
                     "to combine several rules, split the indicator into 'part NAME (points):' blocks")
    if token.type == "NAME" and "ROUNDING_MODE" in expected:
        close = difflib.get_close_matches(str(token), list(ROUNDING_MODES), n=1)
        return error("E101", f"unknown rounding mode '{token}'", span,
                     f"did you mean '{close[0]}'?" if close else
                     "the modes are: " + ", ".join(ROUNDING_MODES))

    if expected == {"_LPAR"} or expected == {"_LPAR", "POINTS_UNIT"}:
        header = source.line(line).strip().rstrip(":：").strip()
        return error("E106", "missing maximum points", span,
                     f"write the points in parentheses before the colon, e.g. '{header} (5):'")
    if token.type == "_INDENT":
        return error("E103", "unexpected indentation", span,
                     "indent a line only inside a block opened by a line ending in ':'")
    if "_INDENT" in expected and token.type != "_INDENT":
        return error("E103", "expected an indented block: the line before ends with ':'", span,
                     "indent the lines that belong to the block by four spaces more than the line "
                     "that opens it")
    if expected == {"_COLON"}:
        message = "missing ':' at the end of the line" if token.type == "_NL" else f"expected ':', found {found}"
        return error("E101", message, span, "a line that opens a block ends with ':'")
    if "_ARROW" in expected and token.type not in ("_ARROW",):
        return error("E101", f"expected '→' (or '->') before the points, found {found}", span,
                     "write each row as 'condition → points', e.g. '≥ 95% → 6'")
    if token.type == "NAME" and keywords_expected and (
            state_words & {f"'{k}'" for k in KEYWORDS} or len(keywords_expected) == len(state_words)):
        keywords = [k for k in KEYWORDS if k in keywords_expected] or keywords_expected
        close = difflib.get_close_matches(str(token), keywords, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "expected one of: " + ", ".join(keywords)
        what = "type" if {"number", "count", "percent"} <= set(keywords) else "keyword"
        return error("E101", f"unknown {what} '{token}'", span, hint)
    if token.type == "_NL" and any(n in expected for n in ("NUMBER", "NAME", "PERCENT")):
        return error("E101", "the line ends where a value was expected", span,
                     "finish the expression, e.g. 'a / b × 6'")
    listed = ", ".join(sorted(state_words))
    return error("E101", f"unexpected {found}", span, f"expected {listed}")


def indentation_error(source: Source) -> Diagnostic:
    previous = 0
    for number, text in enumerate(source.text.splitlines(), 1):
        stripped = text.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text.expandtabs(4)) - len(stripped.expandtabs(4)) if "\t" in text else len(text) - len(stripped)
        if indent < previous and indent % 4:
            return error("E103", "this line's indentation matches no enclosing block",
                         Span.point(source.name, number, 1, max(indent, 1)),
                         "indent by the same number of spaces as the block it belongs to")
        previous = indent
    return error("E103", "inconsistent indentation", Span.point(source.name, 1, 1),
                 "indent each block by four spaces more than the line that opens it")
