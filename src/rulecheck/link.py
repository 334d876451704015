"""Link a rule file with the files it imports into one framework.

A department file imports the common framework and extends one of its groups with its own
indicators; linking merges the inputs, derived values and trees, and applies each `extend`.

Imports are confined to the project root (`source.project_root`: the repository of the top file, or the
current folder): an import path is relative, and reads only a regular UTF-8 file inside the root
(`source.read_source`), so a rule file cannot show a secret of the machine in an error excerpt. A file is
merged once: importing it a second time (by two paths, or through two files) is E208.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs

from .diagnostics import Diagnostic, error
from .i18n import _
from .records import MutableRecord
from .source import ReadError, Source, Span, is_absolute, project_root, read_source
from .syntax import ast
from .syntax.parser import parse


@attrs.define(eq=False, repr=False)
class Linked(MutableRecord):
    """The merged program (None if a file failed to parse) and every source read on the way."""
    program: ast.Program | None
    sources: dict[str, Source]
    diagnostics: list[Diagnostic]
    imported: dict = attrs.field(factory=dict, repr=False)  # each imported file (real path) → where


class Files:
    """Where imported files are read from: the disk, relative to the importing file, inside `root` (the
    project root; by default that of the current folder). `rulecheck diff` replaces it to read a file
    and its imports from a git revision."""

    root: Path | None = None  # a class default too: a subclass need not call __init__

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else None

    def locate(self, importer: str, path: str) -> str:
        return str(Path(importer).parent / path)

    def read(self, name: str) -> Source:
        return read_source(name, self.root if self.root is not None else project_root(Path.cwd() / "-"))


def link_file(path: str | Path) -> Linked:
    """Read, parse and link a rule file from disk (OSError if the file itself cannot be read: ReadError
    when it is not a regular file or too large; UnicodeDecodeError when it is not UTF-8). Its imports
    stay inside its project root."""
    source = read_source(path)
    return link_source(source, Files(project_root(path)))


def link_source(source: Source, files: Files | None = None) -> Linked:
    """Parse and link `source`; its imports are read by `files` (by default from the disk, inside the
    project root of the file `source.name` names)."""
    linked = Linked(None, {}, [])
    linked.program = _load(source, linked, stack=(), files=files or Files(project_root(source.name)))
    return linked


def _load(source: Source, linked: Linked, stack: tuple, files: Files) -> ast.Program | None:
    linked.sources[source.name] = source
    program, diagnostics = parse(source)
    linked.diagnostics.extend(diagnostics)
    if program is None:
        return None
    if declares_nothing(program):
        linked.diagnostics.append(_empty(source.name))
    bases = []
    here = os.path.realpath(source.name)
    for imp in program.imports:
        imported = _import(imp, source.name, stack + (here,), linked, files)
        base = _load(imported, linked, stack + (here,), files) if imported is not None else None
        if base is not None:
            bases.append(base)
    if not bases:
        if program.extends and not program.imports:  # a failed import is reported already
            for ext in program.extends:
                linked.diagnostics.append(error(
                    "E206", _("'extend {target}' needs an imported framework", target=ext.target), ext.span,
                    _("import the framework first: import \"framework.rules\"")))
        return program
    return merge(program, bases, linked.diagnostics)


def declares_nothing(program: ast.Program) -> bool:
    """Whether a file is empty (E110): no framework name, no inputs, no groups or indicators, no imports.
    Comments, blank lines, and `total`, `rounding`, `grades:` or `let` lines alone score nothing."""
    return not (program.name or program.inputs or program.nodes or program.imports or program.extends)


def _empty(file: str) -> Diagnostic:
    return error("E110", _("the file declares nothing to score: no framework, inputs, indicators or imports"),
                 Span.point(file, 1, 1), _('start with framework "NAME", total N, the inputs and the indicator '
                                           'tree; or, for a department, import "../framework.rules" and extend it'))


def _import(imp: ast.Import, importer: str, stack: tuple, linked: Linked, files: Files) -> Source | None:
    """The file `imp` names, read; None (and the reason in linked.diagnostics) if it cannot be."""
    if is_absolute(imp.path):
        linked.diagnostics.append(error(
            "E005", _("cannot import '{path}': an import path is relative to the importing file", path=imp.path),
            imp.span, _("write the path from the importing file's folder, e.g. import \"../framework.rules\"")))
        return None
    target = files.locate(importer, imp.path)
    key = os.path.realpath(target)
    if key in stack:
        linked.diagnostics.append(error("E205", _("import cycle: '{path}' imports this file again", path=imp.path),
                                        imp.span, _("remove one of the imports")))
        return None
    if key in linked.imported:
        linked.diagnostics.append(_imported_twice(imp, linked.imported[key]))
        return None
    try:
        imported = files.read(target)
    except ReadError as exc:
        linked.diagnostics.append(error(
            exc.code, _("cannot import '{path}': {reason}", path=imp.path, reason=exc.strerror), imp.span, exc.hint))
        return None
    except UnicodeDecodeError as exc:
        linked.diagnostics.append(_not_utf8(exc, target, imp))
        return None
    except OSError as exc:
        linked.diagnostics.append(error(
            "E205", _("cannot read imported file '{path}': {reason}", path=imp.path, reason=exc.strerror or exc),
            imp.span, _("the path is relative to the importing file")))
        return None
    linked.imported[key] = imp
    return imported


def _imported_twice(imp: ast.Import, first: ast.Import) -> Diagnostic:
    if first.span and imp.span and first.span.file == imp.span.file:
        message = _("'{path}' is imported twice: it is already imported at line {line}", path=imp.path,
                    line=first.span.line)
    elif first.span:
        message = _("'{path}' is imported twice: it is already imported at {place}", path=imp.path,
                    place=str(first.span))
    else:
        message = _("'{path}' is imported twice: it is already imported at an earlier import", path=imp.path)
    return error("E208", message, imp.span,
                 _("remove this import: an imported file's inputs, derived values and indicators are added once"))


def _not_utf8(exc: UnicodeDecodeError, target: str, imp: ast.Import) -> Diagnostic:
    """E008 at the imported file's first byte that is not UTF-8 (the file is blamed, not its importer)."""
    data = exc.object if isinstance(exc.object, bytes) else b""
    before = data[:exc.start].removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace").replace("\r\n", "\n")
    lines = before.replace("\r", "\n").split("\n")
    byte = data[exc.start:exc.start + 1].hex().upper() if exc.start < len(data) else "?"
    return error("E008", _("the imported file is not UTF-8 text: byte 0x{byte} here is not UTF-8", byte=byte),
                 Span.point(target, len(lines), len(lines[-1]) + 1),
                 _("save the file as UTF-8 (it may be GBK); it is imported at {place}", place=str(imp.span)))


