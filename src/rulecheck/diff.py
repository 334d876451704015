"""Compare two versions of a rule file: what changed in meaning, in the analyst's words, and which
departments' scores the change moves.

A version is a path, or `REV:path` read from git (its imports from the same revision). The structure
is compared on the checked syntax trees, so comments and layout never count; band tables over one
subject also state the values whose points change (满意度 in [90%, 95%): 4 → 6), worked out by the
prove stage's band analysis. The impact scores the same departments with both versions.
"""

from __future__ import annotations

import errno
import json
import posixpath
import subprocess
from collections.abc import Callable, Iterable
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path

import attrs

from .api import Analysis, analyze, analyze_text, ruleset_from
from .batch import Department, Scored, is_batch, read_departments, score_departments
from .cases import load_cases
from .compile import Compiler
from .diagnostics import (
    Diagnostic,
    FactsError,
    InputFileError,
    RulecheckError,
    RuleFileError,
    error,
)
from .inputs.facts import load_facts
from .language import DEFAULT_ROUNDING, RULE_KINDS
from .link import Files
from .prove.bands import describe, table_of
from .prove.intervals import Intervals
from .prove.ranges import Choices, Ranges
from .results import Result
from .source import Source, Span
from .syntax import ast
from .syntax.layout import (
    INDENT,
    deduct_text,
    input_text,
    let_text,
    node_lines,
    rule_lines,
)
from .syntax.printer import (
    format_band,
    format_condition,
    format_expr,
    format_grade_row,
    format_item,
    format_literal,
    format_name,
    format_number,
)

# ---- versions: a path, or REV:path from git --------------------------------------------------------


@attrs.frozen
class Version:
    """One side of the comparison: what was named (a path or REV:path), the analysed file, and where
    the file lies in the working tree (its cases are found beside it)."""
    label: str
    analysis: Analysis
    path: Path


def load_version(spec: str) -> Version:
    """The rule file a path or `REV:path` names, analysed; raises InputFileError if it cannot be read.

    A name that exists on disk is a path; otherwise a name with ':' is a git revision and a path in it,
    as `git show` reads them (relative to the repository's top folder, or to the current folder when
    the path starts with ./ or ../)."""
    if Path(spec).exists() or ":" not in spec:
        return Version(spec, analyze(spec), Path(spec))
    revision, _, path = spec.partition(":")
    files = GitFiles.at(revision, spec)
    name = files.name_of(path, spec)
    try:
        source = files.read(name)
    except UnicodeDecodeError:
        raise InputFileError.single("E001", "the rule file is not UTF-8 text", spec) from None
    except OSError:
        raise InputFileError([_missing(spec, path, files)]) from None
    try:
        return Version(spec, analyze_text(source.text, source.name, files), files.top / name.partition(":")[2])
    except UnicodeDecodeError:  # an import that is not UTF-8
        raise InputFileError.single("E001", "a file it imports is not UTF-8 text", spec) from None


def _missing(spec: str, path: str, files: GitFiles) -> Diagnostic:
    here = f"{files.revision}:./{path}"
    if files.prefix and not path.startswith(("./", "../")) and files.exists(files.name_of(f"./{path}", spec)):
        hint = f"did you mean {here}? the path after ':' is relative to the repository's top folder ({files.top})"
    else:
        hint = (f"the path after ':' is relative to the repository's top folder ({files.top}); write "
                f"{files.revision}:./NAME for a path relative to the current folder "
                f"('git ls-tree -r --name-only {files.revision}' lists the files)")
    return error("E004", f"there is no file '{path}' in revision {files.revision}", None, hint, where=spec)


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
            raise InputFileError.single("E004", "no revision before ':'; write e.g. HEAD~1:rules/x.rules", spec)
        found = _git(["rev-parse", "--show-toplevel", "--show-prefix"], spec)
        if found.returncode != 0:
            raise InputFileError.single(
                "E004", f"'{spec}' is not a file, and the current folder is not in a git repository to read "
                "a revision from", spec)
        top, prefix = (found.stdout.splitlines() + [""])[:2]
        commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], spec)
        if commit.returncode != 0:
            raise InputFileError([error(
                "E004", f"unknown revision '{revision}': git knows no such commit, branch or tag", None,
                "name a commit git knows: HEAD, HEAD~1, a branch, a tag or a commit hash ('git log --oneline' "
                "lists them)", where=spec)])
        return cls(revision, commit.stdout.strip(), Path(top), prefix)

    def name_of(self, path: str, spec: str) -> str:
        """REV:path with the path relative to the top folder, as messages name the file."""
        relative = posixpath.normpath(self.prefix + path if path.startswith(("./", "../")) else path)
        if relative == ".." or relative.startswith("../"):
            raise InputFileError.single("E004", f"'{path}' lies outside the repository ({self.top})", spec)
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
        found = self._blob(name[len(mine):])
        if found.returncode != 0:
            raise FileNotFoundError(errno.ENOENT, f"no such file in revision {self.revision}")
        return Source(name, found.stdout.decode("utf-8-sig"))

    def exists(self, name: str) -> bool:
        return self._blob(name.partition(":")[2]).returncode == 0

    def _blob(self, path: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "cat-file", "blob", f"{self.commit}:{path}"], cwd=self.top,
                              capture_output=True, check=False)


