"""What must hold for every input the fuzzers draw (fuzz_strategies.py), and the fuzzers themselves:
each a strategy, a check and its share of the hypothesis profile's examples. tests/test_fuzz_*.py run
them under the project's profiles; benchmarks/fuzz.py runs them for as long as it is asked to.

- The API raises only rulecheck's documented errors (a `RulecheckError` subclass; `load_facts` also an
  `OSError` or `UnicodeDecodeError`), and every diagnostic says where it is.
- The commands exit 0, 1 or 2 and never print a Python traceback.
- A batch reader gives every record of its input once, at its line, scored or with the reasons; the
  summary's counts add up.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import cache
from pathlib import Path

import attrs
from click.testing import CliRunner, Result
from fuzz_strategies import (
    CORPUS,
    ROOT,
    RULES,
    SHIPPED_RULES,
    Batch,
    Facts,
    FactsFile,
    GeneratedFacts,
    RuleText,
    Table,
    corrupted_csv,
    corrupted_json_lines,
    facts_files,
    generated_facts,
    mangled_generated_facts,
    mangled_generated_rules,
    mangled_shipped_rules,
    odd_facts,
    tables,
    yaml_text,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rulecheck
from rulecheck.api import ruleset_from
from rulecheck.batch import read_departments, score_departments, summarize
from rulecheck.cli import main
from rulecheck.diagnostics import render_all
from rulecheck.syntax.layout import layout

FRAMEWORK = RULES / "shenzhen" / "framework.rules"
CASES = {  # the shipped case of each shipped rule file
    Path("rules/shenzhen/framework.rules"): RULES / "shenzhen" / "cases" / "edu-info-center-2024.yaml",
    Path("rules/shenzhen/departments/edu-info-center.rules"):
        RULES / "shenzhen" / "departments" / "cases" / "edu-info-center-2024.yaml",
    Path("rules/hunan-yueyang/framework.rules"): RULES / "hunan-yueyang" / "cases" / "yueyang-dept-selfeval.yaml",
    Path("rules/langfang-project/framework.rules"): RULES / "langfang-project" / "cases" / "hvac-renovation-2019.yaml",
}
SUMMARY = re.compile(r"(\d+) departments?: (\d+) scored, (\d+) failed")


@cache
def shipped(path: Path = FRAMEWORK) -> rulecheck.Ruleset:
    return rulecheck.load(path)


@cache
def case_facts(path: Path) -> dict:
    return dict(rulecheck.load_facts(path).values)


@contextlib.contextmanager
def folder() -> Iterator[Path]:
    """A fresh folder, the current one while it is used (the project root of the rule files in it)."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="rulecheck-fuzz-") as name:
        os.chdir(name)
        try:
            yield Path(name)
        finally:
            os.chdir(here)


def run(*args) -> Result:
    """The command's result; a Python exception escaping it is raised again, with its traceback."""
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), f"rulecheck {' '.join(map(str, args))}: exit code {result.exit_code}"
    assert "Traceback" not in result.output, result.output
    return result


def assert_located(diagnostics, sources: dict) -> None:
    """Every diagnostic names where it is, and a line of a file we have the text of is one of its lines."""
    for diagnostic in diagnostics:
        assert diagnostic.span is not None or diagnostic.where, diagnostic
        if diagnostic.span is not None and diagnostic.span.file in sources:
            lines = sources[diagnostic.span.file].text.count("\n") + 1
            assert 1 <= diagnostic.span.line <= lines and diagnostic.span.column >= 1, diagnostic
    assert "Traceback" not in render_all(diagnostics, sources)


# ---- rule files ---------------------------------------------------------------------------------

