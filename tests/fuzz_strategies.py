"""What the fuzzers feed rulecheck: the shipped rule files mangled (lines deleted, duplicated, swapped;
characters inserted, deleted, replaced from a rule-ish alphabet), generated rule files mangled the same
way, facts with arbitrary values, and the shipped corpus corrupted as a CSV or as JSON Lines.

Each strategy draws an example that knows what a correct reader must make of it (the lines of a batch
that must each come out once), so the checks in fuzz_checks.py can tell a bug from bad input."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import attrs
from hypothesis import strategies as st
from strategies import facts_for, rule_files

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
SHIPPED_RULES = tuple(sorted(path.relative_to(ROOT) for path in RULES.rglob("*.rules")))
CORPUS = RULES / "shenzhen" / "cases" / "corpus-2024.csv"
LINE_BREAK = re.compile(rb"\r\n|\r|\n")

# ---- the alphabet of mangling: what analysts type, and what breaks readers -----------------------

HUGE_NUMBERS = ("9" * 400, "1" + "0" * 5000, "0." + "0" * 300 + "1", "1e999999999", "1E-999999999",
                "99999999999999999999999999999999%", "-0", "1_000", "１２", "٣", "½", "²")
RULE_SNIPPETS = (
    "满意度", "预算执行率", "指标", "得分", "分", "扣", "每", "“", "”", "‘", "’", "：", "（", "）", "，", "。",
    "≥", "≤", "≠", "→", "->", "=>", "%", "％", "×", "÷", "−", "-", "+", "*", "/", "=", "==", "<", ">", "!=",
    ":", "(", ")", "[", "]", ",", ".", '"', "'", "#", "_", "|", " ", "    ", "\t", "\r", "\r\n", "\n",
    "\0", "\u2028", "\x85", "\x0c", "\ufeff", "\u200b",
    "framework ", "total ", "rounding ", "decimals", "half-up", "inputs:", "let ", "group ", "indicator ",
    "part ", "extend ", "import ", "bands", "checklist", "deduct ", "per ", "floor ", "formula:", "assessed",
    "score", "grades:", "otherwise", "increasing in ", "decreasing in ", "from ", "to ", "above ", "below ",
    "and ", "or ", "not ", "in ", "points", "point", "count", "amount", "percent", "number", "bool",
    "grade(", "min(", "max(", "clamp(", "abs(", 'import "../framework.rules"\n', 'import "/etc/passwd"\n',
    # the constructs of issue 12, and their Chinese notation
    "award ", "cap ", "matrix ", " × ", "columns:", " | ", "|", "constraints:", "ceil(", "floor(", "round(",
    ", 1%)", ", 0.1%)", ", 2)", "date", "date from 2024-01-01 to 2024-12-31", "2024-03-31", "2024-02-30",
    "2024年3月31日", "2024年13月1日", "且", "或", "非", " 且 ", " 或 ", "非 ", "→ 6分", "分)", "≧", "≦", "＞",
    "＜", "＝", "－＞", "＊", "／", "–", "～", "至", "80%–90%", "80–90%", "90%-100%", "bonus ", "penalty ",
    *HUGE_NUMBERS,
)
CSV_SNIPPETS = (b'"', b'""', b",", b",,", b"\n", b"\r", b"\r\n", b"\0", b" ", b"\t", b"\xef\xbb\xbf",
                b"\xff", b"\xc2", b"\xe6\xbb", b"\xb0\xb4", "\u2028".encode(), "\x85".encode(),
                "很高".encode(), b"96%", b"=1+1", b"-", b"1e999999", b"9" * 400,
                b"x" * 140_000, b"\\", b"{", b"}", b"[", b"]", b":", b'"id"', b"null", b"NaN")


# a token swapped for another of its kind keeps a file parsing more often than a random edit does, so
# the later stages (names, types, weights, the prover, scoring) see the file too
TOKEN_KINDS = (
    (re.compile(r"\d+(?:\.\d+)?%?"), ("0", "1", "2", "0.5", "0.01", "6", "100", "0%", "5%", "95%", "100%",
                                     "150%", "0.0000001", "99999999999", *HUGE_NUMBERS[:4])),
    (re.compile(r"[≥≤<>=≠]|>=|<=|!="), ("≥", "≤", "<", ">", "=", "≠")),
    (re.compile(r"[+×÷−*/]"), ("+", "−", "×", "÷")),
    (re.compile(r"\b(?:min|max|clamp|abs|ceil|floor|round)(?=[(（])"), ("min", "max", "clamp", "abs", "ceil", "floor",
                                                                         "round")),
    (re.compile(r"\b(?:deduct|award)\b"), ("deduct", "award")),
    (re.compile(r"(?<=\s)(?:and|or|not|且|或|非)(?=\s)"), ("and", "or", "not", "且", "或", "非")),
    (re.compile(r"\d{4}-\d\d-\d\d|\d{4}年\d{1,2}月\d{1,2}日"), ("2024-03-31", "2024-02-29", "2023-02-29", "2024年3月31日",
                                                               "0001-01-01", "9999-12-31", "2024-3-31")),
    (re.compile(r"\b(?:increasing|decreasing)\b"), ("increasing", "decreasing")),
    (re.compile(r"\b(?:count|amount|percent|number|bool|score|date)\b"), ("count", "amount", "percent", "number",
                                                                          "bool", "score", "date")),
    (re.compile(r"\b(?:from|to|above|below)\b"), ("from", "to", "above", "below")),
)


def snippets(pool: tuple) -> st.SearchStrategy:
    """A snippet of the pool, or a few characters drawn from all of it."""
    if isinstance(pool[0], bytes):
        return st.sampled_from(pool) | st.binary(min_size=1, max_size=6)
    characters = "".join(sorted({ch for snippet in pool for ch in snippet}))
    return st.sampled_from(pool) | st.text(alphabet=characters, min_size=1, max_size=6) | st.text(max_size=3)


# ---- mangling text: lines and characters -----------------------------------------------------------

@st.composite
def mangled(draw, text, pool: tuple = RULE_SNIPPETS, *, most: int = 4, start: int = 0):
    """`text` (str or bytes) after 1 to `most` edits: a line deleted, duplicated or swapped with another,
    or a snippet inserted, a range deleted, a range replaced by a snippet; none before offset `start`."""
    for _ in range(draw(st.integers(1, most))):
        edits = ("delete line", "duplicate line", "swap lines", "insert", "delete", "replace", "insert", "replace")
        edit = draw(st.sampled_from(edits + (("token",) * 4 if isinstance(text, str) else ())))
        if edit.endswith("line") or edit.endswith("lines"):
            text = _line_edit(draw, text, edit)
            continue
        if edit == "token":
            text = _token_edit(draw, text)
            continue
        at = draw(st.integers(start, len(text)))
        end = draw(st.integers(at, min(len(text), at + 12)))
        piece = draw(snippets(pool)) if edit != "delete" else text[:0]
        text = text[:at] + piece + text[end if edit != "insert" else at:]
    return text


def _token_edit(draw, text: str) -> str:
    """One number, comparison, operator, function or keyword replaced by another of its kind."""
    pattern, pool = draw(st.sampled_from(TOKEN_KINDS))
    found = list(pattern.finditer(text))
    if not found:
        return text
    match = found[draw(st.integers(0, len(found) - 1))]
    return text[:match.start()] + draw(st.sampled_from(pool)) + text[match.end():]


def _line_edit(draw, text, edit: str):
    lines = text.splitlines(keepends=True) if isinstance(text, bytes) else text.split("\n")
    joiner = text[:0] if isinstance(text, bytes) else "\n"
    if len(lines) < 2:
        return text
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    if edit == "delete line":
        del lines[i]
    elif edit == "duplicate line":
        lines.insert(i, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return joiner.join(lines)


# ---- rule files ---------------------------------------------------------------------------------

@attrs.frozen
class RuleText:
    """A rule file's text, as if it were the file at `path` (relative to the repository, so that a
    department file's import finds the framework beside it)."""
    path: Path
    text: str

    def __repr__(self) -> str:  # hypothesis prints this for a failing example: keep it pasteable
        return f"RuleText({str(self.path)!r}, {self.text!r})"


