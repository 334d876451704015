"""The examples of docs/verification.md's "Names" section print what the page says they print.

Each example is a file name line (`e201.rules`:), the file in a ```rules block, and the output of
`rulecheck check` in the ```text block that follows; a file without output (base.rules) is imported by
another example.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulecheck.cli import main

PAGE = Path(__file__).resolve().parents[1] / "docs" / "verification.md"
EXAMPLE = re.compile(r"`(?P<name>[\w.-]+\.rules)`:\n\n```rules\n(?P<text>.*?)\n```\n"
                     r"(?:\n```text\n\$ rulecheck check (?P=name)\n(?P<output>.*?)\n```\n)?", re.DOTALL)


def names_section() -> str:
    page = PAGE.read_text(encoding="utf-8")
    return page.split("\n## Names\n", 1)[1].split("\n## ", 1)[0]


EXAMPLES = list(EXAMPLE.finditer(names_section()))


def test_the_section_has_an_example_for_every_name_code():
    codes = set(re.findall(r"(?:error|warning)\[(\w+)\]", names_section()))
    assert {"E201", "E202", "E203", "E204", "E205", "E206", "E207", "W201", "W202"} <= codes


@pytest.mark.parametrize("name", [m["name"] for m in EXAMPLES if m["output"]])
def test_an_example_prints_what_the_page_shows(name, tmp_path, monkeypatch):
    for example in EXAMPLES:
        (tmp_path / example["name"]).write_text(example["text"] + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (expected,) = [m["output"] for m in EXAMPLES if m["name"] == name]
    result = CliRunner().invoke(main, ["check", name])
    assert result.stdout.rstrip("\n") == expected
