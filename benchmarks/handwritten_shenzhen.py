"""The Shenzhen framework scored by hand: what a careful developer writes instead of using rulecheck.

rulecheck's speed is measured against this file (benchmarks/suite.py, issue 13), and the tests use it as
a second, independent reference scorer (tests/test_handwritten_reference.py checks that it agrees with
`rulecheck score` leaf by leaf). So it is written the way such a developer would write it, from the
参考评分标准 in rules/shenzhen/framework.rules, and it imports nothing of rulecheck:

- plain functions, one per leaf, over facts already converted to Python values (bool, Decimal, str);
- exact arithmetic: Decimal where every step terminates (sums, products, comparisons made by
  cross-multiplying instead of dividing), Fraction where a quotient may not (30 / 31 × 6);
- each leaf rounded to 2 decimals half-up (四舍五入), the total the sum of the rounded leaves.

Run: python benchmarks/handwritten_shenzhen.py CORPUS.csv SCORES.csv — the batch read-score-write, a row
per department, with the columns `rulecheck score … --output SCORES.csv` writes.
"""

from __future__ import annotations

import csv
import sys
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

CENT = Decimal("0.01")
ZERO, ONE = Decimal(0), Decimal(1)

# ---- the inputs, by how a spreadsheet cell is read ---------------------------------------------------------
BOOLS = (
    "编制分配符合职责和方针政策", "资金按工作重点合理分配", "专项资金编制细化合理", "功能经济分类编制准确",
    "预算分配不固化",
    "绩效目标全覆盖", "指标细化为具体任务", "含履职效益指标", "指标值清晰可衡量", "含可量化指标", "目标值测算有依据",
    "资金支出符合制度规定", "项目设立调整履行报批程序", "招投标建设验收执行制度", "建立执行资金管理和监控机制",
    "主管部门开展有效检查监控", "有检查监督证明材料", "资产配置合理账实相符", "资产处置规范收入及时上缴",
    "已制定管理制度", "制度合法合规完整", "制度有效执行", "建立意见反映和回复机制", "信访办理回复率达100",
    "信访及时办理回复率达100",
)
NUMBERS = (  # amounts, counts and evaluators' scores
    "预算编制规范性评分", "实际政府采购金额", "政府采购预算金额", "年初预算", "调整资金", "会计核算规范性评分",
    "在用固定资产总额", "固定资产总额", "在编人数", "核定编制数", "编外人员数", "“三公”经费实际支出",
    "“三公”经费预算安排数", "日常公用经费实际支出", "日常公用经费调整预算数", "未完成重点工作数",
    "按计划时间完成项目数", "计划完成项目数", "效益评分",
)
PERCENTS = ("一季度支出进度", "二季度支出进度", "三季度支出进度", "四季度支出进度", "满意度")
PUBLICATION = {"按规定公开": Decimal("1.5"), "公开但不完全符合": ONE, "未公开": ZERO}
GRADES = {"部门预算公开情况": set(PUBLICATION), "部门决算公开情况": set(PUBLICATION),
          "专项资金绩效评价结果": {"优", "良", "中", "差", "未评价"}}
YES_NO = {"是": True, "否": False}


def parse_cells(cells: dict[str, str]) -> dict[str, object]:
    """A CSV row's cells as values; raises ValueError naming the first cell that is not one."""
    facts: dict[str, object] = {}
    for name in BOOLS:
        if cells[name] not in YES_NO:
            raise ValueError(f"{name}: {cells[name]!r} is not 是 or 否")
        facts[name] = YES_NO[cells[name]]
    for name in NUMBERS:
        facts[name] = number(name, cells[name])
    for name in PERCENTS:
        cell = cells[name]
        if not cell.endswith("%"):
            raise ValueError(f"{name}: {cell!r} is not a percentage")
        facts[name] = number(name, cell[:-1]) / 100
    for name, allowed in GRADES.items():
        if cells[name] not in allowed:
            raise ValueError(f"{name}: {cells[name]!r} is not one of {', '.join(sorted(allowed))}")
        facts[name] = cells[name]
    return facts


def number(name: str, cell: str) -> Decimal:
    try:
        return Decimal(cell)
    except InvalidOperation:
        raise ValueError(f"{name}: {cell!r} is not a number") from None


# ---- one band table, as a developer writes it: the benchmark of a band ---------------------------------------
SATISFACTION_95, SATISFACTION_90, SATISFACTION_80 = Decimal("0.95"), Decimal("0.90"), Decimal("0.80")
SIX, FOUR, TWO = Decimal(6), Decimal(4), Decimal(2)


