"""The impact of a change: the same departments (a facts file, a batch input or the cases, read by
corpus.py) scored with both versions."""

from __future__ import annotations

import attrs

from ..api import ruleset_from
from ..batch import Scored, score_departments
from ..inputs.tables import Department
from ..results import Result
from .versions import Version


@attrs.frozen
class Effect:
    """One department scored by both versions (batch.Scored each: a result, or why there is none)."""
    old: Scored
    new: Scored

    @property
    def scored(self) -> bool:
        return self.old.ok and self.new.ok

    def results(self) -> tuple[Result, Result] | None:
        """The old and the new version's results, or None unless both versions score the department."""
        if self.old.result is None or self.new.result is None:
            return None
        return self.old.result, self.new.result

    @property
    def changed(self) -> bool:
        """Its scores differ, or one version scores it and the other cannot."""
        both = self.results()
        if both is not None:
            old, new = both
            return bool(self.indicators()) or old.total != new.total or old.grade != new.grade
        return self.old.ok != self.new.ok

    def indicators(self) -> list[tuple]:
        """(name, old score, new score) of each indicator whose score changed; None where a version
        has no such indicator. Only for a department both versions score."""
        both = self.results()
        assert both is not None  # callers ask only when `scored`
        old = {node.name: node.score for node in both[0].leaves()}
        new = {node.name: node.score for node in both[1].leaves()}
        names = list(old) + [name for name in new if name not in old]
        return [(name, old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name)]


def impact(old: Version, new: Version, departments: list[Department]) -> list[Effect]:
    """Each department scored by both versions. A fact that only the other version declares is left
    out for this one: an input added or removed by the change is not a typo in the facts."""
    old_rules, new_rules = ruleset_from(old.analysis), ruleset_from(new.analysis)
    only_old = set(old_rules.inputs) - set(new_rules.inputs)
    only_new = set(new_rules.inputs) - set(old_rules.inputs)
    old_scored = score_departments(old_rules, (_without(d, only_new) for d in departments))
    new_scored = score_departments(new_rules, (_without(d, only_old) for d in departments))
    return [Effect(a, b) for a, b in zip(old_scored, new_scored)]


def _without(department: Department, names: set) -> Department:
    if not names.intersection(department.facts):
        return department
    return attrs.evolve(department, facts={k: v for k, v in department.facts.items() if k not in names})
