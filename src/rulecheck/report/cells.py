"""Text a spreadsheet must never take for a formula.

A cell of a CSV or a workbook that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) is a formula to Excel, WPS and LibreOffice: a department id `=HYPERLINK(…)` or
`=cmd|' /C calc'!A0` typed into a source spreadsheet would run when the report is opened (CSV
injection, OWASP). Such text is written with a leading `'`, which spreadsheets show as text. Numbers
(the scores, the total) are never changed: they are written as numbers.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """`text`, with a `'` before it if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value):
    """A cell's value: text made safe, anything else (a number, None) as it is."""
    return safe_text(value) if isinstance(value, str) else value
