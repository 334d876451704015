r"""Source text and positions: where a rule, a fact or a diagnostic comes from, and the one way a rule
or facts file is read from the disk (`read_source`): a regular file of at most MAX_BYTES, UTF-8, inside
the project root when one is given.

A line ends at '\n', '\r\n' or '\r' and nowhere else (not at '\x85', '\u2028', '\x0c', … which
`str.splitlines` splits on but the grammar does not): a Source keeps its text with '\n' line ends, so a
line number means the same to the parser, to messages and to excerpts.
"""

from __future__ import annotations

import errno
import os
import stat
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

import attrs

from .i18n import N_, _
from .records import Record

# The largest rule or facts file read: the Shenzhen framework is 40 KB; a file above this is not one.
MAX_BYTES = 1 << 20  # 1 MiB
SHOWN = 240  # the most characters of a line an excerpt shows


@attrs.frozen(eq=False, repr=False)
class Span(Record):
    """A range in a named file; lines and columns count from 1, the end is exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, file: str, line: int, column: int, width: int = 1) -> Span:
        return cls(file, line, column, line, column + width)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def covers(self, other: Span | None) -> bool:
        """Whether `other` starts on one of this span's lines (a finding inside an indicator's block)."""
        return other is not None and other.file == self.file and self.line <= other.line <= self.end_line


def normalize_newlines(text: str) -> str:
    r"""The text with every line ending ('\r\n', or a lone '\r' of an old Mac file) written '\n'."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@attrs.frozen(eq=False, repr=False)
