"""The rows of `grades:`, checked like a band table over the total score, whose values run from 0 to the
framework's `total`: a total no row grades (E721), a row the rows above it shadow (E722), two rows that
share a total (E723), `otherwise` before the last row (E724), a row no total reaches (E725).

A row that also reads inputs (一票否决 '存在重大违规问题 → 差', or '≥ 90 and not 发生安全事故 → 优') may or may
not match a total: it covers the totals of its comparison (every total without one) but takes none from
the rows below it, and is never said to overlap; it can itself be shadowed by the total-only rows above.

Chinese documents often list grades from the lowest up (`< 60 → 差`, `≥ 60 → 中`, `≥ 80 → 良`, …); as
the first matching row wins, such a list grades 100 points 中. Each finding names a total that shows it.
"""

from __future__ import annotations

import attrs

from ..diagnostics import Diagnostic, error
from ..i18n import _
from ..numbers import INF
from ..records import Record
from ..runtime import total_range
from ..syntax import ast
from ..syntax.printer import format_condition, format_grade_row, format_number, reads_inputs, split_grade_condition
from .bands import condition_values, describe
from .intervals import Intervals
from .ranges import Piece, Ranges


@attrs.frozen(eq=False, repr=False)
class GradeRow(Record):
    number: int  # 1 for the first row, as the analyst counts
    band: ast.GradeBand
    covered: Ranges  # the totals its condition holds for ('otherwise': every total)
    guarded: bool = False  # reads inputs too: may not match the totals it covers

    @property
    def text(self) -> str:
        return format_grade_row(self.band)


def check_grades(program: ast.Program, intervals: Intervals) -> list[Diagnostic]:
    """The findings of the framework's grade rows; none when it has no grades, or a row compares the
    total with something other than a number."""
    rows = grade_rows(program.grades, intervals)
    if not rows:
        return []
    low, total = total_range(program)
    domain = Ranges.of(Piece(low, total if total is not None else INF, True, total is not None))
    findings = _otherwise_not_last(rows)
    used = next((rows[:i + 1] for i, row in enumerate(rows) if row.band.condition is None), rows)
    findings += _row_findings(used, domain, (low, total))
    findings += _gap(used, domain)
    return findings


def grade_rows(bands, intervals: Intervals) -> list[GradeRow]:
    """Each row with the totals it covers; [] if a row's set cannot be worked out."""
    rows = []
    for index, band in enumerate(bands):
        compared = split_grade_condition(band.condition)[0] if band.condition is not None else None
        covered = Ranges.everything() if compared is None else \
            condition_values(compared, ast.TotalScore(), intervals)
        if covered is None:
            return []
        rows.append(GradeRow(index + 1, band, covered, reads_inputs(band)))
    return rows


def _otherwise_not_last(rows: list[GradeRow]) -> list[Diagnostic]:
    """E724: the rows after an 'otherwise' are never tried."""
    for row in rows[:-1]:
        if row.band.condition is None:
            return [error("E724", _("'otherwise' must be the last grade row: the rows after it are never used"),
                          row.band.span, _("move '{row}' to the end of 'grades:'", row=row.text))]
    return []


def _row_findings(rows: list[GradeRow], domain: Ranges, total) -> list[Diagnostic]:
    """E725, E722 or E723 for each row that reaches no total, is shadowed, or shares a total."""
    findings = []
    taken = domain.nothing()
    for index, row in enumerate(rows):
        inside = row.covered.intersect(domain)
        sure_above = [r for r in rows[:index] if not r.guarded]
        if inside.empty:
            findings.append(_unreachable(row, rows, domain, total))
        elif inside.minus(taken).empty:
            findings.append(_shadowed(row, sure_above, inside.witness()))
        elif row.band.condition is not None and not row.guarded:
            found = _overlap(row, sure_above, domain)
            if found is not None:
                findings.append(found)
        if not row.guarded:
            taken = taken.union(row.covered)
    return findings


def _unreachable(row: GradeRow, rows: list[GradeRow], domain: Ranges, extent) -> Diagnostic:
    """E725: a threshold past the total's values (`≥ 90` in a framework of 10 points, `< 0`)."""
    low, total = extent
    shown = format_number(total) if total is not None else "+∞"
    others = [r for r in rows if r is not row and r.band.grade == row.band.grade
              and not r.covered.intersect(domain).empty]
    if others:
        message = _("grade row {number} ({row}) matches no total: totals run from {low} to {total}",
                    number=row.number, row=row.text, low=format_number(low), total=shown)
    else:
        message = _("grade row {number} ({row}) matches no total: totals run from {low} to {total}, so no department "
                    "is graded {grade}", number=row.number, row=row.text, low=format_number(low), total=shown,
                    grade=row.band.grade)
    return error("E725", message, row.band.span,
                 _("correct the threshold: the framework's total is {total} points", total=shown))


