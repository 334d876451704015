"""Benchmark: scoring 100,000 departments from a CSV, end to end.

Run: python benchmarks/batch.py [--rows N]. Writes a corpus of N departments (make_corpus.py) to a
temporary folder, then times `rulecheck score framework.rules corpus.csv --output scores.csv` (read,
validate, score, write, interpreter start included) and, in process, how the time divides between
reading the CSV and validating and scoring its rows. Prints departments per second on this machine;
speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from make_corpus import write_corpus

import rulecheck
from rulecheck.batch import read_departments, score_departments

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "rules/shenzhen/framework.rules"


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    rows = args.rows

    with tempfile.TemporaryDirectory() as folder:
        corpus, scores = Path(folder) / "corpus.csv", Path(folder) / "scores.csv"
        with corpus.open("w", encoding="utf-8", newline="") as stream:
            write_corpus(stream, rows)
        print(f"corpus: {rows:,} departments, {corpus.stat().st_size / 1e6:.1f} MB")

        command = [sys.executable, "-m", "rulecheck.cli", "score", str(FRAMEWORK), str(corpus), "--output", str(scores)]
        elapsed = timed(lambda: subprocess.run(command, check=True, capture_output=True))
        with scores.open(encoding="utf-8-sig", newline="") as stream:
            written = sum(1 for _ in csv.reader(stream)) - 1
        assert written == rows, f"{written} rows written for {rows} departments"
        print(f"rulecheck score corpus.csv --output scores.csv: {elapsed:.1f} s, {rows / elapsed:,.0f} departments/s "
              "(read, validate, score, write; interpreter start included)")

        ruleset = rulecheck.load(FRAMEWORK)
        reading = timed(lambda: sum(1 for _ in read_departments(corpus, ruleset.inputs)))
        scoring = timed(lambda: sum(1 for _ in score_departments(ruleset, read_departments(corpus, ruleset.inputs))))
        print(f"in process: read the CSV {rows / reading:,.0f} departments/s; "
              f"read, validate and score {rows / scoring:,.0f} departments/s")


if __name__ == "__main__":
    main()
