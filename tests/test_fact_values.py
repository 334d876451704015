"""The Python values each input type takes (docs/embedding.md#fact-values): one definition, the one
the file readers use too, and a FactValueError (never another exception) for anything else."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import rulecheck
from rulecheck.cli import main
from rulecheck.inputs.facts import NAME_FIELDS, FactSet, FactValueError, convert, validate
from rulecheck.inputs.fast import KNOWN_TEXTS, fast_reader

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "rules" / "shenzhen" / "framework.rules"

SMALL = """\
framework "小"
total 10
rounding 2 decimals half-up

inputs:
    进度: percent from 0% to 200%
    满意度: percent from 0% to 100%
    比率: percent
    人数: count from 0
    金额: amount
    合规: bool
    公开: grade(按规定公开, 未公开)
    备注数: count from 0

indicator 执行 (3):
    formula: min(进度, 1) × 3
indicator 满意 (2):
    formula: 满意度 × 2
indicator 合规性 (1):
    checklist:
        合规 → 1
indicator 公开性 (1):
    bands 公开:
        = 按规定公开 → 1
        otherwise → 0
indicator 人员 (1):
    bands 人数:
        ≥ 5 → 1
        otherwise → 0
indicator 资金 (1):
    bands 金额:
        ≥ 0 → 1
        otherwise → 0
indicator 比 (1):
    formula: clamp(比率, 0, 1)
