"""Per-department scoring speed of this tree beside an earlier revision, measured in one run.

Run: python benchmarks/before_after.py [REVISION] [--rounds N]. REVISION defaults to e15920e, the last
commit before exact rational arithmetic (issue 8). Each tree is checked out into a temporary git
worktree and timed in its own interpreter: the shipped case (深圳市教育信息技术中心), and the 80
departments of rules/shenzhen/cases/corpus-2024.csv, scores only and with explanations. Best of 5.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE_EXACT = "e15920e"

TIMING = r"""
import sys, time
sys.path.insert(0, sys.argv[1] + "/src")
import rulecheck
from rulecheck.batch import read_departments
from rulecheck.evaluate import evaluate
root, rounds = sys.argv[1], int(sys.argv[2])
ruleset = rulecheck.load(root + "/rules/shenzhen/framework.rules")
case = ruleset.validate(rulecheck.load_facts(root + "/rules/shenzhen/cases/edu-info-center-2024.yaml"))
corpus = []
for department in read_departments(root + "/rules/shenzhen/cases/corpus-2024.csv", ruleset.inputs):
    try:  # the corpus has departments that cannot be scored on purpose; time those that can
        facts = ruleset.validate(department.facts)
        evaluate(ruleset.compiled, facts, explain=False)
    except rulecheck.RulecheckError:
        continue
    corpus.append(facts)
def best(facts_list, explain):
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            for facts in facts_list:
                evaluate(ruleset.compiled, facts, explain=explain)
        times.append(time.perf_counter() - start)
    return rounds * len(facts_list) / min(times)
for label, facts_list in (("shipped case", [case]), (f"corpus ({len(corpus)})", corpus)):
    for explain in (False, True):
        rate = best(facts_list, explain)
        print(f"{label:13} {'explained' if explain else 'scores   '} {rate:9,.0f} departments/s")
"""


def timings(tree: Path, rounds: int) -> list[str]:
    done = subprocess.run([sys.executable, "-c", TIMING, str(tree), str(rounds)], check=True,
                          capture_output=True, text=True)
    return done.stdout.splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", nargs="?", default=BEFORE_EXACT)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        before = Path(folder) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(before), args.revision], cwd=ROOT, check=True)
        try:
            old, new = timings(before, args.rounds), timings(ROOT, args.rounds)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=True)
    print(f"{'':33}{args.revision:>12}   this tree   change")
    for a, b in zip(old, new):
        label, rate_a, rate_b = a.rsplit(None, 2)[0], float(a.split()[-2].replace(",", "")), \
            float(b.split()[-2].replace(",", ""))
        print(f"{label:33}{rate_a:>12,.0f}{rate_b:>12,.0f}   {rate_b / rate_a - 1:+.0%}")


if __name__ == "__main__":
    main()
