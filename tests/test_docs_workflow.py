"""docs/workflow.md walks through a real edit of the shipped framework: its
diffs are applied and their commands run, in page order, in a copy of the repository's rules, and each
command prints what the page shows ("…" standing for lines left out)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_docs_verification import apply, shown

from rulecheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "docs" / "workflow.md"]  # docs/zh/workflow.md: tests/test_docs_zh.py, in Chinese
BLOCK = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.DOTALL | re.MULTILINE)
HEADER = re.compile(r"--- (?P<source>\S+)\n\+\+\+ (?P<name>\S+)\n")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_walkthrough_runs_as_shown(page, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    runs = 0
    for block in BLOCK.finditer(page.read_text(encoding="utf-8")):
        body = block["body"].rstrip("\n")
        if block["lang"] == "diff":
            header = HEADER.match(body + "\n")
            source = Path(header["source"]).read_text(encoding="utf-8")
            Path(header["name"]).write_text(apply(body[header.end():], source), encoding="utf-8")
        elif block["lang"] == "text" and body.startswith("$ rulecheck "):
            command, _, expected = body.partition("\n")
            result = CliRunner().invoke(main, shlex.split(command)[2:])
            assert result.exception is None or isinstance(result.exception, SystemExit), result.output
            if "…" in expected.split("\n"):
                assert shown(expected, result.stdout.rstrip("\n")), result.stdout
            else:
                assert result.stdout.rstrip("\n") == expected, result.stdout
            runs += 1
    assert runs >= 5
