"""The whole comparison (`Diff`) and its two outputs: text for people, JSON for tools."""

from __future__ import annotations

import json
from decimal import Decimal

import attrs

from ..batch import Scored
from ..i18n import _, ngettext
from ..syntax.layout import INDENT
from ..syntax.printer import format_name
from .impact import Effect
from .structure import IntervalChange, Section


@attrs.frozen
class Diff:
    """The whole comparison: the changes in meaning, and each department scored by both versions
    (None when no departments were given)."""
    old: str
    new: str
    sections: tuple
    effects: tuple | None = None
    inputs: tuple = ()  # where the departments were read, for the summary line
    errors: tuple = ()  # the check errors of a version compared all the same (an overlap, a gap)

    @property
    def changed(self) -> tuple:
        return tuple(e for e in self.effects or () if e.changed)

    @property
    def unscored(self) -> tuple:
        """Departments neither version can score (a row that cannot be read, a fact both miss)."""
        return tuple(e for e in self.effects or () if not e.old.ok and not e.new.ok)

    @property
    def needs_review(self) -> bool:
        """The meaning changes, or some department's scores do. A change no department of the corpus
        shows still changes scores: of the departments of next year, or of one the corpus lacks."""
        return bool(self.sections) or bool(self.changed)

    @property
    def unseen(self) -> bool:
        """The meaning changes, yet no department given moves: the output says so, lest "0 of 80
        departments change" read as "nothing changes"."""
        return self.effects is not None and not self.changed and bool(self.sections)


def render_text(diff: Diff) -> str:
    lines = [f"--- {diff.old}", f"+++ {diff.new}"]
    if not diff.sections:
        lines.append(_("no change in meaning"))
    for section in diff.sections:
        lines.append(section.heading())
        lines += [INDENT + line for line in section.lines]
        lines += [INDENT + str(change) for change in section.intervals]
    if diff.effects is None:
        return "\n".join(lines)
    lines.append("")
    for effect in diff.changed + diff.unscored:
        lines += _effect_lines(effect)
    count = len(diff.effects)
    values = dict(changed=len(diff.changed), count=count, unscored=len(diff.unscored), inputs=", ".join(diff.inputs))
    if diff.unscored and diff.inputs:
        summary = ngettext("{changed} of {count} department change; {unscored} cannot be scored by either version "
                           "({inputs})", "{changed} of {count} departments change; {unscored} cannot be scored by "
                           "either version ({inputs})", count, **values)
    elif diff.unscored:
        summary = ngettext("{changed} of {count} department change; {unscored} cannot be scored by either version",
                           "{changed} of {count} departments change; {unscored} cannot be scored by either version",
                           count, **values)
    elif diff.inputs:
        summary = ngettext("{changed} of {count} department change ({inputs})",
                           "{changed} of {count} departments change ({inputs})", count, **values)
    else:
        summary = ngettext("{changed} of {count} department change", "{changed} of {count} departments change",
                           count, **values)
    lines.append(summary)
    if diff.unseen:
        lines += _unseen_lines(diff.sections)
    return "\n".join(lines)


def _unseen_lines(sections: tuple) -> list[str]:
    """What changes although no department of the corpus moves: each band table's values whose points
    change, and the other changes as a whole."""
    lines = [_("the meaning changes (above), though no department of the corpus moves")
             for section in sections if not section.intervals][:1]
    for section in sections:
        lines += [_unseen(change) for change in section.intervals]
    return lines


def _unseen(change: IntervalChange) -> str:
    if change.grades:
        return _("the grade where {where} changes ({change}), though no department of the corpus is graded there",
                 where=change.where, change=change.change)
    if change.column_subject is None:
        return _("the scores of {subject} {values} change ({change}), though no department of the corpus has "
                 "such a value", subject=change.subject, values=change.values, change=change.change)
    return _("the scores where {where} change ({change}), though no department of the corpus has such values",
             where=change.where, change=change.change)


