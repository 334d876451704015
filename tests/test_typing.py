"""The package is typed for its users: it ships `py.typed`, and a developer's script written against
the documented API (tests/data/typed_user/user_script.py) passes `mypy --strict` with no Any coming
out of rulecheck: results, diagnostics, facts and batch summaries all have precise types.

mypy checks the script against the installed package, as it would in the developer's project, with
no configuration of ours (`--config-file=`: this repository's [tool.mypy] is not the user's).
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import rulecheck

mypy_api = pytest.importorskip("mypy.api", reason="mypy type-checks the user's script (pip install '.[test]')")

USER_SCRIPT = Path(__file__).parent / "data" / "typed_user" / "user_script.py"
ROOT = Path(__file__).resolve().parents[1]


def mypy(path: Path, cache: Path, *flags: str) -> tuple[str, int]:
    """mypy's report on `path` and its exit status, in strict mode and with no configuration file."""
    stdout, stderr, status = mypy_api.run([str(path), "--strict", "--config-file=", "--cache-dir", str(cache),
                                           "--no-error-summary", "--hide-error-context", *flags])
    return stdout + stderr, status


def test_the_package_says_it_is_typed():
    assert resources.files(rulecheck).joinpath("py.typed").is_file()


def test_the_user_script_passes_mypy_strict_with_no_any_expression(tmp_path):
    report, status = mypy(USER_SCRIPT, tmp_path, "--disallow-any-expr")
    assert report == "" and status == 0, report


def test_the_user_script_runs(tmp_path):
    """The script type-checked above is a real one: it scores the shipped case, a what-if, a typo and
    the sample corpus."""
    run = subprocess.run([sys.executable, str(USER_SCRIPT), str(ROOT)], capture_output=True, text=True,
                         encoding="utf-8", cwd=tmp_path, check=False)
    assert run.returncode == 0, run.stderr
    assert "部门整体支出绩效评价共性指标体系框架: 97.83 / 100 优" in run.stdout
    assert "  项目完成及时性 lost 0.19: 180/31 (rounded to 5.81)" in run.stdout
    assert "4.52005 rounded to 4.52    [" in run.stdout
    assert "what if 满意度 were 85%: 93.83 优" in run.stdout
    assert '"code": "F504", "hint": "did you mean \'满意度\'?"' in run.stdout
    assert "80 of 80 scored; median 91.715" in run.stdout


# What the documented API gives, as mypy reveals it (with the `builtins.` prefix older mypys print
# removed); the last line is a control: an expression that is Any must be seen as Any.
REVEALED = {
    "rulecheck.load(path)": "rulecheck.api.Ruleset",
    "ruleset.inputs": "dict[str, rulecheck.syntax.ast.InputDecl]",
    "ruleset.required_inputs": "dict[str, list[tuple[str, rulecheck.source.Span | None]]]",
    "ruleset.sources": "dict[str, rulecheck.source.Source]",
    "ruleset.warnings": "tuple[rulecheck.diagnostics.Diagnostic, ...]",
    "ruleset.findings": "tuple[rulecheck.diagnostics.Diagnostic, ...]",
    "ruleset.validate({})": "dict[str, object]",
    "result.total": "decimal.Decimal",
    "result.grade": "str | None",
    "result.grade_step": "rulecheck.results.Step | None",
    "result.nodes": "tuple[rulecheck.results.NodeResult, ...]",
    "result.leaves()": "list[rulecheck.results.NodeResult]",
    "result.scores()": "dict[str, decimal.Decimal]",
    "result.to_dict()": "dict[str, object]",
    "result['预算执行率']": "rulecheck.results.NodeResult",
    "node.children": "tuple[rulecheck.results.NodeResult, ...]",
    "node.explanation": "tuple[rulecheck.results.Step, ...]",
    "node.explanation[0].span": "rulecheck.source.Span | None",
    "node.unrounded": "decimal.Decimal | rulecheck.numbers.Ratio | None",
    "facts.values": "dict[str, object]",
    "facts.spans": "dict[str, rulecheck.source.Span]",
    "rulecheck.analyze(path).diagnostics": "list[rulecheck.diagnostics.Diagnostic]",
    "error.diagnostics": "list[rulecheck.diagnostics.Diagnostic]",
    "error.diagnostics[0].example": "tuple[str, ...]",
    "error.sources": "dict[str, rulecheck.source.Source]",
    "department.facts": "dict[str, object]",
    "department.errors": "tuple[rulecheck.diagnostics.Diagnostic, ...]",
    "scored.diagnostics": "tuple[rulecheck.diagnostics.Diagnostic, ...]",
    "scored.result": "rulecheck.results.Result | None",
    "summary.grades": "tuple[tuple[str, int], ...]",
    "summary.totals": "tuple[decimal.Decimal, ...]",
    "summary.indicators[0].rate": "decimal.Decimal | rulecheck.numbers.Ratio",
    "summary.figures()": "dict[str, decimal.Decimal]",
    "json.loads('1')": "Any",
}

PROBE_HEAD = """\
import json
import rulecheck
from rulecheck.batch import read_departments, score_departments, summarize

path = "framework.rules"
ruleset = rulecheck.load(path)
result = ruleset.evaluate({})
node = result["预算执行率"]
facts = rulecheck.load_facts("case.yaml")
error = rulecheck.RulecheckError([])
department = next(read_departments("corpus.csv"))
scored = next(score_departments(ruleset, [department]))
summary = summarize(ruleset, [scored])
"""


def test_the_results_are_not_any(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE_HEAD + "".join(f"reveal_type({expression})\n" for expression in REVEALED),
                     encoding="utf-8")
    report, _status = mypy(probe, tmp_path / "cache")
    first = PROBE_HEAD.count("\n") + 1
    revealed = {int(line): shown.replace("builtins.", "")
                for line, shown in re.findall(r':(\d+): note: Revealed type is "(.*)"', report)}
    assert [revealed.get(first + index) for index in range(len(REVEALED))] == list(REVEALED.values()), report
    assert ": error:" not in report, report
