"""The language server (`rulecheck lsp`) driven over stdio by a real LSP client (pytest-lsp), on the
Shenzhen framework and the department file that imports it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsprotocol import types

pytest_lsp = pytest.importorskip("pytest_lsp")
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "rules" / "shenzhen" / "framework.rules"
DEPARTMENT = ROOT / "rules" / "shenzhen" / "departments" / "edu-info-center.rules"
BROKEN = ROOT / "tests" / "data" / "broken" / "verify-reversed-input.rules"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "rulecheck", "lsp"])


async def started(client: LanguageClient, locale: str = "en") -> LanguageClient:
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=ROOT.as_uri(), locale=locale,
        initialization_options={"verifyMaxExamples": 30}))
    return client


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    yield await started(lsp_client)
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def chinese_client(lsp_client: LanguageClient):
    yield await started(lsp_client, "zh-CN")
    await lsp_client.shutdown_session()


async def opened(client: LanguageClient, path: Path, text: str | None = None) -> str:
    """Open `path` (with `text` instead of what the file holds) and wait for its diagnostics."""
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="rulecheck", version=1, text=path.read_text("utf-8") if text is None else text)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def changed(client: LanguageClient, uri: str, text: str, version: int = 2) -> list[types.Diagnostic]:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


def spot(text: str, needle: str, after: str = "") -> types.Position:
    """The position (UTF-16) of the first `needle` after the first `after` in `text`."""
    offset = text.index(needle, text.index(after) if after else 0)
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    prefix = text.splitlines()[line][:column]
    return types.Position(line=line, character=len(prefix.encode("utf-16-le")) // 2)


def applied(text: str, edits: list[types.TextEdit]) -> str:
    """The text with LSP edits applied (UTF-16 positions), last first."""
    lines = text.split("\n")

    def offset(where: types.Position) -> int:
        line = lines[where.line] if where.line < len(lines) else ""
        head = line.encode("utf-16-le")[:where.character * 2].decode("utf-16-le")
        return sum(len(each) + 1 for each in lines[:where.line]) + len(head)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
        lines = text.split("\n")
    return text


TYPO = "90% ≤ 满意度 < 95% → 4"


@pytest.mark.asyncio
async def test_the_framework_opens_clean(client):
    uri = await opened(client, FRAMEWORK)
    assert [d for d in client.diagnostics[uri] if d.severity == types.DiagnosticSeverity.Error] == []


@pytest.mark.asyncio
async def test_a_typo_gets_e201_and_a_quick_fix_that_repairs_it(client):
    text = FRAMEWORK.read_text("utf-8")
    uri = await opened(client, FRAMEWORK)
    broken = text.replace(TYPO, TYPO.replace("满意度", "满意渡"))
    found = [d for d in await changed(client, uri, broken) if d.code == "E201"]
    assert len(found) == 1
    assert "unknown name '满意渡'" in found[0].message and "hint: did you mean '满意度'?" in found[0].message
    assert found[0].range.start == spot(broken, "满意渡")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), found[0].range, types.CodeActionContext(diagnostics=found)))
    assert [a.title for a in actions] == ["replace '满意渡' with '满意度'"]
    repaired = applied(broken, actions[0].edit.changes[uri])
    assert repaired == text
    assert [d for d in await changed(client, uri, repaired, 3) if d.code == "E201"] == []


@pytest.mark.asyncio
async def test_positions_count_utf16_units_past_a_rare_character(client):
    """𠀀 (CJK Extension B) is one character but two UTF-16 units: the range and the fix count it so."""
    text = FRAMEWORK.read_text("utf-8")
    uri = await opened(client, FRAMEWORK)
    broken = text.replace(TYPO, TYPO.replace("满意度", "满意𠀀度") + "  # 😀 from the survey")
    found = [d for d in await changed(client, uri, broken) if d.code == "E201"]
    start = spot(broken, "满意𠀀度")
    assert found[0].range == types.Range(start, types.Position(start.line, start.character + 5))
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), found[0].range, types.CodeActionContext(diagnostics=found)))
    assert applied(broken, actions[0].edit.changes[uri]) == broken.replace("满意𠀀度", "满意度")


@pytest.mark.asyncio
async def test_hover_on_an_input_shows_its_type_domain_and_description(client):
    text = FRAMEWORK.read_text("utf-8")
    uri = await opened(client, FRAMEWORK)
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), spot(text, "满意度", "bands 满意度")))
    assert hover is not None
    assert "input of type `percent`" in hover.contents.value
    assert "values: from 0% to 100%" in hover.contents.value
    assert "社会公众或服务对象满意度" in hover.contents.value


@pytest.mark.asyncio
async def test_hover_on_an_indicator_shows_its_points_rule_and_bounds(client):
    text = FRAMEWORK.read_text("utf-8")
    uri = await opened(client, FRAMEWORK)
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), spot(text, "公众或服务对象满意度 (6)")))
    value = hover.contents.value
    assert "indicator worth 6 points" in value
    assert "满意度 ≥ 95%" in value and "proven: its score lies between 1 and 6" in value


@pytest.mark.asyncio
async def test_completion_offers_inputs_functions_and_keywords(client):
    uri = await opened(client, FRAMEWORK)
    result = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri), types.Position(line=0, character=0)))
    items = {item.label: item for item in result.items}
    assert items["满意度"].detail == "input: percent"
    assert items["min"].kind == types.CompletionItemKind.Function
    assert items["bands"].kind == types.CompletionItemKind.Keyword and items["bands"].detail


@pytest.mark.asyncio
async def test_definition_and_references_across_an_import(client):
    text = DEPARTMENT.read_text("utf-8")
    framework = await opened(client, FRAMEWORK)
    department = text.replace('extend "社会效益、经济效益、生态效益等":\n',
                              'extend "社会效益、经济效益、生态效益等":\n    indicator 满意度复核 (0):\n'
                              '        formula: 满意度 × 0\n')
    uri = await opened(client, DEPARTMENT, department)
    where = spot(department, "满意度", "formula: 满意度")
    definition = await client.text_document_definition_async(types.DefinitionParams(
        types.TextDocumentIdentifier(uri), where))
    assert definition.uri == framework
    assert definition.range.start == spot(FRAMEWORK.read_text("utf-8"), "满意度: percent")
    found = await client.text_document_references_async(types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=True), text_document=types.TextDocumentIdentifier(uri),
        position=where))
    assert {location.uri for location in found} == {uri, framework}
    # declared; read by a direction, the bands subject and the two rows that name it (≥ 95% does not)
    assert len([loc for loc in found if loc.uri == framework]) == 5


@pytest.mark.asyncio
async def test_rename_an_input_across_files(client):
    text = FRAMEWORK.read_text("utf-8")
    framework = await opened(client, FRAMEWORK)
    department = await opened(client, DEPARTMENT)
    edit = await client.text_document_rename_async(types.RenameParams(
        types.TextDocumentIdentifier(department), spot(DEPARTMENT.read_text("utf-8"), "数据盘点学校数", "formula"),
        "盘点学校数"))
    assert set(edit.changes) == {department}
    assert "盘点学校数 / 数据盘点学校数目标值" in applied(DEPARTMENT.read_text("utf-8"), edit.changes[department])
    edit = await client.text_document_rename_async(types.RenameParams(
        types.TextDocumentIdentifier(framework), spot(text, "满意度", "bands 满意度"), "满意率"))
    renamed = applied(text, edit.changes[framework])
    assert "满意率: percent" in renamed and "90% ≤ 满意率 < 95% → 4" in renamed and "满意度:" not in renamed
    assert [d for d in await changed(client, framework, renamed) if d.severity == 1] == []


def closed_project(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A project (its own .git) of the framework, a department file importing it that reads 满意度, and
    a file of its own input 满意度, unrelated; none of them open yet."""
    (tmp_path / ".git").mkdir()
    framework = tmp_path / "framework.rules"
    framework.write_text(FRAMEWORK.read_text("utf-8"), encoding="utf-8")
    (tmp_path / "departments").mkdir()
    department = tmp_path / "departments" / "checked.rules"
    department.write_text('import "../framework.rules"\n\nextend "社会效益、经济效益、生态效益等":\n'
                          "    indicator 满意度复核 (0):\n        formula: 满意度 × 0\n", encoding="utf-8")
    unrelated = tmp_path / "other.rules"
    unrelated.write_text('framework "x"\ntotal 1\nrounding 2 decimals\ninputs:\n    满意度: percent from 0% to 100%\n'
                         "indicator y (1):\n    formula: 满意度 × 1\n", encoding="utf-8")
    hidden = tmp_path / ".venv" / "copy.rules"  # a hidden folder is never searched
    hidden.parent.mkdir()
    hidden.write_text(department.read_text("utf-8"), encoding="utf-8")
    return framework, department, unrelated