def _effect_lines(effect: Effect) -> list[str]:
    old, new = effect.old, effect.new
    name = f"{new.key} ({new.where})"
    old_result, new_result = old.result, new.result
    if old_result is not None and new_result is not None:
        values = dict(name=name, old=old_result.total, new=new_result.total,
                      delta=_delta(new_result.total - old_result.total))
        if old_result.grade != new_result.grade:
            head = _("{name}: {old} → {new} ({delta}), grade {old_grade} → {new_grade}", **values,
                     old_grade=old_result.grade or _("(none)"), new_grade=new_result.grade or _("(none)"))
        else:
            head = _("{name}: {old} → {new} ({delta})", **values)
        return [head] + [f"{INDENT}{format_name(indicator)}: {_score(a)} → {_score(b)}"
                         for indicator, a, b in effect.indicators()]
    if old_result is not None:  # only the old version scores it
        head = _("{name}: {total} with the old version; the new version cannot score it:", name=name,
                 total=old_result.total)
        problems = new.diagnostics
    elif new_result is not None:  # only the new version scores it
        head = _("{name}: {total} with the new version; the old version cannot score it:", name=name,
                 total=new_result.total)
        problems = old.diagnostics
    else:
        head = _("{name}: cannot be scored by either version:", name=name)
        problems = old.diagnostics + tuple(d for d in new.diagnostics if d not in old.diagnostics)
    return [head] + [INDENT + line for d in problems for line in d.render().splitlines()]


def _delta(value: Decimal) -> str:
    return f"+{value}" if value > 0 else f"−{-value}" if value < 0 else f"±{value}"


def _score(value: Decimal | None) -> str:
    return str(value) if value is not None else _("(none)")


def render_json(diff: Diff) -> str:
    data: dict[str, object] = {"old": diff.old, "new": diff.new,
                               "changes": [_section_data(s) for s in diff.sections], "departments": None}
    if diff.effects is not None:
        data["departments"] = {"count": len(diff.effects), "inputs": list(diff.inputs),
                               "changed": [_effect_data(e) for e in diff.changed],
                               "unscored": [_effect_data(e) for e in diff.unscored]}
    data["errors"] = [d.to_dict() for d in diff.errors]
    return json.dumps(data, ensure_ascii=False, indent=2)


def _section_data(section: Section) -> dict[str, object]:
    data: dict[str, object] = {"title": section.title, "changes": list(section.lines)}
    if section.span is not None:
        data.update(file=section.span.file, line=section.span.line)
    if section.intervals:
        data["intervals"] = [_interval_data(c) for c in section.intervals]
    return data


def _interval_data(change: IntervalChange) -> dict[str, object]:
    """A band table's values whose points change; a matrix cell's also names its column subject's values, a
    change of grade the inputs' values it needs, if any."""
    data: dict[str, object] = {"subject": change.subject, "values": change.values}
    if change.column_subject is not None:
        data.update(column_subject=change.column_subject, column_values=change.column_values)
    if change.grades:
        data.update(kind="grade", when=change.when)
    return data | {"old": _json(change.old), "new": _json(change.new)}


def _effect_data(effect: Effect) -> dict[str, object]:
    def side(scored: Scored) -> dict[str, object]:
        if scored.result is None:
            return {"problems": [d.to_dict() for d in scored.diagnostics]}
        return {"total": str(scored.result.total), "grade": scored.result.grade}
    data: dict[str, object] = {"key": effect.new.key, "where": effect.new.where, "old": side(effect.old),
                               "new": side(effect.new)}
    both = effect.results()
    if both is not None:
        data["delta"] = str(both[1].total - both[0].total)
        data["indicators"] = [{"name": name, "old": _json(a), "new": _json(b)} for name, a, b in effect.indicators()]
    return data


def _json(value: Decimal | str | None) -> str | None:
    return str(value) if value is not None else None
