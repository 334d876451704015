"""An independent reference scorer of the Shenzhen framework, and rulecheck checked against it leaf by leaf.

`reference(facts)` scores a department from the meaning of rules/shenzhen/framework.rules (each rule is
quoted in the comment beside the code that mirrors it), with `fractions.Fraction` only: no rulecheck
arithmetic, no `decimal` context, so it is exact at every step and has one rounding, the one the rule file
declares (`rounding 2 decimals half-up`, per leaf; the total is the sum of the rounded leaves).

The tests compare rulecheck with it on the shipped case, on random departments inside the declared
domains, on departments built so that 项目完成及时性 or 预算执行率 is exactly x.xx5 before rounding (where
any inexact division shows as a leaf 0.01 low), and on departments worked out by hand.

The constructs of issue 12, which the Shenzhen framework does not use (award … per … / cap, ceil, floor
and round, matrix tables, dates and day differences, constraints, 一票否决), are checked the same way in
(e): on generated frameworks, whose generator (tests/strategies.py) writes beside each such rule its exact
score in fractions, and on a framework worked out by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import drafts, facts_for, rounded

import rulecheck

F = Fraction
HALF = F(1, 2)


def half_up(x: Fraction) -> Fraction:
    """`rounding 2 decimals half-up` for a score x ≥ 0: floor(100x + 1/2) / 100, exactly."""
    assert x >= 0, x
    return F(math.floor(x * 100 + HALF), 100)


# ---- reading facts: the forms of docs/facts.md that the tests below use ------------------------------

YES, NO = {True, "是", "true", "yes"}, {False, "否", "false", "no"}


def number(value) -> Fraction:
    """A count, amount, score or percentage as an exact fraction: 56, Decimal('10339.11'), '10,339.11',
    Decimal('0.9729') (a fraction of 1), '97.29%'."""
    assert not isinstance(value, bool), value
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text.endswith(("%", "％")):
            return F(text[:-1].strip()) / 100
        return F(text)
    return F(value)  # int or Decimal: exact


def flag(value) -> bool:
    if value in YES:
        return True
    assert value in NO, value
    return False


class Department:
    """One department's facts, read the way the rules read them."""

    def __init__(self, facts):
        values = getattr(facts, "values", None)  # a FactSet's facts, or a plain mapping's
        self.facts = dict(values if isinstance(values, Mapping) else facts)

    def __call__(self, name: str) -> Fraction:
        return number(self.facts[name])

    def yes(self, name: str) -> bool:
        return flag(self.facts[name])

    def grade(self, name: str) -> str:
        return self.facts[name]

    def checklist(self, *items: tuple[str, int]) -> Fraction:
        """`checklist: ITEM → POINTS`: the points of every item that holds."""
        return sum((F(points) for item, points in items if self.yes(item)), F(0))


# ---- the derived values (the `let`s of the rule file) --------------------------------------------------

def 调整调剂率(d):       # let 调整调剂率: percent = 调整资金 / 年初预算
    return d("调整资金") / d("年初预算")


def 固定资产利用比率(d):  # let 固定资产利用比率: percent = 在用固定资产总额 / 固定资产总额
    return d("在用固定资产总额") / d("固定资产总额")


def 财政供养人员比率(d):  # let 财政供养人员比率: percent = 在编人数 / 核定编制数
    return d("在编人数") / d("核定编制数")


def 编外人员比率(d):      # let 编外人员比率: percent = 编外人员数 / (在编人数 + 编外人员数)
    return d("编外人员数") / (d("在编人数") + d("编外人员数"))


# let 一季度执行率 = min(一季度支出进度 / 25%, 1), and so on for 50%, 75%, 100%
QUARTERS = [("一季度支出进度", F(25, 100)), ("二季度支出进度", F(50, 100)), ("三季度支出进度", F(75, 100)),
            ("四季度支出进度", F(100, 100))]


def 季度执行率(d) -> list[Fraction]:
    return [min(d(progress) / schedule, F(1)) for progress, schedule in QUARTERS]


# ---- the leaves: name → (points, exact score before rounding) ---------------------------------------

LEAVES = {}


def leaf(name: str, points):
    def register(function):
        LEAVES[name] = (F(points), function)
        return function
    return register


@leaf("预算编制合理性", 5)
def _(d):  # checklist: five items → 1 each
    return d.checklist(("编制分配符合职责和方针政策", 1), ("资金按工作重点合理分配", 1), ("专项资金编制细化合理", 1),
                       ("功能经济分类编制准确", 1), ("预算分配不固化", 1))


@leaf("预算编制规范性", 5)
def _(d):  # assessed 预算编制规范性评分
    return d("预算编制规范性评分")


@leaf("绩效目标完整性", 3)
def _(d):  # checklist: 绩效目标全覆盖 → 3
    return d.checklist(("绩效目标全覆盖", 3))


@leaf("绩效指标明确性", 7)
def _(d):  # checklist: → 2, 2, 1, 1, 1
    return d.checklist(("指标细化为具体任务", 2), ("含履职效益指标", 2), ("指标值清晰可衡量", 1), ("含可量化指标", 1),
                       ("目标值测算有依据", 1))


@leaf("政府采购执行情况", 2)
def _(d):  # bands: 实际政府采购金额 ≤ 政府采购预算金额 → 2; otherwise → 0
    return F(2) if d("实际政府采购金额") <= d("政府采购预算金额") else F(0)


