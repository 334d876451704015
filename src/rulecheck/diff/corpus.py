"""The departments a diff scores with both versions (--facts, --cases), read whole or not compared.

A record that cannot be read (a CSV row with a stray quote, a JSON line that is not JSON, a folder's
facts file that is not YAML, a case file or a case's facts file that cannot be read) would drop out of
the comparison and hide how the edit moves its scores, so any such record stops the diff: each is
reported at its line, then one E020 per input (`CorpusError`, exit code 2). A department that is read
but that a version cannot score (a fact of the wrong type, a new input it lacks) is an effect of the
edit, reported by impact.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs

from ..cases import gather_case_files, load_cases
from ..cases.locate import UNREADABLE
from ..diagnostics import Diagnostic, FactsError, InputFileError, RulecheckError, error, render_all
from ..i18n import _, ngettext
from ..inputs.facts import load_facts
from ..inputs.tables import Department, is_batch, read_departments

CORPUS_UNREADABLE = "E020"
MAX_LISTED = 100  # the most records of one input listed: the count says how many more there are


def departments_in(path: str | Path, ruleset_inputs: Iterable[str]) -> tuple[list[Department], list]:
    """The departments of a facts file, a folder of them, a CSV or a JSON Lines file (batch.py reads
    all but the first), and what concerns the whole input (a column naming no input of either version).
    A record that cannot be read is a Department with `errors`; raises InputFileError if the input cannot
    be read at all."""
    path = Path(path)
    if is_batch(path):
        departments = read_departments(path, ruleset_inputs)
        return list(departments), departments.diagnostics
    key = path.with_suffix("").name
    try:
        facts = load_facts(path)
    except FactsError as exc:
        return [Department(key, str(path), errors=tuple(exc.diagnostics), source=exc.sources.get(str(path)))], []
    except OSError as exc:
        raise InputFileError.single("E002", _("cannot read facts file: {reason}", reason=exc.strerror or exc),
                                    path) from None
    except UnicodeDecodeError:
        raise InputFileError.single("E002", _("the facts file is not UTF-8 text"), path) from None
    return [_department(key, str(path), facts)], []


def departments_of_cases(paths: Iterable[Path]) -> list[Department]:
    """The cases of case files (rulecheck.cases) as departments: named by the case, located where the case
    is written. A case file that cannot be read, or a case whose facts cannot be, is a Department with
    `errors`."""
    found = []
    for path in paths:
        try:
            cases = load_cases(path)
        except RulecheckError as exc:
            found.append(_unread(str(path), str(path), exc.diagnostics, exc.sources))
            continue
        found += [_case_department(case) for case in cases]
    return found


def _case_department(case) -> Department:
    where = f"{case.span.file}:{case.span.line}" if case.span else case.file
    if case.facts is None:  # its facts could not be read
        return _unread(case.name, where, case.problems, case.sources)
    return _department(case.name, where, case.facts)


def _unread(key: str, where: str, problems, sources: dict) -> Department:
    """A record that cannot be read, with the source its first positioned problem shows a line of."""
    shown = next((sources.get(d.span.file) for d in problems if d.span is not None), None)
    return Department(key, where, errors=tuple(problems), source=shown)


def _department(key: str, where: str, facts) -> Department:
    """A department of one facts file (a FactSet), its facts' lines kept for messages."""
    return Department(key, where, facts.values, spans=facts.spans, source=facts.source)


@attrs.frozen
class Input:
    """One input of the corpus (a --facts PATH, or the cases folder) and the departments read from it."""
    label: str
    departments: tuple

    @property
    def unread(self) -> tuple:
        return tuple(d for d in self.departments if d.errors)


@attrs.define
class Corpus:
    """The departments given to a diff, input by input; `whole()` returns them all, or raises CorpusError
    if any record cannot be read. `problems` are those of an input as a whole (a column that names no
    input of either version): they are shown, and the departments are still compared."""
    names: set  # the inputs either version declares
    inputs: list = attrs.Factory(list)
    problems: list = attrs.Factory(list)

    def add_facts(self, path: str) -> None:
        """The departments of --facts PATH (InputFileError if it cannot be read at all)."""
        found, problems = departments_in(path, self.names)
        self.problems += problems
        self.inputs.append(Input(path, tuple(found)))

    def add_cases(self, folder: Path) -> bool:
        """The cases under `folder` (each *.case.yaml); False if it holds none."""
        files = gather_case_files([folder]) if folder.is_dir() else None
        if files is None or not (files.paths or files.problems):
            return False
        unlisted = [Department(d.where or str(folder), d.where or str(folder), errors=(d,)) for d in files.problems
                    if d.code == UNREADABLE]  # a folder that cannot be searched; a file reached twice runs once
        self.inputs.append(Input(str(folder), tuple(unlisted + departments_of_cases(files.paths))))
        return True

    @property
    def labels(self) -> tuple:
        return tuple(i.label for i in self.inputs)

    def whole(self) -> list[Department]:
        """Every department, in the order read; raises CorpusError if a record of an input cannot be read."""
        if any(i.unread for i in self.inputs):
            raise CorpusError([i for i in self.inputs if i.unread])
        return [d for i in self.inputs for d in i.departments]


class CorpusError(InputFileError):
    """Inputs with records that cannot be read: each record's problems in the order read, with its line
    shown, then one E020 per input. Nothing is compared."""

    def __init__(self, inputs: list[Input]):
        self.inputs = inputs
        super().__init__([d for i in inputs for record in i.unread for d in record.errors]
                         + [_summary(i) for i in inputs])

    def render(self) -> str:
        return "\n".join(part for i in self.inputs for part in (
            *(render_all(record.errors, _sources(record)) for record in i.unread[:MAX_LISTED]), _summary(i).render()))


def _sources(record: Department) -> dict:
    """The record's own source: a line of a CSV is shown from its record, not from another of the file."""
    return {record.source.name: record.source} if record.source is not None else {}


def _summary(found: Input) -> Diagnostic:
    count, unread = len(found.departments), len(found.unread)
    values = dict(unread=f"{unread:,}", count=f"{count:,}", listed=MAX_LISTED)
    if unread <= MAX_LISTED:
        message = ngettext("{unread} of {count} department cannot be read (listed above): no department is compared",
                           "{unread} of {count} departments cannot be read (listed above): no department is compared",
                           count, **values)
    else:
        message = ngettext("{unread} of {count} department cannot be read (the first {listed} listed above): no "
                           "department is compared", "{unread} of {count} departments cannot be read (the first "
                           "{listed} listed above): no department is compared", count, **values)
    return error(CORPUS_UNREADABLE, message, None,
                 _("fix each one at the line shown and run the diff again: a department left out of the comparison "
                   "would hide how the edit moves its scores"), where=found.label)
