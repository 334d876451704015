"""Go to definition, find references and rename, across the files a document imports and the other
open documents (a department file open beside the framework reads the framework's inputs)."""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from .documents import Document
from .positions import offset_range
from .symbols import Occurrence


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
