"""Parse rule-file text into the syntax tree of `ast.py`.

The grammar is grammar/rulecheck.lark (shipped inside the package); lark's LALR parser and an
Indenter turn text into a lark tree, and `ToAst` turns that tree into our frozen attrs nodes.
Lark's exceptions never leave this module: they become diagnostics with a position and a hint.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from decimal import Decimal

import attrs

from .. import dates, numbers
from ..diagnostics import Diagnostic, error, printable
from ..i18n import _
from ..language import ARITHMETIC, COMPARISONS
from ..records import Record
from ..source import Source, Span
from . import ast
from .errors import indentation_error, syntax_error, thousands_error
from .grammar import lark_parser
from .standalone import DedentError, Token, Transformer, Tree, UnexpectedInput, VisitError, v_args

# An operator is known by its grammar terminal, whichever of its signs was written (≥, >=, ≧, ＞＝ …: the
# grammar lists them); the ops themselves are language.py's.
CMP_TERMINALS = dict(GE=">=", LE="<=", GT=">", LT="<", EQ="=", NE="!=")
ARITH_TERMINALS = dict(PLUS="+", MINUS="-", TIMES="*", DIVIDE="/")
assert set(CMP_TERMINALS.values()) == set(COMPARISONS) and set(ARITH_TERMINALS.values()) == set(ARITHMETIC)


# The Indenter keeps the indentation stack on the shared parser: one parse at a time.
PARSE_LOCK = threading.Lock()

# The deepest nesting of groups, operators, comparisons, `not`, minus signs and function calls a file
# may have (E113): every later stage (check, compile, prove, the layout) walks the tree recursively.
MAX_NESTING = 100
CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # C0 but the tab, DEL, C1
NESTING_RULES = frozenset({"group", "binary", "negate", "compare", "partial_condition", "and_", "or_", "not_",
                           "call"})
# `rounding N decimals`: N from 0 to MAX_DECIMALS (E112).
MAX_DECIMALS = 10


def parse(source: Source) -> tuple[ast.Program | None, list[Diagnostic]]:
    """Parse one file; returns the program (None when the syntax is wrong) and the findings."""
    program, __, diagnostics = parse_in_order(source)
    return program, diagnostics


def parse_in_order(source: Source) -> tuple[ast.Program | None, list, list[Diagnostic]]:
    """Parse one file; also returns its top-level statements in the order written, as (kind, node)
    pairs, kind one of Program's fields ('name' and 'total' hold a Setting; 'grades', 'inputs' and
    'constraints' a tuple: one block). The Program files statements by kind and merges `inputs:` blocks; the layout
    (layout.py) prints the statements back as they came."""
    text = normalized_text(source)
    try:
        with PARSE_LOCK:
            tree = lark_parser().parse(text)
    except UnexpectedInput as exc:
        return None, [], [syntax_error(exc, source)]
    except DedentError:
        return None, [], [indentation_error(source)]
    deep = too_deep(tree)
    if deep is not None:
        return None, [], [nesting_error(deep, source.name)]
    builder = ToAst(source.name, text)
    try:
        program = builder.transform(tree)
    except VisitError as exc:  # our own errors raised while building nodes
        if isinstance(exc.orig_exc, AstError):
            return None, [], [exc.orig_exc.diagnostic]
        raise
    return program, builder.statements, builder.diagnostics


def normalized_text(source: Source) -> str:
    """The text the grammar reads: no byte-order mark, a final newline (a Source's lines end with '\n'
    already). Line numbers are those of the source."""
    text = source.text.lstrip("\ufeff")
    return text if text.endswith("\n") else text + "\n"


def too_deep(tree: Tree) -> Tree | None:
    """The first node nested deeper than MAX_NESTING (counting NESTING_RULES), found without recursion."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        depth += node.data in NESTING_RULES
        if depth > MAX_NESTING:
            return node
        stack.extend((child, depth) for child in reversed(node.children) if isinstance(child, Tree))
    return None


def nesting_error(node: Tree, file: str) -> Diagnostic:
    span = Span(file, node.meta.line, node.meta.column, node.meta.end_line, node.meta.end_column)
    if node.data == "group":
        return error("E113", _("groups are nested more than {levels} levels deep", levels=MAX_NESTING), span,
                     _("an indicator tree has a few levels: put this group's indicators in a group higher up"))
    return error("E113", _("this expression is nested more than {levels} levels deep", levels=MAX_NESTING), span,
                 _("split it into derived values (let NAME = …) and use their names; write a long sum as "
                   "sum(a, b, c, …)"))


