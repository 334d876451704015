"""Go to definition, find references and rename, across the files a document imports, the other open
documents and the project's rule files that are not open (a department file that imports the framework
reads the framework's inputs, whether it is open or not)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from lsprotocol import types

from ..source import project_root
from .documents import Document, analyse
from .positions import offset_range, path_to_uri
from .symbols import Occurrence

RULE_SUFFIX = ".rules"
# folders never searched for rule files: hidden ones (.git, .venv), and those of tools
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages"})


def located(document: Document, occurrence: Occurrence) -> types.Location:
    lines = document.lines(occurrence.file)
    return types.Location(document.file_uri(occurrence.file),
                          offset_range(lines, occurrence.line, occurrence.start, occurrence.end))


def definition(document: Document, occurrence: Occurrence) -> types.Location | None:
    declared = document.symbols.declarations.get(occurrence.name)
    return located(document, declared) if declared is not None else None


def references(documents: Iterable[Document], document: Document, occurrence: Occurrence,
               include_declaration: bool = True) -> list[types.Location]:
    """Every place the name is written, in this document's files and the other open documents' (which
    read it only if they declare it too: through the same import)."""
    declared = document.symbols.declarations.get(occurrence.name)
    found: dict[tuple[str, int, int], types.Location] = {}
    for other in (document, *documents):
        here = other.symbols.declarations.get(occurrence.name)
        if other is not document and (declared is None or here is None or
                                      other.file_uri(here.file) != document.file_uri(declared.file)):
            continue  # another name that is only spelt the same
        for each in other.symbols.occurrences(occurrence.name):
            if not include_declaration and each == here:
                continue
            location = located(other, each)
            found[(location.uri, location.range.start.line, location.range.start.character)] = location
    return list(found.values())


def rename(documents: Iterable[Document], document: Document, occurrence: Occurrence,
           new_name: str) -> types.WorkspaceEdit:
    changes: dict[str, list[types.TextEdit]] = {}
    for location in references(documents, document, occurrence):
        changes.setdefault(location.uri, []).append(types.TextEdit(location.range, new_name))
    return types.WorkspaceEdit(changes=changes)


def closed_documents(document: Document, name: str, open_uris: set[str], buffers: Mapping[str, str]) -> list[Document]:
    """The rule files of `document`'s project (source.project_root: the folder its imports stay inside)
    that the editor does not have open and whose text writes `name`, analysed as if opened: find
    references and rename then reach a department file that imports the framework while only the
    framework is open. (`references` keeps those that read the name through the same import.) A file
    that cannot be read as UTF-8 is left out, as it could not be analysed."""
    found = []
    for path in project_rule_files(project_root(document.name)):
        uri = path_to_uri(str(path))
        if uri in open_uris:
            continue
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if name in text:
            found.append(analyse(uri, text, buffers))
    return found


def project_rule_files(root: Path) -> list[Path]:
    """Every *.rules file under `root`, in name order, outside hidden folders, tools' folders
    (SKIPPED_FOLDERS) and virtual environments (a folder holding pyvenv.cfg)."""
    found: list[Path] = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(each for each in folders if not each.startswith(".") and each not in SKIPPED_FOLDERS
                            and not os.path.exists(os.path.join(folder, each, "pyvenv.cfg")))
        found.extend(Path(folder, file) for file in sorted(files) if file.endswith(RULE_SUFFIX))
    return found
