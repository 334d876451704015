"""How long `import rulecheck` takes in a fresh interpreter: what every `rulecheck` command and every
script that embeds rulecheck pays before it does anything.

Run: python benchmarks/import_time.py [--runs N] [--against REVISION]. Two statements are timed:
`import rulecheck` itself, and `from rulecheck import Ruleset, load, load_facts`, what a script needs
before it can score (the package's names may be imported only when first used). Each run starts a new
interpreter; the figures are medians of N runs (default 25):

- `-X importtime`: the cumulative time Python's own import profiler gives rulecheck's modules (every
  module they import included), the interpreter's start-up excluded;
- wall clock: `python -c STATEMENT` from start to exit, beside `python -c "pass"` (the interpreter
  alone), so the difference is what the statement adds.

With --against, the same is measured for another revision of the tree (extracted with `git archive`
into a temporary folder), the runs of the two trees interleaved so that a busy machine slows both
alike. The runs read bytecode as an installed package does (PYTHONDONTWRITEBYTECODE is dropped; the
.pyc files go to a temporary PYTHONPYCACHEPREFIX, not into the checkout), written by one unmeasured run
of each. Speed is measured here, never asserted in tests; benchmarks/startup.py times whole commands.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEARCH_TREE = "import sys; sys.path.insert(0, sys.argv[1]); "  # the tree measured comes first on sys.path
STATEMENTS = {"import rulecheck": "import rulecheck",
              "the API": "from rulecheck import Ruleset, load, load_facts"}


def import_profile(statement: str, src: Path) -> float:
    """Seconds `-X importtime` gives the modules of rulecheck imported at the top level (each one's
    cumulative time: `rulecheck`, and any imported later on first use of a name), in a new interpreter."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", SEARCH_TREE + statement, str(src)],
                          check=True, capture_output=True, text=True)
    seconds = []
    for line in done.stderr.splitlines():  # "import time:  self [us] | cumulative | imported package"
        fields = line.removeprefix("import time:").split("|")
        top_level = len(fields) == 3 and not fields[2].startswith("  ")  # nested imports are indented
        if top_level and fields[2].strip().partition(".")[0] == "rulecheck":
            seconds.append(int(fields[1]) / 1e6)
    if not seconds:
        raise RuntimeError(f"no line for rulecheck in -X importtime's output:\n{done.stderr}")
    return sum(seconds)


def wall_clock(statement: str, src: Path) -> float:
    """Seconds from starting `python -c statement` to its exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", SEARCH_TREE + statement, str(src)], check=True)
    return time.perf_counter() - start


def measure(trees: dict[str, Path], runs: int) -> dict[tuple[str, str], float]:
    """The median of each figure, by (tree, figure), the runs of the trees and statements interleaved:
    each run measures everything once, in turn."""
    samples: dict[tuple[str, str], list[float]] = {}
    for src in trees.values():  # once unmeasured: write the .pyc files
        for statement in STATEMENTS.values():
            import_profile(statement, src)
    for _ in range(runs):
        for tree, src in trees.items():
            samples.setdefault((tree, "bare"), []).append(wall_clock("pass", src))
            for label, statement in STATEMENTS.items():
                samples.setdefault((tree, f"{label}: importtime"), []).append(import_profile(statement, src))
                samples.setdefault((tree, f"{label}: wall"), []).append(wall_clock(statement, src))
    return {key: statistics.median(values) for key, values in samples.items()}


def extracted(revision: str, into: Path) -> Path:
    """The src folder of `revision`, extracted from git without touching the checkout."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src", "grammar"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+: refuse what a tree has no need of
            tar.extraction_filter = tarfile.data_filter
        tar.extractall(into)
    return into / "src"


def report(figures: dict[tuple[str, str], float], trees: list[str], runs: int) -> str:
    """A line per statement and tree, in milliseconds."""
    lines = [f"median of {runs} interleaved runs, each in a new interpreter (Python {sys.version.split()[0]})"]
    for label, statement in STATEMENTS.items():
        lines.append(f"{statement}:")
        for tree in trees:
            importtime, wall, bare = (figures[tree, f"{label}: importtime"], figures[tree, f"{label}: wall"],
                                      figures[tree, "bare"])
            lines.append(f"  {tree:>10}: -X importtime {importtime * 1000:7.1f} ms; wall clock {wall * 1000:7.1f} ms,"
                         f" {(wall - bare) * 1000:7.1f} ms more than a bare interpreter ({bare * 1000:.1f} ms)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25, help="runs per tree (at least 20; default 25)")
    parser.add_argument("--against", metavar="REVISION", help="also measure this git revision, interleaved")
    args = parser.parse_args()
    if args.runs < 20:
        parser.error("--runs: at least 20, so that the median means something")
    with tempfile.TemporaryDirectory() as folder:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # inherited by every run
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        trees = {"this tree": ROOT / "src"}
        if args.against:
            trees[args.against] = extracted(args.against, Path(folder))
        print(report(measure(trees, args.runs), list(trees), args.runs))


if __name__ == "__main__":
    main()
