"""The facts file a case names (`facts:` or `base:`), read as imports are read: only a file of the
project (source.project_root of the case file), a regular text file of at most 1 MB, and never a case
file. Each refusal is a problem at the path as written, so no other file of the machine is read, and
no line of one is shown under a message."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..diagnostics import RulecheckError, error
from ..i18n import _
from ..inputs.facts import FactSet, parse_facts
from ..inputs.tables import CASE_SUFFIX
from ..source import MAX_BYTES, ReadError, Span, is_absolute, project_root, read_source

OUTSIDE = "C810"  # an absolute path, a path leading outside the project or into a hidden folder
NOT_FACTS = "C811"  # a folder, a device, a pipe, a file above 1 MB, a binary file, a link loop, a case file
UNREADABLE = "C805"  # missing, not UTF-8


def facts_file_hint() -> str:
    return _("name a facts file: a .yaml or .json text file of at most {size} MB", size=MAX_BYTES // 1024 // 1024)


class FactsPathError(RulecheckError):
    """A facts path that is refused, or names a file that cannot be read."""


def read_case_facts(case_file: str, written: str, span: Span) -> FactSet:
    """The facts of the file `written` names, relative to the case file's folder. Raises FactsPathError
    (the path is refused, or the file cannot be read) or FactsError (it is not a mapping of facts)."""
    folder = Path(case_file).parent
    refusal = _refusal(case_file, written, folder)
    if refusal is not None:
        raise _refused(*refusal, span)
    root = project_root(case_file)
    path = folder / written
    try:
        return parse_facts(read_source(path, root))
    except (OSError, UnicodeDecodeError) as exc:
        raise _refused(*_unread(exc, path, written, root, folder), span) from None


def _refusal(case_file: str, written: str, folder: Path) -> tuple[str, str, str] | None:
    """(code, message, hint) for a path refused as written: absolute, the case file itself, a case file."""
    if is_absolute(written):
        return (OUTSIDE, _("the facts file '{path}' is not read: its path is absolute", path=written),
                _("write the path from the case file's folder ({folder}), e.g. 'facts.yaml' or "
                  "'../facts/department.yaml'", folder=folder))
    path = folder / written
    if os.path.realpath(path) == os.path.realpath(case_file):
        return (NOT_FACTS, _("the facts file '{path}' is this case file itself", path=written),
                _("write the facts under 'facts:' (one 'name: value' a line), or name a facts file beside it"))
    if path.name.lower().endswith(CASE_SUFFIX):
        return (NOT_FACTS, _("the facts file '{path}' is a case file, not a facts file", path=written),
                _("name the facts file that case file names, or write the facts under 'facts:'"))
    return None


def _unread(exc: OSError | UnicodeDecodeError, path: Path, written: str, root: Path,
            folder: Path) -> tuple[str, str, str]:
    """(code, message, hint) for a facts file source.read_source refused or could not read."""
    if isinstance(exc, FileNotFoundError) and not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)):
        # outside the project, said alike whether the file exists or not
        exc = ReadError("E005", errno.EACCES, _("it lies outside the project ({root})", root=root), written, "")
    if isinstance(exc, ReadError):
        message = _("the facts file '{path}' is not read: {reason}", path=written, reason=exc.strerror)
        if exc.code != "E005":
            return NOT_FACTS, message, facts_file_hint()
        return OUTSIDE, message, _("a case reads only facts files inside its project, {root} (the git repository "
                                   "of the case file or, outside one, the current folder), and none in a hidden "
                                   "folder such as .git: move the facts file into the project and write its path "
                                   "from the case file's folder, {folder}", root=root, folder=folder)
    reason = _("it is not UTF-8 text") if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
    return UNREADABLE, _("cannot read the facts file '{path}': {reason}", path=written, reason=reason), \
        _("a path is relative to the case file's folder, {folder}", folder=folder)


def _refused(code: str, message: str, hint: str, span: Span) -> FactsPathError:
    return FactsPathError([error(code, message, span, hint)])
