"""Generate the sample corpus: departments scored with the Shenzhen framework, one CSV row each.

    python benchmarks/make_corpus.py                               # rules/shenzhen/cases/corpus-2024.csv
    python benchmarks/make_corpus.py --rows 100000 --output big.csv   # for benchmarks/batch.py

Deterministic: the same seed and row count give the same file, byte for byte. The first row is the
real department of the shipped case (深圳市教育信息技术中心, 97.83); the others are generated around
it. Each department has a quality (most are good, some middling, a few poor) that makes its
checklists, publications and project timeliness hang together; its band tables' values are spread
over every band, and the first rows go through the bands in turn, so that even a small corpus
reaches each band of each table, each grade, and several 满意度 in [90%, 95%).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
from decimal import Decimal
from pathlib import Path

import yaml

from rulecheck.inputs.facts import NAME_FIELDS, FactsLoader

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "rules/shenzhen/cases/edu-info-center-2024.yaml"
CORPUS = ROOT / "rules/shenzhen/cases/corpus-2024.csv"
SEED = 2024
ROWS = 80
CYCLED_ROWS = 24  # the first generated rows take each table's bands in turn
CENT = Decimal("0.01")

# ---- the band tables, each band as the range its ratio is drawn from, in basis points (1% = 100) -----
SATISFACTION = [(9500, 10000), (9000, 9499), (8000, 8999), (6000, 7999)]  # ≥ 95%, [90, 95), [80, 90), < 80%
ASSET_USE = [(9000, 10000), (7500, 8999), (6000, 7499), (3500, 5999)]     # ≥ 90%, [75, 90), [60, 75), < 60%
STAFF = [(8000, 10000), (10001, 10800)]                                  # ≤ 100%, > 100%
OUTSIDE_STAFF = [(0, 499), (500, 1000), (1001, 2500)]                    # < 5%, [5, 10], > 10%
SPENDING_CONTROL = [(5000, 8999), (9000, 10000), (10001, 12000)]         # < 90%, [90, 100], > 100%
PURCHASES = [(7500, 10000), (10001, 11500)]                              # actual ≤ plan, > plan
ADJUSTMENT = [(0, 1000), (1001, 2500)]                                   # ≤ 10%, above (deducted)
PUBLICATION = ["按规定公开", "公开但不完全符合", "未公开"]
SPECIAL_FUND_RESULT = ["优", "良", "中", "差", "未评价"]
QUALITY = [(85, 100), (60, 84), (15, 59)]  # good, middling, poor: the chance (%) that a thing is done well
POOR, POOR_ROWS = 2, (6, 13)  # two poor departments among the first rows, so that every grade is reached


class Department:
    """Draws one department's facts; `quality` and the cycle position steer which bands it falls in."""

    def __init__(self, rng: random.Random, index: int):
        self.rng, self.index = rng, index
        quality = POOR if index in POOR_ROWS else self.weighted((72, 22, 6))
        self.quality = self.draw(*QUALITY[quality])

    def draw(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self.rng.randint(1, 100) <= percent

    def band(self, count: int, weights=None, offset: int = 0) -> int:
        """Which band: in turn for the first rows, then the best band as often as the quality says
        (or by `weights`), another otherwise."""
        if self.index < CYCLED_ROWS:
            return (self.index + offset) % count
        if weights is not None:
            return self.weighted(weights)
        return 0 if self.chance(self.quality) else self.draw(1, count - 1)

    def weighted(self, weights) -> int:
        """A band drawn with these weights; integers only, so that every Python draws the same."""
        pick = self.draw(1, sum(weights))
        return next(band for band, reach in enumerate(itertools.accumulate(weights)) if pick <= reach)

    def ratio(self, bands, offset: int) -> Decimal:
        low, high = bands[self.band(len(bands), offset=offset)]
        return Decimal(self.draw(low, high)) / 10000

    def amount(self, low: int, high: int) -> Decimal:
        return Decimal(self.draw(low * 100, high * 100)) * CENT

    def part_of(self, whole: Decimal, bands, offset: int) -> Decimal:
        """An amount that is a ratio of `whole` in the chosen band, rounded to the cent without leaving it."""
        low, high = bands[self.band(len(bands), offset=offset)]
        share = Decimal(self.draw(low, high)) / 10000
        part = (whole * share).quantize(CENT)
        while not Decimal(low) / 10000 <= part / whole <= Decimal(high) / 10000:
            part += CENT if part / whole < Decimal(low) / 10000 else -CENT
        return part

    def facts(self) -> dict:
        done = self.chance
        q = self.quality
        budget = self.amount(800, 60000)
        purchase_plan = (budget * Decimal(self.draw(500, 6000)) / 10000).quantize(CENT)
        assets = self.amount(50, 8000)
        posts = self.draw(20, 400)
        staff = max(1, int(posts * self.ratio(STAFF, offset=1)))
        outside = self.outside_staff(staff)
        public_budget = self.amount(5, 300)
        office_budget = self.amount(50, 3000)
        planned = self.draw(3, 60)
        first = self.draw(500 + q * 5, 2200 + q * 6)  # quarter by quarter, cumulative, in basis points
        second = first + self.draw(1500, 3000)
        third = second + self.draw(1500, 2800)
        fourth = min(third + self.draw(1200, 3000), 10000 if done(90) else 10300)
        return {
            "编制分配符合职责和方针政策": done(q + 10), "资金按工作重点合理分配": done(q + 5),
            "专项资金编制细化合理": done(q), "功能经济分类编制准确": done(q), "预算分配不固化": done(q + 5),
            "预算编制规范性评分": Decimal(5) if done(q) else Decimal(self.draw(4, 9)) / 2,
            "绩效目标全覆盖": done(q + 5), "指标细化为具体任务": done(q), "含履职效益指标": done(q),
            "指标值清晰可衡量": done(q + 5), "含可量化指标": done(q + 10), "目标值测算有依据": done(q),
            "实际政府采购金额": self.part_of(purchase_plan, PURCHASES, offset=2),
            "政府采购预算金额": purchase_plan,
            "资金支出符合制度规定": done(q + 10),
            "年初预算": budget,
            "调整资金": self.part_of(budget, ADJUSTMENT, offset=1),
            "会计核算规范性评分": Decimal(1) if done(q + 5) else Decimal(self.draw(3, 9)) / 10,
            "部门预算公开情况": PUBLICATION[self.band(3, offset=2)],
            "部门决算公开情况": PUBLICATION[self.band(3, offset=0)],
            "项目设立调整履行报批程序": done(q + 5), "招投标建设验收执行制度": done(q),
            "建立执行资金管理和监控机制": done(q), "主管部门开展有效检查监控": done(q + 5),
            "有检查监督证明材料": done(q),
            "专项资金绩效评价结果": SPECIAL_FUND_RESULT[self.band(5, weights=(30, 30, 8, 4, 28), offset=3)],
            "资产配置合理账实相符": done(q + 5), "资产处置规范收入及时上缴": done(q + 5),
            "在用固定资产总额": self.part_of(assets, ASSET_USE, offset=3), "固定资产总额": assets,
            "在编人数": staff, "核定编制数": posts, "编外人员数": outside,
            "已制定管理制度": done(q + 15), "制度合法合规完整": done(q + 5), "制度有效执行": done(q),
            "“三公”经费实际支出": self.part_of(public_budget, SPENDING_CONTROL, offset=1),
            "“三公”经费预算安排数": public_budget,
            "日常公用经费实际支出": self.part_of(office_budget, SPENDING_CONTROL, offset=2),
            "日常公用经费调整预算数": office_budget,
            "一季度支出进度": percent(first), "二季度支出进度": percent(second),
            "三季度支出进度": percent(third), "四季度支出进度": percent(fourth),
            "未完成重点工作数": 0 if done(q) else self.rng.choice([1, 1, 1, 2, 3]),
            "按计划时间完成项目数": planned if done(q) else planned - self.draw(1, max(1, planned // 3)),
            "计划完成项目数": planned,
            "效益评分": Decimal(50 - (0 if done(q) else self.draw(1, 20 - q // 6))) / 2,
            "建立意见反映和回复机制": done(q + 10), "信访办理回复率达100": done(q + 5),
            "信访及时办理回复率达100": done(q),
            "满意度": percent(self.draw(*SATISFACTION[self.band(4, offset=3)])),
        }

    def outside_staff(self, staff: int) -> int:
        """Staff outside the establishment whose share of all staff falls in the chosen band."""
        low, high = OUTSIDE_STAFF[self.band(3, offset=2)]
        share = self.draw(low, high)
        outside = staff * share // (10000 - share)
        while outside * 10000 < low * (staff + outside):
            outside += 1
        while outside and outside * 10000 > high * (staff + outside):
            outside -= 1
        return outside


def percent(basis_points: int) -> str:
    return f"{Decimal(basis_points) / 100}%"


def cell(value) -> str:
    """A fact as an analyst types it into a spreadsheet: 是/否, 96.5%, 10339.11, 按规定公开."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def shipped_case() -> dict:
    """The real department of the shipped case, with its facts as they are in its YAML file (its display
    name aside: the corpus has no name column)."""
    facts = yaml.load(CASE.read_text(encoding="utf-8"), Loader=FactsLoader)
    return {name: value for name, value in facts.items() if name not in NAME_FIELDS}


def write_corpus(stream, rows: int, seed: int = SEED) -> None:
    """The header (id, then the inputs as the shipped case names them) and `rows` departments."""
    case = shipped_case()
    columns = list(case)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["id", *columns])
    writer.writerow(["edu-info-center-2024", *(cell(case[name]) for name in columns)])
    rng = random.Random(seed)
    width = len(str(rows))
    for index in range(rows - 1):
        facts = Department(rng, index).facts()
        assert list(facts) == columns, set(facts) ^ set(columns)
        writer.writerow([f"D{index + 1:0{max(width, 3)}d}", *(cell(facts[name]) for name in columns)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help=f"departments (default {ROWS})")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed of the generator (default {SEED})")
    parser.add_argument("--output", type=Path, default=CORPUS, help="the CSV to write (- for standard output)")
    args = parser.parse_args()
    if str(args.output) == "-":
        write_corpus(sys.stdout, args.rows, args.seed)
        return
    with args.output.open("w", encoding="utf-8", newline="") as stream:
        write_corpus(stream, args.rows, args.seed)
    print(f"wrote {args.rows} departments to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
