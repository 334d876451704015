"""Outputs that are safe to trust: a report is written whole or not at all (a temporary file renamed
into place), never over a file the command reads, a failed write is a message and exit code 2, and no
text cell of a CSV or workbook can be taken for a formula. The batch writers do not hold the
departments: memory does not grow with the batch."""

from __future__ import annotations

import csv
import errno
import gc
import io
import json
import os
import weakref
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck import atomic
from rulecheck.atomic import TEMPORARY_SUFFIX
from rulecheck.batch import Scored, Tally, score_departments, summarize
from rulecheck.cli import main
from rulecheck.report import batch_writer, html_batch, render_batch
from rulecheck.report.rows import RowWriter

RULES = """\
framework "比率"
total 10
rounding 2 decimals
grades:
    ≥ 5 → 合格
    < 5 → 不合格
inputs:
    满意度: percent from 0% to 100%
indicator "=SUM(A1)" (10):
    formula: 满意度 × 10
"""


def score(*args):
    return CliRunner().invoke(main, ["score", *map(str, args)])


@pytest.fixture
def rules(tmp_path) -> Path:
    path = tmp_path / "r.rules"
    path.write_text(RULES, encoding="utf-8")
    return path


@pytest.fixture
def batch(tmp_path) -> Path:
    path = tmp_path / "d.csv"
    path.write_text("id,满意度\nA,96%\nB,40%\nC,很高\n", encoding="utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMPORARY_SUFFIX))


# ---- never over a file that is read -----------------------------------------------------------------

def test_the_input_as_output_is_refused_before_anything_is_written(rules, batch, tmp_path):
    before = batch.read_bytes()
    result = score(rules, batch, "--output", batch)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{batch}: error[E011]: --output {batch} is the input ({batch}), which this "
                                    "command reads: the report would overwrite it")
    assert "hint: write the report to another file" in result.stderr and "Traceback" not in result.output
    assert batch.read_bytes() == before and leftovers(tmp_path) == []


def test_the_input_under_another_name_is_refused(rules, batch, tmp_path):
    (tmp_path / "link.csv").symlink_to(batch)
    os.link(batch, tmp_path / "hard.csv")
    for name in ("link.csv", "hard.csv", f"../{tmp_path.name}/d.csv"):
        result = score(rules, batch, "--output", tmp_path / name)
        assert result.exit_code == 2 and "error[E011]" in result.stderr, name
    assert batch.read_text(encoding="utf-8").startswith("id,满意度")


def test_the_rule_file_or_a_facts_file_of_the_folder_is_refused(rules, tmp_path):
    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / "a.yaml").write_text('满意度: "96%"\n', encoding="utf-8")
    result = score(rules, folder, "--format", "json", "--output", folder / "a.yaml")
    assert result.exit_code == 2 and "is a facts file of the input folder" in result.stderr
    assert (folder / "a.yaml").read_text(encoding="utf-8") == '满意度: "96%"\n'
    result = score(rules, folder, "--output", rules)
    assert result.exit_code == 2 and f"is the rule file ({rules})" in result.stderr
    assert rules.read_text(encoding="utf-8") == RULES


def test_one_department_over_its_facts_or_rules_is_refused(rules, tmp_path):
    facts = tmp_path / "a.yaml"
    facts.write_text('满意度: "96%"\n', encoding="utf-8")
    for target in (facts, rules):
        result = score(rules, facts, "--format", "json", "--output", target)
        assert result.exit_code == 2 and "error[E011]" in result.stderr
    assert facts.read_text(encoding="utf-8") == '满意度: "96%"\n' and rules.read_text(encoding="utf-8") == RULES


# ---- whole or not at all ----------------------------------------------------------------------------

class FullDisk(io.RawIOBase):
    """A file that takes `room` bytes, then fails as a full disk does."""

    def __init__(self, real, room: int):
        self.real, self.room = real, room

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.real.write(data)

    def fileno(self) -> int:
        return self.real.fileno()

    def close(self) -> None:
        self.real.close()
        super().close()


@pytest.fixture
def full_disk(monkeypatch):
    """open() of a report's temporary file gives one that fails after 100 bytes."""
    real_open = open

    def opening(file, mode="r", *args, **kwargs):
        stream = real_open(file, mode, *args, **kwargs)
        if isinstance(file, int) and "w" in mode:  # the temporary file, by its descriptor
            raw = FullDisk(stream if "b" in mode else stream.buffer, 100)
            buffered = io.BufferedWriter(raw, buffer_size=16)
            return buffered if "b" in mode else io.TextIOWrapper(buffered, encoding=kwargs.get("encoding"),
                                                                 newline="")
        return stream

    monkeypatch.setattr("builtins.open", opening)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "html", "xlsx"])
