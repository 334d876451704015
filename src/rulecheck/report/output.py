"""Where a report goes: checked before anything is scored, and written so that it is whole or absent.

A report for `--output FILE` is written to a temporary file in FILE's folder and renamed onto FILE
(os.replace) only once it is complete, so a run that fails or is interrupted half-way (a full disk,
Ctrl-C, a department that raises) never leaves a truncated file that looks like a finished report:
FILE is either the whole new report or what it was before. A FILE that is one of the files the command
reads (the input, the rule file, a facts file of the input folder) is refused before anything is
written. A report on standard output is streamed as it is made.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..atomic import replacing
from ..diagnostics import RulecheckError, error
from ..i18n import _

BINARY_FORMATS = frozenset({"xlsx"})  # bytes: written to a file (--output FILE), never to a terminal


class OutputError(RulecheckError):
    """A report cannot be written where it was asked to go (exit code 2); nothing half-written is left."""


def output_error(fmt: str, output) -> str | None:
    """Why `fmt` cannot be written to `output` (None: standard output), or None if it can: checked
    before scoring, so that a long batch does not end in a report with nowhere to go."""
    if fmt in BINARY_FORMATS and output is None:
        return _("--format {format} writes a binary workbook, which cannot go to the terminal: add --output "
                 "FILE, e.g. --output report.{format}", format=fmt)
    if output is None:
        return None
    path = Path(output)
    folder = path.absolute().parent
    if not folder.is_dir():
        return _("cannot write {output}: there is no folder {folder}; create it, or write the report elsewhere",
                 output=output, folder=folder)
    if path.is_dir():
        example = path / f"report.{fmt}"
        return _("cannot write {output}: it is a folder; name a file in it, e.g. {example}", output=output,
                 example=example)
    if not os.access(folder, os.W_OK):
        return _("cannot write {output}: the folder {folder} is not writable; write the report elsewhere",
                 output=output, folder=folder)
    if path.exists() and not os.access(path, os.W_OK):
        return _("cannot write {output}: the file is read-only; write the report elsewhere, or make it writable",
                 output=output)
    return None


def refuse_reading_output(output, reads: Iterable[tuple[str, str | os.PathLike[str]]]) -> None:
    """Raise OutputError (E011) if `output` is one of the files read, each given as (what it is, path):
    the same file by os.path.samefile (a link, another spelling of the path), not merely the same name."""
    if output is None or not os.path.exists(output):
        return
    for role, path in reads:
        with contextlib.suppress(OSError):
            if os.path.samefile(output, path):
                raise OutputError([error(
                    "E011", _("--output {output} is {role} ({path}), which this command reads: the report would "
                              "overwrite it", output=output, role=role, path=path), None,
                    _("write the report to another file, e.g. --output scores.csv"), where=str(output))])


@contextlib.contextmanager
def open_output(output, encoding: str | None = "utf-8") -> Iterator[IO]:
    """A stream for the report: standard output for None, else a temporary file beside `output` that
    replaces it when the block ends without an error, and is removed when it does not. `encoding` None
    opens it for bytes. A write that fails (a full disk) is an OutputError; the temporary file is removed."""
    if output is None:
        yield sys.stdout
        return
    target = Path(os.path.realpath(output))  # a link is written through, not replaced
    if target.exists() and not target.is_file():  # /dev/null, /dev/stdout, a pipe: written as it is
        with _cannot_write(output), _open(target, encoding) as stream:
            yield stream
        return
    with _cannot_write(output), replacing(target, encoding) as stream:
        yield stream


def _open(path: Path, encoding: str | None) -> IO:
    return path.open("wb") if encoding is None else path.open("w", encoding=encoding, newline="")


@contextlib.contextmanager
def _cannot_write(output) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise OutputError([error("E010", _("cannot write {output}: {reason}; no report was written there",
                                           output=output, reason=exc.strerror or exc),
                                 None, _hint(exc), where=str(output))]) from None


def _hint(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("the disk is full: free some space, or write the report to another disk with --output")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("you may not write there: write the report elsewhere with --output")
    if exc.errno == errno.EISDIR:
        return _("it is a folder: name a file in it")
    return _("write the report elsewhere with --output")


def write_output(content: str | bytes, output) -> None:
    """Write a rendered report to the file `output`: text as UTF-8 ending with a line break, a workbook
    as its bytes; whole or not at all."""
    if isinstance(content, str) and not content.endswith("\n"):
        content += "\n"
    with open_output(output, None if isinstance(content, bytes) else "utf-8") as stream:
        stream.write(content)
