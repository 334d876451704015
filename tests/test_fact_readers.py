"""One value, one meaning: a fact written the same way scores the same from every reader.

A value, as an analyst would type it (`030`, `1:30`, `yes`, `96%`, `1e3`, nothing at all), is written into
a YAML facts file (plain, as typed, unless YAML's syntax needs quotes), a JSON facts file (as a JSON
number, true/false or null where it is one, else a string), a CSV row (the cell's text, read with
`rulecheck.batch.read_departments`), and given to the API as the Python value it stands for (an int,
a Decimal, True/False, None, else the text). All four must give the same total and grade, or refuse
the department with the same error codes. The other facts are those of the shipped case, scored with
the shipped framework (rules/shenzhen/framework.rules).
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import rulecheck
from rulecheck.batch import read_departments, score_departments

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "rules" / "shenzhen" / "cases" / "edu-info-center-2024.yaml"
# an input of each type and kind of domain in the shipped framework
INPUTS = ("满意度", "四季度支出进度", "年初预算", "调整资金", "在编人数", "编外人员数", "效益评分", "制度有效执行",
          "部门预算公开情况")
JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
WHOLE = re.compile(r"-?(?:0|[1-9][0-9]*)")
YAML_NULLS = {"~", "null", "Null", "NULL"}  # YAML's own spelling of "no value", which a CSV cell does not have


@pytest.fixture(scope="module")
def ruleset():
    return rulecheck.load(ROOT / "rules" / "shenzhen" / "framework.rules")


@pytest.fixture(scope="module")
def shipped():
    return rulecheck.load_facts(CASE).values


# ---- the value, written four ways ------------------------------------------------------------------

def yaml_scalar(text: str) -> str:
    """The text as YAML: plain where YAML reads it back as a plain scalar of that text, else in quotes."""
    if not text.strip():
        return ""
    if text.strip() not in YAML_NULLS:
        try:
            node = yaml.compose(f"k: {text}\n")
        except yaml.YAMLError:
            node = None
        if (isinstance(node, yaml.MappingNode) and isinstance(node.value[0][1], yaml.ScalarNode)
                and node.value[0][1].style is None and node.value[0][1].value == text.strip()):
            return text
    return json.dumps(text, ensure_ascii=False)


def json_value(text: str) -> str:
    text = text.strip()
    if not text:
        return "null"
    if text in ("true", "false") or JSON_NUMBER.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def python_value(text: str):
    text = text.strip()
    if not text:
        return None
    if text in ("true", "false"):
        return text == "true"
    if WHOLE.fullmatch(text):
        return int(text)
    if JSON_NUMBER.fullmatch(text):
        return Decimal(text)
    return text


def outcome(run) -> tuple:
    """('scored', total, grade), or ('refused', the error codes in order)."""
    try:
        result = run()
    except rulecheck.RulecheckError as exc:
        return ("refused", tuple(sorted(d.code for d in exc.diagnostics)))
    return ("scored", result.total, result.grade)


def from_yaml(ruleset, folder: Path, name: str, text: str) -> tuple:
    lines = [f"{name}: {yaml_scalar(text)}" if line.split(":", 1)[0] == name else line
             for line in CASE.read_text(encoding="utf-8").splitlines()]
    path = folder / "case.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return outcome(lambda: ruleset.evaluate(rulecheck.load_facts(path)))


def shipped_json(value) -> str:
    return json.dumps(value) if isinstance(value, bool) else json_value(str(value))


def from_json(ruleset, folder: Path, shipped: dict, name: str, text: str) -> tuple:
    entries = [f"{json.dumps(key, ensure_ascii=False)}: {json_value(text) if key == name else shipped_json(value)}"
               for key, value in shipped.items()]
    path = folder / "case.json"
    path.write_text("{\n" + ",\n".join(entries) + "\n}\n", encoding="utf-8")
    return outcome(lambda: ruleset.evaluate(rulecheck.load_facts(path)))


def from_csv(ruleset, folder: Path, shipped: dict, name: str, text: str) -> tuple:
    path = folder / "departments.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", *shipped])
        writer.writerow(["D1", *(text if key == name else str(value).lower() if isinstance(value, bool) else value
                                 for key, value in shipped.items())])
    (scored,) = score_departments(ruleset, read_departments(path))
    if scored.result is None:
        return ("refused", tuple(sorted(d.code for d in scored.diagnostics)))
    return ("scored", scored.result.total, scored.result.grade)


def from_python(ruleset, shipped: dict, name: str, text: str) -> tuple:
    return outcome(lambda: ruleset.evaluate({**shipped, name: python_value(text)}))


def outcomes(ruleset, shipped: dict, name: str, text: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        return {"yaml": from_yaml(ruleset, Path(folder), name, text),
                "json": from_json(ruleset, Path(folder), shipped, name, text),
                "csv": from_csv(ruleset, Path(folder), shipped, name, text),
                "python": from_python(ruleset, shipped, name, text)}


def assert_one_meaning(ruleset, shipped, name: str, text: str) -> dict:
    found = outcomes(ruleset, shipped, name, text)
    assert len(set(found.values())) == 1, f"{name}: {text!r} means different things: {found}"
    return found


# ---- the forms YAML 1.1 reads differently from a CSV -----------------------------------------------

@pytest.mark.parametrize("name, text, expected", [
    ("在编人数", "030", ("refused", ("F510",))),          # YAML 1.1: the octal number 24
    ("在编人数", "1:30", ("refused", ("F510",))),         # YAML 1.1: 90 (base 60)
    ("在编人数", "56_0", ("refused", ("F510",))),         # YAML 1.1: 560
    ("在编人数", "0x1A", ("refused", ("F510",))),         # YAML 1.1 and 1.2: 26
    ("在编人数", "0o17", ("refused", ("F510",))),         # YAML 1.2: 15
    ("年初预算", "1e4", None),                           # 10000, in every reader
    ("满意度", ".96", None),                             # 96%, in every reader
    ("年初预算", "10,339.11", ("scored", Decimal("97.83"), "优")),
    ("制度有效执行", "yes", ("scored", Decimal("97.83"), "优")),   # accepted everywhere, as 是
    ("制度有效执行", "no", None),
    ("制度有效执行", "on", ("refused", ("F502",))),       # YAML 1.1: true; nowhere a bool here
    ("制度有效执行", "off", ("refused", ("F502",))),
    ("制度有效执行", "是", ("scored", Decimal("97.83"), "优")),
    ("制度有效执行", "1", ("refused", ("F502",))),
    ("满意度", "96%", ("scored", Decimal("97.83"), "优")),
    ("满意度", "９６％", ("scored", Decimal("97.83"), "优")),   # full-width, as a Chinese keyboard types it
    ("满意度", "96", ("refused", ("F505",))),
    ("四季度支出进度", "0.9729", ("scored", Decimal("97.83"), "优")),
    ("四季度支出进度", "1.0139", None),                  # 101.39%: the domain goes to 200%
    ("满意度", "", ("refused", ("F501",))),               # missing, like an empty cell
    ("部门预算公开情况", "2024-01-01", ("refused", ("F502",))),  # YAML 1.1: a date
])
def test_a_value_means_the_same_in_every_reader(ruleset, shipped, name, text, expected):
    found = assert_one_meaning(ruleset, shipped, name, text)
    if expected is not None:
        assert found["csv"] == expected
    else:
        assert found["csv"][0] == "scored"


NUMBERS = st.decimals(min_value=-1000, max_value=100_000, places=3, allow_nan=False).map(str)
WRITTEN = st.one_of(
    NUMBERS,
    NUMBERS.map(lambda text: text + "%"),
    st.integers(0, 10_000).map(str),
    st.integers(0, 999).map(lambda n: f"0{n}"),
    st.integers(0, 10**7).map(lambda n: f"{n:,}"),
    st.integers(0, 10**4).map(lambda n: f"{n}e{n % 5 - 2}"),
    st.sampled_from(["true", "false", "True", "FALSE", "yes", "No", "on", "off", "y", "n", "是", "否", "有", "无",
                     "√", "×", "按规定公开", "未公开", "按时公开", "", " ", "-", ".", "1.", ".5", "+3", "-0", "1_0",
                     "1:30", "12:30:45", "0x1F", "0o7", "0b1", ".inf", "-.inf", ".nan", "NaN", "Infinity", "1e999",
                     "1 000", "1.000,5", "0,5", "96 %", "96％", "１２", "null", "~", "2024-01-01"]),
    st.text(st.sampled_from("0123456789.,%:_-+eExo 是否"), max_size=8),
)


@given(name=st.sampled_from(INPUTS), text=WRITTEN)
def test_any_value_means_the_same_in_every_reader(ruleset, shipped, name, text):
    assert_one_meaning(ruleset, shipped, name, text)
