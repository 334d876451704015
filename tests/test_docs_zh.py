"""The Chinese guide in docs/zh/ stays true, and speaks Chinese: every page's commands are run as a
reader runs them, with a Chinese locale (LANG=zh_CN.UTF-8, no RULECHECK_LANG), in page order
(tests/docs_runner.py), and each prints what the page shows, in Chinese only: the only Latin words left
are the ones the user wrote (file names, the rule text a diagnostic quotes, input names), error codes,
and the names of formats and programs. Every rule file the tutorial shows checks clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docs_runner import BLOCK, CHINESE, ROOT, run_page
from test_docs_verification import shown

import rulecheck

ZH = ROOT / "docs" / "zh"
PAGES = sorted(ZH.glob("*.md"))
TUTORIAL = (ZH / "tutorial.md").read_text(encoding="utf-8")
RULES = [block["body"] for block in BLOCK.finditer(TUTORIAL) if block["lang"] == "rules"]

# Latin words a Chinese message may hold: formats, programs, units, and the functions and keywords of
# the rule language an explanation quotes from the rule as written
NAMES = {"rulecheck", "Excel", "WPS", "CSV", "UTF", "BOM", "GB", "GBK", "YAML", "JSON", "JSONL", "HTML", "PDF",
         "xlsx", "xlsm", "csv", "yaml", "yml", "json", "jsonl", "html", "md", "docx", "MB", "KB", "A4", "id",
         "min", "max", "and", "or", "not", "true", "false", "Lines", "TODO"}
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`|‘[^’\n]*’|“[^”\n]*”|「[^」\n]*」")
PATH = re.compile(r"(?:[\w.~-]*[/\\])+[\w.-]*|[\w-]+\.(?:rules|yaml|yml|json|jsonl|csv|xlsx|xlsm|html|md|docx|txt)\b",
                  re.UNICODE)
SOURCE_LINE = re.compile(r"^\s*(?:\d+\s*)?\|.*$|^\s*\^+\s*$", re.MULTILINE)
CODE = re.compile(r"\b[EFW]\d{3}\b")
TODO = re.compile(r"待完成: .*$", re.MULTILINE)  # W901 quotes the file's own TODO comment
COMMAND = re.compile(r"\brulecheck [a-z]+(?: --[a-z-]+)*")  # a command to run: its words are the program's
WORD = re.compile(r"[A-Za-z]{2,}")


def latin_words(output: str, written: set[str]) -> list[str]:
    """The Latin words of `output` that are neither what the user wrote nor a name in NAMES."""
    text = SOURCE_LINE.sub("", output)
    text = QUOTED.sub("", text)
    text = PATH.sub("", text)
    text = CODE.sub("", text)
    text = COMMAND.sub("", text)
    text = TODO.sub("", text)
    return [word for word in WORD.findall(text) if word not in NAMES and word not in written]


def user_words(folder: Path, command: str) -> set[str]:
    """The Latin words the user wrote: in the names of the rule files' inputs, indicators, lets and grades
    and their string values, in the facts' keys and values, and on the command line."""
    words = set(WORD.findall(command))
    for path in folder.rglob("*"):
        if path.suffix in (".yaml", ".yml", ".json", ".csv") and path.is_file() and path.stat().st_size < 1 << 20:
            words |= {w for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                      for w in WORD.findall(line.split("#")[0])}
    return words


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_prints_what_the_page_shows_in_chinese(page, tmp_path):
    runs = list(run_page(page, tmp_path, CHINESE))
    for run in runs:
        if "…" in run.shown.split("\n"):
            assert shown(run.shown, run.output), f"{page.name}: $ {run.command}\n{run.output}"
        else:
            assert run.output == run.shown, f"{page.name}: $ {run.command}\n{run.output}"
        english = latin_words(run.output, user_words(tmp_path, run.command))
        assert not english, f"{page.name}: $ {run.command} prints English words {english}:\n{run.output}"
    if page.name != "README.md":
        assert runs, f"{page.name} shows no command"


def test_the_measure_catches_english():
    assert latin_words("提示: did you mean '满意度'?", set()) == ["did", "you", "mean"]
    assert latin_words("框架.rules:3:5: 错误[E201]: 未知名称 '满意率'\n   3 |     bands 满意率:\n", set()) == []


def test_the_tutorial_shows_a_file_for_each_kind_of_rule():
    kinds = ("checklist:", "bands ", "formula:", "deduct ", "part ", "assessed ", "let ", "grades:")
    assert len(RULES) >= 6
    assert all(any(kind in text for text in RULES) for kind in kinds)


@pytest.mark.parametrize("index", range(len(RULES)))
def test_every_rule_file_of_the_tutorial_checks_clean_or_shows_its_error(index, tmp_path):
    text = RULES[index]
    analysis = rulecheck.analyze_text(text, f"tutorial-{index}.rules")
    if "# 错误示例" in text:  # the uncapped formula the tutorial shows check's finding for
        assert [d.code for d in analysis.diagnostics] == ["E501"]
    else:
        assert analysis.diagnostics == [], [d.render() for d in analysis.diagnostics]


def test_the_tutorial_does_not_claim_a_missing_floor_is_an_error():
    assert "floor 0` 就是\"扣完为止\",也是默认值" in TUTORIAL and "E502(得分可能为负)" not in TUTORIAL