class AstError(Exception):
    """A syntax error found while building a node; `parse` turns it into its diagnostic."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic

    def __reduce__(self):  # pickle rebuilds it from its diagnostic, not from the message in args
        return (type(self), (self.diagnostic,))


def token_span(file: str, token: Token) -> Span:
    line, column = token.line, token.column
    assert line is not None and column is not None  # the parser's tokens carry their positions
    return Span(file, line, column, token.end_line or line, token.end_column or column + len(token))


@v_args(inline=True, meta=True)
class ToAst(Transformer):
    """Lark tree → ast nodes. Method names are the grammar's rule names and aliases."""

    def __init__(self, file: str, text: str = ""):
        super().__init__()
        self.file = file
        self.lines = text.split("\n")
        self.diagnostics: list[Diagnostic] = []
        self.statements: list = []  # the top-level statements as written, filled by `start`
        # lark makes a new v_args wrapper of a method each time the method is looked up, so at every node
        # of the tree (a third of the transform); the very objects it would make, made once here instead
        for name in CALLBACKS:
            self.__dict__[name] = getattr(self, name)

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
        lists = dict(grades=[], inputs=[], lets=[], nodes=[], imports=[], extends=[], constraints=[])
        for kind, value in self.statements:
            if kind in single or kind == "grades":
                earlier = single.get(kind) or (lists["grades"][0] if kind == "grades" and lists["grades"] else None)
                if earlier is not None:
                    self.diagnostics.append(error(
                        "E109", _("'{keyword}' is declared twice", keyword=KEYWORD_OF[kind]),
                        value.span if kind != "grades" else value[0].span,
                        _("keep one '{keyword}'; the first is at line {line}", keyword=KEYWORD_OF[kind],
                          line=earlier.span.line)))
                    continue
            if kind in single:
                single[kind] = value
            elif kind in ("grades", "inputs", "constraints"):
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
        return ast.Import(self._quoted(path), self._span(meta))

    def framework_stmt(self, meta, name):
        return "name", ast.Setting(name, self._span(meta))

    def total_stmt(self, meta, number, _unit, cap=None, _cap_unit=None):
        return "total", ast.Total(Decimal(number), self._span(meta), Decimal(cap) if cap is not None else None)

    def rounding_stmt(self, meta, decimals, mode):
        if not str(decimals).isdigit() or int(decimals) > MAX_DECIMALS:
            self.diagnostics.append(error(
                "E112", _("cannot round to {decimals} decimals: write a whole number from 0 to {most}",
                          decimals=str(decimals), most=MAX_DECIMALS),
                token_span(self.file, decimals), _("scores are usually rounded to 2 decimals: 'rounding 2 decimals'")))
            return ast.Rounding(MAX_DECIMALS, str(mode or "half-up"), self._span(meta))
        return ast.Rounding(int(decimals), str(mode or "half-up"), self._span(meta))

    def grades_block(self, meta, *bands):
        return bands

    def grade_band(self, meta, condition, grade):
        if isinstance(condition, RangeCondition):
            raise AstError(error("E108", _("a grade row is a range, but grade rows are read from the top "
                                           "and need only their lower bound"), condition.span,
                                 _("write the lower bound alone: '≥ {low} → {grade}'",
                                   low=self._written(condition.low).rstrip("分"), grade=grade)))
        if isinstance(condition, PartialCondition):
            condition = self._total_compare(condition)
        elif names_the_total(condition):
            raise AstError(error("E108", _("a grade row names what it compares, but grade rows always "
                                   "compare the total score"), self._span(meta),
                                 _("leave the subject out: write each row as '≥ 90 → 优', or 'otherwise → 差'")))
        return ast.GradeBand(condition, grade, self._span(meta))

    def grade_band_and(self, meta, op, right, _unit, rest, grade):
        """'≥ 90 and not 发生安全事故 → 优': the total's comparison, then conditions on the inputs."""
        compare = self._total_compare(PartialCondition(op, right, self._span(meta)))
        rest_operands = rest.operands if isinstance(rest, ast.BoolOp) and rest.op == "and" else (rest,)
        return ast.GradeBand(ast.BoolOp("and", (compare, *rest_operands), self._span(meta)), grade, self._span(meta))

    @staticmethod
    def _total_compare(condition: PartialCondition) -> ast.Compare:
        return ast.Compare((ast.TotalScore(condition.span), condition.right), (condition.op,), condition.span)

    # ---- inputs and derived values -----------------------------------------------------------------

    def inputs_block(self, meta, *decls):
        return decls

    def input_decl(self, meta, name, type_spec, domain, description):
        low, high, exclusive = domain if domain else (None, None, False)
        return ast.InputDecl(name, type_spec, low, high, description and self._quoted(description), self._span(meta),
                             low_exclusive=exclusive)

    def domain(self, meta, low, high):
        return low, high, False

    def domain_above(self, meta, low, high):
        return low, high, True

    def let_stmt(self, meta, name, type_spec, _eq, expr, description):
        return ast.Let(name, expr, type_spec, description and self._quoted(description), self._span(meta))

    def constraints_block(self, meta, *constraints):
        return "constraints", constraints  # one block: `start` merges several, as it does `inputs:`

    def constraint(self, meta, condition, description):
        return ast.Constraint(condition, description and self._quoted(description), self._span(meta))

    @staticmethod
    def _type(kind: str) -> Callable[..., ast.TypeSpec]:
        def build(self, meta, *values):
            return ast.TypeSpec(kind, tuple(values), self._span(meta))
        return build

    number_type = _type("number")
    count_type = _type("count")
    amount_type = _type("amount")
    percent_type = _type("percent")
    date_type = _type("date")
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

    def bonus_block(self, meta, name, points, *children):
        return ast.Group(name, points, children, (), self._span(meta), kind="bonus")

    def penalty_block(self, meta, name, points, *children):
        return ast.Group(name, points, children, (), self._span(meta), kind="penalty")

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
            if isinstance(condition, RangeCondition):
                if subject is None:
                    raise AstError(error(
                        "E108", _("a band is a range but the table names no subject"), condition.span,
                        _("name the value the range is of after 'bands', e.g. 'bands 满意度:'")))
                condition = condition.on(subject)
            elif isinstance(condition, PartialCondition):
                if subject is None:
                    raise AstError(error(
                        "E108", _("a band starts with a comparison but the table names no subject"),
                        condition.span, _("name the value the bands compare after 'bands', e.g. 'bands 满意度:'")))
                condition = ast.Compare((subject, condition.right), (condition.op,), condition.span)
            resolved.append(ast.Band(condition, band.points, band.span,
                                     partial=isinstance(band.condition, PartialCondition)))
        return ast.Bands(subject, tuple(resolved), self._span(meta))

    def band(self, meta, condition, points, _unit):
        return ast.Band(condition, points, self._span(meta))

    def matrix(self, meta, row_name, _times, column_name, columns, *rows):
        """Each axis completed as a band table's rows are (≥ 95% → 质量达标率 ≥ 95%); every row has a cell per
        column (E116)."""
        row_subject = ast.Ref(row_name, self._name_span(meta, row_name, len("matrix")))
        column_subject = ast.Ref(column_name)
        for row in rows:
            if len(row.cells) != len(columns):
                raise AstError(error("E116", _("this row has {cells} cells but the matrix has {columns} columns",
                                               cells=len(row.cells), columns=len(columns)), row.span,
                                     _("give each row one value per column, separated by '|'")))
        return ast.Matrix(row_subject, column_subject, self._matrix_axis(column_subject, columns, meta),
                          self._matrix_axis(row_subject, rows, meta), self._span(meta))

    def _matrix_axis(self, subject, lines, meta) -> tuple:
        """The lines with their conditions completed on the axis' subject, by the band table's rules."""
        table = self.bands(meta, subject, *(ast.Band(line.condition, ast.Number(Decimal(0)), line.span)
                                            for line in lines))
        return tuple(attrs.evolve(line, condition=band.condition, partial=band.partial)
                     for line, band in zip(lines, table.bands))

    def matrix_columns(self, meta, *conditions):
        return tuple(ast.MatrixLine(c, (), getattr(c, "span", None) or self._span(meta)) for c in conditions)

    def matrix_row(self, meta, condition, *cells):
        return ast.MatrixLine(condition, cells, self._span(meta))

    def matrix_cell(self, meta, points, _unit):
        return points

    def partial_condition(self, meta, op, right, _unit):
        return PartialCondition(op, right, self._span(meta))

    def range_condition(self, meta, token):
        """"80%–90%": from 80% included to 90% excluded (see RangeCondition); a lower end written
        without a unit takes the upper end's percent sign, as documents write "80–90%"."""
        match = RANGE_ENDS.fullmatch(str(token))
        assert match is not None  # the grammar's RANGE and RANGE_ENDS are the same pattern
        percent = match["high_unit"] in ("%", "％")
        ends = []
        for end, is_percent in (("low", percent if not match["low_unit"] else match["low_unit"] in ("%", "％")),
                                ("high", percent)):
            value = Decimal(match[end])
            span = Span(self.file, token.line, token.column + match.start(end), token.line,
                        token.column + match.end(end + "_unit"))
            ends.append(ast.Number(numbers.divide(value, Decimal(100)) if is_percent else value, is_percent, span))
        return RangeCondition(ends[0], ends[1], token_span(self.file, token))

    def _written(self, node) -> str:
        """The text of a one-line node as the file writes it."""
        span = node.span
        return self.lines[span.line - 1][span.column - 1:span.end_column - 1]

    def otherwise(self, meta):
        return None

    def checklist(self, meta, *items):
        return ast.Checklist(items, self._span(meta))

    def check_item(self, meta, condition, points, _unit):
        return ast.ChecklistItem(condition, points, self._span(meta))

    def deduction(self, meta, *lines):
        steps = [line for line in lines if isinstance(line, ast.Deduct)]
        floor = lines[-1] if lines and lines[-1] is not None and not isinstance(lines[-1], ast.Deduct) else None
        return ast.Deduction(tuple(steps), floor, self._span(meta))

    def deduct_line(self, meta, amount, _unit, first, of_quantity, threshold):
        unit, quantity = (first, of_quantity) if of_quantity is not None else (None, first)
        direction, limit = threshold if threshold else (None, None)
        return ast.Deduct(amount, quantity, unit, limit, direction, self._span(meta))

    def above(self, meta, expr):
        return "above", expr

    def below(self, meta, expr):
        return "below", expr

    def floor_line(self, meta, expr, _unit):
        return expr

    def award(self, meta, *lines):
        steps = [line for line in lines if isinstance(line, ast.Award)]
        cap = lines[-1] if lines and lines[-1] is not None and not isinstance(lines[-1], ast.Award) else None
        return ast.Awards(tuple(steps), cap, self._span(meta))

    def award_line(self, meta, amount, _unit, first, of_quantity, threshold):
        unit, quantity = (first, of_quantity) if of_quantity is not None else (None, first)
        direction, limit = threshold if threshold else (None, None)
        return ast.Award(amount, quantity, unit, limit, direction, self._span(meta))

    def cap_line(self, meta, expr, _unit):
        return expr

    # ---- expressions -------------------------------------------------------------------------------

    def number(self, meta, token):
        return ast.Number(Decimal(str(token)), False, self._span(meta) or token_span(self.file, token))

    def percent(self, meta, token):
        digits = str(token)[:-1]
        value = numbers.divide(Decimal(digits), Decimal(100))  # exact, whatever the caller's context
        return ast.Number(value, True, self._span(meta) or token_span(self.file, token))

    def date(self, meta, token):
        """A date literal, held as its day number; E115 for a day that does not exist (2024-02-30)."""
        span = self._span(meta) or token_span(self.file, token)
        day = dates.parse_date(str(token))
        if day is None:
            self.diagnostics.append(error("E115", _("{text} is not a date: there is no such day", text=str(token)),
                                          span, _("write a real date as year-month-day, e.g. 2024-03-31")))
            return ast.Number(Decimal(0), False, span, is_date=True)
        return ast.Number(dates.day_number(day), False, span, is_date=True)

    def negative_number(self, meta, _minus, token):
        return ast.Number(-Decimal(str(token)), False, self._span(meta))

    def negative_percent(self, meta, _minus, token):
        value = numbers.negate(numbers.divide(Decimal(str(token)[:-1]), Decimal(100)))
        return ast.Number(value, True, self._span(meta))

    def ref(self, meta, name):
        return ast.Ref(name, self._span(meta))

    def call(self, meta, function, *args):
        args = tuple(a for a in args if a is not None)
        self._thousands(args)
        return ast.Call(str(function), args, self._span(meta))

    def _thousands(self, args: tuple) -> None:
        """E111 for a number written with thousands separators among a call's arguments: min(x, 1,000)
        would otherwise be min(x, 1, 0). See THOUSANDS_HEAD / THOUSANDS_GROUP."""
        index = 0
        while index < len(args) - 1:
            run = index + 1
            while run < len(args) and self._groups_with(args[run - 1], args[run], first=run == index + 1):
                run += 1
            if run > index + 1:
                first, last = args[index].span, args[run - 1].span
                written = self.lines[first.line - 1][first.column - 1:last.end_column - 1]
                self.diagnostics.append(thousands_error(
                    written, Span(self.file, first.line, first.column, last.line, last.end_column), run - index))
            index = run

    def _text_of(self, node) -> str | None:
        span = getattr(node, "span", None)
        if not isinstance(node, (ast.Number, ast.Negate)) or span is None or span.line != span.end_line:
            return None
        return self.lines[span.line - 1][span.column - 1:span.end_column - 1]

    def _groups_with(self, left, right, first: bool) -> bool:
        """Whether `right` is three digits joined to `left` by a comma alone: 1,000 or 10,339.11."""
        head, tail = self._text_of(left), self._text_of(right)
        if head is None or tail is None or left.span.line != right.span.line:
            return False
        between = self.lines[left.span.line - 1][left.span.end_column - 1:right.span.column - 1]
        return (between in (",", "，") and THOUSANDS_GROUP.fullmatch(tail) is not None
                and (THOUSANDS_HEAD if first else THOUSANDS_MIDDLE).fullmatch(head) is not None)

    def negate(self, meta, _minus, operand):
        return ast.Negate(operand, self._span(meta))

    def binary(self, meta, left, op, right):
        return ast.Binary(ARITH_TERMINALS[op.type], left, right, self._span(meta))

    def compare(self, meta, first, *rest):
        ops = tuple(rest[0::2])
        operands = (first,) + tuple(rest[1::2])
        return ast.Compare(operands, ops, self._span(meta))

    def cmp_op(self, meta, token):
        return CMP_TERMINALS[token.type]

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
        return self._quoted(token) if token.type == "STRING" else str(token)

    def _quoted(self, token: Token) -> str:
        """The text between a string's quotes; a control character in it (an escape sequence that would
        drive the terminal every report prints it on) is an error at the character."""
        text = str(token)[1:-1]
        bad = CONTROL.search(text)
        if bad is not None:
            shown = printable(bad.group())
            raise AstError(error(
                "E114", _("a control character ({shown}, U+{code}) inside quotes", shown=shown,
                          code=format(ord(bad.group()), "04X")),
                Span.point(self.file, token.line or 1, (token.column or 1) + 1 + bad.start()),
                _("delete it: names, descriptions and paths are plain text (it often comes from copying "
                  "from a terminal or a corrupted file)")))
        return text


