"""What changed in meaning between two versions, in the analyst's words, compared on the checked
syntax trees (comments and layout never count). Band tables over one subject also state the values
whose points change (满意度 in [90%, 95%): 4 → 6), worked out by the prove stage's band analysis.

Rows are compared by what they score, not by how they are written: a band table that gives every value
of its subject the points it gave (rows reordered, split, merged, shadowed), a matrix that gives every
pair of values the points it gave, grade rows that grade every total as before (grades.py), constraints
that make the same comparisons (constraints.py), a checklist or a deduction with the same rows in another
order, is no change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from difflib import SequenceMatcher

import attrs

from ..api import Analysis
from ..i18n import N_, _, ngettext
from ..language import DEFAULT_ROUNDING
from ..prove.bands import Table, describe, table_of
from ..prove.intervals import Intervals
from ..prove.ranges import Choices, Ranges
from ..source import Span
from ..syntax import ast
from ..syntax.layout import (
    INDENT,
    deduct_text,
    input_text,
    let_text,
    node_lines,
    rule_lines,
)
from ..syntax.printer import (
    format_band,
    format_condition,
    format_expr,
    format_grade_condition,
    format_grade_row,
    format_item,
    format_literal,
    format_name,
    format_number,
    format_value,
)
from .constraints import constraint_changes
from .grades import grade_changes
from .versions import Version


@attrs.frozen
class IntervalChange:
    """Values of a band table's subject whose points change: 满意度 in [90%, 95%): 4 → 6. None where no
    row covers the values (a gap, E701): no band matches, and a department there cannot be scored. A
    matrix's cells name the values of both subjects: 完成率 in [90%, 100%) and 质量达标率 ≥ 95%: 8 → 9."""
    subject: str
    values: str  # "in [90%, 95%)", "≥ 95%", "= 3", "= 未公开"
    old: Decimal | str | None
    new: Decimal | str | None
    column_subject: str | None = None  # a matrix's column subject, and its values
    column_values: str | None = None
    grades: bool = False  # old and new are the grades of totals (总分 ≥ 90: 良 → 优), not points
    when: str | None = None  # the yes/no inputs' values under which a grade changes (一票否决 rows)

    def __str__(self) -> str:
        return f"{self.where}: {self.change}"

    @property
    def where(self) -> str:
        """'满意度 in [90%, 95%)', for a matrix cell '完成率 in [90%, 100%) and 质量达标率 ≥ 95%', for a grade
        that changes only with some inputs' values 'total score ≥ 90 when 发生安全责任事故 is true'."""
        where = f"{self.subject} {self.values}"
        if self.column_subject is not None:
            column = f"{self.column_subject} {self.column_values}"
            where = _("{left} and {right}", left=where, right=column)
        return where if self.when is None else _("{values} when {inputs}", values=where, inputs=self.when)

    @property
    def change(self) -> str:
        """'4 → 6', or '4 → (no band)' where the new table leaves the values uncovered; '良 → 优' for grades."""
        return f"{self.shown(self.old)} → {self.shown(self.new)}"

    def shown(self, value: Decimal | str | None) -> str:
        if value is None:
            return _("(no grade)") if self.grades else _("(no band)")
        return format_name(value) if isinstance(value, str) else format_number(value)


@attrs.frozen
class Section:
    """What changed in one part of the file, in the analyst's words: the framework's header and
    grades, the inputs, the derived values, or one group or indicator of the tree."""
    title: str
    lines: tuple
    intervals: tuple = ()
    span: Span | None = None  # where the new version declares it (the old one, if it was removed)

    def heading(self) -> str:
        return f"{self.title} ({self.span.file}:{self.span.line}):" if self.span else f"{self.title}:"


def compare(old: Version, new: Version) -> list[Section]:
    """Every change in meaning from old to new: the header and grades, the inputs, the derived values,
    then the tree in order (a removed node where it stood). Empty if the files mean the same."""
    return Comparison(Side.of(old.analysis), Side.of(new.analysis)).sections()


@attrs.frozen
class Side:
    """What the comparison reads of one version: its checked program, and the band analysis's view."""
    program: ast.Program
    intervals: Intervals
    display_kind: Callable[[ast.Expr], str | None]  # expr → "percent" or None

    @classmethod
    def of(cls, analysis: Analysis) -> Side:
        checked = analysis.checked
        assert checked is not None  # a version is compared only when it compiles (load_versions)
        return cls(checked.program, Intervals.of_program(checked), checked.display_kind)


