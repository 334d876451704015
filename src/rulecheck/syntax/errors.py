"""Syntax errors in the analyst's words: lark's UnexpectedInput (a token or character the grammar did not
expect, the end of the file) and the Indenter's DedentError become a Diagnostic with the position, what
was found, what was expected, and a hint for the common slips (a missing colon or arrow, an unclosed
parenthesis, a percent written with a space, a second rule in an indicator).
"""

from __future__ import annotations

import difflib

from lark import Token
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from ..diagnostics import Diagnostic, error
from ..language import ROUNDING_MODES
from ..source import Source, Span
from .grammar import KEYWORDS, lark_parser

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
                         Span(source.name, line,
                              start + 1 + (len(text[start:end]) - len(text[start:end].lstrip())), line, end + 1),
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
