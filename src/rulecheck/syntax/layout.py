"""The canonical layout of a rule file: what `rulecheck fmt` writes.

The layout prints the parsed statements back in the order they were written, one per line, indented
by four spaces a block, with the symbols of the source documents (≥ ≤ ≠ → × ÷ −), one space around
operators ('/' for division, as the documents write a ratio) and the fewest parentheses that parse
back to the same tree. Numbers keep their digits, percentages stay percentages, names are quoted only
where a bare name would not read back (the framework's title always is), band rows written without
their subject stay short. The text is then woven back with what the tree does not hold: comments
(a comment line stays where it was, indented like the block it sits in; a comment
after a statement stays after it, as far from it as written but at least two spaces) and blank lines
(a run of blank lines becomes one; none at the start or the end of the file).

    parse(layout(text)) == parse(text)        layout(layout(text)) == layout(text)
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import attrs

from ..atomic import replacing
from ..diagnostics import InputFileError, RuleFileError, error
from ..i18n import _
from ..source import Source, Span, display_width, read_bytes
from . import ast
from .parser import normalized_text, parse_in_order
from .printer import (
    OP_SYMBOLS,
    PRECEDENCE,
    format_deduct,
    format_grade_condition,
    format_rounding,
    format_source,
    format_source_name,
    format_source_number,
)

INDENT = "    "
TAB_WIDTH = 4  # as the parser's indenter counts a tab
SMALLEST_GAP = 2  # spaces between a statement and the comment after it


@attrs.frozen
class Line:
    """One line of the layout: its depth, its text, and the source line its statement starts on."""
    depth: int
    text: str
    source_line: int


@attrs.frozen
class SourceLine:
    """What the layout needs of one written line: its indentation, whether it holds code, its comment."""
    indent: int
    code: bool
    comment: str | None = None
    gap: int = 0  # the spaces between the code and the comment


def layout(text: str, name: str = "<string>") -> str:
    """The canonical text of a rule file; raises RuleFileError (file:line:col) if it does not parse."""
    source = Source(name, text)
    program, statements, diagnostics = parse_in_order(source)
    if program is None or any(d.is_error for d in diagnostics):
        raise RuleFileError(diagnostics, {name: source})
    written = [read_line(line) for line in normalized_text(source).split("\n")[:-1]]
    lines = list(statement_lines(statements, written))
    return weave(lines, written)


# ---- statements ----------------------------------------------------------------------------------

def statement_lines(statements, written: list[SourceLine]):
    for kind, value in statements:
        if kind == "imports":
            yield Line(0, f'import "{value.path}"', _line(value.span))
        elif kind == "name":
            # the framework's title, quoted like a description even where it could stand bare
            yield Line(0, f'framework "{value.value}"', _line(value.span))
        elif kind == "total":
            cap = f" cap {format_source_number(value.cap)}" if value.cap is not None else ""
            yield Line(0, f"total {format_source_number(value.value)}{cap}", _line(value.span))
        elif kind == "rounding":
            yield Line(0, format_rounding(value), _line(value.span))
        elif kind == "grades":
            yield Line(0, "grades:", header_line(value[0].span.line, written))
            for band in value:
                yield Line(1, f"{grade_condition(band.condition)} → {format_source_name(band.grade)}",
                           _line(band.span))
        elif kind == "inputs":
            yield Line(0, "inputs:", header_line(value[0].span.line, written))
            for decl in value:
                yield Line(1, input_text(decl), _line(decl.span))
        elif kind == "constraints":
            yield Line(0, "constraints:", header_line(value[0].span.line, written))
            for constraint in value:
                yield Line(1, described(format_source(constraint.condition), constraint.description),
                           _line(constraint.span))
        elif kind == "lets":
            yield Line(0, let_text(value), _line(value.span))
        elif kind == "extends":
            yield Line(0, f"extend {format_source_name(value.target)}:", _line(value.span))
            for child in value.children:
                yield from node_lines(child, 1)
        else:
            yield from node_lines(value, 0)


def header_line(first_row: int, written: list[SourceLine]) -> int:
    """The line of a block's `grades:`, `inputs:` or `constraints:`: the last line with code before its
    first row."""
    line = first_row - 1
    while line > 1 and not written[line - 1].code:
        line -= 1
    return line


def grade_condition(condition) -> str:
    return format_grade_condition(condition, lambda threshold: format_source(threshold, PRECEDENCE['+']),
                                  format_source)


def _line(span: Span | None) -> int:
    """The line a parsed statement starts on: every node of a parsed tree carries its span."""
    assert span is not None
    return span.line


def short_comparison(condition: ast.Compare) -> str:
    """A comparison with its subject left out: ≥ 95%."""
    return f"{OP_SYMBOLS[condition.ops[0]]} {format_source(condition.operands[1], PRECEDENCE['+'])}"


def type_text(spec: ast.TypeSpec) -> str:
    if spec.kind == "grade":
        return f"grade({', '.join(format_source_name(v) for v in spec.values)})"
    return spec.kind


def described(text: str, description: str | None) -> str:
    return f'{text} "{description}"' if description is not None else text


def input_text(decl: ast.InputDecl) -> str:
    text = f"{format_source_name(decl.name)}: {type_text(decl.type)}"
    if decl.low is not None:
        text += f" {'above' if decl.low_exclusive else 'from'} {format_source(decl.low)}"
        if decl.high is not None:
            text += f" to {format_source(decl.high)}"
    return described(text, decl.description)


def let_text(let: ast.Let) -> str:
    declared = f": {type_text(let.type)}" if let.type is not None else ""
    return described(f"let {format_source_name(let.name)}{declared} = {format_source(let.expr)}", let.description)


def node_lines(item, depth: int):
    keyword = item.kind if isinstance(item, ast.Group) else "indicator"  # group, bonus or penalty
    yield Line(depth, f"{keyword} {format_source_name(item.name)} ({format_source_number(item.points)}):",
               _line(item.span))
    for direction in item.directions:
        yield Line(depth + 1, f"{direction.direction} in {format_source_name(direction.input.name)}",
                   _line(direction.span))
    if isinstance(item, ast.Group):
        for child in item.children:
            yield from node_lines(child, depth + 1)
        return
    if item.rule is not None:
        yield from rule_lines(item.rule, depth + 1)
    for part in item.parts:
        yield Line(depth + 1, f"part {format_source_name(part.name)} ({format_source_number(part.points)}):",
                   _line(part.span))
        yield from rule_lines(part.rule, depth + 2)


def rule_lines(rule: ast.Rule, depth: int) -> Iterator[Line]:
    """The lines of a scoring rule at `depth` (RULE_LINES has one entry per kind of rule)."""
    if type(rule) not in RULE_LINES:
        raise TypeError(f"not a scoring rule: {rule!r}")
    yield from RULE_LINES[type(rule)](rule, depth)


def _formula_lines(rule: ast.Formula, depth: int) -> Iterator[Line]:
    yield Line(depth, f"formula: {format_source(rule.expr)}", _line(rule.span))


def _assessed_lines(rule: ast.Assessed, depth: int) -> Iterator[Line]:
    yield Line(depth, f"assessed {format_source_name(rule.input.name)}", _line(rule.span))


def _bands_lines(rule: ast.Bands, depth: int) -> Iterator[Line]:
    subject = f" {format_source(rule.subject)}" if rule.subject is not None else ""
    yield Line(depth, f"bands{subject}:", _line(rule.span))
    for band in rule.bands:
        yield Line(depth + 1, f"{band_condition(band)} → {format_source(band.points)}", _line(band.span))


def _matrix_lines(rule: ast.Matrix, depth: int) -> Iterator[Line]:
    """The matrix with its arrows lined up and each column of cells as wide as its widest cell (a column's
    condition counts as one of its cells), so that the table reads as the document's grid."""
    conditions = [band_condition(ast.Band(r.condition, r.cells[0], partial=r.partial)) for r in rule.rows]
    cells = [[format_source(cell) for cell in row.cells] for row in rule.rows]
    heads = [band_condition(ast.Band(c.condition, ast.Number(Decimal(0)), partial=c.partial)) for c in rule.columns]
    lead = max(display_width(c) for c in conditions)
    widths = [max(display_width(text) for text in column) for column in zip(*cells)]
    yield Line(depth, f"matrix {format_source(rule.row_subject)} × {format_source(rule.column_subject)}:",
               _line(rule.span))
    yield Line(depth + 1, "columns: " + " | ".join(heads), _line(rule.columns[0].span))
    for row, condition, texts in zip(rule.rows, conditions, cells):
        shown = " | ".join(_padded(text, width) for text, width in zip(texts, widths))
        yield Line(depth + 1, f"{_padded(condition, lead)} → {shown}".rstrip(), _line(row.span))


