"""`rulecheck score RULES BATCH --jobs N`: a batch scored in worker processes gives the report of
`--jobs 1` byte for byte (a workbook: every part of it but the time it was written), every department
in one out, in input order, with the same exit code and messages, in the language of the command.

The pool only takes batches of at least workers.POOL_CHUNKS chunks: the tests make chunks of a few
departments (workers.CHUNK_ROWS) and let two of them take one (workers.POOL_CHUNKS), so that the 80
departments of the sample corpus go through several workers."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck import workers
from rulecheck.batch import Batch, Department, read_departments, score_departments
from rulecheck.cli import main
from rulecheck.inputs import records
from rulecheck.inputs.tables import csv_encoding
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


# ---- a CSV read by the workers: its lines cut into chunks here, its records read there -------------

def tricky_csv(tmp_path: Path, encoding: str = "utf-8", bom: bool = True, newline: str = "\n",
               missing: bool = False) -> Path:
    """The sample corpus with a name column and a note column (not an input: its cells may hold line
    breaks), and rows that a chunk boundary may cut in every way: notes over several lines, blank lines
    and rows, repeated ids (twice the same one), a cell too many (once in a row over three lines), a
    stray quote, a note whose quote is never closed within 20 lines, a line that is not text in the
    file's encoding, a lone carriage return as a line end, and a quote the end of the file leaves open.
    With `missing`, the CSV has no column for one of the inputs (said once, not once a row)."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0] + ",名称,备注", [f"{row},部门{number},备注{number}" for number, row in enumerate(lines[1:])]
    if missing:
        header = ",".join(header.split(",")[:5] + header.split(",")[6:])
        rows = [",".join(row.split(",")[:5] + row.split(",")[6:]) for row in rows]

    def noted(row: str, note: str) -> str:
        return row.rsplit(",", 1)[0] + "," + note
    rows[2] = noted(rows[2], '"第一行\n第二行\n第三行"')
    rows[4] = noted(rows[4], '"两行\n"')
    rows[6] = ""
    rows[7] = "," * header.count(",")
    rows[11] = rows[12] = rows[1]
    rows[14] += ",多余"
    rows[17] = '"' + rows[17]
    rows[25] = noted(rows[25], '"不闭合的备注')
    rows[50] = noted(rows[50], '"跨行\n且\n多一格",多余')
    rows[-1] = noted(rows[-1], '"文件结束前未闭合')
    encoded = [row.encode(encoding) for row in [header, *rows]]
    encoded[61] = rows[60].encode("gbk") if encoding == "utf-8" else b"\xff" + rows[60].encode(encoding)
    end = newline.encode()
    data = end.join(encoded[:41]) + b"\r" + end.join(encoded[41:]) + end
    path = tmp_path / f"tricky-{encoding}{'-crlf' if newline != chr(10) else ''}{'-missing' if missing else ''}.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


TRICKY = {"utf-8-bom": {}, "gbk-crlf": {"encoding": "gbk", "bom": False, "newline": "\r\n"},
          "missing-column": {"missing": True}}


def in_this_process(monkeypatch) -> list[int]:
    """The workers' work done in this process, chunk after chunk, as a worker does it (pickled results
    too): so that every chunk size can be tried quickly. Gives the chunks read again here (their first
    lines), when a record of the chunk before took their first lines or one of their ids was seen before."""
    again: list[int] = []

    def done(self, chunks):
        monkeypatch.setattr(workers, "_ruleset", self.ruleset)
        monkeypatch.setattr(workers, "_form", RowFormat(*self.form))
        if self.layout is not None:
            monkeypatch.setattr(workers, "_layout", self.layout.named_by(self.ruleset.inputs,
                                                                         self.ruleset.required_inputs))
        for chunk in chunks:
            yield chunk, workers._unpacked(self.work(chunk))
    here = workers._CsvRows._here

    def counted(self, chunk, start, first_line):
        again.append(chunk.first)
        return here(self, chunk, start, first_line)
    monkeypatch.setattr(workers._Pool, "done", done)
    monkeypatch.setattr(workers._CsvRows, "_here", counted)
    return again


def batch_run(ruleset, path: Path, fmt: str, output: Path, jobs: int) -> tuple[bytes, dict, list, list]:
    """A batch run's report and what it came to: the summary, the input's diagnostics, the failures."""
    outcome = Batch(ruleset, path, fmt, output, jobs=jobs).run()
    failures = [(item.key, item.where, item.name, item.diagnostics) for item in outcome.failures]
    return output.read_bytes(), outcome.summary.to_dict(), list(outcome.diagnostics), failures


