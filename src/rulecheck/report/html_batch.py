"""The HTML page of a batch: the summary (departments, grades, the distribution of totals), where the
departments lose points (the indicators, where they lose most first, and a department × indicator heat
map), and a table of every department, written department by department (the page's style and frame
are html.py's). One small inline script for sorting and filtering, nothing fetched: it sorts the tables
by a column and filters the departments by id or name; without it the page shows everything (all its
content is in the HTML), in input order."""

from __future__ import annotations

import io
import shutil
import tempfile
from decimal import ROUND_FLOOR, Decimal
from html import escape
from typing import IO

from .. import numbers
from ..i18n import N_, _, ngettext
from ..syntax.printer import format_number
from .html import _scaled, page

COLUMN_WIDTH = 56  # the histogram's column per bin, in pixels
PLOT_HEIGHT = 160
RATE_BAR = 100  # the loss table's bar for a 得分率 of 100%, in pixels
SPOOL_SIZE = 1 << 20  # characters of a batch's rows kept in memory before they go to a temporary file
FIGURE_NAMES = {"min": N_("lowest total"), "lower quartile": N_("lower quartile"), "median": N_("median"),
                "upper quartile": N_("upper quartile"), "max": N_("highest total"),
                "mean": N_("mean total")}  # batch.Summary.figures, on the page and in the workbook
LABELS = {"title": N_("batch scoring"), "grades": N_("Grades"), "grade": N_("Grade"),
          "count": N_("Number of departments"), "failed": N_("could not be scored"),
          "distribution": N_("Distribution of totals"), "losses": N_("Where departments lose points"),
          "indicator": N_("Indicator"), "points": N_("Points"), "rate": N_("Average score rate"),
          "losing": N_("Departments losing points"), "lost": N_("Mean points lost"),
          "heat": N_("Score rate by department and indicator"), "departments": N_("Scores by department"),
          "department": N_("Department"), "total": N_("Total"), "errors": N_("Errors"),
          "filter": N_("Filter by department id or name:")}  # the page's words, shown with label()
HEAT_STEPS = 10  # a heat-map cell's colour: its 得分率 in tenths (h0 … h10, h10 full points)
HEAT_COLOURS = ("#b2182b", "#c73b35", "#d6604d", "#e58267", "#f4a582", "#f7bf9f", "#fbd6c0", "#fde8dc",
                "#f4f1ec", "#e3f0dc", "#c7e6bd")
BATCH_STYLE = (
    "td.name .display { color: #57606a; margin-left: .5em; }\n"
    "svg .rate { fill: #2f6f9f; }\n"
    "table.heat { width: auto; font-size: .8em; }\n"
    "table.heat th.leaf { writing-mode: vertical-rl; white-space: nowrap; font-weight: 400; padding: .4em .2em; }\n"
    "table.heat td.cell { min-width: 1.4em; padding: 0; }\n"
    "table.heat td.none { color: #a61b1b; position: relative; }\n"
    "table.heat td.none span { position: absolute; left: .3em; white-space: nowrap; }\n"
    + "".join(f"table.heat td.h{step} {{ background: {colour}; }}\n" for step, colour in enumerate(HEAT_COLOURS))
    + "table.sortable th { cursor: pointer; }\n"
    "th[aria-sort=ascending]::after { content: ' ▲'; }\n"
    "th[aria-sort=descending]::after { content: ' ▼'; }\n"
    ".filter { margin: 0 0 .6rem; }\n"
    "@media print { .filter { display: none; } }\n")
# sorts a table.sortable by the column whose header is clicked (numbers numerically, empty cells last)
# and shows only the rows of the table.filterable ones whose id or name holds the filter's text
SCRIPT = """
(function () {
  function key(row, index, numeric) {
    var cell = row.cells[index], text = cell ? cell.textContent.trim() : "";
    if (!numeric) return text === "" ? null : text;
    var number = parseFloat(text);
    return isNaN(number) ? null : number;
  }
  function sort(table, th, index) {
    var numeric = th.classList.contains("number"), up = th.getAttribute("aria-sort") !== "ascending";
    table.tHead.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, index, numeric), y = key(b, index, numeric);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      var order = numeric ? x - y : x.localeCompare(y, "zh-CN", {numeric: true});
      return up ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.tHead.querySelectorAll("th").forEach(function (th, index) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sort(table, th, index); });
      th.addEventListener("keydown", function (event) { if (event.key === "Enter") sort(table, th, index); });
    });
  });
  var filter = document.getElementById("filter");
  if (!filter) return;
  filter.closest(".filter").hidden = false;
  filter.addEventListener("input", function () {
    var wanted = filter.value.trim().toLowerCase();
    document.querySelectorAll("table.filterable tbody tr").forEach(function (row) {
      row.hidden = wanted !== "" && row.cells[0].textContent.toLowerCase().indexOf(wanted) < 0;
    });
  });
})();
"""


