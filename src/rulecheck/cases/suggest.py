"""Suggested cases: for each boundary, checklist item and band row the cases do not cover yet, facts that
reach it, found by a small search from the base facts; the expected scores are left for the analyst.

The tool never writes an expected score: a score computed from the rules by the tool that the cases are
meant to check would pass whatever the rules say, and prove nothing. It only finds facts:

- a boundary on an input: the input at the boundary's value;
- a boundary on a derived value or the total: one input of it changed, found by bisection on the
  input's steps (the value is taken as monotone in it), else, for a derived value, two inputs (the
  second scanned a step at a time from its base value, up to SCAN steps), within a budget of
  computations; else nothing: the case says "fill in";
- a checklist item (to earn, or to miss alone) and a band row on a grade or yes/no subject: yes/no and
  grade inputs the table reads changed one at a time, each change kept when it brings the table's
  outcome closer to the one wanted;
- a matrix cell that neither a case nor a suggested boundary case reaches: each subject given a simple
  value inside the cell's row (its column), as a boundary on it is reached.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

import attrs
import yaml

from ..api import Ruleset
from ..diagnostics import RulecheckError
from ..domains import domain_of
from ..evaluate import evaluate
from ..i18n import _
from ..inputs.yamlfacts import FactsLoader
from ..prove.bands import table_of
from ..prove.intervals import Intervals
from ..runtime import TOTAL_KEY, Env, EvalFailure
from ..source import Span
from ..syntax import ast
from ..syntax.printer import format_number, format_percent
from .boundaries import ABOVE, AT, BELOW, DEFAULT_STEP, STEPS, Boundary, subject_type
from .coverage import BoundaryTarget, Coverage, Table, Target, coverage_tables, missed_alone, subject_value
from .facts import read_case_facts
from .files import GRADE, TOTAL

SCAN = 20000  # steps of the second input a two-input search tries
BUDGET = 400000  # values of a derived value one boundary's search may compute (a few µs each)
TOTAL_BUDGET = 3000  # totals one boundary's search may compute (each scores every leaf)
SPAN = 100  # an input with no upper end is searched up to this many times its base value (or 10⁵ steps)


@attrs.frozen
class Suggestion:
    """A case to write: its name (what it reaches), the facts that reach it (changed from the base; None
    when none were found) and the scores the analyst is to fill in."""
    name: str
    facts: dict | None
    expect: tuple  # indicator names, TOTAL, GRADE
    wanted: str = ""  # for facts None: what the facts must give, for the TODO comment


def suggestions(ruleset: Ruleset, found: Coverage, base: dict | None) -> list[Suggestion]:
    """A case for each boundary no case reaches, each checklist item no case earns or misses alone, each
    band row no case reaches in a table without boundaries (on a yes/no or grade subject), and each matrix
    cell that neither a case nor a suggested boundary case reaches, in the order written."""
    tables = {(t.kind, t.owner): t for t in coverage_tables(ruleset)}
    made = [boundary_case(ruleset, t, base) for t in found.unreached_boundaries]
    numeric = {t.boundary.owner for t in found.boundaries}  # their rows are reached at their boundaries
    for target in found.targets:
        table = tables[(target.kind, target.owner)]
        if target.kind == "cell":
            if not target.reached_by and not suggested_reach(ruleset, base, made, table, target.number - 1):
                facts = None if base is None else cell_facts(ruleset, base, table, target.number - 1)
                made.append(Suggestion(target.describe(), facts, (indicator_of(table.owner), TOTAL),
                                       target.describe()))
            continue
        goal = target_goal(target, len(table.rows))
        if goal is not None and table.kind != "grade" and not (table.kind == "band" and table.owner in numeric):
            facts = None if base is None else flipped_facts(ruleset, base, table, goal)
            made.append(Suggestion(target_name(target), facts, (indicator_of(table.owner), TOTAL),
                                   target.describe()))
    return made


def target_goal(target: Target, rows: int) -> Callable[[set], int] | None:
    """How far a table's reached rows are from what the target needs (0: reached); None when the target
    is covered, or is a numeric row that its boundaries reach."""
    index = target.number - 1
    if target.kind == "item" and not target.reached_by:
        return lambda hits: rows - len(hits)  # every item earned
    if target.kind == "item" and not target.missed_alone_by:
        return lambda hits: 0 if missed_alone(hits, index, rows) else len(hits ^ (set(range(rows)) - {index}))
    if target.kind == "band" and not target.reached_by:
        return lambda hits: 0 if hits == {index} else 1
    return None


def target_name(target: Target) -> str:
    if target.kind == "item" and target.reached_by:
        return _("{owner}: only item {number} missed ({text})", owner=target.owner, number=target.number,
                 text=target.text)
    return target.describe()


def indicator_of(owner: str) -> str:
    """The indicator whose score a case expects: a part has none of its own."""
    return owner.split(" / ")[0]


# ---- a boundary ---------------------------------------------------------------------------------------

def boundary_case(ruleset: Ruleset, target: BoundaryTarget, base: dict | None) -> Suggestion:
    edge = target.boundary
    expect = (TOTAL, GRADE) if edge.subject == TOTAL_KEY else (indicator_of(edge.owner), TOTAL)
    facts = None if base is None else boundary_facts(ruleset, edge, base)
    return Suggestion(edge.describe(), facts, expect, edge.text())


class Exhausted(Exception):
    """The search of one boundary has computed its subject as many times as it may."""

    def __init__(self, message: str = "the search's budget is spent") -> None:
        super().__init__(message)


def boundary_facts(ruleset: Ruleset, edge: Boundary, base: dict) -> dict | None:
    """The facts changed from `base` that give the boundary's subject its value, or None."""
    if edge.subject in ruleset.inputs:
        return {edge.subject: edge.value}
    measure = value_measure(ruleset, edge.subject)
    inputs = searchable_inputs(ruleset, edge.subject)
    pairs = [] if edge.subject == TOTAL_KEY else [(a, b) for a in inputs for b in inputs if a != b]
    try:
        for name in inputs:
            found = one_input(ruleset, measure, edge, base, name)
            if found is not None:
                return {name: found}
        for first, second in pairs:
            pair = two_inputs(ruleset, measure, edge, base, first, second)
            if pair is not None:
                return pair
    except Exhausted:
        pass
    return None