def _git(arguments: list[str], spec: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *arguments], capture_output=True, text=True, check=False)
    except OSError:
        raise InputFileError.single("E004", f"'{spec}' is not a file, and git (to read a revision) cannot be "
                                    "run: is it installed?", spec) from None


def load_versions(old: str, new: str) -> tuple[Version, Version]:
    """Both versions; raises InputFileError if one cannot be read, RuleFileError (every error of both
    files) if either does not pass `rulecheck check`."""
    versions = load_version(old), load_version(new)
    errors = [d for v in versions for d in v.analysis.diagnostics if d.is_error]
    if errors:
        sources = {name: s for v in versions for name, s in v.analysis.linked.sources.items()}
        raise RuleFileError(errors, sources)
    return versions


# ---- the structure ----------------------------------------------------------------------------------


@attrs.frozen
class IntervalChange:
    """Values of a band table's subject whose points change: 满意度 in [90%, 95%): 4 → 6."""
    subject: str
    values: str  # "in [90%, 95%)", "≥ 95%", "= 3", "= 未公开"
    old: Decimal
    new: Decimal

    def __str__(self) -> str:
        return f"{self.subject} {self.values}: {format_number(self.old)} → {format_number(self.new)}"


@attrs.frozen
class Section:
    """What changed in one part of the file, in the analyst's words: the framework's header and
    grades, the inputs, the derived values, or one group or indicator of the tree."""
    title: str
    lines: tuple
    intervals: tuple = ()
    span: Span | None = None  # where the new version declares it (the old one, if it was removed)

    def heading(self) -> str:
        return f"{self.title} ({self.span.file}:{self.span.line}):" if self.span else f"{self.title}:"




def compare(old: Version, new: Version) -> list[Section]:
    """Every change in meaning from old to new: the header and grades, the inputs, the derived values,
    then the tree in order (a removed node where it stood). Empty if the files mean the same."""
    return Comparison(Side.of(old.analysis), Side.of(new.analysis)).sections()


@attrs.frozen
class Side:
    """What the comparison reads of one version: its checked program, and the band analysis's view."""
    program: ast.Program
    intervals: Intervals
    display_kind: Callable[[ast.Expr], str | None]  # expr → "percent" or None

    @classmethod
    def of(cls, analysis: Analysis) -> Side:
        checked = analysis.checked
        assert checked is not None  # a version is compared only when it has no errors (load_versions)
        return cls(checked.program, Intervals.of_program(checked), Compiler(checked).display_kind)


