"""rulecheck.spark gives the rows `rulecheck score RULES corpus.csv --output out.csv` writes: the sample
corpus and a file of bad rows scored by PySpark in local mode (local[2], small Arrow batches so that each
executor process scores several with its one compiled ruleset), compared byte for byte with the CLI's CSV
once both are sorted. The Spark tests need the extra (pip install '.[test,spark]') and Java 17; the tests
of the shared row reading (frames.py, tables.read_rows) run without them.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rulecheck import frames, load
from rulecheck.batch import leaf_names, score_departments
from rulecheck.i18n import speaking
from rulecheck.inputs.tables import read_rows
from rulecheck.report.cells import safe_cell, safe_text
from rulecheck.report.rows import TEXT_COLUMNS, row

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules/shenzhen/framework.rules"
CORPUS = ROOT / "rules/shenzhen/cases/corpus-2024.csv"


# ---- the CLI's CSV, and the same table as rows --------------------------------------------------

def cli_csv(facts: Path, out: Path, *lang: str) -> str:
    """What `rulecheck [--lang zh] score RULES facts --output out` writes (exit 1 when rows fail)."""
    command = [sys.executable, "-m", "rulecheck", *lang, "score", str(RULES), str(facts), "--output", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "RULECHECK_LANG": "en"})
    assert done.returncode in (0, 1), done.stderr
    return out.read_text(encoding="utf-8-sig")


def as_csv(columns: list[str], rows: list[dict]) -> str:
    """Rows written as the CLI writes its CSV (report/rows.RowWriter): spreadsheet-safe text cells,
    None as an empty cell, a line feed after each row."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([safe_text(name) for name in columns])
    for values in rows:
        writer.writerow([safe_cell(values[name]) if name in TEXT_COLUMNS else values[name] for name in columns])
    return stream.getvalue()


def sorted_lines(text: str) -> list[str]:
    """The header, then the rows sorted: Spark keeps no order across partitions."""
    header, *rows = text.splitlines()
    return [header, *sorted(rows)]


def bad_rows_csv(path: Path) -> Path:
    """The corpus's header plus a column no input has (备注), its first rows broken in each way a row
    can fail validation, a blank row between them, and good rows after: every one must come out."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:8]]
    column = header.index
    rows[0][column("满意度")] = "很好"  # not a percentage
    rows[1][column("满意度")] = ""  # a missing fact
    rows[2][column("在编人数")] = "-5"  # outside its range
    rows[3][column("部门预算公开情况")] = "部分公开"  # not one of its values
    rows[4][column("一季度支出进度")] = "7.73"  # a percentage without its %
    body = [",".join(cells + [f"备注{number}"]) for number, cells in enumerate(rows)]
    text = "\n".join([",".join(header + ["备注"]), *body[:3], "," * len(header), *body[3:]]) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_rows_gives_the_cli_rows(tmp_path):
    """The shared reading (tables.read_rows, as frames.score_frame feeds it) on the CSV's rows as a
    DataFrame would give them (None for an empty cell) scores them as the CLI does: no Spark needed."""
    facts = bad_rows_csv(tmp_path / "bad.csv")
    ruleset = load(RULES)
    with facts.open(encoding="utf-8", newline="") as stream:
        header, *records = csv.reader(stream)
    cells = [[cell or None for cell in record] for record in records]
    departments = read_rows(header, cells, ruleset.inputs)
    leaves = leaf_names(ruleset)
    rows = [row(scored, leaves, departments.names) for scored in score_departments(ruleset, departments)]
    assert len(rows) == 7  # the blank row is no department, as in the CLI
    expected = cli_csv(facts, tmp_path / "cli.csv")
    assert as_csv(list(rows[0]), rows) == expected
    assert sum(values["error"] is not None for values in rows) == 5


def test_a_table_without_an_id_column_is_refused():
    ruleset = load(RULES)
    with pytest.raises(ValueError, match="no id column"):
        frames.plan(["满意度", "在编人数"], ruleset)


def test_the_ruleset_is_compiled_once_per_process():
    """Each batch a worker scores unpacks the same bytes: the second time it is the kept ruleset."""
    payload = frames.packed(load(RULES))
    first = frames.unpacked(payload)
    assert frames.unpacked(payload) is first
    assert first.compiled.total == load(RULES).compiled.total


def test_rule_text_is_loaded_as_text():
    text = RULES.read_text(encoding="utf-8")
    assert frames.ruleset_of(text).compiled.total == load(RULES).compiled.total


# ---- in Spark -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    pytest.importorskip("pyarrow")
    pytest.importorskip("pandas")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("PySpark is installed but Java is not: install Java 17 (apt-get install openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    before = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors run this interpreter, with rulecheck in it
    session = (SparkSession.builder.master("local[2]").appName("rulecheck-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    if before is None:
        del os.environ["PYSPARK_PYTHON"]
    else:
        os.environ["PYSPARK_PYTHON"] = before


def spark_rows(spark, facts: Path, partitions: int = 3):
    from rulecheck.spark import score_dataframe

    table = spark.read.csv(str(facts), header=True, encoding="utf-8").repartition(partitions)
    scores = score_dataframe(table, RULES)
    return scores, [item.asDict() for item in scores.collect()]


def test_spark_scores_the_corpus_as_the_cli(spark, tmp_path):
    """Every department in, one row out, the CLI's; every column a string: a score is its exact digits,
    never a double."""
    from pyspark.sql.types import StringType

    scores, rows = spark_rows(spark, CORPUS)
    expected = cli_csv(CORPUS, tmp_path / "cli.csv")
    assert len(rows) == len(expected.splitlines()) - 1 == 80
    assert sorted_lines(as_csv(scores.columns, rows)) == sorted_lines(expected)
    assert all(isinstance(field.dataType, StringType) for field in scores.schema.fields)
    assert {values["key"]: values["total"] for values in rows}["edu-info-center-2024"] == "97.83"


def test_spark_keeps_every_bad_row_with_its_reason(spark, tmp_path):
    facts = bad_rows_csv(tmp_path / "bad.csv")
    scores, rows = spark_rows(spark, facts, partitions=2)
    assert sorted_lines(as_csv(scores.columns, rows)) == sorted_lines(cli_csv(facts, tmp_path / "cli.csv"))
    reasons = {values["key"]: values["error"] for values in rows if values["error"]}
    assert len(rows) == 7 and len(reasons) == 5
    assert all(values["total"] is None for values in rows if values["error"])


def test_spark_writes_reasons_in_the_drivers_language(spark, tmp_path):
    facts = bad_rows_csv(tmp_path / "bad.csv")
    with speaking("zh"):
        scores, rows = spark_rows(spark, facts, partitions=2)
    expected = cli_csv(facts, tmp_path / "cli.csv", "--lang", "zh")
    assert sorted_lines(as_csv(scores.columns, rows)) == sorted_lines(expected)
    assert any("满意度" in values["error"] for values in rows if values["error"])
