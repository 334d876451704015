"""JSON facts: numbers exact, nesting bounded, each key's position found in one pass over the text.

`loads` reads JSON facts text (a facts file; a line of a JSON Lines batch needs the same): a number
is an exact Decimal (0.9729, never a float; a 5,000-digit integer is no ValueError of Python's
int-string limit), NaN and Infinity are the Decimals the input's type refuses, and a text nested more
than MAX_DEPTH levels is refused before it is parsed (no RecursionError).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

from ..diagnostics import FactsError, error
from ..i18n import N_, _
from ..source import Source, Span
from .values import MAX_TEXT, cut

MAX_DEPTH = 20  # the deepest a value may nest (a fact has no nesting: this is to stop a runaway file)
# a string (escapes and all) or a bracket; a string followed by ':' is a key
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|[\[\]{}]', re.S)
JSON_HINT = N_("check for a missing or extra ',' and double quotes around names and text")


class TooDeep(json.JSONDecodeError):
    """A JSON text nested more than MAX_DEPTH levels deep."""


def loads(text: str, object_pairs_hook=None):
    """The value of a JSON text, numbers as exact Decimals. Raises json.JSONDecodeError (TooDeep for a
    text nested too deep), and nothing else, for a text that is not JSON (`object_pairs_hook` may raise
    its own errors, as in json.loads)."""
    if text.count("[") + text.count("{") > MAX_DEPTH:  # else it cannot nest too deep: no need to look
        for match, depth in _tokens(text):
            if depth > MAX_DEPTH:
                raise TooDeep(_("nested more than {most} levels deep", most=MAX_DEPTH), text, match.start())
    return json.loads(text, parse_float=_number, parse_int=_number, parse_constant=Decimal,
                      object_pairs_hook=object_pairs_hook)


def _number(text: str) -> Decimal | str:
    """A JSON number, exactly; one too long for any fact stays text, which its input refuses (F511)."""
    if len(text) > MAX_TEXT:
        return text
    try:
        return Decimal(text)
    except InvalidOperation:  # an exponent past decimal's range: 1e99999999999999999999
        return text


def _tokens(text: str):
    """(match, depth after it) for each string and bracket of the text, in one pass."""
    depth = 0
    for match in _TOKEN.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
        elif bracket in "]}":
            depth -= 1
        yield match, depth


def read_json(source: Source) -> tuple[dict, dict]:
    """The facts of a JSON facts file, and the span of each key; FactsError (F506, F507, F515) if it is
    not an object of names to values."""
    try:
        values = loads(source.text)
    except TooDeep as exc:
        raise _problem(source, "F515", _("a value nested more than {most} levels deep", most=MAX_DEPTH),
                       _point(source, exc), _("a fact is one value: a number, a text, true or false")) from None
    except json.JSONDecodeError as exc:
        raise _problem(source, "F506", _("not valid JSON: {reason}", reason=exc.msg), _point(source, exc),
                       _(JSON_HINT)) from None
    if not isinstance(values, dict):
        raise _problem(source, "F506", _("a facts file is an object of input names to values"), None,
                       _('write one "name": value per entry inside { }'))
    spans: dict[str, Span] = {}
    twice = []
    for key, span in key_spans(source):
        if key in spans:
            twice.append(error("F507", _("the fact '{name}' is given twice", name=cut(key)), span,
                               _("the first is at line {line}; keep one", line=spans[key].line)))
        else:
            spans[key] = span
    if twice:
        raise FactsError(twice, {source.name: source})
    return values, spans


def key_spans(source: Source):
    """(key, span) of every key of the top-level object, in the order written, in one pass."""
    text, line, line_start, last = source.text, 1, 0, 0
    for match, depth in _tokens(text):
        if match.group(1) is None or depth != 1:
            continue
        start = match.start()
        newlines = text.count("\n", last, start)
        if newlines:
            line += newlines
            line_start = text.rindex("\n", last, start) + 1
        last = start
        token = match.group()[:-len(match.group(1))]
        column = start - line_start + 1
        key = json.loads(token) if "\\" in token else token[1:-1]  # escapes decoded, as json.loads does
        yield key, Span(source.name, line, column, line, column + len(token))


def _point(source: Source, exc: json.JSONDecodeError) -> Span:
    return Span.point(source.name, exc.lineno, exc.colno)


def _problem(source: Source, code: str, message: str, span: Span | None, hint: str) -> FactsError:
    return FactsError([error(code, message, span, hint, where=source.name)], {source.name: source})