@attrs.frozen
class Comparison:
    old: Side
    new: Side

    def sections(self) -> list[Section]:
        found = [self.header(), self.inputs(), self.constraints(), self.lets()]
        return [s for s in found + self.tree() if s.lines]

    # ---- the header, grades, inputs and derived values --------------------------------------------

    def header(self) -> Section:
        old, new = self.old.program, self.new.program
        lines = []
        old_name, new_name = (p.name.value if p.name else "" for p in (old, new))
        if old_name != new_name:
            lines.append(_('name "{old}" → "{new}"', old=old_name, new=new_name))
        old_total, new_total = (p.total.value if p.total else None for p in (old, new))
        if old_total != new_total:
            lines.append(_("total {old} → {new}", old=_maybe(old_total), new=_maybe(new_total)))
        old_cap, new_cap = (p.total.cap if p.total else None for p in (old, new))
        if old_cap != new_cap:
            lines.append(_("total cap {old} → {new}", old=_maybe(old_cap), new=_maybe(new_cap)))
        old_rounding, new_rounding = (p.rounding or DEFAULT_ROUNDING for p in (old, new))
        if old_rounding != new_rounding:
            lines.append(_("rounding {old} → {new}", old=_rounding(old_rounding), new=_rounding(new_rounding)))
        graded = self.grades()
        lines += _grades(old.grades, new.grades) if graded != [] else []
        lines += _order(True, [n.name for n in old.nodes], [n.name for n in new.nodes])
        return Section(_("framework"), tuple(lines), tuple(graded or ()))

    def grades(self) -> list[IntervalChange] | None:
        """The totals whose grade changes: [] when every department is graded as it was (rows reordered,
        split or rewritten), None when that cannot be worked out (then the grade rows' lines say what changed)."""
        old, new = self.old.program, self.new.program
        if old.grades == new.grades:
            return []
        changes = grade_changes(old, new, self.old.intervals, self.new.intervals)
        if changes is None:
            return None
        return [IntervalChange(_("total score"), _values(describe(Ranges.of(piece), False, None)), change.old,
                               change.new, grades=True, when=_inputs_when(change.when))
                for change in changes for piece in change.totals.pieces]

    def inputs(self) -> Section:
        return Section(_("inputs"), tuple(_declarations(
            self.old.program.inputs, self.new.program.inputs,
            lambda decl: input_text(attrs.evolve(decl, description=None)))))

    def constraints(self) -> Section:
        """The constraints added, removed or changed: which departments' facts are refused (F517)."""
        return Section(_("constraints"), tuple(constraint_changes(self.old.program.constraints,
                                                                  self.new.program.constraints)))

    def lets(self) -> Section:
        return Section(_("derived values"), tuple(_declarations(
            self.old.program.lets, self.new.program.lets,
            lambda let: let_text(attrs.evolve(let, description=None)))))

    # ---- the tree ---------------------------------------------------------------------------------

    def tree(self) -> list[Section]:
        old_nodes = {item.name: (item, parents) for item, parents in ast.iter_nodes(self.old.program.nodes)}
        new_nodes = {item.name: (item, parents) for item, parents in ast.iter_nodes(self.new.program.nodes)}
        renamed = {name: name for name in old_nodes if name in new_nodes}  # old name → new name
        gone = [name for name in old_nodes if name not in new_nodes]
        for name, (item, _parents) in new_nodes.items():
            twin = None if name in old_nodes else next(
                (g for g in gone if g not in renamed and _renamed(old_nodes[g][0], item)), None)
            if twin is not None:
                renamed[twin] = name
        was = {new: old for old, new in renamed.items()}
        position = {name: index for index, name in enumerate(new_nodes)}
        placed = []  # (position, section): a removed node goes where it stood, after what came before it
        last = -1
        for name, (item, parents) in old_nodes.items():
            if name in renamed:
                last = position[renamed[name]]
            elif not parents or parents[-1] in renamed:  # a removed group shows its children
                placed.append(((last, 1), self.removed(item, parents)))
        for name, (item, parents) in new_nodes.items():
            parent = parents[-1] if parents else None
            if name in was:
                before, before_parents = old_nodes[was[name]]
                old_parent = before_parents[-1] if before_parents else None
                moved = renamed.get(old_parent, old_parent) != parent
                section = self.node(before, item, renamed, _parent(before_parents) if moved else None)
            elif parent is None or parent in was:  # an added group shows its children
                section = self.added(item, parents)
            else:
                continue
            placed.append(((position[name], 0), section))
        return [section for _place, section in sorted(placed, key=lambda p: p[0])]

    def added(self, item, parents: tuple) -> Section:
        lines = [_("added under {parent}:", parent=_parent(parents))] + _source_lines(node_lines(item, 0))
        return Section(_title(item), tuple(lines), span=item.span)

    def removed(self, item, parents: tuple) -> Section:
        lines = [_("removed from {parent}:", parent=_parent(parents))] + _source_lines(node_lines(item, 0))
        return Section(_title(item), tuple(lines), span=item.span)

    def node(self, old, new, renamed: dict, moved_from: str | None) -> Section:
        """A node both versions have (perhaps renamed or moved): what changed in it."""
        lines: list[str] = []
        intervals: list[IntervalChange] = []
        if old.name != new.name:
            lines.append(_("renamed from {name}", name=format_name(old.name)))
        if moved_from is not None:
            lines.append(_("moved from {parent}", parent=moved_from))
        if old.points != new.points:
            lines.append(_("points {old} → {new}", old=format_number(old.points), new=format_number(new.points)))
        lines += _directions(old.directions, new.directions)
        if isinstance(old, ast.Group) and isinstance(new, ast.Group) and old.kind != new.kind:
            lines.append(_("was a {old}, now a {new}", old=_(GROUP_KINDS[old.kind]), new=_(GROUP_KINDS[new.kind])))
        if isinstance(old, ast.Group) and isinstance(new, ast.Group):
            lines += _order(False, [renamed.get(c.name) for c in old.children], [c.name for c in new.children])
        elif isinstance(new, ast.Group):
            lines.append(ngettext("was an indicator, now a group of {count}",
                                  "was an indicator, now a group of {count}", len(new.children),
                                  count=len(new.children)))
        elif isinstance(old, ast.Group):
            lines += [_("was a group, now an indicator:")] + _body_lines(new)
        elif old.parts or new.parts:
            lines += self.parts(old, new, intervals)
        else:
            lines += self.rule(old.rule, new.rule, intervals)
        return Section(_title(new), tuple(lines), tuple(intervals), new.span)

    def parts(self, old: ast.Indicator, new: ast.Indicator, intervals: list) -> list[str]:
        if not new.parts:
            assert new.rule is not None  # a checked indicator has parts or a rule (E305)
            return [_("no longer scored by parts; now:")] + _source_lines(rule_lines(new.rule, 0))
        if not old.parts:
            return [_("now scored by parts:")] + _body_lines(new)
        lines = []
        for i, j in pair_up(old.parts, new.parts, key=lambda part: part.name):
            if j is None:
                a = old.parts[i]
                lines.append(_("part {name} removed ({points})", name=format_name(a.name),
                               points=format_number(a.points)))
            elif i is None:
                b = new.parts[j]
                lines.append(_("part {name} added ({points}):", name=format_name(b.name),
                               points=format_number(b.points)))
                lines += _source_lines(rule_lines(b.rule, 0))
            else:
                a, b = old.parts[i], new.parts[j]
                label = _("part {name}", name=format_name(b.name))
                if a.name != b.name:
                    lines.append(f"{label}: " + _("renamed from {name}", name=format_name(a.name)))
                if a.points != b.points:
                    lines.append(f"{label}: " + _("points {old} → {new}", old=format_number(a.points),
                                                  new=format_number(b.points)))
                lines += [f"{label}: {line}" if not line.startswith(INDENT) else INDENT + line
                          for line in self.rule(a.rule, b.rule, intervals)]
        return lines

    # ---- scoring rules ----------------------------------------------------------------------------

    def rule(self, old: ast.Rule, new: ast.Rule, intervals: list) -> list[str]:
        """What changed in a scoring rule (RULE_CHANGES has one entry per kind of rule); a band table's
        values whose points change are added to `intervals`."""
        if old == new:
            return []
        if type(old) is not type(new):
            return [_("now scored by {new} (was {old}):", new=_rule_kind(new), old=_rule_kind(old))] + \
                _source_lines(rule_lines(new, 0))
        return RULE_CHANGES[type(new)](self, old, new, intervals)

    def intervals(self, old: ast.Bands, new: ast.Bands) -> list[IntervalChange] | None:
        """The subject's values whose points change, where both tables compare one subject with
        constants: [] when every value gets the points it got (the tables mean the same, however their
        rows are written or ordered), None when that cannot be worked out (no single subject, points
        computed differently, or values of the subject that only one version has)."""
        old_table, new_table = table_of(old, self.old.intervals), table_of(new, self.new.intervals)
        if old_table is None or new_table is None or old_table.subject != new_table.subject \
                or type(old_table.domain) is not type(new_table.domain):
            return None
        changed: dict = {}
        for old_values, a in _scoring(old, old_table, self.old.intervals):
            for new_values, b in _scoring(new, new_table, self.new.intervals):
                shared = old_values.intersect(new_values)
                if a == b or shared.empty:
                    continue
                if isinstance(a, Computed) or isinstance(b, Computed):
                    return None  # points computed, and computed otherwise: the band lines say how
                changed[a, b] = changed[a, b].union(shared) if (a, b) in changed else shared
        if not changed and old_table.domain != new_table.domain:
            return None  # the same points where both can say, but values only one version's subject takes
        subject = format_expr(new_table.subject)
        found = [(order, values, a, b) for (a, b), covered in changed.items()
                 for order, values in self.described(covered, new_table)]
        return [IntervalChange(subject, values, a, b) for _order, values, a, b in sorted(found, key=lambda f: f[0])]

    def described(self, covered: Ranges | Choices, table: Table) -> list[tuple]:
        """(order, 'in [90%, 95%)') for each piece of a set of the table's subject's values (each value, for a
        grade), the order sorting them as the subject's values rise (as the grade declares its values)."""
        if isinstance(covered, Choices):
            return [((index, False), _("= {value}", value=format_name(value)))
                    for index, value in enumerate(covered.universe) if value in covered.values]
        kind = self.new.display_kind(table.subject)
        return [((piece.low, not piece.low_closed), _values(describe(Ranges.of(piece), table.integral, kind)))
                for piece in covered.pieces]

    def cells(self, old: ast.Matrix, new: ast.Matrix) -> list[IntervalChange] | None:
        """The values of the two subjects whose points change, as `intervals` says them of a band table: []
        when every pair of values gets the points it got (rows or columns reordered, split or merged), None
        when that cannot be worked out (an axis that is not one subject compared with constants, cells
        computed differently, or values of a subject that only one version has)."""
        old_axes, new_axes = _matrix_tables(old, self.old.intervals), _matrix_tables(new, self.new.intervals)
        if old_axes is None or new_axes is None or any(
                a.subject != b.subject or type(a.domain) is not type(b.domain) for a, b in zip(old_axes, new_axes)):
            return None
        changed: dict = {}
        for old_rows, old_columns, a in _cell_scoring(old, old_axes, self.old.intervals):
            for new_rows, new_columns, b in _cell_scoring(new, new_axes, self.new.intervals):
                rows, columns = old_rows.intersect(new_rows), old_columns.intersect(new_columns)
                if a == b or rows.empty or columns.empty:
                    continue
                if isinstance(a, Computed) or isinstance(b, Computed):
                    return None  # a cell computed, and computed otherwise: the cell lines say how
                changed.setdefault((a, b), []).append((rows, columns))
        if not changed and any(a.domain != b.domain for a, b in zip(old_axes, new_axes)):
            return None
        row_table, column_table = new_axes
        row_subject, column_subject = format_expr(row_table.subject), format_expr(column_table.subject)
        found = [((row_order, column_order), rows, columns, a, b)
                 for (a, b), rectangles in changed.items() for row_set, column_set in _merged(rectangles)
                 for row_order, rows in self.described(row_set, row_table)
                 for column_order, columns in self.described(column_set, column_table)]
        return [IntervalChange(row_subject, rows, a, b, column_subject, columns)
                for _order, rows, columns, a, b in sorted(found, key=lambda f: f[0])]


