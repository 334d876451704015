"""Syntax errors in the analyst's words: lark's UnexpectedInput (a token or character the grammar did not
expect, the end of the file) and the Indenter's DedentError become a Diagnostic with the position, what
was found, what was expected, and a hint for the common slips (a missing colon or arrow, an unclosed
parenthesis, a percent written with a space, a second rule in an indicator, a look-alike of an operator,
a thousands separator).

Each slip is one row of a table, tried in order, the first that applies giving the message:
CHARACTER_ROWS for a character no token starts with, TOKEN_ROWS for a token the grammar does not expect
there. A row is (code, when, message, hint[, where]); `when`, and a message, hint or place that depends on
what was found, are functions of the Slip (the token, what the parser expected, the line).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import attrs

from ..diagnostics import Diagnostic, error
from ..i18n import N_, _
from ..language import ROUNDING_MODES
from ..records import Record
from ..source import Source, Span
from .grammar import KEYWORDS, lark_parser
from .standalone import Token, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

TOKEN_WORDS = {
    "_COLON": "':'", "_ARROW": "'→'", "_LPAR": "'('", "_RPAR": "')'", "_COMMA": "','",
    "NAME": N_("a name"), "STRING": N_("a quoted name"), "NUMBER": N_("a number"), "PERCENT": N_("a percentage"),
    "_NL": N_("the end of the line"), "_INDENT": N_("an indented block"), "_DEDENT": N_("the end of the block"),
    "$END": N_("the end of the file"), "GE": "'≥'", "LE": "'≤'", "GT": "'>'", "LT": "'<'", "EQ": "'='",
    "NE": "'≠'", "PLUS": "'+'", "MINUS": "'−'", "TIMES": "'×'", "DIVIDE": "'÷'",
    "ROUNDING_MODE": N_("a rounding mode ({modes})"),
    "DIRECTION": N_("'increasing' or 'decreasing'"), "POINTS_UNIT": "'分'",
    "DATE": N_("a number"),  # a date (2024-03-31) is written in digits: one word for both keeps the list short
}


def describe_token(name: str) -> str:
    if name in TOKEN_WORDS:
        return TOKEN_WORDS[name]
    try:
        pattern = lark_parser().get_terminal(name).pattern
    except KeyError:
        return name
    return f"'{pattern.value}'" if pattern.type == "str" else name


FOUND_WORDS = {"_NL": N_("end of the line"), "_INDENT": N_("indentation"), "_DEDENT": N_("end of the block"),
               "$END": N_("end of the file")}
# The words of TOKEN_WORDS and FOUND_WORDS that are English phrases, translated when shown.
PHRASES = frozenset(w for w in (*TOKEN_WORDS.values(), *FOUND_WORDS.values()) if not w.startswith("'") or " " in w)


def say(word: str) -> str:
    """A word of describe_token or describe_found in the current language."""
    return _(word, modes=", ".join(ROUNDING_MODES)) if word in PHRASES else word


RULE_KEYWORDS = ("formula", "bands", "checklist", "deduct", "award", "assessed", "part")

# Characters that look like an operator or a punctuation mark of the language but are others (copied
# from a document): what was written → (what is meant, its ASCII spelling or None). The full-width forms
# of the operators (＞ ＝ ＞＝ －＞ …) and ≧ ≦ ⩾ ⩽ are accepted (grammar/rulecheck.lark), so not here;
# a dash is a minus sign only inside a range (80%–90%).
LOOKALIKES: dict[str, tuple[str, str | None]] = {
    "！": ("≠", "!="),
    "—": ("−", "-"), "–": ("−", "-"), "‐": ("−", "-"),
    "∗": ("×", "*"), "·": ("×", "*"), "✕": ("×", "*"),
    "∕": ("÷", "/"),
    "⟶": ("→", "->"), "⇒": ("→", "->"), "⟹": ("→", "->"), "➔": ("→", "->"), "➝": ("→", "->"),
    "．": (".", None), "［": ("(", None), "］": (")", None), "【": ("(", None), "】": (")", None),
    "＂": ('"', None),
}

# A number written with thousands separators (1,000 or 10,339.11): a head of 1 to 3 digits not
# starting with 0, then groups of exactly three digits, each after a comma with no space.
THOUSANDS = re.compile(r"(?<![\d.])[1-9]\d{0,2}(?:[,，]\d{3})+(?:\.\d+)?[%％]?(?![\d.,，])")


def thousands_error(written: str, span: Span, values: int | None = None) -> Diagnostic:
    """E111: a number with thousands separators; `values`, in a call's arguments, is how many it makes."""
    message = (_("'{written}' is written with a thousands separator: as a function's arguments it reads as "
                 "{values} values", written=written, values=values) if values
               else _("'{written}' is written with a thousands separator", written=written))
    return error("E111", message, span,
                 _("write {number} (no thousands separator); for separate values put a space after each comma",
                   number=re.sub('[,，]', '', written)))