@leaf("财务合规性", 3)
def _(d):  # three parts, added exactly and rounded once
    # part 资金支出规范性 (1): checklist: 资金支出符合制度规定 → 1
    spending = d.checklist(("资金支出符合制度规定", 1))
    # part 资金调整调剂规范性 (1): deduct 0.1 per 1% of 调整调剂率 above 10%; floor 0 (proportional units)
    units_over = max(调整调剂率(d) - F(10, 100), F(0)) / F(1, 100)
    adjustment = max(1 - F(1, 10) * units_over, F(0))
    # part 会计核算规范性 (1): assessed 会计核算规范性评分
    return spending + adjustment + d("会计核算规范性评分")


DISCLOSURE = {"按规定公开": F(3, 2), "公开但不完全符合": F(1), "未公开": F(0)}


@leaf("预决算信息公开", 3)
def _(d):  # parts 部门预算公开 (1.5) and 部门决算公开 (1.5): 按规定公开 → 1.5; 公开但不完全符合 → 1; 未公开 → 0
    return DISCLOSURE[d.grade("部门预算公开情况")] + DISCLOSURE[d.grade("部门决算公开情况")]


@leaf("项目实施程序", 2)
def _(d):  # checklist: → 1, 1
    return d.checklist(("项目设立调整履行报批程序", 1), ("招投标建设验收执行制度", 1))


@leaf("项目监管", 2)
def _(d):  # checklist: 建立执行资金管理和监控机制 → 1;
    #            主管部门开展有效检查监控 and 有检查监督证明材料 and 专项资金绩效评价结果 ≠ 差 → 1
    supervised = d.yes("主管部门开展有效检查监控") and d.yes("有检查监督证明材料") and d.grade("专项资金绩效评价结果") != "差"
    return d.checklist(("建立执行资金管理和监控机制", 1)) + (1 if supervised else 0)


@leaf("资产管理安全性", 2)
def _(d):  # checklist: → 1, 1
    return d.checklist(("资产配置合理账实相符", 1), ("资产处置规范收入及时上缴", 1))


@leaf("固定资产利用率", 1)
def _(d):  # bands 固定资产利用比率: ≥ 90% → 1; 75%–90% → 0.7; 60%–75% → 0.4; < 60% → 0
    rate = 固定资产利用比率(d)
    if rate >= F(90, 100):
        return F(1)
    if F(75, 100) <= rate < F(90, 100):
        return F(7, 10)
    if F(60, 100) <= rate < F(75, 100):
        return F(4, 10)
    assert rate < F(60, 100)
    return F(0)


@leaf("财政供养人员控制率", 1)
def _(d):  # bands 财政供养人员比率: ≤ 100% → 1; > 100% → 0
    return F(1) if 财政供养人员比率(d) <= 1 else F(0)


@leaf("编外人员控制率", 1)
def _(d):  # bands 编外人员比率: < 5% → 1; 5% ≤ r ≤ 10% → 0.5; > 10% → 0
    rate = 编外人员比率(d)
    if rate < F(5, 100):
        return F(1)
    if F(5, 100) <= rate <= F(10, 100):
        return HALF
    assert rate > F(10, 100)
    return F(0)


@leaf("管理制度健全性", 3)
def _(d):  # checklist: → 1, 1, 1
    return d.checklist(("已制定管理制度", 1), ("制度合法合规完整", 1), ("制度有效执行", 1))


def control_rate_points(rate: Fraction) -> Fraction:
    """< 90% → 3; 90% ≤ rate ≤ 100% → 2; > 100% → 0"""
    return F(3) if rate < F(90, 100) else F(2) if rate <= 1 else F(0)


@leaf("公用经费控制率", 6)
def _(d):  # parts “三公”经费控制率 (3) on “三公”经费比率, 日常公用经费控制率 (3) on 日常公用经费比率
    three = d("“三公”经费实际支出") / d("“三公”经费预算安排数")
    daily = d("日常公用经费实际支出") / d("日常公用经费调整预算数")
    return control_rate_points(three) + control_rate_points(daily)


@leaf("预算执行率", 6)
def _(d):  # formula: sum(一季度执行率, …, 四季度执行率) × 1 + average(一季度执行率, …, 四季度执行率) × 2
    rates = 季度执行率(d)
    return sum(rates) * 1 + sum(rates) / len(rates) * 2


@leaf("重点工作完成情况", 8)
def _(d):  # deduct 4 per 未完成重点工作数; floor 0
    return max(8 - 4 * d("未完成重点工作数"), F(0))


@leaf("项目完成及时性", 6)
def _(d):  # formula: min(按计划时间完成项目数 / 计划完成项目数, 1) × 6
    return min(d("按计划时间完成项目数") / d("计划完成项目数"), F(1)) * 6


@leaf("社会效益、经济效益、生态效益等", 25)
def _(d):  # assessed 效益评分
    return d("效益评分")


@leaf("群众信访办理情况", 3)
def _(d):  # checklist: → 1, 1, 1
    return d.checklist(("建立意见反映和回复机制", 1), ("信访办理回复率达100", 1), ("信访及时办理回复率达100", 1))