def shipped_rule_texts() -> dict[Path, str]:
    return {path: (ROOT / path).read_text(encoding="utf-8") for path in SHIPPED_RULES}


def mangled_shipped_rules() -> st.SearchStrategy[RuleText]:
    texts = shipped_rule_texts()
    return st.sampled_from(SHIPPED_RULES).flatmap(
        lambda path: mangled(texts[path]).map(lambda text: RuleText(path, text)))


def mangled_generated_rules() -> st.SearchStrategy[RuleText]:
    """A generated framework (tests/strategies.py), as written or mangled."""
    where = Path("rules/generated.rules")
    return rule_files().flatmap(lambda text: st.just(text) | mangled(text)).map(lambda text: RuleText(where, text))


# ---- facts: arbitrary values ---------------------------------------------------------------------

ODD_DECIMALS = tuple(map(Decimal, ("NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "1E+999999999",
                                   "1E-999999999", "-0", "0E-1000", "123456789012345678901234567890.5")))
DATE_TEXTS = ("2024-03-31", "2024年3月31日", "2024/3/31", "2024-02-30", "2023-02-29", "2024年13月1日", "31/3/2024",
              "2024-03-31T08:00", "0001-01-01", "9999-12-31", "10000-01-01", "2024 年 3 月 31 日", "45382", "二〇二四年三月")