@pytest.mark.asyncio
async def test_references_and_rename_reach_the_files_that_are_not_open(client, tmp_path):
    framework, department, unrelated = closed_project(tmp_path)
    text = framework.read_text("utf-8")
    uri = await opened(client, framework)
    where = spot(text, "满意度", "bands 满意度")
    found = await client.text_document_references_async(types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=True), text_document=types.TextDocumentIdentifier(uri),
        position=where))
    assert {location.uri for location in found} == {uri, department.as_uri()}
    assert len([loc for loc in found if loc.uri == department.as_uri()]) == 1
    edit = await client.text_document_rename_async(types.RenameParams(
        types.TextDocumentIdentifier(uri), where, "满意率"))
    assert set(edit.changes) == {uri, department.as_uri()}
    renamed = applied(department.read_text("utf-8"), edit.changes[department.as_uri()])
    assert "formula: 满意率 × 0" in renamed
    assert "满意度" in unrelated.read_text("utf-8")  # its own 满意度: never edited


@pytest.mark.asyncio
async def test_formatting_gives_the_canonical_layout(client):
    text = FRAMEWORK.read_text("utf-8")
    messy = text.replace("total 100", "total   100")
    uri = await opened(client, FRAMEWORK, messy)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        types.TextDocumentIdentifier(uri), types.FormattingOptions(tab_size=4, insert_spaces=True)))
    assert applied(messy, edits) == text


