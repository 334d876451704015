"""Many departments at once: score each department of a CSV, a JSON Lines file or a folder of facts
files (read by inputs/tables.py), write one row each as it is scored, and summarise the totals.

    departments = read_departments("corpus.csv")          # lazily, one department at a time
    for scored in score_departments(ruleset, departments):
        print(scored.key, scored.result.total if scored.ok else scored.reasons())

    batch = Batch(ruleset, "corpus.csv", "csv", "scores.csv")   # what `rulecheck score` runs
    outcome = batch.run()                                        # the summary, and what failed

A department that cannot be read or scored is never dropped: it comes out as a `Scored` without a
result, carrying the diagnostics that say why, located at its row ("corpus.csv:17"). The readers'
names (`read_departments`, `Department`, …) are re-exported here, where docs/batch.md documents them.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, cast

import attrs

from . import numbers
from .compile import iter_leaves
from .diagnostics import Diagnostic, EvaluationError, FactsError
from .i18n import N_, _
from .inputs.facts import FactSet, validate
from .inputs.tables import (
    CASE_SUFFIX,
    FACTS_SUFFIXES,
    ID_COLUMN,
    Department,
    Departments,
    count_rows,
    facts_files,
    is_batch,
    read_departments,
)
from .report import BINARY_FORMATS, ROW_FORMATS, batch_writer, encoding_of, open_output, refuse_reading_output
from .report.rows import RowWriter, columns, row
from .results import Result
from .source import Source
from .syntax import ast
from .syntax.printer import format_number

if TYPE_CHECKING:  # for a type alone, importing batch need not load the api (and with it check, prove)
    from .api import Ruleset

__all__ = ["BATCH_FORMATS", "CASE_SUFFIX", "FACTS_SUFFIXES", "ID_COLUMN", "Batch", "Department", "Departments",
           "Losses", "Outcome", "RowWriter", "Scored", "Summary", "Tally", "TotalCounts", "columns", "count_rows",
           "exact_text", "facts_files", "files_read", "is_batch", "leaf_names", "read_departments", "row",
           "score_departments", "summarize"]

BATCH_FORMATS = ROW_FORMATS  # csv, json, jsonl: a row per department as data
MOST_BINS = 20
# departments whose leaf scores a Tally adds up at once: enough to add each leaf's in one call, few enough
# that the scores kept meanwhile stay in the processor's cache (256 of them cost an L2 miss a row more)
PENDING = 64
HISTOGRAM_STEPS = tuple(Decimal(step).scaleb(power) for power in range(-2, 7) for step in (1, 2, 5))


# ---- scoring ------------------------------------------------------------------------------------

_new = object.__new__


@attrs.frozen(slots=False)  # without slots, so that `scored` fills its __dict__ at once, as Department.read
class Scored:
    """A department's result, or the diagnostics that say why it has none."""
    key: str
    where: str
    result: Result | None
    diagnostics: tuple[Diagnostic, ...] = ()
    sources: dict[str, Source] = attrs.field(factory=dict, repr=False)
    name: str | None = None  # the department's display name (a 名称/name column or field), if given

    @classmethod
    def scored(cls, department: Department, result: Result) -> Scored:
        """`Scored(department.key, department.where, result, name=department.name)`: a batch makes one a row."""
        scored = _new(cls)
        scored.__dict__.update({"key": department.key, "where": department.where, "result": result,
                                "diagnostics": (), "sources": {}, "name": department.name})
        return scored

    @property
    def ok(self) -> bool:
        return self.result is not None

    def reasons(self) -> str:
        """Why the department has no result, on one line (the `error` column)."""
        return "; ".join(f"{d.code}: {d.message}" for d in self.diagnostics)


def score_departments(ruleset: Ruleset, departments: Iterable[Department],
                      explain: bool = False) -> Iterator[Scored]:
    """Score each department in turn; one that cannot be read or scored yields its diagnostics."""
    for department in departments:
        if department.errors:
            yield Scored(department.key, department.where, None, department.errors, _sources(department),
                         department.name)
            continue
        try:
            result = ruleset.evaluate(department.fact_set(), explain=explain)
        except FactsError as exc:
            yield Scored(department.key, department.where, None,
                         tuple(_at_row(d, department.where) for d in exc.diagnostics), _sources(department),
                         department.name)
        except EvaluationError as exc:
            yield Scored(department.key, department.where, None,
                         tuple(_rule_at_row(d, department.where) for d in exc.diagnostics), name=department.name)
        else:
            yield Scored.scored(department, result)