def test_a_full_disk_is_a_message_and_the_old_report_is_kept(rules, batch, tmp_path, full_disk, fmt):
    target = tmp_path / f"scores.{fmt}"
    target.write_text("the report of last year\n", encoding="utf-8")
    result = score(rules, batch, "--format", fmt, "--output", target)
    assert result.exit_code == 2, result.output
    assert f"{target}: error[E010]: cannot write {target}: No space left on device" in result.stderr
    assert "hint: the disk is full" in result.stderr and "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "the report of last year\n"
    assert leftovers(tmp_path) == []


def test_an_interrupted_run_leaves_the_old_report(rules, batch, tmp_path, monkeypatch):
    target = tmp_path / "scores.csv"
    target.write_text("the report of last year\n", encoding="utf-8")
    original = RowWriter.write_text  # (what writes every row, made here or by a worker process)

    def interrupted(self, text):
        if self.rows == 2:
            raise KeyboardInterrupt
        original(self, text)

    monkeypatch.setattr(RowWriter, "write_text", interrupted)
    result = score(rules, batch, "--output", target)
    assert result.exit_code == 1 and "Aborted" in result.stderr  # click's answer to Ctrl-C
    assert target.read_text(encoding="utf-8") == "the report of last year\n"
    assert leftovers(tmp_path) == []


def test_a_finished_report_replaces_the_old_one_with_the_usual_permissions(rules, batch, tmp_path):
    fresh = tmp_path / "fresh.csv"
    assert score(rules, batch, "--output", fresh).exit_code == 1  # C cannot be scored
    plain = tmp_path / "plain.txt"
    plain.write_text("", encoding="utf-8")
    assert fresh.stat().st_mode == plain.stat().st_mode  # as open() makes a file, not mkstemp's 0600
    kept = tmp_path / "kept.csv"
    kept.write_text("old\n", encoding="utf-8")
    kept.chmod(0o640)
    assert score(rules, batch, "--output", kept).exit_code == 1
    assert kept.read_text(encoding="utf-8-sig").startswith("key,") and kept.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_a_link_is_written_through_and_a_device_written_to(rules, batch, tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(real)
    assert score(rules, batch, "--output", tmp_path / "link.csv").exit_code == 1
    assert (tmp_path / "link.csv").is_symlink() and real.read_text(encoding="utf-8-sig").startswith("key,")
    result = score(rules, batch, "--output", os.devnull)
    assert result.exit_code == 1 and Path(os.devnull).is_char_device()


@pytest.mark.parametrize("target, message", [
    ("folder", "it is a folder"),
    ("a-file/scores.csv", "there is no folder"),
])
def test_an_output_that_cannot_be_a_file_is_a_usage_error(rules, batch, tmp_path, target, message):
    (tmp_path / "folder").mkdir()
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    result = score(rules, batch, "--output", tmp_path / target)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert message in result.stderr or "is a directory" in result.stderr


def test_a_read_only_report_is_a_usage_error(rules, batch, tmp_path, monkeypatch):
    target = tmp_path / "scores.csv"
    target.write_text("old\n", encoding="utf-8")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: real_access(path, mode) and not (
        Path(path) == target and mode == os.W_OK))
    result = score(rules, batch, "--output", target)
    assert result.exit_code == 2 and "the file is read-only" in result.stderr
    assert target.read_text(encoding="utf-8") == "old\n"


def test_a_folder_that_refuses_the_temporary_file_is_a_message(rules, batch, tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refused)
    result = score(rules, batch, "--output", tmp_path / "scores.csv")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "error[E010]: cannot write" in result.stderr and "Permission denied" in result.stderr
    assert "you may not write there" in result.stderr and not (tmp_path / "scores.csv").exists()


# ---- no formulas --------------------------------------------------------------------------------------

FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"]


