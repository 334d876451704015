"""Quick fixes: every "did you mean" hint of a finding becomes an edit that writes what it suggests.

A hint is a translated message (`did you mean '{name}'?`, `是否想写 '{name}'?`): it is read back with the
same message in the same language turned into a pattern, so a fix needs no new field on Diagnostic and a
new "did you mean" message only needs a row in SUGGESTIONS. What is replaced is the text the finding
quotes ('满意渡' of "unknown name '满意渡'"), looked for on the finding's line from its column; or, when
the suggestion says what it replaces (`written`), that; or else the text the span covers."""

from __future__ import annotations

import re

import attrs

from ..diagnostics import Diagnostic
from ..i18n import N_, _
from ..source import Source

QUOTED = re.compile(r"'([^']+)'")


@attrs.frozen
class Suggestion:
    """A "did you mean" hint: its message, how the replacement is written from its values, and which
    of its values (if any) names the text replaced."""
    message: str
    replacement: str
    replaced: str | None = None

    def pattern(self) -> re.Pattern[str]:
        """The hint in the current language, its {placeholders} matching anything."""
        seen: set[str] = set()

        def group(match: re.Match[str]) -> str:  # a placeholder written twice ({meant}) matches the same
            name = match[1]
            if name in seen:
                return f"(?P={name})"
            seen.add(name)
            return f"(?P<{name}>.+?)"

        return re.compile(re.sub(r"\\\{(\w+)\\\}", group, re.escape(_(self.message))))


SUGGESTIONS = (
    Suggestion(N_("did you mean '{name}'?"), "{name}"),
    Suggestion(N_("did you mean '{meant}'? '{written}' looks like it but is another character: write {meant} "
                  "(or {ascii})"), "{meant}", "written"),
    Suggestion(N_("did you mean '{meant}'? '{written}' looks like it but is another character: write {meant}"),
               "{meant}", "written"),
    Suggestion(N_("did you mean {number}%? a bare number is not a percentage"), "{number}%"),
    # {shadow} is the whole grade row (≥ 8 → 良), {meant} its condition corrected (≥ 80): the grade is kept
    Suggestion(N_("correct the threshold of row {before} ({shadow}): did you mean {meant}? As written it takes the "
                  "totals of the rows below it"), "{meant}{shadow_grade}", "shadow"),
)


@attrs.frozen
class Fix:
    """Replace code points [start, end) (from 0) of `line` (from 1) with `text`."""
    line: int
    start: int
    end: int
    old: str
    text: str

    def title(self) -> str:
        return _("replace '{old}' with '{new}'", old=self.old, new=self.text)


def fix_for(diagnostic: Diagnostic, source: Source) -> Fix | None:
    """The edit a finding's "did you mean" hint suggests, if it has one and the text is found."""
    if diagnostic.hint is None or diagnostic.span is None:
        return None
    for suggestion in SUGGESTIONS:
        found = _matching(suggestion, diagnostic.hint)
        if found is not None:
            replaced = found.get(suggestion.replaced) if suggestion.replaced else None
            return _located(diagnostic, source, replaced, suggestion.replacement.format(**found))
    return None


def _matching(suggestion: Suggestion, hint: str) -> dict[str, str] | None:
    """The values of the hint, if it is this suggestion's message."""
    pattern = suggestion.pattern()
    match = pattern.fullmatch(hint) or pattern.match(hint)
    if match is None:
        return None
    values = match.groupdict()
    if "shadow" in values:  # what follows the condition of the row: its arrow and grade
        arrow = values["shadow"].find(" →")
        values["shadow_grade"] = values["shadow"][arrow:] if arrow >= 0 else ""
    return values


def _located(diagnostic: Diagnostic, source: Source, replaced: str | None, text: str) -> Fix | None:
    """Where the text to replace is on the finding's line: the suggestion's, the finding's quoted
    name, or the span's own text; the text the suggestion names may be on another line, if it is
written once in the file."""
    span = diagnostic.span
    assert span is not None
    line = source.line(span.line)
    start = span.column - 1
    quoted = QUOTED.search(diagnostic.message)
    for old in (replaced, quoted[1] if quoted else None):
        if old:
            at = line.find(old, start)
            if at >= 0:
                return Fix(span.line, at, at + len(old), old, text)
    if replaced and source.text.count(replaced) == 1:  # on another line (the grade row it shadows)
        number = next(n for n, each in enumerate(source.lines(), 1) if replaced in each)
        at = source.line(number).index(replaced)
        return Fix(number, at, at + len(replaced), replaced, text)
    end = span.end_column - 1 if span.end_line == span.line else len(line)
    old = line[start:end]
    return Fix(span.line, start, end, old, text) if old and old != text else None
