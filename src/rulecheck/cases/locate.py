"""Which case files a run reads: those named, with folders searched for *.case.yaml, each file once.
What is wrong with the naming is said, never skipped in silence: a case file named a second time (by
another spelling, or through a folder that holds it) runs once and is reported (C812); a folder that
cannot be searched is a case file that cannot be read (E003)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import attrs

from ..diagnostics import Diagnostic, error
from ..i18n import _
from ..inputs.tables import CASE_SUFFIX

NAMED_TWICE = "C812"
UNREADABLE = "E003"


@attrs.frozen
class CaseFiles:
    """The case files to run, in the order named (a folder's sorted), and the problems of the naming."""
    paths: tuple = ()
    problems: tuple = ()  # Diagnostic: C812 (a file named again), E003 (a folder that cannot be searched)

    def count(self, code: str) -> int:
        return sum(problem.code == code for problem in self.problems)


def gather_case_files(paths: Iterable) -> CaseFiles:
    """The case files `paths` name, folders searched for *.case.yaml; each file (by its real path) once."""
    problems: list[Diagnostic] = []
    first: dict[str, Path] = {}  # real path → how it was first named
    for path in (found for named in map(Path, paths) for found in _expand(named, problems)):
        real = os.path.realpath(path)
        if real in first:
            problems.append(error(NAMED_TWICE, _("the case file is named twice (first as {first}): it runs once",
                                                 first=first[real]),
                                  None, _("name each case file once; a folder runs every *.case.yaml under it"),
                                  where=str(path)))
        else:
            first[real] = path
    return CaseFiles(tuple(first.values()), tuple(problems))


def case_files(paths: Iterable) -> list[Path]:
    """The case files named, with folders searched for *.case.yaml, each once."""
    return list(gather_case_files(paths).paths)


def cases_folder(rules_path) -> Path:
    """Where the cases of a rule file are by default: the `cases` folder beside it."""
    return Path(rules_path).parent / "cases"


def find_cases(rules_path) -> list[Path]:
    """The cases of a rule file by default: every *.case.yaml under the `cases` folder beside it."""
    folder = cases_folder(rules_path)
    return case_files([folder]) if folder.is_dir() else []


def _expand(path: Path, problems: list) -> list[Path]:
    """A file as it is; a folder's *.case.yaml files, sorted, each folder that cannot be listed reported."""
    if not path.is_dir():
        return [path]

    def unlisted(exc: OSError) -> None:
        problems.append(error(UNREADABLE, _("cannot search this folder for case files: {reason}",
                                            reason=exc.strerror or exc),
                              None, _("make the folder readable (the case files in it are not run)"),
                              where=str(exc.filename or path)))

    found = [Path(top) / name for top, _folders, names in os.walk(path, onerror=unlisted)
             for name in names if name.endswith(CASE_SUFFIX)]
    return sorted(found)