@attrs.frozen
class Comparison:
    old: Side
    new: Side

    def sections(self) -> list[Section]:
        found = [self.header(), self.inputs(), self.lets()]
        return [s for s in found + self.tree() if s.lines]

    # ---- the header, grades, inputs and derived values --------------------------------------------

    def header(self) -> Section:
        old, new = self.old.program, self.new.program
        lines = []
        old_name, new_name = (p.name.value if p.name else "" for p in (old, new))
        if old_name != new_name:
            lines.append(f'name "{old_name}" → "{new_name}"')
        old_total, new_total = (p.total.value if p.total else None for p in (old, new))
        if old_total != new_total:
            lines.append(f"total {_maybe(old_total)} → {_maybe(new_total)}")
        old_rounding, new_rounding = (p.rounding or DEFAULT_ROUNDING for p in (old, new))
        if old_rounding != new_rounding:
            lines.append(f"rounding {_rounding(old_rounding)} → {_rounding(new_rounding)}")
        lines += _grades(old.grades, new.grades)
        lines += _order("order of the top-level groups", [n.name for n in old.nodes], [n.name for n in new.nodes])
        return Section("framework", tuple(lines))

    def inputs(self) -> Section:
        return Section("inputs", tuple(_declarations(
            self.old.program.inputs, self.new.program.inputs,
            lambda decl: input_text(attrs.evolve(decl, description=None)))))

    def lets(self) -> Section:
        return Section("derived values", tuple(_declarations(
            self.old.program.lets, self.new.program.lets,
            lambda let: let_text(attrs.evolve(let, description=None)))))

    # ---- the tree ---------------------------------------------------------------------------------

    def tree(self) -> list[Section]:
        old_nodes = {item.name: (item, parents) for item, parents in ast.iter_nodes(self.old.program.nodes)}
        new_nodes = {item.name: (item, parents) for item, parents in ast.iter_nodes(self.new.program.nodes)}
        renamed = {name: name for name in old_nodes if name in new_nodes}  # old name → new name
        gone = [name for name in old_nodes if name not in new_nodes]
        for name, (item, _) in new_nodes.items():
            twin = None if name in old_nodes else next(
                (g for g in gone if g not in renamed and _renamed(old_nodes[g][0], item)), None)
            if twin is not None:
                renamed[twin] = name
        was = {new: old for old, new in renamed.items()}
        position = {name: index for index, name in enumerate(new_nodes)}
        placed = []  # (position, section): a removed node goes where it stood, after what came before it
        last = -1
        for name, (item, parents) in old_nodes.items():
            if name in renamed:
                last = position[renamed[name]]
            elif not parents or parents[-1] in renamed:  # a removed group shows its children
                placed.append(((last, 1), self.removed(item, parents)))
        for name, (item, parents) in new_nodes.items():
            parent = parents[-1] if parents else None
            if name in was:
                before, before_parents = old_nodes[was[name]]
                old_parent = before_parents[-1] if before_parents else None
                moved = renamed.get(old_parent, old_parent) != parent
                section = self.node(before, item, renamed, _parent(before_parents) if moved else None)
            elif parent is None or parent in was:  # an added group shows its children
                section = self.added(item, parents)
            else:
                continue
            placed.append(((position[name], 0), section))
        return [section for _, section in sorted(placed, key=lambda p: p[0])]

    def added(self, item, parents: tuple) -> Section:
        lines = [f"added under {_parent(parents)}:"] + _source_lines(node_lines(item, 0))
        return Section(_title(item), tuple(lines), span=item.span)

    def removed(self, item, parents: tuple) -> Section:
        lines = [f"removed from {_parent(parents)}:"] + _source_lines(node_lines(item, 0))
        return Section(_title(item), tuple(lines), span=item.span)

    def node(self, old, new, renamed: dict, moved_from: str | None) -> Section:
        """A node both versions have (perhaps renamed or moved): what changed in it."""
        lines: list[str] = []
        intervals: list[IntervalChange] = []
        if old.name != new.name:
            lines.append(f"renamed from {format_name(old.name)}")
        if moved_from is not None:
            lines.append(f"moved from {moved_from}")
        if old.points != new.points:
            lines.append(f"points {format_number(old.points)} → {format_number(new.points)}")
        lines += _directions(old.directions, new.directions)
        if isinstance(old, ast.Group) and isinstance(new, ast.Group):
            lines += _order("order", [renamed.get(c.name) for c in old.children], [c.name for c in new.children])
        elif isinstance(new, ast.Group):
            lines.append(f"was an indicator, now a group of {len(new.children)}")
        elif isinstance(old, ast.Group):
            lines += ["was a group, now an indicator:"] + _body_lines(new)
        elif old.parts or new.parts:
            lines += self.parts(old, new, intervals)
        else:
            lines += self.rule(old.rule, new.rule, intervals)
        return Section(_title(new), tuple(lines), tuple(intervals), new.span)

    def parts(self, old: ast.Indicator, new: ast.Indicator, intervals: list) -> list[str]:
        if not new.parts:
            assert new.rule is not None  # a checked indicator has parts or a rule (E305)
            return ["no longer scored by parts; now:"] + _source_lines(rule_lines(new.rule, 0))
        if not old.parts:
            return ["now scored by parts:"] + _body_lines(new)
        lines = []
        for i, j in pair_up(old.parts, new.parts, key=lambda part: part.name):
            if j is None:
                a = old.parts[i]
                lines.append(f"part {format_name(a.name)} removed ({format_number(a.points)})")
            elif i is None:
                b = new.parts[j]
                lines.append(f"part {format_name(b.name)} added ({format_number(b.points)}):")
                lines += _source_lines(rule_lines(b.rule, 0))
            else:
                a, b = old.parts[i], new.parts[j]
                label = f"part {format_name(b.name)}"
                if a.name != b.name:
                    lines.append(f"{label}: renamed from {format_name(a.name)}")
                if a.points != b.points:
                    lines.append(f"{label}: points {format_number(a.points)} → {format_number(b.points)}")
                lines += [f"{label}: {line}" if not line.startswith(INDENT) else INDENT + line
                          for line in self.rule(a.rule, b.rule, intervals)]
        return lines

    # ---- scoring rules ----------------------------------------------------------------------------

    def rule(self, old, new, intervals: list) -> list[str]:
        if old == new:
            return []
        if type(old) is not type(new):
            return [f"now scored by {RULE_KINDS[type(new)]} (was {RULE_KINDS[type(old)]}):"] + \
                _source_lines(rule_lines(new, 0))
        if isinstance(new, ast.Formula):
            return [f"formula: {format_expr(old.expr)} → {format_expr(new.expr)}"]
        if isinstance(new, ast.Assessed):
            return [f"assessed score: {format_expr(old.input)} → {format_expr(new.input)}"]
        if isinstance(new, ast.Bands):
            intervals += self.intervals(old, new)
            return _bands(old, new)
        if isinstance(new, ast.Checklist):
            return _checklist(old, new)
        return _deduction(old, new)

    def intervals(self, old: ast.Bands, new: ast.Bands) -> list[IntervalChange]:
        """The subject's values whose points change, where both tables compare one subject with
        constants and give constant points."""
        old_table, new_table = table_of(old, self.old.intervals), table_of(new, self.new.intervals)
        if old_table is None or new_table is None or old_table.subject != new_table.subject \
                or type(old_table.domain) is not type(new_table.domain):
            return []
        old_points = [self.old.intervals.of(band.points).constant for band in old.bands]
        new_points = [self.new.intervals.of(band.points).constant for band in new.bands]
        if None in old_points or None in new_points:
            return []
        changed: dict = {}
        for old_values, a in zip(old_table.reachable(), old_points):
            for new_values, b in zip(new_table.reachable(), new_points):
                shared = old_values.intersect(new_values)
                if a != b and not shared.empty:
                    changed[a, b] = changed[a, b].union(shared) if (a, b) in changed else shared
        subject = format_expr(new_table.subject)
        if isinstance(new_table.domain, Choices):
            return [IntervalChange(subject, f"= {format_name(value)}", a, b)
                    for value in new_table.domain.universe
                    for (a, b), values in changed.items() if value in values.values]
        kind = self.new.display_kind(new_table.subject)
        pieces = sorted(((piece, a, b) for (a, b), values in changed.items() for piece in values.pieces),
                        key=lambda found: (found[0].low, not found[0].low_closed))
        return [IntervalChange(subject, _values(describe(Ranges.of(piece), new_table.integral, kind)), a, b)
                for piece, a, b in pieces]