@pytest.mark.parametrize("variant", TRICKY)
@pytest.mark.parametrize("fmt", ("csv", "json", "jsonl"))
def test_every_chunk_size_gives_the_report_of_one_job(variant, fmt, tmp_path, monkeypatch):
    ruleset = rulecheck.load(FRAMEWORK)
    path = tricky_csv(tmp_path, **TRICKY[variant])
    expected = batch_run(ruleset, path, fmt, tmp_path / f"one.{fmt}", 1)
    assert "F509" in str(expected[3]) and "F521" in str(expected[3]) and "F508" in str(expected[3])
    again = in_this_process(monkeypatch)
    for size in (1, 2, 3, 4, 5, 7, 20, 21):
        monkeypatch.setattr(workers, "CHUNK_ROWS", size)
        again.clear()
        assert batch_run(ruleset, path, fmt, tmp_path / f"chunks-{size}.{fmt}", 2) == expected, size
        if size == 1:  # a note over lines, and a repeated id, in the chunks after: read again here
            assert len(again) >= 4


def test_a_chunk_whose_worker_stopped_twice_fails_alone(tmp_path, monkeypatch):
    """Its departments (read here, from the line its records start at) come out as E040, the others as
    with one job."""
    ruleset = rulecheck.load(FRAMEWORK)
    path = tricky_csv(tmp_path)
    expected = list(csv.reader(io.StringIO(batch_run(ruleset, path, "csv", tmp_path / "one.csv", 1)[0].decode())))
    lines = [int(department.where.rsplit(":", 1)[1]) for department in read_departments(path, ruleset.inputs)]
    in_this_process(monkeypatch)
    done = workers._Pool.done

    def losing(self, chunks):
        for chunk, result in done(self, chunks):
            yield chunk, None if chunk.first == 5 else result
    monkeypatch.setattr(workers._Pool, "done", losing)
    monkeypatch.setattr(workers, "CHUNK_ROWS", 3)  # lines 2–4, 5–7, 8–10…: a note takes lines 4–6
    rows = list(csv.reader(io.StringIO(batch_run(ruleset, path, "csv", tmp_path / "lost.csv", 2)[0].decode())))
    assert [row[0] for row in rows] == [row[0] for row in expected]
    lost = [index for index, (row, want) in enumerate(zip(rows, expected)) if row != want]
    assert [lines[index - 1] for index in lost] == [7]  # the one record that starts in lines 5–7
    assert all(rows[index][-1].startswith(f"{workers.WORKER_STOPPED}: ") for index in lost)


@pytest.mark.parametrize("variant", TRICKY)
def test_a_csv_read_by_the_workers_gives_the_report_of_one_job(variant, tmp_path, pools, monkeypatch):
    monkeypatch.setattr(workers, "CHUNK_ROWS", 3)
    done = runs(FRAMEWORK, tricky_csv(tmp_path, **TRICKY[variant]), "csv", tmp_path)
    assert pools == [2, 3]
    assert done[1][0] == 1 and "F509" in done[1][1]
    assert done[2] == done[1] and done[3] == done[1]


@pytest.mark.parametrize("fmt", ("json", "jsonl"))
def test_json_rows_of_a_csv_read_by_the_workers(fmt, tmp_path, pools, monkeypatch):
    monkeypatch.setattr(workers, "CHUNK_ROWS", 2)
    done = runs(FRAMEWORK, tricky_csv(tmp_path), fmt, tmp_path)
    assert pools == [2, 3]
    assert done[2] == done[1] and done[3] == done[1]


def test_an_ascii_start_then_gb18030_rows_read_by_the_workers(tmp_path, pools):
    """The encoding is decided by the first line that is not ASCII, past the first 64 KiB, in a later chunk."""
    rules = tmp_path / "t.rules"
    rules.write_text('framework "t"\ntotal 10\ninputs:\n    x: grade(是, 否)\n'
                     'indicator 是否 (10):\n    bands x:\n        = 是 → 10\n        = 否 → 5\n', encoding="utf-8")
    path = tmp_path / "a.csv"
    rows = [f"D{number:05d},x{number}".encode() for number in range(12_000)]
    rows += ["E1,是,甲".encode("gbk"), *(f"F{number},x".encode() for number in range(8)),  # then chunks after it:
             "E2,否,".encode(), "E3,否,乙".encode("gbk"), b"E4,\xff"]  # read in its encoding
    path.write_bytes(b"id,x,name\n" + b"\n".join(rows) + b"\n")
    done = runs(rules, path, "csv", tmp_path)
    assert pools == [2, 3]
    assert "甲,10" in done[1][2].decode("utf-8-sig")
    assert done[2] == done[1] and done[3] == done[1]