@leaf("公众或服务对象满意度", 6)
def _(d):  # bands 满意度: ≥ 95% → 6; 90%–95% → 4; 80%–90% → 2; < 80% → 1
    satisfaction = d("满意度")
    if satisfaction >= F(95, 100):
        return F(6)
    if F(90, 100) <= satisfaction < F(95, 100):
        return F(4)
    if F(80, 100) <= satisfaction < F(90, 100):
        return F(2)
    assert satisfaction < F(80, 100)
    return F(1)


# group NAME (points): children, as in the rule file
TREE = {
    "部门决策": (20, {"预算编制": (10, ["预算编制合理性", "预算编制规范性"]),
                      "目标设置": (10, ["绩效目标完整性", "绩效指标明确性"])}),
    "部门管理": (20, {"资金管理": (8, ["政府采购执行情况", "财务合规性", "预决算信息公开"]),
                      "项目管理": (4, ["项目实施程序", "项目监管"]),
                      "资产管理": (3, ["资产管理安全性", "固定资产利用率"]),
                      "人员管理": (2, ["财政供养人员控制率", "编外人员控制率"]),
                      "制度管理": (3, ["管理制度健全性"])}),
    "部门绩效": (60, {"经济性": (6, ["公用经费控制率"]),
                      "效率性": (20, ["预算执行率", "重点工作完成情况", "项目完成及时性"]),
                      "效果性": (25, ["社会效益、经济效益、生态效益等"]),
                      "公平性": (9, ["群众信访办理情况", "公众或服务对象满意度"])}),
}


def grade_of(total: Fraction) -> str:
    """grades: ≥ 90 → 优; ≥ 80 → 良; ≥ 60 → 中; otherwise → 差"""
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


@dataclass(frozen=True)
class Scores:
    exact: dict[str, Fraction]    # each leaf's score before rounding
    leaves: dict[str, Fraction]   # each leaf's score rounded half-up to 2 decimals
    groups: dict[str, Fraction]   # each group's score: the sum of its rounded leaves
    total: Fraction
    grade: str


def reference(facts) -> Scores:
    """The Shenzhen framework's scores of one department, exactly."""
    d = Department(facts)
    exact = {name: function(d) for name, (_, function) in LEAVES.items()}
    for name, (points, _) in LEAVES.items():
        assert 0 <= exact[name] <= points, (name, exact[name])
    leaves = {name: half_up(score) for name, score in exact.items()}
    groups = {}
    for level1, (points1, children) in TREE.items():
        for level2, (points2, names) in children.items():
            groups[level2] = sum((leaves[name] for name in names), F(0))
            assert sum(LEAVES[name][0] for name in names) == points2
        groups[level1] = sum((groups[level2] for level2 in children), F(0))
        assert sum(points for points, _ in children.values()) == points1
    total = sum(leaves.values(), F(0))
    assert total == sum((groups[level1] for level1 in TREE), F(0))
    return Scores(exact, leaves, groups, total, grade_of(total))


# ---- comparing rulecheck with the reference -------------------------------------------------------------

def show(x: Fraction) -> str:
    """x as a decimal: exactly when it has one, else to 30 significant digits and as a/b."""
    with localcontext() as context:
        context.prec = 30
        text = str(Decimal(x.numerator) / Decimal(x.denominator))
    return text if F(text) == x else f"{text}… ({x.numerator}/{x.denominator})"


def disagreements(result, expected: Scores) -> list[str]:
    """Every score where rulecheck's result differs from the reference (an empty list if none)."""
    found = []
    assert [node.name for node in result.leaves()] == list(expected.leaves), "the reference scores other leaves"
    for name, score in expected.leaves.items():
        actual = result[name].score
        if F(actual) != score:
            off = F(actual) - score
            found.append(f"{name}: rulecheck {actual}, reference {show(score)} (exact score {show(expected.exact[name])}; "
                         f"rulecheck {'+' if off > 0 else '−'}{show(abs(off))} off)")
    for name, score in expected.groups.items():
        if F(result[name].score) != score:
            found.append(f"group {name}: rulecheck {result[name].score}, reference {show(score)}")
    if F(result.total) != expected.total:
        found.append(f"total: rulecheck {result.total}, reference {show(expected.total)}")
    if result.grade != expected.grade:
        found.append(f"grade: rulecheck {result.grade}, reference {expected.grade}")
    return found


def assert_agrees(framework, facts) -> Scores:
    expected = reference(facts)
    found = disagreements(framework.evaluate(facts, explain=False), expected)
    assert not found, "rulecheck and the reference disagree:\n  " + "\n  ".join(found)
    return expected


def is_on_a_half(x: Fraction) -> bool:
    """x is exactly k/1000 with a 5 in the third decimal: the case half-up rounding decides."""
    return (x * 1000).denominator == 1 and (x * 1000) % 10 == 5


# ---- departments ------------------------------------------------------------------------------------------

