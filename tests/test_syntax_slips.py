"""Slips the syntax catches with a hint: thousands separators, look-alike characters, a rounding to too
many decimals; and the tables of syntax_error's messages (each row reached by some malformed file)."""

from __future__ import annotations

import pytest

import rulecheck
from rulecheck.syntax import errors
from rulecheck.syntax.parser import MAX_DECIMALS

HEAD = """\
framework "x"
rounding 2 decimals half-up
total 5
inputs:
    x: number from 0 to 100000
indicator 甲 (5):
"""


def errors_of(text: str) -> list:
    return [d for d in rulecheck.analyze_text(text, "x.rules").diagnostics if d.is_error]


def formula(expr: str) -> str:
    return HEAD + f"    formula: {expr}\n"


# ---- thousands separators ------------------------------------------------------------------------

@pytest.mark.parametrize("expr, written, values, column", [
    ("min(x, 1,000) / 200", "1,000", 2, 21),
    ("min(x, 1,000,000, 5)", "1,000,000", 3, 21),
    ("min(x / 1000, 10,339.11) / 2100", "10,339.11", 2, 28),
    ("min(x，1，000) / 200", "1，000", 2, 20),
    ("min(x, -1,000) + 5", "-1,000", 2, 21),
])
def test_a_number_with_thousands_separators_among_arguments_is_an_error(expr, written, values, column):
    (diagnostic,) = errors_of(formula(expr))
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("E111", 7, column)
    assert diagnostic.message == (f"'{written}' is written with a thousands separator: as a function's "
                                  f"arguments it reads as {values} values")
    assert diagnostic.hint.startswith(f"write {written.replace(',', '').replace('，', '')} (no thousands")


@pytest.mark.parametrize("expr", ["min(x, 1, 000) / 200", "max(0,100) / 20", "min(1,2,3) + 2", "min(x,5) / 20",
                                  "min(x, 12,34) / 20000", "min(x, 1,0000) / 20000", "min(x, 1.5,000) / 20000"])
def test_commas_that_do_not_make_a_thousands_number_are_arguments(expr):
    assert "E111" not in [d.code for d in errors_of(formula(expr))]


def test_a_thousands_separator_outside_a_call_is_the_same_error():
    (diagnostic,) = errors_of(formula("x / 100,000 × 5"))
    assert (diagnostic.code, diagnostic.span.column, diagnostic.message) == (
        "E111", 18, "'100,000' is written with a thousands separator")


# ---- look-alike characters -----------------------------------------------------------------------

@pytest.mark.parametrize("written", sorted(errors.LOOKALIKES))
def test_every_look_alike_character_gets_a_did_you_mean_hint(written):
    meant, ascii_spelling = errors.LOOKALIKES[written]
    (diagnostic,) = errors_of(formula(f"x {written} 1"))
    assert (diagnostic.code, diagnostic.span.column, diagnostic.span.end_column) == (
        "E102", 16, 16 + len(written))
    assert diagnostic.message == f"unexpected character '{written}'"
    assert diagnostic.hint.startswith(f"did you mean '{meant}'?")
    assert ascii_spelling is None or diagnostic.hint.endswith(f"(or {ascii_spelling})")


def test_what_a_look_alike_means_is_no_look_alike_itself():
    assert not {meant for meant, _ in errors.LOOKALIKES.values()} & set(errors.LOOKALIKES)


# ---- rounding ------------------------------------------------------------------------------------

@pytest.mark.parametrize("decimals", ["11", "99999999999999999999", "1000000000", "2.5"])
def test_a_rounding_outside_0_to_10_decimals_is_an_error_not_a_crash(decimals):
    text = formula("min(x, 5)").replace("rounding 2 decimals", f"rounding {decimals} decimals")
    (diagnostic,) = errors_of(text)
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("E112", 2, 10)
    assert diagnostic.message == f"cannot round to {decimals} decimals: write a whole number from 0 to 10"
    with pytest.raises(rulecheck.RuleFileError):
        rulecheck.loads(text)


def test_ten_decimals_is_the_most_and_scores_exactly():
    text = formula("x / 3").replace("rounding 2 decimals", f"rounding {MAX_DECIMALS} decimals")
    assert str(rulecheck.loads(text).evaluate({"x": 1}).total) == "0.3333333333"


# ---- the message tables --------------------------------------------------------------------------

def test_every_row_of_the_message_tables_is_reached_by_the_bad_files(root):
    """Each row's message (its fixed part) appears among the expectations of tests/data/bad/."""
    expected = "\n".join(path.read_text(encoding="utf-8") for path in (root / "tests" / "data" / "bad").glob("*.rules"))
    for row in errors.TOKEN_ROWS + errors.CHARACTER_ROWS:
        if isinstance(row.message, str):
            assert row.message in expected, row.message
        else:
            assert f"error[{row.code}]" in expected, row.code
