"""docs/batch.md shows real output: the corpus's summary, and a batch with bad rows, as printed."""

from __future__ import annotations

import csv
import re
import shutil

import pytest
from click.testing import CliRunner

from rulecheck.cli import main


@pytest.fixture(scope="module")
def page(root) -> str:
    return (root / "docs" / "batch.md").read_text(encoding="utf-8")


def block_after(page: str, command: str) -> list[str]:
    """The lines of the ```text block that starts with `$ command`, without it."""
    match = re.search(r"```text\n\$ " + re.escape(command) + r"\n(.*?)\n```", page, re.DOTALL)
    assert match, f"no example of {command!r}"
    return match.group(1).splitlines()


def shown(expected: list[str], actual: list[str]) -> bool:
    """Whether the page's lines are the actual lines, where '…' on a line of its own stands for some."""
    if "…" not in expected:
        return expected == actual
    cut = expected.index("…")
    head, tail = expected[:cut], expected[cut + 1:]
    return actual[:len(head)] == head and actual[len(actual) - len(tail):] == tail


def test_the_corpus_summary(page, root, monkeypatch):
    monkeypatch.chdir(root)
    command = ("rulecheck score rules/shenzhen/framework.rules rules/shenzhen/cases/corpus-2024.csv "
               "--output scores.csv")
    expected = block_after(page, command)
    output = root / "scores.csv"
    try:
        result = CliRunner().invoke(main, command.split()[1:])
        rows = list(csv.reader(output.open(encoding="utf-8-sig")))
    finally:
        output.unlink(missing_ok=True)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == expected
    begins = re.search(r"`scores.csv` begins.*?```text\n(.*?)\n```", page, re.DOTALL).group(1).splitlines()
    shown_rows = [line.split(",") for line in begins]
    columns = [rows[0].index(name) for name in shown_rows[0] if name != "…"]
    assert len(columns) == len(shown_rows[0]) - shown_rows[0].count("…") >= 8
    for line, row in zip(shown_rows, rows):
        assert [cell for cell in line if cell != "…"] == [row[index] for index in columns]


def test_the_bad_rows(page, root, tmp_path, monkeypatch):
    """The batch the page describes: the corpus's first five rows, a note column, four rows spoilt."""
    with (root / "rules/shenzhen/cases/corpus-2024.csv").open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    header, data = rows[0], rows[1:6]
    satisfaction = header.index("满意度")
    data[1][satisfaction] = "很高"
    data[2] = data[2][:30]
    data[3][satisfaction] = ""
    data[4][header.index("在编人数")] = "56.5"
    with (tmp_path / "departments.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([*header, "备注"])
        writer.writerows(row + ["x"] if len(row) == len(header) else row for row in data)
    shutil.copy(root / "rules/shenzhen/framework.rules", tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["score", "framework.rules", "departments.csv"])
    assert result.exit_code == 1
    assert shown(block_after(page, "rulecheck score framework.rules departments.csv > scores.csv"),
                 result.stderr.splitlines())
    ends = re.search(r"`scores.csv` ends.*?```text\n(.*?)\n```", page, re.DOTALL).group(1).splitlines()
    assert result.stdout.splitlines()[-4:] == ends