def value_measure(ruleset: Ruleset, subject: str) -> Callable[[dict], Any]:
    """facts → the subject's value (None when it cannot be computed), at most BUDGET times (a total, which
    scores every leaf, TOTAL_BUDGET times) before it raises Exhausted."""
    left = [TOTAL_BUDGET if subject == TOTAL_KEY else BUDGET]

    def counted(facts: dict):
        left[0] -= 1
        if left[0] < 0:
            raise Exhausted
        if subject != TOTAL_KEY:
            return subject_value(Env(facts, ruleset.compiled.lets), subject)
        try:
            return evaluate(ruleset.compiled, facts, explain=False).total
        except (EvalFailure, ArithmeticError):
            return None

    return counted


def searchable_inputs(ruleset: Ruleset, subject: str) -> list[str]:
    """The numeric inputs a subject reads, assessed scores first (their small steps reach any total)."""
    assert ruleset.checked is not None
    if subject == TOTAL_KEY:
        names = list(ruleset.inputs)
    else:
        names = sorted(ruleset.checked.reads.inputs.get(subject, ()))
    numeric = [n for n in names if domain_of(ruleset.inputs[n]).numeric]
    return sorted(numeric, key=lambda n: ruleset.inputs[n].type.kind != "score")


@attrs.frozen
class Grid:
    """The values an input can take: low + k × step for k in 0..count."""
    low: Decimal
    step: Decimal
    count: int

    def __getitem__(self, k: int) -> Decimal:
        return self.low + self.step * k


def grid_of(ruleset: Ruleset, name: str, base: dict) -> Grid:
    decl = ruleset.inputs[name]
    domain = domain_of(decl)
    step = STEPS.get(decl.type.kind, DEFAULT_STEP)
    low = domain.low if domain.low is not None else Decimal(0)
    low = (low / step).to_integral_value(ROUND_CEILING) * step
    if domain.low_exclusive and low == domain.low:
        low += step
    high = domain.high
    if high is None:
        high = max(abs(Decimal(base[name])) * SPAN, low + step * 100000)
    return Grid(low, step, max(int((high - low) / step), 0))


def one_input(ruleset: Ruleset, measure: Callable, edge: Boundary, base: dict, name: str) -> Decimal | None:
    """A value of the input `name` (every other fact as in `base`) that reaches the boundary, or None."""
    grid = grid_of(ruleset, name, base)

    def at(k: int):
        return measure({**base, name: grid[k]})

    k = crossing(at, grid.count, edge)
    return grid[k] if k is not None else None


def two_inputs(ruleset: Ruleset, measure: Callable, edge: Boundary, base: dict, first: str,
               second: str) -> dict | None:
    """Values of two inputs that reach the boundary: the second a step at a time up from its base value,
    the first searched for each."""
    grid = grid_of(ruleset, second, base)
    start = max(int((Decimal(base[second]) - grid.low) / grid.step), 0)
    for k in range(start, min(start + SCAN, grid.count + 1)):
        moved = {**base, second: grid[k]}
        found = one_input(ruleset, measure, edge, moved, first)
        if found is not None:
            return {first: found, second: grid[k]}
    return None