@attrs.frozen
class Computed:
    """A band's points that are not a constant: two rows give the same points only if they compute
    them with the same expression."""
    expr: ast.Expr


def _scoring(rule: ast.Bands, table: Table, intervals: Intervals) -> list[tuple]:
    """(values, points) of each row as the table scores them, the first matching row winning, then
    (the values no row covers, None): the table as a function of its subject, gaps included."""
    points: list = [_constant_or_computed(band.points, intervals) for band in rule.bands]
    return [(values, points[row] if row is not None else None) for values, row in _shares(table)]


def _shares(table: Table) -> list[tuple]:
    """(values, row index) of each row as the first matching row takes them, then (the values no row
    covers, None)."""
    covered = attrs.evolve(table, rows=table.rows + (table.domain,))  # the last row takes what is left
    return list(zip(covered.reachable(), list(range(len(table.rows))) + [None]))


def _matrix_tables(rule: ast.Matrix, intervals: Intervals) -> tuple[Table, Table] | None:
    """A matrix's rows and columns as band tables of their subjects; None if an axis cannot be analysed."""
    rows, columns = (table_of(axis, intervals) for axis in (rule.down_column(0), rule.along_row(0)))
    return (rows, columns) if rows is not None and columns is not None else None


def _cell_scoring(rule: ast.Matrix, axes: tuple[Table, Table], intervals: Intervals) -> list[tuple]:
    """(row subject's values, column subject's values, points) of each cell as the matrix scores them, the
    first matching row and column winning, with None for the values no row or no column covers."""
    rows, columns = (_shares(table) for table in axes)
    return [(row_values, column_values,
             _constant_or_computed(rule.rows[r].cells[c], intervals) if r is not None and c is not None else None)
            for row_values, r in rows for column_values, c in columns]


