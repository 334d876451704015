"""Bad input in odd shapes gets a clear error, never a traceback; loading is safe across threads."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

import rulecheck

LAZY = """\
framework "x"
total 5
rounding 2 decimals half-up
inputs:
    a: count
    b: count
    c: count
let r: percent = b / a
let q: percent = b / c
indicator X (5):
    bands:
        a = 0 → 5
        r ≥ 50% → 3
        q ≥ 1% → 1
        otherwise → 0
"""


def test_explaining_a_band_reads_only_the_rows_scoring_read():
    # rows after the match divide by zero; scoring never reaches them, and neither may --explain
    result = rulecheck.loads(LAZY).evaluate({"a": 0, "b": 1, "c": 0}, explain=True)
    assert result["X"].score == Decimal("5.00")
    assert result["X"].explanation == ("band 1: a = 0 → 5   [0 = 0]   matched",)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity")])
def test_non_finite_facts_are_rejected(value):
    with pytest.raises(rulecheck.FactsError) as caught:
        rulecheck.loads(LAZY).evaluate({"a": value, "b": 1, "c": 1})
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "F502" and "is not a finite number" in diagnostic.message


def test_non_finite_json_facts_name_their_position(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text('{"a": NaN, "b": 1, "c": 1}', encoding="utf-8")
    with pytest.raises(rulecheck.FactsError) as caught:
        rulecheck.loads(LAZY).evaluate(rulecheck.load_facts(path))
    assert caught.value.render().splitlines()[0] == (
        f"{path}:1:2: error[F502]: fact 'a': NaN is not a finite number")


def test_a_key_that_is_not_a_string_is_an_unknown_fact():
    with pytest.raises(rulecheck.FactsError) as caught:
        rulecheck.loads(LAZY).evaluate({1: 2, "a": 1, "b": 1, "c": 1})
    assert [d.message for d in caught.value.diagnostics] == [
        "unknown fact '1': the rule file declares no such input"]


def test_rule_files_load_in_parallel_threads(framework_path):
    text = framework_path.read_text(encoding="utf-8")
    with ThreadPoolExecutor(8) as pool:
        names = list(pool.map(lambda _: rulecheck.loads(text, str(framework_path)).name, range(64)))
    assert names == ["部门整体支出绩效评价共性指标体系框架"] * 64
