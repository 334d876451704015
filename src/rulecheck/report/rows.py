"""A batch's rows as data: one per department (its key, its display name when the input has one, every
leaf's score, the total, the grade and why it has none), written as CSV, JSON Lines or one JSON object
{"departments": […], "summary": {…}}.

In the CSV, text cells (the key, the name, the grade, the error and the header) are safe for
spreadsheets (cells.py); scores are numbers and stay as they are. JSON is data, for programs: written as
it is. The CSV's header comes before the first row, so it has a name column when the input declares
one (a 名称/name column); a JSON row has a "name" field then, or whenever its department has a name.
"""

from __future__ import annotations

import csv
import json
from typing import IO

from .cells import safe_cell, safe_text

TEXT_COLUMNS = ("key", "name", "grade", "error")


def columns(leaves: list[str], names: bool = False) -> list[str]:
    """The output's columns: the key, the name (with `names`), each leaf's score, the total, the grade
    and the error."""
    return ["key", *(["name"] if names else []), *leaves, "total", "grade", "error"]


def row(scored, leaves: list[str], names: bool = False) -> dict:
    """The department's row (`scored` a batch.Scored): key, name (with `names`, None if it has none),
    each leaf's score, total, grade and error, None where there is none. Scores are text, so that 4.52
    stays exactly 4.52."""
    head = {"key": scored.key, **({"name": scored.name} if names else {})}
    if scored.result is None:
        return {**head, **dict.fromkeys(leaves), "total": None, "grade": None, "error": scored.reasons()}
    # the result's leaves are in the order of `leaves` (batch.leaf_names: the tree's)
    return {**head, **dict(zip(leaves, map(str, scored.result.leaf_scores()))), "total": str(scored.result.total),
            "grade": scored.result.grade, "error": None}


class RowWriter:
    """Writes rows as CSV (an empty cell for None), JSON Lines, or one JSON object
    {"departments": [row, …], "summary": {…}}; with `names`, each row has the department's name."""

    def __init__(self, stream: IO[str], fmt: str, leaves: list[str], names: bool = False):
        self.stream, self.fmt, self.leaves, self.names = stream, fmt, leaves, names
        self.rows = 0
        if fmt == "csv":
            self.csv = csv.writer(stream, lineterminator="\n")
            # the csv module quotes a cell with a line feed, not one with a lone carriage return, which
            # readers take for a line end: a row with one is written with every cell quoted
            self.quoted = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
            self._write_csv([safe_text(name) for name in columns(leaves, names)])
        elif fmt == "json":
            stream.write('{"departments": [')

    def write(self, scored) -> None:
        if self.fmt == "csv":
            values = row(scored, self.leaves, self.names)
            carriage_return = False  # (only a text cell can hold one: scores are numbers)
            for name in TEXT_COLUMNS:
                if name in values:
                    cell = values[name] = safe_cell(values[name])
                    carriage_return = carriage_return or (isinstance(cell, str) and "\r" in cell)
            (self.quoted if carriage_return else self.csv).writerow(list(values.values()))
        else:
            values = row(scored, self.leaves, self.names or scored.name is not None)
            text = json.dumps(values, ensure_ascii=False)
            self.stream.write(text + "\n" if self.fmt == "jsonl" else ("\n  " if not self.rows else ",\n  ") + text)
        self.rows += 1

    def _write_csv(self, cells: list) -> None:
        carriage_return = any(isinstance(cell, str) and "\r" in cell for cell in cells)
        (self.quoted if carriage_return else self.csv).writerow(cells)

    def close(self, summary) -> None:
        if self.fmt == "json":
            self.stream.write("\n], \"summary\": " + json.dumps(summary.to_dict(), ensure_ascii=False) + "}\n")
