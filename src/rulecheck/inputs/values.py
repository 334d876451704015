"""The values a fact may take, by input type: the one definition that every reader goes through, a YAML
or JSON facts file, a CSV cell, a JSON Lines line and a Python value given to the API alike.

    convert(raw, decl)   # → Decimal (number, amount, count, score, percent), bool, or the grade's value

A value is missing when it is None or a blank text (an empty CSV cell, `满意度:` with nothing after
it, JSON null): `is_missing`. Anything else is converted exactly, or refused with a FactValueError
carrying the code, the message and a hint; convert raises nothing else, whatever it is given. The
table of docs/embedding.md#fact-values lists what each type accepts.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from numbers import Integral, Rational

import attrs

from .. import dates, numbers
from ..domains import Domain, domain_of
from ..i18n import N_, _
from ..syntax import ast
from ..syntax.printer import format_literal, format_number, format_value

MAX_TEXT = 10_000  # the most characters in a text fact (a grade value, a number written as text)
MAX_DIGITS = 100  # the most digits of a number written out in full, before and after the point
QUOTED = 80  # the most characters of a value that a message quotes
SUGGESTED = 100  # the longest text a "did you mean" is looked for
TRUE_WORDS = frozenset({"true", "yes", "是", "有", "√", "✓"})
FALSE_WORDS = frozenset({"false", "no", "否", "无", "×", "✗"})
EXAMPLES = {"number": "1.5", "count": "12", "amount": "10339.11", "percent": "95%", "bool": "true",
            "score": "5", "date": "2024-03-31"}
KIND_WORDS = {"number": N_("a number"), "count": N_("a count"), "amount": N_("an amount"), "score": N_("a score")}
PERCENTAGE_GIVEN = {  # a percentage given to an input of another kind
    "number": N_("{value} is a percentage, but this input is a number"),
    "count": N_("{value} is a percentage, but this input is a count"),
    "amount": N_("{value} is a percentage, but this input is an amount"),
    "score": N_("{value} is a percentage, but this input is a score"),
}
PERCENT_HINT = N_('write it like "97.29%"')
BOOL_HINT = N_("write true or false (是 / 否 also work)")

# A number as text: digits with at most one point, an optional sign and exponent (1e3), commas only in
# groups of three (10,339.11). No leading zero (030), no '_' (56_0), no base 60 (1:30), no 0x1A: those
# are read differently by different programs (YAML 1.1 reads 030 as 24), so they are refused (F510).
_WHOLE = r"(?:0|[1-9][0-9]*)"
_GROUPED = r"[1-9][0-9]{0,2}(?:,[0-9]{3})+"
_NUMBER = r"[+-]?(?:(?:{whole})(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{{1,6}})?"
NUMBER = re.compile(_NUMBER.format(whole=f"{_GROUPED}|{_WHOLE}"))
PLAIN_NUMBER = re.compile(_NUMBER.format(whole=_WHOLE))  # no commas: a YAML 1.2 core int or float
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")
_LONG_EXPONENT = re.compile(r"[+-]?[0-9.,]+[eE][+-]?[0-9]{7,}")
_OCTAL = re.compile(r"[+-]?0[0-7]+")
SHORT = 40  # the longest text whose YAML 1.1 reading a message works out


def _other_base(text: str, value: str) -> tuple[str, str]:
    message = _("{value} is ambiguous: a number in base 16, 8 or 2", value=value)
    try:
        number = int(text, 0) if len(text) <= SHORT else None
    except ValueError:  # 0b12, 0x1_: not even a number in its base
        number = None
    if number is None:
        return message, _("write it in decimal digits")
    return message, _("write it in decimal digits ({number} if that is the number meant)", number=number)


def _base_60(text: str, value: str) -> tuple[str, str]:
    hint = _("write it as one number: for 1:30, 90 (minutes) or 1.5 (hours)")
    if len(text) <= SHORT:
        return _("{value} is ambiguous: a time, or a number in base 60 (YAML 1.1 reads it as {number})", value=value,
                 number=format_number(_sexagesimal(text))), hint
    return _("{value} is ambiguous: a time, or a number in base 60", value=value), hint


def _sexagesimal(text: str) -> Decimal:
    value = Decimal(0)
    for part in text.lstrip("+-").split(":"):
        value = value * 60 + Decimal(part)
    return -value if text.startswith("-") else value


def _underscore(text: str, value: str) -> tuple[str, str]:
    joined = text.replace("_", "")
    return (_("{value} is ambiguous: a number with '_' in it (YAML 1.1 reads it as {number})", value=value,
              number=joined), _("write {number} if that is the number meant", number=joined))


def _leading_zero(text: str, value: str) -> tuple[str, str]:
    octal = len(text) <= SHORT and _OCTAL.fullmatch(text)
    hint = _("write {number} if that is the number meant", number=_LEADING_ZEROS.sub('', text))
    if octal:
        return _("{value} is ambiguous: a number with a leading zero (YAML 1.1 reads it as the octal number "
                 "{number})", value=value, number=int(text, 8)), hint
    return _("{value} is ambiguous: a number with a leading zero", value=value), hint


def _commas(text: str, value: str) -> tuple[str, str]:
    return (_("{value} is ambiguous: its commas do not group thousands (a decimal comma, as in 0,5?)", value=value),
            _("write the decimal point as '.', and commas only between groups of three digits, as in 10,339.11"))


AMBIGUOUS = (  # a form some programs read as a number and others not, or as another number: what it is
    (re.compile(r"[+-]?0[xob][0-9a-f_]+", re.I), _other_base),
    (re.compile(r"[+-]?[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9]*)?"), _base_60),
    (re.compile(r"(?=.*_)[+-]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?"), _underscore),
    (re.compile(r"[+-]?0[0-9][0-9,]*(?:\.[0-9]*)?"), _leading_zero),
    (re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]*)?"), _commas),
)


class FactValueError(ValueError):
    """A value its input cannot take: why (the message), how to fix it (the hint), and the code."""

    def __init__(self, message: str, hint: str | None = None, code: str = "F502"):
        super().__init__(message)
        self.hint, self.code = hint, code

    def __reduce__(self):
        return (type(self), (str(self), self.hint, self.code))


@attrs.frozen
class Unread:
    """A value a reader did not take (a YAML alias or tagged value, a list): how a message shows it and,
    unless it is only of the wrong type (F502), its own code, message and hint."""
    shown: str
    code: str = "F502"
    message: str | None = None
    hint: str | None = None
    day: datetime.date | None = None  # the date of an Excel date cell: refused, but by a date input


def is_missing(raw) -> bool:
    """No value: None, or a text of blanks only (an empty CSV cell)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def convert(raw, decl: ast.InputDecl):
    """The exact value of a fact for its input; FactValueError if the input cannot take it."""
    kind = decl.type.kind
    if kind == "date" and isinstance(raw, Unread) and raw.day is not None:
        raw = raw.day
    _refuse_unread(raw)
    if is_missing(raw):
        raise FactValueError(_("it has no value"), _("write e.g. {example}", example=example(decl)), code="F501")
    if isinstance(raw, str) and len(raw) > MAX_TEXT:
        count, most = format(len(raw), ","), format(MAX_TEXT, ",")
        raise FactValueError(_("a text of {count} characters ({value}) is longer than the {most} a fact may have",
                               count=count, value=shown(raw), most=most),
                             _("a fact is one value: a number, true or false, or a grade's value"), code="F511")
    if kind == "bool":
        return _bool(raw)
    if kind == "grade":
        return _grade(raw, decl.type.values)
    domain = domain_of(decl)
    if kind == "date":
        value = _date(raw)
    else:
        value = _percent(raw, domain) if kind == "percent" else _number(raw, kind)
    if kind == "count" and not numbers.is_integral(value):
        raise FactValueError(_("{number} is not a whole number", number=format_number(value)),
                             _("a count is 0, 1, 2, …"))
    if not domain.contains(value):
        raise FactValueError(_outside(format_value(value, kind), domain),
                             _("correct the value, or widen the domain in the rule file if it is right"),
                             code="F503")
    return value