def check_rule_text(example: RuleText) -> None:
    """analyze_text, loads and the layout agree on a mangled file, and raise only documented errors."""
    name = str(ROOT / example.path)
    try:
        analysis = rulecheck.analyze_text(example.text, name)
    except rulecheck.InputFileError as exc:
        assert_located(exc.diagnostics, exc.sources)
        return
    assert_located(analysis.diagnostics, analysis.linked.sources)
    try:
        ruleset = ruleset_from(analysis)  # what loads does with it
    except rulecheck.RuleFileError as exc:
        assert analysis.compiled is None, "loads refused a file that analyze_text compiled"
        assert exc.diagnostics
        ruleset = None
    else:
        assert analysis.compiled is not None, "loads accepted a file that analyze_text did not compile"
    scores = score_case(ruleset, example.path)
    check_layout(example, name, analysis, scores)


def score_case(ruleset, path: Path):
    """The scores of the file's shipped case, or the codes of the documented error that refused them;
    the corpus's departments are scored too (each with a result or its reasons, never an exception)."""
    if ruleset is None:
        return None
    for item in score_departments(ruleset, read_departments(CORPUS, ruleset.inputs, ruleset.required_inputs)):
        assert item.ok or item.diagnostics, item
    try:
        return ruleset.evaluate(case_facts(CASES[path]) if path in CASES else {}).scores()
    except (rulecheck.FactsError, rulecheck.EvaluationError) as exc:
        assert_located(exc.diagnostics, exc.sources)
        return sorted(d.code for d in exc.diagnostics)


def check_layout(example: RuleText, name: str, analysis, scores) -> None:
    """fmt's layout: refused only for a file with errors, a fixed point, and the same meaning."""
    try:
        formatted = layout(example.text, name)
    except rulecheck.RuleFileError as exc:
        assert not analysis.ok, "fmt refuses a file that check accepts"
        assert_located(exc.diagnostics, exc.sources)
        return
    assert layout(formatted, name) == formatted, "the layout of the layout differs"
    if analysis.compiled is not None:
        again = rulecheck.analyze_text(formatted, name)
        assert again.compiled is not None, "the file compiles, its layout does not"
        assert [d.code for d in again.diagnostics] == [d.code for d in analysis.diagnostics]
        assert score_case(ruleset_from(again), example.path) == scores


@contextlib.contextmanager
def rule_tree(example: RuleText) -> Iterator[Path]:
    """The shipped rule files copied to a fresh folder, the example's file written over its own."""
    with folder() as top:
        for path in SHIPPED_RULES:
            (top / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / path, top / path)
        (top / example.path).parent.mkdir(parents=True, exist_ok=True)
        (top / example.path).write_bytes(example.text.encode("utf-8"))
        yield example.path


def check_rule_commands(example: RuleText) -> None:
    """check, score and explain (the shipped case), fmt on a mangled file; a file fmt writes is then canonical."""
    with rule_tree(example) as path:
        run("check", path)
        case = CASES.get(example.path, CASES[Path("rules/shenzhen/framework.rules")])
        run("score", path, case)
        run("explain", path, case)
        run("fmt", "--diff", path)
        if run("fmt", path).exit_code == 0:
            assert run("fmt", "--check", path).exit_code == 0, "a file fmt wrote is not in canonical layout"


def check_generated_commands(example: GeneratedFacts) -> None:
    """check, score, explain (in both languages) and fmt on a generated framework, as written or mangled,
    with its facts as a YAML file: exit codes 0, 1 or 2, never a traceback."""
    with folder() as top:
        rules, facts = top / "generated.rules", top / "facts.yaml"
        rules.write_text(example.text, encoding="utf-8")
        facts.write_text(yaml_text(example.values), encoding="utf-8")
        run("check", rules)
        run("score", rules, facts)
        run("explain", rules, facts)
        run("--lang", "zh", "explain", rules, facts)
        if run("fmt", rules).exit_code == 0:
            assert run("fmt", "--check", rules).exit_code == 0, "a file fmt wrote is not in canonical layout"


def check_rule_verify(example: RuleText) -> None:
    with rule_tree(example) as path:
        run("verify", "--max-examples", "2", path)