FACT_TEXTS = ("96%", "96 %", "96％", "0.96", "1,000", "1,00", "10,339.11", "是", "否", "√", "×", "TRUE",
              "按规定公开", "未公开", "", "   ", "\0", "\u2028", "NaN", "Infinity", "-inf", "1e5", "0x10",
              "%", "%%", "1%%", "—", "=1+1", "很高", *DATE_TEXTS, *HUGE_NUMBERS)
huge_integers = st.sampled_from((64, 4301, 5000)).flatmap(lambda digits: st.sampled_from((10**digits, -(10**digits) + 1)))
days = st.dates() | st.datetimes() | st.sampled_from((datetime.date.min, datetime.date.max))
scalars = (st.none() | st.booleans() | st.integers() | huge_integers | days
           | st.floats() | st.decimals() | st.sampled_from(ODD_DECIMALS) | st.sampled_from(FACT_TEXTS)
           | st.text(max_size=20) | st.text(min_size=5000, max_size=20_000, alphabet="9") | st.text(
               min_size=1, max_size=3).map(lambda s: s * 40_000))
fact_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)


@attrs.frozen
class Facts:
    """The shipped case's facts with some replaced by arbitrary values and some unknown ones added."""
    values: dict

    def __repr__(self) -> str:
        return f"Facts({shown(self.values)})"


def shown(value) -> str:
    """repr, but an int of more than 4,300 digits (which repr refuses) as int("…")."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{shown(k)}: {shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(shown, value)) + "]"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 14_000:
        return f'int("{format(Decimal(value), "f")}")'
    return repr(value)


def shipped_facts() -> dict:
    from rulecheck import load_facts
    return dict(load_facts(RULES / "shenzhen" / "cases" / "edu-info-center-2024.yaml").values)


def odd_facts() -> st.SearchStrategy[Facts]:
    base = shipped_facts()
    replaced = st.dictionaries(st.sampled_from(sorted(base)), fact_values, min_size=1, max_size=4)
    names = st.text(st.characters(blacklist_characters="\r\n"), max_size=8)  # a header cell is on one line
    unknown = st.dictionaries(names | st.sampled_from(("id", "满意率", "")), fact_values, max_size=2)
    return st.tuples(replaced, unknown).map(lambda parts: Facts({**base, **parts[0], **parts[1]}))


@attrs.frozen
class GeneratedFacts:
    """A generated framework (tests/strategies.py: award, matrix, dates, constraints …) and facts for it,
    some drawn inside the domains and constraints, some replaced by arbitrary values."""
    text: str
    values: dict

    def __repr__(self) -> str:
        return f"GeneratedFacts({self.text!r}, {shown(self.values)})"


def generated_facts() -> st.SearchStrategy[GeneratedFacts]:
    from rulecheck import loads

    def with_facts(text: str) -> st.SearchStrategy[GeneratedFacts]:
        ruleset = loads(text, "generated.rules")
        names = sorted(ruleset.inputs)
        odd = st.dictionaries(st.sampled_from(names), fact_values | st.sampled_from(DATE_TEXTS) | days, max_size=3)
        return st.tuples(facts_for(ruleset), odd).map(lambda pair: GeneratedFacts(text, pair[0] | pair[1]))
    return rule_files().flatmap(with_facts)


def mangled_generated_facts() -> st.SearchStrategy[GeneratedFacts]:
    """A generated framework and its facts, the framework as written or mangled."""
    return generated_facts().flatmap(
        lambda drawn: (st.just(drawn.text) | mangled(drawn.text)).map(lambda text: GeneratedFacts(text, drawn.values)))


def json_text(value) -> str:
    """A value as JSON, Decimals as the numbers they are (NaN and Infinity as Python's json writes them)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(json_text, value)) + "]"
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.date):  # a datetime too: JSON has no dates, a file writes them as text
        return json.dumps(value.isoformat())
    if isinstance(value, int):
        return format(Decimal(value), "f")  # str() refuses ints of more than 4,300 digits
    if value.is_nan():
        return "NaN"
    return ("-" if value < 0 else "") + "Infinity" if value.is_infinite() else str(value)