def render_html_batch(scored: list, summary) -> str:
    """A batch's summary page: how many departments, the count per grade, the distribution of
    totals as a histogram, where departments lose points, and a table of every department (key and
    name, total, grade, errors)."""
    stream = io.StringIO()
    writer = HtmlBatchWriter(stream)
    for item in scored:
        writer.write(item)
    writer.close(summary)
    return stream.getvalue().removesuffix("\n")


def percent(value: numbers.Number) -> str:
    """A share (0.9833…, 1/3) as a percent with one decimal, half-up ("98.3%"): rounded only to be shown
    (here, and in the summary `rulecheck score` prints)."""
    return f"{numbers.round_to(numbers.multiply(value, Decimal(100)), 1)}%"


def _spool() -> IO[str]:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_SIZE, mode="w+", encoding="utf-8")


class HtmlBatchWriter:
    """The batch page, written department by department: the page shows the summary first, so each
    department's table row and heat-map row wait in temporary files (in memory up to SPOOL_SIZE
    characters each, then on disk) until `close(summary)` writes the page, the rows copied in; memory
    does not grow with the batch."""

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self.rows = _spool()
        self.heat = _spool()
        self.framework = ""
        self.leaves: list[tuple[str, Decimal]] = []  # the leaves' names and points, from the first result
        self.count = 0

    def write(self, item) -> None:
        if item.ok and not self.framework:
            self.framework = item.result.framework
        if item.ok and not self.leaves:
            self.leaves = [(node.name, node.max) for node in item.result.leaves()]
        self.rows.write(department_row(item) + "\n")
        self.heat.write(heat_row(item) + "\n")
        self.count += 1

    def close(self, summary) -> None:
        """The whole page, ending with a line break."""
        title = " — ".join(part for part in (self.framework, _(LABELS["title"])) if part)
        head, tail = page(title, "\0", BATCH_STYLE).split("\0")
        self.stream.write(head + summary_sections(self.framework, summary))
        if summary.indicators:
            self.stream.write(losses_section(summary.indicators) + heat_head(self.leaves))
            self._copy(self.heat)
            self.stream.write(TABLE_TAIL + "\n")
        self.heat.close()
        self.stream.write(f"<h2>{label('departments')}</h2>\n{filter_box()}\n{table_head()}")
        self._copy(self.rows)
        self.stream.write(("" if self.count else "\n") + TABLE_TAIL + f"\n<script>{SCRIPT}</script>" + tail + "\n")

    def _copy(self, spool: IO[str]) -> None:
        spool.seek(0)
        shutil.copyfileobj(spool, self.stream)
        spool.close()


def summary_sections(framework: str, summary) -> str:
    """The page's header and its summary: the count per grade, the figures and histogram of totals."""
    counted = ngettext("{count} department: {scored} scored, {failed} could not be scored",
                       "{count} departments: {scored} scored, {failed} could not be scored", summary.departments,
                       count=summary.departments, scored=summary.scored, failed=summary.failed)
    header = (f"<header><div><h1>{escape(framework) or label('title')}</h1>"
              f'<p class="department">{escape(counted)}</p></div></header>')
    counts = [*summary.grades, *([(_(LABELS["failed"]), summary.failed)] if summary.failed else [])]
    grades = "".join(f'<tr class="count"><td>{escape(name)}</td><td class="number">{count}</td></tr>'
                     for name, count in counts)
    figures = "".join(f"<div><dt>{figure_label(name)}</dt><dd>{value}</dd></div>"
                      for name, value in summary.figures().items())
    return (f"{header}\n<h2>{label('grades')}</h2>\n<table class=\"grades\"><thead><tr>"
            f"<th>{label('grade')}</th><th class=\"number\">{label('count')}</th></tr></thead>\n"
            f"<tbody>{grades}</tbody></table>\n"
            + (f'<h2>{label("distribution")}</h2>\n<dl class="figures">{figures}</dl>\n'
               f"{histogram(summary.histogram())}\n" if summary.scored else ""))


def label(key: str) -> str:
    """One of the page's words (LABELS) in the current language, escaped for the page."""
    return escape(_(LABELS[key]))


def figure_label(name: str) -> str:
    """A figure of the totals (batch.Summary.figures: "min", "median", …) named in the current language."""
    return escape(_(FIGURE_NAMES[name]))


def head_row(columns: tuple) -> str:
    """A table's header row: each column's label (a LABELS key), a number's aligned right."""
    return "".join(f'<th class="number">{label(key[1:])}</th>' if key.startswith("#") else f"<th>{label(key)}</th>"
                   for key in columns)


# ---- where departments lose points --------------------------------------------------------------