# A number written as most cells write one: digits, at most one point, a minus, no leading zero, at most
# 20 digits either side (so within MAX_DIGITS), ASCII (so NFKC leaves it as it is): what inputs/fast.py
# reads directly, as Decimal(text), which is what convert makes of it.
SIMPLE_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,19})(?:\.[0-9]{1,20})?")


def _refuse_unread(raw) -> None:
    if isinstance(raw, Unread) and (raw.code != "F502" or raw.message):
        raise FactValueError(raw.message or _("{value} is not a value", value=raw.shown), raw.hint, code=raw.code)


def _outside(value: str, domain: Domain) -> str:
    def bound(number):
        return format_value(number, domain.kind) if number is not None else "…"
    low, high = bound(domain.low), bound(domain.high)
    if domain.low_exclusive and domain.high is None:
        return _("{value} is outside its domain, above {low}", value=value, low=low)
    if domain.low_exclusive:
        return _("{value} is outside its domain, above {low} to {high}", value=value, low=low, high=high)
    return _("{value} is outside its domain, from {low} to {high}", value=value, low=low, high=high)


def _bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    word = raw.strip().lower() if isinstance(raw, str) else None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FactValueError(_("{value} is not true or false", value=shown(raw)), _(BOOL_HINT))


def _grade(raw, values: tuple) -> str:
    """One of the grade's values, as written in the rule file (a value named like a number, "1", may
    be given as the number)."""
    if isinstance(raw, str):
        text: str | None = raw.strip()
    elif isinstance(raw, (int, Decimal)) and not isinstance(raw, bool) and _small(raw):
        text = str(raw)
    else:
        text = None
    if text is not None and text in values:
        return text
    close = difflib.get_close_matches(text, values, n=1, cutoff=0.3) if text and len(text) <= SUGGESTED else []
    listed = ", ".join(values)
    raise FactValueError(_("{value} is not one of the grade's values", value=shown(raw)),
                         _("did you mean '{name}'? the values are: {values}", name=close[0], values=listed) if close
                         else _("the values are: {values}", values=listed))


