"""What changed in the `constraints:` block, by meaning: a constraint decides which departments' facts are
refused (F517) instead of scored, so adding, removing or changing one changes what the framework accepts.

Each constraint is read as the comparisons it makes, one per neighbouring pair of a chain (0 ≤ a ≤ b is
0 ≤ a and a ≤ b), each written one way (b ≥ a is a ≤ b): two blocks that make the same comparisons mean the
same, however they are written, split or described."""

from __future__ import annotations

from collections.abc import Iterable

from ..check.constraints import compared
from ..i18n import _
from ..language import COMPARISONS
from ..syntax import ast
from ..syntax.printer import format_expr

# A comparison as the meaning reads it: (left, op, right), op one of < ≤ = ≠ (a ≥ b is kept as b ≤ a).
Atom = tuple


def constraint_changes(old: tuple, new: tuple) -> list[str]:
    """The lines for the constraints added, removed or changed from `old` to `new` (ast.Constraint rows
    of two checked programs); none when both make the same comparisons. A new constraint that makes a
    comparison the old block did not is added, or changed from an old one that compares the same names
    and is not kept as it was; an old one that made a comparison the new block does not is removed."""
    old_meaning = {atom for constraint in old for atom in atoms(constraint)}
    new_meaning = {atom for constraint in new for atom in atoms(constraint)}
    if old_meaning == new_meaning:
        return []
    kept = {frozenset(atoms(constraint)) for constraint in new}
    unmatched = [c for c in old if frozenset(atoms(c)) not in kept]
    lines = []
    for constraint in new:
        added = [a for a in atoms(constraint) if a not in old_meaning]
        if not added:
            continue
        twin = next((c for c in unmatched if _names(c) == _names(constraint)), None)
        if twin is not None:
            unmatched.remove(twin)
        lines.append(_changed(twin, constraint, added, [a for a in atoms(twin) if a not in new_meaning])
                     if twin is not None else
                     _("constraint added: {constraint} — facts with {broken} are now rejected (F517)",
                       constraint=_shown(constraint), broken=_broken(added)))
    for constraint in unmatched:
        lost = [a for a in atoms(constraint) if a not in new_meaning]
        if lost:
            lines.append(_("constraint removed: {constraint} — facts with {broken} are no longer rejected: they are "
                           "scored", constraint=_shown(constraint), broken=_broken(lost)))
    return lines


def _changed(old: ast.Constraint, new: ast.Constraint, added: list, lost: list) -> str:
    """A constraint rewritten: the facts it rejects now, and those it rejected that it no longer does."""
    if not lost:
        return _("constraint changed: {old} → {new} — facts with {broken} are now rejected too (F517)",
                 old=_shown(old), new=_shown(new), broken=_broken(added))
    return _("constraint changed: {old} → {new} — F517 now rejects facts with {broken} (it rejected those with "
             "{was})", old=_shown(old), new=_shown(new), broken=_broken(added), was=_broken(lost))


def atoms(constraint: ast.Constraint) -> list[Atom]:
    """The comparisons a constraint makes, each written one way: ≥ and > turned round into ≤ and <, the
    operands of = and ≠ in the order of their text."""
    condition = compared(constraint)
    found = []
    for left, op, right in zip(condition.operands, condition.ops, condition.operands[1:]):
        if op in (">", ">="):
            left, op, right = right, COMPARISONS[op].mirror, left
        elif op in ("=", "!=") and format_expr(right) < format_expr(left):
            left, right = right, left
        found.append((left, op, right))
    return found


def _broken(found: Iterable[Atom]) -> str:
    """'已完成 > 计划': what facts that break the comparisons look like ('… or …' for several), each with
    its name first (完成率 < 0, not 0 > 完成率)."""
    texts = [format_expr(_negated(atom)) for atom in found]
    text = texts[0]
    for other in texts[1:]:
        text = _("{left} or {right}", left=text, right=other)
    return text


def _negated(atom: Atom) -> ast.Compare:
    left, op, right = atom
    relations = frozenset("<=>") - COMPARISONS[op].relations
    negated = next(c.op for c in COMPARISONS.values() if c.relations == relations)
    if isinstance(left, ast.Number) and not isinstance(right, ast.Number):
        left, negated, right = right, COMPARISONS[negated].mirror, left
    return ast.Compare((left, right), (negated,))


def _names(constraint: ast.Constraint) -> frozenset:
    """The names a constraint compares: a changed constraint is an old and a new one comparing the same."""
    return frozenset(e.name for e in ast.walk(constraint.condition) if isinstance(e, ast.Ref))


def _shown(constraint: ast.Constraint) -> str:
    return format_expr(constraint.condition)
