"""Run a doc page as a reader would: in a copy of the repository's rules, its files written, its diffs
applied and its commands run in page order, each command's terminal output (standard output and
standard error, as a terminal shows them) beside what the page shows.

A page's blocks:

- a block whose first line is `# 文件: NAME` (or `# file: NAME`) is a file the reader writes: NAME,
  the whole block (that line is a comment in a rule, YAML or facts file);
- a ```diff block with a `--- SOURCE` / `+++ NAME` header writes NAME: SOURCE with the hunks applied;
- a ```text block starting `$ rulecheck ` is a command, the lines after it its output ("…" standing
  for lines left out).

Used by tests/test_docs_zh.py, which runs every page of docs/zh/ with a Chinese locale.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import attrs
from click.testing import CliRunner
from test_docs_verification import apply

from rulecheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.DOTALL | re.MULTILINE)
FILE = re.compile(r"# (?:文件|file): (?P<name>\S+)\n")
HEADER = re.compile(r"--- (?P<source>\S+)\n\+\+\+ (?P<name>\S+)\n")
CHINESE = {"LANG": "zh_CN.UTF-8", "RULECHECK_LANG": None, "LC_ALL": None, "LC_MESSAGES": None}


@attrs.frozen
class Run:
    command: str  # as the page writes it, without "$ "
    shown: str  # the output the page shows
    output: str  # what the command printed (standard output and standard error)
    exit_code: int
    start: int  # where the block starts in the page (to rewrite it)
    end: int


def run_page(page: Path, folder: Path, environment: dict | None = None) -> Iterator[Run]:
    """Each command of `page`, run in `folder` (a copy of rules/ is made there first) with `environment`."""
    shutil.copytree(ROOT / "rules", folder / "rules", dirs_exist_ok=True)
    text = page.read_text(encoding="utf-8")
    for block in BLOCK.finditer(text):
        body = block["body"]
        named = FILE.match(body)
        if named:
            (folder / named["name"]).parent.mkdir(parents=True, exist_ok=True)
            (folder / named["name"]).write_text(body, encoding="utf-8")
        elif block["lang"] == "diff":
            header = HEADER.match(body)
            assert header, f"a diff block of {page.name} without its --- / +++ header"
            source = (folder / header["source"]).read_text(encoding="utf-8")
            (folder / header["name"]).write_text(apply(body[header.end():].rstrip("\n"), source), encoding="utf-8")
        elif block["lang"] == "text" and body.startswith("$ rulecheck "):
            command, _, shown = body.rstrip("\n").partition("\n")
            result = invoke(shlex.split(command)[2:], folder, environment)
            yield Run(command[2:], shown, result.output.rstrip("\n"), result.exit_code, block.start(), block.end())


def invoke(args: list[str], folder: Path, environment: dict | None):
    import os
    before = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, args, env=environment)
    finally:
        os.chdir(before)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result
