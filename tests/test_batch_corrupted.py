"""Every record accounted for: the shipped corpus with stray quotes, delimiters, line breaks, NULs and
bytes that are not UTF-8 put into random cells of random rows. Whatever is spoilt, each physical line is
one department in the output, exactly once, scored or with a reason; the lines left alone score as in
the clean corpus; and the summary's counts add up to the lines. (Python's csv module, given one stray
quote, reads the following lines into one cell: "371 departments" from a 1,000-row file.)
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rulecheck.batch import Batch, read_departments, score_departments

# What a hand-edited or badly exported file gets in a cell; a line break splits its row in two.
SPOILERS = [b'"', b'"', b",", b";", b"\t", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xc3", b'""']


@pytest.fixture(scope="module")
def corpus_lines(root) -> list[bytes]:
    """The header and the corpus's first 30 departments (the first 24 go through every band)."""
    return (root / "rules" / "shenzhen" / "cases" / "corpus-2024.csv").read_bytes().splitlines()[:31]


@pytest.fixture(scope="module")
def clean_totals(framework, corpus_lines, tmp_path_factory) -> dict[int, str]:
    """The clean corpus's total per line number."""
    path = tmp_path_factory.mktemp("clean") / "corpus.csv"
    path.write_bytes(b"\n".join(corpus_lines) + b"\n")
    scored = score_departments(framework, read_departments(path, framework.inputs))
    return {where_line(item): str(item.result.total) for item in scored}


LINE_BREAKS = (b"\n", b"\r", b"\r\n")


@st.composite
def spoilt(draw, lines: list[bytes]):
    """The corpus with a few rows spoilt. Returns its bytes and, for each row left alone (by its line
    number in the clean corpus), the physical line it is on now (a line break put in a row makes two)."""
    data = list(range(1, len(lines)))  # indexes of the data lines
    chosen = draw(st.lists(st.sampled_from(data), min_size=1, max_size=6, unique=True))
    spoilt_lines = list(lines)
    for index in chosen:
        cells = lines[index].split(b",")
        for _ in range(draw(st.integers(1, 2))):
            spoiler = draw(st.sampled_from(SPOILERS))
            if spoiler in LINE_BREAKS and any(mark in cell for cell in cells for mark in (b"\n", b"\r")):
                spoiler = b'"'  # one line break a row, so that no part of it is blank
            # a line break never in the id nor in the last cell: each part of the row keeps a value
            cell = draw(st.integers(1, len(cells) - 2) if spoiler in LINE_BREAKS else st.integers(0, len(cells) - 1))
            at = draw(st.integers(0, len(cells[cell])))
            cells[cell] = cells[cell][:at] + spoiler + cells[cell][at:]
        spoilt_lines[index] = b",".join(cells)
    if draw(st.booleans()):  # a cell quoted as spreadsheets quote them: still the same value
        index = draw(st.sampled_from([i for i in data if i not in chosen]))
        cells = lines[index].split(b",")
        cell = draw(st.integers(0, len(cells) - 1))
        cells[cell] = b'"' + cells[cell] + b'"'
        spoilt_lines[index] = b",".join(cells)
    moved, physical = {}, 1
    for index in data:
        if index not in chosen:
            moved[index + 1] = physical + 1
        physical += len(spoilt_lines[index].splitlines())
    return b"\n".join(spoilt_lines) + b"\n", moved


def where_line(item) -> int:
    return int(item.where.rsplit(":", 1)[1])


@given(data=st.data())
def test_every_line_of_a_spoilt_corpus_is_one_department(framework, corpus_lines, clean_totals, tmp_path_factory,
                                                         data):
    text, untouched = data.draw(spoilt(corpus_lines))
    folder = tmp_path_factory.mktemp("spoilt")
    path, output = folder / "corpus.csv", folder / "scores.jsonl"
    path.write_bytes(text)
    outcome = Batch(framework, path, "jsonl", output).run()
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    scored = list(score_departments(framework, read_departments(path, framework.inputs)))

    physical = list(range(2, len(text.splitlines()) + 1))  # the data lines, split as records.py splits them
    assert [where_line(item) for item in scored] == physical  # each line once, in order
    assert outcome.summary.departments == len(rows) == len(physical)
    assert outcome.summary.scored + outcome.summary.failed == len(physical)
    assert outcome.summary.failed == sum(row["error"] is not None for row in rows)
    for item, row in zip(scored, rows):
        assert row["key"] == item.key
        assert item.ok or (item.diagnostics and row["error"]), item  # scored, or with a reason
    # a row left alone is read and scored as in the clean corpus, whatever its neighbours hold
    by_line = {where_line(item): item for item in scored}
    for clean_line, line in untouched.items():
        assert by_line[line].ok, by_line[line].reasons()
        assert str(by_line[line].result.total) == clean_totals[clean_line]


def test_the_clean_corpus_keeps_its_rows(framework, corpus_lines, clean_totals):
    assert len(clean_totals) == len(corpus_lines) - 1 == 30


def test_a_stray_quote_in_a_thousand_rows_costs_its_row_only(framework, corpus_lines, tmp_path):
    """A note "十四五"规划 typed by hand into a cell, and a quote that is never closed: the csv module read
    the 370 rows after the second into one cell ("630 departments")."""
    header, rows = corpus_lines[0], corpus_lines[1:]
    lines = [header] + [rows[i % len(rows)].replace(rows[i % len(rows)].split(b",")[0], f"R{i}".encode(), 1)
                        for i in range(1000)]
    for index, note in ((300, '"十四五"规划'), (630, '"十四五规划')):
        cells = lines[index].split(b",")
        cells[5] = note.encode()
        lines[index] = b",".join(cells)
    path = tmp_path / "big.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    outcome = Batch(framework, path, "csv", tmp_path / "out.csv").run()
    assert (outcome.summary.departments, outcome.summary.scored, outcome.summary.failed) == (1000, 998, 2)
    after, never = outcome.failures
    assert (after.where, never.where) == (f"{path}:301", f"{path}:631")
    name, column = header.decode().split(",")[5], len(b",".join(cells[:5]).decode()) + 2
    rendered = after.diagnostics[0].render(after.sources)
    assert rendered.splitlines()[0] == (f"{path}:301:{column + 5}: error[F521]: cell 6 ({name}) has text after "
                                        "its closing quote")
    assert '"十四五"规划' in rendered and "^" in rendered  # the line, with a caret under the spot
    assert 'write a " inside a cell as "" and put the whole cell in quotes' in rendered
    assert never.diagnostics[0].render().splitlines()[0] == (
        f"{path}:631:{column}: error[F521]: cell 6 ({name}) opens a quote that is not closed on its line (no "
        "value holds a line break)")
    rows_out = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
    assert [row["key"] for row in rows_out] == [f"R{i}" for i in range(1000)]
    assert [row["key"] for row in rows_out if row["error"]] == ["R299", "R629"]