# ---- facts --------------------------------------------------------------------------------------

def check_facts(facts: Facts) -> None:
    """Odd values through validate and evaluate: a FactsError or an EvaluationError, located, or scores."""
    ruleset = shipped()
    try:
        ruleset.validate(facts.values)
    except rulecheck.FactsError as exc:
        assert exc.diagnostics
        assert_located(exc.diagnostics, exc.sources)
    try:
        result = ruleset.evaluate(facts.values)
    except (rulecheck.FactsError, rulecheck.EvaluationError) as exc:
        assert_located(exc.diagnostics, exc.sources)
        return
    assert result.total is not None and 0 <= result.total <= result.max


def check_generated_facts(example: GeneratedFacts) -> None:
    """Facts for a generated framework (dates, constraints, matrices …), some odd: refused with located
    facts or scoring errors, or scored within every node's points."""
    ruleset = rulecheck.loads(example.text, "generated.rules")
    try:
        result = ruleset.evaluate(example.values)
    except (rulecheck.FactsError, rulecheck.EvaluationError) as exc:
        assert exc.diagnostics
        assert_located(exc.diagnostics, exc.sources)
        return
    for _, node in result.walk():
        assert 0 <= node.score <= node.max, (node.name, node.score)


def check_facts_file(file: FactsFile) -> None:
    """A facts file through load_facts, evaluate, and `rulecheck score`."""
    with folder() as top:
        path = top / file.name
        path.write_bytes(file.data)
        try:
            facts = rulecheck.load_facts(path)
        except rulecheck.FactsError as exc:
            assert_located(exc.diagnostics, exc.sources)
        except (OSError, UnicodeDecodeError):  # documented: a file that cannot be read
            pass
        else:
            try:
                shipped().evaluate(facts)
            except (rulecheck.FactsError, rulecheck.EvaluationError) as exc:
                assert_located(exc.diagnostics, exc.sources)
        run("score", FRAMEWORK, path)


def check_table(table: Table) -> None:
    """Departments with odd values, as a CSV and as JSON Lines: each row comes out once, at its line."""
    rows = table.csv_lines()
    keys = ["", *(None if b"\n" in row or b"\r" in row else f"R{i}" for i, row in enumerate(rows[1:], 1))]
    check_batch(Batch(".csv", tuple(rows), tuple(keys), b"\r\n", header_may_fail=True))
    lines = table.json_lines()
    check_batch(Batch(".jsonl", tuple(lines), tuple(f"R{i}" for i in range(1, len(lines) + 1))))


# ---- batches ------------------------------------------------------------------------------------

def check_batch(batch: Batch) -> None:
    """Every record once, at its line, with its key; the summary adds up; the command agrees."""
    ruleset = shipped()
    with folder() as top:
        path = top / f"departments{batch.suffix}"
        path.write_bytes(batch.data())
        try:
            departments = read_departments(path, ruleset.inputs, ruleset.required_inputs)
            scored = list(score_departments(ruleset, departments))
        except rulecheck.InputFileError as exc:
            assert batch.header_may_fail, f"the input was refused whole: {exc}"
            assert_located(exc.diagnostics, exc.sources)
            assert run("score", FRAMEWORK, path).exit_code == 2
            return
        check_records(batch, path, scored)
        check_summary(summarize(ruleset, scored), scored)
        check_command(path, scored)


def check_records(batch: Batch, path: Path, scored: list) -> None:
    must, may = batch.expected()
    at = {}
    for item in scored:
        file, _, line = item.where.rpartition(":")
        assert file == str(path) and line.isdigit(), f"{item.where}: not the input's line"
        assert int(line) not in at, f"line {line} gave two records: {at[int(line)].key!r} and {item.key!r}"
        at[int(line)] = item
        assert item.ok or item.diagnostics, f"{item.where}: no result and no reason"
    lost = {line: key for line, key in must.items() if line not in at}
    assert not lost, f"records lost (line: key): {lost}"
    wrong = {line: (key, at[line].key) for line, key in must.items() if key is not None and at[line].key != key}
    assert not wrong, f"records with another key (line: (key, as read)): {wrong}"
    extra = sorted(set(at) - set(must) - may)
    assert not extra, f"records at lines that start none: {extra}"