def _small(raw: int | Decimal) -> bool:
    return raw.bit_length() < 64 if isinstance(raw, int) else raw.is_finite() and len(raw.as_tuple().digits) < 20


# ---- dates --------------------------------------------------------------------------------------

DATE_HINT = N_("write the date as 2024-03-31 or 2024年3月31日")


def _date(raw) -> Decimal:
    """A date's day number (rulecheck.dates): from a date (an Excel date cell) or a text that writes one;
    a number is refused, as Excel's day serials (45382) and 20240331 are read differently by different
    programs."""
    if isinstance(raw, datetime.datetime):
        raw = raw.date()
    if isinstance(raw, datetime.date):
        return dates.day_number(raw)
    if isinstance(raw, str):
        day = dates.parse_date(_normal(raw))
        if day is not None:
            return dates.day_number(day)
        if dates.looks_like_date(_normal(raw)):
            raise FactValueError(_("{value} is not a date: there is no such day", value=shown(raw)), _(DATE_HINT))
    raise FactValueError(_("expected a date, got {value}", value=shown(raw)), _(DATE_HINT))


# ---- numbers ------------------------------------------------------------------------------------

def _number(raw, kind: str) -> Decimal:
    if isinstance(raw, str):
        text = _normal(raw)
        if text.endswith("%") and number_text(text[:-1].rstrip()) is not None:
            raise FactValueError(_(PERCENTAGE_GIVEN[kind], value=shown(raw)),
                                 _("write a plain number, e.g. {example}", example=EXAMPLES[kind]), code="F505")
        return _from_text(raw, text, lambda: _("write e.g. {example}", example=EXAMPLES[kind]), percentage=False)
    value = exact(raw)
    if value is None:
        raise FactValueError(_("expected a number, got {value}", value=shown(raw)),
                             _("write e.g. {example}", example=EXAMPLES[kind]))
    return value


