"""What each of rulecheck's stages catches of the defect catalogue (tests/data/defects/: realistic mistakes
in the Shenzhen framework, one file each; see tests/defect_catalogue.py).

Run: python benchmarks/defects.py [--jobs N]   (about a minute a job: verify runs on every defect that
check lets through). Every stage runs on every defect, in CI's order (check --strict, verify, test with
the shipped cases, diff against the corpus); the first that stops a defect catches it. Prints a line per
defect, then the figures docs/verification.md quotes: of the structural defects (those that break a
bound, a band or grade table, a direction, a weight, a unit or a domain), how many check alone and check
+ verify catch; of all, how many the four stages catch; and the survivors by name.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from defect_catalogue import STAGES, STRUCTURAL, Defect, caught, defects, prepare  # noqa: E402


def stages_catching(defect: Defect) -> tuple[str, list[str]]:
    """The defect's name and every stage that catches it."""
    with tempfile.TemporaryDirectory() as folder:
        prepare(defect, Path(folder))
        return defect.name, [stage for stage in STAGES if caught(stage, Path(folder))]


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "0/0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    catalogue = defects()
    with ProcessPoolExecutor(args.jobs) as pool:
        found = dict(pool.map(stages_catching, catalogue))
    for defect in catalogue:
        stages = found[defect.name]
        print(f"{defect.name:45} {defect.kind:10} declared {defect.caught_by:6} caught by {', '.join(stages) or '—'}")
    structural = [d for d in catalogue if d.kind in STRUCTURAL]
    by_check = [d for d in structural if "check" in found[d.name]]
    by_check_verify = [d for d in structural if {"check", "verify"} & set(found[d.name])]
    anywhere = [d for d in catalogue if found[d.name]]
    print()
    print(f"structural defects caught by check alone:     {share(len(by_check), len(structural))}")
    print(f"structural defects caught by check + verify:  {share(len(by_check_verify), len(structural))}")
    print(f"all defects caught by check + verify + test + diff: {share(len(anywhere), len(catalogue))}")
    missed = [d.name for d in structural if d not in by_check_verify]
    print("structural defects check + verify miss:", ", ".join(missed) or "none")
    print("defects no stage catches:", ", ".join(d.name for d in catalogue if not found[d.name]) or "none")


if __name__ == "__main__":
    main()
