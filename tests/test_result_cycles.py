"""A department's Result, explained or not, its tree grown and every line read, holds no reference
cycle: it is freed as soon as the last reference to it goes, not when the cyclic collector next runs (a
batch or a service scoring thousands would otherwise keep each one's scores and lines alive meanwhile)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import rulecheck
from rulecheck.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("explain", [False, True])
def test_a_result_read_whole_leaves_nothing_for_the_cyclic_collector(explain):
    ruleset = rulecheck.load(ROOT / "rules/shenzhen/framework.rules")
    facts = ruleset.validate(rulecheck.load_facts(ROOT / "rules/shenzhen/cases/edu-info-center-2024.yaml"))

    def read_whole() -> None:
        result = evaluate(ruleset.compiled, facts, explain=explain)
        assert [str(step) for _depth, node in result.walk() for step in node.explanation] or not explain
        result.to_dict()

    read_whole()  # the generated functions written, the texts prepared: once, kept
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            read_whole()
        assert gc.collect() == 0
    finally:
        gc.enable()
