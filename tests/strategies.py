"""Hypothesis strategies: facts for a ruleset, drawn inside every input's declared domain (and its
constraints), and random well-formed rule files, with an exact reference score for the leaves whose
rules the v2 constructs write (award, ceil/floor/round, matrix, dates, constraints)."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import attrs
from hypothesis import strategies as st

from rulecheck.dates import CENTURY, EARLIEST
from rulecheck.source import Source
from rulecheck.syntax import ast
from rulecheck.syntax.parser import parse
from rulecheck.syntax.printer import (
    format_source,
    format_source_name,
    format_source_number,
)

# Inputs without an upper bound are drawn up to these (the evaluator is exact at any size).
LARGEST = {"count": 10_000, "amount": Decimal("10000000"), "number": Decimal("1000"), "score": Decimal("100")}


def divisors(ruleset) -> set[str]:
    """The inputs that appear on the right of a '÷' anywhere in the rules (through derived values too)."""
    found = set()
    expressions = [let.expr for let in ruleset.program.lets]
    for item, _ in ast.iter_nodes(ruleset.program.nodes):
        if isinstance(item, ast.Indicator):
            for _, _, rule in ast.indicator_rules(item):
                expressions.extend(ast.rule_expressions(rule))
    for expr in expressions:
        for node in ast.walk(expr):
            if isinstance(node, ast.Binary) and node.op == "/":
                found |= {e.name for e in ast.walk(node.right) if isinstance(e, ast.Ref)}
    return found & set(ruleset.inputs)


def value_of(decl: ast.InputDecl, *, nonzero: bool = False) -> st.SearchStrategy:
    """A fact for one input, as a department would write it: percents as "93.5%", counts as ints."""
    kind = decl.type.kind
    if kind == "bool":
        return st.booleans()
    if kind == "grade":
        return st.sampled_from(decl.type.values)
    if kind == "date":
        return date_facts(decl)
    low = decl.low.value if decl.low is not None else Decimal(0)
    high = decl.high.value if decl.high is not None else None
    if decl.low_exclusive:  # 'above 0': the smallest value drawn is one step above
        low += Decimal("0.0001") if kind == "percent" else Decimal(1) if kind == "count" else Decimal("0.01")
    if nonzero:
        low = max(low, Decimal(1) if kind != "percent" else Decimal("0.01"))
    if kind == "count":
        return st.integers(int(low), int(high) if high is not None else LARGEST["count"])
    if kind == "percent":
        top = high * 100 if high is not None else Decimal(200)
        return st.decimals(low * 100, top, places=2).map(lambda v: f"{v}%")
    top = high if high is not None else LARGEST[kind]
    return st.decimals(low, top, places=2)


def date_facts(decl: ast.InputDecl) -> st.SearchStrategy:
    """A day inside the domain (a century from 2000-01-01 without one), as a facts file writes it:
    2024-03-31, 2024年3月31日, or the date a YAML reader makes of an unquoted 2024-03-31."""
    low = int(decl.low.value) if decl.low is not None else int(EARLIEST)
    high = int(decl.high.value) if decl.high is not None else low + int(CENTURY)
    days = st.integers(low, high).map(datetime.date.fromordinal)
    return days.flatmap(lambda day: st.sampled_from([day.isoformat(), f"{day.year}年{day.month}月{day.day}日", day]))


def magnitude(value) -> Decimal:
    """The number a fact drawn here stands for: "93.5%" is 0.935."""
    if isinstance(value, str) and value.endswith("%"):
        return Decimal(value[:-1]) / 100
    return Decimal(value)


def no_more_than(value, bound: Decimal, percent: bool):
    """A fact no larger than `bound`, written as the fact was (a percent as "…%")."""
    if magnitude(value) <= bound:
        return value
    return f"{(bound * 100).normalize():f}%" if percent else bound


def declared_limits(ruleset) -> tuple[dict, dict]:
    """The rule file's constraints of the shapes the generator writes: {input: input it may not exceed}
    (`a ≤ b`) and {input: number it may not exceed} (`p ≤ 100%`)."""
    between, below = {}, {}
    for constraint in ruleset.program.constraints:
        condition = constraint.condition
        if not (isinstance(condition, ast.Compare) and condition.ops == ("<=",)):
            continue
        left, right = condition.operands
        if isinstance(left, ast.Ref) and left.name in ruleset.inputs:
            if isinstance(right, ast.Ref) and right.name in ruleset.inputs:
                between[left.name] = right.name
            elif isinstance(right, ast.Number):
                below[left.name] = right.value
    return between, below


def facts_for(ruleset, *, nonzero=(), at_most=None) -> st.SearchStrategy:
    """A dict of facts for every input; `nonzero` inputs start at 1 (or 1%); `at_most` maps an input
    to another it may not exceed (按计划时间完成项目数 ≤ 计划完成项目数). The file's own constraints
    of those shapes (`a ≤ b`, `p ≤ 100%`) are kept too, so that no fact set drawn breaks one (F517)."""
    nonzero = set(nonzero)
    fields = {name: value_of(decl, nonzero=name in nonzero) for name, decl in ruleset.inputs.items()}
    strategy = st.fixed_dictionaries(fields)
    between, below = declared_limits(ruleset)
    for smaller, larger in (between | (at_most or {})).items():
        strategy = strategy.map(lambda facts, s=smaller, b=larger: facts | {s: min(facts[s], facts[b], key=magnitude)})
    for name, bound in below.items():
        percent = ruleset.inputs[name].type.kind == "percent"
        strategy = strategy.map(lambda facts, n=name, b=bound, p=percent: facts | {n: no_more_than(facts[n], b, p)})
    return strategy


# ---- the reference: each v2 rule's exact score, computed apart from rulecheck -----------------------

DRAWN_DAY = re.compile(r"(\d{4})(?:-|年)(\d{1,2})(?:-|月)(\d{1,2})日?")  # 2024-03-31 or 2024年3月31日, as drawn


def exact(facts: dict, name: str) -> Fraction:
    """A drawn fact as the exact number it stands for: "93.5%" → 187/200, a date → its day number
    (the difference of two is the days between them, as the language says)."""
    value = facts[name]
    if isinstance(value, datetime.date):
        return Fraction(value.toordinal())
    if isinstance(value, str):
        day = DRAWN_DAY.fullmatch(value)
        if day is not None:
            return Fraction(datetime.date(*map(int, day.groups())).toordinal())
        return Fraction(value[:-1]) / 100 if value.endswith("%") else Fraction(value)
    return Fraction(value)


def rounded(x: Fraction, step: Fraction, mode: str) -> Fraction:
    """x ≥ 0 rounded to a multiple of `step`: half-up, half-even, half-down, up (away from 0), down,
    or "ceil" and "floor"."""
    units = x / step
    low = math.floor(units)
    rest = units - low
    if mode in ("down", "floor") or (mode != "up" and mode != "ceil" and rest < Fraction(1, 2)):
        whole = low
    elif mode in ("up", "ceil") or rest > Fraction(1, 2):
        whole = math.ceil(units)
    else:  # exactly on a half
        whole = {"half-up": low + 1, "half-down": low, "half-even": low + low % 2}[mode]
    return whole * step


Reference = Callable[[dict], Fraction]


def per_unit(amount: Decimal, name: str, unit: Decimal = Decimal(1), threshold: Decimal | None = None,
             direction: str | None = None, step: Fraction | None = None) -> Reference:
    """The points of one `deduct`/`award` line: AMOUNT for each UNIT of the input (past the allowance,
    proportionally), the input rounded up to `step` first when the line reads ceil(input, step)."""
    def points(facts: dict) -> Fraction:
        value = exact(facts, name)
        if step is not None:
            value = rounded(value, step, "ceil")
        if direction == "above":
            value = max(value - Fraction(threshold), 0)
        elif direction == "below":
            value = max(Fraction(threshold) - value, 0)
        return Fraction(amount) * value / Fraction(unit)
    return points


# ---- rule files: random well-formed frameworks, as text ------------------------------------------
#
# `rule_files()` draws a framework that `rulecheck check` accepts without errors (warnings may
# remain): the points of every group add up, every input is read inside its declared domain (a
# divisor is declared `above 0`), every leaf scores within [0, its points] for every fact in the
# domains, every band table covers its subject's domain, and every declared direction holds. The text
# is spelled at random, as people type it (ASCII or mathematical symbols, full-width punctuation,
# indentation by 2 or 4 spaces or tabs, comments and blank lines anywhere), so the layout has work to
# do. `rule_programs()` gives the same files parsed.

LEAF_POINTS = [Decimal(p) for p in ("1", "1.5", "2", "2.5", "3", "4", "5", "6", "8", "10")]
SHARES = st.sampled_from([Decimal(f) for f in ("1", "0.8", "0.6", "0.5", "0.4", "0.2", "0")])
HALF = Decimal("0.5")
ONE = Decimal(1)
WORDS = ("满意度", "预算", "执行率", "项目", "完成", "及时", "资金", "管理", "资产", "人员", "制度", "经费", "控制",
         "效益", "公平", "服务", "质量", "数据", "平台", "学校", "教师", "课程", "信息", "公开", "绩效", "目标", "评分")


def name_pool() -> tuple[str, ...]:
    """Names as analysts write them: mostly Chinese, some ASCII, some with Chinese quotation marks,
    and a few that must be quoted (punctuation, spaces, or spelled like a keyword). Drawn from a fixed
    pool: one choice per name keeps the generator fast."""
    chinese = [a + b for a in WORDS for b in WORDS if a != b]
    plain = ["rate", "x1", "done_n", "plan_n", "budget", "spent", "ratio_a", "k", "q3", "staff"]
    marked = [f"“{a}”{b}" for a in WORDS[:6] for b in WORDS[6:12]]
    punctuated = [f"{a}{mark}{b}" for a, b in pairwise(WORDS) for mark in ("、", "(%)", " ", "（万元）", "-", "/", "#")]
    keyword = ["per", "total", "floor", "otherwise", "and"]
    return tuple(chinese + plain * 20 + marked * 3 + punctuated * 3 + keyword * 20)


NAMES = st.sampled_from(name_pool())
DESCRIPTIONS = st.sampled_from([None, None, "万元", "按规定 #1 执行", "完成数 / 计划数", "满意度(%)", "评分: 0 到 5",
                                "见附件一，第3条"])


# the operators as a Chinese input method types them (docs/language.md, "Full-width punctuation")
WIDE = {"≥": "≧", "≤": "≦", ">": "＞", "<": "＜", "=": "＝", "≠": "！＝", "×": "＊", "/": "／", "+": "＋", "−": "－",
        "→": "－＞"}
CHINESE_WORDS = re.compile(r"(?:(?<=\s)|(?<=\()|^)(and|or|not)(?=\s)")
# where 分 may follow a points value: at the end of a line, a header's (6): and a row's → 6; at its start,
# deduct 4 per, award 0.5 per, floor 0, cap 2, total 100
POINTS_AT_END = (re.compile(r"(?<=\()(\d+(?:\.\d+)?)(?=\):$)"), re.compile(r"(?<=→ )(\d+(?:\.\d+)?)$"))
POINTS_AT_START = (re.compile(r"^((?:deduct|award) \d+(?:\.\d+)?)(?= per )"),
                   re.compile(r"^((?:floor|cap|total) \d+(?:\.\d+)?)$"))


@attrs.frozen
class Spelling:
    """How one file is typed: symbols or ASCII, which arrow, full-width punctuation, indentation, and
    the notation of Chinese documents (且/或/非, → 6分, full-width operators)."""
    ascii: bool
    divide: str  # "/" or "÷" (when not ascii)
    arrow: str
    full_width: bool
    tight: bool  # no spaces around operators and arrows
    indent: str
    chinese: bool = False  # 且 / 或 / 非 for and / or / not
    fen: bool = False  # 分 after points
    wide: bool = False  # ＞ ≧ ＝ ＊ … for the operators (when not ascii)

    def __call__(self, text: str) -> str:
        """Canonical text spelled this way; quoted names and descriptions are left as they are."""
        pieces = text.split('"')
        for index in range(0, len(pieces), 2):  # outside the quotes
            pieces[index] = self._respell(self._words(pieces[index], first=index == 0, last=index == len(pieces) - 1))
        return '"'.join(pieces)

    def _words(self, text: str, *, first: bool, last: bool) -> str:
        """且/或/非 for the keywords, 分 after the points (in the piece of the line that ends with them)."""
        if self.chinese:
            text = CHINESE_WORDS.sub(lambda m: {"and": "且", "or": "或", "not": "非"}[m[1]], text)
        if self.fen:
            patterns = (POINTS_AT_START if first else ()) + (POINTS_AT_END if last else ())
            for pattern in patterns:
                text = pattern.sub(lambda m: m[1] + "分", text)
        return text

    def _respell(self, text: str) -> str:
        symbols = {"→": self.arrow, "/": self.divide}
        if self.ascii:
            symbols |= {"≥": ">=", "≤": "<=", "≠": "!=", "×": "*", "−": "-", "/": "/"}
        elif self.wide:
            symbols |= WIDE
        if self.full_width:
            symbols |= {":": "：", "(": "（", ")": "）", ",": "，", "%": "％"}
        text = "".join(symbols.get(char, char) for char in text)
        if self.tight:
            for symbol in (self.arrow, ">=", "<=", "!=", "≥", "≤", "≠", "×", "*", "÷", "/", "+", "−", "-", "<", ">",
                           " = "):
                text = text.replace(f" {symbol.strip()} ", symbol.strip())
        return text


spellings = st.builds(
    Spelling, ascii=st.booleans(), divide=st.sampled_from(["/", "÷"]), arrow=st.sampled_from(["→", "->", "=>"]),
    full_width=st.booleans(), tight=st.booleans(), indent=st.sampled_from(["    ", "  ", "\t"]),
    chinese=st.booleans(), fen=st.booleans(), wide=st.integers(0, 3).map(lambda n: n == 0))


@attrs.frozen
class Input:
    """An input as the file declares it."""
    name: str
    kind: str
    low: Decimal | None = None  # a percent's bounds as fractions: 100% is 1
    high: Decimal | None = None
    above: bool = False  # 'above LOW': LOW excluded
    values: tuple = ()
    description: str | None = None
    shared: bool = True  # other rules may read it too; not an input a constraint ties to another

    def text(self) -> str:
        kind = f"grade({', '.join(map(format_source_name, self.values))})" if self.kind == "grade" else self.kind
        text = f"{format_source_name(self.name)}: {kind}"
        if self.low is not None:
            text += f" {'above' if self.above else 'from'} {self.bound(self.low)}"
            if self.high is not None:
                text += f" to {self.bound(self.high)}"
        return text + (f' "{self.description}"' if self.description else "")

    def bound(self, value: Decimal) -> str:
        """A domain bound as the file writes it: 95%, 2024-03-31, 10."""
        if self.kind == "date":
            return date_text(value)
        return format_source_number(value, self.kind == "percent")

    def thresholds(self) -> list[Decimal]:
        """Values strictly inside the domain, for band thresholds and deduction allowances."""
        if self.kind == "percent":
            top = self.high if self.high is not None else Decimal(2)
            return [Decimal(p) / 100 for p in (5, 10, 25, 50, 60, 75, 80, 85, 90, 95, 120, 150)
                    if self.low < Decimal(p) / 100 < top]
        step = ONE if self.kind == "count" else Decimal(5) if self.kind == "amount" else HALF
        top = self.high if self.high is not None else self.low + 40 * step
        # a count above 0 is at least 1: a threshold of 1 would leave nothing below it
        found, value = [], self.low + step * (2 if self.above and self.kind == "count" else 1)
        while value < top:
            found.append(value)
            value += step
        return found


def date_text(day_number: Decimal, chinese: bool = False) -> str:
    """A day number as a date literal: 2024-03-31, or 2024年3月31日."""
    day = datetime.date.fromordinal(int(day_number))
    return f"{day.year}年{day.month}月{day.day}日" if chinese else day.isoformat()


def ratio(a: Input, b: Input) -> ast.Binary:
    return ast.Binary("/", ast.Ref(a.name), ast.Ref(b.name))


def capped(a: Input, b: Input) -> ast.Call:
    """min(a / b, 1)"""
    return ast.Call("min", (ratio(a, b), ast.Number(ONE)))


@attrs.frozen
class Rule:
    """One scoring rule: its lines (depth relative to the rule) and each input it reads with the way
    the score moves as that input rises, for sure: +1 never falls, -1 never rises, 0 not known."""
    lines: tuple  # (depth, text)
    directions: dict
    reference: Reference | None = None  # the exact score, for the rules the v2 constructs write


def merged(*directions: dict) -> dict:
    """The directions of a sum of rules: an input moved both ways (or either way) by them has none."""
    found: dict = {}
    for each in directions:
        for name, way in each.items():
            found[name] = way if found.get(name, way) == way else 0
    return found


@attrs.define
class Draft:
    """A rule file being drawn: the names taken, the inputs and lets declared for the rules."""
    draw: object
    names: set = attrs.Factory(set)
    inputs: list = attrs.Factory(list)
    lets: list = attrs.Factory(list)  # (name, declared type or None, expression, description or None)
    constraints: list = attrs.Factory(list)  # the rows of `constraints:`, as text
    references: dict = attrs.Factory(dict)  # indicator name → its exact score (Reference), where known

    def fresh(self) -> str:
        """A name not taken yet (inputs, lets, grade values, groups, indicators and parts all differ)."""
        name = self.draw(NAMES)
        while name in self.names:
            name += self.draw(st.sampled_from(WORDS))
        self.names.add(name)
        return name

    def description(self) -> str | None:
        return self.draw(DESCRIPTIONS)

    def input(self, kind: str, *, divisor: bool = False, other_than: Input | None = None) -> Input:
        """An input of a kind, new or (now and then) one declared for another rule; a divisor is
        declared `above 0`, so it is never 0."""
        fitting = [i for i in self.inputs
                   if i.kind == kind and (i.above or not divisor) and i != other_than and i.shared]
        if fitting and self.draw(st.integers(0, 3)) == 0:
            return self.draw(st.sampled_from(fitting))
        draw = self.draw
        low, high, values = None, None, ()
        if kind == "percent":
            low, high = Decimal(0), draw(st.sampled_from([ONE, Decimal(2)]))
        elif kind in ("count", "amount", "number"):
            low = Decimal(0)
            if draw(st.booleans()):
                high = draw(st.sampled_from([Decimal(10), Decimal(50), Decimal(100), Decimal(1000)]))
        elif kind == "grade":
            values = tuple(self.fresh() for _ in range(draw(st.integers(2, 4))))
        elif kind == "date":  # a year, two or a century from 2024-01-01: any two may come in either order
            low = FIRST_DAY
            high = draw(st.sampled_from([low + 365, low + 730, None]))
        decl = Input(self.fresh(), kind, low, high, divisor, values, self.description())
        self.inputs.append(decl)
        return decl

    def tied(self, kind: str, *, divisor: bool = False, high: Decimal | None = None) -> Input:
        """A new input of a kind that a constraint ties to another: read by one rule only, so that no
        other rule's thresholds fall outside what the constraint allows."""
        decl = Input(self.fresh(), kind, Decimal(0), high, divisor, description=self.description(), shared=False)
        self.inputs.append(decl)
        return decl

    def score_input(self, points: Decimal) -> Input:
        top = self.draw(st.sampled_from([points, points, max(points - HALF, HALF)]))
        decl = Input(self.fresh(), "score", Decimal(0), top, description=self.description())
        self.inputs.append(decl)
        return decl

    def let(self, expr, declared: str | None = None) -> str:
        name = self.fresh()
        self.lets.append((name, declared, expr, self.description()))
        return name

    # ---- rules ---------------------------------------------------------------------------------

    def rule(self, points: Decimal) -> Rule:
        kind = self.draw(st.sampled_from(["bands", "bands", "full bands", "grade bands", "checklist", "deduct",
                                          "deduct", "formula", "formula", "formula", "assessed",
                                          "award", "rounded", "matrix", "dated", "constrained"]))
        return getattr(self, kind.replace(" ", "_"))(points)

    def shares(self, points: Decimal, count: int) -> list[Decimal]:
        """`count` points from the tiers' grid (a share of `points` each: all, 80%, 60%, …, none)."""
        return [(points * self.draw(SHARES)).normalize() for _ in range(count)]

    def bands(self, points: Decimal) -> Rule:
        """`bands S:` with thresholds in S's domain, as a ladder or as ranges, in either order."""
        draw = self.draw
        kind = draw(st.sampled_from(["percent", "percent", "count", "amount", "number", "ratio"]))
        if kind == "ratio":  # a derived value a / b, between 0 and +∞
            a = self.input(draw(st.sampled_from(["count", "amount"])))
            b = self.input(a.kind, divisor=True, other_than=a)
            name = self.let(ratio(a, b), draw(st.sampled_from([None, "percent"])))
            subject = Input(name, "percent", Decimal(0), Decimal(2))
            moves = {a.name: 1, b.name: -1}
        else:
            decl = self.input(kind)
            subject, moves = decl, {decl.name: 1}
        inside = subject.thresholds()
        thresholds = sorted(draw(st.lists(st.sampled_from(inside), min_size=1, max_size=4, unique=True)), reverse=True)
        tiers = self.shares(points, len(thresholds) + 1)  # tiers[0] for the values above thresholds[0]
        way = draw(st.sampled_from([1, -1, 0]))
        if way:
            tiers.sort(reverse=way > 0)
        closed_below = draw(st.booleans())  # ≥ t / < t, or > t / ≤ t
        up, down = (">=", "<") if closed_below else (">", "<=")
        percent = subject.kind == "percent"
        name = format_source_name(subject.name)

        def bound(value):
            return format_source_number(value, percent)

        def row(op, value):
            return f"{OP[op]} {bound(value)}"

        form = draw(st.sampled_from(["ladder", "ranges", "rising ladder"]))
        rows = []
        if form == "rising ladder":  # < t_k, < t_k-1, …, then ≥ t_1
            for index in range(len(thresholds) - 1, -1, -1):
                rows.append((row(down, thresholds[index]), tiers[index + 1]))
            last = row(up, thresholds[0])
            top = tiers[0]
        else:
            rows.append((row(up, thresholds[0]), tiers[0]))
            for index in range(1, len(thresholds)):
                if form == "ladder":
                    rows.append((row(up, thresholds[index]), tiers[index]))
                else:
                    high, low = thresholds[index - 1], thresholds[index]
                    rows.append((self.between(low, high, name, closed_below, bound), tiers[index]))
            last = row(down, thresholds[-1])
            top = tiers[-1]
        rows.append(("otherwise" if draw(st.booleans()) else last, top))
        lines = [(0, f"bands {name}:")] + [(1, f"{condition} → {format_source_number(p)}") for condition, p in rows]
        return Rule(tuple(lines), {n: m * way for n, m in moves.items()})

    def between(self, low: Decimal, high: Decimal, name: str, closed_below: bool, bound) -> str:
        """The row for a value from `low` to `high`: a chained comparison, or (from low included to
        high excluded) a range as documents write it, 80%–90%."""
        if closed_below and self.draw(st.booleans()):
            dash = self.draw(st.sampled_from(RANGE_DASHES))
            first = bound(low)
            if first.endswith("%") and self.draw(st.booleans()):
                first = first[:-1]  # 80–90%: the lower end takes the upper end's %
            return f"{first}{dash}{bound(high)}"
        below, above = ("≤", "<") if closed_below else ("<", "≤")
        return f"{bound(low)} {below} {name} {above} {bound(high)}"

    def full_bands(self, points: Decimal) -> Rule:
        """`bands:` whose rows are whole conditions: a ≤ b, or bool inputs."""
        draw = self.draw
        high, low = sorted(self.shares(points, 2), reverse=True)
        if draw(st.booleans()):
            kind = draw(st.sampled_from(["amount", "count", "percent"]))
            a = self.input(kind)
            b = self.input(kind, other_than=a)
            op = draw(st.sampled_from(["<=", "<"]))
            row = f"{format_source_name(a.name)} {OP[op]} {format_source_name(b.name)} → {format_source_number(high)}"
            lines = [(0, "bands:"), (1, row), (1, f"otherwise → {format_source_number(low)}")]
            return Rule(tuple(lines), {a.name: -1, b.name: 1})  # the score is constant if high = low
        first = self.input("bool")
        second = self.input("bool", other_than=first)
        middle = self.draw(st.sampled_from([m for m in self.shares(points, 1) if low <= m <= high] or [low]))
        lines = [(0, "bands:"),
                 (1, f"{format_source_name(first.name)} and {format_source_name(second.name)} → {format_source_number(high)}"),
                 (1, f"{format_source_name(first.name)} → {format_source_number(middle)}"),
                 (1, f"otherwise → {format_source_number(low)}")]
        return Rule(tuple(lines), {first.name: 1, second.name: 1})

    def grade_bands(self, points: Decimal) -> Rule:
        """`bands G:` with one row per value of the grade (the last ones maybe as 'otherwise')."""
        decl = self.input("grade")
        values = list(self.draw(st.permutations(decl.values)))
        tiers = self.shares(points, len(values))
        lines = [(0, f"bands {format_source_name(decl.name)}:")]
        covered = self.draw(st.integers(len(values) - 1, len(values)))
        for value, tier in zip(values[:covered], tiers):
            lines.append((1, f"{format_source_name(value)} → {format_source_number(tier)}"))
        if covered < len(values):
            lines.append((1, f"otherwise → {format_source_number(tiers[-1])}"))
        return Rule(tuple(lines), {decl.name: 0})

    def split(self, points: Decimal, most: int, smallest: Decimal = HALF) -> list[Decimal]:
        """`points` as a sum of 1 to `most` parts, each a multiple of `smallest`."""
        units = int(points / smallest)
        count = self.draw(st.integers(1, max(1, min(most, units))))
        cuts = sorted(self.draw(st.lists(st.integers(1, units - 1), min_size=count - 1, max_size=count - 1,
                                         unique=True))) if count > 1 else []
        edges = [0, *cuts, units]
        return [((high - low) * smallest).normalize() for low, high in pairwise(edges)]

    def checklist(self, points: Decimal) -> Rule:
        """Items whose points add up to the indicator's: bool inputs, comparisons, grade values."""
        items, directions = [], []
        for share in self.split(points, 4):
            what = self.draw(st.sampled_from(["bool", "bool", "not", "compare", "grade", "and", "or"]))
            if what in ("bool", "not", "and", "or"):
                decl = self.input("bool")
                condition = format_source_name(decl.name)
                way = 1
                if what == "not":
                    condition, way = f"not {condition}", -1
                directions.append({decl.name: way})
                if what in ("and", "or"):
                    other = self.input("bool", other_than=decl)
                    condition += f" {what} {format_source_name(other.name)}"
                    directions.append({other.name: 1})
            elif what == "compare":
                decl = self.input(self.draw(st.sampled_from(["percent", "count", "amount"])))
                threshold = self.draw(st.sampled_from(decl.thresholds()))
                op = self.draw(st.sampled_from([">=", ">", "<=", "<"]))
                condition = f"{format_source_name(decl.name)} {OP[op]} {format_source_number(threshold, decl.kind == 'percent')}"
                directions.append({decl.name: 1 if op in (">=", ">") else -1})
            else:
                decl = self.input("grade")
                value = self.draw(st.sampled_from(decl.values))
                condition = f"{format_source_name(decl.name)} {self.draw(st.sampled_from(['=', '≠']))} {format_source_name(value)}"
                directions.append({decl.name: 0})
            items.append((1, f"{condition} → {format_source_number(share)}"))
        return Rule(((0, "checklist:"), *items), merged(*directions))

    def deduct(self, points: Decimal) -> Rule:
        """deduct lines (per occurrence, or per unit above/below an allowance), then a floor."""
        lines, directions = [], []
        for _ in range(self.draw(st.integers(1, 2))):
            amount = self.draw(st.sampled_from([Decimal("0.1"), Decimal("0.25"), HALF, ONE, Decimal(2), points]))
            shape = self.draw(st.sampled_from(["per", "above", "below"]))
            if shape == "per":
                decl = self.input("count")
                lines.append((0, f"deduct {format_source_number(amount)} per {format_source_name(decl.name)}"))
                directions.append({decl.name: -1})
                continue
            decl = self.input(self.draw(st.sampled_from(["percent", "amount", "count"])))
            percent = decl.kind == "percent"
            unit = self.draw(st.sampled_from([Decimal("0.01"), Decimal("0.05")] if percent else [ONE, Decimal(10)]))
            threshold = self.draw(st.sampled_from(decl.thresholds()))
            per = f"{format_source_number(unit, percent)} of {format_source_name(decl.name)}"
            allowance = f"{shape} {format_source_number(threshold, percent)}"
            lines.append((0, f"deduct {format_source_number(amount)} per {per} {allowance}"))
            directions.append({decl.name: -1 if shape == "above" else 1})
        floor = self.draw(st.sampled_from([Decimal(0), Decimal(0), None, *self.shares(points, 1)]))
        if floor is not None and floor < points:
            lines.append((0, f"floor {format_source_number(floor)}"))
        return Rule(tuple(lines), merged(*directions))

    def formula(self, points: Decimal) -> Rule:
        """A formula that stays within [0, points]: capped ratios, clamps, a percent times the points."""
        draw = self.draw
        shape = draw(st.sampled_from(["capped", "complement", "clamp", "percent", "average", "let", "max"]))
        pts, zero, two, full = ast.Number(points), ast.Number(Decimal(0)), ast.Number(Decimal(2)), ast.Number(ONE, True)
        if shape == "percent":  # p × P, or min(p, 100%) × P when p may pass 100%
            decl = self.input("percent")
            rate = ast.Ref(decl.name) if decl.high == ONE else ast.Call("min", (ast.Ref(decl.name), full))
            return self.formula_rule(ast.Binary("*", rate, pts), {decl.name: 1})
        kind = draw(st.sampled_from(["count", "amount", "number"]))
        a = self.input(kind)
        b = self.input(kind, divisor=True, other_than=a)
        rising = {a.name: 1, b.name: -1}
        falling = {a.name: -1, b.name: 1}
        if shape == "capped":  # min(a / b, 1) × P
            return self.formula_rule(ast.Binary("*", capped(a, b), pts), rising)
        if shape == "complement":  # (1 − min(a / b, 1)) × P, or P − min(a / b, 1) × P
            expr = ast.Binary("*", ast.Binary("-", ast.Number(ONE), capped(a, b)), pts) if draw(st.booleans()) \
                else ast.Binary("-", pts, ast.Binary("*", capped(a, b), pts))
            return self.formula_rule(expr, falling)
        if shape == "clamp":  # clamp(a / b × P, 0, P)
            return self.formula_rule(ast.Call("clamp", (ast.Binary("*", ratio(a, b), pts), zero, pts)), rising)
        if shape == "max":  # max(P − 2 × (a / b), 0)
            expr = ast.Call("max", (ast.Binary("-", pts, ast.Binary("*", two, ratio(a, b))), zero))
            return self.formula_rule(expr, falling)
        if shape == "let":  # let r = min(a / b, 1) … r × P, or let r: percent = a / b … min(r, 100%) × P
            declared = draw(st.sampled_from([None, "percent"]))
            rate = self.let(capped(a, b) if declared is None else ratio(a, b), declared)
            inner = ast.Ref(rate) if declared is None else ast.Call("min", (ast.Ref(rate), full))
            return self.formula_rule(ast.Binary("*", inner, pts), rising)
        c = self.input(kind)
        d = self.input(kind, divisor=True, other_than=c)
        both = merged(rising, {c.name: 1, d.name: -1})
        if draw(st.booleans()):  # (min(a / b, 1) + min(c / d, 1)) / 2 × P
            expr = ast.Binary("*", ast.Binary("/", ast.Binary("+", capped(a, b), capped(c, d)), two), pts)
        else:  # sum(min(a / b, 1), min(c / d, 1)) × P / 2
            expr = ast.Binary("/", ast.Binary("*", ast.Call("sum", (capped(a, b), capped(c, d))), pts), two)
        return self.formula_rule(expr, both)

    @staticmethod
    def formula_rule(expr, directions: dict) -> Rule:
        return Rule(((0, f"formula: {format_source(expr)}"),), directions)

    def assessed(self, points: Decimal) -> Rule:
        decl = self.score_input(points)
        return Rule(((0, f"assessed {format_source_name(decl.name)}"),), {decl.name: 1})

    # ---- the v2 constructs: each rule with its exact reference score -----------------------------

    def award(self, points: Decimal) -> Rule:
        """award lines (per occurrence, or per unit above/below an allowance), then maybe a cap."""
        lines, directions, steps = [], [], []
        for _ in range(self.draw(st.integers(1, 2))):
            amount = self.draw(st.sampled_from([Decimal("0.1"), Decimal("0.25"), HALF, ONE, Decimal(2)]))
            shape = self.draw(st.sampled_from(["per", "per", "above", "below"]))
            if shape == "per":
                decl = self.input("count")
                lines.append((0, f"award {format_source_number(amount)} per {format_source_name(decl.name)}"))
                directions.append({decl.name: 1})
                steps.append(per_unit(amount, decl.name))
                continue
            decl = self.input(self.draw(st.sampled_from(["percent", "amount", "count"])))
            percent = decl.kind == "percent"
            unit = self.draw(st.sampled_from([Decimal("0.01"), Decimal("0.05")] if percent else [ONE, Decimal(10)]))
            threshold = self.draw(st.sampled_from(decl.thresholds()))
            lines.append((0, f"award {format_source_number(amount)} per {format_source_number(unit, percent)} of "
                             f"{format_source_name(decl.name)} {shape} {format_source_number(threshold, percent)}"))
            directions.append({decl.name: 1 if shape == "above" else -1})
            steps.append(per_unit(amount, decl.name, unit, threshold, shape))
        cap = self.draw(st.sampled_from([None, points, *(s for s in self.shares(points, 1) if s)]))
        if cap is not None:
            lines.append((0, f"cap {format_source_number(cap)}"))
        top = Fraction(cap if cap is not None else points)
        return Rule(tuple(lines), merged(*directions), lambda facts: min(sum(s(facts) for s in steps), top))

    def rounded(self, points: Decimal) -> Rule:
        """ceil, floor or round of a capped ratio or of a percent, times the points; or a deduction per
        percentage point of a rate rounded up (不足 1 个百分点按 1 个百分点计)."""
        draw = self.draw
        function = draw(st.sampled_from(["ceil", "floor", "round"]))
        places = draw(st.sampled_from(["2", "3", "4", "1%", "0.1%"]))
        step = Fraction(places[:-1]) / 100 if places.endswith("%") else Fraction(1, 10 ** int(places))
        mode = {"round": "half-up"}.get(function, function)
        shape = draw(st.sampled_from(["ratio", "percent", "deduct"]))
        pts = Fraction(points)
        if shape == "ratio":  # fn(min(a / b, 1), places) × P
            a = self.input(draw(st.sampled_from(["count", "amount"])))
            b = self.input(a.kind, divisor=True, other_than=a)
            text = f"{function}({format_source(capped(a, b))}, {places}) × {format_source_number(points)}"
            return Rule(((0, f"formula: {text}"),), {a.name: 1, b.name: -1},
                        lambda facts: rounded(min(exact(facts, a.name) / exact(facts, b.name), 1), step, mode) * pts)
        decl = self.input("percent")
        name = format_source_name(decl.name)
        if shape == "percent":  # fn(p, places) × P, capped at 100% when p may pass it
            inner = f"{function}({name}, {places})"
            text = f"{inner} × {format_source_number(points)}" if decl.high == ONE else \
                f"min({inner}, 100%) × {format_source_number(points)}"
            return Rule(((0, f"formula: {text}"),), {decl.name: 1},
                        lambda facts: min(rounded(exact(facts, decl.name), step, mode), 1) * pts)
        threshold = draw(st.sampled_from(decl.thresholds()))  # whole percents: ceil(p, 1%) − T counts points
        amount = draw(st.sampled_from([Decimal("0.1"), Decimal("0.25"), HALF]))
        line = (f"deduct {format_source_number(amount)} per 1% of ceil({name}, 1%) above "
                f"{format_source_number(threshold, True)}")
        taken = per_unit(amount, decl.name, Decimal("0.01"), threshold, "above", step=Fraction(1, 100))
        return Rule(((0, line), (0, "floor 0")), {decl.name: -1}, lambda facts: max(pts - taken(facts), 0))

    def matrix(self, points: Decimal) -> Rule:
        """`matrix R × C:` over two inputs' tiers, each axis a ladder (≥ rows, ranges, `otherwise`);
        the cells fall (or stay) down the rows and along the columns, so the score rises with both."""
        draw = self.draw
        axes = [self.input(draw(st.sampled_from(["percent", "percent", "count"]))) for _ in range(2)]
        while axes[1] == axes[0]:
            axes[1] = self.input("percent", other_than=axes[0])
        tiers = [sorted(draw(st.lists(st.sampled_from(axis.thresholds()), min_size=1, max_size=3, unique=True)),
                     reverse=True) for axis in axes]
        grid = [self.shares(points, len(tiers[1]) + 1) for _ in range(len(tiers[0]) + 1)]
        rising = draw(st.integers(0, 3)) > 0
        if rising:  # each cell at least the cells below it and right of it
            for i in range(len(grid) - 1, -1, -1):
                for j in range(len(grid[i]) - 1, -1, -1):
                    grid[i][j] = max([grid[i][j]] + ([grid[i + 1][j]] if i + 1 < len(grid) else [])
                                     + ([grid[i][j + 1]] if j + 1 < len(grid[i]) else []))
        closed = draw(st.booleans())
        rows_text, columns_text = (self.ladder(axis, cuts, closed) for axis, cuts in zip(axes, tiers))
        names = [format_source_name(axis.name) for axis in axes]
        lines = [(0, f"matrix {names[0]} × {names[1]}:"), (1, f"columns: {' | '.join(columns_text)}")]
        lines += [(1, f"{condition} → {' | '.join(format_source_number(cell) for cell in cells)}")
                  for condition, cells in zip(rows_text, grid)]

        def tier(facts, axis, cuts) -> int:
            value = exact(facts, axis.name)
            return next((i for i, cut in enumerate(cuts) if (value >= cut if closed else value > cut)), len(cuts))

        def score(facts) -> Fraction:
            return Fraction(grid[tier(facts, axes[0], tiers[0])][tier(facts, axes[1], tiers[1])])
        way = 1 if rising else 0
        return Rule(tuple(lines), {axes[0].name: way, axes[1].name: way}, score)

    def ladder(self, axis: Input, cuts: list[Decimal], closed: bool) -> list[str]:
        """One axis's conditions, highest tier first: ≥ t (or > t) rows, ranges, then < t or otherwise."""
        percent = axis.kind == "percent"
        name = format_source_name(axis.name)

        def bound(value):
            return format_source_number(value, percent)
        up, down = ("≥", "<") if closed else (">", "≤")
        found = [f"{up} {bound(cuts[0])}"]
        for high, low in pairwise(cuts):
            found.append(self.between(low, high, name, closed, bound) if self.draw(st.booleans())
                         else f"{up} {bound(low)}")
        found.append("otherwise" if self.draw(st.booleans()) else f"{down} {bound(cuts[-1])}")
        return found

    def dated(self, points: Decimal) -> Rule:
        """完成及时性 over two date inputs: a deduction per day late, a band table of the completion date
        against the plan and a literal date, or a grace period in days."""
        draw = self.draw
        planned = self.input("date")
        actual = self.input("date", other_than=planned)
        moves = {actual.name: -1, planned.name: 1}
        shape = draw(st.sampled_from(["deduct", "bands", "grace"]))
        late_days = ast.Call("max", (ast.Binary("-", ast.Ref(actual.name), ast.Ref(planned.name)), ast.Number(Decimal(0))))
        pts = Fraction(points)

        def late(facts) -> Fraction:
            return max(exact(facts, actual.name) - exact(facts, planned.name), 0)
        if shape == "deduct":  # let 延期天数 = max(实际 − 计划, 0); deduct A per 延期天数
            days = self.let(late_days, draw(st.sampled_from([None, "count"])))
            amount = draw(st.sampled_from([Decimal("0.1"), HALF, ONE]))
            line = f"deduct {format_source_number(amount)} per {format_source_name(days)}"
            return Rule(((0, line),), moves, lambda facts: max(pts - Fraction(amount) * late(facts), 0))
        high, middle, low = sorted(self.shares(points, 3), reverse=True)
        a, b = format_source_name(actual.name), format_source_name(planned.name)
        if shape == "grace":  # 实际 − 计划 ≤ G → P; otherwise → low
            grace = draw(st.sampled_from([0, 5, 30]))
            lines = ((0, "bands:"), (1, f"{a} − {b} ≤ {grace} → {format_source_number(high)}"),
                     (1, f"otherwise → {format_source_number(low)}"))
            return Rule(lines, moves, lambda facts: Fraction(high if late(facts) <= grace else low))
        cut = actual.low + draw(st.integers(1, 364))  # after the first planned day: row 2 can match
        lines = ((0, "bands:"), (1, f"{a} ≤ {b} → {format_source_number(high)}"),
                 (1, f"{a} ≤ {date_text(cut, draw(st.booleans()))} → {format_source_number(middle)}"),
                 (1, f"otherwise → {format_source_number(low)}"))

        def score(facts) -> Fraction:
            done = exact(facts, actual.name)
            return Fraction(high if done <= exact(facts, planned.name) else middle if done <= cut else low)
        return Rule(lines, moves, score)

    def constrained(self, points: Decimal) -> Rule:
        """A formula the file's constraints keep within its points, without a min(…, 1): a / b × P with
        `a ≤ b` declared, or p × P with `p ≤ 100%` declared for a percent allowed to 200%. No direction is
        declared in them: raising one input alone (as the direction properties do) may break the constraint."""
        pts = Fraction(points)
        description = self.draw(st.sampled_from(["", ' "不多于计划"', ' "按定义"']))
        if self.draw(st.booleans()):
            decl = Input(self.fresh(), "percent", Decimal(0), Decimal(2), description=self.description(), shared=False)
            self.inputs.append(decl)
            self.constraints.append(f"{format_source_name(decl.name)} ≤ 100%{description}")
            text = f"formula: {format_source_name(decl.name)} × {format_source_number(points)}"
            return Rule(((0, text),), {decl.name: 0}, lambda facts: exact(facts, decl.name) * pts)
        kind = self.draw(st.sampled_from(["count", "amount"]))
        a, b = self.tied(kind), self.tied(kind, divisor=True)
        self.constraints.append(f"{format_source_name(a.name)} ≤ {format_source_name(b.name)}{description}")
        text = f"formula: {format_source(ratio(a, b))} × {format_source_number(points)}"
        return Rule(((0, text),), {a.name: 0, b.name: 0},
                    lambda facts: exact(facts, a.name) / exact(facts, b.name) * pts)

    # ---- the tree --------------------------------------------------------------------------------

    def indicator(self, depth: int, points: Decimal) -> list:
        name = self.fresh()
        lines = [(depth, f"indicator {format_source_name(name)} ({format_source_number(points)}):")]
        parts = self.split(points, 3) if self.draw(st.integers(0, 4)) == 0 else [points]
        if len(parts) == 1:
            rules = [self.rule(points)]
            body = [(depth + 1 + d, text) for d, text in rules[0].lines]
        else:
            rules, body = [], []
            for share in parts:
                rule = self.rule(share)
                rules.append(rule)
                body.append((depth + 1, f"part {format_source_name(self.fresh())} ({format_source_number(share)}):"))
                body += [(depth + 2 + d, text) for d, text in rule.lines]
        if all(rule.reference is not None for rule in rules):  # parts add up exactly, rounded once
            self.references[name] = lambda facts, rules=rules: sum(rule.reference(facts) for rule in rules)
        directions = {name: way for name, way in merged(*(rule.directions for rule in rules)).items() if way}
        declared = self.draw(st.lists(st.sampled_from(sorted(directions)), unique=True)) if directions else []
        for input_name in declared:
            way = "increasing" if directions[input_name] > 0 else "decreasing"
            lines.append((depth + 1, f"{way} in {format_source_name(input_name)}"))
        return lines + body

    def node(self, depth: int) -> tuple[Decimal, list]:
        """A group or an indicator at `depth`, and its points."""
        if depth < 2 and self.draw(st.integers(0, 2)) == 0:
            children = [self.node(depth + 1) for _ in range(self.draw(st.integers(1, 3)))]
            points = sum((p for p, _ in children), Decimal(0))
            header = (depth, f"group {format_source_name(self.fresh())} ({format_source_number(points)}):")
            return points, [header] + [line for _, lines in children for line in lines]
        points = self.draw(st.sampled_from(LEAF_POINTS))
        return points, self.indicator(depth, points)


