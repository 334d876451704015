"""Band tables: which values of the subject each row covers, and what can go wrong with that —
a gap (E701), an overlap (E702), a row that never matches (E703), a threshold outside the subject's
domain (E704), and points that go up and down as the thresholds rise (W705).

A table is analysed when every row compares one subject (the `bands SUBJECT:` value, or the value
the first row compares) with constants; other tables are left to `rulecheck verify`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from itertools import pairwise

import attrs

from .. import numbers
from ..diagnostics import Diagnostic, error, warning
from ..i18n import N_, _, ngettext
from ..language import COMPARISONS
from ..numbers import Number
from ..records import MutableRecord, Record
from ..syntax import ast
from ..syntax.printer import format_expr, format_name, format_value
from .intervals import INF, Intervals, Value, combine, hull, scaled, unknown
from .ranges import Choices, Piece, Ranges


@attrs.frozen(eq=False, repr=False)
class Table(Record):
    """A band table seen as a step function of its subject."""
    subject: ast.Expr
    domain: Ranges | Choices
    integral: bool
    rows: tuple  # the set each row's condition covers (otherwise: everything)
    thresholds: tuple[tuple[int, ast.Number], ...]  # (row index, number) compared with the subject

    def effective(self) -> list:
        """What each row really gets, inside the domain, after the rows above it took their share."""
        taken = self.domain.nothing()
        found = []
        for covered in self.rows:
            mine = covered.intersect(self.domain).minus(taken)
            found.append(mine)
            taken = taken.union(covered)
        return found

    def reachable(self) -> list:
        """What each row gets of the values the subject really takes: for a count, whole numbers only
        (the effective share (0, 1) of '= 0', '= 1', 'otherwise' holds no count, and no step)."""
        effective = self.effective()
        return [_whole(covered) for covered in effective] if self.integral else effective


def table_of(rule: ast.Bands, intervals: Intervals) -> Table | None:
    subject = rule.subject if rule.subject is not None else _guess_subject(rule)
    if subject is None:
        return None
    grade = _grade_values(subject, intervals)
    domain: Ranges | Choices
    if grade is not None:
        domain = Choices.everything(grade)
    else:
        value = intervals.of(subject)
        domain_decl = intervals.domains.get(subject.name) if isinstance(subject, ast.Ref) else None
        exclusive = bool(domain_decl and domain_decl.low_exclusive)
        domain = Ranges.of(Piece(value.low, value.high, value.low != -INF and not exclusive, value.high != INF))
    integral = isinstance(subject, ast.Ref) and subject.name in intervals.domains and \
        intervals.domains[subject.name].integral
    rows: list[Ranges | Choices] = []
    thresholds: list[tuple[int, ast.Number]] = []
    for index, band in enumerate(rule.bands):
        if band.condition is None:
            rows.append(Ranges.everything() if grade is None else Choices.everything(grade))
            continue
        covered = _covered(band.condition, subject, intervals, grade, thresholds, index)
        if covered is None:
            return None
        rows.append(covered)
    return Table(subject, domain, integral, tuple(rows), tuple(thresholds))


def _guess_subject(rule: ast.Bands):
    first = rule.bands[0].condition if rule.bands else None
    if isinstance(first, ast.Compare):
        return next((o for o in first.operands if not isinstance(o, ast.Number)), None)
    return None


def _grade_values(subject, intervals: Intervals) -> tuple | None:
    if isinstance(subject, ast.Ref) and subject.name in intervals.domains:
        domain = intervals.domains[subject.name]
        if domain.kind == "grade":
            return domain.values
    return None


def _covered(condition, subject, intervals: Intervals, grade, thresholds: list, index: int):
    """The set of subject values for which the condition holds; None if it reads anything else."""
    if isinstance(condition, ast.BoolOp):
        parts = [_covered(o, subject, intervals, grade, thresholds, index) for o in condition.operands]
        if any(p is None for p in parts):
            return None
        result = parts[0]
        for p in parts[1:]:
            result = result.intersect(p) if condition.op == "and" else result.union(p)
        return result
    if isinstance(condition, ast.Not):
        inner = _covered(condition.operand, subject, intervals, grade, thresholds, index)
        return inner.complement() if inner is not None else None
    if not isinstance(condition, ast.Compare):
        return None
    # a grade's table compares with its values, any other with numbers
    found_choices: Choices | None = None
    found_ranges: Ranges | None = None
    for op, left, right in zip(condition.ops, condition.operands, condition.operands[1:]):
        if left == subject:
            other = right
        elif right == subject:
            other, op = left, COMPARISONS[op].mirror
        else:
            return None
        if grade is not None:
            if not isinstance(other, ast.GradeValue):
                return None
            choices = Choices.compared(op, other.value, grade)
            if choices is None:
                return None
            found_choices = choices if found_choices is None else found_choices.intersect(choices)
        else:
            value = intervals.of(other).constant if not _reads_names(other) else None
            if value is None:
                return None
            if isinstance(other, ast.Number):
                thresholds.append((index, other))
            ranges = Ranges.compared(op, value)
            found_ranges = ranges if found_ranges is None else found_ranges.intersect(ranges)
    return found_choices if grade is not None else found_ranges


def condition_values(condition, subject, intervals: Intervals) -> Ranges | None:
    """The values of a numeric subject for which a condition holds (a grade row's totals, with the
    subject `total`); None if the condition reads anything else."""
    return _covered(condition, subject, intervals, None, [], 0)


def _reads_names(expr) -> bool:
    return any(isinstance(e, (ast.Ref, ast.GradeValue, ast.TotalScore)) for e in ast.walk(expr))


# ---- the value of a band table, for bounds and directions -----------------------------------------

def band_value(rule: ast.Bands, intervals: Intervals) -> Value:
    table = table_of(rule, intervals)
    points = row_points(rule, table, intervals)
    conditions = [intervals.of(b.condition) for b in rule.bands if b.condition is not None]
    if table is not None and not isinstance(table.domain, Choices):
        reachable = [(covered, p) for covered, p in zip(table.reachable(), points) if not covered.empty]
        if not reachable:
            return hull(points + conditions)
        steps = sorted(((piece, p) for covered, p in reachable for piece in covered.pieces),
                       key=lambda step: (step[0].low, not step[0].low_closed))
        direction = _step_direction([p for _, p in steps])
        subject = intervals.of(table.subject)
        dirs = combine(scaled(subject.dirs, direction), *(p.dirs for _, p in reachable)) \
            if direction is not None else unknown(combine(subject.dirs, *(p.dirs for _, p in reachable)))
        return Value(min(p.low for _, p in reachable), max(p.high for _, p in reachable), dirs)
    if table is not None and isinstance(table.domain, Choices) and isinstance(table.subject, ast.Ref):
        # a grade's table: the points of each value, best value first (the order the grade lists them)
        taken = [(covered, p) for covered, p in zip(table.reachable(), points) if not covered.empty]
        if not taken:
            return hull(points + conditions)
        ladder = [next(p for covered, p in taken if value in covered.values)
                  for value in reversed(table.domain.universe) if any(value in c.values for c, _ in taken)]
        direction = _step_direction(ladder)  # rising towards the best value: increasing in the grade
        dirs = combine({table.subject.name: direction if direction != 0 else 1}, *(p.dirs for p in ladder)) \
            if direction is not None else unknown(combine({table.subject.name: None}, *(p.dirs for p in ladder)))
        return Value(min(p.low for p in ladder), max(p.high for p in ladder), dirs)
    if len(rule.bands) == 2 and rule.bands[1].condition is None and rule.bands[0].condition is not None:
        # "condition → a, otherwise → b": rises with the condition when a ≥ b
        (first, second), condition = points, conditions[0]
        if condition.low == 1:
            return first
        if condition.high == 0:
            return second
        direction = 1 if first.low >= second.high else -1 if first.high <= second.low else None
        dirs = combine(scaled(condition.dirs, direction), first.dirs, second.dirs)
        return Value(min(first.low, second.low), max(first.high, second.high), dirs)
    return hull(points + conditions)


def matrix_value(rule: ast.Matrix, intervals: Intervals) -> Value:
    """A matrix is a band table down each column and along each row: its bounds are those of its cells, and
    it rises with an input when every slice along that input's axis does (each column, for the row subject)."""
    slices = [band_value(rule.down_column(c), intervals) for c in range(len(rule.columns))]
    slices += [band_value(rule.along_row(r), intervals) for r in range(len(rule.rows))]
    return Value(min(v.low for v in slices), max(v.high for v in slices), combine(*(v.dirs for v in slices)))


