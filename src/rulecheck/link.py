"""Link a rule file with the files it imports into one framework.

A department file imports the common framework and extends one of its groups with its own
indicators; linking merges the inputs, derived values and trees, and applies each `extend`.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import attrs

from .diagnostics import Diagnostic, error
from .source import Source
from .syntax import ast
from .syntax.parser import parse


@attrs.define
class Linked:
    """The merged program (None if a file failed to parse) and every source read on the way."""
    program: ast.Program | None
    sources: dict
    diagnostics: list


class Files:
    """Where imported files are read from: the disk, relative to the importing file. `rulecheck diff`
    replaces it to read a file and its imports from a git revision."""

    def locate(self, importer: str, path: str) -> str:
        return str(Path(importer).parent / path)

    def read(self, name: str) -> Source:
        return Source.from_path(name)


def link_file(path: str | Path) -> Linked:
    """Read, parse and link a rule file from disk (OSError if the file itself cannot be read)."""
    source = Source.from_path(path)
    return link_source(source)


def link_source(source: Source, files: Files | None = None) -> Linked:
    linked = Linked(None, {}, [])
    linked.program = _load(source, linked, stack=(), files=files or Files())
    return linked


def _load(source: Source, linked: Linked, stack: tuple, files: Files) -> ast.Program | None:
    linked.sources[source.name] = source
    program, diagnostics = parse(source)
    linked.diagnostics.extend(diagnostics)
    if program is None:
        return None
    bases = []
    for imp in program.imports:
        target = files.locate(source.name, imp.path)
        key = str(Path(target).resolve())
        if key in stack or key == str(Path(source.name).resolve()):
            linked.diagnostics.append(error("E205", f"import cycle: '{imp.path}' imports this file again",
                                            imp.span, "remove one of the imports"))
            continue
        try:
            imported = files.read(target)
        except OSError as exc:
            linked.diagnostics.append(error(
                "E205", f"cannot read imported file '{imp.path}': {exc.strerror or exc}", imp.span,
                "the path is relative to the importing file"))
            continue
        base = _load(imported, linked, stack + (str(Path(source.name).resolve()),), files)
        if base is not None:
            bases.append(base)
    if not bases:
        if program.extends and not program.imports:  # a failed import is reported already
            for ext in program.extends:
                linked.diagnostics.append(error("E206", f"'extend {ext.target}' needs an imported framework",
                                                ext.span, "import the framework first: import \"framework.rules\""))
        return program
    return merge(program, bases, linked.diagnostics)


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
        nodes=nodes, extends=tuple(unapplied),
    )


def apply_extend(nodes: tuple, ext: ast.Extend, diagnostics: list[Diagnostic]) -> tuple[tuple, bool]:
    """The tree with `ext` applied, and whether its target was found (E206 if not)."""
    found = False

    def visit(items):
        nonlocal found
        result = []
        for item in items:
            if item.name == ext.target and not found:
                found = True
                if isinstance(item, ast.Group):
                    item = attrs.evolve(item, children=item.children + ext.children)
                else:  # a leaf becomes a group of the department's own indicators, same points
                    # its directions were about its own rule, which the department's indicators replace
                    item = ast.Group(item.name, item.points, ext.children, (), item.span)
            elif isinstance(item, ast.Group):
                item = attrs.evolve(item, children=visit(item.children))
            result.append(item)
        return tuple(result)

    extended = visit(nodes)
    if not found:
        names = [n.name for n, _ in ast.iter_nodes(nodes)]
        close = difflib.get_close_matches(ext.target, names, n=1, cutoff=0.4)
        diagnostics.append(error("E206", f"there is no group or indicator '{ext.target}' to extend", ext.span,
                                 f"did you mean '{close[0]}'?" if close else "name a group of the imported framework"))
    return extended, found