OP = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "!=": "≠"}
FIRST_DAY = Decimal(datetime.date(2024, 1, 1).toordinal())
RANGE_DASHES = ("–", "-", "～", "~", "至", " – ")
COMMENTS = st.sampled_from(["#", "# 满意度≥95%得6分; 90%≤满意度<95%得4分。", "#   [reconstructed] 原文不清",
                            "# a comment: (with) #hashes", "#no space", "# 得满分  "]).map(str.rstrip)


@attrs.frozen
class Drawn:
    """A generated rule file, with what the generator knows of it: the exact score of each indicator
    whose rules it can compute apart from rulecheck (Draft.references), and the file's rounding."""
    text: str
    references: dict
    decimals: int = 2
    mode: str = "half-up"

    def expected(self, indicator: str, facts: dict) -> Fraction:
        """The indicator's score as the reference computes it, rounded as the file declares."""
        return rounded(self.references[indicator](facts), Fraction(1, 10 ** self.decimals), self.mode)


def rule_files() -> st.SearchStrategy[str]:
    """The text of a random framework that `rulecheck check` accepts (warnings aside)."""
    return drafts().map(lambda drawn: drawn.text)


def grades_block(draw, draft: Draft, total: Decimal, fen: bool) -> list:
    """`grades:` over 1 to 3 grades, ≥ rows from the top down, maybe with a 一票否决 row first (a bool
    input alone gives the lowest grade) and a condition on the top row (`≥ 90 and not 发生安全责任事故`)."""
    names = [draft.fresh() for _ in range(draw(st.integers(1, 3)))]
    cuts = sorted(draw(st.lists(st.sampled_from([total * f for f in (Decimal("0.9"), Decimal("0.8"), Decimal("0.6"))]),
                                min_size=len(names) - 1, max_size=len(names) - 1, unique=True)), reverse=True)
    unit = "分" if fen else ""
    rows = [f"≥ {format_source_number(cut.normalize())}{unit}" for cut in cuts]
    if rows and draw(st.booleans()):
        rows[0] += f" {draw(st.sampled_from(['and', '且']))} not {format_source_name(draft.input('bool').name)}"
    grades = [(1, f"{row} → {format_source_name(n)}") for row, n in zip(rows, names)]
    if draw(st.booleans()):  # 一票否决
        grades.insert(0, (1, f"{format_source_name(draft.input('bool').name)} → {format_source_name(names[-1])}"))
    return [(0, "grades:"), *grades, (1, f"otherwise → {format_source_name(names[-1])}")]


