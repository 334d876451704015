"""Dates as rule files and facts write them (2024-03-31, 2024年3月31日), held as whole numbers of days.

A date input's value is its day number (the proleptic Gregorian ordinal, 2024-03-31 → 738976): so the
difference of two dates is the number of days between them, a date compares with a date as numbers
do, and the prover's intervals and verify's generators need nothing of their own. Only where a value
is shown (explanations, messages, `fmt`) is a day number written back as a date.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
CHINESE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
SLASHED = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")  # 2024/3/31, as Excel shows a date typed as text
# the days `verify` draws a date input without bounds from: a century from 2000-01-01
EARLIEST = Decimal(datetime.date(2000, 1, 1).toordinal())
CENTURY = Decimal(36525)


def looks_like_date(text: str) -> bool:
    """Whether a text is written as a date, valid or not (2024-02-30 looks like one): such a text given
    for a date input is reported as a wrong date, not as a text that is no value."""
    text = text.strip()
    return any(pattern.fullmatch(text) for pattern in (ISO, CHINESE, SLASHED))


def parse_date(text: str) -> datetime.date | None:
    """The date a text writes in one of the accepted forms; None if it writes none, or a day that does
    not exist (2024-02-30)."""
    text = text.strip()
    for pattern in (ISO, CHINESE, SLASHED):
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                return None
    return None


def day_number(day: datetime.date) -> Decimal:
    """The value a date is held as: its day number."""
    return Decimal(day.toordinal())


def from_day_number(value) -> datetime.date | None:
    """The date of a day number; None for a value that is not a whole day number of a real date (a
    value computed from dates by other arithmetic)."""
    try:
        whole = int(value)
        if whole != value:
            return None
        return datetime.date.fromordinal(whole)
    except (ValueError, OverflowError, TypeError, ArithmeticError):
        return None


def format_date(value) -> str:
    """A day number written as a date, 2024-03-31, in every language (as facts files write it); a value
    that is no date's day number is shown as the number it is."""
    day = from_day_number(value)
    return day.isoformat() if day is not None else str(value)
