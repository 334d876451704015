"""Chinese in the HTML report is drawn as Chinese, not as empty boxes ("tofu").

Without a CJK font the browser draws every Chinese character as the same empty box, and a page
still renders, so a screenshot test that only counts colours passes. Here the report's own page and
style sheet (report.html.page) draw 满意度 large in a headless Chromium; the three characters' ink is
measured: drawn with a CJK font, each is an em wide with its own strokes; as tofu, each is a box
about half as wide, all alike.
The same measure is then run in a browser that sees no CJK font (a fontconfig file naming only the
DejaVu fonts) to show that it does catch tofu.

Needs Debian's fonts-noto-cjk (the README's test command and .ci/run install it) and chromium.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_report_html import chromium, png_pixels, run_browser

from rulecheck.report.html import page

SIZE = (600, 200)  # the window, in pixels
WORD = "满意度"
NO_CJK_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""


EM = 96  # the font size, in pixels: a CJK character is one em wide


def drawn(tmp_path: Path, environment: dict | None = None) -> tuple[int, list[frozenset]]:
    """WORD drawn EM pixels high, black on white, with the report's page and fonts: the width of its
    ink, and the ink of each third of it (a character each), as (x, y) offsets from the third's corner."""
    html = tmp_path / "word.html"
    body = (f'<p style="font-size:{EM}px;line-height:1;margin:0;position:absolute;left:20px;top:40px;'
            f'letter-spacing:0;color:#000">{WORD}</p>')
    html.write_text(page(WORD, body), encoding="utf-8")
    shot = tmp_path / "word.png"
    saved = dict(os.environ)
    try:
        os.environ.update(environment or {})
        run_browser(tmp_path, f"--screenshot={shot}", f"--window-size={SIZE[0]},{SIZE[1]}",
                    "--hide-scrollbars", html.as_uri())
    finally:
        os.environ.clear()
        os.environ.update(saved)
    width, _, pixels = png_pixels(shot.read_bytes())
    ink = {(i % width, i // width) for i, pixel in enumerate(pixels) if max(pixel) < 128}
    if not ink:
        return 0, []
    left, right = min(x for x, _ in ink), max(x for x, _ in ink) + 1
    third = (right - left) / len(WORD)
    cells = [frozenset((x - left - round(n * third), y) for x, y in ink
                       if left + n * third <= x < left + (n + 1) * third) for n in range(len(WORD))]
    return right - left, cells


def looks_like_tofu(width: int, cells: list[frozenset]) -> bool:
    """Whether WORD came out as boxes (or nothing): its characters narrower than an em each (a box is
    about half an em wide), or all alike."""
    return width < 0.8 * EM * len(WORD) or len(set(cells)) < len(WORD)


def test_the_report_draws_chinese_with_a_cjk_font(tmp_path):
    chromium()
    width, cells = drawn(tmp_path)
    assert not looks_like_tofu(width, cells), (
        "Chinese renders as empty boxes: install a CJK font (Debian: apt-get install fonts-noto-cjk; the "
        "README's test command and .ci/run do)")
    assert all(len(cell) > EM * EM // 10 for cell in cells), "each of 满, 意, 度 is drawn with its strokes"


def test_without_a_cjk_font_the_measure_sees_tofu(tmp_path):
    chromium()
    fonts = Path("/usr/share/fonts/truetype/dejavu")
    if not fonts.is_dir() or not shutil.which("fc-list"):
        pytest.fail("this test draws the page with only the DejaVu fonts (Debian's fonts-dejavu-core)")
    config = tmp_path / "fonts.conf"
    config.write_text(NO_CJK_FONTS.format(fonts=fonts, cache=tmp_path / "fontcache"), encoding="utf-8")
    width, cells = drawn(tmp_path, {"FONTCONFIG_FILE": str(config)})
    assert looks_like_tofu(width, cells), "with no CJK font, 满意度 must come out as boxes, and the measure must say so"