def _percent(raw, domain: Domain) -> Decimal:
    """A percentage: text with '%' ("97.29%"), or a bare number, which is a fraction of 1 (0.9729).
    A bare number beyond ±1 is taken only where the domain declares values that far (from 0% to 200%
    takes 1.0139 as 101.39%); elsewhere 97.29 might mean 97.29% or 9729%, and is refused (F505)."""
    if isinstance(raw, str):
        text = _normal(raw)
        if text.endswith("%"):
            return hundredth(_from_text(raw, text[:-1].rstrip(), lambda: _(PERCENT_HINT), percentage=True))
        value = _from_text(raw, text, lambda: _(PERCENT_HINT), percentage=True)
    else:
        found = exact(raw) if not isinstance(raw, bool) else None
        if found is None:
            raise FactValueError(_("expected a percentage, got {value}", value=shown(raw)), _(PERCENT_HINT))
        value = found
    if abs(value) > 1 and not domain.declares(value):
        shown_value = format_number(value)
        raise FactValueError(
            _("the bare number {number} is ambiguous for a percentage", number=shown_value),
            _('write "{number}%" for {number} percent, or the fraction {fraction}; a bare number is read as a '
              'fraction of 1', number=shown_value, fraction=format_number(hundredth(value))), code="F505")
    return value


def _from_text(raw: str, text: str, hint: Callable[[], str], percentage: bool) -> Decimal:
    """The number a text writes (`text`: the text normalised); else why it is not one (`hint()` says how
    to write it: made only then, since a batch reads many numbers and gets few wrong)."""
    value = number_text(text)
    if value is not None:
        return value
    for pattern, explain in AMBIGUOUS:
        if pattern.fullmatch(text):
            message, how = explain(cut(text), shown(raw))
            raise FactValueError(message, how, code="F510")
    if percentage:
        raise FactValueError(_("expected a percentage, got {value}", value=shown(raw)), hint())
    raise FactValueError(_("expected a number, got {value}", value=shown(raw)), hint())


def _normal(text: str) -> str:
    """A text as numbers are read from it: full-width digits, signs and '％' as their ASCII forms."""
    return unicodedata.normalize("NFKC", text).strip()


def number_text(text: str, *, grouped: bool = True) -> Decimal | None:
    """The exact number a text writes ("10,339.11", "-2.5", "1e3", ".5"), None if it writes none; a
    FactValueError (F511) if it writes one of more than MAX_DIGITS digits. With grouped=False, commas
    are not allowed (a YAML 1.2 core number)."""
    if len(text) > MAX_TEXT or not (NUMBER if grouped else PLAIN_NUMBER).fullmatch(text):
        if _LONG_EXPONENT.fullmatch(text):
            raise _too_long(text)
        return None
    return _within_digits(Decimal(text.replace(",", "")), text)


def exact(raw) -> Decimal | None:
    """A Python number as an exact Decimal (an int, a Decimal, a Fraction that terminates, a float by the
    digits Python prints for it); None if raw is not a number; FactValueError if it is one that cannot
    be a fact (not finite, too long, a fraction such as 1/3 with no decimal expansion)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return _within_digits(_finite(raw, raw), raw)
    if isinstance(raw, Integral):
        return _integer(int(raw))
    if isinstance(raw, float):
        return _within_digits(_finite(Decimal(float.__repr__(raw)), raw), raw)
    if isinstance(raw, Rational):
        return _fraction(int(raw.numerator), int(raw.denominator))
    return None


def _integer(value: int) -> Decimal:
    if value.bit_length() > MAX_DIGITS * 10 // 3 + 4:  # surely more than MAX_DIGITS digits (2^10 > 10^3)
        raise _too_long(value)
    return _within_digits(Decimal(value), value)


def _fraction(numerator: int, denominator: int) -> Decimal:
    if max(numerator.bit_length(), denominator.bit_length()) > 2 * MAX_DIGITS * 10 // 3:
        raise _too_long(numerator)
    value = numbers.divide(Decimal(numerator), Decimal(denominator))
    if not isinstance(value, Decimal):
        raise FactValueError(_("{numerator}/{denominator} has no exact decimal value", numerator=numerator,
                               denominator=denominator),
                             _('give the digits you mean, as a Decimal or a text: Decimal("0.3333")'))
    return _within_digits(value, value)


def _finite(value: Decimal, raw) -> Decimal:
    if not value.is_finite():
        raise FactValueError(_("{value} is not a finite number", value=shown(raw)), _("write the measured value"))
    return value


def _within_digits(value: Decimal, raw) -> Decimal:
    """The value, if written out in full it takes at most MAX_DIGITS digits (1E+999999 takes a million)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    if max(len(digits) + exponent, 1) + max(-exponent, 0) > MAX_DIGITS:
        raise _too_long(raw)
    return value


