"""Issue 13's speed table, measured on this machine: every row against its reference, with the ratio and the goal.

Run: python benchmarks/suite.py [--quick] [--no-engines] [--json FILE]. The full run takes about 8 minutes
on 2 cores (it scores a million departments); `--quick` uses small sizes and finishes in under a minute,
as a smoke test (tests/test_benchmarks.py runs it). The result is a Markdown table on standard
output, and with --json the same figures as JSON.

How it measures, so that a busy machine does not decide the ratios: each comparison runs its two sides in
turn (A B A B …, after a warm-up run of each), so that a busy moment falls on both, and compares the
medians. Per-call figures are in-process (`time.perf_counter`); batch figures are whole commands, the
interpreter's start included (its bytecode kept, as an installed wheel keeps it), and their peak memory
is the command's own `ru_maxrss` (os.wait4, from a small launcher: see LAUNCHER). The growth with rows
runs each size once (a million departments take many minutes): its slopes are the least steady figures
of the table.

The references: benchmarks/handwritten_shenzhen.py, the Shenzhen framework scored by hand with Decimal
and Fraction (its scores are rulecheck's, tests/test_handwritten_reference.py checks it), and three rule
engines a developer might pick instead, installed by this script with `pip install --target` into a
cache folder outside the project (~/.cache/rulecheck-benchmarks/engines; --engines DIR for another):
zen-engine (a JDM decision table through its loader API), rule-engine and cel-python (a conditional
expression). Their rows are skipped, with the reason, when pip cannot get them (or with --no-engines).
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))  # the other benchmarks, imported as modules

import handwritten_shenzhen as handwritten  # noqa: E402
import startup  # noqa: E402
from make_corpus import write_corpus  # noqa: E402

import rulecheck  # noqa: E402
from rulecheck.evaluate import evaluate  # noqa: E402

ROOT = BENCHMARKS.parent
FRAMEWORK = ROOT / "rules/shenzhen/framework.rules"
CASE = ROOT / "rules/shenzhen/cases/edu-info-center-2024.yaml"
ENGINES_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rulecheck-benchmarks/engines"
ID_SET_BOUND = 128  # bytes a row may add to a batch's memory: its id kept to find duplicates (see docs/scale.md)
LINEAR = 1.5  # growth is linear when its slopes (time per leaf, per row) differ by at most this factor

# The rows of issue 13's table, in its order (tests/test_benchmarks.py checks that each is printed).
DEPARTMENT = "one department, scores only, vs hand-written Decimal scorer"
BAND = "one band table (4 rows) vs hand-written Decimal function"
ZEN, RULE_ENGINE, CEL = "band table vs zen-engine (loader API)", "band table vs rule-engine", "band table vs cel-python"
EXPLAIN = "`explain=True` vs scores only"
# explanations are made when the tree is read: the same comparison with every line, and every node, read
EXPLAIN_READ = "`explain=True`, every line read, vs scores only, every node read"
BATCH = "batch CSV → CSV vs hand-written read-score-write"
MEMORY_CSV = "batch memory, CSV out"
MEMORY_HTML, MEMORY_XLSX = "batch memory, html out", "batch memory, xlsx out"
CHECK = "`rulecheck check framework.rules`, interpreter start included"
JOBS = "cores used by a batch (`score --jobs`)"
GROWTH_LEAVES = "growth with framework size (leaves)"
GROWTH_ROWS = "growth with rows"
ROW_NAMES = (DEPARTMENT, BAND, ZEN, RULE_ENGINE, CEL, EXPLAIN, EXPLAIN_READ, BATCH, MEMORY_CSV, MEMORY_HTML,
             MEMORY_XLSX, CHECK, JOBS, GROWTH_LEAVES, GROWTH_ROWS)
NETWORK_ROWS = (ZEN, RULE_ENGINE, CEL)  # need engines from PyPI
SHOWN_ROWS = (EXPLAIN_READ,)  # shown beside a row of the issue's, with no goal of their own (verdict —)


@dataclass(frozen=True)
class Sizes:
    """How much each measure does: `--quick` for a smoke run, the default for the figures in the README."""
    rounds: int  # interleaved rounds of each in-process comparison
    department_calls: int  # calls timed together in one round (one department)
    band_calls: int
    batch_rows: int  # departments of the CSV → CSV comparison
    batch_rounds: int
    rows: tuple[int, ...]  # the corpora of the growth with rows; memory is compared between the last two
    stream_rows: tuple[int, int]  # html and xlsx memory, at these two sizes
    startup_runs: int
    copies: tuple[int, ...]  # framework sizes, in copies of the Shenzhen tree (21 leaves each)


QUICK = Sizes(rounds=3, department_calls=100, band_calls=1000, batch_rows=500, batch_rounds=2, rows=(300, 600, 1200),
              stream_rows=(200, 600), startup_runs=2, copies=(1, 2, 4))
FULL = Sizes(rounds=11, department_calls=1000, band_calls=10_000, batch_rows=100_000, batch_rounds=3,
             rows=(10_000, 100_000, 1_000_000), stream_rows=(10_000, 100_000), startup_runs=21, copies=(1, 10, 100))


@dataclass
class Row:
    """One line of the table: what was measured, the ratio to its reference, the goal, and whether it is met."""
    work: str
    measured: str
    ratio: str
    goal: str
    verdict: str  # ok, OVER, skipped, not available, or — when there is nothing to judge
    figures: dict[str, object] = field(default_factory=dict)  # the raw numbers, for --json


# ---- timing -----------------------------------------------------------------------------------------------
def per_call(action: Callable[[], object], calls: int) -> Callable[[], float]:
    """A measure: seconds one call of `action` takes, averaged over `calls` calls run back to back."""
    def measure() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            action()
        return (time.perf_counter() - start) / calls
    return measure


def interleaved(measures: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """The median of each measure over `rounds` rounds, the measures taken in turn (A B A B …) after a
    warm-up of each, so that a busy moment of the shared machine slows every side alike."""
    for measure in measures.values():
        measure()
    taken: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(rounds):
        for name, measure in measures.items():
            taken[name].append(measure())
    return {name: statistics.median(times) for name, times in taken.items()}


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_bytes: int


# Started by a small launcher, not by this script: Linux carries a process's peak memory over an exec (and
# subprocess starts children with vfork), so a child started from here would report at least this script's
# peak. The launcher times its child and prints the seconds and the child's own peak (ru_maxrss, from wait4).
LAUNCHER = """\
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


