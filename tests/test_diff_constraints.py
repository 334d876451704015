"""`rulecheck diff` reports the `constraints:` block by meaning: a constraint decides which departments'
facts are rejected (F517) instead of scored, so one added, removed or changed is a change in meaning
(exit 1, in both languages), while the same comparisons written otherwise (`计划 ≥ 已完成` for
`已完成 ≤ 计划`, a chain split in two, another description) are no change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulecheck.cli import main

BASE = (Path(__file__).parent / "data" / "good" / "constraints-completed-within-plan.rules").read_text(encoding="utf-8")
PLANNED = '    按计划时间完成项目数 ≤ 计划完成项目数 "按时完成的项目不多于计划项目"\n'
ASSETS = "    在用固定资产总额 ≤ 固定资产总额\n"


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.rules").write_text(BASE, encoding="utf-8")
    return tmp_path


def diff(here: Path, *replacements: tuple[str, str], args: tuple = (), lang: str = "en"):
    text = BASE
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    (here / "new.rules").write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["--lang", lang, "diff", "old.rules", "new.rules", *args])


def body(result) -> list[str]:
    return result.stdout.splitlines()[2:]


def test_the_same_comparisons_written_otherwise_are_no_change(here):
    result = diff(here, (PLANNED, '    计划完成项目数 ≥ 按计划时间完成项目数 "按时完成数不超过计划数"\n'),
                  (ASSETS, "    固定资产总额 ≥ 在用固定资产总额\n"))
    assert body(result) == ["no change in meaning"]
    assert result.exit_code == 0


def test_a_chain_is_the_comparisons_of_its_neighbours(here):
    split = diff(here, (ASSETS, ASSETS + "    0 ≤ 计划完成项目数\n    计划完成项目数 ≤ 500\n"))
    (here / "old.rules").write_text((here / "new.rules").read_text(encoding="utf-8"), encoding="utf-8")
    chained = diff(here, (ASSETS, ASSETS + "    500 ≥ 计划完成项目数 ≥ 0\n"))
    assert split.exit_code == 1
    assert body(chained) == ["no change in meaning"]
    assert chained.exit_code == 0


def test_a_constraint_added_says_which_facts_are_now_rejected(here):
    result = diff(here, (ASSETS, ASSETS + "    0 ≤ 计划完成项目数 ≤ 500\n"))
    assert body(result) == [
        "constraints:",
        "    constraint added: 0 ≤ 计划完成项目数 ≤ 500 — facts with 计划完成项目数 < 0 or 计划完成项目数 > 500 are now "
        "rejected (F517)"]
    assert result.exit_code == 1


def test_a_constraint_removed_says_which_facts_are_scored_again(here):
    result = diff(here, (ASSETS, ""))
    assert body(result)[:2] == [
        "constraints:",
        "    constraint removed: 在用固定资产总额 ≤ 固定资产总额 — facts with 在用固定资产总额 > 固定资产总额 are no "
        "longer rejected: they are scored"]
    assert result.exit_code == 1


def test_a_constraint_changed_says_what_is_rejected_now_and_before(here):
    result = diff(here, (ASSETS, "    在用固定资产总额 < 固定资产总额\n"))
    assert body(result) == [
        "constraints:",
        "    constraint changed: 在用固定资产总额 ≤ 固定资产总额 → 在用固定资产总额 < 固定资产总额 — F517 now rejects "
        "facts with 在用固定资产总额 ≥ 固定资产总额 (it rejected those with 在用固定资产总额 > 固定资产总额)"]
    assert result.exit_code == 1


def test_only_the_new_comparisons_of_a_longer_chain_are_said(here):
    result = diff(here, (PLANNED, "    0 ≤ 按计划时间完成项目数 ≤ 计划完成项目数\n"))
    assert body(result) == [
        "constraints:",
        "    constraint changed: 按计划时间完成项目数 ≤ 计划完成项目数 → 0 ≤ 按计划时间完成项目数 ≤ 计划完成项目数 — "
        "facts with 按计划时间完成项目数 < 0 are now rejected too (F517)"]


def test_in_chinese(here):
    result = diff(here, (ASSETS, ASSETS + "    计划完成项目数 ≤ 500\n"), lang="zh")
    assert body(result) == ["约束:", "    新增约束: 计划完成项目数 ≤ 500, 此后 计划完成项目数 > 500 的部门数据将被拒绝 (F517)"]
    removed = diff(here, (ASSETS, ""), lang="zh")
    assert body(removed)[:2] == [
        "约束:", "    删除约束: 在用固定资产总额 ≤ 固定资产总额, 此后 在用固定资产总额 > 固定资产总额 的部门数据不再被拒绝, 照常评分"]


def test_a_department_the_new_constraint_rejects_is_listed(here):
    (here / "a.yaml").write_text("按计划时间完成项目数: 35\n计划完成项目数: 600\n在用固定资产总额: 80\n固定资产总额: 100\n",
                                 encoding="utf-8")
    result = diff(here, (ASSETS, ASSETS + "    计划完成项目数 ≤ 500\n"), args=("--facts", "a.yaml"))
    assert result.exit_code == 1
    lines = body(result)
    assert "a (a.yaml): 1.15 with the old version; the new version cannot score it:" in lines, lines
    assert any("F517" in line and "计划完成项目数 600 is greater than 500" in line for line in lines), lines


def test_json_has_the_constraints_section(here):
    result = diff(here, (ASSETS, "    在用固定资产总额 < 固定资产总额\n"), args=("--format", "json"))
    data = json.loads(result.stdout)
    assert [section["title"] for section in data["changes"]] == ["constraints"]
    assert data["changes"][0]["changes"][0].startswith("constraint changed: ")