# Every leaf full marks (100, 优): the starting point of the explicit examples.
FULL_MARKS = {
    "编制分配符合职责和方针政策": True, "资金按工作重点合理分配": True, "专项资金编制细化合理": True,
    "功能经济分类编制准确": True, "预算分配不固化": True, "预算编制规范性评分": Decimal("5"),
    "绩效目标全覆盖": True, "指标细化为具体任务": True, "含履职效益指标": True, "指标值清晰可衡量": True,
    "含可量化指标": True, "目标值测算有依据": True,
    "实际政府采购金额": Decimal("6000.00"), "政府采购预算金额": Decimal("6500.00"), "资金支出符合制度规定": True,
    "年初预算": Decimal("10339.11"), "调整资金": Decimal("502.42"), "会计核算规范性评分": Decimal("1"),
    "部门预算公开情况": "按规定公开", "部门决算公开情况": "按规定公开",
    "项目设立调整履行报批程序": True, "招投标建设验收执行制度": True, "建立执行资金管理和监控机制": True,
    "主管部门开展有效检查监控": True, "有检查监督证明材料": True, "专项资金绩效评价结果": "未评价",
    "资产配置合理账实相符": True, "资产处置规范收入及时上缴": True,
    "在用固定资产总额": Decimal("1850.00"), "固定资产总额": Decimal("1950.00"),
    "在编人数": 56, "核定编制数": 60, "编外人员数": 2,
    "已制定管理制度": True, "制度合法合规完整": True, "制度有效执行": True,
    "“三公”经费实际支出": Decimal("1.50"), "“三公”经费预算安排数": Decimal("2.00"),
    "日常公用经费实际支出": Decimal("170.00"), "日常公用经费调整预算数": Decimal("200.00"),
    "一季度支出进度": "25%", "二季度支出进度": "50%", "三季度支出进度": "75%", "四季度支出进度": "100%",
    "未完成重点工作数": 0, "按计划时间完成项目数": 31, "计划完成项目数": 31,
    "效益评分": Decimal("25"),
    "建立意见反映和回复机制": True, "信访办理回复率达100": True, "信访及时办理回复率达100": True,
    "满意度": "96%",
}

BOOLS = [name for name, value in FULL_MARKS.items() if value is True]  # every bool input (all met above)
FLAGS = st.sampled_from([True, True, True, False, "是", "否"])  # mostly met, as departments are
AMOUNT_TOP = 10_000_000_00  # 1 亿万元, in cents


@st.composite
def amount(draw, cents: int):
    """An amount of `cents` / 100 万元, written as a Decimal or as text with thousands commas."""
    value = Decimal(cents).scaleb(-2)
    return draw(st.sampled_from([value, f"{value:,}"]))


@st.composite
def percent(draw, basis_points: int):
    """A percentage of `basis_points` / 10000, as the fraction Decimal('0.9729') or the text '97.29%'
    (a bare number above 1 would be rejected, so those are always text)."""
    fraction, text = Decimal(basis_points).scaleb(-4), f"{Decimal(basis_points).scaleb(-2)}%"
    return text if basis_points > 10_000 else draw(st.sampled_from([fraction, text]))


@st.composite
def assessed(draw, top: int):
    """An evaluator's score from 0 to `top`, with 0 to 3 decimals (3 decimals exercise the rounding)."""
    places = draw(st.sampled_from([0, 1, 2, 2, 3]))
    return Decimal(draw(st.integers(0, top * 10 ** places))).scaleb(-places)


