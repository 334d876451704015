"""Reading a batch record by record: a malformed CSV record (a stray or unterminated quote, a cell too
many) is one failed row at its line and column, and reading resumes at the next physical line; a quoted
cell may still hold commas, quotes and (in a column that is not read) line breaks. JSON Lines ids; the
hints for a CSV separated by semicolons or tabs, or saved as UTF-16."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from test_batch_docs import block_after, shown

from rulecheck.batch import read_departments
from rulecheck.cli import main
from rulecheck.inputs.records import MAX_RECORD_LINES

HEADER = "id,满意度,备注"


def score(rules, path):
    return CliRunner().invoke(main, ["score", str(rules), str(path)])


def departments_of(tmp_path, text: str, inputs=("满意度",), name: str = "d.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, list(read_departments(path, inputs))


def summary(departments) -> list[tuple]:
    """(key, line, the first error's code or the facts) of each department."""
    return [(d.key, int(d.where.rsplit(":", 1)[1]), d.error.code if d.error else d.facts) for d in departments]


def test_quoted_cells_hold_commas_quotes_and_in_a_note_line_breaks(tmp_path):
    path, departments = departments_of(tmp_path, f'{HEADER}\n"A","96%","a, ""b"" c"\nB,95%,"line one\nline two"\n'
                                       'C, "90%" ,ok\n')
    assert summary(departments) == [("A", 2, {"满意度": "96%"}), ("B", 3, {"满意度": "95%"}),
                                    ("C", 5, {"满意度": "90%"})]


@pytest.mark.parametrize("row, code, message, column", [
    ('B,"十四五"规划,x', "F521", "cell 2 (满意度) has text after its closing quote", 8),
    ('B,十四五"规划,x', "F521", 'cell 2 (满意度) has a " in its text but does not start with one', 6),
    ('B,"96%,x', "F521", "cell 2 (满意度) opens a quote that is not closed on its line (no value holds a line "
     "break)", 3),
    ("B,96%\0,x", "F508", "cell 2 (满意度) holds a NUL character, which is not text", 6),
    ("B,96%,x,y", "F508", "this row has 4 cells, the header has 3", None),
    ("B,96%", "F508", "this row has 2 cells, the header has 3", None),
])
def test_a_malformed_row_is_one_failed_row_and_the_next_line_is_read(tmp_path, row, code, message, column):
    more = "".join(f"D{n},94%,ok\n" for n in range(30))
    path, departments = departments_of(tmp_path, f"{HEADER}\nA,96%,ok\n{row}\nC,95%,ok\n{more}")
    assert [(d.key, d.where) for d in departments[:3]] == [("A", f"{path}:2"), ("B", f"{path}:3"), ("C", f"{path}:4")]
    assert len(departments) == 33  # every line a department: nothing swallowed
    assert departments[0].facts == {"满意度": "96%"} and departments[2].facts == {"满意度": "95%"}
    error = departments[1].error
    assert (error.code, error.message) == (code, message)
    assert error.location() == (f"{path}:3:{column}" if column else f"{path}:3")
    assert all(not d.errors for d in departments if d.key != "B")


def test_a_quote_that_closes_lines_later_in_a_column_that_is_read_is_a_stray_quote(tmp_path):
    """No value holds a line break: 'B,"96%' and 'D,9",' must not make one cell of lines 3 to 5."""
    path, departments = departments_of(tmp_path, f'{HEADER}\nA,96%,ok\nB,"96%,ok\nC,95%,ok\nD,9",ok\nE,90%,ok\n')
    assert summary(departments) == [("A", 2, {"满意度": "96%"}), ("B", 3, "F521"), ("C", 4, {"满意度": "95%"}),
                                    ("D", 5, "F521"), ("E", 6, {"满意度": "90%"})]
    assert departments[1].error.message == ("cell 2 (满意度) opens a quote that is not closed on its line (no value "
                                            "holds a line break)")
    assert departments[1].error.location() == f"{path}:3:3"


def test_a_multi_line_record_with_a_cell_too_many_is_re_read_from_its_next_line(tmp_path):
    path, departments = departments_of(tmp_path, f'{HEADER}\nA,96%,"note\nB,95%,ok\nC,9",ok\nD,90%,ok\n')
    assert summary(departments) == [("A", 2, "F508"), ("B", 3, {"满意度": "95%"}), ("C", 4, "F521"),
                                    ("D", 5, {"满意度": "90%"})]
    assert departments[0].error.message == "this row has 4 cells, the header has 3 (lines 2–4)"
    assert 'or a stray " joined these lines into one row' in departments[0].error.hint


def test_a_note_over_more_lines_than_a_record_may_take_is_not_closed(tmp_path):
    lines = "\n".join(f"line {n}" for n in range(MAX_RECORD_LINES + 1))
    path, departments = departments_of(tmp_path, f'{HEADER}\nA,96%,"{lines}"\nB,95%,ok\n')
    assert departments[0].error.code == "F521" and "not within 20 lines" in departments[0].error.message
    assert len(departments) == MAX_RECORD_LINES + 2  # A, the note's other lines as rows of their own, B
    assert departments[-1].key == "B" and departments[-1].facts == {"满意度": "95%"}
    _, departments = departments_of(tmp_path, f'{HEADER}\nA,96%,ok\nB,95%,"a note\nthat goes on\n')
    assert summary(departments) == [("A", 2, {"满意度": "96%"}), ("B", 3, "F521"), ("that goes on", 4, "F508")]
    assert "never closed (the file ends first)" in departments[1].error.message
    ok = "\n".join(f"line {n}" for n in range(MAX_RECORD_LINES))
    _, departments = departments_of(tmp_path, f'{HEADER}\nA,96%,"{ok}"\nB,95%,ok\n')
    assert summary(departments) == [("A", 2, {"满意度": "96%"}), ("B", 22, {"满意度": "95%"})]


def test_the_line_is_shown_with_a_caret_under_the_stray_quote(tmp_path):
    rules = tmp_path / "r.rules"
    rules.write_text('framework "x"\ntotal 1\nrounding 2 decimals\ninputs:\n    满意度: percent from 0% to 100%\n'
                     'indicator 满意 (1):\n    formula: 满意度\n', encoding="utf-8")
    path = tmp_path / "d.csv"
    path.write_text(f'{HEADER}\nA,96%,ok\nB,十四五"规划,x\n', encoding="utf-8")
    result = score(rules, path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:5] == [
        f"{path}:1: error[F504]: unknown column '备注' (column 3): the rule file declares no such input; its "
        "cells are not read",
        "  = hint: rename it after an input, or delete the column",
        f'{path}:3:6: error[F521]: cell 2 (满意度) has a " in its text but does not start with one',
        '    3 | B,十四五"规划,x',
        '      |         ^']
    assert 'hint: write a " inside a cell as "" and put the whole cell in quotes' in result.stderr
    assert "2 departments: 1 scored, 1 failed" in result.stderr


def test_the_example_of_the_docs(root, tmp_path, monkeypatch):
    """docs/batch.md's notes.csv, scored as the page shows."""
    page = (root / "docs" / "batch.md").read_text(encoding="utf-8")
    notes = page.split("this `notes.csv`", 1)[1].split("```text\n", 1)[1].split("\n```", 1)[0]
    (tmp_path / "satisfaction.rules").write_text(
        'framework "满意度"\ntotal 10\nrounding 2 decimals\ninputs:\n    满意度: percent from 0% to 100%\n'
        "indicator 公众满意度 (10):\n    formula: 满意度 × 10\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text(notes + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["score", "satisfaction.rules", "notes.csv"])
    assert result.exit_code == 1
    assert shown(block_after(page, "rulecheck score satisfaction.rules notes.csv > scores.csv"),
                 result.stderr.splitlines())
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:] if line.split(",")[1]] == [
        "D001", "D004", "D005"]