def _order(label: str, old_names: list, new_names: list) -> list[str]:
    """The children both versions have (old names already renamed), if they come in another order."""
    kept_old = [name for name in old_names if name in new_names]
    kept_new = [name for name in new_names if name in old_names]
    if kept_old == kept_new:
        return []
    return [f"{label}: {', '.join(map(format_name, kept_old))} → {', '.join(map(format_name, kept_new))}"]


def _renamed(old, new) -> bool:
    """The same node under another name: same kind, points, rule or children, directions."""
    return type(old) is type(new) and attrs.evolve(old, name=new.name) == new


def _title(item) -> str:
    return f"{'group' if isinstance(item, ast.Group) else 'indicator'} {format_name(item.name)}"


def _parent(parents: tuple) -> str:
    return f"group {format_name(parents[-1])}" if parents else "the top level"


def _source_lines(lines: Iterable) -> list[str]:
    """Lines of the layout (rule-file text), indented one step under the change they illustrate."""
    return [INDENT * (line.depth + 1) + line.text for line in lines]


def _body_lines(indicator: ast.Indicator) -> list[str]:
    """An indicator's rule or parts as written, under the change they illustrate (its header and
    directions left out: at depth -1, what the header holds is at depth 0)."""
    return _source_lines(list(node_lines(indicator, -1))[1 + len(indicator.directions):])


