"""The two sides of a comparison: a rule file named by a path, or `REV:path` read from git (its
imports from the same revision), analysed."""

from __future__ import annotations

import errno
import posixpath
import subprocess
from pathlib import Path

import attrs

from ..api import Analysis, analyze, analyze_text
from ..diagnostics import Diagnostic, InputFileError, RuleFileError, error
from ..i18n import _
from ..link import Files
from ..source import MAX_BYTES, ReadError, Source, too_large


@attrs.frozen
class Version:
    """One side of the comparison: what was named (a path or REV:path), the analysed file, and where
    the file lies in the working tree (its cases are found beside it)."""
    label: str
    analysis: Analysis
    path: Path

    @property
    def errors(self) -> list[Diagnostic]:
        """What `rulecheck check` reports as errors in the file, in the order it prints them."""
        return [d for d in self.analysis.diagnostics if d.is_error]

    @property
    def scores(self) -> bool:
        """Whether the file compiles, errors or not: what remains after the prove stage's errors (a band
        overlap E702, a gap E701) still scores, the first matching row winning, so its meaning is known
        wherever it defines one. A syntax, name or type error leaves no meaning to compare."""
        return self.analysis.compiled is not None


def load_version(spec: str) -> Version:
    """The rule file a path or `REV:path` names, analysed; raises InputFileError if it cannot be read.

    A name that exists on disk is a path; otherwise a name with ':' is a git revision and a path in it,
    as `git show` reads them (relative to the repository's top folder, or to the current folder when
    the path starts with ./ or ../)."""
    if Path(spec).exists() or ":" not in spec:
        return Version(spec, analyze(spec), Path(spec))
    revision, _colon, path = spec.partition(":")
    files = GitFiles.at(revision, spec)
    name = files.name_of(path, spec)
    try:
        source = files.read(name)
    except (UnicodeDecodeError, ReadError) as exc:
        raise InputFileError.unreadable_rules(exc, spec) from None
    except OSError:
        raise InputFileError([_missing(spec, path, files)]) from None
    try:
        return Version(spec, analyze_text(source.text, source.name, files), files.top / name.partition(":")[2])
    except UnicodeDecodeError as exc:  # an import that is not UTF-8
        raise InputFileError.unreadable_rules(exc, spec, imported=True) from None


def _missing(spec: str, path: str, files: GitFiles) -> Diagnostic:
    here = f"{files.revision}:./{path}"
    if files.prefix and not path.startswith(("./", "../")) and files.exists(files.name_of(f"./{path}", spec)):
        hint = _("did you mean {here}? the path after ':' is relative to the repository's top folder ({top})",
                 here=here, top=files.top)
    else:
        hint = _("the path after ':' is relative to the repository's top folder ({top}); write "
                 "{revision}:./NAME for a path relative to the current folder "
                 "('git ls-tree -r --name-only {revision}' lists the files)", top=files.top, revision=files.revision)
    return error("E004", _("there is no file '{path}' in revision {revision}", path=path, revision=files.revision),
                 None, hint, where=spec)


@attrs.frozen
class GitFiles(Files):
    """Files of one git revision: the rule file named REV:path and the files it imports, read with
    `git cat-file`. An import that leaves the repository is read from the disk."""
    revision: str  # as the user wrote it, for names in messages
    commit: str
    top: Path  # the repository's top folder
    prefix: str  # the current folder, relative to the top ('' or 'rules/')

    @classmethod
    def at(cls, revision: str, spec: str) -> GitFiles:
        if not revision:
            raise InputFileError.single("E004", _("no revision before ':'; write e.g. HEAD~1:rules/x.rules"), spec)
        found = _git(["rev-parse", "--show-toplevel", "--show-prefix"], spec)
        if found.returncode != 0:
            raise InputFileError.single(
                "E004", _("'{spec}' is not a file, and the current folder is not in a git repository to read "
                          "a revision from", spec=spec), spec)
        top, prefix = (found.stdout.splitlines() + [""])[:2]
        commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], spec)
        if commit.returncode != 0:
            raise InputFileError([error(
                "E004", _("unknown revision '{revision}': git knows no such commit, branch or tag", revision=revision),
                None, _("name a commit git knows: HEAD, HEAD~1, a branch, a tag or a commit hash ('git log --oneline' "
                        "lists them)"), where=spec)])
        return cls(revision, commit.stdout.strip(), Path(top), prefix)

    def name_of(self, path: str, spec: str) -> str:
        """REV:path with the path relative to the top folder, as messages name the file."""
        relative = posixpath.normpath(self.prefix + path if path.startswith(("./", "../")) else path)
        if relative == ".." or relative.startswith("../"):
            raise InputFileError.single("E004", _("'{path}' lies outside the repository ({top})", path=path,
                                                  top=self.top), spec)
        return f"{self.revision}:{relative}"

    def locate(self, importer: str, path: str) -> str:
        mine = f"{self.revision}:"
        if not importer.startswith(mine):
            return super().locate(importer, path)
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(importer[len(mine):]), path))
        if joined == ".." or joined.startswith("../"):  # outside the repository: the disk has it
            return str((self.top / joined).resolve())
        return mine + joined

    def read(self, name: str) -> Source:
        mine = f"{self.revision}:"
        if not name.startswith(mine):
            return super().read(name)
        path = name[len(mine):]
        size = self._cat(["-s"], path)
        if size.returncode != 0:
            raise FileNotFoundError(errno.ENOENT, _("no such file in revision {revision}", revision=self.revision))
        if int(size.stdout) > MAX_BYTES:  # refused before it is read, as on the disk
            raise too_large(name, MAX_BYTES)
        return Source(name, self._cat(["blob"], path).stdout.decode("utf-8-sig"))

    def exists(self, name: str) -> bool:
        return self._cat(["-e"], name.partition(":")[2]).returncode == 0

    def _cat(self, how: list[str], path: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "cat-file", *how, f"{self.commit}:{path}"], cwd=self.top,
                              capture_output=True, check=False)


def _git(arguments: list[str], spec: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *arguments], capture_output=True, text=True, check=False)
    except OSError:
        raise InputFileError.single("E004", _("'{spec}' is not a file, and git (to read a revision) cannot be "
                                              "run: is it installed?", spec=spec), spec) from None


def load_versions(old: str, new: str) -> tuple[Version, Version]:
    """Both versions; raises InputFileError if one cannot be read, RuleFileError (every error of both
    files) if either cannot be compiled (a syntax, name, type, unit or weight error). A version whose
    only errors are the prove stage's (an overlap, a gap) is returned: it is compared where it defines
    scores, and the caller reports its `errors`."""
    versions = load_version(old), load_version(new)
    if not all(v.scores for v in versions):
        raise RuleFileError([d for v in versions for d in v.errors], sources_of(versions))
    return versions


def sources_of(versions) -> dict:
    """The sources both versions read, by name: for the excerpts under their errors."""
    return {name: s for v in versions for name, s in v.analysis.linked.sources.items()}
