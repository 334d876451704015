"""`rulecheck score RULES BATCH --jobs N`: a batch scored in worker processes gives the report of
`--jobs 1` byte for byte (a workbook: every part of it but the time it was written), every department
in one out, in input order, with the same exit code and messages, in the language of the command.

The pool only takes batches of at least workers.POOL_CHUNKS chunks: the tests make chunks of a few
departments (workers.CHUNK_ROWS) and let two of them take one (workers.POOL_CHUNKS), so that the 80
departments of the sample corpus go through several workers."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck import workers
from rulecheck.batch import Batch, Department, read_departments, score_departments
from rulecheck.cli import main
from rulecheck.report.rows import RowFormat

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "rules/shenzhen/framework.rules"
CORPUS = ROOT / "rules/shenzhen/cases/corpus-2024.csv"
DEPARTMENT_RULES = ROOT / "rules/shenzhen/departments/edu-info-center.rules"
DEPARTMENT_FACTS = ROOT / "rules/shenzhen/departments/cases/edu-info-center-2024.yaml"
FORMATS = ("csv", "json", "jsonl", "html", "xlsx")
CHUNK = 7  # departments per chunk in these tests: 80 departments are 12 chunks


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(workers, "CHUNK_ROWS", CHUNK)
    monkeypatch.setattr(workers, "POOL_CHUNKS", 2)


@pytest.fixture
def pools(monkeypatch) -> list[int]:
    """How many times a pool of workers scored a batch (the test's batch did go through workers)."""
    started: list[int] = []
    done = workers._Pool.done

    def counting(self, chunks):
        started.append(self.jobs)
        return done(self, chunks)
    monkeypatch.setattr(workers._Pool, "done", counting)
    return started


def score(*args, env: dict[str, str | None] | None = None):
    return CliRunner().invoke(main, ["score", *map(str, args)], env=env)


def report(path: Path, fmt: str) -> bytes:
    """The report's bytes; a workbook's parts, each as it is, but for the time it was written (which
    docProps/core.xml and every part's zip entry record, and which differs between any two runs)."""
    data = path.read_bytes()
    if fmt != "xlsx":
        return data
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for info in book.infolist():
            content = book.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*<", b"<", content)
            parts.append(info.filename.encode() + b"\0" + content)
    return b"\n".join(parts)


def runs(rules: Path, batch: Path, fmt: str, tmp_path: Path, *options: str,
         env: dict[str, str | None] | None = None) -> dict[int, tuple[int, str, bytes]]:
    """For --jobs 1, 2 and 3: the exit code, what went to standard error, and the report."""
    done = {}
    for jobs in (1, 2, 3):
        output = tmp_path / f"jobs-{jobs}.{fmt}"
        result = score(rules, batch, "--format", fmt, "-o", output, "--jobs", jobs, *options, env=env)
        assert result.exit_code in (0, 1), result.output
        done[jobs] = (result.exit_code, result.stderr, report(output, fmt))
    return done


def bad_corpus(tmp_path: Path) -> Path:
    """The sample corpus with rows that cannot be read (a stray quote, a cell too many, an empty id)
    and rows that cannot be scored (a percentage that is not one, a duplicate id), among good ones."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    rows[3] = rows[3].rsplit(",", 1)[0] + ",很高"  # 满意度 not a percentage: F5xx, made in a worker
    rows[9] = rows[9] + ",extra"
    rows[15] = '"' + rows[15]
    rows[22] = "," + rows[22].split(",", 1)[1]
    rows[30] = rows[29]  # the same id again
    rows[41] = rows[41].rsplit(",", 1)[0] + ",120%"  # above 100%
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_corpus_gives_the_same_report_whatever_the_jobs(fmt, tmp_path, pools):
    done = runs(FRAMEWORK, CORPUS, fmt, tmp_path)
    assert pools == [2, 3]
    assert done[1][0] == 0
    assert done[2] == done[1] and done[3] == done[1]


@pytest.mark.parametrize("fmt", ("csv", "json", "jsonl"))
def test_a_report_of_rows_is_made_by_the_workers(fmt, tmp_path, pools, monkeypatch):
    """This process writes the rows the workers made (and adds up their chunks' counts): were it to make
    a row itself, this RowFormat.text would fail the run."""
    expected = runs(FRAMEWORK, bad_corpus(tmp_path), fmt, tmp_path)[1]

    def refused(self, scored):
        raise AssertionError("a row made by the parent process")
    monkeypatch.setattr(RowFormat, "text", refused)
    output = tmp_path / f"parent.{fmt}"
    result = score(FRAMEWORK, bad_corpus(tmp_path), "--format", fmt, "-o", output, "--jobs", 2)
    assert (result.exit_code, result.stderr, output.read_bytes()) == expected and pools[-1] == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_rows_give_the_same_report_whatever_the_jobs(fmt, tmp_path, pools):
    done = runs(FRAMEWORK, bad_corpus(tmp_path), fmt, tmp_path)
    assert pools == [2, 3]
    code, errors, _report = done[1]
    assert code == 1 and "F5" in errors and "80 departments: 75 scored, 5 failed" in errors
    assert done[2] == done[1] and done[3] == done[1]


def test_every_row_comes_out_in_input_order(tmp_path, pools):
    bad = bad_corpus(tmp_path)
    done = runs(FRAMEWORK, bad, "csv", tmp_path)
    rows = list(csv.DictReader(io.StringIO(done[3][2].decode("utf-8-sig"))))
    assert len(rows) == 80
    assert [row["key"] for row in rows] == [department.key for department in read_departments(bad)]
    assert [bool(row["error"]) for row in rows].count(True) == 5


def test_messages_made_in_workers_are_in_the_language_asked_for(tmp_path, pools):
    bad = bad_corpus(tmp_path)
    for env, options in (({}, ("--lang", "zh")),
                         ({"RULECHECK_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "zh_CN.UTF-8"}, ())):
        done = runs(FRAMEWORK, bad, "csv", tmp_path, *options, env=env)
        assert done[2] == done[1] and done[3] == done[1]
        rows = list(csv.DictReader(io.StringIO(done[3][2].decode("utf-8-sig"))))
        assert rows[3]["error"].startswith("F502: ") and "百分比" in rows[3]["error"]  # made in a worker
        assert "80 个部门" in done[3][1]


def test_a_ruleset_with_imports(tmp_path, pools):
    folder = tmp_path / "facts"
    folder.mkdir()
    for number in range(20):
        shutil.copy(DEPARTMENT_FACTS, folder / f"d{number:02d}.yaml")
    text = DEPARTMENT_FACTS.read_text(encoding="utf-8")
    (folder / "d05.yaml").write_text(text.replace("运营数据量: ", "运营数据量: 很多 #", 1), encoding="utf-8")
    (folder / "d11.yaml").write_text("[not, a, mapping]\n", encoding="utf-8")
    done = runs(DEPARTMENT_RULES, folder, "csv", tmp_path)
    assert pools == [2, 3]
    assert done[1][0] == 1 and "20 departments: 18 scored, 2 failed" in done[1][1]
    assert "d05.yaml:" in done[1][1]  # a facts file's problem at its line
    assert done[2] == done[1] and done[3] == done[1]


def test_a_small_batch_is_scored_without_a_pool(tmp_path, pools, monkeypatch):
    monkeypatch.setattr(workers, "CHUNK_ROWS", 512)
    done = runs(FRAMEWORK, CORPUS, "csv", tmp_path)
    assert pools == []
    assert done[2] == done[1]


class Kills:
    """A fact whose unpickling ends the worker process that receives it (as the kernel's OOM killer would)."""

    def __reduce__(self):
        return (os._exit, (3,))


def test_a_worker_that_dies_costs_only_its_chunk(tmp_path):
    ruleset = rulecheck.load(FRAMEWORK)
    departments = list(read_departments(CORPUS, ruleset.inputs, ruleset.required_inputs))[:40]
    poisoned = list(departments)
    killer = departments[17]
    poisoned[17] = Department(killer.key, killer.where, {**killer.facts, "x": Kills()}, name=killer.name)
    scored = list(workers.score_in_workers(ruleset, poisoned, jobs=2, chunk_rows=5))
    expected = list(score_departments(ruleset, departments))
    assert [item.key for item in scored] == [item.key for item in expected]
    stopped = [index for index, item in enumerate(scored) if not item.ok]
    assert stopped == list(range(15, 20))  # the chunk that held the department, and no other
    assert {d.code for index in stopped for d in scored[index].diagnostics} == {workers.WORKER_STOPPED}
    assert scored[:15] == expected[:15] and scored[20:] == expected[20:]


def test_ctrl_c_leaves_no_report(tmp_path):
    ruleset = rulecheck.load(FRAMEWORK)
    output = tmp_path / "scores.csv"
    count = 0

    def interrupt(steps):  # (a chunk at a time, as the workers' rows come back)
        nonlocal count
        count += steps
        if count >= 30:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        Batch(ruleset, CORPUS, "csv", output, jobs=2).run(interrupt)
    assert list(tmp_path.iterdir()) == []  # neither the report nor its temporary file


def test_a_batch_is_scored_on_every_core_by_default(tmp_path, pools):
    output = tmp_path / "s.csv"
    assert score(FRAMEWORK, CORPUS, "-o", output, "-q").exit_code == 0
    cores = workers.default_jobs()
    assert pools == ([cores] if cores > 1 else [])
    assert output.read_bytes() == runs(FRAMEWORK, CORPUS, "csv", tmp_path)[1][2]


def test_jobs_must_be_a_positive_number(tmp_path):
    result = score(FRAMEWORK, CORPUS, "-o", tmp_path / "s.csv", "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.stderr
    assert not (tmp_path / "s.csv").exists()


def test_the_default_is_the_cores_this_process_may_use():
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if hasattr(os, "process_cpu_count"):
        expected = os.process_cpu_count()
    assert workers.default_jobs() == expected
