"""`rulecheck score --format html`: the page one department gets (read in a real headless Chromium,
and as HTML), and the summary page of a batch.

The browser test needs Debian's `chromium` (/usr/bin/chromium): `.ci/run` installs it, and so does
the README's test command on a fresh machine. Without it the test fails, saying how to install it.
"""

from __future__ import annotations

import csv
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.batch import Summary
from rulecheck.cli import main
from rulecheck.i18n import speaking
from rulecheck.inputs.facts import NAME_FIELDS
from rulecheck.report import render
from rulecheck.report.html import BAR_WIDTH
from rulecheck.syntax.printer import format_number

WINDOW = (1000, 1000)
BAR_COLOUR = bytes.fromhex("2f6f9f")  # svg .bar in report_html.STYLE
GRADE_COLOUR = bytes.fromhex("a61b1b")  # .grade's background
SMALL_RULES = """\
framework "<b>A & B</b>"
total 10
rounding 1 decimals half-up
inputs:
    满意度: percent from 0% to 100%
group "组 <一>" (10):
    indicator "满意 <script>" (10):
        formula: 满意度 × 10
"""


def score(*args):
    return CliRunner().invoke(main, ["score", *map(str, args)])


# ---- reading a page -------------------------------------------------------------------------------

class Page(HTMLParser):
    """What a page shows: the text of each table row with its class, and the SVG rectangles."""

    def __init__(self, text: str):
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self.rects: list[dict] = []
        self.tags: Counter = Counter()
        self.cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        attributes = dict(attrs)
        if tag == "tr":
            self.rows.append((attributes.get("class", ""), []))
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "rect":
            self.rects.append(attributes)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def table(self, kinds: tuple = ("group", "indicator")) -> list[list[str]]:
        """The cells of the rows whose (first) class is one of `kinds`."""
        return [cells for kind, cells in self.rows if kind.split()[:1] and kind.split()[0] in kinds]


# ---- in a real browser ----------------------------------------------------------------------------

def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("/usr/bin/chromium")
    if found is None:
        pytest.fail("the browser test needs Chromium: install it with 'apt-get install chromium' "
                    "(Debian; the README's test command and .ci/run do this when it is missing)")
    return found