def _merged(rectangles: list[tuple]) -> list[tuple]:
    """(rows, columns) sets whose points change alike, merged where they share their columns (then their
    rows): a row of a matrix whose threshold moved is one change, not one per column."""
    for axis in (1, 0):
        merged: list[tuple] = []
        for rectangle in rectangles:
            twin = next((i for i, m in enumerate(merged) if m[axis] == rectangle[axis]), None)
            if twin is None:
                merged.append(rectangle)
            else:
                other = 1 - axis
                joined = list(merged[twin])
                joined[other] = joined[other].union(rectangle[other])
                merged[twin] = tuple(joined)
        rectangles = merged
    return rectangles


def _constant_or_computed(points: ast.Expr, intervals: Intervals):
    constant = intervals.of(points).constant
    return constant if constant is not None else Computed(points)


def _order(top: bool, old_names: list, new_names: list) -> list[str]:
    """The children both versions have (old names already renamed), if they come in another order (`top`:
    the top-level groups of the framework)."""
    kept_old = [name for name in old_names if name in new_names]
    kept_new = [name for name in new_names if name in old_names]
    if kept_old == kept_new:
        return []
    old, new = ", ".join(map(format_name, kept_old)), ", ".join(map(format_name, kept_new))
    if top:
        return [_("order of the top-level groups: {old} → {new}", old=old, new=new)]
    return [_("order: {old} → {new}", old=old, new=new)]


