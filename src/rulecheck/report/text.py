"""The text reports of one department: the table (like the report's appendix), Markdown and JSON."""

from __future__ import annotations

import json

from ..results import Result
from ..source import display_width, pad_to
from ..syntax.printer import format_number


def _points(value) -> str:
    return format_number(value)


def render_table(result: Result, explain: bool = False) -> str:
    rows = [("  " * depth + node.name, _points(node.max), str(node.score), node) for depth, node in result.walk()]
    name_width = max([display_width("指标")] + [display_width(r[0]) for r in rows]) + 2
    lines = [result.framework] if result.framework else []
    header = pad_to("指标", name_width) + pad_to("分值", 8, ">") + pad_to("得分", 10, ">")
    rule = "─" * display_width(header)
    lines += [header, rule]
    for name, maximum, score, node in rows:
        lines.append(pad_to(name, name_width) + pad_to(maximum, 8, ">") + pad_to(score, 10, ">"))
        if explain:
            indent = " " * (display_width(name) - display_width(name.lstrip()) + 4)
            lines.extend(indent + line for line in node.explanation)
    lines.append(rule)
    lines.append(pad_to("总分", name_width) + pad_to(_points(result.max), 8, ">") + pad_to(str(result.total), 10, ">"))
    if result.grade:
        lines.append(f"等级: {result.grade}")
    return "\n".join(lines)


def render_markdown(result: Result, explain: bool = False) -> str:
    lines = [f"# {result.framework}", ""] if result.framework else []
    columns = "| 指标 | 分值 | 得分 |" + (" 说明 |" if explain else "")
    lines += [columns, "|---|---:|---:|" + ("---|" if explain else "")]
    for depth, node in result.walk():
        name = "&nbsp;&nbsp;" * (2 * depth) + (f"**{node.name}**" if node.kind == "group" else node.name)
        row = f"| {name} | {_points(node.max)} | {node.score} |"
        if explain:
            row += " " + "<br>".join(_escape(line) for line in node.explanation) + " |"
        lines.append(row)
    lines.append(f"| **总分** | {_points(result.max)} | **{result.total}** |" + (" |" if explain else ""))
    if result.grade:
        lines += ["", f"等级: **{result.grade}**"]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def render_json(result: Result, explain: bool = False) -> str:
    return json.dumps(result.to_dict(explain), ensure_ascii=False, indent=2)