def test_with_an_id_column_a_row_without_an_id_is_keyed_by_its_line(tmp_path):
    """'3' is a real department's id here: the row at line 3 without one must not take it."""
    path, departments = departments_of(tmp_path, f"{HEADER}\n3,96%,ok\n,95%,ok\n")
    assert summary(departments) == [("3", 2, {"满意度": "96%"}), ("line 3", 3, {"满意度": "95%"})]


def test_many_unterminated_quotes_are_read_in_bounded_time(tmp_path):
    """Each stray quote looks ahead MAX_RECORD_LINES lines at most, and each line is read once a look."""
    path = tmp_path / "d.csv"
    rows = "".join(f'A{n},"96%,ok\nB{n},96%,"a note\n' + "".join(f"C{n}-{k},95%,ok\n" for k in range(5))
                   for n in range(3000))
    path.write_text(HEADER + "\n" + rows, encoding="utf-8")
    start = time.perf_counter()
    departments = list(read_departments(path, ("满意度",)))
    assert time.perf_counter() - start < 10
    assert len(departments) == 21000
    assert {d.key[0] for d in departments if d.errors} == {"A", "B"} and all(d.error.code == "F521" for d in
                                                                             departments if d.errors)


# ---- what the file is ------------------------------------------------------------------------------

@pytest.mark.parametrize("content, message", [
    ("id;满意度\nA;96%\n".encode(), "the header has no comma: its columns are separated by semicolons"),
    ('"id";"满意度"\n"A";"96%"\n'.encode(), "the header has no comma: its columns are separated by semicolons"),
    ("id\t满意度\nA\t96%\n".encode(), "the header has no comma: its columns are separated by tabs"),
    ("id\t满意度\nA\t96%\n".encode("utf-16"), "the CSV file is UTF-16 text, not UTF-8"),
    ("id,满意度\nA,96%\n".encode("utf-16-le"), "the CSV file holds NUL characters: it is UTF-16 text, or not text"),
])
def test_a_csv_of_another_kind_says_how_to_save_it(framework_path, tmp_path, content, message):
    path = tmp_path / "d.csv"
    path.write_bytes(content)
    result = score(framework_path, path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{path}:1: error[E002]: {message}")
    assert "save it as 'CSV UTF-8 (Comma delimited)'" in result.stderr
    assert "Traceback" not in result.output


# ---- JSON Lines ids ---------------------------------------------------------------------------------

def write_lines(tmp_path, *lines) -> object:
    path = tmp_path / "d.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_json_line_without_an_id_never_takes_a_real_id(tmp_path):
    path = write_lines(tmp_path, '{"满意度": "96%"}', '{"id": 1, "满意度": "95%"}', '{"id": 0, "满意度": "94%"}',
                       '{"id": "line 9", "满意度": "93%"}')
    departments = list(read_departments(path))
    assert [(d.key, d.error) for d in departments] == [("line 1", None), ("1", None), ("0", None), ("line 9", None)]


@pytest.mark.parametrize("value, shown", [("false", "false"), ("true", "true"), ("[1]", "[1]"), ("null", "null"),
                                          ('""', '""'), ('"  "', '"  "'), ("1.5", "1.5"), ('{"a": 1}', '{"a": 1}')])
def test_an_id_that_is_not_a_text_or_a_whole_number_is_that_line_s_error(tmp_path, value, shown):
    path = write_lines(tmp_path, '{"id": 1, "满意度": "96%"}', f'{{"id": {value}, "满意度": "95%"}}')
    first, second = read_departments(path)
    assert (first.key, first.error) == ("1", None)
    assert second.key == "line 2" and second.where == f"{path}:2"
    assert second.error.code == "F520"
    assert second.error.message == f'the "id" of a department is a text or a whole number, not {shown}'
    assert "'line 2'" in second.error.hint


def test_json_lines_counts_every_line_that_is_not_blank(framework_path, tmp_path):
    path = write_lines(tmp_path, '{"id": false}', "", '{"id": 0}', "  ", '{"id": 0}', "not json", '{"id": 7}')
    result = score(framework_path, path)
    rows = result.stdout.splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["line 1", "0", "0", "line 6", "7"]
    assert "5 departments: 0 scored, 5 failed" in result.stderr
    assert f"{path}:5: error[F509]: the id '0' is also the id of line 3" in result.stderr
    assert f"{path}:1: error[F520]" in result.stderr and f"{path}:6: error[F506]" in result.stderr


def test_a_json_line_with_a_huge_number_or_deep_nesting_fails_alone(framework_path, tmp_path):
    path = write_lines(tmp_path, '{"id": "A", "满意度": ' + "9" * 5000 + "}",
                       '{"id": "B", "满意度": ' + "[" * 5000 + "]" * 5000 + "}",
                       '{"id": 1e2, "满意度": "95%"}')
    departments = list(read_departments(path))
    assert [d.key for d in departments] == ["A", "line 2", "100"]  # a line that is not JSON has no id
    assert departments[1].error.code == "F506" and "nested" in departments[1].error.message
    result = score(framework_path, path)
    assert "Traceback" not in result.stderr + result.stdout
    assert "3 departments: 0 scored, 3 failed" in result.stderr


def test_a_facts_file_in_a_folder_that_links_outside_it_is_a_failed_row_never_read(framework_path, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    secret = tmp_path / "secret.yaml"
    secret.write_text("token: s3cr3t-value\n", encoding="utf-8")
    (folder / "leak.yaml").symlink_to(secret)
    departments = list(read_departments(folder))
    assert [d.key for d in departments] == ["leak"]
    assert departments[0].error.code == "E002" and "outside" in departments[0].error.message
    result = score(framework_path, folder)
    assert "s3cr3t" not in result.stdout + result.stderr
    assert "1 department: 0 scored, 1 failed" in result.stderr


def test_a_pipe_given_as_a_batch_is_refused_not_waited_on(framework_path, tmp_path):
    import os
    pipe = tmp_path / "corpus.csv"
    os.mkfifo(pipe)
    result = score(framework_path, pipe)
    assert result.exit_code == 2
    assert "error[E002]: cannot read corpus.csv: it is not a regular file" in result.stderr
