"""The language server: the handlers, and the session state they share (the analysed documents, the
language, the verifications running).

Every handler speaks the session's language (initialize's `locale`, else the environment's, as the
CLI's): rulecheck's messages are made inside `with speaking(...)`."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ..diagnostics import Diagnostic, RulecheckError
from ..i18n import LanguageError, _, from_environment, normalize, speaking
from ..syntax.layout import layout
from . import completion, diagnostics, hover, navigation
from .documents import Document, analyse
from .positions import from_utf16, utf16_length
from .symbols import Occurrence
from .verifying import Verifications

DEFAULT_MAX_EXAMPLES = 200  # as `rulecheck verify`
# An edit is analysed once the analyst pauses this long (a department file takes most of a second to
# analyse: one analysis per keystroke would queue behind the typing); a request about the document
# (hover, completion, a quick fix…) analyses a pending edit at once.
QUIET_SECONDS = 0.3


class RulecheckServer(LanguageServer):
    """The server, with what its handlers share."""

    def __init__(self) -> None:
        from .. import __version__

        super().__init__("rulecheck", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.lang = from_environment()
        self.documents: dict[str, Document] = {}
        self.verify_findings: dict[str, list[Diagnostic]] = {}
        self.verifications = Verifications()
        self.max_examples = DEFAULT_MAX_EXAMPLES
        self.edits: dict[str, int] = {}  # URI → edits so far, for the quiet period of each
        self.stale: set[str] = set()  # URIs edited since their last analysis

    def speaking(self) -> contextlib.AbstractContextManager[None]:
        return speaking(self.lang)

    def buffers(self) -> dict[str, str]:
        """The text of every open document, by URI: imports are read from here first."""
        return {uri: document.source for uri, document in self.workspace.text_documents.items()}

    def refresh(self, uri: str) -> Document:
        """Analyse the open document again and show its findings (and those of `verify`, if any)."""
        text = self.workspace.get_text_document(uri).source
        with self.speaking():
            document = analyse(uri, text, self.buffers(), self.documents.get(uri))
            self.documents[uri] = document
            self.publish(document)
        return document

    def publish(self, document: Document) -> None:
        findings = document.analysis.diagnostics + self.verify_findings.get(document.uri, [])
        with self.speaking():
            shown = diagnostics.published(document, findings)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(document.uri, shown))

    def document(self, uri: str) -> Document | None:
        """The analysis of the document's current text: an edit still in its quiet period is analysed now."""
        if uri in self.stale:
            self.analyse_edit(uri)
        return self.documents.get(uri)

    def analyse_edit(self, uri: str) -> None:
        """The edited document, and every open document that imports it, analysed again."""
        self.stale.discard(uri)
        self.refresh(uri)
        for other in list(self.documents.values()):
            if other.uri != uri and any(other.file_uri(file) == uri for file in other.analysis.linked.sources):
                self.refresh(other.uri)

    def others(self, document: Document, name: str) -> list[Document]:
        """The documents besides `document` where `name` may be written: the other open ones, and the
        project's rule files that are not open and write it (analysed now, for this request)."""
        opened = [other for other in self.documents.values() if other is not document]
        open_uris = set(self.documents) | set(self.workspace.text_documents)
        with self.speaking():
            return opened + navigation.closed_documents(document, name, open_uris, self.buffers())

    def at(self, uri: str, where: types.Position) -> tuple[Document, Occurrence | None, int] | None:
        """The document, the name at a position (if one is there), and the position's code-point index."""
        document = self.document(uri)
        if document is None:
            return None
        lines = document.lines(document.name)
        line = lines[where.line] if where.line < len(lines) else ""
        index = from_utf16(line, where.character)
        return document, document.symbols.at(document.name, where.line + 1, index), index


server = RulecheckServer()


