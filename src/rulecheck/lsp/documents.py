"""A document's analysis, as `check` would make it of the file on disk, but with every file it imports
read from the editor's open buffer when there is one (unsaved edits of the framework count at once)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import attrs

from ..api import Analysis, analyze_text
from ..link import Files
from ..source import Source, project_root
from .positions import path_to_uri, uri_to_path
from .symbols import Symbols, index


class OpenBuffers(Files):
    """Files read from disk inside the project root, unless the editor has one open: then its buffer."""

    def __init__(self, root: str | Path, buffers: Mapping[str, str]):
        super().__init__(root)
        self.buffers = buffers  # URI → text of every open document

    def read(self, name: str) -> Source:
        text = self.buffers.get(path_to_uri(name))
        return Source(name, text) if text is not None else super().read(name)


@attrs.frozen
class Document:
    """One analysed document: its URI, the file name rulecheck uses for it, its text and analysis, and
    the index of its names (from the last text that parsed, so navigation survives a typing slip)."""
    uri: str
    name: str
    text: str
    analysis: Analysis
    symbols: Symbols

    def lines(self, file: str) -> list[str]:
        """The lines of `file`, one of the sources this analysis read ([] if it read no such file)."""
        source = self.analysis.linked.sources.get(file)
        return source.lines() if source is not None else []

    def file_uri(self, file: str) -> str:
        return self.uri if file == self.name else path_to_uri(file)


def analyse(uri: str, text: str, buffers: Mapping[str, str], previous: Document | None = None) -> Document:
    """Analyse `text` as the file `uri` names, its imports read from `buffers` or the disk."""
    name = os.path.abspath(uri_to_path(uri))
    analysis = analyze_text(text, name, OpenBuffers(project_root(name), buffers))
    symbols = index(analysis.linked)
    if symbols.empty and previous is not None:  # it does not parse now: keep the names it had
        symbols = previous.symbols
    return Document(uri, name, text, analysis, symbols)
