"""A batch scored on every core: `rulecheck score RULES INPUT --jobs N` (batch.Batch with `jobs`).

    for scored in score_in_workers(ruleset, read_departments("corpus.csv"), jobs=4):
        ...                                    # the Scored items of score_departments, in input order
    for chunk in rows_in_workers(ruleset, departments, 4, "csv", leaves, names=False):
        ...                                    # Rows: each department's CSV line, the chunk's Tally

The departments are read in this process (batch.py's reader: a bad row is already a Department with
its errors), cut into chunks of CHUNK_ROWS, and each chunk is scored in a worker process by
batch.score_departments itself, so there is one scoring path and the rows are those of `--jobs 1`.
For a report of rows (csv, json, jsonl: what `rulecheck score` writes most), the worker also makes each
department's row (report/rows.RowFormat) and counts the chunk's summary (batch.Tally), and sends back
those texts and counts, not the results. From a CSV (the common case), the workers read the rows too:
this process only cuts the file into chunks of CHUNK_ROWS lines, undecoded (records.raw_chunks), each
worker reads its chunk's records as the whole file's are read (tables.ChunkDepartments), and this
process checks the ids in input order and writes (_CsvRows: a chunk is read again here in the rare
case where that reading was not the whole file's), so that the workers, not it, set the pace.
The workers receive the Ruleset once, when they start (it pickles by compiling its checked program
again: api.Ruleset.__reduce__), with the language messages are made in. The results come back and are
yielded in input order, with at most AHEAD chunks per worker in flight, so memory stays flat however
long the input. A batch of fewer than POOL_CHUNKS chunks is scored here, without a pool: starting one
costs more than it saves.

Every department in is one out. A worker process that dies (killed, out of memory) breaks the pool:
the chunks it held are scored again one at a time in a fresh worker, and the departments of a chunk
that kills that one too come out as failures (E040) with the reason; the rest of the batch goes on.
Ctrl-C stops the reading here (the workers ignore it), the pool is shut down, and the report's
temporary file is removed as for any interrupted run (report/output.py).

Workers start with 'forkserver' where the platform has it, else 'spawn', never 'fork': forking a
process that runs threads (an embedding application's) can copy a lock held by another thread.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import pickle
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

import attrs

from .batch import Department, Scored, Tally, score_departments
from .diagnostics import error
from .i18n import _, language, set_language
from .inputs.records import RawChunk
from .inputs.tables import ChunkDepartments, ChunkIds, CsvLayout, SeenIds, csv_chunks
from .report.rows import RowFormat

if TYPE_CHECKING:
    from .api import Ruleset

__all__ = ["CHUNK_ROWS", "WORKER_STOPPED", "Rows", "default_jobs", "rows_in_workers", "score_in_workers"]

CHUNK_ROWS = 512  # departments sent to a worker at a time: a few milliseconds of pickling, ~0.1 s of scoring
AHEAD = 2  # chunks in flight per worker: one being scored, one waiting, so that no worker idles
# A batch of fewer chunks is scored without a pool: starting one (each worker compiles the ruleset) took
# 0.6–1 s on the project's 2-core machine, and --jobs 2 broke even with --jobs 1 at about 5,000 departments
POOL_CHUNKS = 8
WORKER_STOPPED = "E040"
# what the forkserver imports for its workers: the main module (multiprocessing's default, which a worker
# would import anyway), this module (batch, the readers, the rows) and what unpickling the Ruleset needs
PRELOAD = ["__main__", __name__, "rulecheck.api"]

_ruleset: Ruleset | None = None  # in a worker: the ruleset its initializer received
_form: RowFormat | None = None  # in a worker: the rows it makes, for a report of rows
_layout: CsvLayout | None = None  # in a worker: the CSV whose raw chunks it reads


@attrs.frozen
class Rows:
    """A chunk of departments scored for a report of rows: each department's row as RowFormat makes it,
    in input order, what they add to the summary, and those that could not be scored."""
    texts: list[str]
    tally: Tally
    failures: list[Scored]


def rows_of(ruleset: Ruleset, scored: Iterable[Scored], form: RowFormat) -> Rows:
    """The Rows of scored departments: in a worker, and here for a batch too short for a pool."""
    tally, texts, failures = Tally(ruleset), [], []
    for item in scored:
        tally.add(item)
        texts.append(form.text(item))
        if not item.ok:
            failures.append(item)
    return Rows(texts, tally, failures)


def default_jobs() -> int:
    """The cores this process may run on: `--jobs`'s default."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13+: the affinity mask, and PYTHON_CPU_COUNT
    if counted is not None:
        return counted() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def start_method() -> str:
    """'forkserver' where it exists (POSIX), else 'spawn': never 'fork' (see the module's docstring)."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _context() -> multiprocessing.context.BaseContext:
    """The workers' start method (start_method); with 'forkserver', the server imports what a worker
    runs (PRELOAD) once, when it starts, and each worker forked from it has it already: importing it in
    each worker took some 0.2 s of a core apiece on the project's 2-core machine, while the main process
    reads. A server started before (by an embedding application) is used as it is."""
    method = start_method()
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    return context


def score_in_workers(ruleset: Ruleset, departments: Iterable[Department], jobs: int,
                     chunk_rows: int | None = None) -> Iterator[Scored]:
    """What `score_departments(ruleset, departments)` yields, in the same order, scored by `jobs` worker
    processes; here, without a pool, for one job or fewer than POOL_CHUNKS chunks of departments (of
    `chunk_rows`, by default CHUNK_ROWS, read when called)."""
    chunks, pooled = _split(departments, jobs, chunk_rows)
    if pooled:
        for _chunk, scored in _Pool(ruleset, jobs).done(chunks):
            yield from scored
        return
    for chunk in chunks:
        yield from score_departments(ruleset, chunk)


def rows_in_workers(ruleset: Ruleset, departments: Iterable[Department], jobs: int, fmt: str, leaves: list[str],
                    names: bool = False, chunk_rows: int | None = None) -> Iterator[Rows]:
    """The Rows of each chunk of `departments`, in order, for a report in `fmt` (csv, json, jsonl) of
    `leaves` (with a name column if `names`): made by `jobs` worker processes, or here, for one job or
    fewer than POOL_CHUNKS chunks. The departments of a CSV none of whose rows was read yet are read by
    the workers too, from chunks of the file's lines (_CsvRows)."""
    form = (fmt, leaves, names)
    layout = getattr(departments, "unread_layout", None)
    if layout is not None and jobs > 1:  # a CSV: its lines cut into chunks here, read by the workers
        raw = csv_chunks(layout, chunk_rows or CHUNK_ROWS)
        head = list(itertools.islice(raw, POOL_CHUNKS))
        if len(head) == POOL_CHUNKS:
            yield from _CsvRows(ruleset, layout, jobs, form).rows(itertools.chain(head, raw))
            return
        raw.close()
    chunks, pooled = _split(departments, jobs, chunk_rows)
    if pooled:
        yield from (rows for _chunk, rows in _Pool(ruleset, jobs, form).done(chunks))
        return
    here = RowFormat(*form)
    for chunk in chunks:
        yield rows_of(ruleset, score_departments(ruleset, chunk), here)