def _rule_kind(rule: ast.Rule) -> str:
    """'a formula', 'a band table': the kind of a scoring rule, as 'now scored by …' names it."""
    if isinstance(rule, ast.Formula):
        return _("a formula")
    if isinstance(rule, ast.Assessed):
        return _("an assessed score")
    if isinstance(rule, ast.Bands):
        return _("a band table")
    if isinstance(rule, ast.Checklist):
        return _("a checklist")
    if isinstance(rule, ast.Awards):
        return _("points per unit")
    if isinstance(rule, ast.Matrix):
        return _("a matrix")
    return _("deductions")


def _renamed(old, new) -> bool:
    """The same node under another name: same kind, points, rule or children, directions."""
    return type(old) is type(new) and attrs.evolve(old, name=new.name) == new


# what a group is, as a change of kind says it ('was a group, now a bonus block')
GROUP_KINDS = {"group": N_("group"), "bonus": N_("bonus block (加分项)"), "penalty": N_("penalty block (扣分项)")}


def _title(item) -> str:
    if isinstance(item, ast.Group) and item.kind == "bonus":
        return _("bonus block {name}", name=format_name(item.name))
    if isinstance(item, ast.Group) and item.kind == "penalty":
        return _("penalty block {name}", name=format_name(item.name))
    if isinstance(item, ast.Group):
        return _("group {name}", name=format_name(item.name))
    return _("indicator {name}", name=format_name(item.name))


def _parent(parents: tuple) -> str:
    return _("group {name}", name=format_name(parents[-1])) if parents else _("the top level")


def _source_lines(lines: Iterable) -> list[str]:
    """Lines of the layout (rule-file text), indented one step under the change they illustrate."""
    return [INDENT * (line.depth + 1) + line.text for line in lines]


def _body_lines(indicator: ast.Indicator) -> list[str]:
    """An indicator's rule or parts as written, under the change they illustrate (its header and
    directions left out: at depth -1, what the header holds is at depth 0)."""
    return _source_lines(list(node_lines(indicator, -1))[1 + len(indicator.directions):])


def _inputs_when(values: tuple) -> str | None:
    """'发生安全责任事故 is true and 存在重大违规问题 is false': the yes/no inputs' values a grade change needs."""
    if not values:
        return None
    shown = [_("{subject} is {value}", subject=format_name(name), value=format_value(value, spoken=True))
             for name, value in values]
    text = shown[0]
    for other in shown[1:]:
        text = _("{left} and {right}", left=text, right=other)
    return text


def _maybe(value) -> str:
    return format_number(value) if value is not None else _("(none)")