def check_summary(summary, scored: list) -> None:
    assert summary.departments == len(scored)
    assert summary.scored + summary.failed == summary.departments
    assert summary.scored == sum(item.ok for item in scored)
    assert sum(count for _, count in summary.grades) == summary.scored


def check_command(path: Path, scored: list) -> None:
    output = path.with_name("scores.jsonl")
    result = run("score", FRAMEWORK, path, "--format", "jsonl", "--output", output)
    assert result.exit_code in (0, 1) and (result.exit_code == 1 or all(item.ok for item in scored))
    text = output.read_text(encoding="utf-8")  # lines end at "\n" only: a value may hold "\u2028"
    rows = [json.loads(line) for line in text.split("\n") if line]
    assert [row["key"] for row in rows] == [item.key for item in scored]
    counts = SUMMARY.search(result.output)
    assert counts, result.output[-500:]
    assert tuple(map(int, counts.groups())) == (len(scored), sum(i.ok for i in scored), sum(not i.ok for i in scored))


# ---- the fuzzers ----------------------------------------------------------------------------------

@attrs.frozen
class Fuzzer:
    """A strategy (made when first used: it reads the shipped files), the check each example must pass,
    the share of the profile's max_examples it runs, and its deadline per example."""
    strategy: Callable[[], st.SearchStrategy]
    check: Callable[[object], None]
    share: float
    deadline: timedelta = timedelta(seconds=5)


FUZZERS = {
    "rules-api": Fuzzer(mangled_shipped_rules, check_rule_text, 0.5),
    "generated-rules-api": Fuzzer(mangled_generated_rules, check_rule_text, 0.3),
    "rules-commands": Fuzzer(mangled_shipped_rules, check_rule_commands, 0.2, timedelta(seconds=10)),
    "rules-verify": Fuzzer(mangled_shipped_rules, check_rule_verify, 0.1, timedelta(seconds=10)),
    "generated-commands": Fuzzer(mangled_generated_facts, check_generated_commands, 0.2, timedelta(seconds=10)),
    "facts-api": Fuzzer(odd_facts, check_facts, 1),
    "generated-facts": Fuzzer(generated_facts, check_generated_facts, 0.5),
    "facts-files": Fuzzer(facts_files, check_facts_file, 0.3),
    "facts-tables": Fuzzer(tables, check_table, 0.2, timedelta(seconds=10)),
    "corrupted-csv": Fuzzer(corrupted_csv, check_batch, 0.2, timedelta(seconds=10)),
    "corrupted-jsonl": Fuzzer(corrupted_json_lines, check_batch, 0.2, timedelta(seconds=10)),
}
SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                HealthCheck.filter_too_much, HealthCheck.nested_given]  # verify runs hypothesis inside


def fuzz_test(name: str) -> Callable[[], None]:
    """A test running one fuzzer with its share of the current profile's examples (fast or thorough)."""
    return hypothesis_test(name, max_examples=max(2, round(settings().max_examples * FUZZERS[name].share)))


def hypothesis_test(name: str, **options) -> Callable[[], None]:
    """One fuzzer as a hypothesis test, with its deadline and the given settings (max_examples, …)."""
    fuzzer = FUZZERS[name]

    def test(example) -> None:
        fuzzer.check(example)

    test._hypothesis_internal_add_digest = name.encode()  # its own key in the example database
    config = settings(deadline=fuzzer.deadline, suppress_health_check=SLOW_IS_FINE, **options)
    test = config(given(st.deferred(fuzzer.strategy))(test))
    test.__name__ = test.__qualname__ = f"test_fuzz_{name.replace('-', '_')}"
    return test
