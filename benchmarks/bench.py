"""Benchmarks: how long checking takes and how many departments a second rulecheck scores.

Run: python benchmarks/bench.py [--departments N]. Prints wall-clock figures for this machine;
speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import rulecheck
from rulecheck.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "rules/shenzhen/framework.rules"
CASE = ROOT / "rules/shenzhen/cases/edu-info-center-2024.yaml"


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=20_000)
    args = parser.parse_args()

    command = [sys.executable, "-m", "rulecheck.cli", "check", str(FRAMEWORK)]
    check_cli = best_of(5, lambda: subprocess.run(command, check=True, capture_output=True))
    print(f"rulecheck check framework.rules, interpreter start included: {check_cli * 1000:.0f} ms (best of 5)")

    load = best_of(5, lambda: rulecheck.load(FRAMEWORK))
    print(f"load (parse, link, check, compile, prove) in process:     {load * 1000:.1f} ms (best of 5)")

    command = [sys.executable, "-m", "rulecheck.cli", "verify", str(FRAMEWORK)]
    verify_cli = best_of(1, lambda: subprocess.run(command, check=True, capture_output=True))
    print(f"rulecheck verify framework.rules (200 examples a property):  {verify_cli:.1f} s")

    ruleset = rulecheck.load(FRAMEWORK)
    facts = ruleset.validate(rulecheck.load_facts(CASE))
    for explain in (False, True):
        elapsed = best_of(3, lambda explain=explain: [evaluate(ruleset.compiled, facts, explain=explain)
                                                      for _ in range(args.departments)])
        label = "with explanations" if explain else "scores only      "
        print(f"evaluate {label}: {args.departments / elapsed:,.0f} departments/s")
    raw = rulecheck.load_facts(CASE)
    elapsed = best_of(3, lambda: [ruleset.evaluate(raw, explain=False) for _ in range(args.departments // 4)])
    print(f"validate facts + evaluate:      {args.departments // 4 / elapsed:,.0f} departments/s")


if __name__ == "__main__":
    main()
