"""rulecheck.dask gives the rows `rulecheck score RULES corpus.csv --output out.csv` writes: the sample
corpus and a file of bad rows, read by dask in several partitions and scored in worker processes,
compared byte for byte with the CLI's CSV once both are sorted. Needs the extra (pip install '.[dask]').
"""

from __future__ import annotations

import pytest
from test_spark import CORPUS, RULES, as_csv, bad_rows_csv, cli_csv, sorted_lines

dd = pytest.importorskip("dask.dataframe")


def dask_rows(facts, partitions: int = 3):
    from rulecheck.dask import score_dataframe

    # as text, and no "NA" or "null" read as a missing value: the cells as the CLI reads them
    table = dd.read_csv(str(facts), dtype=str, keep_default_na=False, encoding="utf-8").repartition(
        npartitions=partitions)
    scores = score_dataframe(table, RULES)
    frame = scores.compute(scheduler="processes", num_workers=2)
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return list(frame.columns), rows


def test_dask_scores_the_corpus_as_the_cli(tmp_path):
    columns, rows = dask_rows(CORPUS)
    assert len(rows) == 80
    assert sorted_lines(as_csv(columns, rows)) == sorted_lines(cli_csv(CORPUS, tmp_path / "cli.csv"))


def test_dask_keeps_every_bad_row_with_its_reason(tmp_path):
    facts = bad_rows_csv(tmp_path / "bad.csv")
    columns, rows = dask_rows(facts, partitions=2)
    assert len(rows) == 7 and sum(values["error"] is not None for values in rows) == 5
    assert sorted_lines(as_csv(columns, rows)) == sorted_lines(cli_csv(facts, tmp_path / "cli.csv"))
