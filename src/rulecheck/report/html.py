"""HTML reports: one department's appendix table with a chart of each group's score, or a batch's
summary page. Each is one self-contained page: inline CSS and SVG, no script, nothing fetched."""

from __future__ import annotations

import io
import shutil
import tempfile
from decimal import Decimal
from html import escape
from string import Template
from typing import IO

from ..results import Result
from ..source import display_width
from ..syntax.printer import format_number

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
.total { font-size: 2.8rem; font-weight: 700; }
.total small { font-size: 1.1rem; color: #57606a; font-weight: 400; }
.grade { display: inline-block; margin-left: .6rem; padding: .05em .45em; border-radius: .25em;
         background: #a61b1b; color: #fff; font-size: 2rem; font-weight: 700; vertical-align: .35em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .3em .6em; vertical-align: top; text-align: left; }
th { background: #f3f4f6; }
td.name { white-space: nowrap; }
col.number { width: 4em; }
col.explanation { width: 55%; }
td.number, th.number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.group td { font-weight: 600; background: #f8f9fa; }
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
@media print { body { margin: 0; max-width: none; } tr { break-inside: avoid; } }
""").substitute(fonts=FONTS)

BAR_WIDTH = 360  # the chart's bar for a group's full points, in pixels
ROW_HEIGHT = 24
GLYPH = 7  # pixels per display column of 13px text (a Chinese character takes two)
COLUMN_WIDTH = 56  # the histogram's column per bin, in pixels
PLOT_HEIGHT = 160
SPOOL_SIZE = 1 << 20  # characters of a batch's table rows kept in memory before they go to a temporary file
FIGURE_NAMES = {"min": "最低分", "lower quartile": "下四分位数", "median": "中位数",
                "upper quartile": "上四分位数", "max": "最高分", "mean": "平均分"}



def render_html(result: Result, explain: bool = False, department: str | None = None) -> str:
    """One department's report: total and grade, a chart of the groups, the appendix table
    (指标, 分值, 得分, and 说明 with the explanation of each indicator when `explain`)."""
    title = " — ".join(part for part in (result.framework, department) if part)
    grade = f'<span class="grade">{escape(result.grade)}</span>' if result.grade else ""
    header = (f'<header><div><h1>{escape(result.framework)}</h1>'
              + (f'<p class="department">部门: {escape(department)}</p>' if department else "")
              + f'</div><div class="result"><span class="total">{result.total}'
              f' <small>/ {format_number(result.max)}</small></span>{grade}</div></header>')
    chart = f"<h2>各组得分</h2>\n{group_chart(result)}" if any(n.kind == "group" for _, n in result.walk()) else ""
    return page(title, f"{header}\n{chart}\n<h2>评分表</h2>\n{appendix_table(result, explain)}")


def appendix_table(result: Result, explain: bool) -> str:
    """The indicator tree as the appendix of an evaluation report, indented by level."""
    head = '<tr><th>指标</th><th class="number">分值</th><th class="number">得分</th>'
    head += "<th>说明</th></tr>" if explain else "</tr>"
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
    rows.append(f'<tr class="total"><td>总分</td><td class="number">{format_number(result.max)}</td>'
                f'<td class="number score">{result.total}</td>' + ("<td></td>" if explain else "") + "</tr>")
    if result.grade:
        rows.append(f'<tr class="total"><td>等级</td><td></td><td class="number">{escape(result.grade)}</td>'
                    + ("<td></td>" if explain else "") + "</tr>")
    columns = '<col><col class="number"><col class="number">' + ('<col class="explanation">' if explain else "")
    return (f"<table>\n<colgroup>{columns}</colgroup>\n<thead>{head}</thead>\n<tbody>\n"
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
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="各组得分与分值" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            + "".join(parts) + "</svg>")


def render_html_batch(scored: list, summary) -> str:
    """A batch's summary page: how many departments, the count per grade, the distribution of
    totals as a histogram, and a table of every department (key, total, grade, errors)."""
    stream = io.StringIO()
    writer = HtmlBatchWriter(stream)
    for item in scored:
        writer.write(item)
    writer.close(summary)
    return stream.getvalue().removesuffix("\n")


class HtmlBatchWriter:
    """The batch page, written department by department: the page shows the summary first, so each
    department's table row waits in a temporary file (in memory up to SPOOL_SIZE, then on disk) until
    `close(summary)` writes the page, the rows copied in; memory does not grow with the batch."""

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self.rows = tempfile.SpooledTemporaryFile(max_size=SPOOL_SIZE, mode="w+", encoding="utf-8")
        self.framework = ""
        self.count = 0

    def write(self, item) -> None:
        if item.ok and not self.framework:
            self.framework = item.result.framework
        self.rows.write(department_row(item) + "\n")
        self.count += 1

    def close(self, summary) -> None:
        """The whole page, ending with a line break."""
        title = " — ".join(part for part in (self.framework, "批量评分") if part)
        head, tail = page(title, "\0").split("\0")
        self.stream.write(head + summary_sections(self.framework, summary) + f"<h2>各部门得分</h2>\n{TABLE_HEAD}")
        self.rows.seek(0)
        shutil.copyfileobj(self.rows, self.stream)
        self.rows.close()
        self.stream.write(("" if self.count else "\n") + TABLE_TAIL + tail + "\n")


def summary_sections(framework: str, summary) -> str:
    """The page's header and its summary: the count per grade, the figures and histogram of totals."""
    header = (f"<header><div><h1>{escape(framework or '批量评分')}</h1>"
              f'<p class="department">{summary.departments} 个部门: {summary.scored} 个已评分, '
              f"{summary.failed} 个无法评分</p></div></header>")
    counts = [*summary.grades, *([("无法评分", summary.failed)] if summary.failed else [])]
    grades = "".join(f'<tr class="count"><td>{escape(name)}</td><td class="number">{count}</td></tr>'
                     for name, count in counts)
    figures = "".join(f"<div><dt>{FIGURE_NAMES[name]}</dt><dd>{value}</dd></div>"
                      for name, value in summary.figures().items())
    return (f"{header}\n<h2>等级分布</h2>\n<table class=\"grades\"><thead><tr><th>等级</th>"
            f'<th class="number">部门数</th></tr></thead>\n<tbody>{grades}</tbody></table>\n'
            + (f'<h2>总分分布</h2>\n<dl class="figures">{figures}</dl>\n{histogram(summary.histogram())}\n'
               if summary.scored else ""))


TABLE_HEAD = ('<table class="departments">\n<thead><tr><th>部门</th><th class="number">总分</th><th>等级</th>'
              "<th>错误</th></tr></thead>\n<tbody>\n")
TABLE_TAIL = "</tbody>\n</table>"


def departments_table(scored: list) -> str:
    """Every department in input order: its key, and its total and grade or why it has none."""
    return TABLE_HEAD + "\n".join(map(department_row, scored)) + "\n" + TABLE_TAIL


def department_row(item) -> str:
    """One department's row of the table: its key, and its total and grade or its errors."""
    if item.ok:
        cells = (f'<td class="number score">{item.result.total}</td>'
                 f"<td>{escape(item.result.grade or '')}</td><td></td>")
    else:
        errors = "\n".join(diagnostic.render() for diagnostic in item.diagnostics)
        cells = f'<td></td><td></td><td class="errors">{escape(errors)}</td>'
    return (f'<tr class="{"scored" if item.ok else "failed"}"><td class="name">{escape(item.key)}</td>'
            f"{cells}</tr>")


def histogram(bins: list) -> str:
    """Columns, one per bin of totals (low, high, count), each with its count above it and its
    range below."""
    tallest = max(count for _, _, count in bins)
    width = len(bins) * COLUMN_WIDTH
    base = PLOT_HEIGHT + 20  # the axis: room for the tallest column's count above it
    parts = []
    for index, (low, high, count) in enumerate(bins):
        x = index * COLUMN_WIDTH
        height = Decimal(_scaled(Decimal(count), Decimal(tallest), PLOT_HEIGHT))
        label = f"{format_number(low)}–{format_number(high)}"
        middle = x + COLUMN_WIDTH // 2
        parts.append(
            f"<g><title>{label}: {count}</title>"
            f'<rect class="bar" x="{x + 4}" y="{base - height}" width="{COLUMN_WIDTH - 8}" height="{height}"/>'
            f'<text class="count" x="{middle}" y="{base - height - 5}">{count}</text>'
            f'<text class="count" x="{middle}" y="{base + 17}">{label}</text></g>')
    parts.append(f'<line class="axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>')
    svg_height = base + 24
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="总分分布" '
            f'width="{width}" height="{svg_height}" viewBox="0 0 {width} {svg_height}">' + "".join(parts) + "</svg>")


def page(title: str, body: str) -> str:
    """A whole HTML document: UTF-8, Chinese, the style sheet inline."""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>")


def _scaled(value: Decimal, maximum: Decimal, length: int) -> str:
    """`value` out of `maximum` as a length out of `length`, to a tenth of a pixel (0 if nothing to
    scale by); clipped to [0, length] so a bar never leaves its track."""
    if maximum <= 0:
        return "0"
    scaled = (Decimal(length) * value / maximum).quantize(Decimal("0.1"))
    return format_number(min(max(scaled, Decimal(0)), Decimal(length)))