def _rounding(rounding: ast.Rounding) -> str:
    return ngettext("{count} decimal {mode}", "{count} decimals {mode}", rounding.decimals, count=rounding.decimals,
                    mode=rounding.mode)


def _declarations(old: tuple, new: tuple, text) -> list[str]:
    """Inputs or derived values added, removed or redeclared, in the new file's order (the removed
    ones first); descriptions are for people and do not count."""
    old_by_name = {decl.name: decl for decl in old}
    new_by_name = {decl.name: decl for decl in new}
    lines = [_("removed: {text}", text=text(decl)) for decl in old if decl.name not in new_by_name]
    for decl in new:
        before = old_by_name.get(decl.name)
        if before is None:
            lines.append(_("added: {text}", text=text(decl)))
        elif text(before) != text(decl):
            lines.append(f"{text(before)}  →  {text(decl)}")
    return lines


def _directions(old: tuple, new: tuple) -> list[str]:
    def shown(direction):
        if direction.direction == "increasing":
            return _("increasing in {input}", input=format_name(direction.input.name))
        return _("decreasing in {input}", input=format_name(direction.input.name))
    old_shown, new_shown = [shown(d) for d in old], [shown(d) for d in new]
    return ([_("direction removed: {direction}", direction=d) for d in old_shown if d not in new_shown]
            + [_("direction added: {direction}", direction=d) for d in new_shown if d not in old_shown])


def _row_lines(old: tuple, new: tuple, key, removed, added, changed) -> list[str]:
    """The lines for two versions of a list of rows (band rows, items, deductions, grades), paired by
    pair_up: removed(i, row) and added(j, row) say a row on one side only, changed(i, j, old, new) the
    differences of a pair (none if it is the same)."""
    lines = []
    for i, j in pair_up(old, new, key):
        if j is None:
            lines.append(removed(i, old[i]))
        elif i is None:
            lines.append(added(j, new[j]))
        else:
            lines += changed(i, j, old[i], new[j])
    return lines


def _said(label: str, differences: list) -> list[str]:
    return [f"{label}: {'; '.join(differences)}"] if differences else []


def _grades(old: tuple, new: tuple) -> list[str]:
    def changed(i, j, a, b):
        differences = [_("renamed from {name}", name=format_name(a.grade))] if a.grade != b.grade else []
        if a.condition != b.condition:
            differences.append(_condition_change(a.condition, b.condition, show=format_grade_condition))
        return _said(_("grade {name}", name=format_name(b.grade)), differences)
    return _row_lines(old, new, lambda row: row.grade,
                      lambda i, row: _("grade removed: {row}", row=format_grade_row(row)),
                      lambda j, row: _("grade added: {row}", row=format_grade_row(row)), changed)


def _bands(old: ast.Bands, new: ast.Bands) -> list[str]:
    def changed(i, j, a, b):
        differences = [_condition_change(a.condition, b.condition, new.subject)] if a.condition != b.condition else []
        if a.points != b.points:
            differences.append(_points(a, b))
        label = _("band {number}", number=j + 1) if i == j else _("band {number} (was {was})", number=j + 1, was=i + 1)
        return _said(label, differences)
    lines = [_("band subject: {old} → {new}", old=_subject(old.subject), new=_subject(new.subject))] \
        if old.subject != new.subject else []
    return lines + _row_lines(old.bands, new.bands, lambda band: band.points,
                              lambda i, band: _("band {number} removed: {row}", number=i + 1,
                                                row=format_band(band, old.subject)),
                              lambda j, band: _("band {number} added: {row}", number=j + 1,
                                                row=format_band(band, new.subject)), changed)


def _band_table(comparison: Comparison, old: ast.Bands, new: ast.Bands, intervals: list) -> list[str]:
    """The rows that changed, and the values whose points change; nothing if every value of the
    subject scores as it did (rows reordered or rewritten without changing what they give)."""
    changes = comparison.intervals(old, new)
    if changes == []:
        return []
    intervals += changes or ()
    return _bands(old, new)


def _subject(subject) -> str:
    return format_expr(subject) if subject is not None else _("(each row names its own)")


def _checklist(old: ast.Checklist, new: ast.Checklist) -> list[str]:
    if Counter(old.items) == Counter(new.items):  # every item that holds earns its points: order is no change
        return []

    def changed(i, j, a, b):
        if a.condition == b.condition:
            return _said(_("item {condition}", condition=format_expr(b.condition)),
                         [_points(a, b)] if a.points != b.points else [])
        return _said(_("item {number}", number=j + 1),
                     [_("condition {old} → {new}", old=format_expr(a.condition), new=format_expr(b.condition))]
                     + ([_points(a, b)] if a.points != b.points else []))
    return _row_lines(old.items, new.items, lambda item: item.condition,
                      lambda i, item: _("item removed: {item}", item=format_item(item)),
                      lambda j, item: _("item added: {item}", item=format_item(item)), changed)


