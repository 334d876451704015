"""Files replaced whole or not at all: a report, a rule file `fmt` rewrites.

The new content is written to a temporary file in the target's folder, flushed to disk, given the
target's permissions and renamed onto it (os.replace), so a run that fails or is interrupted half-way
(a full disk, Ctrl-C) leaves the target as it was, never truncated. A link is written through, not
replaced. Errors are OSError: the caller says what could not be written and why, in its own terms.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

TEMPORARY_SUFFIX = ".part"  # a file being written: .scores.csv.1a2b3c.part beside scores.csv


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str], encoding: str | None = "utf-8") -> Iterator[IO]:
    """A stream whose content replaces the file at `path` when the block ends without an error (the
    temporary file is removed when it does not). `encoding` None opens it for bytes."""
    target = Path(os.path.realpath(path))
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX, dir=target.parent)
    temporary = Path(name)
    try:
        with open(descriptor, "wb") if encoding is None else \
                open(descriptor, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode(target))
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _mode(target: Path) -> int:
    """The permissions the new file gets: those of the file it replaces, or what a new file gets."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