@server.feature(types.INITIALIZE)
def initialize(ls: RulecheckServer, params: types.InitializeParams) -> None:
    """The client's language (`locale`: zh-CN, en-US…), else the environment's; verify's search size
    from the initialization options ({"verifyMaxExamples": 50})."""
    if params.locale:
        with contextlib.suppress(LanguageError):
            ls.lang = normalize(params.locale)
    options = params.initialization_options
    if isinstance(options, dict) and isinstance(options.get("verifyMaxExamples"), int):
        ls.max_examples = max(1, options["verifyMaxExamples"])


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: RulecheckServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.refresh(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: RulecheckServer, params: types.DidChangeTextDocumentParams) -> None:
    """Once the analyst pauses, the edited document and every open document that imports it analysed
    again (a newer edit within QUIET_SECONDS waits in its place); what verify found is of the text
    before the edit: dropped at once."""
    uri = params.text_document.uri
    ls.verify_findings.pop(uri, None)
    ls.stale.add(uri)
    edit = ls.edits[uri] = ls.edits.get(uri, 0) + 1
    await asyncio.sleep(QUIET_SECONDS)
    if uri in ls.stale and ls.edits.get(uri) == edit:
        ls.analyse_edit(uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: RulecheckServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    with ls.verifications.lock:
        ls.verifications.cancel(uri)
    ls.documents.pop(uri, None)
    ls.stale.discard(uri)
    ls.verify_findings.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: RulecheckServer, params: types.DidSaveTextDocumentParams) -> None:
    """`verify` in a worker process; a newer save ends it. Its findings join check's."""
    uri = params.text_document.uri
    document = ls.document(uri) or ls.refresh(uri)
    arguments = (document.name, document.text, ls.buffers(), ls.lang, ls.max_examples)
    result = await asyncio.get_running_loop().run_in_executor(None, ls.verifications.run, uri, *arguments)
    if result is None or uri not in ls.documents:  # cancelled by a newer save, or closed meanwhile
        return
    outcome, found = result
    if outcome == "failed":
        with ls.speaking():
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Error,
                                                           _("verify stopped: {reason}", reason=found)))
        return
    assert isinstance(found, list)
    ls.verify_findings[uri] = found
    ls.publish(ls.documents[uri])


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: RulecheckServer, params: types.HoverParams) -> types.Hover | None:
    found = ls.at(params.text_document.uri, params.position)
    if found is None:
        return None
    document, _occurrence, index = found
    with ls.speaking():
        text = hover.hover_text(document, document.name, params.position.line + 1, index)
    if text is None:
        return None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text))


@server.feature(types.TEXT_DOCUMENT_COMPLETION)
def on_completion(ls: RulecheckServer, params: types.CompletionParams) -> types.CompletionList | None:
    document = ls.document(params.text_document.uri)
    if document is None:
        return None
    with ls.speaking():
        return types.CompletionList(is_incomplete=False, items=completion.completions(document.symbols))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def on_definition(ls: RulecheckServer, params: types.DefinitionParams) -> types.Location | None:
    found = ls.at(params.text_document.uri, params.position)
    if found is None or found[1] is None:
        return None
    return navigation.definition(found[0], found[1])


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def on_references(ls: RulecheckServer, params: types.ReferenceParams) -> list[types.Location] | None:
    found = ls.at(params.text_document.uri, params.position)
    if found is None or found[1] is None:
        return None
    return navigation.references(ls.others(found[0], found[1].name), found[0], found[1],
                                 params.context.include_declaration)


@server.feature(types.TEXT_DOCUMENT_RENAME)
def on_rename(ls: RulecheckServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    found = ls.at(params.text_document.uri, params.position)
    if found is None or found[1] is None or not params.new_name.strip():
        return None
    return navigation.rename(ls.others(found[0], found[1].name), found[0], found[1], params.new_name.strip())


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def on_formatting(ls: RulecheckServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    """The whole document in canonical layout (`rulecheck fmt`); nothing while it does not parse."""
    uri = params.text_document.uri
    text = ls.workspace.get_text_document(uri).source
    document = ls.document(uri)
    try:
        with ls.speaking():
            canonical = layout(text, document.name if document else uri)
    except RulecheckError:
        return None
    if canonical == text:
        return []
    lines = text.split("\n")  # as the editor counts them: the end is that of its last line
    end = types.Position(line=len(lines) - 1, character=utf16_length(lines[-1]))
    return [types.TextEdit(types.Range(types.Position(0, 0), end), canonical)]


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def on_code_action(ls: RulecheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    return diagnostics.quick_fixes(params.text_document.uri, list(params.context.diagnostics))


@server.feature(types.SHUTDOWN)
def on_shutdown(ls: RulecheckServer, params: Any) -> None:
    ls.verifications.cancel_all()


def serve() -> None:
    """Speak LSP over standard input and output until the client says exit."""
    server.start_io()