def crossing(at: Callable[[int], Any], count: int, edge: Boundary) -> int | None:
    """A step k in 0..count where at(k) reaches the boundary, found by bisection where at() rises (or
    falls) into it; None when at() does not move, cannot be computed at the ends, or skips the boundary."""
    low, high = 0, count
    for _try in range(3):  # a division by 0 at the lowest value: start a step above it
        if low < high and not number(at(low)):
            low += 1
    if not number(at(low)) or not number(at(high)):
        return None
    if edge.reached(at(low)):
        return low
    if at(low) == at(high):
        return None
    beyond = entered(edge, rising=at(high) > at(low))
    if beyond(at(low)) or not beyond(at(high)):
        return None
    while high - low > 1:  # at(low) has not entered the window, at(high) has
        middle = (low + high) // 2
        value = at(middle)
        if number(value) and beyond(value):
            high = middle
        else:
            low = middle
    return high if edge.reached(at(high)) else None


def entered(edge: Boundary, rising: bool) -> Callable[[Any], bool]:
    """Whether a value has come (from the side at() starts on) into the boundary's window or past it."""
    low, high = window(edge)
    if rising:
        return lambda v: v > low if edge.side == ABOVE else v >= low
    return lambda v: v < high if edge.side == BELOW else v <= high


def window(edge: Boundary) -> tuple[Decimal, Decimal]:
    """The lowest and highest value that reach the boundary."""
    if edge.side == AT:
        return edge.threshold, edge.threshold
    if edge.side == BELOW:
        return edge.threshold - edge.step, edge.threshold
    return edge.threshold, edge.threshold + edge.step


def number(value) -> bool:
    return value is not None and not isinstance(value, (bool, str))


# ---- a matrix cell ---------------------------------------------------------------------------------------

def suggested_reach(ruleset: Ruleset, base: dict | None, made: list[Suggestion], table: Table, index: int) -> bool:
    """Whether a case already suggested (a boundary's, mostly) reaches the matrix cell at `index`: the
    boundaries of both axes reach many cells, and a case for each cell besides would say the same twice."""
    if base is None:
        return False
    return any(index in reached_rows(ruleset, table, base | s.facts) for s in made if s.facts is not None)


def reached_rows(ruleset: Ruleset, table: Table, facts: dict) -> set:
    """The rows (cells) of the table these facts reach; none when they cannot be scored."""
    try:
        return table.reach(Env(facts, ruleset.compiled.lets))
    except (EvalFailure, ArithmeticError):
        return set()


def cell_facts(ruleset: Ruleset, base: dict, table: Table, index: int) -> dict | None:
    """The facts changed from `base` that put the matrix's row subject in the cell's row and its column
    subject in the cell's column (a simple value of each tier: 100% for '≥ 100%'), or None."""
    assert table.matrix is not None and ruleset.checked is not None
    rule, (row, column) = table.matrix, table.cell(index)
    intervals = Intervals.of_program(ruleset.checked)
    wanted = [(rule.row_subject, tier_value(rule.down_column(column - 1), row - 1, intervals)),
              (rule.column_subject, tier_value(rule.along_row(row - 1), column - 1, intervals))]
    facts = dict(base)
    for subject, value in wanted:
        found = None if value is None else value_facts(ruleset, table.owner, subject.name, value, facts)
        if found is None:
            return None
        facts |= found
    if reached_rows(ruleset, table, facts) != {index}:  # the second subject moved the first out of its row
        return None
    return {name: value for name, value in facts.items() if base.get(name) != value}


def tier_value(line: ast.Bands, index: int, intervals: Intervals):
    """A simple value of the table's subject that its row `index` gets (after the rows above it took theirs),
    or None when the table is none the prover reads."""
    table = table_of(line, intervals)
    return None if table is None else table.reachable()[index].witness(table.integral)


def value_facts(ruleset: Ruleset, owner: str, subject: str, value, facts: dict) -> dict | None:
    """Facts that give the subject the value: an input set to it (a grade's value too), a derived value
    searched for as the boundary at that value is."""
    if subject in ruleset.inputs:
        return {subject: value}
    kind, step, _domain = subject_type(ruleset, subject)
    return boundary_facts(ruleset, Boundary(owner, subject, kind, value, AT, step, None), facts)


# ---- a checklist item or a band row on a yes/no or grade subject ------------------------------------

def flipped_facts(ruleset: Ruleset, base: dict, table, distance: Callable[[set], int]) -> dict | None:
    """Yes/no and grade facts the table reads, changed one at a time while each change brings its reached
    rows closer to the goal; the changes from `base`, or None when the goal is not reached."""
    assert ruleset.checked is not None
    names = sorted({n for c in table.conditions if c is not None for n in ruleset.checked.inputs_read(c)
                    if not domain_of(ruleset.inputs[n]).numeric})
    facts = dict(base)

    def far(candidate: dict) -> int:
        return distance(table.reach(Env(candidate, ruleset.compiled.lets)))

    for _round in range(len(names) + 1):
        now = far(facts)
        if now == 0:
            return {n: facts[n] for n in names if facts[n] != base[n]}
        options = [{**facts, n: v} for n in names for v in alternatives(ruleset, n) if v != facts[n]]
        better = min(options, key=far, default=None)
        if better is None or far(better) >= now:
            return None
        facts = better
    return None