def _maybe(value) -> str:
    return format_number(value) if value is not None else "(none)"


def _rounding(rounding: ast.Rounding) -> str:
    return f"{rounding.decimals} decimal{'s' if rounding.decimals != 1 else ''} {rounding.mode}"


def _declarations(old: tuple, new: tuple, text) -> list[str]:
    """Inputs or derived values added, removed or redeclared, in the new file's order (the removed
    ones first); descriptions are for people and do not count."""
    old_by_name = {decl.name: decl for decl in old}
    new_by_name = {decl.name: decl for decl in new}
    lines = [f"removed: {text(decl)}" for decl in old if decl.name not in new_by_name]
    for decl in new:
        before = old_by_name.get(decl.name)
        if before is None:
            lines.append(f"added: {text(decl)}")
        elif text(before) != text(decl):
            lines.append(f"{text(before)}  →  {text(decl)}")
    return lines


def _directions(old: tuple, new: tuple) -> list[str]:
    def shown(direction):
        return f"{direction.direction} in {format_name(direction.input.name)}"
    old_shown, new_shown = [shown(d) for d in old], [shown(d) for d in new]
    return ([f"direction removed: {d}" for d in old_shown if d not in new_shown]
            + [f"direction added: {d}" for d in new_shown if d not in old_shown])


def _row_lines(old: tuple, new: tuple, key, removed, added, changed) -> list[str]:
    """The lines for two versions of a list of rows (band rows, items, deductions, grades), paired by
    pair_up: removed(i, row) and added(j, row) say a row on one side only, changed(i, j, old, new) the
    differences of a pair (none if it is the same)."""
    lines = []
    for i, j in pair_up(old, new, key):
        if j is None:
            lines.append(removed(i, old[i]))
        elif i is None:
            lines.append(added(j, new[j]))
        else:
            lines += changed(i, j, old[i], new[j])
    return lines


def _said(label: str, differences: list) -> list[str]:
    return [f"{label}: {'; '.join(differences)}"] if differences else []


def _grades(old: tuple, new: tuple) -> list[str]:
    def changed(i, j, a, b):
        differences = [f"renamed from {format_name(a.grade)}"] if a.grade != b.grade else []
        if a.condition != b.condition:
            differences.append(_condition_change(a.condition, b.condition, ast.TotalScore()))
        return _said(f"grade {format_name(b.grade)}", differences)
    return _row_lines(old, new, lambda row: row.grade, lambda i, row: f"grade removed: {format_grade_row(row)}",
                      lambda j, row: f"grade added: {format_grade_row(row)}", changed)


def _bands(old: ast.Bands, new: ast.Bands) -> list[str]:
    def changed(i, j, a, b):
        differences = [_condition_change(a.condition, b.condition, new.subject)] if a.condition != b.condition else []
        if a.points != b.points:
            differences.append(f"points {format_expr(a.points)} → {format_expr(b.points)}")
        return _said(f"band {j + 1}" + (f" (was {i + 1})" if i != j else ""), differences)
    lines = [f"band subject: {_subject(old.subject)} → {_subject(new.subject)}"] if old.subject != new.subject else []
    return lines + _row_lines(old.bands, new.bands, lambda band: band.points,
                              lambda i, band: f"band {i + 1} removed: {format_band(band, old.subject)}",
                              lambda j, band: f"band {j + 1} added: {format_band(band, new.subject)}", changed)


def _subject(subject) -> str:
    return format_expr(subject) if subject is not None else "(each row names its own)"


def _checklist(old: ast.Checklist, new: ast.Checklist) -> list[str]:
    def changed(i, j, a, b):
        if a.condition == b.condition:
            return _said(f"item {format_expr(b.condition)}", [_points(a, b)] if a.points != b.points else [])
        return _said(f"item {j + 1}", [f"condition {format_expr(a.condition)} → {format_expr(b.condition)}"]
                     + ([_points(a, b)] if a.points != b.points else []))
    return _row_lines(old.items, new.items, lambda item: item.condition,
                      lambda i, item: f"item removed: {format_item(item)}",
                      lambda j, item: f"item added: {format_item(item)}", changed)



