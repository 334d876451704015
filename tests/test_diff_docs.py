"""docs/diff.md prints what `rulecheck diff` prints: each example run on a copy of rules/ with the draft
the page describes (an excerpt, with '…' lines, must appear piece by piece, in order)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulecheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"```text\n\$ (rulecheck diff [^\n]*)\n(.*?)\n```", re.DOTALL)
SATISFACTION = """\
        indicator 公众或服务对象满意度 (6):
            increasing in 满意度
            bands 满意度:
                ≥ 95% → 6
                90% ≤ 满意度 < 95% → 4
                80% ≤ 满意度 < 90% → 2
                < 80% → 1
"""


def section(title: str) -> str:
    return PAGE.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def examples(title: str) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in EXAMPLE.finditer(section(title))]


def edit(text: str, *replacements) -> str:
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def moved_table() -> str:
    """The framework with the 满意度 table the page shows."""
    (table,) = re.findall(r"```rules\n(.*?)```", section("An example"), re.DOTALL)
    return (ROOT / "rules/shenzhen/framework.rules").read_text(encoding="utf-8").replace(SATISFACTION, table)


def several_changes() -> str:
    """The framework with the four edits the page lists under 'Several kinds at once'."""
    return edit((ROOT / "rules/shenzhen/framework.rules").read_text(encoding="utf-8"),
                ("                deduct 0.1 per 1% of 调整调剂率 above 10%",
                 "                deduct 0.1 per 1% of 调整调剂率 above 8%"),
                ("                主管部门开展有效检查监控 and 有检查监督证明材料 and 专项资金绩效评价结果 ≠ 差 → 1",
                 "                主管部门开展有效检查监控 and 专项资金绩效评价结果 ≠ 差 → 1"),
                ('    有检查监督证明材料: bool "能提供开展检查监督的相关证明材料"\n', ""),
                ("            increasing in 有检查监督证明材料\n", ""),
                ("                < 5% → 1\n                5% ≤ 编外人员比率 ≤ 10% → 0.5",
                 "                < 8% → 1\n                8% ≤ 编外人员比率 ≤ 10% → 0.5"),
                ("            deduct 4 per 未完成重点工作数", "            deduct 2 per 未完成重点工作数"))


def forgotten_row() -> str:
    """The draft of the errors example: the first two rows moved, the third forgotten."""
    return edit((ROOT / "rules/shenzhen/framework.rules").read_text(encoding="utf-8"),
                ("                ≥ 95% → 6\n                90% ≤ 满意度 < 95% → 4\n",
                 "                ≥ 90% → 6\n                85% ≤ 满意度 < 90% → 4\n"))


def reordered_rows() -> str:
    """The 满意度 rows in another order, each still scoring what it scored: no change in meaning."""
    return edit((ROOT / "rules/shenzhen/framework.rules").read_text(encoding="utf-8"),
                (SATISFACTION, SATISFACTION.replace("                ≥ 95% → 6\n", "") + "                ≥ 95% → 6\n"))


def boundary_moved() -> str:
    """The boundary between 4 and 2 points moved from 90% to 91%, where no department of the corpus lies."""
    return edit((ROOT / "rules/shenzhen/framework.rules").read_text(encoding="utf-8"),
                ("                90% ≤ 满意度 < 95% → 4\n                80% ≤ 满意度 < 90% → 2\n",
                 "                91% ≤ 满意度 < 95% → 4\n                80% ≤ 满意度 < 91% → 2\n"))


def unknown_name() -> str:
    """A draft that cannot be compiled: the table compares a name no input has."""
    return edit((ROOT / "rules/shenzhen/framework.rules").read_text(encoding="utf-8"),
                ("            bands 满意度:", "            bands 满意率:"))


DRAFTS = {"An example": [moved_table, moved_table], "JSON": [moved_table],
          "What counts as a change": [reordered_rows, several_changes],
          "Exit codes and CI": [boundary_moved, forgotten_row, unknown_name]}
CASES = [(title, index, draft) for title, drafts in DRAFTS.items() for index, draft in enumerate(drafts)]


@pytest.mark.parametrize(("title", "index", "draft"), CASES)
def test_an_example_prints_what_the_page_shows(title, index, draft, tmp_path, monkeypatch):
    command, shown = examples(title)[index]
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "rules/shenzhen/draft.rules").write_text(draft(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, shlex.split(command)[1:])
    printed = result.output.splitlines()  # standard output and error, in the order printed
    pieces = [piece.strip("\n").splitlines() for piece in re.split(r"^…$", shown, flags=re.MULTILINE)]
    if len(pieces) == 1:
        assert printed == pieces[0]
        return
    start = 0
    for piece in pieces:
        found = next((at for at in range(start, len(printed) - len(piece) + 1)
                      if printed[at:at + len(piece)] == piece), None)
        assert found is not None, piece
        start = found + len(piece)


def test_a_record_that_cannot_be_read_stops_the_comparison(tmp_path, monkeypatch):
    ((command, shown),) = examples("Departments: --facts and --cases")
    (notes,) = re.findall(r"```text\n(id,满意度,备注\n.*?)\n```", section("Departments: --facts and --cases"), re.DOTALL)
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "rules/shenzhen/draft.rules").write_text(moved_table(), encoding="utf-8")
    (tmp_path / "notes.csv").write_text(notes + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, shlex.split(command)[1:])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == shown.splitlines()


def test_the_page_has_its_examples():
    assert [len(examples(title)) for title in DRAFTS] == [len(drafts) for drafts in DRAFTS.values()]
    assert len(examples("Departments: --facts and --cases")) == 1
