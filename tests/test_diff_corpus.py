"""`rulecheck diff --facts/--cases` compares a corpus read whole, or nothing: a record that cannot be
read (a CSV row with a stray quote, a JSON line that is not JSON, a folder's facts file that is not
YAML, a case file or a case's facts that cannot be read) is listed at its line, with E020 for its input,
and the exit code is 2. A department read but not scored by a version is still an effect (docs/diff.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_diff import BASE, FACTS, MOVED, run, write_departments

from rulecheck.api import analyze
from rulecheck.diff.structure import Side

HINT = ("  = hint: fix each one at the line shown and run the diff again: a department left out of the comparison "
        "would hide how the edit moves its scores")


@pytest.fixture
def versions(tmp_path, monkeypatch):
    """old.rules and new.rules (the 满意度 table moved) in the current folder, outside any repository."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.rules").write_text(BASE, encoding="utf-8")
    (tmp_path / "new.rules").write_text(MOVED, encoding="utf-8")
    return tmp_path


def summary_of(input_name: str, unread: int, count: int, listed: str = "listed above") -> list[str]:
    return [f"{input_name}: error[E020]: {unread:,} of {count:,} department{'s' if count != 1 else ''} cannot be "
            f"read ({listed}): no department is compared", HINT]


def test_a_stray_quote_in_a_thousand_rows_stops_the_comparison(versions):
    path = write_departments(versions, {f"D{n:04}": {"满意度": "96%"} for n in range(1000)})
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[371] = lines[371].replace(",96%,", ',"96%,', 1)  # Python's csv module swallowed 629 rows from here
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for fmt in ("text", "json"):
        result = run("old.rules", "new.rules", "--facts", "departments.csv", "--format", fmt)
        assert (result.exit_code, result.stdout) == (2, ""), result.output
        errors = result.stderr.splitlines()
        assert errors[0].startswith("departments.csv:372:7: error[F521]: cell 2 (满意度) opens a quote that is not closed")
        assert errors[1].startswith("  372 | D0370,\"96%,0,10,10")
        assert errors[-2:] == summary_of("departments.csv", 1, 1000)


def test_at_most_a_hundred_records_of_an_input_are_listed(versions):
    path = write_departments(versions, {f"D{n:04}": {"满意度": "96%"} for n in range(300)})
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.replace(",96%,", ',"96%,', 1) if n % 2 else line for n, line in enumerate(lines))
                    + "\n", encoding="utf-8")
    result = run("old.rules", "new.rules", "--facts", "departments.csv")
    assert (result.exit_code, result.stdout) == (2, "")
    errors = result.stderr.splitlines()
    assert sum("error[F521]" in line for line in errors) == 100
    assert errors[-2:] == summary_of("departments.csv", 150, 300, "the first 100 listed above")


def test_each_unreadable_record_of_each_input_is_listed(versions):
    write_departments(versions, {"A": {"满意度": "96%"}})
    (versions / "departments.jsonl").write_text(
        json.dumps({"id": "B", **FACTS}, ensure_ascii=False) + '\n{"id": "C", 满意度\n\n[1, 2]\n', encoding="utf-8")
    (versions / "folder").mkdir()
    (versions / "folder" / "good.yaml").write_text(json.dumps(FACTS, ensure_ascii=False), encoding="utf-8")
    (versions / "folder" / "bad.yaml").write_text("满意度: [96%\n", encoding="utf-8")
    (versions / "single.yaml").write_text("满意度: 96%\n满意度: 97%\n", encoding="utf-8")
    result = run("old.rules", "new.rules", "--facts", "departments.csv", "--facts", "departments.jsonl",
                 "--facts", "folder", "--facts", "single.yaml")
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    errors = result.stderr.splitlines()
    located = [line.split(": error[")[0] for line in errors if ": error[" in line]
    assert located[3].startswith(f"{Path('folder/bad.yaml')}:1:")  # where YAML finds the list unclosed
    assert located[:3] + located[4:] == ["departments.jsonl:2", "departments.jsonl:4", "departments.jsonl", "folder",
                                         "single.yaml:2:1", "single.yaml"]
    assert summary_of("departments.jsonl", 2, 3)[0] in errors
    assert summary_of("folder", 1, 2)[0] in errors and summary_of("single.yaml", 1, 1)[0] in errors
    assert "    2 | 满意度: 97%" in errors  # the line of the facts file is shown under its message


def test_a_department_read_but_not_scored_is_still_compared(versions):
    """A fact of the wrong type, or one only the new version needs: an effect of the edit, as before."""
    write_departments(versions, {"A": {"满意度": "96%"}, "X": {"满意度": "abc"}})
    result = run("old.rules", "new.rules", "--facts", "departments.csv")
    assert result.exit_code == 1, result.output  # no department moves, but the meaning changes
    impact = result.stdout.split("\n\n")[1].splitlines()
    assert impact[0] == "X (departments.csv:3): cannot be scored by either version:"
    assert impact[-3] == "0 of 2 departments change; 1 cannot be scored by either version (departments.csv)"


def test_cases_whose_facts_cannot_be_read_stop_the_comparison(versions):
    (versions / "cases").mkdir()
    (versions / "cases" / "facts.yaml").write_text(json.dumps(FACTS, ensure_ascii=False), encoding="utf-8")
    (versions / "cases" / "good.case.yaml").write_text("name: good\nfacts: facts.yaml\nexpect: {total: 20}\n",
                                                      encoding="utf-8")
    (versions / ".private").mkdir()
    (versions / ".private" / "facts.yaml").write_text("token: s3cr3t\n", encoding="utf-8")
    (versions / "cases" / "lost.case.yaml").write_text("name: lost\nfacts: missing.yaml\nexpect: {total: 20}\n",
                                                      encoding="utf-8")
    (versions / "cases" / "outside.case.yaml").write_text(
        "name: outside\nfacts: ../.private/facts.yaml\nexpect: {total: 20}\n", encoding="utf-8")
    result = run("old.rules", "new.rules", "--cases")
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    assert "s3cr3t" not in result.output
    errors = result.stderr.splitlines()
    assert [line.split(": error[")[1][:4] for line in errors if ": error[" in line] == ["C805", "C810", "E020"]
    assert errors[1] == "    2 | facts: missing.yaml"
    assert errors[-2:] == summary_of("cases", 2, 3)


def test_the_comparison_reads_display_kinds_from_the_checked_program(versions):
    analysis = analyze(versions / "new.rules")
    side = Side.of(analysis)
    assert side.display_kind.__self__ is analysis.checked  # not a Compiler built only for this