def _points(old, new) -> str:
    return _("points {old} → {new}", old=format_expr(old.points), new=format_expr(new.points))


def _deduction(old: ast.Deduction, new: ast.Deduction) -> list[str]:
    old_floor, new_floor = (format_expr(r.floor) if r.floor is not None else "0" for r in (old, new))
    if Counter(old.steps) == Counter(new.steps) and old_floor == new_floor:  # the deductions add up alike
        return []

    lines = _per_unit_lines(old.steps, new.steps, PER_UNIT_TEXTS[ast.Deduct])
    return lines + ([_("floor {old} → {new}", old=old_floor, new=new_floor)] if old_floor != new_floor else [])


def _awards(old: ast.Awards, new: ast.Awards) -> list[str]:
    """Award lines changed, and the cap ("最高 2 分 → 3 分"); none if they add up alike."""
    old_cap, new_cap = (format_expr(r.cap) if r.cap is not None else _("the points") for r in (old, new))
    if Counter(old.steps) == Counter(new.steps) and old_cap == new_cap:
        return []
    lines = _per_unit_lines(old.steps, new.steps, PER_UNIT_TEXTS[ast.Award])
    return lines + ([_("cap {old} → {new}", old=old_cap, new=new_cap)] if old_cap != new_cap else [])


# How a deduct or an award line is named in the lines of what changed: its label when it counts the
# same quantity, its label by number otherwise, and its amount.
PER_UNIT_TEXTS = {
    ast.Deduct: (N_("deduct per {quantity}"), N_("deduction {number}"), N_("amount {old} → {new}")),
    ast.Award: (N_("award per {quantity}"), N_("award line {number}"), N_("points per unit {old} → {new}")),
}


def _per_unit_lines(old_steps: tuple, new_steps: tuple, texts: tuple) -> list[str]:
    """The lines for two versions of the deduct (or award) lines, paired by the quantity they count."""
    same_quantity, numbered, amount = texts

    def changed(i, j, a, b):
        differences = [_("per {old} → per {new}", old=format_expr(a.quantity), new=format_expr(b.quantity))] \
            if a.quantity != b.quantity else []
        if a.amount != b.amount:
            differences.append(_(amount, old=format_expr(a.amount), new=format_expr(b.amount)))
        if _unit(a) != _unit(b):
            differences.append(_("unit {old} → {new}", old=_unit(a), new=_unit(b)))
        if _threshold(a) != _threshold(b):
            differences.append(_("threshold {old} → {new}", old=_threshold(a), new=_threshold(b)))
        label = _(same_quantity, quantity=format_expr(b.quantity)) if a.quantity == b.quantity \
            else _(numbered, number=j + 1)
        return _said(label, differences)
    return _row_lines(old_steps, new_steps, lambda step: step.quantity,
                      lambda i, step: _("removed: {text}", text=deduct_text(step)),
                      lambda j, step: _("added: {text}", text=deduct_text(step)), changed)


def _matrix(old: ast.Matrix, new: ast.Matrix) -> list[str]:
    """The subjects, row and column conditions and cells that changed; a matrix of another shape is said
    to have changed shape, as its cells cannot be paired."""
    lines = [_("matrix subjects: {old} → {new}", old=_axes(old), new=_axes(new))] if _axes(old) != _axes(new) else []
    if (len(old.rows), len(old.columns)) != (len(new.rows), len(new.columns)):
        return lines + [_("table changed: {old_rows} rows × {old_columns} columns → {new_rows} rows × {new_columns} "
                          "columns", old_rows=len(old.rows), old_columns=len(old.columns), new_rows=len(new.rows),
                          new_columns=len(new.columns))]
    for label, old_lines, new_lines, subject in ((N_("column {number}"), old.columns, new.columns, new.column_subject),
                                                 (N_("row {number}"), old.rows, new.rows, new.row_subject)):
        for number, (a, b) in enumerate(zip(old_lines, new_lines), 1):
            if a.condition != b.condition:
                lines += _said(_(label, number=number), [_condition_change(a.condition, b.condition, subject)])
    for r, (a, b) in enumerate(zip(old.rows, new.rows), 1):
        lines += [_("cell (row {row}, column {column}): {old} → {new} points", row=r, column=c, old=format_expr(x),
                    new=format_expr(y)) for c, (x, y) in enumerate(zip(a.cells, b.cells), 1) if x != y]
    return lines