# 且 / 或 / 非 are words, like and / or / not: a name may contain them (完整且及时, 非税收入), so written
# without spaces they are read as part of the name. What the analyst meant is told apart by the names
# they would join: 甲且乙 is 甲 且 乙 when 甲 and 乙 are declared names.
JOINERS = ("且", "或")
NEGATION = "非"


def spaced_words(name: str, known) -> str | None:
    """`name` written as the known names it joins with 且/或 (each perhaps after 非), with a space on
    each side of the words: '甲且非乙' → '甲 且 非 乙'; None if it is no such join (a name of its own)."""
    known = set(known)

    def condition(text: str) -> str | None:
        if text in known:
            return text
        if text.startswith(NEGATION) and len(text) > 1:
            rest = condition(text[1:])
            return f"{NEGATION} {rest}" if rest is not None else None
        for index, char in enumerate(text):
            if char in JOINERS and 0 < index < len(text) - 1:
                left, right = condition(text[:index]), condition(text[index + 1:])
                if left is not None and right is not None:
                    return f"{left} {char} {right}"
        return None

    if name in known:
        return None
    return condition(name)


def joined_words_hint(name: str, known) -> str | None:
    """The hint for an unknown name that is known names run together with 且/或/非 (甲且乙), or None."""
    spaced = spaced_words(name, known)
    if spaced is None:
        return None
    return _("'{name}' reads as one name: 且, 或 and 非 (and, or, not) need a space on each side, as in "
             "'{spaced}'", name=name, spaced=spaced)


def _joined_before(slip: Slip) -> tuple[str, str] | None:
    """The name before an unexpected name that ends in 且/或/非 (甲且 乙): the word it ran into, and the line's
    text from it with the spaces put in; None for another slip."""
    if slip.type != "NAME":
        return None
    before = slip.source.line(slip.line)[:slip.column - 1]
    match = re.search(r"(\S+?)([且或])\s+$", before)
    if match is None or not match[1][-1:].isalnum():
        return None
    return match[1] + match[2], f"{match[1]} {match[2]} {slip.token}"


def _joined_message(slip: Slip) -> str:
    joined = _joined_before(slip)
    assert joined is not None  # the row applies only then
    return _("unexpected {found}: '{word}' reads as one name", found=slip.found, word=joined[0])


def _joined_hint(slip: Slip) -> str:
    joined = _joined_before(slip)
    assert joined is not None
    return _("且, 或 and 非 (and, or, not) need a space on each side: write '{spaced}'", spaced=joined[1])


def describe_found(token: Token) -> str:
    if token.type in FOUND_WORDS:
        return _(FOUND_WORDS[token.type])
    return f"'{token}'"


def syntax_error(exc: UnexpectedInput, source: Source) -> Diagnostic:
    line, column = _line_col(exc, source)
    if isinstance(exc, UnexpectedCharacters):
        return _first_row(CHARACTER_ROWS, Spot(source, line, column))
    if isinstance(exc, UnexpectedToken):
        return unexpected_token(exc, source, line, column)
    if isinstance(exc, UnexpectedEOF):
        return error("E101", _("the file ends in the middle of a statement"), Span.point(source.name, line, column),
                     _("finish the last statement"))
    return error("E101", str(exc), Span.point(source.name, line, column))


def unexpected_token(exc: UnexpectedToken, source: Source, line: int, column: int) -> Diagnostic:
    return _first_row(TOKEN_ROWS, Slip.of(exc, source, line, column))