def matrix_axes(rule: ast.Matrix) -> tuple[ast.Bands, ast.Bands]:
    """The rows and the columns of a matrix as band tables (the first column's and first row's points), for
    the checks of their conditions: gaps, overlaps, rows that never match, thresholds outside the domain."""
    return rule.down_column(0), rule.along_row(0)


def row_points(rule: ast.Bands, table: Table | None, intervals: Intervals) -> list[Value]:
    """Each row's points, worked out with the subject inside the values that row gets: in
    '≥ 50% → 6, otherwise → 满意度 × 12' the second row gives less than 6, not up to 12."""
    if table is None or isinstance(table.domain, Choices) or not isinstance(table.subject, ast.Ref):
        return [intervals.of(b.points) for b in rule.bands]
    return [intervals.of(band.points) if share.empty or table.subject not in ast.walk(band.points)
            else _narrowed(intervals, table.subject.name, share).of(band.points)
            for band, share in zip(rule.bands, table.reachable())]


def _narrowed(intervals: Intervals, name: str, share: Ranges) -> Intervals:
    """The same analysis with the value `name` kept inside `share` (a band row's share of it)."""
    value = intervals.of(ast.Ref(name))
    inside = Value(share.pieces[0].low, share.pieces[-1].high, value.dirs)
    return Intervals(intervals.domains, intervals.lets, {**intervals.memo, name: inside}, intervals.at_most)