# A number with thousands separators: a head of 1 to 3 digits not starting with 0, then groups of
# exactly three digits, each after a comma with no space (the last may have decimals or a '%').
THOUSANDS_HEAD = re.compile(r"[-−]?[1-9]\d{0,2}")
THOUSANDS_MIDDLE = re.compile(r"\d{3}")
THOUSANDS_GROUP = re.compile(r"\d{3}(?:\.\d+)?[%％]?")

KEYWORD_OF = {"name": "framework", "total": "total", "rounding": "rounding", "grades": "grades:"}


TOTAL_WORDS = frozenset({"total", "总分", "总得分", "得分", "score"})


def names_the_total(condition) -> bool:
    """Whether a grade row compares a word for the total ('总分 ≥ 8 → 良'), which rows leave out (E108);
    any other condition reads inputs ('存在重大违规问题 → 差')."""
    return (isinstance(condition, ast.Compare) and isinstance(condition.operands[0], ast.Ref)
            and condition.operands[0].name in TOTAL_WORDS)


@attrs.frozen(eq=False, repr=False)
class PartialCondition(Record):
    """A band row that leaves out its subject (≥ 95%): completed by `ToAst.bands`."""
    op: str
    right: ast.Expr
    span: Span | None = None


@attrs.frozen(eq=False, repr=False)
class RangeCondition(Record):
    """A band row written as a range of the table's subject, "80%–90%": 80% ≤ subject < 90%, the lower end
    included and the upper excluded, so that rows written end to end (80%–90%, 90%–95%) neither overlap
    nor leave a gap; completed by `ToAst.bands` into that comparison."""
    low: ast.Number
    high: ast.Number
    span: Span

    def on(self, subject: ast.Expr) -> ast.Compare:
        return ast.Compare((self.low, subject, self.high), ("<=", "<"), self.span)


# ToAst's methods lark calls for the tree's nodes (v_args wraps them), bound per transformer in __init__.
CALLBACKS = tuple(name for name, method in vars(ToAst).items() if hasattr(method, "visit_wrapper"))


# The two ends of a RANGE token (grammar/rulecheck.lark), each with its unit ('%', '分' or none).
RANGE_ENDS = re.compile(r"(?P<low>\d+(?:\.\d+)?)(?P<low_unit>[%％分]?)[\t ]*(?:[-−－–—~～]|至)[\t ]*"
                        r"(?P<high>\d+(?:\.\d+)?)(?P<high_unit>[%％分]?)")


# ---- syntax errors -------------------------------------------------------------------------------