def _matrix_table(comparison: Comparison, old: ast.Matrix, new: ast.Matrix, intervals: list) -> list[str]:
    """The rows, columns and cells that changed, and the pairs of values whose points change; nothing if
    every pair scores as it did (rows or columns reordered, split or merged without changing what they give)."""
    changes = comparison.cells(old, new)
    if changes == []:
        return []
    intervals += changes or ()
    return _matrix(old, new)


def _axes(rule: ast.Matrix) -> str:
    """'完成率 × 质量达标率': a matrix's two subjects as its first line names them."""
    return f"{format_expr(rule.row_subject)} × {format_expr(rule.column_subject)}"


# (comparison, old rule, new rule of the same kind, intervals found) → the lines of what changed
RULE_CHANGES: dict[type, Callable[..., list[str]]] = {
    ast.Formula: lambda comparison, old, new, intervals: [
        _("formula: {old} → {new}", old=format_expr(old.expr), new=format_expr(new.expr))],
    ast.Assessed: lambda comparison, old, new, intervals: [
        _("assessed score: {old} → {new}", old=format_expr(old.input), new=format_expr(new.input))],
    ast.Bands: _band_table,
    ast.Checklist: lambda comparison, old, new, intervals: _checklist(old, new),
    ast.Deduction: lambda comparison, old, new, intervals: _deduction(old, new),
    ast.Awards: lambda comparison, old, new, intervals: _awards(old, new),
    ast.Matrix: lambda comparison, old, new, intervals: _matrix_table(comparison, old, new, intervals),
}


def _unit(step: ast.Deduct | ast.Award) -> str:
    return format_expr(step.unit) if step.unit is not None else "1"


def _threshold(step: ast.Deduct | ast.Award) -> str:
    return f"{step.direction} {format_expr(step.threshold)}" if step.threshold is not None else _("none")


def _condition_change(old, new, subject=None, show=None) -> str:
    """'threshold 95% → 90%' when only numbers moved, else 'condition OLD → NEW', each condition printed by
    `show` (a band row's, with the table's subject left out, unless told)."""
    show = show or (lambda condition: format_condition(condition, subject))
    moved = changed_numbers(old, new) if old is not None and new is not None else None
    if moved:
        return ngettext("threshold {changes}", "thresholds {changes}", len(moved),
                        changes=", ".join(f"{format_literal(a)} → {format_literal(b)}" for a, b in moved))
    return _("condition {old} → {new}", old=show(old), new=show(new))


def changed_numbers(old, new) -> list[tuple] | None:
    """The pairs of numbers that differ between two expressions of the same shape (a threshold that
    moved), in reading order; None if the expressions differ in more than numbers."""
    if isinstance(old, ast.Number) and isinstance(new, ast.Number):
        return [] if old == new else [(old, new)]
    if type(old) is not type(new) or _shape(old) != _shape(new):
        return None
    old_parts, new_parts = ast.sub_expressions(old), ast.sub_expressions(new)
    if not old_parts:
        return [] if old == new else None
    found = []
    for a, b in zip(old_parts, new_parts):
        inner = changed_numbers(a, b)
        if inner is None:
            return None
        found += inner
    return found


def _shape(expr) -> tuple:
    return (getattr(expr, "op", None), getattr(expr, "ops", None), getattr(expr, "function", None),
            len(ast.sub_expressions(expr)))


def _values(text: str) -> str:
    """'in [90%, 95%)', '≥ 95%', '= 3': the described values after the subject's name."""
    if text.startswith(("[", "(")):
        return _("in {values}", values=text)
    if text.startswith(("≥", "≤", "<", ">")) or text == _("any value"):
        return text
    return _("= {value}", value=text)


def pair_up(old, new, key) -> list[tuple]:
    """Rows of two versions side by side, in order, as (old index, new index): equal rows; within a
    stretch that changed, rows with the same key (a band's points, an item's condition); then rows by
    position where both sides have as many left. A row on one side only is added or removed (None)."""
    pairs: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            pairs += zip(range(i1, i2), range(j1, j2))
            continue
        olds, news = range(i1, i2), range(j1, j2)
        keys = SequenceMatcher(None, [key(old[i]) for i in olds], [key(new[j]) for j in news], autojunk=False)
        for inner, a1, a2, b1, b2 in keys.get_opcodes():
            if inner == "equal" or a2 - a1 == b2 - b1:
                pairs += zip(olds[a1:a2], news[b1:b2])
            else:
                pairs += [(i, None) for i in olds[a1:a2]] + [(None, j) for j in news[b1:b2]]
    return pairs