@pytest.mark.asyncio
async def test_a_chinese_session_gets_chinese_messages(chinese_client):
    text = FRAMEWORK.read_text("utf-8")
    uri = await opened(chinese_client, FRAMEWORK)
    found = [d for d in await changed(chinese_client, uri, text.replace(TYPO, TYPO.replace("满意度", "满意渡")))
             if d.code == "E201"]
    assert "未知名称 '满意渡'" in found[0].message and "是否想写 '满意度'?" in found[0].message


@pytest.mark.asyncio
async def test_verify_on_save_reports_what_the_search_finds(client):
    uri = await opened(client, BROKEN)
    assert not [d for d in client.diagnostics[uri] if d.severity == types.DiagnosticSeverity.Error]
    expected = BROKEN.read_text("utf-8").splitlines()[0].split("error[")[1].split("]")[0]
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert expected in [d.code for d in client.diagnostics[uri]]


@pytest.mark.asyncio
async def test_a_newer_save_cancels_the_running_verify():
    """The first verify (a long search) is ended when the second starts: it reports nothing, the second
    reports its findings."""
    import asyncio

    from rulecheck.lsp.verifying import Verifications

    verifications = Verifications()
    uri, text = BROKEN.as_uri(), BROKEN.read_text("utf-8")
    loop = asyncio.get_running_loop()
    first = loop.run_in_executor(None, verifications.run, uri, str(BROKEN), text, {}, "en", 1_000_000)
    while uri not in verifications.running:  # the first search has started
        await asyncio.sleep(0.01)
    second = await loop.run_in_executor(None, verifications.run, uri, str(BROKEN), text, {}, "en", 30)
    assert await first is None
    outcome, found = second
    assert outcome == "done" and "E714" in [d.code for d in found]
    assert verifications.running == {}


SLIPS = [  # (file, what is written for what, the finding) for each kind of "did you mean" hint
    (FRAMEWORK, ("        indicator 公众或服务对象满意度", "        indicatr 公众或服务对象满意度"), "E101"),
    (FRAMEWORK, ("min(", "mni("), "E203"),
    (FRAMEWORK, ("≥ 95% → 6", "≥ 95 → 6"), "E704"),
    (FRAMEWORK, ("    ≥ 80 → 良", "    ≥ 8 → 良"), "E722"),
    (DEPARTMENT, ('extend "社会效益、经济效益、生态效益等"', 'extend "社会效益、经济效益、生态效益"'), "E206"),
]


@pytest.mark.parametrize(("path", "slip", "code"), SLIPS, ids=[code for _path, _slip, code in SLIPS])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_did_you_mean_hint_has_a_fix_that_repairs_the_file(path, slip, code, lang):
    from rulecheck.api import analyze_text
    from rulecheck.i18n import speaking
    from rulecheck.lsp.actions import fix_for

    right, wrong = slip
    text = path.read_text("utf-8")
    broken = text.replace(right, wrong, 1)
    with speaking(lang):
        analysis = analyze_text(broken, str(path))
        finding = next(d for d in analysis.diagnostics if d.code == code)
        fix = fix_for(finding, analysis.linked.sources[str(path)])
    assert fix is not None
    lines = broken.split("\n")
    line = lines[fix.line - 1]
    lines[fix.line - 1] = line[:fix.start] + fix.text + line[fix.end:]
    assert "\n".join(lines) == text


@pytest.mark.asyncio
async def test_an_import_is_read_from_its_open_buffer(client):
    """The framework open with an unsaved edit (its input 满意度 renamed, the rules not): the department
    file that imports it reports the framework's unknown names, on its first line, with their place."""
    text = FRAMEWORK.read_text("utf-8")
    await opened(client, FRAMEWORK, text.replace("    满意度: percent", "    满意率: percent"))
    uri = await opened(client, DEPARTMENT)
    found = [d for d in client.diagnostics[uri] if d.code == "E201"]
    assert found and all("framework.rules:" in d.message and "'满意度'" in d.message for d in found)
    assert {d.range.start.line for d in found} == {0}


@pytest.mark.asyncio
async def test_quick_edits_are_analysed_once_the_typing_pauses(client):
    """Three edits within the quiet period: the findings published are those of the last text, and a
    hover sent straight after an edit sees the edited text (a pending edit is analysed for it)."""
    text = FRAMEWORK.read_text("utf-8")
    uri = await opened(client, FRAMEWORK)
    typo = text.replace("bands 满意度:", "bands 满意渡:", 1)
    for version, edited in enumerate((typo, typo + "\n", text), start=2):
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=edited)]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[uri]) == []
    renamed = text.replace("满意度", "服务满意度")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=9),
        [types.TextDocumentContentChangeWholeDocument(text=renamed)]))
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), spot(renamed, "服务满意度", "bands 服务满意度")))
    assert hover is not None and "服务满意度" in hover.contents.value