def _points(old, new) -> str:
    return f"points {format_expr(old.points)} → {format_expr(new.points)}"


def _deduction(old: ast.Deduction, new: ast.Deduction) -> list[str]:
    def changed(i, j, a, b):
        differences = [f"per {format_expr(a.quantity)} → per {format_expr(b.quantity)}"] \
            if a.quantity != b.quantity else []
        if a.amount != b.amount:
            differences.append(f"amount {format_expr(a.amount)} → {format_expr(b.amount)}")
        if _unit(a) != _unit(b):
            differences.append(f"unit {_unit(a)} → {_unit(b)}")
        if _threshold(a) != _threshold(b):
            differences.append(f"threshold {_threshold(a)} → {_threshold(b)}")
        label = f"deduct per {format_expr(b.quantity)}" if a.quantity == b.quantity else f"deduction {j + 1}"
        return _said(label, differences)
    lines = _row_lines(old.steps, new.steps, lambda step: step.quantity,
                       lambda i, step: f"removed: {deduct_text(step)}", lambda j, step: f"added: {deduct_text(step)}",
                       changed)
    old_floor, new_floor = (format_expr(r.floor) if r.floor is not None else "0" for r in (old, new))
    return lines + ([f"floor {old_floor} → {new_floor}"] if old_floor != new_floor else [])


def _unit(step: ast.Deduct) -> str:
    return format_expr(step.unit) if step.unit is not None else "1"


def _threshold(step: ast.Deduct) -> str:
    return f"{step.direction} {format_expr(step.threshold)}" if step.threshold is not None else "none"


def _condition_change(old, new, subject) -> str:
    """'threshold 95% → 90%' when only numbers moved, else 'condition OLD → NEW'."""
    moved = changed_numbers(old, new) if old is not None and new is not None else None
    if moved:
        return (f"threshold{'s' if len(moved) > 1 else ''} "
                + ", ".join(f"{format_literal(a)} → {format_literal(b)}" for a, b in moved))
    return f"condition {format_condition(old, subject)} → {format_condition(new, subject)}"


def changed_numbers(old, new) -> list[tuple] | None:
    """The pairs of numbers that differ between two expressions of the same shape (a threshold that
    moved), in reading order; None if the expressions differ in more than numbers."""
    if isinstance(old, ast.Number) and isinstance(new, ast.Number):
        return [] if old == new else [(old, new)]
    if type(old) is not type(new) or _shape(old) != _shape(new):
        return None
    old_parts, new_parts = ast.sub_expressions(old), ast.sub_expressions(new)
    if not old_parts:
        return [] if old == new else None
    found = []
    for a, b in zip(old_parts, new_parts):
        inner = changed_numbers(a, b)
        if inner is None:
            return None
        found += inner
    return found


def _shape(expr) -> tuple:
    return (getattr(expr, "op", None), getattr(expr, "ops", None), getattr(expr, "function", None),
            len(ast.sub_expressions(expr)))


def _values(text: str) -> str:
    """'in [90%, 95%)', '≥ 95%', '= 3': the described values after the subject's name."""
    if text.startswith(("[", "(")):
        return f"in {text}"
    if text.startswith(("≥", "≤", "<", ">")) or text == "any value":
        return text
    return f"= {text}"


def pair_up(old, new, key) -> list[tuple]:
    """Rows of two versions side by side, in order, as (old index, new index): equal rows; within a
    stretch that changed, rows with the same key (a band's points, an item's condition); then rows by
    position where both sides have as many left. A row on one side only is added or removed (None)."""
    pairs: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            pairs += zip(range(i1, i2), range(j1, j2))
            continue
        olds, news = range(i1, i2), range(j1, j2)
        keys = SequenceMatcher(None, [key(old[i]) for i in olds], [key(new[j]) for j in news], autojunk=False)
        for inner, a1, a2, b1, b2 in keys.get_opcodes():
            if inner == "equal" or a2 - a1 == b2 - b1:
                pairs += zip(olds[a1:a2], news[b1:b2])
            else:
                pairs += [(i, None) for i in olds[a1:a2]] + [(None, j) for j in news[b1:b2]]
    return pairs