def _split(departments: Iterable[Department], jobs: int,
           chunk_rows: int | None) -> tuple[Iterator[list[Department]], bool]:
    """The departments in chunks of `chunk_rows` (by default CHUNK_ROWS, read now), and whether they take
    a pool: more than one job, and at least POOL_CHUNKS chunks (the first ones read to know)."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    rows = iter(departments)
    head = list(itertools.islice(rows, POOL_CHUNKS * chunk_rows))
    return _chunks(itertools.chain(head, rows), chunk_rows), jobs > 1 and len(head) == POOL_CHUNKS * chunk_rows


def _chunks(departments: Iterator[Department], size: int) -> Iterator[list[Department]]:
    while chunk := list(itertools.islice(departments, size)):
        yield chunk


class _Pool:
    """Worker processes scoring chunks in order, started again when one of them dies. Each chunk of
    departments comes back as its list of Scored items, or, with a `form` of rows (RowFormat's
    arguments), as its Rows; with a CSV's `layout`, the chunks are its raw lines (_score_csv)."""

    def __init__(self, ruleset: Ruleset, jobs: int, form: tuple | None = None, layout: CsvLayout | None = None) -> None:
        self.ruleset, self.jobs, self.form, self.layout = ruleset, jobs, form, layout
        self.work: Callable[..., bytes] = _score_chunk if layout is None else _score_csv
        self.executor: ProcessPoolExecutor  # started by done(), again after a worker dies

    def _executor(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker,
                                   initargs=(self.ruleset, language(), self.form, self.layout))

    def done(self, chunks: Iterator) -> Iterator[tuple]:
        """Each chunk with its results, in input order, AHEAD chunks per worker in flight."""
        self.executor = self._executor(self.jobs)
        pending: deque[tuple[list[Department], Future[bytes]]] = deque()
        try:
            for chunk in chunks:
                pending.append((chunk, self._submit(chunk)))
                if len(pending) >= self.jobs * AHEAD:
                    yield from self._first(pending)
            while pending:
                yield from self._first(pending)
        finally:  # also on Ctrl-C, or when the report cannot be written and the caller stops reading
            self.executor.shutdown(cancel_futures=True)

    def _submit(self, chunk: list[Department]) -> Future[bytes]:
        """The chunk sent to the pool; if a worker has died meanwhile, the pool refuses it at once, and the
        chunk waits as failed, to be scored again with the others the dead worker's pool held (_first)."""
        try:
            return self.executor.submit(self.work, chunk)
        except BrokenProcessPool as broken:
            refused: Future[bytes] = Future()
            refused.set_exception(broken)
            return refused

    def _first(self, pending: deque[tuple[list[Department], Future[bytes]]]) -> list[tuple]:
        """The first pending chunk with its results, as a list of one; when a worker died, every pending
        chunk with its own, each scored again alone, and a new pool for the chunks after them."""
        chunk, future = pending.popleft()
        try:
            return [(chunk, _unpacked(future.result()))]
        except BrokenProcessPool:
            held = [chunk, *(waiting for waiting, _future in pending)]
            pending.clear()
            self.executor.shutdown(cancel_futures=True)
            scored = list(self._one_by_one(held))
            self.executor = self._executor(self.jobs)
            return scored

    def _one_by_one(self, chunks: list) -> Iterator[tuple]:
        """The chunks a dead worker's pool held, each scored alone in one worker, so that only the chunk
        that kills a worker again fails (E040); the worker is started again after such a chunk. A CSV's
        chunk of lines comes back then without results (None): its departments are read here (_CsvRows)."""
        executor = self._executor(1)
        try:
            for chunk in chunks:
                try:
                    yield chunk, _unpacked(executor.submit(self.work, chunk).result())
                except BrokenProcessPool:
                    yield chunk, self._lost(chunk)
                    executor.shutdown(cancel_futures=True)
                    executor = self._executor(1)
        finally:
            executor.shutdown(cancel_futures=True)

    def _lost(self, chunk: list[Department] | RawChunk) -> list[Scored] | Rows | None:
        """The results of a chunk that stopped its worker twice: its departments as failures (E040)."""
        if isinstance(chunk, RawChunk):
            return None
        stopped = [_stopped(department) for department in chunk]
        return stopped if self.form is None else rows_of(self.ruleset, stopped, RowFormat(*self.form))