def _sources(department: Department) -> dict[str, Source]:
    return {department.source.name: department.source} if department.source else {}


def _at_row(diagnostic: Diagnostic, where: str) -> Diagnostic:
    """A fact's problem located at its row ("corpus.csv:17"), unless it has a line in a facts file."""
    return diagnostic if diagnostic.span is not None else attrs.evolve(diagnostic, where=where)


def _rule_at_row(diagnostic: Diagnostic, where: str) -> Diagnostic:
    """A scoring error located at the department's row, naming the rule's line in its message."""
    if diagnostic.span is None:
        return attrs.evolve(diagnostic, where=where)
    return attrs.evolve(diagnostic, span=None, where=where,
                        message=f"{diagnostic.message} (rule at {diagnostic.span})")


# ---- rows ---------------------------------------------------------------------------------------

def leaf_names(ruleset: Ruleset) -> list[str]:
    """Every indicator that is scored (the leaves), in tree order: the score columns."""
    return [leaf.indicator.name for leaf in iter_leaves(ruleset.compiled.nodes)]


# ---- summary ------------------------------------------------------------------------------------

def exact_text(value: numbers.Number) -> str:
    """An exact value as text for programs (JSON): a decimal in full (0.95), a fraction that never
    terminates as one (1/3), never rounded."""
    if isinstance(value, numbers.Ratio):
        return str(value)
    return format(value.normalize(numbers.QUANTIZE), "f")


@attrs.frozen
class Losses:
    """Where the scored departments lost points on one leaf indicator: the sum of their scores and how
    many scored below its points; the averages are exact (a Decimal, or a Ratio such as 1/3)."""
    name: str
    max: Decimal  # the indicator's points
    order: int  # its place in the tree (the last tie-break)
    scored: int  # the departments scored (each has a score on every leaf)
    total: Decimal  # the sum of their scores
    losing: int  # how many scored below its points

    @property
    def rate(self) -> numbers.Number:
        """The average 得分率: the sum of the scores over what full points on every department would give."""
        return numbers.divide(self.total, numbers.multiply(Decimal(self.scored), self.max))

    @property
    def share_losing(self) -> numbers.Number:
        """The share of the scored departments that lost points on it."""
        return numbers.divide(Decimal(self.losing), Decimal(self.scored))

    @property
    def mean_lost(self) -> numbers.Number:
        """The points a department loses on it, on average."""
        return numbers.subtract(self.max, numbers.divide(self.total, Decimal(self.scored)))

    def sort_key(self) -> tuple[numbers.Number, numbers.Number, int]:
        """Where departments lose most first: the lowest average 得分率, then the most departments losing
        points, then tree order."""
        return (self.rate, numbers.negate(self.share_losing), self.order)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "max": exact_text(self.max), "rate": exact_text(self.rate),
                "losing": self.losing, "share losing": exact_text(self.share_losing),
                "mean lost": exact_text(self.mean_lost)}