def losses_section(indicators) -> str:
    """The indicators where departments lose most first (batch.Losses): points, average 得分率 with a
    bar, the share of departments losing points, the mean points lost."""
    head = head_row(("indicator", "#points", "#rate", "#losing", "#lost"))
    rows = "\n".join(losses_row(losses) for losses in indicators)
    return (f"<h2>{label('losses')}</h2>\n"
            f'<table class="losses sortable">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n')


def losses_row(losses) -> str:
    """One indicator's row of the loss table; the figures rounded only here, to be shown."""
    filled = _scaled(losses.total, losses.scored * losses.max, RATE_BAR)
    bar = (f'<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" width="{RATE_BAR}" height="10">'
           f'<rect class="track" width="{RATE_BAR}" height="10"/>'
           f'<rect class="rate" width="{filled}" height="10"/></svg>')
    lost = format_number(numbers.round_to(losses.mean_lost, 2))
    return (f'<tr class="losses"><td class="name">{escape(losses.name)}</td>'
            f'<td class="number">{format_number(losses.max)}</td>'
            f'<td class="number">{percent(losses.rate)} {bar}</td>'
            f'<td class="number">{percent(losses.share_losing)}</td><td class="number">{lost}</td></tr>')


def heat_head(leaves: list[tuple[str, Decimal]]) -> str:
    """The heat map's title and header: the department, then a column per leaf, in tree order."""
    names = "".join(f'<th class="leaf">{escape(name)}</th>' for name, _points in leaves)
    return (f"<h3>{label('heat')}</h3>\n"
            f'<table class="heat filterable">\n<thead><tr>{head_row(("department",))}{names}</tr></thead>\n'
            "<tbody>\n")


def heat_row(item) -> str:
    """One department's row of the heat map: a cell per leaf coloured by its 得分率, its score in the
    cell's title; for a department that could not be scored, one cell saying so."""
    if not item.ok:
        cells = f'<td class="none"><span>{label("failed")}</span></td>'  # the span does not widen the column
    else:
        cells = "".join(heat_cell(node) for node in item.result.leaves())
    return f'<tr class="heat">{name_cell(item)}{cells}</tr>'


def heat_cell(node) -> str:
    title = f"{node.name}: {node.score} / {format_number(node.max)}"
    return f'<td class="cell h{heat_step(node.score, node.max)}" title="{escape(title)}"></td>'


def heat_step(score: Decimal, points: Decimal) -> int:
    """The 得分率 in whole tenths, rounded down (0 … HEAT_STEPS; full points only for HEAT_STEPS)."""
    if points <= 0:
        return HEAT_STEPS
    tenths = numbers.to_integral(numbers.divide(numbers.multiply(score, Decimal(HEAT_STEPS)), points), ROUND_FLOOR)
    return min(max(int(tenths), 0), HEAT_STEPS)


# ---- every department ---------------------------------------------------------------------------

def filter_box() -> str:
    """The filter's text box, hidden until the script shows it (without the script it would do nothing)."""
    return (f'<p class="filter" hidden><label>{label("filter")} '
            '<input type="search" id="filter"></label></p>')


def table_head() -> str:
    head = head_row(("department", "#total", "grade", "errors"))
    return f'<table class="departments sortable filterable">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'


TABLE_TAIL = "</tbody>\n</table>"


def departments_table(scored: list) -> str:
    """Every department in input order: its key and name, and its total and grade or why it has none."""
    return table_head() + "\n".join(map(department_row, scored)) + "\n" + TABLE_TAIL


def name_cell(item) -> str:
    """The department's key, and its display name beside it when it has one."""
    name = f'<span class="display">{escape(item.name)}</span>' if item.name else ""
    return f'<td class="name">{escape(item.key)}{name}</td>'


def department_row(item) -> str:
    """One department's row of the table: its key and name, and its total and grade or its errors."""
    if item.ok:
        cells = (f'<td class="number score">{item.result.total}</td>'
                 f"<td>{escape(item.result.grade or '')}</td><td></td>")
    else:
        errors = "\n".join(diagnostic.render() for diagnostic in item.diagnostics)
        cells = f'<td></td><td></td><td class="errors">{escape(errors)}</td>'
    return f'<tr class="{"scored" if item.ok else "failed"}">{name_cell(item)}{cells}</tr>'


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
        bounds = f"{format_number(low)}–{format_number(high)}"
        middle = x + COLUMN_WIDTH // 2
        parts.append(
            f"<g><title>{bounds}: {count}</title>"
            f'<rect class="bar" x="{x + 4}" y="{base - height}" width="{COLUMN_WIDTH - 8}" height="{height}"/>'
            f'<text class="count" x="{middle}" y="{base - height - 5}">{count}</text>'
            f'<text class="count" x="{middle}" y="{base + 17}">{bounds}</text></g>')
    parts.append(f'<line class="axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>')
    svg_height = base + 24
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label("distribution")}" '
            f'width="{width}" height="{svg_height}" viewBox="0 0 {width} {svg_height}">' + "".join(parts) + "</svg>")
