"""HTML reports: one department's appendix table with a chart of each group's score, or a batch's
summary page (html_batch.py). Each is one self-contained page: inline CSS and SVG, nothing fetched; the
one department's page has no script, the batch page one small inline script (sorting, filtering)."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from string import Template

from ..i18n import _, language
from ..results import Result
from ..source import display_width
from ..syntax.printer import format_number
from .text import department_label, department_line, label

FONTS = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
         '"WenQuanYi Micro Hei", "Noto Sans SC", sans-serif')
STYLE = Template("""
body { font-family: $fonts; color: #1f2328; background: #fff; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
header { display: flex; justify-content: space-between; align-items: flex-end; gap: 2rem;
         border-bottom: 3px solid #a61b1b; padding-bottom: .8rem; margin-bottom: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; }
.department { color: #57606a; margin: 0; }
.result { text-align: right; white-space: nowrap; }
span.total { font-size: 2.8rem; font-weight: 700; }
span.total small { font-size: 1.1rem; color: #57606a; font-weight: 400; }
.grade { display: inline-block; margin-left: .6rem; padding: .05em .45em; border-radius: .25em;
         background: #a61b1b; color: #fff; font-size: 2rem; font-weight: 700; vertical-align: .35em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .3em .6em; vertical-align: top; text-align: left; }
th { background: #f3f4f6; }
td.name { white-space: nowrap; }
col.number { width: 4em; }
col.explanation { width: 55%; }
td.number, th.number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.group td, tr.bonus td, tr.penalty td { font-weight: 600; background: #f8f9fa; }
tr.indicator.lost td.score { color: #a61b1b; font-weight: 600; }
tr.total td { font-weight: 700; border-top: 2px solid #1f2328; }
td.explanation { white-space: pre-wrap; font-size: .85em; color: #424a53; }
td.errors { white-space: pre-wrap; font-size: .85em; color: #a61b1b; }
svg text { font-family: $fonts; font-size: 13px; fill: #1f2328; }
svg .track { fill: #e6e8eb; }
svg .bar { fill: #2f6f9f; }
svg .axis { stroke: #57606a; stroke-width: 1; }
svg .count { text-anchor: middle; }
.figures { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: 0; }
.figures div { display: flex; flex-direction: column; }
.figures dt { color: #57606a; font-size: .85em; }
.figures dd { margin: 0; font-size: 1.3rem; font-weight: 600; font-variant-numeric: tabular-nums; }
table.grades { width: auto; min-width: 16rem; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { margin: 0; padding: 0; max-width: none; font-size: 8pt; line-height: 1.3; }
  header { padding-bottom: 2mm; margin-bottom: 3mm; border-bottom-width: 2px; }
  h1 { font-size: 13pt; margin: 0; }
  h2 { font-size: 9.5pt; margin: 3mm 0 1.5mm; break-after: avoid; }
  span.total { font-size: 20pt; }
  span.total small { font-size: 9pt; }
  .grade { font-size: 14pt; }
  .chart { display: none; }
  table.explained { table-layout: fixed; }
  table.explained col.name { width: 27%; }
  table.explained col.number { width: 4.2em; }
  table.explained col.explanation { width: 61%; }
  th, td { padding: .12em .4em; }
  td.name { white-space: normal; overflow-wrap: anywhere; }
  td.explanation { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .95em; line-height: 1.25; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
""").substitute(fonts=FONTS)

BAR_WIDTH = 360  # the chart's bar for a group's full points, in pixels
ROW_HEIGHT = 24
GLYPH = 7  # pixels per display column of 13px text (a Chinese character takes two)
HTML_LANG = {"zh": "zh-CN", "en": "en"}  # rulecheck's language → the page's <html lang>


def render_html(result: Result, explain: bool = False, department: str | None = None, *,
                name: str | None = None) -> str:
    """One department's report: total and grade, a chart of the groups, the appendix table
    (指标, 分值, 得分, and 说明 with the explanation of each indicator when `explain`); the department
    shown by its display name `name` and its id `department` (the facts file's name)."""
    title = " — ".join(part for part in (result.framework, department_label(department, name)) if part)
    grade = f'<span class="grade">{escape(result.grade)}</span>' if result.grade else ""
    shown = department_line(department, name)
    header = (f'<header><div><h1>{escape(result.framework)}</h1>'
              + (f'<p class="department">{escape(shown)}</p>' if shown else "")
              + f'</div><div class="result"><span class="total">{result.total}'
              f' <small>/ {format_number(result.max)}</small></span>{grade}</div></header>')
    chart_title, table_title = escape(_("Scores by group")), escape(_("Score sheet"))
    chart = (f'<h2 class="chart">{chart_title}</h2>\n{group_chart(result)}'
             if any(n.kind == "group" for _depth, n in result.walk()) else "")
    table = f"<h2>{table_title}</h2>\n{appendix_table(result, explain)}"
    return page(title, f"{header}\n{chart}\n{table}")


def appendix_table(result: Result, explain: bool) -> str:
    """The indicator tree as the appendix of an evaluation report, indented by level."""
    head = (f'<tr><th>{escape(label("indicator"))}</th><th class="number">{escape(label("points"))}</th>'
            f'<th class="number">{escape(label("score"))}</th>')
    head += f'<th>{escape(label("explanation"))}</th></tr>' if explain else "</tr>"
    rows = []
    for depth, node in result.walk():
        lost = " lost" if node.kind == "indicator" and node.score < node.max else ""
        row = (f'<tr class="{node.kind}{lost}"><td class="name" style="padding-left: calc(.6em + {depth} * 1.5em)">'
               f'{escape(node.name)}</td><td class="number">{format_number(node.max)}</td>'
               f'<td class="number score">{node.score}</td>')
        if explain:
            explanation = "\n".join(node.explanation)
            row += f'<td class="explanation">{escape(explanation)}</td>'
        rows.append(row + "</tr>")
    rows.append(f'<tr class="total"><td>{escape(label("total"))}</td>'
                f'<td class="number">{format_number(result.max)}</td><td class="number score">{result.total}</td>'
                + ("<td></td>" if explain else "") + "</tr>")
    if result.grade:
        rows.append(f'<tr class="total"><td>{escape(label("grade"))}</td><td></td>'
                    f'<td class="number">{escape(result.grade)}</td>' + ("<td></td>" if explain else "") + "</tr>")
    columns = ('<col class="name"><col class="number"><col class="number">'
               + ('<col class="explanation">' if explain else ""))
    explained = ' class="explained"' if explain else ""
    return (f"<table{explained}>\n<colgroup>{columns}</colgroup>\n<thead>{head}</thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody>\n</table>")


def group_chart(result: Result) -> str:
    """Horizontal bars, one per group, indented by level: the track is the group's points, the bar
    its score."""
    groups = [(depth, node) for depth, node in result.walk() if node.kind == "group"]
    label_width = GLYPH * max(display_width("  " * depth + node.name) for depth, node in groups) + 12
    width = label_width + BAR_WIDTH + 110
    parts = []
    for row, (depth, node) in enumerate(groups):
        y = row * ROW_HEIGHT
        filled = _scaled(node.score, node.max, BAR_WIDTH)
        value = f"{node.score} / {format_number(node.max)}"
        parts.append(
            f'<g><title>{escape(node.name)}: {value}</title>'
            f'<text x="{GLYPH * 2 * depth}" y="{y + 17}">{escape(node.name)}</text>'
            f'<rect class="track" x="{label_width}" y="{y + 4}" width="{BAR_WIDTH}" height="16"/>'
            f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{filled}" height="16"/>'
            f'<text x="{label_width + BAR_WIDTH + 8}" y="{y + 17}">{value}</text></g>')
    height = len(groups) * ROW_HEIGHT + 4
    described = escape(_("Each group's score out of its points"), quote=True)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{described}" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            + "".join(parts) + "</svg>")


def page(title: str, body: str, style: str = "") -> str:
    """A whole HTML document: UTF-8, in the current language (`lang` tells the browser which fonts and
    line breaking to use, and a screen reader which voice), the style sheet inline (`style`: more rules
    after it, as the batch page's)."""
    return (f'<!DOCTYPE html>\n<html lang="{HTML_LANG[language()]}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}{style}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>")


def _scaled(value: Decimal, maximum: Decimal, length: int) -> str:
    """`value` out of `maximum` as a length out of `length`, to a tenth of a pixel (0 if nothing to
    scale by); clipped to [0, length] so a bar never leaves its track."""
    if maximum <= 0:
        return "0"
    scaled = (Decimal(length) * value / maximum).quantize(Decimal("0.1"))
    return format_number(min(max(scaled, Decimal(0)), Decimal(length)))
