"""The two frameworks added beside Shenzhen's score their published cases as the sources do.

rules/hunan-yueyang/: the 岳阳 department's 部门整体支出绩效自评评分表 states every leaf's 自评得分
(full marks on the 36 points encoded). rules/langfang-project/: the 廊坊市食品工程学校 项目支出绩效自评表
states 执行率 86% → 9 and 工程资金金额 37.24 of 43.2 → 9, every other leaf 10: 98. rules/huangshi-project/:
黄石市住房和城乡建设局's 2022 项目自评表 states 预算执行 19.55 ("20分*执行率", 195.5 of 200) and every other leaf
10: 总分 99.55. Each expected figure below is the source's (or, for a group, the sum of its stated leaves),
not rulecheck's output.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import rulecheck
from rulecheck.cases import coverage, find_cases, load_cases, run_case

D = Decimal
RULES = Path(__file__).resolve().parents[1] / "rules"

# (rule file, facts file, stated total, {leaf: stated score}, points of the framework)
YUEYANG_LEAVES = {"财政供养人员控制率": 5, "“三公经费”变动率指标": 5, "重点支出安排率指标": 5, "预算调整率指标": 3,
                  "支付进度": 3, "资金结余": 3, "“三公经费”控制率指标": 6, "管理制度健全性": 3, "资金使用合规性": 3}
LANGFANG_LEAVES = {"预算执行率": 9, "工程资金金额": 9, "工程完工率": 10, "工程验收合格率": 10, "项目完成及时率": 10,
                   "成本控制率": 10, "安全率": 10, "学校发展能力": 10, "长期使用性": 10, "学生满意度": 10}
HUANGSHI_LEAVES = {"预算执行率": "19.55", "宣传片及方案完成数": 10, "专家评审": 10, "按期完成": 10, "项目成本": 10,
                   "统筹海绵城市项目谋划": 10, "指导城市建设": 10, "有利于城市生态、韧性发展": 10, "群众满意度": 10}
FRAMEWORKS = {
    "hunan-yueyang": ("yueyang-dept-selfeval.yaml", "36", YUEYANG_LEAVES, 36),
    "huangshi-project": ("sponge-city-application-2022.yaml", "99.55", HUANGSHI_LEAVES, 100),
    "langfang-project": ("hvac-renovation-2019.yaml", "98", LANGFANG_LEAVES, 100),
}


@pytest.fixture(scope="module", params=sorted(FRAMEWORKS))
def framework(request):
    """(folder name, loaded rule file, scored published case) for each new framework."""
    folder = request.param
    ruleset = rulecheck.load(RULES / folder / "framework.rules")
    facts = rulecheck.load_facts(RULES / folder / "cases" / FRAMEWORKS[folder][0])
    return folder, ruleset, ruleset.evaluate(facts)


def test_the_published_case_scores_its_stated_total(framework):
    folder, _, result = framework
    _, total, _, points = FRAMEWORKS[folder]
    assert result.total == D(total)
    assert result.max == points


def test_every_leaf_scores_as_the_source_states(framework):
    folder, _, result = framework
    stated = FRAMEWORKS[folder][2]
    assert {leaf.name: leaf.score for leaf in result.leaves()} == {name: D(str(score)) for name, score in stated.items()}


def test_the_tree_adds_up_to_the_total(framework):
    folder, _, result = framework
    for _, node in result.walk():
        if node.kind == "group":
            assert node.max == sum((child.max for child in node.children), D(0)), node.name
            assert node.score == sum((child.score for child in node.children), D(0)), node.name
    assert sum((node.max for node in result.nodes), D(0)) == FRAMEWORKS[folder][3]
    assert result.total == sum((leaf.score for leaf in result.leaves()), D(0))


def test_the_frameworks_load_without_warnings(framework):
    _, ruleset, _ = framework
    assert ruleset.warnings == ()


def test_every_case_of_the_folder_passes(framework):
    folder, ruleset, _ = framework
    outcomes = [run_case(ruleset, case) for path in find_cases(RULES / folder / "framework.rules")
                for case in load_cases(path)]
    assert outcomes and all(outcome.passed for outcome in outcomes), [
        (outcome.case.name, [str(f.actual) for f in outcome.failures]) for outcome in outcomes if not outcome.passed]


def test_the_yueyang_cases_reach_every_row_item_and_boundary():
    ruleset = rulecheck.load(RULES / "hunan-yueyang" / "framework.rules")
    outcomes = [run_case(ruleset, case) for path in find_cases(RULES / "hunan-yueyang" / "framework.rules")
                for case in load_cases(path)]
    covered = coverage(ruleset, outcomes)
    assert not covered.never_missed_alone
    # 预算调整率 = 预算调整数 ÷ 年初预算数 with 预算调整数 declared from 0 is never below 0%: coverage leaves out
    # the boundary just below 0% that the prover shows no department reaches, so the rest is all of it.
    assert covered.complete
    assert all(b.boundary.value >= 0 for b in covered.boundaries if b.boundary.subject == "预算调整率")


def test_the_langfang_leaves_round_to_whole_points_half_up():
    ruleset = rulecheck.load(RULES / "langfang-project" / "framework.rules")
    facts = rulecheck.load_facts(RULES / "langfang-project" / "cases" / "hvac-renovation-2019.yaml")
    assert ruleset.evaluate(facts)["预算执行率"].explanation[-1].endswith("rounded to 9")


def test_the_huangshi_cases_earn_and_miss_every_checklist_item():
    ruleset = rulecheck.load(RULES / "huangshi-project" / "framework.rules")
    outcomes = [run_case(ruleset, case) for path in find_cases(RULES / "huangshi-project" / "framework.rules")
                for case in load_cases(path)]
    covered = coverage(ruleset, outcomes)
    assert covered.complete
    assert len(covered.targets) == 3 and not covered.never_missed_alone


def test_the_huangshi_budget_execution_is_twenty_points_times_the_rate_rounded_half_up():
    ruleset = rulecheck.load(RULES / "huangshi-project" / "framework.rules")
    facts = rulecheck.load_facts(RULES / "huangshi-project" / "cases" / "sponge-city-application-2022.yaml")
    scores = {spent: ruleset.evaluate({**facts.values, "执行数": D(spent)})["预算执行率"].score
              for spent in ("195.5", "195.55", "195.549", "210")}
    assert scores == {"195.5": D("19.55"), "195.55": D("19.56"), "195.549": D("19.55"), "210": D("20")}
