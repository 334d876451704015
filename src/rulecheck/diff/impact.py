"""The impact of a change: the same departments (a facts file, a batch input or the cases) scored
with both versions."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs

from ..api import ruleset_from
from ..batch import Department, Scored, is_batch, read_departments, score_departments
from ..cases import load_cases
from ..diagnostics import FactsError, InputFileError, RulecheckError
from ..inputs.facts import load_facts
from ..results import Result
from .versions import Version


def departments_in(path: str | Path, ruleset_inputs: Iterable[str]) -> tuple[list[Department], list]:
    """The departments of a facts file, a folder of them, a CSV or a JSON Lines file (batch.py reads
    all but the first), and what concerns the whole input (a column naming no input of either version).
    Raises InputFileError if the input cannot be read at all."""
    path = Path(path)
    if is_batch(path):
        departments = read_departments(path, ruleset_inputs)
        return list(departments), departments.diagnostics
    key = path.with_suffix("").name
    try:
        facts = load_facts(path)
    except FactsError as exc:
        return [Department(key, str(path), errors=tuple(exc.diagnostics))], []
    except OSError as exc:
        raise InputFileError.single("E002", f"cannot read facts file: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError:
        raise InputFileError.single("E002", "the facts file is not UTF-8 text", path) from None
    return [_department(key, str(path), facts)], []


def departments_of_cases(paths: Iterable[Path]) -> list[Department]:
    """The cases of case files (rulecheck.cases) as departments: named by the case, located where the case
    is written. A case file that cannot be read is one department that cannot be scored."""
    found = []
    for path in paths:
        try:
            cases = load_cases(path)
        except RulecheckError as exc:
            found.append(Department(str(path), str(path), errors=tuple(exc.diagnostics)))
            continue
        found += [_case_department(case) for case in cases]
    return found


def _case_department(case) -> Department:
    where = f"{case.span.file}:{case.span.line}" if case.span else case.file
    if case.facts is None:  # its facts could not be read
        return Department(case.name, where, errors=tuple(case.problems))
    return _department(case.name, where, case.facts)


def _department(key: str, where: str, facts) -> Department:
    """A department of one facts file (a FactSet), its facts' lines kept for messages."""
    return Department(key, where, facts.values, spans=facts.spans, source=facts.source)


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