def _too_long(raw) -> FactValueError:
    return FactValueError(_("{value} has more than the {most} digits a number may have", value=shown(raw),
                            most=MAX_DIGITS),
                          _("write the value with fewer digits (rulecheck rounds only where the rule file says)"),
                          code="F511")


def hundredth(value: Decimal) -> Decimal:
    """value / 100, exactly: a decimal's hundredth always terminates, so it is a Decimal, never a Ratio."""
    result = numbers.divide(value, Decimal(100))
    assert isinstance(result, Decimal)
    return result


# ---- what messages show -------------------------------------------------------------------------

def shown(raw) -> str:
    """A raw fact as the person who wrote it would recognise it (not Python's repr), at most about
    QUOTED characters: a long text or number is cut with '…'."""
    return cut(_shown(raw))


def cut(text: str, most: int = QUOTED) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _shown(raw) -> str:
    if raw is None:
        return _("an empty value")
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return f"'{cut(raw, QUOTED - 2)}'"
    if isinstance(raw, Unread):
        return raw.shown
    if isinstance(raw, Integral) and int(raw).bit_length() > 4 * MAX_DIGITS:
        digits = format(_digits(abs(int(raw))), ",")
        return _("a whole number of {count} digits", count=digits)
    if isinstance(raw, (Integral, Decimal, float)):
        return format_number(Decimal(int(raw)) if isinstance(raw, Integral) else
                             Decimal(float.__repr__(raw)) if isinstance(raw, float) else raw)
    if isinstance(raw, Rational):
        return _("a fraction")
    if isinstance(raw, (list, tuple, set, frozenset)):
        return _("a list")
    return _("a nested mapping") if isinstance(raw, dict) else _("a value of type {type}", type=type(raw).__name__)


def _digits(value: int) -> int:
    """How many digits a whole number has, without writing it (str() refuses 4,300 digits and more)."""
    digits = int((value.bit_length() - 1) * 0.30102999566398) + 1  # 2^(b−1) ≤ value < 2^b
    return digits + (value >= 10 ** digits)


# ---- what an input takes, for hints -------------------------------------------------------------

TAKES = {"number": N_("a number"), "count": N_("a whole number"), "amount": N_("an amount"),
         "percent": N_("a percentage"), "bool": N_("true or false"), "score": N_("an assessed score"),
         "date": N_("a date")}


def describe(decl: ast.InputDecl) -> str:
    kind = decl.type.kind
    if kind == "grade":
        return _("one of {values}", values=", ".join(decl.type.values))
    text = _(TAKES[kind])
    if decl.low is not None or decl.high is not None:
        low = format_literal(decl.low) if decl.low is not None else "…"
        high = format_literal(decl.high) if decl.high is not None else "…"
        if decl.low_exclusive:
            return _("{what} above {low} to {high}", what=text, low=low, high=high)
        return _("{what} from {low} to {high}", what=text, low=low, high=high)
    return text


def example(decl: ast.InputDecl) -> str:
    if decl.type.kind == "grade":
        return decl.type.values[0]
    if decl.type.kind == "score" and decl.high is not None:
        return format_number(decl.high.value)
    return EXAMPLES[decl.type.kind]
