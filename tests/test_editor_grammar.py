"""The VS Code extension in editors/vscode: its TextMate grammar against the sample files with expected
scopes (tests/*.rules there, vscode-tmgrammar-test's comment assertions), and the .vsix build.

The npm-driven tests need node and npm; they are skipped where npm is absent, unless
RULECHECK_REQUIRE_NPM is set (as .ci/run sets it), where a missing npm fails instead of hiding the
grammar tests. The manifest and language-configuration tests need nothing and always run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXTENSION = ROOT / "editors" / "vscode"
# a ```rules fence, at the margin or indented inside a list item, up to the closing fence of its indent
RULES_BLOCK = re.compile(r"^(?P<indent>[ \t]*)```rules[ \t]*\n(?P<body>.*?)^(?P=indent)```", re.DOTALL | re.MULTILINE)

pytestmark = pytest.mark.skipif(not EXTENSION.is_dir(), reason="editors/vscode is not shipped in the sdist")


def doc_blocks() -> list[tuple[str, str]]:
    """(page:line, body) of every ```rules block in docs/ (both languages) and the README; also read by
    tests/test_highlight.py, whose lexer must read the same blocks."""
    blocks = []
    for page in sorted([*ROOT.glob("docs/**/*.md"), ROOT / "README.md"]):
        text = page.read_text(encoding="utf-8")
        for block in RULES_BLOCK.finditer(text):
            line = text.count("\n", 0, block.start()) + 1
            blocks.append((f"{page.relative_to(ROOT)}:{line}", block["body"]))
    return blocks


def needs_npm() -> None:
    """Skip (or fail on CI) when npm cannot run the extension's tools."""
    if shutil.which("npm") is None:
        if os.environ.get("RULECHECK_REQUIRE_NPM"):
            pytest.fail("npm is not installed, and RULECHECK_REQUIRE_NPM asks for the editor grammar tests")
        pytest.skip("npm is not installed")


def build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run editors/vscode/build.sh, which installs the pinned packages, tests the grammar and packages."""
    return subprocess.run(["bash", str(EXTENSION / "build.sh"), *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def manifest() -> dict:
    return json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))


def test_manifest_declares_the_language_grammar_and_server_setting():
    contributes = manifest()["contributes"]
    [language] = contributes["languages"]
    assert language["id"] == "rulecheck" and language["extensions"] == [".rules"]
    [grammar] = contributes["grammars"]
    assert grammar["language"] == "rulecheck" and grammar["scopeName"] == "source.rulecheck"
    assert (EXTENSION / grammar["path"]).is_file() and (EXTENSION / language["configuration"]).is_file()
    assert contributes["configuration"]["properties"]["rulecheck.server.command"]["default"] == "rulecheck"
    assert "vscode-languageclient" in manifest()["dependencies"]
    assert "lsp" in (EXTENSION / "src" / "extension.js").read_text(encoding="utf-8")


def test_a_line_ending_in_a_colon_indents_the_next_one():
    """The indentation rule (a JavaScript regular expression, here read by Python's re, which agrees on it)."""
    config = json.loads((EXTENSION / "language-configuration.json").read_text(encoding="utf-8"))
    indent = re.compile(config["indentationRules"]["increaseIndentPattern"])
    for opener in ["grades:", "indicator 公众或服务对象满意度 （6分）：", "    bands 满意度:   # 分档",
                   'extend "社会效益、经济效益: 生态效益等":']:
        assert indent.search(opener), opener
    for line in ["    formula: min(甲 / 乙, 1) × 6", '    满意度: percent "满意度:"', "# inputs:",
                 "        columns: ≥ 95% | < 95%"]:
        assert not indent.search(line), line
    assert config["comments"]["lineComment"] == "#"
    assert ["（", "）"] in config["brackets"]


@pytest.fixture(scope="module")
def grammar_tests() -> subprocess.CompletedProcess[str]:
    """`build.sh --test`, once: installs node_modules, then runs the grammar's scope tests."""
    needs_npm()
    return build("--test")


def test_grammar_gives_the_expected_scopes(grammar_tests):
    result = grammar_tests
    assert result.returncode == 0, result.stdout + result.stderr
    for sample in ["header.rules", "scoring.rules", "chinese-notation.rules"]:
        assert f"✓ tests/{sample} run successfuly" in result.stdout


def test_a_wrong_expected_scope_fails_the_grammar_tests(grammar_tests, tmp_path):
    """The assertions are checked: a sample expecting 且 to be a name fails, naming the scope it has."""
    sample = (EXTENSION / "tests" / "chinese-notation.rules").read_text(encoding="utf-8")
    wrong = sample.replace("^ keyword.operator.logical.rulecheck", "^ variable.other.rulecheck", 1)
    assert wrong != sample
    (tmp_path / "wrong.rules").write_text(wrong, encoding="utf-8")
    result = subprocess.run(["npx", "vscode-tmgrammar-test", str(tmp_path / "wrong.rules")], cwd=EXTENSION,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "missing required scopes: variable.other.rulecheck" in result.stdout
    assert "keyword.operator.logical.rulecheck" in result.stdout


def unscoped(files: list[Path]) -> list[dict]:
    """What the grammar leaves unscoped or scopes invalid in `files` (editors/vscode/tests/unscoped.js)."""
    result = subprocess.run(["node", str(EXTENSION / "tests" / "unscoped.js"), *map(str, files)], cwd=EXTENSION,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_rules_block_of_the_docs_is_scoped(grammar_tests, tmp_path):
    """The grammar reads what the docs write: no text of a ```rules block left without a scope."""
    places = {}
    for number, (place, body) in enumerate(doc_blocks()):
        (tmp_path / f"{number}.rules").write_text(body, encoding="utf-8")
        places[str(tmp_path / f"{number}.rules")] = place
    files = [Path(file) for file in places]
    assert len(files) >= 70
    assert [(places[found["file"]], found["line"], found["text"]) for found in unscoped(files)] == []


def test_every_shipped_rule_file_is_scoped(grammar_tests):
    shipped = sorted((ROOT / "rules").rglob("*.rules"))
    assert shipped and unscoped(shipped) == []


def test_a_character_the_language_does_not_have_is_left_unscoped(grammar_tests, tmp_path):
    """So the test above would catch a block the grammar cannot read: 、 only goes in a quoted name."""
    (tmp_path / "slip.rules").write_text('indicator 社会效益、经济效益 (25):\n    "未闭合\n', encoding="utf-8")
    assert [(found["line"], found["text"]) for found in unscoped([tmp_path / "slip.rules"])] == [
        (1, "、"), (2, '"未闭合')]


def test_the_vsix_builds_with_the_grammar_and_the_language_client(tmp_path):
    needs_npm()
    vsix = tmp_path / "rulecheck.vsix"
    result = build(vsix)
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        packaged = json.loads(archive.read("extension/package.json"))
    assert {"extension/syntaxes/rulecheck.tmLanguage.json", "extension/language-configuration.json",
            "extension/src/extension.js", "extension/node_modules/vscode-languageclient/node.js"} <= names
    assert packaged["contributes"]["languages"][0]["id"] == "rulecheck"
    assert not any(name.startswith("extension/tests/") for name in names)