def _shadowed(row: GradeRow, above: list[GradeRow], value) -> Diagnostic:
    """E722: the rows above take every total the row covers; `value` is one of them."""
    if row.guarded:
        return _shadowed_veto(row)
    shadow = next(r for r in above if r.covered.contains(value))
    message = _("grade row {number} ({row}) can never match: a total of {value} is graded {got} by row {before} "
                "({shadow}) above it, not {grade}", number=row.number, row=row.text, value=format_number(value),
                got=shadow.band.grade, before=shadow.number, shadow=shadow.text, grade=row.band.grade)
    return error("E722", message, row.band.span, _shadow_hint(row, shadow, above))


def _shadowed_veto(row: GradeRow) -> Diagnostic:
    """E722 for a row that reads inputs (一票否决) below rows that already grade every total it covers:
    its condition never changes a grade."""
    message = _("grade row {number} ({row}) is never used: the rows above it already grade every total it "
                "covers, whatever the inputs", number=row.number, row=row.text)
    return error("E722", message, row.band.span,
                 _("the first row that matches gives the grade: list a row that reads inputs (一票否决) before "
                   "the rows that compare the total alone"))


def _shadow_hint(row: GradeRow, shadow: GradeRow, above: list[GradeRow]) -> str:
    """A threshold with a zero left out (`≥ 8` for `≥ 80` between `≥ 90` and `≥ 60`), or rows listed the
    wrong way round (from the lowest threshold up, as Chinese documents often list grades)."""
    direction = row.covered.half_line()
    if direction == 0 or shadow.covered.half_line() != direction:
        return _("remove the row, or correct the rows above it")
    before = [r for r in above if r.number < shadow.number and r.covered.half_line() == direction]
    meant = _threshold(shadow) * 10
    if before and (_threshold(before[-1]) - meant) * direction > 0 and (meant - _threshold(row)) * direction > 0:
        return _("correct the threshold of row {before} ({shadow}): did you mean {meant}? As written it takes the "
                 "totals of the rows below it", before=shadow.number, shadow=shadow.text,
                 meant=_with_threshold(shadow, meant))
    if direction > 0:
        return _("the first row that matches gives the grade: list the grade rows from the highest threshold down")
    return _("the first row that matches gives the grade: list the '<' rows from the lowest threshold up")


def _with_threshold(row: GradeRow, value) -> str:
    """The condition of a one-sided row with another threshold: '≥ 80' for '≥ 8'."""
    condition, total = row.band.condition, ast.TotalScore()
    assert isinstance(condition, ast.Compare)  # a row with a threshold, not 'otherwise'

    return format_condition(ast.Compare((total, ast.Number(value)), condition.ops), total)


def _threshold(row: GradeRow):
    """Where a one-sided row begins: 90 for '≥ 90', 60 for '< 60'."""
    piece = row.covered.pieces[0]
    return piece.low if row.covered.half_line() > 0 else piece.high


def _overlap(row: GradeRow, above: list[GradeRow], domain: Ranges) -> Diagnostic | None:
    """E723: a total an earlier row grades too, unless the row goes on where the earlier one stops (a
    ladder: '≥ 90 → 优' then '≥ 80 → 良' covers 95 twice, and the first match is the intent)."""
    for other in above:
        if other.covered.intersect(domain).minus(row.covered).empty:
            continue
        value = other.covered.intersect(row.covered).intersect(domain).witness()
        if value is not None:
            return error("E723", _("grade rows {first} ({first_row}) and {second} ({second_row}) both cover a total "
                                   "of {value}: it is graded {grade} (the first one wins)",
                                   first=other.number, first_row=other.text, second=row.number,
                                   second_row=row.text, value=format_number(value), grade=other.band.grade),
                         row.band.span,
                         _("make the rows meet without overlapping: end one row where the next begins, with '<' "
                           "on one side and '≥' on the other"))
    return None


def _gap(rows: list[GradeRow], domain: Ranges) -> list[Diagnostic]:
    """E721: totals no row covers get no grade at all, nor do those only one row that reads inputs covers
    when its condition fails (two such rows may cover a total together: '≥ 90 and X', '≥ 90 and not X')."""
    covered, guarded, twice = domain.nothing(), domain.nothing(), domain.nothing()
    for row in rows:
        if row.guarded:
            twice, guarded = twice.union(guarded.intersect(row.covered)), guarded.union(row.covered)
        else:
            covered = covered.union(row.covered)
    gap = domain.minus(covered).minus(twice)
    value = gap.witness()
    if value is None:
        return []
    hint = _("add a row for the totals {values}, or end the grades with an 'otherwise' row",
             values=describe(gap, False, None))
    only = next((row for row in rows if row.guarded and row.covered.contains(value)), None)
    if only is not None:
        return [error("E721", _("a total of {value} is graded only by row {number} ({row}): a department whose "
                                "inputs do not meet it gets no grade", value=format_number(value),
                                number=only.number, row=only.text), rows[-1].band.span, hint)]
    return [error("E721", _("no grade row covers a total of {value}: a department with it gets no grade",
                            value=format_number(value)), rows[-1].band.span, hint)]
