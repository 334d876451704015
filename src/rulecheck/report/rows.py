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
import io
import json
from typing import IO

from .cells import FORMULA_STARTS, safe_text

TEXT_COLUMNS = ("key", "name", "grade", "error")


def columns(leaves: list[str], names: bool = False) -> list[str]:
    """The output's columns: the key, the name (with `names`), each leaf's score, the total, the grade
    and the error."""
    return ["key", *(["name"] if names else []), *leaves, "total", "grade", "error"]


def cells(scored, leaves: list[str], names: bool = False) -> list:
    """The department's row as values in the order of `columns` (`scored` a batch.Scored): key, name
    (with `names`, None if it has none), each leaf's score, total, grade and error, None where there is
    none. Scores are text, so that 4.52 stays exactly 4.52."""
    head = [scored.key, *([scored.name] if names else [])]
    result = scored.result
    if result is None:
        return [*head, *[None] * len(leaves), None, None, scored.reasons()]
    # the result's leaves are in the order of `leaves` (batch.leaf_names: the tree's)
    return [*head, *map(str, result.leaf_scores()), str(result.total), result.grade, None]


def row(scored, leaves: list[str], names: bool = False) -> dict:
    """The department's row (`cells`) by column name."""
    return dict(zip(columns(leaves, names), cells(scored, leaves, names)))


def csv_writers(stream: IO[str]) -> tuple:
    """The two writers of a CSV's rows on `stream`: the plain one, and the one that quotes every cell, for
    a row with a lone carriage return, which the csv module does not quote but readers take for a line
    end (it quotes a cell with a line feed)."""
    return (csv.writer(stream, lineterminator="\n"),
            csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL))


class RowFormat:
    """A department's row as the text of one row format: what RowWriter writes, and what a worker process
    makes for it to write (workers.py: the text is made where the department is scored)."""

    def __init__(self, fmt: str, leaves: list[str], names: bool = False):
        self.fmt, self.leaves, self.names = fmt, leaves, names
        self.texts = (0, 1, -2, -1) if names else (0, -2, -1)  # the text cells' places: key, name, grade, error
        if fmt == "csv":
            self.buffer = io.StringIO()
            self.csv, self.quoted = csv_writers(self.buffer)

    def header(self) -> str:
        """The CSV's header line."""
        cells = [safe_text(name) for name in columns(self.leaves, self.names)]
        return self._csv(cells, any("\r" in cell for cell in cells))

    def text(self, scored) -> str:
        """The department's row: a CSV line, a JSON Lines line, or a JSON object (without the separator)."""
        if self.fmt == "csv":
            return self._csv(*self.csv_cells(scored))
        text = json.dumps(row(scored, self.leaves, self.names or scored.name is not None), ensure_ascii=False)
        return text + "\n" if self.fmt == "jsonl" else text

    def csv_cells(self, scored) -> tuple[list, bool]:
        """The row's CSV cells, the text ones (key, name, grade, error) made safe (cells.safe_text, inline),
        and whether one holds a carriage return (only they can: scores are numbers)."""
        values = cells(scored, self.leaves, self.names)
        carriage_return = False
        for position in self.texts:
            text = values[position]
            if type(text) is str:
                if text.startswith(FORMULA_STARTS):
                    text = values[position] = "'" + text
                carriage_return = carriage_return or "\r" in text
        return values, carriage_return

    def _csv(self, cells: list, carriage_return: bool) -> str:
        (self.quoted if carriage_return else self.csv).writerow(cells)
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


class RowWriter:
    """Writes rows as CSV (an empty cell for None), JSON Lines, or one JSON object
    {"departments": [row, …], "summary": {…}}; with `names`, each row has the department's name."""

    def __init__(self, stream: IO[str], fmt: str, leaves: list[str], names: bool = False):
        self.stream, self.fmt = stream, fmt
        self.format = RowFormat(fmt, leaves, names)
        self.rows = 0
        if fmt == "csv":
            stream.write(self.format.header())
            self.csv, self.quoted = csv_writers(stream)  # a row written straight to the stream
        elif fmt == "json":
            stream.write('{"departments": [')

    def write(self, scored) -> None:
        if self.fmt != "csv":
            self.write_text(self.format.text(scored))
            return
        values, carriage_return = self.format.csv_cells(scored)
        (self.quoted if carriage_return else self.csv).writerow(values)
        self.rows += 1

    def write_text(self, text: str) -> None:
        """A row made by RowFormat.text (here, or in a worker process)."""
        self.stream.write(("\n  " if not self.rows else ",\n  ") + text if self.fmt == "json" else text)
        self.rows += 1

    def close(self, summary) -> None:
        if self.fmt == "json":
            self.stream.write("\n], \"summary\": " + json.dumps(summary.to_dict(), ensure_ascii=False) + "}\n")
