"""Score a table that lives in Dask, a row per department, with the rows `rulecheck score` writes for
the same table as a CSV (install the extra: pip install 'rulecheck[dask]'; docs/scale.md).

    import dask.dataframe as dd
    from rulecheck.dask import score_dataframe
    facts = dd.read_csv("corpus-*.csv", dtype=str, keep_default_na=False)   # every column as text
    scores = score_dataframe(facts, "rules/shenzhen/framework.rules")
    scores.to_csv("scores-*.csv", index=False)

The ruleset is loaded once on the caller's side, sent with the tasks as bytes and compiled once per
worker process; `map_partitions` scores each partition with the CSV reader's own rules (frames.py), so
the rows are those of rulecheck.spark and of the CLI.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .frames import Plan, header_diagnostics, packed, plan, ruleset_of, score_frame, unpacked

if TYPE_CHECKING:
    from .api import Ruleset
    from .diagnostics import Diagnostic

__all__ = ["column_diagnostics", "score_dataframe"]


def score_dataframe(ddf: Any, rules: Ruleset | str | os.PathLike[str]) -> Any:
    """`ddf`'s departments (a dask DataFrame) scored with `rules` (a Ruleset, a rule file's path, or rule
    text), lazily: a dask DataFrame of text columns key, name (when `ddf` has a 名称/name column), each
    leaf indicator's score, total, grade and error, as rulecheck.spark.score_dataframe gives them. Read
    the facts as text (dtype=str) to keep what was written; the ids are not checked for uniqueness across
    partitions."""
    import pandas

    ruleset = ruleset_of(rules)
    scoring = plan(ddf.columns, ruleset)
    meta = pandas.DataFrame({name: pandas.Series([], dtype=object) for name in scoring.output})
    return ddf.map_partitions(_score_partition, packed(ruleset), scoring, meta=meta)


def column_diagnostics(ddf: Any, rules: Ruleset | str | os.PathLike[str]) -> list[Diagnostic]:
    """What `rulecheck score` says once about the header of such a CSV (rulecheck.spark's, for Dask)."""
    return header_diagnostics(list(ddf.columns), ruleset_of(rules))


def _score_partition(partition: Any, payload: bytes, scoring: Plan) -> Any:
    """In a worker: one partition scored with the ruleset, compiled once per process."""
    return score_frame(partition, unpacked(payload), scoring)
