"""Mutation benchmark: how many random edits of the Shenzhen framework that change its meaning `check` and
`verify` catch, before any case is written.

Run: python benchmarks/mutants.py [--mutants 250] [--seed 2024] [--jobs 2]   (about ten minutes on two
cores: verify runs on each mutant that check lets through).

A mutant is one small edit of rules/shenzhen/framework.rules, drawn at random (seeded) from what an analyst
slips into when editing: a comparison operator changed (≥ for >, ≤ for ≥ …), a number changed (a
threshold or points one step up or down, a % dropped or added), an arithmetic operator changed, min for
max, above for below, a row of a band table or checklist deleted, or an input a rule reads replaced by
another input of the same type. Only the code of a line is edited, never its comment, and mutants that do
not parse are drawn again (a syntax error is caught by anything).

Equivalent mutants are recognised by scoring: a mutant that checks without error and gives every
department the same leaf scores, total and grade as the original — the 80 departments of the sample
corpus and 400 random departments drawn inside the declared domains — does not change the meaning and is
left out. A mutant `rulecheck check --strict` refuses (an error or a warning) is caught by check; one that
passes and that `rulecheck verify` reports is caught by verify. Prints the figures and every survivor.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

import rulecheck
from rulecheck.api import ruleset_from
from rulecheck.batch import read_departments
from rulecheck.cli import main as cli
from rulecheck.diagnostics import RulecheckError

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "rules" / "shenzhen" / "framework.rules"
CORPUS = ROOT / "rules" / "shenzhen" / "cases" / "corpus-2024.csv"
RANDOM_DEPARTMENTS = 400

COMPARISONS = ["≥", "≤", ">", "<"]
ARITHMETIC = ["×", "÷", "+", "−"]
NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(%?)")
WORDS = {"min(": "max(", "max(": "min(", "above": "below", "below": "above"}


def code_of(line: str) -> str:
    """The part of a line before its comment (a # outside quotes)."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return line[:index]
    return line


class Mutator:
    """Draws single edits of the framework's text."""

    def __init__(self, text: str, rng: random.Random):
        self.lines, self.rng = text.split("\n"), rng
        ruleset = rulecheck.loads(text)
        self.inputs_by_kind: dict[str, list[str]] = {}
        for name, decl in ruleset.inputs.items():
            self.inputs_by_kind.setdefault(decl.type.kind, []).append(name)
        self.kind_of = {name: decl.type.kind for name, decl in ruleset.inputs.items()}
        body = next(i for i, line in enumerate(self.lines) if line.startswith("group "))
        self.rule_lines = [i for i in range(body, len(self.lines)) if code_of(self.lines[i]).strip()]
        self.all_lines = [i for i, line in enumerate(self.lines) if code_of(line).strip()]

    def draw(self) -> tuple[str, str]:
        """(description, mutated text)."""
        while True:
            kind = self.rng.choice(["comparison", "number", "arithmetic", "word", "delete", "swap", "domain"])
            found = getattr(self, kind)()
            if found is not None:
                index, new, what = found
                lines = list(self.lines)
                lines[index] = new
                return f"line {index + 1}: {what}", "\n".join(lines)

    def _pick(self, lines: list[int], pattern: re.Pattern):
        candidates = [(i, m) for i in lines for m in pattern.finditer(code_of(self.lines[i]))]
        return self.rng.choice(candidates) if candidates else None

    def _replace(self, index: int, match: re.Match, new: str, what: str):
        line = self.lines[index]
        return index, line[:match.start()] + new + line[match.end():], what

    def comparison(self):
        picked = self._pick(self.rule_lines, re.compile(r"[≥≤<>]"))
        if picked is None:
            return None
        index, match = picked
        new = self.rng.choice([c for c in COMPARISONS if c != match.group()])
        return self._replace(index, match, new, f"{match.group()} → {new}")

    def arithmetic(self):
        picked = self._pick(self.all_lines, re.compile(r"(?<=\s)[×÷+−/](?=\s)"))
        if picked is None:
            return None
        index, match = picked
        new = self.rng.choice([c for c in ARITHMETIC if c != match.group()])
        return self._replace(index, match, new, f"{match.group()} → {new}")

    def number(self):
        picked = self._pick(self.all_lines, NUMBER)
        if picked is None:
            return None
        index, match = picked
        digits, percent = match.groups()
        value = Decimal(digits)
        step = Decimal(1) if value == value.to_integral_value() else Decimal("0.1")
        choice = self.rng.choice(["up", "down", "percent", "times ten"])
        if choice == "percent":
            new = digits if percent else digits + "%"
        elif choice == "times ten":
            new = str(value * 10) + percent
        else:
            changed = value + step if choice == "up" else value - step
            if changed < 0:
                return None
            new = str(changed) + percent
        return self._replace(index, match, new, f"{match.group()} → {new}")

    def word(self):
        pattern = re.compile("|".join(re.escape(w) for w in WORDS))
        picked = self._pick(self.rule_lines, pattern)
        if picked is None:
            return None
        index, match = picked
        return self._replace(index, match, WORDS[match.group()], f"{match.group()} → {WORDS[match.group()]}")

    def delete(self):
        rows = [i for i in self.rule_lines if "→" in code_of(self.lines[i])]
        index = self.rng.choice(rows)
        return index, "", f"row deleted: {self.lines[index].strip()}"

    def swap(self):
        names = sorted(self.kind_of, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(n) for n in names))
        declared = ("increasing", "decreasing")  # a direction is a claim about the rule, not what it reads
        lines = [i for i in self.rule_lines if not code_of(self.lines[i]).lstrip().startswith(declared)]
        picked = self._pick(lines, pattern)
        if picked is None:
            return None
        index, match = picked
        others = [n for n in self.inputs_by_kind[self.kind_of[match.group()]] if n != match.group()]
        if not others:
            return None
        new = self.rng.choice(others)
        return self._replace(index, match, new, f"{match.group()} → {new}")

    def domain(self):
        declarations = [i for i in self.all_lines if re.match(r"\s+\S+: (count|amount|percent|score) ", self.lines[i])]
        picked = self._pick(declarations, NUMBER)
        if picked is None:
            return None
        index, match = picked
        digits, percent = match.groups()
        new = str(Decimal(digits) + (1 if Decimal(digits) == 0 else -1)) + percent
        return self._replace(index, match, new, f"domain {match.group()} → {new}")