def alternatives(ruleset: Ruleset, name: str) -> tuple:
    domain = domain_of(ruleset.inputs[name])
    return (True, False) if domain.kind == "bool" else domain.values


# ---- the base facts ------------------------------------------------------------------------------------

def suggested_base(ruleset: Ruleset, paths: list, results: list, output: str | None) -> tuple:
    """(what the suggested file's `base:` writes, the facts the search starts from): the facts file the
    first case file names as its `base` (or its `facts`), its path written from the folder of `output`
    (without one, as the case file writes it); else the facts of the first case that scored, written in
    place; else (None, None): a TODO, and no search."""
    for path in paths:
        written = named_facts_file(path)
        if written is None:
            continue
        try:
            values = ruleset.validate(read_case_facts(str(path), written, Span.point(str(path), 1, 1)))
        except RulecheckError:
            continue
        return relocated(Path(path), written, output), values
    scored = [r.values for r in results if r.values is not None]
    return (scored[0], scored[0]) if scored else (None, None)


def named_facts_file(path) -> str | None:
    """The facts file a case file names under `base:` (or, for one case, `facts:`), as written."""
    try:
        top = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=FactsLoader)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(top, dict):
        return None
    written = top.get("base", top.get("facts"))
    return written.strip() if isinstance(written, str) and written.strip() else None


def relocated(case_file: Path, written: str, output: str | None) -> str:
    """The facts file's path as the suggested file (beside `output`) must write it."""
    if output is None:
        return written
    target = os.path.abspath(case_file.parent / written)
    return Path(os.path.relpath(target, Path(output).absolute().parent)).as_posix()


# ---- writing the case file ------------------------------------------------------------------------------

def shown_fact(ruleset: Ruleset, name: str, value) -> str:
    """A fact as a facts file writes it: a percentage quoted ("94.99%"), true/false, a grade by name."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return yaml_text(value)
    if ruleset.inputs[name].type.kind == "percent":
        return f'"{format_percent(value)}"'
    return format_number(value)


def yaml_text(text: str) -> str:
    """A name or text as a YAML scalar: as it is when a case file reads it back the same, else
    double-quoted (a JSON string is a YAML one)."""
    try:
        plain = "#" not in text and yaml.load(f"k: {text}\n", Loader=FactsLoader) == {"k": text}  # noqa: S506
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def render(ruleset: Ruleset, rules: str, base, made: list[Suggestion]) -> str:
    """The case file: a header saying what to do, `base:` (a facts file's path, facts written in place, or
    a TODO), and a case per suggestion with its facts and TODO comments where the scores go."""
    lines = ["# " + line for line in header(rules).splitlines()]
    lines += base_lines(ruleset, base)
    lines.append("cases:")
    for suggestion in made:
        lines += case_lines(ruleset, suggestion)
    return "\n".join(lines) + "\n"


def header(rules: str) -> str:
    return _("Cases suggested by 'rulecheck test --suggest {rules}'.\n"
             "One for each boundary, checklist item and band row no case covers yet, with facts that reach\n"
             "it. Fill in each 'expect' with the scores worked out by hand from the scoring text (the tool\n"
             "writes none: a score it computed from the rules would pass whatever the rules say), then\n"
             "rename the file to *.case.yaml.", rules=rules)


def base_lines(ruleset: Ruleset, base) -> list[str]:
    if isinstance(base, str):
        return [f"base: {yaml_text(base)}"]
    if isinstance(base, dict):
        return ["base:"] + [f"  {yaml_text(n)}: {shown_fact(ruleset, n, v)}" for n, v in base.items()]
    return ["base:", "  # " + _("TODO: the facts every case starts from (a facts file's path, or one "
                                 "'name: value' a line)")]


def case_lines(ruleset: Ruleset, suggestion: Suggestion) -> list[str]:
    lines = [f"  - name: {yaml_text(suggestion.name)}", "    facts:"]
    if suggestion.facts is None:
        lines.append("      # " + _("TODO fill in: facts that give {wanted}", wanted=suggestion.wanted))
    else:
        lines += [f"      {yaml_text(n)}: {shown_fact(ruleset, n, v)}" for n, v in suggestion.facts.items()]
    lines.append("    expect:")
    lines += ["      # " + _("TODO {target}: the expected score, worked out by hand", target=target)
              if target != GRADE else "      # " + _("TODO grade: the expected grade")
              for target in suggestion.expect]
    return lines