@pytest.fixture
def formulas(tmp_path) -> Path:
    """Departments whose ids are formulas (JSON Lines keeps an id's tab or carriage return, a CSV cell's
    spaces are stripped); the first cannot be scored."""
    path = tmp_path / "f.jsonl"
    lines = [json.dumps({"id": key, "满意度": "很高" if number == 0 else f"{90 + number}%"})
             for number, key in enumerate(FORMULAS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_text_cells_never_start_a_formula(rules, formulas, tmp_path):
    assert score(rules, formulas, "--output", tmp_path / "f.csv").exit_code == 1
    with (tmp_path / "f.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["key", "'=SUM(A1)", "total", "grade", "error"]
    assert [row[0] for row in rows[1:]] == ["'" + key for key in FORMULAS]
    assert rows[2][1:4] == ["9.10", "9.10", "合格"]  # scores are numbers, as they were
    jsonl = score(rules, formulas, "--format", "jsonl")
    assert [json.loads(line)["key"] for line in jsonl.stdout.splitlines()] == FORMULAS  # JSON is data


def test_a_negative_score_stays_a_number_and_a_minus_text_is_neutralised():
    result = attrs.make_class("R", ["total", "grade", "leaf_scores"])(Decimal("-1.5"), "-差", lambda: (Decimal("-1.5"),))
    stream = io.StringIO()
    writer = RowWriter(stream, "csv", ["得分"])
    writer.write(Scored("-D1", "x.csv:2", result))
    writer.write(Scored("D2", "x.csv:3", None, (rulecheck.diagnostics.error("F502", "-bad", where="x.csv:3"),)))
    assert stream.getvalue().splitlines() == ["key,得分,total,grade,error", "'-D1,-1.5,-1.5,'-差,",
                                              "D2,,,,F502: -bad"]


def test_workbook_text_cells_are_strings_that_never_start_a_formula(rules, formulas, tmp_path):
    target = tmp_path / "f.xlsx"
    assert score(rules, formulas, "--format", "xlsx", "--output", target).exit_code == 1
    sheet = openpyxl.load_workbook(target)["Departments"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["Department", "Name", "'=SUM(A1)", "Total", "Grade", "Errors"]
    rows = list(sheet.iter_rows(min_row=2))
    # (without lxml, XML reads a carriage return back as a line feed; openpyxl with lxml keeps it)
    assert [row[0].value.replace("\r", "\n") for row in rows] == ["'" + key.replace("\r", "\n") for key in FORMULAS]
    assert all(row[0].data_type == "s" for row in rows) and all(cell.data_type == "s" for cell in sheet[1])
    assert rows[1][2].data_type == "n" and rows[1][2].value == pytest.approx(9.1)  # a score is a number
    assert rows[0][-1].data_type == "s" and rows[0][-1].value.startswith(f"{formulas}:1: error[F502]")


def test_one_department_s_workbook_neutralises_names(rules, tmp_path):
    facts = tmp_path / "a.yaml"
    facts.write_text('满意度: "96%"\n', encoding="utf-8")
    target = tmp_path / "a.xlsx"
    assert score(rules, facts, "--format", "xlsx", "--explain", "--output", target).exit_code == 0
    sheet = openpyxl.load_workbook(target).active
    assert sheet["A4"].value == "'=SUM(A1)" and sheet["A4"].data_type == "s"
    formulas = [cell.value for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert not any("SUM(A1)" in formula for formula in formulas)  # the total's own formulas only


def test_the_page_escapes_an_id(rules, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('id,满意度\n<script>alert(1)</script>,96%\n"<img src=x onerror=alert(1)>",很高\n',
                    encoding="utf-8")
    page = score(rules, path, "--format", "html").stdout
    assert page.count("<script") == 1 and "<img" not in page  # the page's own script only
    assert page.index("<script>") > page.index("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# ---- memory that does not grow with the batch ------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "html", "xlsx"])
def test_the_batch_writers_keep_no_department(framework, case_facts, fmt, tmp_path):
    """Every scored department (and its result tree) is freed once written, before the summary."""
    from rulecheck.batch import Department
    departments = [Department(f"D{n}", f"x.csv:{n}", dict(case_facts.values)) for n in range(30)]
    stream = io.BytesIO() if fmt == "xlsx" else io.StringIO()
    writer = batch_writer(fmt, stream, [leaf.name for leaf in framework.evaluate(case_facts).leaves()])
    tally, alive = Tally(framework), []
    for item in score_departments(framework, departments):
        tally.add(item)
        writer.write(item)
        alive.append(weakref.ref(item.result))
        del item
    gc.collect()
    assert [ref for ref in alive if ref() is not None] == []
    writer.close(tally.summary())
    assert stream.getvalue()


def test_the_streamed_page_is_the_page_of_the_whole_batch(framework, case_facts, monkeypatch):
    from rulecheck.batch import Department
    departments = [Department(f"D{n}", f"x.csv:{n}", {**case_facts.values, "满意度": f"{80 + n}%"})
                   for n in range(12)] + [Department("bad", "x.csv:99", {"满意度": "x"})]
    scored = list(score_departments(framework, departments))
    whole = render_batch(scored, "html", summarize(framework, scored))
    monkeypatch.setattr(html_batch, "SPOOL_SIZE", 100)  # the rows go to a file on disk after 100 characters
    stream = io.StringIO()
    writer = html_batch.HtmlBatchWriter(stream)
    for item in scored:
        writer.write(item)
    assert writer.rows._rolled  # on disk
    writer.close(summarize(framework, scored))
    assert stream.getvalue() == whole + "\n"
    assert whole.count('<tr class="scored">') == 12 and whole.count('<tr class="failed">') == 1