"""
FACTS = {"进度": "97.29%", "满意度": D("0.96"), "比率": D("0.5"), "人数": 5, "金额": D("10339.11"), "合规": True,
         "公开": "按规定公开"}


@pytest.fixture(scope="module")
def small():
    return rulecheck.loads(SMALL, name="small.rules")


def value(small, name, raw):
    return small.validate({**FACTS, name: raw})[name]


def refused(small, name, raw) -> list[str]:
    with pytest.raises(rulecheck.FactsError) as raised:
        small.validate({**FACTS, name: raw})
    return [d.code for d in raised.value.diagnostics]


# ---- percentages -----------------------------------------------------------------------------------

def test_a_fraction_above_one_is_taken_where_the_domain_goes_above_100_percent(small):
    # it was refused (F505) although "101.39%" was accepted for the same input
    assert value(small, "进度", D("1.0139")) == D("1.0139") == value(small, "进度", "101.39%")
    assert value(small, "进度", "1.0139") == D("1.0139")


@pytest.mark.parametrize("name, raw", [("满意度", D("1.0139")), ("进度", D("97.29")), ("比率", D("1.5"))])
def test_a_bare_number_beyond_the_declared_domain_is_still_ambiguous(small, name, raw):
    # 满意度 ends at 100%; 97.29 is no fraction 进度 can take; 比率 declares no end at all
    assert refused(small, name, raw) == ["F505"]


# ---- missing: None, blank text, or absent ----------------------------------------------------------

def test_none_for_an_input_no_rule_reads_is_no_fact_at_all(small):
    # it was F502 "expected a whole number, got an empty value", while an empty CSV cell is no fact
    assert "备注数" not in small.validate({**FACTS, "备注数": None})
    assert "备注数" not in small.validate({**FACTS, "备注数": "  "})


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_none_or_blank_text_for_an_input_a_rule_reads_is_a_missing_fact(small, raw):
    with pytest.raises(rulecheck.FactsError) as raised:
        small.validate({**FACTS, "满意度": raw})
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "F501"
    line = SMALL.splitlines().index("indicator 满意 (2):") + 1
    assert diagnostic.message == f"missing fact '满意度', needed by '满意' (small.rules:{line})"


# ---- numbers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    (5, D(5)), (D("5.0"), D(5)), ("5", D(5)), (Fraction(10, 2), D(5)), (5.0, D(5)), ("1e1", D(10)),
])
def test_a_count_takes_whole_numbers_of_every_exact_kind(small, raw, expected):
    assert value(small, "人数", raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (0.93, D("0.93")),                          # the digits Python prints, not the binary fraction
    (Fraction(1, 4), D("0.25")),
    ("10,339.11", D("10339.11")),
    ("１０３３９．１１", D("10339.11")),        # full-width digits and point
    (-3, D(-3)),
])
def test_an_amount_is_exact_from_any_number_type(small, raw, expected):
    found = value(small, "金额", raw)
    assert found == expected and type(found) is D


def test_a_fraction_without_a_decimal_expansion_is_refused_with_a_hint(small):
    with pytest.raises(rulecheck.FactsError) as raised:
        small.validate({**FACTS, "金额": Fraction(1, 3)})
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.message) == ("F502", "fact '金额': 1/3 has no exact decimal value")
    assert "Decimal" in diagnostic.hint


@pytest.mark.parametrize("raw", [True, False, float("nan"), float("inf"), D("NaN"), D("sNaN"), [1], {"a": 1},
                                 object()])
def test_what_is_no_number_is_refused_as_a_value_of_the_wrong_type(small, raw):
    assert refused(small, "金额", raw) == ["F502"]


# ---- bool and grade --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [(True, True), (False, False), ("true", True), ("YES", True),
                                           ("是", True), ("否", False), ("✗", False)])
def test_a_bool_takes_true_false_and_the_words_of_every_reader(small, raw, expected):
    assert value(small, "合规", raw) is expected


@pytest.mark.parametrize("raw", [1, 0, D(1), "1", "on", "off", "y"])
def test_a_bool_takes_no_number_and_no_yaml_1_1_word(small, raw):
    assert refused(small, "合规", raw) == ["F502"]


def test_a_grade_takes_its_values_text(small):
    assert value(small, "公开", " 未公开 ") == "未公开"
    assert refused(small, "公开", True) == ["F502"]


# ---- convert raises FactValueError, whatever it is given --------------------------------------------

ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**4400, max_value=10**4500),
    st.floats(), st.decimals(), st.fractions(), st.text(max_size=30),
    st.text(st.sampled_from("0123456789.,%:_-+eE "), max_size=30),
    st.from_regex(r"[0-9]{1,5}e[0-9]{5,9}", fullmatch=True),
    st.from_regex(r"[+-]?0[xob0-9][0-9a-f_:,.]{0,6}", fullmatch=True),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@given(name=st.sampled_from(sorted(FACTS) + ["备注数"]), raw=ANYTHING)
def test_convert_raises_only_fact_value_errors(small, name, raw):
    try:
        convert(raw, small.inputs[name])
    except FactValueError as problem:
        assert problem.code.startswith("F5") and len(str(problem)) < 300


CELLS = st.one_of(  # what a cell may hold: the texts a reader's direct path reads, and its near misses
    st.from_regex(r"-?(0|[1-9][0-9]{0,22})(\.[0-9]{0,22})?%?", fullmatch=True),
    st.sampled_from(["是", "否", "true", "True", " 是", "按规定公开", " 按规定公开", "未公开 ", "-0", "-0%", "0.0",
                     "1.5", "3.0", "200%", "201%", "-1%", "0", "01", "1,000", "１２", "5%"]),
)


CSV_FACTS = {"进度": "97.29%", "满意度": "96%", "比率": "0.5", "人数": "5", "金额": "10339.11", "合规": "是",
             "公开": "按规定公开", "名称": "教育局"}


def typed(facts: dict) -> dict:
    return {name: (type(value), str(value)) for name, value in facts.items()}


def general(small, facts: dict):
    try:
        return typed(validate(FactSet("f.csv:2", facts), small.inputs, small.required_inputs, small.compiled.constraints))
    except rulecheck.FactsError as problem:
        return [d.code for d in problem.diagnostics]


def test_the_fast_reader_takes_cells_written_the_usual_way(small):
    fast = fast_reader(small.inputs, small.required_inputs, NAME_FIELDS)
    assert typed(fast(CSV_FACTS)) == general(small, CSV_FACTS)
    assert typed(fast(CSV_FACTS)) == general(small, CSV_FACTS)  # the texts it remembers: the same values
    for _ in range(2):  # a value refused is not remembered
        assert fast({**CSV_FACTS, "人数": "-1"}) is None and fast({**CSV_FACTS, "人数": "1.5"}) is None
    assert fast({**CSV_FACTS, "未知": "1"}) is None and fast({k: v for k, v in CSV_FACTS.items() if k != "进度"}) is None


def test_the_fast_reader_stops_remembering_the_texts_of_an_input_that_does_not_repeat(small):
    """An input's table of texts fills up (amounts, all different): it is emptied and takes no more,
    while an input whose texts repeat keeps its own; the values read are the same either way."""
    fast = fast_reader(small.inputs, small.required_inputs, NAME_FIELDS)
    tables = {id(value): value for value in fast.__globals__.values() if type(value) is dict}
    amounts = [f"{cents // 100}.{cents % 100:02d}" for cents in range(100_000, 100_000 + 3 * KNOWN_TEXTS)]
    for amount in amounts:
        facts = fast({**CSV_FACTS, "金额": amount})
        assert facts["金额"] == D(amount)
    remembered = sorted(len(table) for table in tables.values()
                        if table and all(type(k) is str and type(v) is D for k, v in table.items()))
    assert remembered == [1, 1, 1, 1]  # 金额's emptied; 进度, 满意度, 比率, 人数 kept, one text each
    assert typed(fast({**CSV_FACTS, "金额": amounts[0]})) == general(small, {**CSV_FACTS, "金额": amounts[0]})
    assert [fast({**CSV_FACTS, "人数": text})["人数"] for text in ("5", "6", "5")] == [D(5), D(6), D(5)]


def test_the_fast_reader_reads_a_date_as_convert_does():
    ruleset = rulecheck.loads('framework "f"\ntotal 1\nrounding 2 decimals\ninputs:\n    完成日期: date\n'
                              "indicator 按期 (1):\n    bands:\n        完成日期 ≤ 2024-03-31 → 1\n"
                              "        otherwise → 0\n")
    fast = fast_reader(ruleset.inputs, ruleset.required_inputs, NAME_FIELDS)
    for text in ("2024-03-31", "2024年3月31日", "2024-04-01"):
        assert typed(fast({"完成日期": text})) == general(ruleset, {"完成日期": text})
    with pytest.raises(FactValueError):  # no such day: validate then reads the department the general way
        fast({"完成日期": "2024-02-30"})
    assert general(ruleset, {"完成日期": "2024-02-30"}) == ["F502"]


@given(name=st.sampled_from(sorted(FACTS) + ["备注数"]), raw=st.one_of(CELLS, ANYTHING))
def test_the_fast_reader_gives_what_validate_gives(small, name, raw):
    """inputs/fast.py reads common cells directly: where it gives facts, the general validate gives the
    same values to the digit; where it cannot, it gives None (or raises, which validate catches)."""
    facts = {**CSV_FACTS, name: raw}
    try:
        quick = fast_reader(small.inputs, small.required_inputs, NAME_FIELDS)(facts)
    except Exception:
        quick = None
    if quick is not None:
        assert typed(quick) == general(small, facts)


# ---- rulecheck explain and a batch -----------------------------------------------------------------

def test_explain_given_a_csv_says_it_takes_one_department(tmp_path):
    corpus = ROOT / "rules" / "shenzhen" / "cases" / "corpus-2024.csv"
    result = CliRunner().invoke(main, ["explain", str(FRAMEWORK), str(corpus)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"{corpus}: rulecheck explain takes one department's facts (a YAML or JSON facts file), and this holds "
        f"many departments\n  = hint: score them all with 'rulecheck score {FRAMEWORK} {corpus}'; to explain one "
        "of them, copy its facts into a file of its own, one 'name: value' per line\n")
    assert "mapping" not in result.stderr