# The commands see the machine as an installed wheel does (startup.py's environment): bytecode written
# and read, in a folder of this run's, not compiled again at every start.
PYCACHE = tempfile.mkdtemp(prefix="rulecheck-suite-pycache-")
atexit.register(shutil.rmtree, PYCACHE, True)
COMMAND_ENV = startup.environment(PYCACHE, None)


def run_command(command: Sequence[str]) -> Run:
    """One run of a command: wall-clock seconds and peak resident memory, both taken by LAUNCHER; a failing
    run stops the suite with its error."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *map(str, command)], capture_output=True, text=True,
                          cwd=ROOT, env=COMMAND_ENV)
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} exited {done.returncode}:\n{done.stderr}")
    seconds, peak = done.stdout.split()
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes on macOS, kilobytes on Linux
    return Run(float(seconds), int(peak) * scale)


def interleaved_commands(commands: dict[str, Sequence[str]], rounds: int) -> dict[str, float]:
    """Median seconds of each command over `rounds` interleaved runs (A B A B …), after a warm-up run of each."""
    return interleaved({name: (lambda command=command: run_command(command).seconds)
                        for name, command in commands.items()}, rounds)


# ---- what is measured -------------------------------------------------------------------------------------------
class Corpora:
    """CSV corpora of the sizes asked for, in a temporary folder: make_corpus.py's departments, and past
    BASE_ROWS its rows again under new ids (generating a million departments would take minutes)."""
    BASE_ROWS = 100_000

    def __init__(self, folder: Path):
        self.folder = folder
        self.base: list[str] = []

    def of(self, rows: int) -> Path:
        path = self.folder / f"corpus-{rows}.csv"
        if not path.exists():
            self._write(path, rows)
        return path

    def _write(self, path: Path, rows: int) -> None:
        lines = self._base_lines(min(rows, self.BASE_ROWS))
        with path.open("w", encoding="utf-8", newline="") as stream:
            stream.writelines(lines[: rows + 1])
            for number in range(len(lines) - 1, rows):
                line = lines[1 + number % (len(lines) - 1)]
                stream.write(f"R{number:07d}{line[line.index(','):]}")

    def _base_lines(self, rows: int) -> list[str]:
        if len(self.base) - 1 < rows:
            base = self.folder / "base.csv"
            with base.open("w", encoding="utf-8", newline="") as stream:
                write_corpus(stream, rows)
            self.base = base.read_text(encoding="utf-8").splitlines(keepends=True)
        return self.base


def rulecheck_score(rules: Path, corpus: Path, output: Path, *options: str) -> list[str]:
    """`rulecheck score`, on one core unless `options` say otherwise (`--jobs` defaults to every core)."""
    one_core = ["--jobs", "1"] if has_jobs() and "--jobs" not in options else []
    return [*startup.rulecheck_command(), "score", str(rules), str(corpus), "--output", str(output), "-q",
            *one_core, *options]


def times(slower: float, faster: float) -> float:
    return slower / faster


def within(value: float, limit: float, *, at_least: bool = False) -> str:
    return "ok" if (value >= limit if at_least else value <= limit) else "OVER"


def microseconds(seconds: float) -> str:
    """A duration in the unit that suits it: 8.1 µs, 1.4 ms, 18.7 s."""
    if seconds >= 1:
        return f"{seconds:,.1f} s"
    return f"{seconds * 1e6:,.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:,.1f} ms"


def slower_row(work: str, ours: float, reference: float, goal: float, label: str = "vs") -> Row:
    """A row whose goal is rulecheck at most `goal` times slower than the reference."""
    ratio = times(ours, reference)
    return Row(work, f"{microseconds(ours)} {label} {microseconds(reference)}", f"{ratio:.1f}× slower",
               f"≤ {goal:g}×", within(ratio, goal), {"rulecheck_s": ours, "reference_s": reference, "ratio": ratio})


def scores_only(compiled, facts: dict) -> rulecheck.Result:
    return evaluate(compiled, facts, explain=False)


def department_rows(sizes: Sizes) -> list[Row]:
    """One department of the shipped case, scores only against the hand-written scorer, and explained."""
    ruleset = rulecheck.load(FRAMEWORK)
    facts = ruleset.validate(rulecheck.load_facts(CASE))
    scores = ruleset.scorer()
    medians = interleaved({
        "rulecheck": per_call(lambda: scores(facts), sizes.department_calls),
        "handwritten": per_call(lambda: handwritten.score(facts), sizes.department_calls),
        "explained": per_call(lambda: evaluate(ruleset.compiled, facts, explain=True),
                              max(1, sizes.department_calls // 4)),
        "explained, read": per_call(lambda: every_line(evaluate(ruleset.compiled, facts, explain=True)),
                                    max(1, sizes.department_calls // 4)),
        "scored, read": per_call(lambda: every_node(scores(facts)), max(1, sizes.department_calls // 4)),
    }, sizes.rounds)
    read = slower_row(EXPLAIN_READ, medians["explained, read"], medians["scored, read"], 2, label="vs")
    read.goal, read.verdict = "— (shown beside the row above)", "—"
    return [slower_row(DEPARTMENT, medians["rulecheck"], medians["handwritten"], 1.5),
            slower_row(EXPLAIN, medians["explained"], medians["rulecheck"], 2, label="vs scores only"), read]


def every_node(result: rulecheck.Result) -> list:
    """Each node's score read, as a report of the tree reads them (the tree is grown when first read)."""
    return [node.score for _depth, node in result.walk()]