# ---- the impact: the same departments scored with both versions -----------------------------------


def departments_in(path: str | Path, ruleset_inputs: Iterable[str]) -> tuple[list[Department], list]:
    """The departments of a facts file, a folder of them, a CSV or a JSON Lines file (batch.py reads
    all but the first), and what concerns the whole input (a column naming no input of either version).
    Raises InputFileError if the input cannot be read at all."""
    path = Path(path)
    if is_batch(path):
        departments = read_departments(path, ruleset_inputs)
        return list(departments), departments.diagnostics
    key = path.with_suffix("").name
    try:
        facts = load_facts(path)
    except FactsError as exc:
        return [Department(key, str(path), errors=tuple(exc.diagnostics))], []
    except OSError as exc:
        raise InputFileError.single("E002", f"cannot read facts file: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError:
        raise InputFileError.single("E002", "the facts file is not UTF-8 text", path) from None
    return [_department(key, str(path), facts)], []


def departments_of_cases(paths: Iterable[Path]) -> list[Department]:
    """The cases of case files (cases.py) as departments: named by the case, located where the case
    is written. A case file that cannot be read is one department that cannot be scored."""
    found = []
    for path in paths:
        try:
            cases = load_cases(path)
        except RulecheckError as exc:
            found.append(Department(str(path), str(path), errors=tuple(exc.diagnostics)))
            continue
        found += [_case_department(case) for case in cases]
    return found


def _case_department(case) -> Department:
    where = f"{case.span.file}:{case.span.line}" if case.span else case.file
    if case.facts is None:  # its facts could not be read
        return Department(case.name, where, errors=tuple(case.problems))
    return _department(case.name, where, case.facts)


def _department(key: str, where: str, facts) -> Department:
    """A department of one facts file (a FactSet), its facts' lines kept for messages."""
    return Department(key, where, facts.values, spans=facts.spans, source=facts.source)


@attrs.frozen
class Effect:
    """One department scored by both versions (batch.Scored each: a result, or why there is none)."""
    old: Scored
    new: Scored

    @property
    def scored(self) -> bool:
        return self.old.ok and self.new.ok

    def results(self) -> tuple[Result, Result] | None:
        """The old and the new version's results, or None unless both versions score the department."""
        if self.old.result is None or self.new.result is None:
            return None
        return self.old.result, self.new.result

    @property
    def changed(self) -> bool:
        """Its scores differ, or one version scores it and the other cannot."""
        both = self.results()
        if both is not None:
            old, new = both
            return bool(self.indicators()) or old.total != new.total or old.grade != new.grade
        return self.old.ok != self.new.ok

    def indicators(self) -> list[tuple]:
        """(name, old score, new score) of each indicator whose score changed; None where a version
        has no such indicator. Only for a department both versions score."""
        both = self.results()
        assert both is not None  # callers ask only when `scored`
        old = {node.name: node.score for node in both[0].leaves()}
        new = {node.name: node.score for node in both[1].leaves()}
        names = list(old) + [name for name in new if name not in old]
        return [(name, old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name)]


def impact(old: Version, new: Version, departments: list[Department]) -> list[Effect]:
    """Each department scored by both versions. A fact that only the other version declares is left
    out for this one: an input added or removed by the change is not a typo in the facts."""
    old_rules, new_rules = ruleset_from(old.analysis), ruleset_from(new.analysis)
    only_old = set(old_rules.inputs) - set(new_rules.inputs)
    only_new = set(new_rules.inputs) - set(old_rules.inputs)
    old_scored = score_departments(old_rules, (_without(d, only_new) for d in departments))
    new_scored = score_departments(new_rules, (_without(d, only_old) for d in departments))
    return [Effect(a, b) for a, b in zip(old_scored, new_scored)]


def _without(department: Department, names: set) -> Department:
    if not names.intersection(department.facts):
        return department
    return attrs.evolve(department, facts={k: v for k, v in department.facts.items() if k not in names})


# ---- the report -------------------------------------------------------------------------------------


@attrs.frozen
class Diff:
    """The whole comparison: the changes in meaning, and each department scored by both versions
    (None when no departments were given)."""
    old: str
    new: str
    sections: tuple
    effects: tuple | None = None
    inputs: tuple = ()  # where the departments were read, for the summary line

    @property
    def changed(self) -> tuple:
        return tuple(e for e in self.effects or () if e.changed)

    @property
    def unscored(self) -> tuple:
        """Departments neither version can score (a row that cannot be read, a fact both miss)."""
        return tuple(e for e in self.effects or () if not e.old.ok and not e.new.ok)

    @property
    def needs_review(self) -> bool:
        """Scores change; or, with no departments scored (none given, or none read), the meaning changes."""
        return bool(self.changed) if self.effects else bool(self.sections)


def render_text(diff: Diff) -> str:
    lines = [f"--- {diff.old}", f"+++ {diff.new}"]
    if not diff.sections:
        lines.append("no change in meaning")
    for section in diff.sections:
        lines.append(section.heading())
        lines += [INDENT + line for line in section.lines]
        lines += [INDENT + str(change) for change in section.intervals]
    if diff.effects is None:
        return "\n".join(lines)
    lines.append("")
    for effect in diff.changed + diff.unscored:
        lines += _effect_lines(effect)
    count = len(diff.effects)
    summary = f"{len(diff.changed)} of {count} department{'s' if count != 1 else ''} change"
    if diff.unscored:
        summary += f"; {len(diff.unscored)} cannot be scored by either version"
    lines.append(summary + (f" ({', '.join(diff.inputs)})" if diff.inputs else ""))
    return "\n".join(lines)


def _effect_lines(effect: Effect) -> list[str]:
    old, new = effect.old, effect.new
    name = f"{new.key} ({new.where})"
    old_result, new_result = old.result, new.result
    if old_result is not None and new_result is not None:
        head = f"{name}: {old_result.total} → {new_result.total} ({_delta(new_result.total - old_result.total)})"
        if old_result.grade != new_result.grade:
            head += f", grade {old_result.grade or '(none)'} → {new_result.grade or '(none)'}"
        return [head] + [f"{INDENT}{format_name(indicator)}: {_score(a)} → {_score(b)}"
                         for indicator, a, b in effect.indicators()]
    if old_result is not None:  # only the old version scores it
        head = f"{name}: {old_result.total} with the old version; the new version cannot score it:"
        problems = new.diagnostics
    elif new_result is not None:  # only the new version scores it
        head = f"{name}: {new_result.total} with the new version; the old version cannot score it:"
        problems = old.diagnostics
    else:
        head = f"{name}: cannot be scored by either version:"
        problems = old.diagnostics + tuple(d for d in new.diagnostics if d not in old.diagnostics)
    return [head] + [INDENT + line for d in problems for line in d.render().splitlines()]


def _delta(value: Decimal) -> str:
    return f"+{value}" if value > 0 else f"−{-value}" if value < 0 else f"±{value}"


def _score(value: Decimal | None) -> str:
    return str(value) if value is not None else "(none)"


def render_json(diff: Diff) -> str:
    data: dict[str, object] = {"old": diff.old, "new": diff.new,
                               "changes": [_section_data(s) for s in diff.sections], "departments": None}
    if diff.effects is not None:
        data["departments"] = {"count": len(diff.effects), "inputs": list(diff.inputs),
                               "changed": [_effect_data(e) for e in diff.changed],
                               "unscored": [_effect_data(e) for e in diff.unscored]}
    return json.dumps(data, ensure_ascii=False, indent=2)


def _section_data(section: Section) -> dict[str, object]:
    data: dict[str, object] = {"title": section.title, "changes": list(section.lines)}
    if section.span is not None:
        data.update(file=section.span.file, line=section.span.line)
    if section.intervals:
        data["intervals"] = [{"subject": c.subject, "values": c.values, "old": str(c.old), "new": str(c.new)}
                             for c in section.intervals]
    return data


def _effect_data(effect: Effect) -> dict[str, object]:
    def side(scored: Scored) -> dict[str, object]:
        if scored.result is None:
            return {"problems": [d.to_dict() for d in scored.diagnostics]}
        return {"total": str(scored.result.total), "grade": scored.result.grade}
    data: dict[str, object] = {"key": effect.new.key, "where": effect.new.where, "old": side(effect.old),
                               "new": side(effect.new)}
    both = effect.results()
    if both is not None:
        data["delta"] = str(both[1].total - both[0].total)
        data["indicators"] = [{"name": name, "old": _json(a), "new": _json(b)} for name, a, b in effect.indicators()]
    return data


def _json(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None