@st.composite
def drafts(draw) -> Drawn:
    """A random framework that `rulecheck check` accepts (warnings aside), with its references."""
    draft = Draft(draw)
    spelling = draw(spellings)
    tree = [draft.node(0) for _ in range(draw(st.integers(1, 3)))]
    total = sum((p for p, _ in tree), Decimal(0))
    header = []
    title = draw(st.sampled_from(WORDS)) + draw(st.sampled_from(["", "评价", "指标体系框架"])) + \
        draw(st.sampled_from(["", " 2024", "(试行)"]))
    header.append([(0, f'framework "{title}"')])
    header.append([(0, f"total {format_source_number(total)}")])
    decimals, mode = 2, "half-up"
    if draw(st.integers(0, 4)):
        mode = draw(st.sampled_from(["", " half-up", " half-even", " half-down", " up", " down"]))
        decimals = draw(st.integers(1, 3))
        header.append([(0, f"rounding {decimals} decimals{mode}")])
        mode = mode.strip() or "half-up"
    if draw(st.booleans()):
        header.append(grades_block(draw, draft, total, spelling.fen))
    if draft.constraints:
        header.append([(0, "constraints:"), *((1, row) for row in draft.constraints)])
    blocks = draw(st.integers(1, 2)) if len(draft.inputs) > 1 else 1
    cut = len(draft.inputs) // 2 if blocks == 2 else len(draft.inputs)
    for chunk in (draft.inputs[:cut], draft.inputs[cut:]):
        if chunk:
            header.append([(0, "inputs:"), *((1, decl.text()) for decl in chunk)])
    lets = []
    for name, declared, expr, description in draft.lets:
        text = f"let {format_source_name(name)}{f': {declared}' if declared else ''} = {format_source(expr)}"
        lets.append([(0, text + (f' "{description}"' if description else ""))])
    # the usual order (header, inputs, lets, tree), or the header's statements shuffled, lets last
    statements = list(draw(st.permutations(header)) if draw(st.integers(0, 3)) == 0 else header)
    nodes = [lines for _, lines in tree]
    statements += lets + nodes if draw(st.booleans()) else nodes + lets
    return Drawn(render(draw, spelling, statements), dict(draft.references), decimals, mode)


def render(draw, spelling: Spelling, statements: list) -> str:
    """The statements' lines as text, with comments and blank lines here and there."""
    lines = [line for statement in statements for line in statement]
    spots = st.lists(st.integers(0, len(lines) - 1), max_size=max(1, len(lines) // 8))
    blank, above, after = draw(spots), draw(spots), draw(spots)
    out = []
    for index, (depth, text) in enumerate(lines):
        if index in blank:
            out.append("")
        if index in above:  # a comment line, indented like this line or less
            out.append(spelling.indent * draw(st.integers(0, depth)) + draw(COMMENTS))
        line = spelling.indent * depth + spelling(text)
        if index in after:
            line += " " * draw(st.integers(1, 4)) + draw(COMMENTS)
        out.append(line)
    return "\n".join(out) + "\n"


def rule_programs() -> st.SearchStrategy[ast.Program]:
    """The files of `rule_files()`, parsed."""
    return rule_files().map(lambda text: parse(Source("<generated>", text))[0])
