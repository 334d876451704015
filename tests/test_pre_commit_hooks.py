"""The hooks a repository of rule files runs on commit (.pre-commit-hooks.yaml) are real commands that
pass on the shipped rules."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from rulecheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
# what pre-commit would pass: the changed files (here, every shipped rule file), or the hook's args
ARGS = {"rulecheck-test": ["rules/shenzhen/framework.rules"]}


def test_the_hooks_cover_check_fmt_and_test():
    assert [hook["id"] for hook in HOOKS] == ["rulecheck-check", "rulecheck-fmt", "rulecheck-test"]
    for hook in HOOKS:
        assert hook["language"] == "python" and hook["entry"].startswith("rulecheck ")
        assert re.search(hook["files"], "rules/shenzhen/framework.rules")


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h["id"])
def test_each_hook_passes_on_the_shipped_rules(hook, monkeypatch):
    monkeypatch.chdir(ROOT)
    command = shlex.split(hook["entry"])[1:]
    files = [] if hook.get("pass_filenames") is False else [str(p.relative_to(ROOT))
                                                            for p in sorted((ROOT / "rules").rglob("*.rules"))]
    result = CliRunner().invoke(main, command + ARGS.get(hook["id"], []) + files)
    assert result.exit_code == 0, result.output


def test_the_check_hook_fails_on_a_broken_file(monkeypatch):
    monkeypatch.chdir(ROOT)
    (hook,) = [h for h in HOOKS if h["id"] == "rulecheck-check"]
    broken = "tests/data/broken/missing-cap.rules"
    result = CliRunner().invoke(main, shlex.split(hook["entry"])[1:] + [broken])
    assert result.exit_code == 1 and "error[E501]" in result.stdout
