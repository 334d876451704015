"""The HTML report of one department, printed: the shipped case with --explain fits on two A4 pages in
either language, and its 说明 column keeps a readable width.

The page is printed to PDF by a real headless Chromium (/usr/bin/chromium) and the PDF's pages are
counted; the layout of the print style sheet is measured in the same browser. Without Chromium these
tests are skipped (tests/test_report_html.py says how to install it)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_report_html import run_browser

from rulecheck.cli import main

A4_CONTENT_WIDTH = 703  # CSS pixels: 210mm less the @page margins of 12mm each side, at 96 pixels an inch
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")  # a page object; /Type /Pages is the page tree
# what the print rules measure, written into the page by the test's copy of it: the table's width, the
# 说明 column's width, and the names whose text is wider than their cell
MEASURE = """<script>
addEventListener("load", () => {
  const table = document.querySelector("table.explained");
  const explanation = table.querySelector("thead th:last-child");
  const overflowing = [...table.querySelectorAll("td.name")].filter(cell => cell.scrollWidth > cell.clientWidth);
  document.body.dataset.table = table.getBoundingClientRect().width;
  document.body.dataset.explanation = explanation.getBoundingClientRect().width;
  document.body.dataset.overflowing = overflowing.map(cell => cell.textContent).join("|");
});
</script>"""


@pytest.fixture(autouse=True)
def needs_chromium():
    if shutil.which("chromium") is None and shutil.which("/usr/bin/chromium") is None:
        pytest.skip("printing needs Chromium: apt-get install chromium")


def report(framework_path: Path, case_path: Path, folder: Path, lang: str) -> Path:
    """The report of the shipped case (its department named) with explanations, written by the command
    as a user would."""
    path = folder / f"report-{lang}.html"
    result = CliRunner().invoke(main, ["--lang", lang, "score", str(framework_path), str(case_path),
                                       "--format", "html", "--explain", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert "深圳市教育信息技术中心 (edu-info-center-2024)" in path.read_text(encoding="utf-8")
    return path


@pytest.fixture(params=["zh", "en"])
def printed_report(request, tmp_path, framework_path, case_path) -> tuple[str, Path]:
    return request.param, report(framework_path, case_path, tmp_path, request.param)


def pdf_pages(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF-"), "not a PDF file"
    return len(PDF_PAGE.findall(pdf))


def test_the_explained_report_prints_on_two_a4_pages(printed_report, tmp_path):
    lang, page = printed_report
    pdf = tmp_path / f"report-{lang}.pdf"
    run_browser(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    pages = pdf_pages(pdf.read_bytes())
    assert 1 <= pages <= 2, f"the {lang} report prints on {pages} pages"


def test_the_print_style_sheet_asks_for_a4_and_keeps_the_table_whole(printed_report):
    _lang, page = printed_report
    text = page.read_text(encoding="utf-8")
    assert "@page { size: A4; margin: 15mm 12mm; }" in text
    print_rules = text.split("@media print {", 1)[1].split("\n}\n", 1)[0]
    assert "thead { display: table-header-group; }" in print_rules  # the header again on the second page
    assert "tr { break-inside: avoid; }" in print_rules  # an indicator's row is never split
    assert re.search(r"td\.explanation \{[^}]*white-space: pre-wrap", print_rules)
    assert "<thead><tr><th>" in text


def test_printed_the_explanation_column_is_wide_and_names_fit(printed_report, tmp_path):
    """The print rules laid out at the width of an A4 page's text: 说明 takes more than half of the
    table, and every name (社会效益、经济效益、生态效益等, two levels in) wraps inside its cell."""
    lang, page = printed_report
    text = page.read_text(encoding="utf-8").replace("@media print {", "@media all {")
    measured = tmp_path / f"measured-{lang}.html"
    measured.write_text(text.replace("</body>", MEASURE + "\n</body>"), encoding="utf-8")
    dom = run_browser(tmp_path, "--dump-dom", f"--window-size={A4_CONTENT_WIDTH},1000",
                      measured.as_uri()).stdout.decode("utf-8")
    found = dict(re.findall(r'data-(table|explanation|overflowing)="([^"]*)"', dom))
    assert set(found) == {"table", "explanation", "overflowing"}, dom[:300]
    table, explanation = float(found["table"]), float(found["explanation"])
    assert table <= A4_CONTENT_WIDTH
    assert explanation >= 0.55 * table, (explanation, table)
    assert found["overflowing"] == ""