def yaml_text(values: dict) -> str:
    """Facts as a YAML file; Decimals as plain numbers (the facts reader reads them exactly)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass
    Dumper.add_representer(Decimal, lambda dumper, d: dumper.represent_scalar("tag:yaml.org,2002:float", str(d)))
    Dumper.add_representer(int, lambda dumper, n: dumper.represent_scalar("tag:yaml.org,2002:int",
                                                                           format(Decimal(n), "f")))
    return yaml.dump(values, Dumper=Dumper, allow_unicode=True, width=10**9)


def csv_cell(value) -> str:
    """What a spreadsheet cell would hold for a value: its text."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return format(Decimal(value), "f")
    return json_text(value) if isinstance(value, dict | list) else str(value)


@attrs.frozen
class FactsFile:
    """A facts file's name and bytes."""
    name: str
    data: bytes

    def __repr__(self) -> str:
        return f"FactsFile({self.name!r}, {self.data!r})"


def facts_files() -> st.SearchStrategy[FactsFile]:
    """Odd facts written as a YAML or JSON file, or the shipped YAML case mangled as text."""
    shipped = (RULES / "shenzhen" / "cases" / "edu-info-center-2024.yaml").read_bytes()
    yaml_pool = CSV_SNIPPETS + tuple(s.encode() for s in ("&a ", "*a", "!!python/object ", "!!binary ", "- ",
                                                           "? ", "{", "[", "|", ">", "%YAML 1.1\n", "---\n",
                                                           "<<: *a\n", "~", "0o17", "0x1F", ".inf", ".nan"))
    written = odd_facts().flatmap(lambda facts: st.sampled_from((
        FactsFile("facts.yaml", yaml_text(facts.values).encode()),
        FactsFile("facts.json", json_text(facts.values).encode()))))
    return written | mangled(shipped, yaml_pool).map(lambda data: FactsFile("facts.yaml", data))


@attrs.frozen
class Table:
    """Departments whose facts are `rows` (each the shipped case's, some values odd), written as a CSV or
    as JSON Lines, each row keyed R1, R2, …"""
    rows: tuple

    def csv_lines(self) -> list[bytes]:
        """The header and each row, as csv.writer writes them (a cell with a line break is quoted)."""
        names = sorted({name for row in self.rows for name in row})
        rows = [["id", *names]] + [[f"R{index}", *(csv_cell(row.get(name, "")) for name in names)]
                                   for index, row in enumerate(self.rows, 1)]
        return [_csv_line(cells) for cells in rows]

    def json_lines(self) -> list[bytes]:
        return [json_text({"id": f"R{index}", **row}).encode() for index, row in enumerate(self.rows, 1)]