def _padded(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _checklist_lines(rule: ast.Checklist, depth: int) -> Iterator[Line]:
    yield Line(depth, "checklist:", _line(rule.span))
    for item in rule.items:
        yield Line(depth + 1, f"{format_source(item.condition)} → {format_source(item.points)}", _line(item.span))


def _deduction_lines(rule: ast.Deduction, depth: int) -> Iterator[Line]:
    for step in rule.steps:
        yield Line(depth, deduct_text(step), _line(step.span))
    if rule.floor is not None:
        yield Line(depth, f"floor {format_source(rule.floor)}", _line(rule.floor.span))


def _award_lines(rule: ast.Awards, depth: int) -> Iterator[Line]:
    for step in rule.steps:
        yield Line(depth, deduct_text(step), _line(step.span))
    if rule.cap is not None:
        yield Line(depth, f"cap {format_source(rule.cap)}", _line(rule.cap.span))


RULE_LINES: dict[type, Callable[..., Iterator[Line]]] = {
    ast.Formula: _formula_lines, ast.Assessed: _assessed_lines, ast.Bands: _bands_lines,
    ast.Checklist: _checklist_lines, ast.Deduction: _deduction_lines, ast.Awards: _award_lines,
    ast.Matrix: _matrix_lines,
}


def band_condition(band: ast.Band) -> str:
    if band.condition is None:
        return "otherwise"
    if band.partial:
        assert isinstance(band.condition, ast.Compare)  # the parser completes a short row into a comparison
        return short_comparison(band.condition)
    return format_source(band.condition)


def deduct_text(step: ast.Deduct | ast.Award) -> str:
    return format_deduct(step, format_source)


# ---- comments and blank lines --------------------------------------------------------------------

def read_line(text: str) -> SourceLine:
    """Split a written line into indentation, code and comment ('#' outside a quoted name starts it)."""
    stripped = text.lstrip(" \t")
    indent = text[:len(text) - len(stripped)]
    indent_width = indent.count(" ") + TAB_WIDTH * indent.count("\t")
    quoted = False
    for index, char in enumerate(stripped):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            code = stripped[:index].rstrip()
            gap = stripped[len(code):index].expandtabs(TAB_WIDTH)
            return SourceLine(indent_width, bool(code), stripped[index:].rstrip(), len(gap))
    return SourceLine(indent_width, bool(stripped.strip()))


def weave(lines: list[Line], written: list[SourceLine]) -> str:
    """The layout's lines with the comments and blank lines of the written text put back."""
    starts = [line.source_line for line in lines]
    # A comment after code belongs to the statement written on that line (or continued onto it);
    # the first stays after the statement, the others follow it on lines of their own.
    after: dict[int, list] = {}
    between: dict[int, list] = {}  # comment lines (line number, comment) before layout line i
    for number, line in enumerate(written, 1):
        if line.comment is None:
            continue
        owner = bisect.bisect_right(starts, number) - 1
        if line.code and owner >= 0:
            after.setdefault(owner, []).append((number, line.comment, line.gap))
        else:
            between.setdefault(owner + 1, []).append((number, line.comment))
    out: list[str] = []

    def emit(depth: int, text: str, number: int) -> None:
        if out and number > 1 and not written[number - 2].code and written[number - 2].comment is None \
                and out[-1]:
            out.append("")
        out.append(INDENT * depth + text)

    for index in range(len(lines) + 1):
        comments = list(between.get(index, ()))
        comments += [(number, comment) for number, comment, __ in after.get(index - 1, ())[1:]]
        for number, comment in sorted(comments):
            emit(comment_depth(lines, index, written, number), comment, number)
        if index < len(lines):
            laid = lines[index]
            text = laid.text
            if index in after:
                __, comment, gap = after[index][0]
                text += " " * max(gap, SMALLEST_GAP) + comment
            emit(laid.depth, text, laid.source_line)
    return "\n".join(out) + "\n" if out else ""


def comment_depth(lines: list[Line], index: int, written: list[SourceLine], number: int) -> int:
    """The depth of a comment line written before layout line `index`: of the block it sits in.

    Between a statement P and the next N the comment may sit at N's depth or at the depth of any
    block P closes; it takes the deepest of those whose opening statement is indented no more than
    the comment was written (as written, so that files indented by two spaces map right)."""
    following = lines[index] if index < len(lines) else None
    if index == 0:
        return following.depth if following else 0
    previous = lines[index - 1]
    lowest = following.depth if following else 0
    if lowest > previous.depth:
        return lowest  # before the first statement of the block `previous` opens
    indent = written[number - 1].indent
    depth, opener = previous.depth, index - 1
    while depth > lowest:
        if written[lines[opener].source_line - 1].indent <= indent:
            return depth
        depth -= 1
        while lines[opener].depth > depth:  # back to the statement that opens the enclosing block
            opener -= 1
    return lowest


# ---- files ---------------------------------------------------------------------------------------

@attrs.frozen
class Layout:
    """A rule file as written on disk and in canonical layout (UTF-8 without a byte-order mark,
    '\\n' line ends)."""
    path: Path
    written: str
    canonical: str

    @property
    def changed(self) -> bool:
        return self.written != self.canonical

    def diff(self) -> str:
        """A unified diff from the written text to the canonical one ('' if unchanged)."""
        lines = difflib.unified_diff(diff_lines(self.written), diff_lines(self.canonical),
                                     str(self.path), str(self.path))
        return "".join(lines)

    def write(self) -> None:
        """Replace the file with the canonical text, whole or not at all; raises InputFileError (E012)
        when it cannot be written, the file then being as it was."""
        try:
            with replacing(self.path, None) as stream:
                stream.write(self.canonical.encode("utf-8"))
        except OSError as exc:
            raise InputFileError([error(
                "E012", _("cannot write the rule file: {reason}; it is left as it was", reason=exc.strerror or exc),
                None, _("make the file and its folder writable, or run `rulecheck fmt --diff` to see the changes"),
                where=str(self.path))]) from None


def diff_lines(text: str) -> list[str]:
    lines = text.split("\n")
    marked = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        marked.append(lines[-1] + "\n\\ No newline at end of file\n")
    return marked


def layout_file(path: str | Path) -> Layout:
    """Read and lay out one rule file; raises InputFileError (E001) if it cannot be read, and
    RuleFileError if it does not parse."""
    path = Path(path)
    try:
        written = read_bytes(path).decode("utf-8")  # a regular file of bounded size: never a pipe's wait
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError.unreadable_rules(exc, path) from None
    return Layout(path, written, layout(written.removeprefix("\ufeff"), str(path)))
