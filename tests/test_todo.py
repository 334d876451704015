"""W901: what a rule file says is still to do — each comment starting with TODO, at its line — so that
`rulecheck check` walks the analyst through the skeleton `rulecheck import` wrote."""

from __future__ import annotations

from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main

RULES = '''\
framework "示例"
total 10
rounding 2 decimals half-up  # TODO: 按规定填写保留位数

inputs:
    满意度: percent from 0% to 100% "TODO 不是注释, 是说明文字"

# 注释中间的 TODO 不算
# TODO
indicator 满意度得分 (10):
    increasing in 满意度
    formula: 满意度 × 10  # todo 小写也不算
'''


def test_each_todo_comment_is_a_warning_at_its_line():
    analysis = rulecheck.analyze_text(RULES, "示例.rules")
    todos = [(d.span.line, d.span.column, d.message) for d in analysis.diagnostics if d.code == "W901"]
    assert todos == [(3, 30, "still to do: 按规定填写保留位数"), (9, 1, "still to do: TODO")]
    assert analysis.ok  # a warning: the file still scores


def test_an_imported_file_s_todos_are_its_own(tmp_path):
    (tmp_path / "base.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "dept.rules").write_text('import "base.rules"\n', encoding="utf-8")
    assert not [d for d in rulecheck.analyze(tmp_path / "dept.rules").diagnostics if d.code == "W901"]


def test_check_walks_through_the_imported_skeleton(tmp_path, framework_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["export", str(framework_path), "--format", "xlsx", "-o", "table.xlsx"]).exit_code == 0
    assert runner.invoke(main, ["--lang", "zh", "import", "table.xlsx", "-o", "draft.rules"]).exit_code == 0
    result = runner.invoke(main, ["--lang", "zh", "check", "draft.rules"])
    assert result.exit_code == 0, result.output  # warnings only
    assert result.output.count("警告[W901]: 待完成: 请按评分标准") == 21  # one per leaf of the framework
    assert "警告[W901]: 待完成: 请按本指标体系的规定填写保留位数" in result.output
    assert runner.invoke(main, ["check", "--strict", "draft.rules"]).exit_code == 1  # CI does not let it through