class _CsvRows:
    """A CSV's rows made by worker processes that read its lines too: this process only cuts the file
    into chunks of lines (records.raw_chunks), checks the ids, and writes the rows that come back.
    Each chunk is read in a worker as if its records started at its first line, and its ids checked
    against each other alone; then here, in input order, against every row before it (SeenIds). Where a
    record of the chunk before took the chunk's first lines (a quoted cell with line breaks), or one of
    its ids was seen before it, the chunk is read and scored again here, from the line its records
    really start at, or with those rows as repeats (F509): exactly as the whole file is read with one
    job. Both are rare, and the workers go on meanwhile."""

    def __init__(self, ruleset: Ruleset, layout: CsvLayout, jobs: int, form: tuple) -> None:
        self.ruleset, self.layout, self.jobs, self.form = ruleset, layout, jobs, form
        self.here = RowFormat(*form)
        self.seen = SeenIds()

    def rows(self, chunks: Iterator[RawChunk]) -> Iterator[Rows]:
        """Each chunk's Rows, in input order."""
        start: int | None = None  # the line the next chunk's records start at
        for chunk, done in _Pool(self.ruleset, self.jobs, self.form, self.layout).done(chunks):
            rows, start = self._checked(chunk, done, chunk.first if start is None else start)
            yield rows

    def _checked(self, chunk: RawChunk, done: tuple | None, start: int) -> tuple[Rows, int]:
        """The chunk's Rows, from its records that start at `start`, and the line the next chunk's start at."""
        if done is None:  # its worker stopped, twice
            departments = ChunkDepartments(self.layout, chunk, start, self.seen.first_line)
            return rows_of(self.ruleset, [_stopped(department) for department in departments], self.here), \
                departments.end
        rows, keys, lines, repeats, end = done
        if start != chunk.first:
            return self._here(chunk, start, self.seen.first_line)
        found = self._repeats(keys, lines)
        if found != repeats:
            return self._here(chunk, start, lambda key, line: found.get(line))
        return rows, end

    def _repeats(self, keys: list[str], lines: list[int]) -> dict[int, int]:
        """The rows (line → the line its id was first at) whose id a row before had, every other id kept."""
        first_line = self.seen.first_line
        found = {}
        for key, line in zip(keys, lines):
            if (first := first_line(key, line)) is not None:
                found[line] = first
        return found

    def _here(self, chunk: RawChunk, start: int, first_line) -> tuple[Rows, int]:
        """The chunk read from `start` and scored here, its repeated ids told by `first_line`."""
        departments = ChunkDepartments(self.layout, chunk, start, first_line)
        return rows_of(self.ruleset, score_departments(self.ruleset, departments), self.here), departments.end