def every_line(result: rulecheck.Result) -> list:
    """Each node's score and each line of its explanation read as text (the lines are made then)."""
    return [(node.score, [str(step) for step in node.explanation]) for _depth, node in result.walk()]


BAND_RULES = """\
framework "满意度"
total 6
rounding 2 decimals half-up

inputs:
    满意度: percent from 0% to 100%

indicator 公众或服务对象满意度 (6):
    increasing in 满意度
    bands 满意度:
        ≥ 95% → 6
        90% ≤ 满意度 < 95% → 4
        80% ≤ 满意度 < 90% → 2
        < 80% → 1
"""
BAND_VALUES = ("0.96", "0.93", "0.85", "0.5")  # one in each band, scored in turn
BAND_EXPRESSION = "satisfaction >= 0.95 ? 6 : (satisfaction >= 0.90 ? 4 : (satisfaction >= 0.80 ? 2 : 1))"
BAND_JDM = {  # the same table as a JDM decision (GoRules' format, what zen-engine evaluates)
    "nodes": [
        {"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
        {"id": "table", "type": "decisionTableNode", "name": "满意度", "position": {"x": 200, "y": 0},
         "content": {"hitPolicy": "first",
                     "inputs": [{"id": "satisfaction", "name": "满意度", "field": "satisfaction"}],
                     "outputs": [{"id": "points", "name": "points", "field": "points"}],
                     "rules": [{"_id": "r1", "satisfaction": ">= 0.95", "points": "6"},
                               {"_id": "r2", "satisfaction": "[0.90..0.95)", "points": "4"},
                               {"_id": "r3", "satisfaction": "[0.80..0.90)", "points": "2"},
                               {"_id": "r4", "satisfaction": "< 0.80", "points": "1"}]}},
        {"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 400, "y": 0}},
    ],
    "edges": [{"id": "in", "sourceId": "request", "targetId": "table", "type": "edge"},
              {"id": "out", "sourceId": "table", "targetId": "response", "type": "edge"}],
}


def cycling(actions: Sequence[Callable[[], object]]) -> Callable[[], object]:
    """One call scores the next of the band's values, so that every side scores each band as often."""
    state = {"next": 0}

    def call() -> object:
        state["next"] = (state["next"] + 1) % len(actions)
        return actions[state["next"]]()
    return call


def band_of_rulecheck() -> Callable[[], object]:
    ruleset = rulecheck.loads(BAND_RULES)
    scores = ruleset.scorer()
    facts = [ruleset.validate({"满意度": Decimal(value)}) for value in BAND_VALUES]
    return cycling([lambda facts=f: scores(facts) for f in facts])


def band_of_hand() -> Callable[[], object]:
    values = [Decimal(value) for value in BAND_VALUES]
    return cycling([lambda value=v: handwritten.satisfaction_points(value) for v in values])


ENGINES = {ZEN: ("zen-engine", "zen"), RULE_ENGINE: ("rule-engine", "rule_engine"), CEL: ("cel-python", "celpy")}
ENGINE_GOALS = {ZEN: 10, RULE_ENGINE: 10, CEL: 50}  # rulecheck at least this many times faster


def band_of_zen() -> Callable[[], object]:
    import zen
    decision = json.dumps(BAND_JDM)
    engine = zen.ZenEngine({"loader": lambda key: decision})
    return cycling([lambda value=float(v): engine.evaluate("satisfaction.json", {"satisfaction": value})
                    for v in BAND_VALUES])


def band_of_rule_engine() -> Callable[[], object]:
    import rule_engine
    rule = rule_engine.Rule(BAND_EXPRESSION)
    return cycling([lambda value=Decimal(v): rule.evaluate({"satisfaction": value}) for v in BAND_VALUES])


def band_of_cel() -> Callable[[], object]:
    import celpy
    environment = celpy.Environment()
    program = environment.program(environment.compile(BAND_EXPRESSION))
    values = [celpy.celtypes.DoubleType(float(value)) for value in BAND_VALUES]
    return cycling([lambda value=value: program.evaluate({"satisfaction": value}) for value in values])


BAND_OF_ENGINE = {ZEN: band_of_zen, RULE_ENGINE: band_of_rule_engine, CEL: band_of_cel}


def install_engines(folder: Path) -> dict[str, str]:
    """pip-install the engines missing from `folder` (never into the project's environment); returns why
    each engine that cannot be imported afterwards is missing, by row."""
    missing = {row: package for row, (package, module) in ENGINES.items() if not (folder / module).exists()}
    if missing:
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                   "--target", str(folder), *sorted(set(missing.values()))]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
            return {row: f"pip install {package}: {reason}" for row, package in missing.items()}
    if str(folder) not in sys.path:
        sys.path.append(str(folder))  # after the project's packages: theirs are never shadowed
    reasons = {}
    for row, (package, module) in ENGINES.items():
        try:
            __import__(module)
        except ImportError as problem:
            reasons[row] = f"{package} installed in {folder} but not importable: {problem}"
    return reasons


def band_rows(sizes: Sizes, engines: Path | None) -> list[Row]:
    """The 满意度 band table: rulecheck against a hand-written function and against each engine."""
    reasons = install_engines(engines) if engines else dict.fromkeys(NETWORK_ROWS, "--no-engines")
    contenders = {"rulecheck": band_of_rulecheck(), "handwritten": band_of_hand()}
    contenders.update({row: BAND_OF_ENGINE[row]() for row in NETWORK_ROWS if row not in reasons})
    medians = interleaved({name: per_call(action, sizes.band_calls) for name, action in contenders.items()},
                          sizes.rounds)
    rows = [slower_row(BAND, medians["rulecheck"], medians["handwritten"], 3)]
    for row in NETWORK_ROWS:
        if row in reasons:
            rows.append(Row(row, "", "", f"≥ {ENGINE_GOALS[row]}× faster", "skipped", {"reason": reasons[row]}))
            continue
        ratio = times(medians[row], medians["rulecheck"])
        rows.append(Row(row, f"{microseconds(medians['rulecheck'])} vs {microseconds(medians[row])}",
                        f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower",
                        f"≥ {ENGINE_GOALS[row]}× faster", within(ratio, ENGINE_GOALS[row], at_least=True),
                        {"rulecheck_s": medians["rulecheck"], "engine_s": medians[row], "times_faster": ratio}))
    return rows


def batch_row(sizes: Sizes, corpora: Corpora, folder: Path) -> Row:
    """CSV in, CSV out, both whole commands; the two outputs must be the same file."""
    rows = sizes.batch_rows
    corpus = corpora.of(rows)
    ours, theirs = folder / "batch-rulecheck.csv", folder / "batch-handwritten.csv"
    medians = interleaved_commands({
        "rulecheck": rulecheck_score(FRAMEWORK, corpus, ours),
        "handwritten": [sys.executable, str(BENCHMARKS / "handwritten_shenzhen.py"), str(corpus), str(theirs)],
    }, sizes.batch_rounds)
    same = ours.read_bytes() == theirs.read_bytes()
    ratio = times(medians["rulecheck"], medians["handwritten"])
    measured = f"{rows:,} departments: {microseconds(medians['rulecheck'])} vs {microseconds(medians['handwritten'])}"
    return Row(BATCH, measured + ("" if same else " (the outputs DIFFER)"), f"{ratio:.1f}× slower",
               "≤ 1.5× on one core", within(ratio, 1.5) if same else "OVER",
               {"rows": rows, "rulecheck_s": medians["rulecheck"], "handwritten_s": medians["handwritten"],
                "ratio": ratio, "same_output": same})


def per_row_growth(small: tuple[int, Run], large: tuple[int, Run]) -> float:
    """Bytes of peak memory each row adds, between two corpus sizes."""
    (rows_1, run_1), (rows_2, run_2) = small, large
    return (run_2.peak_bytes - run_1.peak_bytes) / (rows_2 - rows_1)


def megabytes(count: int) -> str:
    return f"{count / 1e6:,.0f} MB"


def memory_row(work: str, runs: list[tuple[int, Run]], goal: str) -> Row:
    """Peak memory at the largest size, and what each row adds from the size before."""
    per_row = per_row_growth(runs[-2], runs[-1])
    rows, run = runs[-1]
    return Row(work, f"{megabytes(run.peak_bytes)} at {rows:,} rows", f"{per_row:,.0f} B/row", goal,
               within(per_row, ID_SET_BOUND),
               {"rows": [r for r, _ in runs], "peak_bytes": [x.peak_bytes for _, x in runs], "bytes_per_row": per_row})


def rows_rows(sizes: Sizes, corpora: Corpora, folder: Path) -> list[Row]:
    """rulecheck score at each corpus size, CSV out: the time per row (growth) and the memory per row."""
    runs = [(rows, run_command(rulecheck_score(FRAMEWORK, corpora.of(rows), folder / "rows.csv")))
            for rows in sizes.rows]
    slopes = [(run_2.seconds - run_1.seconds) / (rows_2 - rows_1)
              for (rows_1, run_1), (rows_2, run_2) in zip(runs, runs[1:])]
    sizes_text = ", ".join(f"{rows:,}: {microseconds(run.seconds)}" for rows, run in runs)
    return [memory_row(MEMORY_CSV, runs, f"flat except the ids set (≤ {ID_SET_BOUND} B/row)"),
            growth_row(GROWTH_ROWS, sizes_text, slopes, "per row", {"rows": sizes.rows,
                                                                    "seconds": [run.seconds for _, run in runs]})]


def stream_rows(sizes: Sizes, corpora: Corpora, folder: Path) -> list[Row]:
    """Peak memory of an html and an xlsx report of the batch, at two sizes."""
    rows = []
    for work, suffix in ((MEMORY_HTML, "html"), (MEMORY_XLSX, "xlsx")):
        runs = [(count, run_command(rulecheck_score(FRAMEWORK, corpora.of(count), folder / f"out.{suffix}")))
                for count in sizes.stream_rows]
        rows.append(memory_row(work, runs, f"bounded: streamed (≤ {ID_SET_BOUND} B/row)"))
    return rows


def growth_row(work: str, measured: str, slopes: list[float], unit: str, figures: dict) -> Row:
    """Growth is linear when the slopes between successive sizes agree within LINEAR."""
    spread = max(slopes) / min(slopes) if min(slopes) > 0 else float("inf")
    slope_text = " → ".join(microseconds(slope) for slope in slopes)
    return Row(work, measured, f"{slope_text} {unit}", f"linear (slopes within {LINEAR}×)", within(spread, LINEAR),
               {**figures, "slopes_s": slopes, "spread": spread})


NAMED = re.compile(r'^(\s*(?:group|indicator) )("?)([^"(]+?)\2( \(\d+(?:\.\d+)?\):)$')
GRADE_ROW = re.compile(r"^(\s+≥ )(\d+)( → .*)$")


def repeated_framework(copies: int) -> str:
    """The Shenzhen framework with its tree repeated `copies` times under renamed groups and indicators
    (部门决策2, …), its total and grade thresholds scaled alike; the copies share the inputs, and the tree's
    comments are left out (a rule file is at most 1 MB)."""
    lines = FRAMEWORK.read_text(encoding="utf-8").splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith("group "))
    tree = [line for line in lines[start:] if line.strip() and not line.lstrip().startswith("#")]
    header = [scaled_header_line(line, copies) for line in lines[:start]]
    body = [renamed(line, copy) for copy in range(copies) for line in tree]
    return "\n".join(header + body) + "\n"