def _step_direction(points: list) -> int | None:
    """+1 if each step's points are at least the previous step's, -1 if at most, else None."""
    rising = all(a.high <= b.low for a, b in pairwise(points))
    falling = all(a.low >= b.high for a, b in pairwise(points))
    if rising and falling:
        return 0
    return 1 if rising else -1 if falling else None


# ---- the hint of a broken direction ------------------------------------------------------------------

def direction_hint(indicators, name: str, inputs_read: Callable[[ast.Expr], set], values: list[str]) -> str:
    """The hint of an E711 on `name` for a node with these leaf indicators; `values` are the names of
    the framework's inputs and derived values. A band table on the wrong subject (copied from a
    neighbour) gets a question about its subject, rather than whether the bands are upside down: when
    the subject does not read the input the direction names, or another value reading that input
    matches the indicator's name better."""
    tables = [(indicator, rule) for indicator in indicators
              for _name, _points, rule in ast.indicator_rules(indicator) if isinstance(rule, ast.Bands)]
    if not tables:
        return _("correct the rule, or the declared direction")
    for indicator, rule in tables:
        subject = rule.subject if rule.subject is not None else _guess_subject(rule)
        if subject is None or subject == ast.Ref(name):
            continue
        if name not in inputs_read(subject):
            return _("the bands read {subject}, the direction names {input}: is the subject right? Correct the "
                     "bands' subject, or the declared direction", subject=format_expr(subject),
                     input=format_name(name))
        better = _better_subject(indicator.name, subject, name, inputs_read, values)
        if better is not None:
            return _("the bands read {subject}, but the name '{indicator}' suggests {other}: is the subject "
                     "right? Correct the bands' subject, or the declared direction", subject=format_expr(subject),
                     indicator=indicator.name, other=format_name(better))
    return _("correct the rule (are the bands upside down?), or the declared direction")


def _better_subject(indicator: str, subject, name: str, inputs_read, values: list[str]) -> str | None:
    """A value reading `name` whose name shares a longer run of characters with the indicator's than
    the subject's does (财政供养人员比率 for 财政供养人员控制率, where the bands read 编外人员比率)."""
    if not isinstance(subject, ast.Ref):
        return None
    shared = _shared_run(indicator, subject.name)
    found = [(_shared_run(indicator, v), v) for v in values if v != subject.name and name in inputs_read(ast.Ref(v))]
    best = max(found, default=None, key=lambda pair: pair[0])
    return best[1] if best is not None and best[0] > max(shared, 1) else None


def _shared_run(a: str, b: str) -> int:
    """The length of the longest run of characters two names share."""
    from difflib import SequenceMatcher  # a hint's: a clean check never imports difflib

    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


# ---- how findings name a table's lines ---------------------------------------------------------------