class KilledChunk(records.RawChunk):
    """A chunk of lines whose unpickling ends the worker process that receives it."""

    def __reduce__(self):
        return (os._exit, (3,))


def test_a_worker_that_dies_on_a_chunk_of_lines_costs_only_its_departments(tmp_path, monkeypatch):
    ruleset = rulecheck.load(FRAMEWORK)
    monkeypatch.setattr(workers, "CHUNK_ROWS", 5)
    cut = workers.csv_chunks

    def poisoned(layout, rows):
        for chunk in cut(layout, rows):
            yield KilledChunk(*attrs.astuple(chunk, recurse=False)) if chunk.first == 17 else chunk
    monkeypatch.setattr(workers, "csv_chunks", poisoned)
    rows = list(csv.reader(io.StringIO(batch_run(ruleset, CORPUS, "csv", tmp_path / "two.csv", 2)[0].decode())))
    expected = list(csv.reader(io.StringIO(batch_run(ruleset, CORPUS, "csv", tmp_path / "one.csv", 1)[0].decode())))
    lost = [index for index, (row, want) in enumerate(zip(rows, expected)) if row != want]
    assert len(rows) == len(expected) and lost == [16, 17, 18, 19, 20]  # lines 17–21, the departments 16–20
    assert all(rows[index][-1].startswith(f"{workers.WORKER_STOPPED}: ") for index in lost)


def test_chunks_of_lines_hold_every_line_after_the_header_once(tmp_path):
    path = tricky_csv(tmp_path, newline="\r\n")
    data = path.read_bytes()
    ruleset = rulecheck.load(FRAMEWORK)
    layout = read_departments(path, ruleset.inputs).layout
    chunks = list(workers.csv_chunks(layout, 4))
    rest = data[data.index(b"\n") + 1:]  # after the header
    assert b"".join(chunk.data for chunk in chunks) == rest
    assert [chunk.first for chunk in chunks] == [2, *(chunk.last + 1 for chunk in chunks[:-1])]
    assert chunks[-1].last == len(records.decoded_block(data, 0, "utf-8")[0])
    offset = 0
    for chunk in chunks:  # each with the 19 lines after it, or those the file has left
        offset += len(chunk.data)
        assert rest[offset:].startswith(chunk.ahead)
        assert chunk.ahead.count(b"\n") == min(records.MAX_RECORD_LINES - 1, rest[offset:].count(b"\n"))
    assert chunks[-1].ahead == b""


@pytest.mark.parametrize("block", [b"", b"a\n", b"a", b"a\r\nb\r\n", b"a\rb\n\nc", b"a\r\rb\r", b"\r\n\r\n\n",
                                   "是\r否\n".encode("gbk"), b"a\n\xff\nb\r\n"])
def test_a_chunk_s_lines_are_counted_as_they_are_decoded(block):
    for encoding in ("utf-8", "gb18030", None):
        assert records.line_count(block) == len(records.decoded_block(block, 1, encoding)[0])


def test_a_csv_whose_reading_has_begun_goes_on_from_where_it_is(tmp_path, monkeypatch):
    """Its departments still to read are the workers', not the file's lines from the start."""
    ruleset = rulecheck.load(FRAMEWORK)
    again = in_this_process(monkeypatch)
    departments = read_departments(CORPUS, ruleset.inputs, ruleset.required_inputs)
    assert departments.unread_layout is not None
    first = next(departments)
    assert departments.unread_layout is None
    chunks = list(workers.rows_in_workers(ruleset, departments, 2, "jsonl", ["x"], chunk_rows=3))
    keys = [json.loads(text)["key"] for chunk in chunks for text in chunk.texts]
    expected = [department.key for department in read_departments(CORPUS, ruleset.inputs)]
    assert [first.key, *keys] == expected and again == []


def test_a_csv_in_the_encoding_given_is_read_so_by_the_workers(tmp_path, monkeypatch):
    """--encoding gbk: every chunk is read in GBK (the line that is not GBK text fails alone)."""
    ruleset = rulecheck.load(FRAMEWORK)
    path = tricky_csv(tmp_path, encoding="gbk", bom=False)
    with csv_encoding("gbk"):
        expected = batch_run(ruleset, path, "csv", tmp_path / "one.csv", 1)
        in_this_process(monkeypatch)
        monkeypatch.setattr(workers, "CHUNK_ROWS", 2)
        assert batch_run(ruleset, path, "csv", tmp_path / "two.csv", 2) == expected
    assert "GBK" in str(expected[3])
