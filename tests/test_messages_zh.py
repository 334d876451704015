"""The parse, link and check stages speak Chinese: each finding of a representative set of bad rule files,
analysed with `rulecheck.speaking("zh")`, renders in Chinese at the same code, line and column as in English."""

from __future__ import annotations

from pathlib import Path

import pytest

import rulecheck
from rulecheck.diagnostics import render_all, sort_key

BAD = Path(__file__).parent / "data" / "bad"

# file → the Chinese message and hint of its first finding
CASES = {
    "missing-colon.rules": ("15:24: 错误[E101]: 行尾缺少 ':'", "提示: 开启一个块的行以 ':' 结尾"),
    "unknown-type.rules": ("13:12: 错误[E101]: 未知类型 'cout'", "提示: 是否想写"),
    "lookalike-operator.rules": ("12:19: 错误[E102]: 意外的字符 '⇒'",
                                 "提示: 是否想写 '→'? '⇒' 看起来像, 但是另一个字符: 请写 → (或 ->)"),
    "unknown-name.rules": ("16:15: 错误[E201]: 未知名称 '满意率': 不是已声明的输入项、中间量或等级取值",
                           "'满意度'"),
    "group-weights.rules": ("12:1: 错误[E401]: '部门绩效' 的下级指标合计 9 分, 不等于该指标组的分值 10 分",
                            "提示: 制度管理 3 + 满意度得分 6 = 9; 请修改某个权重或满分"),
    "unit-mismatch.rules": ("15:20: 错误[E302]: 这里比较计数和百分比或比率", "提示: 比率请与百分数比较"),
    "percent-bound-on-count.rules": ("11:28: 错误[E302]: count 输入项 '编外人员数' 的上下限是百分数",
                                     "提示: 请把上下限写成普通数字, 或将输入项声明为 percent"),
    "import-absolute-path.rules": ("4:1: 错误[E005]: 无法导入 '/etc/passwd': 导入路径是相对于导入它的文件的",
                                   "提示: 请写从导入文件所在文件夹出发的路径"),
    "unused-input.rules": ("12:5: 警告[W201]: 输入项 '编外人员数' 未被使用: 没有规则读取它",
                           "提示: 请在规则中使用它, 或删除它"),
}


def analysed(name: str, lang: str):
    path = BAD / name
    with rulecheck.speaking(lang):
        analysis = rulecheck.analyze_text(path.read_text(encoding="utf-8"), str(path))
        findings = sorted(analysis.diagnostics, key=sort_key)
        return findings, render_all(findings, analysis.linked.sources)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_finding_renders_in_chinese(name):
    message, hint = CASES[name]
    english, __ = analysed(name, "en")
    chinese, rendered = analysed(name, "zh")
    assert [(d.code, d.severity, d.location()) for d in chinese] == [
        (d.code, d.severity, d.location()) for d in english]
    assert f"{BAD / name}:{message}" in rendered.splitlines()[0]
    assert hint in rendered
    assert chinese[0].message != english[0].message and chinese[0].hint != english[0].hint


def test_every_bad_file_speaks_chinese_where_english_has_words():
    """No finding of tests/data/bad keeps its English message in Chinese (only OS reasons stay English)."""
    for path in sorted(BAD.glob("*.rules")):
        english, __ = analysed(path.name, "en")
        chinese, __ = analysed(path.name, "zh")
        assert [d.location() for d in chinese] == [d.location() for d in english], path.name
        for en, zh in zip(english, chinese):
            assert zh.message != en.message, (path.name, en.message)
            assert (zh.hint is None) == (en.hint is None), path.name
            if en.hint and "did you mean" not in en.hint:
                assert zh.hint != en.hint, (path.name, en.hint)


def test_syntax_expectation_words_are_translated():
    """A token the grammar does not expect lists what it expects in Chinese ("名称", "数字")."""
    with rulecheck.speaking("zh"):
        analysis = rulecheck.analyze_text('framework "x"\ntotal 10\ninputs:\n    a: count from 0\n'
                                          "group g (10):\n    indicator i (10):\n        formula: a × × 6\n")
    (finding,) = analysis.diagnostics
    assert finding.code == "E101" and (finding.span.line, finding.span.column) == (7, 22)
    assert finding.message.startswith("此处不应有")
    assert "数字" in finding.hint or "名称" in finding.hint


def test_english_is_unchanged_after_chinese():
    """Speaking Chinese in a block leaves English messages as they were outside it."""
    before, __ = analysed("unknown-name.rules", "en")
    analysed("unknown-name.rules", "zh")
    after, __ = analysed("unknown-name.rules", "en")
    assert before == after
    assert before[0].message == "unknown name '满意率': not a declared input, derived value or grade value"
