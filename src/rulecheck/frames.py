"""What rulecheck.spark and rulecheck.dask share: a part of a table (a pandas DataFrame, a row per
department) scored into the rows `rulecheck score RULES corpus.csv` writes, and the ruleset shipped to
the processes that score the parts.

The rows are read by inputs/tables.read_rows (the CSV reader's own header and cell rules) and scored by
batch.score_departments, and each comes out as report/rows.cells makes it: a department that cannot be
scored keeps its row, with its key and why in `error`. Every score is text ("4.52", "1/3"), never a
double. This module needs pandas, which the spark and dask extras install; pandas is imported only when
a part is scored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .batch import leaf_names, score_departments
from .diagnostics import Diagnostic
from .i18n import _, language, speaking
from .inputs.tables import ID_NAMES, id_column, read_rows
from .report.rows import cells as row_cells
from .report.rows import columns as output_columns

if TYPE_CHECKING:
    from .api import Ruleset

ORIGIN = "dataframe"  # where a row is said to be in its diagnostics: a DataFrame has no file or line


def ruleset_of(rules: Ruleset | str | os.PathLike[str]) -> Ruleset:
    """A Ruleset as given, or loaded from a rule file's path, or from rule text (a str with a line break);
    raises RuleFileError (on the driver, before any work is sent out) if it cannot be compiled."""
    from .api import Ruleset, load, loads  # the api loads check and prove: only when a table is scored

    if isinstance(rules, Ruleset):
        return rules
    if isinstance(rules, str) and "\n" in rules:
        return loads(rules)
    return load(Path(rules))


@attrs.frozen
class Plan:
    """How the parts of one table are scored, fixed on the driver from the table's columns: the input
    columns (as text), the output's, the leaves whose scores they hold, whether there is a name column,
    and the language the reasons are written in (the driver's, whatever the workers' environment)."""
    inputs: tuple[str, ...]
    output: tuple[str, ...]
    leaves: tuple[str, ...]
    names: bool
    language: str


def plan(table_columns: Sequence[object], ruleset: Ruleset) -> Plan:
    """The plan for a table with these columns; ValueError if none of them is an id column, since a
    table without line numbers would give its departments no key."""
    names = [str(name).strip() for name in table_columns]
    if id_column(names, set(ruleset.inputs)) is None:
        raise ValueError(_("the table has no id column: rename the column that identifies the departments to "
                           "one of {names}", names=", ".join(ID_NAMES)))
    has_names = read_rows(names, (), ruleset.inputs).names
    leaves = leaf_names(ruleset)
    return Plan(tuple(names), tuple(output_columns(leaves, has_names)), tuple(leaves), has_names, language())


def header_diagnostics(table_columns: Sequence[object], ruleset: Ruleset) -> list[Diagnostic]:
    """What `rulecheck score` says once about such a CSV's header (a column that names no input, an
    input the rules read that has no column); the rows are scored the same either way."""
    return read_rows([str(name) for name in table_columns], (), ruleset.inputs, ruleset.required_inputs,
                     ORIGIN).diagnostics


def score_frame(frame: Any, ruleset: Ruleset, plan: Plan) -> Any:
    """One part of the table (a pandas DataFrame with the plan's input columns) as a pandas DataFrame of
    the plan's output columns: a row per department, every cell text or None."""
    import pandas

    frame = frame.astype(object).where(frame.notna(), None)  # NaN, None, pandas' NA and NaT: an empty cell
    cells = ([_text(cell) for cell in record] for record in frame.itertuples(index=False, name=None))
    with speaking(plan.language):
        departments = read_rows(plan.inputs, cells, ruleset.inputs, origin=ORIGIN)
        rows = [row_cells(scored, list(plan.leaves), plan.names)
                for scored in score_departments(ruleset, departments)]
    return pandas.DataFrame(rows, columns=list(plan.output), dtype=object)


def _text(cell: object) -> str | None:
    """A cell as the text a CSV would hold: a string as it is, anything else as str() writes it (read
    the table as text to keep what was written); None stays None, an empty cell."""
    return cell if cell is None or isinstance(cell, str) else str(cell)


def packed(ruleset: Ruleset) -> bytes:
    """The ruleset as bytes to send to the workers once: its checked program (imports included), which
    each worker process compiles once (unpacked)."""
    return pickle.dumps(ruleset, protocol=pickle.HIGHEST_PROTOCOL)


_unpacked: dict[str, Ruleset] = {}  # per worker process: digest of the packed bytes → the ruleset


def unpacked(payload: bytes) -> Ruleset:
    """The ruleset packed on the driver, compiled once per process and kept for every later part."""
    digest = hashlib.sha256(payload).hexdigest()
    ruleset = _unpacked.get(digest)
    if ruleset is None:
        ruleset = _unpacked[digest] = pickle.loads(payload)  # bytes packed by this library on the driver
    return ruleset

