"""The facts readers' messages in Chinese: the same codes and places, the words of the finance bureau."""

from __future__ import annotations

import pickle

import pytest

import rulecheck
from rulecheck.inputs.sheets import CellSpan


@pytest.mark.parametrize("value, code, english, chinese", [
    ("很高", "F502", "fact '满意度': expected a percentage, got '很高'", "数据 '满意度': 应为百分比, 实际为 '很高'"),
    ("120%", "F503", "fact '满意度': 120% is outside its domain, from 0% to 100%",
     "数据 '满意度': 120% 超出取值范围 (0% 至 100%)"),
    ("96", "F505", "fact '满意度': the bare number 96 is ambiguous for a percentage",
     "数据 '满意度': 作为百分比, 不带 % 的数字 96 有歧义"),
])
def test_a_value_refused_in_both_languages(framework, case_facts, value, code, english, chinese):
    facts = {**case_facts.values, "满意度": value}
    for lang, expected in (("en", english), ("zh", chinese)):
        with rulecheck.speaking(lang), pytest.raises(rulecheck.FactsError) as raised:
            framework.evaluate(facts)
        (diagnostic,) = raised.value.diagnostics
        assert (diagnostic.code, diagnostic.message) == (code, expected)


def test_unknown_and_missing_facts_in_chinese(framework, case_facts):
    facts = {**case_facts.values, "满意率": "96%"}
    del facts["满意度"]
    with rulecheck.speaking("zh"):
        with pytest.raises(rulecheck.FactsError) as raised:
            framework.evaluate(facts)
        text = raised.value.render()
    assert "未知的数据 '满意率': 规则文件没有声明这个输入项" in text
    assert "提示: 是否想写 '满意度'?" in text
    assert "缺少数据 '满意度', 指标 '公众或服务对象满意度'" in text


def test_a_yaml_facts_file_twice_in_chinese(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("满意度: 96%\n满意度: 97%\n", encoding="utf-8")
    with rulecheck.speaking("zh"):
        with pytest.raises(rulecheck.FactsError) as raised:
            rulecheck.load_facts(path)
        text = raised.value.render()
    assert f"{path}:2:1: 错误[F507]: 数据 '满意度' 写了两次" in text
    assert "第 1 行; 请只保留一个" in text


def test_a_cell_span_names_the_cell_and_pickles():
    span = CellSpan("facts.xlsx:数据", 7, 3, 7, 4)
    assert str(span) == "facts.xlsx:数据!C7"
    assert pickle.loads(pickle.dumps(span)) == span and str(pickle.loads(pickle.dumps(span))) == "facts.xlsx:数据!C7"