def _stopped(department: Department) -> Scored:
    """A department whose worker process died while scoring its chunk, twice: a failure with the reason."""
    diagnostic = error(WORKER_STOPPED, _("the worker process scoring this department stopped (killed, or out of "
                                         "memory), twice"), None,
                       _("score the batch again; if this department stops it again, score it with --jobs 1 "
                         "to see why"), where=department.where)
    return Scored(department.key, department.where, None, (diagnostic,), name=department.name)


def _start_worker(ruleset: Ruleset, lang: str, form: tuple | None = None, layout: CsvLayout | None = None) -> None:
    """In a new worker: keep the ruleset (compiled again when unpickled), the rows to make and the CSV
    to read, speak the parent's language, and leave Ctrl-C to the parent, which shuts the pool down.
    What the worker holds from now on (the ruleset, the modules) is frozen out of the cyclic collector's
    passes: they never become garbage."""
    global _ruleset, _form, _layout
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_language(lang)
    _ruleset = ruleset
    _form = RowFormat(*form) if form is not None else None
    _layout = layout.named_by(ruleset.inputs, ruleset.required_inputs) if layout is not None else None
    gc.freeze()


def _score_chunk(chunk: list[Department]) -> bytes:
    """In a worker: the chunk scored as `--jobs 1` scores it (and its Rows made, for a report of rows),
    pickled here (see _collector_paused)."""
    assert _ruleset is not None, "the pool's initializer gives each worker its ruleset"
    with _collector_paused():
        scored = score_departments(_ruleset, chunk)
        done = list(scored) if _form is None else rows_of(_ruleset, scored, _form)
        return pickle.dumps(done, pickle.HIGHEST_PROTOCOL)


def _score_csv(chunk: RawChunk) -> bytes:
    """In a worker: a CSV's chunk of lines read as if its records started at its first line, its rows
    scored and made, with each row's id and line, the repeats among them, and the line the next chunk's
    records start at (for _CsvRows to check), pickled here."""
    assert _ruleset is not None and _form is not None and _layout is not None, "given by the initializer"
    ids = ChunkIds()
    with _collector_paused():
        departments = ChunkDepartments(_layout, chunk, chunk.first, ids.first_line)
        rows = rows_of(_ruleset, score_departments(_ruleset, departments), _form)
        return pickle.dumps((rows, ids.keys, ids.lines, ids.repeats, departments.end), pickle.HIGHEST_PROTOCOL)


def _unpacked(data: bytes):
    """A chunk's results, unpickled in the thread that writes them (the pool's own thread would hold the
    interpreter's lock against it)."""
    with _collector_paused():
        return pickle.loads(data)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a chunk's results are made or unpickled: a chunk
    is some 50,000 objects that all stay alive until written, which the collector would otherwise
    traverse again and again (measured: unpickling took four times as long). Results hold no cycles;
    what a chunk leaves is collected when the collector runs again, after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
