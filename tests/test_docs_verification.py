"""The examples of docs/verification.md print what the page says they print, and their fixes work.

The page (all but its "Names" section, which test_docs_names.py runs) is read as a sequence of fenced
blocks:

- a line "`NAME.rules`:" (or "`NAME.yaml`:") and a ```rules (```yaml) block: a file;
- a line "`NAME.rules` … :" and a ```diff block headed `--- rules/shenzhen/framework.rules` and
  `+++ NAME.rules`: a file made by changing the shipped framework;
- a ```text block starting "$ rulecheck …": a run in the folder of those files, and what it prints:
  for `check`, standard output (the summary line on standard error is left out); for `verify` and
  `score`, everything. A line "…" stands for lines left out. Exit code 1 if it shows an error, else 0;
- a ```diff block without a header: a fix of the file shown last, after which `check` (and `verify`,
  if the page verifies that file) finds nothing.

Every ```rules block of these sections is a file, so no example goes unchecked.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from rulecheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "verification.md"
BLOCK = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.DOTALL | re.MULTILINE)
LABEL = re.compile(r"^`(?P<name>[\w.-]+\.(?:rules|yaml))`[^\n]*:$")
HEADER = re.compile(r"--- (?P<source>\S+)\n\+\+\+ (?P<name>\S+)\n")
FIX_RUN_EXAMPLES = "20"  # --max-examples when a fix is verified


@attrs.frozen
class Run:
    args: tuple
    expected: str
    index: int  # position on the page, for the test id

    @property
    def id(self) -> str:
        return f"{self.index:02d} {' '.join(self.args)}"


@attrs.frozen
class Fix:
    name: str
    diff: str
    verified: bool


@attrs.frozen
class Page:
    files: dict  # name → text
    runs: list
    fixes: list


def sections_tested(page: str) -> str:
    """The page without its "Names" section."""
    before, names = page.split("\n## Names\n", 1)
    return before + "\n## " + names.split("\n## ", 1)[1]


def apply(diff: str, text: str) -> str:
    """Apply the hunks of a diff by their text: each hunk's old lines must occur once in the file."""
    for hunk in re.split(r"^(?:@@.*|…)\n", diff + "\n", flags=re.MULTILINE):
        lines = hunk.splitlines()
        if not lines:
            continue
        old = "\n".join(line[1:] for line in lines if not line.startswith("+")) + "\n"
        new = "\n".join(line[1:] for line in lines if not line.startswith("-")) + "\n"
        assert text.count(old) == 1, f"the diff's lines are not once in the file:\n{old}"
        text = text.replace(old, new)
    return text


def parse(page: str) -> Page:
    files, runs, fixes = {}, [], []
    last, verified = None, set()
    position = 0
    for block in BLOCK.finditer(page):
        before = page[position:block.start()].strip().splitlines()
        position = block.end()
        label = LABEL.match(before[-1]) if before else None
        lang, body = block["lang"], block["body"].rstrip("\n")
        if lang in ("rules", "yaml") and label:
            files[label["name"]] = body + "\n"
            last = label["name"]
        elif lang == "rules":
            raise AssertionError(f"a rules block without a file name line before it:\n{body}")
        elif lang == "diff" and (header := HEADER.match(body + "\n")):
            assert label and label["name"] == header["name"], f"name the file before its diff: {header['name']}"
            source = (ROOT / header["source"]).read_text(encoding="utf-8")
            files[header["name"]] = apply(body[header.end():], source)
            last = header["name"]
        elif lang == "diff":
            assert last is not None, f"a fix before any file:\n{body}"
            fixes.append(Fix(last, body, False))
        elif lang == "text" and body.startswith("$ rulecheck "):
            command, _, expected = body.partition("\n")
            args = tuple(command.split()[2:])
            runs.append(Run(args, expected, len(runs)))
            if args[0] == "verify":
                verified.add(args[-1])
    fixes = [attrs.evolve(f, verified=f.name in verified) for f in fixes]
    return Page(files, runs, fixes)


PARSED = parse(sections_tested(PAGE.read_text(encoding="utf-8")))


def printed(run: Run, result) -> str:
    return (result.stdout if run.args[0] == "check" else result.output).rstrip("\n")


def shown(expected: str, actual: str) -> bool:
    """Whether the output is the one shown, where a line "…" stands for any lines."""
    pattern = "".join(r"(?:.*\n)*?" if line == "…" else re.escape(line) + r"\n" for line in expected.split("\n"))
    return re.fullmatch(pattern, actual + "\n") is not None


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The page's files, and the shipped rules, in a folder of their own."""
    for name, text in PARSED.files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_page_has_an_example_for_every_code():
    page = sections_tested(PAGE.read_text(encoding="utf-8"))
    codes = set(re.findall(r"(?:error|warning)\[(\w+)\]", "\n".join(r.expected for r in PARSED.runs)))
    expected = {"E301", "E302", "E303", "E304", "E305", "E306", "E401", "E402", "E403", "E404", "W401",
                "E501", "E502", "W503", "E504", "W505", "E601", "E602", "E603", "E701", "E702", "E703", "E704", "W705",
                "E711", "E712"}
    assert expected <= codes
    assert {r.args[0] for r in PARSED.runs} == {"check", "verify", "score"}
    assert "## `rulecheck verify`" in page


@pytest.mark.parametrize("run", PARSED.runs, ids=lambda r: r.id)
def test_a_run_prints_what_the_page_shows(run, folder):
    result = CliRunner().invoke(main, list(run.args))
    actual = printed(run, result)
    if "…" in run.expected.split("\n"):
        assert shown(run.expected, actual), actual
    else:
        assert actual == run.expected
    assert result.exit_code == (1 if "error[" in run.expected else 0)


@pytest.mark.parametrize("fix", PARSED.fixes, ids=lambda f: f"fix {f.name}")
def test_a_fix_leaves_nothing_to_report(fix, folder):
    Path(fix.name).write_text(apply(fix.diff, PARSED.files[fix.name]), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", fix.name])
    assert (result.exit_code, result.stdout) == (0, "")
    if fix.verified:
        result = CliRunner().invoke(main, ["verify", "--max-examples", FIX_RUN_EXAMPLES, fix.name])
        assert result.exit_code == 0, result.output
        assert "✗" not in result.output and "tested, not proved" not in result.output, result.output