@attrs.frozen(eq=False, repr=False)
class Lines(Record):
    """The words of the findings on one table: 'band 2' of a band table; 'row 2' of a matrix's rows and
    'column 2' of its columns, so that an analyst finds the line a finding is about (and W705 names the
    column, or the row, whose points go up and down)."""
    matches_nothing: str  # E703
    remove_hint: str
    shadowed: Callable[..., str]  # E703 (count, **values): taken by the line(s) before
    shadowed_hint: str
    overlap: str  # E702
    overlap_hint: str
    gap: str  # E701
    gap_hint: str
    order: str  # W705


BAND_LINES = Lines(
    matches_nothing=N_("band {number} of '{name}' matches no value {subject} can take ({values})"),
    remove_hint=N_("correct its threshold, or remove the row"),
    shadowed=lambda count, **values: ngettext(
        "band {number} of '{name}' can never match: every value it covers is taken by band {before} first",
        "band {number} of '{name}' can never match: every value it covers is taken by bands {before} first",
        count, **values),
    shadowed_hint=N_("remove the row, or correct the thresholds above it"),
    overlap=N_("bands {first} and {second} of '{name}' overlap: {subject} = {value} matches both (the first one "
               "wins)"),
    overlap_hint=N_("make the rows meet without overlapping: end one row where the next begins, with '<' on one "
                    "side and '≤' on the other"),
    gap=N_("no band of '{name}' covers {subject} = {value}"),
    gap_hint=N_("add a row for {values}, or an 'otherwise' row"),
    order=N_("the points of '{name}' go up and down as {subject} rises: {steps}"))

ROW_LINES = Lines(  # a matrix's rows: their W705 is about one column read down the rows
    matches_nothing=N_("row {number} of '{name}' matches no value {subject} can take ({values})"),
    remove_hint=N_("correct its threshold, or remove the row"),
    shadowed=lambda count, **values: ngettext(
        "row {number} of '{name}' can never match: every value it covers is taken by row {before} first",
        "row {number} of '{name}' can never match: every value it covers is taken by rows {before} first",
        count, **values),
    shadowed_hint=N_("remove the row, or correct the thresholds above it"),
    overlap=N_("rows {first} and {second} of '{name}' overlap: {subject} = {value} matches both (the first one "
               "wins)"),
    overlap_hint=N_("make the rows meet without overlapping: end one row where the next begins, with '<' on one "
                    "side and '≤' on the other"),
    gap=N_("no row of '{name}' covers {subject} = {value}"),
    gap_hint=N_("add a row for {values}, or an 'otherwise' row"),
    order=N_("the points of '{name}' in column {number} go up and down as {subject} rises: {steps}"))

COLUMN_LINES = Lines(  # a matrix's columns: their W705 is about one row read along the columns
    matches_nothing=N_("column {number} of '{name}' matches no value {subject} can take ({values})"),
    remove_hint=N_("correct its threshold, or remove the column"),
    shadowed=lambda count, **values: ngettext(
        "column {number} of '{name}' can never match: every value it covers is taken by column {before} first",
        "column {number} of '{name}' can never match: every value it covers is taken by columns {before} first",
        count, **values),
    shadowed_hint=N_("remove the column, or correct the thresholds of the columns before it"),
    overlap=N_("columns {first} and {second} of '{name}' overlap: {subject} = {value} matches both (the first "
               "one wins)"),
    overlap_hint=N_("make the columns meet without overlapping: end one column where the next begins, with '<' on "
                    "one side and '≤' on the other"),
    gap=N_("no column of '{name}' covers {subject} = {value}"),
    gap_hint=N_("add a column for {values}, or an 'otherwise' column"),
    order=N_("the points of '{name}' in row {number} go up and down as {subject} rises: {steps}"))


# ---- the checks ------------------------------------------------------------------------------------

