"""Start-up time: how long a command takes from the shell, interpreter start included (issue 13 point 4).

Run: python benchmarks/startup.py [--runs N] [--src DIR] [--baseline DIR]. Each command is run N times
(default 21), the commands interleaved (one run of each in turn, so that a busy moment of the machine
falls on all of them alike), after one warm-up run of each; the median is printed beside the goal,
with the fastest run and the median processor time (user + system, where the platform reports it): on
a machine others are busy with, those two say more than the median. Speed is measured here, never
asserted in tests.

The runs see the machine as an installed wheel does: bytecode is written and read (an install compiles
it; PYTHONDONTWRITEBYTECODE is dropped and the .pyc files go to a temporary PYTHONPYCACHEPREFIX, not
into the checkout); the parser's tables ship in the package, in the standalone parser
(rulecheck/syntax/standalone.py, written by scripts/standalone_parser.py). `--src DIR` measures another
source tree through PYTHONPATH, e.g. the last commit: `git archive HEAD | tar -x -C /tmp/before` then
`--src /tmp/before/src`; `--baseline DIR` measures DIR too, its runs interleaved with this tree's, so
that a before/after comparison holds on a machine others are using.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "rules/shenzhen/framework.rules"
CHECK_GOAL_MS = 150  # issue 13: `rulecheck check framework.rules` in at most this, interpreter start included


def rulecheck_command() -> list[str]:
    """The `rulecheck` script of this interpreter's environment, else `python -m rulecheck`."""
    script = Path(sys.executable).parent / ("rulecheck.exe" if os.name == "nt" else "rulecheck")
    if script.is_file():
        return [str(script)]
    found = shutil.which("rulecheck")
    return [found] if found else [sys.executable, "-m", "rulecheck"]


def commands() -> list[tuple[str, list[str], str, float | None]]:
    """(label, command, goal in words, goal in ms or None for a reference) for each command measured."""
    rulecheck = rulecheck_command()
    return [
        ("python -c pass", [sys.executable, "-c", "pass"], "reference: the interpreter alone", None),
        ('python -c "import rulecheck"', [sys.executable, "-c", "import rulecheck"],
         "≤ 50 ms (issue 14: no slower than before)", 50),
        ("rulecheck --help", [*rulecheck, "--help"], f"≤ {CHECK_GOAL_MS} ms, as check", CHECK_GOAL_MS),
        ("rulecheck check framework.rules", [*rulecheck, "check", str(FRAMEWORK)],
         f"≤ {CHECK_GOAL_MS} ms (issue 13)", CHECK_GOAL_MS),
        ("python -m rulecheck check framework.rules", [sys.executable, "-m", "rulecheck", "check", str(FRAMEWORK)],
         "the same, by cli.run (which skips the interpreter's clean-up at exit)", CHECK_GOAL_MS),
    ]


def environment(pycache: str, src: str | None) -> dict[str, str]:
    """The environment of the runs: bytecode kept (in `pycache`), messages in English, `src` first on the path."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=pycache, RULECHECK_LANG="en")
    if src:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(src).resolve()), env.get("PYTHONPATH")]))
    return env


def attempt(command: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    """Seconds one run of `command` takes, start to exit, and how it ended."""
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start, completed


def elapsed(command: list[str], env: dict[str, str]) -> float:
    """Seconds one run of `command` takes, start to exit; a run that fails stops the benchmark."""
    took, completed = attempt(command, env)
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {completed.returncode}:\n{completed.stderr.decode(errors='replace')}")
    return took


def processor_time() -> float:
    """Seconds of processor time (user + system) the finished child processes have used so far; 0 where
    the platform does not say (Windows)."""
    try:
        import resource
    except ImportError:
        return 0.0
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


Times = dict[str, list[list[tuple[float, float]]]]  # tree → per command (as commands()) → (wall, processor)


def measure(runs: int, trees: dict[str, dict[str, str]]) -> Times:
    """Each tree's times of each command, every command of every tree run in turn `runs` times after a
    warm-up run of each (which writes the bytecode). A command the baseline does
    not have (`python -m rulecheck` before there was one) has no times; a command of this tree that
    fails stops the benchmark."""
    measured = commands()
    times: Times = {tree: [[] for _ in measured] for tree in trees}
    runnable = {(tree, index) for tree, env in trees.items() for index, (_label, command, *_rest) in enumerate(measured)
                if (elapsed(command, env) if tree == "this tree" else attempt(command, env)[1].returncode == 0)}
    for _ in range(runs):
        for tree, env in trees.items():
            for index, (_label, command, _goal, _limit) in enumerate(measured):
                if (tree, index) in runnable:
                    before = processor_time()
                    wall = elapsed(command, env)
                    times[tree][index].append((wall, processor_time() - before))
    return times


def report(times: Times, runs: int) -> str:
    """A line per command: each tree's median and fastest run and median processor time, then the goal
    and whether the last tree (this one) meets it by its median."""
    measured = commands()
    width = max(len(label) for label, *_ in measured)
    heading = "".join(f"  {tree + ': median, min, cpu':>29}" for tree in times)
    lines = [f"{'command':<{width}}{heading}  goal", "-" * (width + 31 * len(times) + 40)]
    for index, (label, _command, goal, limit) in enumerate(measured):
        shown = ""
        for spent in (tree_times[index] for tree_times in times.values()):
            if not spent:
                shown += f"  {'n/a':>29}"
                continue
            walls = [wall for wall, _cpu in spent]
            median, fastest = statistics.median(walls) * 1000, min(walls) * 1000
            cpu = statistics.median(cpu for _wall, cpu in spent) * 1000
            shown += f"  {median:9.0f} ms, {fastest:4.0f} ms, {cpu:4.0f} ms"
        verdict = "" if limit is None else ("  ok" if median <= limit else "  OVER")
        lines.append(f"{label:<{width}}{shown}  {goal}{verdict}")
    lines.append(f"(median and fastest of {runs} interleaved runs each, and their median processor time; "
                 f"{os.cpu_count()} cores, Python {sys.version.split()[0]})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command (at least 20 for a fair median)")
    parser.add_argument("--src", help="measure the rulecheck package in this folder (put first on PYTHONPATH)")
    parser.add_argument("--baseline", help="also measure the rulecheck package in this folder, interleaved")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rulecheck-startup-") as pycache:
        trees = {"baseline": environment(os.path.join(pycache, "baseline"), args.baseline)} if args.baseline else {}
        trees["this tree"] = environment(os.path.join(pycache, "tree"), args.src)
        times = measure(args.runs, trees)
    print(report(times, args.runs))


if __name__ == "__main__":
    main()
