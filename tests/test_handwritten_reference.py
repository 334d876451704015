"""A second, independent scorer of the Shenzhen framework agrees with rulecheck, leaf by leaf.

benchmarks/handwritten_shenzhen.py scores the framework the way a developer would by hand (plain
functions, Decimal and Fraction, no rulecheck): it is the reference of rulecheck's speed in
benchmarks/suite.py, and here the reference of its scores. It reads the corpus's cells itself, so a
disagreement is either a bug in rulecheck's reading of the cells or in its scoring, or a hand-written leaf
that does not say what the rule file says.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from click.testing import CliRunner

from rulecheck.batch import leaf_names
from rulecheck.cli import main


@pytest.fixture(scope="module")
def handwritten(root):
    """The hand-written scorer, imported from benchmarks/ (not a package) by its path."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("handwritten_shenzhen", root / "benchmarks/handwritten_shenzhen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus_path(root):
    return root / "rules/shenzhen/cases/corpus-2024.csv"


def test_it_scores_the_leaves_rulecheck_scores(handwritten, framework):
    assert list(handwritten.LEAF_NAMES) == leaf_names(framework)


def test_it_agrees_on_the_shipped_case_leaf_by_leaf(handwritten, framework, case_facts):
    result = framework.evaluate(case_facts, explain=False)
    leaves, total, grade = handwritten.score(framework.validate(case_facts))
    assert leaves == {leaf.name: leaf.score for leaf in result.leaves()}
    assert (total, grade) == (result.total, result.grade) == (Decimal("97.83"), "优")
    assert (leaves["预算执行率"], leaves["项目完成及时性"], leaves["编外人员控制率"]) == (
        Decimal("4.52"), Decimal("5.81"), Decimal("0.50"))


def test_it_agrees_with_rulecheck_score_on_every_row_of_the_corpus(handwritten, framework_path, corpus_path, tmp_path):
    """The whole CSV `rulecheck score` writes, cell by cell, against the hand-written batch's."""
    scored = CliRunner().invoke(main, ["score", str(framework_path), str(corpus_path), "--format", "csv"])
    assert scored.exit_code == 0, scored.output
    by_rulecheck = list(csv.DictReader(io.StringIO(scored.stdout.lstrip("\ufeff"))))
    written = tmp_path / "handwritten.csv"
    handwritten.score_csv(str(corpus_path), str(written))
    with written.open(encoding="utf-8-sig", newline="") as stream:
        by_hand = list(csv.DictReader(stream))
    assert len(by_hand) == len(by_rulecheck) == 80
    for ours, theirs in zip(by_hand, by_rulecheck):
        assert ours == theirs, ours["key"]


def test_the_corpus_reaches_the_leaves_that_need_fractions(handwritten, corpus_path):
    """The agreement above covers the exact parts: a deduction on 调整调剂率 that does not end, and
    项目完成及时性 on a quotient that does not end, are both in the corpus."""
    with corpus_path.open(encoding="utf-8", newline="") as stream:
        facts = [handwritten.parse_cells(cells) for cells in csv.DictReader(stream)]
    assert any(isinstance(handwritten.finance_compliance(f), Fraction) for f in facts)
    assert any(handwritten.timeliness(f).denominator % 3 == 0 for f in facts)


def test_it_rounds_half_up_exactly(handwritten):
    assert handwritten.rounded(Fraction(180, 31)) == Decimal("5.81")
    assert handwritten.rounded(Fraction(4525, 1000)) == Decimal("4.53")
    assert handwritten.rounded(Decimal("4.515")) == Decimal("4.52")
    assert handwritten.rounded(Fraction(4524999, 1000000)) == Decimal("4.52")


def test_its_band_function_matches_the_rule_on_the_thresholds(handwritten, framework, case_facts):
    for satisfaction, points in (("95%", 6), ("94.99%", 4), ("90%", 4), ("89.99%", 2), ("80%", 2), ("79.99%", 1)):
        facts = {**case_facts.values, "满意度": satisfaction}
        assert framework.evaluate(facts, explain=False)["公众或服务对象满意度"].score == points
        assert handwritten.satisfaction_points(Decimal(satisfaction[:-1]) / 100) == points


def test_its_batch_reports_a_bad_cell_in_the_error_column(handwritten, corpus_path, tmp_path):
    lines = corpus_path.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace(",是,", ",也许,", 1)]) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    handwritten.score_csv(str(bad), str(out))
    with out.open(encoding="utf-8-sig", newline="") as stream:
        (row,) = list(csv.DictReader(stream))
    assert row["total"] == "" and "也许" in row["error"]
