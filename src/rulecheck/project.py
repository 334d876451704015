"""What `rulecheck check` and `fmt` skip: `--exclude GLOB` and the `exclude` list of a `[tool.rulecheck]` section
in pyproject.toml, the first pyproject.toml found from the working directory up (as black and ruff find
theirs). A folder named on the command line is searched for *.rules without the files a pattern
matches; a file named itself is always read (as black does), so a pre-commit hook that names files
still checks them, and so is a folder named that a pattern excludes whole. Patterns of pyproject.toml
are relative to its folder, those of --exclude to the working directory; `*` and `?` stay within a
folder name, `**` spans folders."""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

from .diagnostics import InputFileError
from .i18n import _
from .records import Record

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover  (Python 3.10: tomllib is new in 3.11; tomli is the same parser)
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
INSIDE = "\x00"  # a name no file has: a folder whose every file a pattern excludes excludes it


@attrs.frozen(eq=False, repr=False)
class Exclusion(Record):
    """Glob patterns, each with the folder it is relative to."""
    patterns: tuple[tuple[Path, str], ...] = ()

    def excludes(self, path: Path) -> bool:
        absolute = Path(os.path.abspath(path))  # '..' resolved (Path.absolute keeps it), links not followed
        for base, pattern in self.patterns:
            try:
                relative = absolute.relative_to(base).as_posix()
            except ValueError:
                continue
            if glob_regex(pattern).fullmatch(relative):
                return True
        return False


@functools.cache
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regular expression: `**/` any folders (none too), `**` anything, `*` and `?` within a
    name; a pattern ending in '/' or naming a folder also matches what is inside it."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    regex, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "*":
            regex, i = regex + "[^/]*", i + 1
        elif pattern[i] == "?":
            regex, i = regex + "[^/]", i + 1
        else:
            regex, i = regex + re.escape(pattern[i]), i + 1
    return re.compile(regex + "(?:/.*)?")


def exclusion(excludes: Sequence[str]) -> Exclusion:
    """The patterns of --exclude (relative to the working directory) and of [tool.rulecheck] exclude."""
    cwd = Path.cwd()
    patterns = [(cwd, pattern) for pattern in excludes]
    found = find_pyproject(cwd)
    if found is not None:
        patterns += [(found.parent.absolute(), pattern) for pattern in configured_excludes(found)]
    return Exclusion(tuple(patterns))


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / PYPROJECT
        if candidate.is_file():
            return candidate
    return None


def configured_excludes(pyproject: Path) -> list[str]:
    """The `exclude` list of [tool.rulecheck]; InputFileError (E013) if the file or the list cannot be read."""
    try:
        settings = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("rulecheck", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputFileError.single("E013", _("cannot read {file}: {reason}", file=pyproject, reason=exc),
                                    pyproject) from None
    excludes = settings.get("exclude", []) if isinstance(settings, dict) else None
    if not isinstance(excludes, list) or not all(isinstance(p, str) for p in excludes):
        raise InputFileError.single("E013", _("[tool.rulecheck] exclude in {file} must be a list of globs, such as "
                                              "[\"tests/data/bad/**\"]", file=pyproject), pyproject)
    return excludes


def excluded(excludes: Sequence[str], paths: Sequence[str]) -> Callable[[Path], bool]:
    """Whether a rule file found in a folder of `paths` is skipped: by --exclude or [tool.rulecheck]
    exclude, unless the folder named is itself inside what a pattern excludes (`rulecheck check
    tests/data/bad` checks the fixtures that `rulecheck check .` skips: they were asked for)."""
    skip = exclusion(excludes)
    asked = [Path(path) for path in paths if Path(path).is_dir() and skip.excludes(Path(path) / INSIDE)]

    def skipped(file: Path) -> bool:
        return skip.excludes(file) and not any(file.is_relative_to(folder) for folder in asked)
    return skipped