def _csv_line(cells: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue().encode()


def tables() -> st.SearchStrategy[Table]:
    return st.lists(odd_facts().map(lambda facts: facts.values), min_size=1, max_size=4).map(
        lambda rows: Table(tuple({k: v for k, v in row.items() if k != "id"} for row in rows)))


# ---- corrupted batches -----------------------------------------------------------------------------

@attrs.frozen
class Batch:
    """A batch file's lines (each without its line end) and what a correct reader makes of them:
    `keys[i]` is the key line i's record must have, `""` for a line that is no record (the header, a
    blank row), `None` for a corrupted line (its record may fail, and have any key, but not vanish)."""
    suffix: str
    lines: tuple
    keys: tuple
    ending: bytes = b"\n"
    header_may_fail: bool = False  # a header of odd names may be refused whole (E002)

    def data(self) -> bytes:
        return b"".join(line + self.ending for line in self.lines)

    def expected(self) -> tuple[dict[int, str | None], set[int]]:
        """{line number: key or None} of the records that must come out, and the lines where a record
        may start (those a corrupted row's line breaks made)."""
        data = self.data()
        starts = [0]
        for line in self.lines:
            starts.append(starts[-1] + len(line) + len(self.ending))

        def line_at(offset: int) -> int:
            return len(LINE_BREAK.findall(data, 0, offset)) + 1

        must: dict[int, str | None] = {}
        may: set[int] = set()
        for index, (line, key) in enumerate(zip(self.lines, self.keys)):
            first, last = line_at(starts[index]), line_at(starts[index + 1]) - 1
            if key is None and _blank(line):
                continue
            if key is None and self.suffix == ".jsonl" and _blankish(line):
                may.add(first)  # a line of odd white space (\u2028, \x0c): a blank line, or a bad one
            elif key or key is None:
                must[first] = key
                may |= set(range(first + 1, last + 1))
        return must, may

    def __repr__(self) -> str:
        return f"Batch({self.suffix!r}, lines={self.lines!r}, keys={self.keys!r}, ending={self.ending!r})"


def _blank(line: bytes) -> bool:
    return not line.strip(b" \t")


def _blankish(line: bytes) -> bool:
    try:
        return not line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False


def corpus_lines() -> tuple[bytes, list[bytes], list[str]]:
    """The corpus's header, its rows, and their ids."""
    header, *rows = CORPUS.read_bytes().splitlines()
    return header, rows, [row.split(b",", 1)[0].decode() for row in rows]


def corpus_as_json_lines() -> tuple[list[bytes], list[str]]:
    header, rows, ids = corpus_lines()
    names = header.decode("utf-8-sig").split(",")
    return [json.dumps(dict(zip(names, row.decode().split(","))), ensure_ascii=False).encode()
            for row in rows], ids


@st.composite
def corrupted_csv(draw) -> Batch:
    """The corpus with whole lines deleted, duplicated, swapped or blank lines added, and one row's bytes
    mangled after its id (quotes, commas, line breaks, NUL, bytes that are not UTF-8, a huge cell)."""
    header, rows, ids = corpus_lines()
    records = [(row, key) for row, key in zip(rows, ids)]
    for _ in range(draw(st.integers(0, 3))):
        i, j = draw(st.integers(0, len(records) - 1)), draw(st.integers(0, len(records) - 1))
        edit = draw(st.sampled_from(("delete", "duplicate", "swap", "blank")))
        if edit == "delete" and len(records) > 1:
            del records[i]
        elif edit == "duplicate":
            records.insert(i, records[i])
        elif edit == "swap":
            records[i], records[j] = records[j], records[i]
        else:
            records.insert(i, (draw(st.sampled_from((b"", b"  ", b",,,", b" , ,"))), ""))
    chosen = draw(st.integers(0, len(records) - 1))
    row, key = records[chosen]
    if key:
        start = row.index(b",") + 1
        records[chosen] = (draw(mangled(row, CSV_SNIPPETS, most=3, start=start)), None)
    ending = draw(st.sampled_from((b"\n", b"\r\n", b"\r")))
    return Batch(".csv", (header, *(r for r, _ in records)), ("", *(k for _, k in records)), ending)


@st.composite
def corrupted_json_lines(draw) -> Batch:
    """The corpus as JSON Lines, up to four lines mangled anywhere (their records may fail, not vanish)."""
    lines, ids = corpus_as_json_lines()
    records = [(line, key) for line, key in zip(lines, ids)]
    for _ in range(draw(st.integers(1, 4))):
        chosen = draw(st.integers(0, len(records) - 1))
        line, _ = records[chosen]
        mangled_line = draw(mangled(line, CSV_SNIPPETS, most=2))
        for part in LINE_BREAK.split(mangled_line):  # each piece of a broken line is a line of its own
            records.insert(chosen, (part, None))
            chosen += 1
        del records[chosen]
    ending = draw(st.sampled_from((b"\n", b"\r\n")))
    return Batch(".jsonl", tuple(r for r, _ in records), tuple(k for _, k in records), ending)