def _line_col(exc: UnexpectedInput, source: Source) -> tuple[int, int]:
    line, column = getattr(exc, "line", -1), getattr(exc, "column", -1)
    if line is None or line < 1:
        lines = source.text.rstrip("\n").split("\n")
        return len(lines), len(lines[-1]) + 1
    return line, column


# ---- the rows' input -----------------------------------------------------------------------------

class Spot:
    """Where the lexer stopped: a character no token starts with."""

    def __init__(self, source: Source, line: int, column: int):
        self.source, self.line, self.column = source, line, column
        self.text = source.line(line)
        self.char = self.text[column - 1] if 0 < column <= len(self.text) else ""
        self.span = Span.point(source.name, line, column)

    def lookalike(self) -> str | None:
        """The look-alike written at the spot, if it is one."""
        return self.char if self.char in LOOKALIKES else None

    def run(self, inside: str) -> tuple[int, int]:
        """The 0-based start and end of the characters of `inside` around the spot."""
        start, end = self.column - 1, self.column
        while start > 0 and self.text[start - 1] in inside:
            start -= 1
        while end < len(self.text) and self.text[end] in inside:
            end += 1
        return start, end


class Slip:
    """A token the grammar does not accept where it stands, with what the parser expected instead."""

    def __init__(self, token: Token, expected: set, source: Source, line: int, column: int):
        self.token, self.expected, self.source = token, expected, source
        self.line, self.column = line, column
        width = len(str(token)) if token.type not in ("_NL", "_INDENT", "_DEDENT", "$END") else 1
        self.span = Span.point(source.name, line, column, max(width, 1))
        if token.type == "_INDENT" and token.end_line:
            # An indent token borrows the position of the line break before it: point at the line
            # that is indented, from its first column to its first character.
            self.line, self.column = token.end_line, 1
            self.span = Span.point(source.name, self.line, 1, max((token.end_column or 2) - 1, 1))
        self.found = describe_found(token)
        self.words = {describe_token(name) for name in expected}
        self.keywords = [w[1:-1] for w in sorted(self.words)
                         if w.startswith("'") and w[1:-1].replace("-", "").isalpha() and w[1:-1].isascii()]

    @classmethod
    def of(cls, exc: UnexpectedToken, source: Source, line: int, column: int) -> Slip:
        # lark's `expected` can list terminals the parser state would not in fact accept (after "/" it
        # lists the end of the line); `accepts` replays the parser to find those it does.
        try:
            expected = set(exc.accepts) if exc.interactive_parser is not None else set(exc.expected)
        except Exception:  # pragma: no cover - accepts replays the parser; never fail the report on it
            expected = set()
        return cls(exc.token, expected or set(exc.expected), source, line, column)

    @property
    def type(self) -> str:
        return self.token.type

    @functools.cached_property
    def opened(self) -> Span | None:
        """The '(' an unexpected token inside parentheses shows is not closed, if any."""
        if "_RPAR" not in self.expected:
            return None
        opened = _unclosed_paren(self.source, self.line, self.column)
        # inside parentheses line breaks are ignored, so an unclosed '(' shows up lines later
        if opened is not None and (opened.line < self.line or self.type in ("_DEDENT", "$END")):
            return opened
        return None

    @functools.cached_property
    def thousands(self) -> tuple[str, Span] | None:
        """The number with a thousands separator whose comma is the unexpected token, if it is one."""
        if self.type != "_COMMA":
            return None
        text = self.source.line(self.line)
        for match in THOUSANDS.finditer(text):
            if match.start() < self.column - 1 < match.end():
                return match[0], Span(self.source.name, self.line, match.start() + 1, self.line, match.end() + 1)
        return None

    def is_keyword_slip(self) -> bool:
        """A name where only keywords (or types) may stand: a misspelled keyword."""
        return self.type == "NAME" and bool(self.keywords) and bool(
            self.words & {f"'{k}'" for k in KEYWORDS} or len(self.keywords) == len(self.words))


def _unclosed_paren(source: Source, line: int, column: int) -> Span | None:
    """The last '(' before line:column that no ')' closes (strings and comments skipped)."""
    opened = []
    for number, text in enumerate(source.lines()[:line], 1):
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


# ---- the rows ------------------------------------------------------------------------------------

Text = str | Callable[..., str]