class Source(Record):
    r"""The text of one rule or facts file, with the name used in messages; its lines end with '\n'."""

    name: str
    text: str = attrs.field(converter=normalize_newlines)

    @classmethod
    def from_path(cls, path: str | Path, root: str | Path | None = None) -> Source:
        """The file at `path`, read as `read_source` reads it."""
        return read_source(path, root)

    _lines: list = attrs.field(init=False, repr=False, eq=False, factory=list)

    def lines(self) -> list[str]:
        if not self._lines and self.text:  # split once, however many messages quote the file
            self._lines.extend(self.text.split("\n"))
        return self._lines

    def line(self, number: int) -> str:
        lines = self.lines()
        return lines[number - 1] if 1 <= number <= len(lines) else ""

    def excerpt(self, span: Span) -> str:
        """The span's first line and a caret line under it, aligned for wide (Chinese) characters; of a
        long line only SHOWN characters around the span, so a megabyte value is never printed whole."""
        text = self.line(span.line).rstrip("\n")
        if not text:
            return ""
        start = max(span.column - 1, 0)
        end = span.end_column - 1 if span.end_line == span.line else len(text)
        end = max(end, start + 1)
        if len(text) > SHOWN:
            first = max(min(start - SHOWN // 4, len(text) - SHOWN), 0)
            head, tail = ("…" if first else ""), ("…" if first + SHOWN < len(text) else "")
            text = head + text[first:first + SHOWN] + tail
            start, end = start - first + len(head), min(end - first, SHOWN) + len(head)
            end = max(end, start + 1)
        gutter = f"{span.line:>5} | "
        pad = " " * display_width(text[:start].expandtabs(4))
        marks = "^" * max(display_width(text[start:end]), 1)
        return f"{gutter}{text.expandtabs(4)}\n{' ' * (len(gutter) - 2)}| {pad}{marks}"


def display_width(text: str) -> int:
    """Terminal columns taken by text: Chinese characters and full-width punctuation take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad_to(text: str, width: int, align: str = "<") -> str:
    """Pad text with spaces to a display width (str.ljust counts a Chinese character as one)."""
    fill = " " * max(width - display_width(text), 0)
    return text + fill if align == "<" else fill + text


# ---- reading a file -----------------------------------------------------------------------------

class ReadError(OSError):
    """A file refused before or while it is read; `code` is its error code (E005–E009), `strerror` the
    reason in the analyst's words, `hint` how to fix it."""

    def __init__(self, code: str, number: int, reason: str, path: str, hint: str):
        super().__init__(number, reason, path)
        self.code = code
        self.hint = hint

    def __reduce__(self):
        return (type(self), (self.code, self.errno, self.strerror, self.filename, self.hint))


def read_source(path: str | Path, root: str | Path | None = None, *, limit: int = MAX_BYTES) -> Source:
    r"""Read a rule or facts file as UTF-8 text (a byte-order mark is dropped, line ends become '\n'),
    as `read_bytes` reads it. Raises what `read_bytes` raises; UnicodeDecodeError when it is not UTF-8;
    ReadError (E008) when it holds NUL bytes."""
    name = str(path)
    text = read_bytes(name, root, limit=limit).decode("utf-8-sig")
    if "\x00" in text:
        raise ReadError("E008", errno.EINVAL, _("it holds NUL bytes: it is a binary file, not text"), name,
                        _("name a rule file: text saved as UTF-8"))
    return Source(name, text)


def read_bytes(path: str | Path, root: str | Path | None = None, *, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a file that must be a regular file (not a device, a pipe or a folder) of at most
    `limit` bytes; opened without blocking, so a pipe is refused, never waited on. With a `root`, `path`
    must also lead, once its symbolic links are followed, to a file inside `root` with no hidden name
    below it (.git, .env: a name starting with '.'); a path as the user wrote it should also be relative
    (`is_absolute`). Raises ReadError when the file is refused (its `code`, `strerror` and `hint` say
    why), FileNotFoundError or another OSError when it cannot be opened."""
    name = str(path)
    real = _resolve(name)
    if root is not None:
        _check_inside(real, Path(os.path.realpath(root)), name)
    before = os.stat(real)
    _check_regular(before, name, limit)
    fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as file:
        opened = os.fstat(file.fileno())
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise ReadError("E006", errno.EAGAIN, _("the file was replaced while it was being read"), name,
                            _("run the command again"))
        _check_regular(opened, name, limit)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large(name, limit)
    return data


def is_absolute(path: str) -> bool:
    r"""An absolute path on any system: /etc/passwd, C:\x, \\server\share, C:x."""
    return PurePosixPath(path).is_absolute() or bool(PureWindowsPath(path).drive or PureWindowsPath(path).root)


def project_root(path: str | Path) -> Path:
    """The folder a rule file's imports must stay inside: the nearest folder above it that holds .git
    (its repository); else the current folder if the file is inside it and it is not `/` or the home
    folder; else the file's own folder."""
    file = Path(os.path.realpath(path))
    for folder in file.parents:
        if (folder / ".git").exists():
            return folder
    here = Path(os.path.realpath(os.getcwd()))
    too_wide = {Path(here.anchor), Path(os.path.realpath(Path.home()))}
    return here if file.is_relative_to(here) and here not in too_wide else file.parent


def _resolve(name: str) -> str:
    try:
        return os.path.realpath(name, strict=True)
    except ValueError:  # a NUL character in the name
        raise ReadError("E006", errno.EINVAL, _("the name holds a NUL character"), name,
                        _("write the file's name without control characters")) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadError("E009", errno.ELOOP, _("its symbolic links form a loop"), name,
                            _("make the link point to the rule file itself (ls -l shows where it points)")) from None
        raise exc.__class__(exc.errno, exc.strerror, name) from None


def _check_inside(real: str, root: Path, name: str) -> None:
    try:
        inside = Path(real).relative_to(root)
    except ValueError:
        raise ReadError("E005", errno.EACCES, _("it lies outside the project ({root})", root=root), name,
                        _("import only rule files of the project: the git repository of the rule file or, "
                          "outside one, the current folder; run rulecheck from a folder that holds both "
                          "files")) from None
    hidden = next((part for part in inside.parts if part.startswith(".")), None)
    if hidden is not None:
        raise ReadError("E005", errno.EACCES,
                        _("it lies in the hidden '{hidden}' (a name starting with '.')", hidden=hidden), name,
                        _("import a rule file of the project: hidden files and folders (.git, .env, .ssh) "
                          "are never read"))


KINDS = ((stat.S_ISDIR, N_("it is a folder, not a regular file")),
         (stat.S_ISFIFO, N_("it is a pipe, not a regular file")),
         (stat.S_ISCHR, N_("it is a device, not a regular file")),
         (stat.S_ISBLK, N_("it is a device, not a regular file")),
         (stat.S_ISSOCK, N_("it is a socket, not a regular file")))


def _check_regular(info: os.stat_result, name: str, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        what = next((reason for test, reason in KINDS if test(info.st_mode)),
                    N_("it is a special file, not a regular file"))
        raise ReadError("E006", errno.EINVAL, _(what), name, _("name a rule file: a .rules text file"))
    if info.st_size > limit:
        raise too_large(name, limit)


def too_large(name: str, limit: int = MAX_BYTES) -> ReadError:
    """E007: the file `name` holds more than `limit` bytes."""
    return ReadError("E007", errno.EFBIG, _("it is larger than {megabytes} MB ({size} bytes)",
                                            megabytes=limit // 1024 // 1024, size=format(limit, ",")), name,
                     _("a rule or facts file is a text of a few thousand lines at most: is this the right file?"))
