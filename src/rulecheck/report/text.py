"""The text reports of one department: the table (like the report's appendix), Markdown and JSON.

Their labels (指标, 分值, 得分, 说明, 总分, 等级, 部门) are in the current language; html.py and xlsx.py
use the same ones (`LABELS`, `department_label`), so every format of a report says the same words."""

from __future__ import annotations

import json

from ..i18n import N_, _
from ..results import Result
from ..source import display_width, pad_to
from ..syntax.printer import format_number

# the appendix table's column and row labels, translated with _() when a report is made
LABELS = {"indicator": N_("Indicator"), "points": N_("Points"), "score": N_("Score"),
          "explanation": N_("Explanation"), "total": N_("Total"), "grade": N_("Grade")}
POINTS_WIDTH, SCORE_WIDTH = 8, 10  # the table's number columns, in display columns


def label(key: str) -> str:
    """The label `key` of LABELS (indicator, points, score, explanation, total, grade), translated."""
    return _(LABELS[key])


def department_label(department: str | None, name: str | None) -> str | None:
    """How a report names the department: its display name with its id (the facts file's name) after
    it, '深圳市教育信息技术中心 (edu-info-center-2024)', or whichever of the two is known; None if neither."""
    if name and department and name != department:
        return f"{name} ({department})"
    return name or department or None


def department_line(department: str | None, name: str | None) -> str | None:
    """'部门: 深圳市教育信息技术中心 (edu-info-center-2024)' in the current language, or None."""
    shown = department_label(department, name)
    return _("Department: {department}", department=shown) if shown else None


def _points(value) -> str:
    return format_number(value)


def render_table(result: Result, explain: bool = False, *, department: str | None = None,
                 name: str | None = None) -> str:
    """The indicator tree as aligned columns (a Chinese character takes two), the department under
    the framework's name, each explanation line under its indicator with `explain`."""
    rows = [("  " * depth + node.name, _points(node.max), str(node.score), node) for depth, node in result.walk()]
    name_width = max([display_width(label("indicator"))] + [display_width(r[0]) for r in rows]) + 2
    points_width = max(POINTS_WIDTH, display_width(label("points")) + 2)
    score_width = max(SCORE_WIDTH, display_width(label("score")) + 2)

    def line(first: str, maximum: str, score: str) -> str:
        return pad_to(first, name_width) + pad_to(maximum, points_width, ">") + pad_to(score, score_width, ">")

    lines = [result.framework] if result.framework else []
    lines += [text for text in (department_line(department, name),) if text]
    header = line(label("indicator"), label("points"), label("score"))
    rule = "─" * display_width(header)
    lines += [header, rule]
    for shown, maximum, score, node in rows:
        lines.append(line(shown, maximum, score))
        if explain:
            indent = " " * (display_width(shown) - display_width(shown.lstrip()) + 4)
            lines.extend(indent + step for step in node.explanation)
    lines.append(rule)
    lines.append(line(label("total"), _points(result.max), str(result.total)))
    if result.grade:
        lines.append(_("Grade: {grade}", grade=result.grade))
    return "\n".join(lines)


def render_markdown(result: Result, explain: bool = False, *, department: str | None = None,
                    name: str | None = None) -> str:
    """The indicator tree as a Markdown table (groups in bold, levels indented with spaces that
    Markdown keeps), the department under the heading."""
    lines = [f"# {result.framework}", ""] if result.framework else []
    shown = department_line(department, name)
    if shown:
        lines += [shown, ""]
    columns = f"| {label('indicator')} | {label('points')} | {label('score')} |"
    if explain:
        columns += f" {label('explanation')} |"
    lines += [columns, "|---|---:|---:|" + ("---|" if explain else "")]
    for depth, node in result.walk():
        cell = "&nbsp;&nbsp;" * (2 * depth) + (f"**{node.name}**" if node.kind != "indicator" else node.name)
        row = f"| {cell} | {_points(node.max)} | {node.score} |"
        if explain:
            row += " " + "<br>".join(_escape(step) for step in node.explanation) + " |"
        lines.append(row)
    lines.append(f"| **{label('total')}** | {_points(result.max)} | **{result.total}** |" + (" |" if explain else ""))
    if result.grade:
        bold = f"**{result.grade}**"
        lines += ["", _("Grade: {grade}", grade=bold)]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def render_json(result: Result, explain: bool = False, *, department: str | None = None,
                name: str | None = None) -> str:
    """Result.to_dict, with a "department" object (its "id", the facts file's name, and its display
    "name", null if the facts give none) after "framework" when the department is known: a key added,
    none changed, so a program reading the old JSON reads this one."""
    data = result.to_dict(explain)
    if department is not None or name is not None:
        framework = {"framework": data.pop("framework")}
        data = {**framework, "department": {"id": department, "name": name}, **data}
    return json.dumps(data, ensure_ascii=False, indent=2)