@attrs.frozen(eq=False, repr=False)
class Row(Record):
    """One slip: when it applies, its code, message and hint, and where it points (the spot itself by
    default)."""
    code: str
    when: Callable[..., bool]
    message: Text
    hint: Text
    where: Callable[..., Span] | None = None

    def diagnostic(self, at) -> Diagnostic:
        def text(value: Text) -> str:
            return value(at) if callable(value) else _(value)
        return error(self.code, text(self.message), self.where(at) if self.where else at.span, text(self.hint))


def _first_row(rows: tuple[Row, ...], at) -> Diagnostic:
    return next(row.diagnostic(at) for row in rows if row.when(at))


def _percent_literal(spot: Spot) -> tuple[str, Span]:
    start, __ = spot.run("0123456789.%％ ")
    __, end = spot.run("0123456789.%％")
    written = spot.text[start:end]
    literal = written.strip()
    return literal, Span(spot.source.name, spot.line, start + 1 + len(written) - len(written.lstrip()),
                         spot.line, end + 1)


def _percent_hint(spot: Spot) -> str:
    digits = "".join(c for c in _percent_literal(spot)[0] if c.isdigit() or c == ".") or "95"
    return _("write a percentage as a number followed by one '%', with no space: {digits}%", digits=digits)


def _bad_number(spot: Spot) -> tuple[str, Span]:
    start, end = spot.run("0123456789.")
    return spot.text[start:end], Span(spot.source.name, spot.line, start + 1, spot.line, end + 1)


def _lookalike_hint(spot: Spot) -> str:
    written = spot.lookalike() or ""
    meant, ascii_spelling = LOOKALIKES[written]
    if ascii_spelling:
        return _("did you mean '{meant}'? '{written}' looks like it but is another character: write {meant} "
                 "(or {ascii})", meant=meant, written=written, ascii=ascii_spelling)
    return _("did you mean '{meant}'? '{written}' looks like it but is another character: write {meant}",
             meant=meant, written=written)


CHARACTER_ROWS: tuple[Row, ...] = (
    Row("E104", lambda s: s.char in "%％" and s.char != "",
        lambda s: _("bad percent literal '{literal}'", literal=_percent_literal(s)[0]), _percent_hint,
        lambda s: _percent_literal(s)[1]),
    Row("E107", lambda s: s.char == '"', N_("this quoted name or description is not closed"),
        N_("add the closing '\"' on the same line")),
    Row("E105", lambda s: s.char == "." and s.column > 1 and s.text[s.column - 2].isdigit(),
        lambda s: _("bad number '{number}': more than one decimal point", number=_bad_number(s)[0]),
        N_("write a number with at most one decimal point, e.g. 0.95 or 1.5"), lambda s: _bad_number(s)[1]),
    Row("E102", lambda s: s.lookalike() is not None, lambda s: _("unexpected character '{char}'", char=s.lookalike()),
        _lookalike_hint, lambda s: Span.point(s.source.name, s.line, s.column, len(s.lookalike()))),
    Row("E102", lambda s: True, lambda s: _("unexpected character '{char}'", char=s.char),
        N_("names use letters, digits and '_'; put a name with other characters in double quotes")),
)


def _rounding_hint(slip: Slip) -> str:
    import difflib  # a suggestion's: a clean check never imports difflib

    close = difflib.get_close_matches(str(slip.token), list(ROUNDING_MODES), n=1)
    if close:
        return _("did you mean '{name}'?", name=close[0])
    return _("the modes are: {modes}", modes=", ".join(ROUNDING_MODES))


def _points_hint(slip: Slip) -> str:
    header = slip.source.line(slip.line).strip().rstrip(":：").strip()
    return _("write the points in parentheses before the colon, e.g. '{header} (5):'", header=header)


def _keyword_choices(slip: Slip) -> list[str]:
    return [k for k in KEYWORDS if k in slip.keywords] or slip.keywords


def _keyword_message(slip: Slip) -> str:
    if {"number", "count", "percent"} <= set(_keyword_choices(slip)):
        return _("unknown type '{name}'", name=str(slip.token))
    return _("unknown keyword '{name}'", name=str(slip.token))


def _keyword_hint(slip: Slip) -> str:
    keywords = _keyword_choices(slip)
    import difflib  # a suggestion's: a clean check never imports difflib

    close = difflib.get_close_matches(str(slip.token), keywords, n=1)
    if close:
        return _("did you mean '{name}'?", name=close[0])
    return _("expected one of: {choices}", choices=", ".join(keywords))


