"""Deep nesting: the parser refuses a tree deeper than MAX_NESTING with a positioned error (E113), and
every later stage handles a tree at that depth (no RecursionError anywhere, in one process with the
test runner's stack beneath it). Derived values chained through their names are not syntax nesting:
a chain of 200 lets is checked, scored, explained and laid out too."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.syntax.parser import MAX_NESTING

HEAD = """\
framework "深"
total 10
rounding 2 decimals half-up
inputs:
    x: number from 0 to 1
    a: bool
"""
N = MAX_NESTING


def formula(expr: str) -> str:
    return HEAD + f"indicator 甲 (10):\n    formula: {expr}\n"


def checklist(condition: str) -> str:
    return HEAD + f"indicator 甲 (10):\n    checklist:\n        {condition} → 10\n"


def groups(levels: int) -> str:
    lines = [HEAD]
    for level in range(levels):
        lines.append("    " * level + f"group 组{level} (10):\n")
    lines.append("    " * levels + "indicator 甲 (10):\n" + "    " * levels + "    assessed s\n")
    return "".join(lines).replace("    a: bool\n", "    a: bool\n    s: score from 0 to 10\n")


# depth = the number of operators, comparisons, `not`s, minus signs, calls and groups on the longest path
AT_THE_LIMIT = {
    "sum chain": formula("min(" + " + ".join(["x"] * N) + ", 10)"),             # min + N − 1 sums
    "parenthesised right": formula("min(" + "(x + " * (N - 1) + "x" + ")" * (N - 1) + ", 10)"),
    "nested calls": formula("min(" * N + "x" + ", 10)" * N),
    "minus signs": formula("− " * (N - 2) + "x + 1 + x"),
    "nots": checklist("not " * N + "a"),
    "ands": checklist(" and ".join(["a"] * (N + 1))),
    "comparisons": checklist("(" * (N - 1) + "(x ≥ 0)" + " = a)" * (N - 1)),
    "groups": groups(N),
}
OVER_THE_LIMIT = {
    "sum chain": (formula("min(" + " + ".join(["x"] * (N + 1)) + ", 10)"), 8, 18),
    "nested calls": (formula("min(" * (N + 1) + "x" + ", 10)" * (N + 1)), 8, 14 + 4 * N),
    "nots": (checklist("not " * (N + 1) + "a"), 9, 9 + 4 * N),
    "groups": (groups(N + 1), 8 + N, 1 + 4 * N),  # the input s makes HEAD one line longer
    "500 parentheses": (formula("(" * 500 + "x" + " + 1)" * 500), 8, 15 + N),  # at the 102nd '('

}


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("name", sorted(AT_THE_LIMIT))
def test_a_tree_at_the_limit_goes_through_every_stage(tmp_path, name):
    path = tmp_path / "deep.rules"
    path.write_text(AT_THE_LIMIT[name], encoding="utf-8")
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"x": "0.5", "a": True, "s": 3} if name == "groups" else {"x": "0.5", "a": True}),
                     encoding="utf-8")
    checked = run("check", str(path))
    assert checked.exit_code in (0, 1) and "error[E1" not in checked.output, checked.output
    for args in (["score", str(path), str(facts), "--explain"], ["score", str(path), str(facts), "--format", "json"],
                 ["score", str(path), str(facts), "--format", "html", "--output", str(tmp_path / "r.html")],
                 ["fmt", "--check", str(path)], ["verify", "--max-examples", "3", str(path)],
                 ["diff", str(path), str(path)]):
        result = run(*args)
        assert not isinstance(result.exception, RecursionError), (args, result.exception)
        assert "Traceback" not in result.output and "RecursionError" not in result.output, args
    assert rulecheck.loads(path.read_text(encoding="utf-8")).evaluate(json.loads(facts.read_text())).total >= 0


@pytest.mark.parametrize("name", sorted(OVER_THE_LIMIT))
def test_a_tree_over_the_limit_is_a_positioned_error(name):
    text, line, column = OVER_THE_LIMIT[name]
    (diagnostic,) = rulecheck.analyze_text(text, "deep.rules").diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("E113", line, column)
    assert diagnostic.message.endswith(f"nested more than {N} levels deep")


def test_a_sum_of_many_terms_written_with_sum_is_not_deep():
    text = formula("min(sum(" + ", ".join(["x"] * 1000) + "), 10)")
    assert rulecheck.loads(text).evaluate({"x": "0.01", "a": True}).total == 10


def test_a_chain_of_200_derived_values_is_scored_and_explained(tmp_path):
    lets = "let v0 = x\n" + "".join(f"let v{i} = v{i - 1} + 1\n" for i in range(1, 200))
    path = tmp_path / "lets.rules"
    path.write_text(HEAD.replace("    a: bool\n", "") + lets + "indicator 甲 (10):\n    formula: min(v199, 10)\n",
                    encoding="utf-8")
    facts = tmp_path / "facts.json"
    facts.write_text('{"x": 0}', encoding="utf-8")
    assert run("check", str(path)).exit_code == 0
    scored = run("score", str(path), str(facts), "--explain")
    assert scored.exit_code == 0, scored.output
    assert "where v199 = v198 + 1 = 198 + 1 = 199" in scored.output
    assert run("fmt", "--check", str(path)).exit_code == 0
