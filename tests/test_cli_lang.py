"""The CLI's language: --lang, RULECHECK_LANG, the locale; help, click's own messages and output in Chinese."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulecheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(main.commands)
# words that may stay English in Chinese help: option names, metavars, formats, paths, code, names of files
ALLOWED = re.compile(r"--?[\w-]+|\[[\w|.-]+\]|\b[A-Z][A-Z_]+\b|[\w./~*:-]*[/.*:~][\w./~*:-]*|"
                     r"\b(?:rulecheck|zh|en|git|table|markdown|json|html|xlsx|csv|jsonl|diff|unified|"
                     r"YAML|JSON|Lines|CSV|UTF|GB18030|GBK|REV|path|utf|gb18030|gbk|text|OPTIONS|ARGS|COMMAND|"
                     r"name|value|md|docx|Markdown|Excel|Word|TODO)\b")


def run(args, env=None):
    return CliRunner().invoke(main, args, env=env, prog_name="rulecheck")


def english_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z]{2,}", ALLOWED.sub(" ", text))
    return [word for word in words if word not in COMMANDS]  # the names of the commands


def test_score_help_in_chinese():
    result = run(["--lang", "zh", "score", "--help"])
    assert result.exit_code == 0
    assert "用法: rulecheck score [OPTIONS] RULES INPUT" in result.output
    assert "为一个或多个部门评分" in result.output and "选项:" in result.output
    assert "显示本帮助并退出。" in result.output
    assert english_words(result.output) == [], result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_in_chinese(command):
    result = run([command, "--help"], env={"RULECHECK_LANG": "zh"})
    assert result.exit_code == 0
    for line in result.output.splitlines():
        assert english_words(line) == [], line


def test_group_help_in_chinese():
    result = run(["--lang", "zh", "--help"])
    assert result.exit_code == 0
    assert "读取、运行和检查绩效评价的评分规则。" in result.output and "命令:" in result.output
    assert "显示版本并退出。" in result.output


def test_unknown_option_in_chinese():
    result = run(["--lang", "zh", "score", "--bogus"])
    assert result.exit_code == 2
    assert "错误: 没有选项 '--bogus'。" in result.output
    assert "运行 'rulecheck score --help' 查看帮助。" in result.output


def test_missing_argument_in_chinese():
    result = run(["score", "--lang", "zh"])
    assert result.exit_code == 2
    assert "错误: 缺少参数 'RULES'" in result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unknown_language_is_a_usage_error(lang):
    result = run(["--lang", "fr", "check", "x"], env={"RULECHECK_LANG": lang})
    assert result.exit_code == 2
    expected = "rulecheck speaks zh / en, not 'fr'" if lang == "en" else "'fr'"
    assert expected in result.output
    assert ("错误:" in result.output) == (lang == "zh")


def test_environment_variable_picks_chinese():
    assert "用法:" in run(["check", "--help"], env={"RULECHECK_LANG": "zh"}).output


def test_locale_picks_chinese():
    result = run(["check", "--help"], env={"RULECHECK_LANG": None, "LC_ALL": None, "LC_MESSAGES": None,
                                           "LANG": "zh_CN.UTF-8"})
    assert "用法:" in result.output and "把警告当作错误。" in result.output


def test_lang_en_overrides_the_environment():
    result = run(["--lang", "en", "check", "--help"], env={"RULECHECK_LANG": "zh"})
    assert "Usage:" in result.output and "Treat warnings as errors." in result.output
    result = run(["check", "--lang", "en", "--help"], env={"RULECHECK_LANG": "zh"})
    assert "Usage:" in result.output


def test_english_help_unchanged():
    result = run(["check", "--help"])
    assert "Usage: rulecheck check [OPTIONS] PATHS..." in result.output
    assert "Treat warnings as errors." in result.output and "Show this message and exit." in result.output


def test_click_is_left_as_it_was():
    import click.core
    before = click.core._
    run(["--lang", "zh", "check", "--help"])
    assert click.core._ is before


def test_summary_in_chinese(tmp_path):
    rules = tmp_path / "empty.rules"
    rules.write_text("", encoding="utf-8")
    result = run(["--lang", "zh", "fmt", "--check", str(tmp_path)])
    assert "1 个文件: 0 个需要重新格式化, 1 个未改动" in result.output
    result = run(["--lang", "zh", "check", str(tmp_path / "none")])
    assert result.exit_code == 2 and "不存在" in result.output


def test_locale_end_to_end(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("RULECHECK_LANG", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "zh_CN.UTF-8"
    result = subprocess.run([sys.executable, "-m", "rulecheck.cli", "check", "--help"], env=env, cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8", check=False)
    assert result.returncode == 0, result.stderr
    assert "用法: " in result.stdout and "检查规则文件" in result.stdout
    result = subprocess.run([sys.executable, "-m", "rulecheck.cli", "score", "--nope"], env=env, cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8", check=False)
    assert result.returncode == 2 and "没有选项 '--nope'" in result.stderr


def test_check_test_and_verify_summaries_in_chinese():
    rules = str(ROOT / "rules/shenzhen/departments/edu-info-center.rules")
    env = {"RULECHECK_LANG": "zh"}
    assert "已检查 1 个文件: 0 个错误, 0 个警告" in run(["check", rules], env=env).output
    assert "1 个案例文件, 3 个案例: 3 个通过" in run(["test", rules], env=env).output
    result = run(["verify", "--max-examples", "5", rules], env=env)
    assert "已验证 1 个文件: 27 个末级指标" in result.output and "全部最多用 5 组数据测试, 种子 0): 0 个问题" in result.output
    assert "✓ 公众或服务对象满意度: 在 [0, 6] 内, 1 个方向 — 全部已证明" in result.output


def test_explain_in_chinese():
    rules = str(ROOT / "rules/shenzhen/departments/edu-info-center.rules")
    facts = str(ROOT / "rules/shenzhen/departments/cases/edu-info-center-2024.yaml")
    result = run(["--lang", "zh", "explain", rules, facts], env={"RULECHECK_LANG": "en"})
    assert "总分 = 部门决策 20.00 + 部门管理 19.50 + 部门绩效 58.33 = 97.83 / 满分 100" in result.output
    result = run(["--lang", "zh", "explain", rules, facts, "满意"])
    assert result.exit_code == 2
    assert "没有名为 '满意' 的指标、指标部分或指标组\n  = 提示: 是否要写 '公众或服务对象满意度'?" in result.output