def merge(program: ast.Program, bases: list, diagnostics: list[Diagnostic]) -> ast.Program:
    """The importing program on top of its bases: settings it leaves out are inherited."""
    def inherited(field):
        own = getattr(program, field)
        if own:
            return own
        return next((getattr(b, field) for b in bases if getattr(b, field)), own)

    nodes = tuple(n for b in bases for n in b.nodes) + program.nodes
    unapplied = []
    for ext in program.extends:
        nodes, found = apply_extend(nodes, ext, diagnostics)
        if not found:
            unapplied.append(ext)
    return attrs.evolve(
        program,
        name=inherited("name"), total=inherited("total"), rounding=inherited("rounding"),
        grades=inherited("grades"),
        inputs=tuple(i for b in bases for i in b.inputs) + program.inputs,
        lets=tuple(let for b in bases for let in b.lets) + program.lets,
        constraints=tuple(c for b in bases for c in b.constraints) + program.constraints,
        nodes=nodes, extends=tuple(unapplied),
    )


def apply_extend(nodes: tuple, ext: ast.Extend, diagnostics: list[Diagnostic]) -> tuple[tuple, bool]:
    """The tree with `ext` applied, and whether its target was found (E206 if not). The extended node
    takes the span of the `extend`: it is where the department file changes it."""
    found = False

    def visit(items):
        nonlocal found
        result = []
        for item in items:
            if item.name == ext.target and not found:
                found = True
                # the node is located at the `extend`, in the file the analyst edits: what goes wrong with
                # the extended node (its children's points no longer adding up) is reported there
                if isinstance(item, ast.Group):
                    item = attrs.evolve(item, children=item.children + ext.children, span=ext.span)
                else:  # a leaf becomes a group of the department's own indicators, same points
                    # its directions were about its own rule, which the department's indicators replace
                    item = ast.Group(item.name, item.points, ext.children, (), ext.span)
            elif isinstance(item, ast.Group):
                item = attrs.evolve(item, children=visit(item.children))
            result.append(item)
        return tuple(result)

    extended = visit(nodes)
    if not found:
        names = [n.name for n, __ in ast.iter_nodes(nodes)]
        import difflib  # a suggestion's: a clean check never imports difflib

        close = difflib.get_close_matches(ext.target, names, n=1, cutoff=0.4)
        diagnostics.append(error("E206", _("there is no group or indicator '{target}' to extend", target=ext.target),
                                 ext.span, _("did you mean '{name}'?", name=close[0]) if close
                                 else _("name a group of the imported framework")))
    return extended, found
