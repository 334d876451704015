"""Every defect of the catalogue (tests/data/defects/, see tests/defect_catalogue.py) is caught, no later
than the stage it declares: `check` for what can be proved from the rules alone, `verify` for what the
search finds, the shipped cases (`test`) or the corpus (`diff`) for an edit that only changes scores.
A defect `check` should catch is not allowed to slip to a later stage (a regression shows here), and the
catalogue is big enough to measure by (benchmarks/defects.py prints the figures)."""

from __future__ import annotations

import pytest
from defect_catalogue import STAGES, STRUCTURAL, defects, first_catch

DEFECTS = defects()


def test_the_catalogue_is_realistic_and_large_enough():
    assert len(DEFECTS) >= 60
    assert {d.kind for d in DEFECTS} == {*STRUCTURAL, "score-only"}
    structural = [d for d in DEFECTS if d.kind in STRUCTURAL]
    early = [d for d in structural if d.caught_by in ("check", "verify")]
    assert len(early) >= 0.9 * len(structural), "check + verify must catch ≥ 90% of the structural defects"


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_each_defect_is_caught_no_later_than_its_stage(defect, tmp_path):
    allowed = STAGES[:STAGES.index(defect.caught_by) + 1]
    stages = [stage for stage in allowed if stage != "verify" or defect.caught_by == "verify"]  # verify: slow
    assert first_catch(defect, tmp_path, stages) is not None, \
        f"{defect.name} ({defect.defect}) slips past {', '.join(stages)}"