@attrs.define(eq=False, repr=False)
class BandChecker(MutableRecord):
    intervals: Intervals
    display_kind: Callable[[ast.Expr], str | None]  # "percent" or None, for showing the subject's values
    # (expr, value, Ranges) → (facts, value) giving a derived subject that value or one in the set, or None
    reaching: Callable[[ast.Expr, Number, Ranges], tuple[list[str], Number] | None]

    def check(self, name: str, rule: ast.Bands, directed: bool, lines: Lines = BAND_LINES) -> list[Diagnostic]:
        """Gaps, overlaps, rows that never match and thresholds outside the domain of one table (a band
        table, or one axis of a matrix, its lines named by `lines`); W705 when nothing else is wrong and no
        direction is declared."""
        table = table_of(rule, self.intervals)
        if table is None:
            return []
        findings: list[Diagnostic] = []
        subject = format_expr(table.subject)
        outside = self._thresholds(table, subject, findings)
        effective = table.effective()
        taken_by: list = []
        for index, (band, covered, mine) in enumerate(zip(rule.bands, table.rows, effective)):
            if index in outside:
                pass
            elif covered.intersect(table.domain).empty:
                findings.append(error("E703", _(lines.matches_nothing, number=index + 1, name=name, subject=subject,
                                                values=self._describe(table.domain, table)), band.span,
                                      _(lines.remove_hint)))
            elif mine.empty:
                # the rows above that take some of its values, not every row above
                shadows = [i for i in taken_by if not table.rows[i].intersect(covered).intersect(table.domain).empty]
                before = ", ".join(str(i + 1) for i in shadows)
                findings.append(error("E703", lines.shadowed(2 if len(shadows) > 1 else 1, number=index + 1,
                                                             name=name, before=before),
                                      band.span, _(lines.shadowed_hint)))
            elif band.condition is not None:
                overlap = self._overlap(table, index)
                if overlap is not None:
                    other, value = overlap
                    value, example = self._example(table, value, table.rows[other].intersect(covered))
                    findings.append(error(
                        "E702", _(lines.overlap, first=other + 1, second=index + 1, name=name,
                                  subject=subject, value=self._show(table, value)), band.span,
                        _(lines.overlap_hint), example=example))
            if not covered.intersect(table.domain).empty:
                taken_by.append(index)
        gap = table.domain.minus(_union(table.rows, table.domain))
        value = gap.witness(table.integral)
        if value is not None:
            value, example = self._example(table, value, gap)
            findings.append(error("E701", _(lines.gap, name=name, subject=subject, value=self._show(table, value)),
                                  rule.span, _(lines.gap_hint, values=self._describe(gap, table)),
                                  example=example))
        if not findings and not directed:
            findings += self._order(name, rule, table, table.reachable(), lines.order)
        return findings

    def check_matrix(self, name: str, rule: ast.Matrix, directed: bool) -> list[Diagnostic]:
        """Each axis of a matrix checked as a band table (its rows down the first column, its columns along
        the first row: the conditions are the same in every slice); then, when nothing is wrong and no
        direction is declared, W705 for each column whose points go up and down the rows, and each row
        whose points go up and down the columns."""
        rows, columns = matrix_axes(rule)
        findings = self.check(name, rows, True, ROW_LINES) + self.check(name, columns, True, COLUMN_LINES)
        if findings or directed:
            return findings
        slices = [(rule.down_column(c), c, ROW_LINES) for c in range(len(rule.columns))]
        slices += [(rule.along_row(r), r, COLUMN_LINES) for r in range(len(rule.rows))]
        for table_slice, index, lines in slices:
            table = table_of(table_slice, self.intervals)
            if table is not None:
                findings += self._order(name, table_slice, table, table.reachable(), lines.order, number=index + 1)
        return findings

    def _thresholds(self, table: Table, subject: str, findings: list) -> set:
        rows: set[int] = set()
        if isinstance(table.domain, Choices):
            return rows
        for index, number in table.thresholds:
            if _closure(table.domain).contains(number.value):
                continue
            hint = _("correct the threshold, or widen the domain of the input it compares")
            if not number.is_percent and _closure(table.domain).contains(number.value / 100):
                hint = _("did you mean {number}%? a bare number is not a percentage",
                         number=format_value(number.value))
            findings.append(error("E704", _("the threshold {threshold} is outside the values {subject} can take "
                                            "({values})", threshold=format_expr(number), subject=subject,
                                            values=self._describe(table.domain, table)), number.span, hint))
            rows.add(index)
        return rows

    def _overlap(self, table: Table, index: int):
        mine = table.rows[index]
        for other in range(index):
            theirs = table.rows[other]
            if mine.half_line() != 0 and theirs.intersect(table.domain).minus(mine).empty:
                # a ladder: '≥ 95% → 6' (or '= 100% → 6') then '≥ 90% → 4': the row goes on where the
                # one above stops, and the first match is the intent
                continue
            shared = mine.intersect(theirs).intersect(table.domain)
            value = shared.witness(table.integral)
            if value is not None:
                return other, value
        return None

    def _order(self, name: str, rule: ast.Bands, table: Table, effective: list, message: str,
               number: int = 0) -> list[Diagnostic]:
        """W705: constant points that go up and down as the subject rises (`message` names the table, or
        the matrix's column or row `number`)."""
        if isinstance(table.domain, Choices):
            return []
        values = [self.intervals.of(b.points).constant for b in rule.bands]
        steps = sorted(((piece, v) for covered, v in zip(effective, values) for piece in covered.pieces),
                       key=lambda step: (step[0].low, not step[0].low_closed))
        if any(v is None for _, v in steps) or len(steps) < 3:
            return []
        points = [v for _, v in steps if v is not None]  # all of them, as checked above
        if all(a <= b for a, b in pairwise(points)) or all(a >= b for a, b in pairwise(points)):
            return []
        shown = ", ".join(_("{points} for {values}", points=format_value(v),
                            values=self._describe(Ranges.of(piece), table)) for piece, v in steps)
        return [warning("W705", _(message, name=name, number=number, subject=format_expr(table.subject), steps=shown),
                        rule.span,
                        _("check the points against the thresholds; then declare the way the score should move "
                          "with a line such as 'increasing in …', and check will hold the table to it"))]

    def _example(self, table: Table, value, covered) -> tuple:
        """(the value to name, facts to paste into a case): the subject itself when it is an input; for
        a derived value, inputs that give it the value (or another in the problem range), if simple ones
        can be found."""
        subject = table.subject
        if isinstance(subject, ast.Ref) and subject.name in self.intervals.domains:
            return value, (f"{format_expr(subject)}: {self._show(table, value)}",)
        if isinstance(covered, Choices):
            return value, ()
        found = self.reaching(subject, value, covered.intersect(table.domain))
        if found is None:
            return value, ()
        facts, reached = found
        return reached, (f"# {format_expr(subject)} = {self._show(table, reached)}", *facts)

    def _show(self, table: Table, value) -> str:
        if isinstance(value, str):
            return value
        return format_value(value, self.display_kind(table.subject))

    def _describe(self, covered, table: Table) -> str:
        return describe(covered, table.integral, self.display_kind(table.subject))