def random_departments(ruleset, rng: random.Random, count: int) -> list[dict]:
    """Departments drawn inside the declared domains, the ends of each domain included."""
    from rulecheck.domains import domain_of
    departments = []
    for _ in range(count):
        facts: dict = {}
        for name, decl in ruleset.inputs.items():
            domain = domain_of(decl)
            if domain.kind == "bool":
                facts[name] = rng.random() < 0.7
            elif domain.kind == "grade":
                facts[name] = rng.choice(domain.values)
            else:
                low = domain.low if domain.low is not None else Decimal(0)
                span = {"count": 200, "amount": 20000}.get(domain.kind, Decimal(2))
                high = domain.high if domain.high is not None else low + span
                if domain.kind == "count":
                    value = Decimal(rng.randint(int(low) + domain.low_exclusive, int(high)))
                else:
                    value = low + (high - low) * Decimal(rng.randint(0, 10000)) / 10000
                    if domain.low_exclusive and value == low:
                        value = low + (high - low) / 100
                facts[name] = f"{value * 100}%" if domain.kind == "percent" else value
        departments.append(facts)
    return departments


def scores(ruleset, departments: list[dict]) -> list:
    outcomes = []
    for facts in departments:
        try:
            result = ruleset.evaluate(facts)
        except RulecheckError as exc:
            outcomes.append(("failed", tuple(d.code for d in exc.diagnostics)))
        else:
            outcomes.append((tuple(leaf.score for leaf in result.leaves()), result.total, result.grade))
    return outcomes


def judge(job: tuple[str, str, list, list]) -> tuple[str, str]:
    """(description, verdict): 'equivalent', 'check', 'verify' or 'survived'."""
    what, text, departments, expected = job
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "framework.rules"
        path.write_text(text, encoding="utf-8")
        runner = CliRunner()
        analysis = rulecheck.analyze(path)
        if analysis.compiled is not None and scores(ruleset_from(analysis), departments) == expected:
            return what, "equivalent"  # a mutant that does not compile has no meaning to compare: changed
        if runner.invoke(cli, ["--lang", "en", "check", "--strict", str(path)]).exit_code != 0:
            return what, "check"
        if runner.invoke(cli, ["--lang", "en", "verify", str(path)]).exit_code != 0:
            return what, "verify"
        return what, "survived"


def parses(text: str) -> bool:
    analysis = rulecheck.analyze_text(text, "mutant.rules")
    return not any(d.code.startswith("E1") for d in analysis.diagnostics)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=int, default=250)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    text = FRAMEWORK.read_text(encoding="utf-8")
    rng = random.Random(args.seed)
    original = rulecheck.load(FRAMEWORK)
    corpus = [dict(d.facts) for d in read_departments(CORPUS, original.inputs, original.required_inputs)]
    departments = corpus + random_departments(original, rng, RANDOM_DEPARTMENTS)
    expected = scores(original, departments)
    mutator, mutants, seen = Mutator(text, rng), [], set()
    while len(mutants) < args.mutants:
        what, mutated = mutator.draw()
        if mutated in seen or mutated == text or not parses(mutated):
            continue
        seen.add(mutated)
        mutants.append((what, mutated, departments, expected))
    with ProcessPoolExecutor(args.jobs) as pool:
        verdicts = list(pool.map(judge, mutants, chunksize=4))
    counts = Counter(verdict for _, verdict in verdicts)
    changing = len(verdicts) - counts["equivalent"]
    killed = counts["check"] + counts["verify"]
    print(f"{len(verdicts)} mutants (seed {args.seed}): {counts['equivalent']} equivalent (same scores for "
          f"{len(departments)} departments), {changing} change the meaning")
    print(f"  caught by check:          {counts['check']}")
    print(f"  caught by verify:         {counts['verify']}")
    print(f"  caught by check + verify: {killed}/{changing} ({100 * killed / changing:.0f}%)")
    print(f"  survived:                 {counts['survived']}")
    for what, verdict in verdicts:
        if verdict == "survived":
            print(f"    {what}")


if __name__ == "__main__":
    sys.exit(main())