def run_browser(tmp_path, *args) -> subprocess.CompletedProcess:
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", *map(str, args)]
    done = subprocess.run(command, check=False, capture_output=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the RGB pixels of an 8-bit RGB or RGBA PNG, unfiltered (RFC 2083, 6)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    position, compressed = 8, []
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour_type in (2, 6), (depth, colour_type)
        elif kind == b"IDAT":
            compressed.append(body)
        position += 12 + length
    step = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(b"".join(compressed)), width * step
    assert len(raw) == height * (stride + 1)
    previous, pixels = bytearray(stride), []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 2:  # up: the most common filter, done bytewise at once
            line = bytearray((value + up) & 255 for value, up in zip(line, previous))
        elif kind:
            for i in range(stride):
                left = line[i - step] if i >= step else 0
                up, up_left = previous[i], (previous[i - step] if i >= step else 0)
                if kind == 4:  # Paeth: the neighbour nearest left + up - up_left, ties to left, then up
                    to_left, to_up, to_up_left = abs(up - up_left), abs(left - up_left), abs(left + up - 2 * up_left)
                    near = left if to_left <= to_up and to_left <= to_up_left else up if to_up <= to_up_left else up_left
                    line[i] = (line[i] + near) & 255
                else:
                    line[i] = (line[i] + (left if kind == 1 else (left + up) // 2)) & 255
        pixels.extend(bytes(line[x:x + 3]) for x in range(0, stride, step))
        previous = line
    return width, height, pixels


@pytest.fixture(scope="module")
def report_page(tmp_path_factory, framework_path, case_path):
    """The report of the shipped case, written by the command as a user would."""
    folder = tmp_path_factory.mktemp("report")
    result = score(framework_path, case_path, "--format", "html", "--explain",
                   "--output", folder / "report.html")
    assert result.exit_code == 0, result.output
    return folder / "report.html"


def test_chromium_shows_the_total_the_grade_and_every_indicator(report_page, tmp_path, framework, case_facts):
    dom = run_browser(tmp_path, "--dump-dom", report_page.as_uri()).stdout.decode("utf-8")
    page = Page(dom)
    expected = framework.evaluate(case_facts)
    assert "97.83" in dom and expected.total == Decimal("97.83")
    assert '<span class="grade">优</span>' in dom
    shown = {cells[0]: cells[2] for cells in page.table(("indicator",))}
    assert shown == {leaf.name: str(leaf.score) for leaf in expected.leaves()}
    assert len(shown) == 21
    assert shown["预算执行率"] == "4.52" and shown["编外人员控制率"] == "0.50"
    assert page.table(("total",))[0] == ["Total", "100", "97.83", ""]
    assert "Department: 深圳市教育信息技术中心 (edu-info-center-2024)" in dom


def test_chromium_draws_the_page(report_page, tmp_path):
    run_browser(tmp_path, f"--screenshot={tmp_path / 'shot.png'}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                "--hide-scrollbars", report_page.as_uri())
    width, height, pixels = png_pixels((tmp_path / "shot.png").read_bytes())
    assert (width, height) == WINDOW
    colours = Counter(pixels)
    assert len(colours) > 100, "a page of text and bars has many colours (antialiasing), not a flat picture"
    assert colours.most_common(1)[0][1] < 0.95 * width * height
    assert colours[BAR_COLOUR] > 20 * 300, "the chart's bars are drawn: 14 bars, most of them full"
    assert colours[GRADE_COLOUR] > 500, "the grade's badge is drawn"


# ---- the page's HTML ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def result(framework, case_facts):
    return framework.evaluate(case_facts)


def test_the_page_is_self_contained_utf8_html(result):
    page_text = render(result, "html", True, department="edu-info-center-2024")
    assert page_text.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<meta charset="utf-8">' in page_text
    page = Page(page_text)
    assert page.tags["script"] == page.tags["link"] == page.tags["img"] == page.tags["iframe"] == 0
    assert "http" not in page_text.replace('xmlns="http://www.w3.org/2000/svg"', ""), "nothing is fetched"
    assert "src=" not in page_text and "url(" not in page_text
    assert '"Noto Sans CJK SC"' in page_text and '"Microsoft YaHei"' in page_text  # fonts with Chinese glyphs
    assert "<title>部门整体支出绩效评价共性指标体系框架 — edu-info-center-2024</title>" in page_text
    assert '<p class="department">Department: edu-info-center-2024</p>' in page_text


@pytest.mark.parametrize(("lang", "html_lang", "words"), [
    ("zh", "zh-CN", ["部门: ", "各组得分", "评分表", "各组得分与分值", "指标", "分值", "得分", "说明", "总分", "等级"]),
    ("en", "en", ["Department: ", "Scores by group", "Score sheet", "Each group&#x27;s score out of its points",
                  "Indicator", "Points", "Score", "Explanation", "Total", "Grade"])])
def test_the_page_speaks_the_current_language(result, lang, html_lang, words):
    with speaking(lang):
        page_text = render(result, "html", True, department="edu-info-center-2024", name="深圳市教育信息技术中心")
    label, chart, sheet, aria, *table = words
    assert page_text.startswith(f'<!DOCTYPE html>\n<html lang="{html_lang}">')
    assert f'<p class="department">{label}深圳市教育信息技术中心 (edu-info-center-2024)</p>' in page_text
    assert f'<h2 class="chart">{chart}</h2>' in page_text and f"<h2>{sheet}</h2>" in page_text
    assert f'aria-label="{aria}"' in page_text
    page = Page(page_text)
    assert page.rows[0][1] == table[:4]
    assert [cells[0] for cells in page.table(("total",))] == table[4:]
    assert "<title>部门整体支出绩效评价共性指标体系框架 — 深圳市教育信息技术中心 (edu-info-center-2024)</title>" in page_text


def test_the_page_names_the_department_by_what_is_known(result):
    by_name = render(result, "html", name="深圳市教育信息技术中心")
    assert '<p class="department">Department: 深圳市教育信息技术中心</p>' in by_name
    assert 'class="department"' not in render(result, "html")


def test_the_table_is_the_appendix_with_explanations(result):
    page = Page(render(result, "html", True))
    assert page.rows[0][1] == ["Indicator", "Points", "Score", "Explanation"]
    rows = page.table()
    nodes = [node for _, node in result.walk()]
    assert [cells[:3] for cells in rows] == [[n.name, format_number(n.max), str(n.score)]
                                            for n in nodes]
    assert [cells[3] for cells in rows] == ["\n".join(n.explanation) for n in nodes]
    timely = {cells[0]: cells[3] for cells in rows}["项目完成及时性"]
    assert timely.splitlines() == ["min(按计划时间完成项目数 ÷ 计划完成项目数, 1) × 6 = min(30 ÷ 31, 1) × 6 = 5.806452…",
                                   "5.806452… rounded to 5.81"]
    assert page.table(("total",)) == [["Total", "100", "97.83", ""], ["Grade", "", "优", ""]]


def test_levels_are_indented_and_lost_points_marked(result):
    page_text = render(result, "html")
    assert '<tr class="group"><td class="name" style="padding-left: calc(.6em + 0 * 1.5em)">部门决策</td>' in page_text
    assert 'style="padding-left: calc(.6em + 1 * 1.5em)">预算编制</td>' in page_text
    assert 'style="padding-left: calc(.6em + 2 * 1.5em)">预算执行率</td>' in page_text
    lost = [cells[0] for kind, cells in Page(page_text).rows if "lost" in kind.split()]
    assert lost == [leaf.name for leaf in result.leaves() if leaf.score < leaf.max]
    assert lost == ["编外人员控制率", "预算执行率", "项目完成及时性"]


def test_without_explain_the_table_has_no_explanation_column(result):
    page = Page(render(result, "html", False))
    assert page.rows[0][1] == ["Indicator", "Points", "Score"]
    assert all(len(cells) == 3 for cells in page.table())
    assert "rounded to" not in render(result, "html", False)


def test_the_chart_has_a_bar_per_group_as_long_as_its_share_of_points(result):
    page = Page(render(result, "html"))
    tracks = [rect for rect in page.rects if rect["class"] == "track"]
    bars = [rect for rect in page.rects if rect["class"] == "bar"]
    groups = [node for _, node in result.walk() if node.kind == "group"]
    assert len(tracks) == len(bars) == len(groups) == 14
    assert {track["width"] for track in tracks} == {str(BAR_WIDTH)}
    widths = {group.name: Decimal(bar["width"]) for group, bar in zip(groups, bars)}
    assert widths["人员管理"] == BAR_WIDTH * Decimal("1.50") / 2 == 270
    assert widths["部门管理"] == BAR_WIDTH * Decimal("19.50") / 20 == 351
    assert widths["部门决策"] == BAR_WIDTH
    assert widths["效率性"] == (BAR_WIDTH * Decimal("18.33") / 20).quantize(Decimal("0.1")) == Decimal("329.9")
    assert "<title>人员管理: 1.50 / 2</title>" in render(result, "html")


def test_names_are_escaped_and_decimals_follow_the_rounding():
    small = rulecheck.loads(SMALL_RULES).evaluate({"满意度": "93.33%"}, explain=True)
    page_text = render(small, "html", True, department="<dept>")
    assert "<script>" not in page_text and "<b>" not in page_text and "<dept>" not in page_text
    assert "<h1>&lt;b&gt;A &amp; B&lt;/b&gt;</h1>" in page_text
    page = Page(page_text)
    assert page.table() == [["组 <一>", "10", "9.3", ""],
                            ["满意 <script>", "10", "9.3", "满意度 × 10 = 93.33% × 10 = 9.333\n9.333 rounded to 9.3"]]
    assert page.table(("total",)) == [["Total", "10", "9.3", ""]]  # no grades declared: no grade row
    assert 'class="grade"' not in page_text


def test_the_command_prints_the_page_or_writes_it(framework_path, case_path, tmp_path):
    assert ("<p class=\"department\">Department: 深圳市教育信息技术中心 (edu-info-center-2024)</p>"
            in score(framework_path, case_path, "--format", "html").stdout)
    printed = score(framework_path, case_path, "--format", "html")
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith("<!DOCTYPE html>")
    assert "Department: 深圳市教育信息技术中心 (edu-info-center-2024)" in printed.stdout  # the facts' 名称
    chinese = CliRunner().invoke(main, ["--lang", "zh", "score", str(framework_path), str(case_path), "--format", "html"])
    assert '<html lang="zh-CN">' in chinese.stdout and "部门: 深圳市教育信息技术中心 (edu-info-center-2024)" in chinese.stdout
    written = score(framework_path, case_path, "--format", "html", "-o", tmp_path / "out.html")
    assert written.exit_code == 0 and written.stdout == ""
    assert (tmp_path / "out.html").read_text(encoding="utf-8") == printed.stdout


# ---- a batch --------------------------------------------------------------------------------------

def write_batch(path, facts: dict, changes: list[dict]) -> None:
    """A CSV with a row per change: the shipped case's facts with those values replaced (no 名称 column:
    the departments are named by their ids)."""
    facts = {name: value for name, value in facts.items() if name not in NAME_FIELDS}
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, ["id", *facts])
        writer.writeheader()
        for number, change in enumerate(changes, 1):
            row = {name: ("是" if value is True else "否" if value is False else value) for name, value in facts.items()}
            writer.writerow({"id": f"D{number:02}", **row, **change})


BATCH = [{}, {"满意度": "85%"}, {"满意度": "abc"}, {"四季度支出进度": "70%"}, {"满意度": "92%"}]


@pytest.fixture
def batch_page(tmp_path, framework_path, case_facts):
    write_batch(tmp_path / "batch.csv", case_facts.values, BATCH)
    result = CliRunner().invoke(main, ["--lang", "en", "score", str(framework_path), str(tmp_path / "batch.csv"),
                                       "--format", "html", "-o", str(tmp_path / "batch.html")])
    assert result.exit_code == 1, result.output  # a department could not be scored
    return (tmp_path / "batch.html").read_text(encoding="utf-8")


def test_the_batch_page_counts_grades_and_lists_every_department(batch_page, framework, case_facts):
    page = Page(batch_page)
    expected = [framework.evaluate({**case_facts.values, **change}) for change in BATCH if change != {"满意度": "abc"}]
    assert "5 departments: 4 scored, 1 could not be scored" in batch_page
    departments = page.table(("scored", "failed"))
    assert [cells[0] for cells in departments] == ["D01", "D02", "D03", "D04", "D05"]
    scored = [cells for cells in departments if cells[0] != "D03"]
    assert [cells[1:3] for cells in scored] == [[str(r.total), r.grade] for r in expected]
    assert scored[0][1] == "97.83"
    failed = {cells[0]: cells for cells in departments}["D03"]
    assert failed[1:3] == ["", ""]
    assert "batch.csv:4: error[F502]" in failed[3] and "满意度" in failed[3]
    grades = dict(page.table(("count",)))
    assert grades == {"优": "4", "良": "0", "中": "0", "差": "0", "could not be scored": "1"}


def test_the_batch_histogram_has_a_column_per_bin(batch_page, framework, case_facts):
    page = Page(batch_page)
    totals = [framework.evaluate({**case_facts.values, **change}, explain=False).total
              for change in BATCH if change != {"满意度": "abc"}]
    bins = distribution(totals, Decimal(100))
    columns = [rect for rect in page.rects if rect["class"] == "bar"]
    assert len(columns) == len(bins)
    assert sum(count for _, _, count in bins) == 4
    tallest = max(count for _, _, count in bins)
    for rect, (_, _, count) in zip(columns, bins):
        assert Decimal(rect["height"]) == (Decimal(160) * count / tallest).quantize(Decimal("0.1"))
    for low, high, count in bins:
        assert f"<title>{format_number(low)}–{format_number(high)}: {count}</title>" \
            in batch_page


def distribution(totals, maximum: Decimal) -> list:
    """The bins the batch summary (and so the page) counts these totals in."""
    return Summary.of_totals(len(totals), 0, (), totals, maximum).histogram()


def test_distribution_bins_are_round_and_cover_the_totals():
    totals = [Decimal(t) for t in ("92.42", "93.83", "95.5", "97.83", "100")]
    bins = distribution(totals, Decimal(100))
    assert [(str(low), str(high)) for low, high, _ in bins][:2] == [("92.0", "92.5"), ("92.5", "93.0")]
    assert bins[-1][:2] == (Decimal("99.5"), Decimal(100)) and bins[-1][2] == 1  # the maximum is in the last bin
    assert len(bins) == 16 and sum(count for _, _, count in bins) == 5
    assert all(high - low == Decimal("0.5") for low, high, _ in bins)
    for total in totals:
        (holder,) = [b for b in bins if b[0] <= total < b[1] or (b is bins[-1] and total == b[1])]
        assert holder[2] >= 1
    wide = distribution([Decimal(3), Decimal(88)], Decimal(100))
    assert [(low, high) for low, high, _ in wide][:2] == [(0, 5), (5, 10)] and len(wide) == 20
    assert distribution([], Decimal(100)) == []
    assert distribution([Decimal(0)], Decimal(0)) == [(Decimal(0), Decimal(0), 1)]
