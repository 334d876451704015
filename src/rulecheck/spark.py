"""Score a table that lives in Spark, a row per department, with the rows `rulecheck score` writes for
the same table as a CSV (install the extra: pip install 'rulecheck[spark]'; docs/scale.md).

    from rulecheck.spark import score_dataframe
    facts = spark.read.csv("corpus.csv", header=True)          # every column as text
    scores = score_dataframe(facts, "rules/shenzhen/framework.rules")
    scores.write.csv("scores", header=True)

The ruleset is loaded on the driver (a rule file that cannot be compiled raises there, before any task
runs), broadcast once, and compiled once per executor process; `mapInPandas` scores each Arrow batch
with the CSV reader's own rules (frames.py). Every row comes out, a department that cannot be scored
with its reason in `error`; every score is a string holding the exact value, never a double.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pyspark.sql import DataFrame, functions
from pyspark.sql.types import StringType, StructField, StructType

from .frames import Plan, header_diagnostics, packed, plan, ruleset_of, score_frame, unpacked

if TYPE_CHECKING:
    from .api import Ruleset
    from .diagnostics import Diagnostic

__all__ = ["column_diagnostics", "output_schema", "score_dataframe"]


def score_dataframe(df: DataFrame, rules: Ruleset | str | os.PathLike[str]) -> DataFrame:
    """`df`'s departments scored with `rules` (a Ruleset, a rule file's path, or rule text), lazily: a
    DataFrame of string columns key, name (when `df` has a 名称/name column), each leaf indicator's
    score, total, grade and error, a row for each row of `df` with any cell filled in, as
    `rulecheck score RULES corpus.csv` writes them. The id column is found as the CLI finds it (id,
    编号, 部门编号, …; ValueError if there is none); every column is cast to string first, so read the
    facts as text (spark.read.csv without inferSchema) to keep what was written. The ids are not checked
    for uniqueness across the table (docs/scale.md says how)."""
    ruleset = ruleset_of(rules)
    scoring = plan(df.columns, ruleset)
    shipped = df.sparkSession.sparkContext.broadcast(packed(ruleset))
    as_text = df.select(*[functions.col(_quoted(name)).cast("string") for name in df.columns])
    return as_text.mapInPandas(functools.partial(_score_batches, shipped, scoring), output_schema(scoring))


def column_diagnostics(df: DataFrame, rules: Ruleset | str | os.PathLike[str]) -> list[Diagnostic]:
    """What `rulecheck score` says once about the header of such a CSV: a column that names no input,
    an input the rules read that has no column (whose rows then fail with F501)."""
    return header_diagnostics(df.columns, ruleset_of(rules))


def output_schema(scoring: Plan) -> StructType:
    """Every output column a nullable string: scores keep their exact digits (4.52, 1/3)."""
    return StructType([StructField(name, StringType(), True) for name in scoring.output])


def _quoted(name: str) -> str:
    """A column name as Spark reads it literally (a dot or a backtick in it is no path)."""
    return "`" + name.replace("`", "``") + "`"


def _score_batches(shipped: Any, scoring: Plan, batches: Iterator[Any]) -> Iterator[Any]:
    """In an executor: each pandas batch scored with the broadcast ruleset, compiled once per process."""
    ruleset = unpacked(shipped.value)
    for batch in batches:
        yield score_frame(batch, ruleset, scoring)