def satisfaction_points(satisfaction: Decimal) -> Decimal:
    """满意度 ≥ 95% 得 6 分; 90% ≤ 满意度 < 95% 得 4 分; 80% ≤ 满意度 < 90% 得 2 分; 满意度 < 80% 得 1 分."""
    if satisfaction >= SATISFACTION_95:
        return SIX
    if satisfaction >= SATISFACTION_90:
        return FOUR
    if satisfaction >= SATISFACTION_80:
        return TWO
    return ONE


# ---- the 21 leaves, each from the facts to its exact score ---------------------------------------------------
def points(*items: tuple[bool, int]) -> Decimal:
    """A checklist: the points of the items that hold."""
    return Decimal(sum(weight for holds, weight in items if holds))


def budget_reasonable(f) -> Decimal:  # 预算编制合理性 (5)
    return points((f["编制分配符合职责和方针政策"], 1), (f["资金按工作重点合理分配"], 1),
                  (f["专项资金编制细化合理"], 1), (f["功能经济分类编制准确"], 1), (f["预算分配不固化"], 1))


def targets_clear(f) -> Decimal:  # 绩效指标明确性 (7)
    return points((f["指标细化为具体任务"], 2), (f["含履职效益指标"], 2), (f["指标值清晰可衡量"], 1),
                  (f["含可量化指标"], 1), (f["目标值测算有依据"], 1))


def procurement(f) -> Decimal:  # 政府采购执行情况 (2): 实际 > 计划 得 0 分
    return TWO if f["实际政府采购金额"] <= f["政府采购预算金额"] else ZERO


def finance_compliance(f) -> Decimal | Fraction:  # 财务合规性 (3), three parts added before the rounding
    spending = ONE if f["资金支出符合制度规定"] else ZERO
    adjusted, budget = f["调整资金"], f["年初预算"]
    # 调整调剂率 ≤ 10% 得 1 分; above, 0.1 off per percentage point (proportionally), at least 0:
    # 1 − 10 × (rate − 10%) = 2 − 10 × 调整资金 / 年初预算
    if adjusted * 10 <= budget:
        return spending + ONE + f["会计核算规范性评分"]
    adjustment = max(Fraction(2) - Fraction(adjusted * 10) / Fraction(budget), Fraction(0))
    return Fraction(spending) + adjustment + Fraction(f["会计核算规范性评分"])


def publication(f) -> Decimal:  # 预决算信息公开 (3)
    return PUBLICATION[f["部门预算公开情况"]] + PUBLICATION[f["部门决算公开情况"]]


def supervision(f) -> Decimal:  # 项目监管 (2)
    checked = f["主管部门开展有效检查监控"] and f["有检查监督证明材料"] and f["专项资金绩效评价结果"] != "差"
    return points((f["建立执行资金管理和监控机制"], 1), (checked, 1))


def asset_use(f) -> Decimal:  # 固定资产利用率 (1): the ratio compared by cross-multiplying
    in_use, assets = f["在用固定资产总额"], f["固定资产总额"]
    if in_use * 100 >= assets * 90:
        return ONE
    if in_use * 100 >= assets * 75:
        return Decimal("0.7")
    if in_use * 100 >= assets * 60:
        return Decimal("0.4")
    return ZERO


def staff_control(f) -> Decimal:  # 财政供养人员控制率 (1): 在编 / 核定编制 ≤ 100%
    return ONE if f["在编人数"] <= f["核定编制数"] else ZERO


def outside_staff(f) -> Decimal:  # 编外人员控制率 (1): 编外 / (在编 + 编外) < 5% → 1, ≤ 10% → 0.5
    outside, everyone = f["编外人员数"], f["在编人数"] + f["编外人员数"]
    if outside * 100 < everyone * 5:
        return ONE
    if outside * 100 <= everyone * 10:
        return Decimal("0.5")
    return ZERO


def spending_control(spent: Decimal, planned: Decimal) -> Decimal:
    """One 3-point part of 公用经费控制率: < 90% → 3, 90%–100% → 2, > 100% → 0."""
    if spent * 100 < planned * 90:
        return Decimal(3)
    return TWO if spent <= planned else ZERO


def public_spending(f) -> Decimal:  # 公用经费控制率 (6)
    return (spending_control(f["“三公”经费实际支出"], f["“三公”经费预算安排数"])
            + spending_control(f["日常公用经费实际支出"], f["日常公用经费调整预算数"]))


QUARTERS = (("一季度支出进度", Fraction(1, 4)), ("二季度支出进度", Fraction(1, 2)),
            ("三季度支出进度", Fraction(3, 4)), ("四季度支出进度", Fraction(1)))