def whole(low: int = 1, high: int = AMOUNT_TOP):
    """Cents of an amount: anything, or whole 万元 (so that ratios of it land exactly on thresholds)."""
    return st.one_of(st.integers(low, high), st.integers(max(low // 100, 1), high // 100).map(lambda k: k * 100))


def share(of: int, thresholds: list[int], low: int, high: int):
    """Cents that are a ratio of `of` cents: the ratio (in basis points) on a threshold or in [low, high]."""
    return st.one_of(st.sampled_from(thresholds), st.integers(low, high)).map(lambda bp: of * bp // 10_000)


@st.composite
def departments(draw):
    """A whole department: every input the framework declares, inside its domain, as departments write them."""
    facts = {name: draw(FLAGS) for name in BOOLS}
    facts["预算编制规范性评分"] = draw(assessed(5))
    facts["会计核算规范性评分"] = draw(assessed(1))
    facts["效益评分"] = draw(assessed(25))
    for name in ("部门预算公开情况", "部门决算公开情况"):
        facts[name] = draw(st.sampled_from(["按规定公开", "公开但不完全符合", "未公开"]))
    facts["专项资金绩效评价结果"] = draw(st.sampled_from(["优", "良", "中", "差", "未评价"]))

    planned = draw(whole(0))  # 政府采购: at, below or above the plan
    facts["政府采购预算金额"] = draw(amount(planned))
    facts["实际政府采购金额"] = draw(amount(draw(share(planned, [10_000], 5_000, 12_000)) + draw(st.sampled_from([0, 0, 1]))))
    budget = draw(whole())  # 调整调剂率 around its 10% allowance, up to past the floor (20%)
    facts["年初预算"] = draw(amount(budget))
    facts["调整资金"] = draw(amount(draw(share(budget, [1_000, 1_500, 2_000], 0, 3_000))))
    assets = draw(whole())  # 固定资产利用比率 across its four bands
    facts["固定资产总额"] = draw(amount(assets))
    facts["在用固定资产总额"] = draw(amount(draw(share(assets, [6_000, 7_500, 9_000], 3_000, 10_000))))
    for spent, allowed in (("“三公”经费实际支出", "“三公”经费预算安排数"), ("日常公用经费实际支出", "日常公用经费调整预算数")):
        ceiling = draw(whole())
        facts[allowed] = draw(amount(ceiling))
        facts[spent] = draw(amount(draw(share(ceiling, [9_000, 10_000], 5_000, 12_000))))

    posts = draw(st.integers(1, 2_000))  # 核定编制数; 在编 at, below or above it; 编外 around 5% and 10%
    facts["核定编制数"] = posts
    staff = draw(st.one_of(st.just(posts), st.integers(max(1, posts * 8 // 10), posts * 11 // 10 + 1)))
    extra = draw(st.one_of(st.integers(0, staff // 5 + 1), st.sampled_from([staff // 19, staff // 9])))
    facts["在编人数"], facts["编外人员数"] = staff, extra

    # 支出进度: on schedule, realistic, or anywhere in 0%–200% (rates above 1 are capped)
    for (name, schedule), top in zip(QUARTERS, (4_000, 7_000, 9_500, 11_000)):
        on_schedule = int(schedule * 10_000)
        facts[name] = draw(percent(draw(st.one_of(st.just(on_schedule), st.integers(0, top), st.integers(0, 20_000)))))
    facts["未完成重点工作数"] = draw(st.integers(0, 4))
    projects = draw(st.integers(1, 300))
    facts["计划完成项目数"] = projects
    facts["按计划时间完成项目数"] = draw(st.one_of(st.integers(0, projects), st.integers(projects, projects + 5)))
    facts["满意度"] = draw(percent(draw(st.one_of(st.sampled_from([8_000, 9_000, 9_500]), st.integers(7_000, 10_000),
                                                 st.integers(0, 10_000)))))
    return facts


# 项目完成及时性 = min(a / b, 1) × 6 exactly on x.xx5: every (a, b) with b ≤ 120, a ≤ b. Many have a
# factor 3 in b (7/48, 43/48, 5/24…): a / b has no finite decimal, and only exact division gets them right.
HALF_TIMELINESS = [(a, b) for b in range(1, 121) for a in range(b + 1) if is_on_a_half(F(6 * a, b))]


@st.composite
def half_execution(draw):
    """Quarterly 支出进度 (in basis points) with 预算执行率 exactly x.xx5 and 三季度 below its schedule.

    Exactly, the score is 1.5 × Σ rate (sum × 1 + average × 2); with an uncapped 三季度 progress of n3
    basis points, 1.5 × rate3 = 1.5 × n3 / 7500 = 2·n3 / 10^4. So with P = 10^4 × 1.5 × (rate1 + rate2 +
    rate4), the score is (P + 2·n3) / 10^4, which is x.xx5 when P + 2·n3 ≡ 50 (mod 100)."""
    n1, n2, n4 = draw(st.integers(0, 3_000)), draw(st.integers(0, 6_000)), draw(st.integers(0, 12_000))
    if n4 < 10_000:
        n4 -= n4 % 2  # 1.5 × n4 / 10^4 has a 5th decimal unless n4 is even

    def partial():
        rates = [min(F(n, 10_000) / schedule, F(1)) for n, (_, schedule) in zip((n1, n2, n4), QUARTERS[:2] + QUARTERS[3:])]
        return sum(rates) * F(3, 2) * 10_000

    if partial() % 2:  # P odd: n2 or n4 / 2 is odd and uncapped; make it even
        if n2 < 5_000:
            n2 += 1
        else:
            n4 += 2 if n4 < 2 else -2
    p = partial()
    assert p.denominator == 1 and p % 2 == 0
    n3 = int((50 - p) / 2 % 50) + 50 * draw(st.integers(0, 149))  # below 7500: uncapped
    return n1, n2, n3, n4


def with_execution(department: dict, progress) -> dict:
    return department | {name: f"{Decimal(n).scaleb(-2)}%" for (name, _), n in zip(QUARTERS, progress)}


# ---- (a) the shipped case ---------------------------------------------------------------------------

# 附件一's leaf scores (shared/framework.md, "seed score"): total 97.83, 优.
REPORTED = {
    "预算编制合理性": "5", "预算编制规范性": "5", "绩效目标完整性": "3", "绩效指标明确性": "7",
    "政府采购执行情况": "2", "财务合规性": "3", "预决算信息公开": "3", "项目实施程序": "2", "项目监管": "2",
    "资产管理安全性": "2", "固定资产利用率": "1", "财政供养人员控制率": "1", "编外人员控制率": "0.5",
    "管理制度健全性": "3", "公用经费控制率": "6", "预算执行率": "4.52", "重点工作完成情况": "8",
    "项目完成及时性": "5.81", "社会效益、经济效益、生态效益等": "25", "群众信访办理情况": "3", "公众或服务对象满意度": "6",
}


def test_the_reference_scores_the_shipped_case_as_the_report_does(case_facts):
    expected = reference(case_facts)
    assert expected.leaves == {name: F(score) for name, score in REPORTED.items()}
    assert expected.total == F("97.83") and expected.grade == "优"
    # (7.73/25 + 38.09/50 + 72.71/75 + 97.29/100) × (1 + 2/4) = 4.52005; 30 / 31 × 6 = 180/31 = 5.806…
    assert expected.exact["预算执行率"] == F("4.52005")
    assert expected.exact["项目完成及时性"] == F(180, 31)
    assert expected.groups["部门管理"] == F("19.5") and expected.groups["部门绩效"] == F("58.33")


def test_rulecheck_scores_the_shipped_case_as_the_reference_does(framework, case_facts):
    assert_agrees(framework, case_facts)


def test_the_reference_scores_every_leaf_of_the_framework(framework):
    assert list(LEAVES) == [node.name for node in framework.evaluate(FULL_MARKS).leaves()]
    assert {name: points for name, (points, _) in LEAVES.items()} == {
        node.name: F(node.max) for node in framework.evaluate(FULL_MARKS).leaves()}


# ---- (b) random departments --------------------------------------------------------------------------

@given(department=departments())
def test_the_generated_departments_give_every_declared_input(framework, department):
    # `departments()` is written by hand: it must keep up with the inputs the rule file declares
    assert set(department) == set(framework.inputs) == set(FULL_MARKS)
    framework.validate(department)  # and every value inside its domain, in a form rulecheck reads


@given(department=departments())
@settings(max_examples=max(settings().max_examples, 100))
def test_rulecheck_scores_random_departments_as_the_reference_does(framework, department):
    assert_agrees(framework, department)


# ---- (c) scores exactly on x.xx5 before rounding -------------------------------------------------------

def test_the_half_constructions_are_on_a_half():
    assert (7, 48) in HALF_TIMELINESS and (43, 48) in HALF_TIMELINESS and (30, 32) in HALF_TIMELINESS
    assert len(HALF_TIMELINESS) > 100
    assert all(is_on_a_half(F(6 * a, b)) for a, b in HALF_TIMELINESS)


@given(department=departments(), timeliness=st.sampled_from(HALF_TIMELINESS))
@example(department=FULL_MARKS, timeliness=(7, 48))   # 7/48 × 6 = 0.875 → 0.88
@example(department=FULL_MARKS, timeliness=(5, 48))   # 5/48 × 6 = 0.625 → 0.63
@example(department=FULL_MARKS, timeliness=(30, 32))  # 30/32 × 6 = 5.625 → 5.63 (a finite decimal)
@settings(max_examples=max(settings().max_examples, 60))
def test_项目完成及时性_on_a_half_rounds_up(framework, department, timeliness):
    done, planned = timeliness
    department = department | {"按计划时间完成项目数": done, "计划完成项目数": planned}
    expected = reference(department)
    assert is_on_a_half(expected.exact["项目完成及时性"])
    assert expected.leaves["项目完成及时性"] == expected.exact["项目完成及时性"] + F(5, 1000)
    assert_agrees(framework, department)


@given(department=departments(), progress=half_execution())
@example(department=FULL_MARKS, progress=(2500, 5000, 7225, 10000))  # 1.5 × (3 + 0.7225/0.75) = 5.945 → 5.95
@example(department=FULL_MARKS, progress=(773, 3809, 7195, 9730))    # 0.4638 + 1.1427 + 1.439 + 1.4595 = 4.505 → 4.51
@example(department=FULL_MARKS, progress=(2000, 4500, 6000, 9500))   # 1.5 × (0.8 + 0.9 + 0.8 + 0.95) = 5.175 → 5.18
@settings(max_examples=max(settings().max_examples, 60))
def test_预算执行率_on_a_half_rounds_up(framework, department, progress):
    department = with_execution(department, progress)
    expected = reference(department)
    assert is_on_a_half(expected.exact["预算执行率"])
    assert expected.leaves["预算执行率"] == expected.exact["预算执行率"] + F(5, 1000)
    assert_agrees(framework, department)


# ---- (d) departments worked out by hand ------------------------------------------------------------------

MIXED = FULL_MARKS | {
    "功能经济分类编制准确": False,                       # 预算编制合理性 4
    "预算编制规范性评分": Decimal("4.125"),              # 预算编制规范性 4.125 → 4.13 (half-even would give 4.12)
    "绩效目标全覆盖": False,                             # 绩效目标完整性 0
    "含履职效益指标": False, "目标值测算有依据": "否",    # 绩效指标明确性 2 + 1 + 1 = 4
    "实际政府采购金额": "1,200.50", "政府采购预算金额": Decimal("1200.00"),  # 政府采购执行情况 0
    "年初预算": Decimal("12500.00"), "调整资金": Decimal("1537.50"),       # 12.3%: 1 − 0.1 × 2.3 = 0.77
    "会计核算规范性评分": Decimal("0.8"),                # 财务合规性 1 + 0.77 + 0.8 = 2.57
    "部门预算公开情况": "公开但不完全符合",              # 预决算信息公开 1 + 1.5 = 2.5
    "专项资金绩效评价结果": "差",                        # 项目监管 1
    "资产处置规范收入及时上缴": False,                   # 资产管理安全性 1
    "在用固定资产总额": Decimal("1500.00"), "固定资产总额": Decimal("2000.00"),  # 75%: 固定资产利用率 0.7
    "在编人数": 95, "核定编制数": 100, "编外人员数": 5,  # 95%: 1; 5 / 100 = 5%: 编外人员控制率 0.5
    "“三公”经费实际支出": Decimal("45.00"), "“三公”经费预算安排数": Decimal("50.00"),         # 90%: 2
    "日常公用经费实际支出": Decimal("330.00"), "日常公用经费调整预算数": Decimal("300.00"),  # 110%: 0
    "一季度支出进度": "20%", "二季度支出进度": Decimal("0.45"),                            # rates 0.8, 0.9,
    "三季度支出进度": "60%", "四季度支出进度": "95%",    # 0.8, 0.95: 预算执行率 3.45 × 1.5 = 5.175 → 5.18
    "未完成重点工作数": 1,                               # 重点工作完成情况 8 − 4 = 4
    "按计划时间完成项目数": 30, "计划完成项目数": 32,    # 项目完成及时性 30 / 32 × 6 = 5.625 → 5.63
    "效益评分": Decimal("21.5"),                         # 21.5
    "信访及时办理回复率达100": False,                    # 群众信访办理情况 2
    "满意度": "89.99%",                                  # 公众或服务对象满意度 2
}
# 部门决策 4 + 4.13 + 0 + 4 = 12.13; 部门管理 0 + 2.57 + 2.5 + 2 + 1 + 1 + 0.7 + 1 + 0.5 + 3 = 14.27;
# 部门绩效 2 + 5.18 + 4 + 5.63 + 21.5 + 2 + 2 = 42.31; total 68.71, 中.
MIXED_SCORES = {
    "预算编制合理性": "4", "预算编制规范性": "4.13", "绩效目标完整性": "0", "绩效指标明确性": "4",
    "政府采购执行情况": "0", "财务合规性": "2.57", "预决算信息公开": "2.5", "项目实施程序": "2", "项目监管": "1",
    "资产管理安全性": "1", "固定资产利用率": "0.7", "财政供养人员控制率": "1", "编外人员控制率": "0.5",
    "管理制度健全性": "3", "公用经费控制率": "2", "预算执行率": "5.18", "重点工作完成情况": "4",
    "项目完成及时性": "5.63", "社会效益、经济效益、生态效益等": "21.5", "群众信访办理情况": "2", "公众或服务对象满意度": "2",
}

HAND_COMPUTED = [
    # name, changes to FULL_MARKS, {leaf: expected score}, total, grade
    ("满分", {}, {}, "100", "优"),
    # 7 of 48 projects on time: 7/48 × 6 = 7/8 = 0.875 exactly → 0.88; total 100 − 6 + 0.88 = 94.88
    ("7 of 48 projects on time", {"按计划时间完成项目数": 7, "计划完成项目数": 48}, {"项目完成及时性": "0.88"}, "94.88", "优"),
    # 三季度 72.25%: rates 1, 1, 0.7225/0.75 = 0.96333…, 1; 1.5 × 3.96333… = 4.5 + 2 × 0.7225 = 5.945 → 5.95;
    # total 100 − 6 + 5.95 = 99.95
    ("三季度 72.25%", {"三季度支出进度": "72.25%"}, {"预算执行率": "5.95"}, "99.95", "优"),
    # exactly 90 is 优: 满意度 70% → 1 (−5), one key task unfinished (−4), 利用率 975/1950 = 50% → 0 (−1)
    ("exactly 90", {"满意度": "70%", "未完成重点工作数": 1, "在用固定资产总额": Decimal("975.00")},
     {"公众或服务对象满意度": "1", "重点工作完成情况": "4", "固定资产利用率": "0"}, "90", "优"),
    ("mixed", MIXED, MIXED_SCORES, "68.71", "中"),
]


@pytest.mark.parametrize("changes, scores, total, grade", [case[1:] for case in HAND_COMPUTED],
                         ids=[case[0] for case in HAND_COMPUTED])
def test_hand_computed_departments(framework, changes, scores, total, grade):
    department = FULL_MARKS | changes
    full = {name: points for name, (points, _) in LEAVES.items()}
    expected = full | {name: F(score) for name, score in scores.items()}
    mine = reference(department)
    assert (mine.leaves, mine.total, mine.grade) == (expected, F(total), grade)
    result = framework.evaluate(department, explain=False)
    assert {node.name: F(node.score) for node in result.leaves()} == expected
    assert (result.total, result.grade) == (Decimal(total), grade)


# ---- the case file pinning x.xx5 scores ------------------------------------------------------------------

def exact_half_cases(root):
    from rulecheck.cases import load_cases
    return load_cases(root / "rules" / "shenzhen" / "cases" / "exact-half.case.yaml")


def test_the_exact_half_case_file_expects_the_reference_scores(root):
    cases = exact_half_cases(root)
    assert cases
    for case in cases:
        expected = reference(case.facts)
        assert any(is_on_a_half(expected.exact[name]) for name in case.expect if name in LEAVES), case.name
        for target, expectation in case.expect.items():
            mine = (expected.grade if target == "grade" else expected.total if target == "total"
                    else expected.leaves.get(target, expected.groups.get(target)))
            assert mine == (expectation.value if target == "grade" else F(expectation.value)), (case.name, target)


def test_rulecheck_passes_the_exact_half_case_file(framework, root):
    from rulecheck.cases import run_case
    outcomes = [run_case(framework, case) for case in exact_half_cases(root)]
    assert not [d for outcome in outcomes for d in outcome.diagnostics]
    failures = [f"{outcome.case.name}: {failure.expectation.target} expected {failure.expectation.value}, "
                f"actual {failure.actual}" for outcome in outcomes for failure in outcome.failures]
    assert not failures, "\n".join(failures)


# ---- (e) the constructs of issue 12 ----------------------------------------------------------------

@given(st.data())
def test_the_v2_leaves_score_as_the_reference_computes_them(data):
    drawn = data.draw(drafts(), label="rule file")
    ruleset = rulecheck.loads(drawn.text, "generated.rules")
    facts = data.draw(facts_for(ruleset), label="facts")
    result = ruleset.evaluate(facts, explain=False)
    for name in drawn.references:
        expected = drawn.expected(name, facts)
        assert Fraction(result[name].score) == expected, (name, result[name].score, expected)


@pytest.mark.parametrize(("x", "step", "mode", "expected"), [
    (Fraction("0.125"), Fraction(1, 100), "half-up", Fraction("0.13")),
    (Fraction("0.125"), Fraction(1, 100), "half-even", Fraction("0.12")),
    (Fraction("0.125"), Fraction(1, 100), "half-down", Fraction("0.12")),
    (Fraction("0.121"), Fraction(1, 100), "up", Fraction("0.13")),
    (Fraction("0.129"), Fraction(1, 100), "down", Fraction("0.12")),
    (Fraction(30, 31), Fraction(1, 100), "ceil", Fraction("0.97")),
    (Fraction("0.142"), Fraction(1, 100), "ceil", Fraction("0.15")),
    (Fraction("0.14"), Fraction(1, 100), "ceil", Fraction("0.14")),
])
def test_the_reference_rounds_as_the_language_says(x, step, mode, expected):
    assert rounded(x, step, mode) == expected


V2 = """framework "样例"
total 30
rounding 2 decimals half-up

grades:
    存在重大违规问题 → 差
    ≥ 27 and not 发生安全责任事故 → 优
    ≥ 20 → 良
    otherwise → 差

inputs:
    培训次数: count from 0 to 100
    完成率: percent from 0% to 200%
    质量达标率: percent from 0% to 100%
    调整资金: amount from 0
    年初预算: amount above 0
    计划完成日期: date from 2024-01-01 to 2024-12-31
    实际完成日期: date from 2024-01-01 to 2025-06-30
    存在重大违规问题: bool
    发生安全责任事故: bool
    质量达标数: count from 0
    实际产出数: count above 0

constraints:
    质量达标数 ≤ 实际产出数 "达标数不多于产出数"

let 调整调剂率: percent = 调整资金 / 年初预算
let 延期天数 = max(实际完成日期 − 计划完成日期, 0)

indicator 培训情况 (2):
    award 0.5 per 培训次数
    cap 2

indicator 调整 (4):
    deduct 0.1 per 1% of ceil(调整调剂率, 1%) above 10%
    floor 0

indicator 产出完成与质量 (10):
    matrix 完成率 × 质量达标率:
        columns: ≥ 95% | 90%–95% | < 90%
        ≥ 100%              → 10 | 8 | 5
        90% ≤ 完成率 < 100% → 8  | 6 | 4
        < 90%               → 4  | 3 | 0

indicator 完成及时性 (6):
    deduct 0.5 per 延期天数

indicator 质量 (8):
    formula: round(质量达标数 / 实际产出数, 2) × 8
"""
V2_FACTS = {"培训次数": 3, "完成率": "96%", "质量达标率": "92%", "调整资金": Decimal(142), "年初预算": Decimal(1000),
            "计划完成日期": "2024-03-31", "实际完成日期": "2024年4月5日", "存在重大违规问题": False,
            "发生安全责任事故": False, "质量达标数": 7, "实际产出数": 9}


@pytest.mark.parametrize(("changes", "scores", "total", "grade"), [
    # 3 × 0.5 = 1.5; 14.2% counts as 15%, 5 points above 10%: 4 − 0.5 = 3.5; row 2 × column 2: 6;
    # 2024-04-05 − 2024-03-31 = 5 days: 6 − 2.5 = 3.5; round(7/9, 2) = 0.78, × 8 = 6.24
    ({}, {"培训情况": "1.5", "调整": "3.5", "产出完成与质量": "6", "完成及时性": "3.5", "质量": "6.24"}, "20.74", "良"),
    # 5 trainings reach the cap; 10.3% counts as 11%: −0.1; 100% × 95%: 10; on time; 9 of 9: 8 → 29.9, 优
    ({"培训次数": 5, "调整资金": Decimal(103), "完成率": "100%", "质量达标率": "95%", "实际完成日期": "2024-03-31",
      "质量达标数": 9}, {"培训情况": "2", "调整": "3.9", "产出完成与质量": "10", "完成及时性": "6", "质量": "8"},
     "29.9", "优"),
    # the same department with a 安全责任事故 is not 优 (良), and with 重大违规问题 is 差 (一票否决)
    ({"培训次数": 5, "调整资金": Decimal(103), "完成率": "100%", "质量达标率": "95%", "实际完成日期": "2024-03-31",
      "质量达标数": 9, "发生安全责任事故": True}, {}, "29.9", "良"),
    ({"培训次数": 5, "调整资金": Decimal(103), "完成率": "100%", "质量达标率": "95%", "实际完成日期": "2024-03-31",
      "质量达标数": 9, "存在重大违规问题": True}, {}, "29.9", "差"),
], ids=["mixed", "full", "accident", "veto"])
def test_a_v2_framework_scores_as_worked_out_by_hand(changes, scores, total, grade):
    result = rulecheck.loads(V2, "v2.rules").evaluate(V2_FACTS | changes, explain=False)
    assert {name: result[name].score for name in scores} == {name: Decimal(s) for name, s in scores.items()}
    assert (result.total, result.grade) == (Decimal(total), grade)