def describe(covered: Ranges | Choices, integral: bool, kind: str | None) -> str:
    """Values as an analyst writes them: [90%, 95%), ≥ 95%, 3 (kind 'percent' shows percentages; an
    integral subject, a count, shows its whole numbers only); a grade's values by name."""
    if isinstance(covered, Choices):
        return ", ".join(v for v in covered.universe if v in covered.values)
    if integral and not _whole(covered).empty:
        covered = _whole(covered)
    texts = []
    for p in covered.pieces:
        low = format_value(p.low, kind) if p.low != -INF else None
        high = format_value(p.high, kind) if p.high != INF else None
        if low is not None and high is not None and p.low == p.high:
            texts.append(low)
        elif low is None and high is None:
            texts.append(_("any value"))
        elif low is None:
            texts.append(f"{'≤' if p.high_closed else '<'} {high}")
        elif high is None:
            texts.append(f"{'≥' if p.low_closed else '>'} {low}")
        else:
            texts.append(f"{'[' if p.low_closed else '('}{low}, {high}{']' if p.high_closed else ')'}")
    shown = texts[0] if texts else ""
    for text in texts[1:]:
        shown = _("{values} or {more}", values=shown, more=text)
    return shown


def _whole(covered: Ranges) -> Ranges:
    """The whole numbers in each piece, for a count: the gap (0, 1) ∪ (1, 3) is just 2."""
    pieces = []
    for p in covered.pieces:
        low, high = p.low, p.high
        if low != -INF:
            low = numbers.to_integral(low, ROUND_CEILING)
            low += 1 if low == p.low and not p.low_closed else 0
        if high != INF:
            high = numbers.to_integral(high, ROUND_FLOOR)
            high -= 1 if high == p.high and not p.high_closed else 0
        pieces.append(Piece(low, high, low != -INF, high != INF))
    return Ranges.of(*pieces)


def _union(rows, domain):
    total = domain.minus(domain)
    for covered in rows:
        total = total.union(covered)
    return total


def _closure(domain: Ranges) -> Piece:
    """The domain with its ends included: a threshold at an open end still makes sense."""
    low = domain.pieces[0].low if domain.pieces else Decimal(0)
    high = domain.pieces[-1].high if domain.pieces else Decimal(0)
    return Piece(low, high)