def budget_execution(f) -> Fraction:  # 预算执行率 (6): Σ rate × 1 + average rate × 2 = 1.5 × Σ rate
    rates = sum(min(Fraction(f[name]) / schedule, Fraction(1)) for name, schedule in QUARTERS)
    return Fraction(3, 2) * rates


def key_tasks(f) -> Decimal:  # 重点工作完成情况 (8): 4 off per unfinished task, at least 0
    return max(Decimal(8) - 4 * f["未完成重点工作数"], ZERO)


def timeliness(f) -> Fraction:  # 项目完成及时性 (6)
    return min(Fraction(f["按计划时间完成项目数"]) / Fraction(f["计划完成项目数"]), Fraction(1)) * 6


def petitions(f) -> Decimal:  # 群众信访办理情况 (3)
    return points((f["建立意见反映和回复机制"], 1), (f["信访办理回复率达100"], 1), (f["信访及时办理回复率达100"], 1))


LEAVES = (
    ("预算编制合理性", budget_reasonable),
    ("预算编制规范性", lambda f: f["预算编制规范性评分"]),
    ("绩效目标完整性", lambda f: Decimal(3) if f["绩效目标全覆盖"] else ZERO),
    ("绩效指标明确性", targets_clear),
    ("政府采购执行情况", procurement),
    ("财务合规性", finance_compliance),
    ("预决算信息公开", publication),
    ("项目实施程序", lambda f: points((f["项目设立调整履行报批程序"], 1), (f["招投标建设验收执行制度"], 1))),
    ("项目监管", supervision),
    ("资产管理安全性", lambda f: points((f["资产配置合理账实相符"], 1), (f["资产处置规范收入及时上缴"], 1))),
    ("固定资产利用率", asset_use),
    ("财政供养人员控制率", staff_control),
    ("编外人员控制率", outside_staff),
    ("管理制度健全性", lambda f: points((f["已制定管理制度"], 1), (f["制度合法合规完整"], 1), (f["制度有效执行"], 1))),
    ("公用经费控制率", public_spending),
    ("预算执行率", budget_execution),
    ("重点工作完成情况", key_tasks),
    ("项目完成及时性", timeliness),
    ("社会效益、经济效益、生态效益等", lambda f: f["效益评分"]),
    ("群众信访办理情况", petitions),
    ("公众或服务对象满意度", lambda f: satisfaction_points(f["满意度"])),
)
LEAF_NAMES = tuple(name for name, _score in LEAVES)


def rounded(value: Decimal | Fraction) -> Decimal:
    """2 decimals, half-up (四舍五入); scores are never negative, so half-up is floor(x × 100 + ½) / 100."""
    if isinstance(value, Decimal):
        return value.quantize(CENT, ROUND_HALF_UP)
    cents = (value.numerator * 200 + value.denominator) // (2 * value.denominator)
    return Decimal(cents).scaleb(-2)


def grade(total: Decimal) -> str:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差."""
    if total >= 90:
        return "优"
    if total >= 80:
        return "良"
    return "中" if total >= 60 else "差"


def score(facts: dict[str, object]) -> tuple[dict[str, Decimal], Decimal, str]:
    """Each leaf's rounded score, the total (the sum of the rounded leaves) and the grade."""
    leaves = {name: rounded(leaf(facts)) for name, leaf in LEAVES}
    total = sum(leaves.values(), ZERO)
    return leaves, total, grade(total)


# ---- batch: read a CSV of departments, score each, write a CSV of scores -----------------------------------
def score_csv(source: str, target: str) -> None:
    """A row of scores per department (key, the 21 leaves, total, grade, error), streamed row by row."""
    with open(source, encoding="utf-8-sig", newline="") as reading, \
            open(target, "w", encoding="utf-8-sig", newline="") as writing:
        rows = csv.reader(reading)
        header = next(rows)
        writer = csv.writer(writing, lineterminator="\n")
        writer.writerow(["key", *LEAF_NAMES, "total", "grade", "error"])
        for cells in rows:
            writer.writerow(scored_row(dict(zip(header, cells))))


def scored_row(cells: dict[str, str]) -> list[str]:
    try:
        leaves, total, given = score(parse_cells(cells))
    except (ValueError, KeyError) as problem:
        return [cells.get("id", ""), *[""] * len(LEAF_NAMES), "", "", str(problem)]
    return [cells.get("id", ""), *(str(leaves[name]) for name in LEAF_NAMES), str(total), given, ""]


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python benchmarks/handwritten_shenzhen.py CORPUS.csv SCORES.csv")
    score_csv(sys.argv[1], sys.argv[2])
