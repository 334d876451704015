"""Where departments lose points: the per-indicator statistics a batch's Tally keeps (exact, sorted where
departments lose most first), and how the HTML page, the workbook, the JSON summary and the terminal
show them; the heat map of every department; display names; messages in the run's language."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.batch import Batch, Losses, Summary, Tally, files_read, read_departments, score_departments, summarize
from rulecheck.cli import main
from rulecheck.i18n import speaking
from rulecheck.numbers import Ratio
from rulecheck.report import html_batch, render_batch
from rulecheck.report.rows import RowWriter

# three leaves: 甲 (10 points), 乙 (3), 丙 (15)
RULES = """\
framework "失分"
total 28
rounding 2 decimals
grades:
    ≥ 25 → 优
    < 25 → 差
inputs:
    甲: percent from 0% to 100%
    乙分: number from 0 to 3
    丙: percent from 0% to 100%
indicator "指标甲" (10):
    formula: 甲 × 10
indicator "指标乙" (3):
    formula: 乙分
indicator "指标丙" (15):
    formula: 丙 × 15
"""
# five departments, D4 cannot be scored; scores (甲, 乙, 丙): D1 10, 3, 15; D2 5, 0, 15; D3 10, 0, 7.5;
# D5 6, 1, 15
CSV = """\
id,名称,甲,乙分,丙
D1,财政局,100%,3,100%
D2,教育局,50%,0,100%
D3,,100%,0,50%
D4,卫健委,很高,1,100%
D5,<b>水务局</b>,60%,1,100%
"""
# by hand, over the 4 scored departments:
#   指标甲: sum 31,   rate 31 / 40   = 0.775, 2 lose points (D2, D5): 1/2, mean lost 10 - 7.75   = 2.25
#   指标乙: sum 4,    rate  4 / 12   = 1/3,   3 lose points (D2, D3, D5): 3/4, mean lost 3 - 1 = 2
#   指标丙: sum 52.5, rate 52.5 / 60 = 0.875, 1 loses points (D3): 1/4, mean lost 15 - 13.125 = 1.875
EXPECTED = [
    {"name": "指标乙", "max": "3", "rate": "1/3", "losing": 3, "share losing": "0.75", "mean lost": "2"},
    {"name": "指标甲", "max": "10", "rate": "0.775", "losing": 2, "share losing": "0.5", "mean lost": "2.25"},
    {"name": "指标丙", "max": "15", "rate": "0.875", "losing": 1, "share losing": "0.25", "mean lost": "1.875"},
]


@pytest.fixture
def rules(tmp_path) -> Path:
    path = tmp_path / "losses.rules"
    path.write_text(RULES, encoding="utf-8")
    return path


@pytest.fixture
def ruleset(rules):
    return rulecheck.load(rules)


@pytest.fixture
def departments_csv(tmp_path) -> Path:
    path = tmp_path / "departments.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


@pytest.fixture
def scored(ruleset, departments_csv) -> list:
    return list(score_departments(ruleset, read_departments(departments_csv, ruleset.inputs)))


@pytest.fixture
def summary(ruleset, scored) -> Summary:
    return summarize(ruleset, scored)


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)])


class Page(HTMLParser):
    """A page's table rows (their class, their cells' text and attributes), and its headings."""

    def __init__(self, text: str):
        super().__init__()
        self.rows: list[tuple[str, list[str], list[dict]]] = []
        self.headings: list[str] = []
        self.cell: list[str] | None = None
        self.heading: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append((dict(attrs).get("class", ""), [], []))
        elif tag in ("td", "th"):
            self.cell = []
            self.rows[-1][2].append(dict(attrs))
        elif tag in ("h2", "h3"):
            self.heading = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append("".join(self.cell))
            self.cell = None
        elif tag in ("h2", "h3") and self.heading is not None:
            self.headings.append("".join(self.heading))
            self.heading = None

    def handle_data(self, data):
        for parts in (self.cell, self.heading):
            if parts is not None:
                parts.append(data)

    def table(self, kind: str) -> list[tuple[list[str], list[dict]]]:
        return [(cells, attributes) for cls, cells, attributes in self.rows if cls.split()[:1] == [kind]]


# ---- the statistics -------------------------------------------------------------------------------

def test_the_statistics_are_the_hand_computed_ones(summary):
    assert (summary.departments, summary.scored, summary.failed) == (5, 4, 1)
    assert [losses.to_dict() for losses in summary.indicators] == EXPECTED
    assert summary.to_dict()["indicators"] == EXPECTED


def test_a_rate_that_never_terminates_stays_exact(summary):
    second = {losses.name: losses for losses in summary.indicators}["指标乙"]
    assert second.rate == Ratio(1, 3) and type(second.rate) is Ratio
    assert second.share_losing == Decimal("0.75") and second.mean_lost == Decimal(2)
    assert html_batch.percent(second.rate) == "33.3%"  # rounded only to be shown


def test_where_departments_lose_most_comes_first_ties_by_share_then_tree_order(tmp_path):
    rules = tmp_path / "ties.rules"
    rules.write_text('framework "并列"\ntotal 30\nrounding 2 decimals\ninputs:\n'
                     "    a: number from 0 to 10\n    b: number from 0 to 10\n    c: number from 0 to 10\n"
                     + "".join(f'indicator "{name}" (10):\n    formula: {name}\n' for name in "bca"),
                     encoding="utf-8")
    ruleset = rulecheck.load(rules)
    tally = Tally(ruleset)
    for facts in ({"a": 5, "b": 10, "c": 10}, {"a": 5, "b": 0, "c": 0}):
        tally.add(next(score_departments(ruleset, [rulecheck.batch.Department("x", "x", facts)])))
    # every rate is 1/2; a: both lose points; b and c: one each, b first in the tree
    indicators = tally.summary().indicators
    assert [(losses.name, losses.rate, losses.share_losing) for losses in indicators] == [
        ("a", Decimal("0.5"), Decimal(1)), ("b", Decimal("0.5"), Decimal("0.5")), ("c", Decimal("0.5"), Decimal("0.5"))]
    assert sorted(reversed(indicators), key=Losses.sort_key) == list(indicators)


def test_the_tally_keeps_one_sum_per_leaf_however_many_departments(ruleset, departments_csv):
    tally = Tally(ruleset)
    for _ in range(20):
        for item in score_departments(ruleset, read_departments(departments_csv, ruleset.inputs)):
            tally.add(item)
    assert len(tally.sums) == len(tally.losing) == 3
    assert [losses.to_dict()["rate"] for losses in tally.summary().indicators] == ["1/3", "0.775", "0.875"]


def test_nothing_scored_has_no_indicators(ruleset, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,甲,乙分,丙\nD1,x,1,1%\n", encoding="utf-8")
    summary = summarize(ruleset, score_departments(ruleset, read_departments(path, ruleset.inputs)))
    assert summary.indicators == () and summary.to_dict()["indicators"] == []
    page = render_batch(list(score_departments(ruleset, read_departments(path, ruleset.inputs))), "html", summary)
    assert "Where departments lose points" not in page and 'class="heat' not in page


# ---- the page -------------------------------------------------------------------------------------

def test_the_page_lists_the_indicators_where_departments_lose_most_first(scored, summary):
    page = Page(render_batch(scored, "html", summary))
    assert page.headings[:4] == ["Grades", "Distribution of totals", "Where departments lose points",
                                 "Score rate by department and indicator"]
    assert page.headings[4] == "Scores by department"
    rows = [cells for cells, _attributes in page.table("losses")]
    assert rows == [["指标乙", "3", "33.3% ", "75.0%", "2"], ["指标甲", "10", "77.5% ", "50.0%", "2.25"],
                    ["指标丙", "15", "87.5% ", "25.0%", "1.88"]]


def test_the_heat_map_has_a_row_per_department_its_scores_in_the_titles(scored, summary):
    page = Page(render_batch(scored, "html", summary))
    heat = page.table("heat")
    assert [cells[0] for cells, _attributes in heat] == ["D1财政局", "D2教育局", "D3", "D4卫健委", "D5<b>水务局</b>"]
    titles = {cells[0]: [a.get("title") for a in attributes[1:]] for cells, attributes in heat}
    assert titles["D3"] == ["指标甲: 10.00 / 10", "指标乙: 0.00 / 3", "指标丙: 7.50 / 15"]
    colours = {cells[0]: [a["class"] for a in attributes[1:]] for cells, attributes in heat}
    assert colours["D3"] == ["cell h10", "cell h0", "cell h5"]  # full points, none, half
    assert colours["D5<b>水务局</b>"] == ["cell h6", "cell h3", "cell h10"]  # 1/3 of 乙's points: 3 tenths
    assert heat[3][0][1] == "could not be scored"
    header = [row for row in page.rows if any(a.get("class") == "leaf" for a in row[2])]
    assert header[0][1] == ["Department", "指标甲", "指标乙", "指标丙"]  # the leaves in tree order


def test_the_departments_table_shows_the_display_names_and_sorts_and_filters(scored, summary):
    text = render_batch(scored, "html", summary)
    page = Page(text)
    rows = [cells for cells, _attributes in page.table("scored")]
    assert [cells[:2] for cells in rows][:2] == [["D1财政局", "28.00"], ["D2教育局", "20.00"]]
    assert "&lt;b&gt;水务局&lt;/b&gt;" in text and "<b>水务局" not in text  # a name is escaped like a key
    assert text.count("<script>") == 1 and 'class="departments sortable filterable"' in text
    assert '<p class="filter" hidden>' in text  # shown by the script: without it the page shows everything
    assert "fetch(" not in text and "src=" not in text


def test_the_heat_map_rows_wait_on_disk_like_the_table_rows(scored, summary, monkeypatch):
    whole = render_batch(scored, "html", summary)
    monkeypatch.setattr(html_batch, "SPOOL_SIZE", 100)  # the rows go to a file on disk after 100 characters
    stream = io.StringIO()
    writer = html_batch.HtmlBatchWriter(stream)
    for item in scored:
        writer.write(item)
    assert writer.heat._rolled and writer.rows._rolled  # on disk
    writer.close(summary)
    assert stream.getvalue() == whole + "\n"
    assert whole.count('<tr class="heat">') == 5


def test_the_page_speaks_chinese_under_zh(scored, summary):
    with speaking("zh"):
        text = render_batch(scored, "html", summary)
    page = Page(text)
    assert page.headings == ["等级分布", "总分分布", "失分分析", "各部门各指标得分率", "各部门得分"]
    losses_head = next(cells for cls, cells, _a in page.rows if cells[:1] == ["指标"])
    assert losses_head == ["指标", "分值", "平均得分率", "失分部门占比", "平均失分"]
    assert "5 个部门: 4 个已评分, 1 个无法评分" in text and "按部门编号或名称筛选" in text
    assert "最低分" in text and "平均分" in text
    english = render_batch(scored, "html", summary)
    assert "失分分析" not in english and "最低分" not in english and "lowest total" in english


# ---- the workbook ---------------------------------------------------------------------------------

@pytest.fixture
def book(scored, summary, tmp_path):
    path = tmp_path / "batch.xlsx"
    path.write_bytes(render_batch(scored, "xlsx", summary))
    return openpyxl.load_workbook(path)


def test_the_workbook_has_the_losses_and_the_heat_map(book):
    assert book.sheetnames == ["Departments", "Losses", "Heat map", "Summary"]
    losses = [[cell.value for cell in row] for row in book["Losses"].iter_rows()]
    assert losses[0] == ["Indicator", "Points", "Average score rate", "Departments losing points", "Mean points lost"]
    assert [row[0] for row in losses[1:]] == ["指标乙", "指标甲", "指标丙"]
    assert losses[1][1:] == [3, pytest.approx(1 / 3, abs=1e-15), 0.75, 2]
    assert losses[2][1:] == [10, 0.775, 0.5, 2.25] and losses[3][1:] == [15, 0.875, 0.25, 1.875]
    assert {row[2].number_format for row in book["Losses"].iter_rows(min_row=2)} == {"0.0%"}
    assert book["Losses"].auto_filter.ref == "A1:E4" and book["Heat map"].auto_filter.ref == "A1:E6"
    heat = book["Heat map"]
    values = [[cell.value for cell in row] for row in heat.iter_rows()]
    assert values[0] == ["Department", "Name", "指标甲", "指标乙", "指标丙"]
    assert values[1] == ["D1", "财政局", 1, 1, 1] and values[3] == ["D3", None, 1, 0, 0.5]
    assert values[4][:2] == ["D4", "卫健委"] and values[4][2:] == [None, None, None]  # could not be scored
    assert values[5][3] == pytest.approx(1 / 3, abs=1e-15)
    assert heat["C2"].number_format == "0.0%"
    (scale,) = heat.conditional_formatting
    assert str(scale.sqref) == "C2:E6" and scale.rules[0].type == "colorScale"


def test_the_departments_sheet_has_names_and_an_autofilter(book):
    sheet = book["Departments"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["Department", "Name", "指标甲", "指标乙", "指标丙", "Total", "Grade", "Errors"]
    assert sheet.auto_filter.ref == "A1:H6"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[:2] for row in rows] == [["D1", "财政局"], ["D2", "教育局"], ["D3", None], ["D4", "卫健委"],
                                         ["D5", "<b>水务局</b>"]]
    assert rows[0][5] == 28 and sheet["F2"].data_type == "n"  # the total: a value


def test_the_workbook_speaks_chinese_under_zh(scored, summary, tmp_path):
    path = tmp_path / "zh.xlsx"
    with speaking("zh"):
        path.write_bytes(render_batch(scored, "xlsx", summary))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["部门", "失分分析", "热力图", "汇总"]
    assert [cell.value for cell in book["失分分析"][1]] == ["指标", "分值", "平均得分率", "失分部门占比", "平均失分"]
    assert [cell.value for cell in book["部门"][1]][:2] == ["部门", "名称"]
    labels = [row[0].value for row in book["汇总"].iter_rows()]
    assert {"部门数", "已评分", "无法评分", "最低分", "最高分", "总分从"} <= set(labels)


# ---- the rows, the JSON summary and the terminal --------------------------------------------------

def test_a_row_writer_with_names_writes_the_name_after_the_key(scored):
    stream = io.StringIO()
    writer = RowWriter(stream, "csv", ["指标甲", "指标乙", "指标丙"], names=True)
    for item in scored[:3]:
        writer.write(item)
    assert stream.getvalue().splitlines() == ["key,name,指标甲,指标乙,指标丙,total,grade,error",
                                              "D1,财政局,10.00,3.00,15.00,28.00,优,", "D2,教育局,5.00,0.00,15.00,20.00,差,",
                                              "D3,,10.00,0.00,7.50,17.50,差,"]


def test_json_rows_carry_the_display_name_and_the_summary_the_indicators(rules, departments_csv):
    result = run("score", rules, departments_csv, "--format", "json")
    assert result.exit_code == 1  # D4 could not be scored
    data = json.loads(result.stdout)
    assert [row.get("name") for row in data["departments"]] == ["财政局", "教育局", None, "卫健委", "<b>水务局</b>"]
    assert data["summary"]["indicators"] == EXPECTED


def test_the_terminal_summary_names_where_departments_lose_most(rules, departments_csv):
    english = run("--lang", "en", "score", rules, departments_csv).stderr.splitlines()
    start = english.index("where departments lose most:")
    assert english[start + 1:] == [
        "  指标乙: average score rate 33.3%, 75.0% of departments lose points",
        "  指标甲: average score rate 77.5%, 50.0% of departments lose points",
        "  指标丙: average score rate 87.5%, 25.0% of departments lose points"]
    chinese = run("--lang", "zh", "score", rules, departments_csv).stderr.splitlines()
    start = chinese.index("失分最多的指标:")
    assert chinese[start + 1] == "  指标乙: 平均得分率 33.3%, 失分部门占比 75.0%"


# ---- messages in the run's language -----------------------------------------------------------------

def test_a_missing_column_is_said_once_under_chinese_messages_too(ruleset, rules, tmp_path):
    path = tmp_path / "missing.csv"
    path.write_text("id,甲,乙分\nD1,100%,3\nD2,50%,0\nD3,x,1\n", encoding="utf-8")  # no column 丙
    for lang in ("zh", "en"):
        with speaking(lang):
            outcome = Batch(ruleset, path, "csv", tmp_path / f"out-{lang}.csv").run()
        # D1 and D2 lack only 丙, which the header's F501 says; D3 also has a bad 甲, still to say
        assert [item.key for item in outcome.failures] == ["D3"]
        assert [d.code for d in outcome.failures[0].diagnostics] == ["F502"]
    result = run("--lang", "zh", "score", rules, path, "-o", tmp_path / "out.csv")
    assert result.stderr.count("F501") == 1


def test_the_files_a_run_reads_are_named_in_the_run_s_language(ruleset, rules, departments_csv):
    with speaking("zh"):
        roles = [role for role, _path in files_read(ruleset, rules, departments_csv)]
    assert roles[0] == "规则文件" and roles[-1] == "输入文件"
    assert [role for role, _path in files_read(ruleset, rules, departments_csv)][-1] == "the input"