@attrs.frozen
class Summary:
    """What a batch came to: how many departments, each grade's count, the distribution of totals, and
    per leaf indicator where the departments lost points (`indicators`, where they lose most first).
    The totals are held as counts (`counts`), so that a summary of a million departments is as small as
    one of a hundred: totals are rounded, so few are distinct. `Summary.of_totals` makes one from a
    list of totals."""
    departments: int
    failed: int
    grades: tuple[tuple[str, int], ...]  # (grade name, count), in the order the framework lists them
    counts: tuple[tuple[Decimal, int], ...]  # the sorted totals in runs: (total, how many in a row), see TotalCounts
    max: Decimal
    indicators: tuple[Losses, ...] = ()  # sorted by Losses.sort_key; none when no department was scored

    @classmethod
    def of_totals(cls, departments: int, failed: int, grades: tuple[tuple[str, int], ...],
                  totals: Iterable[Decimal], max: Decimal, indicators: tuple[Losses, ...] = ()) -> Summary:
        """The summary of the scored departments' `totals`, in any order."""
        return cls(departments, failed, grades, merged_runs((total, 1) for total in sorted(totals)), max, indicators)

    @property
    def totals(self) -> tuple[Decimal, ...]:
        """The scored departments' totals, sorted. Built on each call from `counts`: a tuple of one
        reference (8 bytes) a scored department, the totals themselves shared."""
        return tuple(total for total, count in self.counts for _ in range(count))

    @property
    def scored(self) -> int:
        return sum(count for _total, count in self.counts)

    def quantile(self, fraction: Decimal) -> Decimal:
        """Linear interpolation between the closest ranks (Excel's QUARTILE.INC), exact."""
        # exact, whatever the caller's context: ranks × a quarter and the totals' steps always terminate
        scored = self.scored
        position = numbers.multiply(Decimal(scored - 1), fraction)
        assert isinstance(position, Decimal)
        below = int(position)
        low, high = self._total_at(below), self._total_at(min(below + 1, scored - 1))
        between = numbers.multiply(numbers.subtract(high, low), numbers.subtract(position, Decimal(below)))
        value = numbers.add(low, between)
        assert isinstance(value, Decimal)
        return self._tidy(value)

    def _total_at(self, rank: int) -> Decimal:
        """The total at `rank` (from 0) of the sorted totals."""
        for total, count in self.counts:
            if rank < count:
                return total
            rank -= count
        raise IndexError(rank)

    @property
    def mean(self) -> Decimal:
        """The mean total, rounded half-up to the totals' decimals."""
        added = numbers.total([numbers.multiply(total, Decimal(count)) for total, count in self.counts])
        mean = numbers.divide(added, Decimal(self.scored))
        exponent = self._quantum.as_tuple().exponent
        assert isinstance(exponent, int)  # a power of ten is finite
        return numbers.round_to(mean, -exponent, ROUND_HALF_UP)

    @property
    def _quantum(self) -> Decimal:
        # a total is finite, so its exponent is an int (typeshed also allows the letters of NaN and infinity)
        return Decimal(1).scaleb(min(total.as_tuple().exponent for total, _count in self.counts))  # type: ignore[arg-type]

    def _tidy(self, value: Decimal) -> Decimal:
        """A value with the totals' decimals when that is exact (97.8300 → 97.83), else as it is."""
        shown = value.quantize(self._quantum, context=numbers.QUANTIZE)
        return shown if shown == value else value.normalize(numbers.QUANTIZE)

    def figures(self) -> dict[str, Decimal]:
        """min, lower quartile, median, upper quartile, max and mean of the totals (empty if none)."""
        if not self.counts:
            return {}
        return {"min": self.counts[0][0], "lower quartile": self.quantile(Decimal("0.25")),
                "median": self.quantile(Decimal("0.5")), "upper quartile": self.quantile(Decimal("0.75")),
                "max": self.counts[-1][0], "mean": self.mean}

    def histogram(self) -> list[tuple[Decimal, Decimal, int]]:
        """(low, high, count): the totals in bins of a round width (1, 2, 5, 10… points), from below the
        lowest total to the maximum, at most 20 bins; each holds low ≤ total < high, the last one its
        high end too. Finer than fixed 10-point bins, where a typical year's totals all fall in 90–100.
        The summary on the terminal, the HTML page and the workbook all show these bins."""
        if not self.counts:
            return []
        maximum = self.max
        for step in HISTOGRAM_STEPS:
            low = (self.counts[0][0] // step) * step
            if (maximum - low) / step <= MOST_BINS:
                break
        edges: list[tuple[Decimal, Decimal]] = []  # each bin's low and high
        while low < maximum or not edges:
            edges.append((low, min(low + step, maximum)))
            low += step
        counts = [0] * len(edges)
        for total, count in self.counts:
            counts[min(max(int((total - edges[0][0]) // step), 0), len(edges) - 1)] += count
        return [(bottom, top, count) for (bottom, top), count in zip(edges, counts)]

    def to_dict(self) -> dict[str, object]:
        return {"departments": self.departments, "scored": self.scored, "failed": self.failed,
                "grades": dict(self.grades),
                "totals": {name: str(value) for name, value in self.figures().items()},
                "histogram": [{"from": format_number(low), "to": format_number(high), "count": count}
                              for low, high, count in self.histogram()],
                "indicators": [losses.to_dict() for losses in self.indicators]}


def merged_runs(runs: Iterable[tuple[Decimal, int]]) -> tuple[tuple[Decimal, int], ...]:
    """(total, count) runs with each pair of neighbours that hold the same total, written the same way
    (100 and 100.00 are not), made one."""
    merged: list[tuple[Decimal, int]] = []
    for total, count in runs:
        if merged and str(merged[-1][0]) == str(total):
            merged[-1] = (total, merged[-1][1] + count)
        else:
            merged.append((total, count))
    return tuple(merged)


class TotalCounts:
    """The scored departments' totals, counted: how many departments have each total as it is written
    (100 apart from 100.00: the figures show a total as written), the first of the lowest totals and the
    last of the highest. This is all Summary needs to give the figures and histogram of the sorted list
    of totals exactly, in memory that grows with the distinct totals, not with the departments (totals
    rounded to 2 decimals between 0 and 100: at most 10,001 of them)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}  # a total's text → how many departments have it
        self.lowest: Decimal | None = None  # the first department's of the lowest totals
        self.highest: Decimal | None = None  # the last department's of the highest totals
        self.scored = 0

    def add(self, total: Decimal) -> None:
        text = str(total)
        self.counts[text] = self.counts.get(text, 0) + 1
        self.scored += 1
        if self.lowest is None or self.highest is None:
            self.lowest = self.highest = total
        elif total < self.lowest:
            self.lowest = total
        elif total >= self.highest:
            self.highest = total

    def merge(self, later: TotalCounts) -> None:
        """The totals of departments after these counted in too (a chunk scored in a worker process)."""
        for text, count in later.counts.items():
            self.counts[text] = self.counts.get(text, 0) + count
        self.scored += later.scored
        if later.lowest is None or later.highest is None:
            return
        if self.lowest is None or self.highest is None:
            self.lowest, self.highest = later.lowest, later.highest
            return
        if later.lowest < self.lowest:  # as add() keeps them: the first of the lowest, the last of the highest
            self.lowest = later.lowest
        if later.highest >= self.highest:
            self.highest = later.highest

    def runs(self) -> tuple[tuple[Decimal, int], ...]:
        """The totals sorted, as (total, count) runs (Summary.counts): what sorting the list of totals
        gives, with the same first and last total, but for the order of equal totals written differently
        in between (which no figure depends on)."""
        if self.lowest is None or self.highest is None:
            return ()
        if self.scored == 1:
            return ((self.lowest, 1),)
        between = dict(self.counts)  # the totals but the lowest and the highest, which end the runs
        between[str(self.lowest)] -= 1
        between[str(self.highest)] -= 1
        middle = sorted(((Decimal(text), count) for text, count in between.items() if count),
                        key=operator.itemgetter(0))
        return merged_runs([(self.lowest, 1), *middle, (self.highest, 1)])


class Tally:
    """Counts departments as they are scored, keeping only the counts of their totals (TotalCounts) and
    grades, and per leaf indicator the sum of the scores and how many lost points on it: no department is
    kept."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.max = ruleset.compiled.total
        self.departments = self.failed = 0
        self.totals = TotalCounts()
        self.grades: dict[str, int] = dict.fromkeys((band.grade for band in ruleset.program.grades), 0)
        self.leaves = [(leaf.indicator.name, leaf.indicator.points) for leaf in iter_leaves(ruleset.compiled.nodes)]
        self.points = [points for _name, points in self.leaves]
        self.pending: list[tuple[Decimal, ...]] = []  # leaf scores not added up yet (_add_leaves)
        self.sums: list[Decimal] = [Decimal(0)] * len(self.leaves)
        self.losing = [0] * len(self.leaves)
        # a bonus not earned is no point lost: the leaves of bonus blocks stay out of the losses
        self.bonus = {item.name for block in ruleset.program.nodes
                      if isinstance(block, ast.Group) and block.kind == "bonus"
                      for item, _parents in ast.iter_nodes(block.children)}

    def add(self, scored: Scored) -> Scored:
        self.departments += 1
        if scored.result is not None:
            self.totals.add(scored.result.total)
            grade = scored.result.grade
            if grade is not None:
                self.grades[grade] = self.grades.get(grade, 0) + 1
            self._add_leaves(scored.result)
        else:
            self.failed += 1
        return scored

    def _add_leaves(self, result: Result) -> None:
        """The department's leaf scores kept until PENDING of them are added up at once (_added_up)."""
        self.pending.append(result.leaf_scores())
        if len(self.pending) >= PENDING:
            self._added_up()

    def _added_up(self) -> None:
        """The pending departments' leaf scores added, leaf by leaf, to its sum (exact: one C call a score)
        and to its count of departments losing points (those below its points)."""
        if not self.pending:
            return
        columns = list(zip(*self.pending))
        self.pending.clear()
        # (leaf scores are rounded, so Decimals, and so is their exact total)
        self.sums = [cast(Decimal, numbers.total((start, *column))) for start, column in zip(self.sums, columns)]
        self.losing = [losing + sum(map(operator.lt, column, repeat(points)))
                       for losing, column, points in zip(self.losing, columns, self.points)]

    def merge(self, later: Tally) -> None:
        """The departments another Tally counted, after these (a chunk scored in a worker process), counted
        in: the same summary as had this Tally counted them itself."""
        self._added_up()
        later._added_up()
        self.departments += later.departments
        self.failed += later.failed
        self.totals.merge(later.totals)
        for grade, count in later.grades.items():
            self.grades[grade] = self.grades.get(grade, 0) + count
        self.sums = list(map(numbers.EXACT.add, self.sums, later.sums))
        self.losing = list(map(operator.add, self.losing, later.losing))

    def indicators(self) -> tuple[Losses, ...]:
        """Each leaf's Losses, where departments lose most first; none if no department was scored (or
        for a leaf of no points, which nothing can be lost on)."""
        self._added_up()
        scored = self.totals.scored
        if not scored:
            return ()
        losses = [Losses(name, points, order, scored, total, losing) for order, ((name, points), total, losing)
                  in enumerate(zip(self.leaves, self.sums, self.losing)) if points > 0 and name not in self.bonus]
        return tuple(sorted(losses, key=Losses.sort_key))

    def summary(self) -> Summary:
        return Summary(self.departments, self.failed, tuple(self.grades.items()), self.totals.runs(),
                       self.max, self.indicators())


def summarize(ruleset: Ruleset, scored: Iterable[Scored]) -> Summary:
    tally = Tally(ruleset)
    for item in scored:
        tally.add(item)
    return tally.summary()


# ---- a run ---------------------------------------------------------------------------------------

@attrs.frozen
class Outcome:
    """What a batch run came to: its summary, what concerns the whole input (a column that names no
    input…), and the departments that could not be scored, each with what the input's diagnostics do
    not already say (a column the CSV lacks is said once, not once a row)."""
    summary: Summary
    diagnostics: tuple[Diagnostic, ...]
    failures: tuple[Scored, ...]  # in input order, each with the diagnostics still to list

    @property
    def clean(self) -> bool:
        return not self.summary.failed and not self.diagnostics


class Batch:
    """One `rulecheck score RULES INPUT`: the departments of INPUT scored with `ruleset` and written in
    `fmt` (csv, json, jsonl, html, xlsx) to `output` (a file name; None for standard output) one by one,
    so that memory does not grow with the batch. Opening it reads the input's header (InputFileError if
    the input cannot be read) and refuses an `output` that is a file it reads (OutputError); `run()`
    writes the report whole or not at all (report/output.py) and returns the Outcome. With `jobs` above
    1, the departments are scored in that many worker processes (workers.py), the report the same."""

    def __init__(self, ruleset: Ruleset, path: str | Path, fmt: str = "csv", output: str | Path | None = None,
                 rules: str | Path | None = None, jobs: int = 1) -> None:
        if fmt in BINARY_FORMATS and output is None:
            raise ValueError(f"--format {fmt} is written to a file: give an output")
        self.ruleset, self.path, self.fmt, self.output, self.jobs = ruleset, Path(path), fmt, output, jobs
        self.departments = read_departments(path, ruleset.inputs, ruleset.required_inputs)
        refuse_reading_output(output, files_read(ruleset, rules, path))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """What concerns the whole input rather than one row, known once its header is read."""
        return self.departments.diagnostics

    def run(self, progress: Callable[[int], object] | None = None) -> Outcome:
        """Score and write every department; `progress(n)` after each n written (one at a time, or a
        worker's chunk)."""
        tally = Tally(self.ruleset)
        failures: list[Scored] = []
        said = header_says(self.ruleset, self.departments.missing)
        with open_output(self.output, encoding_of(self.fmt, self.output)) as stream:
            writer = self._writer(stream)
            if self.jobs > 1 and self.fmt in ROW_FORMATS:
                self._rows_in_workers(writer, tally, failures, said, progress)
            else:
                for item in self._scored():
                    tally.add(item)
                    failure = _still_to_say(item, said)
                    if failure is not None:
                        failures.append(failure)
                    writer.write(item)
                    if progress is not None:
                        progress(1)
            summary = tally.summary()
            writer.close(summary)
        return Outcome(summary, tuple(self.diagnostics), tuple(failures))

    def _scored(self) -> Iterator[Scored]:
        """The departments scored in input order: here, or by worker processes (whose module, and the
        pool's, is imported only then)."""
        if self.jobs <= 1:
            return score_departments(self.ruleset, self.departments)
        from .workers import score_in_workers
        return score_in_workers(self.ruleset, self.departments, self.jobs)

    def _rows_in_workers(self, writer: RowWriter, tally: Tally, failures: list[Scored], said: set[str],
                         progress: Callable[[int], object] | None) -> None:
        """A report of rows, its departments scored by worker processes that also make each row's text and
        count their chunk's summary: this process reads, writes what comes back and adds the counts up."""
        from .workers import rows_in_workers
        for chunk in rows_in_workers(self.ruleset, self.departments, self.jobs, self.fmt, leaf_names(self.ruleset),
                                     self.departments.names):
            tally.merge(chunk.tally)
            failures.extend(failure for failure in (_still_to_say(item, said) for item in chunk.failures)
                            if failure is not None)
            for text in chunk.texts:
                writer.write_text(text)
            if progress is not None:
                progress(len(chunk.texts))

    def _writer(self, stream):
        """The report's writer; the rows' (csv, json, jsonl) get a name column when the input has one."""
        return batch_writer(self.fmt, stream, leaf_names(self.ruleset), names=self.departments.names)


FILES_READ = {"rules": N_("the rule file"), "rule": N_("a rule file"),
              "facts": N_("a facts file of the input folder"), "input": N_("the input")}


def files_read(ruleset: Ruleset, rules: str | Path | None, path: str | Path) -> Iterator[tuple[str, str | Path]]:
    """Every file a run reads, with what it is (for the messages, in the current language): the rule
    files, and the input or the facts files of the input folder. Lazy: only looked through when the
    output exists."""
    if rules is not None:
        yield _(FILES_READ["rules"]), rules
    for name in ruleset.sources:
        yield _(FILES_READ["rule"]), name
    path = Path(path)
    if path.is_dir():
        for facts in facts_files(path):
            yield _(FILES_READ["facts"]), facts
    else:
        yield _(FILES_READ["input"]), path


def header_says(ruleset: Ruleset, missing: Iterable[str]) -> set[str]:
    """The message of the F501 a row gets for each input the input has no column for, which the
    header's diagnostic already says: made by the very call that makes the rows' own (facts.validate),
    so that it matches in any language."""
    said: set[str] = set()
    for name in missing:
        users = ruleset.required_inputs.get(name)
        if users is None:
            continue
        try:
            validate(FactSet("", {}), ruleset.inputs, {name: users})
        except FactsError as exc:
            said.update(d.message for d in exc.diagnostics if d.code == "F501")
    return said


def _still_to_say(item: Scored, said: set[str]) -> Scored | None:
    """A department that could not be scored, with the diagnostics the header's do not already say
    (None if there are none left, or it was scored)."""
    if item.ok:
        return None
    news = tuple(d for d in item.diagnostics if not (d.code == "F501" and d.message in said))
    return attrs.evolve(item, diagnostics=news) if news else None
