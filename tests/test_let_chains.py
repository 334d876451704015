"""Long chains of derived values: every command is linear in the lets, and none recurses through them.

A let that read the previous one twice used to double the compile time (a 40-let file never finished),
and about 200 chained lets exhausted Python's stack. Each chain here is run through the commands in a
child process with a time limit, so that a return of either fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

import rulecheck
from rulecheck.check.lets import post_order

HEADER = """\
framework "x"
total 10
rounding 2 decimals half-up

inputs:
    a: number from 0 to 1 "a"
"""


def chain(lets: int, step: str, formula: str) -> str:
    """A rule file with `let v0 = a` and `let v{i} = step` (with {prev} the let before), read by one formula."""
    lines = [HEADER, "let v0 = a"]
    lines += [f"let v{i} = {step.format(prev=f'v{i - 1}')}" for i in range(1, lets + 1)]
    lines += ["", "indicator k (10):", f"    formula: {formula}"]
    return "\n".join(lines) + "\n"


DOUBLING = 60  # v60 = 2**60 × a: each let reads the one before twice
LINEAR = 300
DEEP = 1000
FILES = {
    "doubling": (chain(DOUBLING, "{prev} + {prev}", f"v{DOUBLING} / {2 ** DOUBLING} × 10"),
                 f"v{DOUBLING} = v{DOUBLING - 1} + v{DOUBLING - 1} = {Decimal('0.3') * 2 ** (DOUBLING - 1)} + "
                 f"{Decimal('0.3') * 2 ** (DOUBLING - 1)} = {Decimal('0.3') * 2 ** DOUBLING}"),
    "linear": (chain(LINEAR, "{prev} + 1", f"(v{LINEAR} − {LINEAR}) × 10"),
               f"v{LINEAR} = v{LINEAR - 1} + 1 = {LINEAR - 1}.3 + 1 = {LINEAR}.3"),
    "deep": (chain(DEEP, "{prev} + 1", f"(v{DEEP} − {DEEP}) × 10"), f"v{DEEP} = v{DEEP - 1} + 1 = {DEEP - 1}.3 + 1 = {DEEP}.3"),
}

# Runs each command in one child process (one interpreter start) and prints what each said, as JSON.
DRIVER = """\
import json, sys
from click.testing import CliRunner
from rulecheck.cli import main
rules, facts = sys.argv[1:]
commands = {"check": ["check", rules], "verify": ["verify", rules, "--max-examples", "50"],
            "score": ["score", rules, facts], "explain": ["explain", rules, facts], "fmt": ["fmt", "--check", rules]}
said = {}
for name, args in commands.items():
    result = CliRunner().invoke(main, args)
    said[name] = [result.exit_code, result.output, repr(result.exception) if result.exit_code > 1 else None]
print(json.dumps(said))
"""


@pytest.fixture(scope="module", params=sorted(FILES))
def commands(request, tmp_path_factory):
    text, _ = FILES[request.param]
    folder = tmp_path_factory.mktemp(request.param)
    (folder / "chain.rules").write_text(text, encoding="utf-8")
    (folder / "facts.yaml").write_text("a: 0.3\n", encoding="utf-8")
    # bounded time: the doubling chain used to never finish, the deep one to end in a RecursionError;
    # all five commands now take about a second or two together, interpreter start included
    done = subprocess.run([sys.executable, "-c", DRIVER, str(folder / "chain.rules"), str(folder / "facts.yaml")],
                          capture_output=True, text=True, timeout=60, cwd=folder)
    assert done.returncode == 0, done.stderr
    return request.param, json.loads(done.stdout)


def test_check_proves_the_chain_bounded(commands):
    _, said = commands
    assert said["check"][:2] == [0, "1 file checked: 0 errors, 0 warnings\n"]


def test_verify_finds_no_problem(commands):
    _, said = commands
    code, output, _ = said["verify"]
    assert code == 0 and "1 proved statically" in output and output.endswith(": 0 problems\n"), output


def test_the_chain_scores_exactly(commands):
    _, said = commands
    code, output, _ = said["score"]
    assert code == 0 and "3.00" in output.splitlines()[-1], output  # 0.3 × 10: the chain cancels exactly


def test_explain_shows_every_let_innermost_first(commands):
    which, said = commands
    code, output, _ = said["explain"]
    steps = [line.split("where ", 1)[1] for line in output.splitlines() if "where " in line]
    lets = {"doubling": DOUBLING, "linear": LINEAR, "deep": DEEP}[which]
    assert code == 0 and len(steps) == lets + 1, output[-2000:]
    assert steps[0] == "v0 = a = 0.3 = 0.3"
    assert steps[-1] == FILES[which][1]


def test_the_generated_file_is_in_the_canonical_layout(commands):
    _, said = commands
    assert said["fmt"][0] == 0, said["fmt"]


def test_a_failing_let_at_the_bottom_of_a_deep_chain_fails_the_leaf_that_reads_it():
    text = chain(DEEP, "{prev} + 1", f"min(v{DEEP} − {DEEP}, 10)").replace("let v0 = a", "let v0 = 1 / a")
    with pytest.raises(rulecheck.EvaluationError) as caught:
        rulecheck.loads(text).evaluate({"a": 0})
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E601" and diagnostic.message == "division by zero: 'a' is 0 (scoring 'k')"
    assert diagnostic.span.line == 8  # the let that divides


UNREAD_BRANCH = HEADER + """\
    b: number from 0 to 1
let r = b / a
let far = r + 1
let ok = a > 0 and far > 2
let 未读 = b / a

indicator k (10):
    checklist:
        ok → 10
        b ≥ 0 → 0
"""


def test_a_let_only_a_skipped_branch_reads_does_not_fail_when_it_would_divide_by_zero():
    # `ok` reads `far` (and through it `r`) only when a > 0: with a = 0 scoring never reads them, so
    # their division by zero changes nothing, as a let no rule reads at all (未读)
    ruleset = rulecheck.loads(UNREAD_BRANCH)
    assert ruleset.evaluate({"a": 0, "b": 1}, explain=False)["k"].score == 0
    assert ruleset.evaluate({"a": "0.1", "b": 1}, explain=False)["k"].score == 10


GRADE_LET = """\
framework "x"
total 5
rounding 2 decimals half-up
inputs:
    公开: grade(按规定公开, 未公开)
let 已公开 = 公开 = 按规定公开
indicator X (5):
    checklist:
        已公开 → 5
"""


def test_a_grade_value_compared_in_a_let_is_not_a_required_input():
    # the inputs a leaf reads through lets come from the resolved lets, where 按规定公开 is a grade value
    assert list(rulecheck.loads(GRADE_LET).required_inputs) == ["公开"]


def recursive_post_order(roots, children) -> list:
    """What post_order replaces: the same walk, recursively."""
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        for child in children(name):
            visit(child)
        order.append(name)

    for root in roots:
        visit(root)
    return order


@pytest.mark.parametrize("graph", [
    {"a": "bc", "b": "dc", "c": "d", "d": ""},
    {"x": "yz", "y": "x", "z": "zy"},  # cycles (reported as E204) end the walk too
    {"p": "", "q": "p", "r": "qp", "s": "rq"},
])
def test_post_order_is_the_recursive_walk_s_order(graph):
    children = lambda name: list(graph[name])  # noqa: E731
    for roots in (list(graph), list(reversed(graph))):
        assert post_order(roots, children) == recursive_post_order(roots, children)