def scaled_header_line(line: str, copies: int) -> str:
    if line == "total 100":
        return f"total {100 * copies}"
    grade = GRADE_ROW.match(line)
    return f"{grade[1]}{int(grade[2]) * copies}{grade[3]}" if grade else line


def renamed(line: str, copy: int) -> str:
    named = NAMED.match(line)
    if not named or copy == 0:
        return line
    return f"{named[1]}{named[2]}{named[3]}{copy + 1}{named[2]}{named[4]}"


def leaves_row(sizes: Sizes, folder: Path) -> Row:
    """One department scored by frameworks of 21, 210, 2,100 leaves (scores only): time per leaf."""
    raw = rulecheck.load_facts(CASE)
    measures, leaves = {}, []
    for copies in sizes.copies:
        path = folder / f"framework-{copies}.rules"
        path.write_text(repeated_framework(copies), encoding="utf-8")
        ruleset = rulecheck.load(path)
        facts = ruleset.validate(raw)
        leaves.append(21 * copies)
        measures[copies] = per_call(lambda compiled=ruleset.compiled, facts=facts: scores_only(compiled, facts),
                                    max(1, sizes.department_calls // copies))
    medians = interleaved(measures, sizes.rounds)
    seconds = [medians[copies] for copies in sizes.copies]
    points = list(zip(leaves, seconds))
    slopes = [(t_2 - t_1) / (l_2 - l_1) for (l_1, t_1), (l_2, t_2) in zip(points, points[1:])]
    measured = ", ".join(f"{count:,}: {microseconds(took)}" for count, took in zip(leaves, seconds))
    return growth_row(GROWTH_LEAVES, measured, slopes, "per leaf", {"leaves": leaves, "seconds": seconds})


def check_row(sizes: Sizes) -> Row:
    """startup.py's commands and environment (bytecode kept), run interleaved:
    `rulecheck check framework.rules` beside `python -c pass`."""
    wanted = ("python -c pass", "rulecheck check framework.rules")
    commands = {label: command for label, command, _goal, _limit in startup.commands() if label in wanted}
    with tempfile.TemporaryDirectory(prefix="rulecheck-startup-") as pycache:
        env = startup.environment(pycache, None)
        median = interleaved({label: (lambda command=command: startup.elapsed(command, env))
                              for label, command in commands.items()}, sizes.startup_runs)
    check, bare = median["rulecheck check framework.rules"], median["python -c pass"]
    return Row(CHECK, f"{check * 1000:.0f} ms (`python -c pass` {bare * 1000:.0f} ms)",
               f"{check / (startup.CHECK_GOAL_MS / 1000):.2f}× the goal", f"≤ {startup.CHECK_GOAL_MS} ms",
               within(check * 1000, startup.CHECK_GOAL_MS), {"check_s": check, "python_s": bare})


@functools.cache
def has_jobs() -> bool:
    """Whether `rulecheck score` has --jobs yet (issue 13 point 2)."""
    done = subprocess.run([*startup.rulecheck_command(), "score", "--help"], capture_output=True, text=True)
    return "--jobs" in done.stdout


def jobs_row(sizes: Sizes, corpora: Corpora, folder: Path) -> Row:
    """`score --jobs N` (N the machine's cores) against `--jobs 1` on the batch corpus, if it exists yet."""
    cores = os.cpu_count() or 1
    if not has_jobs():
        return Row(JOBS, "not available: `rulecheck score` has no --jobs yet", "", "all cores, near-linear",
                   "not available")
    corpus = corpora.of(sizes.batch_rows)
    medians = interleaved_commands({
        "one": rulecheck_score(FRAMEWORK, corpus, folder / "jobs-1.csv", "--jobs", "1"),
        "all": rulecheck_score(FRAMEWORK, corpus, folder / "jobs-n.csv", "--jobs", str(cores)),
    }, sizes.batch_rounds)
    speedup = medians["one"] / medians["all"]
    return Row(JOBS, f"{sizes.batch_rows:,} departments: {microseconds(medians['one'])} (1 job) vs "
               f"{microseconds(medians['all'])} ({cores} jobs)", f"{speedup:.2f}× speed-up on {cores} cores",
               "near-linear (≥ 0.8 × cores)", within(speedup, 0.8 * cores, at_least=True),
               {"cores": cores, "one_s": medians["one"], "all_s": medians["all"], "speedup": speedup})


# ---- the report ---------------------------------------------------------------------------------------------------
def machine() -> dict[str, object]:
    """What the figures depend on: when, how many cores, which CPU, how busy the machine was."""
    models = [line.split(":", 1)[1].strip() for line in cpuinfo() if line.startswith("model name")]
    model = models[0] if models else platform.processor()
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "nproc": os.cpu_count(), "cpu": model,
            "python": platform.python_version(), "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None}


def cpuinfo() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def markdown(rows: list[Row], about: dict[str, object], mode: str, took: float) -> str:
    lines = ["| work | measured (rulecheck vs reference) | ratio | goal | within goal |", "|---|---|---|---|---|"]
    for row in rows:
        detail = f" ({row.figures['reason']})" if row.verdict == "skipped" else ""
        lines.append(f"| {row.work} | {row.measured} | {row.ratio} | {row.goal} | {row.verdict}{detail} |")
    load = about["load_average"]
    lines += ["", f"Measured {about['date']} ({mode} run, {took:.0f} s): {about['nproc']} cores ({about['cpu']}), "
              f"Python {about['python']}" + (f", load average {load[0]:.1f} at the start" if load else "")
              + "; medians of interleaved runs."]
    return "\n".join(lines)


def measure_all(sizes: Sizes, engines: Path | None) -> list[Row]:
    """Every row of the table, in issue 13's order."""
    with tempfile.TemporaryDirectory(prefix="rulecheck-suite-") as name:
        folder = Path(name)
        corpora = Corpora(folder)
        measured = {row.work: row for row in [
            *department_rows(sizes), *band_rows(sizes, engines), batch_row(sizes, corpora, folder),
            *rows_rows(sizes, corpora, folder), *stream_rows(sizes, corpora, folder), check_row(sizes),
            jobs_row(sizes, corpora, folder), leaves_row(sizes, folder)]}
    return [measured[name] for name in ROW_NAMES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run in under a minute")
    parser.add_argument("--no-engines", action="store_true", help="skip the rows that need engines from PyPI")
    parser.add_argument("--engines", type=Path, default=ENGINES_DIR, help=f"where to pip-install them ({ENGINES_DIR})")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args()
    sizes, mode = (QUICK, "quick") if args.quick else (FULL, "full")
    about, start = machine(), time.perf_counter()
    rows = measure_all(sizes, None if args.no_engines else args.engines)
    took = time.perf_counter() - start
    print(markdown(rows, about, mode, took))
    if args.json:
        args.json.write_text(json.dumps({"machine": about, "mode": mode, "seconds": took, "sizes": asdict(sizes),
                                         "rows": [asdict(row) for row in rows]}, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")


if __name__ == "__main__":
    main()