TOKEN_ROWS: tuple[Row, ...] = (
    Row("E101", lambda t: t.opened is not None, N_("this '(' is not closed"), N_("add the missing ')'"),
        lambda t: t.opened),
    Row("E101", lambda t: t.type == "_DEDENT" and "'formula'" in t.words, N_("the indicator has no scoring rule"),
        N_("add one: formula:, bands:, checklist:, deduct … per …, assessed NAME, or part blocks")),
    Row("E101", lambda t: str(t.token) in RULE_KEYWORDS and t.expected == {"_DEDENT"},
        lambda t: _("a second scoring rule '{rule}': an indicator has one rule", rule=str(t.token)),
        N_("to combine several rules, split the indicator into 'part NAME (points):' blocks")),
    Row("E101", lambda t: str(t.token) in ("bonus", "penalty") and "'group'" in t.words,
        lambda t: _("a '{keyword}' block inside a group: 加分项 and 扣分项 stand at the top level",
                    keyword=str(t.token)),
        N_("start the block at the beginning of the line, after the groups: its points are added to or taken from "
           "the total")),
    Row("E101", lambda t: t.type == "NAME" and "ROUNDING_MODE" in t.expected,
        lambda t: _("unknown rounding mode '{mode}'", mode=str(t.token)), _rounding_hint),
    Row("E111", lambda t: t.thousands is not None,
        lambda t: thousands_error(*t.thousands).message, lambda t: thousands_error(*t.thousands).hint or "",
        lambda t: t.thousands[1]),
    Row("E106", lambda t: t.expected in ({"_LPAR"}, {"_LPAR", "POINTS_UNIT"}), N_("missing maximum points"),
        _points_hint),
    Row("E103", lambda t: t.type == "_INDENT", N_("unexpected indentation"),
        N_("indent a line only inside a block opened by a line ending in ':'")),
    Row("E103", lambda t: "_INDENT" in t.expected, N_("expected an indented block: the line before ends with ':'"),
        N_("indent the lines that belong to the block by four spaces more than the line that opens it")),
    Row("E101", lambda t: t.expected == {"_COLON"},
        lambda t: _("missing ':' at the end of the line") if t.type == "_NL" else _("expected ':', found {found}",
                                                                                      found=t.found),
        N_("a line that opens a block ends with ':'")),
    Row("E101", lambda t: _joined_before(t) is not None, _joined_message, _joined_hint),
    Row("E101", lambda t: "_ARROW" in t.expected and t.type != "_ARROW",
        lambda t: _("expected '→' (or '->') before the points, found {found}", found=t.found),
        N_("write each row as 'condition → points', e.g. '≥ 95% → 6'")),
    Row("E101", Slip.is_keyword_slip, _keyword_message, _keyword_hint),
    Row("E101", lambda t: t.type == "NAME" and "POINTS_UNIT" in t.expected,
        lambda t: _("unexpected {found} after the points", found=t.found),
        N_("the points are a number, which may be followed by the unit '分': '→ 6' or '→ 6分'")),
    Row("E101", lambda t: t.type == "_NL" and bool(t.expected & {"NUMBER", "NAME", "PERCENT"}),
        N_("the line ends where a value was expected"), N_("finish the expression, e.g. 'a / b × 6'")),
    Row("E101", lambda t: True, lambda t: _("unexpected {found}", found=t.found),
        lambda t: _("expected {choices}", choices=", ".join(sorted(say(w) for w in t.words)))),
)


def indentation_error(source: Source) -> Diagnostic:
    previous = 0
    for number, text in enumerate(source.lines(), 1):
        stripped = text.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text.expandtabs(4)) - len(stripped.expandtabs(4)) if "\t" in text else len(text) - len(stripped)
        if indent < previous and indent % 4:
            return error("E103", _("this line's indentation matches no enclosing block"),
                         Span.point(source.name, number, 1, max(indent, 1)),
                         _("indent by the same number of spaces as the block it belongs to"))
        previous = indent
    return error("E103", _("inconsistent indentation"), Span.point(source.name, 1, 1),
                 _("indent each block by four spaces more than the line that opens it"))
