"""The Pygments lexer of rule files (rulecheck.highlight): registered under the names the docs' code
blocks use, every ```rules block of docs/ lexed without an Error token, and the right token types for
keywords, names, strings, numbers, comments and the Chinese notation."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pygments = pytest.importorskip("pygments")

from pygments.lexers import get_lexer_by_name, get_lexer_for_filename  # noqa: E402
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String  # noqa: E402
from test_editor_grammar import doc_blocks  # noqa: E402

from rulecheck.highlight import RulecheckLexer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def tokens(text: str) -> list[tuple[object, str]]:
    """The lexer's tokens of `text`, whitespace left out."""
    return [(kind, value) for kind, value in RulecheckLexer().get_tokens(text) if value.strip()]


def kind_of(text: str, value: str) -> object:
    """The token type of `value`, which must be exactly one token of `text`."""
    kinds = [kind for kind, token in tokens(text) if token == value]
    assert kinds, f"{value!r} is not a token of {text!r}: {tokens(text)}"
    return kinds[0]


def test_the_lexer_is_registered_for_rules_blocks_and_files():
    assert isinstance(get_lexer_by_name("rules"), RulecheckLexer)
    assert isinstance(get_lexer_by_name("rulecheck"), RulecheckLexer)
    assert isinstance(get_lexer_for_filename("framework.rules"), RulecheckLexer)


def test_the_docs_have_rules_blocks_in_both_languages():
    places = [place for place, _ in doc_blocks()]
    assert len(places) >= 70
    assert any(place.startswith("docs/zh/") for place in places)


@pytest.mark.parametrize(("place", "body"), doc_blocks(), ids=[place for place, _ in doc_blocks()])
def test_every_rules_block_of_the_docs_lexes_without_an_error(place, body):
    errors = [value for kind, value in tokens(body) if kind in Error]
    assert not errors, f"{place}: {errors}"


@pytest.mark.parametrize("path", sorted((ROOT / "rules").rglob("*.rules")), ids=lambda path: path.name)
def test_every_shipped_rule_file_lexes_without_an_error(path):
    errors = [value for kind, value in tokens(path.read_text(encoding="utf-8")) if kind in Error]
    assert not errors


def test_a_character_the_language_does_not_have_is_an_error():
    """So the test above would catch a block the lexer cannot read: 、 only goes in a quoted name."""
    assert kind_of("indicator 社会效益、经济效益 (25):", "、") in Error
    assert kind_of('indicator "社会效益、经济效益" (25):', '"社会效益、经济效益"') in String


def test_keywords_names_strings_numbers_and_comments():
    line = 'indicator 项目完成及时性 (6):  # 得分=已完成项目数/计划完成项目总数×6分'
    assert kind_of(line, "indicator") in Keyword
    assert kind_of(line, "项目完成及时性") in Name.Class
    assert kind_of(line, "6") in Number
    assert kind_of(line, "(") in Punctuation
    assert kind_of(line, "# 得分=已完成项目数/计划完成项目总数×6分") in Comment
    line = '满意度: percent from 0% to 100% "社会公众 # 不是注释"'
    assert kind_of(line, "满意度") in Name.Variable
    assert kind_of(line, "percent") in Keyword.Type
    assert kind_of(line, "from") in Keyword
    assert kind_of(line, "100") in Number
    assert kind_of(line, '"社会公众 # 不是注释"') in String
    line = "deduct 0.1 per 1% of ceil(调整调剂率, 1%) above 10%"
    assert [kind_of(line, word) in Keyword for word in ["deduct", "per", "of", "above"]] == [True] * 4
    assert kind_of(line, "0.1") in Number.Float
    assert kind_of(line, "ceil") in Name.Builtin
    assert kind_of("rounding 2 decimals half-up", "half-up") in Keyword.Constant
    for word in ["bonus", "penalty", "constraints"]:
        assert kind_of(f"{word}:", word) in Keyword
    for word in ["award", "cap", "matrix", "columns", "otherwise", "floor"]:
        assert kind_of(f"{word} 2", word) in Keyword


def test_names_that_contain_keywords_or_digits_are_one_name():
    assert tokens("完整且及时 → 1")[0] == (Name.Variable, "完整且及时")
    assert tokens("非税收入 ≥ 0 → 1")[0] == (Name.Variable, "非税收入")
    assert tokens("totalx ≥ 信访办理回复率达100")[::2] == [(Name.Variable, "totalx"),
                                                         (Name.Variable, "信访办理回复率达100")]
    assert tokens("“三公”经费比率 ≤ 1")[0] == (Name.Variable, "“三公”经费比率")


def test_the_chinese_notation():
    line = "主管部门开展有效检查监控 且 非 有违规 或 有检查监督证明材料 → 3分"
    assert [kind_of(line, word) for word in ["且", "非", "或"]] == [Operator.Word] * 3
    assert kind_of(line, "分") in Keyword.Pseudo
    line = "indicator 公众或服务对象满意度 （6分）："
    assert [kind_of(line, sign) for sign in ["（", "）", "："]] == [Punctuation] * 3
    for sign in ["≧", "≦", "＞", "＜", "＝", "＞＝", "－＞", "＝＞"]:
        assert kind_of(f"甲 {sign} 1", sign) in Operator
    assert tokens("90%–95% → 4分")[:5] == [(Number, "90"), (Number, "%"), (Operator, "–"), (Number, "95"),
                                          (Number, "%")]
    assert kind_of("80分至90分 → 2", "至") in Operator
    assert kind_of("实际完成日期 ≤ 2024年6月30日 → 1", "2024年6月30日") in Number
    assert kind_of("实际完成日期 ≤ 2024-06-30 → 1", "2024-06-30") in Number


def test_the_package_never_imports_the_lexer():
    """Pygments is the docs extra: no module of rulecheck but the lexer itself may import it."""
    importers = []
    for module in (ROOT / "src" / "rulecheck").rglob("*.py"):
        if module.name == "highlight.py":
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [f"{node.module}.{alias.name}" for alias in node.names]
                     if isinstance(node, ast.ImportFrom) and node.module else [])
            if any(name.startswith("pygments") or "highlight" in name for name in names):
                importers.append(module.name)
    assert importers == []
