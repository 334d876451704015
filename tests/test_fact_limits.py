"""Facts at and past their limits: each refused with its place (file:line:col, the fact, or the CSV row)
and a hint, never a Python exception, never a message that echoes a huge value, in bounded time.

The limits (docs/facts.md#limits): a number has at most 100 digits, a text at most 10,000 characters;
a value nests at most 20 levels; YAML aliases and tags are not read; at most 100 problems of one
department are listed. "Bounded time" guards are generous (a hang took minutes), never a benchmark.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import rulecheck
from rulecheck.batch import read_departments, score_departments
from rulecheck.cli import main
from rulecheck.inputs.facts import MAX_LISTED, parse_facts
from rulecheck.source import Source

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "rules" / "shenzhen" / "framework.rules"
CASE = ROOT / "rules" / "shenzhen" / "cases" / "edu-info-center-2024.yaml"


@pytest.fixture(scope="module")
def ruleset():
    return rulecheck.load(FRAMEWORK)


def with_fact(tmp_path, key: str, value: str, name: str = "case.yaml") -> Path:
    """The shipped case with the line of `key` written as `key: value`."""
    lines = [f"{key}: {value}" if line.split(":", 1)[0] == key else line
             for line in CASE.read_text(encoding="utf-8").splitlines()]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line_of(path: Path, key: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith(f"{key}:"))


def refusal(ruleset, path: Path) -> rulecheck.FactsError:
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.evaluate(rulecheck.load_facts(path))
    return raised.value


def only(error: rulecheck.RulecheckError):
    (diagnostic,) = error.diagnostics
    return diagnostic


@pytest.fixture
def bounded():
    """Fails the test if its body took more than 10 s (it used to take minutes, or never end)."""
    start = time.monotonic()
    yield
    assert time.monotonic() - start < 10


# ---- numbers -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("digits", [28, 29, 34, 35, 40, 99])
def test_long_decimals_score_and_explain_exactly(ruleset, tmp_path, digits):
    # a decimal longer than decimal's default 28 digits once raised IndexError while it was shown
    path = with_fact(tmp_path, "年初预算", "10339." + "1" * (digits - 5))
    result = ruleset.evaluate(rulecheck.load_facts(path))
    assert result.total == D("97.83")
    assert any("10339.111111…" in step for step in result["财务合规性"].explanation)


@pytest.mark.parametrize("written", ["1" * 101, "1" * 5000, "0." + "0" * 99 + "1", "1e999999", "1e-999999"])
def test_a_number_of_more_than_100_digits_is_refused_at_its_line(ruleset, tmp_path, written):
    # 5,000 digits once raised Python's ValueError (the 4,300-digit limit of int()) from the YAML reader
    path = with_fact(tmp_path, "年初预算", written)
    diagnostic = only(refusal(ruleset, path))
    assert (diagnostic.code, diagnostic.location()) == ("F511", f"{path}:{line_of(path, '年初预算')}:1")
    assert diagnostic.message.endswith("has more than the 100 digits a number may have")
    assert len(diagnostic.message) < 160


def test_a_json_integer_of_5000_digits_is_refused_at_its_line(ruleset, tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{\n  "年初预算": ' + "7" * 5000 + "\n}\n", encoding="utf-8")
    diagnostics = refusal(ruleset, path).diagnostics
    (found,) = [d for d in diagnostics if d.code == "F511"]
    assert found.location() == f"{path}:2:3"


def test_a_python_integer_past_the_int_string_limit_is_refused(ruleset, case_facts):
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.evaluate({**case_facts.values, "在编人数": 10 ** 5000})
    diagnostic = only(raised.value)
    assert diagnostic.code == "F511" and "a whole number of 5,001 digits" in diagnostic.message


# ---- text ----------------------------------------------------------------------------------------------

def test_a_long_text_is_refused_and_never_echoed_in_full(ruleset, tmp_path):
    path = with_fact(tmp_path, "部门预算公开情况", "按" * 300_000)  # 900 KB: the file may have 1 MB
    error = refusal(ruleset, path)
    diagnostic = only(error)
    assert (diagnostic.code, diagnostic.location()) == ("F511", f"{path}:{line_of(path, '部门预算公开情况')}:1")
    assert "300,000 characters" in diagnostic.message
    assert len(error.render()) < 1500  # the message, the line shown under it and the hint, all cut


def test_a_text_of_9_megabytes_from_python_is_quoted_in_80_characters(ruleset, case_facts):
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.evaluate({**case_facts.values, "满意度": "9" * 9_000_000})
    diagnostic = only(raised.value)
    assert diagnostic.code == "F511" and len(diagnostic.message) < 250
    assert "('" + "9" * 77 + "…')" in diagnostic.message


def test_a_long_unknown_key_is_cut_in_its_message(ruleset, case_facts, bounded):
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.evaluate({**case_facts.values, "满意" * 500_000: "96%"})
    diagnostic = only(raised.value)
    assert diagnostic.code == "F504" and len(diagnostic.message) < 160 and len(diagnostic.where) < 200


# ---- the shape of a file ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, text", [
    ("deep.yaml", "满意度: " + "[" * 50_000 + "]" * 50_000 + "\n"),
    ("deep.json", '{"满意度": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ("deep-map.yaml", "满意度:\n" + "".join(" " * depth + f"k{depth}:\n" for depth in range(1, 200))),
])
def test_a_deeply_nested_value_is_refused_where_it_starts(name, text, bounded):
    # it raised RecursionError
    with pytest.raises(rulecheck.FactsError) as raised:
        parse_facts(Source(name, text))
    diagnostic = only(raised.value)
    assert diagnostic.code == "F515" and diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.message) == (1 if "map" not in name else 2,
                                                          "a value nested more than 20 levels deep")


def test_a_list_of_half_a_megabyte_is_a_value_of_the_wrong_type(ruleset, tmp_path, bounded):
    # a 4 MB list took 2.6 GB to build; its items are no longer held at all
    path = with_fact(tmp_path, "满意度", "[" + ", ".join(["96%"] * 100_000) + "]")
    diagnostic = only(refusal(ruleset, path))
    assert (diagnostic.code, diagnostic.message) == ("F502", "fact '满意度': expected a percentage, got a list")


def test_billion_laughs_expand_nothing(ruleset, tmp_path, bounded):
    laughs = ['lol0: &lol0 "lol"'] + [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 10)}]" for n in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(laughs) + "\n满意度: *lol9\n", encoding="utf-8")
    facts = rulecheck.load_facts(path)
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.validate(facts)
    (alias,) = [d for d in raised.value.diagnostics if d.code == "F512"]
    assert alias.message == "fact '满意度': the value is a YAML alias ('*name'), and facts files do not read aliases"
    assert alias.location() == f"{path}:{len(laughs) + 1}:1"


@pytest.mark.parametrize("written, shown", [
    ("!!int 5.5", "!!int 5.5"),           # raised ValueError
    ("!!float 0.96", "!!float 0.96"),
    ("!!binary OTYl", "!!binary OTYl"),
    ("!!timestamp 2024-01-01", "!!timestamp 2024-01-01"),
    ("!!python/object/apply:os.system ['touch owned']", "!!python/object/apply:os.system …"),
])
def test_an_explicit_yaml_tag_is_refused(ruleset, tmp_path, written, shown, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = with_fact(tmp_path, "满意度", written)
    diagnostic = only(refusal(ruleset, path))
    assert diagnostic.code == "F513" and diagnostic.location() == f"{path}:{line_of(path, '满意度')}:1"
    assert diagnostic.message.startswith(f"fact '满意度': '{shown}' has a YAML tag")
    assert not (tmp_path / "owned").exists()


def test_a_plain_date_is_text_not_a_date(ruleset, tmp_path):
    path = with_fact(tmp_path, "满意度", "2024-01-01")
    assert only(refusal(ruleset, path)).message == "fact '满意度': expected a percentage, got '2024-01-01'"


def test_a_second_yaml_document_is_refused_at_its_start(tmp_path):
    with pytest.raises(rulecheck.FactsError) as raised:
        parse_facts(Source("two.yaml", '满意度: "96%"\n---\n满意度: "90%"\n'))
    diagnostic = only(raised.value)
    assert (diagnostic.code, diagnostic.location()) == ("F506", "two.yaml:2:1")


# ---- many problems -------------------------------------------------------------------------------------

@pytest.mark.parametrize("format", ["json", "yaml", "python"])
def test_many_unknown_facts_are_reported_in_bounded_time_and_space(ruleset, case_facts, tmp_path, format,
                                                                   bounded):
    # each once got a difflib suggestion, and the JSON reader searched every line for every key
    count = 100_000 if format == "python" else 50_000  # as many as a file of at most 1 MB holds
    unknown = {f"x{n}": n for n in range(count)}
    if format == "python":
        facts = {**case_facts.values, **unknown}
    else:
        path = tmp_path / f"many.{format}"
        body = (json.dumps(unknown).replace(", ", ",\n") if format == "json" else
                "".join(f"{key}: {value}\n" for key, value in unknown.items()))
        path.write_text(body, encoding="utf-8")
        facts = rulecheck.load_facts(path)
    with pytest.raises(rulecheck.FactsError) as raised:
        ruleset.validate(facts)
    diagnostics = raised.value.diagnostics
    assert len(diagnostics) == MAX_LISTED + 1
    last = diagnostics[-1]
    more = count + len(ruleset.required_inputs) * (format != "python") - MAX_LISTED
    assert (last.code, last.message) == ("F516", f"{more:,} more problems in these facts, from here on, are not listed")
    assert len(raised.value.render()) < 100_000


# ---- readers raise nothing but their documented errors ----------------------------------------------------

@given(text=st.text(st.sampled_from('满意度: "96%"{}[],&*!|>-#\n 0123456789.e'), max_size=60),
       name=st.sampled_from(["f.yaml", "f.json"]))
def test_any_text_is_facts_or_a_facts_error(text, name):
    try:
        parse_facts(Source(name, text))
    except rulecheck.FactsError as exc:
        assert all(d.code.startswith("F5") for d in exc.diagnostics)


# ---- in a batch, one such cell fails only its row ---------------------------------------------------------

def test_a_batch_row_with_a_value_past_a_limit_fails_alone(ruleset, case_facts, tmp_path):
    names = list(case_facts.values)

    def cells(changes: dict) -> str:
        values = {**case_facts.values, **changes}
        return ",".join(str(values[name]).lower() if isinstance(values[name], bool) else str(values[name])
                        for name in names)

    path = tmp_path / "batch.csv"
    path.write_text("\n".join(["id," + ",".join(names), "D1," + cells({}), "D2," + cells({"年初预算": "9" * 5000}),
                               "D3," + cells({"在编人数": "030"}), "D4," + cells({})]) + "\n", encoding="utf-8")
    scored = {item.key: item for item in score_departments(ruleset, read_departments(path, ruleset.inputs))}
    assert scored["D1"].ok and scored["D4"].ok
    assert [d.code for d in scored["D2"].diagnostics] == ["F511"]
    assert [d.code for d in scored["D3"].diagnostics] == ["F510"]
    assert scored["D3"].diagnostics[0].location() == f"{path}:4"


def test_rulecheck_score_on_a_facts_file_with_a_tag_exits_1_with_its_line(tmp_path):
    path = with_fact(tmp_path, "满意度", "!!int 96")
    result = CliRunner().invoke(main, ["score", str(FRAMEWORK), str(path)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"{path}:{line_of(path, '满意度')}:1: error[F513]: ")
    assert "Traceback" not in result.output


def test_json_loads_for_any_reader_raises_only_json_decode_errors():
    # what a JSON Lines line needs too: json.loads raised ValueError (5,000 digits) and RecursionError
    from rulecheck.inputs.jsonfacts import loads
    assert loads('{"a": ' + "7" * 5000 + ', "b": 0.9729, "c": NaN}')["b"] == D("0.9729")
    with pytest.raises(json.JSONDecodeError):
        loads("[" * 100_000 + "]" * 100_000)


def test_a_json_key_written_with_escapes_is_found_at_its_place(ruleset, case_facts, tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{\n  "\\u6ee1\\u610f\\u7387": "96%"\n}\n', encoding="utf-8")  # 满意率, escaped
    unknown = [d for d in refusal(ruleset, path).diagnostics if d.code == "F504"]
    assert [(d.message, d.location()) for d in unknown] == [
        ("unknown fact '满意率': the rule file declares no such input", f"{path}:2:3")]
